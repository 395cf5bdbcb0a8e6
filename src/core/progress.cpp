#include "core/progress.h"

#include <unistd.h>

namespace mote {

Progress::Progress(std::string what, uint64_t total, bool quiet)
    : what_(std::move(what)),
      total_(total),
      quiet_(quiet),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

// Work abandoned by an exception ends silently: the error line is what the user must see.
Progress::~Progress() = default;

void Progress::advance(uint64_t n) {
  done_ += n;
  if (quiet_) return;
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ > std::chrono::milliseconds(100) || done_ == total_) {
      last_draw_ = now;
      draw(false);
    }
  } else if (total_ > 0 && now - start_ > std::chrono::seconds(1)) {
    // Plain mode: one line per 10 % once the work has run a second, so logs stay short.
    int tenth = static_cast<int>(done_ * 10 / total_);
    if (tenth != last_percent_line_ && tenth < 10) {
      last_percent_line_ = tenth;
      draw(false);
    }
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  // Quick work in plain mode needs no closing line.
  bool drawn_before = tty_ || last_percent_line_ >= 0;
  if (!quiet_ && drawn_before) draw(true);
}

void Progress::draw(bool final) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) {
    const int width = 30;
    int filled = total_ ? static_cast<int>(width * done_ / total_) : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(width, '.');
    if (total_) {
      std::fprintf(stderr, "\r%s [%s] %llu/%llu %.1fs%s", what_.c_str(), bar.c_str(),
                   static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_), secs,
                   final ? "\n" : "");
    } else {
      std::fprintf(stderr, "\r%s %llu %.1fs%s", what_.c_str(), static_cast<unsigned long long>(done_), secs,
                   final ? "\n" : "");
    }
  } else {
    if (total_) {
      std::fprintf(stderr, "%s: %llu/%llu (%.0f%%) %.1fs\n", what_.c_str(),
                   static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                   100.0 * static_cast<double>(done_) / static_cast<double>(total_), secs);
    } else {
      std::fprintf(stderr, "%s: %llu %.1fs\n", what_.c_str(), static_cast<unsigned long long>(done_), secs);
    }
  }
  std::fflush(stderr);
}

}  // namespace mote
