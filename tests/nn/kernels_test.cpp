// Every int8 kernel and every path of it (reference and DSP-extension, the latter emulated in portable C
// on the host) against tests/ref/nn_int8.py, bit for bit: ggml's test-backend-ops idea, one harness.
#include <cstring>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "nn/fixed_point.h"
#include "nn/quantize_s8.h"
#include "nn/kernel_json.h"
#include "quant/quantize.h"
#include "support/test_support.h"

using namespace mote;
using namespace mote::nntest;

namespace {

const nlohmann::json& cases() {
  const auto& d = test::reference_data("nn_int8.py", "nn_int8.json");
  return d;
}

}  // namespace

// The packed dense weight order as fully_connected_s8.h writes it out, decoded here independently: groups of
// 4 then 2 rows, each pair's weights of one input as the int16 256 w[hi] + w[lo], words (i, i+2) and
// (i+1, i+3) per block of 4 inputs, then the group's tails row by row; a last single row is plain.
TEST(NnKernels, FullyConnectedPackedPairsHoldBothRows) {
  for (int32_t in : {1, 3, 4, 7, 8, 105, 300}) {
    for (int32_t out : {1, 2, 3, 4, 5, 6, 7, 10, 20}) {
      std::vector<int8_t> rows(static_cast<size_t>(in * out)), packed(rows.size(), 0);
      for (size_t k = 0; k < rows.size(); ++k) rows[k] = static_cast<int8_t>(k * 37 % 255 - 127);
      ASSERT_TRUE(nn::fully_connected_s8_pack_weights(in, out, rows.data(), packed.data()));
      auto w = [&](int32_t o, int32_t i) { return static_cast<int32_t>(rows[static_cast<size_t>(o * in + i)]); };
      const int32_t n4 = in & ~3;
      for (int32_t o = 0; o < out;) {
        const int32_t g = out - o >= 4 ? 4 : (out - o >= 2 ? 2 : 1);
        const int8_t* at = packed.data() + static_cast<size_t>(o * in);
        if (g == 1) {
          for (int32_t i = 0; i < in; ++i) ASSERT_EQ(at[i], w(o, i)) << in << "x" << out << " row " << o;
        } else {
          for (int32_t i = 0; i < n4; i += 4)
            for (int32_t r = 0; r < g; r += 2)
              for (int32_t k : {0, 2, 1, 3}) {
                int16_t h;
                std::memcpy(&h, at, 2);  // little-endian, as on the M4
                at += 2;
                ASSERT_EQ(h, 256 * w(o + r + 1, i + k) + w(o + r, i + k)) << in << "x" << out << " row " << o + r;
              }
          for (int32_t r = 0; r < g; ++r)
            for (int32_t i = n4; i < in; ++i) ASSERT_EQ(*at++, w(o + r, i)) << in << "x" << out << " tail";
        }
        o += g;
      }
    }
  }
  // By hand: 4 inputs, 2 rows. Word (0, 2) holds bytes lo0, hi0 - 1 (lo0 < 0), lo2, hi2 - 1; word (1, 3) the rest.
  const int8_t rows[8] = {-1, 2, -3, 4, 5, -6, 7, -127};
  int8_t packed[8];
  ASSERT_TRUE(nn::fully_connected_s8_pack_weights(4, 2, rows, packed));
  const int8_t expect[8] = {-1, 4, -3, 6, 2, -6, 4, -127};
  for (int k = 0; k < 8; ++k) EXPECT_EQ(packed[k], expect[k]) << k;
  // -128 has no place in symmetric int8 and would not fit the high byte: refused.
  const int8_t bad[8] = {-1, 2, -3, 4, -128, 0, 0, 0};
  EXPECT_FALSE(nn::fully_connected_s8_pack_weights(4, 2, bad, packed));
}

