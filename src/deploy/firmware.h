// The proof firmware of an impulse for a target (deploy/targets.h; default cortex-m4 on QEMU mps2-an386): a
// main that runs the generated impulse on embedded testing windows, compares every stage with the host's
// results, and prints them; built with the target's GCC straight from the embedded runtime and board sources,
// run under the target's QEMU machine with -icount.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "deploy/impulse_codegen.h"
#include "deploy/targets.h"

namespace mote::deploy {

// While one is alive, the external tools this thread starts (the compiler, QEMU) are killed as soon as
// `cancelled` returns true, and the build or run throws mote::Error("cancelled"): a cancelled job or a
// stopping server never waits minutes for a QEMU run.
class CancelExternalTools {
 public:
  explicit CancelExternalTools(std::function<bool()> cancelled);
  ~CancelExternalTools();
  CancelExternalTools(const CancelExternalTools&) = delete;
  CancelExternalTools& operator=(const CancelExternalTools&) = delete;

 private:
  std::function<bool()> previous_;
};

// Runs `command` with /bin/sh in its own process group, stdout and stderr into `log`; returns its exit
// status (128 + signal when killed by one). Honours CancelExternalTools.
int run_tool(const std::string& command, const std::filesystem::path& log);

// missing_tools(default_target()): empty when arm-none-eabi-gcc, -size and qemu-system-arm are on PATH.
std::string missing_m4_tools();

// The firmware's main.cpp: windows and the host's features, int8 outputs and anomaly scores for them.
// Built with -DMOTE_EMPTY_IMPULSE it keeps the same test data but never calls the impulse (the baseline).
std::string firmware_main(const GeneratedImpulse& g, const TestWindows& tw, const std::vector<WindowResult>& host);

// Writes the firmware sources (runtime subset, the target's board support, generated impulse, main) under `dir`.
void write_firmware_sources(const std::filesystem::path& dir, const GeneratedImpulse& g, const std::string& main_cpp,
                            const Target& t = default_target());

struct Elf {
  std::filesystem::path path;
  size_t flash = 0, static_ram = 0;  // sections in the target's flash region + .data's image; .data+.bss
};
// Compiles the sources in `src` (write_firmware_sources) into `build`/<name>.elf: the impulse firmware
// and, with empty, the baseline; `defines` adds compiler flags (e.g. -DMOTE_PROFILE_NN: the classifier's
// invoke() timed alone). Throws mote::Error with the compiler's message on failure.
Elf build_firmware(const std::filesystem::path& src, const std::filesystem::path& build, const std::string& name, bool empty,
                   const std::string& defines = "", const Target& t = default_target());

// What a proof firmware printed: the key=value tokens of each line starting with `row_prefix` ("window ",
// "input "), the painted stack peak (-1 when absent) and whether it ended with "RESULT ok".
struct FirmwareOutput {
  std::vector<std::map<std::string, std::string>> rows;
  long stack_peak = -1;
  bool result_ok = false;
};
FirmwareOutput parse_firmware_output(const std::string& text, const std::string& row_prefix);

// Runs the ELF under QEMU (-icount shift=0, at most timeout_s seconds); returns its semihosting output.
// *exit_status: QEMU's exit status (the firmware's code; 124 on timeout).
std::string run_qemu(const std::filesystem::path& elf, int timeout_s, int* exit_status, const Target& t = default_target());

}  // namespace mote::deploy
