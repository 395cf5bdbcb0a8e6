// `mote forward`: the data forwarder. Reads a device's lines from a serial port or stdin, detects axes and
// rate, and stores each finished sample at once (its own transaction), so a disconnect loses nothing stored.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "core/error.h"
#include "device/forwarder.h"
#include "device/serial.h"
#include "ingest/acquisition.h"
#include "serve/ingest_client.h"
#include "serve/live_client.h"

namespace mote::cli {

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct ForwardArgs {
  std::string serial, axes, label, category = "training", device_name, to, api_key;
  int baud = 115200;
  bool stdin_input = false, json = false;
  double length_ms = 10000, frequency_hz = 0;
  int samples = 0;
  double detect_timeout_s = 10;
  bool live = false;  // --live: stream to the server's live classification instead of recording
};

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// Asks on the controlling terminal (stdin may be the data); empty when there is none.
std::string ask(const std::string& question) {
  std::fstream tty("/dev/tty");
  if (!tty) return {};
  tty << question << std::flush;
  std::string answer;
  std::getline(tty, answer);
  return answer;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void register_forward(CLI::App& app, Context& ctx) {
  static ForwardArgs a;
  auto* cmd = app.add_subcommand("forward", "Data forwarder: record samples from a device printing comma-separated readings");
  auto* serial = cmd->add_option("--serial", a.serial, "Serial port, e.g. /dev/ttyACM0");
  auto* in = cmd->add_flag("--stdin", a.stdin_input, "Read the device's lines from standard input");
  serial->excludes(in);
  cmd->add_option("--baud", a.baud, "Serial baud rate (default 115200)");
  cmd->add_option("--axes", a.axes, "Axis names, comma-separated (default: asked, or axis1,axis2,...)");
  cmd->add_option("--label", a.label, "Label of the recorded samples (asked when not given)");
  cmd->add_option("--category", a.category, "training or testing")->check(CLI::IsMember({"training", "testing"}));
  cmd->add_option("--length-ms", a.length_ms, "Length of each sample (default 10000)")->check(CLI::PositiveNumber);
  cmd->add_option("--samples", a.samples, "Record this many samples, then exit (default: until the device stops)");
  cmd->add_option("--frequency", a.frequency_hz, "Sampling rate in Hz: skip measuring it (e.g. replayed data)");
  cmd->add_option("--device-name", a.device_name, "Device name stored with the samples (default: the port)");
  cmd->add_option("--detect-timeout", a.detect_timeout_s, "Give up when no device data is detected within this (s)");
  cmd->add_option("--to", a.to, "Send samples to a mote server (http://host:port) instead of a local project");
  cmd->add_option("--api-key", a.api_key, "API key for --to (mote keys create)");
  cmd->add_flag("--json", a.json, "Print a JSON summary at the end");
  cmd->add_flag("--live", a.live, "With --to: stream the lines to the server's live classification (/api/live/<--device-name, default 'device'>) instead of recording samples");
  cmd->callback([&ctx] { ctx.run = [&ctx] {
    if (a.serial.empty() && !a.stdin_input) throw Error("forward: pass --serial DEV or --stdin");
    if (a.samples < 0) throw error_at("--samples", "must be >= 0");
    if (!a.to.empty() && a.api_key.empty()) throw error_at("--api-key", "--to needs an API key of the server's project (mote keys create)");
    if (a.live && a.to.empty()) throw error_at("--live", "needs --to URL --api-key K of a mote serve (the studio shows the results)");
    std::unique_ptr<serve::LiveSender> live;
    std::optional<serve::IngestTarget> remote;
    if (!a.to.empty()) remote = serve::IngestTarget{serve::normalize_ingest_url(a.to), a.api_key};
    std::optional<Project> p;
    if (!remote) p.emplace(ctx.open_project());
    Category category = parse_category(a.category, "--category");
    auto reader = a.stdin_input ? LineReader::from_fd(0, "stdin") : LineReader::open_serial(a.serial, a.baud);
    FILE* log = a.json ? stderr : stdout;  // JSON goes alone on stdout
    ::signal(SIGINT, on_signal);
    ::signal(SIGTERM, on_signal);

    ForwarderOptions fo;
    fo.length_ms = a.length_ms;
    if (a.frequency_hz > 0) fo.frequency_hz = a.frequency_hz;
    Forwarder fw(fo);
    std::vector<Sensor> sensors;
    std::string label = a.label;
    std::vector<int64_t> stored;
    std::string stop_reason = "the device stopped sending";
    auto t0 = std::chrono::steady_clock::now();
    std::fprintf(log, "waiting for data on %s...\n", reader->name().c_str());
    std::fflush(log);

    auto store_sample = [&](std::vector<float> values, bool partial) {
      Sample s;
      s.label = label;
      s.category = category;
      s.sensors = sensors;
      s.values = std::move(values);
      s.interval_ms = 1000.0 / fw.detection()->frequency_hz;
      s.device_name = a.device_name.empty() ? reader->name() : a.device_name;
      s.device_type = "mote-forwarder";
      s.name = label + ".fwd." + std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1000000);
      s.provenance = {{"importer", "forwarder"}, {"source", reader->name()}, {"measured_hz", fw.detection()->measured_hz}};
      if (partial) s.provenance["partial"] = true;
      validate_sample(s, "forwarded sample");
      int64_t id = 0;
      if (remote) {
        serve::UploadFile uf{s.name + ".json", write_acquisition_json(s, std::nullopt), "application/json", label, a.category};
        auto r = serve::upload_file(*remote, uf);
        if (!r.ok) throw error_at(remote->url, "refused a recorded sample: " + r.error + " (" + std::to_string(stored.size()) + " samples were sent before it)");
        if (r.reply.contains("files") && !r.reply["files"].empty()) id = r.reply["files"][0].value("id", int64_t{0});
      } else {
        id = p->store().insert(s);
      }
      stored.push_back(id);
      std::fprintf(log, "stored sample %zu%s '%s' (%.0f ms, id %lld)%s\n", stored.size(),
                   a.samples ? ("/" + std::to_string(a.samples)).c_str() : "", label.c_str(), s.length_ms(),
                   static_cast<long long>(id), partial ? " [partial: the stream ended mid-sample]" : "");
      std::fflush(log);
    };

    std::string line;
    bool done = false;
    while (!done) {
      if (g_stop) {
        stop_reason = "interrupted";
        break;
      }
      auto st = reader->next(&line, 100);
      if (st == LineReader::Status::Closed) break;
      if (st == LineReader::Status::Timeout) {
        if (!fw.detection() && seconds_since(t0) > a.detect_timeout_s)
          throw error_at(reader->name(), "no forwarder data within " + std::to_string(static_cast<int>(a.detect_timeout_s)) +
                                             " s; the device must print lines of comma-separated numbers (check the port and baud rate)");
        continue;
      }
      switch (fw.feed(line, seconds_since(t0))) {
        case Forwarder::Event::Detected: {
          const auto& d = *fw.detection();
          std::fprintf(log, "detected %zu axes at %g Hz (measured %.2f Hz)\n", d.axes, d.frequency_hz, d.measured_hz);
          if (a.live) {
            std::string device = a.device_name.empty() ? "device" : a.device_name;
            live = std::make_unique<serve::LiveSender>(remote->url, a.api_key, device, d.frequency_hz);
            std::fprintf(log, "streaming to %s/api/live/%s (the studio's Live classification page shows the results)\n", remote->url.c_str(), device.c_str());
            std::fflush(log);
            break;
          }
          auto names = split_names(a.axes);
          if (names.empty()) {
            std::string answer = ask("axis names for " + std::to_string(d.axes) + " axes (comma-separated): ");
            names = split_names(answer);
          }
          if (names.empty()) {
            for (size_t i = 0; i < d.axes; ++i) names.push_back("axis" + std::to_string(i + 1));
            std::fprintf(log, "axes named %s (pass --axes to name them)\n", [&] {
              std::string j;
              for (auto& n : names) j += (j.empty() ? "" : ",") + n;
              return j; }().c_str());
          }
          if (names.size() != d.axes)
            throw error_at("--axes", "names " + std::to_string(names.size()) + " axes but the device sends " +
                                         std::to_string(d.axes) + "; give one name per axis");
          for (auto& n : names) sensors.push_back({n, ""});
          if (label.empty()) label = ask("label for the samples: ");
          if (label.empty()) throw error_at("--label", "no label given and no terminal to ask on; pass --label");
          std::fprintf(log, "recording %g ms samples labelled '%s' (%zu frames each)\n", a.length_ms, label.c_str(),
                       fw.frames_per_sample());
          std::fflush(log);
          break;
        }
        case Forwarder::Event::SampleReady:
          if (a.live) {
            fw.take_sample();  // streamed, not recorded
            break;
          }
          store_sample(fw.take_sample(), false);
          if (a.samples && static_cast<int>(stored.size()) >= a.samples) done = true;
          break;
        case Forwarder::Event::AxesChanged:
          stop_reason = "the device changed from " + std::to_string(fw.detection()->axes) + " to " +
                        std::to_string(fw.new_axes()) + " axes; restart mote forward to record the new layout";
          done = true;
          break;
        case Forwarder::Event::None:
          break;
      }
      if (live && parse_forwarder_line(line)) live->add(line, seconds_since(t0));
    }
    if (live) {
      live->flush();
      std::fprintf(log, "streamed %zu lines; the server classified %zu windows; stopped: %s\n", live->lines_sent(), live->windows(), stop_reason.c_str());
      if (a.json) print_json({{"streamed_lines", live->lines_sent()}, {"windows", live->windows()}});
      return;
    }
    if (!done || !a.samples || static_cast<int>(stored.size()) < a.samples) {
      // Whatever arrived before the end is kept rather than thrown away.
      if (fw.detection() && fw.partial_frames() >= 2) store_sample(fw.take_sample(), true);
    }
    if (!fw.detection()) throw error_at(reader->name(), "the stream ended before any forwarder data was detected");
    if (fw.garbage_lines() || fw.skipped_lines())
      std::fprintf(log, "ignored %zu lines that were not numbers and %zu with a stray axis count\n", fw.garbage_lines(),
                   fw.skipped_lines());
    std::fprintf(log, "%zu samples stored; stopped: %s\n", stored.size(),
                 done && a.samples && static_cast<int>(stored.size()) >= a.samples ? "recorded every sample asked for" : stop_reason.c_str());
    if (a.json)
      print_json({{"stored", stored.size()}, {"ids", stored}, {"axes", fw.detection()->axes},
                  {"frequency_hz", fw.detection()->frequency_hz}, {"measured_hz", fw.detection()->measured_hz},
                  {"garbage_lines", fw.garbage_lines()}, {"skipped_lines", fw.skipped_lines()}});
    if (stop_reason.rfind("the device changed", 0) == 0) throw Error(stop_reason);
  }; });
}

}  // namespace mote::cli
