// The CMake library package: `add_subdirectory(OUT)` in a firmware or host project, link `<name>`, then
// write the int8 input, call <name>::invoke(), read the output. Holds the generated model and the runtime
// sources it needs (include/, nn/, port/); C++11, no heap, one static arena.
#pragma once

#include <filesystem>
#include <string>

#include "quant/quantize.h"

namespace mote::deploy {

struct PackageInfo {
  std::filesystem::path dir;
  size_t files = 0;
  size_t arena_bytes = 0;
  size_t const_bytes = 0;
};

// Writes the package into `out`, which must not exist or be empty; everything is written to a sibling
// temporary folder first and renamed, so a failure leaves nothing behind. Throws mote::Error naming `out`.
PackageInfo write_cpp_library(const quant::QModel& q, const std::string& name, const std::filesystem::path& out);

}  // namespace mote::deploy
