// The float model IR: what training (and the ONNX/float .tflite importers) hand to quantization. A DAG over
// HWC tensors (batch 1, TFLite's NHWC without N) in single-assignment form: tensor 0 is the model input,
// tensor k + 1 is layer k's output, layers are in topological order and name the tensors they read
// (residual connections are an Add of two earlier tensors). Float weights; batch norm already folded and
// dropout removed. A 1-D signal is h = 1 (time along w, features as channels). qmodel.h is its int8 twin.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mote::ir {

// Mean (over height and width) is int8 only: an imported MEAN with TFLM's arithmetic (runtime/nn/mean_s8); a
// float model averages with avg_pool2d over its whole input.
#define MOTE_IR_OPS(X)                       \
  X(FullyConnected, "fully_connected")       \
  X(Conv2D, "conv2d")                        \
  X(DepthwiseConv2D, "depthwise_conv2d")     \
  X(MaxPool2D, "max_pool2d")                 \
  X(AvgPool2D, "avg_pool2d")                 \
  X(Reshape, "reshape")                      \
  X(Softmax, "softmax")                      \
  X(Add, "add")                              \
  X(Mean, "mean")

enum class Op {
#define MOTE_IR_OP_ENUM(name, text) name,
  MOTE_IR_OPS(MOTE_IR_OP_ENUM)
#undef MOTE_IR_OP_ENUM
};

enum class Activation { None, Relu, Relu6 };
enum class Padding { Valid, Same };  // Same: TFLite's, the extra pixel after (pad_before = total / 2)

const char* op_name(Op op);
// The op named `name` (as op_name spells it); throws mote::Error naming `at` when there is none.
Op op_from_name(const std::string& name, const std::string& at);
const char* activation_name(Activation a);
const char* padding_name(Padding p);

struct Shape {
  int h = 1, w = 1, c = 1;
  size_t size() const { return static_cast<size_t>(h) * w * c; }
  bool operator==(const Shape&) const = default;
};

struct Layer {
  Op op = Op::FullyConnected;
  std::string name;
  // Tensors read: 0 = the model input, k = layer k - 1's output (always an earlier one). Empty: the previous
  // layer's output (a chain). Add reads two tensors of the same shape.
  std::vector<int> inputs;
  Shape in, out;  // out is set by infer_shapes()
  // Convolution and pooling window; FullyConnected reads in.size() and writes units outputs.
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int depth_multiplier = 1;  // DepthwiseConv2D
  int units = 0;             // FullyConnected: output size; Conv2D: output channels
  Padding padding = Padding::Valid;
  Activation activation = Activation::None;  // fused after the op
  // FullyConnected: [units][in.size()] (input in HWC order); Conv2D: [out_c][kh][kw][in_c] (OHWI);
  // DepthwiseConv2D: [kh][kw][in_c * depth_multiplier]. Pools, Reshape, Softmax, Add: empty.
  std::vector<float> weights;
  std::vector<float> bias;  // one per output channel; may be empty (zero)
};

struct Model {
  Shape input;
  std::vector<Layer> layers;
  std::vector<std::string> labels;  // classifier outputs in order; regression: one name per output
  bool regression = false;
  const Shape& output() const { return layers.empty() ? input : layers.back().out; }
};

// The tensors layer i reads (its `inputs`, or {i}: the previous layer's output).
std::vector<int> layer_inputs(const Layer& l, size_t i);

// Sets every layer's in/out from model.input and checks weights, biases and windows; throws mote::Error
// naming "layer N (name)" and the field.
void infer_shapes(Model& m);

// Output size and padding of one spatial dimension, TFLite's convention.
int conv_out_size(int in, int kernel, int stride, Padding p);
int conv_pad_before(int in, int kernel, int stride, Padding p);

// The float reference evaluator (double accumulation): what quantized and generated code are compared to.
std::vector<float> run_float(const Model& m, const float* input);
// Output of every layer, in order (tensor k + 1 = element k; for calibration: activation ranges per tensor).
std::vector<std::vector<float>> run_float_all(const Model& m, const float* input);

nlohmann::json to_json(const Model& m);
// Throws mote::Error naming the field when the JSON is not a valid model.
Model from_json(const nlohmann::json& j);

}  // namespace mote::ir
