// mote_nn_vectors IN.json OUT.cpp: turns tests/ref/nn_int8.py's cases into a C++11 source for the
// Cortex-M4 kernel test. It runs every path of every kernel on the host first, refuses to write if any
// disagrees with the reference, and embeds the host's own outputs as what the device must reproduce.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "nn/kernel_json.h"

using namespace mote::nntest;

namespace {

template <typename T>
std::string array(const std::string& type, const std::string& name, const std::vector<T>& v) {
  if (v.empty()) return "";
  std::ostringstream o;
  o << "alignas(4) static const " << type << " " << name << "[] = {";  // the dense DSP path reads weights by LDRD
  for (size_t i = 0; i < v.size(); ++i) o << (i % 24 == 0 ? "\n    " : " ") << static_cast<long long>(v[i]) << ",";
  o << "};\n";
  return o.str();
}

// %.9g round-trips every float exactly.
std::string float_literal(float f) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(f));
  std::string t = buf;
  if (t.find_first_of(".e") == std::string::npos) t += ".0";
  return t + "f";
}

std::string float_array(const std::string& name, const std::vector<float>& v) {
  if (v.empty()) return "";
  std::ostringstream o;
  o << "static const float " << name << "[] = {";
  for (size_t i = 0; i < v.size(); ++i) o << (i % 8 == 0 ? "\n    " : " ") << float_literal(v[i]) << ",";
  o << "};\n";
  return o.str();
}

std::string dims(const mote::nn::Dims& d) {
  return "{" + std::to_string(d.h) + ", " + std::to_string(d.w) + ", " + std::to_string(d.c) + "}";
}