// fully_connected_s8_fast is what generated code calls for a layer that fits, with a table the generator
// computes; a layer that does not fit gets no table (generated code then calls the general kernel), never
// one with the wrong rounding.
TEST(NnKernels, FullyConnectedFastRefusesLayersThatDoNotFit) {
  const int32_t in = 8, out = 4;
  std::vector<int8_t> x(in, 3), rows(in * out, 5), packed(rows.size()), y(out);
  ASSERT_TRUE(nn::fully_connected_s8_pack_weights(in, out, rows.data(), packed.data()));
  std::vector<int32_t> bias(out, 7), mult(out, 1 << 30), shift(out, -8);
  const nn::PerChannelQuant q{mult.data(), shift.data()};
  nn::FullyConnectedS8Params p{in, out, 0, 0, -128, 127};
  ASSERT_EQ(nn::fully_connected_s8_fast_table_words(p), 16u);
  std::vector<int32_t> table(16);
  ASSERT_TRUE(nn::fully_connected_s8_fast_table(p, q, bias.data(), table.data()));
  // a group's biases (b0, b2, b1, b3), then per row {multiplier, k = -shift - 1, (2 offset + 1) 2^(k-1)}
  bias = {7, 8, 9, 10};
  ASSERT_TRUE(nn::fully_connected_s8_fast_table(p, q, bias.data(), table.data()));
  EXPECT_EQ(std::vector<int32_t>(table.begin(), table.begin() + 7), (std::vector<int32_t>{7, 9, 8, 10, 1 << 30, 7, 64}));
  const nn::FullyConnectedS8FastLayer layer{x.data(), packed.data(), table.data(), y.data(), in, out, 0};
  ASSERT_EQ(nn::fully_connected_s8_fast(layer), MOTE_OK);
  std::vector<int8_t> want(out);
  ASSERT_EQ(nn::fully_connected_s8_ref(p, q, x.data(), packed.data(), bias.data(), want.data()), MOTE_OK);
  EXPECT_EQ(y, want);
  EXPECT_FALSE(nn::fully_connected_s8_fast_table(p, q, nullptr, table.data()));  // no bias
  nn::FullyConnectedS8Params relu6 = p;
  relu6.act_max = 20;  // a fused clamp narrower than int8
  EXPECT_FALSE(nn::fully_connected_s8_fast_table(relu6, q, bias.data(), table.data()));
  for (int32_t s : {-1, 0, 3, -23, -31}) {  // the other rounding word, left shifts, past the folded offset's range
    shift[2] = s;
    EXPECT_FALSE(nn::fully_connected_s8_fast_table(p, q, bias.data(), table.data())) << s;
  }
  shift[2] = -22;
  EXPECT_TRUE(nn::fully_connected_s8_fast_table(p, q, bias.data(), table.data()));
  mult[1] = -5;
  EXPECT_FALSE(nn::fully_connected_s8_fast_table(p, q, bias.data(), table.data()));
  mult[1] = 1 << 30;
  nn::FullyConnectedS8Params long_input = p;
  long_input.input_size = 4 * 65;  // past one chunk of row pairs
  EXPECT_FALSE(nn::fully_connected_s8_fast_table(long_input, q, bias.data(), table.data()));
  nn::FullyConnectedS8FastLayer bad = layer;
  bad.input_size = 4 * 65;
  EXPECT_EQ(nn::fully_connected_s8_fast(bad), MOTE_ERR_UNSUPPORTED);
  bad = layer;
  bad.table = nullptr;
  EXPECT_EQ(nn::fully_connected_s8_fast(bad), MOTE_ERR_ARG);
  bad = layer;
  bad.output_size = 0;
  EXPECT_EQ(nn::fully_connected_s8_fast(bad), MOTE_ERR_SHAPE);
  bad = layer;
  bad.weights = packed.data() + 1;  // the M4 pass reads words
  EXPECT_EQ(nn::fully_connected_s8_fast(bad), MOTE_ERR_ARG);
}

