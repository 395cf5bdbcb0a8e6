// runtime/dsp/image against tests/ref/image.py (numpy), plus argument checks.
#include "dsp/image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.h"

using nlohmann::json;
using namespace mote;
using namespace mote::dsp;

namespace {

// The golden cases, generated once per test binary run.
const json& reference() {
  static const json cases = [] {
    test::TempDir dir;
    if (test::run_reference("image.py", dir.path().string()) != 0) return json();
    return json::parse(test::read_text(dir / "image.json"))["cases"];
  }();
  return cases;
}

ImageConfig config_of(const json& c) {
  ImageConfig cfg;
  cfg.in_width = c["in_width"].get<uint16_t>();
  cfg.in_height = c["in_height"].get<uint16_t>();
  cfg.in_color = static_cast<ImageColor>(c["in_channels"].get<int>());
  cfg.out_width = c["out_width"].get<uint16_t>();
  cfg.out_height = c["out_height"].get<uint16_t>();
  cfg.out_color = static_cast<ImageColor>(c["out_channels"].get<int>());
  const std::string resize = c["resize"];
  cfg.resize = resize == "squash"         ? IMAGE_RESIZE_SQUASH
               : resize == "fit-shortest" ? IMAGE_RESIZE_FIT_SHORTEST
                                          : IMAGE_RESIZE_FIT_LONGEST;
  cfg.interp = c["interp"] == "nearest" ? IMAGE_INTERP_NEAREST : IMAGE_INTERP_BILINEAR;
  return cfg;
}

ImageConfig small_config() {
  ImageConfig cfg = {4, 3, IMAGE_COLOR_RGB, 2, 2, IMAGE_COLOR_GRAYSCALE, IMAGE_RESIZE_SQUASH, IMAGE_INTERP_BILINEAR};
  return cfg;
}

}  // namespace

