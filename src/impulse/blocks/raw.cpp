// Raw: the window itself, scaled (frames x axes), for models that learn their own features.
#include "dsp/raw.h"

#include "core/error.h"
#include "impulse/blocks/params.h"

namespace mote::blocks {

namespace {

class RawBlock : public DspBlock {
 public:
  RawBlock(nlohmann::json params, dsp::RawConfig cfg) : params_(std::move(params)), cfg_(cfg) {}
  nlohmann::json params() const override { return params_; }
  std::vector<size_t> output_shape() const override { return {cfg_.frames, cfg_.axes}; }
  size_t scratch_bytes() const override { return dsp::raw_scratch_bytes(cfg_); }
  size_t flash_bytes() const override { return 0; }  // no tables
  DeviceBlockCode device_code(const std::string& prefix) const override {
    return {"dsp/raw.h",
            "static const mote::dsp::RawConfig " + prefix + "_cfg = {" + std::to_string(cfg_.frames) + ", " +
                std::to_string(cfg_.axes) + ", " + c_float(cfg_.scale) + "};\n",
            "st = mote::dsp::raw_f32(" + prefix + "_cfg, in, out, out_len);", 0, "", 0};
  }
  void run(const BlockInput& in, float* out) const override {
    Status st = dsp::raw_f32(cfg_, in.window, out, output_size());
    if (st != MOTE_OK) throw Error(std::string("raw block: ") + status_string(st));
  }

 private:
  nlohmann::json params_;
  dsp::RawConfig cfg_;
};

}  // namespace

const BlockSchema& raw_schema() {
  static const BlockSchema s{"raw", "dsp", "the window itself, scaled (frames x axes), for networks that learn their own features",
                             {{.name = "scale_axes", .type = ParamType::Number, .lo = -1e6, .hi = 1e6, .fallback = 1.0, .unit = "",
          .help = "every input value is multiplied by it first (e.g. 0.001 turns milli-g into g)"}}};
  return s;
}

std::unique_ptr<DspBlock> make_raw_block(const BlockSpec& spec, const InputSpec& in, size_t axes, const std::string& where) {
  if (in.type != InputType::TimeSeries) throw error_at(where + ".type", "raw needs a time-series input");
  if (in.window_frames() > 65535) throw error_at("impulse.input.window_ms", "window holds over 65535 frames; shorten it");
  Params p(spec.params, where, raw_schema());
  dsp::RawConfig cfg{static_cast<uint16_t>(in.window_frames()), static_cast<uint16_t>(axes),
                     static_cast<float>(p.number("scale_axes"))};
  return std::make_unique<RawBlock>(p.finish(), cfg);
}

}  // namespace mote::blocks
