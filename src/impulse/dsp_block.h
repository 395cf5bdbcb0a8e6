// Host adapter of a DSP block: checks parameters against the input, sizes the output, and runs the
// runtime/dsp function on one window. Register a block with one line in blocks/blocks.def.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "impulse/spec.h"
#include "store/sample.h"

namespace mote {

// One window as the block sees it: time series frames x axes (frame-major) or an image.
struct BlockInput {
  const float* window = nullptr;
  size_t frames = 0, axes = 0;
  const Sample* image = nullptr;
};

class DspBlock {
 public:
  virtual ~DspBlock() = default;
  // Parameters with every default filled in: what mote.json shows and the code generator emits.
  virtual nlohmann::json params() const = 0;
  // Features per window, and their shape (e.g. {frames, coefficients}) for convolutional models.
  virtual std::vector<size_t> output_shape() const = 0;
  size_t output_size() const;
  // Device cost for the impulse designer: scratch the runtime function needs while running, the const
  // tables it reads (flash), and RAM in all (scratch + the float output).
  virtual size_t scratch_bytes() const = 0;
  virtual size_t flash_bytes() const = 0;
  size_t output_bytes() const { return output_size() * sizeof(float); }
  size_t ram_bytes() const { return scratch_bytes() + output_bytes(); }
  // Runs on one window; out holds output_size() floats. Throws mote::Error on a runtime status.
  virtual void run(const BlockInput& in, float* out) const = 0;
};

// Builds the block of spec.type for this input (axes = how many axes it reads); errors name
// `where` + ".params.<field>" and say what range is allowed.
std::unique_ptr<DspBlock> make_dsp_block(const BlockSpec& spec, const InputSpec& input, size_t axes, const std::string& where);

// The registered DSP block types, for messages and the studio.
const std::vector<std::string>& dsp_block_types();

}  // namespace mote
