// zlib and gzip streams decompressed in memory (MAT v7 compressed variables, .gz recordings), bounded in size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mote {

// Decompresses a zlib stream (gzip = false) or a gzip file (gzip = true). Throws mote::Error naming `where`
// on corrupt input or when the result would exceed max_bytes.
std::string inflate_bytes(std::string_view bytes, bool gzip, const std::string& where, uint64_t max_bytes);

}  // namespace mote
