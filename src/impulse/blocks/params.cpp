#include "impulse/blocks/params.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

using nlohmann::json;

namespace mote {

namespace blocks {

namespace {
std::string num(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e7) std::snprintf(buf, sizeof buf, "%.0f", v);  // 3600000, not 3.6e+06
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
std::string range_text(double v, double lo, double hi) { return num(v) + " is out of range; use " + num(lo) + " to " + num(hi); }
std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}
}  // namespace

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::Number: return "number";
    case ParamType::Integer: return "integer";
    case ParamType::Flag: return "boolean";
    case ParamType::Choice: return "choice";
    case ParamType::Choices: return "choices";
    case ParamType::Names: return "names";
    case ParamType::Json: return "json";
  }
  return "?";
}

const ParamSpec* BlockSchema::find(const std::string& name) const {
  for (auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

json BlockSchema::to_json() const {
  json ps = json::array();
  for (auto& p : params) {
    json j = {{"name", p.name}, {"type", param_type_name(p.type)}, {"default", p.fallback}, {"unit", p.unit}, {"help", p.help}};
    if (p.type == ParamType::Number || p.type == ParamType::Integer) j["min"] = p.lo, j["max"] = p.hi;
    if (!p.choices.empty()) j["choices"] = p.choices;
    if (!p.rule.empty()) j["rule"] = p.rule;
    if (!p.depends.empty()) j["depends"] = p.depends;
    if (!p.shown_when.empty()) j["shown_when"] = p.shown_when;
    ps.push_back(j);
  }
  return {{"type", type}, {"kind", kind}, {"summary", summary}, {"params", ps}};
}

const ParamSpec& Params::spec(const char* key, ParamType type) const {
  const ParamSpec* p = schema_.find(key);
  // A reader asking for what its table does not declare (or as another type) is mote's bug, not the user's.
  if (!p || p->type != type)
    throw Error("internal: the " + schema_.type + " block reads '" + key + "' as a " + param_type_name(type) +
                " but its schema " + (p ? "declares another type" : "does not declare it") + " (please report this)");
  return *p;
}

double Params::number(const char* key, std::optional<double> fallback, std::optional<double> hi_override) {
  const ParamSpec& s = spec(key, ParamType::Number);
  const double hi = hi_override.value_or(s.hi);
  double v = fallback ? *fallback : s.fallback.get<double>();
  if (given_.contains(key)) {
    if (!given_[key].is_number()) throw error_at(at(key), "must be a number");
    v = given_[key].get<double>();
    if (!(v >= s.lo && v <= hi)) throw error_at(at(key), range_text(v, s.lo, hi));
  }
  used_[key] = v;
  return v;
}

int Params::integer(const char* key, std::optional<int> fallback, std::optional<int> hi_override) {
  const ParamSpec& s = spec(key, ParamType::Integer);
  const double hi = hi_override ? *hi_override : s.hi;
  int v = fallback ? *fallback : s.fallback.get<int>();
  if (given_.contains(key)) {
    const json& j = given_[key];
    if (!j.is_number() || std::floor(j.get<double>()) != j.get<double>()) throw error_at(at(key), "must be a whole number");
    double d = j.get<double>();
    if (!(d >= s.lo && d <= hi)) throw error_at(at(key), range_text(d, s.lo, hi));
    v = static_cast<int>(d);
  }
  used_[key] = v;
  return v;
}

bool Params::flag(const char* key, std::optional<bool> fallback) {
  const ParamSpec& s = spec(key, ParamType::Flag);
  bool v = fallback ? *fallback : s.fallback.get<bool>();
  if (given_.contains(key)) {
    if (!given_[key].is_boolean()) throw error_at(at(key), "must be true or false");
    v = given_[key].get<bool>();
  }
  used_[key] = v;
  return v;
}

std::string Params::choice(const char* key) {
  const ParamSpec& s = spec(key, ParamType::Choice);
  std::string v = s.fallback.get<std::string>();
  if (given_.contains(key)) {
    if (!given_[key].is_string()) throw error_at(at(key), "must be one of " + join(s.choices));
    v = given_[key].get<std::string>();
    if (std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end())
      throw error_at(at(key), "'" + v + "' is not one of " + join(s.choices));
  }
  used_[key] = v;
  return v;
}

std::vector<std::string> Params::choices(const char* key) {
  const ParamSpec& s = spec(key, ParamType::Choices);
  std::vector<std::string> v = s.fallback.get<std::vector<std::string>>();
  if (given_.contains(key)) {
    if (!given_[key].is_array()) throw error_at(at(key), "must be a list of " + join(s.choices));
    v.clear();
    for (auto& e : given_[key]) {
      if (!e.is_string() || std::find(s.choices.begin(), s.choices.end(), e.get<std::string>()) == s.choices.end())
        throw error_at(at(key), "entries must be among " + join(s.choices));
      v.push_back(e.get<std::string>());
    }
  }
  used_[key] = v;
  return v;
}

std::vector<std::string> Params::names(const char* key) {
  const ParamSpec& s = spec(key, ParamType::Names);
  std::vector<std::string> v = s.fallback.get<std::vector<std::string>>();
  if (given_.contains(key)) {
    if (!given_[key].is_array()) throw error_at(at(key), "must be a list of names");
    v.clear();
    for (auto& e : given_[key]) {
      if (!e.is_string()) throw error_at(at(key), "must be a list of names");
      v.push_back(e.get<std::string>());
    }
  }
  used_[key] = v;
  return v;
}

json Params::raw(const char* key, std::optional<json> fallback) {
  const ParamSpec& s = spec(key, ParamType::Json);
  json v = given_.contains(key) ? given_[key] : fallback ? *fallback : s.fallback;
  used_[key] = v;
  return v;
}

json Params::finish() {
  for (auto& [key, value] : given_.items())
    if (!used_.contains(key)) throw error_at(at(key.c_str()), "unknown parameter; check its spelling");
  for (auto& p : schema_.params)
    if (!used_.contains(p.name))
      throw Error("internal: the " + schema_.type + " block declares '" + p.name + "' but never reads it (please report this)");
  return used_;
}

std::vector<const BlockSchema*> all_schemas() {
  std::vector<const BlockSchema*> out = {&time_series_input_schema(), &image_input_schema()};
#define MOTE_DSP_BLOCK(type, factory, schema) out.push_back(&schema());
#include "impulse/blocks/blocks.def"
#undef MOTE_DSP_BLOCK
  return out;
}

json schemas_json() {
  json out = {{"input", json::array()}, {"dsp", json::array()}};
  for (const BlockSchema* s : all_schemas()) out[s->kind].push_back(s->to_json());
  return out;
}

std::string schemas_markdown() { return schemas_markdown(all_schemas()); }

std::string schemas_markdown(const std::vector<const BlockSchema*>& list) {
  std::string md;
  for (const BlockSchema* s : list) {
    md += "### " + std::string(s->kind == "input" ? "input: " : s->kind == "learn" ? "learning: " : "") + s->type + "\n" + s->summary + "\n\n";
    md += "| parameter | type | default | range or values | unit | what it does |\n|---|---|---|---|---|---|\n";
    std::string rules;
    for (auto& p : s->params) {
      std::string range = p.type == ParamType::Number || p.type == ParamType::Integer ? num(p.lo) + " to " + num(p.hi)
                          : p.type == ParamType::Flag                                 ? "true, false"
                          : p.type == ParamType::Names                                ? "names"
                          : p.type == ParamType::Json                                 ? "see the block's docs"
                                                                                      : join(p.choices);
      std::string fallback = p.fallback.is_null() ? "from the input" : p.fallback.dump();
      if (p.type == ParamType::Json && !p.depends.empty()) fallback = "see below";
      md += "| `" + p.name + "` | " + param_type_name(p.type) + " | " + fallback + " | " + range + " | " + p.unit + " | " +
            p.help + " |\n";
      if (!p.depends.empty()) rules += "- `" + p.name + "` default: " + p.depends + "\n";
      if (!p.rule.empty()) rules += "- `" + p.name + "`: " + p.rule + "\n";
    }
    md += rules.empty() ? "\n" : "\n" + rules + "\n";
  }
  return md;
}

}  // namespace blocks

}  // namespace mote
