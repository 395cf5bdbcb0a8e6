// Ingestion's group commit (serve/ingest_commit.h) on both stores: SQLite and a real PostgreSQL (skipped,
// saying why, only where that server cannot start). Each uploader has its own connection, as the server's
// request threads do; a second connection checks what is durable.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error.h"
#include "serve/http.h"
#include "serve/ingest_commit.h"
#include "store/project.h"
#include "support/postgres_server.h"
#include "support/test_support.h"

using namespace mote;
using serve::GroupCommitter;

namespace {

Sample sample(float v, const std::string& label = "idle") {
  Sample s;
  s.name = "s" + std::to_string(v);
  s.label = label;
  s.interval_ms = 10;
  s.sensors = {{"x", "m/s2"}, {"y", "m/s2"}};
  s.values = {v, v + 1, v + 2, v + 3};
  s.hash = content_hash(s);
  return s;
}

// One uploader: its own connection, its batch, and what commit() did with it.
struct Upload {
  std::vector<Sample> samples;
  bool no_duplicates = false;
  int status = 0;  // 200, the HttpError's status, or 500 for mote::Error
  bool visible_on_return = false;  // the batch's first row seen by another connection when commit() returned
  std::string error;
};

class GroupCommit : public ::testing::TestWithParam<sql::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == sql::Backend::Postgres) {
      std::string why;
      url_ = test::fresh_postgres_database(&why);
      if (url_.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
    }
    Project::init(dir_ / "proj", url_);
  }
  std::string location() { return url_.empty() ? (dir_ / "proj/mote.db").string() : url_; }
  int64_t count() {
    sql::Db db(location(), false);
    sql::Stmt st(db, "SELECT count(*) FROM samples");
    st.step();
    return st.int64(0);
  }

  // Runs every upload on its own thread while the writer lock is held, until all are queued; then lets go,
  // so that they form one group.
  void run_grouped(std::vector<Upload>& uploads) {
    std::vector<std::unique_ptr<Project>> conns;
    for (size_t i = 0; i < uploads.size(); ++i) conns.push_back(std::make_unique<Project>(Project::open(dir_ / "proj")));
    std::atomic<int> returned{0};
    std::vector<std::thread> threads;
    {
      std::unique_lock<std::mutex> hold(writer_);
      for (size_t i = 0; i < uploads.size(); ++i)
        threads.emplace_back([&, i] {
          Upload& u = uploads[i];
          sql::Db check(location(), false);
          try {
            commits_.commit(conns[i]->store(), u.samples, u.no_duplicates);
            u.status = 200;
            sql::Stmt st(check, "SELECT count(*) FROM samples WHERE id = ? AND hash = ?");
            st.bind(1, u.samples[0].id).bind(2, u.samples[0].hash);
            u.visible_on_return = st.step() && st.int64(0) == 1;
          } catch (const serve::HttpError& e) {
            u.status = e.status;
            u.error = e.message;
          } catch (const Error& e) {
            u.status = 500;
            u.error = e.what();
          }
          returned++;
        });
      wait_queued(static_cast<int64_t>(uploads.size()));
      EXPECT_EQ(commits_.stats().queued, static_cast<int64_t>(uploads.size()));
      EXPECT_EQ(returned.load(), 0) << "an upload returned before its group was written";
      EXPECT_EQ(count(), before_) << "rows visible before the commit";
    }
    for (auto& t : threads) t.join();
  }

  // Waits (20 s at most) until `n` uploads are queued for a group.
  void wait_queued(int64_t n) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (commits_.stats().queued < n && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  test::TempDir dir_;
  std::string url_;  // empty: SQLite
  std::mutex writer_;
  GroupCommitter commits_{writer_};
  int64_t before_ = 0;
};

std::string backend_name(const ::testing::TestParamInfo<sql::Backend>& i) {
  return i.param == sql::Backend::Sqlite ? "Sqlite" : "Postgres";
}

}  // namespace

