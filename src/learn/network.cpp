// The only translation unit that includes libtorch: builds the network a NetworkConfig describes, trains
// it with Adam, and exports it to the IR (batch norm and input normalization folded, dropout dropped).
// Built as a loadable module (libmote_torch.so) that torch_module.cpp opens on first use, so the mote
// binary and the tests start without loading libtorch's ~290 shared libraries.
// Tensors run NCHW inside torch; rows arrive and leave HWC, and a flatten permutes back to HWC first, so
// dense weights after a flatten are already in the IR's order.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/error.h"
#include "learn/train.h"

namespace mote::learn {

namespace {

namespace F = torch::nn::functional;

struct Step {
  NetLayer spec;
  torch::nn::Linear fc{nullptr};
  torch::nn::Conv2d conv{nullptr}, pointwise{nullptr};
  torch::nn::BatchNorm1d bn1{nullptr};
  torch::nn::BatchNorm2d bn2{nullptr};
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};

class NetImpl : public torch::nn::Module {
 public:
  explicit NetImpl(const NetworkConfig& cfg) : cfg_(cfg) {
    std::vector<NetLayer> layers = cfg.layers;
    // The output layer: one dense unit per class (or one for regression), no activation.
    NetLayer out;
    out.kind = NetLayer::Dense;
    out.units = cfg.outputs;
    out.in = layers.empty() ? cfg.input : layers.back().out;
    out.out = {1, 1, cfg.outputs};
    layers.push_back(out);
    spatial_input_ = false;
    for (auto& l : layers) {
      if (l.kind == NetLayer::Dropout) continue;
      spatial_input_ = l.kind != NetLayer::Dense && l.kind != NetLayer::Flatten;
      break;
    }
    for (size_t i = 0; i < layers.size(); ++i) {
      Step s;
      s.spec = layers[i];
      const NetLayer& l = s.spec;
      std::string n = std::to_string(i);
      if (l.kind == NetLayer::Dense) {
        s.fc = register_module("fc" + n, torch::nn::Linear(static_cast<int64_t>(l.in.size()), l.units));
        if (l.batch_norm) s.bn1 = register_module("bn" + n, torch::nn::BatchNorm1d(l.units));
      } else if (l.kind == NetLayer::Conv || l.kind == NetLayer::SepConv) {
        int ph = ir::conv_pad_before(l.in.h, l.kernel_h, l.stride_h, l.padding);
        int pw = ir::conv_pad_before(l.in.w, l.kernel_w, l.stride_w, l.padding);
        // TFLite's same padding may put one more zero after than before: pad explicitly.
        s.pad_top = ph, s.pad_left = pw;
        s.pad_bottom = std::max(0, (l.out.h - 1) * l.stride_h + l.kernel_h - l.in.h - ph);
        s.pad_right = std::max(0, (l.out.w - 1) * l.stride_w + l.kernel_w - l.in.w - pw);
        if (l.padding == ir::Padding::Valid) s.pad_bottom = s.pad_right = 0;
        auto opts = [&](int64_t in, int64_t out) {
          return torch::nn::Conv2dOptions(in, out, {l.kernel_h, l.kernel_w}).stride({l.stride_h, l.stride_w});
        };
        if (l.kind == NetLayer::Conv) {
          s.conv = register_module("conv" + n, torch::nn::Conv2d(opts(l.in.c, l.units)));
        } else {
          s.conv = register_module("dw" + n, torch::nn::Conv2d(opts(l.in.c, l.in.c).groups(l.in.c)));
          s.pointwise = register_module("pw" + n, torch::nn::Conv2d(torch::nn::Conv2dOptions(l.in.c, l.units, 1)));
        }
        if (l.batch_norm) s.bn2 = register_module("bn" + n, torch::nn::BatchNorm2d(l.units));
      }
      steps_.push_back(std::move(s));
    }
    // Keras's initialisation (Glorot-uniform weights, zero biases), not torch's: torch's default shrinks each
    // layer's variance about 3x, and a stack of separable convolutions (two per layer) never learned.
    torch::NoGradGuard no_grad;
    for (auto& s : steps_) {
      if (s.fc) torch::nn::init::xavier_uniform_(s.fc->weight), torch::nn::init::zeros_(s.fc->bias);
      for (auto* c : {&s.conv, &s.pointwise})
        if (*c) torch::nn::init::xavier_uniform_((*c)->weight), torch::nn::init::zeros_((*c)->bias);
    }
    int64_t n = static_cast<int64_t>(cfg.input.size());
    scale_ = register_buffer("in_scale", torch::ones({n}));
    shift_ = register_buffer("in_shift", torch::zeros({n}));
  }

