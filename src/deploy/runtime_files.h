// The device runtime's sources, embedded at build time (embed_runtime.cmake): paths relative to runtime/.
#pragma once

#include <cstddef>

namespace mote::deploy {

struct EmbeddedFile {
  const char* path;  // e.g. "nn/conv2d_s8.cpp", "include/mote/status.h"
  const char* text;
};

extern const EmbeddedFile kRuntimeFiles[];
extern const size_t kRuntimeFileCount;
// targets/cortex-m4 board support (startup.cpp, board.cpp, board.h, mps2_an386.ld), embedded the same way.
extern const EmbeddedFile kBoardFiles[];
extern const size_t kBoardFileCount;

}  // namespace mote::deploy
