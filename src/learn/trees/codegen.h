// A tree ensemble as device C++ (namespace `name`, the interface of a generated network: input(),
// invoke(), output(), kInputGain/kInputOffset/kInputPeriod for the per-feature int8 map), in one of two
// forms: node tables walked by runtime/trees/tree_ensemble_s8, or one if-else function per tree. Both give
// the same int8 outputs bit for bit; generate_trees_cpp keeps the one estimated smaller in flash.
#pragma once

#include <string>

#include "compile/codegen.h"
#include "learn/trees/ensemble.h"

namespace mote::learn::trees {

enum class TreeForm { Auto, Tables, IfElse };

struct TreeCode {
  compile::GeneratedModel model;  // header, source, const_bytes (tables, input map), model_hash
  std::string form;               // "tables" or "if-else"
  size_t tables_estimate = 0, if_else_estimate = 0;  // flash bytes on a Cortex-M4 (-Os), see docs/trees.md
};

// Flash estimates (bytes, code + constants) of each form, from the calibration in docs/trees.md.
size_t estimate_tables_bytes(const Ensemble& e, const Tables& t);
size_t estimate_if_else_bytes(const Ensemble& e);

// The form generate_trees_cpp emits for `form` (Auto: the smaller estimate, tables on a tie).
bool tables_form(const Ensemble& e, const Tables& t, TreeForm form);

TreeCode generate_trees_cpp(const Ensemble& e, const std::string& name, TreeForm form = TreeForm::Auto);

}  // namespace mote::learn::trees
