// A model file given on the command line instead of a project's trained block (`mote profile|deploy|classify
// MODEL.tflite|.onnx`): loaded (int8 as is; float32 quantized by mote's PTQ on calibration inputs the user gives),
// packaged (cpp, arduino, firmware) and run on inputs read from .npy or raw int8 files.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ir/qmodel.h"

namespace mote::deploy {

// A model file as read: an int8 .tflite (q, exact) or a float32 .tflite/.onnx (f, still to be quantized).
struct ModelFile {
  bool quantized = false;
  ir::QModel q;
  ir::Model f;
  std::string format;  // "tflite" | "onnx"
};
// Throws mote::Error naming the file when its extension or contents are not a model mote reads.
ModelFile read_model_file(const std::filesystem::path& file);
// The same from a file's bytes (an upload); `name` gives the format by its extension and prefixes errors.
ModelFile parse_model_file(const std::string& bytes, const std::string& name);

// The model as int8. A float model needs `calibration` (read_calibration: a .npy or a folder of them); an
// int8 one ignores it. Throws mote::Error naming the file and what to pass.
ir::QModel load_model_file(const std::filesystem::path& file, const std::filesystem::path& calibration = {});

// Calibration inputs for a float model with `row` inputs: one .npy (N x row values) or a folder whose .npy
// files (in name order) each hold whole rows.
std::vector<std::vector<float>> read_calibration(const std::filesystem::path& path, size_t row);

// The file's stem as a C++ identifier (letters, digits, _; a leading digit gets "m_"): the package name.
std::string model_identifier(const std::filesystem::path& file);

// A .npy array (version 1-3 header, little-endian float32/float64/int8, C order) whose size is a multiple of
// `row`, as rows of floats; throws mote::Error naming the file and the field (dtype, shape, order) that is wrong.
std::vector<std::vector<float>> read_npy_rows(const std::filesystem::path& file, size_t row);

// The model's int8 inputs from a file: .npy of real values (quantized with the model's input quantization,
// as the device's input() expects) or raw bytes (.bin: N x input size int8).
std::vector<int8_t> read_model_inputs(const ir::QModel& q, const std::filesystem::path& file);

// `mote deploy MODEL --format cpp|arduino|firmware -o OUT`: the model alone as a CMake library, an Arduino
// library, or a Cortex-M4 ELF (with its sources and a run line). Same contract as the project formats: OUT
// must not exist or be empty, nothing is left on failure.
nlohmann::json deploy_model_file(const ir::QModel& q, const std::string& name, const std::string& format,
                                 const std::filesystem::path& out);

}  // namespace mote::deploy
