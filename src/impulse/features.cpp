#include "impulse/features.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "core/progress.h"
#include "impulse/suggest.h"
#include "impulse/window.h"
#include "store/sql.h"

namespace mote {

Impulse::Impulse(const ImpulseSpec& spec, size_t axes) : spec_(spec), axes_(axes), hash_(features_hash(spec)) {
  if (spec.dsp.empty()) throw error_at("impulse.dsp", "has no DSP block; add one (e.g. spectral, mfcc, image, raw)");
  for (size_t i = 0; i < spec.dsp.size(); ++i) {
    const BlockSpec& b = spec.dsp[i];
    std::vector<size_t> cols;
    if (b.inputs.empty()) {
      for (size_t a = 0; a < axes; ++a) cols.push_back(a);
    } else {
      for (auto& name : b.inputs) {
        auto it = std::find(spec.input.axes.begin(), spec.input.axes.end(), name);
        if (it == spec.input.axes.end())
          throw error_at("impulse.dsp[" + std::to_string(i) + "].axes", "'" + name + "' is not among impulse.input.axes");
        cols.push_back(static_cast<size_t>(it - spec.input.axes.begin()));
      }
    }
    blocks_.push_back(make_dsp_block(b, spec.input, cols.size(), "impulse.dsp[" + std::to_string(i) + "]"));
    block_axes_.push_back(cols);
    offsets_.push_back(width_);
    width_ += blocks_.back()->output_size();
  }
  // Parameters with defaults filled in become part of the spec (and the hash) so mote.json shows them.
  for (size_t i = 0; i < blocks_.size(); ++i) spec_.dsp[i].params = blocks_[i]->params();
  hash_ = features_hash(spec_);
}

bool Impulse::streams_window() const {
  return spec_.input.type == InputType::TimeSeries && blocks_.size() == 1 && axes_ == 1 && block_axes_[0].size() == 1 &&
         blocks_[0]->stream_scratch_bytes() > 0;
}

void Impulse::run(const BlockInput& window, float* out) const {
  std::vector<float> picked;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    BlockInput in = window;
    const auto& cols = block_axes_[i];
    if (window.window && spec_.input.type == InputType::TimeSeries && cols.size() != window.axes) {
      // The block reads a subset of the axes: hand it just those, still frame-major.
      picked.resize(window.frames * cols.size());
      for (size_t f = 0; f < window.frames; ++f)
        for (size_t c = 0; c < cols.size(); ++c) picked[f * cols.size() + c] = window.window[f * window.axes + cols[c]];
      in.window = picked.data();
      in.axes = cols.size();
    }
    blocks_[i]->run(in, out + offsets_[i]);
  }
}

ImpulseSpec load_impulse(Project& p, std::vector<std::string>* why) {
  const auto& j = p.config()["impulse"];
  if (!j.is_null()) {
    if (why && p.config().contains("impulse_why"))
      for (auto& line : p.config()["impulse_why"]) why->push_back(line.get<std::string>());
    return parse_impulse(j);
  }
  Suggestion s = suggest_impulse(p.store());
  Impulse built(s.spec, impulse_axes(p, s.spec));  // fills defaults and checks the blocks
  p.config()["impulse"] = impulse_to_json(built.spec());
  p.config()["impulse_why"] = s.why;
  p.save_config();
  if (why) *why = s.why;
  return built.spec();
}

size_t impulse_axes(Project& p, const ImpulseSpec& spec) {
  if (spec.input.type == InputType::Image) return 0;
  if (!spec.input.axes.empty()) return spec.input.axes.size();
  SampleFilter f;
  f.limit = 1;
  auto first = p.store().list(f);
  if (first.empty()) throw Error("impulse: the project has no samples to take axes from; set impulse.input.axes");
  return first.front().axes();
}

namespace {
LearnValidator& learn_validator() {
  static LearnValidator v;  // function-local: safe whatever the static initialization order
  return v;
}
}  // namespace

void set_learn_validator(LearnValidator v) { learn_validator() = std::move(v); }

void save_impulse(Project& p, const ImpulseSpec& spec) {
  Impulse built(spec, impulse_axes(p, spec));
  if (learn_validator()) learn_validator()(built);
  p.config()["impulse"] = impulse_to_json(built.spec());
  p.config().erase("impulse_why");
  p.save_config();
}

