// `mote serve` as users run it: a subprocess that prints its URL and token, answers, and stops on SIGINT.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/test_support.h"

using mote::test::run_mote;

TEST(ServeCli, StartsAnswersAndStopsOnSigint) {
  mote::test::TempDir dir;
  std::string proj = (dir / "p").string();
  ASSERT_EQ(run_mote("init " + proj).exit_code, 0);
  std::string log = (dir / "serve.log").string();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // A folder without a studio: this test checks the API-only start (a built web/dist would be found).
    setenv("MOTE_WEB_DIR", (dir / "no-studio").c_str(), 1);
    FILE* out = freopen(log.c_str(), "w", stdout);
    (void)out;
    execl(MOTE_BINARY, MOTE_BINARY, "-C", proj.c_str(), "serve", "--port", "0", "--max-body", "1k", nullptr);
    _exit(127);
  }
  int port = 0;
  std::string token, text;
  for (int i = 0; i < 500 && (port == 0 || token.empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    text = mote::test::read_text(log);
    size_t u = text.find("http://127.0.0.1:");
    if (u != std::string::npos) port = std::atoi(text.c_str() + u + 17);
    size_t t = text.find("session token (x-session-token header): ");
    if (t != std::string::npos && text.find('\n', t) != std::string::npos)
      token = text.substr(t + 40, text.find('\n', t) - t - 40);
  }
  ASSERT_GT(port, 0) << text;
  ASSERT_FALSE(token.empty()) << text;
  EXPECT_NE(text.find("the studio is not built"), std::string::npos) << text;
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/api/samples");
  ASSERT_TRUE(r);
  EXPECT_EQ(nlohmann::json::parse(r->body)["total"], 0);
  EXPECT_EQ(c.Post("/api/jobs", R"({"kind":"features"})", "application/json")->status, 401);
  auto big = c.Post("/api/jobs", {{"x-session-token", token}}, std::string(2000, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413) << "--max-body 1k";
  auto ok = c.Post("/api/jobs", {{"x-session-token", token}}, R"({"kind":"features"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 202) << ok->body;
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(mote::test::read_text(log).find("mote serve: stopping"), std::string::npos);
}
