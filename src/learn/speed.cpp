#include "learn/speed.h"

#include "core/error.h"
#include "learn/copies.h"

namespace mote::learn {

void change_speed(Sample& s, double factor) { s.interval_ms /= factor; }

FeatureTable speed_features(Store& store, const Impulse& impulse, const std::vector<int64_t>& sample_ids, double speed,
                            const std::string& where) {
  FeatureTable out;
  out.width = impulse.width();
  for (int64_t id : sample_ids) {
    Sample s = store.get(id);
    if (s.kind != SampleKind::TimeSeries) throw error_at(where, "changes the speed of time series; this impulse reads images");
    for (double factor : {1 - speed, 1 + speed}) {
      Sample faster = s;
      change_speed(faster, factor);
      append_copy_features(out, s, faster, impulse);
    }
  }
  return out;
}

}  // namespace mote::learn
