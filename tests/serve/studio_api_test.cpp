// The endpoints behind the studio's deployment, anomaly and live pages, against a real server on 127.0.0.1:
// live classification end to end (a 62.5 Hz stream in, results out over SSE), `mote forward --live`,
// the anomaly cluster view, deploy packages as zip (checked by Python's zipfile) and the profile.
#include <atomic>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <thread>

#include "demo/motion.h"
#include "learn/continuous.h"
#include "learn/pipeline.h"
#include "serve_support.h"
#include "store/sql.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

// Follows an SSE stream on its own connection; collects `result` events until `want` arrived or it timed out.
class SseReader {
 public:
  SseReader(int port, const std::string& path) : client_("127.0.0.1", port) {
    client_.set_read_timeout(20, 0);
    thread_ = std::thread([this, path] {
      std::string buf;
      client_.Get(path, [&](const char* data, size_t n) {
        buf.append(data, n);
        for (size_t end; (end = buf.find("\n\n")) != std::string::npos;) {
          std::string ev = buf.substr(0, end), type, payload;
          buf.erase(0, end + 2);
          std::istringstream lines(ev);
          for (std::string l; std::getline(lines, l);) {
            if (l.rfind("event: ", 0) == 0) type = l.substr(7);
            if (l.rfind("data: ", 0) == 0) payload = l.substr(6);
          }
          std::lock_guard<std::mutex> lk(m_);
          if (type == "hello") hello_ = true;
          if (type == "info") info_ = json::parse(payload);
          if (type == "result") results_.push_back(json::parse(payload));
        }
        return !stop_;
      });
    });
  }
  ~SseReader() {
    stop_ = true;
    client_.stop();
    thread_.join();
  }
  // Waits until `pred` holds (up to 20 s).
  bool wait(const std::function<bool()>& pred) {
    for (int i = 0; i < 2000; ++i) {
      {
        std::lock_guard<std::mutex> lk(m_);
        if (pred()) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  bool hello_ = false;
  json info_;
  std::vector<json> results_;

 private:
  httplib::Client client_;
  std::mutex m_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class StudioApiTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    add_motion(4, 4, 2);
  }
  void train() {
    json spec = body(client->Get("/api/impulse"))["impulse"];
    for (auto& b : spec["learn"])
      if (b["type"] == "classifier") b["params"] = {{"epochs", 20}, {"patience", 0}};
    ASSERT_EQ(client->Put("/api/impulse", with_key(), spec.dump(), "application/json")->status, 200);
    json t = run_job("train");
    ASSERT_EQ(t["state"], "done") << t["error"];
  }
  // A testing recording of `label`, as forwarder lines, and its frames.
  mote::Sample testing_sample(const std::string& label) {
    mote::Project p = mote::Project::open(proj);
    mote::SampleFilter f;
    f.label = label;
    for (auto& s : p.store().list(f, true))
      if (s.category == mote::Category::Testing) return s;
    for (auto& s : p.store().list(f, true)) return s;
    ADD_FAILURE() << "no " << label << " sample";
    return {};
  }
  static std::string lines(const mote::Sample& s, size_t from, size_t to) {
    std::string out;
    const size_t axes = s.sensors.size();
    char buf[64];
    for (size_t i = from; i < to; ++i) {
      for (size_t a = 0; a < axes; ++a) {
        std::snprintf(buf, sizeof buf, "%s%.9g", a ? "," : "", s.values[i * axes + a]);
        out += buf;
      }
      out += "\n";
    }
    return out;
  }
};

}  // namespace

TEST_F(StudioApiTest, LiveStreamAt62HzIsClassifiedAndPushedOverSse) {
  start();
  auto post = [&](const std::string& dev, const std::string& text, bool auth = true) {
    return client->Post(("/api/live/" + dev + "?frequency=62.5").c_str(), auth ? with_key() : httplib::Headers{}, text, "text/plain");
  };
  mote::Sample wave = testing_sample("wave");
  // Before training: the server says to train; without credentials: 401.
  auto early = post("board-1", lines(wave, 0, 10));
  EXPECT_EQ(early->status, 400) << early->body;
  EXPECT_NE(early->body.find("train"), std::string::npos) << early->body;
  train();
  EXPECT_EQ(post("board-1", lines(wave, 0, 10), false)->status, 401);
  auto bad_name = post("no%20spaces", "1,2,3\n");
  EXPECT_EQ(bad_name->status, 400) << bad_name->body;

  SseReader sse(server->port(), "/api/live/board-1/events");
  ASSERT_TRUE(sse.wait([&] { return sse.hello_; })) << "no hello event";
  // Two axes where the impulse reads three: refused with a message naming the axes.
  auto wrong = post("board-1", "1,2\n3,4\n");
  EXPECT_EQ(wrong->status, 400);
  EXPECT_NE(wrong->body.find("reads 3 (accX, accY, accZ)"), std::string::npos) << wrong->body;

  // The device streams at 62.5 Hz: 25 frames every 0.4 s, with a garbage line now and then.
  const size_t frames = wave.values.size() / wave.sensors.size();
  size_t windows_reported = 0;
  for (size_t at = 0; at < frames; at += 25) {
    auto r = post("board-1", lines(wave, at, std::min(frames, at + 25)) + "garbage\n");
    ASSERT_EQ(r->status, 200) << r->body;
    windows_reported += body(r)["windows"].get<size_t>();
    EXPECT_EQ(body(r)["ignored_lines"], 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  // Reference: the same frames pushed straight into a ContinuousClassifier with the current models.
  mote::Project p = mote::Project::open(proj);
  mote::ImpulseSpec spec = mote::load_impulse(p);
  mote::Impulse impulse(spec, 3);
  mote::learn::ContinuousOptions o;
  o.input_hz = 62.5;
  mote::learn::ContinuousClassifier ref(spec, 3, mote::learn::current_models(p.store(), impulse), o);
  auto expected = ref.push(wave.values.data(), frames);
  ASSERT_GT(expected.size(), 5u);
  EXPECT_EQ(windows_reported, expected.size());
  ASSERT_TRUE(sse.wait([&] { return sse.results_.size() >= expected.size(); })) << sse.results_.size() << " of " << expected.size();
  EXPECT_EQ(sse.info_["axes"], 3);
  EXPECT_EQ(sse.info_["labels"].size(), 4u);
  EXPECT_DOUBLE_EQ(sse.info_["input_hz"].get<double>(), 62.5);
  size_t wave_windows = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& got = sse.results_[i];
    EXPECT_EQ(got["seq"], i);
    EXPECT_EQ(got["window"], expected[i].window);
    EXPECT_EQ(got["label"], expected[i].label) << "window " << i;
    EXPECT_DOUBLE_EQ(got["confidence"].get<double>(), expected[i].confidence) << "window " << i;
    ASSERT_TRUE(got.contains("anomaly")) << got;
    EXPECT_DOUBLE_EQ(got["anomaly"].get<double>(), expected[i].anomaly) << "window " << i;
    // Few epochs of training: the top class may stay below min_confidence ("uncertain"), so read the scores.
    std::string top;
    double best = -1;
    for (auto& [l, v] : got["blocks"]["classifier"]["scores"].items())
      if (v.get<double>() > best) best = v.get<double>(), top = l;
    wave_windows += top == "wave";
  }
  EXPECT_GE(wave_windows * 10, expected.size() * 8) << "a wave recording is classified as wave, not " << sse.results_.back();
  // The device list and a late subscriber replaying from a sequence number.
  json devices = body(client->Get("/api/live"))["devices"];
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0]["frames"], frames);
  SseReader late(server->port(), "/api/live/board-1/events?from=2");
  ASSERT_TRUE(late.wait([&] { return late.results_.size() >= expected.size() - 2; }));
  EXPECT_EQ(late.results_.front()["seq"], 2);
}

