// The device targets mote builds proof firmware for and runs under QEMU: one entry of targets/targets.def
// each (name, compiler, CPU flags, QEMU machine, linker script, memory), the board support in targets/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mote::deploy {

struct Target {
  const char* name;           // "cortex-m4"
  const char* arch;           // "arm" or "riscv": targets/<arch>/startup.cpp
  const char* prefix;         // compiler prefix, "arm-none-eabi-"
  const char* cpu_flags;      // "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
  const char* specs;          // libc: "--specs=nano.specs"
  const char* qemu;           // "qemu-system-arm"
  const char* machine;        // QEMU's machine arguments, "-M mps2-an386"
  const char* linker_script;  // in targets/<name>/
  uint64_t flash_origin, flash_bytes, ram_origin, ram_bytes;
  bool fpu, dsp;
  const char* help;
};

// Every target, in the table's order.
const std::vector<Target>& targets();
std::vector<std::string> target_names();
// Throws mote::Error naming the known targets when there is no such target.
const Target& find_target(const std::string& name);
const Target& default_target();  // cortex-m4

// Empty when the target's compiler, size tool and QEMU are on PATH; else what is missing.
std::string missing_tools(const Target& t);
// What to install for the target's tools (Debian packages, scripts/setup).
std::string tool_packages(const Target& t);
// "Cortex-M4F on QEMU mps2-an386 (-icount shift=0: instructions from SysTick)": what a report names.
std::string board_description(const Target& t);
// The QEMU command line that runs `elf` (deterministic -icount shift=0, semihosting on).
std::string qemu_command(const Target& t, const std::string& elf);

}  // namespace mote::deploy
