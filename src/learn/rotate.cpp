#include "learn/rotate.h"

#include <cmath>

#include "core/error.h"
#include "learn/copies.h"

namespace mote::learn {

namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double uniform(uint64_t& state) { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }  // [0, 1)

}  // namespace

void random_rotation(uint64_t& state, double max_degrees, double r[9]) {
  // Uniform direction on the sphere: z uniform in [-1, 1], azimuth uniform.
  double z = 2 * uniform(state) - 1, phi = 2 * M_PI * uniform(state), s = std::sqrt(std::max(0.0, 1 - z * z));
  double k[3] = {s * std::cos(phi), s * std::sin(phi), z};
  double angle = (2 * uniform(state) - 1) * max_degrees * M_PI / 180;
  double c = std::cos(angle), sn = std::sin(angle), t = 1 - c;
  // Rodrigues: R = cI + sin [k]x + (1 - c) k k^T.
  r[0] = c + t * k[0] * k[0], r[1] = t * k[0] * k[1] - sn * k[2], r[2] = t * k[0] * k[2] + sn * k[1];
  r[3] = t * k[1] * k[0] + sn * k[2], r[4] = c + t * k[1] * k[1], r[5] = t * k[1] * k[2] - sn * k[0];
  r[6] = t * k[2] * k[0] - sn * k[1], r[7] = t * k[2] * k[1] + sn * k[0], r[8] = c + t * k[2] * k[2];
}

void rotate_axes(Sample& s, const std::vector<size_t>& axes, const double r[9]) {
  size_t width = s.axes(), frames = s.frames();
  for (size_t f = 0; f < frames; ++f) {
    float* v = s.values.data() + f * width;
    for (size_t t = 0; t + 2 < axes.size(); t += 3) {
      double x = v[axes[t]], y = v[axes[t + 1]], z = v[axes[t + 2]];
      v[axes[t]] = static_cast<float>(r[0] * x + r[1] * y + r[2] * z);
      v[axes[t + 1]] = static_cast<float>(r[3] * x + r[4] * y + r[5] * z);
      v[axes[t + 2]] = static_cast<float>(r[6] * x + r[7] * y + r[8] * z);
    }
  }
}

std::vector<size_t> rotation_axes(const Sample& s, const Impulse& impulse, const std::string& where) {
  if (s.kind != SampleKind::TimeSeries) throw error_at(where, "rotates motion axes; this impulse reads images");
  std::vector<size_t> out;
  const auto& names = impulse.spec().input.axes;
  if (names.empty()) {
    for (size_t i = 0; i < s.axes(); ++i) out.push_back(i);
  } else {
    for (const auto& n : names) {
      size_t i = 0;
      while (i < s.axes() && s.sensors[i].name != n) ++i;
      if (i == s.axes()) throw error_at(where, "sample '" + s.name + "' has no axis '" + n + "' of the impulse's input");
      out.push_back(i);
    }
  }
  if (out.empty() || out.size() % 3 != 0)
    throw error_at(where, "rotates axes in (x, y, z) triples, but the impulse reads " + std::to_string(out.size()) +
                              " axes; list accelerometer (and gyroscope) axes as triples in input.axes, or leave rotate out");
  return out;
}

FeatureTable rotated_features(Store& store, const Impulse& impulse, const std::vector<int64_t>& sample_ids, double max_degrees,
                              int copies, uint64_t seed, const std::string& where) {
  FeatureTable out;
  out.width = impulse.width();
  uint64_t state = seed * 0x2545F4914F6CDD1Dull + 7;
  for (int64_t id : sample_ids) {
    Sample s = store.get(id);
    std::vector<size_t> axes = rotation_axes(s, impulse, where);
    for (int c = 0; c < copies; ++c) {
      double r[9];
      random_rotation(state, max_degrees, r);
      Sample turned = s;
      rotate_axes(turned, axes, r);
      append_copy_features(out, s, turned, impulse);
    }
  }
  return out;
}

}  // namespace mote::learn