  bool spatial_input() const { return spatial_input_; }
  const std::vector<Step>& steps() const { return steps_; }
  torch::Tensor& scale() { return scale_; }
  torch::Tensor& shift() { return shift_; }

  // x: [N, h*w*c] rows in HWC order; returns logits (or the regression output) [N, outputs].
  torch::Tensor forward(torch::Tensor x) {
    x = x * scale_ + shift_;
    const ir::Shape& in = cfg_.input;
    if (spatial_input_) x = x.view({-1, in.h, in.w, in.c}).permute({0, 3, 1, 2});
    auto act = [](torch::Tensor t, ir::Activation a) {
      if (a == ir::Activation::Relu) return torch::relu(t);
      if (a == ir::Activation::Relu6) return torch::clamp(t, 0, 6);
      return t;
    };
    auto to_hwc_flat = [](torch::Tensor t) { return t.dim() == 4 ? t.permute({0, 2, 3, 1}).reshape({t.size(0), -1}) : t; };
    for (auto& s : steps_) {
      const NetLayer& l = s.spec;
      switch (l.kind) {
        case NetLayer::Dense:
          x = s.fc(to_hwc_flat(x));
          if (l.batch_norm) x = s.bn1(x);
          x = act(x, l.activation);
          break;
        case NetLayer::Conv:
        case NetLayer::SepConv:
          if (s.pad_top || s.pad_bottom || s.pad_left || s.pad_right)
            x = F::pad(x, F::PadFuncOptions({s.pad_left, s.pad_right, s.pad_top, s.pad_bottom}));
          x = s.conv(x);
          if (s.pointwise) x = s.pointwise(x);
          if (l.batch_norm) x = s.bn2(x);
          x = act(x, l.activation);
          break;
        case NetLayer::MaxPool:
          x = act(F::max_pool2d(x, F::MaxPool2dFuncOptions({l.kernel_h, l.kernel_w}).stride({l.stride_h, l.stride_w})), l.activation);
          break;
        case NetLayer::AvgPool:
          x = act(F::avg_pool2d(x, F::AvgPool2dFuncOptions({l.kernel_h, l.kernel_w}).stride({l.stride_h, l.stride_w})), l.activation);
          break;
        case NetLayer::Flatten:
          x = to_hwc_flat(x);
          break;
        case NetLayer::Dropout:
          x = F::dropout(x, F::DropoutFuncOptions().p(l.rate).training(is_training()));
          break;
      }
    }
    return x;
  }

