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
// targets/ board support, embedded the same way: paths relative to targets/ ("common/board.cpp",
// "arm/startup.cpp", "cortex-m0/board_config.h", "cortex-m0/microbit.ld"; see src/deploy/deploy.cmake).
extern const EmbeddedFile kBoardFiles[];
extern const size_t kBoardFileCount;

}  // namespace mote::deploy
