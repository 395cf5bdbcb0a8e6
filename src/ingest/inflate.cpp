#include "ingest/inflate.h"

#include <zlib.h>

#include <algorithm>

#include "core/error.h"

namespace mote {

std::string inflate_bytes(std::string_view bytes, bool gzip, const std::string& where, uint64_t max_bytes) {
  z_stream z{};
  // 15 window bits; +16 makes zlib expect a gzip header and trailer instead of a zlib one.
  if (inflateInit2(&z, gzip ? 15 + 16 : 15) != Z_OK) throw error_at(where, "cannot start zlib; out of memory?");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(bytes.size(), UINT32_MAX));
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (out.size() >= max_bytes) {
      inflateEnd(&z);
      throw error_at(where, "decompresses to more than " + std::to_string(max_bytes) + " bytes; raise --max-file-size if it is genuine");
    }
    size_t chunk = std::min<uint64_t>(std::max<size_t>(bytes.size() * 4, 1 << 16), max_bytes - out.size());
    size_t old = out.size();
    out.resize(old + chunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    z.avail_out = static_cast<uInt>(chunk);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(old + chunk - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) rc = Z_DATA_ERROR;  // input ended before the stream did
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string msg = z.msg ? z.msg : "corrupt data";
      inflateEnd(&z);
      throw error_at(where, std::string("not a valid ") + (gzip ? "gzip" : "zlib") + " stream (" + msg +
                                "); the file is damaged or truncated, fetch it again");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace mote
