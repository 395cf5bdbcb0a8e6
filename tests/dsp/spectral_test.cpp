// runtime/dsp/spectral against scipy welch / sosfilt / stats (tests/ref/spectral.py): the runtime function
// with tables from src/impulse/dsp_tables, and the host adapter (src/impulse/blocks/spectral.cpp).
#include "dsp/spectral.h"

#include <gtest/gtest.h>

#include <cmath>

#include "impulse/dsp_block.h"
#include "core/error.h"
#include "impulse/dsp_tables.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {

const json& spectral_data() { return test::reference_data("spectral.py", "spectral.json"); }

// A SpectralConfig and the host tables it points into, from a reference case's params.
struct Block {
  RfftTableData fft;
  std::vector<float> window, sos;
  std::vector<uint16_t> edges;
  dsp::SpectralConfig cfg{};

  Block(const json& p, uint16_t frames, uint16_t axes, float fs) {
    uint32_t n = p["fft_length"];
    fft = make_rfft_tables(n);
    window = hann_window(n);
    if (p["filter_type"] != "none") sos = butterworth_sos(p["filter_order"], p["filter_cutoff_hz"], fs, p["filter_type"] == "high");
    uint16_t bands = p["spectral_bands"];
    if (bands) edges = p["band_spacing"] == "log" ? log_band_edges(n, bands) : linear_band_edges(n, bands);
    cfg.frames = frames;
    cfg.axes = axes;
    cfg.sample_rate_hz = fs;
    cfg.scale = p["scale_axes"];
    cfg.filter = {static_cast<uint16_t>(sos.size() / 6), sos.empty() ? nullptr : sos.data()};
    cfg.fft = fft.view();
    cfg.window = window.data();
    cfg.bands = bands;
    cfg.band_edges = edges.empty() ? nullptr : edges.data();
    cfg.take_log = p["take_log"].get<bool>() ? 1 : 0;
    cfg.peaks = p["peaks"];
    cfg.peaks_threshold = p["peaks_threshold"];
    cfg.skip_power = p["skip_power"].get<bool>() ? 1 : 0;
  }

  std::vector<float> run(const std::vector<float>& in) const {
    std::vector<float> out(dsp::spectral_output_len(cfg));
    std::vector<float> scratch(dsp::spectral_scratch_bytes(cfg) / sizeof(float));
    Status st = dsp::spectral_f32(cfg, in.data(), out.data(), out.size(), scratch.data(), dsp::spectral_scratch_bytes(cfg));
    EXPECT_EQ(st, MOTE_OK);
    return out;
  }
};

Block block_for(const json& c) { return Block(c["params"], c["frames"], c["axes"], c["fs"]); }

}  // namespace

TEST(Spectral, MatchesScipyWelchAndStats) {
  const auto& d = spectral_data();
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/spectral.py failed";
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Block b = block_for(c);
    auto out = b.run(c["input"].get<std::vector<float>>());
    auto expected = c["expected"].get<std::vector<double>>();
    ASSERT_EQ(out.size(), expected.size());
    EXPECT_LE(test::max_relative_error(out, expected), 1e-4);
    for (size_t i = 0; i < out.size(); ++i)
      if (std::fabs(out[i] - expected[i]) > 1e-4 * std::max(1.0, std::fabs(expected[i])))
        ADD_FAILURE() << "feature " << i << ": " << out[i] << " vs " << expected[i];
  }
}

