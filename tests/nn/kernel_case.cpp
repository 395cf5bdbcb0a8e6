#include "nn/kernel_case.h"

namespace mote {
namespace nntest {

static const char* const kNames[] = {
#define MOTE_NN_KERNEL_NAME(name, text, paths) text,
    MOTE_NN_KERNELS(MOTE_NN_KERNEL_NAME)
#undef MOTE_NN_KERNEL_NAME
};
static const int kPaths[] = {
#define MOTE_NN_KERNEL_PATHS(name, text, paths) paths,
    MOTE_NN_KERNELS(MOTE_NN_KERNEL_PATHS)
#undef MOTE_NN_KERNEL_PATHS
};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == kKernelCount, "every kernel has a name");

const char* kernel_name(Kernel k) { return k >= 0 && k < kKernelCount ? kNames[k] : "?"; }
int kernel_path_count(Kernel k) { return k >= 0 && k < kKernelCount ? kPaths[k] : 0; }
const char* path_name(Kernel k, int path) {
  return path == 0 ? "ref" : path == 2 && (k == kConv2D || k == kDepthwiseConv2D || k == kMaxPool2D) ? "mve" : path == 2 ? "fast" : path == 3 ? "wide" : path == 4 || k == kAvgPool2D ? "mve" : k == kSoftmax ? "table" : "dsp";
}

// The table path's exp table, made once per parameter set as the code generator makes it once per model, so
// the firmware's instruction count is the kernel's alone.
static Status run_softmax_table(const KernelCase& c, int8_t* out) {
  static int32_t table[nn::kSoftmaxExpTableMax];
  static int32_t size = 0;
  static nn::SoftmaxS8Params made_for = {0, 0, 0, -1, 0};  // an invalid shift: nothing made yet
  const nn::SoftmaxS8Params& p = *c.softmax;
  if (p.input_multiplier != made_for.input_multiplier || p.input_left_shift != made_for.input_left_shift ||
      p.diff_min != made_for.diff_min) {
    made_for.input_left_shift = -1;
    MOTE_RETURN_IF_ERROR(nn::softmax_s8_exp_table(p, table, &size));
    made_for = p;
  }
  return nn::softmax_s8_table(p, table, size, c.input, out);
}

size_t case_scratch_bytes(const KernelCase& c) {
  return c.kernel == kConv2D && c.conv ? nn::conv2d_s8_scratch_bytes(*c.conv) : 0;
}

Status run_case(const KernelCase& c, int path, int8_t* out, void* scratch, size_t scratch_bytes) {
  const nn::PerChannelQuant q = {c.multiplier, c.shift};
  const bool dsp = path == 1;
  if (path < 0 || path >= kernel_path_count(c.kernel)) return MOTE_ERR_ARG;
  switch (c.kernel) {
    case kFullyConnected:
      if (!c.fc) return MOTE_ERR_ARG;
      if (path == 4)  // the Helium form (plain C off the M55), with the host's table
        return c.rows && c.mve_table
                   ? nn::fully_connected_s8_mve({c.input, c.rows, c.mve_table, out, c.fc->input_size, c.fc->output_size})
                   : nn::fully_connected_s8_dsp(*c.fc, q, c.input, c.weights, c.bias, out);
      if (path == 3)  // the form of cores without the DSP extension, with the host's words and table
        return c.wide_weights && c.wide_table
                   ? nn::fully_connected_s8_wide({c.input, c.wide_weights, c.wide_table, out, c.fc->input_size,
                                                  c.fc->output_size})
                   : nn::fully_connected_s8_dsp(*c.fc, q, c.input, c.weights, c.bias, out);
      if (path == 2) {  // what generated code calls for a layer that fits; the others run the general path
        int32_t table[4 * kMaxFastRows];
        return c.fc->output_size <= kMaxFastRows && nn::fully_connected_s8_fast_table(*c.fc, q, c.bias, table)
                   ? nn::fully_connected_s8_fast({c.input, c.weights, table, out, c.fc->input_size,
                                                  c.fc->output_size, c.fc->input_offset})
                   : nn::fully_connected_s8_dsp(*c.fc, q, c.input, c.weights, c.bias, out);
      }
      return dsp ? nn::fully_connected_s8_dsp(*c.fc, q, c.input, c.weights, c.bias, out)
                 : nn::fully_connected_s8_ref(*c.fc, q, c.input, c.weights, c.bias, out);
    case kConv2D:
      if (!c.conv) return MOTE_ERR_ARG;
      if (path == 2)  // the Helium form (plain C off the M55), with the host's rows and table
        return c.rows && c.mve_table
                   ? nn::conv2d_s8_mve(*c.conv, c.input, c.rows, c.mve_table, out, scratch, scratch_bytes)
                   : nn::conv2d_s8_dsp(*c.conv, q, c.input, c.weights, c.bias, out, scratch, scratch_bytes);
      return dsp ? nn::conv2d_s8_dsp(*c.conv, q, c.input, c.weights, c.bias, out, scratch, scratch_bytes)
                 : nn::conv2d_s8_ref(*c.conv, q, c.input, c.weights, c.bias, out, scratch, scratch_bytes);
    case kDepthwiseConv2D:
      if (!c.dw) return MOTE_ERR_ARG;
      if (path == 2) return nn::depthwise_conv2d_s8_mve(*c.dw, q, c.input, c.weights, c.bias, out);
      return dsp ? nn::depthwise_conv2d_s8_dsp(*c.dw, q, c.input, c.weights, c.bias, out)
                 : nn::depthwise_conv2d_s8_ref(*c.dw, q, c.input, c.weights, c.bias, out);
    case kMaxPool2D:
      if (!c.pool) return MOTE_ERR_ARG;
      if (path == 2) return nn::max_pool2d_s8_mve(*c.pool, c.input, out);
      return dsp ? nn::max_pool2d_s8_dsp(*c.pool, c.input, out) : nn::max_pool2d_s8_ref(*c.pool, c.input, out);
    case kAvgPool2D:
      if (!c.pool) return MOTE_ERR_ARG;
      return path == 1 ? nn::avg_pool2d_s8_mve(*c.pool, c.input, out) : nn::avg_pool2d_s8_ref(*c.pool, c.input, out);
    case kAdd:
      return c.add ? nn::add_s8(*c.add, c.input, c.input2, out) : MOTE_ERR_ARG;
    case kSoftmax:
      if (!c.softmax) return MOTE_ERR_ARG;
      return dsp ? run_softmax_table(c, out) : nn::softmax_s8(*c.softmax, c.input, out);
    case kQuantize:
      return c.quantize ? nn::quantize_s8(*c.quantize, c.input_f32, out) : MOTE_ERR_ARG;
    case kQuantizeAffine:
      return c.quantize_affine ? nn::quantize_affine_s8(*c.quantize_affine, c.input_f32, out) : MOTE_ERR_ARG;
    case kMean:
      if (!c.mean) return MOTE_ERR_ARG;
      return dsp ? nn::mean_s8_dsp(*c.mean, c.input, out) : nn::mean_s8_ref(*c.mean, c.input, out);
    case kKernelCount:
      break;
  }
  return MOTE_ERR_ARG;
}

}  // namespace nntest
}  // namespace mote
