// The arena planner: places every intermediate tensor (and kernel scratch) of a model in one static
// buffer so that tensors alive at the same time never overlap. Greedy by size, as TFLite Micro's
// GreedyMemoryPlanner: the largest buffer first, each at the lowest offset free during its whole life.
#pragma once

#include <cstddef>
#include <vector>

namespace mote::compile {

struct Buffer {
  size_t bytes = 0;
  int first = 0, last = 0;  // alive from step `first` to step `last`, inclusive
};

struct ArenaPlan {
  std::vector<size_t> offsets;  // one per buffer, multiples of `align`
  size_t arena_bytes = 0;
};

ArenaPlan plan_arena(const std::vector<Buffer>& buffers, size_t align = 4);

}  // namespace mote::compile
