#!/usr/bin/python3
"""A mote random_forest classifier as emlearn's generated C, through emlearn's own converter
(emlearn.trees.Wrapper) imported in place from ../shared/peers/emlearn. emlearn reads scikit-learn
estimators; this builds objects of the same shape from mote's JSON (no scikit-learn needed).

Hard votes: each leaf is its class (emlearn's majority voting, leaf_bits 0). Soft votes: each leaf holds the
class shares mote's device uses (whole 1/15ths, mote's leaf_shares), handed to emlearn's soft voting
(leaf_bits 8) so that its leaf bytes come out exactly 17 x the share (255 = 15 x 17): both sum the same
leaves, emlearn in float, mote in integers.

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


SHARES = 15  # mote's kLeafShares (src/learn/trees/ensemble.h)


def leaf_shares(proba):
    """mote's leaf_shares: floor of p x 15, the rest to the largest remainders (lower class on ties)."""
    v = [min(max(float(np.float32(p)), 0.0), 1.0) * SHARES for p in proba]
    q = [int(np.floor(x)) for x in v]
    order = sorted(range(len(v)), key=lambda k: (-(v[k] - np.floor(v[k])), k))
    for k in order[: SHARES - sum(q)]:
        q[k] += 1
    return q


def emlearn_share(q):
    """The value emlearn's quantize_probabilities_into_byte (8 bits: round(p x 254) / 254 x 255, truncated)
    turns into the byte 17 q: p = ceil(254 q / 15) / 254."""
    return -(-254 * q // SHARES) / 254.0


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
            if leaf[i] and "proba" in t:
                value[i, 0, :] = [emlearn_share(q) for q in leaf_shares(t["proba"][i])]
            elif leaf[i]:
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
        raise SystemExit("convert.py: only random_forest classifiers map onto emlearn's trees")
    trees = emlearn_trees()
    soft = model.get("voting", "hard") == "soft"
    w = trees.Wrapper(RandomForestClassifier(model), method, dtype="int16_t", leaf_bits=8 if soft else None)
    if soft:  # every leaf byte must be 17 x mote's share
        for leaf in w.forest_[2]:
            assert all(int(b) % 17 == 0 for b in leaf) and sum(int(b) for b in leaf) == 255, leaf
    return w.save(name=name, format="c")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    m = json.loads(Path(sys.argv[1]).read_text())
    Path(sys.argv[4]).write_text(convert(m, sys.argv[2], sys.argv[3]))
