// DSP + NN firmware: accelerometer windows -> spectral features (runtime/dsp) -> quantize_s8 -> the
// generated classifier, each stage compared bit for bit with the host's results and timed with SysTick.
// The fixture (mote_nn_model_fixture) provides the tables, windows and expected values.
#include <string.h>

#include "accel_impulse.h"
#include "board.h"
#include "dsp/spectral.h"
#include "nn/quantize_s8.h"

namespace fixture {
extern const mote::dsp::SpectralConfig kSpectral;
extern const int kWindows, kWindowValues, kFeatures;
extern const float kSignal[];
extern const uint32_t kFeatureBits[];
extern const int8_t kFeaturesS8[];
extern const int8_t kOutputs[];
extern unsigned char* const kScratch;
extern const size_t kScratchBytes;
}  // namespace fixture

namespace model = accel_impulse;

int main() {
  static float features[64];
  int failures = 0;
  uint64_t dsp_total = 0, nn_total = 0;
  if (fixture::kFeatures > 64 || static_cast<size_t>(fixture::kFeatures) != model::kInputSize) return 2;
  const mote::nn::QuantizeS8Params qp = {fixture::kFeatures, model::kInputScale, model::kInputZeroPoint};
  for (int w = 0; w < fixture::kWindows; ++w) {
    const uint64_t t0 = board::instructions();
    const mote::Status s1 = mote::dsp::spectral_f32(fixture::kSpectral, fixture::kSignal + w * fixture::kWindowValues,
                                                    features, fixture::kFeatures, fixture::kScratch, fixture::kScratchBytes);
    const uint64_t t1 = board::instructions();
    const mote::Status s2 = mote::nn::quantize_s8(qp, features, model::input());
    const bool int8_ok = memcmp(model::input(), fixture::kFeaturesS8 + w * fixture::kFeatures, model::kInputSize) == 0;
    const uint64_t t2 = board::instructions();
    const mote::Status s3 = model::invoke();
    const uint64_t t3 = board::instructions();
    dsp_total += t1 - t0;
    nn_total += t3 - t2 + (t2 - t1);  // quantize + invoke; the memcmp is a few dozen instructions
    const bool features_ok = memcmp(features, fixture::kFeatureBits + w * fixture::kFeatures, 4 * fixture::kFeatures) == 0;
    const bool out_ok = memcmp(model::output(), fixture::kOutputs + w * model::kOutputSize, model::kOutputSize) == 0;
    const bool ok = s1 == mote::MOTE_OK && s2 == mote::MOTE_OK && s3 == mote::MOTE_OK && features_ok && int8_ok && out_ok;
    board::print(ok ? "ok   window " : "FAIL window ");
    board::print_int(w);
    board::print(features_ok ? " features=bit-exact" : " features=DIFFER");
    board::print(int8_ok ? " int8=equal" : " int8=DIFFER");
    board::print(out_ok ? " outputs=equal\n" : " outputs=DIFFER\n");
    failures += ok ? 0 : 1;
  }
  board::print("impulse accel dsp_instructions=");
  board::print_int(static_cast<int64_t>(dsp_total / fixture::kWindows));
  board::print(" nn_instructions=");
  board::print_int(static_cast<int64_t>(nn_total / fixture::kWindows));
  board::print("\nstack_peak_bytes=");
  board::print_int(board::stack_peak_bytes());
  board::print(failures == 0 ? "\nALL OK\n" : "\nMISMATCH\n");
  return failures == 0 ? 0 : 1;
}
