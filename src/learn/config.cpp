// Network parameters from mote.json: defaults per input kind, layer list resolved against the input
// shape, every error naming the field. No torch here.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "core/error.h"
#include "core/json_fields.h"
#include "impulse/blocks/params.h"
#include "impulse/suggest.h"
#include "learn/train.h"

using nlohmann::json;

namespace mote::learn {

namespace {

const auto number = &json_number;

int integer(const json& obj, const char* key, int fallback, const std::string& where, int lo, int hi) {
  double d = number(obj, key, fallback, where, lo, hi);
  if (d != std::floor(d)) throw error_at(where + "." + key, "must be a whole number");
  return static_cast<int>(d);
}

bool boolean(const json& obj, const char* key, bool fallback, const std::string& where) {
  if (!obj.contains(key)) return fallback;
  if (!obj[key].is_boolean()) throw error_at(where + "." + key, "must be true or false");
  return obj[key].get<bool>();
}

// A window size: an integer (h = 1 on a 1-D input, else square) or [h, w].
void pair(const json& obj, const char* key, int fallback, bool one_d, const std::string& where, int* h, int* w) {
  if (!obj.contains(key)) {
    *h = one_d ? 1 : fallback, *w = fallback;
    return;
  }
  const json& v = obj[key];
  if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer()) {
    *h = v[0].get<int>(), *w = v[1].get<int>();
  } else if (v.is_number_integer()) {
    *w = v.get<int>();
    *h = one_d ? 1 : *w;
  } else {
    throw error_at(where + "." + key, "must be a whole number or [height, width]");
  }
  if (*h < 1 || *w < 1 || *h > 1024 || *w > 1024) throw error_at(where + "." + key, "must be 1 to 1024");
}

ir::Activation activation(const json& obj, const std::string& where, ir::Activation fallback) {
  if (!obj.contains("activation")) return fallback;
  std::string a = obj["activation"].is_string() ? obj["activation"].get<std::string>() : "";
  if (a == "relu") return ir::Activation::Relu;
  if (a == "relu6") return ir::Activation::Relu6;
  if (a == "none" || a == "linear") return ir::Activation::None;
  throw error_at(where + ".activation", "must be relu, relu6 or none");
}

json default_layers(const InputInfo& in, bool regression) {
  if (!regression && in.kind == "audio" && in.shape.size() == 2)
    return json::parse(R"([{"type":"conv1d","filters":16,"kernel":3,"padding":"same"},{"type":"max_pool","pool":2},
      {"type":"dropout","rate":0.25},{"type":"conv1d","filters":32,"kernel":3,"padding":"same"},
      {"type":"max_pool","pool":2},{"type":"dropout","rate":0.25},{"type":"flatten"}])");
  if (!regression && in.shape.size() == 3)
    return image_network_layers(std::min(in.shape[0], in.shape[1]), 0.25);
  return json::parse(R"([{"type":"dense","units":20},{"type":"dense","units":10}])");
}

bool is_spatial(const std::string& t) {
  return t == "conv1d" || t == "conv2d" || t == "separable_conv1d" || t == "separable_conv2d" || t == "max_pool" ||
         t == "avg_pool" || t == "global_avg_pool";
}

using blocks::ParamType;