namespace {

struct Computed {
  size_t windows = 0;
  std::vector<float> data;
  std::vector<double> start_ms;
  std::string error;
};

Computed compute(const Sample& s, const Impulse& impulse) {
  Computed c;
  size_t w = impulse.width();
  if (impulse.spec().input.type == InputType::Image) {
    if (s.kind != SampleKind::Image)
      throw error_at("sample " + std::to_string(s.id) + " (" + s.name + ")",
                     "is not an image but the impulse expects images; remove it (mote samples remove " +
                         std::to_string(s.id) + ") or use a time-series impulse");
    c.windows = 1;
    c.data.resize(w);
    c.start_ms = {0};
    BlockInput in;
    in.image = &s;
    impulse.run(in, c.data.data());
    return c;
  }
  Windows win = make_windows(s, impulse.spec().input);
  c.windows = win.count;
  c.start_ms = win.start_ms;
  c.data.resize(win.count * w);
  for (size_t k = 0; k < win.count; ++k) {
    BlockInput in;
    in.window = win.window(k);
    in.frames = win.frames;
    in.axes = win.axes;
    impulse.run(in, c.data.data() + k * w);
  }
  return c;
}

void append(FeatureTable& t, const Sample& s, const Computed& c) {
  t.data.insert(t.data.end(), c.data.begin(), c.data.end());
  for (size_t k = 0; k < c.windows; ++k) t.rows.push_back({s.id, s.label, s.category, c.start_ms[k]});
}

template <typename T>
std::string to_blob(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
std::vector<T> from_blob(const std::string& b) {
  std::vector<T> v(b.size() / sizeof(T));
  std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
  return v;
}

}  // namespace

FeatureTable sample_features(const Sample& s, const Impulse& impulse) {
  FeatureTable t;
  t.width = impulse.width();
  append(t, s, compute(s, impulse));
  return t;
}

FeatureTable generate_features(Store& store, const Impulse& impulse, const SampleFilter& filter, bool quiet, FeatureStats* stats) {
  auto t0 = std::chrono::steady_clock::now();
  FeatureStats st;
  FeatureTable table;
  table.width = impulse.width();
  SampleFilter all = filter;
  all.limit = -1;
  all.offset = 0;
  std::vector<Sample> samples = store.list(all);
  st.samples = samples.size();
  Progress progress("features", samples.size(), quiet);

  sql::Stmt get(store.db(), "SELECT windows, width, start_ms, data FROM features WHERE sample_hash = ? AND impulse_hash = ?");
  sql::Stmt put(store.db(),
                "INSERT INTO features(sample_hash, impulse_hash, windows, width, start_ms, data, created_at) "
                "VALUES(?, ?, ?, ?, ?, ?, datetime('now')) ON CONFLICT(sample_hash, impulse_hash) DO UPDATE SET windows = excluded.windows, "
                "width = excluded.width, start_ms = excluded.start_ms, data = excluded.data, created_at = excluded.created_at");
  const size_t chunk = 128;  // bounds memory: load a chunk's data, compute on all cores, store
  for (size_t begin = 0; begin < samples.size(); begin += chunk) {
    size_t end = std::min(samples.size(), begin + chunk);
    std::vector<Computed> results(end - begin);
    std::vector<size_t> todo;
    for (size_t i = begin; i < end; ++i) {
      get.bind(1, samples[i].hash).bind(2, impulse.hash());
      if (get.step() && static_cast<size_t>(get.int64(1)) == impulse.width()) {
        Computed& c = results[i - begin];
        c.windows = static_cast<size_t>(get.int64(0));
        c.start_ms = from_blob<double>(get.blob(2));
        c.data = from_blob<float>(get.blob(3));
        st.cached++;
      } else {
        todo.push_back(i);
      }
      get.reset();
    }
    if (!todo.empty()) {
      SampleFilter ids;
      for (size_t i : todo) ids.ids.push_back(samples[i].id);
      std::vector<Sample> full = store.list(ids, true);  // ordered by id, as `samples` is
      std::atomic<size_t> next{0};
      auto work = [&] {
        for (size_t k; (k = next++) < full.size();) {
          size_t i = todo[k];
          try {
            results[i - begin] = compute(full[k], impulse);
          } catch (const Error& e) {
            results[i - begin].error = e.what();
          }
        }
      };
      unsigned n = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
      std::vector<std::thread> pool;
      for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
      work();
      for (auto& t : pool) t.join();
      // One short write transaction per chunk, so a server's imports are not held up for the whole run.
      sql::Transaction tx(store.db());
      for (size_t i : todo) {
        Computed& c = results[i - begin];
        if (!c.error.empty()) throw Error(c.error);
        put.bind(1, samples[i].hash).bind(2, impulse.hash()).bind(3, static_cast<int64_t>(c.windows));
        put.bind(4, static_cast<int64_t>(impulse.width()));
        std::string starts = to_blob(c.start_ms), data = to_blob(c.data);
        put.bind_blob(5, starts.data(), starts.size()).bind_blob(6, data.data(), data.size());
        put.run();
        st.computed++;
      }
      tx.commit();
    }
    for (size_t i = begin; i < end; ++i) {
      append(table, samples[i], results[i - begin]);
      progress.advance();
    }
  }
  progress.finish();
  st.windows = table.rows.size();
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = st;
  return table;
}

}  // namespace mote
