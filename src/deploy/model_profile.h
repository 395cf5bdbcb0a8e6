// `mote profile MODEL --target T`: one int8 model alone (an imported .tflite, or any ir::QModel) as firmware
// for target T (deploy/targets.h; default cortex-m4) under QEMU — the generated C++ and the runtime/nn kernels,
// with inputs read at run time from a host file through semihosting (so flash does not depend on them). Reports
// RAM (static + painted stack), flash (whole firmware and minus the same harness around an empty model, with
// and without weights), instructions per invoke(), and parity: every device output against the host executor's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ir/qmodel.h"

namespace mote::deploy {

struct ModelProfileOptions {
  int timeout_s = 900;         // per QEMU run
  std::filesystem::path work;  // build folder (required)
  std::string target = "cortex-m4";  // targets/targets.def
};

// `inputs` holds N inputs of q.input_shape.size() int8 values back to back. Throws mote::Error when the
// toolchain is missing, the model cannot be generated or built, or QEMU fails; parity failures are
// reported (parity.ok = false), not thrown.
nlohmann::json profile_model(const ir::QModel& q, const std::string& model_name, const std::vector<int8_t>& inputs,
                             const ModelProfileOptions& opts);
// Its name from before the targets table (opts.target says the target).
inline nlohmann::json profile_model_cortex_m4(const ir::QModel& q, const std::string& model_name, const std::vector<int8_t>& inputs,
                                              const ModelProfileOptions& opts) {
  return profile_model(q, model_name, inputs, opts);
}

// The proof firmware's main.cpp around generated model `name` (name.h): reads each input of `inputs_file`
// (input_bytes each; relative paths are QEMU's working directory) through semihosting, times invoke() and prints
// "input I status=S instructions=N output=HEX", then the stack peak and "RESULT ok". -DMOTE_EMPTY_MODEL builds the
// same harness around a stub (the baseline).
std::string model_firmware_main(const std::string& name, const std::filesystem::path& inputs_file, size_t input_bytes);

// N random int8 inputs (uniform over [-128, 127]) from a fixed seed, for a model of `input_size` values.
std::vector<int8_t> random_inputs(size_t n, size_t input_size, uint64_t seed);

// The human table of a model profile report.
std::string model_profile_table(const nlohmann::json& r);

}  // namespace mote::deploy
