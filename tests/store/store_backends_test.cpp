// The store's contract on both backends: SQLite (a file) and PostgreSQL (a throwaway server,
// support/postgres_server.h). PostgreSQL cases skip, saying why, only where that server cannot start.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "serve/keys.h"
#include "store/migrations.h"
#include "store/project.h"
#include "support/postgres_server.h"
#include "support/test_support.h"

using namespace mote;

namespace {

// An RGB image sample named "img", labelled cat.
Sample rgb_image(uint32_t width, uint32_t height, std::vector<uint8_t> pixels) {
  Sample img;
  img.name = "img";
  img.label = "cat";
  img.kind = SampleKind::Image;
  img.width = width;
  img.height = height;
  img.channels = 3;
  img.pixels = std::move(pixels);
  return img;
}

Sample series(std::vector<float> values, size_t axes, const std::string& label) {
  Sample s;
  s.name = "s";
  s.label = label;
  s.interval_ms = 10;
  for (size_t i = 0; i < axes; ++i) s.sensors.push_back({"ax" + std::to_string(i), "m/s2"});
  s.values = std::move(values);
  return s;
}

class StoreBackend : public ::testing::TestWithParam<sql::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == sql::Backend::Postgres) {
      std::string why;
      url_ = test::fresh_postgres_database(&why);
      if (url_.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
    }
  }
  Project init() { return Project::init(dir_ / "proj", url_); }
  Project open() { return Project::open(dir_ / "proj"); }
  // Where the store lives: what a second connection opens.
  std::string location() { return url_.empty() ? (dir_ / "proj/mote.db").string() : url_; }

  test::TempDir dir_;
  std::string url_;  // empty: SQLite
};

std::string backend_name(const ::testing::TestParamInfo<sql::Backend>& i) {
  return i.param == sql::Backend::Sqlite ? "Sqlite" : "Postgres";
}

}  // namespace

TEST_P(StoreBackend, InitMakesTheSchemaAndTheHmacKey) {
  auto p = init();
  EXPECT_EQ(p.store().db().backend(), GetParam());
  EXPECT_EQ(p.store().schema_version(), static_cast<int>(schema_migrations().size()));
  EXPECT_EQ(p.hmac_key().size(), 32u);
  EXPECT_EQ(open().hmac_key(), p.hmac_key());
  EXPECT_THROW(Project::init(dir_ / "proj", url_), Error);
}

TEST_P(StoreBackend, InsertGetRoundTripsValuesBitForBit) {
  auto p = init();
  Sample s = series({1.5f, -2.25f, 3e-7f, 4.f, 1e-45f, -0.f}, 3, "wave");
  s.device_name = "dev";
  s.category = Category::Testing;
  s.provenance = {{"file", "a.json"}};
  int64_t id = p.store().insert(s);
  Sample back = open().store().get(id);
  ASSERT_EQ(back.values.size(), s.values.size());
  EXPECT_EQ(0, std::memcmp(back.values.data(), s.values.data(), s.values.size() * sizeof(float)));
  EXPECT_EQ(back.sensors, s.sensors);
  EXPECT_EQ(back.label, "wave");
  EXPECT_EQ(back.category, Category::Testing);
  EXPECT_EQ(back.device_name, "dev");
  EXPECT_EQ(back.interval_ms, 10.0);
  EXPECT_EQ(back.provenance, s.provenance);
  EXPECT_EQ(back.frames(), 2u);
  EXPECT_EQ(back.hash, content_hash(s));
  EXPECT_EQ(p.store().find_by_hash(s.hash), id);
  EXPECT_EQ(p.store().find_by_hash(std::string(64, '0')), std::nullopt);
}

TEST_P(StoreBackend, ImagesAndEmptyBlobsRoundTrip) {
  auto p = init();
  Sample img = rgb_image(2, 1, {0, 255, 7, 0, 128, 1});
  int64_t id = p.store().insert(img);
  EXPECT_EQ(p.store().get(id).pixels, img.pixels);
}

