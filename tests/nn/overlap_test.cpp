// conv2d_s8_overlap_bytes / depthwise_conv2d_s8_overlap_bytes: with the output starting that many bytes before
// the input in one buffer (the arena planner's overlap), every path (reference and DSP) writes exactly what it
// writes into a separate buffer, over random shapes, strides, padding and channel counts; the bound is exact for
// a 3x3 layer (given 8 bytes less room, the output differs).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "nn/conv2d_s8.h"
#include "nn/depthwise_conv2d_s8.h"

using namespace mote;

namespace {

struct Shape {
  int ih, iw, ic, oc, k, s;
  bool same;
};

int out_size(int in, int k, int s, bool same) { return same ? (in + s - 1) / s : (in - k) / s + 1; }
int pad_before(int in, int k, int s, bool same) {
  if (!same) return 0;
  const int out = out_size(in, k, s, same), total = (out - 1) * s + k - in;
  return total > 0 ? total / 2 : 0;
}

// Runs `run(input, output)` once with separate buffers and once with the output `lag` bytes before the input
// in one buffer; true when both outputs are equal.
template <class Run>
bool same_with_overlap(size_t in_bytes, size_t out_bytes, size_t lag, std::mt19937& rng, Run run) {
  std::vector<int8_t> input(in_bytes);
  for (auto& v : input) v = static_cast<int8_t>(rng() % 256 - 128);
  std::vector<int8_t> apart(out_bytes);
  run(input.data(), apart.data());
  std::vector<int8_t> buffer(std::max(lag + in_bytes, out_bytes) + 16);
  std::memcpy(buffer.data() + lag, input.data(), in_bytes);
  run(buffer.data() + lag, buffer.data());
  return std::memcmp(buffer.data(), apart.data(), out_bytes) == 0;
}

}  // namespace

