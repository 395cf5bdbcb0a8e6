#include <cstdio>

#include "cli/cli.h"
#include "learn/pipeline.h"

namespace mote::cli {

void register_train(CLI::App& app, Context& ctx) {
  static bool json = false;
  auto* cmd = app.add_subcommand("train", "Train every learning block of the impulse (classifier, regression, kmeans, gmm)");
  cmd->add_flag("--json", json, "Print the summary as JSON (no progress)");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      learn::TrainOptions o;
      o.quiet = json;
      learn::TrainReport r = learn::train_impulse(p, o);
      if (json) {
        nlohmann::json blocks = nlohmann::json::array();
        for (auto& b : r.blocks) blocks.push_back({{"name", b.name}, {"type", b.type}, {"metrics", b.metrics}});
        print_json({{"blocks", blocks}, {"seconds", r.seconds}, {"windows", r.features.windows}});
        return;
      }
      std::printf("trained %zu learning block(s) in %.1f s; evaluate with: mote test\n", r.blocks.size(), r.seconds);
    };
  });
}

}  // namespace mote::cli
