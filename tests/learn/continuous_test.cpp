// Continuous classification: learn::ContinuousClassifier against the file path (classify_sample windows,
// input_signal resampling), chunking and smoothing; `mote classify --continuous / --stdin / --serial` end to end
// on a long recording of concatenated demo gestures and on a pty board at 100 Hz.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

#include "ingest/acquisition.h"
#include "learn/continuous.h"
#include "learn/pipeline.h"
#include "support/fake_board.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

class Continuous : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    auto r = test::run_mote("demo " + proj() + " --no-serve --no-profile --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string proj() { return (*dir_ / "demo").string(); }

  // The demo's first testing recording of `label` (62.5 Hz, 10 s, accX/Y/Z).
  static Sample testing_sample(const std::string& label, size_t which = 0) {
    Project p = Project::open(proj());
    SampleFilter f;
    f.category = Category::Testing;
    f.label = label;
    auto s = p.store().list(f, true);
    if (s.size() <= which) throw std::runtime_error("no testing sample " + label);
    return s[which];
  }

  struct Loaded {
    ImpulseSpec spec;
    size_t axes;
    std::vector<learn::TrainedBlock> models;
  };
  static Loaded load() {
    Project p = Project::open(proj());
    Loaded l;
    l.spec = load_impulse(p);
    l.axes = impulse_axes(p, l.spec);
    Impulse impulse(l.spec, l.axes);
    l.models = learn::current_models(p.store(), impulse);
    return l;
  }

  static test::TempDir* dir_;
};
test::TempDir* Continuous::dir_ = nullptr;

std::vector<json> json_lines(const std::string& out) {
  std::vector<json> v;
  std::stringstream ss(out);
  for (std::string line; std::getline(ss, line);)
    if (!line.empty()) v.push_back(json::parse(line));
  return v;
}

// `mote ARGS < input` (run_mote reads /dev/null).
test::RunResult run_mote_stdin(const std::string& args, const fs::path& input) {
  test::TempDir tmp;
  std::string cmd = std::string(MOTE_BINARY) + " " + args + " <" + input.string() + " >" + (tmp / "out").string() + " 2>" +
                    (tmp / "err").string();
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), test::read_text(tmp / "out"),
          test::read_text(tmp / "err")};
}

// The ordered labels of the results, with "uncertain" and runs shorter than `min_run` left out.
std::vector<std::string> label_sequence(const std::vector<json>& results, size_t min_run) {
  std::vector<std::pair<std::string, size_t>> runs;
  for (auto& r : results) {
    std::string l = r["label"];
    if (!runs.empty() && runs.back().first == l) ++runs.back().second;
    else runs.push_back({l, 1});
  }
  std::vector<std::string> out;
  for (auto& [l, n] : runs)
    if (l != "uncertain" && n >= min_run && (out.empty() || out.back() != l)) out.push_back(l);
  return out;
}

}  // namespace

TEST_F(Continuous, WindowsEqualTheFilePathsWindows) {
  Loaded l = load();
  Sample s = testing_sample("wave");
  Project p = Project::open(proj());
  json file = learn::classify_sample(p, s);
  learn::ContinuousClassifier c(l.spec, l.axes, l.models);
  EXPECT_EQ(c.smooth(), 10u);  // 2000 ms windows every 200 ms
  auto results = c.push(s.values.data(), s.frames());
  ASSERT_EQ(results.size(), file["windows"].size());
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_DOUBLE_EQ(results[i].start_ms, file["windows"][i]["start_ms"].get<double>());
    const auto& cls = results[i].blocks[0];
    ASSERT_EQ(cls.type, "classifier");
    for (size_t k = 0; k < cls.labels.size(); ++k)
      EXPECT_EQ(cls.scores[k], file["windows"][i]["classifier"][cls.labels[k]].get<float>()) << "window " << i;
    EXPECT_EQ(results[i].blocks[1].score, file["windows"][i]["anomaly"]["score"].get<float>());
  }
  EXPECT_EQ(results.back().label, "wave");
}

TEST_F(Continuous, ChunkSizesDoNotChangeResults) {
  Loaded l = load();
  Sample s = testing_sample("circle");
  for (double hz : {62.5, 100.0, 40.0}) {  // same rate, up- and downsampled
    learn::ContinuousOptions o;
    o.input_hz = hz;
    learn::ContinuousClassifier whole(l.spec, l.axes, l.models, o), one(l.spec, l.axes, l.models, o),
        odd(l.spec, l.axes, l.models, o);
    auto a = whole.push(s.values.data(), s.frames());
    std::vector<learn::ContinuousResult> b, c;
    for (size_t f = 0; f < s.frames(); ++f)
      for (auto& r : one.push(s.values.data() + f * 3, 1)) b.push_back(r);
    for (size_t f = 0, step = 1; f < s.frames(); f += step, step = step % 13 + 4)
      for (auto& r : odd.push(s.values.data() + f * 3, std::min(step, s.frames() - f))) c.push_back(r);
    ASSERT_GT(a.size(), 5u) << hz;
    ASSERT_EQ(a.size(), b.size()) << hz;
    ASSERT_EQ(a.size(), c.size()) << hz;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(learn::to_json(a[i]), learn::to_json(b[i])) << hz << " window " << i;
      EXPECT_EQ(learn::to_json(a[i]), learn::to_json(c[i])) << hz << " window " << i;
    }
    whole.reset();  // a reset classifier starts over exactly
    auto again = whole.push(s.values.data(), s.frames());
    ASSERT_EQ(again.size(), a.size());
    EXPECT_EQ(learn::to_json(again.back()), learn::to_json(a.back()));
  }
}

