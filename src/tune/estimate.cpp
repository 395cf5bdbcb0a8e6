#include "tune/estimate.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "anomaly/kmeans.h"
#include "compile/codegen.h"
#include "core/error.h"
#include "deploy/targets.h"
#include "learn/trees/codegen.h"
#include "nn/add_s8.h"
#include "nn/conv2d_s8.h"
#include "nn/depthwise_conv2d_s8.h"
#include "nn/fully_connected_s8.h"
#include "nn/max_pool2d_s8.h"
#include "nn/mean_s8.h"
#include "nn/simd.h"
#include "nn/softmax_s8.h"
#include "quant/quantize.h"

namespace mote::tune {

namespace {

// The cost tables, one per calibrated target: a .def holds one MOTE_COST_NOTE (first) and MOTE_COST(term, constant)
// lines (bench/estimator/calibrate.py --target T writes src/tune/cost_<T>.def). One entry per target below.
struct Table {
  const char* target;
  const char* note;
  std::map<std::string, double> costs;
};

const std::vector<Table>& tables() {
#define MOTE_COST_NOTE(text) text, {
#define MOTE_COST(term, value) {#term, value},
  static const std::vector<Table> t = {
      {"cortex-m4",  // first: the stand-in for targets without a table
#include "tune/cost_cortex_m4.def"
       }},
      {"cortex-m0",
#include "tune/cost_cortex_m0.def"
       }},
      {"cortex-m7",
#include "tune/cost_cortex_m7.def"
       }},
      {"cortex-m33",
#include "tune/cost_cortex_m33.def"
       }},
      {"riscv32",
#include "tune/cost_riscv32.def"
       }},
  };
#undef MOTE_COST
#undef MOTE_COST_NOTE
  return t;
}

const Table* find_table(const std::string& target) {
  for (const auto& t : tables())
    if (target == t.target) return &t;
  return nullptr;
}

double log2i(double n) { return n > 1 ? std::log2(n) : 0.0; }

// Valid taps of a window along one dimension, summed over the outputs (padding skipped).
uint64_t valid_taps(int in, int out, int kernel, int stride, int pad) {
  uint64_t n = 0;
  for (int o = 0; o < out; ++o) {
    const int start = o * stride - pad;
    for (int k = 0; k < kernel; ++k) n += (start + k >= 0 && start + k < in);
  }
  return n;
}

bool full_range(const ir::QLayer& l) { return l.act_min == -128 && l.act_max == 127; }

// Device sizes of the kernels' parameter structs (all int32 but the fast dense layer's four pointers).
constexpr size_t kFastLayerBytes = 4 * 4 + 3 * 4, kPerChannelQuantBytes = 8;

}  // namespace

const std::map<std::string, double>& cost_table(const std::string& target) {
  const Table* t = find_table(target);
  return t ? t->costs : tables().front().costs;
}
bool has_cost_table(const std::string& target) { return find_table(target) != nullptr; }
std::string cost_table_note(const std::string& target) {
  const Table* t = find_table(target);
  return t ? t->note : std::string("no table of its own: cortex-m4's constants");
}

DenseForm dense_form(const std::string& target) {
  for (const auto& t : deploy::targets()) {
    if (target != t.name) continue;
    const std::string cpu = t.cpu_flags;
    if (cpu.find("cortex-m55") != std::string::npos || cpu.find("cortex-m85") != std::string::npos) return DenseForm::Mve;
    return t.dsp ? DenseForm::Dsp : DenseForm::Wide;  // runtime/nn/fully_connected_s8_wide.h: no DSP extension
  }
  return DenseForm::Dsp;
}

