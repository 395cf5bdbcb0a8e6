// mote::Error: a failure with a one-line message fit for the user (what, where, what to do).
#pragma once

#include <stdexcept>
#include <string>

namespace mote {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Builds "where: what" so every message names the file/field first.
inline Error error_at(const std::string& where, const std::string& what) {
  return Error(where + ": " + what);
}

}  // namespace mote
