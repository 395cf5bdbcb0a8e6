#include "ingest/acquisition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/error.h"

using namespace mote;
using nlohmann::json;

namespace {

Sample three_axis() {
  Sample s;
  s.interval_ms = 16;
  s.sensors = {{"accX", "m/s2"}, {"accY", "m/s2"}, {"accZ", "m/s2"}};
  s.values = {0.1f, -9.81f, 3.3333333f, 1e-8f, 123456.78f, -0.0f};
  s.device_name = "dev-1";
  s.device_type = "TEST";
  return s;
}

std::string error_of(std::string_view bytes, const ParseContext& ctx, bool cbor = false) {
  try {
    cbor ? parse_acquisition_cbor(bytes, ctx) : parse_acquisition_json(bytes, ctx);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Signs a JSON document the way a device does: HMAC over the serialisation with a zeroed signature.
std::string sign_json(json doc, const std::string& key, int indent = -1) {
  doc["signature"] = std::string(64, '0');
  std::string text = doc.dump(indent);
  std::string sig = hmac_sha256_hex(key, text);
  text.replace(text.find(std::string(64, '0')), 64, sig);
  return text;
}

json minimal_doc() {
  return json::parse(R"({"protected":{"ver":"v1","alg":"HS256","iat":1},"signature":"",
    "payload":{"device_name":"d","device_type":"t","interval_ms":10,
    "sensors":[{"name":"a","units":"g"},{"name":"b","units":"g"}],"values":[[1,2],[3,4]]}})");
}

}  // namespace

TEST(Acquisition, JsonRoundTripIsExact) {
  Sample s = three_axis();
  std::string text = write_acquisition_json(s, std::nullopt);
  Sample back = parse_acquisition_json(text, {"x.json", {}, 0});
  EXPECT_EQ(back.values, s.values);
  EXPECT_EQ(back.sensors, s.sensors);
  EXPECT_EQ(back.interval_ms, s.interval_ms);
  EXPECT_EQ(back.device_name, "dev-1");
  EXPECT_EQ(back.provenance["signature"], "none");
}

TEST(Acquisition, CborRoundTripIsExactAndSigned) {
  Sample s = three_axis();
  std::string bytes = write_acquisition_cbor(s, std::string("key"));
  Sample back = parse_acquisition_cbor(bytes, {"x.cbor", std::string("key"), 0});
  EXPECT_EQ(back.values, s.values);
  EXPECT_EQ(back.provenance["signature"], "verified");
  EXPECT_NE(error_of(bytes, {"x.cbor", std::string("other"), 0}, true).find("HMAC-SHA256 does not match"), std::string::npos);
}

TEST(Acquisition, SignatureVerifiesWhateverTheSerialisation) {
  for (int indent : {-1, 2, 4}) {
    std::string text = sign_json(minimal_doc(), "secret", indent);
    Sample s = parse_acquisition_json(text, {"x.json", std::string("secret"), 0});
    EXPECT_EQ(s.values, (std::vector<float>{1, 2, 3, 4}));
    EXPECT_EQ(s.provenance["signature"], "verified");
  }
}

TEST(Acquisition, BadSignatureRefused) {
  std::string text = sign_json(minimal_doc(), "secret");
  std::string err = error_of(text, {"dev.json", std::string("wrong"), 0});
  EXPECT_NE(err.find("dev.json: signature"), std::string::npos) << err;
  EXPECT_NE(err.find("check the key"), std::string::npos) << err;
  // Tampered values with the right key also fail.
  std::string tampered = text;
  tampered.replace(tampered.find("[[1,2]"), 6, "[[1,9]");
  EXPECT_NE(error_of(tampered, {"dev.json", std::string("secret"), 0}).find("does not match"), std::string::npos);
}

TEST(Acquisition, UnsignedWithKeyRefusedAndWithoutAccepted) {
  json doc = minimal_doc();
  doc["protected"]["alg"] = "none";
  std::string text = doc.dump();
  EXPECT_NE(error_of(text, {"u.json", std::string("k"), 0}).find("protected.alg"), std::string::npos);
  EXPECT_EQ(error_of(text, {"u.json", {}, 0}), "");
}

TEST(Acquisition, UnknownAlgRefused) {
  json doc = minimal_doc();
  doc["protected"]["alg"] = "RS256";
  std::string err = error_of(doc.dump(), {"a.json", {}, 0});
  EXPECT_NE(err.find("a.json: protected.alg: unknown algorithm 'RS256'"), std::string::npos) << err;
}

TEST(Acquisition, TruncatedJsonAndCbor) {
  std::string text = minimal_doc().dump();
  std::string err = error_of(text.substr(0, text.size() / 2), {"t.json", {}, 0});
  EXPECT_NE(err.find("t.json: not valid JSON"), std::string::npos) << err;
  std::string cbor = write_acquisition_cbor(three_axis(), std::nullopt);
  err = error_of(cbor.substr(0, cbor.size() - 5), {"t.cbor", {}, 0}, true);
  EXPECT_NE(err.find("t.cbor: not valid CBOR"), std::string::npos) << err;
  EXPECT_NE(error_of("\xff\x00garbage", {"g.cbor", {}, 0}, true).find("g.cbor"), std::string::npos);
}

// Found by acquisition_cbor_fuzz: 100 000 nested arrays overflowed the stack of nlohmann's recursive reader.
TEST(Acquisition, DeeplyNestedCborIsRefusedNotACrash) {
  std::string deep(100000, '\x81');  // CBOR: an array of one element, nested
  deep += '\x00';
  std::string err = error_of(deep, {"deep.cbor", {}, 0}, true);
  EXPECT_NE(err.find("deep.cbor: CBOR nested deeper than 32 levels"), std::string::npos) << err;
  // The real format's 4 levels still parse.
  EXPECT_NO_THROW(parse_acquisition_cbor(write_acquisition_cbor(three_axis(), std::nullopt), {"ok.cbor", {}, 0}));
  // Indefinite-length maps and arrays count as levels too.
  std::string indefinite(5000, '\x9f');
  err = error_of(indefinite, {"deep.cbor", {}, 0}, true);
  EXPECT_NE(err.find("deep.cbor: CBOR nested deeper than 32 levels"), std::string::npos) << err;
}

// Found by the 50-minute acquisition_cbor_fuzz run: indefinite-length byte strings inside each other (which
// RFC 8949 forbids) made nlohmann's reader recurse once per level, past the stack.
TEST(Acquisition, NestedIndefiniteCborStringsAreRefusedNotACrash) {
  const std::string nested = "\xa1\x61k" + std::string(200000, '\x5f');
  std::string err = error_of(nested, {"chunks.cbor", {}, 0}, true);
  EXPECT_NE(err.find("chunks.cbor: CBOR an indefinite-length string holds something other than definite strings"),
            std::string::npos) << err;
  // Well-formed chunked strings (text and bytes) still read: {"k": (_ "ab" "c")}.
  const std::string chunked = "\xa1\x61k\x7f\x62" "ab" "\x61" "c" "\xff";
  err = error_of(chunked, {"chunked.cbor", {}, 0}, true);
  EXPECT_EQ(err.find("CBOR an indefinite"), std::string::npos) << err;
  EXPECT_NE(err.find("chunked.cbor"), std::string::npos) << err;  // read, then refused as not acquisition data
}

TEST(Acquisition, DeepNestingAfterAnOversizedCountIsRefusedNotACrash) {
  // {"k": [2^40 + 1 items: 200 000 nested one-item arrays ...]}: the count is a lie, the nesting is real.
  const std::string lie = std::string("\xa1\x61k\x9b\x00\x00\x01\x00\x00\x00\x00\x01", 12) + std::string(200000, '\x81');
  const std::string err = error_of(lie, {"lie.cbor", {}, 0}, true);
  EXPECT_NE(err.find("lie.cbor: CBOR nested deeper than"), std::string::npos) << err;
}

TEST(Acquisition, ArityMismatchNamesTheFrame) {
  json doc = minimal_doc();
  doc["payload"]["values"] = json::parse("[[1,2],[3,4,5]]");
  std::string err = error_of(doc.dump(), {"m.json", {}, 0});
  EXPECT_NE(err.find("m.json: payload.values[1]: has 3 values but payload.sensors lists 2"), std::string::npos) << err;
}

TEST(Acquisition, NonFiniteAndNonNumericValuesRefused) {
  json doc = minimal_doc();
  doc["payload"]["values"] = json::parse("[[1,2],[3,0]]");
  doc["payload"]["values"][1][1] = std::numeric_limits<double>::infinity();
  std::string text = doc.dump();  // nlohmann writes inf as null: write the overflow by hand
  text.replace(text.find("null"), 4, "1e999");
  std::string err = error_of(text, {"n.json", {}, 0});
  EXPECT_NE(err.find("n.json: a value is not a finite number ('1e999')"), std::string::npos) << err;
  doc["payload"]["values"] = json::parse("[[1,2],[3,1e300]]");  // finite double, infinite float32
  EXPECT_NE(error_of(doc.dump(), {"n.json", {}, 0}).find("payload.values[1][1]"), std::string::npos);
  doc["payload"]["values"] = json::parse(R"([[1,"x"],[3,4]])");
  EXPECT_NE(error_of(doc.dump(), {"n.json", {}, 0}).find("payload.values[0][1]: is not a number"), std::string::npos);
  // NaN can come through CBOR, which has a float NaN.
  Sample s = three_axis();
  s.values[2] = std::nanf("");
  std::string cbor = write_acquisition_cbor(s, std::nullopt);
  EXPECT_NE(error_of(cbor, {"n.cbor", {}, 0}, true).find("payload.values[0][2]"), std::string::npos);
}

TEST(Acquisition, MissingFieldsNamed) {
  json doc = minimal_doc();
  doc["payload"].erase("interval_ms");
  EXPECT_NE(error_of(doc.dump(), {"f.json", {}, 0}).find("f.json: payload.interval_ms: missing"), std::string::npos);
  doc = minimal_doc();
  doc.erase("protected");
  EXPECT_NE(error_of(doc.dump(), {"f.json", {}, 0}).find("protected"), std::string::npos);
}

TEST(Acquisition, SingleAxisAcceptsFlatValues) {
  json doc = minimal_doc();
  doc["payload"]["sensors"] = json::parse(R"([{"name":"audio","units":"wav"}])");
  doc["payload"]["values"] = json::parse("[1, -2, 3.5]");
  Sample s = parse_acquisition_json(doc.dump(), {"a.json", {}, 0});
  EXPECT_EQ(s.values, (std::vector<float>{1, -2, 3.5f}));
}
