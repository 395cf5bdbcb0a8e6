#include "impulse/blocks/audio_frames.h"

#include <cstdio>

#include "core/error.h"

namespace mote::blocks {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

uint32_t pow2_at_least(size_t n) {
  uint32_t p = 16;
  while (p < n && p < 4096) p <<= 1;
  return p;
}

}  // namespace

std::vector<ParamSpec> framing_params(double frame_length_s, double frame_stride_s, double preemphasis) {
  return {
      {.name = "frame_length_s", .type = ParamType::Number, .lo = 1e-4, .hi = 10, .fallback = frame_length_s, .unit = "s",
       .help = "length of one audio frame", .rule = "holds at least one sample and at most 4096; the window holds at least one frame"},
      {.name = "frame_stride_s", .type = ParamType::Number, .lo = 1e-4, .hi = 10, .fallback = frame_stride_s, .unit = "s",
       .help = "step from one frame to the next", .rule = "holds at least one sample"},
      {.name = "fft_length", .type = ParamType::Integer, .lo = 16, .hi = 4096, .unit = "samples",
       .help = "FFT length of a frame (zero-padded)", .rule = "a power of two, at least one frame's samples",
       .depends = "the smallest power of two holding a frame"},
      {.name = "window", .type = ParamType::Choice, .fallback = "hamming", .help = "window applied to each frame",
       .choices = {"hamming", "none"}},
      {.name = "preemphasis", .type = ParamType::Number, .lo = 0, .hi = 1, .fallback = preemphasis,
       .help = "pre-emphasis coefficient: y[t] = x[t] - k x[t-1] (0: off)"},
  };
}

std::vector<ParamSpec> mel_range_params() {
  return {
      {.name = "low_hz", .type = ParamType::Number, .lo = 0, .hi = 1e6, .fallback = 0, .unit = "Hz",
       .help = "lowest edge of the mel filters", .rule = "below high_hz"},
      {.name = "high_hz", .type = ParamType::Number, .lo = 0, .hi = 1e6, .fallback = 0, .unit = "Hz",
       .help = "highest edge of the mel filters (0: half the sampling rate)", .rule = "at most half the sampling rate"},
  };
}

std::vector<ParamSpec> db_scale_params() {
  return {
      {.name = "scale", .type = ParamType::Choice, .fallback = "normalized",
       .help = "normalized: noise floor..+12 dB mapped to 0..1; db: decibels", .choices = {"normalized", "db"}},
      {.name = "noise_floor_db", .type = ParamType::Number, .lo = -200, .hi = 200, .fallback = -52, .unit = "dB",
       .help = "energies below it are clipped to it", .rule = "at most 0 with scale normalized"},
  };
}

