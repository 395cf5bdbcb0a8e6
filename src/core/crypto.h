// SHA-256 and HMAC-SHA256 (OpenSSL), and a constant-time comparison for secrets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mote {

// Incremental SHA-256; hex() finishes and returns 64 lowercase hex characters.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::string hex();

 private:
  void* ctx_;
};

std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
bool constant_time_equal(std::string_view a, std::string_view b);
// `bytes` random bytes from OpenSSL as lowercase hex (keys, tokens); throws mote::Error if none can be drawn.
std::string random_hex(size_t bytes);

}  // namespace mote
