// Learning parameters are refused when the impulse is set (`mote impulse set`, PUT /api/impulse), not only at
// `mote train`: src/learn registers its checker with src/impulse, and the error names the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "impulse/features.h"
#include "learn/pipeline.h"
#include "serve/serve_support.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {

json impulse_with(const json& learn) {
  return {{"input", {{"type", "time-series"}, {"window_ms", 1000}, {"stride_ms", 250}, {"frequency_hz", 50}, {"axes", {"x", "y", "z"}}}},
          {"dsp", {{{"name", "spectral"}, {"type", "spectral"}}}},
          {"learn", learn}};
}

// Bad learning blocks and the field each error must name.
const std::vector<std::pair<json, std::string>>& bad_cases() {
  static const std::vector<std::pair<json, std::string>> cases = {
      {{{{"name", "c"}, {"type", "classifier"}, {"params", {{"epochs", -3}}}}}, "impulse.learn[0].params.epochs: -3 is out of range"},
      {{{{"name", "c"}, {"type", "classifier"}, {"params", {{"epoch", 3}}}}}, "impulse.learn[0].params.epoch: is not a parameter"},
      {{{{"name", "c"}, {"type", "classifier"}, {"params", {{"layers", {{{"type", "dense"}}}}}}}}, "impulse.learn[0].params.layers[0].units"},
      {{{{"name", "c"}, {"type", "classifier"}, {"params", {{"layers", {{{"type", "conv2d"}, {"filters", 4}}}}}}}},
       "impulse.learn[0].params.layers[0]: a conv2d needs a 2-D or 3-D input"},
      {{{{"name", "r"}, {"type", "regression"}, {"params", {{"learning_rate", "fast"}}}}}, "impulse.learn[0].params.learning_rate: must be a number"},
      {{{{"name", "c"}, {"type", "classifier"}}, {{"name", "a"}, {"type", "kmeans"}, {"params", {{"clusters", 0}}}}},
       "impulse.learn[1].params.clusters"},
      {{{{"name", "g"}, {"type", "gmm"}, {"params", {{"covariance", "spherical"}}}}}, "impulse.learn[0].params.covariance: 'spherical' is not one of diag, full"},
      {{{{"name", "g"}, {"type", "kmeans"}, {"params", {{"features", {0, 9999}}}}}}, "impulse.learn[0].params.features: holds 9999"},
      {{{{"name", "s"}, {"type", "svm"}}}, "impulse.learn[0].type: 'svm' is not a learning block"},
  };
  return cases;
}

const json& good_learn() {
  static const json j = {{{"name", "c"}, {"type", "classifier"}, {"params", {{"epochs", 5}, {"layers", {{{"type", "dense"}, {"units", 8}}}}}}},
                         {{"name", "a"}, {"type", "gmm"}, {"params", {{"components", 2}, {"features", {0, 1}}}}}};
  return j;
}

}  // namespace

TEST(ImpulseValidator, CheckLearnBlocksNamesTheField) {
  for (auto& [learn, expected] : bad_cases()) {
    Impulse built(parse_impulse(impulse_with(learn)), 3);
    try {
      learn::check_learn_blocks(built);
      ADD_FAILURE() << "accepted " << learn.dump();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(learn::check_learn_blocks(Impulse(parse_impulse(impulse_with(good_learn())), 3)));
}

TEST(ImpulseValidator, ImpulseSetRefusesBadLearningParams) {
  test::TempDir dir;
  std::string proj = (dir / "p").string();
  ASSERT_EQ(test::run_mote("init " + proj).exit_code, 0);
  test::write_text(dir / "good.json", impulse_with(good_learn()).dump());
  auto ok = test::run_mote("-C " + proj + " impulse set " + (dir / "good.json").string());
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  std::string saved = test::read_text(dir / "p/mote.json");
  for (auto& [learn, expected] : bad_cases()) {
    test::write_text(dir / "bad.json", impulse_with(learn).dump());
    auto r = test::run_mote("-C " + proj + " impulse set " + (dir / "bad.json").string());
    EXPECT_NE(r.exit_code, 0) << learn.dump();
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(test::read_text(dir / "p/mote.json"), saved) << "a refused impulse leaves mote.json as it was";
  }
}

class ImpulseValidatorApi : public test::ServeTest {};

TEST_F(ImpulseValidatorApi, PutImpulseRefusesBadLearningParams) {
  learn::register_impulse_validator();  // as main does
  start();
  auto ok = client->Put("/api/impulse", with_key(), impulse_with(good_learn()).dump(), "application/json");
  ASSERT_EQ(ok->status, 200) << ok->body;
  for (auto& [learn, expected] : bad_cases()) {
    auto r = client->Put("/api/impulse", with_key(), impulse_with(learn).dump(), "application/json");
    EXPECT_EQ(r->status, 400) << learn.dump();
    EXPECT_NE(body(r)["error"].get<std::string>().find(expected), std::string::npos) << r->body;
  }
  EXPECT_EQ(Project::open(proj).config()["impulse"]["learn"][0]["params"]["epochs"], 5);
  set_learn_validator(nullptr);
}
