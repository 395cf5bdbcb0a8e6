#include "nn/kernel_json.h"

#include <stdexcept>

namespace mote::nntest {
namespace {

nn::Dims dims(const nlohmann::json& a) { return {a.at(0).get<int32_t>(), a.at(1).get<int32_t>(), a.at(2).get<int32_t>()}; }

template <typename T>
std::vector<T> ints(const nlohmann::json& j, const char* key) {
  return j.contains(key) ? j[key].get<std::vector<T>>() : std::vector<T>{};
}

size_t conv2d_len(const nn::Conv2DS8Params& p) {
  return static_cast<size_t>(p.kernel_h) * static_cast<size_t>(p.kernel_w) * static_cast<size_t>(p.input.c);
}

Kernel kernel_of(const std::string& s) {
  for (int k = 0; k < kKernelCount; ++k)
    if (s == kernel_name(static_cast<Kernel>(k))) return static_cast<Kernel>(k);
  if (s == "max_pool2d" || s == "avg_pool2d") return s[0] == 'm' ? kMaxPool2D : kAvgPool2D;
  throw std::runtime_error("unknown kernel '" + s + "'");
}

}  // namespace

std::unique_ptr<OwnedCase> case_from_json(const nlohmann::json& j) {
  auto c = std::make_unique<OwnedCase>();
  c->name = j.at("name").get<std::string>();
  try {
    const auto& p = j.at("params");
    Kernel k = kernel_of(j.at("kernel").get<std::string>());
    c->input = ints<int8_t>(j, "input");
    c->input2 = ints<int8_t>(j, "input2");
    c->weights = ints<int8_t>(j, "weights");
    c->expected = ints<int8_t>(j, "expected");
    c->bias = ints<int32_t>(j, "bias");
    c->multiplier = ints<int32_t>(j, "multiplier");
    c->shift = ints<int32_t>(j, "shift");
    KernelCase& v = c->view;
    v.kernel = k;
    switch (k) {
      case kFullyConnected:
        c->fc = {p.at("input_size"), p.at("output_size"), p.at("input_offset"), p.at("output_offset"),
                 p.at("act_min"), p.at("act_max")};
        v.fc = &c->fc;
        // numpy writes [out][in] rows; the kernels read the packed order (row pairs as int16).
        if (c->weights.size() != static_cast<size_t>(c->fc.input_size) * static_cast<size_t>(c->fc.output_size))
          throw std::runtime_error("weights: expected input_size * output_size values");
        {
          c->wide_weights.resize(nn::fully_connected_s8_wide_weight_words(c->fc.input_size, c->fc.output_size));
          if (!nn::fully_connected_s8_wide_pack_weights(c->fc.input_size, c->fc.output_size, c->weights.data(),
                                                        c->wide_weights.data()))
            throw std::runtime_error("weights: -128 is outside symmetric int8");
          c->wide_table.resize(nn::fully_connected_s8_wide_table_words(c->fc));
          if (!nn::fully_connected_s8_wide_table(c->fc, {c->multiplier.data(), c->shift.data()},
                                                 c->bias.empty() ? nullptr : c->bias.data(), c->wide_weights.data(),
                                                 c->wide_table.data()))
            c->wide_table.clear();
          if (c->wide_table.empty()) c->wide_weights.clear();
          c->rows = c->weights;
          c->mve_table.resize(nn::fully_connected_s8_mve_table_words(c->fc));
          if (!nn::fully_connected_s8_mve_table(c->fc, {c->multiplier.data(), c->shift.data()},
                                                c->bias.empty() ? nullptr : c->bias.data(), c->rows.data(),
                                                c->mve_table.data())) {
            c->mve_table.clear();
            c->rows.clear();
          }
        }
        {
          std::vector<int8_t> packed(c->weights.size());
          if (!nn::fully_connected_s8_pack_weights(c->fc.input_size, c->fc.output_size, c->weights.data(),
                                                   packed.data()))
            throw std::runtime_error("weights: -128 is outside symmetric int8");
          c->weights.swap(packed);
        }
        break;
      case kConv2D:
        c->conv = {dims(p.at("input")), dims(p.at("output")), p.at("kernel_h"), p.at("kernel_w"), p.at("stride_h"),
                   p.at("stride_w"), p.at("pad_h"), p.at("pad_w"), p.at("input_offset"), p.at("output_offset"),
                   p.at("act_min"), p.at("act_max")};
        v.conv = &c->conv;
        // numpy writes OHWI; the kernels read conv2d_s8_pack_weights's order.
        if (c->weights.size() != conv2d_len(c->conv) * static_cast<size_t>(c->conv.output.c))
          throw std::runtime_error("weights: expected out.c * kernel_h * kernel_w * in.c values");
        c->rows = c->weights;
        c->mve_table.resize(nn::conv2d_s8_mve_table_words(c->conv));
        if (!nn::conv2d_s8_mve_table(c->conv, {c->multiplier.data(), c->shift.data()},
                                     c->bias.empty() ? nullptr : c->bias.data(), c->rows.data(), c->mve_table.data())) {
          c->mve_table.clear();
          c->rows.clear();
        }
        {
          std::vector<int8_t> packed(nn::conv2d_s8_packed_bytes(c->conv));
          if (!nn::conv2d_s8_pack_weights(c->conv, c->weights.data(), packed.data()))
            throw std::runtime_error("weights: -128 is outside symmetric int8");
          c->weights.swap(packed);
        }
        break;
      case kDepthwiseConv2D:
        c->dw = {dims(p.at("input")), dims(p.at("output")), p.at("kernel_h"), p.at("kernel_w"), p.at("stride_h"),
                 p.at("stride_w"), p.at("pad_h"), p.at("pad_w"), p.at("depth_multiplier"), p.at("input_offset"),
                 p.at("output_offset"), p.at("act_min"), p.at("act_max")};
        v.dw = &c->dw;
        break;
      case kMaxPool2D:
      case kAvgPool2D:
        c->pool = {dims(p.at("input")), dims(p.at("output")), p.at("kernel_h"), p.at("kernel_w"), p.at("stride_h"),
                   p.at("stride_w"), p.at("pad_h"), p.at("pad_w"), p.at("act_min"), p.at("act_max")};
        v.pool = &c->pool;
        break;
      case kAdd:
        c->add = {p.at("size"), p.at("input1_offset"), p.at("input2_offset"), p.at("left_shift"),
                  p.at("input1_multiplier"), p.at("input1_shift"), p.at("input2_multiplier"), p.at("input2_shift"),
                  p.at("output_multiplier"), p.at("output_shift"), p.at("output_offset"), p.at("act_min"),
                  p.at("act_max")};
        v.add = &c->add;
        break;
      case kSoftmax:
        c->softmax = {p.at("rows"), p.at("depth"), p.at("input_multiplier"), p.at("input_left_shift"), p.at("diff_min")};
        v.softmax = &c->softmax;
        break;
      case kQuantize:
        c->quantize = {p.at("size"), p.at("scale").get<float>(), p.at("zero_point")};
        c->input_f32 = j.at("input_f32").get<std::vector<float>>();
        v.quantize = &c->quantize;
        break;
      case kQuantizeAffine:
        c->gain = p.at("gain").get<std::vector<float>>();
        c->offset = p.at("offset").get<std::vector<float>>();
        c->select = p.at("select").get<std::vector<uint16_t>>();
        c->quantize_affine = {p.at("size"), p.at("period"), c->gain.data(), c->offset.data(), p.at("zero_point"),
                              c->select.empty() ? nullptr : c->select.data()};
        c->input_f32 = j.at("input_f32").get<std::vector<float>>();
        v.quantize_affine = &c->quantize_affine;
        break;
      case kMean:
        c->mean = {dims(p.at("input")), p.at("input_offset"), p.at("output_offset"), p.at("multiplier"), p.at("shift"),
                   p.at("act_min"), p.at("act_max")};
        v.mean = &c->mean;
        break;
      case kKernelCount:
        break;
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("kernel case '" + c->name + "': " + e.what());
  }
  KernelCase& v = c->view;
  v.name = c->name.c_str();
  auto ptr8 = [](const std::vector<int8_t>& a) { return a.empty() ? nullptr : a.data(); };
  auto ptr32 = [](const std::vector<int32_t>& a) { return a.empty() ? nullptr : a.data(); };
  v.input = ptr8(c->input);
  v.input2 = ptr8(c->input2);
  v.input_f32 = c->input_f32.empty() ? nullptr : c->input_f32.data();
  v.weights = ptr8(c->weights);
  v.wide_weights = ptr32(c->wide_weights);
  v.wide_table = ptr32(c->wide_table);
  v.rows = ptr8(c->rows);
  v.mve_table = ptr32(c->mve_table);
  v.expected = ptr8(c->expected);
  v.bias = ptr32(c->bias);
  v.multiplier = ptr32(c->multiplier);
  v.shift = ptr32(c->shift);
  v.output_size = static_cast<int32_t>(c->expected.size());
  return c;
}

}  // namespace mote::nntest
