// Spectral analysis: scale, optional Butterworth filter, RMS/skewness/kurtosis, Welch power spectrum.
#include "dsp/spectral.h"

#include "core/error.h"
#include "impulse/blocks/params.h"
#include "impulse/dsp_tables.h"

namespace mote::blocks {

namespace {

class SpectralBlock : public DspBlock {
 public:
  SpectralBlock(nlohmann::json params, const InputSpec& in, size_t axes) : params_(std::move(params)) {
    uint32_t n = params_["fft_length"].get<uint32_t>();
    fft_ = make_rfft_tables(n);
    window_ = hann_window(n);
    cfg_.frames = static_cast<uint16_t>(in.window_frames());
    cfg_.axes = static_cast<uint16_t>(axes);
    cfg_.sample_rate_hz = static_cast<float>(in.frequency_hz);
    cfg_.scale = params_["scale_axes"].get<float>();
    std::string type = params_["filter_type"];
    if (type != "none") {
      sos_ = butterworth_sos(params_["filter_order"], params_["filter_cutoff_hz"], in.frequency_hz, type == "high");
      cfg_.filter = {static_cast<uint16_t>(sos_.size() / 6), sos_.data()};
    } else {
      cfg_.filter = {0, nullptr};
    }
    cfg_.fft = fft_.view();
    cfg_.window = window_.data();
    cfg_.bands = static_cast<uint16_t>(params_["spectral_bands"].get<int>());
    if (cfg_.bands) edges_ = log_band_edges(n, cfg_.bands);
    cfg_.band_edges = edges_.empty() ? nullptr : edges_.data();
    cfg_.take_log = params_["take_log"].get<bool>() ? 1 : 0;
    cfg_.peaks = static_cast<uint16_t>(params_["peaks"].get<int>());
  }
  nlohmann::json params() const override { return params_; }
  std::vector<size_t> output_shape() const override { return {dsp::spectral_output_len(cfg_)}; }
  size_t scratch_bytes() const override { return dsp::spectral_scratch_bytes(cfg_); }
  size_t flash_bytes() const override {
    return fft_.bytes() + (window_.size() + sos_.size()) * sizeof(float) + edges_.size() * sizeof(uint16_t);
  }
  DeviceBlockCode device_code(const std::string& prefix) const override {
    DeviceBlockCode c;
    c.include = "dsp/spectral.h";
    const std::string& p = prefix;
    c.definitions = c_float_array(p + "_cos", fft_.cos) + c_float_array(p + "_sin", fft_.sin) +
                    c_u16_array(p + "_bitrev", fft_.bitrev) + c_float_array(p + "_window", window_);
    if (!sos_.empty()) c.definitions += c_float_array(p + "_sos", sos_);
    if (!edges_.empty()) c.definitions += c_u16_array(p + "_edges", edges_);
    c.definitions += "static const mote::dsp::SpectralConfig " + p + "_cfg = {" + std::to_string(cfg_.frames) + ", " +
                     std::to_string(cfg_.axes) + ", " + c_float(cfg_.sample_rate_hz) + ", " + c_float(cfg_.scale) +
                     ", {" + std::to_string(cfg_.filter.sections) + ", " + (sos_.empty() ? "0" : p + "_sos") + "}, {" +
                     std::to_string(cfg_.fft.n) + ", " + p + "_cos, " + p + "_sin, " + p + "_bitrev}, " + p +
                     "_window, " + std::to_string(cfg_.bands) + ", " + (edges_.empty() ? "0" : p + "_edges") + ", " +
                     std::to_string(cfg_.take_log) + ", " + std::to_string(cfg_.peaks) + ", " +
                     c_float(cfg_.peaks_threshold) + ", " + std::to_string(cfg_.skip_power) + "};\n";
    c.call = "st = mote::dsp::spectral_f32(" + p + "_cfg, in, out, out_len, scratch, scratch_bytes);";
    c.scratch_bytes = dsp::spectral_scratch_bytes(cfg_);
    return c;
  }
  void run(const BlockInput& in, float* out) const override {
    std::vector<float> scratch(dsp::spectral_scratch_bytes(cfg_) / sizeof(float) + 1);
    Status st = dsp::spectral_f32(cfg_, in.window, out, output_size(), scratch.data(), scratch.size() * sizeof(float));
    if (st != MOTE_OK) throw Error(std::string("spectral block: ") + status_string(st));
  }