 private:
  NetworkConfig cfg_;
  bool spatial_input_ = false;
  std::vector<Step> steps_;
  torch::Tensor scale_, shift_;
};
TORCH_MODULE(Net);

std::vector<float> to_vec(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Per-output-channel batch-norm factors: y = s * (z - mean) + beta.
void fold_bn(std::vector<float>& w, std::vector<float>& b, size_t per_out, const torch::Tensor& gamma,
             const torch::Tensor& beta, const torch::Tensor& mean, const torch::Tensor& var, double eps) {
  auto g = to_vec(gamma), be = to_vec(beta), m = to_vec(mean), v = to_vec(var);
  for (size_t o = 0; o < g.size(); ++o) {
    double s = g[o] / std::sqrt(static_cast<double>(v[o]) + eps);
    for (size_t k = 0; k < per_out; ++k) w[o * per_out + k] = static_cast<float>(w[o * per_out + k] * s);
    b[o] = static_cast<float>((b[o] - m[o]) * s + be[o]);
  }
}

ir::Model export_model(Net& net, const NetworkConfig& cfg, double y_mean, double y_std) {
  torch::NoGradGuard no_grad;
  ir::Model m;
  m.input = cfg.input;
  m.regression = cfg.regression;
  auto scale = to_vec(net->scale()), shift = to_vec(net->shift());
  bool folded_input = false;
  const auto& steps = net->steps();
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    const NetLayer& l = s.spec;
    ir::Layer L;
    L.name = "layer" + std::to_string(i);
    L.activation = l.activation;
    switch (l.kind) {
      case NetLayer::Dense: {
        L.op = ir::Op::FullyConnected;
        L.units = l.units;
        L.weights = to_vec(s.fc->weight);  // [units][in], input already HWC-ordered
        L.bias = to_vec(s.fc->bias);
        size_t n = l.in.size();
        if (!folded_input) {  // x' = x * scale + shift folded in: W' = W scale, b' = b + W shift
          for (int u = 0; u < l.units; ++u) {
            double add = 0;
            for (size_t k = 0; k < n; ++k) {
              add += static_cast<double>(L.weights[u * n + k]) * shift[k];
              L.weights[u * n + k] *= scale[k];
            }
            L.bias[u] = static_cast<float>(L.bias[u] + add);
          }
          folded_input = true;
        }
        if (l.batch_norm)
          fold_bn(L.weights, L.bias, n, s.bn1->weight, s.bn1->bias, s.bn1->running_mean, s.bn1->running_var, s.bn1->options.eps());
        if (i + 1 == steps.size() && cfg.regression) {  // targets were standardized for training
          for (auto& w : L.weights) w = static_cast<float>(w * y_std);
          for (auto& b : L.bias) b = static_cast<float>(b * y_std + y_mean);
        }
        break;
      }
      case NetLayer::Conv:
      case NetLayer::SepConv: {
        L.kernel_h = l.kernel_h, L.kernel_w = l.kernel_w, L.stride_h = l.stride_h, L.stride_w = l.stride_w;
        L.padding = l.padding;
        auto w = s.conv->weight.detach();  // Conv: [O][I][kh][kw]; depthwise: [C][1][kh][kw]
        if (!folded_input) {  // per-channel input scale (HWC: the first c entries) folded into the weights
          auto sc = net->scale().slice(0, 0, l.in.c);
          w = l.kind == NetLayer::Conv ? w * sc.view({1, -1, 1, 1}) : w * sc.view({-1, 1, 1, 1});
        }
        if (l.kind == NetLayer::Conv) {
          L.op = ir::Op::Conv2D;
          L.units = l.units;
          L.weights = to_vec(w.permute({0, 2, 3, 1}));  // OHWI
          L.bias = to_vec(s.conv->bias);
          if (l.batch_norm)
            fold_bn(L.weights, L.bias, L.weights.size() / l.units, s.bn2->weight, s.bn2->bias, s.bn2->running_mean,
                    s.bn2->running_var, s.bn2->options.eps());
        } else {
          ir::Layer D = L;
          D.op = ir::Op::DepthwiseConv2D;
          D.name += "_depthwise";
          D.activation = ir::Activation::None;
          D.depth_multiplier = 1;
          D.weights = to_vec(w.squeeze(1).permute({1, 2, 0}));  // [kh][kw][C]
          D.bias = to_vec(s.conv->bias);
          m.layers.push_back(std::move(D));
          L.op = ir::Op::Conv2D;
          L.name += "_pointwise";
          L.units = l.units;
          L.kernel_h = L.kernel_w = L.stride_h = L.stride_w = 1;
          L.padding = ir::Padding::Valid;
          L.weights = to_vec(s.pointwise->weight.detach().permute({0, 2, 3, 1}));
          L.bias = to_vec(s.pointwise->bias);
          if (l.batch_norm)
            fold_bn(L.weights, L.bias, static_cast<size_t>(l.in.c), s.bn2->weight, s.bn2->bias, s.bn2->running_mean,
                    s.bn2->running_var, s.bn2->options.eps());
        }
        folded_input = true;
        break;
      }
      case NetLayer::MaxPool:
      case NetLayer::AvgPool:
        L.op = l.kind == NetLayer::MaxPool ? ir::Op::MaxPool2D : ir::Op::AvgPool2D;
        L.kernel_h = l.kernel_h, L.kernel_w = l.kernel_w, L.stride_h = l.stride_h, L.stride_w = l.stride_w;
        break;
      case NetLayer::Flatten:
        L.op = ir::Op::Reshape;
        L.out = {1, 1, static_cast<int>(l.in.size())};
        break;
      case NetLayer::Dropout:
        continue;  // identity at inference
    }
    m.layers.push_back(std::move(L));
  }
  if (!cfg.regression) {
    ir::Layer sm;
    sm.op = ir::Op::Softmax;
    sm.name = "softmax";
    m.layers.push_back(sm);
  }
  ir::infer_shapes(m);
  return m;
}

// Max |torch - IR| for the raw outputs and, for classifiers, the probabilities.
double compare(Net& net, const ir::Model& m, const torch::Tensor& x, bool regression, double y_mean, double y_std) {
  torch::NoGradGuard no_grad;
  net->eval();
  torch::Tensor out = net->forward(x) * y_std + y_mean;
  torch::Tensor prob = regression ? out : torch::softmax(out, 1);
  double worst = 0;
  auto xs = to_vec(x);
  auto o = to_vec(out), p = to_vec(prob);
  size_t n = static_cast<size_t>(x.size(0)), width = static_cast<size_t>(x.size(1)), k = static_cast<size_t>(out.size(1));
  for (size_t i = 0; i < n; ++i) {
    auto all = ir::run_float_all(m, xs.data() + i * width);
    const auto& raw = regression ? all.back() : all[all.size() - 2];
    const auto& probs = all.back();
    for (size_t j = 0; j < k; ++j) {
      worst = std::max(worst, std::fabs(double(raw[j]) - o[i * k + j]));
      worst = std::max(worst, std::fabs(double(probs[j]) - p[i * k + j]));
    }
  }
  return worst;
}

torch::Tensor augment(torch::Tensor x, const NetworkConfig& cfg, const torch::Tensor& feature_std) {
  const Augment& a = cfg.augment;
  int64_t n = x.size(0);
  const ir::Shape& s = cfg.input;
  if (a.flip || a.shift > 0) {
    auto v = x.view({n, s.h, s.w, s.c});
    if (a.flip) {
      auto mask = (torch::rand({n}) < 0.5).view({n, 1, 1, 1});
      v = torch::where(mask, v.flip({2}), v);
    }
    if (a.shift > 0) {
      // One random shift per batch and axis keeps it a single copy; zero fill so nothing wraps around.
      // Along w (time, or image x) always; along h too for images: a random crop padded back to size.
      auto roll = [&](torch::Tensor t, int64_t dim, int64_t size) {
        int64_t k = torch::randint(-a.shift, a.shift + 1, {1}).item<int64_t>();
        if (k == 0 || std::abs(k) >= size) return t;
        auto out = torch::zeros_like(t);
        if (k > 0) out.slice(dim, k, size) = t.slice(dim, 0, size - k);
        else out.slice(dim, 0, size + k) = t.slice(dim, -k, size);
        return out;
      };
      v = roll(v, 2, s.w);
      if (s.h > 1) v = roll(v, 1, s.h);
    }
    x = v.reshape({n, -1});
  }
  if (a.warp > 0 && s.c > 1) {
    // Vocal tract length perturbation on filterbank features: channel j reads channel j x alpha (linear
    // interpolation, the top channel repeated), one alpha per example.
    auto v = x.view({n, s.h * s.w, s.c});
    auto alpha = 1 + (torch::rand({n, 1}) * 2 - 1) * a.warp;
    auto pos = (torch::arange(s.c, torch::kFloat32).view({1, s.c}) * alpha).clamp(0, s.c - 1);
    auto i0 = pos.floor().to(torch::kInt64), i1 = (i0 + 1).clamp_max(s.c - 1);
    auto frac = (pos - i0.to(torch::kFloat32)).unsqueeze(1);
    auto expand = [&](const torch::Tensor& i) { return i.unsqueeze(1).expand({n, s.h * s.w, s.c}); };
    x = (v.gather(2, expand(i0)) * (1 - frac) + v.gather(2, expand(i1)) * frac).reshape({n, -1});
  }
  if (a.stretch > 0 && s.w > 1) {
    // Speed perturbation on features: column t reads column c + (t - c) x beta about the centre c (linear
    // interpolation, zero outside), one beta per example: a word spoken faster or slower.
    auto v = x.view({n, s.h, s.w, s.c});
    const double c = (s.w - 1) / 2.0;
    auto beta = 1 + (torch::rand({n, 1}) * 2 - 1) * a.stretch;
    auto pos = (torch::arange(s.w, torch::kFloat32).view({1, s.w}) - c) * beta + c;  // n x w
    auto inside = ((pos >= 0) & (pos <= s.w - 1)).to(torch::kFloat32);
    pos = pos.clamp(0, s.w - 1);
    auto i0 = pos.floor().to(torch::kInt64), i1 = (i0 + 1).clamp_max(s.w - 1);
    auto frac = pos - i0.to(torch::kFloat32);
    auto expand = [&](const torch::Tensor& i) { return i.view({n, 1, s.w, 1}).expand({n, s.h, s.w, s.c}); };
    auto weight = [&](const torch::Tensor& t) { return t.view({n, 1, s.w, 1}); };
    x = ((v.gather(2, expand(i0)) * weight(1 - frac) + v.gather(2, expand(i1)) * weight(frac)) * weight(inside)).reshape({n, -1});
  }
  if (a.scale > 0) x = x * (1 + (torch::rand({n, 1}) * 2 - 1) * a.scale);
  if (a.noise > 0) x = x + torch::randn_like(x) * (a.noise * feature_std);
  return x;
}

}  // namespace

namespace {

TrainResult train_impl(const Dataset& d, const NetworkConfig& cfg, const std::function<void(const EpochStats&)>& on_epoch) {
  const size_t width = cfg.input.size();
  if (d.size() == 0) throw Error("train: no training windows; import training data and check the impulse");
  if (d.x.size() != d.size() * width) throw Error("train: features do not match the network's input shape");
  torch::manual_seed(cfg.seed);
  torch::set_num_threads(cfg.threads);
  // With folds (the tuner), fold `fold` is left out entirely: neither trained on nor used to pick the best
  // epoch, so that scoring it afterwards is not fooled; the validation split is drawn from the other folds,
  // as mote train would draw it from a training set without them.
  std::vector<bool> excluded(d.size(), false), is_val;
  if (cfg.folds > 1) {
    excluded = fold_split(d, cfg.folds, cfg.fold, cfg.seed, cfg.regression);
    Dataset rest;
    std::vector<size_t> at;
    for (size_t i = 0; i < d.size(); ++i)
      if (!excluded[i]) {
        at.push_back(i);
        rest.group.push_back(d.group[i]);
        if (!d.y.empty()) rest.y.push_back(d.y[i]);
        if (!d.target.empty()) rest.target.push_back(d.target[i]);
      }
    const std::vector<bool> v = validation_split(rest, cfg.validation, cfg.seed, cfg.regression);
    is_val.assign(d.size(), false);
    for (size_t k = 0; k < at.size(); ++k) is_val[at[k]] = v[k];
  } else {
    is_val = validation_split(d, cfg.validation, cfg.seed, cfg.regression);
  }
  std::vector<int64_t> tr, va;
  for (size_t i = 0; i < d.size(); ++i) {
    if (excluded[i]) continue;
    if (is_val[i] && i < d.synthetic.size() && d.synthetic[i]) continue;  // validate on recorded data only
    (is_val[i] ? va : tr).push_back(static_cast<int64_t>(i));
  }
  if (tr.empty()) throw Error("train: every sample went to validation; add training samples or lower validation");

  auto all_x = torch::from_blob(const_cast<float*>(d.x.data()), {static_cast<int64_t>(d.size()), static_cast<int64_t>(width)},
                                torch::kFloat32).clone();
  torch::Tensor all_y;
  double y_mean = 0, y_std = 1;
  if (cfg.regression) {
    all_y = torch::from_blob(const_cast<float*>(d.target.data()), {static_cast<int64_t>(d.size())}, torch::kFloat32).clone();
    auto ty = all_y.index_select(0, torch::tensor(tr));
    y_mean = ty.mean().item<double>();
    y_std = tr.size() > 1 ? std::max(1e-6, ty.std().item<double>()) : 1.0;
  } else {
    std::vector<int64_t> y(d.y.begin(), d.y.end());
    all_y = torch::tensor(y, torch::kInt64);
  }
  auto tri = torch::tensor(tr), vai = torch::tensor(va);
  auto xt = all_x.index_select(0, tri), yt = all_y.index_select(0, tri);
  torch::Tensor xv, yv;
  if (!va.empty()) xv = all_x.index_select(0, vai), yv = all_y.index_select(0, vai);

  Net net(cfg);
  if (cfg.normalize) {
    torch::NoGradGuard no_grad;
    if (net->spatial_input()) {
      // Per channel scale only: a shift does not commute with a convolution's zero padding.
      int64_t c = cfg.input.c;
      auto per_c = xt.view({-1, c}).std(0, false).clamp_min(1e-6);
      net->scale().copy_((1.0 / per_c).repeat({static_cast<int64_t>(width) / c}));
    } else {
      auto s = 1.0 / xt.std(0, false).clamp_min(1e-6);
      net->scale().copy_(s);
      net->shift().copy_(-xt.mean(0) * s);
    }
  }
  // Augmentation noise is relative to each feature's spread over the training examples.
  torch::Tensor feature_std = xt.std(0, false);
  torch::Tensor weights;
  if (!cfg.regression && cfg.class_weights) {
    auto counts = torch::bincount(yt, {}, cfg.outputs).to(torch::kFloat32).clamp_min(1);
    weights = counts.sum() / (counts * cfg.outputs);
  }
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(cfg.learning_rate));
  auto loss_of = [&](const torch::Tensor& out, const torch::Tensor& y) {
    if (cfg.regression) return F::mse_loss(out.squeeze(1), (y - y_mean) / y_std);
    return F::cross_entropy(out, y, F::CrossEntropyFuncOptions().weight(weights));
  };
  auto metric = [&](const torch::Tensor& out, const torch::Tensor& y) {
    if (cfg.regression) return std::sqrt(((out.squeeze(1) * y_std + y_mean - y).pow(2)).mean().item<double>());
    return out.argmax(1).eq(y).to(torch::kFloat64).mean().item<double>();
  };