CostTerms model_terms(const ir::QModel& q, const std::string& target) {
  CostTerms t;
  auto& ins = t.nn;
  auto& code = t.flash;
  const compile::GeneratedModel g = compile::generate_cpp(q, "mote_model");
  const DenseForm form = dense_form(target);
  bool riscv = false;
  for (const auto& d : deploy::targets())
    if (target == d.name) riscv = std::string(d.arch) == "riscv";
  t.exact_ram = g.arena_bytes;
  // The per-channel input map (kInputGain/kInputOffset) is read by the impulse's input quantization, not by
  // invoke(): a model alone drops it (impulse_terms adds it back). Constants as the target's code stores them.
  t.exact_flash = (form == DenseForm::Wide  ? g.wide_const_bytes
                   : form == DenseForm::Mve ? g.mve_const_bytes
                                            : g.const_bytes) -
                  8 * q.input_gain.size();
  const size_t n = q.layers.size();
  std::vector<int> readers(n + 1, 0);
  for (size_t i = 0; i < n; ++i)
    for (int r : ir::layer_inputs(q.layers[i], i)) ++readers[r];
  ins["invoke_call"] = 1;
  code["code_invoke"] = 1;
  auto kernel = [&](const std::string& k) {
    code["code_" + k] = 1;
    t.stack["stack_" + k] = 1;
  };
  for (size_t i = 0; i < n; ++i) {
    const auto& l = q.layers[i];
    const double in = static_cast<double>(l.in.size()), out = static_cast<double>(l.out.size());
    const double pixels = static_cast<double>(l.out.h) * l.out.w;
    if (!l.weights.empty()) t.exact_flash += (4 - l.weights.size() % 4) % 4;  // alignas(4) weight arrays
    bool call = true;
    switch (l.op) {
      case ir::Op::FullyConnected: {
        if (form != DenseForm::Dsp) {
          std::vector<int32_t> words, table;
          const bool wide = compile::dense_wide_form(l, &words, &table);  // the layers codegen gives the other forms
          const bool mve = wide && form == DenseForm::Mve && !compile::dense_mve_table(l).empty();
          if (wide && (form == DenseForm::Wide || mve)) {
            // The layer struct (4 pointers, 2 int32); int32 words (wide) need no alignment padding, the rows' is
            // counted below like the DSP form's.
            t.exact_flash += 6 * 4;
            if (form == DenseForm::Wide) t.exact_flash -= (4 - l.weights.size() % 4) % 4;
            if (form == DenseForm::Wide) {
              // fully_connected_s8_wide: rows by groups of 4 (8 on RISC-V), then a pair, then a single row as a pair
              // with a zero partner; an odd input last. (apply_costs stands fc_fast_* in for a table without these.)
              kernel("fc_wide");
              const int rows = static_cast<int>(l.out.size());
              double g8 = 0, g4 = 0, g2 = 0;
              for (int o = 0; o < rows;) {
                const int left = rows - o, grp = left >= 4 ? 4 : (left >= 2 ? 2 : 1);
                if (riscv && grp == 4 && left >= 8) {
                  ++g8, o += 8;
                } else {
                  ++(grp == 4 ? g4 : g2), o += grp;
                }
              }
              ins["fc_wide_call"] += 1;
              ins["fc_wide_mac8"] += in * 8 * g8;
              ins["fc_wide_mac4"] += in * 4 * g4;
              ins["fc_wide_mac2"] += in * 2 * g2;
              ins["fc_wide_group"] += g8 + g4 + g2;
              ins["fc_wide_odd"] += static_cast<double>(l.in.size() % 2) * (8 * g8 + 4 * g4 + 2 * g2);
              ins["fc_wide_row"] += out;
            } else {  // fully_connected_s8_mve: 4 rows per pass, 16 MACs per vector, a tail-predicated last one
              kernel("fc_mve");
              ins["fc_mve_call"] += 1;
              ins["fc_mve_mac"] += in * out;
              ins["fc_mve_vec"] += std::ceil(in / 16) * out;
              ins["fc_mve_group"] += std::ceil(out / 4);
              ins["fc_mve_row"] += out;
            }
            break;
          }
        }
        const bool shared = !compile::dense_fast_shared_table(l).empty();
        const bool fast = shared || !compile::dense_fast_table(l).empty();
        const double odd = static_cast<double>(l.out.size() % 2), even = out - odd;
        if (fast) {
          kernel(shared ? "fc_shared" : "fc_fast");
          ins["fc_fast_call"] += 1;
          ins["fc_fast_mac"] += in * even;
          ins["fc_fast_row"] += even;
          ins["fc_fast_odd_mac"] += odd * in;
          ins["fc_fast_tail"] += static_cast<double>(l.in.size() % 4) * out;
          t.exact_flash += kFastLayerBytes;
        } else {
          // fully_connected_s8: rows by groups of 4, then a pair, then a plain single row; inputs in chunks.
          kernel("fc");
          const int rows = l.out.c * l.out.h * l.out.w, g4 = rows / 4 * 4, g2 = (rows - g4) / 2 * 2, g1 = rows - g4 - g2;
          const double chunks = std::ceil(in / (4.0 * nn::simd::kPairChunkBlocks));
          ins["fc_call"] += 1;
          ins["fc_mac4"] += in * g4;
          ins["fc_mac2"] += in * g2;
          ins["fc_mac1"] += in * g1;
          ins["fc_chunk"] += chunks * (g4 / 4 + g2 / 2);
          ins["fc_row"] += out;
          ins["fc_tail"] += static_cast<double>(l.in.size() % 4) * out;
          t.exact_flash += sizeof(nn::FullyConnectedS8Params) + kPerChannelQuantBytes;
        }
        break;
      }
      case ir::Op::Conv2D: {
        kernel("conv");
        const double k = static_cast<double>(l.kernel_h) * l.kernel_w * l.in.c, k4 = std::ceil(k / 4) * 4;
        const double pairs = std::ceil(pixels / 2);
        ins["conv_call"] += 1;
        ins["conv_mac"] += 2 * pairs * l.out.c * k4;
        ins["conv_col"] += pixels * k;
        ins["conv_out"] += pixels * l.out.c;
        ins["conv_pixel"] += pixels;
        // Pixels whose taps are not one run of the input are copied into a column first (conv2d_s8's column()):
        // per kernel row a memset/memcpy/memset, per tap a byte.
        double copied = 0;
        for (int oy = 0; oy < l.out.h; ++oy)
          for (int ox = 0; ox < l.out.w; ++ox) {
            const int y0 = oy * l.stride_h - l.pad_h, x0 = ox * l.stride_w - l.pad_w;
            const bool inside = y0 >= 0 && x0 >= 0 && y0 + l.kernel_h <= l.in.h && x0 + l.kernel_w <= l.in.w;
            copied += !(inside && (l.kernel_h == 1 || l.kernel_w == l.in.w));
          }
        ins["conv_copy_row"] += copied * l.kernel_h;
        ins["conv_copy_tap"] += copied * k;
        ins["conv_chan"] += l.out.c;
        t.exact_flash += sizeof(nn::Conv2DS8Params) + kPerChannelQuantBytes;
        break;
      }
      case ir::Op::DepthwiseConv2D: {
        kernel("dw");
        const double taps = static_cast<double>(valid_taps(l.in.h, l.out.h, l.kernel_h, l.stride_h, l.pad_h)) *
                            static_cast<double>(valid_taps(l.in.w, l.out.w, l.kernel_w, l.stride_w, l.pad_w));
        const int c4 = l.depth_multiplier == 1 ? (l.in.c & ~3) : 0;
        ins["dw_call"] += 1;
        ins["dw_mac4"] += taps * (c4 / 4);
        ins["dw_group"] += pixels * (c4 / 4);
        ins["dw_tail_mac"] += taps * (l.out.c - c4 * l.depth_multiplier);
        ins["dw_tail_out"] += pixels * (l.out.c - c4 * l.depth_multiplier);
        ins["dw_pixel"] += pixels;
        t.exact_flash += sizeof(nn::DepthwiseConv2DS8Params) + kPerChannelQuantBytes;
        break;
      }
      case ir::Op::MaxPool2D:
      case ir::Op::AvgPool2D: {
        const std::string k = l.op == ir::Op::MaxPool2D ? "maxpool" : "avgpool";
        kernel(k);
        const double taps = static_cast<double>(valid_taps(l.in.h, l.out.h, l.kernel_h, l.stride_h, l.pad_h)) *
                            static_cast<double>(valid_taps(l.in.w, l.out.w, l.kernel_w, l.stride_w, l.pad_w));
        ins[k + "_call"] += 1;
        ins[k + "_tap"] += taps * l.out.c;
        ins[k + "_out"] += out;
        ins[k + "_pixel"] += pixels;
        t.exact_flash += sizeof(nn::PoolS8Params);
        break;
      }
      case ir::Op::Reshape: {
        const int src = ir::layer_inputs(l, i)[0];
        if (readers[src] == 1 && full_range(l)) {
          call = false;  // a view: no code
        } else {
          ins["copy_elem"] += out;
          code["code_copy"] += 1;
          call = false;
        }
        break;
      }
      case ir::Op::Softmax:
        kernel("softmax");
        ins["softmax_call"] += 1;
        ins["softmax_elem"] += in;
        t.exact_flash += sizeof(nn::SoftmaxS8Params);
        break;
      case ir::Op::Add:
        kernel("add");
        ins["add_call"] += 1;
        ins["add_elem"] += out;
        t.exact_flash += sizeof(nn::AddS8Params);
        break;
      case ir::Op::Mean:
        kernel("mean");
        ins["mean_call"] += 1;
        ins["mean_tap"] += in;
        ins["mean_out"] += out;
        t.exact_flash += sizeof(nn::MeanS8Params);
        break;
    }
    if (call) code["code_call"] += 1;
  }
  return t;
}

