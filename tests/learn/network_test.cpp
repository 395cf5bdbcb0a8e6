// The torch-trained network and its IR export: parity for every layer type, determinism, learning on
// easy data, defaults per input kind and parameter errors.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "core/error.h"
#include "learn/train.h"

using namespace mote;
using namespace mote::learn;
using nlohmann::json;

namespace {

NetworkConfig config(const char* layers, std::vector<size_t> shape, int outputs = 3, bool regression = false, const char* kind = "other") {
  return parse_network_config({{"layers", json::parse(layers)}}, {shape, kind}, outputs, regression, "impulse.learn.nn");
}

// Two Gaussian classes per output, linearly separable along feature 0 and 1.
Dataset easy(size_t per_class, int classes, size_t width, uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0, 0.5f);
  Dataset d;
  d.shape = {1, 1, static_cast<int>(width)};
  int64_t sample = 0;
  for (int c = 0; c < classes; ++c)
    for (size_t i = 0; i < per_class; ++i) {
      for (size_t k = 0; k < width; ++k) d.x.push_back(n(rng) + (k == static_cast<size_t>(c % width) ? 3.0f : 0.0f));
      d.y.push_back(c);
      d.target.push_back(static_cast<float>(c) * 2.0f + 1.0f);
      d.group.push_back(sample++ / 2);  // two windows per sample
    }
  return d;
}

}  // namespace

TEST(Network, ExportMatchesTorchForEveryLayerType) {
  struct Case {
    const char* name;
    const char* layers;
    std::vector<size_t> shape;
    bool regression = false;
  };
  std::vector<Case> cases = {
      {"dense", R"([{"type":"dense","units":7},{"type":"dense","units":5,"activation":"relu6"}])", {13}},
      {"dense+batch_norm+dropout", R"([{"type":"dense","units":6,"activation":"none"},{"type":"batch_norm"},{"type":"relu"},
                                     {"type":"dropout","rate":0.5},{"type":"dense","units":4}])", {9}},
      {"dense on 2-D features", R"([{"type":"dense","units":5}])", {4, 3}},
      {"conv1d same+valid, max_pool, flatten", R"([{"type":"conv1d","filters":4,"kernel":3},{"type":"max_pool","pool":2},
          {"type":"conv1d","filters":5,"kernel":2,"padding":"valid"},{"type":"flatten"},{"type":"dense","units":6}])", {11, 3}},
      {"conv1d even kernel same + stride 2", R"([{"type":"conv1d","filters":3,"kernel":4,"stride":2},{"type":"flatten"}])", {10, 2}},
      {"conv1d+batch_norm, avg_pool", R"([{"type":"conv1d","filters":4,"kernel":3,"activation":"none"},{"type":"batch_norm"},
          {"type":"relu6"},{"type":"avg_pool","pool":2},{"type":"dropout"},{"type":"flatten"}])", {8, 5}},
      {"conv2d", R"([{"type":"conv2d","filters":3,"kernel":3},{"type":"max_pool","pool":2},{"type":"conv2d","filters":4,
          "kernel":[2,3],"padding":"valid"},{"type":"flatten"},{"type":"dense","units":5}])", {8, 9, 2}},
      {"conv2d on 2-D features", R"([{"type":"conv2d","filters":2,"kernel":3},{"type":"batch_norm"},{"type":"flatten"}])", {6, 5}},
      {"separable conv1d+conv2d", R"([{"type":"separable_conv2d","filters":5,"kernel":3},{"type":"batch_norm"},
          {"type":"avg_pool","pool":[2,2]},{"type":"separable_conv2d","filters":3,"kernel":3,"stride":2}])", {7, 7, 3}},
      {"separable conv1d", R"([{"type":"separable_conv1d","filters":6,"kernel":5},{"type":"max_pool","pool":3}])", {12, 4}},
      {"conv2d, global_avg_pool, dense", R"([{"type":"conv2d","filters":4,"kernel":3},{"type":"max_pool","pool":2},
          {"type":"conv2d","filters":5,"kernel":3},{"type":"global_avg_pool"},{"type":"flatten"},{"type":"dense","units":6}])", {9, 7, 3}},
      {"regression", R"([{"type":"dense","units":8},{"type":"batch_norm"},{"type":"dense","units":4}])", {6}, true},
      {"conv regression", R"([{"type":"conv1d","filters":3,"kernel":3},{"type":"flatten"}])", {6, 2}, true},
  };
  for (auto& c : cases) {
    for (bool normalize : {false, true}) {
      NetworkConfig cfg = config(c.layers, c.shape, 4, c.regression);
      cfg.normalize = normalize;
      double err = export_parity(cfg, 8, 5);
      EXPECT_LE(err, 1e-4) << c.name << (normalize ? " (normalized input)" : "");
    }
  }
}

