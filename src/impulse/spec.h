// The impulse: input block (windowing or image size), DSP blocks, learning blocks — as stored in mote.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mote {

enum class InputType { TimeSeries, Image };

struct InputSpec {
  InputType type = InputType::TimeSeries;
  // Time series: windows of window_ms every stride_ms, resampled to frequency_hz; zero_pad keeps samples
  // shorter than a window (padded with zeros) instead of dropping them.
  double window_ms = 2000, stride_ms = 500, frequency_hz = 62.5;
  bool zero_pad = true;
  std::vector<std::string> axes;  // sensor names taken from each sample, in this order
  // Image: the size the image block resizes to, how, and the colour depth.
  uint32_t width = 96, height = 96;
  std::string resize = "squash";  // squash | fit-shortest | fit-longest
  std::string color = "rgb";      // rgb | grayscale

  size_t window_frames() const;  // frames per window at frequency_hz
  size_t stride_frames() const;
};

struct BlockSpec {
  std::string name;                 // unique in the impulse
  std::string type;                 // registered block type: spectral, mfcc, classifier, kmeans, ...
  std::vector<std::string> inputs;  // DSP: axes it reads (empty = all); learning: DSP block names
  nlohmann::json params = nlohmann::json::object();
};

struct ImpulseSpec {
  InputSpec input;
  std::vector<BlockSpec> dsp;
  std::vector<BlockSpec> learn;
};

// Parses and checks an impulse; errors name the field ("impulse.dsp[0].type: ...") and what to do.
// DSP parameters are checked by their block (see blocks/); learning parameters by src/learn.
ImpulseSpec parse_impulse(const nlohmann::json& j);
nlohmann::json impulse_to_json(const ImpulseSpec& spec);

// Hash of what decides features (input + DSP blocks): the features cache key beside the sample hash.
std::string features_hash(const ImpulseSpec& spec);

}  // namespace mote