TEST_F(StudioApiTest, ForwardLiveStreamsStdinToTheServer) {
  start();
  train();
  mote::Sample idle = testing_sample("idle");
  const size_t frames = idle.values.size() / idle.sensors.size();
  mote::test::write_text(dir / "idle.txt", lines(idle, 0, frames));
  SseReader sse(server->port(), "/api/live/pty-board/events");
  ASSERT_TRUE(sse.wait([&] { return sse.hello_; }));
  std::string cmd = std::string(MOTE_BINARY) + " forward --stdin --frequency 62.5 --to http://127.0.0.1:" + std::to_string(server->port()) +
                    " --api-key " + key + " --live --device-name pty-board --json < " + (dir / "idle.txt").string() + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, f)) out += buf;
  ASSERT_EQ(pclose(f), 0) << out;
  json summary = json::parse(out.substr(out.rfind('{')));
  size_t windows = summary["windows"];
  EXPECT_GT(windows, 3u) << out;
  EXPECT_GT(summary["streamed_lines"].get<size_t>(), frames - 20) << "only the detection lines are not streamed";
  ASSERT_TRUE(sse.wait([&] { return sse.results_.size() >= windows; })) << sse.results_.size() << " of " << windows;
  EXPECT_EQ(sse.results_.size(), windows);
  for (auto& r : sse.results_) EXPECT_GT(r["blocks"]["classifier"]["scores"]["idle"].get<double>(), 0.5) << r;
  // --live without --to is refused.
  auto r = mote::test::run_mote("forward --stdin --live");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--live"), std::string::npos) << r.err;
}

