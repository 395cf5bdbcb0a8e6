// Names and paths from HTTP requests (x-file-name, multipart file names, static paths): whatever is
// accepted must stay a plain name / inside the root.
#include <filesystem>

#include "fuzz_support.h"
#include "serve/paths.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = fuzz_bytes(data, size);
  try {
    std::string name = mote::serve::checked_file_name(in, "x-file-name");
    if (name.find('/') != std::string::npos || name.find('\0') != std::string::npos || name == ".." || name.empty())
      __builtin_trap();
  } catch (const mote::Error&) {
  }
  static const std::filesystem::path root = std::filesystem::temp_directory_path() / "mote-fuzz-root";
  static bool made = std::filesystem::create_directories(root) || true;
  (void)made;
  try {
    auto p = mote::serve::resolve_inside(root, in, "path");
    auto rel = p.lexically_normal().lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") __builtin_trap();
  } catch (const mote::Error&) {
  }
  return 0;
}
