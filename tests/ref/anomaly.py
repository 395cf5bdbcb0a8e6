#!/usr/bin/python3
"""Golden data for runtime/anomaly (k-means and GMM scorers) and src/learn/anomaly (GMM precision factors):
random models, inputs, and scores computed independently with numpy (nearest centre) and
scipy.stats.multivariate_normal + logsumexp (mixture negative log-likelihood). Writes <outdir>/anomaly.json."""
import json, sys
import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

rng = np.random.default_rng(7)


def f32(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


def f64(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


kmeans = []
for dim, k, width in ((1, 1, 1), (3, 4, 5), (12, 8, 20), (7, 19, 9)):  # 19 clusters: more than one chunk of 16
    select = sorted(rng.choice(width, dim, replace=False).tolist())
    mean = rng.normal(0, 2, dim).astype(np.float32)
    gain = rng.uniform(2, 60, dim).astype(np.float32)  # 1 / (std x grid step)
    centers = rng.integers(-127, 128, (dim, k)).astype(np.int8)  # feature-major, grid steps
    inv_radius = rng.uniform(0.01, 0.1, k).astype(np.float32)  # grid step / radius
    inputs = rng.normal(0, 2, (20, width)).astype(np.float32)
    u = (inputs[:, select].astype(np.float64) - mean) * gain
    d = np.sqrt(((u[:, :, None] - centers[None, :, :].astype(np.float64)) ** 2).sum(1))
    nearest = d.argmin(1)
    scores = d[np.arange(len(u)), nearest] * inv_radius[nearest]
    kmeans.append({"dim": dim, "k": k, "width": width, "select": select, "mean": f32(mean), "gain": f32(gain),
                   "centers": [int(v) for v in centers.ravel()], "inv_radius": f32(inv_radius), "inputs": f32(inputs),
                   "expected": f64(scores)})

gmm = []
for dim, k, full in ((1, 1, False), (3, 2, False), (4, 3, True), (8, 4, True), (6, 5, False)):
    width = dim + 2
    select = list(range(1, dim + 1))
    mean = rng.normal(0, 1, dim).astype(np.float32)
    inv_scale = rng.uniform(0.5, 2, dim).astype(np.float32)
    weights = rng.dirichlet(np.ones(k))
    means = rng.normal(0, 1.5, (k, dim))
    covs = []
    for _ in range(k):
        if full:
            a = rng.normal(0, 1, (dim, dim))
            covs.append(a @ a.T / dim + 0.3 * np.eye(dim))
        else:
            covs.append(np.diag(rng.uniform(0.2, 2, dim)))
    inputs = rng.normal(0, 2, (20, width)).astype(np.float32)
    z = (inputs[:, select].astype(np.float64) - mean.astype(np.float64)) * inv_scale.astype(np.float64)
    logp = np.stack([np.log(weights[j]) + multivariate_normal(means[j], covs[j]).logpdf(z) for j in range(k)], 1)
    nll = -logsumexp(logp, axis=1).reshape(-1)
    gmm.append({"dim": dim, "k": k, "full": full, "width": width, "select": select, "mean": f32(mean),
                "inv_scale": f32(inv_scale), "weights": f64(weights), "means": f64(means),
                "covs": f64(np.stack(covs)) if full else f64(np.stack([np.diag(c) for c in covs])),
                "inputs": f32(inputs), "expected": f64(nll)})

# ROC AUC references (Mann-Whitney with ties), the same as sklearn.metrics.roc_auc_score.
auc = []
for n_pos, n_neg in ((5, 7), (30, 40), (3, 3)):
    pos = np.round(rng.normal(1, 1, n_pos), 1)
    neg = np.round(rng.normal(0, 1, n_neg), 1)
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    auc.append({"pos": f64(pos), "neg": f64(neg), "expected": float(greater / (n_pos * n_neg))})

pct = []
for n in (1, 2, 7, 100):
    v = rng.normal(0, 1, n)
    pct.append({"values": f64(v), "q": [0, 50, 90, 99, 100], "expected": f64(np.percentile(v, [0, 50, 90, 99, 100]))})

json.dump({"kmeans": kmeans, "gmm": gmm, "auc": auc, "percentile": pct}, open(sys.argv[1] + "/anomaly.json", "w"))
