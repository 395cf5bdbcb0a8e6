// `mote classify`: one file (per-window results + summary), one file as a stream (--continuous), or a live
// stream from a device (--stdin, --serial) through learn::ContinuousClassifier with smoothed results.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

#include "cli/cli.h"
#include "deploy/model_file.h"
#include "quant/executor.h"
#include "core/error.h"
#include "core/files.h"
#include "device/forwarder.h"
#include "device/serial.h"
#include "impulse/window.h"
#include "ingest/importer.h"
#include "learn/continuous.h"
#include "learn/pipeline.h"

namespace mote::cli {

namespace {

struct ClassifyArgs {
  std::string file, serial, model, calibration;
  bool json = false, continuous = false, stdin_input = false;
  double frequency_hz = 0, detect_timeout_s = 10;
  int baud = 115200;
  size_t smooth = 0;
};

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

void print_windows(const nlohmann::json& r) {
  for (auto& w : r["windows"]) {
    std::printf("%8.0f ms", w["start_ms"].get<double>());
    for (auto& [name, v] : w.items()) {
      if (name == "start_ms") continue;
      if (v.contains("score")) {
        std::printf("  %s %.3f%s", name.c_str(), v["score"].get<double>(), v["anomalous"].get<bool>() ? " (anomaly)" : "");
      } else {
        for (auto& [label, prob] : v.items()) std::printf("  %s %.2f", label.c_str(), prob.get<double>());
      }
    }
    std::printf("\n");
  }
  for (auto& [name, v] : r["summary"].items()) {
    if (v.contains("label"))
      std::printf("%s: %s (mean confidence %.2f over %zu windows)\n", name.c_str(), v["label"].get<std::string>().c_str(),
                  v["confidence"].get<double>(), r["windows"].size());
    else if (v.contains("value"))
      std::printf("%s: %.4g (mean over %zu windows)\n", name.c_str(), v["value"].get<double>(), r["windows"].size());
    else
      std::printf("%s: max score %.3f, threshold %.3f -> %s\n", name.c_str(), v["max_score"].get<double>(),
                  v["threshold"].get<double>(), v["anomalous"].get<bool>() ? "anomalous" : "normal");
  }
}

// One result per line: time (end of the window), top label and confidence, anomaly score; or JSON lines.
void print_result(const learn::ContinuousResult& r, bool json) {
  if (json) {
    std::printf("%s\n", learn::to_json(r).dump().c_str());
  } else {
    std::printf("%9.3f s", r.end_ms / 1000.0);
    if (!r.label.empty()) std::printf("  %-12s %.2f", r.label.c_str(), r.confidence);
    for (auto& b : r.blocks)
      if (b.type == "regression") std::printf("  %s %.4g", b.name.c_str(), b.smoothed.at(0));
    if (r.has_anomaly) std::printf("  anomaly %.3f%s", r.anomaly, r.anomalous ? " (anomalous)" : "");
    std::printf("\n");
  }
  std::fflush(stdout);
}

struct Loaded {
  ImpulseSpec spec;
  size_t axes = 0;
  std::vector<learn::TrainedBlock> models;
};

Loaded load(Project& p) {
  Loaded l;
  l.spec = load_impulse(p);
  if (l.spec.input.type != InputType::TimeSeries)
    throw error_at("impulse.input", "is an image input; continuous classification needs time series");
  l.axes = impulse_axes(p, l.spec);
  Impulse impulse(l.spec, l.axes);
  l.models = learn::current_models(p.store(), impulse);
  return l;
}

std::string axis_names(const ImpulseSpec& spec, size_t axes) {
  if (spec.input.axes.empty()) return std::to_string(axes) + " axes";
  std::string s;
  for (auto& a : spec.input.axes) s += (s.empty() ? "" : ", ") + a;
  return s;
}

void describe(const learn::ContinuousClassifier& c, double input_hz) {
  const InputSpec& in = c.impulse().spec().input;
  char from[64] = "";
  if (std::fabs(input_hz - in.frequency_hz) > 1e-3 * in.frequency_hz) std::snprintf(from, sizeof from, ", resampled from %g Hz", input_hz);
  std::fprintf(stderr, "classifying %g ms windows every %g ms (%zu frames at %g Hz%s); smoothing over the last %zu windows\n",
               in.window_ms, in.stride_ms, c.window_frames(), in.frequency_hz, from, c.smooth());
  std::fflush(stderr);
}

// A recording classified as if it streamed in: the same class the device stream uses.
void classify_file_continuous(Project& p, const Sample& s, const ClassifyArgs& a) {
  Loaded l = load(p);
  if (s.kind != SampleKind::TimeSeries) throw error_at(a.file, "is not a time series; --continuous needs a recording");
  // The impulse's axes picked from the file, at the file's own rate (the classifier resamples).
  InputSpec pick = l.spec.input;
  pick.frequency_hz = 1000.0 / s.interval_ms;
  size_t frames = 0;
  std::vector<float> signal = input_signal(s, pick, &frames);
  learn::ContinuousOptions o;
  o.input_hz = pick.frequency_hz;
  o.smooth = a.smooth;
  learn::ContinuousClassifier c(l.spec, l.axes, l.models, o);
  describe(c, o.input_hz);
  size_t n = 0;
  for (auto& r : c.push(signal.data(), frames)) print_result(r, a.json), ++n;
  if (n == 0) throw error_at(a.file, "is shorter than one window (" + std::to_string(c.window_frames()) + " frames); record longer");
}

// Lines from a device: the forwarder protocol (detection of axes and rate), every frame into the classifier.
void classify_stream(Project& p, const ClassifyArgs& a) {
  Loaded l = load(p);
  auto reader = a.stdin_input ? LineReader::from_fd(0, "stdin") : LineReader::open_serial(a.serial, a.baud);
  ForwarderOptions fo;
  if (a.frequency_hz > 0) {
    fo.frequency_hz = a.frequency_hz;
  } else if (a.stdin_input) {
    // Piped data arrives as fast as it is read: its arrival times say nothing about the sensor rate.
    fo.frequency_hz = l.spec.input.frequency_hz;
    std::fprintf(stderr, "assuming the impulse's rate, %g Hz, for stdin (pass --frequency HZ otherwise)\n", *fo.frequency_hz);
  }
  Forwarder fw(fo);
  std::optional<learn::ContinuousClassifier> c;
  std::vector<float> pending;  // the run of lines that led to detection: data too
  size_t pending_axes = 0, results = 0;
  ::signal(SIGINT, on_signal);
  ::signal(SIGTERM, on_signal);
  auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  std::fprintf(stderr, "waiting for data on %s...\n", reader->name().c_str());
  std::string line;
  while (!g_stop) {
    auto st = reader->next(&line, 100);
    if (st == LineReader::Status::Closed) break;
    if (st == LineReader::Status::Timeout) {
      if (!fw.detection() && seconds() > a.detect_timeout_s)
        throw error_at(reader->name(), "no forwarder data within " + std::to_string(static_cast<int>(a.detect_timeout_s)) +
                                           " s; the device must print lines of comma-separated numbers (check the port and baud rate)");
      continue;
    }
    auto ev = fw.feed(line, seconds());
    if (ev == Forwarder::Event::SampleReady) fw.take_sample();  // the forwarder's own sample buffer is not used here
    if (ev == Forwarder::Event::AxesChanged)
      throw error_at(reader->name(), "the device changed from " + std::to_string(fw.detection()->axes) + " to " +
                                         std::to_string(fw.new_axes()) + " axes; restart mote classify");
    auto values = parse_forwarder_line(line);
    if (!c) {
      if (!values) continue;
      if (values->size() != pending_axes) pending.clear(), pending_axes = values->size();
      pending.insert(pending.end(), values->begin(), values->end());
      if (ev != Forwarder::Event::Detected) continue;
      const auto& d = *fw.detection();
      if (fo.frequency_hz) std::fprintf(stderr, "detected %zu axes at %g Hz\n", d.axes, d.frequency_hz);
      else std::fprintf(stderr, "detected %zu axes at %g Hz (measured %.2f Hz)\n", d.axes, d.frequency_hz, d.measured_hz);
      if (d.axes != l.axes)
        throw error_at(reader->name(), "sends " + std::to_string(d.axes) + " axes but the impulse reads " + std::to_string(l.axes) +
                                           " (" + axis_names(l.spec, l.axes) + "); send one column per axis, in that order");
      learn::ContinuousOptions o;
      o.input_hz = d.frequency_hz;
      o.smooth = a.smooth;
      c.emplace(l.spec, l.axes, l.models, o);
      describe(*c, o.input_hz);
      for (auto& r : c->push(pending.data(), pending.size() / l.axes)) print_result(r, a.json), ++results;
      pending.clear();
      continue;
    }
    if (!values || values->size() != l.axes) continue;  // garbage and stray lines: skipped, as the forwarder does
    for (auto& r : c->push(values->data(), 1)) print_result(r, a.json), ++results;
  }
  if (!c) throw error_at(reader->name(), "the stream ended before any forwarder data was detected");
  std::fprintf(stderr, "%zu results; %s; ignored %zu lines that were not numbers and %zu with a stray axis count\n", results,
               g_stop ? "interrupted" : "the stream ended", fw.garbage_lines(), fw.skipped_lines());
}

// `mote classify INPUTS --model MODEL.tflite`: every input (a .npy of real values or raw int8 bytes) through the
// model alone on the host executor (the device's arithmetic), its dequantized outputs and argmax.
void classify_with_model(const ClassifyArgs& a) {
  const ir::QModel q = deploy::load_model_file(a.model, a.calibration);
  const auto inputs = deploy::read_model_inputs(q, a.file);
  const size_t n = q.input_shape.size();
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < inputs.size() / n; ++i) {
    const auto y = quant::run_int8(q, inputs.data() + i * n);
    const auto f = quant::dequantize_output(q, y);
    const size_t best = static_cast<size_t>(std::max_element(f.begin(), f.end()) - f.begin());
    out.push_back({{"input", i}, {"int8", y}, {"output", f}, {"argmax", best}});
    if (a.json) continue;
    std::printf("input %zu: argmax %zu (%.4f)", i, best, static_cast<double>(f[best]));
    for (size_t k = 0; k < f.size() && k < 16; ++k) std::printf("%s%.4f", k ? " " : "  [", static_cast<double>(f[k]));
    std::printf("%s]\n", f.size() > 16 ? " ..." : "");
  }
  if (a.json) print_json({{"model", a.model}, {"inputs", inputs.size() / n}, {"results", out}});
}

}  // namespace

