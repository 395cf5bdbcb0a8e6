// Host speed path of the MFCC block: mfcc_f32's exact float operations, run on 16 (AVX-512) or 8 (AVX2)
// frames at once. Frames are interleaved lane by lane (value i of frame b at [i * lanes + b]), so every loop (bit
// reversal, butterflies, power, mel filters, log, DCT) vectorises ACROSS frames while each lane performs the
// same operations in the same order as the one-frame path: the output is bit-identical to mfcc_f32 (checked
// with memcmp in tests/dsp/mfcc_batch_test.cpp), hence to the device. No reassociation, no FMA.
// The device keeps mfcc_f32 (its scratch is ~16x smaller); there this file compiles to a call of it.
#ifndef MOTE_DSP_MFCC_BATCH_H
#define MOTE_DSP_MFCC_BATCH_H

#include <stddef.h>

#include "dsp/mfcc.h"
#include "mote/status.h"

namespace mote {
namespace dsp {

const size_t kMfccBatchLanes = 16;  // the widest batch: one 512-bit vector of floats

size_t mfcc_batch_scratch_bytes(const MfccConfig& cfg);
// Frames per pass of mfcc_batch_f32 on this CPU: 16 (x86-64 with AVX-512F), 8 (AVX2), or 1: it runs
// mfcc_f32 (same results, no speed-up).
size_t mfcc_batch_lanes();
// Same contract and results as mfcc_f32, with scratch of mfcc_batch_scratch_bytes (4-byte aligned).
Status mfcc_batch_f32(const MfccConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
                      void* scratch, size_t scratch_bytes);
// The same on a given path: lanes 16, 8 or 1 (mfcc_f32); MOTE_ERR_ARG when this CPU cannot run it. For tests.
Status mfcc_batch_lanes_f32(size_t lanes, const MfccConfig& cfg, const float* signal, size_t signal_len, float* out,
                            size_t out_len, void* scratch, size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_MFCC_BATCH_H
