// fully_connected_s8_wide (the dense form of cores without the DSP extension) and fully_connected_s8_mve (Helium;
// its C form here) against the reference path, bit for bit: random shapes, every group shape (4, 2 and a single
// last row), odd and even input counts, and the extremes the wide form's 16-bit fields must hold (weights +-127
// against inputs -128 and 127, both offset ends).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "nn/fully_connected_s8.h"
#include "nn/fixed_point.h"
#include "nn/fully_connected_s8_mve.h"
#include "nn/fully_connected_s8_wide.h"

using namespace mote;

namespace {

struct Layer {
  nn::FullyConnectedS8Params p;
  std::vector<int8_t> rows, input;
  std::vector<int32_t> bias, multiplier, shift;
};

// The reference's output and the wide form's for one layer (false when the layer does not fit a wide table).
bool run_both(const Layer& l, std::vector<int8_t>* ref, std::vector<int8_t>* wide) {
  const nn::PerChannelQuant q{l.multiplier.data(), l.shift.data()};
  std::vector<int8_t> packed(l.rows.size());
  EXPECT_TRUE(nn::fully_connected_s8_pack_weights(l.p.input_size, l.p.output_size, l.rows.data(), packed.data()));
  ref->assign(static_cast<size_t>(l.p.output_size), 0);
  EXPECT_EQ(nn::fully_connected_s8_ref(l.p, q, l.input.data(), packed.data(), l.bias.empty() ? nullptr : l.bias.data(),
                                       ref->data()),
            MOTE_OK);
  std::vector<int32_t> words(nn::fully_connected_s8_wide_weight_words(l.p.input_size, l.p.output_size));
  EXPECT_TRUE(nn::fully_connected_s8_wide_pack_weights(l.p.input_size, l.p.output_size, l.rows.data(), words.data()));
  std::vector<int32_t> table(nn::fully_connected_s8_wide_table_words(l.p));
  if (!nn::fully_connected_s8_wide_table(l.p, q, l.bias.empty() ? nullptr : l.bias.data(), words.data(), table.data()))
    return false;
  wide->assign(static_cast<size_t>(l.p.output_size) + 4, 0x5a);  // guard bytes after the output
  EXPECT_EQ(nn::fully_connected_s8_wide({l.input.data(), words.data(), table.data(), wide->data(), l.p.input_size,
                                         l.p.output_size}),
            MOTE_OK);
  for (size_t i = ref->size(); i < wide->size(); ++i) EXPECT_EQ((*wide)[i], 0x5a) << "wrote past the output";
  wide->resize(ref->size());
  // The Helium form from the same rows: equal to the reference too.
  std::vector<int32_t> mve_table(nn::fully_connected_s8_mve_table_words(l.p));
  EXPECT_TRUE(nn::fully_connected_s8_mve_table(l.p, q, l.bias.empty() ? nullptr : l.bias.data(), l.rows.data(),
                                               mve_table.data()));
  std::vector<int8_t> mve(ref->size() + 4, 0x5a);
  EXPECT_EQ(nn::fully_connected_s8_mve({l.input.data(), l.rows.data(), mve_table.data(), mve.data(), l.p.input_size,
                                        l.p.output_size}),
            MOTE_OK);
  for (size_t i = ref->size(); i < mve.size(); ++i) EXPECT_EQ(mve[i], 0x5a) << "mve wrote past the output";
  mve.resize(ref->size());
  EXPECT_EQ(mve, *ref) << "mve";
  return true;
}

Layer random_layer(std::mt19937& rng, int32_t in, int32_t out, bool extreme) {
  Layer l;
  std::uniform_int_distribution<int> w8(-127, 127), x8(-128, 127), off(-127, 128), zp(-128, 127);
  std::uniform_int_distribution<int32_t> mult(1 << 30, 0x7fffffff), sh(-14, -2), b(-40000, 40000);
  l.p = {in, out, extreme ? (rng() & 1 ? 128 : -127) : off(rng), zp(rng), -128, 127};
  for (int32_t k = 0; k < in * out; ++k) l.rows.push_back(static_cast<int8_t>(extreme ? (rng() & 1 ? 127 : -127) : w8(rng)));
  for (int32_t k = 0; k < in; ++k) l.input.push_back(static_cast<int8_t>(extreme ? (rng() & 1 ? 127 : -128) : x8(rng)));
  for (int32_t o = 0; o < out; ++o) {
    l.bias.push_back(b(rng));
    l.multiplier.push_back(mult(rng));
    l.shift.push_back(extreme ? -22 + static_cast<int32_t>(rng() % 4) : sh(rng));
  }
  return l;
}

}  // namespace

TEST(NnKernels, FullyConnectedWideMatchesReference) {
  std::mt19937 rng(17);
  int layers = 0;
  for (int32_t in : {1, 2, 3, 4, 5, 33, 105, 256, 601}) {
    for (int32_t out : {1, 2, 3, 4, 5, 6, 7, 10, 20}) {
      for (bool extreme : {false, true}) {
        SCOPED_TRACE(std::to_string(in) + "x" + std::to_string(out) + (extreme ? " extreme" : ""));
        const Layer l = random_layer(rng, in, out, extreme);
        std::vector<int8_t> ref, wide;
        ASSERT_TRUE(run_both(l, &ref, &wide));
        EXPECT_EQ(wide, ref);
        ++layers;
      }
    }
  }
  EXPECT_EQ(layers, 162);
}

