#include "serve/login_throttle.h"

#include <algorithm>

namespace mote::serve {

namespace {
std::string key_of(const std::string& name, const std::string& address) { return address + "\n" + name; }
}  // namespace

int64_t LoginThrottle::wait_s(const std::string& name, const std::string& address) {
  std::lock_guard<std::mutex> lk(m_);
  auto it = entries_.find(key_of(name, address));
  if (it == entries_.end() || it->second.failures < kFreeFailures) return 0;
  int64_t backoff = std::min<int64_t>(kMaxWaitS, int64_t{1} << std::min(it->second.failures - kFreeFailures, 6));
  auto since = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - it->second.last).count();
  int64_t left_ms = backoff * 1000 - since;
  return left_ms <= 0 ? 0 : (left_ms + 999) / 1000;
}

void LoginThrottle::failed(const std::string& name, const std::string& address) {
  std::lock_guard<std::mutex> lk(m_);
  auto now = std::chrono::steady_clock::now();
  // Bounded: a flood of made-up names drops the entries that are quiet longest past any wait.
  if (entries_.size() >= 10000)
    std::erase_if(entries_, [&](const auto& e) { return now - e.second.last > std::chrono::seconds(kMaxWaitS); });
  if (entries_.size() >= 10000) entries_.clear();
  Entry& e = entries_[key_of(name, address)];
  e.failures++;
  e.last = now;
}

void LoginThrottle::succeeded(const std::string& name, const std::string& address) {
  std::lock_guard<std::mutex> lk(m_);
  entries_.erase(key_of(name, address));
}

}  // namespace mote::serve
