#include "nn/fully_connected_s8_mve.h"

#include "nn/fixed_point.h"
#include "nn/mve_rows.h"

namespace mote {
namespace nn {

size_t fully_connected_s8_mve_scratch_bytes(const FullyConnectedS8Params&) { return 0; }

size_t fully_connected_s8_mve_table_words(const FullyConnectedS8Params& p) {
  return p.output_size > 0 ? 16u * static_cast<size_t>((p.output_size + 3) / 4) : 0;
}

bool fully_connected_s8_mve_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                  const int8_t* rows, int32_t* table) {
  if (!q.multiplier || !q.shift || !rows || p.output_size <= 0 || p.input_size <= 0 ||
      p.input_size > kMaxDotLength || p.act_min != -128 || p.act_max != 127 ||
      !valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset))
    return false;
  const size_t n = static_cast<size_t>(p.input_size);
  const int32_t padded = (p.output_size + 3) / 4 * 4;
  for (int32_t o = 0; o < padded; ++o) {
    int32_t* t = table + 16 * (o / 4) + o % 4;  // t[0] bias, t[4] multiplier, t[8] shift, t[12] output offset
    t[12] = p.output_offset;
    if (o >= p.output_size) {  // a row of the last group that does not exist: computed from row 0, never stored
      t[0] = 0;
      t[4] = 0;
      t[8] = -2;
      continue;
    }
    int32_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
      const int8_t w = rows[static_cast<size_t>(o) * n + i];
      if (w == -128) return false;
      sum += w;
    }
    int32_t folded[3];  // the same range as the other forms' tables: multiplier >= 0, shift in [-22, -2]
    if (!requant_fold(q.multiplier[o], q.shift[o], p.output_offset, folded)) return false;
    t[0] = static_cast<int32_t>((bias ? static_cast<uint32_t>(bias[o]) : 0u) + static_cast<uint32_t>(p.input_offset * sum));
    t[4] = q.multiplier[o];
    t[8] = q.shift[o];
  }
  return true;
}