// Every field at its bound: all weights 127 (or -127) against inputs all -128 (or 127), so each chunk's low field
// is +-32 512, the most two products can reach; no bias, so the table's fold alone carries the offset.
TEST(NnKernels, FullyConnectedWideHoldsTheFieldBounds) {
  for (int wsign : {1, -1})
    for (int xv : {-128, 127})
      for (int32_t offset : {-127, 0, 128}) {
        Layer l;
        l.p = {9, 5, offset, 3, -128, 127};
        l.rows.assign(45, static_cast<int8_t>(127 * wsign));
        l.input.assign(9, static_cast<int8_t>(xv));
        l.multiplier.assign(5, 1 << 30);
        l.shift.assign(5, -22);
        std::vector<int8_t> ref, wide;
        ASSERT_TRUE(run_both(l, &ref, &wide));
        EXPECT_EQ(wide, ref) << wsign << " " << xv << " " << offset;
      }
}

TEST(NnKernels, FullyConnectedWidePacksTwoRowsPerWordAndRefusesWhatDoesNotFit) {
  // 3 inputs x 5 rows: a group of 4 (two pairs), then a single row with a zero partner.
  std::vector<int8_t> rows(15);
  for (size_t k = 0; k < rows.size(); ++k) rows[k] = static_cast<int8_t>(static_cast<int>(k) * 19 % 255 - 127);
  auto w = [&](int o, int i) { return static_cast<int32_t>(rows[static_cast<size_t>(o * 3 + i)]); };
  ASSERT_EQ(nn::fully_connected_s8_wide_weight_words(3, 5), 9u);
  std::vector<int32_t> words(9);
  ASSERT_TRUE(nn::fully_connected_s8_wide_pack_weights(3, 5, rows.data(), words.data()));
  auto word = [](int32_t lo, int32_t hi) { return lo + 65536 * hi; };
  // inputs 0 and 1 for pair (0, 1), then for pair (2, 3); then input 2 for each pair; then row 4 alone.
  const std::vector<int32_t> expect = {word(w(0, 0), w(1, 0)), word(w(0, 1), w(1, 1)), word(w(2, 0), w(3, 0)),
                                       word(w(2, 1), w(3, 1)), word(w(0, 2), w(1, 2)), word(w(2, 2), w(3, 2)),
                                       word(w(4, 0), 0),       word(w(4, 1), 0),       word(w(4, 2), 0)};
  EXPECT_EQ(words, expect);
  rows[7] = -128;
  EXPECT_FALSE(nn::fully_connected_s8_wide_pack_weights(3, 5, rows.data(), words.data()));

  const nn::FullyConnectedS8Params p{3, 5, 0, 0, -128, 127};
  std::vector<int32_t> m(5, 1 << 30), s(5, -5), table(nn::fully_connected_s8_wide_table_words(p));
  EXPECT_EQ(table.size(), 24u);  // 8 words per pair, the single row counted as one
  const nn::PerChannelQuant q{m.data(), s.data()};
  EXPECT_TRUE(nn::fully_connected_s8_wide_table(p, q, nullptr, words.data(), table.data()));
  nn::FullyConnectedS8Params relu6 = p;
  relu6.act_max = 6;
  EXPECT_FALSE(nn::fully_connected_s8_wide_table(relu6, q, nullptr, words.data(), table.data()));
  s[2] = -1;  // outside requant_fold's shifts
  EXPECT_FALSE(nn::fully_connected_s8_wide_table(p, q, nullptr, words.data(), table.data()));
  int8_t out[5];
  nn::FullyConnectedS8WideLayer bad{nullptr, words.data(), table.data(), out, 3, 5};
  EXPECT_EQ(nn::fully_connected_s8_wide(bad), MOTE_ERR_ARG);
  bad = {out, words.data(), table.data(), out, 0, 5};
  EXPECT_EQ(nn::fully_connected_s8_wide(bad), MOTE_ERR_SHAPE);
  bad = {out, words.data(), table.data(), out, nn::kMaxDotLength + 1, 5};
  EXPECT_EQ(nn::fully_connected_s8_wide(bad), MOTE_ERR_UNSUPPORTED);
  EXPECT_EQ(nn::fully_connected_s8_wide_scratch_bytes(p), 0u);
}

// The Cortex-M0's requantization (four 16 x 16 products, no 64-bit multiply) equals requant_folded for every
// folded channel requant_fold makes, at the int32 edges and on random accumulators.
TEST(NnKernels, RequantFolded16x16EqualsTheInt64Form) {
  std::mt19937 rng(29);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX), mult(0, 0x7fffffff), zp(-128, 127);
  const int32_t edges[] = {0, 1, -1, 2, -2, 65535, 65536, -65536, -65537, 1 << 30, -(1 << 30), INT32_MAX, INT32_MIN,
                           INT32_MIN + 1, 0x7fff8000, -0x7fff8000};
  int checked = 0;
  for (int32_t shift = -22; shift <= -2; ++shift)
    for (int trial = 0; trial < 300; ++trial) {
      int32_t folded[3];
      const int32_t m = trial < 3 ? (trial == 0 ? 0 : trial == 1 ? 0x7fffffff : 1 << 30) : mult(rng);
      ASSERT_TRUE(nn::requant_fold(m, shift, zp(rng), folded));
      for (int32_t x : edges) {
        ASSERT_EQ(nn::requant_folded_16x16(x, folded), nn::requant_folded(x, folded)) << x << " " << m << " " << shift;
        ++checked;
      }
      for (int k = 0; k < 20; ++k) {
        const int32_t x = k & 1 ? any(rng) : any(rng) >> 8;
        ASSERT_EQ(nn::requant_folded_16x16(x, folded), nn::requant_folded(x, folded)) << x << " " << m << " " << shift;
        ++checked;
      }
    }
  EXPECT_EQ(checked, 21 * 300 * 36);
}