TEST(ImageBlock, MatchesNumpyReference) {
  const json& cases = reference();
  ASSERT_TRUE(cases.is_array() && !cases.empty()) << "tests/ref/image.py failed";
  for (const json& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    ImageConfig cfg = config_of(c);
    std::vector<uint8_t> in = c["input"].get<std::vector<uint8_t>>();
    std::vector<double> expected = c["expected"].get<std::vector<double>>();
    ASSERT_EQ(image_output_len(cfg), expected.size());
    ASSERT_EQ(image_scratch_bytes(cfg), 0u);
    std::vector<double> got(expected.size());
    if (c["output"] == "f32") {
      std::vector<float> out(expected.size());
      ASSERT_EQ(image_f32(cfg, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_OK);
      std::copy(out.begin(), out.end(), got.begin());
    } else {
      std::vector<int8_t> out(expected.size());
      ASSERT_EQ(image_s8(cfg, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_OK);
      std::copy(out.begin(), out.end(), got.begin());
    }
    double worst = 0;
    size_t worst_at = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      double err = std::fabs(got[i] - expected[i]) / std::max(1.0, std::fabs(expected[i]));
      if (err > worst) worst = err, worst_at = i;
    }
    EXPECT_LE(worst, 1e-4) << "element " << worst_at << ": got " << got[worst_at] << ", expected "
                           << expected[worst_at];
  }
}

TEST(ImageBlock, Int8IsTheFloatPixelMinus128) {
  const int w = 29, h = 17;
  std::vector<uint8_t> in(w * h * 3);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>((i * 7919u) >> 3);
  for (int mode = 0; mode < 3; ++mode) {
    ImageConfig cfg = {w, h, IMAGE_COLOR_RGB, 11, 13, IMAGE_COLOR_GRAYSCALE, static_cast<ImageResize>(mode),
                       IMAGE_INTERP_BILINEAR};
    std::vector<float> f(image_output_len(cfg));
    std::vector<int8_t> s(f.size());
    ASSERT_EQ(image_f32(cfg, in.data(), in.size(), f.data(), f.size(), nullptr, 0), MOTE_OK);
    ASSERT_EQ(image_s8(cfg, in.data(), in.size(), s.data(), s.size(), nullptr, 0), MOTE_OK);
    for (size_t i = 0; i < f.size(); ++i) EXPECT_EQ(std::lround(f[i] * 255.0f) - 128, s[i]) << i;
  }
}

TEST(ImageBlock, RejectsBadArguments) {
  ImageConfig cfg = small_config();
  std::vector<uint8_t> in(4 * 3 * 3);
  std::vector<float> out(4);
  EXPECT_EQ(image_f32(cfg, in.data(), in.size() - 1, out.data(), out.size(), nullptr, 0), MOTE_ERR_SHAPE);
  EXPECT_EQ(image_f32(cfg, in.data(), in.size(), out.data(), out.size() + 1, nullptr, 0), MOTE_ERR_SHAPE);
  EXPECT_EQ(image_f32(cfg, nullptr, in.size(), out.data(), out.size(), nullptr, 0), MOTE_ERR_ARG);
  EXPECT_EQ(image_f32(cfg, in.data(), in.size(), nullptr, out.size(), nullptr, 0), MOTE_ERR_ARG);
  ImageConfig bad = cfg;
  // Out-of-range values a corrupt or hand-written config may hold (the enums are 8-bit, so no UB to load them).
  for (uint8_t v : {0, 2, 4, 255}) {
    bad = cfg;
    bad.in_color = static_cast<ImageColor>(v);
    EXPECT_EQ(image_f32(bad, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_ERR_ARG) << int(v);
    bad = cfg;
    bad.out_color = static_cast<ImageColor>(v);
    EXPECT_EQ(image_f32(bad, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_ERR_ARG) << int(v);
  }
  bad = cfg;
  bad.interp = static_cast<ImageInterp>(9);
  EXPECT_EQ(image_f32(bad, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_ERR_ARG);
  bad = cfg;
  bad.out_width = 0;
  EXPECT_EQ(image_f32(bad, in.data(), in.size(), out.data(), 0, nullptr, 0), MOTE_ERR_ARG);
  bad = cfg;
  for (uint8_t v : {3, 7, 200}) {
    bad.resize = static_cast<ImageResize>(v);  // no such mode
    EXPECT_EQ(image_f32(bad, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_ERR_ARG) << int(v);
  }
  EXPECT_EQ(image_f32(cfg, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_OK);
}

TEST(ImageBlock, FitLongestPadsWithBlack) {
  // A 4x1 white strip into 4x4: rows 0 and 2..3 are padding, row 1 (centred, rounded down) is the strip.
  ImageConfig cfg = {4, 1, IMAGE_COLOR_GRAYSCALE, 4, 4, IMAGE_COLOR_GRAYSCALE, IMAGE_RESIZE_FIT_LONGEST,
                     IMAGE_INTERP_NEAREST};
  std::vector<uint8_t> in(4, 255);
  std::vector<int8_t> out(16);
  ASSERT_EQ(image_s8(cfg, in.data(), in.size(), out.data(), out.size(), nullptr, 0), MOTE_OK);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_EQ(out[y * 4 + x], y == 1 ? 127 : -128) << x << "," << y;
}

TEST(ImageBlock, ScaleOfAFrameAtTheImpulseSizeEqualsTheResizeAtThatSize) {
  // A frame already at the output size: image_scale_f32 over its bytes as floats gives image_f32's floats bit
  // for bit (the device path of an image impulse), in place too; out-of-range values clamp, NaN is 0.
  ImageConfig cfg{5, 4, IMAGE_COLOR_RGB, 5, 4, IMAGE_COLOR_RGB, IMAGE_RESIZE_SQUASH, IMAGE_INTERP_BILINEAR};
  std::vector<uint8_t> in(5 * 4 * 3);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
  std::vector<float> want(in.size()), got(in.size()), pixels(in.begin(), in.end());
  ASSERT_EQ(image_f32(cfg, in.data(), in.size(), want.data(), want.size(), nullptr, 0), MOTE_OK);
  ASSERT_EQ(image_scale_f32(pixels.data(), pixels.size(), got.data()), MOTE_OK);
  for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(std::memcmp(&got[i], &want[i], sizeof(float)), 0) << i;
  ASSERT_EQ(image_scale_f32(pixels.data(), pixels.size(), pixels.data()), MOTE_OK);
  EXPECT_EQ(std::memcmp(pixels.data(), want.data(), want.size() * sizeof(float)), 0);
  std::vector<float> odd = {-3.0f, 0.49f, 0.5f, 254.4f, 254.6f, 1e9f, std::nanf("")}, o(odd.size());
  ASSERT_EQ(image_scale_f32(odd.data(), odd.size(), o.data()), MOTE_OK);
  const std::vector<float> expect = {0.0f, 0.0f, 1 / 255.0f, 254 / 255.0f, 1.0f, 1.0f, 0.0f};
  for (size_t i = 0; i < odd.size(); ++i) EXPECT_EQ(o[i], expect[i]) << i;
  EXPECT_EQ(image_scale_f32(nullptr, 1, o.data()), MOTE_ERR_ARG);
}
