// QModel <-> JSON: the reference format tests/ref/nn_int8.py reads, complete enough to restore a model exactly.
#include "core/error.h"
#include "quant/quantize.h"

namespace mote::quant {

using nlohmann::json;

namespace {

json dims(const ir::Shape& s) { return json::array({s.h, s.w, s.c}); }
ir::Shape shape_of(const json& a) { return ir::Shape{a.at(0).get<int>(), a.at(1).get<int>(), a.at(2).get<int>()}; }
json tq(const TensorQuant& t) { return json{{"scale", t.scale}, {"zero_point", t.zero_point}}; }
TensorQuant quant_of(const json& j) { return TensorQuant{j.at("scale").get<float>(), j.at("zero_point").get<int32_t>()}; }

// Weights a layer holds for its shapes (0: none), as the kernels read them.
size_t expected_weights(const QLayer& l) {
  switch (l.op) {
    case ir::Op::FullyConnected: return l.in.size() * static_cast<size_t>(l.out.c);
    case ir::Op::Conv2D: return static_cast<size_t>(l.out.c) * l.kernel_h * l.kernel_w * l.in.c;
    case ir::Op::DepthwiseConv2D: return static_cast<size_t>(l.kernel_h) * l.kernel_w * l.out.c;
    default: return 0;
  }
}

}  // namespace

nlohmann::json to_json(const QModel& q) {
  json layers = json::array();
  for (const auto& l : q.layers) {
    json j = {{"op", ir::op_name(l.op)}, {"name", l.name}, {"input_quant", tq(l.input)}, {"output_quant", tq(l.output)},
              {"act_min", l.act_min}, {"act_max", l.act_max}, {"in", dims(l.in)}, {"out", dims(l.out)}};
    if (!l.inputs.empty()) j["inputs"] = l.inputs;
    switch (l.op) {
      case ir::Op::FullyConnected:
        j.update({{"input_size", l.in.size()}, {"output_size", l.out.size()}});
        break;
      case ir::Op::Conv2D:
      case ir::Op::DepthwiseConv2D:
      case ir::Op::MaxPool2D:
      case ir::Op::AvgPool2D:
        j.update({{"input", dims(l.in)}, {"output", dims(l.out)}, {"kernel_h", l.kernel_h}, {"kernel_w", l.kernel_w},
                  {"stride_h", l.stride_h}, {"stride_w", l.stride_w}, {"pad_h", l.pad_h}, {"pad_w", l.pad_w}});
        if (l.op == ir::Op::DepthwiseConv2D) j["depth_multiplier"] = l.depth_multiplier;
        break;
      case ir::Op::Softmax:
        j.update({{"rows", 1}, {"depth", l.in.size()}, {"input_multiplier", l.softmax_multiplier},
                  {"input_left_shift", l.softmax_left_shift}, {"diff_min", l.softmax_diff_min}});
        break;
      case ir::Op::Reshape:
        break;
      case ir::Op::Mean:  // multiplier/shift: input / output scale (TFLM's Prepare); nn/mean_s8 folds in 1 / (h w)
        j.update({{"input", dims(l.in)}, {"input_offset", -l.input.zero_point}, {"output_offset", l.output.zero_point},
                  {"multiplier", l.multiplier.empty() ? 0 : l.multiplier[0]}, {"shift", l.shift.empty() ? 0 : l.shift[0]}});
        break;
      case ir::Op::Add:
        j.update({{"size", l.in.size()}, {"input2_quant", tq(l.input2)}, {"left_shift", l.add_left_shift},
                  {"input1_offset", -l.input.zero_point}, {"input2_offset", -l.input2.zero_point},
                  {"output_offset", l.output.zero_point},
                  {"input1_multiplier", l.add_multiplier1}, {"input1_shift", l.add_shift1},
                  {"input2_multiplier", l.add_multiplier2}, {"input2_shift", l.add_shift2},
                  {"output_multiplier", l.add_output_multiplier}, {"output_shift", l.add_output_shift}});
        break;
    }
    if (!l.weights.empty()) {
      j.update({{"input_offset", -l.input.zero_point}, {"output_offset", l.output.zero_point}, {"weights", l.weights},
                {"weight_scales", l.weight_scales}, {"bias", l.bias}, {"multiplier", l.multiplier}, {"shift", l.shift}});
    }
    layers.push_back(std::move(j));
  }
  json j = {{"input_shape", dims(q.input_shape)}, {"input_quant", tq(q.input)}, {"labels", q.labels},
            {"regression", q.regression}, {"layers", std::move(layers)}};
  if (!q.input_gain.empty()) j.update({{"input_gain", q.input_gain}, {"input_offset", q.input_offset}});
  return j;
}

QModel from_json(const json& j) {
  QModel q;
  try {
    q.input_shape = shape_of(j.at("input_shape"));
    q.input = quant_of(j.at("input_quant"));
    q.labels = j.value("labels", std::vector<std::string>{});
    q.regression = j.value("regression", false);
    q.input_gain = j.value("input_gain", std::vector<float>{});
    q.input_offset = j.value("input_offset", std::vector<float>{});
    if (q.input_gain.size() != q.input_offset.size()) throw error_at("qmodel.input_offset", "has another size than input_gain");
    const json& layers = j.at("layers");
    for (size_t i = 0; i < layers.size(); ++i) {
      const json& lj = layers[i];
      const std::string at = "qmodel.layers[" + std::to_string(i) + "]";
      QLayer l;
      l.op = ir::op_from_name(lj.at("op").get<std::string>(), at + ".op");
      l.name = lj.value("name", "");
      l.inputs = lj.value("inputs", std::vector<int>{});
      for (int t : l.inputs)
        if (t < 0 || static_cast<size_t>(t) > i) throw error_at(at + ".inputs", "tensor " + std::to_string(t) + " is not an earlier one");
      l.in = shape_of(lj.at("in"));
      l.out = shape_of(lj.at("out"));
      if (l.in.h <= 0 || l.in.w <= 0 || l.in.c <= 0 || l.out.h <= 0 || l.out.w <= 0 || l.out.c <= 0) throw error_at(at, "has an empty shape");
      l.input = quant_of(lj.at("input_quant"));
      l.output = quant_of(lj.at("output_quant"));
      l.act_min = lj.at("act_min").get<int32_t>();
      l.act_max = lj.at("act_max").get<int32_t>();
      l.kernel_h = lj.value("kernel_h", 1), l.kernel_w = lj.value("kernel_w", 1);
      l.stride_h = lj.value("stride_h", 1), l.stride_w = lj.value("stride_w", 1);
      l.pad_h = lj.value("pad_h", 0), l.pad_w = lj.value("pad_w", 0);
      l.depth_multiplier = lj.value("depth_multiplier", 1);
      if (l.op == ir::Op::Softmax) {
        l.softmax_multiplier = lj.at("input_multiplier"), l.softmax_left_shift = lj.at("input_left_shift");
        l.softmax_diff_min = lj.at("diff_min");
      }
      if (l.op == ir::Op::Mean) {
        l.multiplier = {lj.at("multiplier").get<int32_t>()}, l.shift = {lj.at("shift").get<int32_t>()};
        if (!(l.out == ir::Shape{1, 1, l.in.c})) throw error_at(at + ".out", "a mean's output is 1x1 by its input's channels");
      }
      if (l.op == ir::Op::Add) {
        l.input2 = quant_of(lj.at("input2_quant"));
        l.add_left_shift = lj.at("left_shift");
        l.add_multiplier1 = lj.at("input1_multiplier"), l.add_shift1 = lj.at("input1_shift");
        l.add_multiplier2 = lj.at("input2_multiplier"), l.add_shift2 = lj.at("input2_shift");
        l.add_output_multiplier = lj.at("output_multiplier"), l.add_output_shift = lj.at("output_shift");
      }
      l.weights = lj.value("weights", std::vector<int8_t>{});
      if (l.weights.size() != expected_weights(l))
        throw error_at(at + ".weights", "holds " + std::to_string(l.weights.size()) + " values, not " + std::to_string(expected_weights(l)));
      if (!l.weights.empty()) {
        l.weight_scales = lj.at("weight_scales").get<std::vector<float>>();
        l.bias = lj.at("bias").get<std::vector<int32_t>>();
        l.multiplier = lj.at("multiplier").get<std::vector<int32_t>>();
        l.shift = lj.at("shift").get<std::vector<int32_t>>();
        const size_t c = static_cast<size_t>(l.out.c);
        if (l.weight_scales.size() != c || l.bias.size() != c || l.multiplier.size() != c || l.shift.size() != c)
          throw error_at(at, "needs one weight scale, bias, multiplier and shift per output channel (" + std::to_string(c) + ")");
      }
      q.layers.push_back(std::move(l));
    }
  } catch (const json::exception& e) {
    throw Error(std::string("int8 model: malformed JSON (") + e.what() + "); import the model again");
  }
  return q;
}

}  // namespace mote::quant
