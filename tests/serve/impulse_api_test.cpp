// The impulse designer's endpoints against a real server on 127.0.0.1: GET /api/blocks/schema (the studio's
// forms) and POST /api/impulse/preview (one window through an unsaved impulse), whose features must equal
// feature generation's for the same window, bit for bit.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "demo/motion.h"
#include "impulse/features.h"
#include "impulse/window.h"
#include "serve_support.h"
#include "store/sql.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

std::vector<float> decode_f32(const std::string& b64) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string bytes;
  for (size_t i = 0; i + 3 < b64.size(); i += 4) {
    uint32_t w = 0;
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      int v = val(b64[i + k]);
      if (v < 0) v = 0, ++pad;
      w = w << 6 | static_cast<uint32_t>(v);
    }
    bytes += static_cast<char>(w >> 16);
    if (pad < 2) bytes += static_cast<char>(w >> 8 & 255);
    if (pad < 1) bytes += static_cast<char>(w & 255);
  }
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

class ImpulseApi : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    mote::Project p = mote::Project::open(proj);
    mote::MotionOptions mo;
    mo.recordings_per_class = 1;
    mo.recording_s = 6;
    mo.anomalies = 0;
    mote::sql::Transaction tx(p.store().db());
    for (auto& s : mote::generate_motion(mo)) motion_id = p.store().insert(s);
    mote::Sample a;  // 1 s of a 440 Hz tone with a 3 kHz partial at 16 kHz
    a.name = "tone", a.label = "tone", a.interval_ms = 1000.0 / 16000, a.sensors = {{"audio", "wav"}};
    for (int i = 0; i < 16000; ++i)
      a.values.push_back(static_cast<float>(0.5 * std::sin(2 * M_PI * 440 * i / 16000.0) + 0.2 * std::sin(2 * M_PI * 3000 * i / 16000.0)));
    audio_id = p.store().insert(a);
    mote::Sample img;  // 40 x 30 RGB: red rising to the right
    img.name = "img", img.label = "red", img.kind = mote::SampleKind::Image, img.width = 40, img.height = 30, img.channels = 3;
    for (uint32_t y = 0; y < 30; ++y)
      for (uint32_t x = 0; x < 40; ++x) img.pixels.insert(img.pixels.end(), {static_cast<uint8_t>(x * 6), 0, 0});
    image_id = p.store().insert(img);
    tx.commit();
    start();
  }
  httplib::Result preview(const json& impulse, int64_t sample, double start_ms) {
    return client->Post("/api/impulse/preview", with_key(),
                        json({{"impulse", impulse}, {"sample_id", sample}, {"start_ms", start_ms}}).dump(), "application/json");
  }
  int64_t motion_id = 0, audio_id = 0, image_id = 0;
};

json motion_impulse() {
  return json::parse(R"({"input":{"type":"time-series","window_ms":2000,"stride_ms":512,"frequency_hz":62.5,
    "axes":["accX","accY","accZ"]},"dsp":[{"name":"spectral","type":"spectral","params":{"fft_length":32}},
    {"name":"stats","type":"flatten","axes":["accZ"]}],"learn":[]})");
}

}  // namespace

TEST_F(ImpulseApi, SchemaListsInputDspAndLearningBlocks) {
  auto r = client->Get("/api/blocks/schema");
  ASSERT_EQ(r->status, 200);
  json j = body(r);
  EXPECT_EQ(j["input"].size(), 2u);
  EXPECT_EQ(j["dsp"].size(), mote::dsp_block_types().size());
  std::vector<std::string> learn;
  for (auto& b : j["learn"]) learn.push_back(b["type"]);
  EXPECT_EQ(learn, (std::vector<std::string>{"classifier", "regression", "kmeans", "gmm", "random_forest", "gradient_boosting"}));
  bool fft = false;
  for (auto& b : j["dsp"])
    if (b["type"] == "spectral")
      for (auto& p : b["params"])
        if (p["name"] == "fft_length") fft = p["min"] == 16 && p["max"] == 4096 && p["unit"] == "samples" && p["default"].is_null();
  EXPECT_TRUE(fft) << "spectral.fft_length: 16..4096 samples, default from the input";
}