CostTerms impulse_terms(const Impulse& impulse, const ir::QModel* nn, size_t anomaly_clusters, size_t anomaly_features,
                        const std::string& target, const TreeWork* trees) {
  CostTerms t;
  if (trees && !nn) {
    // run_impulse maps the features to int8 codes (one gain and offset each), runs the trees, dequantizes.
    const TreeWork& w = *trees;
    const std::string form = w.tables ? "tree_tables_" : "tree_if_else_";
    const double n = static_cast<double>(w.trees), k = static_cast<double>(w.outputs);
    t.nn["quantize_affine_elem"] += static_cast<double>(w.width);
    t.nn["dequantize_elem"] += k;
    t.nn["nn_stage"] += 1;
    t.nn[form + "call"] += 1;
    t.nn[form + "cmp"] += w.comparisons;
    t.nn[form + w.variant + "_tree"] += n;
    if (w.variant == "proba") t.nn["tree_proba_share"] += n * k;  // every tree adds each class's share
    t.nn["tree_output"] += k;
    t.flash["code_quantize_affine"] = 1;
    t.flash["code_nn_glue"] = 1;
    t.flash["code_" + form + w.variant] = 1;  // the kernel variant linked, or invoke()'s own code
    if (!w.tables) {  // nested ifs: code per decision node and per tree function (its call and accumulation)
      t.flash[form + w.variant + "_node_code"] += static_cast<double>(w.decision_nodes);
      t.flash[form + w.variant + "_tree_code"] += n;
      if (w.variant == "sum") t.flash[form + "sum_output_code"] += k;  // each output's sum, unrolled
    }
    t.exact_flash += w.const_bytes;
    t.exact_flash += 8 * w.outputs;  // label name pointers and their strings, as a network's
    t.exact_ram += w.ram_bytes;
    t.stack[w.tables ? "stack_tree_tables" : "stack_tree_if_else"] = 1;  // measured under run_impulse, as stack_dsp_*
  }
  if (nn) {
    t = model_terms(*nn, target);
    // run_impulse quantizes the features into the model's input, then dequantizes every output.
    const double inputs = static_cast<double>(nn->input_shape.size());
    t.nn[nn->input_gain.empty() ? "quantize_elem" : "quantize_affine_elem"] += inputs;
    t.nn["dequantize_elem"] += static_cast<double>(nn->output_shape().size());
    t.nn["nn_stage"] += 1;
    t.flash[nn->input_gain.empty() ? "code_quantize" : "code_quantize_affine"] = 1;
    t.flash["code_nn_glue"] = 1;
    t.exact_flash += 8 * nn->output_shape().size();  // label name pointers and their strings (about 4 chars)
    t.exact_flash += 8 * nn->input_gain.size();        // the per-channel input map
  }
  const auto& in = impulse.spec().input;
  const double frames = static_cast<double>(in.window_frames()), axes = static_cast<double>(impulse.axes());
  size_t scratch = 0;
  const bool stream = impulse.streams_window();  // the glue reads frame by frame: no window buffer
  for (size_t b = 0; b < impulse.blocks().size(); ++b) {
    const DspBlock& blk = *impulse.blocks()[b];
    const std::string type = impulse.spec().dsp[b].type;
    const nlohmann::json p = blk.params();
    const double ax = static_cast<double>(impulse.block_axes(b).size());
    const double outs = static_cast<double>(blk.output_size());
    const bool gather = impulse.block_axes(b).size() != impulse.axes();
    scratch = std::max(scratch, (gather ? in.window_frames() * impulse.block_axes(b).size() * 4 : 0) +
                                    ((stream ? blk.stream_scratch_bytes() : blk.scratch_bytes()) + 7) / 8 * 8);
    if (gather) t.dsp["dsp_gather"] += frames * ax;
    t.exact_flash += blk.flash_bytes();
    t.dsp["dsp_block"] += 1;
    t.flash["code_dsp_block"] += 1;
    t.flash["code_" + type] = 1;
    t.stack["stack_dsp_" + type] = 1;  // stack_dsp_*: measured under run_impulse itself
    if (type == "spectral") {
      const double n = p.value("fft_length", 64.0), half = n / 2;
      const double segs = frames >= n ? std::floor((frames - n) / half) + 1 : 1;
      const std::string filter = p.value("filter_type", std::string("none"));
      const double sections = filter == "none" ? 0 : std::ceil(p.value("filter_order", 0.0) / 2);
      const double bands = p.value("spectral_bands", 0.0), peaks = p.value("peaks", 0.0);
      const double powers = bands > 0 ? bands : half + 1;
      t.dsp["spectral_call"] += 1;
      t.dsp["spectral_axis"] += ax;
      t.dsp["spectral_sample"] += frames * ax;
      t.dsp["spectral_filter"] += frames * ax * sections;
      t.dsp["spectral_fft"] += ax * segs * n * log2i(n);
      t.dsp["spectral_seg"] += ax * segs * n;
      // Segments after the first are summed into the first one's density (half + 1 bins each): a window of one
      // segment (UCI HAPT's 150 frames under FFT 128) has none of it; bands average bins (a division each).
      t.dsp["spectral_accumulate"] += ax * (segs - 1) * (half + 1);
      t.dsp["spectral_band"] += ax * bands;
      t.dsp["spectral_bin"] += ax * (half + 1);
      t.dsp["spectral_log"] += p.value("take_log", false) ? ax * powers : 0;
      t.dsp["spectral_peak"] += ax * peaks * (half + 1);
      t.dsp["spectral_out"] += outs;
    } else if (type == "mfcc" || type == "mfe" || type == "spectrogram") {
      const double n = p.value("fft_length", 256.0);
      const double nframes = static_cast<double>(blk.output_shape()[0]);
      const double frame = std::round(p.value("frame_length_s", 0.02) * in.frequency_hz);
      t.dsp[type + "_call"] += 1;
      t.dsp["audio_signal"] += frames;
      t.dsp["audio_frame"] += nframes * frame;
      t.dsp["audio_fft"] += nframes * n * log2i(n);
      t.dsp["audio_bin"] += nframes * (n / 2 + 1);
      if (type != "spectrogram") {
        const double filters = p.value("num_filters", 32.0);
        t.dsp["mel_filter"] += nframes * filters;
        if (type == "mfcc") t.dsp["mfcc_dct"] += nframes * filters * p.value("num_cepstral", 13.0);
      }
      t.dsp[type + "_out"] += outs;
    } else if (type == "flatten") {
      const double stats = static_cast<double>(p.value("stats", nlohmann::json::array()).size());
      t.dsp["flatten_call"] += 1;
      t.dsp["flatten_sample"] += frames * ax;
      t.dsp["flatten_stat_sample"] += frames * ax * stats;
      t.dsp["flatten_out"] += outs;
    } else if (type == "raw") {
      t.dsp["raw_call"] += 1;
      t.dsp["raw_out"] += outs;
    } else {  // image, and any block without formulas of its own: per output value
      t.dsp[type + "_call"] += 1;
      t.dsp[type + "_out"] += outs;
    }
  }
  if (scratch == 0) scratch = 8;
  t.dsp["dsp_stage"] += 1;
  // Static buffers of the glue: the largest block's scratch, one window (none when streaming), the features.
  t.exact_ram += scratch + (stream ? 0 : static_cast<uint64_t>(frames * axes) * 4) + impulse.width() * 4;
  t.flash["code_impulse"] = 1;
  if (anomaly_clusters > 0) {
    const double k = static_cast<double>(anomaly_clusters), f = static_cast<double>(anomaly_features);
    const double chunks = std::ceil(k / anomaly::kKmeansChunk);
    t.anomaly["kmeans_call"] += 1;
    t.anomaly["kmeans_feature"] += f * chunks;
    t.anomaly["kmeans_mac"] += f * k;
    t.anomaly["kmeans_cluster"] += k;
    t.flash["code_kmeans"] = 1;
    t.stack["stack_dsp_kmeans"] = 1;
    // int8 centres, mean and gain per feature, inverse radius per cluster, a feature index each (when selected)
    t.exact_flash += anomaly_clusters * anomaly_features + 8 * anomaly_features + 4 * anomaly_clusters;
    if (anomaly_features != impulse.width()) t.exact_flash += 2 * anomaly_features;
  }
  t.anomaly["anomaly_stage"] += 1;
  return t;
}