TEST(NnKernels, EveryPathMatchesReferenceBitExact) {
  const auto& d = cases();
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/nn_int8.py failed";
  std::set<std::string> kernels_seen;
  int runs = 0;
  for (const auto& j : d["cases"]) {
    auto c = case_from_json(j);
    SCOPED_TRACE(c->name);
    kernels_seen.insert(kernel_name(c->view.kernel));
    std::vector<uint8_t> scratch(case_scratch_bytes(c->view));
    for (int path = 0; path < kernel_path_count(c->view.kernel); ++path) {
      SCOPED_TRACE(path_name(c->view.kernel, path));
      std::vector<int8_t> out(c->expected.size() + 4, 0x5a);  // guard bytes after the output
      ASSERT_EQ(run_case(c->view, path, out.data(), scratch.data(), scratch.size()), MOTE_OK);
      for (size_t i = 0; i < c->expected.size(); ++i) ASSERT_EQ(out[i], c->expected[i]) << "element " << i;
      for (size_t i = c->expected.size(); i < out.size(); ++i) ASSERT_EQ(out[i], 0x5a) << "wrote past the output";
      ++runs;
    }
  }
  EXPECT_EQ(kernels_seen.size(), static_cast<size_t>(kKernelCount)) << "every kernel has reference cases";
  EXPECT_GT(runs, 40);
}

