// The Edge Impulse-compatible ingestion service over real HTTP: every body type, signatures, duplicates.
#include <cstring>

#include "ingest/acquisition.h"
#include "ingest/image.h"
#include "serve_support.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

mote::Sample motion(float phase, size_t frames = 20) {
  mote::Sample s;
  s.interval_ms = 16;
  s.sensors = {{"accX", "m/s2"}, {"accY", "m/s2"}, {"accZ", "m/s2"}};
  for (size_t f = 0; f < frames; ++f)
    for (int a = 0; a < 3; ++a) s.values.push_back(phase + static_cast<float>(f) * 0.5f + static_cast<float>(a));
  s.device_name = "dev";
  s.device_type = "TEST";
  return s;
}

// A 16-bit mono PCM WAV file, written by hand so the test does not trust the importer's library.
std::string wav_bytes(int rate, const std::vector<int16_t>& pcm) {
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [](uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); };
  std::string data(reinterpret_cast<const char*>(pcm.data()), pcm.size() * 2);
  return "RIFF" + u32(static_cast<uint32_t>(36 + data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(1) +
         u32(static_cast<uint32_t>(rate)) + u32(static_cast<uint32_t>(rate * 2)) + u16(2) + u16(16) + "data" +
         u32(static_cast<uint32_t>(data.size())) + data;
}

std::string png_bytes() {
  mote::Sample img;
  img.kind = mote::SampleKind::Image;
  img.width = 4;
  img.height = 3;
  img.channels = 3;
  for (int i = 0; i < 36; ++i) img.pixels.push_back(static_cast<uint8_t>(i * 7));
  return mote::encode_png(img);
}

}  // namespace

TEST_F(ServeTest, IngestsEveryBodyType) {
  start();
  auto post = [&](const std::string& path, httplib::Headers h, const std::string& bytes, const std::string& type) {
    auto r = client->Post(path.c_str(), with_key(std::move(h)), bytes, type.c_str());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return body(r);
  };
  json a = post("/api/training/data", {{"x-label", "wave"}, {"x-file-name", "wave.01.json"}},
                mote::write_acquisition_json(motion(0), std::nullopt), "application/json");
  EXPECT_EQ(a["success"], true);
  EXPECT_EQ(a["files"][0]["label"], "wave");
  EXPECT_EQ(a["files"][0]["name"], "wave.01");
  EXPECT_EQ(a["files"][0]["category"], "training");

  json b = post("/api/testing/data", {{"x-label", "idle"}}, mote::write_acquisition_cbor(motion(1), std::nullopt),
                "application/cbor");
  EXPECT_EQ(b["files"][0]["category"], "testing");

  // Label from the file name (up to the first dot), as the EI uploader does; format from the extension.
  json c = post("/api/training/data", {{"x-file-name", "circle.7.csv"}},
                "timestamp,accX,accY,accZ\n0,1,2,3\n16,4,5,6\n32,7,8,9\n", "application/octet-stream");
  EXPECT_EQ(c["files"][0]["label"], "circle");

  std::vector<int16_t> pcm;
  for (int i = 0; i < 800; ++i) pcm.push_back(static_cast<int16_t>((i % 50) * 400 - 10000));
  json d = post("/api/training/data", {{"x-label", "noise"}}, wav_bytes(8000, pcm), "audio/wav");
  json e = post("/api/anomaly/data", {}, png_bytes(), "image/png");
  EXPECT_EQ(e["files"][0]["label"], "anomaly");
  EXPECT_EQ(e["files"][0]["category"], "testing");

  // What was stored is what was sent.
  auto one = client->Get(("/api/samples/" + std::to_string(a["files"][0]["id"].get<int64_t>())).c_str());
  ASSERT_TRUE(one);
  json s = body(one);
  EXPECT_EQ(s["frames"], 20);
  EXPECT_FLOAT_EQ(s["values"][3][2].get<float>(), motion(0).values[3 * 3 + 2]);
  EXPECT_EQ(s["provenance"]["source"], "http");
  EXPECT_EQ(s["provenance"]["credential"], "key 1");
  json wav = body(client->Get(("/api/samples/" + std::to_string(d["files"][0]["id"].get<int64_t>())).c_str()));
  EXPECT_EQ(wav["frames"], 800);
  EXPECT_DOUBLE_EQ(wav["interval_ms"].get<double>(), 1000.0 / 8000);
  EXPECT_NEAR(wav["values"][1][0].get<double>(), pcm[1] / 32768.0, 1e-6);
  auto png = client->Get(("/api/samples/" + std::to_string(e["files"][0]["id"].get<int64_t>()) + "/image.png").c_str());
  ASSERT_TRUE(png);
  EXPECT_EQ(png->status, 200);
  EXPECT_EQ(png->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(stored_samples(), 5);
}

TEST_F(ServeTest, MultipartUploadsSeveralFilesInOneTransaction) {
  start();
  httplib::MultipartFormDataItems items = {
      {"data", mote::write_acquisition_json(motion(0), std::nullopt), "updown.1.json", "application/json"},
      {"data", mote::write_acquisition_json(motion(5), std::nullopt), "updown.2.json", "application/json"},
      {"data", "timestamp,accX\n0,1\n16,2\n", "idle.3.csv", "text/csv"},
  };
  auto r = client->Post("/api/training/files", with_key(), items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = body(r);
  ASSERT_EQ(j["files"].size(), 3u);
  EXPECT_EQ(j["files"][0]["label"], "updown");
  EXPECT_EQ(j["files"][2]["label"], "idle");
  EXPECT_EQ(stored_samples(), 3);

  // One bad file refuses the whole request: nothing of it is stored.
  httplib::MultipartFormDataItems mixed = {
      {"data", mote::write_acquisition_json(motion(9), std::nullopt), "wave.1.json", "application/json"},
      {"data", "timestamp,accX\n0,1\n16,oops\n", "wave.2.csv", "text/csv"},
  };
  auto bad = client->Post("/api/training/data", with_key(), mixed);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(body(bad)["success"], false);
  EXPECT_NE(body(bad)["error"].get<std::string>().find("wave.2.csv"), std::string::npos) << bad->body;
  EXPECT_EQ(stored_samples(), 3);
}

TEST_F(ServeTest, SignedDataIsVerifiedWithTheProjectKey) {
  start();
  auto good = client->Post("/api/training/data", with_key({{"x-label", "wave"}}),
                           mote::write_acquisition_json(motion(0), hmac), "application/json");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200) << good->body;
  json s = body(client->Get(("/api/samples/" + std::to_string(body(good)["files"][0]["id"].get<int64_t>())).c_str()));
  EXPECT_EQ(s["provenance"]["signature"], "verified");

  auto cbor = client->Post("/api/testing/data", with_key({{"x-label", "wave"}}), mote::write_acquisition_cbor(motion(7), hmac),
                           "application/cbor");
  ASSERT_TRUE(cbor);
  EXPECT_EQ(cbor->status, 200) << cbor->body;
  // The stored sample exports back to the acquisition format with the same values.
  auto exported = client->Get(("/api/samples/" + std::to_string(body(cbor)["files"][0]["id"].get<int64_t>()) + "/acquisition.json").c_str());
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->status, 200);
  json doc = json::parse(exported->body);
  EXPECT_FLOAT_EQ(doc["payload"]["values"][2][1].get<float>(), motion(7).values[2 * 3 + 1]);
  EXPECT_EQ(doc["payload"]["sensors"][0]["name"], "accX");

  for (const std::string& bytes : {mote::write_acquisition_json(motion(1), std::string("0123456789abcdef0123456789abcdef")),
                                   mote::write_acquisition_cbor(motion(2), std::string("not the project key"))}) {
    auto bad = client->Post("/api/training/data", with_key({{"x-label", "wave"}}), bytes,
                            bytes[0] == '{' ? "application/json" : "application/cbor");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400) << bad->body;
    EXPECT_EQ(body(bad)["success"], false);
    EXPECT_NE(body(bad)["error"].get<std::string>().find("signature"), std::string::npos) << bad->body;
  }
  // A tampered value breaks a valid signature too.
  std::string tampered = mote::write_acquisition_json(motion(3), hmac);
  size_t pos = tampered.find("\"values\":[[") + 11;
  tampered[pos] = tampered[pos] == '9' ? '8' : '9';
  auto t = client->Post("/api/training/data", with_key({{"x-label", "wave"}}), tampered, "application/json");
  EXPECT_EQ(t->status, 400) << t->body;
  EXPECT_EQ(stored_samples(), 2);
}