// A table calibrated on a DSP core (cortex-m4's, standing in for a target without its own) has no constants for the
// wide and Helium dense kernels: its fc_fast_* ones count them (per MAC, row, call; code and stack).
std::map<std::string, double>::const_iterator find_cost(const std::map<std::string, double>& table, const std::string& name) {
  auto it = table.find(name);
  if (it != table.end()) return it;
  static const std::map<std::string, std::string> stand_in = {
      {"fc_wide_call", "fc_fast_call"}, {"fc_wide_mac8", "fc_fast_mac"}, {"fc_wide_mac4", "fc_fast_mac"},
      {"fc_wide_mac2", "fc_fast_mac"},  {"fc_wide_row", "fc_fast_row"},  {"code_fc_wide", "code_fc_fast"},
      {"stack_fc_wide", "stack_fc_fast"}, {"fc_mve_call", "fc_fast_call"}, {"fc_mve_mac", "fc_fast_mac"},
      {"fc_mve_row", "fc_fast_row"},    {"code_fc_mve", "code_fc_fast"}, {"stack_fc_mve", "stack_fc_fast"}};
  auto s = stand_in.find(name);
  return s == stand_in.end() ? table.end() : table.find(s->second);
}

Footprint apply_costs(const CostTerms& t, const std::map<std::string, double>& table) {
  auto sum = [&](const std::map<std::string, double>& terms) {
    double s = 0;
    for (const auto& [name, count] : terms) {
      auto it = find_cost(table, name);
      if (it != table.end()) s += count * it->second;
    }
    return std::max(0.0, s);
  };
  // The deepest stack of any kernel or block; inside an impulse the network's kernels run one run_impulse
  // frame deeper than in the model proof firmware they were measured in (stack_impulse_nn).
  const bool in_impulse = !t.dsp.empty();
  auto cost = [&](const char* name) {
    auto it = table.find(name);
    return it == table.end() ? 0.0 : it->second;
  };
  // (The constants are relative to the empty harness, so some are negative: the stub's own buffers.)
  double stack = 0;
  bool any = false;
  for (const auto& [name, count] : t.stack) {
    auto it = find_cost(table, name);
    if (it == table.end() || count <= 0) continue;
    const bool nn_kernel = name.rfind("stack_dsp_", 0) != 0 && name.rfind("stack_tree_", 0) != 0;
    const double s = it->second + (in_impulse && nn_kernel ? cost("stack_impulse_nn") : 0.0);
    stack = any ? std::max(stack, s) : s;
    any = true;
  }
  Footprint f;
  f.dsp_instructions = static_cast<uint64_t>(std::llround(sum(t.dsp)));
  f.nn_instructions = static_cast<uint64_t>(std::llround(sum(t.nn)));
  f.anomaly_instructions = static_cast<uint64_t>(std::llround(sum(t.anomaly)));
  f.ram_bytes = static_cast<uint64_t>(std::max<long long>(0, static_cast<long long>(t.exact_ram) + std::llround(stack)));
  f.flash_bytes = t.exact_flash + static_cast<uint64_t>(std::llround(sum(t.flash)));
  return f;
}

