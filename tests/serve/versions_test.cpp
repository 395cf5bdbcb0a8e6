// Named versions of the impulse and its models: the API against a real server on 127.0.0.1 (save, list,
// compare, restore, delete, refusals that leave nothing written) and `mote version` on a demo project.
#include <fstream>

#include "core/error.h"
#include "demo/motion.h"
#include "impulse/features.h"
#include "ingest/split.h"
#include "learn/pipeline.h"
#include "learn/versions.h"
#include "serve_support.h"
#include "store/sql.h"
#include "support/postgres_server.h"

using nlohmann::json;
using mote::test::run_mote;
using mote::test::ServeTest;

namespace {

json impulse_with_fft(int fft) {
  return json::parse(R"({"input":{"type":"time-series","window_ms":2000,"stride_ms":500,"frequency_hz":62.5},
    "dsp":[{"name":"spectral","type":"spectral","params":{"fft_length":)" + std::to_string(fft) + R"(}}],
    "learn":[{"name":"classifier","type":"classifier","params":{"epochs":4,"layers":[{"type":"dense","units":8}]}}]})");
}

class VersionsApi : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    mote::Project p = mote::Project::open(proj);
    mote::MotionOptions mo;
    mo.recordings_per_class = 4;
    mo.recording_s = 4;
    mo.anomalies = 0;
    auto samples = mote::generate_motion(mo);
    std::vector<mote::SplitItem> items;
    for (auto& s : samples) items.push_back({s.label, mote::content_hash(s)});
    auto cats = mote::stratified_split(items, 0.25);
    mote::sql::Transaction tx(p.store().db());
    for (size_t i = 0; i < samples.size(); ++i) samples[i].category = cats[i], p.store().insert(samples[i]);
    tx.commit();
  }
  // Sets the impulse and trains it, as `mote impulse set` + `mote train` would.
  void train_with_fft(int fft) {
    mote::Project p = mote::Project::open(proj);
    mote::save_impulse(p, mote::parse_impulse(impulse_with_fft(fft)));
    mote::learn::TrainOptions o;
    o.quiet = true;
    mote::learn::train_impulse(p, o);
  }
  std::string model_of(const std::string& block) {
    mote::Project p = mote::Project::open(proj);
    for (auto& b : mote::learn::load_trained(p.store()))
      if (b.name == block) return b.model.dump();
    return "";
  }
  httplib::Result save(const std::string& name) {
    return client->Post("/api/versions", with_key(), json({{"name", name}}).dump(), "application/json");
  }
  size_t versions() { return body(client->Get("/api/versions"))["versions"].size(); }
};

}  // namespace

