// `mote`: one binary, one subcommand per stage of the flow. Errors are one line on stderr, exit 1.
#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "core/error.h"
#include "learn/pipeline.h"

namespace mote::cli {

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace mote::cli

int main(int argc, char** argv) {
  using namespace mote::cli;
  CLI::App app{"mote: from raw sensor data to a verified model on a microcontroller"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mote ") + MOTE_VERSION);
  Context ctx;
  mote::learn::register_impulse_validator();  // mote impulse set / PUT /api/impulse check learning params
  app.add_option("-C", ctx.dir, "Project folder (default: the current folder)");

  register_init(app, ctx);
  register_import(app, ctx);
  register_samples(app, ctx);
  register_export(app, ctx);
  register_impulse(app, ctx);
  register_features(app, ctx);
  register_train(app, ctx);
  register_test(app, ctx);
  register_classify(app, ctx);
  register_deploy(app, ctx);
  register_profile(app, ctx);
  register_demo(app, ctx);
  register_forward(app, ctx);
  register_upload(app, ctx);
  register_serve(app, ctx);
  register_keys(app, ctx);
  register_export_model(app, ctx);
  register_model(app, ctx);
  register_tune(app, ctx);
  register_version(app, ctx);
  register_migrate(app, ctx);
  register_worker(app, ctx);
  register_user(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (ctx.run) ctx.run();
  } catch (const mote::Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "mote: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mote: internal error: %s (please report this)\n", e.what());
    return 2;
  }
  return 0;
}
