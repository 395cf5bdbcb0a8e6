// src/impulse/dsp_tables_audio against the numpy/scipy tables written by tests/ref/mfe.py and mfcc.py.
#include "impulse/dsp_tables_audio.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/test_support.h"

using nlohmann::json;
using namespace mote;

namespace {

json run_script(const std::string& script, const std::string& file) {
  test::TempDir dir;
  if (test::run_reference(script, dir.path().string()) != 0) return json();
  return json::parse(test::read_text(dir / file));
}

const json& mfe_ref() {
  static const json j = run_script("mfe.py", "mfe.json");
  return j;
}

const json& mfcc_ref() {
  static const json j = run_script("mfcc.py", "mfcc.json");
  return j;
}

void expect_close(const std::vector<float>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_LE(std::fabs(got[i] - want[i]), 1e-6 * std::max(1.0, std::fabs(want[i]))) << "element " << i;
}

}  // namespace

TEST(AudioTables, MelFilterbankMatchesNumpy) {
  ASSERT_TRUE(mfe_ref().contains("filterbanks")) << "tests/ref/mfe.py failed";
  for (const json& t : mfe_ref()["filterbanks"]) {
    SCOPED_TRACE(t.dump().substr(0, 120));
    MelFilterbankTable fb = build_mel_filterbank(t["num_filters"], t["fft_length"], t["sample_rate_hz"],
                                                 t["low_hz"], t["high_hz"]);
    EXPECT_EQ(fb.num_bins, t["fft_length"].get<int>() / 2 + 1);
    expect_close(fb.dense(), t["dense"].get<std::vector<double>>());
    size_t total = 0;
    for (size_t m = 0; m < fb.num_filters; ++m) {
      EXPECT_LE(fb.first_bin[m] + fb.bin_count[m], fb.num_bins);
      total += fb.bin_count[m];
    }
    EXPECT_EQ(total, fb.weights.size());
    EXPECT_LE(fb.weights.size(), 2u * fb.num_bins);  // sparse: at most two filters overlap on a bin
    dsp::MelFilterbank v = fb.view();
    EXPECT_EQ(v.weights, fb.weights.data());
    EXPECT_EQ(v.num_filters, fb.num_filters);
  }
}

TEST(AudioTables, DctHammingLifterMatchScipy) {
  ASSERT_TRUE(mfcc_ref().contains("tables")) << "tests/ref/mfcc.py failed";
  const json& t = mfcc_ref()["tables"];
  for (const json& d : t["dct"])
    expect_close(build_dct2_ortho(d["num_cepstral"], d["num_filters"]), d["matrix"].get<std::vector<double>>());
  for (const json& h : t["hamming"])
    expect_close(build_hamming_window(h["length"]), h["window"].get<std::vector<double>>());
  for (const json& l : t["lifter"])
    expect_close(build_lifter(l["num_cepstral"], l["cep_lifter"]), l["values"].get<std::vector<double>>());
  EXPECT_TRUE(build_lifter(13, 0.0).empty());
}

TEST(AudioTables, DctRowsAreOrthonormal) {
  std::vector<float> d = build_dct2_ortho(32, 32);
  for (int a = 0; a < 32; ++a)
    for (int b = 0; b < 32; ++b) {
      double dot = 0;
      for (int m = 0; m < 32; ++m) dot += double(d[a * 32 + m]) * d[b * 32 + m];
      EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-6) << a << "," << b;
    }
}

TEST(AudioTables, RejectsBadParameters) {
  EXPECT_THROW(build_mel_filterbank(0, 256, 8000, 0, 4000), Error);
  EXPECT_THROW(build_mel_filterbank(26, 256, 8000, 0, 4001), Error);
  EXPECT_THROW(build_mel_filterbank(26, 256, 8000, 300, 300), Error);
  EXPECT_THROW(build_mel_filterbank(26, 256, 0, 0, 0), Error);
  EXPECT_THROW(build_dct2_ortho(27, 26), Error);
  EXPECT_THROW(build_hamming_window(0), Error);
  try {
    build_mel_filterbank(26, 256, 8000, 0, 5000);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("high"), std::string::npos) << e.what();
  }
}
