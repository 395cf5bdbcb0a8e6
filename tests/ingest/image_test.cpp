// Image importer and PNG encoder: images written here with stb_image_write (PNG, BMP, JPEG; gray to RGBA).
#include "ingest/image.h"

#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cstdlib>

#include "core/error.h"

using namespace mote;

namespace {

enum class Encoding { Png, Bmp, Jpeg };

// A deterministic pattern with every channel different, so channel order and alpha dropping show.
std::vector<uint8_t> pattern(int w, int h, int comp) {
  std::vector<uint8_t> px(size_t(w) * h * comp);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>((i * 37 + i / comp * 11) & 0xFF);
  return px;
}

std::string encode(Encoding e, int w, int h, int comp, const std::vector<uint8_t>& px) {
  std::string out;
  auto append = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); };
  int ok = e == Encoding::Png   ? stbi_write_png_to_func(append, &out, w, h, comp, px.data(), w * comp)
           : e == Encoding::Bmp ? stbi_write_bmp_to_func(append, &out, w, h, comp, px.data())
                                : stbi_write_jpg_to_func(append, &out, w, h, comp, px.data(), 100);
  EXPECT_TRUE(ok);
  return out;
}

// Keeps the first `keep` of every `comp` channels.
std::vector<uint8_t> keep_channels(const std::vector<uint8_t>& px, int comp, int keep) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < px.size(); ++i)
    if (int(i % comp) < keep) out.push_back(px[i]);
  return out;
}

Sample parse(const std::string& bytes) {
  ParseContext ctx;
  ctx.where = "photo.png";
  return parse_image(bytes, ctx);
}

std::string parse_error(const std::string& bytes) {
  try {
    parse(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Image, PngGrayIsExact) {
  auto px = pattern(7, 5, 1);
  Sample s = parse(encode(Encoding::Png, 7, 5, 1, px));
  EXPECT_EQ(s.kind, SampleKind::Image);
  EXPECT_EQ(s.width, 7u);
  EXPECT_EQ(s.height, 5u);
  EXPECT_EQ(s.channels, 1u);
  EXPECT_EQ(s.pixels, px);
  EXPECT_EQ(s.provenance, nlohmann::json({{"importer", "image"}}));
}

TEST(Image, PngGrayAlphaBecomesGray) {
  auto px = pattern(4, 6, 2);
  Sample s = parse(encode(Encoding::Png, 4, 6, 2, px));
  EXPECT_EQ(s.channels, 1u);
  EXPECT_EQ(s.pixels, keep_channels(px, 2, 1));
}

TEST(Image, PngRgbAndRgbaBecomeRgbWithAlphaDropped) {
  auto rgb = pattern(9, 3, 3);
  Sample a = parse(encode(Encoding::Png, 9, 3, 3, rgb));
  EXPECT_EQ(a.channels, 3u);
  EXPECT_EQ(a.pixels, rgb);

  auto rgba = pattern(3, 8, 4);
  Sample b = parse(encode(Encoding::Png, 3, 8, 4, rgba));
  EXPECT_EQ(b.width, 3u);
  EXPECT_EQ(b.height, 8u);
  EXPECT_EQ(b.channels, 3u);
  EXPECT_EQ(b.pixels, keep_channels(rgba, 4, 3));
}

TEST(Image, BmpRgbAndRgbaAreExact) {
  auto rgb = pattern(5, 4, 3);
  Sample a = parse(encode(Encoding::Bmp, 5, 4, 3, rgb));
  EXPECT_EQ(a.channels, 3u);
  EXPECT_EQ(a.pixels, rgb);

  auto rgba = pattern(6, 2, 4);
  Sample b = parse(encode(Encoding::Bmp, 6, 2, 4, rgba));
  EXPECT_EQ(b.channels, 3u);
  EXPECT_EQ(b.pixels, keep_channels(rgba, 4, 3));
}

TEST(Image, JpegDecodesCloseToTheSource) {
  // A smooth gradient: JPEG at quality 100 stays within a few levels of it.
  const int w = 32, h = 16;
  std::vector<uint8_t> px(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) px[(size_t(y) * w + x) * 3 + c] = static_cast<uint8_t>(x * 4 + y * 2 + c * 30);
  Sample s = parse(encode(Encoding::Jpeg, w, h, 3, px));
  EXPECT_EQ(s.width, uint32_t(w));
  EXPECT_EQ(s.height, uint32_t(h));
  EXPECT_EQ(s.channels, 3u);
  ASSERT_EQ(s.pixels.size(), px.size());
  int worst = 0;
  for (size_t i = 0; i < px.size(); ++i) worst = std::max(worst, std::abs(int(s.pixels[i]) - int(px[i])));
  EXPECT_LE(worst, 8);
}

TEST(Image, EncodePngRoundTripsGrayAndRgb) {
  for (uint32_t channels : {1u, 3u}) {
    Sample in;
    in.kind = SampleKind::Image;
    in.name = "pic";
    in.width = 6;
    in.height = 5;
    in.channels = channels;
    in.pixels = pattern(6, 5, int(channels));
    std::string png = encode_png(in);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    Sample out = parse(png);
    EXPECT_EQ(out.channels, channels);
    EXPECT_EQ(out.width, 6u);
    EXPECT_EQ(out.pixels, in.pixels);
  }
}

TEST(Image, EncodePngRefusesTimeSeriesAndBadShapes) {
  Sample series;
  series.name = "accel";
  series.sensors = {{"x", ""}};
  series.values = {1};
  series.interval_ms = 1;
  EXPECT_THROW(encode_png(series), Error);

  Sample bad;
  bad.kind = SampleKind::Image;
  bad.name = "short";
  bad.width = bad.height = 4;
  bad.channels = 3;
  bad.pixels.resize(10);
  try {
    encode_png(bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sample short"), std::string::npos) << e.what();
  }
}

TEST(Image, UnreadableImagesRefusedWithTheFileAndWhatToDo) {
  std::string png = encode(Encoding::Png, 8, 8, 3, pattern(8, 8, 3));
  for (const std::string& bad : {std::string(), std::string("not a png at all"), png.substr(0, png.size() / 2)}) {
    std::string err = parse_error(bad);
    EXPECT_EQ(err.rfind("photo.png: not a readable image (stb_image: ", 0), 0u) << err;
    EXPECT_NE(err.find("); use PNG, JPEG or BMP"), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
}
