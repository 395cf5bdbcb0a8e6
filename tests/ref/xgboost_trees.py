#!/usr/bin/python3
"""Golden data for src/learn/trees/foreign (XGBoost JSON import): Debian's python3-xgboost trains three small
models (multi:softprob 3 classes, binary:logistic, reg:squarederror) on seeded data, saves each with
save_model(".json"), and records XGBoost's own margins (predict(output_margin=True)) for the inputs.
Writes <outdir>/xgboost_trees.json; exits 77 when xgboost is not installed."""
import json, sys, os, tempfile
import numpy as np

try:
    import xgboost as xgb
except ImportError:
    sys.exit(77)

rng = np.random.default_rng(3)
n, d = 300, 6
x = rng.normal(0, 1, (n, d)).astype(np.float32)
x[:, 3] *= 50  # another unit
y3 = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int) + (x[:, 2] > 0.7).astype(int)
y2 = (x[:, 0] * x[:, 1] > 0).astype(int)
yr = np.sin(x[:, 0]) + 0.01 * x[:, 3]

models = []
for name, params, y in (("multi", {"objective": "multi:softprob", "num_class": 3}, y3),
                        ("binary", {"objective": "binary:logistic"}, y2),
                        ("regression", {"objective": "reg:squarederror"}, yr)):
    p = dict(params, max_depth=3, eta=0.3, seed=1, tree_method="exact")
    booster = xgb.train(p, xgb.DMatrix(x, label=y), num_boost_round=8)
    with tempfile.TemporaryDirectory() as t:
        path = os.path.join(t, "m.json")
        booster.save_model(path)
        text = open(path).read()
    margins = booster.predict(xgb.DMatrix(x), output_margin=True)
    models.append({"name": name, "model": text, "margins": np.asarray(margins, dtype=np.float64).reshape(n, -1).tolist()})
json.dump({"inputs": x.ravel().tolist(), "rows": n, "width": d, "labels": {"multi": 3, "binary": 2}, "models": models},
          open(sys.argv[1] + "/xgboost_trees.json", "w"))
