#include "compile/planner.h"

#include <algorithm>
#include <numeric>

namespace mote::compile {

ArenaPlan plan_arena(const std::vector<Buffer>& buffers, size_t align) {
  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier start so the plan does not depend on the sort's stability.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].bytes != buffers[b].bytes) return buffers[a].bytes > buffers[b].bytes;
    if (buffers[a].first != buffers[b].first) return buffers[a].first < buffers[b].first;
    return a < b;
  });
  auto round_up = [&](size_t v) { return (v + align - 1) / align * align; };
  std::vector<size_t> placed;
  for (size_t i : order) {
    const Buffer& b = buffers[i];
    if (b.bytes == 0) continue;
    // Occupied ranges of placed buffers alive at the same time, by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t j : placed)
      if (buffers[j].first <= b.last && b.first <= buffers[j].last)
        busy.push_back({plan.offsets[j], plan.offsets[j] + buffers[j].bytes});
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [lo, hi] : busy) {
      if (offset + b.bytes <= lo) break;  // fits in the gap before this range
      offset = std::max(offset, round_up(hi));
    }
    plan.offsets[i] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + b.bytes);
    placed.push_back(i);
  }
  plan.arena_bytes = round_up(plan.arena_bytes);
  return plan;
}

}  // namespace mote::compile
