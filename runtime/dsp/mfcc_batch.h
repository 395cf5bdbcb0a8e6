// Host speed path of the MFCC block: mfcc_f32's exact float operations, run on kMfccBatchLanes frames at
// once. Frames are interleaved lane by lane (value i of frame b at [i * lanes + b]), so every loop (bit
// reversal, butterflies, power, mel filters, log, DCT) vectorises ACROSS frames while each lane performs the
// same operations in the same order as the one-frame path: the output is bit-identical to mfcc_f32 (checked
// with memcmp in tests/dsp/mfcc_batch_test.cpp), hence to the device. No reassociation, no FMA.
// The device keeps mfcc_f32 (its scratch is ~16x smaller); nothing calls this there, so the linker drops it.
#ifndef MOTE_DSP_MFCC_BATCH_H
#define MOTE_DSP_MFCC_BATCH_H

#include <stddef.h>

#include "dsp/mfcc.h"
#include "mote/status.h"

namespace mote {
namespace dsp {

const size_t kMfccBatchLanes = 16;  // frames per batch: one 512-bit vector of floats (transposed 16 x 16)

size_t mfcc_batch_scratch_bytes(const MfccConfig& cfg);
// True when this machine runs the batched vector path (x86-64 with AVX-512F); otherwise mfcc_batch_f32
// runs mfcc_f32 (same results, no speed-up).
bool mfcc_batch_vectorised();
// Same contract and results as mfcc_f32, with scratch of mfcc_batch_scratch_bytes (4-byte aligned).
Status mfcc_batch_f32(const MfccConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
                      void* scratch, size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_MFCC_BATCH_H
