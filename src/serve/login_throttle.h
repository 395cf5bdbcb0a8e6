// Guessing passwords, slowed down: after 5 wrong passwords in a row for one user name from one address, that
// pair waits 1 s before its next try, then 2, 4, ... up to 60 s; a right password starts it over. Per server
// process, in memory (a restart forgets), bounded in size.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace mote::serve {

class LoginThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr int64_t kMaxWaitS = 60;

  // Seconds to wait before this (name, address) may try again; 0 = now.
  int64_t wait_s(const std::string& name, const std::string& address);
  void failed(const std::string& name, const std::string& address);
  void succeeded(const std::string& name, const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::mutex m_;
  std::map<std::string, Entry> entries_;
};

}  // namespace mote::serve
