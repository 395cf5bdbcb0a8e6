// Reading block parameters with defaults and ranges; errors name the field and the allowed range.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "impulse/dsp_block.h"

namespace mote::blocks {

// Collects the parameters a block reads, so unknown keys (typos) are refused.
class Params {
 public:
  Params(const nlohmann::json& given, std::string where) : given_(given), where_(std::move(where)) {}
  double number(const char* key, double fallback, double lo, double hi);
  int integer(const char* key, int fallback, int lo, int hi);
  bool flag(const char* key, bool fallback);
  std::string choice(const char* key, const std::string& fallback, const std::vector<std::string>& allowed);
  std::vector<std::string> choices(const char* key, const std::vector<std::string>& fallback, const std::vector<std::string>& allowed);
  // Throws when a given key was never read; returns every parameter with defaults filled in.
  nlohmann::json finish();
  std::string at(const char* key) const { return where_ + ".params." + key; }

 private:
  const nlohmann::json& given_;
  std::string where_;
  nlohmann::json used_ = nlohmann::json::object();
};

#define MOTE_DSP_BLOCK(type, factory) \
  std::unique_ptr<DspBlock> factory(const BlockSpec&, const InputSpec&, size_t axes, const std::string& where);
#include "impulse/blocks/blocks.def"
#undef MOTE_DSP_BLOCK

}  // namespace mote::blocks
