// The deploy job: `mote deploy` from the studio. params {format: "cpp" (default) | any deploy format}; the
// package goes to out/deploy/<format> (mote's own folder, replaced on each run).
#include <filesystem>

#include "core/error.h"
#include "deploy/formats.h"
#include "serve/job_kinds.h"

namespace mote::serve {

nlohmann::json run_deploy_job(JobContext& ctx) {
  Project& p = ctx.project();
  const std::string format = ctx.params().value("format", std::string("cpp"));
  bool known = false;
  for (const auto& f : deploy::deploy_formats()) known = known || format == f.name;
  if (!known) (void)deploy::deploy(p, format, {});  // throws the one-line error listing the formats
  const std::filesystem::path out = p.out_dir() / "deploy" / format;
  ctx.log("deploy: " + format + " into " + out.string());
  std::filesystem::remove_all(out);
  std::filesystem::create_directories(out.parent_path());
  ctx.check_cancelled();
  nlohmann::json r = deploy::deploy(p, format, out);
  ctx.log("deploy: done, impulse " + r["impulse_hash"].get<std::string>() + ", " + std::to_string(r["files"].get<int>()) + " files");
  ctx.progress(1.0);
  return r;
}

}  // namespace mote::serve
