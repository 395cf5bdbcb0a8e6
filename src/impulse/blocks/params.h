// Block parameters declared once: each block's schema (name, type, range, default, unit, help, the rules
// that tie values together) is the table the reader below checks mote.json against, the docs table
// (docs/blocks.md) and the studio's form (GET /api/blocks/schema). Errors name the field and the range.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "impulse/dsp_block.h"

namespace mote::blocks {

enum class ParamType { Number, Integer, Flag, Choice, Choices, Names, Json };
// "number", "integer", "boolean", "choice", "choices" (a subset of choices), "names" (any strings), "json" (a
// structured value its block checks itself: a network's layers, feature indices)
const char* param_type_name(ParamType t);

// One parameter as declared beside its block. `fallback` is the default (null when it follows from the
// input: then `depends` says how); `rule` is the one-line constraint with other values; `shown_when`
// ("filter_type!=none") lets a form hide a field that has no effect.
struct ParamSpec {
  std::string name{};
  ParamType type = ParamType::Number;
  double lo = 0, hi = 0;  // Number, Integer
  nlohmann::json fallback = nullptr;
  std::string unit{}, help{};
  std::vector<std::string> choices{};  // Choice, Choices
  std::string rule{}, depends{}, shown_when{};
};

struct BlockSchema {
  std::string type;     // "spectral", ... ; "time-series" / "image" for the input block
  std::string kind;     // "input", "dsp" or "learn"
  std::string summary;  // one line
  std::vector<ParamSpec> params;
  const ParamSpec* find(const std::string& name) const;
  nlohmann::json to_json() const;
};

// Reads a block's parameters through its schema: ranges and defaults come from the table, so a reader
// that asks for an undeclared parameter is a bug (thrown as such); unknown keys in mote.json are refused.
// Overrides (fallback, hi) are for bounds that follow from the input or another parameter and are stated
// in the parameter's `rule` or `depends`.
class Params {
 public:
  // Errors name `where` + field_prefix + key: "impulse.dsp[0]" + ".params." + "fft_length".
  Params(const nlohmann::json& given, std::string where, const BlockSchema& schema, std::string field_prefix = ".params.")
      : given_(given), where_(std::move(where)), prefix_(std::move(field_prefix)), schema_(schema) {}
  double number(const char* key, std::optional<double> fallback = {}, std::optional<double> hi = {});
  int integer(const char* key, std::optional<int> fallback = {}, std::optional<int> hi = {});
  bool flag(const char* key, std::optional<bool> fallback = {});
  std::string choice(const char* key);
  std::vector<std::string> choices(const char* key);
  std::vector<std::string> names(const char* key);
  nlohmann::json raw(const char* key, std::optional<nlohmann::json> fallback = {});
  // Throws when a given key was never read; returns every parameter with defaults filled in.
  nlohmann::json finish();
  std::string at(const char* key) const { return where_ + prefix_ + key; }

 private:
  const ParamSpec& spec(const char* key, ParamType type) const;
  const nlohmann::json& given_;
  std::string where_, prefix_;
  const BlockSchema& schema_;
  nlohmann::json used_ = nlohmann::json::object();
};

#define MOTE_DSP_BLOCK(type, factory, schema)                                                                  \
  std::unique_ptr<DspBlock> factory(const BlockSpec&, const InputSpec&, size_t axes, const std::string& where); \
  const BlockSchema& schema();
#include "impulse/blocks/blocks.def"
#undef MOTE_DSP_BLOCK

// The input block's fields (spec.cpp reads them through these).
const BlockSchema& time_series_input_schema();
const BlockSchema& image_input_schema();

// Every schema: input kinds first, then the DSP blocks in blocks.def order.
std::vector<const BlockSchema*> all_schemas();
// {"input": [...], "dsp": [...]} for the studio and `mote impulse schema --json`.
nlohmann::json schemas_json();
// The parameter tables of docs/blocks.md (`mote impulse schema`): these schemas, or all_schemas().
std::string schemas_markdown(const std::vector<const BlockSchema*>& list);
std::string schemas_markdown();

}  // namespace mote::blocks
