// Compiles deployed glue + runtime (written under `dir` by write_runtime/write_glue) with a test's main.cpp by
// g++ as C++11, -Wall -Werror, and runs it: what it printed, or "" with a test failure when a step fails.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "support/test_support.h"

namespace mote::test {

inline std::string build_and_run_glue(const TempDir& dir, const std::string& main_cpp) {
  write_text(dir / "main.cpp", main_cpp);
  const std::string d = dir.path().string();
  const std::string build = "g++ -std=c++11 -O2 -ffp-contract=off -Wall -Werror -I" + d + "/mote/include -I" + d + "/mote -I" + d +
                            "/impulse " + d + "/main.cpp $(find " + d + "/mote " + d + "/impulse -name '*.cpp') -o " + d + "/glue";
  if (std::system(build.c_str()) != 0) {
    ADD_FAILURE() << "the glue does not compile: " << build;
    return "";
  }
  if (std::system((d + "/glue > " + d + "/out.txt").c_str()) != 0) {
    ADD_FAILURE() << "the glue program failed";
    return "";
  }
  return read_text(dir / "out.txt");
}

}  // namespace mote::test
