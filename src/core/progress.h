// Progress for long work: a redrawn bar on a terminal, plain lines otherwise (logs, CI, pipes).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace mote {

class Progress {
 public:
  // total 0 means unknown. quiet suppresses all output (e.g. with --json).
  Progress(std::string what, uint64_t total, bool quiet = false);
  ~Progress();
  // Draws the final state; not called on abandoned work (an exception), which ends without a line.
  void advance(uint64_t n = 1);
  void finish();

 private:
  void draw(bool final);
  std::string what_;
  uint64_t total_, done_ = 0;
  bool quiet_, tty_, finished_ = false;
  int last_percent_line_ = -1;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace mote
