// `mote deploy` formats: one registry (formats.def) maps a name to its writer. Adding a format is one line
// in formats.def plus its writer in src/deploy/format_<name>.cpp (see README.md).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deploy/impulse_codegen.h"
#include "store/project.h"

namespace mote::deploy {

// What a writer gets: the project (for formats that need more than the impulse, e.g. test windows), the
// impulse ready for a device, its generated sources, and one testing window with the host's results.
struct DeployContext {
  Project* project = nullptr;
  DeployableImpulse impulse;
  GeneratedImpulse generated;
  TestWindows example;          // one window
  WindowResult example_result;  // the host's int8 results for it
  std::string target = "cortex-m4";  // --target: the device of formats that build for one (firmware)
};
DeployContext prepare_deploy(Project& p);

// A writer fills `out` (which must not exist or be empty; nothing is left on failure) and returns its report.
using FormatWriter = nlohmann::json (*)(const DeployContext& ctx, const std::filesystem::path& out);

#define MOTE_DEPLOY_FORMAT(name, writer, help) nlohmann::json writer(const DeployContext& ctx, const std::filesystem::path& out);
#include "deploy/formats.def"
#undef MOTE_DEPLOY_FORMAT

struct DeployFormat {
  const char* name;
  FormatWriter write;
  const char* help;
};
const std::vector<DeployFormat>& deploy_formats();

// Runs the named format for `target` (targets/targets.def; used by firmware); throws mote::Error listing the
// formats when the name is unknown.
nlohmann::json deploy(Project& p, const std::string& format, const std::filesystem::path& out,
                      const std::string& target = "cortex-m4");

// The lines the example programs print for a result (host and device print them alike): one per label,
// "<label> <score %.9g> <int8>", then "anomaly <score %.9g>".
std::vector<std::string> result_lines(const DeployContext& ctx, const WindowResult& r);

}  // namespace mote::deploy
