#include "impulse/spec.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "impulse/dsp_block.h"

using namespace mote;
using nlohmann::json;

namespace {
std::string spec_error(const json& j) {
  try {
    ImpulseSpec s = parse_impulse(j);
    for (size_t i = 0; i < s.dsp.size(); ++i) make_dsp_block(s.dsp[i], s.input, 3, "impulse.dsp[" + std::to_string(i) + "]");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
json image_impulse() {
  return json::parse(R"({"input":{"type":"image","width":32,"height":24,"color":"grayscale"},
    "dsp":[{"name":"img","type":"image","params":{"interpolation":"nearest"}}],
    "learn":[{"name":"classifier","type":"classifier","dsp":["img"]}]})");
}
}  // namespace

TEST(ImpulseSpec, RoundTripsThroughJson) {
  ImpulseSpec s = parse_impulse(image_impulse());
  EXPECT_EQ(s.input.type, InputType::Image);
  EXPECT_EQ(s.input.width, 32u);
  EXPECT_EQ(s.input.color, "grayscale");
  ImpulseSpec again = parse_impulse(impulse_to_json(s));
  EXPECT_EQ(impulse_to_json(again), impulse_to_json(s));
  EXPECT_EQ(features_hash(again), features_hash(s));
}

TEST(ImpulseSpec, HashIgnoresLearningBlocksButNotDsp) {
  json a = image_impulse(), b = image_impulse(), c = image_impulse();
  b["learn"][0]["params"] = {{"epochs", 5}};
  c["dsp"][0]["params"]["interpolation"] = "bilinear";
  EXPECT_EQ(features_hash(parse_impulse(a)), features_hash(parse_impulse(b)));
  EXPECT_NE(features_hash(parse_impulse(a)), features_hash(parse_impulse(c)));
}

TEST(ImpulseSpec, WindowFramesFromMsAndRate) {
  ImpulseSpec s = parse_impulse(json::parse(R"({"input":{"type":"time-series","window_ms":2000,"stride_ms":80,"frequency_hz":62.5}})"));
  EXPECT_EQ(s.input.window_frames(), 125u);
  EXPECT_EQ(s.input.stride_frames(), 5u);
}

TEST(ImpulseSpec, ClearErrorsNameTheField) {
  json j = image_impulse();
  j["dsp"][0]["type"] = "wavelets";
  EXPECT_NE(spec_error(j).find("impulse.dsp[0].type: unknown DSP block 'wavelets'; mote has raw, flatten, spectral"), std::string::npos) << spec_error(j);
  j = image_impulse();
  j["dsp"][0]["params"]["interpolation"] = "cubic";
  EXPECT_NE(spec_error(j).find("impulse.dsp[0].params.interpolation: 'cubic' is not one of nearest, bilinear"), std::string::npos);
  j = image_impulse();
  j["dsp"][0]["params"]["interpolaton"] = "nearest";
  EXPECT_NE(spec_error(j).find("impulse.dsp[0].params.interpolaton: unknown parameter"), std::string::npos);
  j = image_impulse();
  j["input"]["width"] = 0;
  EXPECT_NE(spec_error(j).find("impulse.input.width: 0 is out of range"), std::string::npos);
  j = image_impulse();
  j["learn"][0]["dsp"] = {"nope"};
  EXPECT_NE(spec_error(j).find("impulse.learn[0].dsp: 'nope' is not a DSP block"), std::string::npos);
  j = image_impulse();
  j["dsp"].push_back(j["dsp"][0]);
  EXPECT_NE(spec_error(j).find("used twice"), std::string::npos);
  EXPECT_NE(spec_error(json::parse(R"({"dsp":[]})")).find("impulse.input: missing"), std::string::npos);
  j = json::parse(R"({"input":{"type":"time-series","window_ms":2000,"frequency_hz":62.5},"dsp":[{"type":"image"}]})");
  EXPECT_NE(spec_error(j).find("needs an image input"), std::string::npos);
  j = json::parse(R"({"input":{"type":"time-series","axes":["accX"]},"dsp":[{"type":"image","axes":["gyrX"]}]})");
  EXPECT_NE(spec_error(j).find("'gyrX' is not among impulse.input.axes"), std::string::npos);
}
