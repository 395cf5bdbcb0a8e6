// File helpers with user-facing errors: bounded reads and atomic writes (temp file + rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mote {

constexpr uint64_t kDefaultMaxFileBytes = 512ull << 20;

// Reads a whole file; refuses one larger than max_bytes with a message that says how to raise the limit.
std::string read_file(const std::filesystem::path& path, uint64_t max_bytes = kDefaultMaxFileBytes);

// Writes via a temporary file in the same folder and renames it, so readers never see half a file.
void write_file_atomic(const std::filesystem::path& path, std::string_view data);

// "12", "4k", "512M", "2G" -> bytes; throws mote::Error naming `what` on bad input.
uint64_t parse_byte_size(const std::string& text, const std::string& what);

// `s` as one word for /bin/sh: single-quoted, embedded quotes escaped.
std::string shell_quote(const std::string& s);

}  // namespace mote
