// Spectrogram: log power of every FFT bin per audio frame (runtime/dsp/spectrogram.h), frames x (n/2 + 1).
#include "dsp/spectrogram.h"

#include "core/error.h"
#include "impulse/blocks/audio_frames.h"

namespace mote::blocks {

namespace {

class SpectrogramBlock : public DspBlock {
 public:
  SpectrogramBlock(nlohmann::json params, const InputSpec& in) : params_(std::move(params)), frames_(params_, in) {
    cfg_.frames = frames_.config();
    cfg_.noise_floor_db = params_["noise_floor_db"].get<float>();
    cfg_.scale = params_["scale"] == "db" ? dsp::DB_SCALE_DECIBELS : dsp::DB_SCALE_NORMALIZED;
  }
  nlohmann::json params() const override { return params_; }
  std::vector<size_t> output_shape() const override { return {frames_.frames(), cfg_.frames.fft.n / 2u + 1u}; }
  size_t scratch_bytes() const override { return dsp::spectrogram_scratch_bytes(cfg_); }
  size_t stream_scratch_bytes() const override { return dsp::spectrogram_stream_scratch_bytes(cfg_); }
  size_t flash_bytes() const override { return frames_.table_bytes(); }
  DeviceBlockCode device_code(const std::string& p) const override {
    DeviceBlockCode c;
    c.include = "dsp/spectrogram.h";
    c.definitions = frames_.device_tables(p) + "static const mote::dsp::SpectrogramConfig " + p + "_cfg = {" +
                    frames_.device_config(p) + ", " + c_float(cfg_.noise_floor_db) + ", " + db_scale_name(cfg_.scale) + "};\n";
    c.call = "st = mote::dsp::spectrogram_f32(" + p + "_cfg, in, " + std::to_string(frames_.signal_len()) +
             ", out, out_len, scratch, scratch_bytes);";
    c.scratch_bytes = dsp::spectrogram_scratch_bytes(cfg_);
    c.stream_call = "st = mote::dsp::spectrogram_stream_f32(" + p + "_cfg, src, " + std::to_string(frames_.signal_len()) +
                    ", out, out_len, scratch, scratch_bytes);";
    c.stream_scratch_bytes = stream_scratch_bytes();
    return c;
  }
  void run(const BlockInput& in, float* out) const override {
    std::vector<float> scratch(scratch_bytes() / sizeof(float) + 1);
    Status st = dsp::spectrogram_f32(cfg_, in.window, in.frames, out, output_size(), scratch.data(),
                                     scratch.size() * sizeof(float));
    if (st != MOTE_OK) throw Error(std::string("spectrogram block: ") + status_string(st));
  }

 private:
  nlohmann::json params_;
  AudioFrames frames_;
  dsp::SpectrogramConfig cfg_{};
};

}  // namespace

const BlockSchema& spectrogram_schema() {
  static const BlockSchema s{"spectrogram", "dsp",
                             "log power of every FFT bin per audio frame (frames x (fft_length / 2 + 1))",
                             concat({framing_params(0.02, 0.01, 0.0), db_scale_params()})};
  return s;
}

std::unique_ptr<DspBlock> make_spectrogram_block(const BlockSpec& spec, const InputSpec& in, size_t axes,
                                                 const std::string& where) {
  Params p(spec.params, where, spectrogram_schema());
  read_framing(p, in, axes, where, "spectrogram");
  std::string scale = p.choice("scale");
  p.number("noise_floor_db", {}, scale == "db" ? 200 : 0);
  return std::make_unique<SpectrogramBlock>(p.finish(), in);
}

}  // namespace mote::blocks