TEST(NnKernels, ScratchTwinsAndErrors) {
  nn::Conv2DS8Params p{{1, 10, 3}, {1, 8, 4}, 1, 3, 1, 1, 0, 0, 0, 0, -128, 127};
  // 9 taps rounded up to 12: two int16 columns (48 bytes), an int8 one (12), the M4 row-pair table (2 x 32)
  EXPECT_EQ(nn::conv2d_s8_scratch_bytes(p), 124u);
  EXPECT_EQ(nn::conv2d_s8_packed_bytes(p), 48u);  // 4 rows of 12 taps
  alignas(4) int8_t w[4 * 12] = {};
  std::vector<int8_t> in(30), out(32);
  std::vector<int32_t> m(4, 1 << 30), s(4, 0);
  nn::PerChannelQuant q{m.data(), s.data()};
  alignas(4) int8_t col[124];
  EXPECT_EQ(nn::conv2d_s8_dsp(p, q, in.data(), w, nullptr, out.data(), col, sizeof(col) - 1), MOTE_ERR_SCRATCH);
  EXPECT_EQ(nn::conv2d_s8_ref(p, q, in.data(), w, nullptr, out.data(), nullptr, 0), MOTE_ERR_SCRATCH);
  EXPECT_EQ(nn::conv2d_s8_dsp(p, q, in.data(), w, nullptr, out.data(), col, sizeof(col)), MOTE_OK);
  alignas(4) int8_t col_plus_one[128];  // the DSP path reads its int16 columns with LDRD: word-aligned scratch
  EXPECT_EQ(nn::conv2d_s8_dsp(p, q, in.data(), w, nullptr, out.data(), col_plus_one + 1, 124), MOTE_ERR_ARG);
  EXPECT_EQ(nn::conv2d_s8_ref(p, q, in.data(), w, nullptr, out.data(), col, sizeof(col)), MOTE_OK);
  EXPECT_EQ(nn::conv2d_s8_ref(p, q, nullptr, w, nullptr, out.data(), nullptr, 0), MOTE_ERR_ARG);
  p.act_min = 10;
  p.act_max = 9;
  EXPECT_EQ(nn::conv2d_s8_ref(p, q, in.data(), w, nullptr, out.data(), nullptr, 0), MOTE_ERR_ARG);

  nn::FullyConnectedS8Params f{0, 3, 0, 0, -128, 127};
  EXPECT_EQ(nn::fully_connected_s8(f, q, in.data(), w, nullptr, out.data()), MOTE_ERR_SHAPE);
  f.input_size = nn::kMaxDotLength + 1;
  EXPECT_EQ(nn::fully_connected_s8_dsp(f, q, in.data(), w, nullptr, out.data()), MOTE_ERR_UNSUPPORTED);
  f.input_size = 4;
  f.input_offset = 129;  // a zero point of -129 is not int8
  EXPECT_EQ(nn::fully_connected_s8_ref(f, q, in.data(), w, nullptr, out.data()), MOTE_ERR_ARG);
  f.input_offset = 0;  // 4 x 3 weights: the DSP path wants them word-aligned (LDRD), the reference does not
  EXPECT_EQ(nn::fully_connected_s8_dsp(f, q, in.data(), w + 1, nullptr, out.data()), MOTE_ERR_ARG);
  EXPECT_EQ(nn::fully_connected_s8_ref(f, q, in.data(), w + 1, nullptr, out.data()), MOTE_OK);
  EXPECT_EQ(nn::fully_connected_s8_dsp(f, q, in.data(), w, nullptr, out.data()), MOTE_OK);

  nn::DepthwiseConv2DS8Params dw{{2, 2, 3}, {2, 2, 5}, 1, 1, 1, 1, 0, 0, 2, 0, 0, -128, 127};
  EXPECT_EQ(nn::depthwise_conv2d_s8(dw, q, in.data(), w, nullptr, out.data()), MOTE_ERR_SHAPE);

  nn::PoolS8Params pool{{2, 2, 1}, {2, 2, 1}, 2, 2, 1, 1, 3, 3, -128, 127};  // windows entirely in padding
  EXPECT_EQ(nn::max_pool2d_s8(pool, in.data(), out.data()), MOTE_ERR_UNSUPPORTED);
  EXPECT_EQ(nn::avg_pool2d_s8(pool, in.data(), out.data()), MOTE_ERR_UNSUPPORTED);

  nn::SoftmaxS8Params sm{1, 3, 1 << 30, 31, -10};
  EXPECT_EQ(nn::softmax_s8(sm, in.data(), out.data()), MOTE_ERR_ARG);
  EXPECT_EQ(nn::softmax_s8_scratch_bytes(sm), 0u);
  int32_t table[nn::kSoftmaxExpTableMax], size = 0;
  EXPECT_EQ(nn::softmax_s8_exp_table(sm, table, &size), MOTE_ERR_ARG);
  sm.input_left_shift = 20;
  ASSERT_EQ(nn::softmax_s8_exp_table(sm, table, &size), MOTE_OK);
  EXPECT_EQ(table[0], INT32_MAX);
  EXPECT_EQ(nn::softmax_s8_table(sm, nullptr, size, in.data(), out.data()), MOTE_ERR_ARG);
  EXPECT_EQ(nn::softmax_s8_table(sm, table, 0, in.data(), out.data()), MOTE_ERR_ARG);
  EXPECT_EQ(nn::softmax_s8_table(sm, table, 12, in.data(), out.data()), MOTE_ERR_ARG);  // past 1 - diff_min
  EXPECT_EQ(nn::softmax_s8_table(sm, table + 1, 1, in.data(), out.data()), MOTE_ERR_ARG);  // entry 0 is not exp(0)
  EXPECT_EQ(nn::softmax_s8_table(sm, table, size, in.data(), out.data()), MOTE_OK);
}

