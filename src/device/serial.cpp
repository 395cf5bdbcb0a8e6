#include "device/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "core/error.h"

namespace mote {

namespace {

// A line longer than this is not forwarder data: drop it rather than grow without bound.
constexpr size_t kMaxLine = 4096;

speed_t baud_constant(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: throw error_at("--baud", std::to_string(baud) + " is not supported; use 9600, 19200, 38400, 57600, 115200, 230400, 460800 or 921600");
  }
}

}  // namespace

std::unique_ptr<LineReader> LineReader::open_serial(const std::string& dev, int baud) {
  speed_t speed = baud_constant(baud);
  int fd = ::open(dev.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw error_at(dev, std::string("cannot open serial port (") + std::strerror(errno) +
                            "); check the device is plugged in and that you may read it (e.g. the dialout group)");
  termios tio{};
  if (tcgetattr(fd, &tio) != 0) {
    ::close(fd);
    throw error_at(dev, "is not a serial port (tcgetattr failed); pass a tty device such as /dev/ttyACM0, or use --stdin");
  }
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
  if (tcsetattr(fd, TCSANOW, &tio) != 0) {
    ::close(fd);
    throw error_at(dev, std::string("cannot configure the serial port (") + std::strerror(errno) + ")");
  }
  return std::unique_ptr<LineReader>(new LineReader(fd, true, dev));
}

std::unique_ptr<LineReader> LineReader::from_fd(int fd, std::string name) {
  return std::unique_ptr<LineReader>(new LineReader(fd, false, std::move(name)));
}

LineReader::~LineReader() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

LineReader::Status LineReader::next(std::string* line, int timeout_ms) {
  for (;;) {
    size_t nl = buf_.find('\n');
    if (nl != std::string::npos) {
      line->assign(buf_, 0, nl);
      buf_.erase(0, nl + 1);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return Status::Line;
    }
    if (buf_.size() > kMaxLine) {
      dropped_ += buf_.size();
      buf_.clear();
    }
    if (closed_) {
      if (buf_.empty()) return Status::Closed;
      line->swap(buf_);
      buf_.clear();
      return Status::Line;
    }
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) return Status::Timeout;  // a signal (Ctrl-C): let the caller look
    if (r == 0) return Status::Timeout;
    char chunk[1024];
    ssize_t got = ::read(fd_, chunk, sizeof chunk);
    if (got > 0) {
      buf_.append(chunk, static_cast<size_t>(got));
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (p.revents & (POLLHUP | POLLERR)) closed_ = true;  // nothing left to read and the peer is gone
      continue;
    }
    closed_ = true;  // 0 = end of file; EIO = the pty's other side closed or the device was unplugged
  }
}

}  // namespace mote
