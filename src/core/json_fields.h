// Reading numbers from user-edited JSON (mote.json): defaults, types and ranges, errors naming the field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mote {

// obj[key] as a number in [lo, hi], or `fallback` when absent; throws mote::Error naming "where.key".
double json_number(const nlohmann::json& obj, const char* key, double fallback, const std::string& where, double lo, double hi);

}  // namespace mote
