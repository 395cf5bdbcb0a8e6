// The float model as ONNX (opset 10, IR version 5), written with a small protobuf encoder of our own
// (onnx_proto.h; no protobuf dependency). The graph keeps mote's semantics at its boundary: the input is
// NHWC [1, h, w, c] ([1, n] when the model starts with a dense layer) and the output [1, n] (or NHWC);
// inside, convolutions and pools run NCHW between Transposes, and a dense layer after a convolution reads
// the HWC-flattened vector, as in the IR. Checked with onnx.checker and OpenCV's dnn (docs/interop.md).
#pragma once

#include <filesystem>
#include <string>

#include "ir/model.h"

namespace mote::compile {

// Serializes m (shapes inferred); the input is named "input", the output "output".
std::string write_onnx(const ir::Model& m, const std::string& graph_name = "mote");

// write_onnx into a file (written to a temporary sibling and renamed); throws mote::Error naming it.
void save_onnx(const ir::Model& m, const std::filesystem::path& out, const std::string& graph_name = "mote");

}  // namespace mote::compile