void register_classify(CLI::App& app, Context& ctx) {
  static ClassifyArgs a;
  auto* cmd = app.add_subcommand("classify", "Run the impulse and the trained models on a file or a live stream (not stored)");
  cmd->add_option("FILE", a.file, "A recording or image in any importable format");
  cmd->add_flag("--continuous", a.continuous, "Classify FILE as a stream: sliding window, smoothed results per stride");
  auto* in = cmd->add_flag("--stdin", a.stdin_input, "Classify forwarder lines (comma-separated readings) from standard input");
  auto* serial = cmd->add_option("--serial", a.serial, "Classify a device's forwarder lines from a serial port, e.g. /dev/ttyACM0");
  serial->excludes(in);
  cmd->add_option("--baud", a.baud, "Serial baud rate (default 115200)");
  cmd->add_option("--frequency,--frequency-hz", a.frequency_hz,
                  "Sampling rate in Hz (CSV without timestamps; streams: skip measuring it)");
  cmd->add_option("--smooth", a.smooth, "Average the last N window results (default: window / stride)")->check(CLI::PositiveNumber);
  cmd->add_option("--detect-timeout", a.detect_timeout_s, "Give up when no device data arrives within this (s)");
  cmd->add_flag("--json", a.json, "JSON output (streams: one JSON object per line)");
  cmd->add_option("--model", a.model, "Run FILE (a .npy of inputs or raw int8 bytes) through this .tflite or .onnx model alone, no project");
  cmd->add_option("--calibration", a.calibration, "With a float --model: a .npy of representative inputs to quantize it");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      if (!a.model.empty()) {
        if (a.file.empty()) throw Error("classify --model: give the inputs FILE (.npy of real values or raw int8 bytes)");
        return classify_with_model(a);
      }
      bool stream = a.stdin_input || !a.serial.empty();
      if (stream && !a.file.empty()) throw error_at(a.file, "give a FILE or --stdin/--serial, not both");
      if (!stream && a.file.empty()) throw Error("classify: give a FILE, or --stdin / --serial DEV for a live stream");
      Project p = ctx.open_project();
      if (stream) return classify_stream(p, a);
      ParseContext pc;
      pc.where = a.file;
      if (a.frequency_hz > 0) pc.interval_ms = 1000.0 / a.frequency_hz;
      Sample s = parse_file(read_file(a.file), a.file, pc);
      s.name = std::filesystem::path(a.file).filename().string();
      if (a.continuous) return classify_file_continuous(p, s, a);
      nlohmann::json r = learn::classify_sample(p, s);
      if (a.json) print_json(r);
      else print_windows(r);
    };
  });
}

}  // namespace mote::cli
