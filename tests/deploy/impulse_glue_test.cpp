// The generated impulse glue for every deployable DSP block (raw, flatten, spectral with a filter and bands),
// blocks reading axis subsets, and a k-means block over selected features: compiled with the host compiler
// against the embedded runtime, run on random windows, its features and anomaly scores must equal the host
// adapters' bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "deploy/impulse_codegen.h"
#include "deploy/runtime_files.h"
#include "glue_host.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace {

TEST(ImpulseGlue, EveryDeployableBlockMatchesTheHostBitForBit) {
  const nlohmann::json j = {
      {"input", {{"type", "time-series"}, {"window_ms", 1000}, {"stride_ms", 500}, {"frequency_hz", 50}, {"axes", {"x", "y", "z"}}}},
      {"dsp",
       {{{"name", "raw"}, {"type", "raw"}, {"axes", {"y"}}, {"params", {{"scale_axes", 0.5}}}},
        {{"name", "flat"}, {"type", "flatten"}, {"params", nlohmann::json::object()}},
        {{"name", "spec"}, {"type", "spectral"}, {"axes", {"z", "x"}},
         {"params", {{"filter_type", "low"}, {"filter_cutoff_hz", 8.0}, {"fft_length", 32}, {"spectral_bands", 4}, {"peaks", 2}}}}}},
      {"learn", nlohmann::json::array()}};
  mote::deploy::DeployableImpulse d;
  d.impulse = std::make_unique<mote::Impulse>(mote::parse_impulse(j), 3);
  const size_t width = d.impulse->width();
  ASSERT_GT(width, 60u);
  // A hand-made k-means over three selected features of all of them (centres in standardized units).
  auto& a = d.anomaly;
  a.type = "kmeans";
  a.input_width = width;
  a.select = {0, 55, static_cast<uint16_t>(width - 1)};
  a.mean = {0.1f, -0.2f, 0.3f};
  a.inv_scale = {1.5f, 0.5f, 2.0f};
  a.centers = {0, 0, 0, 1, -1, 0.5f};
  a.inv_radius = {0.8f, 1.25f};
  a.k = 2;
  a.threshold = 3;
  mote::learn::quantize_kmeans(a);  // the int8 centres the scorer reads
  d.has_anomaly = true;
  d.anomaly_cols.ranges = {{0, width}};
  d.anomaly_cols.width = width;
  const auto g = mote::deploy::generate_impulse(d);

  mote::test::TempDir dir;
  mote::test::write_glue(dir, g);

  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 2.0f);
  const int windows = 3;
  const size_t values = 50 * 3;
  std::vector<float> data(windows * values);
  for (auto& v : data) v = nd(rng);
  std::string main = "#include <stdio.h>\n#include <string.h>\n#include \"mote/impulse.h\"\nstatic const float kData[] = {" +
                     mote::deploy::float_list(data.data(), data.size()) +
                     "};\nstatic int rd(size_t o, size_t n, float* out, void* c) { memcpy(out, static_cast<const float*>(c) + o, n * 4); return 0; }\n"
                     "int main() {\n  for (int w = 0; w < " + std::to_string(windows) + "; ++w) {\n"
                     "    mote::Signal s = {" + std::to_string(values) + ", rd, const_cast<float*>(kData + w * " + std::to_string(values) + ")};\n"
                     "    mote::Result r;\n    if (mote::run_impulse(s, &r) != mote::MOTE_OK) return 1;\n"
                     "    for (size_t i = 0; i < r.feature_count; ++i) { unsigned b; memcpy(&b, r.features + i, 4); printf(\"%u \", b); }\n"
                     "    unsigned b; memcpy(&b, &r.anomaly, 4); printf(\"| %u\\n\", b);\n  }\n  return 0;\n}\n";
  const std::string printed = mote::test::build_and_run_glue(dir, main);

  std::string expected;
  for (int w = 0; w < windows; ++w) {
    auto r = mote::deploy::run_host(d, data.data() + w * values);
    for (float f : r.features) {
      unsigned b;
      std::memcpy(&b, &f, 4);
      expected += std::to_string(b) + " ";
    }
    unsigned b;
    std::memcpy(&b, &r.anomaly, 4);
    expected += "| " + std::to_string(b) + "\n";
    EXPECT_GT(r.anomaly, 0.0f);
  }
  EXPECT_EQ(printed, expected);
}

}  // namespace
