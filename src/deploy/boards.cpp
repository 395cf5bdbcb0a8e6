#include "deploy/boards.h"

#include <cstdio>

#include "core/error.h"
#include "deploy/targets.h"

namespace mote::deploy {
namespace {

struct Tables {
  std::vector<CoreCpi> cpi;
  std::vector<Board> boards;
};

const Tables& tables() {
  static const Tables kTables = [] {
    Tables t;
#define MOTE_CORE_CPI(target_, cpi_, low_, high_, basis_) t.cpi.push_back({target_, cpi_, low_, high_, basis_});
#define MOTE_BOARD(name_, target_, clock_, ram_, flash_, help_) \
  t.boards.push_back({name_, target_, static_cast<double>(clock_), ram_, flash_, help_});
#include "../../targets/boards.def"
#undef MOTE_BOARD
#undef MOTE_CORE_CPI
    return t;
  }();
  return kTables;
}

}  // namespace

const std::vector<Board>& boards() { return tables().boards; }

std::vector<std::string> board_names() {
  std::vector<std::string> names;
  for (const auto& b : boards()) names.push_back(b.name);
  return names;
}

const Board& find_board(const std::string& name) {
  std::string known;
  for (const auto& b : boards()) {
    if (name == b.name) return b;
    known += std::string(known.empty() ? "" : ", ") + b.name;
  }
  throw Error("unknown board '" + name + "'; the boards are " + known + " (targets/boards.def)");
}

const CoreCpi& core_cpi(const std::string& target) {
  for (const auto& c : tables().cpi)
    if (target == c.target) return c;
  throw Error("targets/boards.def has no cycles per instruction for target '" + target + "'; add a MOTE_CORE_CPI line");
}

nlohmann::json board_fit(const Board& b, long ram_needed, long flash_needed, const nlohmann::json& instructions) {
  const CoreCpi& c = core_cpi(b.target);
  nlohmann::json latency = nlohmann::json::object();
  for (const auto& [stage, n] : instructions.items()) {
    if (!n.is_number()) continue;
    const double ms = n.get<double>() / b.clock_hz * 1000.0;
    latency[stage] = {{"nominal", ms * c.cpi}, {"low", ms * c.low}, {"high", ms * c.high}};
  }
  const bool ram_fits = ram_needed <= b.ram_bytes, flash_fits = flash_needed <= b.flash_bytes;
  return {{"board", b.name}, {"target", b.target}, {"description", b.help}, {"clock_mhz", b.clock_hz / 1e6},
          {"cpi", {{"nominal", c.cpi}, {"low", c.low}, {"high", c.high}, {"basis", c.basis}}},
          {"ram", {{"needed_bytes", ram_needed}, {"board_bytes", b.ram_bytes}, {"fits", ram_fits}}},
          {"flash", {{"needed_bytes", flash_needed}, {"board_bytes", b.flash_bytes}, {"fits", flash_fits}}},
          {"fits", ram_fits && flash_fits}, {"latency_ms", latency}};
}

std::string board_fit_table(const nlohmann::json& fit) {
  char buf[512];
  std::string s;
  auto kb = [](const nlohmann::json& m, const char* k) { return m[k].get<long>() / 1024.0; };
  const auto &ram = fit["ram"], &flash = fit["flash"];
  std::snprintf(buf, sizeof buf, "  on %s: %s\n    RAM %.1f of %.0f kB (%s), flash %.1f of %.0f kB (%s)\n",
                fit["description"].get<std::string>().c_str(), fit["fits"].get<bool>() ? "FITS" : "DOES NOT FIT",
                kb(ram, "needed_bytes"), kb(ram, "board_bytes"), ram["fits"].get<bool>() ? "fits" : "does not fit",
                kb(flash, "needed_bytes"), kb(flash, "board_bytes"), flash["fits"].get<bool>() ? "fits" : "does not fit");
  s += buf;
  const auto& cpi = fit["cpi"];
  std::snprintf(buf, sizeof buf, "    latency at %.0f MHz x %.2f cycles/instruction (%.2f-%.2f, estimated, docs/deploy.md):",
                fit["clock_mhz"].get<double>(), cpi["nominal"].get<double>(), cpi["low"].get<double>(),
                cpi["high"].get<double>());
  s += buf;
  for (const auto& [stage, l] : fit["latency_ms"].items()) {
    std::snprintf(buf, sizeof buf, " %s %.3g ms (%.3g-%.3g)", stage.c_str(), l["nominal"].get<double>(),
                  l["low"].get<double>(), l["high"].get<double>());
    s += buf;
  }
  return s + "\n";
}

}  // namespace mote::deploy
