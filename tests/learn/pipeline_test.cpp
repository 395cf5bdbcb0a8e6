// The learning pipeline over a project: models stored and reloaded, staleness, bad learning blocks.
#include <gtest/gtest.h>

#include <map>

#include "core/error.h"
#include "demo/motion.h"
#include "learn/anomaly.h"
#include "learn/pipeline.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {

Project motion_project(const test::TempDir& dir) {
  Project p = Project::init(dir / "p");
  MotionOptions o;
  o.recordings_per_class = 4;
  o.anomalies = 1;
  auto samples = generate_motion(o);
  sql::Transaction tx(p.store().db());
  std::map<std::string, int> seen;  // the first recording of each gesture goes to testing
  for (auto& s : samples) {
    if (s.label != "anomaly") s.category = seen[s.label]++ == 0 ? Category::Testing : Category::Training;
    p.store().insert(s);
  }
  tx.commit();
  return p;
}

std::string message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(LearnPipeline, StoresReloadsAndRefusesStaleModels) {
  test::TempDir dir;
  Project p = motion_project(dir);
  learn::TrainOptions o;
  o.quiet = true;
  int epochs = 0;
  o.on_epoch = [&](const std::string& block, const learn::EpochStats&, int) { epochs += block == "classifier"; };
  auto report = learn::train_impulse(p, o);
  ASSERT_EQ(report.blocks.size(), 2u);
  EXPECT_GT(epochs, 0);
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  auto models = learn::current_models(p.store(), impulse);
  ASSERT_EQ(models.size(), 2u);
  ir::Model m = learn::trained_ir(models[0]);
  EXPECT_EQ(m.labels, (std::vector<std::string>{"circle", "idle", "updown", "wave"}));
  EXPECT_EQ(m.input.size(), impulse.width());
  EXPECT_EQ(learn::anomaly_from_json(models[1].model).type, "kmeans");
  EXPECT_THROW(learn::trained_ir(models[1]), Error);
  // The anomaly threshold comes from one of the 3 training recordings of each gesture, held out whole.
  const json& h = models[1].metrics.at("holdout");
  EXPECT_EQ(h["samples"], 4);
  EXPECT_EQ(h["fit_samples"], 8);
  EXPECT_EQ(models[1].metrics["threshold_rule"], "holdout");
  EXPECT_EQ(h["windows"].get<size_t>() + models[1].metrics["fit_windows"].get<size_t>(), models[1].metrics["train_windows"].get<size_t>());
  EXPECT_EQ(h["windows"].get<size_t>() * 2, models[1].metrics["fit_windows"].get<size_t>()) << "recordings are of one length";
  EXPECT_LE(h["false_positive_rate"].get<double>(), 0.01);
  EXPECT_EQ(learn::anomaly_from_json(models[1].model).threshold, models[1].metrics["threshold"].get<float>());

  // Editing the classifier's params makes its stored model stale.
  spec.learn[0].params = {{"epochs", 2}};
  save_impulse(p, spec);
  ImpulseSpec edited = load_impulse(p);
  Impulse again(edited, impulse_axes(p, edited));
  EXPECT_NE(message([&] { learn::current_models(p.store(), again); }).find("run mote train"), std::string::npos);
  learn::train_impulse(p, o);
  EXPECT_EQ(learn::current_models(p.store(), again).size(), 2u);
  EXPECT_EQ(learn::load_trained(p.store()).size(), 2u);  // newest per block

  json r = learn::test_impulse(p, true);
  EXPECT_EQ(r["blocks"][0]["unknown_label_samples"], 1);
}

TEST(LearnPipeline, BadLearningBlocksNameTheField) {
  test::TempDir dir;
  Project p = motion_project(dir);
  ImpulseSpec spec = load_impulse(p);
  spec.learn = {{"nn", "svm", {"spectral"}, json::object()}};
  save_impulse(p, spec);
  learn::TrainOptions o;
  o.quiet = true;
  EXPECT_NE(message([&] { learn::train_impulse(p, o); }).find("impulse.learn[0].type"), std::string::npos);
  spec.learn = {{"nn", "classifier", {"spectral"}, {{"layers", {{{"type", "dense"}}}}}}};
  save_impulse(p, spec);
  EXPECT_NE(message([&] { learn::train_impulse(p, o); }).find("impulse.learn.nn.params.layers[0].units"), std::string::npos);
  spec.learn = {{"a", "kmeans", {"spectral"}, {{"clusters", 0}}}};
  save_impulse(p, spec);
  EXPECT_NE(message([&] { learn::train_impulse(p, o); }).find("impulse.learn.a.params.clusters"), std::string::npos);
  spec.learn.clear();
  save_impulse(p, spec);
  EXPECT_NE(message([&] { learn::train_impulse(p, o); }).find("impulse.learn"), std::string::npos);
}
