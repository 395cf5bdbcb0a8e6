#include "impulse/dsp_tables.h"

#include <cmath>
#include <complex>
#include <numbers>

#include "core/error.h"

namespace mote {

dsp::RfftTables RfftTableData::view() const {
  return {static_cast<uint32_t>(cos.size() * 2), cos.data(), sin.data(), bitrev.data()};
}

RfftTableData make_rfft_tables(uint32_t n) {
  if (n < 16 || n > 4096 || (n & (n - 1)) != 0) throw Error("fft_length must be a power of two from 16 to 4096");
  RfftTableData t;
  uint32_t m = n / 2, bits = 0;
  while ((1u << bits) < m) ++bits;
  for (uint32_t k = 0; k < m; ++k) {
    double a = 2.0 * std::numbers::pi * k / n;
    t.cos.push_back(static_cast<float>(std::cos(a)));
    t.sin.push_back(static_cast<float>(std::sin(a)));
    uint32_t r = 0;
    for (uint32_t b = 0; b < bits; ++b) r |= ((k >> b) & 1u) << (bits - 1 - b);
    t.bitrev.push_back(static_cast<uint16_t>(r));
  }
  return t;
}

std::vector<float> hann_window(uint32_t n) {
  std::vector<float> w(n);
  for (uint32_t i = 0; i < n; ++i) w[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n));
  return w;
}

std::vector<float> butterworth_sos(int order, double cutoff_hz, double fs, bool highpass) {
  using C = std::complex<double>;
  if (order < 1 || order > 8) throw Error("filter order must be 1 to 8");
  if (!(cutoff_hz > 0 && cutoff_hz < fs / 2)) throw Error("filter cutoff must be between 0 and half the sampling rate");
  const double pi = std::numbers::pi;
  double warped = 2.0 * fs * std::tan(pi * cutoff_hz / fs);
  // Analog prototype poles on the left half of the unit circle, then scaled to the cutoff.
  std::vector<C> poles;
  for (int k = 1; k <= order; ++k) {
    C p = std::exp(C(0, pi * (2.0 * k + order - 1) / (2.0 * order)));
    poles.push_back(highpass ? warped / p : warped * p);
  }
  // Bilinear transform: s -> z; zeros at z = -1 (low-pass) or z = +1 (high-pass).
  double fs2 = 2.0 * fs;
  std::vector<C> zpoles;
  C gain = 1.0;
  for (auto& p : poles) {
    zpoles.push_back((fs2 + p) / (fs2 - p));
    gain *= highpass ? C(fs2) / (fs2 - p) : (-p) / (fs2 - p);
  }
  double k = gain.real();
  double zero = highpass ? 1.0 : -1.0;
  std::vector<float> sos;
  // Conjugate pairs become biquads; an odd order leaves one real pole for a first-order section.
  std::vector<C> upper;
  C real_pole;
  bool has_real = false;
  for (auto& p : zpoles) {
    if (std::abs(p.imag()) < 1e-12) real_pole = p, has_real = true;
    else if (p.imag() > 0) upper.push_back(p);
  }
  bool first = true;
  auto push = [&](double b0, double b1, double b2, double a1, double a2) {
    double g = first ? k : 1.0;
    first = false;
    for (double v : {b0 * g, b1 * g, b2 * g, 1.0, a1, a2}) sos.push_back(static_cast<float>(v));
  };
  if (has_real) push(1.0, -zero, 0.0, -real_pole.real(), 0.0);
  for (auto& p : upper) push(1.0, -2.0 * zero, 1.0, -2.0 * p.real(), std::norm(p));
  return sos;
}

std::vector<uint16_t> log_band_edges(uint32_t fft_length, uint32_t bands) {
  uint32_t top = fft_length / 2;
  if (bands < 1 || bands > top) throw Error("spectral bands must be 1 to fft_length / 2");
  std::vector<uint16_t> e;
  for (uint32_t b = 0; b <= bands; ++b) {
    double edge = std::exp(std::log(static_cast<double>(top + 1)) * b / bands);  // 1 .. top + 1
    uint32_t v = static_cast<uint32_t>(std::lround(edge));
    if (!e.empty() && v <= e.back()) v = e.back() + 1;  // every band holds at least one bin
    e.push_back(static_cast<uint16_t>(v));
  }
  // Spread forced bumps back so the last edge is exactly top + 1.
  for (uint32_t b = bands; b > 0 && e[b] > top + 1 - (bands - b); --b) e[b] = static_cast<uint16_t>(top + 1 - (bands - b));
  return e;
}

}  // namespace mote
