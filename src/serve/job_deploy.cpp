// The deploy job: `mote deploy` from the studio. params {format: "cpp" (default) | any deploy format}; the
// package goes to out/deploy/<format> (mote's own folder, replaced on each run) and downloads as a zip from
// GET /api/deploy/<format>/download.
#include <filesystem>

#include "core/error.h"
#include "deploy/firmware.h"
#include "deploy/formats.h"
#include "deploy/model_formats.h"
#include "serve/job_kinds.h"

namespace mote::serve {

nlohmann::json run_deploy_job(JobContext& ctx) {
  Project& p = ctx.project();
  const std::string format = ctx.params().value("format", std::string("cpp"));
  bool known = false;
  for (const auto& f : deploy::deploy_formats()) known = known || format == f.name;
  for (const auto& m : deploy::model_formats()) known = known || format == m.name;
  if (!known) (void)deploy::deploy(p, format, {});  // throws the one-line error listing the formats
  const std::filesystem::path out = p.out_dir() / "deploy" / format;
  ctx.log("deploy: " + format + " into " + out.string());
  std::filesystem::remove_all(out);
  std::filesystem::create_directories(out.parent_path());
  ctx.check_cancelled();
  deploy::CancelExternalTools stop_tools([&ctx] { return ctx.cancelled(); });  // a firmware build is killed, not awaited
  nlohmann::json r;
  try {
    r = deploy::deploy(p, format, out);
  } catch (const Error&) {
    ctx.check_cancelled();  // a killed tool's error is the cancellation
    throw;
  }
  size_t files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(out)) files += e.is_regular_file();
  if (r.contains("impulse_hash")) ctx.log("deploy: impulse " + r["impulse_hash"].get<std::string>());
  ctx.log("deploy: done, " + std::to_string(files) + " files; download: /api/deploy/" + format + "/download");
  r["format"] = format;
  r["download"] = "/api/deploy/" + format + "/download";
  ctx.progress(1.0);
  return r;
}

}  // namespace mote::serve
