// `mote keys`: create prints the key as its last word, list never shows keys, revoke, hmac.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "serve/keys.h"
#include "store/project.h"
#include "support/test_support.h"

using mote::test::run_mote;

TEST(KeysCli, CreateListRevokeHmac) {
  mote::test::TempDir dir;
  std::string proj = (dir / "p").string();
  ASSERT_EQ(run_mote("init " + proj).exit_code, 0);
  auto c = run_mote("-C " + proj + " keys create --name sensor-1");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::string out = c.out;
  while (!out.empty() && isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  std::string key = out.substr(out.find_last_of(' ') + 1);
  EXPECT_EQ(key.rfind("mote_", 0), 0u) << out;
  EXPECT_EQ(key.size(), 45u);
  {
    mote::Project p = mote::Project::open(proj);
    EXPECT_TRUE(mote::serve::verify_api_key(p.store(), key).has_value());
    EXPECT_FALSE(mote::serve::verify_api_key(p.store(), key.substr(0, 44) + (key.back() == '0' ? "1" : "0")).has_value());
    // Only the hash is stored.
    mote::sql::Stmt st(p.store().db(), "SELECT hash FROM api_keys");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.text(0), mote::sha256_hex(key));
  }
  auto l = run_mote("-C " + proj + " keys list --json");
  ASSERT_EQ(l.exit_code, 0);
  auto keys = nlohmann::json::parse(l.out)["keys"];
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]["name"], "sensor-1");
  EXPECT_EQ(l.out.find(key), std::string::npos);
  EXPECT_EQ(run_mote("-C " + proj + " keys revoke 1").exit_code, 0);
  EXPECT_NE(run_mote("-C " + proj + " keys revoke 1").exit_code, 0) << "already revoked";
  {
    mote::Project p = mote::Project::open(proj);
    EXPECT_FALSE(mote::serve::verify_api_key(p.store(), key).has_value());
  }
  {
    // Created at first use when a project has none (older projects).
    mote::Project p = mote::Project::open(proj);
    p.store().db().exec("DELETE FROM settings WHERE key = 'hmac_key'");
  }
  auto h1 = run_mote("-C " + proj + " keys hmac");
  auto h2 = run_mote("-C " + proj + " keys hmac");
  ASSERT_EQ(h1.exit_code, 0);
  EXPECT_EQ(h1.out, h2.out);
  EXPECT_EQ(h1.out.size(), 33u);  // 32 hex digits + newline
}