TEST_F(ImpulseApi, PreviewEqualsFeatureGenerationForTheSameWindow) {
  const json imp = motion_impulse();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = preview(imp, motion_id, 1100);  // nearest window start: 1024 ms (stride 32 frames)
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r->status, 200) << r->body;
  json j = body(r);
  ASSERT_EQ(j["valid"], true) << r->body;
  std::printf("preview, 2 s 3-axis window, spectral + flatten: %.1f ms round trip (%.2f ms in the server)\n", ms,
              j["total_ms"].get<double>());
  EXPECT_EQ(j["window"]["start_ms"], 1024.0);
  EXPECT_EQ(j["window"]["index"], 2);
  EXPECT_EQ(j["window"]["frames"], 125);
  EXPECT_EQ(decode_f32(j["window"]["values_f32"]).size(), 125u * 3);
  ASSERT_EQ(j["blocks"].size(), 2u);
  const json& spectral = j["blocks"][0];
  EXPECT_EQ(spectral["shape"], json({3 * (3 + 16)}));
  EXPECT_EQ(spectral["layout"]["kind"], "spectral");
  EXPECT_EQ(spectral["layout"]["frequencies_hz"].size(), 16u);
  EXPECT_GT(spectral["ram_bytes"].get<int>(), 0);
  EXPECT_GT(spectral["dsp_instructions"].get<double>(), 0);
  EXPECT_EQ(j["blocks"][1]["layout"]["axes"], json({"accZ"}));

  // The same window from feature generation: identical floats.
  mote::Project p = mote::Project::open(proj);
  mote::ImpulseSpec spec = mote::parse_impulse(imp);
  mote::Impulse impulse(spec, 3);
  mote::FeatureTable t = mote::sample_features(p.store().get(motion_id), impulse);
  ASSERT_GT(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[2].start_ms, 1024.0);
  std::vector<float> got = decode_f32(spectral["values_f32"]), flat = decode_f32(j["blocks"][1]["values_f32"]);
  got.insert(got.end(), flat.begin(), flat.end());
  ASSERT_EQ(got.size(), impulse.width());
  EXPECT_EQ(0, std::memcmp(got.data(), t.row(2), got.size() * sizeof(float)));
}

TEST_F(ImpulseApi, PreviewOfAnAudioClipIsAnImage) {
  json imp = json::parse(R"({"input":{"type":"time-series","window_ms":1000,"stride_ms":250,"frequency_hz":16000,
    "axes":["audio"]},"dsp":[{"name":"mfe","type":"mfe","params":{}}],"learn":[]})");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = preview(imp, audio_id, 0);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r->status, 200) << r->body;
  json j = body(r);
  std::printf("preview, 1 s 16 kHz clip, MFE: %.1f ms round trip (%.2f ms in the server)\n", ms, j["total_ms"].get<double>());
  const json& b = j["blocks"][0];
  EXPECT_EQ(b["shape"], json({99, 40}));
  EXPECT_EQ(b["layout"]["kind"], "image");
  EXPECT_EQ(decode_f32(b["values_f32"]).size(), 99u * 40);
  EXPECT_GT(b["flash_bytes"].get<int>(), 0);
}

TEST_F(ImpulseApi, PreviewOfAnImageIsItsProcessedPixels) {
  json imp = json::parse(R"({"input":{"type":"image","width":20,"height":15,"color":"rgb"},
    "dsp":[{"name":"img","type":"image","params":{"interpolation":"nearest"}}],"learn":[]})");
  auto r = preview(imp, image_id, 0);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = body(r);
  ASSERT_EQ(j["valid"], true) << r->body;
  EXPECT_EQ(j["window"]["image"], "/api/samples/" + std::to_string(image_id) + "/image.png");
  const json& b = j["blocks"][0];
  EXPECT_EQ(b["shape"], json({15, 20, 3}));
  EXPECT_EQ(b["layout"], json({{"kind", "pixels"}, {"height", 15}, {"width", 20}, {"channels", 3}}));
  std::vector<float> px = decode_f32(b["values_f32"]);
  ASSERT_EQ(px.size(), 15u * 20 * 3);
  EXPECT_LT(px[0], px[(20 - 1) * 3]) << "red rises to the right";
  EXPECT_EQ(px[1], 0.0f);
  // A time-series impulse over the image: refused, naming the sample.
  r = preview(motion_impulse(), image_id, 0);
  EXPECT_EQ(body(r)["valid"], false);
}

