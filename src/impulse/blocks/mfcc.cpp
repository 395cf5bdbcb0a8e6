// MFCC: mel-frequency cepstral coefficients per audio frame (runtime/dsp/mfcc.h), frames x coefficients.
#include "dsp/mfcc.h"
#include "dsp/mfcc_batch.h"

#include "core/error.h"
#include "impulse/blocks/audio_frames.h"

namespace mote::blocks {

namespace {

class MfccBlock : public DspBlock {
 public:
  MfccBlock(nlohmann::json params, const InputSpec& in, double low_hz, double high_hz)
      : params_(std::move(params)), frames_(params_, in) {
    const int filters = params_["num_filters"], ceps = params_["num_cepstral"];
    mel_ = build_mel_filterbank(filters, params_["fft_length"], in.frequency_hz, low_hz, high_hz);
    dct_ = build_dct2_ortho(ceps, filters);
    lifter_ = build_lifter(ceps, params_["cep_lifter"].get<double>());
    cfg_.frames = frames_.config();
    cfg_.mel = mel_.view();
    cfg_.num_cepstral = static_cast<uint16_t>(ceps);
    cfg_.dct = dct_.data();
    cfg_.lifter = lifter_.empty() ? nullptr : lifter_.data();
    cfg_.mean_normalize = params_["mean_normalize"].get<bool>();
  }
  nlohmann::json params() const override { return params_; }
  std::vector<size_t> output_shape() const override { return {frames_.frames(), cfg_.num_cepstral}; }
  size_t scratch_bytes() const override { return dsp::mfcc_scratch_bytes(cfg_); }
  size_t stream_scratch_bytes() const override { return dsp::mfcc_stream_scratch_bytes(cfg_); }
  size_t flash_bytes() const override {
    return frames_.table_bytes() + mel_table_bytes(mel_) + (dct_.size() + lifter_.size()) * sizeof(float);
  }
  DeviceBlockCode device_code(const std::string& p) const override {
    // The device runs mfcc_f32 (the batched host path equals it bit for bit, see mfcc_batch.h).
    DeviceBlockCode c;
    c.include = "dsp/mfcc.h";
    c.definitions = frames_.device_tables(p) + mel_device_tables(p, mel_) + c_float_array(p + "_dct", dct_) +
                    (lifter_.empty() ? "" : c_float_array(p + "_lifter", lifter_)) +
                    "static const mote::dsp::MfccConfig " + p + "_cfg = {" + frames_.device_config(p) + ", " +
                    mel_device_config(p, mel_) + ", " + std::to_string(cfg_.num_cepstral) + ", " + p + "_dct, " +
                    (lifter_.empty() ? "0" : p + "_lifter") + ", " + (cfg_.mean_normalize ? "true" : "false") + "};\n";
    c.call = "st = mote::dsp::mfcc_f32(" + p + "_cfg, in, " + std::to_string(frames_.signal_len()) +
             ", out, out_len, scratch, scratch_bytes);";
    c.scratch_bytes = dsp::mfcc_scratch_bytes(cfg_);
    c.stream_call = "st = mote::dsp::mfcc_stream_f32(" + p + "_cfg, src, " + std::to_string(frames_.signal_len()) +
                    ", out, out_len, scratch, scratch_bytes);";
    c.stream_scratch_bytes = stream_scratch_bytes();
    return c;
  }
  void run(const BlockInput& in, float* out) const override {
    // The batched path: the device's results bit for bit, frames in parallel; scratch kept per thread.
    thread_local std::vector<float> scratch;
    scratch.resize(dsp::mfcc_batch_scratch_bytes(cfg_) / sizeof(float) + 1);
    Status st = dsp::mfcc_batch_f32(cfg_, in.window, in.frames, out, output_size(), scratch.data(),
                                    scratch.size() * sizeof(float));
    if (st != MOTE_OK) throw Error(std::string("mfcc block: ") + status_string(st));
  }

 private:
  nlohmann::json params_;
  AudioFrames frames_;
  MelFilterbankTable mel_;
  std::vector<float> dct_, lifter_;
  dsp::MfccConfig cfg_{};
};

}  // namespace

const BlockSchema& mfcc_schema() {
  static const BlockSchema s{
      "mfcc", "dsp", "mel-frequency cepstral coefficients per audio frame (frames x coefficients), for speech",
      concat({framing_params(0.02, 0.02, 0.98),
              {{.name = "num_filters", .type = ParamType::Integer, .lo = 2, .hi = 128, .fallback = 32,
                .help = "mel filters", .rule = "at most fft_length / 2"},
               {.name = "num_cepstral", .type = ParamType::Integer, .lo = 1, .hi = 128, .fallback = 13,
                .help = "coefficients kept per frame", .rule = "at most num_filters"}},
              mel_range_params(),
              {{.name = "cep_lifter", .type = ParamType::Number, .lo = 0, .hi = 1000, .fallback = 22,
                .help = "sinusoidal liftering of the coefficients (0: off)"},
               {.name = "mean_normalize", .type = ParamType::Flag, .fallback = true,
                .help = "subtract each coefficient's mean over the window", .rule = "needs at least two frames per window"}}})};
  return s;
}

std::unique_ptr<DspBlock> make_mfcc_block(const BlockSpec& spec, const InputSpec& in, size_t axes, const std::string& where) {
  Params p(spec.params, where, mfcc_schema());
  const int n = read_framing(p, in, axes, where, "mfcc");
  int filters = p.integer("num_filters");
  if (filters > n / 2)
    throw error_at(p.at("num_filters"), std::to_string(filters) + " filters over " + std::to_string(n / 2 + 1) +
                                            " FFT bins leave some empty; use at most " + std::to_string(n / 2) +
                                            " or raise fft_length");
  int ceps = p.integer("num_cepstral");
  if (ceps > filters)
    throw error_at(p.at("num_cepstral"), std::to_string(ceps) + " is more than num_filters (" + std::to_string(filters) + ")");
  auto [low, high] = read_mel_range(p, in.frequency_hz);
  p.number("cep_lifter");
  bool normalize = p.flag("mean_normalize");
  auto block = std::make_unique<MfccBlock>(p.finish(), in, low, high);
  if (normalize && block->output_shape()[0] == 1)
    throw error_at(p.at("mean_normalize"), "one frame per window normalises every coefficient to 0; set it false or "
                                           "lengthen impulse.input.window_ms");
  return block;
}

}  // namespace mote::blocks