TEST(Network, ConvInputShapesFollowTheFirstLayer) {
  EXPECT_EQ(config(R"([{"type":"conv1d","filters":2}])", {20, 13}).input, (ir::Shape{1, 20, 13}));
  EXPECT_EQ(config(R"([{"type":"conv2d","filters":2}])", {20, 13}).input, (ir::Shape{20, 13, 1}));
  EXPECT_EQ(config(R"([{"type":"dense","units":2}])", {20, 13}).input, (ir::Shape{1, 1, 260}));
  EXPECT_EQ(config(R"([{"type":"dropout"},{"type":"conv2d","filters":2}])", {8, 8, 3}).input, (ir::Shape{8, 8, 3}));
  auto c = config(R"([{"type":"conv1d","filters":4},{"type":"max_pool","pool":2},{"type":"flatten"}])", {20, 13});
  ASSERT_EQ(c.layers.size(), 3u);
  EXPECT_EQ(c.layers[1].out, (ir::Shape{1, 10, 4}));
  EXPECT_EQ(c.layers[2].out, (ir::Shape{1, 1, 40}));
  // global_avg_pool: one value per channel, whatever the map's size (odd sizes too).
  auto g = config(R"([{"type":"conv2d","filters":6},{"type":"max_pool","pool":2},{"type":"global_avg_pool"}])", {11, 9, 3});
  ASSERT_EQ(g.layers.size(), 3u);
  EXPECT_EQ(g.layers[1].out, (ir::Shape{5, 4, 6}));
  EXPECT_EQ(g.layers[2].kind, NetLayer::AvgPool);
  EXPECT_EQ(g.layers[2].out, (ir::Shape{1, 1, 6}));
}

TEST(Network, DefaultsPerInputKind) {
  auto spectral = parse_network_config({}, {{39}, "spectral"}, 4, false, "b");
  ASSERT_EQ(spectral.layers.size(), 2u);
  EXPECT_EQ(spectral.layers[0].units, 20);
  EXPECT_EQ(spectral.layers[1].units, 10);
  auto audio = parse_network_config({}, {{49, 13}, "audio"}, 10, false, "b");
  EXPECT_EQ(audio.input, (ir::Shape{1, 49, 13}));
  EXPECT_EQ(audio.layers[0].kind, NetLayer::Conv);
  auto image = parse_network_config({}, {{32, 32, 3}, "image"}, 2, false, "b");
  EXPECT_EQ(image.input, (ir::Shape{32, 32, 3}));
  EXPECT_EQ(image.layers[0].kind, NetLayer::Conv);
  EXPECT_GT(image.layers[0].kernel_h, 1);
  EXPECT_EQ(spectral.resolved["layers"].size(), 2u);  // defaults are reported
  EXPECT_DOUBLE_EQ(spectral.resolved["min_confidence"].get<double>(), 0.6);
}