std::string params(const OwnedCase& c, const std::string& id) {
  std::ostringstream o;
  auto s = [](int32_t v) { return std::to_string(v); };
  switch (c.view.kernel) {
    case kFullyConnected: {
      const auto& p = c.fc;
      o << "static const nn::FullyConnectedS8Params " << id << "_p = {" << s(p.input_size) << ", " << s(p.output_size)
        << ", " << s(p.input_offset) << ", " << s(p.output_offset) << ", " << s(p.act_min) << ", " << s(p.act_max);
      break;
    }
    case kConv2D: {
      const auto& p = c.conv;
      o << "static const nn::Conv2DS8Params " << id << "_p = {" << dims(p.input) << ", " << dims(p.output) << ", "
        << s(p.kernel_h) << ", " << s(p.kernel_w) << ", " << s(p.stride_h) << ", " << s(p.stride_w) << ", "
        << s(p.pad_h) << ", " << s(p.pad_w) << ", " << s(p.input_offset) << ", " << s(p.output_offset) << ", "
        << s(p.act_min) << ", " << s(p.act_max);
      break;
    }
    case kDepthwiseConv2D: {
      const auto& p = c.dw;
      o << "static const nn::DepthwiseConv2DS8Params " << id << "_p = {" << dims(p.input) << ", " << dims(p.output)
        << ", " << s(p.kernel_h) << ", " << s(p.kernel_w) << ", " << s(p.stride_h) << ", " << s(p.stride_w) << ", "
        << s(p.pad_h) << ", " << s(p.pad_w) << ", " << s(p.depth_multiplier) << ", " << s(p.input_offset) << ", "
        << s(p.output_offset) << ", " << s(p.act_min) << ", " << s(p.act_max);
      break;
    }
    case kMaxPool2D:
    case kAvgPool2D: {
      const auto& p = c.pool;
      o << "static const nn::PoolS8Params " << id << "_p = {" << dims(p.input) << ", " << dims(p.output) << ", "
        << s(p.kernel_h) << ", " << s(p.kernel_w) << ", " << s(p.stride_h) << ", " << s(p.stride_w) << ", "
        << s(p.pad_h) << ", " << s(p.pad_w) << ", " << s(p.act_min) << ", " << s(p.act_max);
      break;
    }
    case kAdd: {
      const auto& p = c.add;
      o << "static const nn::AddS8Params " << id << "_p = {" << s(p.size) << ", " << s(p.input1_offset) << ", "
        << s(p.input2_offset) << ", " << s(p.left_shift) << ", " << s(p.input1_multiplier) << ", " << s(p.input1_shift)
        << ", " << s(p.input2_multiplier) << ", " << s(p.input2_shift) << ", " << s(p.output_multiplier) << ", "
        << s(p.output_shift) << ", " << s(p.output_offset) << ", " << s(p.act_min) << ", " << s(p.act_max);
      break;
    }
    case kSoftmax: {
      const auto& p = c.softmax;
      o << "static const nn::SoftmaxS8Params " << id << "_p = {" << s(p.rows) << ", " << s(p.depth) << ", "
        << s(p.input_multiplier) << ", " << s(p.input_left_shift) << ", " << s(p.diff_min);
      break;
    }
    case kQuantize: {
      const auto& p = c.quantize;
      o << "static const nn::QuantizeS8Params " << id << "_p = {" << s(p.size) << ", " << float_literal(p.scale) << ", "
        << s(p.zero_point);
      break;
    }
    case kQuantizeAffine: {
      const auto& p = c.quantize_affine;
      o << float_array(id + "_g", c.gain) << float_array(id + "_o", c.offset)
        << array("uint16_t", id + "_sel", c.select) << "static const nn::QuantizeAffineS8Params " << id << "_p = {"
        << s(p.size) << ", " << s(p.period) << ", " << id << "_g, " << id << "_o, " << s(p.zero_point) << ", "
        << (c.select.empty() ? "0" : id + "_sel");
      break;
    }
    case kMean: {
      const auto& p = c.mean;
      o << "static const nn::MeanS8Params " << id << "_p = {" << dims(p.input) << ", " << s(p.input_offset) << ", "
        << s(p.output_offset) << ", " << s(p.multiplier) << ", " << s(p.shift) << ", " << s(p.act_min) << ", "
        << s(p.act_max);
      break;
    }
    case kKernelCount:
      break;
  }
  o << "};\n";
  return o.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: mote_nn_vectors IN.json OUT.cpp\n";
    return 2;
  }
  try {
    std::ifstream in(argv[1]);
    if (!in) throw std::runtime_error(std::string(argv[1]) + ": cannot read (run tests/ref/nn_int8.py first)");
    const auto j = nlohmann::json::parse(in);
    std::ostringstream body, table;
    int n = 0;
    for (const auto& cj : j.at("cases")) {
      auto c = case_from_json(cj);
      std::vector<uint8_t> scratch(case_scratch_bytes(c->view));
      std::vector<int8_t> host;
      for (int path = 0; path < kernel_path_count(c->view.kernel); ++path) {
        std::vector<int8_t> out(c->expected.size());
        if (run_case(c->view, path, out.data(), scratch.data(), scratch.size()) != mote::MOTE_OK || out != c->expected)
          throw std::runtime_error(c->name + " (" + path_name(c->view.kernel, path) + "): host kernel disagrees with nn_int8.py");
        host = out;
      }
      const std::string id = "c" + std::to_string(n++);
      const char* slots[] = {"fc", "conv", "dw", "pool", "pool", "add", "softmax", "quantize", "quantize_affine", "mean"};
      static_assert(sizeof(slots) / sizeof(slots[0]) == kKernelCount, "a params slot per kernel");
      body << "// " << c->name << "\n"
           << params(*c, id) << array("int8_t", id + "_in", c->input) << array("int8_t", id + "_in2", c->input2)
           << array("int8_t", id + "_w", c->weights) << array("int32_t", id + "_ww", c->wide_weights)
           << array("int32_t", id + "_wt", c->wide_table) << array("int8_t", id + "_rows", c->rows)
           << array("int32_t", id + "_mt", c->mve_table) << array("int32_t", id + "_b", c->bias)
           << array("int32_t", id + "_m", c->multiplier) << array("int32_t", id + "_s", c->shift)
           << array("int8_t", id + "_out", host) << float_array(id + "_inf", c->input_f32);
      auto ptr = [&](const std::string& suffix, bool present) { return present ? id + suffix : std::string("0"); };
      const std::string which = slots[c->view.kernel];
      std::string entry = "    {\"" + c->name + "\", static_cast<Kernel>(" + std::to_string(c->view.kernel) + ")";
      for (const char* slot : {"fc", "conv", "dw", "pool", "add", "softmax", "quantize", "quantize_affine", "mean"})
        entry += ", " + (which == slot ? "&" + id + "_p" : std::string("0"));
      entry += ", " + ptr("_in", !c->input.empty()) + ", " + ptr("_inf", !c->input_f32.empty()) + ", " +
               ptr("_in2", !c->input2.empty()) + ", " +
               ptr("_w", !c->weights.empty()) + ", " + ptr("_ww", !c->wide_weights.empty()) + ", " +
               ptr("_wt", !c->wide_table.empty()) + ", " + ptr("_rows", !c->rows.empty()) + ", " +
               ptr("_mt", !c->mve_table.empty()) + ", " + ptr("_b", !c->bias.empty()) + ", " +
               ptr("_m", !c->multiplier.empty()) + ", " + ptr("_s", !c->shift.empty()) + ", " + id + "_out, " +
               std::to_string(host.size()) + "},\n";
      table << entry;
    }
    std::ofstream out(argv[2]);
    out << "// Generated by mote_nn_vectors from tests/ref/nn_int8.py: do not edit.\n"
        << "// Expected outputs are the host kernels' (every path agreed with the numpy reference).\n"
        << "#include \"nn/kernel_case.h\"\n\nnamespace mote {\nnamespace nntest {\n\n"
        << body.str() << "\nextern const KernelCase kKernelCases[] = {\n"
        << table.str() << "};\nextern const int kKernelCaseCount = " << n << ";\n\n}  // namespace nntest\n}  // namespace mote\n";
    if (!out) throw std::runtime_error(std::string(argv[2]) + ": cannot write");
    std::cout << "mote_nn_vectors: " << n << " cases -> " << argv[2] << "\n";
  } catch (const std::exception& e) {
    std::cerr << "mote_nn_vectors: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
