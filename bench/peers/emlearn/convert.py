#!/usr/bin/python3
"""A mote random_forest (classification, hard votes) as emlearn's generated C, through emlearn's own
converter (emlearn.trees.Wrapper) imported in place from ../shared/peers/emlearn. emlearn reads
scikit-learn estimators; this builds objects of the same shape from mote's JSON (no scikit-learn needed).

  convert.py MODEL.json NAME METHOD OUT.c     METHOD: loadable (node tables) or inline (if-else)
"""
import importlib
import json
import os
import sys
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
PEER = Path(os.environ.get("MOTE_EMLEARN_PEER", ROOT.parent / "shared" / "peers" / "emlearn"))


def emlearn_trees():
    """emlearn.trees without emlearn/__init__ (which pulls in modules needing compiled bindings)."""
    pkg = types.ModuleType("emlearn")
    pkg.__path__ = [str(PEER / "emlearn")]
    sys.modules["emlearn"] = pkg
    return importlib.import_module("emlearn.trees")


class _Tree:
    """sklearn.tree._tree.Tree's fields that emlearn reads."""

    def __init__(self, t, classes):
        n = len(t["feature"])
        self.node_count = n
        leaf = [f < 0 for f in t["feature"]]
        self.children_left = np.array([-1 if leaf[i] else t["left"][i] for i in range(n)])
        self.children_right = np.array([-1 if leaf[i] else t["right"][i] for i in range(n)])
        self.feature = np.array([-2 if leaf[i] else t["feature"][i] for i in range(n)])
        # mote: left when code <= bin - 128; emlearn: left when x < int(threshold).
        self.threshold = np.array([-2.0 if leaf[i] else float(t["bin"][i] - 128 + 1) for i in range(n)])
        value = np.zeros((n, 1, classes))
        for i in range(n):
            if leaf[i]:
                value[i, 0, int(t["value"][i])] = 1.0
        self.value = value


class _Estimator:
    def __init__(self, t, classes, width):
        self.tree_ = _Tree(t, classes)
        self.n_features_in_ = width
        self.n_classes_ = classes


class RandomForestClassifier:  # emlearn picks its leaf kind by the class name
    def __init__(self, model):
        classes = len(model["labels"])
        self.estimators_ = [_Estimator(t, classes, model["width"]) for t in model["trees"]]


def convert(model, name, method):
    if model["kind"] != "random_forest" or model["task"] != "classification":
        raise SystemExit("convert.py: only random_forest classifiers (hard votes) map onto emlearn's trees")
    trees = emlearn_trees()
    w = trees.Wrapper(RandomForestClassifier(model), method, dtype="int16_t")
    return w.save(name=name, format="c")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    m = json.loads(Path(sys.argv[1]).read_text())
    Path(sys.argv[4]).write_text(convert(m, sys.argv[2], sys.argv[3]))