std::vector<blocks::ParamSpec> network_params(bool regression) {
  std::vector<blocks::ParamSpec> p = {
      {.name = "layers", .type = ParamType::Json, .help = "hidden layers in order: [{type: dense, units} | {type: conv1d, filters, kernel} | max_pool | dropout | flatten | batch_norm ...] (docs/learn.md)",
       .depends = "dense 20-10; conv1d stacks on audio, conv2d stacks on images"},
      {.name = "epochs", .type = ParamType::Integer, .lo = 1, .hi = 100000, .help = "passes over the training windows (the best epoch on the validation split is kept)",
       .depends = "50; 100 for audio, 80 for images"},
      {.name = "learning_rate", .type = ParamType::Number, .lo = 1e-7, .hi = 1, .help = "Adam's step size", .depends = "0.001; 0.002 for audio and images"},
      {.name = "batch_size", .type = ParamType::Integer, .lo = 1, .hi = 1 << 20, .fallback = 32, .help = "windows per training step"},
      {.name = "validation", .type = ParamType::Number, .lo = 0, .hi = 0.9, .fallback = 0.2, .help = "share of training samples (whole samples) held out to pick the best epoch"},
      {.name = "patience", .type = ParamType::Integer, .lo = 0, .hi = 100000, .fallback = 15, .help = "epochs without a better validation loss before stopping (0: never)"},
      {.name = "class_weights", .type = ParamType::Flag, .fallback = !regression, .help = "weigh each class by the inverse of its share of windows"},
      {.name = "augment", .type = ParamType::Json, .fallback = nlohmann::json::object(), .help = "{noise, scale, shift, warp, stretch, flip, rotate, rotate_copies, speed} applied to training windows (docs/learn.md)",
       .depends = "none; audio: noise 0.1 and shift 2"},
      {.name = "seed", .type = ParamType::Number, .lo = 0, .hi = 9007199254740991.0, .fallback = 1, .help = "random seed of initialization, shuffling and augmentation"},
      {.name = "threads", .type = ParamType::Integer, .lo = 1, .hi = 256, .fallback = 1, .help = "training threads (1 is reproducible)"},
      {.name = "normalize", .type = ParamType::Flag, .fallback = true, .help = "standardize each feature over the training windows first"},
      {.name = "min_confidence", .type = ParamType::Number, .lo = 0, .hi = 1, .fallback = 0.6, .help = "classification: a sample scored below it is \"uncertain\""},
      {.name = "int8_input", .type = ParamType::Choice, .fallback = "auto", .help = "how the int8 model's input is scaled", .choices = {"auto", "per-tensor", "per-channel"}},
  };
  return p;
}

}  // namespace

const blocks::BlockSchema& network_schema(bool regression) {
  static const blocks::BlockSchema c{"classifier", "learn", "a neural network over the DSP features, trained with libtorch, run as int8 on the device", network_params(false)};
  static const blocks::BlockSchema r{"regression", "learn", "a neural network predicting one number (labels are numbers), int8 on the device", network_params(true)};
  return regression ? r : c;
}

