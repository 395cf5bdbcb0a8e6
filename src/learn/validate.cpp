// Checks the learning blocks of an impulse without data, for `mote impulse set` and PUT /api/impulse:
// the same parsers training uses (parse_network_config, the anomaly params), errors naming
// impulse.learn[i].<field>.
#include "core/error.h"
#include "impulse/blocks/params.h"
#include "learn/anomaly.h"
#include "learn/import_model.h"
#include "learn/pipeline.h"
#include "learn/trees/block.h"

namespace mote::learn {

void check_learn_blocks(const Impulse& impulse) {
  const auto& learn = impulse.spec().learn;
  for (size_t i = 0; i < learn.size(); ++i) {
    const BlockSpec& b = learn[i];
    const std::string at = "impulse.learn[" + std::to_string(i) + "]";
    if (!is_learn_type(b.type))
      throw error_at(at + ".type", "'" + b.type + "' is not a learning block; use classifier, regression, kmeans, gmm, random_forest or gradient_boosting");
    BlockColumns cols = block_columns(impulse, b);
    if (!imported_file(b).empty()) {
      if (b.type != "classifier" && b.type != "regression" && b.type != "gradient_boosting")
        throw error_at(at + ".params.imported", "only neural and gradient_boosting blocks hold imported models");
    } else if (b.type == "classifier" || b.type == "regression")
      parse_network_config(b.params, cols.info, 2, b.type == "regression", at);  // classes are known only at training
    else if (trees::is_tree_type(b.type))
      trees::parse_tree_config(b.type, b.params, cols.width, at);
    else
      check_anomaly_params(b.type, b.params, at, cols.width);
  }
}

void register_impulse_validator() { set_learn_validator(check_learn_blocks); }

namespace {
// The tree blocks' own table (trees::kParams, which their parser reads and docs/trees.md shows) as schemas.
blocks::BlockSchema tree_schema(bool forest) {
  blocks::BlockSchema s{forest ? "random_forest" : "gradient_boosting", "learn",
                        forest ? "random forest: own CART trees on the int8 features, soft or hard votes (docs/trees.md)"
                               : "gradient boosted trees on the int8 features, softmax (two classes: one logit) or squared error (docs/trees.md)",
                        {}};
  for (size_t i = 0; i < trees::kParamCount; ++i) {
    const auto& p = trees::kParams[i];
    const std::string fallback = forest ? p.forest_default : p.boosting_default, kind = p.kind;
    if (fallback == "-") continue;
    blocks::ParamSpec ps{.name = p.name, .fallback = nlohmann::json::parse(fallback), .help = p.help};
    if (kind == "int" || kind == "number") {
      ps.type = kind == "int" ? blocks::ParamType::Integer : blocks::ParamType::Number;
      ps.lo = p.lo, ps.hi = p.hi;
    } else {
      ps.type = kind == "bool" ? blocks::ParamType::Flag : blocks::ParamType::Json;  // enums, weights: checked by the block
    }
    s.params.push_back(ps);
  }
  return s;
}
}  // namespace

std::vector<const blocks::BlockSchema*> learn_schemas() {
  static const blocks::BlockSchema forest = tree_schema(true), boosting = tree_schema(false);
  return {&network_schema(false), &network_schema(true), &anomaly_schema("kmeans"), &anomaly_schema("gmm"), &forest, &boosting};
}

}  // namespace mote::learn
