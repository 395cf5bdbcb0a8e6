// `mote user` and `mote keys create --role`: passwords read from stdin and never printed or stored in clear,
// the last owner kept, roles checked, user errors as one line.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "serve/keys.h"
#include "serve/users.h"
#include "store/project.h"
#include "support/postgres_server.h"
#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// run_mote with `input` on stdin (run_mote gives /dev/null).
mote::test::RunResult run_mote_stdin(const std::string& args, const std::string& input) {
  mote::test::TempDir tmp;
  mote::test::write_text(tmp / "in", input);
  std::string cmd = std::string(MOTE_BINARY) + " " + args + " <" + (tmp / "in").string() + " >" + (tmp / "out").string() +
                    " 2>" + (tmp / "err").string();
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), mote::test::read_text(tmp / "out"),
          mote::test::read_text(tmp / "err")};
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(UsersCli, AddListGrantPasswdRemove) {
  mote::test::TempDir dir;
  const std::string proj = (dir / "p").string(), C = "-C " + proj + " ";
  const std::string pw1 = "first-Secret-8812", pw2 = "second-Secret-4471", pw3 = "third-Secret-0093";
  ASSERT_EQ(run_mote("init " + proj).exit_code, 0);

  auto add = run_mote_stdin(C + "user add olivia --role owner", pw1 + "\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.out.find("teams mode is on"), std::string::npos) << add.out;
  auto bob = run_mote_stdin(C + "user add bob", pw2 + "\r\n");
  ASSERT_EQ(bob.exit_code, 0) << bob.err;
  EXPECT_EQ(bob.out.find("teams mode"), std::string::npos) << "said once, for the first user";
  EXPECT_NE(bob.out.find("as viewer"), std::string::npos);

  auto shorter = run_mote_stdin(C + "user add carol", "short\n");
  EXPECT_NE(shorter.exit_code, 0);
  EXPECT_NE(shorter.err.find("shorter than 8 characters"), std::string::npos) << shorter.err;
  auto none = run_mote(C + "user add carol");  // stdin is /dev/null
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("no password given"), std::string::npos) << none.err;
  auto again = run_mote_stdin(C + "user add olivia", pw3 + "\n");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  auto device = run_mote_stdin(C + "user add dev --role device", pw3 + "\n");
  EXPECT_NE(device.exit_code, 0);
  EXPECT_NE(device.err.find("mote keys create --role device"), std::string::npos) << device.err;
  EXPECT_NE(run_mote_stdin(C + "user add x --role wizard", pw3 + "\n").err.find("unknown role 'wizard'"), std::string::npos);
  EXPECT_NE(run_mote_stdin(C + "user add 'a b'", pw3 + "\n").exit_code, 0);

  auto list = run_mote(C + "user list --json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto users = json::parse(list.out)["users"];
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]["name"], "olivia");
  EXPECT_EQ(users[0]["role"], "owner");
  EXPECT_EQ(users[1]["role"], "viewer");
  EXPECT_EQ(list.out.find("argon2"), std::string::npos);

  EXPECT_EQ(run_mote(C + "user grant bob editor").exit_code, 0);
  auto demote = run_mote(C + "user grant olivia viewer");
  EXPECT_NE(demote.exit_code, 0);
  EXPECT_NE(demote.err.find("last owner"), std::string::npos) << demote.err;
  auto rm_owner = run_mote(C + "user remove olivia");
  EXPECT_NE(rm_owner.exit_code, 0);
  EXPECT_NE(rm_owner.err.find("last owner"), std::string::npos);
  EXPECT_NE(run_mote(C + "user remove nobody").err.find("no such user"), std::string::npos);

  auto passwd = run_mote_stdin(C + "user passwd bob", pw3 + "\n");
  ASSERT_EQ(passwd.exit_code, 0) << passwd.err;
  {
    mote::Project p = mote::Project::open(proj);
    EXPECT_TRUE(mote::serve::check_login(p.store(), "olivia", pw1));
    EXPECT_FALSE(mote::serve::check_login(p.store(), "bob", pw2));
    auto b = mote::serve::check_login(p.store(), "bob", pw3);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->role, mote::serve::Role::Editor);
  }
  EXPECT_EQ(run_mote(C + "user remove bob").exit_code, 0);
  EXPECT_EQ(json::parse(run_mote(C + "user list --json").out)["users"].size(), 1u);

  // Nothing printed or stored holds a password.
  std::string all = add.out + add.err + bob.out + bob.err + passwd.out + passwd.err + list.out + shorter.err;
  std::string db = file_bytes(fs::path(proj) / "mote.db") + file_bytes(fs::path(proj) / "mote.db-wal");
  ASSERT_GT(db.size(), 4096u);
  for (const std::string& pw : {pw1, pw2, pw3}) {
    EXPECT_EQ(all.find(pw), std::string::npos) << pw;
    EXPECT_EQ(db.find(pw), std::string::npos) << pw;
  }
}

TEST(UsersCli, KeysTakeARole) {
  mote::test::TempDir dir;
  const std::string proj = (dir / "p").string(), C = "-C " + proj + " ";
  ASSERT_EQ(run_mote("init " + proj).exit_code, 0);
  auto dev = run_mote(C + "keys create --name sensor-1 --role device");
  ASSERT_EQ(dev.exit_code, 0) << dev.err;
  EXPECT_NE(dev.out.find("role device"), std::string::npos) << dev.out;
  ASSERT_EQ(run_mote(C + "keys create --name script").exit_code, 0);
  auto owner = run_mote(C + "keys create --role owner");
  EXPECT_NE(owner.exit_code, 0);
  EXPECT_NE(owner.err.find("owners are users"), std::string::npos) << owner.err;
  EXPECT_NE(run_mote(C + "keys create --role wizard").err.find("unknown role"), std::string::npos);
  auto keys = json::parse(run_mote(C + "keys list --json").out)["keys"];
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0]["role"], "device");
  EXPECT_EQ(keys[1]["role"], "editor") << "the role keys had before roles existed";
  std::string key = dev.out.substr(dev.out.find("mote_"), 45);
  mote::Project p = mote::Project::open(proj);
  auto found = mote::serve::find_api_key(p.store(), key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->role, mote::serve::Role::Device);
  EXPECT_EQ(found->name, "sensor-1");
}

// On a project whose store is PostgreSQL (mote.json's "store"), and with --db naming a store explicitly.
TEST(UsersCli, UsersLiveInAPostgresStore) {
  std::string why;
  const std::string url = mote::test::fresh_postgres_database(&why);
  if (url.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
  mote::test::TempDir dir;
  const std::string proj = (dir / "p").string();
  mote::Project::init(proj, url);
  auto add = run_mote_stdin("-C " + proj + " user add olivia --role owner", "pg-Secret-55120\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  {
    mote::Store store(url, false);
    EXPECT_TRUE(mote::serve::check_login(store, "olivia", "pg-Secret-55120"));
    mote::sql::Stmt st(store.db(), "SELECT password_hash FROM users");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.text(0).rfind("$argon2id$", 0), 0u);
  }
  // Another folder's CLI reaches the same users through --db.
  const std::string other = (dir / "q").string();
  ASSERT_EQ(run_mote("init " + other).exit_code, 0);
  auto list = run_mote("-C " + other + " user list --json --db " + url);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(json::parse(list.out)["users"][0]["name"], "olivia");
  EXPECT_EQ(json::parse(run_mote("-C " + other + " user list --json").out)["users"].size(), 0u);
}
