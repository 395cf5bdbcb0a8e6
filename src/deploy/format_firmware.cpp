// --format firmware: an ELF for the --target (deploy/targets.h; default cortex-m4 on QEMU mps2-an386) that runs
// the impulse on embedded testing windows, checks each against the host's results and prints them (the sources
// sit beside it in src/).
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "deploy/firmware.h"
#include "deploy/formats.h"
#include "deploy/staging.h"

namespace mote::deploy {

namespace fs = std::filesystem;

nlohmann::json write_format_firmware(const DeployContext& ctx, const fs::path& out) {
  const Target& t = find_target(ctx.target);
  const std::string missing = missing_tools(t);
  if (!missing.empty()) throw Error("--format firmware --target " + ctx.target + " needs " + missing + " on PATH; install " + tool_packages(t));
  TestWindows tw = testing_windows(*ctx.project, ctx.impulse, 8);
  std::vector<WindowResult> host;
  for (size_t w = 0; w < tw.count; ++w) host.push_back(run_host(ctx.impulse, tw.data.data() + w * tw.values));
  StagedDir dir(out);  // refuses a non-empty OUT before anything is built
  const fs::path tmp = fs::temp_directory_path() / ("mote-firmware-" + ctx.generated.hash + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  write_firmware_sources(tmp / "src", ctx.generated, firmware_main(ctx.generated, tw, host), t);
  Elf elf;
  try {
    elf = build_firmware(tmp / "src", tmp / "build", "firmware", false, "", t);
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
  const size_t files = write_tree(dir, tmp / "src", "src");
  std::ifstream ef(elf.path, std::ios::binary);
  std::ostringstream bin;
  bin << ef.rdbuf();
  dir.write("firmware.elf", bin.str());
  dir.write("README.md", "# mote impulse " + ctx.generated.hash + " as " + t.name + " firmware: " + t.help + "\n\n" +
            qemu_command(t, "firmware.elf") + "\n\n"
            "It runs mote::run_impulse on " + std::to_string(tw.count) + " embedded testing windows, compares features,\n"
            "int8 outputs and anomaly scores with the host's bit for bit, prints them and exits 0 when all agree.\n");
  dir.commit();
  fs::remove_all(tmp);
  return {{"files", files + 2}, {"elf", (out / "firmware.elf").string()}, {"flash_bytes", elf.flash},
          {"static_ram_bytes", elf.static_ram}, {"windows", tw.count}, {"target", t.name},
          {"run", qemu_command(t, (out / "firmware.elf").string())}};
}

}  // namespace mote::deploy
