// One kernel test case as plain data, and the one list of every kernel path: the host test (kernels_test)
// and the Cortex-M4 firmware (targets/cortex-m4) run the very same dispatch. C++11, no heap.
#ifndef MOTE_TESTS_NN_KERNEL_CASE_H
#define MOTE_TESTS_NN_KERNEL_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "nn/add_s8.h"
#include "nn/avg_pool2d_s8.h"
#include "nn/avg_pool2d_s8_mve.h"
#include "nn/conv2d_s8.h"
#include "nn/conv2d_s8_mve.h"
#include "nn/depthwise_conv2d_s8.h"
#include "nn/depthwise_conv2d_s8_mve.h"
#include "nn/fully_connected_s8.h"
#include "nn/fully_connected_s8_mve.h"
#include "nn/fully_connected_s8_wide.h"
#include "nn/max_pool2d_s8.h"
#include "nn/max_pool2d_s8_mve.h"
#include "nn/mean_s8.h"
#include "nn/quantize_affine_s8.h"
#include "nn/quantize_s8.h"
#include "nn/softmax_s8.h"

namespace mote {
namespace nntest {

#define MOTE_NN_KERNELS(X)                  \
  X(FullyConnected, "fully_connected", 5)   \
  X(Conv2D, "conv2d", 3)                    \
  X(DepthwiseConv2D, "depthwise_conv2d", 3) \
  X(MaxPool2D, "max_pool2d", 3)             \
  X(AvgPool2D, "avg_pool2d", 2)             \
  X(Add, "add", 1)                          \
  X(Softmax, "softmax", 2)                  \
  X(Quantize, "quantize", 1)               \
  X(QuantizeAffine, "quantize_affine", 1) \
  X(Mean, "mean", 2)

enum Kernel {
#define MOTE_NN_KERNEL_ENUM(name, text, paths) k##name,
  MOTE_NN_KERNELS(MOTE_NN_KERNEL_ENUM)
#undef MOTE_NN_KERNEL_ENUM
  kKernelCount
};

// Exactly one params pointer is set, the one of `kernel`.
struct KernelCase {
  const char* name;
  Kernel kernel;
  const nn::FullyConnectedS8Params* fc;
  const nn::Conv2DS8Params* conv;
  const nn::DepthwiseConv2DS8Params* dw;
  const nn::PoolS8Params* pool;
  const nn::AddS8Params* add;
  const nn::SoftmaxS8Params* softmax;
  const nn::QuantizeS8Params* quantize;
  const nn::QuantizeAffineS8Params* quantize_affine;  // points at its own gain, offset and select arrays
  const nn::MeanS8Params* mean;
  const int8_t* input;
  const float* input_f32;  // quantize and quantize_affine only
  const int8_t* input2;  // add only
  const int8_t* weights;
  const int32_t* wide_weights;  // fully connected: fully_connected_s8_wide's words and table, made by the host
  const int32_t* wide_table;    // (null when the layer does not fit that form)
  const int8_t* rows;           // fully connected: the weights as [out][in] rows and fully_connected_s8_mve's table;
  const int32_t* mve_table;     // conv2d: OHWI rows and conv2d_s8_mve's table (null when the layer does not fit)
  const int32_t* bias;
  const int32_t* multiplier;
  const int32_t* shift;
  const int8_t* expected;
  int32_t output_size;
};

// The widest dense layer the "fast" path takes in the harness (its table is on the stack).
constexpr int32_t kMaxFastRows = 64;

const char* kernel_name(Kernel k);
// Kernels with a DSP-extension path have two paths: 0 = "ref", 1 = "dsp"; softmax: 0 = "ref" (exp computed),
// 1 = "table" (exp looked up, the path generated code runs); fully connected a third, 2 = "fast"
// (fully_connected_s8_fast where the layer fits, else the dsp path) and a fourth, 3 = "wide"
// (fully_connected_s8_wide where the layer fits, else the dsp path) and a fifth, 4 = "mve" (fully_connected_s8_mve,
// Helium on the M55 and plain C elsewhere, where the layer fits, else the dsp path); conv2d, depthwise_conv2d and
// max_pool2d a third, 2 = "mve" (conv2d_s8_mve, depthwise_conv2d_s8_mve, max_pool2d_s8_mve, likewise); avg_pool2d
// two: 0 = "ref", 1 = "mve" (avg_pool2d_s8_mve, likewise); the others one: 0 = "ref".
int kernel_path_count(Kernel k);
const char* path_name(Kernel k, int path);
// Scratch the case needs on any path.
size_t case_scratch_bytes(const KernelCase& c);
// Runs one path of the case into out (output_size bytes).
Status run_case(const KernelCase& c, int path, int8_t* out, void* scratch, size_t scratch_bytes);

}  // namespace nntest
}  // namespace mote

#endif  // MOTE_TESTS_NN_KERNEL_CASE_H
