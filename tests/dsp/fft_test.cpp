// runtime/dsp/fft against numpy's rfft (tests/ref/fft.py).
#include "dsp/fft.h"

#include <gtest/gtest.h>

#include "impulse/dsp_tables.h"
#include "support/test_support.h"

using namespace mote;

TEST(Fft, MatchesNumpyRfft) {
  const auto& d = test::reference_data("fft.py", "fft.json");
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/fft.py failed";
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    uint32_t n = c["n"];
    RfftTableData t = make_rfft_tables(n);
    auto in = c["input"].get<std::vector<float>>();
    std::vector<float> out(n + 2), power(n / 2 + 1), scratch(n);
    ASSERT_EQ(dsp::rfft_f32(t.view(), in.data(), out.data(), scratch.data(), scratch.size() * 4), MOTE_OK);
    EXPECT_LE(test::max_relative_error(out, c["expected"].get<std::vector<double>>()), 1e-4);
    ASSERT_EQ(dsp::rfft_power_f32(t.view(), in.data(), power.data(), scratch.data(), scratch.size() * 4), MOTE_OK);
    EXPECT_LE(test::max_relative_error(power, c["power"].get<std::vector<double>>()), 1e-4);
  }
}

TEST(Fft, RefusesBadArguments) {
  RfftTableData t = make_rfft_tables(64);
  std::vector<float> in(64), out(66), scratch(64);
  EXPECT_EQ(dsp::rfft_f32(t.view(), in.data(), out.data(), scratch.data(), 10), MOTE_ERR_SCRATCH);
  dsp::RfftTables bad = t.view();
  bad.n = 48;
  EXPECT_EQ(dsp::rfft_f32(bad, in.data(), out.data(), scratch.data(), 256), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::rfft_f32(t.view(), nullptr, out.data(), scratch.data(), 256), MOTE_ERR_ARG);
  EXPECT_THROW(make_rfft_tables(100), std::exception);
}
