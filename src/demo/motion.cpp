#include "demo/motion.h"

#include <cmath>
#include <numbers>
#include <random>
#include <string>

namespace mote {

namespace {

constexpr double kGravity = 9.80665;
constexpr double kTwoPi = 2 * std::numbers::pi;

// mt19937_64 is specified bit for bit by the standard; the distributions are not, so draw by hand.
class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  double normal() {
    double u1 = uniform(1e-12, 1.0), u2 = uniform(0.0, 1.0);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  }

 private:
  std::mt19937_64 gen_;
};

struct Vec3 {
  double x, y, z;
};

// Rotation by small tilt angles: the device is never held perfectly level.
Vec3 tilt(Vec3 v, double roll, double pitch) {
  double y1 = v.y * std::cos(roll) - v.z * std::sin(roll);
  double z1 = v.y * std::sin(roll) + v.z * std::cos(roll);
  double x2 = v.x * std::cos(pitch) + z1 * std::sin(pitch);
  double z2 = -v.x * std::sin(pitch) + z1 * std::cos(pitch);
  return {x2, y1, z2};
}

// Linear acceleration of the gesture at time t (s) with phase p (rad); amplitude a in m/s2.
Vec3 gesture(const std::string& label, double p, double a, double sense, double t) {
  if (label == "wave") return {a * std::sin(p) + 0.15 * a * std::sin(2 * p), 0.2 * a * std::sin(p + 0.4), 0.1 * a * std::cos(2 * p)};
  if (label == "circle") return {a * std::cos(p), sense * a * std::sin(p), 0.08 * a * std::sin(2 * p)};
  if (label == "updown") return {0.12 * a * std::sin(p + 1.0), 0.05 * a * std::cos(p), a * std::sin(p) + 0.1 * a * std::sin(2 * p)};
  // idle: a hand at rest still drifts a little.
  return {0.04 * std::sin(kTwoPi * 0.05 * t), 0.03 * std::cos(kTwoPi * 0.07 * t), 0.02 * std::sin(kTwoPi * 0.03 * t)};
}

struct ClassShape {
  const char* label;
  double freq_lo, freq_hi;  // Hz of the gesture's motion
  double amp_lo, amp_hi;    // m/s2
};

const ClassShape kClasses[] = {
    {"idle", 0.0, 0.0, 0.0, 0.0},
    {"wave", 1.6, 2.4, 3.0, 5.0},
    {"circle", 0.8, 1.3, 2.0, 3.5},
    {"updown", 1.2, 2.0, 3.5, 6.0},
};

Sample recording(const std::string& label, int index, size_t frames, double dt_s, Rng& rng, const ClassShape& shape) {
  Sample s;
  s.name = label + "." + std::to_string(index);
  s.label = label;
  s.interval_ms = dt_s * 1000.0;
  s.sensors = {{"accX", "m/s2"}, {"accY", "m/s2"}, {"accZ", "m/s2"}};
  s.device_name = "mote-demo-generator";
  s.device_type = "MOTE_DEMO";
  double freq = rng.uniform(shape.freq_lo, shape.freq_hi) * rng.uniform(0.9, 1.1);
  double amp = rng.uniform(shape.amp_lo, shape.amp_hi) * rng.uniform(0.8, 1.2);
  double roll = rng.uniform(-0.25, 0.25), pitch = rng.uniform(-0.25, 0.25);
  double noise = rng.uniform(0.09, 0.11);  // one device, one noise floor (within +-10 %)
  double sense = rng.uniform(0, 1) < 0.5 ? -1.0 : 1.0;
  Vec3 bias{rng.normal() * 0.08, rng.normal() * 0.08, rng.normal() * 0.08};
  double phase = rng.uniform(0, kTwoPi);
  double speed_wander = 0;  // people do not keep a perfect tempo
  s.values.reserve(frames * 3);
  for (size_t i = 0; i < frames; ++i) {
    double t = static_cast<double>(i) * dt_s;
    speed_wander = 0.98 * speed_wander + 0.02 * rng.normal() * 0.15;
    phase += kTwoPi * freq * (1.0 + speed_wander) * dt_s;
    Vec3 motion = gesture(label, phase, amp, sense, t);
    // The wrist rolls slightly with the motion, which moves gravity between axes.
    double wobble = label == "idle" ? 0.0 : 0.08 * std::sin(phase);
    Vec3 g = tilt({0, 0, kGravity}, roll + wobble, pitch);
    Vec3 m = tilt(motion, roll, pitch);
    s.values.push_back(static_cast<float>(g.x + m.x + bias.x + noise * rng.normal()));
    s.values.push_back(static_cast<float>(g.y + m.y + bias.y + noise * rng.normal()));
    s.values.push_back(static_cast<float>(g.z + m.z + bias.z + noise * rng.normal()));
  }
  return s;
}

// Something the classifier never saw: violent shaking or a drop with impacts.
Sample anomaly(int index, size_t frames, double dt_s, Rng& rng) {
  Sample s = recording("idle", index, frames, dt_s, rng, kClasses[0]);
  s.label = "anomaly";
  s.name = "anomaly." + std::to_string(index);
  bool shake = index % 2 == 0;
  double freq = rng.uniform(6.0, 9.0), amp = rng.uniform(8.0, 14.0);
  for (size_t i = 0; i < frames; ++i) {
    double t = static_cast<double>(i) * dt_s;
    if (shake) {
      s.values[3 * i + 0] += static_cast<float>(amp * std::sin(kTwoPi * freq * t) + 2.0 * rng.normal());
      s.values[3 * i + 1] += static_cast<float>(0.6 * amp * std::sin(kTwoPi * freq * 1.3 * t + 1.0));
    } else if (i % 90 < 4) {
      // Impacts: short spikes near the sensor's range.
      float spike = static_cast<float>(rng.uniform(15.0, 30.0));
      s.values[3 * i + 2] += (i % 90 < 2) ? spike : -spike * 0.5f;
    }
  }
  return s;
}

}  // namespace

std::vector<Sample> generate_motion(const MotionOptions& opts) {
  Rng rng(opts.seed);
  double dt = 1.0 / opts.frequency_hz;
  size_t frames = static_cast<size_t>(std::lround(opts.recording_s * opts.frequency_hz));
  std::vector<Sample> out;
  for (int r = 0; r < opts.recordings_per_class; ++r)
    for (const auto& shape : kClasses) out.push_back(recording(shape.label, r, frames, dt, rng, shape));
  for (int a = 0; a < opts.anomalies; ++a) {
    Sample s = anomaly(a, frames, dt, rng);
    s.category = Category::Testing;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace mote