TEST_F(Continuous, ResamplesAsTheFileImporterDoes) {
  Loaded l = load();
  Project p = Project::open(proj());
  for (double interval_ms : {10.0, 25.0}) {  // 100 Hz and 40 Hz recordings into a 62.5 Hz impulse
    Sample s = testing_sample("updown");
    s.interval_ms = interval_ms;  // the same numbers, read as another rate
    json file = learn::classify_sample(p, s);  // input_signal() resamples the whole recording
    learn::ContinuousOptions o;
    o.input_hz = 1000.0 / interval_ms;
    learn::ContinuousClassifier c(l.spec, l.axes, l.models, o);
    auto results = c.push(s.values.data(), s.frames());
    ASSERT_GT(results.size(), 0u);
    // The stream cannot emit a last frame that sits exactly on the final input frame before more arrives.
    ASSERT_GE(results.size() + 1, file["windows"].size()) << interval_ms;
    ASSERT_LE(results.size(), file["windows"].size()) << interval_ms;
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& cls = results[i].blocks[0];
      for (size_t k = 0; k < cls.labels.size(); ++k)
        EXPECT_EQ(cls.scores[k], file["windows"][i]["classifier"][cls.labels[k]].get<float>()) << interval_ms << " window " << i;
    }
  }
}

TEST_F(Continuous, SmoothingIsTheMeanOfTheLastNWindows) {
  Loaded l = load();
  Sample a = testing_sample("idle"), b = testing_sample("wave");
  std::vector<float> v = a.values;
  v.insert(v.end(), b.values.begin(), b.values.end());
  learn::ContinuousOptions o;
  o.smooth = 3;
  learn::ContinuousClassifier c(l.spec, l.axes, l.models, o);
  auto r = c.push(v.data(), v.size() / 3);
  ASSERT_GT(r.size(), 10u);
  bool uncertain_seen = false;
  for (size_t i = 0; i < r.size(); ++i) {
    const auto& cls = r[i].blocks[0];
    size_t first = i >= 2 ? i - 2 : 0;
    double best = 0;
    size_t top = 0;
    for (size_t k = 0; k < cls.scores.size(); ++k) {
      double mean = 0;
      for (size_t j = first; j <= i; ++j) mean += r[j].blocks[0].scores[k];
      mean /= static_cast<double>(i - first + 1);
      EXPECT_NEAR(cls.smoothed[k], mean, 1e-6) << "window " << i;
      if (mean > best) best = mean, top = k;
    }
    EXPECT_NEAR(r[i].confidence, best, 1e-6);
    EXPECT_EQ(r[i].label, best < 0.6 ? "uncertain" : cls.labels[top]);  // the demo's min_confidence
    uncertain_seen = uncertain_seen || r[i].label == "uncertain";
    EXPECT_DOUBLE_EQ(r[i].end_ms - r[i].start_ms, 2000.0);
    if (i) EXPECT_DOUBLE_EQ(r[i].start_ms - r[i - 1].start_ms, 208.0);  // 200 ms = 12.5 frames, rounded to 13
  }
  EXPECT_EQ(r.front().label, "idle");
  EXPECT_EQ(r.back().label, "wave");
}

