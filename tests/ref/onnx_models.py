#!/usr/bin/python3
"""Float32 ONNX models made with onnx.helper (Debian's python3-onnx), one or two per operator mote's ONNX reader
(src/compile/onnx_reader) imports, each checked by onnx.checker and run here by a small numpy evaluator written
from the ONNX operator specs (NCHW, explicit/auto pads, count_include_pad, opset-dependent Softmax), on fixed
random inputs. Usage: onnx_models.py OUTDIR. Writes OUTDIR/<case>.onnx and OUTDIR/onnx_models.json:
{"cases": [{"name", "file", "input_layout" (nchw|ncw|nhwc|flat), "output_layout" (nchw|flat), "input_shape",
"inputs": [[...] in ONNX order], "outputs": [[...] in ONNX order]}]}."""
import json, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

rng = np.random.default_rng(2024)
N_INPUTS = 24


# ---- numpy reference (ONNX semantics) ----

def resolve_pads(in_hw, k, s, pads, auto_pad):
    """pads as [top, left, bottom, right] (1-D: [left, right] mapped to h = 1)."""
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        res = []
        for n, kk, ss in zip(in_hw, k, s):
            out = -(-n // ss)
            total = max((out - 1) * ss + kk - n, 0)
            before = total // 2 if auto_pad == "SAME_UPPER" else total - total // 2
            res.append((before, total - before))
        return [res[0][0], res[1][0], res[0][1], res[1][1]]
    if auto_pad == "VALID":
        return [0, 0, 0, 0]
    return list(pads)


def windows(x, k, s, pads, fill):
    """x [C, H, W] padded with `fill`; yields (oy, ox, patch [C, kh, kw], mask of real taps)."""
    c, h, w = x.shape
    t, l, b, r = pads
    xp = np.full((c, h + t + b, w + l + r), fill, dtype=np.float64)
    xp[:, t:t + h, l:l + w] = x
    real = np.zeros((h + t + b, w + l + r), dtype=bool)
    real[t:t + h, l:l + w] = True
    oh = (h + t + b - k[0]) // s[0] + 1
    ow = (w + l + r - k[1]) // s[1] + 1
    for oy in range(oh):
        for ox in range(ow):
            ys, xs = oy * s[0], ox * s[1]
            yield oy, ox, oh, ow, xp[:, ys:ys + k[0], xs:xs + k[1]], real[ys:ys + k[0], xs:xs + k[1]]


def conv(x, wt, b, strides, pads, auto_pad, group):
    c = x.shape[0]
    o = wt.shape[0]
    k = wt.shape[2:]
    pads = resolve_pads(x.shape[1:], k, strides, pads, auto_pad)
    y = None
    cpg, opg = c // group, o // group
    for oy, ox, oh, ow, patch, _ in windows(x, k, strides, pads, 0.0):
        if y is None:
            y = np.zeros((o, oh, ow))
        for g in range(group):
            p = patch[g * cpg:(g + 1) * cpg]
            y[g * opg:(g + 1) * opg, oy, ox] = np.einsum("ichw,chw->i", wt[g * opg:(g + 1) * opg], p)
    if b is not None:
        y += b[:, None, None]
    return y


def pool(x, kind, k, strides, pads, auto_pad, count_include_pad=0):
    pads = resolve_pads(x.shape[1:], k, strides, pads, auto_pad)
    y = None
    fill = -np.inf if kind == "max" else 0.0
    for oy, ox, oh, ow, patch, real in windows(x, k, strides, pads, fill):
        if y is None:
            y = np.zeros((x.shape[0], oh, ow))
        if kind == "max":
            y[:, oy, ox] = patch.max(axis=(1, 2))
        else:
            n = real.size if count_include_pad else real.sum()
            y[:, oy, ox] = patch.sum(axis=(1, 2)) / n
    return y


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


# ---- model building ----

def w(*shape, scale=None):
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    return (rng.standard_normal(shape) * (scale or 1.0 / np.sqrt(fan_in))).astype(np.float32)


class G:
    """A graph under construction plus its numpy twin (x is the current NCHW/flat numpy value per input)."""

    def __init__(self, name, input_shape, input_layout):
        self.name, self.nodes, self.inits, self.input_shape, self.input_layout = name, [], [], input_shape, input_layout
        self.n = 0

    def fresh(self, base):
        self.n += 1
        return f"{base}{self.n}"

    def init(self, arr, base="w"):
        n = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), n))
        return n

    def node(self, op, ins, **attrs):
        y = self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, ins, [y], name=y, **attrs))
        return y

    def model(self, out, out_shape, opset):
        graph = helper.make_graph(self.nodes, self.name,
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, self.input_shape)],
                                  [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)], self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="onnx_models.py")
        onnx.checker.check_model(m, full_check=True)
        return m


