#include "ingest/hapt.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <regex>

#include "core/error.h"
#include "core/files.h"
#include "ingest/inflate.h"

namespace fs = std::filesystem;

namespace mote {

namespace {

constexpr double kIntervalMs = 20.0;  // 50 Hz, as the dataset's README states

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Splits a line into whitespace-separated fields.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && blank(line[i])) ++i;
    size_t j = i;
    while (j < line.size() && !blank(line[j])) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

template <typename F>
void for_each_line(std::string_view text, F f) {
  size_t line = 0, pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    f(text.substr(pos, nl - pos), ++line);
    pos = nl + 1;
  }
}

template <typename T>
T number(std::string_view s, const std::string& where, size_t line, const char* what) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    throw error_at(where + ":" + std::to_string(line), "'" + std::string(s) + "' is not a valid " + what + "; fix or remove the line");
  return v;
}

std::string read_maybe_gz(const fs::path& p, uint64_t max_bytes) {
  std::string bytes = read_file(p, max_bytes);
  if (p.extension() == ".gz") return inflate_bytes(bytes, true, p.string(), max_bytes);
  return bytes;
}

fs::path signal_file(const fs::path& folder, const char* kind, int exp, int user) {
  char name[64];
  std::snprintf(name, sizeof name, "%s_exp%02d_user%02d.txt", kind, exp, user);
  fs::path plain = folder / name;
  if (fs::exists(plain)) return plain;
  return folder / (std::string(name) + ".gz");
}

}  // namespace

std::vector<HaptSegment> parse_hapt_labels(std::string_view text, const std::string& where) {
  std::vector<HaptSegment> out;
  for_each_line(text, [&](std::string_view line, size_t n) {
    auto f = fields(line);
    if (f.empty()) return;
    if (f.size() != 5)
      throw error_at(where + ":" + std::to_string(n), "expected 5 fields 'experiment user activity start end', found " +
                                                           std::to_string(f.size()) + "; fix the line");
    HaptSegment s;
    s.experiment = number<int>(f[0], where, n, "experiment number");
    s.user = number<int>(f[1], where, n, "user number");
    s.activity = number<int>(f[2], where, n, "activity number");
    s.start = number<uint64_t>(f[3], where, n, "start index");
    s.end = number<uint64_t>(f[4], where, n, "end index");
    if (s.experiment < 1 || s.experiment > 99 || s.user < 1 || s.user > 99 || s.start < 1 || s.end < s.start)
      throw error_at(where + ":" + std::to_string(n), "experiment/user must be 1-99 and 1 <= start <= end; fix the line");
    out.push_back(s);
  });
  if (out.empty()) throw error_at(where, "holds no labelled segment; is it the HAPT RawData/labels.txt?");
  return out;
}

std::map<int, std::string> parse_hapt_activities(std::string_view text, const std::string& where) {
  std::map<int, std::string> out;
  for_each_line(text, [&](std::string_view line, size_t n) {
    auto f = fields(line);
    if (f.empty()) return;
    if (f.size() != 2) throw error_at(where + ":" + std::to_string(n), "expected 'number NAME'; fix the line");
    out[number<int>(f[0], where, n, "activity number")] = std::string(f[1]);
  });
  return out;
}

std::vector<float> parse_hapt_signal(std::string_view text, const std::string& where) {
  std::vector<float> out;
  out.reserve(text.size() / 20);
  for_each_line(text, [&](std::string_view line, size_t n) {
    auto f = fields(line);
    if (f.empty()) return;
    if (f.size() != 3) throw error_at(where + ":" + std::to_string(n), "expected 3 numbers 'x y z', found " + std::to_string(f.size()));
    for (auto v : f) {
      float x = number<float>(v, where, n, "number");
      if (!std::isfinite(x)) throw error_at(where + ":" + std::to_string(n), "value is not finite; fix the line");
      out.push_back(x);
    }
  });
  return out;
}