TEST(KernelOverlap, ConvolutionsWriteTheSameOverTheirDyingInput) {
  std::mt19937 rng(11);
  int checked = 0;
  for (int trial = 0; trial < 300; ++trial) {
    Shape s{static_cast<int>(rng() % 9) + 3, static_cast<int>(rng() % 9) + 3, static_cast<int>(rng() % 6) + 1,
            static_cast<int>(rng() % 9) + 1, static_cast<int>(rng() % 3) * 2 + 1, static_cast<int>(rng() % 2) + 1,
            rng() % 2 == 0};
    if (s.k > s.ih || s.k > s.iw) continue;
    const bool depthwise = trial % 2 == 1;
    if (depthwise) s.oc = s.ic * (static_cast<int>(rng() % 2) + 1);
    const int oh = out_size(s.ih, s.k, s.s, s.same), ow = out_size(s.iw, s.k, s.s, s.same);
    const int ph = pad_before(s.ih, s.k, s.s, s.same), pw = pad_before(s.iw, s.k, s.s, s.same);
    std::vector<int32_t> mult(s.oc, 1 << 30), shift(s.oc, -6), bias(s.oc);
    for (auto& b : bias) b = static_cast<int32_t>(rng() % 2000) - 1000;
    const nn::PerChannelQuant q{mult.data(), shift.data()};
    const size_t in_bytes = static_cast<size_t>(s.ih) * s.iw * s.ic, out_bytes = static_cast<size_t>(oh) * ow * s.oc;
    if (!depthwise) {
      const nn::Conv2DS8Params p{{s.ih, s.iw, s.ic}, {oh, ow, s.oc}, s.k, s.k, s.s, s.s, ph, pw, 3, -2, -128, 127};
      std::vector<int8_t> w(static_cast<size_t>(s.oc) * s.k * s.k * s.ic), packed(nn::conv2d_s8_packed_bytes(p));
      for (auto& v : w) v = static_cast<int8_t>(rng() % 255 - 127);
      ASSERT_TRUE(nn::conv2d_s8_pack_weights(p, w.data(), packed.data()));
      std::vector<int32_t> scratch((nn::conv2d_s8_scratch_bytes(p) + 3) / 4 + 1);
      const size_t lag = nn::conv2d_s8_overlap_bytes(p);
      for (int path = 0; path < 2; ++path)
        EXPECT_TRUE(same_with_overlap(in_bytes, out_bytes, lag, rng, [&](const int8_t* x, int8_t* y) {
          const auto st = path ? nn::conv2d_s8_dsp(p, q, x, packed.data(), bias.data(), y, scratch.data(), 4 * scratch.size())
                               : nn::conv2d_s8_ref(p, q, x, packed.data(), bias.data(), y, scratch.data(), 4 * scratch.size());
          ASSERT_EQ(st, MOTE_OK);
        })) << "conv " << s.ih << "x" << s.iw << "x" << s.ic << " -> " << s.oc << " k" << s.k << " s" << s.s
            << (s.same ? " same" : " valid") << " lag " << lag << (path ? " dsp" : " ref");
    } else {
      const nn::DepthwiseConv2DS8Params p{{s.ih, s.iw, s.ic}, {oh, ow, s.oc}, s.k, s.k, s.s, s.s, ph, pw, s.oc / s.ic, 3, -2,
                                          -128, 127};
      std::vector<int8_t> w(static_cast<size_t>(s.k) * s.k * s.oc);
      for (auto& v : w) v = static_cast<int8_t>(rng() % 255 - 127);
      const size_t lag = nn::depthwise_conv2d_s8_overlap_bytes(p);
      for (int path = 0; path < 2; ++path)
        EXPECT_TRUE(same_with_overlap(in_bytes, out_bytes, lag, rng, [&](const int8_t* x, int8_t* y) {
          const auto st = path ? nn::depthwise_conv2d_s8_dsp(p, q, x, w.data(), bias.data(), y)
                               : nn::depthwise_conv2d_s8_ref(p, q, x, w.data(), bias.data(), y);
          ASSERT_EQ(st, MOTE_OK);
        })) << "depthwise " << s.ih << "x" << s.iw << "x" << s.ic << " -> " << s.oc << " k" << s.k << " s" << s.s
            << " lag " << lag << (path ? " dsp" : " ref");
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

TEST(KernelOverlap, TheBoundIsOneRowAndTwoPixelsForA3x3Convolution) {
  // 3x3 stride 1 SAME, 8 -> 8 channels on 10 x 12: output pixel (y, x) may reach up to input pixel
  // (y - 1, x - 1), so the output starts one row + 2 pixels (14 pixels = 112 bytes) before the input.
  const nn::Conv2DS8Params p{{10, 12, 8}, {10, 12, 8}, 3, 3, 1, 1, 1, 1, 0, 0, -128, 127};
  EXPECT_EQ(nn::conv2d_s8_overlap_bytes(p), 112u);
  std::mt19937 rng(5);
  std::vector<int8_t> w(8 * 9 * 8), packed(nn::conv2d_s8_packed_bytes(p));
  for (auto& v : w) v = static_cast<int8_t>(rng() % 255 - 127);
  ASSERT_TRUE(nn::conv2d_s8_pack_weights(p, w.data(), packed.data()));
  std::vector<int32_t> mult(8, 1 << 30), shift(8, -6), bias(8, 0), scratch(nn::conv2d_s8_scratch_bytes(p) / 4 + 1);
  const nn::PerChannelQuant q{mult.data(), shift.data()};
  auto run = [&](const int8_t* x, int8_t* y) {
    ASSERT_EQ(nn::conv2d_s8_ref(p, q, x, packed.data(), bias.data(), y, scratch.data(), 4 * scratch.size()), MOTE_OK);
  };
  EXPECT_TRUE(same_with_overlap(960, 960, 112, rng, run));
  EXPECT_FALSE(same_with_overlap(960, 960, 104, rng, run)) << "less room than the bound must corrupt the output";
  // A 1x1 convolution doubling the channels needs the output's growth plus one input pixel.
  const nn::Conv2DS8Params widen{{4, 4, 8}, {4, 4, 16}, 1, 1, 1, 1, 0, 0, 0, 0, -128, 127};
  EXPECT_EQ(nn::conv2d_s8_overlap_bytes(widen), 16u * 16 - 15u * 8);
}