  TrainResult r;
  r.train_examples = tr.size();
  r.val_examples = va.size();
  double best = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best_state;
  auto snapshot = [&] {
    best_state.clear();
    for (auto& p : net->parameters()) best_state.push_back(p.detach().clone());
    for (auto& b : net->buffers()) best_state.push_back(b.detach().clone());
  };
  std::mt19937_64 order_rng(cfg.seed ^ 0x9e3779b97f4a7c15ULL);
  std::vector<int64_t> order(tr.size());
  int since_best = 0;
  for (int epoch = 1; epoch <= cfg.epochs; ++epoch) {
    net->train();
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
    std::shuffle(order.begin(), order.end(), order_rng);
    double loss_sum = 0, metric_sum = 0;
    for (size_t b = 0; b < order.size(); b += cfg.batch_size) {
      size_t e = std::min(order.size(), b + static_cast<size_t>(cfg.batch_size));
      auto idx = torch::tensor(std::vector<int64_t>(order.begin() + b, order.begin() + e));
      auto xb = xt.index_select(0, idx), yb = yt.index_select(0, idx);
      if (cfg.augment.any()) xb = augment(xb, cfg, feature_std);
      opt.zero_grad();
      auto out = net->forward(xb);
      auto loss = loss_of(out, yb);
      loss.backward();
      opt.step();
      loss_sum += loss.item<double>() * (e - b);
      metric_sum += metric(out.detach(), yb) * (e - b);
    }
    EpochStats st;
    st.epoch = epoch;
    st.loss = loss_sum / order.size();
    st.accuracy = metric_sum / order.size();
    st.val_loss = st.val_accuracy = std::numeric_limits<double>::quiet_NaN();
    if (!va.empty()) {
      torch::NoGradGuard no_grad;
      net->eval();
      auto out = net->forward(xv);
      st.val_loss = loss_of(out, yv).item<double>();
      st.val_accuracy = metric(out, yv);
    }
    r.curve.push_back(st);
    if (on_epoch) on_epoch(st);
    double watch = va.empty() ? st.loss : st.val_loss;
    if (watch < best) {
      best = watch;
      r.best_epoch = epoch;
      since_best = 0;
      snapshot();
    } else if (cfg.patience > 0 && ++since_best >= cfg.patience && !va.empty()) {
      r.stopped_early = true;
      break;
    }
  }
  if (!best_state.empty()) {
    torch::NoGradGuard no_grad;
    size_t k = 0;
    for (auto& p : net->parameters()) p.copy_(best_state[k++]);
    for (auto& b : net->buffers()) b.copy_(best_state[k++]);
  }
  net->eval();
  r.model = export_model(net, cfg, y_mean, y_std);
  auto check = va.empty() ? xt.slice(0, 0, std::min<int64_t>(16, xt.size(0))) : xv.slice(0, 0, std::min<int64_t>(16, xv.size(0)));
  r.export_error = compare(net, r.model, check, cfg.regression, y_mean, y_std);
  if (!(r.export_error <= 1e-3))
    throw Error("train: the exported model disagrees with torch (max error " + std::to_string(r.export_error) +
                "); please report this with your mote.json");
  return r;
}

double parity_impl(const NetworkConfig& cfg, int examples, uint64_t seed) {
  torch::manual_seed(seed);
  torch::set_num_threads(1);
  Net net(cfg);
  {
    torch::NoGradGuard no_grad;
    int64_t n = static_cast<int64_t>(cfg.input.size());
    if (cfg.normalize) {
      net->scale().copy_(torch::rand({n}) + 0.5);
      if (!net->spatial_input()) net->shift().copy_(torch::randn({n}) * 0.3);
      else net->scale().copy_((torch::rand({cfg.input.c}) + 0.5).repeat({n / cfg.input.c}));
    }
    auto randomize = [](auto& bn) {
      bn->running_mean.copy_(torch::randn_like(bn->running_mean) * 0.2);
      bn->running_var.copy_(torch::rand_like(bn->running_var) + 0.5);
      bn->weight.copy_(torch::rand_like(bn->weight) + 0.5);
      bn->bias.copy_(torch::randn_like(bn->bias) * 0.2);
    };
    for (auto& s : net->steps()) {
      if (!s.bn1.is_empty()) randomize(s.bn1);
      if (!s.bn2.is_empty()) randomize(s.bn2);
    }
  }
  net->eval();
  double y_mean = cfg.regression ? 3.0 : 0.0, y_std = cfg.regression ? 2.0 : 1.0;
  ir::Model m = export_model(net, cfg, y_mean, y_std);
  auto x = torch::randn({examples, static_cast<int64_t>(cfg.input.size())});
  return compare(net, m, x, cfg.regression, y_mean, y_std);
}

}  // namespace

}  // namespace mote::learn

// The module's entry points (see torch_module.h): errors come back as text, never as exceptions across
// the module boundary.
extern "C" int mote_torch_train(const mote::learn::Dataset* d, const mote::learn::NetworkConfig* cfg,
                                const std::function<void(const mote::learn::EpochStats&)>* on_epoch,
                                mote::learn::TrainResult* out, std::string* error) {
  try {
    *out = mote::learn::train_impl(*d, *cfg, *on_epoch);
    return 0;
  } catch (const mote::Error& e) {
    *error = e.what();
    return 1;
  } catch (const std::exception& e) {
    *error = std::string("train: torch failed: ") + e.what();
    return 2;
  }
}

extern "C" int mote_torch_parity(const mote::learn::NetworkConfig* cfg, int examples, uint64_t seed, double* out,
                                 std::string* error) {
  try {
    *out = mote::learn::parity_impl(*cfg, examples, seed);
    return 0;
  } catch (const std::exception& e) {
    *error = e.what();
    return 1;
  }
}
