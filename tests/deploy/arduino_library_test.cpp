// src/deploy/arduino_library: Arduino puts only the library's src/ on the include path and compiles every
// .cpp under it; this test does the same with the host compiler, runs the model against the host
// executor, and compiles the example sketch against a stand-in for Arduino.h.
#include <gtest/gtest.h>

#include <sstream>

#include "deploy/arduino_library.h"
#include "quant/executor.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"

using namespace mote;

TEST(ArduinoLibrary, CompilesWithOnlySrcOnTheIncludePathAndMatchesTheHostExecutor) {
  test::TempDir dir;
  const auto m = test::classifier_models()[2];
  const auto q = quant::quantize(m, test::random_inputs(m, 200, 41));
  const auto lib = dir / "vision";
  const auto info = deploy::write_arduino_library(q, "vision", lib);
  EXPECT_GT(info.files, 20u);
  const auto props = test::read_text(lib / "library.properties");
  EXPECT_NE(props.find("name=vision\n"), std::string::npos);
  EXPECT_NE(props.find("includes=vision.h\n"), std::string::npos);
  EXPECT_EQ(test::read_text(lib / "src" / "mote" / "status.h"),
            test::read_text(std::string(MOTE_SOURCE_DIR) + "/runtime/include/mote/status.h"));

  std::ostringstream main;
  main << "#include <string.h>\n#include \"vision.h\"\nint main() {\n";
  int idx = 0;
  for (const auto& x : test::random_inputs(m, 4, 42)) {
    const auto xq = quant::quantize_input(q, x.data());
    const auto y = quant::run_int8(q, xq.data());
    main << "  { static const signed char in[] = {";
    for (int v : xq) main << v << ",";
    main << "}; static const signed char out[] = {";
    for (int v : y) main << v << ",";
    main << "};\n    memcpy(vision::input(), in, sizeof(in));\n    if (vision::invoke() != mote::MOTE_OK) return 2;\n"
         << "    if (memcmp(vision::output(), out, sizeof(out)) != 0) return " << 10 + idx++ << "; }\n";
  }
  main << "  return 0;\n}\n";
  test::write_text(dir / "main.cpp", main.str());
  const std::string src = (lib / "src").string();
  const std::string cxx = std::string(MOTE_HOST_CXX) + " -std=gnu++11 -O1 -Wall -Werror -I" + src + " ";
  const std::string sources = "$(find " + src + " -name '*.cpp') ";
  ASSERT_EQ(std::system((cxx + (dir / "main.cpp").string() + " " + sources + "-o " + (dir / "app").string()).c_str()), 0);
  EXPECT_EQ(std::system((dir / "app").string().c_str()), 0);

  // The sketch, with the few Arduino calls it makes stood in for.
  test::write_text(dir / "Arduino.h",
                   "#pragma once\n#include <stddef.h>\nstruct SerialStub { void begin(long) {} template <typename T> void print(T) {}\n"
                   "  template <typename T> void println(T) {} template <typename T> void println(T, int) {} };\n"
                   "extern SerialStub Serial;\ninline unsigned long micros() { return 0; }\ninline void delay(unsigned long) {}\n"
                   "void setup();\nvoid loop();\n");
  test::write_text(dir / "sketch_main.cpp", "#include \"Arduino.h\"\nSerialStub Serial;\nint main() { setup(); loop(); return 0; }\n");
  const auto ino = lib / "examples" / "vision_example" / "vision_example.ino";
  ASSERT_TRUE(std::filesystem::exists(ino));
  ASSERT_EQ(std::system((cxx + "-I" + dir.path().string() + " -include Arduino.h -x c++ " + ino.string() + " -x none " +
                         (dir / "sketch_main.cpp").string() + " " + sources + "-o " + (dir / "sketch").string())
                            .c_str()),
            0);
  EXPECT_EQ(std::system((dir / "sketch").string().c_str()), 0);
}
