// Shared by the mfcc, mfe and spectrogram adapters: the framing parameters (frame length and stride,
// FFT length, window, pre-emphasis), their checks against the input, and the tables the framing uses.
#pragma once

#include <string>
#include <vector>

#include "dsp/spectrogram.h"
#include "impulse/blocks/params.h"
#include "impulse/dsp_tables.h"
#include "impulse/dsp_tables_audio.h"

namespace mote::blocks {

// The framing parameters' schema entries, with this block's defaults: frame_length_s, frame_stride_s,
// fft_length, window, preemphasis.
std::vector<ParamSpec> framing_params(double frame_length_s, double frame_stride_s, double preemphasis);
// The mel range's schema entries: low_hz, high_hz.
std::vector<ParamSpec> mel_range_params();
// The scale and noise floor of the mfe and spectrogram blocks.
std::vector<ParamSpec> db_scale_params();
// Concatenates schema entry lists.
std::vector<ParamSpec> concat(std::initializer_list<std::vector<ParamSpec>> parts);

// Reads the framing parameters into p and checks them: one time-series axis, a frame of at least one
// sample and at most fft_length samples (default fft_length: the smallest power of two holding a frame),
// and an input window holding at least one frame. Errors name the field and what to change. Returns the
// FFT length.
int read_framing(Params& p, const InputSpec& in, size_t axes, const std::string& where, const std::string& block);

// Mel filter edges low_hz..high_hz (high_hz 0 = half the sampling rate), checked; returns {low, high}.
std::pair<double, double> read_mel_range(Params& p, double rate_hz);

// The framing tables (FFT twiddles, window) and the runtime config pointing into them. Not copyable: the
// config holds pointers into this object.
class AudioFrames {
 public:
  AudioFrames(const nlohmann::json& params, const InputSpec& in);
  AudioFrames(const AudioFrames&) = delete;
  AudioFrames& operator=(const AudioFrames&) = delete;
  const dsp::AudioFrameConfig& config() const { return cfg_; }
  size_t frames() const { return frames_; }  // audio frames per input window
  size_t signal_len() const { return signal_len_; }
  size_t table_bytes() const { return fft_.bytes() + window_.size() * sizeof(float); }
  // Device code: the framing tables as static const arrays named prefix_*, and a dsp::AudioFrameConfig
  // initializer pointing at them (the host-only FFT stage copies are left out: same results, less flash).
  std::string device_tables(const std::string& prefix) const;
  std::string device_config(const std::string& prefix) const;

 private:
  RfftTableData fft_;
  std::vector<float> window_;
  dsp::AudioFrameConfig cfg_{};
  size_t frames_ = 0, signal_len_ = 0;
};

// Flash of a mel filterbank table: first bin and count per filter, then the weights.
size_t mel_table_bytes(const MelFilterbankTable& mel);
// Device code of a mel filterbank: its arrays named prefix_mel_*, and a dsp::MelFilterbank initializer.
std::string mel_device_tables(const std::string& prefix, const MelFilterbankTable& mel);
std::string mel_device_config(const std::string& prefix, const MelFilterbankTable& mel);
// The runtime enumerator's name, for device code.
std::string db_scale_name(dsp::DbScale scale);

}  // namespace mote::blocks