Footprint estimate_model(const ir::QModel& q, const std::string& target) {
  return apply_costs(model_terms(q, target), cost_table(target));
}

Footprint estimate_impulse(const Impulse& impulse, const ir::QModel* nn, size_t anomaly_clusters, size_t anomaly_features,
                           const std::string& target, const TreeWork* trees) {
  return apply_costs(impulse_terms(impulse, nn, anomaly_clusters, anomaly_features, target, trees), cost_table(target));
}

// ---- tree blocks ----------------------------------------------------------------------------------------

namespace {

learn::trees::TreeForm form_of(const std::string& form) {
  return form == "tables" ? learn::trees::TreeForm::Tables : form == "if-else" ? learn::trees::TreeForm::IfElse : learn::trees::TreeForm::Auto;
}

TreeWork describe_trees(const learn::trees::Ensemble& e, const std::string& form) {
  const learn::trees::Tables tables = learn::trees::make_tables(e);
  TreeWork w;
  w.variant = e.soft ? "proba" : e.votes() ? "vote" : "sum";
  w.tables = learn::trees::tables_form(e, tables, form_of(form));
  w.trees = e.trees.size();
  w.outputs = e.outputs();
  w.width = e.width;
  w.decision_nodes = e.internal_nodes();
  w.const_bytes = 8 * e.width + (w.tables ? tables.const_bytes() : tables.leaf_proba.size());
  w.ram_bytes = e.width + e.outputs() + (e.soft ? 4 * e.outputs() : 0);  // g_input, g_output, g_sums
  return w;
}

// A full binary tree of `depth` in pre-order: features in turn, every leaf distinct (soft shares, sums' values).
void full_tree(learn::trees::Tree& t, int depth, size_t width, size_t classes, uint32_t& leaf) {
  const size_t at = t.nodes.size();
  t.nodes.emplace_back();
  if (depth == 0) {
    learn::trees::Node& n = t.nodes[at];
    n.value = static_cast<float>(leaf % std::max<size_t>(1, classes));
    n.proba.assign(classes, 0.0f);
    for (size_t c = 0; c < classes; ++c) n.proba[c] = static_cast<float>((leaf >> c) % 7 + 1);  // normalised below
    float sum = 0;
    for (float v : n.proba) sum += v;
    for (float& v : n.proba) v /= sum;
    if (classes <= 1) n.value = static_cast<float>(leaf % 97) / 97.0f - 0.5f;
    ++leaf;
    return;
  }
  t.nodes[at].feature = static_cast<int32_t>(at % std::max<size_t>(1, width));
  t.nodes[at].bin = static_cast<uint8_t>(64 + at % 128);
  t.nodes[at].left = static_cast<int32_t>(t.nodes.size());
  full_tree(t, depth - 1, width, classes, leaf);
  t.nodes[at].right = static_cast<int32_t>(t.nodes.size());
  full_tree(t, depth - 1, width, classes, leaf);
}

}  // namespace

