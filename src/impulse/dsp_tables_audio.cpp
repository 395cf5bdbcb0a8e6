#include "impulse/dsp_tables_audio.h"

#include <cmath>
#include <numbers>
#include <string>

#include "core/error.h"

namespace mote {

dsp::MelFilterbank MelFilterbankTable::view() const {
  dsp::MelFilterbank v;
  v.num_filters = num_filters;
  v.num_bins = num_bins;
  v.first_bin = first_bin.data();
  v.bin_count = bin_count.data();
  v.weights = weights.data();
  return v;
}

std::vector<float> MelFilterbankTable::dense() const {
  std::vector<float> out(size_t(num_filters) * num_bins, 0.0f);
  size_t w = 0;
  for (size_t m = 0; m < num_filters; ++m)
    for (size_t k = 0; k < bin_count[m]; ++k) out[m * num_bins + first_bin[m] + k] = weights[w++];
  return out;
}

double hz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }

double mel_to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

MelFilterbankTable build_mel_filterbank(int num_filters, int fft_length, double sample_rate_hz, double low_hz,
                                        double high_hz) {
  if (num_filters < 1 || num_filters > 1024)
    throw error_at("num_filters", "must be 1..1024, got " + std::to_string(num_filters));
  if (fft_length < 2 || fft_length > 65536)
    throw error_at("fft_length", "must be 2..65536, got " + std::to_string(fft_length));
  if (!(sample_rate_hz > 0))
    throw error_at("sample_rate_hz", "must be positive, got " + std::to_string(sample_rate_hz));
  if (!(low_hz >= 0 && low_hz < high_hz && high_hz <= sample_rate_hz / 2))
    throw error_at("low_hz/high_hz", "need 0 <= low < high <= sample_rate / 2 (" +
                                         std::to_string(sample_rate_hz / 2) + "), got " + std::to_string(low_hz) +
                                         ".." + std::to_string(high_hz));
  const int num_bins = fft_length / 2 + 1;
  const double low_mel = hz_to_mel(low_hz), high_mel = hz_to_mel(high_hz);
  std::vector<int> edge(num_filters + 2);
  for (int i = 0; i < num_filters + 2; ++i) {
    // The same spacing as numpy.linspace: low + i * step, the last point exactly high.
    double mel = i == num_filters + 1 ? high_mel : low_mel + i * ((high_mel - low_mel) / (num_filters + 1));
    int bin = int(std::floor((fft_length + 1) * mel_to_hz(mel) / sample_rate_hz));
    edge[i] = std::min(bin, num_bins - 1);
  }
  MelFilterbankTable t;
  t.num_filters = uint16_t(num_filters);
  t.num_bins = uint16_t(num_bins);
  std::vector<double> row(num_bins);
  for (int m = 0; m < num_filters; ++m) {
    std::fill(row.begin(), row.end(), 0.0);
    const int a = edge[m], b = edge[m + 1], c = edge[m + 2];
    for (int k = a; k < b; ++k) row[k] = double(k - a) / double(b - a);
    for (int k = b; k < c; ++k) row[k] = double(c - k) / double(c - b);
    // Keep only the non-zero span: flash holds about two weights per bin instead of a dense matrix.
    int first = 0, last = -1;
    for (int k = 0; k < num_bins; ++k) {
      if (row[k] == 0.0) continue;
      if (last < 0) first = k;
      last = k;
    }
    t.first_bin.push_back(uint16_t(last < 0 ? 0 : first));
    t.bin_count.push_back(uint16_t(last < 0 ? 0 : last - first + 1));
    for (int k = first; k <= last; ++k) t.weights.push_back(float(row[k]));
  }
  return t;
}

std::vector<float> build_dct2_ortho(int num_cepstral, int num_filters) {
  if (num_filters < 1) throw error_at("num_filters", "must be at least 1, got " + std::to_string(num_filters));
  if (num_cepstral < 1 || num_cepstral > num_filters)
    throw error_at("num_cepstral", "must be 1..num_filters (" + std::to_string(num_filters) + "), got " +
                                       std::to_string(num_cepstral));
  std::vector<float> d(size_t(num_cepstral) * num_filters);
  const double n = num_filters;
  for (int k = 0; k < num_cepstral; ++k) {
    const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / n);
    for (int m = 0; m < num_filters; ++m)
      d[size_t(k) * num_filters + m] = float(scale * std::cos(std::numbers::pi * k * (2 * m + 1) / (2 * n)));
  }
  return d;
}

std::vector<float> build_hamming_window(int length) {
  if (length < 1) throw error_at("window length", "must be at least 1, got " + std::to_string(length));
  if (length == 1) return {1.0f};
  std::vector<float> w(length);
  for (int i = 0; i < length; ++i)
    w[i] = float(0.54 - 0.46 * std::cos(2.0 * std::numbers::pi * i / (length - 1)));
  return w;
}

std::vector<float> build_lifter(int num_cepstral, double cep_lifter) {
  if (num_cepstral < 1) throw error_at("num_cepstral", "must be at least 1, got " + std::to_string(num_cepstral));
  if (cep_lifter <= 0) return {};
  std::vector<float> l(num_cepstral);
  for (int k = 0; k < num_cepstral; ++k)
    l[k] = float(1.0 + cep_lifter / 2.0 * std::sin(std::numbers::pi * k / cep_lifter));
  return l;
}

}  // namespace mote
