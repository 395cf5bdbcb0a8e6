// Names and paths that arrive in requests: they never reach outside the project (or the static root).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mote::serve {

// True when s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): text from
// a request that the store keeps and JSON replies quote.
bool is_utf8(std::string_view s);

// A file name from a request (x-file-name, a multipart filename): one plain name, no folders, no "..",
// no NUL or control characters, UTF-8, at most 255 bytes. Throws mote::Error naming `where`.
std::string checked_file_name(std::string_view name, const std::string& where);

// root/rel for a relative path from a request, refusing absolute paths, "..", NUL bytes and symlinks
// that lead out of root. Throws mote::Error naming `where`.
std::filesystem::path resolve_inside(const std::filesystem::path& root, std::string_view rel, const std::string& where);

}  // namespace mote::serve
