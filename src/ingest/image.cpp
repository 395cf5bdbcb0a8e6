#include "ingest/image.h"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <climits>
#include <cstdint>
#include <string>
#include <memory>

#include "core/error.h"

namespace mote {

namespace {

Error unreadable(const std::string& where, const char* reason) {
  return error_at(where, std::string("not a readable image (stb_image: ") + (reason ? reason : "unknown reason") +
                             "); use PNG, JPEG or BMP");
}

// A PNG chunk claiming far more bytes than the file holds makes stb_image reserve that much (up to 2 GB)
// before it finds the data missing (found by image_fuzz): refuse it first. A merely truncated file (a chunk
// a little past the end) is left to stb_image's own message.
void check_png_chunks(std::string_view b, const std::string& where) {
  static const char kSignature[] = "\x89PNG\r\n\x1a\n";
  if (b.size() < 8 || b.compare(0, 8, std::string_view(kSignature, 8)) != 0) return;
  for (size_t i = 8; i + 8 <= b.size();) {
    const auto* u = reinterpret_cast<const unsigned char*>(b.data() + i);
    const uint64_t length = (uint64_t(u[0]) << 24) | (uint64_t(u[1]) << 16) | (uint64_t(u[2]) << 8) | u[3];
    if (i + 12 + length > b.size() && length > (1u << 24))
      throw error_at(where, "not a readable image: PNG chunk '" + std::string(b.substr(i + 4, 4)) + "' at byte " + std::to_string(i) +
                                " claims " + std::to_string(length) + " bytes but the file has " + std::to_string(b.size()) +
                                "; the file is truncated or corrupt");
    i += 12 + length;
  }
}

}  // namespace

Sample parse_image(std::string_view bytes, const ParseContext& ctx) {
  if (bytes.size() > INT_MAX) throw unreadable(ctx.where, "file larger than 2 GB");
  check_png_chunks(bytes, ctx.where);
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int size = static_cast<int>(bytes.size());
  int width = 0, height = 0, source_channels = 0;
  if (!stbi_info_from_memory(data, size, &width, &height, &source_channels)) throw unreadable(ctx.where, stbi_failure_reason());
  // A few header bytes can claim gigabytes of pixels (found by image_fuzz): refuse before decoding.
  constexpr long long kMaxPixels = 4096LL * 4096LL;
  if (static_cast<long long>(width) * height > kMaxPixels)
    throw error_at(ctx.where, "image is " + std::to_string(width) + " x " + std::to_string(height) +
                                  " pixels, more than mote accepts (16.7 megapixels); downscale it");

  // Gray and gray+alpha become gray, RGB and RGBA become RGB: alpha carries no class information.
  const int channels = source_channels <= 2 ? 1 : 3;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load_from_memory(data, size, &width, &height, &source_channels, channels),
                                                   stbi_image_free);
  if (!pixels) throw unreadable(ctx.where, stbi_failure_reason());

  Sample s;
  s.kind = SampleKind::Image;
  s.width = static_cast<uint32_t>(width);
  s.height = static_cast<uint32_t>(height);
  s.channels = static_cast<uint32_t>(channels);
  s.pixels.assign(pixels.get(), pixels.get() + size_t(s.width) * s.height * s.channels);
  s.provenance = {{"importer", "image"}};
  return s;
}

std::string encode_png(const Sample& image) {
  const std::string where = "sample " + image.name;
  if (image.kind != SampleKind::Image) throw error_at(where, "is a time series, not an image; it cannot be written as PNG");
  validate_sample(image, where);
  // stb_image_write sizes its buffers with int.
  if ((size_t(image.width) * image.channels + 1) * image.height > INT_MAX)
    throw error_at(where, "image over 2 GB cannot be encoded as PNG; crop or resize it");
  std::string out;
  auto append = [](void* context, void* data, int size) { static_cast<std::string*>(context)->append(static_cast<char*>(data), size); };
  const int w = static_cast<int>(image.width), h = static_cast<int>(image.height), c = static_cast<int>(image.channels);
  if (!stbi_write_png_to_func(append, &out, w, h, c, image.pixels.data(), w * c))
    throw error_at(where, "PNG encoding failed (stb_image_write); check the image's size");
  return out;
}

}  // namespace mote
