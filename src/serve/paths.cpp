#include "serve/paths.h"

#include <cstdint>
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

bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      unsigned char t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

std::string checked_file_name(std::string_view name, const std::string& where) {
  if (name.empty()) throw error_at(where, "empty file name; send a name such as idle.01.json");
  if (name.size() > 255) throw error_at(where, "file name longer than 255 bytes; shorten it");
  if (has_control(name)) throw error_at(where, "file name holds NUL or control characters; send a plain name");
  if (!is_utf8(name)) throw error_at(where, "file name is not UTF-8 text; send it UTF-8 encoded");
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
