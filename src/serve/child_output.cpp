#include "serve/child_output.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace mote::serve {

int pump_child_output(int fd, pid_t pid, const std::function<void(const char*, size_t)>& on_chunk,
                      const std::function<void()>& on_tick) {
  for (;;) {
    pollfd pf{fd, POLLIN, 0};
    const int r = poll(&pf, 1, 200);
    if (r > 0) {
      char chunk[4096];
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) break;
      on_chunk(chunk, static_cast<size_t>(n));
    } else if (r < 0 && errno != EINTR) {
      break;
    }
    on_tick();
  }
  close(fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace mote::serve
