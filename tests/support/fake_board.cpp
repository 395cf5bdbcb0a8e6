#include "support/fake_board.h"

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace mote::test {

FakeBoard::FakeBoard() {
  char name[128];
  termios raw{};
  cfmakeraw(&raw);
  if (openpty(&master_, &slave_, name, &raw, nullptr) != 0) throw std::runtime_error("openpty failed");
  path_ = name;
  // The mote child must not inherit the master, or closing it here would not hang the line up.
  fcntl(master_, F_SETFD, FD_CLOEXEC);
  fcntl(slave_, F_SETFD, FD_CLOEXEC);
}

void FakeBoard::start(std::vector<std::string> lines, double hz) {
  thread_ = std::thread([this, lines = std::move(lines), hz] {
    auto next = std::chrono::steady_clock::now();
    for (size_t i = 0; i < lines.size() && !stop_; ++i) {
      std::string s = lines[i] + "\r\n";
      if (::write(master_, s.data(), s.size()) != static_cast<ssize_t>(s.size())) break;
      ++written_;
      next += std::chrono::microseconds(static_cast<int64_t>(1e6 / hz));
      std::this_thread::sleep_until(next);
    }
    ::close(master_);
    master_ = -1;
  });
}

FakeBoard::~FakeBoard() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (master_ >= 0) ::close(master_);
  if (slave_ >= 0) ::close(slave_);
}

}  // namespace mote::test
