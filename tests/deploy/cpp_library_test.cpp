// src/deploy/cpp_library: the package is built with CMake as a user's project would (add_subdirectory),
// and must reproduce the host int8 executor byte for byte; its runtime files are the source tree's.
#include <gtest/gtest.h>

#include <sstream>

#include "core/error.h"
#include "deploy/cpp_library.h"
#include "quant/executor.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"

using namespace mote;

namespace {

int run(const std::string& cmd) { return std::system((cmd + " > /dev/null 2>&1").c_str()); }

}  // namespace

TEST(CppLibrary, BuildsWithCMakeAndMatchesTheHostExecutor) {
  test::TempDir dir;
  const auto m = test::classifier_models()[1];
  const auto q = quant::quantize(m, test::random_inputs(m, 200, 31));
  const auto info = deploy::write_cpp_library(q, "keywords", dir / "keywords");
  EXPECT_GT(info.files, 20u);
  EXPECT_GT(info.arena_bytes, 0u);
  // The embedded runtime is byte for byte the source tree's.
  for (const char* f : {"nn/conv2d_s8.cpp", "nn/softmax_s8.cpp", "include/mote/status.h", "port/status.cpp"})
    EXPECT_EQ(test::read_text(dir / "keywords" / "mote" / f), test::read_text(std::string(MOTE_SOURCE_DIR) + "/runtime/" + f))
        << f;
  EXPECT_FALSE(std::filesystem::exists(dir / "keywords" / "mote" / "dsp")) << "a model needs no DSP sources";

  std::ostringstream main;
  main << "#include <string.h>\n#include \"keywords.h\"\nint main() {\n";
  int idx = 0;
  for (const auto& x : test::random_inputs(m, 4, 32)) {
    const auto xq = quant::quantize_input(q, x.data());
    const auto y = quant::run_int8(q, xq.data());
    main << "  { static const signed char in[] = {";
    for (int v : xq) main << v << ",";
    main << "}; static const signed char out[] = {";
    for (int v : y) main << v << ",";
    main << "};\n    memcpy(keywords::input(), in, sizeof(in));\n    if (keywords::invoke() != mote::MOTE_OK) return 2;\n"
         << "    if (memcmp(keywords::output(), out, sizeof(out)) != 0) return " << 10 + idx++ << "; }\n";
  }
  main << "  return 0;\n}\n";
  test::write_text(dir / "app" / "main.cpp", main.str());
  test::write_text(dir / "app" / "CMakeLists.txt",
                   "cmake_minimum_required(VERSION 3.13)\nproject(app CXX)\nadd_subdirectory(../keywords keywords)\n"
                   "add_executable(app main.cpp)\ntarget_link_libraries(app PRIVATE keywords)\n");
  const std::string cmake = MOTE_CMAKE;
  ASSERT_EQ(run(cmake + " -S " + (dir / "app").string() + " -B " + (dir / "app-build").string() + " -G \"" +
                MOTE_CMAKE_GENERATOR + "\" -DCMAKE_CXX_COMPILER=" + MOTE_HOST_CXX + " -Dkeywords_EXAMPLE=ON"),
            0);
  ASSERT_EQ(run(cmake + " --build " + (dir / "app-build").string()), 0);
  EXPECT_EQ(std::system((dir / "app-build" / "app").string().c_str()), 0);
  // The package's own example prints one line per label.
  const auto example = dir / "example.txt";
  ASSERT_EQ(std::system(((dir / "app-build" / "keywords" / "keywords_example").string() + " > " + example.string()).c_str()), 0);
  const auto text = test::read_text(example);
  for (const auto& label : m.labels) EXPECT_NE(text.find(label + " "), std::string::npos) << text;
}

TEST(CppLibrary, RefusesToOverwriteAndLeavesNothingOnFailure) {
  test::TempDir dir;
  const auto m = test::classifier_models()[0];
  const auto q = quant::quantize(m, test::random_inputs(m, 20, 1));
  test::write_text(dir / "busy" / "keep.txt", "mine");
  try {
    deploy::write_cpp_library(q, "accel", dir / "busy");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::read_text(dir / "busy" / "keep.txt"), "mine");
  EXPECT_THROW(deploy::write_cpp_library(q, "bad-name", dir / "out"), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) entries += e.path().filename() != "busy";
  EXPECT_EQ(entries, 0u) << "no temporary folder left behind";
}
