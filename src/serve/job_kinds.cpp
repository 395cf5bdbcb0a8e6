// The job-kind registry: adding a kind is one line here plus its function.
#include "serve/job_kinds.h"

namespace mote::serve {

const std::vector<JobKind>& job_kinds() {
  static const std::vector<JobKind> list = {
      {"features", "generate the DSP features of every sample and their 2-D projection", run_features_job},
      {"train", "train every learning block of the impulse on its features", run_train_job},
      {"test", "evaluate the current models on the testing set", run_test_job},
      {"deploy", "package the trained impulse for a device (params.format: cpp, arduino, firmware, tflite, onnx)", run_deploy_job},
      {"profile", "the impulse on an emulated Cortex-M4 (QEMU): RAM, flash, instructions per stage, parity", run_profile_job},
      {"tune", "search impulses under a device budget (mote tune; params: candidates, time_s, finalists, folds, ram_bytes, ...)", run_tune_job},
      {"tune-candidate", "train and score one tuner candidate (queued by mote tune --distribute; params: impulse, args)", run_tune_candidate_job},
  };
  return list;
}

}  // namespace mote::serve