TEST_F(StudioApiTest, AnomalyViewStandardizesFeaturesAndHistogramsEveryWindow) {
  start();
  EXPECT_EQ(client->Get("/api/anomaly")->status, 404) << "no impulse yet";
  train();
  json a = body(client->Get("/api/anomaly?x=2&y=5"));
  EXPECT_EQ(a["type"], "kmeans");
  EXPECT_EQ(a["x"], 2);
  EXPECT_EQ(a["y"], 5);
  EXPECT_EQ(a["centers"].size(), a["k"].get<size_t>());
  size_t windows = a["windows"];
  EXPECT_EQ(a["points"].size(), windows);
  size_t hist = 0;
  for (auto* part : {"training", "testing_known", "testing_other"})
    for (auto& c : a["histogram"][part]) hist += c.get<size_t>();
  EXPECT_EQ(hist, windows);
  // The scaler is fit on the training samples not held out for the threshold (docs/learn.md, 80 % of them):
  // over every training window the chosen features have mean about 0 and spread about 1.
  double n = 0, sx = 0, sxx = 0;
  size_t anomalous_high = 0, anomalous = 0, training_low = 0, training = 0;
  const double th = a["threshold"];
  for (auto& pt : a["points"]) {
    if (pt["category"] == "training") {
      double x = pt["x"];
      n += 1, sx += x, sxx += x * x;
      ++training, training_low += pt["score"].get<double>() <= th;
    }
    if (pt["label"] == "anomaly") ++anomalous, anomalous_high += pt["score"].get<double>() > th;
  }
  EXPECT_NEAR(sx / n, 0.0, 0.1);
  EXPECT_NEAR(std::sqrt(sxx / n - (sx / n) * (sx / n)), 1.0, 0.1);
  EXPECT_GE(training_low * 100, training * 95);
  EXPECT_GT(anomalous, 0u);
  EXPECT_GE(anomalous_high * 10, anomalous * 8) << "anomalous recordings score above the threshold";
  EXPECT_EQ(client->Get("/api/anomaly?x=100000")->status, 400);
  EXPECT_EQ(client->Get("/api/anomaly?block=nope")->status, 404);
  // A Gaussian mixture instead: its component means are the centres.
  json spec = body(client->Get("/api/impulse"))["impulse"];
  for (auto& b : spec["learn"])
    if (b["type"] == "kmeans") b["type"] = "gmm", b["params"] = {{"components", 3}};
  auto put = client->Put("/api/impulse", with_key(), spec.dump(), "application/json");
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(client->Get("/api/anomaly")->status, 400) << "stale models: train first";
  json gt = run_job("train");
  ASSERT_EQ(gt["state"], "done") << gt["error"];
  json g = body(client->Get("/api/anomaly"));
  EXPECT_EQ(g["type"], "gmm");
  EXPECT_EQ(g["k"], 3);
  EXPECT_EQ(g["centers"].size(), 3u);
  EXPECT_EQ(g["points"].size(), windows);
}

