#include <cstdio>
#include <iostream>
#include <map>

#include "cli/cli.h"
#include "core/error.h"
#include "core/files.h"
#include "core/plot.h"
#include "impulse/features.h"
#include "impulse/projection.h"

namespace mote::cli {

void register_features(CLI::App& app, Context& ctx) {
  static bool json = false, projection = false;
  static std::string plot;
  auto* cmd = app.add_subcommand("features", "Generate (and cache) the DSP features of every sample");
  cmd->add_flag("--json", json, "Print the summary as JSON");
  cmd->add_flag("--projection", projection, "Also compute a 2-D PCA of the features (the feature explorer)");
  cmd->add_option("--plot", plot, "Draw the feature explorer scatter, coloured by label, to this .svg file");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      std::vector<std::string> why;
      bool had_impulse = !p.config()["impulse"].is_null();
      ImpulseSpec spec = load_impulse(p, &why);
      if (!had_impulse && !json) {
        std::cout << "no impulse set; using a suggested one (see mote impulse show):\n";
        for (auto& w : why) std::cout << "  - " << w << "\n";
      }
      Impulse impulse(spec, impulse_axes(p, spec));
      FeatureStats st;
      FeatureTable t = generate_features(p.store(), impulse, {}, json, &st);

      std::map<std::string, std::pair<size_t, size_t>> per_label;  // windows: training, testing
      for (auto& r : t.rows) (r.category == Category::Training ? per_label[r.label].first : per_label[r.label].second)++;
      Projection proj;
      bool want_projection = projection || !plot.empty();
      if (want_projection) proj = project_2d(t);
      if (!plot.empty()) {
        if (std::filesystem::path(plot).extension() != ".svg")
          throw error_at(plot, "the plot is written as SVG; name the file *.svg");
        std::map<std::string, size_t> index;
        std::vector<ScatterSeries> series;
        for (size_t i = 0; i < t.rows.size(); ++i) {
          auto [it, added] = index.emplace(t.rows[i].label, series.size());
          if (added) series.push_back({t.rows[i].label, {}});
          series[it->second].xy.push_back(proj.xy[2 * i]);
          series[it->second].xy.push_back(proj.xy[2 * i + 1]);
        }
        char xl[64], yl[64];
        std::snprintf(xl, sizeof xl, "PC 1 (%.0f %% of variance)", 100 * proj.explained[0]);
        std::snprintf(yl, sizeof yl, "PC 2 (%.0f %% of variance)", 100 * proj.explained[1]);
        write_file_atomic(plot, scatter_svg("Feature explorer: " + std::to_string(t.rows.size()) + " windows, " +
                                                std::to_string(t.width) + " features",
                                            xl, yl, series));
      }
      if (json) {
        nlohmann::json labels = nlohmann::json::object();
        for (auto& [l, c] : per_label) labels[l] = {{"training", c.first}, {"testing", c.second}};
        nlohmann::json out = {{"impulse_hash", impulse.hash()}, {"features_per_window", t.width},
                              {"samples", st.samples}, {"computed", st.computed}, {"cached", st.cached},
                              {"windows", st.windows}, {"seconds", st.seconds}, {"labels", labels}};
        if (want_projection) {
          nlohmann::json pts = nlohmann::json::array();
          for (size_t i = 0; i < t.rows.size(); ++i)
            pts.push_back({{"sample_id", t.rows[i].sample_id}, {"label", t.rows[i].label},
                           {"start_ms", t.rows[i].start_ms}, {"x", proj.xy[2 * i]}, {"y", proj.xy[2 * i + 1]}});
          out["projection"] = {{"explained", {proj.explained[0], proj.explained[1]}}, {"points", pts}};
        }
        print_json(out);
        return;
      }
      std::printf("features: %zu per window, %zu windows from %zu samples (%zu computed, %zu cached) in %.2f s\n",
                  t.width, st.windows, st.samples, st.computed, st.cached, st.seconds);
      std::printf("  %-12s %9s %9s\n", "label", "training", "testing");
      for (auto& [l, c] : per_label) std::printf("  %-12s %9zu %9zu\n", l.c_str(), c.first, c.second);
      if (want_projection)
        std::printf("projection: PCA, the first two components explain %.0f %% and %.0f %% of the variance\n",
                    100 * proj.explained[0], 100 * proj.explained[1]);
      if (!plot.empty()) std::printf("wrote %s\n", plot.c_str());
    };
  });
}

}  // namespace mote::cli
