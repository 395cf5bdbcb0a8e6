// Portable logf/expf for the data path. glibc's and newlib's libm round differently, so DSP blocks use
// these instead: only float +, -, *, / and bit moves, so every IEEE-754 single-precision platform that
// evaluates float expressions in float (FLT_EVAL_METHOD 0: x86-64 SSE, Cortex-M4F, ...) and does not
// contract a*b+c into FMA (build with -ffp-contract=off, never -ffast-math) gets identical bits.
//
// Accuracy (checked over a sweep of every normal float input in tests/dsp/fastmath_test.cpp):
//   log_f32, log10_f32: < 0.83 ulp (relative error < 1e-7) for every positive finite input, subnormals too;
//   exp_f32:            < 0.96 ulp (relative error < 1.2e-7) wherever the result is a normal float;
//                       subnormal results are rounded twice and may be off by one more ulp.
// Not correctly rounded, but faithful: the result is always one of the two floats around the true value.
#ifndef MOTE_DSP_FASTMATH_H
#define MOTE_DSP_FASTMATH_H

namespace mote {
namespace dsp {

// Natural log: -inf for +-0, NaN for negative or NaN input, +inf for +inf.
float log_f32(float x);
// Base-10 log, computed directly (not log_f32 x constant) to stay within 1 ulp; same special values.
float log10_f32(float x);
// e^x: +inf above 88.7228 (overflow), 0 below -103.9721, NaN for NaN.
float exp_f32(float x);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FASTMATH_H