TEST_F(StudioApiTest, DeployJobPackagesDownloadAsZip) {
  start();
  train();
  EXPECT_EQ(client->Get("/api/deploy/cpp/download")->status, 404);
  EXPECT_EQ(client->Get("/api/deploy/nope/download")->status, 404);
  json formats = body(client->Get("/api/deploy"))["formats"];
  EXPECT_EQ(formats.size(), 6u);  // cpp, arduino, firmware, wasm; tflite, onnx
  // The browser's package before it is built: an answer saying so, and its files are 404 with what to do.
  json wasm = body(client->Get("/api/deploy/wasm"));
  EXPECT_EQ(wasm["built"], false);
  EXPECT_TRUE(wasm["current_impulse_hash"].is_string()) << wasm.dump();
  auto missing = client->Get("/api/deploy/wasm/files/mote_impulse.mjs");
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(body(missing)["error"].get<std::string>().find("\"format\":\"wasm\""), std::string::npos) << missing->body;
  EXPECT_EQ(client->Get("/api/deploy/wasm/files/secret.txt")->status, 404);
  for (std::string f : {"cpp", "tflite"}) {
    json job = run_job("deploy", {{"format", f}});
    ASSERT_EQ(job["state"], "done") << job["error"];
    EXPECT_EQ(job["result"]["download"], "/api/deploy/" + f + "/download");
    auto z = client->Get(("/api/deploy/" + f + "/download").c_str());
    ASSERT_EQ(z->status, 200);
    EXPECT_EQ(z->get_header_value("Content-Type"), "application/zip");
    EXPECT_NE(z->get_header_value("Content-Disposition").find("proj-" + f + ".zip"), std::string::npos);
    mote::test::write_text(dir / (f + ".zip"), z->body);
    // Python's zipfile (an independent reader) checks every CRC and lists the names.
    std::string cmd = "/usr/bin/python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; "
                      "print('\\n'.join(z.namelist()))\" " + (dir / (f + ".zip")).string();
    FILE* p = popen(cmd.c_str(), "r");
    std::string names;
    char buf[512];
    while (fgets(buf, sizeof buf, p)) names += buf;
    ASSERT_EQ(pclose(p), 0) << names;
    if (f == "cpp") {
      EXPECT_NE(names.find("proj-cpp/CMakeLists.txt\n"), std::string::npos) << names;
      EXPECT_NE(names.find("proj-cpp/impulse/mote_impulse.cpp"), std::string::npos) << names;
    } else {
      EXPECT_NE(names.find(".tflite\n"), std::string::npos) << names;
    }
  }
  json packages = body(client->Get("/api/deploy"))["packages"];
  EXPECT_EQ(packages.size(), 2u);
  // No profile yet: 404 that says how to make one.
  auto prof = client->Get("/api/profile");
  EXPECT_EQ(prof->status, 404);
  EXPECT_NE(prof->body.find("profile"), std::string::npos);
  // A profile report (as `mote profile` writes it) of another impulse is flagged; of this one, it is current.
  json cpp = run_job("deploy", {{"format", "cpp"}});
  const std::string hash = cpp["result"]["impulse_hash"];
  mote::test::write_text(proj / "out" / "profile-cortex-m4.json", json({{"impulse_hash", "0123456789abcdef"}}).dump());
  json old = body(client->Get("/api/profile"));
  EXPECT_FALSE(old["current"].get<bool>());
  EXPECT_EQ(old["current_impulse_hash"], hash);
  mote::test::write_text(proj / "out" / "profile-cortex-m4.json", json({{"impulse_hash", hash}}).dump());
  EXPECT_TRUE(body(client->Get("/api/profile"))["current"].get<bool>());
}
