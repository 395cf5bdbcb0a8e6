#include "impulse/dsp_block.h"

#include <cstdio>

#include "core/error.h"
#include "impulse/blocks/params.h"

namespace mote {

size_t DspBlock::output_size() const {
  size_t n = 1;
  for (size_t d : output_shape()) n *= d;
  return n;
}

DeviceBlockCode DspBlock::device_code(const std::string&) const {
  throw Error("this DSP block has no device code yet (deployable: raw, flatten, spectral, spectrogram, mfe, mfcc); change the impulse's DSP block");
}

std::string c_float(float v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));  // 9 significant digits round-trip a float
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s + "f";
}

std::string c_float_array(const std::string& name, const std::vector<float>& v) {
  std::string s = "static const float " + name + "[" + std::to_string(v.size()) + "] = {";
  for (size_t i = 0; i < v.size(); ++i) s += (i % 8 ? " " : "\n    ") + c_float(v[i]) + ",";
  return s + "};\n";
}

std::string c_u16_array(const std::string& name, const std::vector<uint16_t>& v) {
  std::string s = "static const uint16_t " + name + "[" + std::to_string(v.size()) + "] = {";
  for (size_t i = 0; i < v.size(); ++i) s += (i % 16 ? " " : "\n    ") + std::to_string(v[i]) + ",";
  return s + "};\n";
}

namespace {
struct Registered {
  const char* type;
  std::unique_ptr<DspBlock> (*make)(const BlockSpec&, const InputSpec&, size_t, const std::string&);
};
const Registered kBlocks[] = {
#define MOTE_DSP_BLOCK(type, factory, schema) {type, blocks::factory},
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
