// runtime/dsp/fft against numpy's rfft, and the host tables (twiddles, bit reversal, windows) against
// numpy/scipy (tests/ref/fft.py).
#include "dsp/fft.h"

#include <gtest/gtest.h>

#include <cstring>

#include <cmath>

#include "core/error.h"
#include "impulse/dsp_tables.h"
#include "support/test_support.h"

using namespace mote;

namespace {
const nlohmann::json& fft_data() { return test::reference_data("fft.py", "fft.json"); }
}  // namespace

TEST(Fft, MatchesNumpyRfftForEveryLength) {
  const auto& d = fft_data();
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/fft.py failed";
  size_t checked = 0;
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    uint32_t n = c["n"];
    RfftTableData t = make_rfft_tables(n);
    auto in = c["input"].get<std::vector<float>>();
    std::vector<float> out(n + 2), power(n / 2 + 1), scratch(dsp::rfft_scratch_bytes(n) / sizeof(float));
    ASSERT_EQ(dsp::rfft_f32(t.view(), in.data(), out.data(), scratch.data(), dsp::rfft_scratch_bytes(n)), MOTE_OK);
    EXPECT_LE(test::max_relative_error(out, c["expected"].get<std::vector<double>>()), 1e-4);
    ASSERT_EQ(dsp::rfft_power_f32(t.view(), in.data(), power.data(), scratch.data(), dsp::rfft_scratch_bytes(n)), MOTE_OK);
    EXPECT_LE(test::max_relative_error(power, c["power"].get<std::vector<double>>()), 1e-4);
    ++checked;
  }
  EXPECT_GE(checked, 9u * 2);
}

TEST(Fft, OutputMayOverwriteInput) {
  RfftTableData t = make_rfft_tables(64);
  std::vector<float> x(66), buf(66), out(66), scratch(64);
  for (int i = 0; i < 64; ++i) buf[i] = x[i] = std::sin(0.3f * i) + 0.1f * i;
  ASSERT_EQ(dsp::rfft_f32(t.view(), x.data(), out.data(), scratch.data(), 256), MOTE_OK);
  ASSERT_EQ(dsp::rfft_f32(t.view(), buf.data(), buf.data(), scratch.data(), 256), MOTE_OK);
  EXPECT_EQ(buf, out);
  ASSERT_EQ(dsp::rfft_power_f32(t.view(), x.data(), x.data(), scratch.data(), 256), MOTE_OK);
  for (int k = 0; k <= 32; ++k) EXPECT_EQ(x[k], out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1]);
}

TEST(Fft, RefusesBadArguments) {
  RfftTableData t = make_rfft_tables(64);
  std::vector<float> in(64), out(66), scratch(64);
  EXPECT_EQ(dsp::rfft_f32(t.view(), in.data(), out.data(), scratch.data(), 255), MOTE_ERR_SCRATCH);
  EXPECT_EQ(dsp::rfft_power_f32(t.view(), in.data(), out.data(), scratch.data(), 10), MOTE_ERR_SCRATCH);
  dsp::RfftTables bad = t.view();
  bad.n = 48;
  EXPECT_EQ(dsp::rfft_f32(bad, in.data(), out.data(), scratch.data(), 256), MOTE_ERR_ARG);
  bad.n = 8;
  EXPECT_EQ(dsp::rfft_f32(bad, in.data(), out.data(), scratch.data(), 256), MOTE_ERR_ARG);
  bad = t.view();
  bad.sin = nullptr;
  EXPECT_EQ(dsp::rfft_power_f32(bad, in.data(), out.data(), scratch.data(), 256), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::rfft_f32(t.view(), nullptr, out.data(), scratch.data(), 256), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::rfft_f32(t.view(), in.data(), out.data(), nullptr, 256), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::rfft_scratch_bytes(4096), 4096u * 4);
}

TEST(DspTables, TwiddlesAndBitReversalMatchNumpy) {
  const auto& d = fft_data();
  ASSERT_TRUE(d.contains("tables")) << "tests/ref/fft.py failed";
  for (const auto& c : d["tables"]) {
    uint32_t n = c["n"];
    SCOPED_TRACE(n);
    RfftTableData t = make_rfft_tables(n);
    EXPECT_EQ(t.view().n, n);
    EXPECT_EQ(t.bitrev, c["bitrev"].get<std::vector<uint16_t>>());
    // Both are float64 cos/sin rounded once to float: equal, or one float apart on a rounding tie.
    auto cs = c["cos"].get<std::vector<float>>(), sn = c["sin"].get<std::vector<float>>();
    ASSERT_EQ(t.cos.size(), cs.size());
    for (size_t k = 0; k < cs.size(); ++k) {
      EXPECT_LE(std::fabs(t.cos[k] - cs[k]), 6e-8) << k;
      EXPECT_LE(std::fabs(t.sin[k] - sn[k]), 6e-8) << k;
    }
  }
  for (uint32_t n : {0u, 8u, 100u, 8192u}) EXPECT_THROW(make_rfft_tables(n), Error) << n;
}

