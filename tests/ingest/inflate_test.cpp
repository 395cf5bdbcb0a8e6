// zlib/gzip decompression for importers: round trip through zlib's own compressor, truncation, size limit.
#include "ingest/inflate.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "core/error.h"

using namespace mote;

namespace {
std::string deflate(const std::string& text, bool gzip) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
}  // namespace

TEST(Inflate, RoundTripsZlibAndGzip) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i * 7919 % 1000) + " ";
  for (bool gz : {false, true}) {
    std::string packed = deflate(text, gz);
    EXPECT_LT(packed.size(), text.size() / 2);
    EXPECT_EQ(inflate_bytes(packed, gz, "f", 1 << 20), text);
  }
}

TEST(Inflate, RefusesTruncatedWrongKindAndTooLarge) {
  std::string packed = deflate(std::string(100000, 'a'), true);
  auto err = [](std::string_view b, bool gz, uint64_t max) {
    try {
      inflate_bytes(b, gz, "rec.txt.gz", max);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err(std::string_view(packed).substr(0, packed.size() / 2), true, 1 << 20).find("rec.txt.gz: not a valid gzip stream"),
            std::string::npos);
  EXPECT_NE(err(packed, false, 1 << 20).find("not a valid zlib stream"), std::string::npos);
  EXPECT_NE(err(packed, true, 5000).find("more than 5000 bytes"), std::string::npos);
  EXPECT_NE(err("", true, 100).find("not a valid gzip"), std::string::npos);
}
