#include "compile/codegen.h"

#include <cctype>
#include <cstdio>
#include <sstream>

#include "core/error.h"
#include "nn/conv2d_s8.h"
#include "nn/conv2d_s8_mve.h"
#include "nn/depthwise_conv2d_s8.h"
#include "nn/depthwise_conv2d_s8_mve.h"
#include "nn/fully_connected_s8.h"
#include "nn/fully_connected_s8_mve.h"
#include "nn/fully_connected_s8_wide.h"
#include "nn/softmax_s8.h"

namespace mote::compile {
namespace {

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Conv layer l's shapes and kernel as conv2d_s8's parameters: what its packed weights and scratch depend on.
nn::Conv2DS8Params conv2d_shape(const quant::QLayer& l);

// Conv layer l's geometry with strides and padding: what conv2d_s8_overlap_bytes reads.
nn::Conv2DS8Params conv2d_params(const quant::QLayer& l) {
  nn::Conv2DS8Params p = conv2d_shape(l);
  p.stride_h = l.stride_h;
  p.stride_w = l.stride_w;
  p.pad_h = l.pad_h;
  p.pad_w = l.pad_w;
  return p;
}

nn::Conv2DS8Params conv2d_shape(const quant::QLayer& l) {
  nn::Conv2DS8Params p{};
  p.kernel_h = l.kernel_h;
  p.kernel_w = l.kernel_w;
  p.input = {l.in.h, l.in.w, l.in.c};
  p.output = {l.out.h, l.out.w, l.out.c};
  return p;
}

}  // namespace

// fully_connected_s8_fast's table for dense layer l, or empty when the layer does not fit it.
std::vector<int32_t> dense_fast_table(const quant::QLayer& l) {
  if (l.op != ir::Op::FullyConnected) return {};
  const nn::FullyConnectedS8Params p{static_cast<int32_t>(l.in.size()), static_cast<int32_t>(l.out.size()),
                                     -l.input.zero_point, l.output.zero_point, l.act_min, l.act_max};
  if (l.multiplier.size() != l.out.size() || l.shift.size() != l.out.size() || l.bias.size() != l.out.size()) return {};
  std::vector<int32_t> table(nn::fully_connected_s8_fast_table_words(p));
  const nn::PerChannelQuant q{l.multiplier.data(), l.shift.data()};
  if (!nn::fully_connected_s8_fast_table(p, q, l.bias.data(), table.data())) return {};
  return table;
}

// The shared-channel table of a dense layer whose channels share one multiplier and shift, or empty.
std::vector<int32_t> dense_fast_shared_table(const quant::QLayer& l) {
  if (l.op != ir::Op::FullyConnected) return {};
  const nn::FullyConnectedS8Params p{static_cast<int32_t>(l.in.size()), static_cast<int32_t>(l.out.size()),
                                     -l.input.zero_point, l.output.zero_point, l.act_min, l.act_max};
  if (l.multiplier.size() != l.out.size() || l.shift.size() != l.out.size() || l.bias.size() != l.out.size()) return {};
  std::vector<int32_t> table(nn::fully_connected_s8_fast_shared_table_words(p));
  const nn::PerChannelQuant q{l.multiplier.data(), l.shift.data()};
  if (!nn::fully_connected_s8_fast_shared_table(p, q, l.bias.data(), table.data())) return {};
  return table;
}

bool dense_wide_form(const quant::QLayer& l, std::vector<int32_t>* words, std::vector<int32_t>* table) {
  if (l.op != ir::Op::FullyConnected) return false;
  const nn::FullyConnectedS8Params p{static_cast<int32_t>(l.in.size()), static_cast<int32_t>(l.out.size()),
                                     -l.input.zero_point, l.output.zero_point, l.act_min, l.act_max};
  if (l.multiplier.size() != l.out.size() || l.shift.size() != l.out.size() || l.bias.size() != l.out.size() ||
      l.weights.size() != l.in.size() * l.out.size())
    return false;
  words->assign(nn::fully_connected_s8_wide_weight_words(p.input_size, p.output_size), 0);
  table->assign(nn::fully_connected_s8_wide_table_words(p), 0);
  const nn::PerChannelQuant q{l.multiplier.data(), l.shift.data()};
  return nn::fully_connected_s8_wide_pack_weights(p.input_size, p.output_size, l.weights.data(), words->data()) &&
         nn::fully_connected_s8_wide_table(p, q, l.bias.data(), words->data(), table->data());
}

std::vector<int32_t> dense_mve_table(const quant::QLayer& l) {
  if (l.op != ir::Op::FullyConnected) return {};
  const nn::FullyConnectedS8Params p{static_cast<int32_t>(l.in.size()), static_cast<int32_t>(l.out.size()),
                                     -l.input.zero_point, l.output.zero_point, l.act_min, l.act_max};
  if (l.multiplier.size() != l.out.size() || l.shift.size() != l.out.size() || l.bias.size() != l.out.size() ||
      l.weights.size() != l.in.size() * l.out.size())
    return {};
  std::vector<int32_t> table(nn::fully_connected_s8_mve_table_words(p));
  const nn::PerChannelQuant q{l.multiplier.data(), l.shift.data()};
  if (!nn::fully_connected_s8_mve_table(p, q, l.bias.data(), l.weights.data(), table.data())) return {};
  return table;
}

std::vector<int32_t> conv2d_mve_table(const quant::QLayer& l) {
  if (l.op != ir::Op::Conv2D) return {};
  nn::Conv2DS8Params p = conv2d_params(l);
  p.input_offset = -l.input.zero_point;
  p.output_offset = l.output.zero_point;
  p.act_min = l.act_min;
  p.act_max = l.act_max;
  if (l.multiplier.size() != static_cast<size_t>(l.out.c) || l.shift.size() != static_cast<size_t>(l.out.c) ||
      l.weights.size() != static_cast<size_t>(l.kernel_h) * l.kernel_w * l.in.c * l.out.c ||
      (!l.bias.empty() && l.bias.size() != static_cast<size_t>(l.out.c)))
    return {};
  std::vector<int32_t> table(nn::conv2d_s8_mve_table_words(p));
  const nn::PerChannelQuant q{l.multiplier.data(), l.shift.data()};
  if (!nn::conv2d_s8_mve_table(p, q, l.bias.empty() ? nullptr : l.bias.data(), l.weights.data(), table.data()))
    return {};
  return table;
}

namespace {

std::string float_literal(float f) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9gf", static_cast<double>(f));
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s.insert(s.size() - 1, ".0");
  return s;
}

template <typename T>
std::string array(const char* type, const std::string& name, const std::vector<T>& v, const char* prefix = "") {
  std::ostringstream o;
  o << prefix << "const " << type << " " << name << "[" << v.size() << "] = {";
  for (size_t i = 0; i < v.size(); ++i) o << (i % 16 == 0 ? "\n    " : " ") << static_cast<long long>(v[i]) << ",";
  o << "};\n";
  return o.str();
}

std::string dims(const ir::Shape& s) {
  return "{" + std::to_string(s.h) + ", " + std::to_string(s.w) + ", " + std::to_string(s.c) + "}";
}

bool full_range(const quant::QLayer& l) { return l.act_min == -128 && l.act_max == 127; }

}  // namespace

