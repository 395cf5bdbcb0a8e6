// The profile job: `mote profile --target T` from the studio (QEMU; RAM, flash, instructions per stage,
// parity). params {windows: N (default 8), target: T (default cortex-m4) or board: B (its core; the result
// adds board_fit)}; the report also goes to out/profile-<target>.json.
#include <sstream>

#include "core/error.h"
#include "deploy/boards.h"
#include "deploy/firmware.h"
#include "deploy/profile.h"
#include "serve/job_kinds.h"

namespace mote::serve {

nlohmann::json run_profile_job(JobContext& ctx) {
  deploy::ProfileOptions o;
  int windows = ctx.params().value("windows", 8);
  if (windows < 1 || windows > 64) throw Error("params.windows: expected 1..64 testing windows");
  o.windows = static_cast<size_t>(windows);
  o.target = ctx.params().value("target", std::string("cortex-m4"));
  const deploy::Board* board = nullptr;
  if (ctx.params().contains("board")) {  // a board profiles on its core
    if (!ctx.params()["board"].is_string()) throw Error("params.board: expected a board name (GET /api/boards)");
    board = &deploy::find_board(ctx.params()["board"].get<std::string>());
    o.target = board->target;
  }
  const deploy::Target& t = deploy::find_target(o.target);  // an unknown name fails before any work
  ctx.log(std::string("profile: building the impulse and an empty firmware for ") + t.help + ", then running both under QEMU");
  ctx.check_cancelled();
  deploy::CancelExternalTools stop_tools([&ctx] { return ctx.cancelled(); });  // QEMU is killed, not awaited
  nlohmann::json r;
  try {
    r = deploy::profile_impulse(ctx.project(), o);
  } catch (const Error&) {
    ctx.check_cancelled();  // a killed tool's error is the cancellation
    throw;
  }
  if (board)
    r["board_fit"] = deploy::board_fit(*board, r["impulse"]["ram_bytes"].get<long>(), r["impulse"]["flash_bytes"].get<long>(), r["instructions"]);
  std::istringstream table(deploy::profile_table(r) + (board ? deploy::board_fit_table(r["board_fit"]) : ""));
  for (std::string line; std::getline(table, line);) ctx.log(line);
  ctx.progress(1.0);
  return r;
}

}  // namespace mote::serve
