// Helpers shared by tests: temporary folders, running the mote binary, the shared datasets.
#pragma once

#include <filesystem>
#include <string>

namespace mote::test {

// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built `mote` with a shell-quoted argument string; captures stdout and stderr.
RunResult run_mote(const std::string& args);

// ../shared/datasets/<name> when present, else an empty path (callers GTEST_SKIP with a message).
std::filesystem::path dataset(const std::string& name);
// ../shared/peers/<name> when present, else an empty path (callers GTEST_SKIP with a message).
std::filesystem::path peer(const std::string& name);

void write_text(const std::filesystem::path& p, const std::string& text);
std::string read_text(const std::filesystem::path& p);

}  // namespace mote::test

namespace mote::test {

// Runs `/usr/bin/python3 tests/ref/<script> <args>` (Debian's interpreter with numpy/scipy);
// returns its exit code. Reference scripts write golden data into a folder the test passes.
int run_reference(const std::string& script, const std::string& args);

}  // namespace mote::test

#include <nlohmann/json.hpp>
#include <vector>

namespace mote::test {

// Runs tests/ref/<script> once per test binary run and returns <outdir>/<json_name> parsed (null on failure).
const nlohmann::json& reference_data(const std::string& script, const std::string& json_name);

// Max |actual - expected| / max(1, |expected|) over all elements; the DSP tolerance rule is <= 1e-4.
double max_relative_error(const std::vector<float>& actual, const std::vector<double>& expected);

}  // namespace mote::test