TEST(Network, ParameterErrorsNameTheField) {
  auto message = [](const json& params, std::vector<size_t> shape) {
    try {
      parse_network_config(params, {shape, "other"}, 3, false, "impulse.learn.classifier");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{"layers", {{{"type", "lstm"}}}}}, {10}).find("impulse.learn.classifier.params.layers[0].type"), std::string::npos);
  EXPECT_NE(message({{"layers", json::parse(R"([{"type":"dense","units":4},{"type":"conv1d","filters":2}])")}}, {10, 2})
                .find("layers[1]"),
            std::string::npos);
  EXPECT_NE(message({{"epochs", 0}}, {10}).find("params.epochs"), std::string::npos);
  EXPECT_NE(message({{"learning_rat", 0.1}}, {10}).find("params.learning_rat"), std::string::npos);
  EXPECT_NE(message({{"layers", json::parse(R"([{"type":"conv1d","filters":2,"kernel":9,"padding":"valid"}])")}}, {5, 2})
                .find("larger than its input"),
            std::string::npos);
  EXPECT_NE(message({{"layers", json::parse(R"([{"type":"batch_norm"}])")}}, {5}).find("layers[0]"), std::string::npos);
}

TEST(Network, ValidationSplitKeepsSamplesWholeAndStratified) {
  Dataset d = easy(40, 3, 4, 1);
  auto val = validation_split(d, 0.2, 1, false);
  std::map<int64_t, std::set<bool>> sides;
  std::map<int, int> per_class;
  for (size_t i = 0; i < d.size(); ++i) {
    sides[d.group[i]].insert(val[i]);
    per_class[d.y[i]] += val[i];
  }
  for (auto& [g, s] : sides) EXPECT_EQ(s.size(), 1u) << "sample " << g << " split across sides";
  for (auto& [c, n] : per_class) EXPECT_EQ(n, 8) << "class " << c;  // 20 samples per class, 4 held out, 2 windows each
  EXPECT_EQ(validation_split(d, 0.2, 1, false), val);
  EXPECT_NE(validation_split(d, 0.2, 2, false), val);
}

TEST(Network, FoldSplitDealsEverySampleToExactlyOneStratifiedFold) {
  Dataset d = easy(40, 3, 4, 1);  // 3 classes of 20 samples, 2 windows each
  std::map<int64_t, int> fold_of;
  for (int k = 0; k < 4; ++k) {
    auto val = fold_split(d, 4, k, 7, false);
    std::map<int, std::set<int64_t>> per_class;
    for (size_t i = 0; i < d.size(); ++i)
      if (val[i]) {
        auto [it, added] = fold_of.emplace(d.group[i], k);
        EXPECT_EQ(it->second, k) << "sample " << d.group[i] << " in two folds";
        per_class[d.y[i]].insert(d.group[i]);
      }
    for (int c = 0; c < 3; ++c) EXPECT_EQ(per_class[c].size(), 5u) << "fold " << k << " class " << c;  // 20 / 4
    EXPECT_EQ(fold_split(d, 4, k, 7, false), val);
  }
  EXPECT_EQ(fold_of.size(), 60u) << "every sample is held out by one fold";
  EXPECT_NE(fold_split(d, 4, 0, 8, false), fold_split(d, 4, 0, 7, false));
  EXPECT_THROW(fold_split(d, 4, 4, 7, false), mote::Error);
}

TEST(Network, LearnsAndIsBitIdenticalWithASeed) {
  Dataset d = easy(60, 3, 5, 3);
  NetworkConfig cfg = parse_network_config({{"epochs", 15}, {"learning_rate", 0.01}, {"seed", 42}, {"augment", {{"noise", 0.1}, {"scale", 0.1}}}},
                                           {{5}, "spectral"}, 3, false, "b");
  int epochs_seen = 0;
  TrainResult a = train_network(d, cfg, [&](const EpochStats&) { ++epochs_seen; });
  TrainResult b = train_network(d, cfg);
  EXPECT_EQ(epochs_seen, static_cast<int>(a.curve.size()));
  EXPECT_GT(a.curve.back().val_accuracy, 0.95);
  EXPECT_LE(a.export_error, 1e-4);
  ASSERT_EQ(a.model.layers.size(), b.model.layers.size());
  for (size_t i = 0; i < a.model.layers.size(); ++i) {
    EXPECT_EQ(a.model.layers[i].weights, b.model.layers[i].weights) << "layer " << i;
    EXPECT_EQ(a.model.layers[i].bias, b.model.layers[i].bias) << "layer " << i;
  }
  cfg.seed = 43;
  TrainResult c = train_network(d, cfg);
  EXPECT_NE(a.model.layers[0].weights, c.model.layers[0].weights);
  EXPECT_EQ(a.model.layers.back().op, ir::Op::Softmax);
}

