#include "ingest/acquisition.h"

#include <charconv>
#include <chrono>
#include <cmath>

#include "core/crypto.h"
#include "core/error.h"

using nlohmann::json;

namespace mote {

namespace {

constexpr size_t kSignatureHexLength = 64;
const std::string kZeroSignature(kSignatureHexLength, '0');

const json& field(const json& obj, const char* key, const std::string& where, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) throw error_at(where + ": " + path + key, "missing; see the Edge Impulse data acquisition format");
  return *it;
}

std::string string_or_empty(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  if (!it->is_string()) throw error_at(where + ": payload." + key, "must be a string");
  return it->get<std::string>();
}

float number_at(const json& v, const std::string& where, size_t frame, size_t axis, bool multi) {
  // The place is spelled out only for an error: this runs for every value of every upload.
  auto at = [&] { return where + ": payload.values[" + std::to_string(frame) + "]" + (multi ? "[" + std::to_string(axis) + "]" : ""); };
  if (!v.is_number()) throw error_at(at(), "is not a number; every value must be numeric");
  double d = v.get<double>();
  float f = static_cast<float>(d);
  if (!std::isfinite(d) || !std::isfinite(f)) throw error_at(at(), "is not a finite float32 number (NaN or Inf); fix or drop that frame");
  return f;
}

// Verifies HS256 over the received bytes with the signature's hex replaced by zeros.
void verify_signature(std::string_view raw, const std::string& signature, const std::string& key, const std::string& where) {
  if (signature.size() != kSignatureHexLength)
    throw error_at(where + ": signature", "must be 64 hex characters for HS256; re-sign the file");
  size_t pos = raw.find(signature);
  if (pos == std::string_view::npos) throw error_at(where + ": signature", "not found verbatim in the file; re-sign it");
  std::string zeroed(raw);
  zeroed.replace(pos, kSignatureHexLength, kZeroSignature);
  std::string expected = hmac_sha256_hex(key, zeroed);
  std::string given = signature;
  for (auto& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!constant_time_equal(expected, given))
    throw error_at(where + ": signature", "HMAC-SHA256 does not match with the given --hmac-key; check the key or re-sign the file");
}

Sample decode(const json& doc, std::string_view raw, const ParseContext& ctx, const char* importer) {
  const std::string& where = ctx.where;
  if (!doc.is_object()) throw error_at(where, "top level must be an object with protected, signature and payload");
  const json& prot = field(doc, "protected", where, "");
  if (!prot.is_object()) throw error_at(where + ": protected", "must be an object {ver, alg, iat}");
  const json& alg_v = field(prot, "alg", where, "protected.");
  if (!alg_v.is_string()) throw error_at(where + ": protected.alg", "must be a string: HS256 or none");
  std::string alg = alg_v.get<std::string>();
  const json& sig_v = field(doc, "signature", where, "");
  if (!sig_v.is_string()) throw error_at(where + ": signature", "must be a string");
  std::string signature_state;
  if (alg == "HS256") {
    if (ctx.hmac_key) {
      verify_signature(raw, sig_v.get<std::string>(), *ctx.hmac_key, where);
      signature_state = "verified";
    } else {
      signature_state = "unchecked";
    }
  } else if (alg == "none") {
    if (ctx.hmac_key)
      throw error_at(where + ": protected.alg", "is 'none' (unsigned) but --hmac-key was given; sign the file or import without the key");
    signature_state = "none";
  } else {
    throw error_at(where + ": protected.alg", "unknown algorithm '" + alg + "'; mote accepts HS256 or none");
  }

  const json& payload = field(doc, "payload", where, "");
  if (!payload.is_object()) throw error_at(where + ": payload", "must be an object");
  Sample s;
  s.kind = SampleKind::TimeSeries;
  s.device_name = string_or_empty(payload, "device_name", where);
  s.device_type = string_or_empty(payload, "device_type", where);
  const json& interval = field(payload, "interval_ms", where, "payload.");
  if (!interval.is_number() || !(interval.get<double>() > 0) || !std::isfinite(interval.get<double>()))
    throw error_at(where + ": payload.interval_ms", "must be a positive number of milliseconds");
  s.interval_ms = interval.get<double>();

  const json& sensors = field(payload, "sensors", where, "payload.");
  if (!sensors.is_array() || sensors.empty()) throw error_at(where + ": payload.sensors", "must be a non-empty array of {name, units}");
  for (size_t i = 0; i < sensors.size(); ++i) {
    const json& sn = sensors[i];
    std::string at = "payload.sensors[" + std::to_string(i) + "]";
    if (!sn.is_object() || !sn.contains("name") || !sn["name"].is_string())
      throw error_at(where + ": " + at, "must be an object with a string name");
    std::string units = sn.contains("units") && sn["units"].is_string() ? sn["units"].get<std::string>() : "";
    s.sensors.push_back({sn["name"].get<std::string>(), units});
  }

  const json& values = field(payload, "values", where, "payload.");
  if (!values.is_array() || values.empty()) throw error_at(where + ": payload.values", "must be a non-empty array of frames");
  size_t axes = s.sensors.size();
  s.values.reserve(values.size() * axes);
  for (size_t f = 0; f < values.size(); ++f) {
    const json& frame = values[f];
    if (frame.is_array()) {
      if (frame.size() != axes)
        throw error_at(where + ": payload.values[" + std::to_string(f) + "]",
                       "has " + std::to_string(frame.size()) + " values but payload.sensors lists " + std::to_string(axes) +
                           "; every frame needs one value per sensor");
      for (size_t a = 0; a < axes; ++a) s.values.push_back(number_at(frame[a], where, f, a, true));
    } else if (axes == 1) {
      s.values.push_back(number_at(frame, where, f, 0, false));
    } else {
      throw error_at(where + ": payload.values[" + std::to_string(f) + "]",
                     "is a single value but payload.sensors lists " + std::to_string(axes) + "; write one array per frame");
    }
  }
  s.provenance = {{"importer", importer}, {"alg", alg}, {"signature", signature_state}};
  if (prot.contains("iat") && prot["iat"].is_number()) s.provenance["iat"] = prot["iat"];
  return s;
}

std::string shortest(float v) {
  // "-0" would read back as the integer 0 and lose the sign bit (and change the content hash).
  if (v == 0.0f && std::signbit(v)) return "-0.0";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

json document(const Sample& s, bool signed_, const std::string& signature) {
  if (s.kind != SampleKind::TimeSeries) throw Error("sample " + s.name + ": only time series use the acquisition format");
  json sensors = json::array();
  for (auto& sn : s.sensors) sensors.push_back({{"name", sn.name}, {"units", sn.units}});
  int64_t iat = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return {{"protected", {{"ver", "v1"}, {"alg", signed_ ? "HS256" : "none"}, {"iat", iat}}},
          {"signature", signature},
          {"payload",
           {{"device_name", s.device_name},
            {"device_type", s.device_type},
            {"interval_ms", s.interval_ms},
            {"sensors", sensors},
            {"values", nullptr}}}};
}

// Values written by hand: nlohmann prints float32 as double, which reads back fine but is long.
std::string values_text(const Sample& s) {
  std::string out = "[";
  size_t axes = s.axes();
  for (size_t f = 0; f < s.frames(); ++f) {
    if (f) out += ',';
    if (axes > 1) out += '[';
    for (size_t a = 0; a < axes; ++a) {
      if (a) out += ',';
      out += shortest(s.values[f * axes + a]);
    }
    if (axes > 1) out += ']';
  }
  return out + "]";
}

std::string json_text(const Sample& s, bool signed_, const std::string& signature) {
  std::string text = document(s, signed_, signature).dump();
  const std::string placeholder = "\"values\":null";
  size_t pos = text.find(placeholder);
  return text.replace(pos, placeholder.size(), "\"values\":" + values_text(s));
}

}  // namespace

Sample parse_acquisition_json(std::string_view bytes, const ParseContext& ctx) {
  json doc;
  try {
    doc = json::parse(bytes.begin(), bytes.end());
  } catch (const json::parse_error& e) {
    throw error_at(ctx.where, std::string("not valid JSON at byte ") + std::to_string(e.byte) +
                                  "; is the file truncated? Re-export it in the data acquisition format");
  } catch (const json::out_of_range& e) {
    // nlohmann refuses numbers like 1e999 while parsing, before we know where they are.
    std::string what = e.what();
    size_t q = what.find('\'');
    throw error_at(ctx.where, "a value is not a finite number (" + (q == std::string::npos ? what : what.substr(q)) +
                                  "); fix or drop that value");
  }
  return decode(doc, bytes, ctx, "acquisition-json");
}

namespace {

// nlohmann's CBOR reader recurses once per nesting level, and once per chunk level of indefinite-length
// strings: thousands of nested arrays, or of indefinite strings inside each other, overflow the stack (both
// found by acquisition_cbor_fuzz). This walk of the item heads runs first, without recursion, and refuses
// nesting past kMaxCborDepth and string chunks that are not definite strings (RFC 8949 3.2.3 forbids them).
// Anything else malformed is left to nlohmann, which reports it.
constexpr int kMaxCborDepth = 32;

std::string cbor_structure_problem(std::string_view b) {
  struct Open {
    uint64_t left;  // items still to come (a map's pairs count twice); indefinite: until a break
    bool indefinite;
  };
  std::vector<Open> open;
  auto item_done = [&] {  // one item finished: it may finish its container, and so on up
    while (!open.empty() && !open.back().indefinite && --open.back().left == 0) open.pop_back();
  };
  size_t i = 0;
  auto argument = [&](uint8_t info, uint64_t* arg) {  // false: truncated or reserved (nlohmann reports it)
    if (info < 24) return *arg = info, true;
    if (info > 27) return false;
    const size_t n = size_t{1} << (info - 24);
    if (b.size() - i < n) return false;
    *arg = 0;
    for (size_t k = 0; k < n; ++k) *arg = (*arg << 8) | static_cast<uint8_t>(b[i++]);
    return true;
  };
  while (i < b.size()) {
    const uint8_t head = static_cast<uint8_t>(b[i++]);
    const uint8_t major = head >> 5, info = head & 31;
    if (head == 0xFF) {  // break: ends the innermost indefinite container
      if (open.empty() || !open.back().indefinite) return "";
      open.pop_back();
      item_done();
      continue;
    }
    uint64_t arg = 0;
    if (info == 31) {
      if (major == 2 || major == 3) {  // chunks until a break, each a definite string of the same type
        while (i < b.size() && static_cast<uint8_t>(b[i]) != 0xFF) {
          const uint8_t chunk = static_cast<uint8_t>(b[i++]);
          if (chunk >> 5 != major || (chunk & 31) == 31)
            return "an indefinite-length string holds something other than definite strings of its type";
          if (!argument(chunk & 31, &arg) || arg > b.size() - i) return "";
          i += static_cast<size_t>(arg);
        }
        ++i;  // the break
        item_done();
        continue;
      }
      if (major != 4 && major != 5) return "";
      open.push_back({0, true});
    } else {
      if (!argument(info, &arg)) return "";
      if (major == 2 || major == 3) {
        if (arg > b.size() - i) return "";
        i += static_cast<size_t>(arg);
        item_done();
        continue;
      }
      if (major == 6) return "";  // tags: nlohmann refuses them (cbor_tag_handler_t::error)
      if (major != 4 && major != 5) {
        item_done();
        continue;
      }
      // A count larger than the input is truncated, but nlohmann still reads the items that are there (found by
      // acquisition_cbor_fuzz: 2^40 items, then deep nesting): keep walking them.
      if (arg == 0) {
        item_done();
        continue;
      }
      open.push_back({major == 5 ? (arg > UINT64_MAX / 2 ? UINT64_MAX : arg * 2) : arg, false});
    }
    if (open.size() > static_cast<size_t>(kMaxCborDepth))
      return "nested deeper than " + std::to_string(kMaxCborDepth) + " levels (acquisition data needs 4)";
  }
  return "";
}

}  // namespace

Sample parse_acquisition_cbor(std::string_view bytes, const ParseContext& ctx) {
  const std::string problem = cbor_structure_problem(bytes);
  if (!problem.empty()) throw error_at(ctx.where, "CBOR " + problem + "; check the file is acquisition CBOR");
  json doc;
  try {
    doc = json::from_cbor(bytes.begin(), bytes.end());
  } catch (const json::exception& e) {
    throw error_at(ctx.where, std::string("not valid CBOR (") + e.what() + "); is the file truncated? Re-export it");
  }
  return decode(doc, bytes, ctx, "acquisition-cbor");
}

std::string write_acquisition_json(const Sample& s, const std::optional<std::string>& hmac_key) {
  std::string text = json_text(s, hmac_key.has_value(), kZeroSignature);
  if (hmac_key) {
    std::string sig = hmac_sha256_hex(*hmac_key, text);
    text.replace(text.find(kZeroSignature), kSignatureHexLength, sig);
  }
  return text;
}

std::string write_acquisition_cbor(const Sample& s, const std::optional<std::string>& hmac_key) {
  json doc = document(s, hmac_key.has_value(), kZeroSignature);
  json values = json::array();
  size_t axes = s.axes();
  for (size_t f = 0; f < s.frames(); ++f) {
    if (axes == 1) {
      values.push_back(s.values[f]);
    } else {
      json frame = json::array();
      for (size_t a = 0; a < axes; ++a) frame.push_back(s.values[f * axes + a]);
      values.push_back(std::move(frame));
    }
  }
  doc["payload"]["values"] = std::move(values);
  auto bytes = json::to_cbor(doc);
  std::string out(bytes.begin(), bytes.end());
  if (hmac_key) {
    std::string sig = hmac_sha256_hex(*hmac_key, out);
    out.replace(out.find(kZeroSignature), kSignatureHexLength, sig);
  }
  return out;
}

}  // namespace mote
