// `mote profile --target T`: the project's impulse as firmware for target T (deploy/targets.h) under QEMU — RAM, flash,
// instructions per stage (the impulse's own cost: firmware minus the same firmware with an empty impulse),
// and parity: the device's features, int8 outputs and anomaly scores against the host's, window by window.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "store/project.h"

namespace mote::deploy {

struct DeployableImpulse;

struct ProfileOptions {
  size_t windows = 8;      // testing windows checked on the device
  int timeout_s = 60;      // per QEMU run
  std::filesystem::path work;  // build folder (default: <project>/out/profile-<target>)
  std::string target = "cortex-m4";  // targets/targets.def
  const DeployableImpulse* deployable = nullptr;  // profile this (a tuner candidate), not the project's; no report files
};

// Throws mote::Error when the toolchain is missing (naming the packages), a build fails, or QEMU does not
// finish; parity failures are reported (parity.ok = false), not thrown. Writes the report as
// out/profile-<target>.json and .txt.
nlohmann::json profile_impulse(Project& p, const ProfileOptions& opts);

// The human table of a profile report.
std::string profile_table(const nlohmann::json& r);

}  // namespace mote::deploy
