#include "store/migrations.h"
#include "store/project.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

using namespace mote;

namespace {
Sample make_series(std::vector<float> values, size_t axes, const std::string& label) {
  Sample s;
  s.name = "s";
  s.label = label;
  s.interval_ms = 10;
  for (size_t i = 0; i < axes; ++i) s.sensors.push_back({"ax" + std::to_string(i), "m/s2"});
  s.values = std::move(values);
  return s;
}
}  // namespace

TEST(Store, InitCreatesProjectWithWalAndSchema) {
  test::TempDir dir;
  auto p = Project::init(dir / "proj");
  EXPECT_TRUE(std::filesystem::exists(dir / "proj/mote.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "proj/mote.db"));
  EXPECT_EQ(p.store().schema_version(), static_cast<int>(schema_migrations().size()));
  sql::Stmt st(p.store().db(), "PRAGMA journal_mode");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "wal");
  EXPECT_EQ(p.hmac_key().size(), 32u);
  EXPECT_THROW(Project::init(dir / "proj"), Error);
}

TEST(Store, OpenRefusesFolderWithoutProject) {
  test::TempDir dir;
  try {
    Project::open(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mote init"), std::string::npos) << e.what();
  }
}

TEST(Store, InsertGetRoundTripsValuesAndMetadata) {
  test::TempDir dir;
  auto p = Project::init(dir / "proj");
  Sample s = make_series({1.5f, -2.25f, 3e-7f, 4.f, 5.f, 6.f}, 3, "wave");
  s.device_name = "dev";
  s.category = Category::Testing;
  int64_t id = p.store().insert(s);
  Sample back = p.store().get(id);
  EXPECT_EQ(back.values, s.values);
  EXPECT_EQ(back.sensors, s.sensors);
  EXPECT_EQ(back.label, "wave");
  EXPECT_EQ(back.category, Category::Testing);
  EXPECT_EQ(back.device_name, "dev");
  EXPECT_EQ(back.frames(), 2u);
  EXPECT_EQ(back.hash, content_hash(s));
  EXPECT_EQ(p.store().find_by_hash(s.hash), id);
}

TEST(Store, HashDependsOnDataNotLabel) {
  Sample a = make_series({1, 2, 3}, 1, "a");
  Sample b = make_series({1, 2, 3}, 1, "b");
  Sample c = make_series({1, 2, 4}, 1, "a");
  EXPECT_EQ(content_hash(a), content_hash(b));
  EXPECT_NE(content_hash(a), content_hash(c));
}

TEST(Store, FailedTransactionLeavesNothing) {
  test::TempDir dir;
  auto p = Project::init(dir / "proj");
  {
    sql::Transaction tx(p.store().db());
    Sample s = make_series({1, 2, 3}, 1, "a");
    p.store().insert(s);
    // no commit: rolled back
  }
  EXPECT_EQ(p.store().count({}), 0);
}

TEST(Store, FilterLabelCategoryAndEdits) {
  test::TempDir dir;
  auto p = Project::init(dir / "proj");
  for (int i = 0; i < 6; ++i) {
    Sample s = make_series({float(i), 1, 2}, 1, i % 2 ? "odd" : "even");
    s.category = i < 4 ? Category::Training : Category::Testing;
    p.store().insert(s);
  }
  SampleFilter f;
  f.label = "odd";
  EXPECT_EQ(p.store().count(f), 3);
  f.category = Category::Testing;
  EXPECT_EQ(p.store().count(f), 1);
  p.store().set_label(1, "odd");
  p.store().set_category(1, Category::Testing);
  p.store().rename(1, "renamed");
  Sample one = p.store().get(1, false);
  EXPECT_EQ(one.label, "odd");
  EXPECT_EQ(one.category, Category::Testing);
  EXPECT_EQ(one.name, "renamed");
  p.store().remove(2);
  EXPECT_THROW(p.store().get(2), Error);
  EXPECT_EQ(p.store().count({}), 5);
  auto counts = p.store().label_counts();
  ASSERT_EQ(counts.size(), 2u);
}

TEST(Store, ReopenKeepsSchemaAndData) {
  test::TempDir dir;
  {
    auto p = Project::init(dir / "proj");
    Sample s = make_series({1, 2, 3}, 1, "a");
    p.store().insert(s);
  }
  auto p = Project::open(dir / "proj");
  EXPECT_EQ(p.store().count({}), 1);
  EXPECT_EQ(p.store().schema_version(), static_cast<int>(schema_migrations().size()));
}

TEST(Store, MigratesAnOlderDatabaseAndRefusesANewerOne) {
  test::TempDir dir;
  std::string path = (dir / "old.db").string();
  {
    sql::Db db(path, true);
    db.exec("CREATE TABLE schema_version(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    db.exec(schema_migrations()[0]);
    db.exec("INSERT INTO schema_version VALUES(1, 'then')");
  }
  {
    Store s(dir / "old.db", false);
    EXPECT_EQ(s.schema_version(), static_cast<int>(schema_migrations().size()));
    sql::Stmt st(s.db(), "SELECT count(*) FROM features");
    EXPECT_TRUE(st.step());
    s.db().exec("INSERT INTO schema_version VALUES(99, 'future')");
  }
  try {
    Store s(dir / "old.db", false);
    FAIL() << "a newer schema must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("upgrade mote"), std::string::npos);
  }
}
