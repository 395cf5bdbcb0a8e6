// The tuner's footprint and latency estimator: RAM, flash and instructions of an int8 network or a whole
// deployable impulse on a target, from the IR alone — no compiler, no QEMU — so hundreds of candidates can be
// filtered by a device budget and only finalists profiled (deploy/profile.h, deploy/model_profile.h).
//
// What is exact and what is fitted: the arena (compile::generate_cpp's liveness plan), weights, biases, kernel
// tables and parameter structs are counted, not estimated. Instructions, kernel code and stack come from a
// per-target cost table (src/tune/cost_<target>.def): one constant per named *term* (e.g. fc_mac, conv_col,
// mfcc_dct), fitted by least squares on QEMU measurements (bench/estimator/calibrate.py). An estimate is
// sum(term count x constant) + the exact bytes; estimate_terms() gives the counts, so the calibration script
// and the estimator share one definition of every term.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "impulse/features.h"
#include "ir/qmodel.h"
#include "learn/train.h"
#include "learn/trees/block.h"

namespace mote::tune {

struct Footprint {
  // The impulse's own cost, as `mote profile` reports it: firmware minus the same harness around an empty
  // impulse (RAM: static + painted stack peak).
  uint64_t ram_bytes = 0, flash_bytes = 0;
  uint64_t dsp_instructions = 0, nn_instructions = 0, anomaly_instructions = 0;  // per window
  uint64_t instructions() const { return dsp_instructions + nn_instructions + anomaly_instructions; }
  // Milliseconds per window at `clock_mhz` (one instruction per cycle, as QEMU's -icount counts them).
  double latency_ms(double clock_mhz) const { return clock_mhz > 0 ? instructions() / (clock_mhz * 1000.0) : 0.0; }
};

// The counts an estimate multiplies by the cost table, by quantity. `exact_*` are bytes counted outright.
struct CostTerms {
  std::map<std::string, double> dsp, nn, anomaly;  // instructions
  std::map<std::string, double> flash;             // code bytes (kernels linked, call sites)
  std::map<std::string, double> stack;             // candidates for the stack peak: the largest term wins
  uint64_t exact_ram = 0, exact_flash = 0;         // arena, buffers; weights, tables, parameter structs
};

// The target's cost table (name -> constant); targets without a calibrated table of their own use
// cortex-m4's (has_cost_table says which).
const std::map<std::string, double>& cost_table(const std::string& target);
bool has_cost_table(const std::string& target);
// The calibration's record for a target: date, cases, residuals (the .def's MOTE_COST_NOTE).
std::string cost_table_note(const std::string& target);

// The int8 network alone, as `mote profile MODEL` measures it (deploy::profile_model): RAM = the arena the
// code generator plans + the kernels' stack; flash = weights, biases, requantization tables and parameters +
// the kernels' code it links + invoke()'s calls; instructions = one invoke() (nn_instructions).
// Dense layers are counted in the form the target's generated code compiles (compile::GeneratedModel): the wide
// form (2 bytes per weight) on cores without the DSP extension (cortex-m0, cortex-m3, riscv32, riscv32f), the Helium
// form on cortex-m55, fully_connected_s8_fast's elsewhere.
Footprint estimate_model(const ir::QModel& q, const std::string& target = "cortex-m4");
CostTerms model_terms(const ir::QModel& q, const std::string& target = "cortex-m4");

// The dense form target's generated code runs (MOTE_NN_WIDE_DENSE / MOTE_NN_MVE_DENSE in runtime/nn).
enum class DenseForm { Dsp, Wide, Mve };
DenseForm dense_form(const std::string& target);

// A tree block (random_forest, gradient_boosting) in the network's place: what its generated code is made of.
// From a trained ensemble (tree_work: its form, and the decision nodes a window compares, counted on the host over
// representative windows, as a network's MACs follow from its shapes) or, before training, from its parameters
// (tree_bound: every tree full to max_depth, or as deep as `rows` training windows allow, every path that deep).
struct TreeWork {
  std::string variant;       // the kernel: "vote" (hard votes), "proba" (soft votes), "sum" (boosting, regression)
  bool tables = true;        // node tables walked by runtime/trees, or if-else code (learn/trees/codegen)
  size_t trees = 0, decision_nodes = 0, outputs = 0, width = 0;
  double comparisons = 0;    // decision nodes compared per window
  uint64_t const_bytes = 0;  // its constant arrays: the input map, and the node tables or soft votes' leaf shares
  uint64_t ram_bytes = 0;    // its static buffers: input codes, outputs, soft-vote sums
};
// `form` as params.device_form ("auto": the one codegen keeps); `rows`: feature rows x width to count comparisons on.
TreeWork tree_work(const learn::trees::Ensemble& e, const std::string& form, const float* rows, size_t n);
TreeWork tree_bound(const learn::trees::TreeConfig& cfg, size_t width, int classes, size_t rows);

// A whole deployable impulse (what deploy::generate_impulse emits and `mote profile` measures): its DSP blocks
// (per-block instruction formulas from their parameters; RAM: the shared scratch, the window and feature
// buffers; flash: the blocks' tables + code), the classifier (nn: may be null) with its input quantization, and a
// k-means anomaly block of anomaly_clusters x anomaly_features (0 clusters: none).
// `trees`: a tree block in the network's place (nn null).
Footprint estimate_impulse(const Impulse& impulse, const ir::QModel* nn, size_t anomaly_clusters, size_t anomaly_features,
                           const std::string& target = "cortex-m4", const TreeWork* trees = nullptr);
CostTerms impulse_terms(const Impulse& impulse, const ir::QModel* nn, size_t anomaly_clusters, size_t anomaly_features,
                        const std::string& target = "cortex-m4", const TreeWork* trees = nullptr);

// Applies a cost table to terms.
Footprint apply_costs(const CostTerms& t, const std::map<std::string, double>& table);

// Before training: the int8 network a learn::NetworkConfig describes (the hidden layers, the output dense
// layer training appends, softmax for a classifier), in the IR the trainer exports (separable = depthwise +
// 1x1 pointwise, flatten = reshape, dropout dropped), with seeded placeholder weights and the quantization a
// trained model gets (ReLU outputs at zero point -128, per-channel weight scales): sizes, shapes and kernel
// paths are a trained network's, values are not. `input_scaling_channels` > 0 adds a per-channel input map of
// that period (what quant::InputScaling::PerChannel adds: 8 bytes of flash and a multiply-add per channel); a cfg
// with int8_input "per-channel" gets one per input channel by itself, "auto" none (pass cfg.input.c for the
// conservative estimate: auto may choose the map after training).
// widest_softmax_table: a classifier's logits at a scale that gives softmax its longest exp table (1 kB; a trained
// network's length follows its logits' scale), so a budget check never counts too little; false keeps the placeholder's
// own random scale (bench/estimator's cases).
ir::QModel placeholder_qmodel(const learn::NetworkConfig& cfg, uint64_t seed = 1, size_t input_scaling_channels = 0,
                              bool widest_softmax_table = true);

}  // namespace mote::tune
