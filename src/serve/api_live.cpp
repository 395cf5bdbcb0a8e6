// Live classification from a device: forwarder lines are POSTed in batches to /api/live/{device}, run through
// learn::ContinuousClassifier (sliding window, smoothing), and every window's result is pushed to browsers
// following /api/live/{device}/events (Server-Sent Events). See docs/studio.md.
#include <condition_variable>
#include <deque>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "core/error.h"
#include "device/forwarder.h"
#include "learn/continuous.h"
#include "serve/http.h"

using nlohmann::json;

namespace mote::serve {

namespace {

constexpr size_t kKeptResults = 1000;  // per device: what a late subscriber can replay with ?from=
constexpr size_t kMaxDevices = 64;

// One device's stream: its classifier (built from the models current at its first data), the results.
struct LiveSession {
  std::mutex m;
  std::condition_variable changed;
  std::optional<learn::ContinuousClassifier> classifier;
  json info;                // what the classifier runs: window, stride, rate, axes, labels, threshold
  uint64_t generation = 0;  // +1 when the classifier is (re)built or reset: subscribers get a new `info`
  std::deque<json> results;
  uint64_t next_seq = 0;    // sequence number of the next result (results.back() is next_seq - 1)
  size_t frames = 0, ignored = 0;
  double input_hz = 0;
};

}  // namespace

class LiveHub {
 public:
  std::shared_ptr<LiveSession> get(const std::string& device, bool create) {
    std::lock_guard<std::mutex> lk(m_);
    auto it = sessions_.find(device);
    if (it != sessions_.end()) return it->second;
    if (!create) return nullptr;
    if (sessions_.size() >= kMaxDevices) throw HttpError{429, "too many live devices (64); restart mote serve to forget them"};
    return sessions_[device] = std::make_shared<LiveSession>();
  }
  std::vector<std::pair<std::string, std::shared_ptr<LiveSession>>> all() {
    std::lock_guard<std::mutex> lk(m_);
    return {sessions_.begin(), sessions_.end()};
  }

