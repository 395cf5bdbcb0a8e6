// Shared state and helpers of the `mote` command; each command registers itself from its own file.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "store/project.h"

namespace mote::cli {

struct Context {
  std::filesystem::path dir = ".";  // -C DIR
  std::function<void()> run;        // the chosen command's action
  Project open_project() const { return Project::open(dir); }
};

// Prints JSON to stdout (pretty) for --json output.
void print_json(const nlohmann::json& j);

// One registration function per command file.
void register_init(CLI::App& app, Context& ctx);
void register_import(CLI::App& app, Context& ctx);
void register_samples(CLI::App& app, Context& ctx);
void register_export(CLI::App& app, Context& ctx);
void register_demo(CLI::App& app, Context& ctx);
void register_impulse(CLI::App& app, Context& ctx);
void register_features(CLI::App& app, Context& ctx);
void register_forward(CLI::App& app, Context& ctx);
void register_upload(CLI::App& app, Context& ctx);
void register_serve(CLI::App& app, Context& ctx);
void register_keys(CLI::App& app, Context& ctx);
void register_train(CLI::App& app, Context& ctx);
void register_test(CLI::App& app, Context& ctx);
void register_classify(CLI::App& app, Context& ctx);
void register_export_model(CLI::App& app, Context& ctx);
void register_model(CLI::App& app, Context& ctx);  // mote model import
void register_tune(CLI::App& app, Context& ctx);   // mote tune, tune-candidate  // to be folded into `deploy --format`
void register_version(CLI::App& app, Context& ctx);  // mote version save|list|show|compare|restore|delete
void register_migrate(CLI::App& app, Context& ctx);  // mote migrate --to postgres://... (store/copy.h)
void register_worker(CLI::App& app, Context& ctx);   // mote worker (serve/worker.h)
void register_user(CLI::App& app, Context& ctx);     // mote user add|list|remove|passwd|grant (serve/users.h)

// `mote serve`'s foreground loop (also ends `mote demo`): prints the studio link, serves until Ctrl-C.
}  // namespace mote::cli
namespace mote::serve {
struct ServeOptions;
}
namespace mote::cli {
void serve_foreground(serve::ServeOptions o, const std::filesystem::path& dir);
void register_deploy(CLI::App& app, Context& ctx);
void register_profile(CLI::App& app, Context& ctx);

}  // namespace mote::cli