TEST_P(StoreBackend, InsertAllGivesEachSampleItsIdAndItsData) {
  auto p = init();
  // 7 = chunks of 4, 2 and 1 rows; twice, so that the kept statements run again.
  for (int round = 0; round < 2; ++round) {
    std::vector<Sample> batch;
    for (int i = 0; i < 7; ++i) {
      if (i == 3) {
        batch.push_back(rgb_image(1, 1, {static_cast<uint8_t>(round), 2, 3}));
      } else {
        batch.push_back(series({static_cast<float>(100 * round + i), 0.5f}, 2, "l" + std::to_string(i)));
        batch.back().name = "same name";
      }
    }
    std::vector<Sample*> rows;
    for (auto& s : batch) rows.push_back(&s);
    sql::Transaction tx(p.store().db());
    p.store().insert_all(rows);
    tx.commit();
    for (size_t i = 0; i < batch.size(); ++i) {
      if (i) EXPECT_GT(batch[i].id, batch[i - 1].id) << "ids follow the batch's order";
      Sample back = open().store().get(batch[i].id);
      EXPECT_EQ(back.label, batch[i].label);
      EXPECT_EQ(back.hash, content_hash(batch[i]));
      EXPECT_EQ(back.values, batch[i].values);
      EXPECT_EQ(back.pixels, batch[i].pixels);
      EXPECT_FALSE(back.created_at.empty());
    }
  }
  EXPECT_EQ(p.store().count({}), 14);
}

TEST_P(StoreBackend, AKeptKeyLookupSeesARevocationAtOnce) {
  auto p = init();
  auto key = serve::create_api_key(p.store(), "device");
  auto other = open();
  ASSERT_TRUE(serve::find_api_key(other.store(), key.key).has_value());  // its statement is kept from now on
  serve::revoke_api_key(p.store(), key.id);  // another connection, as `mote keys revoke` would
  EXPECT_FALSE(serve::find_api_key(other.store(), key.key).has_value());
  auto second = serve::create_api_key(p.store(), "second");
  EXPECT_TRUE(serve::find_api_key(other.store(), second.key).has_value());
}

TEST_P(StoreBackend, FailedTransactionLeavesNothingAndSavepointsNest) {
  auto p = init();
  {
    sql::Transaction tx(p.store().db());
    Sample s = series({1, 2, 3}, 1, "a");
    p.store().insert(s);
  }
  EXPECT_EQ(p.store().count({}), 0);
  {
    sql::Transaction outer(p.store().db());
    Sample a = series({1, 2, 3}, 1, "a");
    p.store().insert(a);
    {
      sql::Transaction inner(p.store().db());
      Sample b = series({4, 5, 6}, 1, "b");
      p.store().insert(b);
    }  // the savepoint rolls back b only
    outer.commit();
  }
  EXPECT_EQ(p.store().count({}), 1);
  // A failing statement inside a transaction: the transaction is abandoned, the store stays usable.
  try {
    sql::Transaction tx(p.store().db());
    Sample c = series({7, 8, 9}, 1, "c");
    p.store().insert(c);
    p.store().db().exec("INSERT INTO no_such_table VALUES(1)");
    tx.commit();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
  EXPECT_EQ(p.store().count({}), 1);
}

TEST_P(StoreBackend, FiltersEditsAndCounts) {
  auto p = init();
  for (int i = 0; i < 6; ++i) {
    Sample s = series({float(i), 1, 2}, 1, i % 2 ? "odd" : "even");
    s.name = "rec" + std::to_string(i);
    s.category = i < 4 ? Category::Training : Category::Testing;
    p.store().insert(s);
  }
  SampleFilter f;
  f.label = "odd";
  EXPECT_EQ(p.store().count(f), 3);
  f.category = Category::Testing;
  EXPECT_EQ(p.store().count(f), 1);
  SampleFilter named;
  named.name_contains = "ec3";
  EXPECT_EQ(p.store().count(named), 1);
  SampleFilter page;
  page.limit = 2;
  page.offset = 1;
  auto two = p.store().list(page);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, 2);
  p.store().set_label(1, "odd");
  p.store().set_category(1, Category::Testing);
  p.store().rename(1, "renamed");
  Sample one = p.store().get(1, false);
  EXPECT_EQ(one.label, "odd");
  EXPECT_EQ(one.category, Category::Testing);
  EXPECT_EQ(one.name, "renamed");
  p.store().remove(2);
  EXPECT_THROW(p.store().get(2), Error);
  EXPECT_THROW(p.store().set_label(2, "x"), Error);
  EXPECT_EQ(p.store().count({}), 5);
  auto counts = p.store().label_counts();
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].label, "even");
  EXPECT_EQ(counts[0].training, 1);
  EXPECT_EQ(counts[0].testing, 1);
  EXPECT_EQ(counts[1].label, "odd");
  EXPECT_EQ(counts[1].training, 1);
  EXPECT_EQ(counts[1].testing, 2);
  Sample crop = p.store().get(3);
  crop.values.resize(2);
  p.store().replace_data(crop);
  EXPECT_EQ(p.store().get(3).values.size(), 2u);
  EXPECT_EQ(p.store().get(3, false).hash, content_hash(crop));
  // New ids follow the largest, never reuse a removed one's place in a way that collides.
  Sample s = series({9, 9, 9}, 1, "new");
  EXPECT_GT(p.store().insert(s), 6);
}

