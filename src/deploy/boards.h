// Boards (targets/boards.def): a core of targets.def with a clock, RAM and flash, so a QEMU profile of that core
// becomes "fits / does not fit" and a latency: instructions x the core's cycles per instruction / clock.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mote::deploy {

struct CoreCpi {
  const char* target;      // a targets.def name
  double cpi, low, high;   // nominal cycles per instruction and the range believed to hold it
  const char* basis;       // where the figure comes from
};

struct Board {
  const char* name;        // "nano33ble"
  const char* target;      // its core's target, "cortex-m4"
  double clock_hz;
  long ram_bytes, flash_bytes;
  const char* help;
};

const std::vector<Board>& boards();
std::vector<std::string> board_names();
// Throws mote::Error naming the known boards when there is no such board.
const Board& find_board(const std::string& name);
// The core's figure; throws mote::Error when targets/boards.def has none for the target.
const CoreCpi& core_cpi(const std::string& target);

// What one run needs on a board: RAM and flash against the board's, and per stage (name -> instructions per
// window or inference) the latency in ms at the nominal CPI, with the range from the CPI's. JSON:
// {board, target, description, clock_mhz, cpi {nominal, low, high, basis}, ram {needed_bytes, board_bytes, fits},
//  flash {...}, fits, latency_ms {stage: {nominal, low, high}}}.
nlohmann::json board_fit(const Board& b, long ram_needed, long flash_needed, const nlohmann::json& instructions);
// The report's lines for it ("  on nano33ble (...): fits: RAM 2.7 of 256 kB, ...").
std::string board_fit_table(const nlohmann::json& fit);

}  // namespace mote::deploy