TEST_F(ImpulseApi, BrowsersGetGzipNotBrotli) {
  // httplib's Brotli (quality 11) took 100-370 ms for a preview's 100 kB answer; gzip takes a few ms.
  json imp = json::parse(R"({"input":{"type":"time-series","window_ms":1000,"frequency_hz":16000,"axes":["audio"]},
    "dsp":[{"type":"mfe"}]})");
  httplib::Headers h = with_key({{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  auto r = client->Post("/api/impulse/preview", h, json({{"impulse", imp}, {"sample_id", audio_id}}).dump(), "application/json");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(body(r)["valid"], true);
}

TEST_F(ImpulseApi, PreviewErrorsNameTheField) {
  json imp = motion_impulse();
  imp["dsp"][0]["params"]["fft_length"] = 48;
  // An impulse that does not validate is an answer (200, valid: false), not a failed request.
  auto r = preview(imp, motion_id, 0);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body(r)["valid"], false);
  EXPECT_EQ(body(r)["error"], "impulse.dsp[0].params.fft_length: 48 is not a power of two; use 16, 32, ... 4096");
  r = client->Post("/api/impulse/preview", with_key(), json({{"impulse", motion_impulse()}}).dump(), "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["error"], "sample_id: missing; choose a sample (GET /api/samples)");
  EXPECT_EQ(preview(motion_impulse(), 99999, 0)->status, 404);
  // The studio's audio impulse over a motion sample: the missing axis is named.
  json audio = json::parse(R"({"input":{"type":"time-series","window_ms":1000,"frequency_hz":16000,"axes":["audio"]},
    "dsp":[{"type":"mfe"}]})");
  r = preview(audio, motion_id, 0);
  EXPECT_EQ(body(r)["valid"], false);
  EXPECT_NE(body(r)["error"].get<std::string>().find("has no sensor 'audio'"), std::string::npos) << r->body;
}

// GET /api/samples/{id}/windows (what the studio runs the wasm on): the saved impulse's windows of a sample, as
// feature generation cuts them (make_windows), value for value; an image sample is refused naming the sample.
TEST_F(ImpulseApi, SampleWindowsAreTheWindowsFeatureGenerationCuts) {
  const json imp = motion_impulse();
  auto put = client->Put("/api/impulse", with_key(), imp.dump(), "application/json");
  ASSERT_EQ(put->status, 200) << put->body;
  auto r = client->Get(("/api/samples/" + std::to_string(motion_id) + "/windows").c_str());
  ASSERT_EQ(r->status, 200) << r->body;
  json j = body(r);
  mote::Project p = mote::Project::open(proj);
  const mote::Windows w = mote::make_windows(p.store().get(motion_id), mote::parse_impulse(imp).input);
  ASSERT_GT(w.count, 2u);
  EXPECT_EQ(j["count"], w.count);
  EXPECT_EQ(j["frames"], 125);
  EXPECT_EQ(j["axes"], 3);
  EXPECT_EQ(j["start_ms"], json(w.start_ms));
  const std::vector<float> got = decode_f32(j["values_f32"]);
  ASSERT_EQ(got.size(), w.data.size());
  EXPECT_EQ(0, std::memcmp(got.data(), w.data.data(), got.size() * sizeof(float)));
  auto img = client->Get(("/api/samples/" + std::to_string(image_id) + "/windows").c_str());
  EXPECT_EQ(img->status, 400);
  EXPECT_NE(body(img)["error"].get<std::string>().find("sample " + std::to_string(image_id)), std::string::npos) << img->body;
  EXPECT_EQ(client->Get("/api/samples/999999/windows")->status, 404);
}
