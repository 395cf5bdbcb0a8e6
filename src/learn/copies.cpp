#include "learn/copies.h"

namespace mote::learn {

void append_copy_features(FeatureTable& out, const Sample& original, const Sample& copy, const Impulse& impulse) {
  FeatureTable t = sample_features(copy, impulse);
  out.width = t.width;
  out.data.insert(out.data.end(), t.data.begin(), t.data.end());
  for (auto row : t.rows) {
    row.sample_id = original.id;
    row.label = original.label;
    out.rows.push_back(row);
  }
}

}  // namespace mote::learn
