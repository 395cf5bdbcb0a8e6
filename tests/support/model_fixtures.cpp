#include "support/model_fixtures.h"

#include <cmath>

namespace mote::test {

std::vector<float> Builder::normal(size_t n, float sd) {
  std::normal_distribution<float> d(0.0f, sd);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

ir::Layer Builder::dense(int units, int in, ir::Activation a) {
  ir::Layer l;
  l.op = ir::Op::FullyConnected;
  l.units = units;
  l.activation = a;
  l.weights = normal(static_cast<size_t>(units) * in, 1.0f / std::sqrt(static_cast<float>(in)));
  l.bias = normal(units, 0.1f);
  return l;
}

ir::Layer Builder::conv(int units, int kh, int kw, int s, int cin, ir::Padding p, ir::Activation a) {
  ir::Layer l;
  l.op = ir::Op::Conv2D;
  l.units = units;
  l.kernel_h = kh;
  l.kernel_w = kw;
  l.stride_h = l.stride_w = s;
  l.padding = p;
  l.activation = a;
  l.weights = normal(static_cast<size_t>(units) * kh * kw * cin, 1.0f / std::sqrt(static_cast<float>(kh * kw * cin)));
  l.bias = normal(units, 0.1f);
  return l;
}

ir::Layer Builder::pool(ir::Op op, int kh, int kw, int s, ir::Padding p) {
  ir::Layer l;
  l.op = op;
  l.kernel_h = kh;
  l.kernel_w = kw;
  l.stride_h = kh == 1 ? 1 : s;
  l.stride_w = s;
  l.padding = p;
  return l;
}

ir::Layer Builder::simple(ir::Op op) {
  ir::Layer l;
  l.op = op;
  return l;
}

std::vector<ir::Model> classifier_models() {
  Builder b;
  std::vector<ir::Model> ms(3);
  ms[0].input = {1, 1, 33};
  ms[0].layers = {b.dense(20, 33, ir::Activation::Relu), b.dense(10, 20, ir::Activation::Relu6), b.dense(3, 10),
                  b.simple(ir::Op::Softmax)};
  ms[0].labels = {"idle", "wave", "snake"};
  ms[1].input = {1, 49, 13};
  ms[1].layers = {b.conv(8, 1, 3, 1, 13, ir::Padding::Same, ir::Activation::Relu),
                  b.pool(ir::Op::MaxPool2D, 1, 2, 2, ir::Padding::Same),
                  b.conv(6, 1, 3, 2, 8, ir::Padding::Valid, ir::Activation::Relu6),
                  b.pool(ir::Op::AvgPool2D, 1, 3, 2, ir::Padding::Same),
                  b.simple(ir::Op::Reshape),
                  b.dense(4, 36),
                  b.simple(ir::Op::Softmax)};
  ms[1].labels = {"yes", "no", "up", "down"};
  ms[2].input = {10, 9, 3};
  ir::Layer dw = b.simple(ir::Op::DepthwiseConv2D);
  dw.kernel_h = dw.kernel_w = 3;
  dw.padding = ir::Padding::Same;
  dw.depth_multiplier = 2;
  dw.activation = ir::Activation::Relu;
  dw.weights = b.normal(9 * 8, 0.33f);
  dw.bias = b.normal(8, 0.1f);
  ms[2].layers = {b.conv(4, 3, 3, 2, 3, ir::Padding::Same, ir::Activation::None), dw,
                  b.pool(ir::Op::MaxPool2D, 2, 2, 2, ir::Padding::Valid), b.simple(ir::Op::Reshape),
                  b.dense(5, 2 * 2 * 8), b.simple(ir::Op::Softmax)};
  ms[2].labels = {"a", "b", "c", "d", "e"};
  for (auto& m : ms) ir::infer_shapes(m);
  return ms;
}

std::vector<std::vector<float>> random_inputs(const ir::Model& m, int n, unsigned seed) {
  Builder b;
  b.rng.seed(seed);
  std::vector<std::vector<float>> xs;
  for (int i = 0; i < n; ++i) xs.push_back(b.normal(m.input.size(), 1.0f));
  return xs;
}

}  // namespace mote::test
