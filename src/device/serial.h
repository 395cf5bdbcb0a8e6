// Line input from a device: a serial port (termios, raw, 8N1) or any file descriptor such as stdin.
#pragma once

#include <memory>
#include <string>

namespace mote {

class LineReader {
 public:
  enum class Status { Line, Timeout, Closed };
  // Opens DEV as a raw 8N1 serial port at `baud`; throws mote::Error naming the device and what to do.
  static std::unique_ptr<LineReader> open_serial(const std::string& dev, int baud);
  // Reads an already open descriptor (not closed here), e.g. 0 for --stdin.
  static std::unique_ptr<LineReader> from_fd(int fd, std::string name);
  ~LineReader();

  // The next line without its "\r\n", waiting up to timeout_ms. Closed: end of file or the device went
  // away (a pty whose other side closed, an unplugged USB serial); a last unterminated line is returned first.
  Status next(std::string* line, int timeout_ms);
  const std::string& name() const { return name_; }
  size_t dropped_bytes() const { return dropped_; }

 private:
  LineReader(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}
  int fd_;
  bool owned_, closed_ = false;
  std::string name_, buf_;
  size_t dropped_ = 0;
};

}  // namespace mote