TreeWork tree_work(const learn::trees::Ensemble& e, const std::string& form, const float* rows, size_t n) {
  TreeWork w = describe_trees(e, form);
  double compared = 0;
  for (size_t i = 0; i < n; ++i)
    compared += static_cast<double>(learn::trees::comparisons(e, learn::trees::quantize_features(e, rows + i * e.width)));
  w.comparisons = n ? compared / static_cast<double>(n) : 0.0;
  return w;
}

TreeWork tree_bound(const learn::trees::TreeConfig& cfg, size_t width, int classes, size_t rows) {
  learn::trees::Ensemble e;
  e.kind = cfg.type;
  e.regression = cfg.regression;
  const size_t k = cfg.regression ? 1 : static_cast<size_t>(std::max(2, classes));
  if (cfg.regression) e.labels = {"value"};
  else
    for (size_t c = 0; c < k; ++c) e.labels.push_back("c" + std::to_string(c));
  e.width = std::max<size_t>(1, width);
  e.gain.assign(e.width, 1.0f);
  e.offset.assign(e.width, 0.0f);
  e.soft = cfg.type == "random_forest" && !cfg.regression && cfg.voting == "soft";
  e.single_logit = cfg.type == "gradient_boosting" && !cfg.regression && k == 2;
  e.base.assign(e.sums(), 0.0f);
  // No tree has more leaves than rows / min_samples_leaf: as deep as that allows, at most max_depth.
  const double leaves = std::max(1.0, static_cast<double>(rows) / std::max(1, cfg.min_samples_leaf));
  const int depth = std::max(1, std::min(cfg.max_depth, static_cast<int>(std::ceil(std::log2(leaves)))));
  const size_t count = static_cast<size_t>(cfg.trees) * (cfg.type == "gradient_boosting" ? e.sums() : 1);
  uint32_t leaf = 0;
  for (size_t i = 0; i < count; ++i) {
    learn::trees::Tree t;
    t.output = static_cast<int>(i % e.sums());
    full_tree(t, depth, e.width, e.votes() ? k : 1, leaf);
    e.trees.push_back(std::move(t));
  }
  TreeWork w = describe_trees(e, cfg.device_form);
  w.comparisons = static_cast<double>(count) * depth;
  return w;
}

