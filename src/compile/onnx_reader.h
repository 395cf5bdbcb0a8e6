// A float32 ONNX model (opsets 7 to 18, parsed with Debian's libonnx_proto) read into mote's float IR, for
// mote's post-training quantization (quant::quantize) and from there the code generator. ONNX is NCHW and
// mote is HWC: the reader tracks, for every ONNX tensor, the IR tensor holding it and whether its ONNX element
// order is the IR's HWC order or C-major (NCHW); convolution and pooling read NCHW tensors as HWC ones, and a
// Gemm/MatMul after a Flatten of an NCHW tensor gets its weight columns permuted from CHW to HWC order, so the
// imported model computes the same function. Supported: Conv (group 1 or depthwise), Gemm, MatMul (+ a
// constant Add folded into its bias), Relu and Clip(0, 6) fused into the op before them, MaxPool,
// AveragePool, GlobalAveragePool, GlobalMaxPool, Add, Flatten, Reshape, Squeeze, Unsqueeze, Transpose
// (NHWC <-> NCHW only), Softmax, Identity, Dropout, Constant (docs/models.md, "ONNX").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "ir/model.h"

namespace mote::compile {

// Parses and checks `bytes`; `name` (the file) prefixes every error. Returns the model with shapes inferred
// (input HWC: an NCHW [1, C, H, W] input becomes {H, W, C}, [1, C, W] {1, W, C}, [1, N] {1, 1, N}; an
// NHWC input read only through Transpose(0, 3, 1, 2), as mote's own ONNX writer makes, stays {H, W, C}).
// Throws mote::Error with one line naming the node (index and op_type) or the graph's input/output, and
// what mote supports; never reads past the buffer.
ir::Model read_onnx(const uint8_t* bytes, size_t size, const std::string& name);
ir::Model load_onnx(const std::filesystem::path& file);

}  // namespace mote::compile
