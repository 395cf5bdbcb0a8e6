#include "deploy/impulse_codegen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/error.h"
#include "impulse/window.h"
#include "learn/block_net.h"
#include "learn/trees/block.h"
#include "learn/trees/codegen.h"
#include "quant/executor.h"

namespace mote::deploy {
namespace {

std::string fnv_hex(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// Feature index (into the whole feature vector) of each of a learning block's input columns.
std::vector<size_t> column_map(const learn::BlockColumns& c) {
  std::vector<size_t> m;
  for (auto [a, b] : c.ranges)
    for (size_t i = a; i < b; ++i) m.push_back(i);
  return m;
}

std::vector<float> pick(const std::vector<float>& features, const learn::BlockColumns& c) {
  std::vector<float> out;
  for (size_t i : column_map(c)) out.push_back(features[i]);
  return out;
}

bool is_identity(const std::vector<size_t>& m) {
  for (size_t i = 0; i < m.size(); ++i)
    if (m[i] != i) return false;
  return true;
}

std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string float_list(const float* v, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += (i % 8 ? " " : "\n    ") + c_float(v[i]) + ",";
  return s;
}

DeployableImpulse load_deployable(Project& p) {
  const ImpulseSpec spec = load_impulse(p);
  const Impulse impulse(spec, impulse_axes(p, spec));
  return make_deployable(p, spec, learn::current_models(p.store(), impulse));
}

DeployableImpulse make_deployable(Project& p, const ImpulseSpec& spec, const std::vector<learn::TrainedBlock>& models) {
  DeployableImpulse d;
  d.impulse = std::make_unique<Impulse>(spec, impulse_axes(p, spec));
  const learn::TrainedBlock* nn = nullptr;
  for (const auto& b : models) {
    const BlockSpec* bs = nullptr;
    for (const auto& l : spec.learn)
      if (l.name == b.name) bs = &l;
    if (!bs) continue;
    if (b.type == "classifier" || b.type == "regression" || learn::trees::is_tree_type(b.type)) {
      if (nn) throw error_at("impulse.learn." + b.name, "a device impulse holds one classifier or regression block; remove one of '" + nn->name + "' and '" + b.name + "'");
      nn = &b;
      d.has_nn = true;
      d.nn_block = b.name;
      d.nn_cols = learn::block_columns(*d.impulse, *bs);
    } else {
      if (d.has_anomaly) throw error_at("impulse.learn." + b.name, "a device impulse holds one anomaly block; remove one");
      d.anomaly = learn::anomaly_from_json(b.model);
      if (d.anomaly.type != "kmeans")
        throw error_at("impulse.learn." + b.name + ".type", "only k-means anomaly blocks run on the device so far; use kmeans");
      d.has_anomaly = true;
      d.anomaly_block = b.name;
      d.anomaly_cols = learn::block_columns(*d.impulse, *bs);
    }
  }
  if (!d.has_nn && !d.has_anomaly) throw Error("the impulse has no trained learning block; run `mote train`");
  for (size_t i = 0; i < d.impulse->blocks().size(); ++i) d.impulse->blocks()[i]->device_code("check");  // throws early
  if (d.has_nn && learn::trees::is_tree_type(nn->type)) {  // trees carry their own int8 map and tables
    d.trees = *learn::block_net(*nn).trees;
    d.tree_tables = learn::trees::make_tables(*d.trees);
    d.labels = d.trees->labels;
    d.tree_form = nn->model.value("device_form", std::string("auto"));
  } else if (d.has_nn) {
    const learn::BlockNet net = learn::block_net(*nn);
    std::vector<std::vector<float>> cal;
    if (!net.fixed) {  // calibration: the training windows' features, as the host int8 path uses them
      SampleFilter f;
      f.category = Category::Training;
      FeatureTable t = generate_features(p.store(), *d.impulse, f, true);
      for (size_t r = 0; r < t.rows.size(); ++r) cal.push_back(pick(std::vector<float>(t.row(r), t.row(r) + t.width), d.nn_cols));
    }
    d.q = net.int8(cal, learn::trained_quantize_options(*nn));
    d.labels = d.q.labels;
    const size_t outs = d.q.output_shape().size();
    if (d.labels.size() != outs) {
      d.labels.clear();
      for (size_t i = 0; i < outs; ++i) d.labels.push_back(outs == 1 ? "value" : "output" + std::to_string(i));
    }
  }
  return d;
}

DeviceWindow device_window(const Impulse& imp) {
  const auto& in = imp.spec().input;
  if (in.type == InputType::Image) return {size_t{in.width} * in.height, in.color == "rgb" ? size_t{3} : size_t{1}};
  return {in.window_frames(), imp.axes()};
}

WindowResult run_host(const DeployableImpulse& d, const float* window) {
  WindowResult r;
  const DeviceWindow dw = device_window(*d.impulse);
  r.features.resize(d.impulse->width());
  d.impulse->run({window, dw.frames, dw.axes, nullptr}, r.features.data());
  if (d.has_nn && d.trees) {
    const auto x = pick(r.features, d.nn_cols);
    r.nn_output = learn::trees::predict_int8(*d.trees, *d.tree_tables, x.data());
    r.tree_comparisons = learn::trees::comparisons(*d.trees, learn::trees::quantize_features(*d.trees, x.data()));
    for (int8_t v : r.nn_output) r.classification.push_back(d.trees->output_scale() * static_cast<float>(v - d.trees->output_zero_point()));
  } else if (d.has_nn) {
    const auto x = quant::quantize_input(d.q, pick(r.features, d.nn_cols).data());
    r.nn_output = quant::run_int8(d.q, x.data());
    r.classification = quant::dequantize_output(d.q, r.nn_output);
  }
  if (d.has_anomaly) r.anomaly = learn::anomaly_score(d.anomaly, pick(r.features, d.anomaly_cols).data());
  return r;
}

TestWindows testing_windows(Project& p, const DeployableImpulse& d, size_t n) {
  SampleFilter f;
  f.category = Category::Testing;
  auto samples = p.store().list(f, true);
  TestWindows tw;
  tw.values = device_window(*d.impulse).values();
  if (d.impulse->spec().input.type == InputType::Image) {
    // One frame per image: the host's resize of it, as the device's camera driver hands it over (pixels 0..255).
    std::vector<float> feat(d.impulse->width());
    for (const auto& s : samples) {
      if (tw.count >= n) break;
      d.impulse->run({nullptr, 0, 0, &s}, feat.data());
      for (float v : feat) tw.data.push_back(std::round(v * 255.0f));
      tw.labels.push_back(s.label);
      ++tw.count;
    }
    if (tw.count == 0) throw Error("the testing set has no images; import or split testing data (mote samples split)");
    return tw;
  }
  std::vector<Windows> ws;
  for (const auto& s : samples) ws.push_back(make_windows(s, d.impulse->spec().input));
  for (size_t k = 0; tw.count < n; ++k) {
    bool any = false;
    for (size_t s = 0; s < ws.size() && tw.count < n; ++s) {
      if (k >= ws[s].count) continue;
      any = true;
      tw.data.insert(tw.data.end(), ws[s].window(k), ws[s].window(k) + tw.values);
      tw.labels.push_back(samples[s].label);
      ++tw.count;
    }
    if (!any) break;
  }
  if (tw.count == 0) throw Error("the testing set has no windows; import or split testing data (mote samples split)");
  return tw;
}

GeneratedImpulse generate_impulse(const DeployableImpulse& d) {
  GeneratedImpulse g;
  const Impulse& imp = *d.impulse;
  const bool image = imp.spec().input.type == InputType::Image;
  const DeviceWindow dw = device_window(imp);
  const size_t frames = dw.frames, axes = dw.axes, window = dw.values();
  compile::GeneratedModel model;
  if (d.has_nn && d.trees) {
    const auto form = d.tree_form == "tables" ? learn::trees::TreeForm::Tables
                      : d.tree_form == "if-else" ? learn::trees::TreeForm::IfElse
                                                 : learn::trees::TreeForm::Auto;
    const learn::trees::TreeCode code = learn::trees::generate_trees_cpp(*d.trees, "mote_model", form);
    model = code.model;
    g.tree_form = code.form, g.tree_tables_estimate = code.tables_estimate, g.tree_if_else_estimate = code.if_else_estimate;
  } else if (d.has_nn) {
    model = compile::generate_cpp(d.q, "mote_model");
  }
  std::string hash_src = imp.hash() + model.model_hash;
  if (d.has_anomaly) hash_src += learn::anomaly_to_json(d.anomaly).dump();
  g.hash = fnv_hex(hash_src);
  const std::string banner = "// Generated by mote " MOTE_VERSION " (mote deploy), impulse " + g.hash +
                             ". Do not edit: regenerate with `mote deploy`.\n";
  if (d.has_nn) {
    g.files["mote_model.h"] = model.header;
    g.files["mote_model.cpp"] = model.source;
    g.nn_arena_bytes = model.arena_bytes;
    g.nn_const_bytes = model.const_bytes;
  }

  std::ostringstream defs, body;
  std::vector<std::string> includes;
  size_t scratch = 0;
  // A single audio block streams the window frame by frame through the signal: no window buffer.
  const bool stream = imp.streams_window();
  for (size_t i = 0; i < imp.blocks().size(); ++i) {
    const std::string prefix = "b" + std::to_string(i);
    DeviceBlockCode c = imp.blocks()[i]->device_code(prefix);
    if (stream) {
      c.call = c.stream_call;
      c.scratch_bytes = c.stream_scratch_bytes;
    }
    if (std::find(includes.begin(), includes.end(), c.include) == includes.end()) includes.push_back(c.include);
    const auto& cols = imp.block_axes(i);
    const bool gather = !image && cols.size() != axes;
    const size_t gather_bytes = gather ? frames * cols.size() * sizeof(float) : 0;
    const size_t block_scratch = (c.scratch_bytes + 7) / 8 * 8;
    scratch = std::max(scratch, gather_bytes + block_scratch);
    defs << "// DSP block " << i << ": " << imp.spec().dsp[i].name << " (" << imp.spec().dsp[i].type << ")\n"
         << c.definitions;
    body << "  {  // " << imp.spec().dsp[i].name << "\n";
    if (gather) {
      // The block reads some axes: hand it those, still frame-major (as the host's Impulse::run).
      std::vector<uint16_t> idx(cols.begin(), cols.end());
      defs << c_u16_array(prefix + "_axes", idx);
      body << "    float* picked = reinterpret_cast<float*>(g_scratch + " << block_scratch << ");\n"
           << "    for (size_t f = 0; f < " << frames << "; ++f)\n      for (size_t c = 0; c < " << cols.size()
           << "; ++c) picked[f * " << cols.size() << " + c] = window[f * " << axes << " + " << prefix << "_axes[c]];\n"
           << "    const float* in = picked;\n";
    } else if (!stream) {
      body << "    const float* in = window;\n";
    }
    body << "    float* out = features + " << imp.offset(i) << ";\n    const size_t out_len = "
         << imp.blocks()[i]->output_size() << ";\n    void* scratch = g_scratch;\n    const size_t scratch_bytes = "
         << block_scratch << ";\n    (void)scratch;\n    (void)scratch_bytes;\n    " << c.call
         << "\n    if (st != mote::MOTE_OK) return st;\n  }\n";
  }
  if (scratch == 0) scratch = 8;

  std::ostringstream src;
  src << banner << "// The impulse's glue: DSP block configs and tables (the host's own values), the classifier's\n"
      << "// input quantization, the k-means anomaly model, labels; run it with mote::run_impulse (mote/impulse.h).\n"
      << "#include <stddef.h>\n#include <stdint.h>\n\n#include \"mote/impulse.h\"\n";
  for (const auto& h : includes) src << "#include \"" << h << "\"\n";
  if (d.has_nn) src << "#include \"mote_model.h\"\n";
  src << "\nnamespace {\n\n" << defs.str();
  if (stream) {
    src << "\n// Static buffers: the block's scratch (one frame of samples, its FFT), the features. No window buffer:\n"
        << "// the block reads each frame (and the sample before it) through the signal's get_data.\n"
        << "alignas(8) unsigned char g_scratch[" << scratch << "];\nfloat g_features[" << imp.width() << "];\n\n"
        << "mote::Status run_dsp_signal(const mote::Signal& signal, float* features) {\n"
        << "  const mote::dsp::AudioSource src = {signal.get_data, signal.ctx};\n  mote::Status st = mote::MOTE_OK;\n"
        << body.str() << "  return st;\n}\n\n";
  } else {
    src << "\n// Static buffers: the largest block's scratch, one window, the features.\n"
        << "alignas(8) unsigned char g_scratch[" << scratch << "];\n"
        << (image ? "float g_features[" + std::to_string(imp.width()) + "];\n// An image's frame is scaled in place: one buffer.\nfloat* const g_window = g_features;\n\n"
                  : "float g_window[" + std::to_string(window) + "];\nfloat g_features[" + std::to_string(imp.width()) + "];\n\n")
        << "mote::Status run_dsp(const float* window, float* features) {\n  mote::Status st = mote::MOTE_OK;\n"
        << body.str() << "  return st;\n}\n\n";
  }
  // + window * 4 with continuous mode (kImpulseSlide)
  g.glue_ram_bytes = scratch + (image || stream ? 0 : window * 4) + imp.width() * 4;
  std::string nn_select = "0";
  if (d.has_nn) {
    const auto m = column_map(d.nn_cols);
    if (!is_identity(m)) {
      src << c_u16_array("kNnSelect", std::vector<uint16_t>(m.begin(), m.end()));
      nn_select = "kNnSelect";
    }
    src << "static_assert(" << d.labels.size() << " <= MOTE_MAX_LABELS, \"raise MOTE_MAX_LABELS\");\n"
        << "const char* const kLabelNames[" << d.labels.size() << "] = {";
    for (const auto& l : d.labels) src << c_string(l) << ", ";
    src << "};\n\n";
  }
  if (d.has_anomaly) {
    const auto& a = d.anomaly;
    const auto m = column_map(d.anomaly_cols);
    std::vector<uint16_t> sel;
    for (uint16_t s : a.select) sel.push_back(static_cast<uint16_t>(m.at(s)));
    // Every feature in order: no index table (the scorer reads input[0, dim)).
    const bool all = sel.size() == imp.width() && is_identity(std::vector<size_t>(sel.begin(), sel.end()));
    std::string centres = "static const int8_t kAnCenters[" + std::to_string(a.centers_q.size()) + "] = {";
    for (size_t i = 0; i < a.centers_q.size(); ++i)
      centres += (i % 24 ? " " : "\n    ") + std::to_string(static_cast<int>(a.centers_q[i])) + ",";
    src << "// k-means anomaly (" << d.anomaly_block << "): selected features, mean, gain (1 / (std x grid step "
        << c_float(a.center_step) << ")),\n// int8 centres (feature-major), grid step / radius.\n"
        << (all ? "" : c_u16_array("kAnSelect", sel)) << c_float_array("kAnMean", a.mean) << c_float_array("kAnGain", a.gain)
        << centres << "\n};\n" << c_float_array("kAnInvRadius", a.grid_inv_radius)
        << "const mote::anomaly::KmeansModel kKmeans = {" << sel.size() << ", " << a.k << ", " << (all ? "0" : "kAnSelect")
        << ", kAnMean, kAnGain, kAnCenters, kAnInvRadius};\n\n";
  }
  src << "}  // namespace\n\nnamespace mote {\n\nextern const ImpulseModel kImpulse = {\n    " << frames << ", " << axes
      << ", " << imp.width() << (stream ? ", 0, run_dsp_signal, 0, g_features,\n" : ", run_dsp, 0, g_window, g_features,\n");
  if (d.has_nn && d.trees)  // per-feature int8 map, votes or int8 scores out
    src << "    " << d.trees->width << ", " << nn_select << ", 1.0f, 0, mote_model::kInputGain, mote_model::kInputOffset, "
        << "mote_model::kInputPeriod, mote::quantize_nn_input_per_channel, mote_model::input, mote_model::invoke, mote_model::output,\n    "
        << d.labels.size() << ", kLabelNames, " << c_float(d.trees->output_scale()) << ", " << d.trees->output_zero_point() << ",\n";
  else if (d.has_nn)
    src << "    " << d.q.input_shape.size() << ", " << nn_select << ", " << c_float(d.q.input.scale) << ", "
        << d.q.input.zero_point << ", "
        << (d.q.input_gain.empty() ? "0, 0, 0, mote::quantize_nn_input_per_tensor"
                                 : "mote_model::kInputGain, mote_model::kInputOffset, mote_model::kInputPeriod, "
                                   "mote::quantize_nn_input_per_channel")
        << ", mote_model::input, mote_model::invoke, mote_model::output,\n    " << d.labels.size()
        << ", kLabelNames, " << c_float(d.q.output().scale) << ", " << d.q.output().zero_point << ",\n";
  else
    src << "    0, 0, 1.0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0f, 0,\n";
  if (d.has_anomaly) src << "    &kKmeans, " << c_float(d.anomaly.threshold) << "};\n";
  else src << "    0, 0.0f};\n";
  src << "// run_impulse_continuous's sliding window; dropped by --gc-sections when unused.\nfloat kImpulseSlide[" << (image ? 1 : window)
      << "];\n\n}  // namespace mote\n";
  g.files["mote_impulse.cpp"] = src.str();
  // run_impulse calls quantize_s8 and the k-means scorer whatever the impulse holds (unused code is not linked).
  g.runtime_folders = {"include/", "impulse/", "dsp/", "port/", "anomaly/", "nn/"};
  if (d.trees) g.runtime_folders.push_back("trees/");
  if (d.has_anomaly) g.runtime_folders.push_back("anomaly/");
  return g;
}

}  // namespace mote::deploy