std::vector<ParamSpec> concat(std::initializer_list<std::vector<ParamSpec>> parts) {
  std::vector<ParamSpec> out;
  for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

int read_framing(Params& p, const InputSpec& in, size_t axes, const std::string& where, const std::string& block) {
  if (in.type != InputType::TimeSeries) throw error_at(where + ".type", block + " needs a time-series input");
  if (axes != 1)
    throw error_at(where + ".axes", block + " reads one axis but gets " + std::to_string(axes) +
                                        "; name one axis of impulse.input.axes here");
  const float rate = static_cast<float>(in.frequency_hz);
  double length = p.number("frame_length_s");
  double stride = p.number("frame_stride_s");
  // The runtime rounds in float; the host sizes with the very same function.
  size_t frame = dsp::audio_frame_samples(static_cast<float>(length), rate);
  if (frame == 0) throw error_at(p.at("frame_length_s"), "holds no sample at " + num(in.frequency_hz) + " Hz; lengthen it");
  if (frame > 4096)
    throw error_at(p.at("frame_length_s"), "holds " + std::to_string(frame) + " samples, more than the longest FFT (4096); shorten it");
  if (dsp::audio_frame_samples(static_cast<float>(stride), rate) == 0)
    throw error_at(p.at("frame_stride_s"), "holds no sample at " + num(in.frequency_hz) + " Hz; lengthen it");
  int n = p.integer("fft_length", static_cast<int>(pow2_at_least(frame)));
  if (n & (n - 1)) throw error_at(p.at("fft_length"), std::to_string(n) + " is not a power of two; use 16, 32, ... 4096");
  if (static_cast<size_t>(n) < frame)
    throw error_at(p.at("fft_length"), std::to_string(n) + " is shorter than a frame (" + std::to_string(frame) +
                                           " samples); use " + std::to_string(pow2_at_least(frame)) +
                                           " or shorten frame_length_s");
  p.choice("window");
  p.number("preemphasis");
  if (in.window_frames() < frame)
    throw error_at("impulse.input.window_ms", "the window holds " + std::to_string(in.window_frames()) +
                                                  " samples, shorter than one " + block + " frame (" +
                                                  std::to_string(frame) + "); lengthen it or shorten frame_length_s");
  return n;
}

std::pair<double, double> read_mel_range(Params& p, double rate_hz) {
  const double nyquist = rate_hz / 2;
  double low = p.number("low_hz");
  double high = p.number("high_hz");
  double top = high == 0 ? nyquist : high;
  if (top > nyquist)
    throw error_at(p.at("high_hz"), num(high) + " is above half the sampling rate (" + num(nyquist) + " Hz); lower it or use 0");
  if (!(low < top)) throw error_at(p.at("low_hz"), num(low) + " must be below high_hz (" + num(top) + " Hz)");
  return {low, top};
}

AudioFrames::AudioFrames(const nlohmann::json& params, const InputSpec& in) {
  const uint32_t n = params["fft_length"].get<uint32_t>();
  fft_ = make_rfft_tables(n);
  cfg_.sample_rate_hz = static_cast<float>(in.frequency_hz);
  cfg_.frame_length_s = params["frame_length_s"].get<float>();
  cfg_.frame_stride_s = params["frame_stride_s"].get<float>();
  cfg_.preemphasis = params["preemphasis"].get<float>();
  if (params["window"] == "hamming")
    window_ = build_hamming_window(static_cast<int>(dsp::audio_frame_samples(cfg_.frame_length_s, cfg_.sample_rate_hz)));
  cfg_.window = window_.empty() ? nullptr : window_.data();
  cfg_.fft = fft_.view();
  signal_len_ = in.window_frames();
  frames_ = dsp::audio_frame_count(cfg_, signal_len_);
}

std::string AudioFrames::device_tables(const std::string& prefix) const {
  std::string s = c_float_array(prefix + "_cos", fft_.cos) + c_float_array(prefix + "_sin", fft_.sin) +
                  c_u16_array(prefix + "_bitrev", fft_.bitrev);
  if (!window_.empty()) s += c_float_array(prefix + "_window", window_);
  return s;
}

std::string AudioFrames::device_config(const std::string& prefix) const {
  return "{" + c_float(cfg_.sample_rate_hz) + ", " + c_float(cfg_.frame_length_s) + ", " + c_float(cfg_.frame_stride_s) +
         ", " + c_float(cfg_.preemphasis) + ", " + (window_.empty() ? "0" : prefix + "_window") + ", {" +
         std::to_string(cfg_.fft.n) + ", " + prefix + "_cos, " + prefix + "_sin, " + prefix + "_bitrev, 0, 0}}";
}

std::string mel_device_tables(const std::string& prefix, const MelFilterbankTable& mel) {
  return c_u16_array(prefix + "_mel_first", mel.first_bin) + c_u16_array(prefix + "_mel_count", mel.bin_count) +
         c_float_array(prefix + "_mel_weights", mel.weights);
}

std::string mel_device_config(const std::string& prefix, const MelFilterbankTable& mel) {
  return "{" + std::to_string(mel.num_filters) + ", " + std::to_string(mel.num_bins) + ", " + prefix + "_mel_first, " +
         prefix + "_mel_count, " + prefix + "_mel_weights}";
}

std::string db_scale_name(dsp::DbScale scale) {
  return scale == dsp::DB_SCALE_DECIBELS ? "mote::dsp::DB_SCALE_DECIBELS" : "mote::dsp::DB_SCALE_NORMALIZED";
}

size_t mel_table_bytes(const MelFilterbankTable& mel) {
  return (mel.first_bin.size() + mel.bin_count.size()) * sizeof(uint16_t) + mel.weights.size() * sizeof(float);
}

}  // namespace mote::blocks