cases = []


def add_case(name, input_shape, input_layout, output_layout, opset, build):
    """build(g) -> (onnx output name, output shape, fn(numpy input without batch) -> numpy output)."""
    g = G(name, input_shape, input_layout)
    out, out_shape, fn = build(g)
    m = g.model(out, out_shape, opset)
    fname = f"{name}.onnx"
    onnx.save(m, f"{outdir}/{fname}")
    xs = rng.standard_normal((N_INPUTS, *input_shape[1:])).astype(np.float32)
    ys = [np.asarray(fn(x.astype(np.float64)), dtype=np.float64).ravel() for x in xs]
    cases.append({"name": name, "file": fname, "input_layout": input_layout, "output_layout": output_layout,
                  "input_shape": input_shape, "opset": opset, "ops": sorted({n.op_type for n in m.graph.node}),
                  "inputs": [x.ravel().tolist() for x in xs], "outputs": [y.tolist() for y in ys]})


outdir = sys.argv[1]


def conv_same(g):  # 3x3, explicit symmetric pads 1, stride 1
    wt, b = w(4, 3, 3, 3), w(4, scale=0.1)
    y = g.node("Conv", ["x", g.init(wt), g.init(b, "b")], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    return y, [1, 4, 8, 8], lambda x: conv(x, wt, b, [1, 1], [1, 1, 1, 1], "NOTSET", 1)


def conv_same_upper_strided(g):  # stride 2 on an even size: the extra pixel after (TFLite SAME), + Relu
    wt, b = w(5, 3, 3, 3), w(5, scale=0.1)
    y = g.node("Conv", ["x", g.init(wt), g.init(b, "b")], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    y = g.node("Relu", [y])
    return y, [1, 5, 4, 5], lambda x: np.maximum(conv(x, wt, b, [2, 2], None, "SAME_UPPER", 1), 0)


def conv_asym_pads(g):  # explicit pads [0, 0, 1, 1] = SAME for stride 2 on 8x8; no bias
    wt = w(4, 2, 3, 3)
    y = g.node("Conv", ["x", g.init(wt)], strides=[2, 2], pads=[0, 0, 1, 1])
    return y, [1, 4, 4, 4], lambda x: conv(x, wt, None, [2, 2], [0, 0, 1, 1], "NOTSET", 1)


def conv_valid_clip(g):  # 3x2 kernel, strides (2, 1), VALID, Clip(0, 6) with min/max inputs (opset 11+)
    wt, b = w(6, 2, 3, 2, scale=1.5), w(6, scale=0.5)
    y = g.node("Conv", ["x", g.init(wt), g.init(b, "b")], kernel_shape=[3, 2], strides=[2, 1], auto_pad="VALID")
    y = g.node("Clip", [y, g.init(np.array(0, np.float32), "lo"), g.init(np.array(6, np.float32), "hi")])
    return y, [1, 6, 3, 5], lambda x: np.clip(conv(x, wt, b, [2, 1], [0, 0, 0, 0], "NOTSET", 1), 0, 6)


def depthwise(g):  # group = channels, depth multiplier 2, + Relu
    wt, b = w(8, 1, 3, 3), w(8, scale=0.1)
    y = g.node("Conv", ["x", g.init(wt), g.init(b, "b")], kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=4)
    y = g.node("Relu", [y])
    return y, [1, 8, 6, 6], lambda x: np.maximum(conv(x, wt, b, [1, 1], [1, 1, 1, 1], "NOTSET", 4), 0)


def gemm(g):  # Gemm transB 1 + Relu, Gemm transB 0 with alpha/beta, Softmax (opset 11: axis 1 of [1, N])
    w1, b1 = w(16, 12), w(16, scale=0.1)
    w2, b2 = w(16, 5), w(5, scale=0.1)
    y = g.node("Gemm", ["x", g.init(w1), g.init(b1, "b")], transB=1)
    y = g.node("Relu", [y])
    y = g.node("Gemm", [y, g.init(w2), g.init(b2, "b")], alpha=0.5, beta=2.0)
    y = g.node("Softmax", [y], axis=1)
    return y, [1, 5], lambda x: softmax(0.5 * (np.maximum(w1 @ x + b1, 0) @ w2) + 2.0 * b2)


def matmul_add(g):  # MatMul + Add (bias folded), Clip(0, 6) as attributes (opset 10), MatMul + Add, Softmax
    w1, b1 = w(10, 8, scale=0.8), w(8, scale=0.5)
    w2, b2 = w(8, 4), w(1, 4, scale=0.1)
    y = g.node("MatMul", ["x", g.init(w1)])
    y = g.node("Add", [y, g.init(b1, "b")])
    y = g.node("Clip", [y], min=0.0, max=6.0)
    y = g.node("MatMul", [y, g.init(w2)])
    y = g.node("Add", [g.init(b2, "b"), y])  # the constant first
    y = g.node("Softmax", [y])
    return y, [1, 4], lambda x: softmax(np.clip(x @ w1 + b1, 0, 6) @ w2 + b2[0])


def pools(g):  # MaxPool 2x2/2, AveragePool 3x3/1 pads 1 count_include_pad 0
    y = g.node("MaxPool", ["x"], kernel_shape=[2, 2], strides=[2, 2])
    y = g.node("AveragePool", [y], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0)
    return y, [1, 3, 4, 4], lambda x: pool(pool(x, "max", [2, 2], [2, 2], [0, 0, 0, 0], "NOTSET"), "avg", [3, 3],
                                            [1, 1], [1, 1, 1, 1], "NOTSET")


def pools_same(g):  # MaxPool 3x3/2 SAME_UPPER on 7x7, AveragePool 2x2/2 VALID
    y = g.node("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    y = g.node("AveragePool", [y], kernel_shape=[2, 2], strides=[2, 2])
    return y, [1, 3, 2, 2], lambda x: pool(pool(x, "max", [3, 3], [2, 2], None, "SAME_UPPER"), "avg", [2, 2], [2, 2],
                                            [0, 0, 0, 0], "NOTSET")


def global_avg_pool(g):  # Conv 1x1 + Relu, GlobalAveragePool, Flatten, Gemm, Softmax
    wc, bc = w(6, 3, 1, 1), w(6, scale=0.1)
    wg, bg = w(4, 6, scale=2.0), w(4, scale=0.1)
    y = g.node("Conv", ["x", g.init(wc), g.init(bc, "b")], kernel_shape=[1, 1])
    y = g.node("Relu", [y])
    y = g.node("GlobalAveragePool", [y])
    y = g.node("Flatten", [y])
    y = g.node("Gemm", [y, g.init(wg), g.init(bg, "b")], transB=1)
    y = g.node("Softmax", [y], axis=1)
    return y, [1, 4], lambda x: softmax(wg @ np.maximum(conv(x, wc, bc, [1, 1], [0] * 4, "NOTSET", 1), 0).mean(axis=(1, 2)) + bg)


def residual(g):  # conv-relu, conv, Add(both) + Relu, GlobalAveragePool, Squeeze (opset 13 axes input), Gemm
    wa, ba = w(4, 4, 3, 3), w(4, scale=0.1)
    wb, bb = w(4, 4, 3, 3), w(4, scale=0.1)
    wg, bg = w(3, 4, scale=2.0), w(3, scale=0.1)
    a = g.node("Conv", ["x", g.init(wa), g.init(ba, "b")], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    a = g.node("Relu", [a])
    b = g.node("Conv", [a, g.init(wb), g.init(bb, "b")], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    y = g.node("Add", [b, a])
    y = g.node("Relu", [y])
    y = g.node("GlobalAveragePool", [y])
    y = g.node("Squeeze", [y, g.init(np.array([2, 3], np.int64), "axes")])
    y = g.node("Gemm", [y, g.init(wg), g.init(bg, "b")], transB=1)

    def fn(x):
        av = np.maximum(conv(x, wa, ba, [1, 1], [1] * 4, "NOTSET", 1), 0)
        s = np.maximum(conv(av, wb, bb, [1, 1], [1] * 4, "NOTSET", 1) + av, 0)
        return wg @ s.mean(axis=(1, 2)) + bg
    return y, [1, 3], fn


def flatten_after_conv(g):  # the NCHW flatten: Gemm columns in CHW order; Dropout and Identity skipped
    wc, bc = w(4, 2, 3, 3), w(4, scale=0.1)
    wg, bg = w(5, 36), w(5, scale=0.1)
    y = g.node("Conv", ["x", g.init(wc), g.init(bc, "b")], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])
    y = g.node("Relu", [y])
    y = g.node("Dropout", [y])
    y = g.node("Flatten", [y], axis=1)
    y = g.node("Identity", [y])
    y = g.node("Gemm", [y, g.init(wg), g.init(bg, "b")], transB=1)
    y = g.node("Softmax", [y], axis=-1)
    return y, [1, 5], lambda x: softmax(wg @ np.maximum(conv(x, wc, bc, [2, 2], [0, 0, 1, 1], "NOTSET", 1), 0).ravel() + bg)


def reshape_after_pool(g):  # Conv, MaxPool, Reshape to [1, -1] by a Constant node's shape, MatMul + Add
    wc, bc = w(3, 3, 3, 3), w(3, scale=0.1)
    wm, bm = w(27, 4), w(4, scale=0.1)
    y = g.node("Conv", ["x", g.init(wc), g.init(bc, "b")], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    y = g.node("MaxPool", [y], kernel_shape=[2, 2], strides=[2, 2])
    shape = g.fresh("shape")
    g.nodes.append(helper.make_node("Constant", [], [shape], value=numpy_helper.from_array(np.array([1, -1], np.int64))))
    y = g.node("Reshape", [y, shape])
    y = g.node("MatMul", [y, g.init(wm)])
    y = g.node("Add", [y, g.init(bm, "b")])
    return y, [1, 4], lambda x: pool(conv(x, wc, bc, [1, 1], [1] * 4, "NOTSET", 1), "max", [2, 2], [2, 2], [0] * 4,
                                     "NOTSET").ravel() @ wm + bm


def conv1d(g):  # [1, C, W]: Conv1d k3 pads 1 + Relu, MaxPool k2 s2, Flatten, MatMul + Add, Softmax
    wc, bc = w(8, 13, 3), w(8, scale=0.1)
    wm, bm = w(8 * 24, 4), w(4, scale=0.1)
    y = g.node("Conv", ["x", g.init(wc), g.init(bc, "b")], kernel_shape=[3], pads=[1, 1])
    y = g.node("Relu", [y])
    y = g.node("MaxPool", [y], kernel_shape=[2], strides=[2])
    y = g.node("Flatten", [y])
    y = g.node("MatMul", [y, g.init(wm)])
    y = g.node("Add", [y, g.init(bm, "b")])
    y = g.node("Softmax", [y], axis=1)

    def fn(x):
        c = np.maximum(conv(x[:, None, :], wc[:, :, None, :], bc, [1, 1], [0, 1, 0, 1], "NOTSET", 1), 0)
        p = pool(c, "max", [1, 2], [1, 2], [0] * 4, "NOTSET")
        return softmax(p.ravel() @ wm + bm)
    return y, [1, 4], fn


def nhwc_transposes(g):  # tf2onnx style: NHWC input, Transpose to NCHW, Conv + Relu, Transpose back, flatten HWC
    wc, bc = w(4, 3, 3, 3), w(4, scale=0.1)
    wm, bm = w(4 * 4 * 4, 3), w(3, scale=0.1)
    y = g.node("Transpose", ["x"], perm=[0, 3, 1, 2])
    y = g.node("Conv", [y, g.init(wc), g.init(bc, "b")], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    y = g.node("Relu", [y])
    y = g.node("Transpose", [y], perm=[0, 2, 3, 1])
    y = g.node("Reshape", [y, g.init(np.array([1, 64], np.int64), "shape")])
    y = g.node("MatMul", [y, g.init(wm)])
    y = g.node("Add", [y, g.init(bm, "b")])

    def fn(x):  # x is [H, W, C]
        c = np.maximum(conv(x.transpose(2, 0, 1), wc, bc, [2, 2], None, "SAME_UPPER", 1), 0)
        return c.transpose(1, 2, 0).ravel() @ wm + bm
    return y, [1, 3], fn


add_case("conv_same", [1, 3, 8, 8], "nchw", "nchw", 13, conv_same)
add_case("conv_same_upper_strided", [1, 3, 8, 10], "nchw", "nchw", 13, conv_same_upper_strided)
add_case("conv_asym_pads", [1, 2, 8, 8], "nchw", "nchw", 9, conv_asym_pads)
add_case("conv_valid_clip", [1, 2, 8, 6], "nchw", "nchw", 12, conv_valid_clip)
add_case("depthwise", [1, 4, 6, 6], "nchw", "nchw", 13, depthwise)
add_case("gemm", [1, 12], "flat", "flat", 11, gemm)
add_case("matmul_add", [1, 10], "flat", "flat", 10, matmul_add)
add_case("pools", [1, 3, 8, 8], "nchw", "nchw", 13, pools)
add_case("pools_same", [1, 3, 7, 7], "nchw", "nchw", 11, pools_same)
add_case("global_avg_pool", [1, 3, 6, 5], "nchw", "flat", 13, global_avg_pool)
add_case("residual", [1, 4, 6, 6], "nchw", "flat", 13, residual)
add_case("flatten_after_conv", [1, 2, 6, 6], "nchw", "flat", 13, flatten_after_conv)
add_case("reshape_after_pool", [1, 3, 6, 6], "nchw", "flat", 17, reshape_after_pool)
add_case("conv1d", [1, 13, 49], "ncw", "flat", 13, conv1d)
add_case("nhwc_transposes", [1, 8, 8, 3], "nhwc", "flat", 7, nhwc_transposes)

json.dump({"cases": cases}, open(f"{outdir}/onnx_models.json", "w"))