TEST_P(StoreBackend, SettingsUpsertAndKeys) {
  auto p = init();
  p.store().set_setting("k", "one");
  p.store().set_setting("k", "two");
  EXPECT_EQ(p.store().setting("k"), "two");
  EXPECT_EQ(p.store().setting("missing"), std::nullopt);
  auto key = serve::create_api_key(p.store(), "device");
  EXPECT_TRUE(serve::verify_api_key(p.store(), key.key).has_value());
  serve::revoke_api_key(p.store(), key.id);
  EXPECT_FALSE(serve::verify_api_key(p.store(), key.key).has_value());
  EXPECT_THROW(serve::revoke_api_key(p.store(), key.id), Error);
}

TEST_P(StoreBackend, ReopenKeepsDataAndRefusesANewerSchema) {
  {
    auto p = init();
    Sample s = series({1, 2, 3}, 1, "a");
    p.store().insert(s);
  }
  {
    auto p = open();
    EXPECT_EQ(p.store().count({}), 1);
    EXPECT_EQ(p.store_location(), location());
    p.store().db().exec("INSERT INTO schema_version VALUES(99, 'future')");
  }
  try {
    open();
    FAIL() << "a newer schema must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("upgrade mote"), std::string::npos) << e.what();
  }
}

// Two connections, each checking for the data before inserting it, in a transaction: the writer lock taken at
// BEGIN makes check-then-insert atomic on both backends, so exactly one copy is stored.
TEST_P(StoreBackend, ConcurrentDuplicateChecksStoreOneCopy) {
  init();
  const std::string where = location();
  std::atomic<int> stored{0};
  auto writer = [&] {
    Store store(where, false);
    for (int i = 0; i < 20; ++i) {
      Sample s = series({float(i), 1, 2}, 1, "x");
      s.hash = content_hash(s);
      sql::Transaction tx(store.db());
      if (!store.find_by_hash(s.hash)) {
        store.insert(s);
        stored++;
      }
      tx.commit();
    }
  };
  std::thread a(writer), b(writer);
  a.join();
  b.join();
  EXPECT_EQ(stored.load(), 20);
  EXPECT_EQ(Store(where, false).count({}), 20);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreBackend, ::testing::Values(sql::Backend::Sqlite, sql::Backend::Postgres),
                         backend_name);
