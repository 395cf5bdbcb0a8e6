// A board on a pseudo-terminal pair: a thread writes the given lines at a fixed rate on the master side,
// then hangs up, so `mote ... --serial <path()>` reads it as it would a USB serial device.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mote::test {

class FakeBoard {
 public:
  FakeBoard();  // opens the pty pair (throws std::runtime_error when the system has none)
  ~FakeBoard();
  const std::string& path() const { return path_; }
  // Writes each line + "\r\n" at `hz` lines per second from a thread, then closes the line (unplugged).
  void start(std::vector<std::string> lines, double hz);
  int written() const { return written_; }

 private:
  int master_ = -1, slave_ = -1;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::atomic<int> written_{0};
  std::thread thread_;
};

}  // namespace mote::test