fs::path find_hapt_folder(const fs::path& dir) {
  static const std::regex acc("acc_exp\\d+_user\\d+\\.txt(\\.gz)?");
  for (const fs::path& d : {dir, dir / "RawData"}) {
    std::error_code ec;
    if (!fs::is_regular_file(d / "labels.txt", ec)) continue;
    for (auto it = fs::directory_iterator(d, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      if (std::regex_match(it->path().filename().string(), acc)) return d;
  }
  return {};
}

std::vector<HaptRecording> read_hapt_folder(const fs::path& folder) {
  fs::path labels = folder / "labels.txt";
  auto segments = parse_hapt_labels(read_file(labels, kDefaultMaxFileBytes), labels.string());
  std::map<std::pair<int, int>, HaptRecording> by_exp;
  for (auto& s : segments) {
    HaptRecording& r = by_exp[{s.experiment, s.user}];
    if (r.segments.empty()) {
      r.experiment = s.experiment;
      r.user = s.user;
      r.acc = signal_file(folder, "acc", s.experiment, s.user);
      r.gyro = signal_file(folder, "gyro", s.experiment, s.user);
      for (auto* p : {&r.acc, &r.gyro})
        if (!fs::exists(*p)) throw error_at(labels.string(), "names experiment " + std::to_string(s.experiment) + " user " +
                                                                 std::to_string(s.user) + " but " + p->string() + " is missing; restore it");
    }
    r.segments.push_back(s);
  }
  std::vector<HaptRecording> out;
  for (auto& [key, r] : by_exp) out.push_back(std::move(r));
  return out;
}

std::map<int, std::string> read_hapt_activities(const fs::path& folder) {
  for (const fs::path& p : {folder / "activity_labels.txt", folder.parent_path() / "activity_labels.txt"})
    if (fs::exists(p)) return parse_hapt_activities(read_file(p, kDefaultMaxFileBytes), p.string());
  return {};
}

std::vector<Sample> load_hapt_recording(const HaptRecording& r, const std::map<int, std::string>& activities, uint64_t max_bytes) {
  std::vector<float> acc = parse_hapt_signal(read_maybe_gz(r.acc, max_bytes), r.acc.string());
  std::vector<float> gyro = parse_hapt_signal(read_maybe_gz(r.gyro, max_bytes), r.gyro.string());
  if (acc.size() != gyro.size())
    throw error_at(r.gyro.string(), "has " + std::to_string(gyro.size() / 3) + " rows but " + r.acc.filename().string() + " has " +
                                        std::to_string(acc.size() / 3) + "; the pair must have one row per sample each");
  uint64_t frames = acc.size() / 3;
  char base[32];
  std::snprintf(base, sizeof base, "exp%02d_user%02d", r.experiment, r.user);
  std::vector<Sample> out;
  for (size_t k = 0; k < r.segments.size(); ++k) {
    const HaptSegment& g = r.segments[k];
    if (g.end > frames)
      throw error_at(r.acc.string(), "segment " + std::to_string(g.start) + "-" + std::to_string(g.end) + " of labels.txt runs past its " +
                                         std::to_string(frames) + " rows; check the labels file");
    Sample s;
    s.kind = SampleKind::TimeSeries;
    s.interval_ms = kIntervalMs;
    s.sensors = {{"accX", "g"}, {"accY", "g"}, {"accZ", "g"}, {"gyrX", "rad/s"}, {"gyrY", "rad/s"}, {"gyrZ", "rad/s"}};
    for (uint64_t i = g.start - 1; i < g.end; ++i) {
      s.values.insert(s.values.end(), acc.begin() + i * 3, acc.begin() + i * 3 + 3);
      s.values.insert(s.values.end(), gyro.begin() + i * 3, gyro.begin() + i * 3 + 3);
    }
    auto name = activities.find(g.activity);
    s.label = name != activities.end() ? name->second : "activity" + std::to_string(g.activity);
    s.name = std::string(base) + "." + std::to_string(k);
    s.device_type = "HAPT";
    s.provenance = {{"importer", "hapt"}, {"experiment", g.experiment}, {"user", g.user}, {"activity", g.activity},
                    {"start", g.start}, {"end", g.end}, {"gyro", fs::absolute(r.gyro).lexically_normal().string()}};
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace mote