GeneratedModel generate_cpp(const quant::QModel& q, const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    throw Error("codegen: model name '" + name + "' must be a C++ identifier (letters, digits, _)");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      throw Error("codegen: model name '" + name + "' must be a C++ identifier (letters, digits, _)");

  GeneratedModel g;
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : quant::to_json(q).dump()) h = (h ^ c) * 1099511628211ULL;
  g.model_hash = hex64(h);

  // Tensors: 0 = the input, k = layer k - 1's output (the IR's DAG); each gets a buffer alive from its
  // producer to its last reader, except that reshape aliases its input when nothing else reads that.
  // Step i = layer i; the planner keeps a layer's inputs and output apart.
  const size_t n = q.layers.size();
  std::vector<int> readers(n + 1, 0);
  for (size_t i = 0; i < n; ++i)
    for (int t : ir::layer_inputs(q.layers[i], i)) {
      if (t < 0 || static_cast<size_t>(t) > i)
        throw Error("generate_cpp: layer " + std::to_string(i) + " reads tensor " + std::to_string(t) +
                    ", not an earlier one; re-import the model");
      ++readers[t];
    }
  std::vector<size_t> last_use(n + 1, 0);
  for (size_t i = 0; i < n; ++i)
    for (int t : ir::layer_inputs(q.layers[i], i)) last_use[t] = i;
  last_use[n] = n;  // the output outlives invoke()
  struct Layout {
    std::vector<int> tensor_of;  // tensor t lives in buffer tensor_of[t] at byte tensor_off[t]
    std::vector<size_t> tensor_off;
    std::vector<int> scratch_of;
    ArenaPlan plan;
  };
  auto layout = [&](bool chains) {
    // tensor t lives in buffer tensor_of[t] at byte tensor_off[t]; a buffer may hold several tensors whose lives
    // follow each other: a reshape's view, a convolution's output over its dying input (conv2d_s8_overlap_bytes),
    // an Add's output over a dying input (element by element, read before written).
    std::vector<int> tensor_of(n + 1);
    std::vector<size_t> tensor_off(n + 1, 0);
    std::vector<std::vector<int>> held = {{0}};  // the tensors of each buffer
    std::vector<Buffer> buffers = {{q.input_shape.size(), 0, 0}};
    tensor_of[0] = 0;
    std::vector<int> scratch_of(n, -1);
    auto dies_here = [&](int t, size_t i) {  // every tensor of t's buffer is read for the last time by layer i
      for (int u : held[tensor_of[t]])
        if (last_use[u] > i) return false;
      return true;
    };
    auto share = [&](size_t i, int t, size_t off) {  // layer i's output into t's buffer at `off`
      const int b = tensor_of[t];
      tensor_of[i + 1] = b;
      tensor_off[i + 1] = off;
      held[b].push_back(static_cast<int>(i + 1));
      buffers[b].bytes = std::max(buffers[b].bytes, off + q.layers[i].out.size());
    };
    for (size_t i = 0; i < n; ++i) {
      const auto& l = q.layers[i];
      const auto ins = ir::layer_inputs(l, i);
      for (int t : ins) buffers[tensor_of[t]].last = static_cast<int>(i);
      size_t lag = 0;
      if (l.op == ir::Op::Conv2D) lag = (nn::conv2d_s8_overlap_bytes(conv2d_params(l)) + 3) & ~size_t{3};
      if (l.op == ir::Op::DepthwiseConv2D) {
        nn::DepthwiseConv2DS8Params p{};
        p.input = {l.in.h, l.in.w, l.in.c};
        p.output = {l.out.h, l.out.w, l.out.c};
        p.stride_h = l.stride_h, p.stride_w = l.stride_w, p.pad_h = l.pad_h, p.pad_w = l.pad_w;
        lag = (nn::depthwise_conv2d_s8_overlap_bytes(p) + 3) & ~size_t{3};
      }
      const bool windowed = l.op == ir::Op::Conv2D || l.op == ir::Op::DepthwiseConv2D;
      if (l.op == ir::Op::Reshape && readers[ins[0]] == 1) {
        share(i, ins[0], tensor_off[ins[0]]);
      } else if (windowed && dies_here(ins[0], i) && lag < l.out.size() &&
                 (chains || held[tensor_of[ins[0]]].size() == 1 || lag <= tensor_off[ins[0]])) {
        // The output starts `lag` bytes before the input; a buffer holding only the input moves it up (moving a
        // chain would grow the buffer over its whole life).
        const int b = tensor_of[ins[0]];
        const size_t up = lag > tensor_off[ins[0]] ? lag - tensor_off[ins[0]] : 0;
        for (int u : held[b]) {
          tensor_off[u] += up;
          const size_t bytes = u ? q.layers[u - 1].out.size() : q.input_shape.size();
          buffers[b].bytes = std::max(buffers[b].bytes, tensor_off[u] + bytes);
        }
        share(i, ins[0], tensor_off[ins[0]] - lag);
      } else if (l.op == ir::Op::Add && dies_here(ins[1], i)) {
        share(i, ins[1], tensor_off[ins[1]]);
      } else if (l.op == ir::Op::Add && dies_here(ins[0], i)) {
        share(i, ins[0], tensor_off[ins[0]]);
      } else {
        tensor_of[i + 1] = static_cast<int>(buffers.size());
        held.push_back({static_cast<int>(i + 1)});
        buffers.push_back({l.out.size(), static_cast<int>(i), static_cast<int>(i)});
      }
      if (l.op == ir::Op::Conv2D) {
        scratch_of[i] = static_cast<int>(buffers.size());
        held.push_back({});
        buffers.push_back({nn::conv2d_s8_scratch_bytes(conv2d_shape(l)), static_cast<int>(i), static_cast<int>(i)});
      }
    }
    buffers[tensor_of[n]].last = static_cast<int>(n);
    return Layout{tensor_of, tensor_off, scratch_of, plan_arena(buffers, 4)};
  };
  // Chained overlaps (a buffer reused down a chain of convolutions) save most on some networks and grow one
  // buffer's whole life on others: both layouts are planned and the smaller arena kept.
  const Layout a = layout(false), b = layout(true);
  const Layout& lay = b.plan.arena_bytes < a.plan.arena_bytes ? b : a;
  const auto& tensor_of = lay.tensor_of;
  const auto& tensor_off = lay.tensor_off;
  const auto& scratch_of = lay.scratch_of;
  const ArenaPlan& plan = lay.plan;
  g.arena_bytes = std::max<size_t>(plan.arena_bytes, 4);
  auto at = [&](int buffer) { return "g_arena + " + std::to_string(plan.offsets[buffer]); };
  auto at_t = [&](int t) { return "g_arena + " + std::to_string(plan.offsets[tensor_of[t]] + tensor_off[t]); };

  std::ostringstream data, body;
  for (size_t i = 0; i < n; ++i) {
    const auto& l = q.layers[i];
    const std::string id = "l" + std::to_string(i);
    const auto ins = ir::layer_inputs(l, i);
    const std::string x = at_t(ins[0]), y = at_t(static_cast<int>(i + 1));
    const std::string act = std::to_string(l.act_min) + ", " + std::to_string(l.act_max);
    const std::string offsets = std::to_string(-l.input.zero_point) + ", " + std::to_string(l.output.zero_point);
    body << "  // layer " << i << ": " << ir::op_name(l.op) << (l.name.empty() ? "" : " (" + l.name + ")") << " "
         << l.in.h << "x" << l.in.w << "x" << l.in.c << " -> " << l.out.h << "x" << l.out.w << "x" << l.out.c << "\n";
    std::vector<int32_t> fast_table, wide_words, wide_table;
    bool shared_table = false;
    const bool wide = dense_wide_form(l, &wide_words, &wide_table);
    size_t layer_const_bytes = 0;  // this layer's constants in the DSP-core form (what the wide form replaces)
    const std::vector<int32_t> mve_table = wide ? dense_mve_table(l) : std::vector<int32_t>{};
    const bool mve = !mve_table.empty();
    if (wide)
      data << "#if MOTE_NN_WIDE_DENSE  // no DSP extension: two rows per 32-bit word, the input offset in the table\n"
           << array("int32_t", id + "_wide", wide_words) << array("int32_t", id + "_wide_table", wide_table)
           << "const mote::nn::FullyConnectedS8WideLayer " << id << "_layer = {" << x << ", " << id << "_wide, " << id
           << "_wide_table, " << y << ", " << l.in.size() << ", " << l.out.size() << "};\n";
    if (mve)
      data << "#elif MOTE_NN_MVE_DENSE  // Helium: plain rows, 16 MACs per VMLADAVA, the input offset in the table\n"
           << array("int8_t", id + "_rows", l.weights) << array("int32_t", id + "_mve_table", mve_table)
           << "const mote::nn::FullyConnectedS8MveLayer " << id << "_layer = {" << x << ", " << id << "_rows, " << id
           << "_mve_table, " << y << ", " << l.in.size() << ", " << l.out.size() << "};\n";
    if (wide) data << "#else\n";
    const std::vector<int32_t> conv_mve_table = conv2d_mve_table(l);
    const bool conv_mve = !conv_mve_table.empty();
    if (conv_mve)
      data << "#if MOTE_NN_MVE_DENSE  // Helium: plain OHWI rows, 16 MACs per VMLADAVA, the input offset in the table\n"
           << array("int8_t", id + "_rows", l.weights) << array("int32_t", id + "_mve_table", conv_mve_table)
           << "#else\n";
    const size_t const_before = g.const_bytes;
    if (!l.weights.empty()) {
      std::vector<int8_t> weights = l.weights;
      if (l.op == ir::Op::FullyConnected) {  // the kernel's packed order (row pairs as int16), not the IR's rows
        if (l.weights.size() != l.in.size() * l.out.size())
          throw Error("generate_cpp: layer " + std::to_string(i) + " has " + std::to_string(l.weights.size()) +
                      " weights, expected input size x output size; re-quantize the model");
        if (!nn::fully_connected_s8_pack_weights(static_cast<int32_t>(l.in.size()),
                                                 static_cast<int32_t>(l.out.size()), l.weights.data(), weights.data()))
          throw Error("generate_cpp: layer " + std::to_string(i) +
                      " has a weight of -128, outside symmetric int8 [-127, 127]; re-quantize the model");
      }
      if (l.op == ir::Op::Conv2D) {  // OHWI rows of kernel_h * kernel_w * in.c, in pairs padded to 4 taps
        if (l.weights.size() != static_cast<size_t>(l.kernel_h) * l.kernel_w * l.in.c * l.out.c)
          throw Error("generate_cpp: layer " + std::to_string(i) + " has " + std::to_string(l.weights.size()) +
                      " weights, expected out.c x kernel_h x kernel_w x in.c; re-quantize the model");
        const nn::Conv2DS8Params p = conv2d_shape(l);
        weights.assign(nn::conv2d_s8_packed_bytes(p), 0);
        if (!nn::conv2d_s8_pack_weights(p, l.weights.data(), weights.data()))
          throw Error("generate_cpp: layer " + std::to_string(i) +
                      " has a weight of -128, outside symmetric int8 [-127, 127]; re-quantize the model");
      }
      // alignas(4): the dense DSP path reads its weights with LDRD on the M4.
      data << "// layer " << i << ": " << ir::op_name(l.op)
           << (l.op == ir::Op::FullyConnected ? " (weights in fully_connected_s8's packed order)"
               : l.op == ir::Op::Conv2D      ? " (weights in conv2d_s8's packed order)"
                                             : "")
           << "\n"
           << array("int8_t", id + "_weights", weights, "alignas(4) ");
      g.const_bytes += weights.size();
      fast_table = dense_fast_shared_table(l);  // one channel for all rows when they share it (per-tensor weights)
      shared_table = !fast_table.empty();
      if (!shared_table) fast_table = dense_fast_table(l);
      if (!fast_table.empty()) {  // biases and requantization live in the table
        data << array("int32_t", id + "_table", fast_table);
        g.const_bytes += 4 * fast_table.size();
      } else {
        data << array("int32_t", id + "_bias", l.bias) << array("int32_t", id + "_multiplier", l.multiplier)
             << array("int32_t", id + "_shift", l.shift) << "const mote::nn::PerChannelQuant " << id << "_quant = {"
             << id << "_multiplier, " << id << "_shift};\n";
        g.const_bytes += 4 * (l.bias.size() + l.multiplier.size() + l.shift.size());
      }
    }
    layer_const_bytes = g.const_bytes - const_before;
    if (conv_mve) {
      data << "#endif  // MOTE_NN_MVE_DENSE\n";
      g.mve_const_bytes += l.weights.size() + 4 * conv_mve_table.size() - layer_const_bytes;
    }
    if (wide) g.wide_const_bytes += 4 * (wide_words.size() + wide_table.size()) - layer_const_bytes;
    if (mve) g.mve_const_bytes += l.weights.size() + 4 * mve_table.size() - layer_const_bytes;
    const std::string window = std::to_string(l.kernel_h) + ", " + std::to_string(l.kernel_w) + ", " +
                               std::to_string(l.stride_h) + ", " + std::to_string(l.stride_w) + ", " +
                               std::to_string(l.pad_h) + ", " + std::to_string(l.pad_w);
    switch (l.op) {
      case ir::Op::FullyConnected:
        if (wide) body << "#if MOTE_NN_WIDE_DENSE\n  MOTE_RETURN_IF_ERROR(mote::nn::fully_connected_s8_wide(" << id
                       << "_layer));\n";
        if (mve) body << "#elif MOTE_NN_MVE_DENSE\n  MOTE_RETURN_IF_ERROR(mote::nn::fully_connected_s8_mve(" << id
                      << "_layer));\n";
        if (wide) body << "#else\n";
        if (!fast_table.empty()) {  // the generator checked what fully_connected_s8_fast needs, so the device need not
          data << "const mote::nn::FullyConnectedS8FastLayer " << id << "_layer = {" << x << ", " << id << "_weights, "
               << id << "_table, " << y << ", " << l.in.size() << ", " << l.out.size() << ", " << -l.input.zero_point
               << "};\n";
          body << "  MOTE_RETURN_IF_ERROR(mote::nn::fully_connected_s8_fast" << (shared_table ? "_shared" : "") << "(" << id
               << "_layer));\n";
        } else {
          data << "const mote::nn::FullyConnectedS8Params " << id << "_params = {" << l.in.size() << ", "
               << l.out.size() << ", " << offsets << ", " << act << "};\n";
          body << "  MOTE_RETURN_IF_ERROR(mote::nn::fully_connected_s8(" << id << "_params, " << id << "_quant, " << x
               << ", " << id << "_weights, " << id << "_bias, " << y << "));\n";
        }
        if (wide) {
          data << "#endif  // MOTE_NN_WIDE_DENSE" << (mve ? ", MOTE_NN_MVE_DENSE" : "") << "\n";
          body << "#endif\n";
        }
        break;
      case ir::Op::Conv2D: {
        data << "const mote::nn::Conv2DS8Params " << id << "_params = {" << dims(l.in) << ", " << dims(l.out) << ", "
             << window << ", " << offsets << ", " << act << "};\n";
        if (conv_mve)  // the planner's conv2d_s8 scratch holds the Helium form's column too
          body << "#if MOTE_NN_MVE_DENSE\n  MOTE_RETURN_IF_ERROR(mote::nn::conv2d_s8_mve(" << id << "_params, " << x << ", "
               << id << "_rows, " << id << "_mve_table, " << y << ", " << at(scratch_of[i]) << ", "
               << nn::conv2d_s8_scratch_bytes(conv2d_shape(l)) << "));\n#else\n";
        body << "  MOTE_RETURN_IF_ERROR(mote::nn::conv2d_s8(" << id << "_params, " << id << "_quant, " << x << ", "
             << id << "_weights, " << id << "_bias, " << y << ", " << at(scratch_of[i]) << ", "
             << nn::conv2d_s8_scratch_bytes(conv2d_shape(l)) << "));\n";
        if (conv_mve) body << "#endif\n";
        break;
      }
      case ir::Op::DepthwiseConv2D:
        data << "const mote::nn::DepthwiseConv2DS8Params " << id << "_params = {" << dims(l.in) << ", " << dims(l.out)
             << ", " << window << ", " << l.depth_multiplier << ", " << offsets << ", " << act << "};\n";
        body << "#if MOTE_NN_MVE_DENSE\n  MOTE_RETURN_IF_ERROR(mote::nn::depthwise_conv2d_s8_mve(" << id << "_params, "
             << id << "_quant, " << x << ", " << id << "_weights, " << id << "_bias, " << y << "));\n#else\n"
             << "  MOTE_RETURN_IF_ERROR(mote::nn::depthwise_conv2d_s8(" << id << "_params, " << id << "_quant, " << x
             << ", " << id << "_weights, " << id << "_bias, " << y << "));\n#endif\n";
        break;
      case ir::Op::MaxPool2D:
      case ir::Op::AvgPool2D:
        data << "const mote::nn::PoolS8Params " << id << "_params = {" << dims(l.in) << ", " << dims(l.out) << ", "
             << window << ", " << act << "};\n";
        body << "  MOTE_RETURN_IF_ERROR(mote::nn::" << (l.op == ir::Op::MaxPool2D ? "max" : "avg") << "_pool2d_s8("
             << id << "_params, " << x << ", " << y << "));\n";
        break;
      case ir::Op::Reshape:
        if (tensor_of[i + 1] != tensor_of[ins[0]] || tensor_off[i + 1] != tensor_off[ins[0]]) {  // a copy
          body << "  for (size_t i = 0; i < " << l.out.size() << "; ++i) {  // a copy, with the fused activation\n"
               << "    const int8_t v = " << x << "[i];\n"
               << "    " << y << "[i] = v < " << l.act_min << " ? " << l.act_min << " : (v > " << l.act_max << " ? "
               << l.act_max << " : v);\n  }\n";
        } else if (full_range(l)) {
          body << "  // a no-op: HWC is already the flat order\n";
        } else {
          body << "  for (size_t i = 0; i < " << l.out.size() << "; ++i) {  // the fused activation, in place\n"
               << "    int8_t* v = " << y << " + i;\n"
               << "    *v = *v < " << l.act_min << " ? " << l.act_min << " : (*v > " << l.act_max << " ? " << l.act_max
               << " : *v);\n  }\n";
        }
        break;
      case ir::Op::Add:
        data << "const mote::nn::AddS8Params " << id << "_params = {" << l.out.size() << ", " << -l.input.zero_point
             << ", " << -l.input2.zero_point << ", " << l.add_left_shift << ", " << l.add_multiplier1 << ", "
             << l.add_shift1 << ", " << l.add_multiplier2 << ", " << l.add_shift2 << ", " << l.add_output_multiplier
             << ", " << l.add_output_shift << ", " << l.output.zero_point << ", " << act << "};\n";
        body << "  MOTE_RETURN_IF_ERROR(mote::nn::add_s8(" << id << "_params, " << x << ", " << at_t(ins[1])
             << ", " << y << "));\n";
        break;
      case ir::Op::Mean:
        if (l.multiplier.size() != 1 || l.shift.size() != 1)
          throw Error("generate_cpp: mean layer " + std::to_string(i) + " needs one multiplier and shift; re-import the model");
        data << "const mote::nn::MeanS8Params " << id << "_params = {" << dims(l.in) << ", " << offsets << ", "
             << l.multiplier[0] << ", " << l.shift[0] << ", " << act << "};\n";
        body << "  MOTE_RETURN_IF_ERROR(mote::nn::mean_s8(" << id << "_params, " << x << ", " << y << "));\n";
        break;
      case ir::Op::Softmax: {
        const nn::SoftmaxS8Params p{1, static_cast<int32_t>(l.in.size()), l.softmax_multiplier, l.softmax_left_shift,
                                    l.softmax_diff_min};
        std::vector<int32_t> table(nn::kSoftmaxExpTableMax);
        int32_t size = 0;
        if (nn::softmax_s8_exp_table(p, table.data(), &size) != MOTE_OK)
          throw Error("generate_cpp: softmax layer " + std::to_string(i) + " has invalid parameters; re-quantize the model");
        table.resize(static_cast<size_t>(size));
        data << "const mote::nn::SoftmaxS8Params " << id << "_params = {1, " << l.in.size() << ", "
             << l.softmax_multiplier << ", " << l.softmax_left_shift << ", " << l.softmax_diff_min << "};\n"
             << "// exp of each difference -k to the row maximum, as softmax_s8 computes it (softmax_s8_exp_table)\n"
             << array("int32_t", id + "_exp", table);
        body << "  MOTE_RETURN_IF_ERROR(mote::nn::softmax_s8_table(" << id << "_params, " << id << "_exp, " << size
             << ", " << x << ", " << y << "));\n";
        g.const_bytes += 4 * table.size();
        break;
      }
    }
  }

  const std::string banner = "// Generated by mote " MOTE_VERSION " (src/compile/codegen), model " + g.model_hash +
                             ": do not edit.\n";
  std::string guard = "MOTE_MODEL_";
  for (char c : name) guard += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  guard += "_H";
  const auto& out = q.output();
  std::ostringstream hdr;
  hdr << banner << "// int8 in, int8 out: real = scale * (q - zero_point). Write kInputSize values to input(),\n"
      << "// call invoke(), read kOutputSize values from output().\n"
      << "#ifndef " << guard << "\n#define " << guard << "\n\n#include <stddef.h>\n#include <stdint.h>\n\n"
      << "#include \"mote/status.h\"\n\nnamespace " << name << " {\n\n"
      << "const int kInputHeight = " << q.input_shape.h << ", kInputWidth = " << q.input_shape.w
      << ", kInputChannels = " << q.input_shape.c << ";\n"
      << "const size_t kInputSize = " << q.input_shape.size() << ";\n"
      << "const size_t kOutputSize = " << q.output_shape().size() << ";\n"
      << "const float kInputScale = " << float_literal(q.input.scale) << ";\n"
      << "const int32_t kInputZeroPoint = " << q.input.zero_point << ";\n"
      << "const float kOutputScale = " << float_literal(out.scale) << ";\n"
      << "const int32_t kOutputZeroPoint = " << out.zero_point << ";\n"
      << "const size_t kArenaBytes = " << g.arena_bytes << ";  // every activation and scratch, planned by liveness\n";
  if (!q.input_gain.empty())
    hdr << "// Per-channel input map: input()[i] = round_half_away(x[i] * kInputGain[i % kInputPeriod] + kInputOffset[i %\n"
        << "// kInputPeriod]) + kInputZeroPoint, clamped (nn/quantize_affine_s8.h); kInputScale is the mapped input's.\n"
        << "const uint16_t kInputPeriod = " << q.input_gain.size() << ";\nextern const float kInputGain[kInputPeriod];\n"
        << "extern const float kInputOffset[kInputPeriod];\n";
  if (q.labels.size() == q.output_shape().size()) hdr << "extern const char* const kLabels[kOutputSize];\n";
  hdr << "\nint8_t* input();\nconst int8_t* output();\nmote::Status invoke();\n\n}  // namespace " << name
      << "\n\n#endif  // " << guard << "\n";

  std::ostringstream src;
  src << banner << "#include \"" << name << ".h\"\n\n"
      << "#include \"nn/add_s8.h\"\n#include \"nn/avg_pool2d_s8.h\"\n#include \"nn/conv2d_s8.h\"\n#include \"nn/conv2d_s8_mve.h\"\n#include \"nn/depthwise_conv2d_s8.h\"\n#include \"nn/depthwise_conv2d_s8_mve.h\"\n"
      << "#include \"nn/fully_connected_s8.h\"\n#include \"nn/fully_connected_s8_mve.h\"\n#include \"nn/fully_connected_s8_wide.h\"\n#include \"nn/max_pool2d_s8.h\"\n#include \"nn/mean_s8.h\"\n#include \"nn/softmax_s8.h\"\n\n"
      << "namespace " << name << " {\nnamespace {\n\n"
      << "alignas(4) int8_t g_arena[kArenaBytes];\n\n" << data.str() << "\n}  // namespace\n\n";
  if (q.labels.size() == q.output_shape().size()) {
    src << "const char* const kLabels[kOutputSize] = {";
    for (size_t i = 0; i < q.labels.size(); ++i) {
      src << (i ? ", " : "") << "\"";
      for (char c : q.labels[i]) {
        if (static_cast<unsigned char>(c) < 0x20) {  // control characters as octal escapes
          char esc[8];
          std::snprintf(esc, sizeof(esc), "\\%03o", static_cast<unsigned>(static_cast<unsigned char>(c)));
          src << esc;
        } else {
          src << (c == '"' || c == '\\' ? "\\" : "") << c;
        }
      }
      src << "\"";
    }
    src << "};\n\n";
  }
  if (!q.input_gain.empty()) {
    auto floats = [&](const std::vector<float>& v) {
      std::string list;
      for (size_t i = 0; i < v.size(); ++i) list += (i % 6 ? " " : "\n    ") + float_literal(v[i]) + ",";
      return list;
    };
    src << "const float kInputGain[kInputPeriod] = {" << floats(q.input_gain) << "\n};\n"
        << "const float kInputOffset[kInputPeriod] = {" << floats(q.input_offset) << "\n};\n\n";
    g.const_bytes += 8 * q.input_gain.size();
  }
  src << "int8_t* input() { return " << at_t(0) << "; }\n"
      << "const int8_t* output() { return " << at_t(static_cast<int>(n)) << "; }\n\n"
      << "mote::Status invoke() {\n" << body.str() << "  return mote::MOTE_OK;\n}\n\n}  // namespace " << name << "\n";
  g.wide_const_bytes += g.const_bytes;
  g.mve_const_bytes += g.const_bytes;
  g.header = hdr.str();
  g.source = src.str();
  return g;
}

}  // namespace mote::compile
