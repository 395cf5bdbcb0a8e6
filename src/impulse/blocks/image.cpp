// The image block: resize to the input's size and mode, convert colour, scale to 0..1.
#include "dsp/image.h"

#include "core/error.h"
#include "impulse/blocks/params.h"

namespace mote::blocks {

namespace {

class ImageBlock : public DspBlock {
 public:
  ImageBlock(const InputSpec& in, nlohmann::json params, dsp::ImageInterp interp)
      : in_(in), params_(std::move(params)), interp_(interp) {}
  nlohmann::json params() const override { return params_; }
  std::vector<size_t> output_shape() const override {
    return {in_.height, in_.width, static_cast<size_t>(in_.color == "rgb" ? 3 : 1)};
  }
  size_t scratch_bytes() const override { return 0; }  // dsp::image_scratch_bytes is 0 for every config
  size_t flash_bytes() const override { return 0; }    // integer arithmetic, no tables
  // On the device the frame comes at the impulse's size and colour (the camera driver resizes): the block
  // scales its pixels, in place in the glue's one buffer.
  DeviceBlockCode device_code(const std::string&) const override {
    return {"dsp/image.h", "", "st = mote::dsp::image_scale_f32(in, out_len, out);", 0, "", 0};
  }
  void run(const BlockInput& input, float* out) const override {
    if (!input.image) {  // a device window: pixels at the output size, as floats (deploy's parity reference)
      if (input.frames * input.axes != output_size()) throw error_at("image block", "a frame of " + std::to_string(output_size()) + " pixel values is needed");
      Status st = dsp::image_scale_f32(input.window, output_size(), out);
      if (st != MOTE_OK) throw error_at("image block", std::string("runtime error: ") + status_string(st));
      return;
    }
    const Sample& img = *input.image;
    if (img.width > 65535 || img.height > 65535) throw error_at(img.name, "image is larger than 65535 pixels a side");
    dsp::ImageConfig cfg{};
    cfg.in_width = static_cast<uint16_t>(img.width);
    cfg.in_height = static_cast<uint16_t>(img.height);
    cfg.in_color = img.channels == 3 ? dsp::IMAGE_COLOR_RGB : dsp::IMAGE_COLOR_GRAYSCALE;
    cfg.out_width = static_cast<uint16_t>(in_.width);
    cfg.out_height = static_cast<uint16_t>(in_.height);
    cfg.out_color = in_.color == "rgb" ? dsp::IMAGE_COLOR_RGB : dsp::IMAGE_COLOR_GRAYSCALE;
    cfg.resize = in_.resize == "fit-shortest"  ? dsp::IMAGE_RESIZE_FIT_SHORTEST
                 : in_.resize == "fit-longest" ? dsp::IMAGE_RESIZE_FIT_LONGEST
                                               : dsp::IMAGE_RESIZE_SQUASH;
    cfg.interp = interp_;
    Status st = dsp::image_f32(cfg, img.pixels.data(), img.pixels.size(), out, output_size(), nullptr, 0);
    if (st != MOTE_OK) throw error_at("image block", std::string("runtime error: ") + status_string(st));
  }

 private:
  InputSpec in_;
  nlohmann::json params_;
  dsp::ImageInterp interp_;
};

}  // namespace

const BlockSchema& image_schema() {
  static const BlockSchema s{
      "image", "dsp", "resize to the input's width x height and colour depth, pixels scaled to 0..1",
      {{.name = "interpolation", .type = ParamType::Choice, .fallback = "bilinear",
        .help = "how pixels are resampled: nearest keeps hard edges, bilinear is smoother",
        .choices = {"nearest", "bilinear"}}}};
  return s;
}

std::unique_ptr<DspBlock> make_image_block(const BlockSpec& spec, const InputSpec& in, size_t, const std::string& where) {
  if (in.type != InputType::Image) throw error_at(where + ".type", "the image block needs an image input (impulse.input.type)");
  Params p(spec.params, where, image_schema());
  std::string interp = p.choice("interpolation");
  nlohmann::json params = p.finish();
  return std::make_unique<ImageBlock>(in, params, interp == "nearest" ? dsp::IMAGE_INTERP_NEAREST : dsp::IMAGE_INTERP_BILINEAR);
}

}  // namespace mote::blocks
