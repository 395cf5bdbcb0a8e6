// Shared by the fuzz harnesses: a parser may refuse input with mote::Error (or nlohmann's errors while
// reading JSON), nothing else; any other exception, crash, leak or UB is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.h"

#define MOTE_FUZZ_EXPECTED_ERRORS(...)         \
  try {                                        \
    __VA_ARGS__;                               \
  } catch (const mote::Error&) {               \
  } catch (const nlohmann::json::exception&) { \
  }

inline std::string_view fuzz_bytes(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}