 private:
  std::mutex m_;
  std::map<std::string, std::shared_ptr<LiveSession>> sessions_;
};

std::shared_ptr<LiveHub> make_live_hub() { return std::make_shared<LiveHub>(); }

namespace {

std::string device_name(const httplib::Request& req) {
  std::string d = req.matches[1].str();
  static const std::regex ok("[A-Za-z0-9_.-]{1,64}");
  if (!std::regex_match(d, ok)) throw HttpError{400, "device name '" + d + "': use 1-64 letters, digits, '.', '_' or '-'"};
  return d;
}

// Builds the classifier from the project's impulse and current models (mote::Error when not trained).
void build(LiveSession& s, const std::filesystem::path& dir, double hz) {
  Project p = Project::open(dir);
  if (p.config()["impulse"].is_null()) throw HttpError{400, "no impulse yet: design one and train it before live classification"};
  ImpulseSpec spec = load_impulse(p);
  if (spec.input.type != InputType::TimeSeries) throw HttpError{400, "the impulse reads images; live classification needs time series"};
  size_t axes = impulse_axes(p, spec);
  Impulse impulse(spec, axes);
  auto models = learn::current_models(p.store(), impulse);
  learn::ContinuousOptions o;
  o.input_hz = hz > 0 ? hz : spec.input.frequency_hz;
  s.classifier.emplace(spec, axes, models, o);
  json labels = json::array(), thresholds = json::object();
  for (auto& m : models) {
    if (m.type == "classifier" && labels.empty()) labels = m.metrics.value("labels", json::array());
    if (m.type == "kmeans" || m.type == "gmm") thresholds[m.name] = m.model.value("threshold", 0.0);
  }
  s.input_hz = o.input_hz;
  s.info = {{"impulse_hash", impulse.hash()}, {"axes", axes}, {"axis_names", spec.input.axes},
            {"window_ms", spec.input.window_ms}, {"stride_ms", spec.input.stride_ms},
            {"frequency_hz", spec.input.frequency_hz}, {"input_hz", o.input_hz},
            {"smooth", s.classifier->smooth()}, {"labels", labels}, {"thresholds", thresholds}};
  s.generation++;
  s.info["generation"] = s.generation;
}

std::string sse(const std::string& event, const json& data, const std::string& id = "") {
  std::string out;
  if (!id.empty()) out += "id: " + id + "\n";
  return out + "event: " + event + "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

json session_json(const std::string& device, LiveSession& s) {
  std::lock_guard<std::mutex> lk(s.m);
  return {{"device", device}, {"frames", s.frames}, {"windows", s.next_seq}, {"ignored_lines", s.ignored},
          {"ready", s.classifier.has_value()}, {"info", s.info}, {"events", "/api/live/" + device + "/events"}};
}

void post_data(Api& api, const httplib::Request& req, httplib::Response& res) {
  std::string device = device_name(req);
  double hz = 0;
  if (req.has_param("frequency")) {
    try {
      hz = std::stod(req.get_param_value("frequency"));
    } catch (const std::exception&) {
      hz = -1;
    }
    if (!(hz > 0 && hz <= 100000)) throw HttpError{400, "query parameter frequency: expected the device's rate in Hz (0 < f <= 100000)"};
  }
  auto s = api.live->get(device, true);
  std::unique_lock<std::mutex> lk(s->m);
  if (!s->classifier || (hz > 0 && hz != s->input_hz)) build(*s, api.pool.dir(), hz);
  const size_t axes = s->classifier->axes();
  std::istringstream in(req.body);
  std::string line;
  std::vector<float> frames;
  size_t ignored = 0, wrong_axes = 0, got_axes = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto v = parse_forwarder_line(line);
    if (!v) { ++ignored; continue; }  // garbage lines are skipped, as the forwarder does
    if (v->size() != axes) { ++wrong_axes, got_axes = v->size(); continue; }
    frames.insert(frames.end(), v->begin(), v->end());
  }
  if (frames.empty() && wrong_axes > 0) {
    std::string names;
    for (auto& a : s->info["axis_names"]) names += (names.empty() ? "" : ", ") + a.get<std::string>();
    throw HttpError{400, "device " + device + " sends " + std::to_string(got_axes) + " axes but the impulse reads " +
                             std::to_string(axes) + (names.empty() ? "" : " (" + names + ")") + "; send one column per axis, in that order"};
  }
  size_t n = frames.size() / axes, made = 0;
  for (auto& r : s->classifier->push(frames.data(), n)) {
    json j = learn::to_json(r);
    j["seq"] = s->next_seq++;
    s->results.push_back(std::move(j));
    if (s->results.size() > kKeptResults) s->results.pop_front();
    ++made;
  }
  s->frames += n;
  s->ignored += ignored + wrong_axes;
  lk.unlock();
  s->changed.notify_all();
  reply_json(res, {{"success", true}, {"frames", n}, {"windows", made}, {"ignored_lines", ignored + wrong_axes}});
}

void events(Api& api, const httplib::Request& req, httplib::Response& res) {
  std::string device = device_name(req);
  auto s = api.live->get(device, true);  // a browser may listen before the device starts sending
  if (api.streams.fetch_add(1) >= api.max_streams) {
    api.streams--;
    throw HttpError{503, "too many open event streams; close one"};
  }
  struct Cursor {
    uint64_t next = 0, generation = 0;
    int idle = 0;
    bool greeted = false;
  };
  auto cur = std::make_shared<Cursor>();
  {
    std::lock_guard<std::mutex> lk(s->m);
    cur->next = s->next_seq;  // new results only, unless asked to replay
  }
  std::string from = req.has_param("from") ? req.get_param_value("from") : req.get_header_value("Last-Event-ID");
  if (!from.empty() && from.size() < 18 && from.find_first_not_of("0123456789") == std::string::npos)
    cur->next = std::stoull(from) + (req.has_param("from") ? 0 : 1);
  auto stopping = api.stopping;
  std::atomic<int>* streams = &api.streams;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [s, cur, stopping, device](size_t, httplib::DataSink& sink) {
        if (stopping()) {
          sink.done();
          return true;
        }
        std::string out;
        {
          std::unique_lock<std::mutex> lk(s->m);
          s->changed.wait_for(lk, std::chrono::milliseconds(250),
                              [&] { return s->next_seq > cur->next || s->generation != cur->generation; });
          if (!cur->greeted) out += sse("hello", {{"device", device}, {"ready", s->classifier.has_value()}}), cur->greeted = true;
          if (s->generation != cur->generation) {
            out += sse("info", s->info);
            cur->generation = s->generation;
          }
          uint64_t first = s->next_seq - s->results.size();
          if (cur->next < first) cur->next = first;  // older results are gone
          if (cur->next > s->next_seq) cur->next = s->next_seq;
          for (uint64_t q = cur->next; q < s->next_seq; ++q) out += sse("result", s->results[q - first], std::to_string(q));
          cur->next = s->next_seq;
        }
        if (out.empty() && ++cur->idle >= 60) out = ": keep-alive\n\n", cur->idle = 0;
        else if (!out.empty()) cur->idle = 1;
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        return true;
      },
      [streams](bool) { (*streams)--; });
}

}  // namespace

void add_live_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/live", "/api/live", "live devices: frames received, windows classified",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 json list = json::array();
                 for (auto& [name, s] : api.live->all()) list.push_back(session_json(name, *s));
                 reply_json(res, {{"devices", list}});
               }});
  r.push_back({"POST", R"(/api/live/([^/]+))", "/api/live/{device}?frequency=HZ",
               "forwarder lines (text, one frame per line) from a device: classified continuously, results to /events", post_data});
  r.push_back({"POST", R"(/api/live/([^/]+)/reset)", "/api/live/{device}/reset",
               "forget the device's stream; the next data rebuilds the classifier from the current models",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto s = api.live->get(device_name(req), false);
                 if (!s) throw HttpError{404, "no live device '" + req.matches[1].str() + "'"};
                 {
                   std::lock_guard<std::mutex> lk(s->m);
                   s->classifier.reset();
                   s->frames = s->ignored = 0;
                   s->info = {{"ready", false}};
                   s->generation++;
                   s->info["generation"] = s->generation;
                 }
                 s->changed.notify_all();
                 reply_json(res, {{"success", true}});
               }});
  r.push_back({"GET", R"(/api/live/([^/]+)/events)", "/api/live/{device}/events?from=SEQ",
               "Server-Sent Events: info (window, labels, thresholds), then result per window (label, confidence, anomaly)", events});
}

}  // namespace mote::serve
