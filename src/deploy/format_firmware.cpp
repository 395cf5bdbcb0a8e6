// --format firmware: a Cortex-M4 ELF for QEMU mps2-an386 that runs the impulse on embedded testing windows,
// checks each against the host's results and prints them (the sources sit beside it in src/).
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
  const std::string missing = missing_m4_tools();
  if (!missing.empty())
    throw Error("--format firmware needs " + missing + " on PATH; install gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm");
  TestWindows tw = testing_windows(*ctx.project, ctx.impulse, 8);
  std::vector<WindowResult> host;
  for (size_t w = 0; w < tw.count; ++w) host.push_back(run_host(ctx.impulse, tw.data.data() + w * tw.values));
  StagedDir dir(out);  // refuses a non-empty OUT before anything is built
  const fs::path tmp = fs::temp_directory_path() / ("mote-firmware-" + ctx.generated.hash + "-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  write_firmware_sources(tmp / "src", ctx.generated, firmware_main(ctx.generated, tw, host));
  Elf elf;
  try {
    elf = build_firmware(tmp / "src", tmp / "build", "firmware", false);
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
  const size_t files = write_tree(dir, tmp / "src", "src");
  std::ifstream ef(elf.path, std::ios::binary);
  std::ostringstream bin;
  bin << ef.rdbuf();
  dir.write("firmware.elf", bin.str());
  dir.write("README.md", "# mote impulse " + ctx.generated.hash + " as Cortex-M4 firmware (QEMU mps2-an386)\n\n"
            "qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \\\n"
            "  -semihosting-config enable=on,target=native -icount shift=0 -kernel firmware.elf\n\n"
            "It runs mote::run_impulse on " + std::to_string(tw.count) + " embedded testing windows, compares features,\n"
            "int8 outputs and anomaly scores with the host's bit for bit, prints them and exits 0 when all agree.\n");
  dir.commit();
  fs::remove_all(tmp);
  return {{"files", files + 2}, {"elf", (out / "firmware.elf").string()}, {"flash_bytes", elf.flash},
          {"static_ram_bytes", elf.static_ram}, {"windows", tw.count},
          {"run", "qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none -semihosting-config enable=on,target=native "
                  "-icount shift=0 -kernel " + (out / "firmware.elf").string()}};
}

}  // namespace mote::deploy
