// Parameters declared once (src/impulse/blocks/params.h): every block's schema is what its reader checks,
// what the studio's form and docs/blocks.md show, and the defaults a block fills in are the schema's.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "impulse/blocks/params.h"
#include "impulse/dsp_block.h"
#include "learn/pipeline.h"

using namespace mote;
using nlohmann::json;

namespace {

InputSpec input_for(const std::string& type) {
  InputSpec in;
  if (type == "image") {
    in.type = InputType::Image;
  } else if (type == "mfcc" || type == "mfe" || type == "spectrogram") {
    in.frequency_hz = 16000, in.window_ms = 1000, in.stride_ms = 250, in.axes = {"audio"};
  }
  return in;
}

std::string error_of(const std::string& type, const json& params, const InputSpec& in, size_t axes = 1) {
  try {
    make_dsp_block({"b", type, {}, params}, in, axes, "impulse.dsp[0]");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(BlockSchema, EveryBlockHasOneAndFillsExactlyItsParameters) {
  std::set<std::string> with_schema;
  for (const auto* s : blocks::all_schemas())
    if (s->kind == "dsp") with_schema.insert(s->type);
  for (const auto& type : dsp_block_types()) {
    SCOPED_TRACE(type);
    ASSERT_TRUE(with_schema.count(type)) << "no schema for " << type;
    const blocks::BlockSchema* schema = nullptr;
    for (const auto* s : blocks::all_schemas())
      if (s->kind == "dsp" && s->type == type) schema = s;
    auto block = make_dsp_block({"b", type, {}, json::object()}, input_for(type), type == "image" ? 0 : 1, "impulse.dsp[0]");
    json filled = block->params();
    std::set<std::string> names, keys;
    for (auto& p : schema->params) names.insert(p.name);
    for (auto& [k, v] : filled.items()) keys.insert(k);
    EXPECT_EQ(names, keys);
    // A default stated in the schema is the one the block fills in.
    for (auto& p : schema->params)
      if (!p.fallback.is_null()) EXPECT_EQ(filled[p.name], p.fallback) << p.name;
  }
  EXPECT_EQ(with_schema.size(), dsp_block_types().size());
}

TEST(BlockSchema, RangesAndChoicesComeFromTheSchema) {
  const InputSpec motion = input_for("spectral"), audio = input_for("mfcc");
  EXPECT_EQ(error_of("spectral", {{"fft_length", 5000}}, motion, 3),
            "impulse.dsp[0].params.fft_length: 5000 is out of range; use 16 to 4096");
  EXPECT_EQ(error_of("spectral", {{"filter_type", "band"}}, motion, 3),
            "impulse.dsp[0].params.filter_type: 'band' is not one of none, low, high");
  EXPECT_EQ(error_of("spectral", {{"take_log", 1}}, motion, 3), "impulse.dsp[0].params.take_log: must be true or false");
  // A bound that follows from another value: at most fft_length / 2 bands.
  EXPECT_EQ(error_of("spectral", {{"fft_length", 32}, {"spectral_bands", 17}}, motion, 3),
            "impulse.dsp[0].params.spectral_bands: 17 is out of range; use 0 to 16");
  EXPECT_EQ(error_of("mfe", {{"noise_floor_db", 5}}, audio), "impulse.dsp[0].params.noise_floor_db: 5 is out of range; use -200 to 0");
  EXPECT_EQ(error_of("mfe", {{"scale", "db"}, {"noise_floor_db", 5}}, audio), "");
  EXPECT_EQ(error_of("flatten", {{"stats", {"mean", "median"}}}, motion, 3),
            "impulse.dsp[0].params.stats: entries must be among mean, min, max, rms, stdev, skewness, kurtosis");
  // The input block reads through its schema too, naming impulse.input.<field>.
  try {
    parse_impulse(json::parse(R"({"input":{"type":"time-series","window_ms":0.5}})"));
    FAIL() << "a window of 0.5 ms was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "impulse.input.window_ms: 0.5 is out of range; use 1 to 3600000");
  }
  try {
    parse_impulse(json::parse(R"({"input":{"type":"image","width":32.5}})"));
    FAIL() << "a fractional width was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "impulse.input.width: must be a whole number");
  }
}

TEST(BlockSchema, JsonListsEveryFieldTheFormNeeds) {
  json j = blocks::schemas_json();
  ASSERT_EQ(j["input"].size(), 2u);
  ASSERT_EQ(j["dsp"].size(), dsp_block_types().size());
  for (auto& b : j["dsp"]) {
    EXPECT_FALSE(b["summary"].get<std::string>().empty()) << b["type"];
    for (auto& p : b["params"]) {
      SCOPED_TRACE(b["type"].get<std::string>() + "." + p["name"].get<std::string>());
      EXPECT_FALSE(p["help"].get<std::string>().empty());
      const std::string t = p["type"];
      if (t == "number" || t == "integer") EXPECT_LT(p["min"].get<double>(), p["max"].get<double>());
      if (t == "choice" || t == "choices") EXPECT_GE(p["choices"].size(), 2u);
      if (p["default"].is_null()) EXPECT_TRUE(p.contains("depends")) << "a default from the input says how";
    }
  }
}

TEST(BlockSchema, LearningBlocksReadThroughTheirSchema) {
  std::vector<std::string> types;
  for (const auto* s : learn::learn_schemas()) types.push_back(s->type);
  EXPECT_EQ(types, (std::vector<std::string>{"classifier", "regression", "kmeans", "gmm", "random_forest", "gradient_boosting"}));
  // A range from the table, a value refused by its choices, an unknown key: each names the field.
  auto err = [](const std::string& type, const json& params) {
    try {
      learn::check_anomaly_params(type, params, "impulse.learn[0]", 10);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(err("kmeans", {{"clusters", 300}}), "impulse.learn[0].params.clusters: 300 is out of range; use 1 to 256");
  EXPECT_EQ(err("kmeans", {{"clusters", 2.5}}), "impulse.learn[0].params.clusters: must be a whole number");
  EXPECT_EQ(err("gmm", {{"covariance", "tied"}}), "impulse.learn[0].params.covariance: 'tied' is not one of diag, full");
  EXPECT_EQ(err("kmeans", {{"covariance", "full"}}).rfind("impulse.learn[0].params.covariance: is not a parameter of a kmeans block", 0), 0u);
  EXPECT_EQ(err("gmm", {{"components", 3}, {"holdout", 0.3}}), "");
}

TEST(BlockSchema, DocsTableIsTheSchema) {
  std::ifstream f(std::string(MOTE_SOURCE_DIR) + "/docs/blocks.md");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find(blocks::schemas_markdown() + blocks::schemas_markdown(learn::learn_schemas())), std::string::npos)
      << "docs/blocks.md is out of date: regenerate its tables with `mote impulse schema`";
}