TEST_F(VersionsApi, SaveCompareRestoreTheImpulseAndItsModels) {
  train_with_fft(64);
  const std::string model64 = model_of("classifier");
  // Profile reports edited by hand or cut short are skipped, not a failed save.
  std::filesystem::create_directories(proj / "out");
  mote::test::write_text(proj / "out" / "profile-cortex-m0.json", "[1, 2]");
  mote::test::write_text(proj / "out" / "profile-riscv32.json", R"({"impulse_hash": 5})");
  start();
  auto a = save("fft-64");
  ASSERT_EQ(a->status, 201) << a->body;
  json va = body(a);
  EXPECT_EQ(va["name"], "fft-64");
  ASSERT_EQ(va["blocks"].size(), 1u);
  EXPECT_EQ(va["blocks"][0]["block"], "classifier");
  // Saved with the testing set evaluated now and the training summary.
  const json& m = va["metrics"]["blocks"]["classifier"];
  ASSERT_TRUE(m["testing"].contains("accuracy")) << va.dump();
  EXPECT_GE(m["testing"]["accuracy"].get<double>(), 0.0);
  EXPECT_LE(m["testing"]["accuracy"].get<double>(), 1.0);
  EXPECT_TRUE(m["testing"].contains("macro_f1"));
  EXPECT_TRUE(m["training"].contains("val_accuracy"));
  EXPECT_GT(va["metrics"]["testing_samples"].get<int>(), 0);

  stop();
  train_with_fft(32);
  const std::string model32 = model_of("classifier");
  ASSERT_NE(model32, model64);
  start();
  ASSERT_EQ(save("fft-32")->status, 201);
  json list = body(client->Get("/api/versions"))["versions"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "fft-32") << "newest first";
  EXPECT_EQ(list[1]["name"], "fft-64");
  EXPECT_FALSE(list[0].contains("impulse")) << "the list carries no impulse";

  // Compare: metric rows for both, and the one impulse parameter that differs.
  json c = body(client->Get("/api/versions/compare?a=fft-64&b=fft-32"));
  bool accuracy_row = false;
  for (auto& r : c["rows"])
    if (r["metric"] == "classifier testing accuracy") accuracy_row = r["a"].is_number() && r["b"].is_number();
  EXPECT_TRUE(accuracy_row) << c.dump();
  ASSERT_EQ(c["impulse_changes"].size(), 1u) << c["impulse_changes"].dump();
  EXPECT_EQ(c["impulse_changes"][0]["path"], "impulse.dsp[0].params.fft_length");
  EXPECT_EQ(c["impulse_changes"][0]["a"], 64);
  EXPECT_EQ(c["impulse_changes"][0]["b"], 32);
  EXPECT_EQ(client->Get("/api/versions/compare?a=fft-64&b=nope")->status, 404);

  // Labels and split changed after saving: one sample relabelled, one moved, one added (unlabelled).
  int64_t relabelled = 0, moved = 0, added = 0;
  std::string moved_from;
  {
    mote::Project p = mote::Project::open(proj);
    auto all = p.store().list(mote::SampleFilter{});
    ASSERT_GE(all.size(), 3u);
    relabelled = all[0].id, moved = all[1].id;
    moved_from = mote::category_name(all[1].category);
    p.store().set_label(relabelled, "renamed");
    p.store().set_category(moved, all[1].category == mote::Category::Testing ? mote::Category::Training : mote::Category::Testing);
    mote::Sample extra = p.store().get(all[2].id);  // with its values
    extra.values[0] += 0.5f;
    extra.label = "";
    extra.hash = mote::content_hash(extra);
    added = p.store().insert(extra);
  }

  // Restore: mote.json holds the version's impulse and its model is the current one, bit for bit; the samples
  // it knew have their labels and split back, the one added since keeps its own.
  auto r = client->Post("/api/versions/fft-64/restore", with_key(), "", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  const json restored = body(r);
  EXPECT_EQ(restored["labels"]["restored"], 2) << restored["labels"].dump();
  EXPECT_EQ(restored["labels"]["added_since"], 1);
  EXPECT_EQ(restored["labels"]["deleted_since"], 0);
  {
    mote::Project p = mote::Project::open(proj);
    EXPECT_NE(p.store().get(relabelled).label, "renamed");
    EXPECT_EQ(mote::category_name(p.store().get(moved).category), moved_from);
    EXPECT_EQ(p.store().get(added).label, "");
  }
  {
    mote::Project p = mote::Project::open(proj);
    EXPECT_EQ(p.config()["impulse"]["dsp"][0]["params"]["fft_length"], 64);
    mote::ImpulseSpec spec = mote::load_impulse(p);
    auto current = mote::learn::current_models(p.store(), mote::Impulse(spec, mote::impulse_axes(p, spec)));
    ASSERT_EQ(current.size(), 1u);
    EXPECT_EQ(current[0].model.dump(), model64);
  }
  EXPECT_EQ(model_of("classifier"), model64);
  // The test job evaluates the restored models without retraining.
  EXPECT_EQ(body(client->Get("/api/versions/fft-64"))["impulse"]["dsp"][0]["params"]["fft_length"], 64);

  auto d = client->Delete("/api/versions/fft-32", with_key());
  ASSERT_EQ(d->status, 200) << d->body;
  EXPECT_EQ(versions(), 1u);
  EXPECT_EQ(client->Get("/api/versions/fft-32")->status, 404);
}

TEST_F(VersionsApi, RefusalsNameTheProblemAndWriteNothing) {
  train_with_fft(64);
  start();
  ASSERT_EQ(save("one")->status, 201);
  auto dup = save("one");
  EXPECT_EQ(dup->status, 400);
  EXPECT_NE(dup->body.find("exists already"), std::string::npos) << dup->body;
  auto bad = save("two words");
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("letters, digits"), std::string::npos) << bad->body;
  EXPECT_EQ(save("..")->status, 400) << "a path segment, not a name";
  EXPECT_EQ(save(std::string(65, 'a'))->status, 400);
  EXPECT_EQ(client->Post("/api/versions", with_key(), "{}", "application/json")->status, 400);
  auto unknown = client->Post("/api/versions/nope/restore", with_key(), "", "application/json");
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("the versions are: one"), std::string::npos) << unknown->body;
  // Writes need the key or the session.
  EXPECT_EQ(client->Post("/api/versions", json({{"name", "x"}}).dump(), "application/json")->status, 401);

  // A changed impulse whose models are stale is not a version: refused, and nothing is stored.
  {
    mote::Project p = mote::Project::open(proj);
    mote::save_impulse(p, mote::parse_impulse(impulse_with_fft(32)));
  }
  auto stale = save("stale");
  EXPECT_EQ(stale->status, 400);
  EXPECT_NE(stale->body.find("run mote train"), std::string::npos) << stale->body;
  EXPECT_EQ(versions(), 1u);
  mote::Project p = mote::Project::open(proj);
  mote::sql::Stmt st(p.store().db(), "SELECT COUNT(*) FROM version_models");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 1) << "only version one's model copy";
}

