#include "core/json_fields.h"

#include <cstdio>

#include "core/error.h"

namespace mote {

double json_number(const nlohmann::json& obj, const char* key, double fallback, const std::string& where, double lo, double hi) {
  if (!obj.contains(key)) return fallback;
  const nlohmann::json& v = obj[key];
  if (!v.is_number()) throw error_at(where + "." + key, "must be a number");
  double d = v.get<double>();
  if (!(d >= lo && d <= hi)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%g is out of range; use %g to %g", d, lo, hi);
    throw error_at(where + "." + key, buf);
  }
  return d;
}

}  // namespace mote
