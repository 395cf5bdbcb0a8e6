// Host side: a kernel case from tests/ref/nn_int8.py's JSON, owning its arrays (KernelCase points into them).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nn/kernel_case.h"

namespace mote::nntest {

struct OwnedCase {
  std::string name;
  nn::FullyConnectedS8Params fc{};
  nn::Conv2DS8Params conv{};
  nn::DepthwiseConv2DS8Params dw{};
  nn::PoolS8Params pool{};
  nn::AddS8Params add{};
  nn::SoftmaxS8Params softmax{};
  nn::QuantizeS8Params quantize{};
  nn::QuantizeAffineS8Params quantize_affine{};
  nn::MeanS8Params mean{};
  std::vector<float> gain, offset;  // quantize_affine's arrays
  std::vector<uint16_t> select;
  std::vector<float> input_f32;
  std::vector<int8_t> input, input2, weights, expected;
  std::vector<int32_t> bias, multiplier, shift;
  std::vector<int32_t> wide_weights, wide_table;  // fully connected: empty when the layer does not fit the wide form
  std::vector<int8_t> rows;                       // fully connected [out][in], conv2d OHWI: the Helium form's rows and table
  std::vector<int32_t> mve_table;                 // (empty when the layer does not fit it)
  KernelCase view{};  // points into this object: keep it where it is (held by unique_ptr)
};

// Throws std::runtime_error naming the case and field when the JSON is not a known kernel case.
std::unique_ptr<OwnedCase> case_from_json(const nlohmann::json& j);

}  // namespace mote::nntest
