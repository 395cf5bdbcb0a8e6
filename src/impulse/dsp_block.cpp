#include "impulse/dsp_block.h"

#include "core/error.h"
#include "impulse/blocks/params.h"

namespace mote {

size_t DspBlock::output_size() const {
  size_t n = 1;
  for (size_t d : output_shape()) n *= d;
  return n;
}

namespace {
struct Registered {
  const char* type;
  std::unique_ptr<DspBlock> (*make)(const BlockSpec&, const InputSpec&, size_t, const std::string&);
};
const Registered kBlocks[] = {
#define MOTE_DSP_BLOCK(type, factory) {type, blocks::factory},
#include "impulse/blocks/blocks.def"
#undef MOTE_DSP_BLOCK
};
}  // namespace

const std::vector<std::string>& dsp_block_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> t;
    for (auto& b : kBlocks) t.push_back(b.type);
    return t;
  }();
  return types;
}

std::unique_ptr<DspBlock> make_dsp_block(const BlockSpec& spec, const InputSpec& input, size_t axes, const std::string& where) {
  for (auto& b : kBlocks)
    if (spec.type == b.type) return b.make(spec, input, axes, where);
  std::string list;
  for (auto& t : dsp_block_types()) list += (list.empty() ? "" : ", ") + t;
  throw error_at(where + ".type", "unknown DSP block '" + spec.type + "'; mote has " + list);
}

}  // namespace mote
