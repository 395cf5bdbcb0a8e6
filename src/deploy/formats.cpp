#include "deploy/formats.h"

#include <cstdio>

#include "core/error.h"
#include "deploy/model_formats.h"

namespace mote::deploy {

const std::vector<DeployFormat>& deploy_formats() {
  static const std::vector<DeployFormat> formats = {
#define MOTE_DEPLOY_FORMAT(name, writer, help) {name, writer, help},
#include "deploy/formats.def"
#undef MOTE_DEPLOY_FORMAT
  };
  return formats;
}

DeployContext prepare_deploy(Project& p) {
  DeployContext ctx;
  ctx.project = &p;
  ctx.impulse = load_deployable(p);
  ctx.generated = generate_impulse(ctx.impulse);
  ctx.example = testing_windows(p, ctx.impulse, 1);
  ctx.example_result = run_host(ctx.impulse, ctx.example.data.data());
  return ctx;
}

nlohmann::json deploy(Project& p, const std::string& format, const std::filesystem::path& out, const std::string& target) {
  std::string names;
  for (const auto& m : model_formats()) {
    if (format == m.name) {
      nlohmann::json j = deploy_model(p, m, out);
      j["format"] = format;
      j["output"] = out.string();
      return j;
    }
  }
  for (const auto& f : deploy_formats()) {
    if (format == f.name) {
      DeployContext ctx = prepare_deploy(p);
      ctx.target = target;
      nlohmann::json j = f.write(ctx, out);
      j["format"] = format;
      j["output"] = out.string();
      j["impulse_hash"] = ctx.generated.hash;
      j["example"] = {{"label", ctx.example.labels.at(0)}, {"lines", result_lines(ctx, ctx.example_result)}};
      return j;
    }
    names += std::string(names.empty() ? "" : ", ") + f.name;
  }
  for (const auto& m : model_formats()) names += std::string(", ") + m.name;
  throw error_at("--format", "'" + format + "' is not a deploy format; use one of " + names);
}

std::vector<std::string> result_lines(const DeployContext& ctx, const WindowResult& r) {
  std::vector<std::string> lines;
  char buf[160];
  for (size_t i = 0; i < r.nn_output.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s %.9g %d", ctx.impulse.labels.at(i).c_str(), static_cast<double>(r.classification[i]),
                  static_cast<int>(r.nn_output[i]));
    lines.push_back(buf);
  }
  if (ctx.impulse.has_anomaly) {
    std::snprintf(buf, sizeof buf, "anomaly %.9g", static_cast<double>(r.anomaly));
    lines.push_back(buf);
  }
  return lines;
}

}  // namespace mote::deploy