// ---- placeholder networks -------------------------------------------------------------------------------

namespace {

struct Placeholder {
  std::mt19937_64 rng;
  explicit Placeholder(uint64_t seed) : rng(seed) {}
  float uniform(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }

  // Output quantization as calibration gives it: after ReLU the range starts at 0 (zero point -128).
  ir::TensorQuant output_quant(ir::Activation a) {
    if (a == ir::Activation::None) return {uniform(0.05f, 0.12f), static_cast<int32_t>(uniform(-20, 20))};
    if (a == ir::Activation::Relu6) return {6.0f / 255.0f, -128};
    return {uniform(0.02f, 0.06f), -128};
  }

  void weighted(ir::QLayer& l, size_t count, int channels, ir::Activation a) {
    l.weights.resize(count);
    std::uniform_int_distribution<int> w(-127, 127);
    for (auto& v : l.weights) v = static_cast<int8_t>(w(rng));
    l.output = output_quant(a);
    l.weight_scales.resize(channels);
    l.bias.resize(channels);
    l.multiplier.resize(channels);
    l.shift.resize(channels);
    std::uniform_int_distribution<int32_t> b(-2000, 2000);
    for (int c = 0; c < channels; ++c) {
      l.weight_scales[c] = uniform(0.002f, 0.02f);
      l.bias[c] = b(rng);
      auto [m, s] = quant::quantize_multiplier(static_cast<double>(l.input.scale) * l.weight_scales[c] / l.output.scale);
      l.multiplier[c] = m, l.shift[c] = s;
    }
    quant::set_activation_range(l, a);
  }
};

}  // namespace

