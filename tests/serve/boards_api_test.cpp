// Boards on the Deployment page, server side: GET /api/boards lists targets/boards.def, GET /api/profile?board=
// reads the profile of the board's core and adds fits / does not fit and the latency at its clock (the same
// deploy::board_fit as `mote profile --board`), and refusals name what is wrong.
#include <fstream>
#include <thread>

#include "deploy/boards.h"
#include "serve_support.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

class BoardsApi : public ServeTest {
 protected:
  // A profile of the Cortex-M4 as profile jobs write it (the fields board_fit and the page read).
  void write_profile(long ram, long flash, double instructions) {
    std::filesystem::create_directories(proj / "out");
    json r = {{"target", "cortex-m4"}, {"impulse_hash", "abc"}, {"board", "mps2-an386"},
              {"impulse", {{"ram_bytes", ram}, {"flash_bytes", flash}, {"static_ram_bytes", ram}, {"stack_bytes", 0}}},
              {"instructions", {{"dsp", instructions / 2}, {"nn", instructions / 2}, {"anomaly", 0.0}, {"total", instructions}}}};
    std::ofstream(proj / "out" / "profile-cortex-m4.json") << r.dump();
  }
};

}  // namespace

TEST_F(BoardsApi, ListsTheBoardsOfBoardsDef) {
  start();
  json b = body(client->Get("/api/boards"))["boards"];
  ASSERT_EQ(b.size(), mote::deploy::boards().size());
  bool nano = false;
  for (auto& e : b)
    if (e["name"] == "nano33ble")
      nano = e["target"] == "cortex-m4" && e["ram_bytes"] == 262144 && e["flash_bytes"] == 1048576 && e["clock_mhz"] == 64;
  EXPECT_TRUE(nano) << b.dump();
}

TEST_F(BoardsApi, AProfileOfTheBoardsCoreFitsOrNot) {
  write_profile(3000, 20000, 640000);
  start();
  json r = body(client->Get("/api/profile?board=nano33ble"));
  ASSERT_TRUE(r.contains("board_fit")) << r.dump();
  const json& fit = r["board_fit"];
  EXPECT_EQ(fit["board"], "nano33ble");
  EXPECT_TRUE(fit["fits"]);
  EXPECT_EQ(fit["ram"]["needed_bytes"], 3000);
  EXPECT_EQ(fit["ram"]["board_bytes"], 262144);
  EXPECT_EQ(fit["flash"]["board_bytes"], 1048576);
  // 640 000 instructions at 64 MHz x the core's nominal cycles per instruction.
  const double cpi = mote::deploy::core_cpi("cortex-m4").cpi;
  EXPECT_NEAR(fit["latency_ms"]["total"]["nominal"].get<double>(), 640000 * cpi / 64e6 * 1000, 1e-9);
  EXPECT_EQ(fit, mote::deploy::board_fit(mote::deploy::find_board("nano33ble"), 3000, 20000, r["instructions"])) << "what mote profile --board says";
  EXPECT_FALSE(body(client->Get("/api/profile"))
                   .contains("board_fit")) << "without a board: the Cortex-M4 profile alone, as before";

  // Too big for a small board: RAM does not fit, flash does.
  write_profile(300000, 20000, 640000);
  json big = body(client->Get("/api/profile?board=nano33ble"))["board_fit"];
  EXPECT_FALSE(big["fits"]);
  EXPECT_FALSE(big["ram"]["fits"]);
  EXPECT_TRUE(big["flash"]["fits"]);
}

TEST_F(BoardsApi, RefusalsNameTheBoardOrTheCoreToProfile) {
  write_profile(3000, 20000, 640000);
  start();
  auto unknown = client->Get("/api/profile?board=arduino-uno");
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("nano33ble"), std::string::npos) << "names the known boards: " << unknown->body;
  auto other_core = client->Get("/api/profile?board=rp2040");  // a Cortex-M0 board: no profile of that core yet
  EXPECT_EQ(other_core->status, 404);
  EXPECT_NE(other_core->body.find("not profiled on cortex-m0 yet"), std::string::npos) << other_core->body;
  EXPECT_EQ(client->Get("/api/profile?target=../../etc")->status, 400);
  // The profile job refuses an unknown board before any work.
  auto r = client->Post("/api/jobs", with_key(), json({{"kind", "profile"}, {"params", {{"board", "arduino-uno"}}}}).dump(), "application/json");
  ASSERT_EQ(r->status, 202) << r->body;
  int64_t id = body(r)["id"];
  json j;
  for (int i = 0; i < 500; ++i) {
    j = body(client->Get(("/api/jobs/" + std::to_string(id)).c_str()));
    if (j["state"] != "queued" && j["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(j["state"], "failed");
  EXPECT_NE(j["error"].get<std::string>().find("arduino-uno"), std::string::npos) << j.dump();
}
