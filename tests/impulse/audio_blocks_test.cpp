// The audio host adapters (src/impulse/blocks/{mfcc,mfe,spectrogram}.cpp): built from impulse parameters
// they match the numpy references of tests/ref, report their device cost, and refuse bad parameters.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "dsp/mfcc.h"
#include "impulse/dsp_block.h"
#include "impulse/dsp_tables.h"
#include "impulse/dsp_tables_audio.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {

// An input whose window is exactly the reference signal.
InputSpec audio_input(double rate_hz, size_t samples) {
  InputSpec in;
  in.frequency_hz = rate_hz;
  in.window_ms = static_cast<double>(samples) * 1000.0 / rate_hz;
  in.stride_ms = in.window_ms;
  in.axes = {"audio"};
  return in;
}

// Runs every reference case through the adapter of `type`; cases whose frame is longer than the FFT
// (the runtime truncates like numpy's rfft(x, n)) must be refused by the adapter instead.
void check_against_reference(const std::string& script, const std::string& type, const std::vector<std::string>& keys,
                             size_t columns_of(const json&), bool some_refused) {
  const json& ref = test::reference_data(script, type + ".json");
  ASSERT_TRUE(ref.contains("cases")) << "tests/ref/" << script << " failed";
  size_t compared = 0, refused = 0;
  for (const json& c : ref["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    json params = json::object();
    for (const auto& k : keys) params[k] = c[k];
    std::vector<float> input = c["input"].get<std::vector<float>>();
    InputSpec in = audio_input(c["sample_rate_hz"], input.size());
    ASSERT_EQ(in.window_frames(), input.size());
    const double frame = std::floor(c["frame_length_s"].get<double>() * c["sample_rate_hz"].get<double>() + 0.5);
    const bool one_frame_normalised = c.value("mean_normalize", false) && c["frames"] == 1;
    if (frame > c["fft_length"].get<double>() || one_frame_normalised) {
      EXPECT_THROW(make_dsp_block({type, type, {}, params}, in, 1, "impulse.dsp[0]"), Error);
      ++refused;
      continue;
    }
    auto block = make_dsp_block({type, type, {}, params}, in, 1, "impulse.dsp[0]");
    EXPECT_EQ(block->output_shape(), (std::vector<size_t>{c["frames"].get<size_t>(), columns_of(c)}));
    std::vector<float> out(block->output_size());
    BlockInput w;
    w.window = input.data();
    w.frames = input.size();
    w.axes = 1;
    block->run(w, out.data());
    EXPECT_LE(test::max_relative_error(out, c["expected"].get<std::vector<double>>()), 1e-4);
    ++compared;
  }
  EXPECT_GT(compared, 10u);
  EXPECT_EQ(refused > 0, some_refused);
}

const std::vector<std::string> kFraming = {"frame_length_s", "frame_stride_s", "fft_length", "preemphasis", "window"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string error_of(const std::string& type, const json& params, const InputSpec& in, size_t axes = 1) {
  try {
    make_dsp_block({type, type, {}, params}, in, axes, "impulse.dsp[0]");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AudioBlocks, MfccAdapterMatchesNumpy) {
  check_against_reference("mfcc.py", "mfcc",
                          with(kFraming, {"num_filters", "low_hz", "high_hz", "num_cepstral", "cep_lifter", "mean_normalize"}),
                          [](const json& c) { return c["num_cepstral"].get<size_t>(); }, true);
}

TEST(AudioBlocks, MfeAdapterMatchesNumpy) {
  check_against_reference("mfe.py", "mfe", with(kFraming, {"num_filters", "low_hz", "high_hz", "noise_floor_db", "scale"}),
                          [](const json& c) { return c["num_filters"].get<size_t>(); }, false);
}

TEST(AudioBlocks, SpectrogramAdapterMatchesNumpy) {
  check_against_reference("spectrogram.py", "spectrogram", with(kFraming, {"noise_floor_db", "scale"}),
                          [](const json& c) { return c["fft_length"].get<size_t>() / 2 + 1; }, true);
}

TEST(AudioBlocks, DefaultsShapesAndDeviceCost) {
  // One second of 16 kHz audio with every default: 20 ms frames -> 320 samples -> a 512-point FFT.
  InputSpec in = audio_input(16000, 16000);
  auto mfcc = make_dsp_block({"mfcc", "mfcc", {}, json::object()}, in, 1, "impulse.dsp[0]");
  json p = mfcc->params();
  EXPECT_EQ(p["fft_length"], 512);
  EXPECT_EQ(p["num_filters"], 32);
  EXPECT_EQ(p["num_cepstral"], 13);
  EXPECT_EQ(p["window"], "hamming");
  EXPECT_EQ(mfcc->output_shape(), (std::vector<size_t>{50, 13}));  // stride 20 ms: 1 + (16000 - 320) / 320
  // Scratch: log mel energies (32) + the FFT's buffer (512; the frame goes in packed, the power comes out in it).
  EXPECT_EQ(mfcc->scratch_bytes(), (32u + 512u) * 4u);
  EXPECT_EQ(mfcc->output_bytes(), 50u * 13u * 4u);
  EXPECT_EQ(mfcc->ram_bytes(), mfcc->scratch_bytes() + mfcc->output_bytes());
  // Flash: twiddles (2 x 256 floats + 256 indices), Hamming (320), DCT (13 x 32), lifter (13), mel table.
  MelFilterbankTable mel = build_mel_filterbank(32, 512, 16000, 0, 8000);
  EXPECT_EQ(mfcc->flash_bytes(), 256u * 8u + 256u * 2u + 320u * 4u + 13u * 32u * 4u + 13u * 4u + 32u * 4u +
                                     mel.weights.size() * 4u);

  // The scratch it reports is exactly what the runtime function asks for.
  RfftTableData fft = make_rfft_tables(512);
  std::vector<float> hamming = build_hamming_window(320), dct = build_dct2_ortho(13, 32), lifter = build_lifter(13, 22);
  dsp::MfccConfig cfg{};
  cfg.frames = {16000.0f, 0.02f, 0.02f, 0.98f, hamming.data(), fft.view()};
  cfg.mel = mel.view();
  cfg.num_cepstral = 13;
  cfg.dct = dct.data();
  cfg.lifter = lifter.data();
  cfg.mean_normalize = true;
  EXPECT_EQ(mfcc->scratch_bytes(), dsp::mfcc_scratch_bytes(cfg));
  std::vector<float> signal(16000), want(650), got(650), scratch(dsp::mfcc_scratch_bytes(cfg) / 4);
  for (size_t i = 0; i < signal.size(); ++i) signal[i] = static_cast<float>(0.3 * std::sin(0.05 * double(i)) + 0.01 * std::sin(1.7 * double(i * i % 977)));
  ASSERT_EQ(dsp::mfcc_f32(cfg, signal.data(), signal.size(), want.data(), want.size(), scratch.data(), scratch.size() * 4), MOTE_OK);
  BlockInput w;
  w.window = signal.data();
  w.frames = signal.size();
  w.axes = 1;
  mfcc->run(w, got.data());
  EXPECT_EQ(got, want);  // the adapter is the runtime function with these tables, bit for bit

  auto mfe = make_dsp_block({"mfe", "mfe", {}, json::object()}, in, 1, "impulse.dsp[0]");
  EXPECT_EQ(mfe->output_shape(), (std::vector<size_t>{99, 40}));  // stride 10 ms: 1 + (16000 - 320) / 160
  EXPECT_EQ(mfe->scratch_bytes(), 512u * 4u);
  auto spec = make_dsp_block({"spectrogram", "spectrogram", {}, json::object()}, in, 1, "impulse.dsp[0]");
  EXPECT_EQ(spec->output_shape(), (std::vector<size_t>{99, 257}));
  EXPECT_EQ(spec->scratch_bytes(), 512u * 4u);
  EXPECT_EQ(spec->flash_bytes(), 256u * 8u + 256u * 2u + 320u * 4u);
}

TEST(AudioBlocks, ParameterErrorsNameTheFieldAndTheFix) {
  InputSpec in = audio_input(16000, 16000);
  auto has = [](const std::string& err, const std::string& part) {
    return err.find(part) != std::string::npos ? ::testing::AssertionSuccess()
                                               : ::testing::AssertionFailure() << "'" << err << "' lacks '" << part << "'";
  };
  EXPECT_EQ(error_of("mfcc", json::object(), in), "");
  EXPECT_TRUE(has(error_of("mfcc", {{"fft_length", 256}}, in),
                  "impulse.dsp[0].params.fft_length: 256 is shorter than a frame (320 samples); use 512"));
  EXPECT_TRUE(has(error_of("mfcc", {{"fft_length", 500}}, in), "params.fft_length: 500 is not a power of two"));
  EXPECT_TRUE(has(error_of("mfcc", json::object(), in, 3), "impulse.dsp[0].axes: mfcc reads one axis but gets 3"));
  EXPECT_TRUE(has(error_of("mfcc", {{"high_hz", 9000}}, in), "params.high_hz: 9000 is above half the sampling rate"));
  EXPECT_TRUE(has(error_of("mfcc", {{"low_hz", 5000}, {"high_hz", 4000}}, in), "params.low_hz: 5000 must be below high_hz"));
  EXPECT_TRUE(has(error_of("mfcc", {{"num_cepstral", 40}}, in), "params.num_cepstral: 40 is more than num_filters (32)"));
  EXPECT_TRUE(has(error_of("mfcc", {{"num_filters", 200}}, in), "params.num_filters: 200 is out of range; use 2 to 128"));
  EXPECT_TRUE(has(error_of("mfe", {{"fft_length", 32}, {"frame_length_s", 0.002}, {"num_filters", 20}}, in),
                  "params.num_filters: 20 filters over 17 FFT bins"));
  EXPECT_TRUE(has(error_of("mfcc", {{"num_ceps", 12}}, in), "params.num_ceps: unknown parameter"));
  EXPECT_TRUE(has(error_of("spectrogram", {{"window", "hann"}}, in), "params.window: 'hann' is not one of hamming, none"));
  EXPECT_TRUE(has(error_of("mfe", {{"noise_floor_db", 20}}, in), "params.noise_floor_db: 20 is out of range"));
  EXPECT_EQ(error_of("mfe", {{"noise_floor_db", 20}, {"scale", "db"}}, in), "");
  EXPECT_TRUE(has(error_of("spectrogram", {{"frame_length_s", 0.5}}, in), "holds 8000 samples, more than the longest FFT"));
  // A window shorter than one frame, and MFCC normalising its only frame away.
  InputSpec tiny = audio_input(16000, 200);
  EXPECT_TRUE(has(error_of("mfe", json::object(), tiny),
                  "impulse.input.window_ms: the window holds 200 samples, shorter than one mfe frame (320)"));
  InputSpec one = audio_input(16000, 400);
  EXPECT_TRUE(has(error_of("mfcc", json::object(), one), "params.mean_normalize: one frame per window"));
  EXPECT_EQ(error_of("mfcc", {{"mean_normalize", false}}, one), "");
  InputSpec image;
  image.type = InputType::Image;
  EXPECT_TRUE(has(error_of("mfcc", json::object(), image), "impulse.dsp[0].type: mfcc needs a time-series input"));
  EXPECT_TRUE(has(error_of("wavelet", json::object(), in), "impulse.dsp[0].type: unknown DSP block 'wavelet'; mote has raw, flatten, "
                                                          "spectral, image, mfcc, mfe, spectrogram"));
}
