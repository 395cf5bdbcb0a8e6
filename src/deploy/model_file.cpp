#include "deploy/model_file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "compile/codegen.h"
#include "compile/onnx_reader.h"
#include "compile/tflite_reader.h"
#include "core/error.h"
#include "core/files.h"
#include "core/npy.h"
#include "deploy/arduino_library.h"
#include "deploy/cpp_library.h"
#include "deploy/firmware.h"
#include "deploy/model_profile.h"
#include "deploy/staging.h"
#include "quant/executor.h"
#include "quant/quantize.h"

namespace mote::deploy {

namespace fs = std::filesystem;

std::vector<std::vector<float>> read_npy_rows(const fs::path& file, size_t row) {
  const NpyArray a = parse_npy(read_file(file, uint64_t{1} << 31), file.string());
  if (row == 0 || a.values.empty() || a.values.size() % row != 0)
    throw Error(file.string() + ": shape holds " + std::to_string(a.values.size()) + " values, not a whole number of rows of " +
                std::to_string(row) + " (the model's input size)");
  std::vector<std::vector<float>> rows(a.values.size() / row);
  for (size_t r = 0; r < rows.size(); ++r) {
    rows[r].resize(row);
    for (size_t i = 0; i < row; ++i) {
      const double v = a.values[r * row + i];
      if (!std::isfinite(v)) throw Error(file.string() + ": value " + std::to_string(r * row + i) + " is not finite");
      rows[r][i] = static_cast<float>(v);
    }
  }
  return rows;
}

ModelFile parse_model_file(const std::string& bytes, const std::string& name) {
  const std::string ext = fs::path(name).extension().string();
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  ModelFile m;
  if (ext == ".onnx") {  // float32: always quantized by mote's PTQ
    m.f = compile::read_onnx(data, bytes.size(), name);
    m.format = "onnx";
    return m;
  }
  if (ext != ".tflite")
    throw Error(name + ": mote reads .tflite (int8, or float32 with --calibration) and .onnx (float32, with --calibration) model files");
  auto t = compile::read_tflite(data, bytes.size(), name);
  m.quantized = t.quantized;
  m.q = std::move(t.q);
  m.f = std::move(t.f);
  m.format = "tflite";
  return m;
}

ModelFile read_model_file(const fs::path& file) {
  return parse_model_file(read_file(file, uint64_t{1} << 31), file.string());
}

std::vector<std::vector<float>> read_calibration(const fs::path& path, size_t row) {
  if (!fs::is_directory(path)) return read_npy_rows(path, row);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(path))
    if (e.is_regular_file() && e.path().extension() == ".npy") files.push_back(e.path());
  if (files.empty()) throw Error(path.string() + ": the folder holds no .npy files; put the calibration inputs there as .npy arrays");
  std::sort(files.begin(), files.end());
  std::vector<std::vector<float>> rows;
  for (const auto& f : files)
    for (auto& r : read_npy_rows(f, row)) rows.push_back(std::move(r));
  return rows;
}

ir::QModel load_model_file(const fs::path& file, const fs::path& calibration) {
  ModelFile m = read_model_file(file);
  if (m.quantized) return std::move(m.q);
  if (calibration.empty())
    throw Error(file.string() + ": " + (m.format == "onnx" ? "an ONNX model is float32" : "a float32 model") +
                "; pass --calibration FILE.npy or a folder of them (N x " + std::to_string(m.f.input.size()) +
                " representative inputs" + (m.format == "onnx" ? ", HWC order" : "") + ") so mote can quantize it to int8");
  return quant::quantize(m.f, read_calibration(calibration, m.f.input.size()),
                         quant::QuantizeOptions{false, quant::InputScaling::PerTensor});
}

std::string model_identifier(const fs::path& file) {
  std::string id;
  for (char c : file.stem().string()) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "m_" + id;
  return id;
}

std::vector<int8_t> read_model_inputs(const ir::QModel& q, const fs::path& file) {
  const size_t n = q.input_shape.size();
  if (file.extension() == ".npy") {
    std::vector<int8_t> out;
    for (const auto& row : read_npy_rows(file, n)) {
      const auto x = quant::quantize_input(q, row.data());
      out.insert(out.end(), x.begin(), x.end());
    }
    return out;
  }
  const std::string bytes = read_file(file, uint64_t{1} << 30);
  if (bytes.empty() || bytes.size() % n != 0)
    throw Error(file.string() + ": " + std::to_string(bytes.size()) + " bytes, not a whole number of int8 inputs of " +
                std::to_string(n) + " values; give raw int8 bytes (N x " + std::to_string(n) + ") or a .npy of real values");
  return {bytes.begin(), bytes.end()};
}

namespace {

std::string read_binary(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The model alone as Cortex-M4 firmware: the profile's harness reading inputs.bin from QEMU's working folder.
nlohmann::json deploy_firmware(const ir::QModel& q, const std::string& name, const fs::path& out) {
  const std::string missing = missing_m4_tools();
  if (!missing.empty())
    throw Error("--format firmware needs " + missing + " on PATH; install gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm");
  StagedDir dir(out);  // refuses a non-empty OUT before anything is built
  const compile::GeneratedModel gm = compile::generate_cpp(q, name);
  GeneratedImpulse g;
  g.files = {{name + ".h", gm.header}, {name + ".cpp", gm.source}};
  g.runtime_folders = {"include/", "port/", "nn/"};
  const fs::path tmp = fs::temp_directory_path() / ("mote-model-firmware-" + gm.model_hash + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  write_firmware_sources(tmp / "src", g, model_firmware_main(name, "inputs.bin", q.input_shape.size()));
  Elf elf;
  try {
    elf = build_firmware(tmp / "src", tmp / "build", "firmware", false);
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
  const size_t files = write_tree(dir, tmp / "src", "src");
  dir.write("firmware.elf", read_binary(elf.path));
  const auto inputs = random_inputs(4, q.input_shape.size(), 1);
  dir.write("inputs.bin", std::string(inputs.begin(), inputs.end()));
  const std::string run = "qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none "
                          "-semihosting-config enable=on,target=native -icount shift=0 -kernel firmware.elf";
  dir.write("README.md", "# " + name + " (model " + gm.model_hash + ") as Cortex-M4 firmware (QEMU mps2-an386)\n\n"
            "From this folder: `" + run + "`\n\nIt reads every input of inputs.bin (N x " + std::to_string(q.input_shape.size()) +
            " int8 bytes; 4 random ones are here: replace them with yours) through semihosting, runs " + name +
            "::invoke() on each and prints its instructions and output bytes.\n");
  dir.commit();
  fs::remove_all(tmp);
  return {{"files", files + 3}, {"elf", (out / "firmware.elf").string()}, {"flash_bytes", elf.flash},
          {"static_ram_bytes", elf.static_ram}, {"run", "cd " + out.string() + " && " + run}};
}

}  // namespace

nlohmann::json deploy_model_file(const ir::QModel& q, const std::string& name, const std::string& format, const fs::path& out) {
  nlohmann::json r;
  if (format == "cpp" || format == "arduino") {
    const PackageInfo info = format == "cpp" ? write_cpp_library(q, name, out) : write_arduino_library(q, name, out);
    r = {{"files", info.files}, {"arena_bytes", info.arena_bytes}, {"const_bytes", info.const_bytes}};
  } else if (format == "firmware") {
    r = deploy_firmware(q, name, out);
  } else {
    throw Error("deploy: format '" + format + "' does not take a model file; use cpp, arduino or firmware");
  }
  r["format"] = format;
  r["name"] = name;
  r["output"] = out.string();
  return r;
}

}  // namespace mote::deploy
