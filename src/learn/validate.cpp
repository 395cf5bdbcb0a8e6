// Checks the learning blocks of an impulse without data, for `mote impulse set` and PUT /api/impulse:
// the same parsers training uses (parse_network_config, the anomaly params), errors naming
// impulse.learn[i].<field>.
#include "core/error.h"
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

}  // namespace mote::learn
