#include "support/test_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace mote::test {

TempDir::TempDir() {
  std::random_device rd;
  for (;;) {
    path_ = fs::temp_directory_path() / ("mote-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    if (fs::create_directory(path_)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

RunResult run_mote(const std::string& args) {
  TempDir tmp;
  std::string cmd = std::string(MOTE_BINARY) + " " + args + " >" + (tmp / "out").string() + " 2>" +
                    (tmp / "err").string() + " </dev/null";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(tmp / "out");
  r.err = read_text(tmp / "err");
  return r;
}

fs::path dataset(const std::string& name) {
  fs::path p = fs::path(MOTE_DATASETS_DIR) / name;
  return fs::exists(p) ? p : fs::path();
}

fs::path peer(const std::string& name) {
  fs::path p = fs::path(MOTE_DATASETS_DIR).parent_path() / "peers" / name;
  return fs::exists(p) ? p : fs::path();
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace mote::test

namespace mote::test {

int run_reference(const std::string& script, const std::string& args) {
  std::string cmd = "/usr/bin/python3 " + std::string(MOTE_SOURCE_DIR) + "/tests/ref/" + script + " " + args;
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace mote::test

#include <algorithm>
#include <cmath>
#include <map>

namespace mote::test {

const nlohmann::json& reference_data(const std::string& script, const std::string& json_name) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(script);
  if (it != cache.end()) return it->second;
  TempDir dir;
  nlohmann::json data;
  if (run_reference(script, dir.path().string()) == 0) data = nlohmann::json::parse(read_text(dir / json_name));
  return cache[script] = std::move(data);
}

double max_relative_error(const std::vector<float>& actual, const std::vector<double>& expected) {
  if (actual.size() != expected.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < actual.size(); ++i)
    worst = std::max(worst, std::fabs(static_cast<double>(actual[i]) - expected[i]) / std::max(1.0, std::fabs(expected[i])));
  return worst;
}

}  // namespace mote::test
