#include "impulse/dsp_tables.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "core/error.h"

namespace mote {

namespace {

using Complex = std::complex<double>;
constexpr double kPi = std::numbers::pi;

std::vector<float> cosine_window(uint32_t n, bool symmetric, double a0, double a1) {
  if (n == 0) throw Error("window length must be at least 1");
  std::vector<float> w(n, 1.0f);
  if (n == 1) return w;
  const double denom = symmetric ? n - 1.0 : static_cast<double>(n);
  for (uint32_t i = 0; i < n; ++i) w[i] = static_cast<float>(a0 - a1 * std::cos(2.0 * kPi * i / denom));
  return w;
}

// One section b(z)/a(z) from up to two zeros and exactly two poles, coefficients right-aligned like
// scipy's _single_zpksos (a missing zero leaves a leading 0 in b).
std::vector<double> section(const std::vector<double>& zeros, Complex p1, Complex p2) {
  double b0 = 0.0, b1 = 0.0, b2 = 1.0;
  if (zeros.size() == 2) b0 = 1.0, b1 = -(zeros[0] + zeros[1]), b2 = zeros[0] * zeros[1];
  else if (zeros.size() == 1) b1 = 1.0, b2 = -zeros[0];
  return {b0, b1, b2, 1.0, -(p1 + p2).real(), (p1 * p2).real()};
}

// Index of the zero nearest to p (first on ties, like np.argsort(...)[0] on distinct values).
size_t nearest(const std::vector<double>& zeros, Complex p) {
  size_t best = 0;
  for (size_t i = 1; i < zeros.size(); ++i)
    if (std::abs(zeros[i] - p) < std::abs(zeros[best] - p)) best = i;
  return best;
}

// Index of the pole closest to the unit circle (scipy's "worst" pole; first on ties).
size_t worst(const std::vector<Complex>& poles) {
  size_t best = 0;
  for (size_t i = 1; i < poles.size(); ++i)
    if (std::abs(1.0 - std::abs(poles[i])) < std::abs(1.0 - std::abs(poles[best]))) best = i;
  return best;
}

// scipy.signal.zpk2sos(z, p, k, pairing='nearest') for real zeros, with poles given as the upper member of
// each conjugate pair followed by the real poles (what scipy's _cplxreal yields). Sections are filled
// from the last (the pole nearest the unit circle) to the first; the gain goes into the first.
std::vector<float> zpk_to_sos(std::vector<double> zeros, std::vector<Complex> poles, size_t order, double gain) {
  if (order % 2 == 1) {  // pad to even with a pole and a zero at the origin, as scipy does
    poles.push_back(0.0);
    zeros.push_back(0.0);
  }
  const size_t sections = (order + 1) / 2;
  auto is_real = [](Complex p) { return p.imag() == 0.0; };
  std::vector<std::vector<double>> sos(sections);
  for (size_t si = sections; si-- > 0;) {
    size_t i = worst(poles);
    Complex p1 = poles[i];
    poles.erase(poles.begin() + static_cast<std::ptrdiff_t>(i));
    const bool real_left = std::any_of(poles.begin(), poles.end(), is_real);
    if (is_real(p1) && !real_left) {  // the last real pole goes with one zero, plus the origin
      size_t z = nearest(zeros, p1);
      sos[si] = section({zeros[z], 0.0}, p1, 0.0);
      zeros.erase(zeros.begin() + static_cast<std::ptrdiff_t>(z));
      continue;
    }
    Complex p2 = std::conj(p1);
    if (is_real(p1)) {  // pair two real poles: the next worst real one
      std::vector<Complex> reals;
      for (Complex p : poles)
        if (is_real(p)) reals.push_back(p);
      p2 = reals[worst(reals)];
      poles.erase(std::find(poles.begin(), poles.end(), p2));
    }
    std::vector<double> picked;
    for (int k = 0; k < 2 && !zeros.empty(); ++k) {
      size_t z = nearest(zeros, p1);
      picked.push_back(zeros[z]);
      zeros.erase(zeros.begin() + static_cast<std::ptrdiff_t>(z));
    }
    sos[si] = section(picked, p1, p2);
  }
  std::vector<float> out;
  for (size_t si = 0; si < sections; ++si)
    for (size_t c = 0; c < 6; ++c) out.push_back(static_cast<float>(c < 3 && si == 0 ? sos[si][c] * gain : sos[si][c]));
  return out;
}

void check_bands(uint32_t fft_length, uint32_t bands) {
  if (fft_length < 16 || fft_length > 4096 || (fft_length & (fft_length - 1)) != 0)
    throw Error("fft_length must be a power of two from 16 to 4096");
  if (bands < 1 || bands > fft_length / 2)
    throw Error("spectral bands must be 1 to fft_length / 2 (" + std::to_string(fft_length / 2) + ")");
}

}  // namespace

dsp::RfftTables RfftTableData::view() const {
  return {static_cast<uint32_t>(cos.size() * 2), cos.data(), sin.data(), bitrev.data(),
          stage_cos.empty() ? nullptr : stage_cos.data(), stage_sin.empty() ? nullptr : stage_sin.data()};
}

RfftTableData make_rfft_tables(uint32_t n) {
  if (n < 16 || n > 4096 || (n & (n - 1)) != 0)
    throw Error("fft_length " + std::to_string(n) + " is not supported; use a power of two from 16 to 4096");
  RfftTableData t;
  const uint32_t m = n / 2;
  uint32_t bits = 0;
  while ((1u << bits) < m) ++bits;
  for (uint32_t k = 0; k < m; ++k) {
    const double a = 2.0 * kPi * k / n;
    t.cos.push_back(static_cast<float>(std::cos(a)));
    t.sin.push_back(static_cast<float>(std::sin(a)));
    uint32_t r = 0;
    for (uint32_t b = 0; b < bits; ++b) r |= ((k >> b) & 1u) << (bits - 1 - b);
    t.bitrev.push_back(static_cast<uint16_t>(r));
  }
  for (uint32_t len = 8; len <= m; len <<= 1)
    for (uint32_t j = 0; j < len / 2; ++j) {
      t.stage_cos.push_back(t.cos[j * (n / len)]);
      t.stage_sin.push_back(t.sin[j * (n / len)]);
    }
  return t;
}

std::vector<float> hann_window(uint32_t n, bool symmetric) { return cosine_window(n, symmetric, 0.5, 0.5); }
std::vector<float> hamming_window(uint32_t n, bool symmetric) { return cosine_window(n, symmetric, 0.54, 0.46); }

std::vector<float> butterworth_sos(int order, double cutoff_hz, double fs, bool highpass) {
  if (order < 1 || order > 8) throw Error("filter order " + std::to_string(order) + " is out of range; use 1 to 8");
  if (!(fs > 0) || !(cutoff_hz > 0 && cutoff_hz < fs / 2))
    throw Error("filter cutoff must be above 0 and below half the sampling rate (" + std::to_string(fs / 2) + " Hz)");
  // Analog prototype poles -exp(i pi m / 2N), m = -N+1, -N+3, ..., N-1 (scipy's buttap), moved to the
  // pre-warped cutoff, then through the bilinear transform z = (2fs + s) / (2fs - s).
  const double warped = 2.0 * fs * std::tan(kPi * cutoff_hz / fs);
  const double fs2 = 2.0 * fs;
  std::vector<Complex> upper, reals;  // digital poles: upper member of each conjugate pair, real poles
  Complex prod_den = 1.0, prod_proto = 1.0;
  for (int m = -order + 1; m <= order - 1; m += 2) {
    const Complex proto = m == 0 ? Complex(-1.0, 0.0) : -std::exp(Complex(0.0, kPi * m / (2.0 * order)));
    const Complex s = highpass ? warped / proto : warped * proto;
    prod_den *= fs2 - s;
    prod_proto *= -proto;
    const Complex z = (fs2 + s) / (fs2 - s);
    if (m == 0) reals.push_back(Complex(z.real(), 0.0));
    else if (m > 0) upper.push_back(Complex(z.real(), std::abs(z.imag())));
  }
  // scipy's _cplxreal order: conjugate pairs by real part, then real poles.
  std::sort(upper.begin(), upper.end(), [](Complex a, Complex b) { return a.real() < b.real(); });
  std::vector<Complex> poles = upper;
  poles.insert(poles.end(), reals.begin(), reals.end());
  // Gain: low-pass warped^N / prod(2fs - s); high-pass (1 / prod(-proto)) (2fs)^N / prod(2fs - s).
  const double gain = highpass ? (1.0 / prod_proto).real() * (std::pow(fs2, order) / prod_den).real()
                               : (std::pow(warped, order) / prod_den).real();
  // Zeros at infinity (low-pass) map to z = -1; zeros at s = 0 (high-pass) map to z = +1.
  std::vector<double> zeros(static_cast<size_t>(order), highpass ? 1.0 : -1.0);
  return zpk_to_sos(zeros, poles, static_cast<size_t>(order), gain);
}

std::vector<uint16_t> log_band_edges(uint32_t fft_length, uint32_t bands) {
  check_bands(fft_length, bands);
  const uint32_t top = fft_length / 2;
  std::vector<uint16_t> e;
  for (uint32_t b = 0; b <= bands; ++b) {
    const double edge = std::exp(std::log(static_cast<double>(top + 1)) * b / bands);  // 1 .. top + 1
    uint32_t v = static_cast<uint32_t>(std::floor(edge + 0.5));
    if (!e.empty() && v <= e.back()) v = e.back() + 1u;  // every band holds at least one bin
    e.push_back(static_cast<uint16_t>(v));
  }
  // Forced bumps may overshoot: pull the tail back so the last edge is exactly top + 1.
  for (uint32_t b = bands; b > 0 && e[b] > top + 1 - (bands - b); --b) e[b] = static_cast<uint16_t>(top + 1 - (bands - b));
  return e;
}

std::vector<uint16_t> linear_band_edges(uint32_t fft_length, uint32_t bands) {
  check_bands(fft_length, bands);
  const uint32_t top = fft_length / 2;
  std::vector<uint16_t> e;
  for (uint32_t b = 0; b <= bands; ++b) e.push_back(static_cast<uint16_t>(1 + static_cast<uint64_t>(b) * top / bands));
  return e;
}

}  // namespace mote
