// mote's side of the bench/ei_dsp firmware: the block's device code exactly as `mote deploy` emits it
// (mote_block.h, written by mote_blockgen), its scratch a static buffer sized by the block itself.
#include "mote_block.h"

namespace {
alignas(8) uint8_t g_scratch[(MOTE_BLK_SCRATCH_BYTES + 7u) / 8u * 8u];
}  // namespace

int bench_block(const float* in, float* out, size_t out_len) {
  return static_cast<int>(mote_blk_run(in, out, out_len, g_scratch, sizeof g_scratch));
}
