#include "deploy/targets.h"

#include <cstdlib>

#include "core/error.h"

namespace mote::deploy {
namespace {

bool on_path(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> kTargets = {
#define MOTE_TARGET(name, arch, prefix, cpu, specs, qemu, machine, ld, flash_org, flash_bytes, ram_org, ram_bytes, fpu, dsp, help) \
  {name, arch, prefix, cpu, specs, qemu, machine, ld, flash_org, flash_bytes, ram_org, ram_bytes, fpu != 0, dsp != 0, help},
#include "../../targets/targets.def"
#undef MOTE_TARGET
  };
  return kTargets;
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const auto& t : targets()) names.push_back(t.name);
  return names;
}

const Target& find_target(const std::string& name) {
  std::string known;
  for (const auto& t : targets()) {
    if (name == t.name) return t;
    known += std::string(known.empty() ? "" : ", ") + t.name;
  }
  throw Error("unknown target '" + name + "'; the targets are " + known + " (targets/targets.def)");
}

const Target& default_target() { return find_target("cortex-m4"); }

std::string missing_tools(const Target& t) {
  std::string missing;
  const std::string p = t.prefix;
  for (const std::string& tool : {p + "gcc", p + "size", std::string(t.qemu)})
    if (!on_path(tool)) missing += (missing.empty() ? "" : ", ") + tool;
  return missing;
}

std::string tool_packages(const Target& t) {
  return std::string(t.arch) == "riscv" ? "gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf and qemu-system-misc"
                                        : "gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm";
}

std::string board_description(const Target& t) {
  return std::string(t.help) + (std::string(t.arch) == "riscv" ? " (-icount shift=0: instructions from minstret)"
                                                                : " (-icount shift=0: instructions from SysTick, board_config.h)");
}

std::string qemu_command(const Target& t, const std::string& elf) {
  return std::string(t.qemu) + " " + t.machine +
         " -nographic -monitor none -serial none -semihosting-config enable=on,target=native -icount shift=0 -kernel " + elf;
}

}  // namespace mote::deploy