TEST(DspTables, WindowsMatchScipyAndNumpy) {
  const auto& d = fft_data();
  ASSERT_TRUE(d.contains("windows")) << "tests/ref/fft.py failed";
  for (const auto& c : d["windows"]) {
    uint32_t n = c["n"];
    SCOPED_TRACE(n);
    auto near = [](const std::vector<float>& got, const std::vector<float>& want) {
      if (got.size() != want.size()) return false;
      for (size_t i = 0; i < got.size(); ++i)
        if (std::fabs(got[i] - want[i]) > 6e-8) return false;
      return true;
    };
    EXPECT_TRUE(near(hann_window(n), c["hann_periodic"].get<std::vector<float>>()));
    EXPECT_TRUE(near(hann_window(n, true), c["hann_symmetric"].get<std::vector<float>>()));
    EXPECT_TRUE(near(hamming_window(n), c["hamming_periodic"].get<std::vector<float>>()));
    EXPECT_TRUE(near(hamming_window(n, true), c["hamming_symmetric"].get<std::vector<float>>()));
  }
  EXPECT_THROW(hann_window(0), Error);
}

TEST(Fft, StageTwiddlesAreASpeedupOnlySameBits) {
  // The optional per-stage twiddle copies (host) and the strided reads (device, no copies) give the same
  // floats: what the host computes in training is what the device computes.
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<float>(static_cast<int32_t>(seed >> 8) - (1 << 23)) / static_cast<float>(1 << 23);
  };
  for (uint32_t n = 16; n <= 4096; n *= 2) {
    SCOPED_TRACE(n);
    RfftTableData t = make_rfft_tables(n);
    ASSERT_EQ(t.stage_cos.size(), n / 2 - 4);
    dsp::RfftTables fast = t.view(), plain = t.view();
    ASSERT_NE(fast.stage_cos, nullptr);
    plain.stage_cos = plain.stage_sin = nullptr;
    std::vector<float> in(n), a(n + 2), b(n + 2), scratch(n);
    for (auto& v : in) v = next();
    ASSERT_EQ(dsp::rfft_f32(fast, in.data(), a.data(), scratch.data(), n * 4), MOTE_OK);
    ASSERT_EQ(dsp::rfft_f32(plain, in.data(), b.data(), scratch.data(), n * 4), MOTE_OK);
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
    ASSERT_EQ(dsp::rfft_power_f32(fast, in.data(), a.data(), scratch.data(), n * 4), MOTE_OK);
    ASSERT_EQ(dsp::rfft_power_f32(plain, in.data(), b.data(), scratch.data(), n * 4), MOTE_OK);
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), (n / 2 + 1) * sizeof(float)));
  }
}

TEST(Fft, PackedInPlaceIsRfftPowerBitForBit) {
  // rfft_power_f32 is rfft_pack_f32 + rfft_power_packed_f32; in place (out = buf) and with an exact power-of-
  // two scale (1/n, as the audio blocks use it) the bits are those of the plain call, on both table kinds.
  uint32_t seed = 777;
  auto next = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<float>(static_cast<int32_t>(seed >> 8) - (1 << 23)) / static_cast<float>(1 << 23);
  };
  for (uint32_t n = 16; n <= 4096; n *= 2) {
    SCOPED_TRACE(n);
    RfftTableData t = make_rfft_tables(n);
    for (int stage = 0; stage < 2; ++stage) {
      dsp::RfftTables tab = t.view();
      if (!stage) tab.stage_cos = tab.stage_sin = nullptr;
      std::vector<float> in(n), want(n / 2 + 1), buf(n), scratch(n);
      for (auto& v : in) v = next();
      ASSERT_EQ(dsp::rfft_power_f32(tab, in.data(), want.data(), scratch.data(), n * 4), MOTE_OK);
      dsp::rfft_pack_f32(tab, in.data(), buf.data());
      dsp::rfft_power_packed_f32(tab, buf.data(), buf.data(), 1.0f);
      EXPECT_EQ(0, std::memcmp(buf.data(), want.data(), want.size() * sizeof(float)));
      const float inv_n = 1.0f / static_cast<float>(n);
      std::vector<float> scaled(n / 2 + 1);
      dsp::rfft_pack_f32(tab, in.data(), buf.data());
      dsp::rfft_power_packed_f32(tab, buf.data(), scaled.data(), inv_n);
      for (uint32_t k = 0; k <= n / 2; ++k) EXPECT_EQ(scaled[k], want[k] * inv_n) << k;
    }
  }
}