ir::QModel placeholder_qmodel(const learn::NetworkConfig& cfg, uint64_t seed, size_t input_scaling_channels,
                              bool widest_softmax_table) {
  Placeholder ph(seed);
  ir::QModel q;
  q.input_shape = cfg.input;
  q.input = {ph.uniform(0.02f, 0.05f), 0};
  q.regression = cfg.regression;
  // A network told to map its inputs per channel gets the map (one per feature of a flat input, per channel of HWC);
  // "auto" decides only after training (then pass input_scaling_channels for the conservative estimate).
  if (input_scaling_channels == 0 && cfg.int8_input == "per-channel") input_scaling_channels = static_cast<size_t>(cfg.input.c);
  if (input_scaling_channels > 0) {
    q.input_gain.assign(input_scaling_channels, 1.0f);
    q.input_offset.assign(input_scaling_channels, 0.0f);
    q.input = {1.0f / 127.0f, 0};
  }
  std::vector<learn::NetLayer> layers = cfg.layers;
  learn::NetLayer out;
  out.kind = learn::NetLayer::Dense;
  out.units = cfg.outputs;
  out.in = layers.empty() ? cfg.input : layers.back().out;
  out.out = {1, 1, cfg.outputs};
  layers.push_back(out);
  ir::TensorQuant cur = q.input;
  for (size_t i = 0; i < layers.size(); ++i) {
    const learn::NetLayer& nl = layers[i];
    ir::QLayer l;
    l.name = "layer" + std::to_string(i);
    l.in = nl.in;
    l.out = nl.out;
    l.input = cur;
    switch (nl.kind) {
      case learn::NetLayer::Dense:
        l.op = ir::Op::FullyConnected;
        ph.weighted(l, nl.in.size() * static_cast<size_t>(nl.units), nl.units, nl.activation);
        break;
      case learn::NetLayer::Conv:
      case learn::NetLayer::SepConv: {
        l.kernel_h = nl.kernel_h, l.kernel_w = nl.kernel_w, l.stride_h = nl.stride_h, l.stride_w = nl.stride_w;
        l.pad_h = ir::conv_pad_before(nl.in.h, nl.kernel_h, nl.stride_h, nl.padding);
        l.pad_w = ir::conv_pad_before(nl.in.w, nl.kernel_w, nl.stride_w, nl.padding);
        if (nl.kind == learn::NetLayer::Conv) {
          l.op = ir::Op::Conv2D;
          ph.weighted(l, static_cast<size_t>(nl.units) * nl.kernel_h * nl.kernel_w * nl.in.c, nl.units, nl.activation);
          break;
        }
        ir::QLayer d = l;  // depthwise (no activation), then the 1x1 pointwise convolution
        d.op = ir::Op::DepthwiseConv2D;
        d.name += "_depthwise";
        d.out = {nl.out.h, nl.out.w, nl.in.c};
        ph.weighted(d, static_cast<size_t>(nl.kernel_h) * nl.kernel_w * nl.in.c, nl.in.c, ir::Activation::None);
        cur = d.output;
        q.layers.push_back(std::move(d));
        l.op = ir::Op::Conv2D;
        l.name += "_pointwise";
        l.in = {nl.out.h, nl.out.w, nl.in.c};
        l.input = cur;
        l.kernel_h = l.kernel_w = l.stride_h = l.stride_w = 1;
        l.pad_h = l.pad_w = 0;
        ph.weighted(l, static_cast<size_t>(nl.units) * nl.in.c, nl.units, nl.activation);
        break;
      }
      case learn::NetLayer::MaxPool:
      case learn::NetLayer::AvgPool:
        l.op = nl.kind == learn::NetLayer::MaxPool ? ir::Op::MaxPool2D : ir::Op::AvgPool2D;
        l.kernel_h = nl.kernel_h, l.kernel_w = nl.kernel_w, l.stride_h = nl.stride_h, l.stride_w = nl.stride_w;
        l.output = cur;
        quant::set_activation_range(l, ir::Activation::None);
        break;
      case learn::NetLayer::Flatten:
        l.op = ir::Op::Reshape;
        l.output = cur;
        quant::set_activation_range(l, ir::Activation::None);
        break;
      case learn::NetLayer::Dropout:
        continue;
    }
    cur = l.output;
    q.layers.push_back(std::move(l));
  }
  if (!cfg.regression && widest_softmax_table && !q.layers.empty() && q.layers.back().op == ir::Op::FullyConnected) {
    // Logits at a scale of 1/24: softmax's exp table then takes all 256 entries (exp(-k x scale) stays above 2^-20
    // for every int8 difference k), the most a trained classifier's can.
    ir::QLayer& l = q.layers.back();
    l.output.scale = 1.0f / 24.0f;
    for (size_t c = 0; c < l.multiplier.size(); ++c) {
      auto [m, sh] = quant::quantize_multiplier(static_cast<double>(l.input.scale) * l.weight_scales[c] / l.output.scale);
      l.multiplier[c] = m, l.shift[c] = sh;
    }
    quant::set_activation_range(l, ir::Activation::None);
    cur = l.output;
  }
  if (!cfg.regression) {
    ir::QLayer sm;
    sm.op = ir::Op::Softmax;
    sm.name = "softmax";
    sm.in = sm.out = {1, 1, cfg.outputs};
    sm.input = cur;
    sm.output = {1.0f / 256.0f, -128};
    quant::set_softmax_params(sm, 1.0, cur.scale);
    q.layers.push_back(std::move(sm));
  }
  return q;
}

}  // namespace mote::tune
