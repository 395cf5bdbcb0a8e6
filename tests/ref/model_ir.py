#!/usr/bin/python3
"""Golden data for src/compile/model (the float IR evaluator): random models in mote's IR JSON, run by
torch (NCHW, explicit TFLite-style 'same' padding). Writes <outdir>/model_ir.json."""
import json, sys
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(11)
torch.set_default_dtype(torch.float64)


def same_pad(n, k, s):
    out = (n + s - 1) // s
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def pad_hw(x, layer, h, w, value=0.0):
    if layer.get("padding") != "same":
        return x
    kh, kw = layer["kernel"]; sh, sw = layer["stride"]
    t, b = same_pad(h, kh, sh); l, r = same_pad(w, kw, sw)
    return F.pad(x, (l, r, t, b), value=value)


def act(x, a):
    return x.clamp(min=0) if a == "relu" else x.clamp(0, 6) if a == "relu6" else x


def run(model, x_hwc):
    x = torch.tensor(x_hwc, dtype=torch.float64).reshape(model["input"]).permute(2, 0, 1)[None]  # NCHW
    for L in model["layers"]:
        h, w = x.shape[2], x.shape[3]
        op = L["op"]
        if op == "fully_connected":
            flat = x[0].permute(1, 2, 0).reshape(-1)  # HWC order
            W = torch.tensor(L["weights"]).reshape(L["units"], -1)
            y = W @ flat + torch.tensor(L.get("bias", [0.0] * L["units"]))
            x = act(y, L.get("activation")).reshape(1, -1, 1, 1)
        elif op in ("conv2d", "depthwise_conv2d"):
            kh, kw = L["kernel"]; C = x.shape[1]
            xp = pad_hw(x, L, h, w)
            if op == "conv2d":
                W = torch.tensor(L["weights"]).reshape(L["units"], kh, kw, C).permute(0, 3, 1, 2)
                groups = 1
            else:
                m = L["depth_multiplier"]
                W = torch.tensor(L["weights"]).reshape(kh, kw, C * m).permute(2, 0, 1)[:, None]
                groups = C
            b = torch.tensor(L["bias"]) if "bias" in L else None
            x = act(F.conv2d(xp, W, b, stride=tuple(L["stride"]), groups=groups), L.get("activation"))
        elif op == "max_pool2d":
            x = act(F.max_pool2d(pad_hw(x, L, h, w, -np.inf), tuple(L["kernel"]), tuple(L["stride"])), L.get("activation"))
        elif op == "avg_pool2d":
            ones = torch.ones_like(x)
            s = F.avg_pool2d(pad_hw(x, L, h, w), tuple(L["kernel"]), tuple(L["stride"]))
            n = F.avg_pool2d(pad_hw(ones, L, h, w), tuple(L["kernel"]), tuple(L["stride"]))
            x = act(s / n, L.get("activation"))
        elif op == "reshape":
            x = x[0].permute(1, 2, 0).reshape(-1, 1, 1)[None]
        elif op == "softmax":
            x = torch.softmax(x.reshape(-1), 0).reshape(1, -1, 1, 1)
    return x[0].permute(1, 2, 0).reshape(-1).tolist()


def f32(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


def conv(units, k, s, pad, cin, a="relu"):
    return {"op": "conv2d", "units": units, "kernel": k, "stride": s, "padding": pad, "activation": a,
            "weights": f32(rng.normal(0, 0.4, units * k[0] * k[1] * cin)), "bias": f32(rng.normal(0, 0.1, units))}


def dense(units, n, a="none"):
    return {"op": "fully_connected", "units": units, "activation": a,
            "weights": f32(rng.normal(0, 0.3, units * n)), "bias": f32(rng.normal(0, 0.1, units))}


models = []
# Dense classifier, as on spectral features.
models.append({"input": [1, 1, 33], "labels": ["a", "b", "c"], "layers": [dense(20, 33, "relu"), dense(10, 20, "relu6"), dense(3, 10), {"op": "softmax"}]})
# 1-D conv over 49 frames x 13 coefficients, as on MFCC.
models.append({"input": [1, 49, 13], "labels": [str(i) for i in range(4)], "layers": [
    conv(8, [1, 3], [1, 1], "same", 13), {"op": "max_pool2d", "kernel": [1, 2], "stride": [1, 2], "padding": "same"},
    conv(6, [1, 3], [1, 2], "valid", 8, "relu6"), {"op": "avg_pool2d", "kernel": [1, 3], "stride": [1, 2], "padding": "same"},
    {"op": "reshape"}, dense(4, 6 * 6, "none"), {"op": "softmax"}]})
# 2-D conv + depthwise, as on images.
models.append({"input": [10, 9, 3], "labels": ["x", "y"], "layers": [
    conv(4, [3, 3], [2, 2], "same", 3),
    {"op": "depthwise_conv2d", "kernel": [3, 3], "stride": [1, 1], "padding": "same", "depth_multiplier": 2,
     "activation": "relu", "weights": f32(rng.normal(0, 0.4, 9 * 8)), "bias": f32(rng.normal(0, 0.1, 8))},
    {"op": "max_pool2d", "kernel": [2, 2], "stride": [2, 2], "padding": "valid"},
    {"op": "reshape"}, dense(2, 2 * 2 * 8), {"op": "softmax"}]})
cases = []
for m in models:
    size = int(np.prod(m["input"]))
    for _ in range(3):
        x = f32(rng.normal(0, 1, size))
        cases.append({"model": m, "input": x, "expected": run(m, x)})
json.dump({"cases": cases}, open(f"{sys.argv[1]}/model_ir.json", "w"))
