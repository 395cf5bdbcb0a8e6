// Reading a child process's output while its job may be cancelled: the tune job (a whole `mote tune`) and
// the tune-candidate job (one candidate) both stream a child's stdout and must stop it when asked.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>

namespace mote::serve {

// Reads `fd` until the child closes it, passing each chunk to on_chunk and calling on_tick at least every
// 200 ms (where the caller checks for cancellation and signals the child); then closes fd and reaps pid.
// Returns waitpid's status.
int pump_child_output(int fd, pid_t pid, const std::function<void(const char*, size_t)>& on_chunk,
                      const std::function<void()>& on_tick);

}  // namespace mote::serve
