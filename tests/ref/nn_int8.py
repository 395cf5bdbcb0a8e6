#!/usr/bin/python3
"""Independent numpy reference of mote's int8 kernels, written from the TFLite int8 quantization spec
(tensorflow/lite/kernels/internal/reference/integer_ops and gemmlowp fixedpoint), not from runtime/nn.

  nn_int8.py OUTDIR                       random kernel cases -> OUTDIR/nn_int8.json
  nn_int8.py --model QMODEL.json OUT.json run a quantized model (src/quant's JSON) on its int8 inputs

Every fixed-point result is also checked here against the same formula in float (within 1 LSB), so a
misread spec in this file fails loudly instead of agreeing with the C++."""
import json, math, sys
import numpy as np

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


# ---- TFLite / gemmlowp fixed point (vectorised over int64 numpy arrays holding int32 values) ----
def srdhm(a, b):
    a = np.asarray(a, dtype=np.int64); b = np.asarray(b, dtype=np.int64)
    ab = a * b
    t = ab + np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    q = np.where(t >= 0, t >> 31, -((-t) >> 31))  # division truncating toward zero
    return np.where((a == I32_MIN) & (b == I32_MIN), I32_MAX, q).astype(np.int64)


def rdbpot(x, e):
    x = np.asarray(x, dtype=np.int64); e = np.asarray(e, dtype=np.int64)
    mask = (np.int64(1) << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (x < 0)
    return (x >> e) + (rem > thr)


def wrap32(x):
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def mbqm(x, m, s):
    s = np.asarray(s, dtype=np.int64)
    left = np.maximum(s, 0); right = np.maximum(-s, 0)
    return rdbpot(srdhm(wrap32(np.asarray(x, dtype=np.int64) << left), m), right)


def quantize_multiplier(real):
    """TFLite QuantizeMultiplier: real = q * 2^(shift - 31), q in [2^30, 2^31)."""
    if real == 0.0:
        return 0, 0
    frac, shift = math.frexp(real)
    q = int(math.floor(abs(frac) * (1 << 31) + 0.5)) * (1 if frac > 0 else -1)  # std::round: half away
    if q == (1 << 31):
        q //= 2; shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        shift, q = 30, (1 << 31) - 1
    return q, shift


def real_multiplier(q, s):
    return q * 2.0 ** (s - 31)


def check_close(name, got, acc, mults, shifts, zp, lo, hi):
    """got must be within 1 LSB of clamp(round(acc * M) + zp) computed in float."""
    M = np.array([real_multiplier(int(q), int(s)) for q, s in zip(np.ravel(mults), np.ravel(shifts))])
    f = np.clip(np.round(acc * np.broadcast_to(M, acc.shape)) + zp, lo, hi)
    assert np.max(np.abs(f - got)) <= 1, f"{name}: fixed point disagrees with float by > 1 LSB"


# ---- kernels, HWC ----
def requant(acc, mult, shift, zp, lo, hi):
    return np.clip(mbqm(acc, mult, shift) + zp, lo, hi).astype(np.int64)


def fully_connected(p, x, w, b, mult, shift):
    W = np.asarray(w, np.int64).reshape(p["output_size"], p["input_size"])
    acc = W @ (np.asarray(x, np.int64) + p["input_offset"]) + np.asarray(b, np.int64)
    out = requant(acc, np.array(mult), np.array(shift), p["output_offset"], p["act_min"], p["act_max"])
    check_close("fully_connected", out, acc, mult, shift, p["output_offset"], p["act_min"], p["act_max"])
    return out


def windows(p):
    """(oy, ox) -> list of (ky, kx, iy, ix) taps inside the input."""
    ih, iw = p["input"][0], p["input"][1]
    for oy in range(p["output"][0]):
        for ox in range(p["output"][1]):
            taps = []
            for ky in range(p["kernel_h"]):
                for kx in range(p["kernel_w"]):
                    iy = oy * p["stride_h"] - p["pad_h"] + ky; ix = ox * p["stride_w"] - p["pad_w"] + kx
                    if 0 <= iy < ih and 0 <= ix < iw:
                        taps.append((ky, kx, iy, ix))
            yield oy, ox, taps


def conv2d(p, x, w, b, mult, shift, depthwise=False):
    ih, iw, ic = p["input"]; oh, ow, oc = p["output"]
    X = np.asarray(x, np.int64).reshape(ih, iw, ic) + p["input_offset"]
    if depthwise:
        W = np.asarray(w, np.int64).reshape(p["kernel_h"], p["kernel_w"], oc)
        X = np.repeat(X, p["depth_multiplier"], axis=2)  # output channel o reads input channel o // m
    else:
        W = np.asarray(w, np.int64).reshape(oc, p["kernel_h"], p["kernel_w"], ic)
    acc = np.zeros((oh, ow, oc), np.int64) + np.asarray(b, np.int64)
    for oy, ox, taps in windows(p):
        for ky, kx, iy, ix in taps:
            acc[oy, ox] += X[iy, ix] * W[ky, kx] if depthwise else W[:, ky, kx, :] @ X[iy, ix]
    out = requant(acc, np.array(mult), np.array(shift), p["output_offset"], p["act_min"], p["act_max"])
    check_close("conv", out, acc, mult, shift, p["output_offset"], p["act_min"], p["act_max"])
    return out.ravel()


def pool(p, x, kind):
    ih, iw, c = p["input"]
    X = np.asarray(x, np.int64).reshape(ih, iw, c)
    out = np.zeros((p["output"][0], p["output"][1], c), np.int64)
    for oy, ox, taps in windows(p):
        vals = np.array([X[iy, ix] for _, _, iy, ix in taps])
        if kind == "max":
            out[oy, ox] = vals.max(axis=0)
        else:
            s = vals.sum(axis=0); n = len(taps)
            out[oy, ox] = np.where(s > 0, (s + n // 2) // n, -((-(s - n // 2)) // n))  # C truncation
            assert np.all(np.abs(out[oy, ox] - s / n) <= 0.5 + 1e-9), "avg pool rounding"
    return np.clip(out, p["act_min"], p["act_max"]).ravel()


def add(p, x1, x2):
    a = wrap32((np.asarray(x1, np.int64) + p["input1_offset"]) << p["left_shift"])
    b = wrap32((np.asarray(x2, np.int64) + p["input2_offset"]) << p["left_shift"])
    s = mbqm(a, p["input1_multiplier"], p["input1_shift"]) + mbqm(b, p["input2_multiplier"], p["input2_shift"])
    out = np.clip(mbqm(s, p["output_multiplier"], p["output_shift"]) + p["output_offset"], p["act_min"], p["act_max"])
    real = (real_multiplier(p["input1_multiplier"], p["input1_shift"]) * (np.asarray(x1) + p["input1_offset"]) +
            real_multiplier(p["input2_multiplier"], p["input2_shift"]) * (np.asarray(x2) + p["input2_offset"]))
    f = np.clip(np.round(real * 2.0 ** p["left_shift"] * real_multiplier(p["output_multiplier"], p["output_shift"]))
                + p["output_offset"], p["act_min"], p["act_max"])
    assert np.max(np.abs(f - out)) <= 1, "add: fixed point disagrees with float"
    return out


def mean_count_multiplier(mult, shift, n):
    """TFLite Micro's int8 MEAN folds 1/n into input_scale / output_scale's (multiplier, shift):
    k = min(floor(log2 n), 32, 31 + shift), multiplier' = floor(multiplier * 2^k / n), shift' = shift - k."""
    k = min(n.bit_length() - 1, 32, 31 + shift)
    return (mult << k) // n, shift - k


def mean(p, x):
    """Mean over height and width: the int32 sum of each channel minus zero point * n, requantized by
    the count-folded multiplier, plus the output zero point, clamped."""
    h, w, c = p["input"]; n = h * w
    X = np.asarray(x, np.int64).reshape(n, c)
    acc = X.sum(axis=0) + p["input_offset"] * n
    assert np.all(np.abs(acc) < (1 << 31)), "mean: sum leaves int32"
    m, s = mean_count_multiplier(p["multiplier"], p["shift"], n)
    out = np.clip(mbqm(acc, m, s) + p["output_offset"], p["act_min"], p["act_max"])
    f = np.clip(np.round(acc / n * real_multiplier(p["multiplier"], p["shift"])) + p["output_offset"],
                p["act_min"], p["act_max"])
    assert np.max(np.abs(f - out)) <= 1, "mean: fixed point disagrees with float by > 1 LSB"
    return out.ravel()


# gemmlowp fixed-point exp and reciprocal, scalar Python ints (raw int32 values).
def _i32(v):
    return int(wrap32(v))


def _mul(a, b):
    return int(srdhm(a, b))


def _rd(x, e):
    return int(rdbpot(x, e))


def _sat_shl(x, e):
    thr = (1 << (31 - e)) - 1
    return I32_MAX if x > thr else I32_MIN if x < -thr else _i32(x << e)


def _exp_quarter(a):  # exp on [-1/4, 0), Q0.31
    x = _i32(a + (1 << 28))
    x2 = _mul(x, x); x3 = _mul(x2, x); x4 = _mul(x2, x2)
    poly = _rd(_i32(_mul(_i32(_rd(x4, 2) + x3), 715827883) + x2), 1)
    return _i32(1895147668 + _mul(1895147668, _i32(x + poly)))


def exp_neg_q5(a):  # exp(a), a <= 0 in Q5.26 -> Q0.31
    if a == 0:
        return I32_MAX
    quarter = 1 << 24
    amq = _i32((a & (quarter - 1)) - quarter)
    r = _exp_quarter(_sat_shl(amq, 5))
    rem = _i32(amq - a)
    for e, m in zip(range(-2, 5), [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242]):
        assert m == int(round(math.exp(-2.0 ** e) * 2 ** 31))
        if rem & (1 << (26 + e)):
            r = _mul(r, m)
    return r


def one_over_one_plus_x(a):  # Q0.31 -> Q0.31
    s = a + I32_MAX
    half = (s + (1 if s >= 0 else -1)) // 2 if s >= 0 else -((-(s - 1)) // 2)
    x = _i32(1515870810 + _mul(half, -1010580540))
    for _ in range(3):
        x = _i32(x + _sat_shl(_mul(x, _i32((1 << 29) - _mul(half, x))), 2))
    return _sat_shl(x, 1)


def softmax_params(input_scale):
    real = min(input_scale * (1 << 26), (1 << 31) - 1.0)
    q, left = quantize_multiplier(real)
    assert left >= 0
    radius = math.floor(((1 << 5) - 1) * (1 << 26) / (1 << left))
    return {"input_multiplier": q, "input_left_shift": left, "diff_min": -int(radius)}


def softmax(p, x, input_scale=None):
    X = np.asarray(x, np.int64).reshape(p["rows"], p["depth"])
    out = np.zeros_like(X)
    for r in range(p["rows"]):
        mx = int(X[r].max())
        exps = {}
        total = 0
        for c in range(p["depth"]):
            d = int(X[r, c]) - mx
            if d >= p["diff_min"]:
                exps[c] = exp_neg_q5(_mul(_i32(d << p["input_left_shift"]), p["input_multiplier"]))
                total = _i32(total + _rd(exps[c], 12))
        clz = 32 - total.bit_length()
        over = 12 - clz
        scale = one_over_one_plus_x(_i32(((total << clz) & 0xFFFFFFFF) - (1 << 31)))
        for c in range(p["depth"]):
            out[r, c] = -128 if c not in exps else min(max(_rd(_mul(scale, exps[c]), over + 31 - 8) - 128, -128), 127)
        if input_scale is not None:  # the float softmax, quantized at 1/256 - 128
            z = (X[r] - mx) * input_scale
            f = np.clip(np.round(np.exp(z) / np.exp(z).sum() * 256) - 128, -128, 127)
            assert np.max(np.abs(f - out[r])) <= 2, f"softmax: fixed point disagrees with float {f} {out[r]}"
    return out.ravel()


def quantize(p, x):
    """float32 x / scale (IEEE single), rounded half away from zero, plus the zero point, clamped."""
    v = (np.asarray(x, np.float32) / np.float32(p["scale"])).astype(np.float64)
    r = np.sign(v) * np.floor(np.abs(v) + 0.5)
    return np.clip(r + p["zero_point"], -128, 127).astype(np.int64)


def quantize_affine(p, x):
    """x[select[i]] * gain[i % period] + offset[i % period], each a float32 operation, rounded half away from zero,
    plus the zero point, clamped."""
    x = np.asarray(x, np.float32)
    if p["select"]:
        x = x[np.asarray(p["select"])]
    k = np.arange(p["size"]) % p["period"]
    scaled = x * np.asarray(p["gain"], np.float32)[k]  # float32 * float32 -> float32, rounded once
    v = (scaled + np.asarray(p["offset"], np.float32)[k]).astype(np.float64)
    # the float formula's result is exact (check it in float64 within one float32 rounding per step)
    ref = x.astype(np.float64) * np.asarray(p["gain"], np.float64)[k] + np.asarray(p["offset"], np.float64)[k]
    assert np.all(np.abs(v - ref) <= 1e-5 * np.maximum(1, np.abs(ref))), "quantize_affine: float32 steps disagree"
    r = np.sign(v) * np.floor(np.abs(v) + 0.5)
    return np.clip(r + p["zero_point"], -128, 127).astype(np.int64)


# ---- random cases ----
rng = np.random.default_rng(20261125)


def i8(n, lo=-128, hi=127):
    return rng.integers(lo, hi + 1, n).tolist()


def zero_point():
    return int(rng.choice([-128, 127, 0])) if rng.random() < 0.3 else int(rng.integers(-128, 128))


def activation(zp=0):
    """None (full int8), ReLU (from the zero point up) or ReLU6-like (zero point to zp + 6 / scale)."""
    r = rng.random()
    if r < 0.5 or zp > 60:
        return -128, 127
    if r < 0.75:
        return zp, 127
    return zp, int(min(127, zp + rng.integers(20, 120)))


def channel_quant(n_out, dot_len, in_zp, saturate):
    """Per-channel multipliers sized so outputs spread over ~+-40 LSB (or saturate), bias ~ half an accumulator."""
    in_scale = rng.uniform(0.01, 0.1)
    w_scale = rng.uniform(0.002, 0.05, n_out)
    acc_std = math.sqrt(dot_len * 5376.0 * (5461.0 + (in_zp + 0.5) ** 2))  # uniform int8 x and w
    out_scale = in_scale * w_scale.mean() * acc_std / (800 if saturate else rng.uniform(25, 60))
    bias = np.round(rng.normal(0, 0.5 * acc_std, n_out)).astype(np.int64)
    qs = [quantize_multiplier(in_scale * ws / out_scale) for ws in w_scale]
    return bias.tolist(), [q for q, _ in qs], [s for _, s in qs]


def same_or_valid(n, k, s, same):
    if same:
        out = (n + s - 1) // s
        return out, max((out - 1) * s + k - n, 0) // 2
    return (n - k) // s + 1, 0


cases = []


def conv_case(name, ih, iw, ic, oc_or_m, kh, kw, sh, sw, same, depthwise=False, saturate=False):
    oh, ph = same_or_valid(ih, kh, sh, same); ow, pw = same_or_valid(iw, kw, sw, same)
    oc = ic * oc_or_m if depthwise else oc_or_m
    zo = zero_point(); lo, hi = activation(zo); zi = zero_point()
    p = {"input": [ih, iw, ic], "output": [oh, ow, oc], "kernel_h": kh, "kernel_w": kw, "stride_h": sh,
         "stride_w": sw, "pad_h": ph, "pad_w": pw, "input_offset": -zi, "output_offset": zo,
         "act_min": lo, "act_max": hi}
    if depthwise:
        p["depth_multiplier"] = oc_or_m
    dot = kh * kw * (1 if depthwise else ic)
    bias, mult, shift = channel_quant(oc, dot, zi, saturate)
    x = i8(ih * iw * ic); w = i8(kh * kw * oc * (1 if depthwise else ic), -127, 127)
    out = conv2d(p, x, w, bias, mult, shift, depthwise)
    cases.append({"kernel": "depthwise_conv2d" if depthwise else "conv2d", "name": name, "params": p, "input": x,
                  "weights": w, "bias": bias, "multiplier": mult, "shift": shift, "expected": out.tolist()})


def conv_extreme_case(name, ih, iw, ic, oc, k, mixed=True):
    """A VALID k x k convolution at |x + offset| = 255, |w| = 127: the largest accumulators of the paired-row DSP
    path, each channel's multiplier mapping it to about +-100 (no saturation to hide a wrong accumulator)."""
    p = {"input": [ih, iw, ic], "output": [ih - k + 1, iw - k + 1, oc], "kernel_h": k, "kernel_w": k,
         "stride_h": 1, "stride_w": 1, "pad_h": 0, "pad_w": 0, "input_offset": -127, "output_offset": 0,
         "act_min": -128, "act_max": 127}
    x = [-128] * (ih * iw * ic)
    W = np.empty((oc, k * k * ic), np.int64)
    for r in range(oc):
        W[r] = 127 if r % 3 == 0 else (-127 if r % 3 == 1 or not mixed else rng.choice([-127, 127], k * k * ic))
    peak = np.abs(W.sum(axis=1)) * 255
    qs = [quantize_multiplier(100.0 / max(int(a), 1)) for a in peak]
    w = W.reshape(-1).tolist()
    bias = [0] * oc
    mult, shift = [q for q, _ in qs], [s for _, s in qs]
    out = conv2d(p, x, w, bias, mult, shift)
    cases.append({"kernel": "conv2d", "name": name, "params": p, "input": x, "weights": w, "bias": bias,
                  "multiplier": mult, "shift": shift, "expected": out.tolist()})


def conv_shift_case(name, shifts, output_offset, ih=3, iw=7, ic=20, k=3):
    """A VALID k x k convolution, full int8 range, one channel per entry of `shifts`: the M4 row-pair pass folds
    the output offset into the rounding word for shifts in [-22, -2] and leaves the layer to C otherwise. Each
    bias sits about +-40 outputs away so the largest shifts still round visibly; random x and w move it by ~10."""
    p = {"input": [ih, iw, ic], "output": [ih - k + 1, iw - k + 1, len(shifts)], "kernel_h": k, "kernel_w": k,
         "stride_h": 1, "stride_w": 1, "pad_h": 0, "pad_w": 0, "input_offset": int(rng.integers(-127, 129)),
         "output_offset": output_offset, "act_min": -128, "act_max": 127}
    x = i8(ih * iw * ic)
    # weights up to about 10 outputs of spread per channel (|x + offset| <= 255 over k*k*ic taps)
    limit = [int(np.clip(round(10 * 2.0 ** (-s) / (math.sqrt(k * k * ic) * 85)), 1, 127)) for s in shifts]
    w = [int(v) for lim in limit for v in rng.integers(-lim, lim + 1, k * k * ic)]
    mult = [int(rng.integers(1 << 30, 1 << 31)) for _ in shifts]
    bias = [int(round(rng.uniform(-40, 40) * 2.0 ** (-s))) for s in shifts]
    out = conv2d(p, x, w, bias, mult, list(shifts))
    cases.append({"kernel": "conv2d", "name": name, "params": p, "input": x, "weights": w, "bias": bias,
                  "multiplier": mult, "shift": list(shifts), "expected": out.tolist()})


def fc_case(name, n_in, n_out, saturate=False, no_bias=False):
    zo = zero_point(); lo, hi = activation(zo); zi = zero_point()
    p = {"input_size": n_in, "output_size": n_out, "input_offset": -zi, "output_offset": zo,
         "act_min": lo, "act_max": hi}
    bias, mult, shift = channel_quant(n_out, n_in, zi, saturate)
    if no_bias:
        bias = [0] * n_out
    x = i8(n_in); w = i8(n_in * n_out, -127, 127)
    out = fully_connected(p, x, w, bias, mult, shift)
    cases.append({"kernel": "fully_connected", "name": name, "params": p, "input": x, "weights": w, "bias": bias,
                  "multiplier": mult, "shift": shift, "expected": out.tolist()})


def fc_fold_case(name, n_in, shifts, output_offset):
    """Full int8 range, one row per entry of `shifts`: fully_connected_s8_fast's table folds the output offset
    into the rounding word for shifts in [-22, -2]. Biases about +-40 outputs away, weights sized for ~10 more."""
    zi = zero_point()
    p = {"input_size": n_in, "output_size": len(shifts), "input_offset": -zi, "output_offset": output_offset,
         "act_min": -128, "act_max": 127}
    x = i8(n_in)
    limit = [int(np.clip(round(10 * 2.0 ** (-s) / (math.sqrt(n_in) * 85)), 1, 127)) for s in shifts]
    w = [int(v) for lim in limit for v in rng.integers(-lim, lim + 1, n_in)]
    mult = [int(rng.integers(1 << 30, 1 << 31)) for _ in shifts]
    bias = [int(round(rng.uniform(-40, 40) * 2.0 ** (-s))) for s in shifts]
    out = fully_connected(p, x, w, bias, mult, list(shifts))
    cases.append({"kernel": "fully_connected", "name": name, "params": p, "input": x, "weights": w, "bias": bias,
                  "multiplier": mult, "shift": list(shifts), "expected": out.tolist()})


def fc_extreme_case(name, n_in, n_out, mixed=True):
    """|x + offset| = 255 and |w| = 127 throughout: the largest accumulators the paired-row DSP path must
    recover exactly; multipliers map each row to about +-100 so a wrong accumulator cannot hide in saturation."""
    p = {"input_size": n_in, "output_size": n_out, "input_offset": -127, "output_offset": 0,
         "act_min": -128, "act_max": 127}
    x = [-128] * n_in
    W = np.empty((n_out, n_in), np.int64)
    for r in range(n_out):
        W[r] = 127 if r % 3 == 0 else (-127 if r % 3 == 1 or not mixed else rng.choice([-127, 127], n_in))
    acc = W @ (np.asarray(x, np.int64) - 127)
    qs = [quantize_multiplier(100.0 / max(abs(int(a)), 1)) for a in acc]
    bias = [0] * n_out
    mult, shift = [q for q, _ in qs], [s for _, s in qs]
    w = W.reshape(-1).tolist()
    out = fully_connected(p, x, w, bias, mult, shift)
    cases.append({"kernel": "fully_connected", "name": name, "params": p, "input": x, "weights": w, "bias": bias,
                  "multiplier": mult, "shift": shift, "expected": out.tolist()})


def pool_case(name, kind, ih, iw, c, kh, kw, sh, sw, same, full_range=False):
    oh, ph = same_or_valid(ih, kh, sh, same); ow, pw = same_or_valid(iw, kw, sw, same)
    lo, hi = (-128, 127) if full_range else activation(int(rng.integers(-128, 0)))
    p = {"input": [ih, iw, c], "output": [oh, ow, c], "kernel_h": kh, "kernel_w": kw, "stride_h": sh,
         "stride_w": sw, "pad_h": ph, "pad_w": pw, "act_min": lo, "act_max": hi}
    x = i8(ih * iw * c)
    cases.append({"kernel": kind + "_pool2d", "name": name, "params": p, "input": x,
                  "expected": pool(p, x, kind).tolist()})


def add_case(name, n):
    s1, s2 = rng.uniform(0.01, 0.2, 2); so = (s1 + s2) * rng.uniform(0.5, 2)
    tw = 2 * max(s1, s2)
    m1, sh1 = quantize_multiplier(s1 / tw); m2, sh2 = quantize_multiplier(s2 / tw)
    mo, sho = quantize_multiplier(tw / ((1 << 20) * so))
    zo = zero_point(); lo, hi = activation(zo)
    p = {"size": n, "input1_offset": -zero_point(), "input2_offset": -zero_point(), "left_shift": 20,
         "input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2, "input2_shift": sh2,
         "output_multiplier": mo, "output_shift": sho, "output_offset": zo, "act_min": lo, "act_max": hi}
    x1, x2 = i8(n), i8(n)
    cases.append({"kernel": "add", "name": name, "params": p, "input": x1, "input2": x2,
                  "expected": add(p, x1, x2).tolist()})


def mean_case(name, h, w, c, ratio, zi=None, zo=None, full_range=True, x=None):
    """ratio = input_scale / output_scale (> 1: a positive shift; tiny: the shift clamp 31 + shift binds)."""
    zi = zero_point() if zi is None else zi
    zo = zero_point() if zo is None else zo
    lo, hi = (-128, 127) if full_range else activation(zo)
    m, sh = quantize_multiplier(ratio)
    p = {"input": [h, w, c], "input_offset": -zi, "output_offset": zo, "multiplier": m, "shift": sh,
         "act_min": lo, "act_max": hi}
    x = i8(h * w * c) if x is None else x
    cases.append({"kernel": "mean", "name": name, "params": p, "input": x, "expected": mean(p, x).tolist()})


def softmax_case(name, rows, depth, scale, spread=127):
    p = {"rows": rows, "depth": depth, **softmax_params(scale)}
    x = i8(rows * depth, -spread - 1, spread)
    cases.append({"kernel": "softmax", "name": name, "params": p, "input_scale": scale, "input": x,
                  "expected": softmax(p, x, scale).tolist()})


def quantize_case(name, n, scale, exact_halves=False):
    zp = zero_point()
    x = (rng.normal(0, 40, n) * scale).astype(np.float32)
    if exact_halves:  # scale a power of two: x / scale lands exactly on k + 0.5
        x = ((rng.integers(-150, 150, n) + 0.5) * scale).astype(np.float32)
    p = {"size": n, "scale": float(np.float32(scale)), "zero_point": zp}
    cases.append({"kernel": "quantize", "name": name, "params": p, "input_f32": [float(v) for v in x],
                  "expected": quantize(p, x).tolist()})


def quantize_affine_case(name, n, period, select=False, halves=False):
    """Channels of very different units (as raw g beside deg/s) mapped to about [-1, 1] at scale 2/255."""
    zp = zero_point()
    spread = 10.0 ** rng.uniform(-2, 3, period)
    x = (rng.normal(0, 1, n + (7 if select else 0)) * np.resize(spread, n + (7 if select else 0))).astype(np.float32)
    gain = (127.5 / (3 * spread)).astype(np.float32)
    offset = rng.uniform(-20, 20, period).astype(np.float32)
    if halves:  # gains of powers of two and offsets of k + 0.5: products land exactly on ties
        gain = (2.0 ** rng.integers(-3, 3, period)).astype(np.float32)
        offset = np.full(period, 0.5, np.float32)
        x = (rng.integers(-200, 200, n) / np.resize(gain, n)).astype(np.float32)
    sel = rng.permutation(len(x))[:n].tolist() if select else []
    p = {"size": n, "period": period, "gain": [float(v) for v in gain], "offset": [float(v) for v in offset],
         "zero_point": zp, "select": sel}
    cases.append({"kernel": "quantize_affine", "name": name, "params": p, "input_f32": [float(v) for v in x],
                  "expected": quantize_affine(p, x).tolist()})


def make_cases():
    # Odd sizes, SAME/VALID, strides, 1-D (h = 1), saturation, extreme zero points.
    fc_case("fc_1x1", 1, 1); fc_case("fc_odd", 7, 5); fc_case("fc_33x20", 33, 20); fc_case("fc_big", 130, 9)
    fc_case("fc_saturate", 17, 6, saturate=True); fc_case("fc_nobias", 12, 3, no_bias=True)
    fc_case("fc_long", 600, 7)  # more than one 256-input chunk of the paired-row DSP path
    fc_extreme_case("fc_extreme_256", 256, 6); fc_extreme_case("fc_extreme_600", 600, 5)
    fc_extreme_case("fc_extreme_groups", 255, 9, mixed=False)  # the M4's whole-group assembly path (shifts <= -2)
    fc_extreme_case("fc_extreme_narrow", 3, 6, mixed=False)  # the assembly with no block, only the tail
    conv_case("conv1d_same", 1, 49, 13, 8, 1, 3, 1, 1, True); conv_case("conv1d_valid_s2", 1, 24, 8, 6, 1, 3, 1, 2, False)
    conv_case("conv2d_same_s2", 10, 9, 3, 4, 3, 3, 2, 2, True); conv_case("conv2d_valid", 7, 6, 5, 3, 2, 3, 1, 2, False)
    conv_case("conv2d_1x1", 4, 4, 16, 7, 1, 1, 1, 1, False); conv_case("conv2d_k5_same", 6, 7, 2, 5, 5, 5, 1, 1, True)
    conv_case("conv2d_saturate", 5, 5, 4, 3, 3, 3, 1, 1, True, saturate=True)
    conv_case("conv2d_s3_same", 8, 11, 3, 2, 3, 2, 3, 3, True)
    conv_case("conv2d_long", 2, 3, 300, 5, 1, 1, 1, 1, False)  # a 300-tap dot product: two chunks of row pairs
    conv_extreme_case("conv2d_extreme", 3, 4, 40, 5, 3)  # 360 taps at the largest magnitudes
    conv_extreme_case("conv2d_extreme_rows", 3, 5, 28, 7, 3, mixed=False)  # 252 taps, 3 pixels: the M4 row-pair pass
    conv_case("dw_same_m1", 8, 8, 16, 1, 3, 3, 1, 1, True, depthwise=True)
    conv_case("dw_odd_m1", 5, 7, 7, 1, 3, 3, 2, 2, True, depthwise=True)
    conv_case("dw_m2", 10, 9, 4, 2, 3, 3, 1, 1, True, depthwise=True)
    conv_case("dw_m3_valid", 6, 5, 3, 3, 2, 3, 1, 2, False, depthwise=True)
    conv_case("dw_1d", 1, 30, 6, 1, 1, 5, 1, 1, True, depthwise=True)
    conv_case("dw_saturate", 4, 4, 8, 1, 3, 3, 1, 1, True, depthwise=True, saturate=True)
    pool_case("max_2x2", "max", 8, 8, 5, 2, 2, 2, 2, False); pool_case("max_same_odd", "max", 7, 5, 3, 3, 3, 2, 2, True)
    pool_case("max_1d", "max", 1, 49, 8, 1, 2, 1, 2, True)
    pool_case("avg_2x2", "avg", 8, 8, 5, 2, 2, 2, 2, False); pool_case("avg_same_odd", "avg", 7, 5, 3, 3, 3, 2, 2, True)
    pool_case("avg_1d", "avg", 1, 25, 6, 1, 3, 1, 2, True); pool_case("avg_global", "avg", 4, 6, 9, 4, 6, 1, 1, False)
    quantize_case("quantize_features", 33, 0.0371); quantize_case("quantize_halves", 40, 0.25, exact_halves=True)
    quantize_affine_case("quantize_affine_raw6", 6 * 20, 6); quantize_affine_case("quantize_affine_features", 35, 35)
    quantize_affine_case("quantize_affine_select", 30, 30, select=True)
    quantize_affine_case("quantize_affine_halves", 48, 4, halves=True)
    add_case("add_odd", 37); add_case("add_1", 1); add_case("add_128", 128)
    softmax_case("softmax_3", 1, 3, 0.1); softmax_case("softmax_10", 1, 10, 0.05)
    softmax_case("softmax_rows", 3, 7, 0.2); softmax_case("softmax_sharp", 1, 6, 0.5)
    softmax_case("softmax_flat", 1, 12, 0.004, spread=10); softmax_case("softmax_1", 1, 1, 0.1)
    softmax_case("softmax_wide", 2, 40, 0.08)  # rows longer than the kernel's exp cache
    # Random shapes on top: any size, kernel, stride and padding mode.
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))
    for i in range(6):
        ih, iw = r(1, 9), r(1, 12); kh, kw = r(1, min(ih, 4)), r(1, min(iw, 4))
        conv_case(f"conv2d_random{i}", ih, iw, r(1, 9), r(1, 7), kh, kw, r(1, 3), r(1, 3), bool(rng.random() < 0.5))
        conv_case(f"dw_random{i}", ih, iw, r(1, 9), r(1, 3), kh, kw, r(1, 3), r(1, 3), bool(rng.random() < 0.5),
                  depthwise=True)
        fc_case(f"fc_random{i}", r(1, 70), r(1, 12))
        pool_case(f"max_random{i}", "max", ih, iw, r(1, 6), kh, kw, r(1, 3), r(1, 3), bool(rng.random() < 0.5))
        pool_case(f"avg_random{i}", "avg", ih, iw, r(1, 6), kh, kw, r(1, 3), r(1, 3), bool(rng.random() < 0.5))
    # The demo classifier's layer shapes (105 -> 20 -> 10 -> 4), for per-layer instructions/MAC on the M4.
    fc_case("fc_demo_105x20", 105, 20); fc_case("fc_demo_20x10", 20, 10); fc_case("fc_demo_10x4", 10, 4)
    # The M4 row-pair pass's folded output offset at both ends of its shift range, 5 pixels (a lone last one)
    # and an odd last channel; then one shift past the range, which leaves the layer to the C path.
    fold = [-2, -3, -6, -9, -13, -17, -20, -21, -22, -22, -12]
    conv_shift_case("conv2d_fold_low", fold, -128); conv_shift_case("conv2d_fold_high", fold, 127)
    conv_shift_case("conv2d_fold_mid", fold, 37); conv_shift_case("conv2d_fold_past", fold[:9] + [-23, -22], -5)
    # fully_connected_s8_fast's folded offsets over every group shape (4 + 2 + 1 rows, 2 + 1, 1) and input tails.
    fc_fold_case("fc_fold_low", 103, [-2, -5, -9, -13, -17, -20, -22], -128)
    fc_fold_case("fc_fold_high", 66, [-22, -21, -3, -12, -2, -8, -15], 127)
    fc_fold_case("fc_fold_pair", 9, [-6, -22, -11], 19); fc_fold_case("fc_fold_one", 2, [-14], -77)
    fc_fold_case("fc_fold_past", 20, [-7, -23, -9, -10], 5)  # a shift past the fold: the general path
    # Max pools whose windows all lie inside, channels in whole words, full range: the word-wise path.
    pool_case("max_inside_1x2", "max", 1, 31, 16, 1, 2, 1, 2, False, full_range=True)
    pool_case("max_inside_2x1", "max", 6, 3, 8, 2, 1, 2, 1, False, full_range=True)
    pool_case("max_inside_2x2", "max", 6, 7, 4, 2, 2, 2, 2, False, full_range=True)
    pool_case("max_inside_3x3_s1", "max", 5, 6, 12, 3, 3, 1, 1, False, full_range=True)
    # A column of multipliers for the host's QuantizeMultiplier (src/quant).
    reals = [0.0, 1e-12, 0.5, 0.25, 0.999999999, 1.0, 1.5, 3.0, 123.456, 2.0 ** -31, 0.000123, 7e-10]
    reals += rng.uniform(1e-6, 4, 20).tolist()
    # MEAN over height and width (TFLM's arithmetic): ratios below, at and above 1, the shift clamp, 1-D, 1x1.
    mean_case("mean_7x7", 7, 7, 16, 0.83); mean_case("mean_same_scale", 5, 3, 10, 1.0)
    mean_case("mean_gain", 4, 4, 6, 5.7); mean_case("mean_1d", 1, 49, 8, 0.31)
    mean_case("mean_1x1", 1, 1, 5, 1.6); mean_case("mean_12x12", 12, 12, 3, 0.05, zi=-128, zo=-100)
    mean_case("mean_clamp", 7, 7, 4, 2.0 ** -29, zi=127, zo=-128)  # 31 + shift < log2(49): k clamps
    mean_case("mean_32x32", 32, 32, 4, 0.9, full_range=False); mean_case("mean_saturate", 3, 3, 9, 40.0)
    # Every value at an end of int8 over 289 pixels: the DSP path's int16 lanes take 255 pixels, then widen.
    mean_case("mean_extremes", 17, 17, 8, 0.5, zi=0, zo=0, x=[-128 if k % 8 < 4 else 127 for k in range(17 * 17 * 8)])
    for i in range(4):
        mean_case(f"mean_random{i}", r(1, 10), r(1, 10), r(1, 20), float(rng.uniform(0.05, 3)))
    # Channels beyond one Helium vector (16 int8 lanes): a partial last vector with padding and a narrow clamp,
    # whole vectors with every window inside.
    pool_case("max_c37_same", "max", 5, 6, 37, 3, 2, 2, 1, True)
    pool_case("max_c32_inside", "max", 4, 9, 32, 2, 2, 2, 2, False, full_range=True)
    # 16 rows and more (RISC-V's wide dense pass takes 16 rows at a time): even inputs, 16 + 1 rows; extremes.
    fc_case("fc_rows17_even", 64, 17)
    fc_extreme_case("fc_extreme_rows16", 130, 16)
    # RISC-V's passes step their pointers once per two input pairs: an odd count of pairs (7, then 7 and an odd
    # input) through the 16-, 8- and 4-row passes.
    fc_case("fc_rows28_odd_pairs", 14, 28)
    fc_case("fc_rows28_odd_pairs_odd", 15, 28)
    return {"cases": cases, "multipliers": [[r, *quantize_multiplier(r)] for r in reals]}


# ---- a whole quantized model (src/quant's JSON) ----
def run_model(qm, x):
    tensors = [np.asarray(x, np.int64).ravel()]  # the DAG: 0 = the input, k = layer k - 1's output
    for i, L in enumerate(qm["layers"]):
        ins = L.get("inputs", [i])
        x = tensors[ins[0]]
        op = L["op"]
        if op == "fully_connected":
            x = fully_connected(L, x, L["weights"], L["bias"], L["multiplier"], L["shift"])
        elif op in ("conv2d", "depthwise_conv2d"):
            x = conv2d(L, x, L["weights"], L["bias"], L["multiplier"], L["shift"], op == "depthwise_conv2d")
        elif op in ("max_pool2d", "avg_pool2d"):
            x = pool(L, x, op[:3])
        elif op == "softmax":
            x = softmax(L, x)
        elif op == "add":
            x = add(L, x, tensors[ins[1]])
        elif op == "mean":
            # the multiplier as TFLM's Prepare makes it from the two float32 scales, checked against the model's
            m, s = quantize_multiplier(float(L["input_quant"]["scale"]) / float(L["output_quant"]["scale"]))
            assert (m, s) == (L["multiplier"], L["shift"]), f"mean: multiplier {L['multiplier']}, {L['shift']} != {m}, {s}"
            x = mean({**L, "multiplier": m, "shift": s}, x)
        elif op != "reshape":
            raise SystemExit(f"nn_int8.py: unknown op {op}")
        tensors.append(np.asarray(x, np.int64).ravel())
    return [int(v) for v in tensors[-1]]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--model":
        qm = json.load(open(sys.argv[2]))
        json.dump({"outputs": [run_model(qm, x) for x in qm["inputs"]]}, open(sys.argv[3], "w"))
    elif len(sys.argv) == 2:
        json.dump(make_cases(), open(f"{sys.argv[1]}/nn_int8.json", "w"))
    else:
        raise SystemExit(__doc__)