 private:
  nlohmann::json params_;
  RfftTableData fft_;
  std::vector<float> window_, sos_;
  std::vector<uint16_t> edges_;
  dsp::SpectralConfig cfg_{};
};

}  // namespace

const BlockSchema& spectral_schema() {
  static const BlockSchema s{
      "spectral", "dsp",
      "per axis: RMS, skewness, kurtosis, then the Welch power spectrum (bins or log-spaced bands) and its peaks",
      {{.name = "scale_axes", .type = ParamType::Number, .lo = -1e6, .hi = 1e6, .fallback = 1.0, .unit = "",
          .help = "every input value is multiplied by it first (e.g. 0.001 turns milli-g into g)"},
       {.name = "filter_type", .type = ParamType::Choice, .fallback = "none",
        .help = "Butterworth filter before the statistics and the spectrum", .choices = {"none", "low", "high"}},
       {.name = "filter_cutoff_hz", .type = ParamType::Number, .lo = 1e-6, .hi = 1e9, .unit = "Hz",
        .help = "the filter's cutoff frequency", .rule = "below half the sampling rate (impulse.input.frequency_hz / 2)",
        .depends = "3 Hz, or a quarter of the sampling rate when that is lower", .shown_when = "filter_type!=none"},
       {.name = "filter_order", .type = ParamType::Integer, .lo = 1, .hi = 8, .fallback = 6,
        .help = "the filter's order (steeper with more; two poles per section)", .shown_when = "filter_type!=none"},
       {.name = "fft_length", .type = ParamType::Integer, .lo = 16, .hi = 4096, .unit = "samples",
        .help = "Welch segment and FFT length: frequency resolution is frequency_hz / fft_length",
        .rule = "a power of two, at most the window's frames rounded up to a power of two",
        .depends = "64, or the window's frames rounded up to a power of two when that is shorter"},
       {.name = "spectral_bands", .type = ParamType::Integer, .lo = 0, .hi = 2048, .fallback = 0,
        .help = "0: every FFT bin; else the mean power of this many log-spaced bands", .rule = "at most fft_length / 2"},
       {.name = "take_log", .type = ParamType::Flag, .fallback = true, .help = "power values as log10 (recommended)"},
       {.name = "peaks", .type = ParamType::Integer, .lo = 0, .hi = 2048, .fallback = 0,
        .help = "the largest spectral peaks per axis, each as (frequency, power)", .rule = "at most fft_length / 2"}}};
  return s;
}

std::unique_ptr<DspBlock> make_spectral_block(const BlockSpec& spec, const InputSpec& in, size_t axes, const std::string& where) {
  if (in.type != InputType::TimeSeries) throw error_at(where + ".type", "spectral analysis needs a time-series input");
  if (in.window_frames() > 65535) throw error_at("impulse.input.window_ms", "window holds over 65535 frames; shorten it");
  Params p(spec.params, where, spectral_schema());
  p.number("scale_axes");
  std::string type = p.choice("filter_type");
  double nyquist = in.frequency_hz / 2;
  double cutoff = p.number("filter_cutoff_hz", std::min(3.0, nyquist / 2));
  if (type != "none" && !(cutoff < nyquist))
    throw error_at(p.at("filter_cutoff_hz"), "must be below half the sampling rate (" + std::to_string(nyquist) + " Hz)");
  p.integer("filter_order");
  // A window shorter than the FFT is zero-padded to one segment; past the next power of two that only
  // interpolates the spectrum, so it is refused.
  const size_t frames = in.window_frames();
  int longest = 16;
  while (static_cast<size_t>(longest) < frames && longest < 4096) longest <<= 1;
  int n = p.integer("fft_length", std::min(64, longest));
  if (n & (n - 1)) throw error_at(p.at("fft_length"), std::to_string(n) + " is not a power of two; use 16, 32, ... 4096");
  if (n > longest)
    throw error_at(p.at("fft_length"), std::to_string(n) + " is longer than the window (" + std::to_string(frames) +
                                           " frames); use at most " + std::to_string(longest) +
                                           " or lengthen impulse.input.window_ms");
  p.integer("spectral_bands", {}, n / 2);
  p.flag("take_log");
  p.integer("peaks", {}, n / 2);
  return std::make_unique<SpectralBlock>(p.finish(), in, axes);
}

}  // namespace mote::blocks