TEST_F(Continuous, LongRecordingGivesTheSegmentLabelsAndStdinMatchesTheFile) {
  const std::vector<std::string> labels = {"idle", "wave", "circle", "updown", "idle"};
  Sample rec = testing_sample("idle");
  rec.values.clear();
  std::vector<double> seg_end_ms;
  for (size_t i = 0; i < labels.size(); ++i) {
    Sample s = testing_sample(labels[i], i == 4 ? 1 : 0);
    rec.values.insert(rec.values.end(), s.values.begin(), s.values.end());
    seg_end_ms.push_back(rec.frames() * rec.interval_ms);
  }
  rec.name = "long";
  rec.label = "mixed";
  test::TempDir tmp;
  test::write_text(tmp / "long.json", write_acquisition_json(rec, std::nullopt));
  std::string lines;
  char buf[64];
  for (size_t f = 0; f < rec.frames(); ++f) {
    std::snprintf(buf, sizeof buf, "%.9g,%.9g,%.9g\n", rec.values[f * 3], rec.values[f * 3 + 1], rec.values[f * 3 + 2]);
    lines += buf;
    if (f % 500 == 7) lines += "garbage line\n";  // skipped, as the forwarder skips it
  }
  test::write_text(tmp / "long.txt", lines);

  auto file = test::run_mote("-C " + proj() + " classify " + (tmp / "long.json").string() + " --continuous --json");
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_NE(file.err.find("smoothing over the last 10 windows"), std::string::npos) << file.err;
  auto results = json_lines(file.out);
  ASSERT_EQ(results.size(), (rec.frames() - 125) / 13 + 1);  // 125-frame windows every 12.5 -> 13 frames
  std::vector<std::string> seq = label_sequence(results, 3);
  EXPECT_EQ(seq, labels);
  // Every result whose smoothed windows all lie inside one segment names that segment's gesture.
  size_t checked = 0;
  for (auto& r : results) {
    double first_start = r["start_ms"].get<double>() - 9 * 208.0;  // stride 13 frames = 208 ms
    for (size_t i = 0; i < labels.size(); ++i) {
      double seg_start = i ? seg_end_ms[i - 1] : 0;
      if (first_start >= seg_start && r["time_ms"].get<double>() <= seg_end_ms[i]) {
        EXPECT_EQ(r["label"], labels[i]) << r.dump();
        EXPECT_GT(r["confidence"].get<double>(), 0.6);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, results.size() / 2);

  auto piped = run_mote_stdin("-C " + proj() + " classify --stdin --frequency 62.5 --json", tmp / "long.txt");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, file.out);  // the same floats in, the same windows and results out
  EXPECT_NE(piped.err.find("ignored 7 lines that were not numbers"), std::string::npos) << piped.err;

  auto text = run_mote_stdin("-C " + proj() + " classify --stdin --smooth 4", tmp / "long.txt");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.err.find("assuming the impulse's rate"), std::string::npos);
  EXPECT_NE(text.err.find("smoothing over the last 4 windows"), std::string::npos);
  EXPECT_NE(text.out.find("    2.000 s  idle"), std::string::npos) << text.out.substr(0, 200);
  EXPECT_NE(text.out.find("anomaly"), std::string::npos);
}

TEST_F(Continuous, SerialBoardAt100HzStreamsIntoClassify) {
  Sample s = testing_sample("wave");
  // The 62.5 Hz recording resampled to 100 Hz, as a board sampling at 100 Hz would print it: 5 s.
  std::vector<std::string> lines = {"IMU ready"};
  char buf[96];
  for (int i = 0; i < 500; ++i) {
    double pos = i * 62.5 / 100.0;
    size_t i0 = static_cast<size_t>(pos);
    double t = pos - i0;
    float v[3];
    for (int a = 0; a < 3; ++a) v[a] = static_cast<float>(s.values[i0 * 3 + a] * (1 - t) + s.values[(i0 + 1) * 3 + a] * t);
    std::snprintf(buf, sizeof buf, "%.5f,%.5f,%.5f", v[0], v[1], v[2]);
    lines.push_back(buf);
  }
  test::FakeBoard board;
  board.start(lines, 100);
  auto r = test::run_mote("-C " + proj() + " classify --serial " + board.path() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("detected 3 axes at 100 Hz"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("resampled from 100 Hz"), std::string::npos) << r.err;
  auto results = json_lines(r.out);
  // 5 s of data: (5000 - 2000) / 200 + 1 windows, the last one or two possibly cut by the hang-up.
  ASSERT_GE(results.size(), 12u) << r.out;
  ASSERT_LE(results.size(), 16u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i]["window"], i);
    EXPECT_NEAR(results[i]["time_ms"].get<double>(), 2000.0 + 208.0 * i, 1e-6);  // 13-frame stride at 62.5 Hz
    EXPECT_TRUE(results[i].contains("anomaly"));
  }
  EXPECT_EQ(results.back()["label"], "wave");
}

TEST_F(Continuous, StreamErrorsAreOneLine) {
  test::TempDir tmp;
  std::string two_axes;
  for (int i = 0; i < 50; ++i) two_axes += "1.5,2.5\n";
  test::write_text(tmp / "two.txt", two_axes);
  auto r = run_mote_stdin("-C " + proj() + " classify --stdin", tmp / "two.txt");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("stdin: sends 2 axes but the impulse reads 3 (accX, accY, accZ)"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  r = test::run_mote("-C " + proj() + " classify");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("give a FILE, or --stdin / --serial DEV"), std::string::npos) << r.err;
  test::write_text(tmp / "short.txt", "1,2,3\n4,5,6\n");
  r = run_mote_stdin("-C " + proj() + " classify --stdin", tmp / "short.txt");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("ended before any forwarder data"), std::string::npos) << r.err;
}