TEST(Spectral, HostAdapterRunsTheSameFunction) {
  const auto& d = spectral_data();
  ASSERT_TRUE(d.contains("cases"));
  size_t compared = 0;
  for (const auto& c : d["cases"]) {
    json p = c["params"];
    // The adapter's schema covers log bands, no peak threshold, power always on.
    if (p["band_spacing"] != "log" || p["peaks_threshold"] != 0.0 || p["skip_power"]) continue;
    SCOPED_TRACE(c["name"].get<std::string>());
    for (const char* key : {"band_spacing", "peaks_threshold", "skip_power"}) p.erase(key);
    InputSpec in;
    in.frequency_hz = c["fs"];
    in.window_ms = c["frames"].get<double>() * 1000.0 / in.frequency_hz;
    ASSERT_EQ(in.window_frames(), c["frames"].get<size_t>());
    size_t longest = 16;
    while (longest < in.window_frames()) longest <<= 1;
    if (p["fft_length"].get<size_t>() > longest) {  // the runtime zero-pads; the adapter refuses pure padding
      EXPECT_THROW(make_dsp_block({"spectral", "spectral", {}, p}, in, c["axes"], "impulse.dsp[0]"), Error);
      continue;
    }
    auto adapter = make_dsp_block({"spectral", "spectral", {}, p}, in, c["axes"], "impulse.dsp[0]");
    auto input = c["input"].get<std::vector<float>>();
    std::vector<float> out(adapter->output_size());
    BlockInput w;
    w.window = input.data();
    w.frames = c["frames"];
    w.axes = c["axes"];
    adapter->run(w, out.data());
    EXPECT_EQ(out, block_for(c).run(input));  // bit for bit: one implementation
    ++compared;
  }
  EXPECT_GT(compared, 20u);
}

TEST(Spectral, RealRecordingCaseRanWhenDatasetPresent) {
  const auto& d = spectral_data();
  ASSERT_TRUE(d.contains("cases"));
  if (test::dataset("ei-gestures").empty()) GTEST_SKIP() << "../shared/datasets/ei-gestures not present";
  EXPECT_TRUE(d["real_data"].get<bool>());
  bool found = false;
  for (const auto& c : d["cases"]) found |= c["name"] == "ei-gestures-circle";
  EXPECT_TRUE(found);
}

TEST(Spectral, PureSineGivesOnePeakAtItsBin) {
  // 7.8125 Hz = bin 8 of a 64-point FFT at 62.5 Hz; the second peak is missing: (0, log10(floor)).
  json p = {{"scale_axes", 1.0}, {"filter_type", "none"}, {"filter_cutoff_hz", 3.0}, {"filter_order", 6},
            {"fft_length", 64}, {"spectral_bands", 0}, {"band_spacing", "log"}, {"take_log", true},
            {"peaks", 2}, {"peaks_threshold", 0.0}, {"skip_power", true}};
  Block b(p, 128, 1, 62.5f);
  std::vector<float> x(128);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::sin(2 * M_PI * 8 * i / 64.0));
  auto out = b.run(x);
  ASSERT_EQ(out.size(), 3u + 4u);
  EXPECT_FLOAT_EQ(out[3], 7.8125f);
  EXPECT_EQ(out[5], 0.0f);
  EXPECT_NEAR(out[6], std::log10(1e-8 * 0.5), 1e-5);
}

TEST(Spectral, RefusesBadConfigs) {
  json p = {{"scale_axes", 1.0}, {"filter_type", "low"}, {"filter_cutoff_hz", 3.0}, {"filter_order", 6},
            {"fft_length", 32}, {"spectral_bands", 4}, {"band_spacing", "linear"}, {"take_log", true},
            {"peaks", 2}, {"peaks_threshold", 0.0}, {"skip_power", false}};
  Block b(p, 50, 2, 50.0f);
  std::vector<float> in(100, 1.0f), out(dsp::spectral_output_len(b.cfg)), scratch(dsp::spectral_scratch_bytes(b.cfg) / 4);
  const size_t bytes = scratch.size() * 4;
  ASSERT_EQ(out.size(), 2u * (3 + 4 + 4));
  EXPECT_EQ(dsp::spectral_f32(b.cfg, in.data(), out.data(), out.size(), scratch.data(), bytes), MOTE_OK);
  EXPECT_EQ(dsp::spectral_f32(b.cfg, in.data(), out.data(), out.size() - 1, scratch.data(), bytes), MOTE_ERR_SHAPE);
  EXPECT_EQ(dsp::spectral_f32(b.cfg, in.data(), out.data(), out.size(), scratch.data(), bytes - 1), MOTE_ERR_SCRATCH);
  EXPECT_EQ(dsp::spectral_f32(b.cfg, nullptr, out.data(), out.size(), scratch.data(), bytes), MOTE_ERR_ARG);
  auto refused = [&](void (*edit)(dsp::SpectralConfig&)) {
    dsp::SpectralConfig bad = b.cfg;
    edit(bad);
    return dsp::spectral_f32(bad, in.data(), out.data(), out.size(), scratch.data(), bytes) == MOTE_ERR_ARG;
  };
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.sample_rate_hz = 0; }));
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.fft.n = 48; }));
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.window = nullptr; }));
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.fft.sin = nullptr; }));
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.peaks = 17; }));
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.band_edges = nullptr; }));
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.frames = 0; }));
  static const uint16_t backwards[] = {1, 5, 4, 10, 17};
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.band_edges = backwards; }));
  static const uint16_t past_top[] = {1, 5, 9, 13, 18};
  EXPECT_TRUE(refused([](dsp::SpectralConfig& c) { c.band_edges = past_top; }));
}

