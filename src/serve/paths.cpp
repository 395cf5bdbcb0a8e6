#include "serve/paths.h"

#include <vector>

#include "core/error.h"

namespace fs = std::filesystem;

namespace mote::serve {

namespace {
bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}
}  // namespace

std::string checked_file_name(std::string_view name, const std::string& where) {
  if (name.empty()) throw error_at(where, "empty file name; send a name such as idle.01.json");
  if (name.size() > 255) throw error_at(where, "file name longer than 255 bytes; shorten it");
  if (has_control(name)) throw error_at(where, "file name holds NUL or control characters; send a plain name");
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
    throw error_at(where, "file name holds a folder separator; send a plain name such as idle.01.json");
  if (name == "." || name == "..") throw error_at(where, "'" + std::string(name) + "' is not a file name");
  return std::string(name);
}

fs::path resolve_inside(const fs::path& root, std::string_view rel, const std::string& where) {
  if (rel.find('\0') != std::string_view::npos) throw error_at(where, "path holds a NUL byte");
  if (has_control(rel)) throw error_at(where, "path holds control characters");
  if (!rel.empty() && (rel[0] == '/' || rel[0] == '\\')) throw error_at(where, "absolute paths are refused; give a path inside the project");
  if (rel.size() >= 2 && rel[1] == ':') throw error_at(where, "drive paths are refused; give a path inside the project");
  // Split on both separators so "..\\x" is caught as well as "../x".
  std::vector<std::string> parts;
  std::string cur;
  for (char c : rel) {
    if (c == '/' || c == '\\') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  fs::path out = root;
  for (auto& p : parts) {
    if (p == "..") throw error_at(where, "'..' is refused; give a path inside the project");
    if (p.empty() || p == ".") continue;
    out /= p;
  }
  // A symlink inside root may still point outside it: compare the resolved paths.
  std::error_code ec;
  fs::path real_root = fs::weakly_canonical(root, ec);
  if (ec) throw error_at(where, "cannot resolve the root folder: " + ec.message());
  fs::path real = fs::weakly_canonical(out, ec);
  if (ec) throw error_at(where, "cannot resolve the path: " + ec.message());
  auto r = real_root.begin();
  auto p = real.begin();
  for (; r != real_root.end(); ++r, ++p)
    if (p == real.end() || *p != *r) throw error_at(where, "leads outside the project (through a link); refused");
  return out;
}

}  // namespace mote::serve