#if MOTE_NN_MVE_DENSE
// Every group of 4 rows of a layer in one pass (GCC's form of the loop below spilled its row pointers: about 75
// instructions per group beside the MAC loop, here about 45). r0 input, r1 the group's first row, r2, r3, r5 its
// other rows, r4, r6, r8, r10 the sums (VMLADAVA takes even registers), r11 input_size, r9 the table, r7 the output (a low
// register for VSTRB.32),
// r12 rows left, lr the loop count. The tail predicate (input_size % 16 lanes) is set once and kept in VPR.P0
// until the last group's store; whole groups store 4 bytes unpredicated.
__attribute__((naked, noinline)) static void fc_groups_mve(const FullyConnectedS8MveLayer* layer) {
  __asm__ volatile(
      "push    {r4-r11, lr}\n\t"
      "ldrd    r11, r12, [r0, #16]\n\t"
      "ldr     r9, [r0, #8]\n\t"
      "ldr     r7, [r0, #12]\n\t"
      "ldrd    r0, r1, [r0]\n\t"
      "and     r4, r11, #15\n\t"
      "vctp.8  r4\n\t"
      "1:\n\t"
      "add     r2, r1, r11\n\t"
      "add     r3, r2, r11\n\t"
      "add     r5, r3, r11\n\t"
      "cmp     r12, #4\n\t"
      "bge     2f\n\t"
      "mov     r5, r1\n\t"  // a last group of 1 to 3 rows: the missing rows read row 0 again
      "cmp     r12, #3\n\t"
      "it      lt\n\t"
      "movlt   r3, r1\n\t"
      "cmp     r12, #2\n\t"
      "it      lt\n\t"
      "movlt   r2, r1\n\t"
      "2:\n\t"
      "ldrd    r4, r6, [r9]\n\t"
      "ldrd    r8, r10, [r9, #8]\n\t"
      "lsr     lr, r11, #4\n\t"
      "wls     lr, lr, 4f\n\t"
      "3:\n\t"
      "vldrb.8 q0, [r0], #16\n\t"
      "vldrb.8 q1, [r1], #16\n\t"
      "vmladava.s8 r4, q0, q1\n\t"
      "vldrb.8 q2, [r2], #16\n\t"
      "vmladava.s8 r6, q0, q2\n\t"
      "vldrb.8 q3, [r3], #16\n\t"
      "vmladava.s8 r8, q0, q3\n\t"
      "vldrb.8 q1, [r5], #16\n\t"
      "vmladava.s8 r10, q0, q1\n\t"
      "le      lr, 3b\n\t"
      "4:\n\t"
      "vpstttt\n\t"  // the last input_size % 16 (none when it is 0: inactive lanes load zero)
      "vldrbt.8 q0, [r0]\n\t"
      "vldrbt.8 q1, [r1]\n\t"
      "vldrbt.8 q2, [r2]\n\t"
      "vldrbt.8 q3, [r3]\n\t"
      "vmladava.s8 r4, q0, q1\n\t"
      "vmladava.s8 r6, q0, q2\n\t"
      "vmladava.s8 r8, q0, q3\n\t"
      "vpst\n\t"
      "vldrbt.8 q1, [r5]\n\t"
      "vmladava.s8 r10, q0, q1\n\t"
      "vmov    q0[2], q0[0], r4, r8\n\t"  // lane 0 = r4, lane 2 = r8
      "vmov    q0[3], q0[1], r6, r10\n\t"
      "bic     r4, r11, #15\n\t"
      "sub     r0, r0, r4\n\t"  // the input's start again
      "sub     r1, r5, r4\n\t"
      "add     r1, r1, r11\n\t"  // the next group's first row (after this group's last)
      "vldrw.u32 q1, [r9, #16]\n\t"
      "vldrw.u32 q2, [r9, #32]\n\t"
      "vqrdmulh.s32 q0, q0, q1\n\t"
      "vldrw.u32 q3, [r9, #48]\n\t"
      "vand    q1, q0, q2\n\t"
      "vshr.s32 q1, q1, #31\n\t"
      "vqadd.s32 q0, q0, q1\n\t"
      "vrshl.s32 q0, q0, q2\n\t"
      "vadd.i32 q0, q0, q3\n\t"
      "vqshl.s32 q0, q0, #24\n\t"  // saturate to int8 ...
      "vshr.s32 q0, q0, #24\n\t"   // ... and back
      "adds    r9, #64\n\t"
      "cmp     r12, #4\n\t"
      "blt     5f\n\t"
      "vstrb.32 q0, [r7]\n\t"
      "adds    r7, #4\n\t"
      "subs    r12, #4\n\t"
      "bgt     1b\n\t"
      "pop     {r4-r11, pc}\n\t"
      "5:\n\t"
      "vctp.32 r12\n\t"
      "vpst\n\t"
      "vstrbt.32 q0, [r7]\n\t"
      "pop     {r4-r11, pc}\n\t");
}
#endif

Status fully_connected_s8_mve(const FullyConnectedS8MveLayer& layer) {
  if (!layer.input || !layer.weights || !layer.table || !layer.output) return MOTE_ERR_ARG;
  if (layer.input_size <= 0 || layer.output_size <= 0) return MOTE_ERR_SHAPE;
  if (layer.input_size > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
#if MOTE_NN_MVE_DENSE
  fc_groups_mve(&layer);
#else
  // The same groups in plain C (host and cores without Helium), requantized the scalar way.
  const int32_t n = layer.input_size;
  const size_t stride = static_cast<size_t>(n);
  const int8_t* w = layer.weights;
  const int32_t* t = layer.table;
  for (int32_t o = 0; o < layer.output_size; o += 4, w += 4 * stride, t += 16) {
    const int32_t rows = layer.output_size - o;  // a last group of 1 to 3 reads its row 0 in place of the others
    int32_t acc[4] = {t[0], t[1], t[2], t[3]};
    mve_dot4(layer.input, w, rows > 1 ? w + stride : w, rows > 2 ? w + 2 * stride : w, rows > 3 ? w + 3 * stride : w,
             n, acc);
    for (int32_t r = 0; r < 4 && r < rows; ++r)
      layer.output[o + r] = static_cast<int8_t>(requantize(acc[r], t[4 + r], t[8 + r], t[12 + r], -128, 127));
  }
#endif
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