TEST(DspTables, BandEdgesCoverBinsOneToHalf) {
  for (uint32_t n : {16u, 64u, 256u, 4096u})
    for (uint32_t bands : {1u, 3u, 8u, n / 4, n / 2}) {
      SCOPED_TRACE(std::to_string(n) + "/" + std::to_string(bands));
      for (const auto& e : {log_band_edges(n, bands), linear_band_edges(n, bands)}) {
        ASSERT_EQ(e.size(), bands + 1);
        EXPECT_EQ(e.front(), 1);
        EXPECT_EQ(e.back(), n / 2 + 1);
        for (size_t b = 0; b < bands; ++b) EXPECT_LT(e[b], e[b + 1]);
      }
    }
  EXPECT_EQ(linear_band_edges(16, 4), (std::vector<uint16_t>{1, 3, 5, 7, 9}));
  EXPECT_THROW(log_band_edges(64, 33), Error);
  EXPECT_THROW(linear_band_edges(64, 0), Error);
}

TEST(Spectral, ParameterErrorsNameTheField) {
  InputSpec in;
  auto err = [&](json params) {
    try {
      make_dsp_block({"s", "spectral", {}, params}, in, 3, "impulse.dsp[0]");
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err({{"fft_length", 100}}).find("impulse.dsp[0].params.fft_length: 100 is not a power of two"), std::string::npos);
  EXPECT_NE(err({{"filter_order", 9}}).find("params.filter_order: 9 is out of range; use 1 to 8"), std::string::npos);
  EXPECT_NE(err({{"filter_type", "low"}, {"filter_cutoff_hz", 40}}).find("below half the sampling rate"), std::string::npos);
  EXPECT_NE(err({{"fft_lenght", 64}}).find("unknown parameter"), std::string::npos);
  EXPECT_EQ(err({}), "");
  // 2 s at 62.5 Hz = 125 frames: an FFT up to 128 zero-pads once; 256 would only interpolate.
  EXPECT_EQ(err({{"fft_length", 128}}), "");
  EXPECT_NE(err({{"fft_length", 256}}).find("params.fft_length: 256 is longer than the window (125 frames); use at most 128"),
            std::string::npos);
  InputSpec shortwin = in;
  shortwin.window_ms = 320;  // 20 frames: the default FFT shrinks to 32
  auto b = make_dsp_block({"s", "spectral", {}, json::object()}, shortwin, 3, "impulse.dsp[0]");
  EXPECT_EQ(b->params()["fft_length"], 32);
  InputSpec huge = in;
  huge.window_ms = 2e6;  // 125 000 frames
  for (const char* type : {"raw", "flatten", "spectral"}) {
    try {
      make_dsp_block({"s", type, {}, json::object()}, huge, 3, "impulse.dsp[0]");
      ADD_FAILURE() << type << " accepted a window of 125000 frames";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("impulse.input.window_ms: window holds over 65535 frames"), std::string::npos) << e.what();
    }
  }
}