// The CLI on a demo project: save, list, compare, restore, and its refusals (exit 1, one line, nothing written).
TEST(VersionsCli, SaveListCompareRestore) {
  mote::test::TempDir dir;
  const std::string proj = (dir / "demo").string();
  ASSERT_EQ(run_mote("demo " + proj + " --no-serve --no-profile").exit_code, 0);
  auto saved = run_mote("-C " + proj + " version save baseline");
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_NE(saved.out.find("saved version 'baseline' (2 models)"), std::string::npos) << saved.out;
  EXPECT_NE(saved.out.find("classifier accuracy 100.0 %"), std::string::npos) << saved.out;  // the demo separates its motions

  // A second version with another FFT length, trained.
  json imp = json::parse(run_mote("-C " + proj + " impulse show --json").out);
  if (imp.contains("impulse")) imp = imp["impulse"];
  for (auto& b : imp["dsp"])
    if (b["type"] == "spectral") b["params"]["fft_length"] = 32;
  for (auto& b : imp["learn"])
    if (b["type"] == "classifier") b["params"]["epochs"] = 5;
  mote::test::write_text(dir / "fft32.json", imp.dump());
  ASSERT_EQ(run_mote("-C " + proj + " impulse set " + (dir / "fft32.json").string()).exit_code, 0);
  auto early = run_mote("-C " + proj + " version save fft32");
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("run mote train before saving a version"), std::string::npos) << early.err;
  ASSERT_EQ(run_mote("-C " + proj + " train --json").exit_code, 0);
  ASSERT_EQ(run_mote("-C " + proj + " version save fft32").exit_code, 0);

  json list = json::parse(run_mote("-C " + proj + " version list --json").out)["versions"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "fft32");
  auto table = run_mote("-C " + proj + " version list");
  EXPECT_NE(table.out.find("baseline"), std::string::npos) << table.out;

  json c = json::parse(run_mote("-C " + proj + " version compare baseline fft32 --json").out);
  bool fft_changed = false;
  for (auto& ch : c["impulse_changes"])
    if (ch["path"] == "impulse.dsp[0].params.fft_length") fft_changed = ch["b"] == 32;
  EXPECT_TRUE(fft_changed) << c.dump();
  auto text = run_mote("-C " + proj + " version compare baseline fft32");
  EXPECT_NE(text.out.find("anomaly testing roc_auc"), std::string::npos) << text.out;

  auto dup = run_mote("-C " + proj + " version save baseline");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("exists already"), std::string::npos) << dup.err;
  auto missing = run_mote("-C " + proj + " version restore nope");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("the versions are: baseline, fft32"), std::string::npos) << missing.err;

  ASSERT_EQ(run_mote("-C " + proj + " version restore baseline").exit_code, 0);
  json now = json::parse(run_mote("-C " + proj + " impulse show --json").out);
  if (now.contains("impulse")) now = now["impulse"];
  EXPECT_EQ(now["dsp"][0]["params"]["fft_length"], 64);
  // The restored models are current: testing needs no training.
  auto tested = run_mote("-C " + proj + " test --json");
  EXPECT_EQ(tested.exit_code, 0) << tested.err;
  ASSERT_EQ(run_mote("-C " + proj + " version delete fft32").exit_code, 0);
  EXPECT_EQ(json::parse(run_mote("-C " + proj + " version list --json").out)["versions"].size(), 1u);
}

// The same SQL on a PostgreSQL store (the dialect translates it): save, compare, restore.
TEST(VersionsPostgres, SaveCompareRestore) {
  std::string why;
  const std::string url = mote::test::fresh_postgres_database(&why);
  if (url.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
  mote::test::TempDir dir;
  mote::Project p = mote::Project::init(dir / "proj", url);
  mote::MotionOptions mo;
  mo.recordings_per_class = 3;
  mo.recording_s = 4;
  mo.anomalies = 0;
  {
    mote::sql::Transaction tx(p.store().db());
    int i = 0;
    for (auto& s : mote::generate_motion(mo)) s.category = i++ % 3 ? mote::Category::Training : mote::Category::Testing, p.store().insert(s);
    tx.commit();
  }
  mote::learn::TrainOptions o;
  o.quiet = true;
  mote::save_impulse(p, mote::parse_impulse(impulse_with_fft(64)));
  mote::learn::train_impulse(p, o);
  json a = mote::learn::save_version(p, "a");
  EXPECT_TRUE(a["metrics"]["blocks"]["classifier"]["testing"].contains("accuracy")) << a.dump();
  const std::string model_a = mote::learn::load_trained(p.store())[0].model.dump();
  mote::save_impulse(p, mote::parse_impulse(impulse_with_fft(32)));
  mote::learn::train_impulse(p, o);
  mote::learn::save_version(p, "b");
  EXPECT_THROW(mote::learn::save_version(p, "b"), mote::Error);
  json c = mote::learn::compare_versions(p, "a", "b");
  ASSERT_EQ(c["impulse_changes"].size(), 1u) << c.dump();
  EXPECT_EQ(mote::learn::list_versions(p).size(), 2u);
  mote::learn::restore_version(p, "a");
  mote::Project again = mote::Project::open(dir / "proj");
  EXPECT_EQ(again.config()["impulse"]["dsp"][0]["params"]["fft_length"], 64);
  mote::ImpulseSpec spec = mote::load_impulse(again);
  auto current = mote::learn::current_models(again.store(), mote::Impulse(spec, mote::impulse_axes(again, spec)));
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].model.dump(), model_a);
  mote::learn::delete_version(again, "b");
  EXPECT_EQ(mote::learn::list_versions(again).size(), 1u);
}
