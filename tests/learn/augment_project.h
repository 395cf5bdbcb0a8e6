// The project the copy augmentations (rotation, speed) are trained on: the demo's motion, 4 recordings per class,
// one network block trained for 2 epochs with a fixed seed; `train_metrics` trains it with a given augment.
#pragma once

#include "demo/motion.h"
#include "learn/pipeline.h"
#include "support/test_support.h"

namespace mote::test {

inline Project augment_project(const TempDir& dir) {
  Project p = Project::init(dir / "p");
  MotionOptions o;
  o.recordings_per_class = 4;
  auto samples = generate_motion(o);
  {
    sql::Transaction tx(p.store().db());
    for (auto& s : samples) p.store().insert(s);
    tx.commit();
  }
  ImpulseSpec spec = load_impulse(p);
  spec.learn.resize(1);
  spec.learn[0].params = {{"epochs", 2}, {"seed", 3}};
  save_impulse(p, spec);
  return p;
}

// The learning block's metrics after training with `augment` (an empty object: none).
inline nlohmann::json train_metrics(Project& p, const nlohmann::json& augment) {
  ImpulseSpec spec = load_impulse(p);
  spec.learn[0].params["augment"] = augment;
  save_impulse(p, spec);
  learn::TrainOptions opts;
  opts.quiet = true;
  return learn::train_impulse(p, opts).blocks[0].metrics;
}

}  // namespace mote::test
