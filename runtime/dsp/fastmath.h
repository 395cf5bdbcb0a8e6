// Portable logf/expf for the data path: the same float operations on every IEEE-754 platform, so host
// and device agree bit for bit (glibc's and newlib's libm round differently). Accuracy: within 2 ulp
// of the exact result for normal inputs (checked against numpy in tests/dsp/fastmath_test.cpp).
#ifndef MOTE_DSP_FASTMATH_H
#define MOTE_DSP_FASTMATH_H

namespace mote {
namespace dsp {

// Natural log; -inf for 0, NaN for negative or NaN input, +inf for +inf. Subnormals are handled.
float log_f32(float x);
float log10_f32(float x);
// e^x; 0 below about -103.97, +inf above about 88.72.
float exp_f32(float x);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FASTMATH_H
