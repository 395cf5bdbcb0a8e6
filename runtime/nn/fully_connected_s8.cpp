#include "nn/fully_connected_s8.h"

#include "nn/fixed_point.h"
#include "nn/simd.h"

namespace mote {
namespace nn {

size_t fully_connected_s8_scratch_bytes(const FullyConnectedS8Params&) { return 0; }

static Status check(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                    const int8_t* weights, const int8_t* output) {
  if (!input || !weights || !output || !q.multiplier || !q.shift) return MOTE_ERR_ARG;
  if (p.input_size <= 0 || p.output_size <= 0) return MOTE_ERR_SHAPE;
  if (p.input_size > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  return MOTE_OK;
}

Status fully_connected_s8_ref(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  for (int32_t o = 0; o < p.output_size; ++o) {
    const int8_t* w = weights + static_cast<size_t>(o) * p.input_size;
    int32_t acc = bias ? bias[o] : 0;
    for (int32_t i = 0; i < p.input_size; ++i) acc += w[i] * (input[i] + p.input_offset);
    output[o] = requantize(acc, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
  }
  return MOTE_OK;
}

// Four MACs per SMLAD pair: SXTB16 splits bytes (0,2) and (1,3) of both operands the same way, so the
// pairing is consistent; SXTAB16 adds the input offset while sign-extending. Two outputs per pass: four
// (measured) run out of registers and spill on the M4.
Status fully_connected_s8_dsp(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  const int32_t off2 = simd::dup16(p.input_offset);
  const int32_t n4 = p.input_size & ~3;
  int32_t o = 0;
  // Two outputs at a time share every unpacked input word.
  for (; o + 1 < p.output_size; o += 2) {
    const int8_t* w0 = weights + static_cast<size_t>(o) * p.input_size;
    const int8_t* w1 = w0 + p.input_size;
    int32_t acc0 = bias ? bias[o] : 0;
    int32_t acc1 = bias ? bias[o + 1] : 0;
    int32_t i = 0;
    for (; i < n4; i += 4) {
      const int32_t x = simd::load32(input + i);
      const int32_t xa = simd::sxtab16(off2, x);
      const int32_t xb = simd::sxtab16_ror8(off2, x);
      const int32_t a = simd::load32(w0 + i);
      const int32_t b = simd::load32(w1 + i);
      acc0 = simd::smlad(xa, simd::sxtb16(a), acc0);
      acc0 = simd::smlad(xb, simd::sxtb16_ror8(a), acc0);
      acc1 = simd::smlad(xa, simd::sxtb16(b), acc1);
      acc1 = simd::smlad(xb, simd::sxtb16_ror8(b), acc1);
    }
    for (; i < p.input_size; ++i) {
      const int32_t x = input[i] + p.input_offset;
      acc0 += w0[i] * x;
      acc1 += w1[i] * x;
    }
    output[o] = requantize(acc0, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
    output[o + 1] = requantize(acc1, q.multiplier[o + 1], q.shift[o + 1], p.output_offset, p.act_min, p.act_max);
  }
  for (; o < p.output_size; ++o) {
    const int8_t* w = weights + static_cast<size_t>(o) * p.input_size;
    int32_t acc = bias ? bias[o] : 0;
    int32_t i = 0;
    for (; i < n4; i += 4) {
      const int32_t x = simd::load32(input + i);
      const int32_t a = simd::load32(w + i);
      acc = simd::smlad(simd::sxtab16(off2, x), simd::sxtb16(a), acc);
      acc = simd::smlad(simd::sxtab16_ror8(off2, x), simd::sxtb16_ror8(a), acc);
    }
    for (; i < p.input_size; ++i) acc += w[i] * (input[i] + p.input_offset);
    output[o] = requantize(acc, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
  }
  return MOTE_OK;
}

Status fully_connected_s8(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                          const int8_t* weights, const int32_t* bias, int8_t* output) {
#if MOTE_NN_HW_DSP
  return fully_connected_s8_dsp(p, q, input, weights, bias, output);
#else
  return fully_connected_s8_ref(p, q, input, weights, bias, output);
#endif
}

}  // namespace nn
}  // namespace mote