NetworkConfig parse_network_config(const json& params_in, const InputInfo& input, int outputs, bool regression,
                                   const std::string& where_in) {
  const std::string where = where_in + ".params";
  json params = params_in.is_null() ? json::object() : params_in;
  if (!params.is_object()) throw error_at(where, "must be an object");
  const blocks::BlockSchema& schema = network_schema(regression);
  for (auto& item : params.items())
    if (!schema.find(item.key())) throw error_at(where + "." + item.key(), "is not a parameter of this block; see docs/blocks.md");
  blocks::Params read(params, where_in, schema);

  NetworkConfig c;
  c.outputs = regression ? 1 : outputs;
  c.regression = regression;
  bool audio = input.kind == "audio" && !regression;
  bool image = input.shape.size() == 3 && !regression;
  c.epochs = read.integer("epochs", audio ? 100 : image ? 80 : 50);
  c.learning_rate = read.number("learning_rate", audio || image ? 0.002 : 0.001);
  c.batch_size = read.integer("batch_size");
  c.validation = read.number("validation");
  c.patience = read.integer("patience");
  c.class_weights = read.flag("class_weights");
  c.seed = static_cast<uint64_t>(read.number("seed"));
  c.threads = read.integer("threads");
  c.normalize = read.flag("normalize");
  double min_confidence = read.number("min_confidence");
  c.int8_input = read.choice("int8_input");
  json aug = read.raw("augment");
  if (!aug.is_object()) throw error_at(where + ".augment", "must be an object {noise, scale, shift, warp, stretch, flip, rotate, rotate_copies, speed}");
  for (auto& [k, v] : aug.items())
    if (k != "noise" && k != "scale" && k != "shift" && k != "warp" && k != "stretch" && k != "flip" && k != "rotate" && k != "rotate_copies" && k != "speed")
      throw error_at(where + ".augment." + k, "unknown; use noise, scale, shift, warp, stretch, flip, rotate, rotate_copies or speed");
  // Audio gets light noise and a time shift by default (+0.3 % on FSDD, see docs/learn.md).
  c.augment.noise = number(aug, "noise", audio && !params.contains("augment") ? 0.1 : 0, where + ".augment", 0, 10);
  c.augment.scale = number(aug, "scale", 0, where + ".augment", 0, 0.99);
  c.augment.shift = integer(aug, "shift", audio && !params.contains("augment") ? 2 : 0, where + ".augment", 0, 100000);
  c.augment.warp = number(aug, "warp", 0, where + ".augment", 0, 0.5);
  c.augment.stretch = number(aug, "stretch", 0, where + ".augment", 0, 0.5);
  c.augment.flip = boolean(aug, "flip", false, where + ".augment");
  c.augment.rotate = number(aug, "rotate", 0, where + ".augment", 0, 180);
  c.augment.rotate_copies = integer(aug, "rotate_copies", 4, where + ".augment", 1, 64);
  c.augment.speed = number(aug, "speed", 0, where + ".augment", 0, 0.5);

  json layers = read.raw("layers", default_layers(input, regression));
  read.finish();  // every declared parameter was read
  if (!layers.is_array()) throw error_at(where + ".layers", "must be a list of layers [{type, ...}]");

  // Input shape: a conv1d/pool over a 2-D block output is time along w, features as channels.
  size_t total = 1;
  for (size_t d : input.shape) total *= d;
  if (total == 0) throw error_at(where_in, "its DSP blocks produce no features");
  std::string first;
  for (auto& l : layers)
    if (l.is_object() && l.value("type", "") != "dropout") {
      first = l.value("type", "");
      break;
    }
  const auto& s = input.shape;
  if (is_spatial(first)) {
    bool one_d = first == "conv1d" || first == "separable_conv1d";
    if (s.size() == 3 && !one_d) c.input = {int(s[0]), int(s[1]), int(s[2])};
    else if (s.size() == 2 && one_d) c.input = {1, int(s[0]), int(s[1])};
    else if (s.size() == 2) c.input = {int(s[0]), int(s[1]), 1};
    else if (s.size() == 1 && one_d) c.input = {1, int(s[0]), 1};
    else
      throw error_at(where + ".layers[0]", "a " + first + " needs a " + (one_d ? "1-D or 2-D" : "2-D or 3-D") +
                                               " input; these DSP blocks give " + std::to_string(s.size()) + "-D features");
  } else {
    c.input = {1, 1, static_cast<int>(total)};
  }

  ir::Shape cur = c.input;
  bool flat = c.input.h == 1 && c.input.w == 1 && !is_spatial(first);
  json resolved_layers = json::array();
  for (size_t i = 0; i < layers.size(); ++i) {
    const json& l = layers[i];
    std::string at = where + ".layers[" + std::to_string(i) + "]";
    if (!l.is_object() || !l.contains("type") || !l["type"].is_string()) throw error_at(at, "must be an object {type, ...}");
    std::string t = l["type"].get<std::string>();
    NetLayer n;
    n.in = cur;
    bool one_d = cur.h == 1;
    if (t == "dense") {
      n.kind = NetLayer::Dense;
      n.units = integer(l, "units", 0, at, 1, 1 << 16);
      if (!l.contains("units")) throw error_at(at + ".units", "missing; say how many outputs");
      n.activation = activation(l, at, ir::Activation::Relu);
      n.out = {1, 1, n.units};
      flat = true;
    } else if (t == "conv1d" || t == "conv2d" || t == "separable_conv1d" || t == "separable_conv2d") {
      if (flat) throw error_at(at, "a convolution cannot follow a dense or flatten layer; put convolutions first");
      bool d1 = t == "conv1d" || t == "separable_conv1d";
      if (d1 && cur.h != 1) throw error_at(at, "conv1d needs h = 1; use conv2d on 2-D inputs");
      n.kind = t.rfind("separable", 0) == 0 ? NetLayer::SepConv : NetLayer::Conv;
      n.units = integer(l, "filters", 0, at, 1, 1 << 14);
      if (!l.contains("filters")) throw error_at(at + ".filters", "missing; say how many output channels");
      pair(l, "kernel", 3, d1 || one_d, at, &n.kernel_h, &n.kernel_w);
      pair(l, "stride", 1, d1 || one_d, at, &n.stride_h, &n.stride_w);
      std::string pad = l.value("padding", "same");
      if (pad != "same" && pad != "valid") throw error_at(at + ".padding", "must be same or valid");
      n.padding = pad == "same" ? ir::Padding::Same : ir::Padding::Valid;
      n.activation = activation(l, at, ir::Activation::Relu);
    } else if (t == "max_pool" || t == "avg_pool") {
      if (flat) throw error_at(at, "pooling cannot follow a dense or flatten layer");
      n.kind = t == "max_pool" ? NetLayer::MaxPool : NetLayer::AvgPool;
      pair(l, "pool", 2, one_d, at, &n.kernel_h, &n.kernel_w);
      if (l.contains("stride")) pair(l, "stride", 2, one_d, at, &n.stride_h, &n.stride_w);
      else n.stride_h = n.kernel_h, n.stride_w = n.kernel_w;
      n.activation = ir::Activation::None;
    } else if (t == "global_avg_pool") {
      // One average per channel over the whole map (Keras' GlobalAveragePooling2D): where a shape sits in the
      // image no longer matters, and the dense layer after it reads c values instead of h x w x c.
      if (flat) throw error_at(at, "global_avg_pool cannot follow a dense or flatten layer");
      n.kind = NetLayer::AvgPool;
      n.kernel_h = n.stride_h = cur.h;
      n.kernel_w = n.stride_w = cur.w;
      n.activation = ir::Activation::None;
    } else if (t == "flatten") {
      n.kind = NetLayer::Flatten;
      n.out = {1, 1, static_cast<int>(cur.size())};
      flat = true;
    } else if (t == "dropout") {
      n.kind = NetLayer::Dropout;
      n.rate = number(l, "rate", 0.25, at, 0, 0.95);
      n.out = cur;
    } else if (t == "batch_norm" || t == "relu" || t == "relu6") {
      // Attach to the previous layer: batch norm between it and its activation, or its activation.
      if (c.layers.empty()) throw error_at(at, t + " needs a dense or convolution layer before it");
      NetLayer& prev = c.layers.back();
      bool weighted = prev.kind == NetLayer::Dense || prev.kind == NetLayer::Conv || prev.kind == NetLayer::SepConv;
      if (t == "batch_norm") {
        if (!weighted || prev.batch_norm)
          throw error_at(at, "batch_norm must directly follow a dense or convolution layer (it is folded into it)");
        prev.batch_norm = true;
      } else {
        if (prev.kind == NetLayer::Dropout || prev.kind == NetLayer::Flatten)
          throw error_at(at, t + " must follow a dense, convolution or pooling layer");
        prev.activation = t == "relu" ? ir::Activation::Relu : ir::Activation::Relu6;
      }
      resolved_layers.push_back(l);
      continue;
    } else {
      throw error_at(at + ".type", "'" + t + "' is not a layer; use dense, conv1d, conv2d, separable_conv1d, "
                                   "separable_conv2d, max_pool, avg_pool, global_avg_pool, flatten, dropout, batch_norm, relu, relu6");
    }
    if (n.kind == NetLayer::Conv || n.kind == NetLayer::SepConv || n.kind == NetLayer::MaxPool || n.kind == NetLayer::AvgPool) {
      ir::Padding p = n.kind == NetLayer::Conv || n.kind == NetLayer::SepConv ? n.padding : ir::Padding::Valid;
      n.padding = p;
      n.out = {ir::conv_out_size(cur.h, n.kernel_h, n.stride_h, p), ir::conv_out_size(cur.w, n.kernel_w, n.stride_w, p),
               n.kind == NetLayer::MaxPool || n.kind == NetLayer::AvgPool ? cur.c : n.units};
      if (n.out.h < 1 || n.out.w < 1)
        throw error_at(at, "its window is larger than its input (" + std::to_string(cur.h) + "x" + std::to_string(cur.w) +
                               "); use a smaller kernel/pool or padding same");
    }
    cur = n.out;
    c.layers.push_back(n);
    resolved_layers.push_back(l);
  }
  c.resolved = {{"layers", resolved_layers}, {"epochs", c.epochs}, {"learning_rate", c.learning_rate},
                {"batch_size", c.batch_size}, {"validation", c.validation}, {"patience", c.patience},
                {"class_weights", c.class_weights}, {"seed", c.seed}, {"threads", c.threads}, {"normalize", c.normalize}, {"int8_input", c.int8_input},
                {"augment", {{"noise", c.augment.noise}, {"scale", c.augment.scale}, {"shift", c.augment.shift}, {"flip", c.augment.flip},
                              {"warp", c.augment.warp}, {"stretch", c.augment.stretch}, {"rotate", c.augment.rotate}, {"rotate_copies", c.augment.rotate_copies}, {"speed", c.augment.speed}}}};
  if (!regression) c.resolved["min_confidence"] = min_confidence;
  return c;
}

