// `mote deploy --format F -o OUT [--target T]` and `mote profile --target T | --board B`: a trained impulse to a device.
#include <cstdio>

#include "cli/cli.h"
#include "core/error.h"
#include "deploy/boards.h"
#include "deploy/formats.h"
#include "deploy/model_formats.h"
#include "deploy/model_file.h"
#include "deploy/model_profile.h"
#include "deploy/profile.h"
#include "deploy/targets.h"

namespace mote::cli {

namespace {

std::string targets_help() {
  std::string h = "Device (targets/targets.def):";
  for (const auto& t : deploy::targets()) h += std::string(" ") + t.name + (std::string(t.name) == "cortex-m4" ? " (default)" : "");
  return h;
}

}  // namespace

void register_deploy(CLI::App& app, Context& ctx) {
  static std::string format, out, model, calibration, target = "cortex-m4";
  static bool json = false;
  std::string help = "Package the trained impulse for a device; formats:";
  for (const auto& f : deploy::deploy_formats()) help += std::string(" ") + f.name;
  for (const auto& m : deploy::model_formats()) help += std::string(" ") + m.name;
  auto* cmd = app.add_subcommand("deploy", help);
  std::string fhelp;
  for (const auto& f : deploy::deploy_formats()) fhelp += std::string(fhelp.empty() ? "" : "; ") + f.name + ": " + f.help;
  for (const auto& m : deploy::model_formats()) fhelp += std::string("; ") + m.name + ": " + m.help;
  cmd->add_option("--format", format, fhelp)->required();
  cmd->add_option("-o,--output", out, "Output folder (must not exist or be empty)")->required();
  cmd->add_option("--target", target, targets_help() + "; for --format firmware")
      ->check(CLI::IsMember(deploy::target_names()));
  cmd->add_flag("--json", json, "Print the report as JSON");
  cmd->add_option("model", model, "A .tflite or .onnx model to package alone (formats cpp, arduino, firmware; no project needed)");
  cmd->add_option("--calibration", calibration, "With a float model: a .npy of representative inputs to quantize it");
  cmd->callback([&ctx] { ctx.run = [&ctx] {
    if (!model.empty()) {
      const auto q = deploy::load_model_file(model, calibration);
      auto r = deploy::deploy_model_file(q, deploy::model_identifier(model), format, out);
      if (json) return print_json(r);
      std::printf("deployed %s as %s into %s (%zu files)\n", model.c_str(), format.c_str(), out.c_str(), r["files"].get<size_t>());
      if (r.contains("run")) std::printf("  run: %s\n", r["run"].get<std::string>().c_str());
      return;
    }
    Project p = ctx.open_project();
    auto r = deploy::deploy(p, format, out, target);
    if (json) return print_json(r);
    if (!r.contains("impulse_hash")) {  // a model-only format: one file
      std::printf("wrote %s/%s%s (%s, %zu bytes) from block '%s'\n", out.c_str(), r["block"].get<std::string>().c_str(),
                  format == "tflite" ? ".tflite" : ".onnx", format == "tflite" ? "int8 TFLite" : "float ONNX",
                  r.value("bytes", size_t{0}), r["block"].get<std::string>().c_str());
      return;
    }
    std::printf("deployed impulse %s as %s into %s (%d files)\n", r["impulse_hash"].get<std::string>().c_str(), format.c_str(),
                out.c_str(), r["files"].get<int>());
    if (r.contains("build")) std::printf("  build: %s\n", r["build"].get<std::string>().c_str());
    if (r.contains("run")) std::printf("  run: %s\n", r["run"].get<std::string>().c_str());
    std::printf("  its example classifies a testing window ('%s'); the host's int8 result:\n",
                r["example"]["label"].get<std::string>().c_str());
    for (auto& l : r["example"]["lines"]) std::printf("    %s\n", l.get<std::string>().c_str());
  }; });
}

namespace {

// `mote profile MODEL.tflite`: an int8 model file alone on the emulated device, inputs random or from a file.
void profile_model_file(const std::string& file, const std::string& calibration, const std::string& inputs_file, size_t random,
                        uint64_t seed, const std::string& work, const std::string& target, const deploy::Board* board,
                        bool json) {
  const ir::QModel q = deploy::load_model_file(file, calibration);
  const std::vector<int8_t> inputs = inputs_file.empty() ? deploy::random_inputs(random, q.input_shape.size(), seed)
                                                         : deploy::read_model_inputs(q, inputs_file);
  deploy::ModelProfileOptions o;
  o.work = work.empty() ? std::filesystem::temp_directory_path() / ("mote-profile-" + std::filesystem::path(file).stem().string())
                        : std::filesystem::path(work);
  o.target = target;
  auto r = deploy::profile_model(q, std::filesystem::path(file).filename().string(), inputs, o);
  r["model"] = file;
  if (board)
    r["board_fit"] = deploy::board_fit(*board, r["ram"]["total_bytes"].get<long>(), r["flash"]["total_bytes"].get<long>(),
                                       {{"inference", r["instructions"]["mean"]}});
  if (json) print_json(r);
  else
    std::printf("%s%s  build: %s\n", deploy::model_profile_table(r).c_str(),
                board ? deploy::board_fit_table(r["board_fit"]).c_str() : "", o.work.string().c_str());
  if (!r["parity"]["ok"].get<bool>()) throw Error("host/device parity failed; see " + (o.work / "profile.json").string());
}

}  // namespace

void register_profile(CLI::App& app, Context& ctx) {
  static std::string target = "cortex-m4", model, inputs_file, work, calibration, board_name;
  static bool json = false;
  static size_t windows = 8, random = 8;
  static uint64_t seed = 1;
  auto* cmd = app.add_subcommand("profile", "RAM, flash, instructions per stage and host/device parity on an emulated device");
  cmd->add_option("model", model, "A .tflite or .onnx model to profile alone (default: the project's impulse)");
  auto* target_opt = cmd->add_option("--target", target, targets_help())->check(CLI::IsMember(deploy::target_names()));
  std::string bhelp = "A board (targets/boards.def): profile on its core, then fits / does not fit its RAM and flash, and the "
                      "latency at its clock:";
  for (const auto& b : deploy::boards()) bhelp += std::string(" ") + b.name;
  cmd->add_option("--board", board_name, bhelp)->excludes(target_opt);
  cmd->add_option("--windows", windows, "Testing windows checked on the device (default 8)")->check(CLI::Range(1, 64));
  cmd->add_option("--inputs", inputs_file, "With a model: its inputs, a .npy of real values or raw int8 bytes (N x input size)");
  cmd->add_option("--calibration", calibration, "With a float model: a .npy of representative inputs to quantize it");
  cmd->add_option("--random", random, "With a model: this many random int8 inputs (default 8)")->check(CLI::Range(1, 4096));
  cmd->add_option("--seed", seed, "With a model: the random inputs' seed (default 1)");
  cmd->add_option("--work", work, "With a model: the build folder (default: a temporary folder named after it)");
  cmd->add_flag("--json", json, "Print the report as JSON");
  cmd->callback([&ctx] { ctx.run = [&ctx] {
    const deploy::Board* board = board_name.empty() ? nullptr : &deploy::find_board(board_name);  // before any work
    if (board) target = board->target;
    if (!model.empty()) return profile_model_file(model, calibration, inputs_file, random, seed, work, target, board, json);
    Project p = ctx.open_project();
    deploy::ProfileOptions o;
    o.windows = windows;
    o.target = target;
    auto r = deploy::profile_impulse(p, o);
    if (board)  // the impulse's own cost: what an application adds by calling it
      r["board_fit"] = deploy::board_fit(*board, r["impulse"]["ram_bytes"].get<long>(), r["impulse"]["flash_bytes"].get<long>(),
                                         r["instructions"]);
    if (json) print_json(r);
    else
      std::printf("%s%s  report: %s\n", deploy::profile_table(r).c_str(),
                  board ? deploy::board_fit_table(r["board_fit"]).c_str() : "",
                  (p.out_dir() / ("profile-" + target + ".txt")).string().c_str());
    if (!r["parity"]["ok"].get<bool>())
      throw Error("host/device parity failed; see " + (p.out_dir() / ("profile-" + target + ".json")).string());
  }; });
}

}  // namespace mote::cli
