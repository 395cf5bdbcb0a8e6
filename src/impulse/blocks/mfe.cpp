// MFE: log mel filterbank energies per audio frame with a noise floor (runtime/dsp/mfe.h), frames x filters.
#include "dsp/mfe.h"

#include "core/error.h"
#include "impulse/blocks/audio_frames.h"

namespace mote::blocks {

namespace {

class MfeBlock : public DspBlock {
 public:
  MfeBlock(nlohmann::json params, const InputSpec& in, double low_hz, double high_hz)
      : params_(std::move(params)), frames_(params_, in) {
    mel_ = build_mel_filterbank(params_["num_filters"], params_["fft_length"], in.frequency_hz, low_hz, high_hz);
    cfg_.frames = frames_.config();
    cfg_.mel = mel_.view();
    cfg_.noise_floor_db = params_["noise_floor_db"].get<float>();
    cfg_.scale = params_["scale"] == "db" ? dsp::DB_SCALE_DECIBELS : dsp::DB_SCALE_NORMALIZED;
  }
  nlohmann::json params() const override { return params_; }
  std::vector<size_t> output_shape() const override { return {frames_.frames(), cfg_.mel.num_filters}; }
  size_t scratch_bytes() const override { return dsp::mfe_scratch_bytes(cfg_); }
  size_t stream_scratch_bytes() const override { return dsp::mfe_stream_scratch_bytes(cfg_); }
  size_t flash_bytes() const override { return frames_.table_bytes() + mel_table_bytes(mel_); }
  DeviceBlockCode device_code(const std::string& p) const override {
    DeviceBlockCode c;
    c.include = "dsp/mfe.h";
    c.definitions = frames_.device_tables(p) + mel_device_tables(p, mel_) + "static const mote::dsp::MfeConfig " + p +
                    "_cfg = {" + frames_.device_config(p) + ", " + mel_device_config(p, mel_) + ", " +
                    c_float(cfg_.noise_floor_db) + ", " + db_scale_name(cfg_.scale) + "};\n";
    c.call = "st = mote::dsp::mfe_f32(" + p + "_cfg, in, " + std::to_string(frames_.signal_len()) +
             ", out, out_len, scratch, scratch_bytes);";
    c.scratch_bytes = dsp::mfe_scratch_bytes(cfg_);
    c.stream_call = "st = mote::dsp::mfe_stream_f32(" + p + "_cfg, src, " + std::to_string(frames_.signal_len()) +
                    ", out, out_len, scratch, scratch_bytes);";
    c.stream_scratch_bytes = stream_scratch_bytes();
    return c;
  }
  void run(const BlockInput& in, float* out) const override {
    std::vector<float> scratch(scratch_bytes() / sizeof(float) + 1);
    Status st = dsp::mfe_f32(cfg_, in.window, in.frames, out, output_size(), scratch.data(), scratch.size() * sizeof(float));
    if (st != MOTE_OK) throw Error(std::string("mfe block: ") + status_string(st));
  }

 private:
  nlohmann::json params_;
  AudioFrames frames_;
  MelFilterbankTable mel_;
  dsp::MfeConfig cfg_{};
};

}  // namespace

const BlockSchema& mfe_schema() {
  static const BlockSchema s{
      "mfe", "dsp", "log mel filterbank energies per audio frame (frames x filters), for non-voice audio",
      concat({framing_params(0.02, 0.01, 0.0),
              {{.name = "num_filters", .type = ParamType::Integer, .lo = 2, .hi = 128, .fallback = 40,
                .help = "mel filters", .rule = "at most fft_length / 2"}},
              mel_range_params(), db_scale_params()})};
  return s;
}

std::unique_ptr<DspBlock> make_mfe_block(const BlockSpec& spec, const InputSpec& in, size_t axes, const std::string& where) {
  Params p(spec.params, where, mfe_schema());
  const int n = read_framing(p, in, axes, where, "mfe");
  int filters = p.integer("num_filters");
  if (filters > n / 2)
    throw error_at(p.at("num_filters"), std::to_string(filters) + " filters over " + std::to_string(n / 2 + 1) +
                                            " FFT bins leave some empty; use at most " + std::to_string(n / 2) +
                                            " or raise fft_length");
  auto [low, high] = read_mel_range(p, in.frequency_hz);
  std::string scale = p.choice("scale");
  // Normalised output maps floor..+12 dB to 0..1, so the floor must lie below 12 dB.
  p.number("noise_floor_db", {}, scale == "db" ? 200 : 0);
  return std::make_unique<MfeBlock>(p.finish(), in, low, high);
}

}  // namespace mote::blocks