namespace {

// Samples (groups) by stratum: the label, or for regression the target's quintile; each list in order of id.
std::map<int, std::vector<int64_t>> groups_by_stratum(const Dataset& d, bool regression) {
  std::map<int64_t, int> stratum;
  std::vector<float> sorted;
  if (regression) {
    sorted = d.target;
    std::sort(sorted.begin(), sorted.end());
  }
  for (size_t i = 0; i < d.size(); ++i) {
    int s;
    if (regression) {
      size_t rank = std::lower_bound(sorted.begin(), sorted.end(), d.target[i]) - sorted.begin();
      s = static_cast<int>(5 * rank / std::max<size_t>(1, sorted.size()));
    } else {
      s = d.y[i];
    }
    stratum.emplace(d.group[i], s);
  }
  std::map<int, std::vector<int64_t>> groups;
  for (auto& [g, s] : stratum) groups[s].push_back(g);
  return groups;
}

std::vector<bool> held_rows(const Dataset& d, const std::set<int64_t>& held) {
  std::vector<bool> val(d.size(), false);
  for (size_t i = 0; i < d.size(); ++i) val[i] = held.count(d.group[i]) > 0;
  return val;
}

}  // namespace

std::vector<bool> validation_split(const Dataset& d, double fraction, uint64_t seed, bool regression) {
  if (fraction <= 0) return std::vector<bool>(d.size(), false);
  std::mt19937_64 rng(seed);
  std::set<int64_t> held;
  for (auto& [s, gs] : groups_by_stratum(d, regression)) {
    std::shuffle(gs.begin(), gs.end(), rng);
    size_t k = static_cast<size_t>(std::lround(fraction * gs.size()));
    if (k == 0 && gs.size() >= 3) k = 1;  // every class shows up in validation when it can spare a sample
    if (k >= gs.size()) k = gs.size() - 1;
    held.insert(gs.begin(), gs.begin() + static_cast<std::ptrdiff_t>(k));
  }
  return held_rows(d, held);
}

std::vector<bool> fold_split(const Dataset& d, int folds, int fold, uint64_t seed, bool regression) {
  if (folds < 2 || fold < 0 || fold >= folds) throw Error("train: fold " + std::to_string(fold) + " of " + std::to_string(folds) + " is not a fold");
  std::mt19937_64 rng(seed);
  std::set<int64_t> held;
  size_t dealt = 0;  // continues across labels, so that the folds' sizes differ by one sample at most
  for (auto& [s, gs] : groups_by_stratum(d, regression)) {
    std::shuffle(gs.begin(), gs.end(), rng);
    for (int64_t g : gs)
      if (dealt++ % static_cast<size_t>(folds) == static_cast<size_t>(fold)) held.insert(g);
  }
  return held_rows(d, held);
}

}  // namespace mote::learn
