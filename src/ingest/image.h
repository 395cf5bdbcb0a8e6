// Image import through stb_image: PNG, JPEG, BMP; stored as 8-bit grayscale or RGB pixels.
#pragma once

#include "ingest/format.h"

namespace mote {

Sample parse_image(std::string_view bytes, const ParseContext& ctx);

// Encodes a sample's pixels as PNG (lossless, for export).
std::string encode_png(const Sample& image);

}  // namespace mote
