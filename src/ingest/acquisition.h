// Edge Impulse data acquisition format (JSON and CBOR): parse with HMAC-SHA256 verification, and write.
#pragma once

#include <optional>
#include <string>

#include "ingest/format.h"

namespace mote {

Sample parse_acquisition_json(std::string_view bytes, const ParseContext& ctx);
Sample parse_acquisition_cbor(std::string_view bytes, const ParseContext& ctx);

// Writes a time-series sample; signed HS256 with hmac_key when given, else alg "none".
// Values are written as the shortest decimal that reads back to the same float32.
std::string write_acquisition_json(const Sample& s, const std::optional<std::string>& hmac_key);
std::string write_acquisition_cbor(const Sample& s, const std::optional<std::string>& hmac_key);

}  // namespace mote
