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

// A block as device code (mote deploy): its config printed from the very tables and values the host
// adapter runs with, so host and device compute with identical data.
struct DeviceBlockCode {
  std::string include;      // runtime header, e.g. "dsp/spectral.h"
  std::string definitions;  // static const tables and the typed config, names prefixed
  std::string call;         // a statement setting `st` from in, out, out_len, scratch, scratch_bytes
  size_t scratch_bytes = 0;
  // The streaming form (audio blocks; empty: none): the same with `src` (a mote::dsp::AudioSource) for in.
  std::string stream_call;
  size_t stream_scratch_bytes = 0;
};

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
  // Scratch of the streaming form (the window read frame by frame, one frame buffered); 0: the block has none.
  virtual size_t stream_scratch_bytes() const { return 0; }
  // Runs on one window; out holds output_size() floats. Throws mote::Error on a runtime status.
  virtual void run(const BlockInput& in, float* out) const = 0;
  // Device code with names starting with `prefix`; throws mote::Error when the block has no device form yet.
  virtual DeviceBlockCode device_code(const std::string& prefix) const;
};

// C++ literals that round-trip exactly (for device code): a float, and static const arrays.
std::string c_float(float v);
std::string c_float_array(const std::string& name, const std::vector<float>& v);
std::string c_u16_array(const std::string& name, const std::vector<uint16_t>& v);

// Builds the block of spec.type for this input (axes = how many axes it reads); errors name
// `where` + ".params.<field>" and say what range is allowed.
std::unique_ptr<DspBlock> make_dsp_block(const BlockSpec& spec, const InputSpec& input, size_t axes, const std::string& where);

// The registered DSP block types, for messages and the studio.
const std::vector<std::string>& dsp_block_types();

}  // namespace mote
