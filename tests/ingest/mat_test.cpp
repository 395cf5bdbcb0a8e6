// The MAT importer against files written by scipy.io.savemat (tests/ref/mat_files.py), and its refusals.
#include "ingest/mat.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/files.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {

std::string ref_dir() {
  static test::TempDir dir;  // lives for the test binary; the script runs once
  static bool made = test::run_reference("mat_files.py", dir.path().string()) == 0;
  return made ? dir.path().string() : std::string();
}

json cases() {
  std::string d = ref_dir();
  return d.empty() ? json() : json::parse(test::read_text(d + "/mat_files.json"))["cases"];
}

Sample parse(const std::string& file, double interval_ms = 1000.0 / 48000) {
  ParseContext ctx{file, std::nullopt, interval_ms};
  return parse_mat(read_file(ref_dir() + "/" + file), ctx);
}

std::string error_of(std::string_view bytes, double interval_ms = 1.0) {
  try {
    parse_mat(bytes, ParseContext{"x.mat", std::nullopt, interval_ms});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Mat, CwruLayoutUncompressedAndCompressed) {
  json c = cases();
  ASSERT_FALSE(c.is_null()) << "tests/ref/mat_files.py failed";
  for (int k = 0; k < 2; ++k) {
    const json& e = c[k];
    Sample s = parse(e["file"]);
    ASSERT_EQ(s.axes(), 2u) << e["file"];
    EXPECT_EQ(s.sensors[0].name, "DE_time");  // the shared "X097_" record id is dropped
    EXPECT_EQ(s.sensors[1].name, "FE_time");
    EXPECT_EQ(s.frames(), 500u);
    EXPECT_DOUBLE_EQ(s.interval_ms, 1000.0 / 48000);
    auto want = e["values"].get<std::vector<float>>();
    ASSERT_EQ(s.values.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(s.values[i], want[i]) << e["file"] << " value " << i;
    EXPECT_EQ(s.provenance["scalars"]["X097RPM"], 1796.0);
    EXPECT_EQ(s.provenance["ignored_variables"], json::array({"short"}));
    EXPECT_EQ(s.provenance["variable_prefix"], "X097_");
  }
}

TEST(Mat, RowVectorAndMatrixOfIntegers) {
  json c = cases();
  ASSERT_FALSE(c.is_null());
  const json& e = c[2];
  Sample s = parse("mixed.mat", 10);
  std::vector<std::string> names;
  for (auto& x : s.sensors) names.push_back(x.name);
  EXPECT_EQ(names, e["sensors"].get<std::vector<std::string>>());
  ASSERT_EQ(s.frames(), 64u);
  for (size_t a = 0; a < names.size(); ++a) {
    auto col = e["columns"][names[a]].get<std::vector<double>>();
    for (size_t f = 0; f < 64; ++f) ASSERT_EQ(s.values[f * 4 + a], static_cast<float>(col[f])) << names[a] << " frame " << f;
  }
}

TEST(Mat, RefusesWhatItCannotRead) {
  ASSERT_FALSE(ref_dir().empty());
  std::string good = read_file(ref_dir() + "/cwru.mat");
  EXPECT_NE(error_of("hello").find("x.mat: not a readable MAT-file: no 'MATLAB 5.0 MAT-file' header"), std::string::npos) << error_of("hello");
  EXPECT_NE(error_of(good.substr(0, 300)).find("runs past the end"), std::string::npos) << error_of(good.substr(0, 300));
  std::string big = good;
  big[126] = 'M';
  big[127] = 'I';
  EXPECT_NE(error_of(big).find("big-endian"), std::string::npos);
  EXPECT_NE(error_of(good, 0).find("pass --frequency-hz"), std::string::npos) << error_of(good, 0);
  std::string compressed = read_file(ref_dir() + "/cwru_compressed.mat");
  std::string broken = compressed;
  for (size_t i = 200; i < 400 && i < broken.size(); ++i) broken[i] = static_cast<char>(broken[i] ^ 0x5a);
  EXPECT_NE(error_of(broken).find("x.mat"), std::string::npos) << error_of(broken);
  EXPECT_NE(error_of(good.substr(0, 128)).find("holds no numeric vector"), std::string::npos) << error_of(good.substr(0, 128));
}