// The table path equals the computed one on the scales a quantized model can give (so the host's table,
// printed into generated code, reproduces softmax_s8): every difference, including those the table leaves
// off, and random rows.
TEST(NnKernels, SoftmaxTableEqualsComputedExp) {
  std::mt19937 rng(5);
  int compared = 0;
  for (double scale = 1e-3; scale < 4.0; scale *= 1.07) {
    const double real = std::min(scale * (1 << 26), (1LL << 31) - 1.0);
    const auto [multiplier, left_shift] = quant::quantize_multiplier(real);
    const int32_t diff_min = -static_cast<int32_t>(std::floor(31.0 * (1LL << 26) / static_cast<double>(1LL << left_shift)));
    for (int32_t depth : {1, 2, 4, 10, 40}) {
      const nn::SoftmaxS8Params p{3, depth, multiplier, left_shift, diff_min};
      int32_t table[nn::kSoftmaxExpTableMax], size = 0;
      ASSERT_EQ(nn::softmax_s8_exp_table(p, table, &size), MOTE_OK);
      ASSERT_GE(size, 1);
      ASSERT_LE(size, std::min(nn::kSoftmaxExpTableMax, 1 - diff_min));
      for (int32_t k = 0; k < 256; ++k) {  // every difference, the left-off ones included, against depth - 1 others
        std::vector<int8_t> x(static_cast<size_t>(3 * depth), static_cast<int8_t>(127 - k)), a(x.size()), b(x.size());
        x[0] = 127;
        x[static_cast<size_t>(depth)] = static_cast<int8_t>(127 - k / 2);
        ASSERT_EQ(nn::softmax_s8(p, x.data(), a.data()), MOTE_OK);
        ASSERT_EQ(nn::softmax_s8_table(p, table, size, x.data(), b.data()), MOTE_OK);
        ASSERT_EQ(a, b) << "scale " << scale << " depth " << depth << " difference " << -k;
        ++compared;
      }
      for (int trial = 0; trial < 30; ++trial) {
        // Spreads from flat to the whole int8 range, so differences hit every table region and diff_min.
        const int spread = trial % 3 == 0 ? 255 : trial % 3 == 1 ? 20 : 3;
        std::uniform_int_distribution<int> v(-128, -128 + spread);
        std::vector<int8_t> x(static_cast<size_t>(3 * depth)), a(x.size()), b(x.size());
        for (auto& e : x) e = static_cast<int8_t>(v(rng));
        ASSERT_EQ(nn::softmax_s8(p, x.data(), a.data()), MOTE_OK);
        ASSERT_EQ(nn::softmax_s8_table(p, table, size, x.data(), b.data()), MOTE_OK);
        ASSERT_EQ(a, b) << "scale " << scale << " depth " << depth;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 100000);
}

// The fixed-point core against hand-checked values of TFLite's MultiplyByQuantizedMultiplier.
TEST(NnKernels, RequantizationRoundsLikeTflite) {
  EXPECT_EQ(nn::multiply_by_quantized_multiplier(3, 1 << 30, 0), 2);    // 1.5 rounds away from zero
  // gemmlowp's nudge for negative products is 1 - 2^30, so -1.5 rounds toward zero in the high mul.
  EXPECT_EQ(nn::multiply_by_quantized_multiplier(-3, 1 << 30, 0), -1);
  // 5 * 0.25 = 1.25 rounds twice (2.5 -> 3 in the high mul, then 1.5 -> 2): TFLite's double rounding.
  EXPECT_EQ(nn::multiply_by_quantized_multiplier(5, 1 << 30, -1), 2);
  EXPECT_EQ(nn::multiply_by_quantized_multiplier(100, 1 << 30, 2), 200);
  EXPECT_EQ(nn::sat_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
  EXPECT_EQ(nn::rounding_divide_by_pot(-5, 1), -3);  // -2.5 -> -3
  EXPECT_EQ(nn::rounding_divide_by_pot(5, 1), 3);
  EXPECT_EQ(nn::rounding_divide_by_pot(-6, 2), -2);  // -1.5 -> -2
}

// The one-shift high multiply equals gemmlowp's nudge-and-truncate form on random and tie-breaking operands.
TEST(NnKernels, HighMulEqualsGemmlowpNudgeForm) {
  auto gemmlowp = [](int32_t a, int32_t b) {
    if (a == b && a == INT32_MIN) return INT32_MAX;
    const int64_t ab = static_cast<int64_t>(a) * b;
    const int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return static_cast<int32_t>((ab + nudge) / (static_cast<int64_t>(1) << 31));
  };
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  const int32_t ties[] = {1 << 30, (1 << 30) + 1, -(1 << 30), 3 << 28, INT32_MAX, INT32_MIN, 1, -1, 0};
  for (int i = 0; i < 200000; ++i) {
    const int32_t a = any(rng), b = i % 3 ? any(rng) : ties[i % 9];
    ASSERT_EQ(nn::sat_rounding_doubling_high_mul(a, b), gemmlowp(a, b)) << a << " " << b;
  }
  for (int32_t a = -4096; a <= 4096; ++a)
    for (int32_t b : ties) ASSERT_EQ(nn::sat_rounding_doubling_high_mul(a, b), gemmlowp(a, b)) << a << " " << b;
}

// The one-accumulation requantization equals TFLite's two roundings on random and tie-breaking operands
// over every shift, including the saturating INT32_MIN * INT32_MIN and wrapping left shifts.
TEST(NnKernels, FusedRequantizationEqualsTwoStepForm) {
  std::mt19937 rng(23);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX), small(-70000, 70000), shifts(-31, 30);
  const int32_t edges[] = {0, 1, -1, 2, -2, 3, -3, 1 << 30, -(1 << 30), (1 << 30) + 1, INT32_MAX, INT32_MIN,
                           INT32_MIN + 1, 1 << 29, 3 << 28, -(3 << 28), 0x40000001, 0x7ffffffe};
  int checked = 0;
  for (int32_t shift = -31; shift <= 30; ++shift) {
    for (int32_t x : edges)
      for (int32_t m : edges) {
        ASSERT_EQ(nn::multiply_by_quantized_multiplier(x, m, shift),
                  nn::multiply_by_quantized_multiplier_two_step(x, m, shift))
            << x << " " << m << " " << shift;
        ++checked;
      }
    // Ties of the final divide: x * m / 2^31 lands exactly on k + 1/2 at this shift.
    for (int32_t k = -300; k <= 300; ++k) {
      const int32_t x = k, m = 1 << 30;  // x / 2 * 2^shift, every tie pattern for small shifts
      ASSERT_EQ(nn::multiply_by_quantized_multiplier(x, m, shift),
                nn::multiply_by_quantized_multiplier_two_step(x, m, shift))
          << x << " " << m << " " << shift;
      ++checked;
    }
  }
  for (int32_t m : {1 << 30, (1 << 30) + 12345, 0x7fffffff, 1518500250, 1 << 28})  // dense ties for small x
    for (int32_t x = -5000; x <= 5000; ++x)
      for (int32_t shift = -14; shift <= 2; ++shift) {
        ASSERT_EQ(nn::multiply_by_quantized_multiplier(x, m, shift),
                  nn::multiply_by_quantized_multiplier_two_step(x, m, shift))
            << x << " " << m << " " << shift;
        ++checked;
      }
  for (int i = 0; i < 300000; ++i) {
    const int32_t x = i % 2 ? any(rng) : small(rng), m = i % 5 ? any(rng) : edges[i % 18], shift = shifts(rng);
    ASSERT_EQ(nn::multiply_by_quantized_multiplier(x, m, shift),
              nn::multiply_by_quantized_multiplier_two_step(x, m, shift))
        << x << " " << m << " " << shift;
    ++checked;
  }
  EXPECT_GT(checked, 300000);
}

TEST(NnKernels, QuantizeRoundsHalfAwayAndHandlesNonFinite) {
  const float in[] = {1.125f, -1.125f, 0.124f, 1e30f, -1e30f, NAN, 0.0f, -0.0f};
  int8_t out[8];
  const nn::QuantizeS8Params p{8, 0.25f, 3};
  ASSERT_EQ(nn::quantize_s8(p, in, out), MOTE_OK);
  const int8_t expected[] = {8, -2, 3, 127, -128, 3, 3, 3};  // 4.5 -> 5, -4.5 -> -5, 0.496 -> 0; NaN -> zero point
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[i], expected[i]) << i;
  // Against round-half-away in double over halves, near-halves, the int16 clamp's edges and every zero point.
  std::vector<float> vs = {NAN, INFINITY, -INFINITY, 3e9f, -3e9f, 16383.5f, -16383.5f, 16384.0f, -16384.5f, 65536.0f};
  for (int k = -600; k <= 600; ++k) {
    vs.push_back(k * 0.5f);
    vs.push_back(std::nextafter(k * 0.5f, 1e9f));
    vs.push_back(std::nextafter(k * 0.5f, -1e9f));
  }
  for (int32_t zp = -128; zp <= 127; zp += 5)
    for (float v : vs) {
      const double r = std::isnan(v) ? 0.0 : (v < 0 ? -std::floor(-static_cast<double>(v) + 0.5) : std::floor(static_cast<double>(v) + 0.5));
      const double want = std::min(127.0, std::max(-128.0, r + zp));
      ASSERT_EQ(nn::quantize_rounded_s8(v, zp), static_cast<int8_t>(want)) << v << " zp " << zp;
    }
  EXPECT_EQ(nn::quantize_s8({8, 0.0f, 0}, in, out), MOTE_ERR_ARG);
  EXPECT_EQ(nn::quantize_s8({8, 1.0f, 128}, in, out), MOTE_ERR_ARG);
  EXPECT_EQ(nn::quantize_s8({0, 1.0f, 0}, in, out), MOTE_ERR_SHAPE);
}

// The shared-channel table (per-tensor weights: one multiplier and shift for the layer) gives the reference's
// bits for every group shape (4-row groups, a pair, a last single row) and input tail, and is refused when any
// channel differs.
TEST(NnKernels, FullyConnectedFastSharedTableMatchesReference) {
  std::mt19937 rng(9);
  for (int32_t out = 1; out <= 11; ++out)
    for (int32_t in : {1, 4, 7, 33, 256, 259}) {
      std::vector<int8_t> x(in), rows(static_cast<size_t>(in) * out), packed(rows.size()), y(out), want(out);
      for (auto& v : x) v = static_cast<int8_t>(rng() % 256 - 128);
      for (auto& v : rows) v = static_cast<int8_t>(rng() % 255 - 127);
      ASSERT_TRUE(nn::fully_connected_s8_pack_weights(in, out, rows.data(), packed.data()));
      std::vector<int32_t> bias(out), mult(out, 1518500250), shift(out, -9);
      for (auto& b : bias) b = static_cast<int32_t>(rng() % 20000) - 10000;
      const nn::PerChannelQuant q{mult.data(), shift.data()};
      const nn::FullyConnectedS8Params p{in, out, 5, -3, -128, 127};
      std::vector<int32_t> table(nn::fully_connected_s8_fast_shared_table_words(p));
      ASSERT_EQ(table.size(), 3u + static_cast<size_t>(out));
      ASSERT_TRUE(nn::fully_connected_s8_fast_shared_table(p, q, bias.data(), table.data()));
      const nn::FullyConnectedS8FastLayer layer{x.data(), packed.data(), table.data(), y.data(), in, out, 5};
      ASSERT_EQ(nn::fully_connected_s8_fast_shared(layer), MOTE_OK);
      ASSERT_EQ(nn::fully_connected_s8_ref(p, q, x.data(), packed.data(), bias.data(), want.data()), MOTE_OK);
      EXPECT_EQ(y, want) << in << " inputs, " << out << " outputs";
      if (out > 1) {
        shift[out - 1] = -10;
        EXPECT_FALSE(nn::fully_connected_s8_fast_shared_table(p, q, bias.data(), table.data()));
      }
    }
}