TEST(Network, ConvClassifierWithAugmentationLearns) {
  // Class = where a bump sits along time: conv1d + pooling must find it; shift (and channel warp, time stretch) augmentation
  // keeps it working.
  std::mt19937 rng(5);
  std::normal_distribution<float> n(0, 0.2f);
  Dataset d;
  d.shape = {1, 16, 2};
  for (int i = 0; i < 120; ++i) {
    int c = i % 2;
    for (int t = 0; t < 16; ++t) {
      bool bump = c == 0 ? (t >= 3 && t < 6) : (t >= 10 && t < 13);
      d.x.push_back(n(rng) + (bump ? 2.0f : 0.0f));
      d.x.push_back(n(rng));
    }
    d.y.push_back(c);
    d.group.push_back(i);
  }
  NetworkConfig cfg = parse_network_config(
      {{"layers", json::parse(R"([{"type":"conv1d","filters":4,"kernel":3},{"type":"batch_norm"},{"type":"max_pool","pool":2},
                                  {"type":"flatten"},{"type":"dropout","rate":0.1}])")},
       {"epochs", 25}, {"learning_rate", 0.01}, {"augment", {{"shift", 1}, {"warp", 0.1}, {"stretch", 0.2}}}},
      {{16, 2}, "audio"}, 2, false, "b");
  TrainResult r = train_network(d, cfg);
  EXPECT_GT(r.curve[r.best_epoch - 1].val_accuracy, 0.9);
  EXPECT_LE(r.export_error, 1e-4);
  EXPECT_EQ(r.model.layers[0].op, ir::Op::Conv2D);
}

TEST(Network, RegressionFitsALine) {
  Dataset d = easy(50, 4, 4, 9);  // target = 2 * class + 1, class readable from the features
  NetworkConfig cfg = parse_network_config({{"epochs", 40}, {"learning_rate", 0.01}}, {{4}, "other"}, 1, true, "b");
  TrainResult r = train_network(d, cfg);
  EXPECT_TRUE(r.model.regression);
  EXPECT_LT(r.curve[r.best_epoch - 1].val_accuracy, 0.6);  // validation RMSE, targets span 1..7
  auto y = ir::run_float(r.model, d.x.data() + 3 * 4 * 50 * 4 / 4);
  EXPECT_NEAR(y[0], 7.0, 1.0);  // first example of class 3
}

TEST(Network, ImageDefaultsLearnWithFlipAndCrop) {
  // 12x12 grayscale "images": a bright bar, horizontal (class 0) or vertical (class 1), anywhere.
  std::mt19937 rng(8);
  std::uniform_int_distribution<int> pos(2, 9);
  std::normal_distribution<float> n(0, 0.1f);
  Dataset d;
  d.shape = {12, 12, 1};
  for (int i = 0; i < 160; ++i) {
    int c = i % 2, p = pos(rng);
    for (int y = 0; y < 12; ++y)
      for (int x = 0; x < 12; ++x) d.x.push_back(n(rng) + ((c == 0 ? y == p : x == p) ? 1.0f : 0.0f));
    d.y.push_back(c);
    d.group.push_back(i);
  }
  NetworkConfig cfg = parse_network_config({{"epochs", 20}, {"learning_rate", 0.005}, {"augment", {{"flip", true}, {"shift", 1}}}},
                                           {{12, 12, 1}, "image"}, 2, false, "b");
  EXPECT_EQ(cfg.layers[0].kind, NetLayer::Conv);
  TrainResult r = train_network(d, cfg);
  EXPECT_GT(r.curve[r.best_epoch - 1].val_accuracy, 0.9);
  EXPECT_LE(r.export_error, 1e-4);
}
