#include "impulse/blocks/params.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

using nlohmann::json;

namespace mote {

namespace blocks {

namespace {
std::string range_text(double v, double lo, double hi) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%g is out of range; use %g to %g", v, lo, hi);
  return buf;
}
std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace

double Params::number(const char* key, double fallback, double lo, double hi) {
  double v = fallback;
  if (given_.contains(key)) {
    if (!given_[key].is_number()) throw error_at(at(key), "must be a number");
    v = given_[key].get<double>();
    if (!(v >= lo && v <= hi)) throw error_at(at(key), range_text(v, lo, hi));
  }
  used_[key] = v;
  return v;
}

int Params::integer(const char* key, int fallback, int lo, int hi) {
  int v = fallback;
  if (given_.contains(key)) {
    const json& j = given_[key];
    if (!j.is_number() || std::floor(j.get<double>()) != j.get<double>()) throw error_at(at(key), "must be a whole number");
    double d = j.get<double>();
    if (!(d >= lo && d <= hi)) throw error_at(at(key), range_text(d, lo, hi));
    v = static_cast<int>(d);
  }
  used_[key] = v;
  return v;
}

bool Params::flag(const char* key, bool fallback) {
  bool v = fallback;
  if (given_.contains(key)) {
    if (!given_[key].is_boolean()) throw error_at(at(key), "must be true or false");
    v = given_[key].get<bool>();
  }
  used_[key] = v;
  return v;
}

std::string Params::choice(const char* key, const std::string& fallback, const std::vector<std::string>& allowed) {
  std::string v = fallback;
  if (given_.contains(key)) {
    if (!given_[key].is_string()) throw error_at(at(key), "must be one of " + join(allowed));
    v = given_[key].get<std::string>();
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
      throw error_at(at(key), "'" + v + "' is not one of " + join(allowed));
  }
  used_[key] = v;
  return v;
}

std::vector<std::string> Params::choices(const char* key, const std::vector<std::string>& fallback,
                                         const std::vector<std::string>& allowed) {
  std::vector<std::string> v = fallback;
  if (given_.contains(key)) {
    if (!given_[key].is_array()) throw error_at(at(key), "must be a list of " + join(allowed));
    v.clear();
    for (auto& e : given_[key]) {
      if (!e.is_string() || std::find(allowed.begin(), allowed.end(), e.get<std::string>()) == allowed.end())
        throw error_at(at(key), "entries must be among " + join(allowed));
      v.push_back(e.get<std::string>());
    }
  }
  used_[key] = v;
  return v;
}

json Params::finish() {
  for (auto& [key, value] : given_.items())
    if (!used_.contains(key)) throw error_at(where_ + ".params." + key, "unknown parameter; check its spelling");
  return used_;
}

}  // namespace blocks

}  // namespace mote
