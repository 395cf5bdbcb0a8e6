#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "core/error.h"
#include "core/files.h"
#include "impulse/blocks/params.h"
#include "impulse/features.h"
#include "learn/pipeline.h"

namespace mote::cli {

namespace {

void show(Project& p, bool json) {
  std::vector<std::string> why;
  ImpulseSpec spec = load_impulse(p, &why);
  Impulse impulse(spec, impulse_axes(p, spec));
  if (json) {
    nlohmann::json blocks = nlohmann::json::array();
    for (size_t i = 0; i < impulse.blocks().size(); ++i)
    {
      const DspBlock& b = *impulse.blocks()[i];
      blocks.push_back({{"name", spec.dsp[i].name}, {"type", spec.dsp[i].type}, {"features", b.output_size()},
                        {"shape", b.output_shape()}, {"scratch_bytes", b.scratch_bytes()},
                        {"output_bytes", b.output_bytes()}, {"ram_bytes", b.ram_bytes()}, {"flash_bytes", b.flash_bytes()}});
    }
    print_json({{"impulse", impulse_to_json(impulse.spec())}, {"why", why}, {"features_per_window", impulse.width()},
                {"blocks", blocks}, {"hash", impulse.hash()}});
    return;
  }
  std::cout << impulse_to_json(impulse.spec()).dump(2) << "\n";
  if (!why.empty()) {
    std::cout << "suggested from the data:\n";
    for (auto& w : why) std::cout << "  - " << w << "\n";
  }
  const InputSpec& in = spec.input;
  if (in.type == InputType::TimeSeries)
    std::printf("input: %.0f ms windows every %.0f ms at %.4g Hz (%zu frames x %zu axes)\n", in.window_ms, in.stride_ms,
                in.frequency_hz, in.window_frames(), impulse.axes());
  else
    std::printf("input: images resized to %ux%u (%s), %s\n", in.width, in.height, in.resize.c_str(), in.color.c_str());
  for (size_t i = 0; i < impulse.blocks().size(); ++i) {
    const DspBlock& b = *impulse.blocks()[i];
    std::string shape;
    for (size_t d : b.output_shape()) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
    std::printf("dsp %-12s %6zu features (%s); device RAM %zu bytes (scratch %zu + output %zu), tables %zu bytes of flash\n",
                spec.dsp[i].name.c_str(), b.output_size(), shape.c_str(), b.ram_bytes(), b.scratch_bytes(),
                b.output_bytes(), b.flash_bytes());
  }
  for (auto& b : spec.learn) {
    std::string inputs;
    for (auto& d : b.inputs) inputs += (inputs.empty() ? "" : ", ") + d;
    std::printf("learn %-10s %s <- %s\n", b.name.c_str(), b.type.c_str(), inputs.c_str());
  }
}

}  // namespace

void register_impulse(CLI::App& app, Context& ctx) {
  static bool json = false;
  static std::string file;
  auto* cmd = app.add_subcommand("impulse", "Show or set the impulse (input window, DSP and learning blocks)");
  cmd->add_flag("--json", json, "Print as JSON");
  cmd->callback([&ctx] {
    if (ctx.run) return;
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      show(p, json);
    };
  });
  auto* show_cmd = cmd->add_subcommand("show", "Print the impulse (a suggested one if none is set) and why");
  show_cmd->add_flag("--json", json, "Print as JSON");
  show_cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      show(p, json);
    };
  });
  auto* set = cmd->add_subcommand("set", "Check an impulse JSON file and make it the project's");
  set->add_option("FILE", file, "Impulse JSON ({input, dsp, learn}; see mote impulse show)")->required();
  set->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(read_file(file, 16u << 20));
      } catch (const nlohmann::json::parse_error& e) {
        throw error_at(file, "not valid JSON at byte " + std::to_string(e.byte) + "; fix the file");
      }
      if (j.contains("impulse")) j = j["impulse"];
      save_impulse(p, parse_impulse(j));
      std::cout << "impulse set from " << file << "\n";
      show(p, false);
    };
  });
  auto* schema = cmd->add_subcommand("schema", "Every block's parameters: type, range, default, unit, help (the docs/blocks.md tables)");
  schema->add_flag("--json", json, "Print as JSON (what GET /api/blocks/schema serves)");
  schema->callback([&ctx] {
    ctx.run = [] {
      nlohmann::json j = blocks::schemas_json();
      j["learn"] = nlohmann::json::array();
      for (const auto* s : learn::learn_schemas()) j["learn"].push_back(s->to_json());
      if (json) print_json(j);
      else std::cout << blocks::schemas_markdown() << blocks::schemas_markdown(learn::learn_schemas());
    };
  });
}

}  // namespace mote::cli
