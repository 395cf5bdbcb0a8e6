#include "core/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.h"

namespace fs = std::filesystem;

namespace mote {

std::string read_file(const fs::path& path, uint64_t max_bytes) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw error_at(path.string(), "file not found; check the path");
  if (fs::is_directory(status)) throw error_at(path.string(), "is a folder, expected a file");
  uint64_t size = fs::file_size(path, ec);
  if (ec) throw error_at(path.string(), "cannot read its size: " + ec.message());
  if (size > max_bytes) {
    throw error_at(path.string(), "file is " + std::to_string(size) + " bytes, over the limit of " +
                                      std::to_string(max_bytes) +
                                      " bytes; raise it with --max-file-size");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error_at(path.string(), std::string("cannot open: ") + std::strerror(errno));
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size) throw error_at(path.string(), "short read; is the file changing?");
  return data;
}

void write_file_atomic(const fs::path& path, std::string_view data) {
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw error_at(path.string(), std::string("cannot write: ") + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw error_at(path.string(), std::string("cannot write: ") + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw error_at(path.string(), "cannot flush to disk");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw error_at(path.string(), std::string("cannot replace: ") + std::strerror(err));
  }
}

uint64_t parse_byte_size(const std::string& text, const std::string& what) {
  size_t pos = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &pos);
  } catch (...) {
    throw error_at(what, "'" + text + "' is not a size; use a number of bytes with an optional k, M or G");
  }
  std::string unit = text.substr(pos);
  uint64_t mul = 1;
  if (unit == "" || unit == "B") mul = 1;
  else if (unit == "k" || unit == "K" || unit == "KiB") mul = 1ull << 10;
  else if (unit == "M" || unit == "MiB") mul = 1ull << 20;
  else if (unit == "G" || unit == "GiB") mul = 1ull << 30;
  else throw error_at(what, "unknown unit '" + unit + "'; use k, M or G");
  return n * mul;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace mote
