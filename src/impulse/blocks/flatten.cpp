// Flatten: chosen statistics per axis (mean, min, max, RMS, stdev, skewness, kurtosis).
#include "dsp/flatten.h"

#include "core/error.h"
#include "impulse/blocks/params.h"

namespace mote::blocks {

namespace {

const std::vector<std::string> kStatNames = {"mean", "min", "max", "rms", "stdev", "skewness", "kurtosis"};
static_assert(dsp::FLATTEN_STAT_COUNT == 7, "kStatNames lists every FlattenStat");

class FlattenBlock : public DspBlock {
 public:
  FlattenBlock(nlohmann::json params, dsp::FlattenConfig cfg) : params_(std::move(params)), cfg_(cfg) {}
  nlohmann::json params() const override { return params_; }
  std::vector<size_t> output_shape() const override { return {dsp::flatten_output_len(cfg_)}; }
  size_t scratch_bytes() const override { return dsp::flatten_scratch_bytes(cfg_); }
  size_t flash_bytes() const override { return 0; }  // no tables
  DeviceBlockCode device_code(const std::string& prefix) const override {
    return {"dsp/flatten.h",
            "static const mote::dsp::FlattenConfig " + prefix + "_cfg = {" + std::to_string(cfg_.frames) + ", " +
                std::to_string(cfg_.axes) + ", " + c_float(cfg_.scale) + ", " + std::to_string(cfg_.stats) + "u};\n",
            "st = mote::dsp::flatten_f32(" + prefix + "_cfg, in, out, out_len, scratch, scratch_bytes);",
            dsp::flatten_scratch_bytes(cfg_), "", 0};
  }
  void run(const BlockInput& in, float* out) const override {
    std::vector<float> scratch(cfg_.frames);
    Status st = dsp::flatten_f32(cfg_, in.window, out, output_size(), scratch.data(), scratch.size() * sizeof(float));
    if (st != MOTE_OK) throw Error(std::string("flatten block: ") + status_string(st));
  }

 private:
  nlohmann::json params_;
  dsp::FlattenConfig cfg_;
};

}  // namespace

const BlockSchema& flatten_schema() {
  static const BlockSchema s{
      "flatten", "dsp", "chosen statistics of each axis over the window (one value per statistic and axis)",
      {{.name = "scale_axes", .type = ParamType::Number, .lo = -1e6, .hi = 1e6, .fallback = 1.0, .unit = "",
          .help = "every input value is multiplied by it first (e.g. 0.001 turns milli-g into g)"},
       {.name = "stats", .type = ParamType::Choices, .fallback = kStatNames, .help = "statistics computed per axis",
        .choices = kStatNames, .rule = "at least one"}}};
  return s;
}

std::unique_ptr<DspBlock> make_flatten_block(const BlockSpec& spec, const InputSpec& in, size_t axes, const std::string& where) {
  if (in.type != InputType::TimeSeries) throw error_at(where + ".type", "flatten needs a time-series input");
  if (in.window_frames() > 65535) throw error_at("impulse.input.window_ms", "window holds over 65535 frames; shorten it");
  Params p(spec.params, where, flatten_schema());
  dsp::FlattenConfig cfg{};
  cfg.frames = static_cast<uint16_t>(in.window_frames());
  cfg.axes = static_cast<uint16_t>(axes);
  cfg.scale = static_cast<float>(p.number("scale_axes"));
  auto stats = p.choices("stats");
  if (stats.empty()) throw error_at(p.at("stats"), "choose at least one statistic");
  for (size_t s = 0; s < kStatNames.size(); ++s)
    if (std::find(stats.begin(), stats.end(), kStatNames[s]) != stats.end()) cfg.stats |= 1u << s;
  return std::make_unique<FlattenBlock>(p.finish(), cfg);
}

}  // namespace mote::blocks
