// Deployed glue on the host: its files and the runtime subset it needs written under a folder, then compiled with
// a test's main.cpp by g++ as C++11, -Wall -Werror, and run.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "deploy/impulse_codegen.h"
#include "deploy/runtime_files.h"
#include "support/test_support.h"

namespace mote::test {

// g's files under dir/impulse, the runtime folders it names under dir/mote.
inline void write_glue(const TempDir& dir, const deploy::GeneratedImpulse& g) {
  for (size_t i = 0; i < deploy::kRuntimeFileCount; ++i) {
    const std::string p = deploy::kRuntimeFiles[i].path;
    for (const auto& f : g.runtime_folders)
      if (p.rfind(f, 0) == 0) write_text(dir / "mote" / p, deploy::kRuntimeFiles[i].text);
  }
  for (const auto& [name, text] : g.files) write_text(dir / "impulse" / name, text);
}

// What the glue built with main_cpp printed, or "" with a test failure when a step fails.
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