TEST_F(ServeTest, DuplicatesRefusedOnlyWhenAsked) {
  start();
  std::string bytes = mote::write_acquisition_json(motion(0), std::nullopt);
  auto h = with_key({{"x-label", "wave"}, {"x-disallow-duplicates", "1"}});
  EXPECT_EQ(client->Post("/api/training/data", h, bytes, "application/json")->status, 200);
  auto dup = client->Post("/api/training/data", h, bytes, "application/json");
  EXPECT_EQ(dup->status, 409);
  EXPECT_NE(body(dup)["error"].get<std::string>().find("same data as sample 1"), std::string::npos) << dup->body;
  EXPECT_EQ(stored_samples(), 1);
  // The same file twice within one multipart request is a duplicate as well.
  httplib::MultipartFormDataItems twice = {{"data", mote::write_acquisition_json(motion(4), std::nullopt), "a.1.json", "application/json"},
                                           {"data", mote::write_acquisition_json(motion(4), std::nullopt), "a.2.json", "application/json"}};
  EXPECT_EQ(client->Post("/api/training/files", h, twice)->status, 409);
  EXPECT_EQ(stored_samples(), 1);
  // Without the header (Edge Impulse's default) the same data is accepted again.
  EXPECT_EQ(client->Post("/api/training/data", with_key({{"x-label", "wave"}}), bytes, "application/json")->status, 200);
  EXPECT_EQ(stored_samples(), 2);
}

TEST_F(ServeTest, BadUploadsAreClearErrors) {
  start();
  auto r = client->Post("/api/training/data", with_key(), "\x01\x02garbage", "application/octet-stream");
  EXPECT_EQ(r->status, 415) << r->body;
  auto nolabel = client->Post("/api/training/data", with_key(), mote::write_acquisition_json(motion(0), std::nullopt),
                              "application/json");
  EXPECT_EQ(nolabel->status, 400);
  EXPECT_NE(body(nolabel)["error"].get<std::string>().find("x-label"), std::string::npos);
  auto empty = client->Post("/api/training/data", with_key({{"x-label", "a"}}), "", "application/json");
  EXPECT_EQ(empty->status, 400);
  auto nofield = client->Post("/api/training/files", with_key(),
                              httplib::MultipartFormDataItems{{"other", "x", "a.csv", "text/csv"}});
  EXPECT_EQ(nofield->status, 400);
  EXPECT_EQ(stored_samples(), 0);
}
