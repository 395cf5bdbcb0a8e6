// `mote migrate --to`: SQLite -> PostgreSQL -> SQLite keeps every row of every table (digests), ids, sample
// data and hashes; refusals and failures leave the target and mote.json as they were.
#include <gtest/gtest.h>

#include <map>

#include "core/error.h"
#include "serve/keys.h"
#include "store/copy.h"
#include "store/project.h"
#include "support/postgres_server.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {

Sample series(std::vector<float> values, const std::string& label) {
  Sample s;
  s.name = label + "." + std::to_string(values.front());
  s.label = label;
  s.interval_ms = 16.5;
  s.sensors = {{"accX", "m/s2"}};
  s.values = std::move(values);
  return s;
}

// A project with a row in every table: samples (series and image), features cache, keys, jobs, models, tuner.
void fill(Project& p) {
  sql::Transaction tx(p.store().db());
  for (int i = 0; i < 5; ++i) {
    Sample s = series({float(i) + 0.1f, -1e-30f, 3.4e38f}, i % 2 ? "idle" : "wave");
    s.category = i == 4 ? Category::Testing : Category::Training;
    p.store().insert(s);
  }
  Sample img;
  img.name = "img";
  img.label = "cat";
  img.kind = SampleKind::Image;
  img.width = img.height = 2;
  img.channels = 1;
  img.pixels = {0, 1, 254, 255};
  p.store().insert(img);
  p.store().remove(2);  // a gap in the ids
  serve::create_api_key(p.store(), "device");
  sql::Db& db = p.store().db();
  db.exec("INSERT INTO features VALUES('h1', 'i1', 2, 3, x'0001', x'00ff00ff', '2026-01-01')");
  db.exec("INSERT INTO jobs(kind, state, params, progress, log, result, created_at) "
          "VALUES('features', 'done', '{}', 0.1, 'a\nb\n', '{\"x\":1}', '2026-01-01T00:00:00.000Z')");
  db.exec("INSERT INTO models(block, type, features_hash, spec_hash, model, created_at) VALUES('nn', 'classifier', 'f', 's', '{}', 'now')");
  db.exec("INSERT INTO tune_runs(options, created_at) VALUES('{}', 'now')");
  db.exec("INSERT INTO tune_candidates VALUES(1, 0, '{}', '{\"score\":0.5}')");
  tx.commit();
}

std::map<std::string, std::string> digests(Store& s) {
  std::map<std::string, std::string> out;
  for (auto& t : schema_tables())
    if (t != "schema_version") out[t] = table_digest(s.db(), t);
  return out;
}

class Migrate : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    url_ = test::fresh_postgres_database(&why);
    if (url_.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
  }
  test::TempDir dir_;
  std::string url_;
};

}  // namespace

TEST_F(Migrate, RoundTripThroughPostgresKeepsEveryRow) {
  std::map<std::string, std::string> before;
  {
    Project p = Project::init(dir_ / "proj");
    fill(p);
    before = digests(p.store());
  }
  auto r = test::run_mote("-C " + (dir_ / "proj").string() + " migrate --to '" + url_ + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["samples"], 5);
  EXPECT_EQ(report["source_hash_mismatches"], 0);
  {
    Project p = Project::open(dir_ / "proj");
    EXPECT_EQ(p.store_location(), url_);
    ASSERT_EQ(p.store().db().backend(), sql::Backend::Postgres);
    EXPECT_EQ(digests(p.store()), before);
    EXPECT_EQ(p.store().get(6).pixels, (std::vector<uint8_t>{0, 1, 254, 255}));
    EXPECT_THROW(p.store().get(2), Error);
    EXPECT_EQ(p.hmac_key().size(), 32u);
  }
  r = test::run_mote("-C " + (dir_ / "proj").string() + " migrate --to " + (dir_ / "back.db").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("verified"), std::string::npos) << r.out;
  {
    Project p = Project::open(dir_ / "proj");
    EXPECT_EQ(p.store().db().backend(), sql::Backend::Sqlite);
    EXPECT_EQ(digests(p.store()), before);
  }
  // Ids go on after the copied ones on PostgreSQL (its sequences were moved past them).
  Store pg(url_, false);
  Sample s = series({42}, "new");
  EXPECT_EQ(pg.insert(s), 7);
  EXPECT_EQ(serve::create_api_key(pg, "second").id, 2);
}

TEST_F(Migrate, RefusesATargetThatHoldsDataAndWritesNothing) {
  Project::init(dir_ / "other", url_);  // the database now holds another project
  Project p = Project::init(dir_ / "proj");
  fill(p);
  const std::string config = test::read_text(dir_ / "proj/mote.json");
  auto r = test::run_mote("-C " + (dir_ / "proj").string() + " migrate --to '" + url_ + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already holds tables"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_text(dir_ / "proj/mote.json"), config);
  EXPECT_EQ(Store(url_, false).count({}), 0);

  test::write_text(dir_ / "exists.db", "");
  r = test::run_mote("-C " + (dir_ / "proj").string() + " migrate --to " + (dir_ / "exists.db").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  r = test::run_mote("-C " + (dir_ / "proj").string() + " migrate --to 'postgresql://mote:secret@localhost/x'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("~/.pgpass"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("secret"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_text(dir_ / "proj/mote.json"), config);
}

// A row PostgreSQL refuses (text that is not UTF-8) fails the copy half-way: the target keeps no table,
// mote.json still names the old store, which still has everything.
TEST_F(Migrate, AFailureHalfWayLeavesTheTargetEmpty) {
  Project p = Project::init(dir_ / "proj");
  fill(p);
  p.store().rename(1, std::string("bad\xff\xfe name"));
  const std::string config = test::read_text(dir_ / "proj/mote.json");
  auto r = test::run_mote("-C " + (dir_ / "proj").string() + " migrate --to '" + url_ + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("UTF8"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_text(dir_ / "proj/mote.json"), config);
  EXPECT_TRUE(sql::Db(url_, false).tables().empty());
  EXPECT_EQ(Project::open(dir_ / "proj").store().count({}), 5);

  // The same into a new SQLite file that fails (its folder is missing): no file is left behind.
  r = test::run_mote("-C " + (dir_ / "proj").string() + " migrate --to " + (dir_ / "no/such/dir/x.db").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "no/such/dir/x.db"));
}
