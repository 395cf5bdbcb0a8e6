#include <map>

#include "impulse/features.h"
#include "impulse/projection.h"
#include "serve/job_kinds.h"

using nlohmann::json;

namespace mote::serve {

json run_features_job(JobContext& ctx) {
  Project& p = ctx.project();
  std::vector<std::string> why;
  bool had_impulse = !p.config()["impulse"].is_null();
  ImpulseSpec spec = load_impulse(p, &why);
  if (!had_impulse) {
    ctx.log("no impulse set; saved a suggested one:");
    for (auto& w : why) ctx.log("  - " + w);
  }
  Impulse impulse(spec, impulse_axes(p, spec));
  ctx.log("impulse " + impulse.hash().substr(0, 12) + ": " + std::to_string(impulse.width()) + " features per window");

  std::vector<Sample> samples = p.store().list(SampleFilter{});
  FeatureTable table;
  table.width = impulse.width();
  FeatureStats total;
  // Chunks of samples: between them the job reports progress and honours cancellation.
  const size_t chunk = 64;
  for (size_t begin = 0; begin < samples.size(); begin += chunk) {
    ctx.check_cancelled();
    size_t end = std::min(samples.size(), begin + chunk);
    SampleFilter f;
    for (size_t i = begin; i < end; ++i) f.ids.push_back(samples[i].id);
    FeatureStats st;
    FeatureTable t = generate_features(p.store(), impulse, f, true, &st);
    table.rows.insert(table.rows.end(), t.rows.begin(), t.rows.end());
    table.data.insert(table.data.end(), t.data.begin(), t.data.end());
    total.samples += st.samples;
    total.computed += st.computed;
    total.cached += st.cached;
    total.seconds += st.seconds;
    ctx.progress(0.9 * static_cast<double>(end) / static_cast<double>(samples.size()));
    ctx.log("features: " + std::to_string(end) + "/" + std::to_string(samples.size()) + " samples (" +
            std::to_string(total.computed) + " computed, " + std::to_string(total.cached) + " cached)");
  }
  ctx.check_cancelled();
  Projection proj = project_2d(table);
  ctx.log("projection: PCA over " + std::to_string(table.rows.size()) + " windows");

  std::map<std::string, std::pair<size_t, size_t>> per_label;  // windows: training, testing
  for (auto& r : table.rows) (r.category == Category::Training ? per_label[r.label].first : per_label[r.label].second)++;
  json labels = json::object();
  for (auto& [l, c] : per_label) labels[l] = {{"training", c.first}, {"testing", c.second}};
  json pts = json::array();
  for (size_t i = 0; i < table.rows.size(); ++i)
    pts.push_back({{"sample_id", table.rows[i].sample_id}, {"label", table.rows[i].label},
                   {"category", category_name(table.rows[i].category)}, {"start_ms", table.rows[i].start_ms},
                   {"x", proj.xy[2 * i]}, {"y", proj.xy[2 * i + 1]}});
  return {{"impulse_hash", impulse.hash()},
          {"features_per_window", table.width},
          {"samples", total.samples},
          {"computed", total.computed},
          {"cached", total.cached},
          {"windows", table.rows.size()},
          {"seconds", total.seconds},
          {"labels", labels},
          {"projection", {{"explained", {proj.explained[0], proj.explained[1]}}, {"points", pts}}}};
}

}  // namespace mote::serve