TEST_P(GroupCommit, ConcurrentUploadsShareOneCommitAndReturnOnlyOnceDurable) {
  std::vector<Upload> uploads(12);
  for (size_t i = 0; i < uploads.size(); ++i) uploads[i].samples = {sample(static_cast<float>(i))};
  run_grouped(uploads);
  auto st = commits_.stats();
  EXPECT_EQ(st.groups, 1);  // fewer commits than uploads: one for all twelve
  EXPECT_EQ(st.batches, 12);
  EXPECT_EQ(st.retried_groups, 0);
  for (auto& u : uploads) {
    EXPECT_EQ(u.status, 200);
    EXPECT_GT(u.samples[0].id, 0);
    EXPECT_TRUE(u.visible_on_return);
  }
  EXPECT_EQ(count(), 12);
}

TEST_P(GroupCommit, ABadUploadFailsAloneAndDuplicatesAreStillRefused) {
  {
    auto p = Project::open(dir_ / "proj");
    Sample old = sample(100);
    p.store().insert(old);
    // The database itself refuses one label (a trigger), so one batch fails inside the transaction.
    if (url_.empty())
      p.store().db().exec("CREATE TRIGGER refuse BEFORE INSERT ON samples WHEN NEW.label = 'refused' "
                          "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    else
      p.store().db().exec(
          "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.label = 'refused' THEN "
          "RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$; "
          "CREATE TRIGGER refuse BEFORE INSERT ON samples FOR EACH ROW EXECUTE FUNCTION refuse()");
  }
  before_ = 1;
  std::vector<Upload> uploads(7);
  uploads[0].samples = {sample(100)};  // the stored one again, duplicates refused
  uploads[0].no_duplicates = true;
  uploads[1].samples = {sample(1), sample(2)};
  uploads[2].samples = {sample(3), sample(3)};  // twice in one request, duplicates refused
  uploads[2].no_duplicates = true;
  uploads[3].samples = {sample(4), sample(5, "refused")};  // the database refuses its second row
  uploads[4].samples = {sample(6)};
  uploads[4].no_duplicates = true;
  uploads[5].samples = {sample(6)};  // the same data as uploads[4], in the same group: refused too
  uploads[5].no_duplicates = true;
  uploads[6].samples = {sample(100)};  // a duplicate allowed: stored
  run_grouped(uploads);

  EXPECT_EQ(uploads[0].status, 409);
  EXPECT_EQ(uploads[1].status, 200) << uploads[1].error;
  EXPECT_EQ(uploads[2].status, 409);
  EXPECT_EQ(uploads[3].status, 500);
  EXPECT_NE(uploads[3].error.find("refused by the test"), std::string::npos) << uploads[3].error;
  // uploads[4] and [5] race for the same data: exactly one is stored.
  EXPECT_EQ((uploads[4].status == 200) + (uploads[5].status == 200), 1);
  EXPECT_EQ((uploads[4].status == 409) + (uploads[5].status == 409), 1);
  EXPECT_EQ(uploads[6].status, 200);
  for (int i : {1, 6}) EXPECT_TRUE(uploads[static_cast<size_t>(i)].visible_on_return);
  auto st = commits_.stats();
  EXPECT_EQ(st.groups, 1);
  EXPECT_EQ(st.batches, 7);
  EXPECT_EQ(st.retried_groups, 1);  // the refused row: the group written again, one savepoint per batch
  // Stored: the old one, 2 of uploads[1], 1 of [4]/[5], 1 of [6]; nothing of [0], [2], [3].
  EXPECT_EQ(count(), 5);
  sql::Db db(location(), false);
  sql::Stmt refused(db, "SELECT count(*) FROM samples WHERE hash = ?");
  refused.bind(1, uploads[3].samples[0].hash);
  refused.step();
  EXPECT_EQ(refused.int64(0), 0) << "half of a refused request was stored";
}

TEST_P(GroupCommit, UnheldUploadsAreGroupedUnderLoad) {
  // Without holding the writer: 8 threads x 25 uploads; whoever waits while a group is written joins the next.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      auto p = Project::open(dir_ / "proj");
      for (int i = 0; i < 25; ++i) {
        std::vector<Sample> b = {sample(static_cast<float>(1000 * t + i))};
        commits_.commit(p.store(), b, true);
        ok++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(count(), 200);
  auto st = commits_.stats();
  EXPECT_EQ(st.batches, 200);
  EXPECT_LE(st.groups, 200);
}

TEST_P(GroupCommit, ALeaderWaitsForAnUploadThatIsComing) {
  // Waits even after cheap commits, and longer than any test: only the arrival ends the wait.
  commits_.set_gather(std::chrono::seconds(60), std::chrono::microseconds(0));
  auto coming = std::make_unique<GroupCommitter::Coming>(commits_);  // being parsed
  auto p = Project::open(dir_ / "proj");
  std::vector<Sample> first = {sample(1)};
  std::thread leader([&] { commits_.commit(p.store(), first, false); });
  wait_queued(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(commits_.stats().groups, 0) << "the leader did not wait for the coming upload";
  EXPECT_EQ(count(), 0);
  auto q = Project::open(dir_ / "proj");
  std::vector<Sample> second = {sample(2)};
  commits_.commit(q.store(), second, false, nullptr, coming.get());
  leader.join();
  auto st = commits_.stats();
  EXPECT_EQ(st.groups, 1);
  EXPECT_EQ(st.batches, 2);
  EXPECT_EQ(st.coming, 0);
  EXPECT_EQ(count(), 2);
}

TEST_P(GroupCommit, NoWaitUnlessAsked) {
  GroupCommitter::Coming coming(commits_);  // never arrives while the upload below is stored
  auto p = Project::open(dir_ / "proj");
  std::vector<Sample> b = {sample(1)};
  commits_.commit(p.store(), b, false);
  EXPECT_EQ(commits_.stats().groups, 1);
  EXPECT_EQ(commits_.stats().coming, 1);
  EXPECT_EQ(count(), 1);
  // Asked to wait only after groups that took an hour: this one did not.
  commits_.set_gather(std::chrono::seconds(60), std::chrono::hours(1));
  std::vector<Sample> c = {sample(2)};
  commits_.commit(p.store(), c, false);
  EXPECT_EQ(commits_.stats().groups, 2);
}

TEST_P(GroupCommit, AnUploadRefusedOnItsWayEndsTheWait) {
  commits_.set_gather(std::chrono::seconds(60), std::chrono::microseconds(0));
  auto coming = std::make_unique<GroupCommitter::Coming>(commits_);
  auto p = Project::open(dir_ / "proj");
  std::vector<Sample> first = {sample(1)};
  std::thread leader([&] { commits_.commit(p.store(), first, false); });
  wait_queued(1);
  coming.reset();  // its parse failed: it will never come
  leader.join();
  EXPECT_EQ(commits_.stats().groups, 1);
  EXPECT_EQ(commits_.stats().coming, 0);
  EXPECT_EQ(count(), 1);
}

TEST_P(GroupCommit, GroupsAreWrittenThroughOneConnectionOfTheirOwn) {
  int opened = 0;
  commits_.write_through([&] {
    opened++;
    return std::make_unique<Store>(location(), false);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto p = Project::open(dir_ / "proj");
      for (int i = 0; i < 10; ++i) {
        std::vector<Sample> b = {sample(static_cast<float>(100 * t + i))};
        commits_.commit(p.store(), b, true);
        EXPECT_GT(b[0].id, 0);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(count(), 40);
}

TEST_P(GroupCommit, WithoutItsOwnConnectionTheLeadersStoreWrites) {
  commits_.write_through([]() -> std::unique_ptr<Store> { throw Error("cannot open"); });
  auto p = Project::open(dir_ / "proj");
  std::vector<Sample> b = {sample(1)};
  commits_.commit(p.store(), b, false);
  EXPECT_EQ(count(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommit, ::testing::Values(sql::Backend::Sqlite, sql::Backend::Postgres),
                         backend_name);
