#!/usr/bin/python3
"""Golden data for runtime/dsp/image: resize + colour + scaling, computed with numpy over whole arrays.

Writes <outdir>/image.json: {cases: [{name, in_width, in_height, in_channels, out_width, out_height,
out_channels, resize, interp, output, input: [...bytes], expected: [...]}]}.
The fixed-point definitions (see runtime/dsp/image.h) are checked here against their continuous
counterparts (float bilinear, float luma) so the golden data cannot drift from what they approximate.
"""
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np


def round_half_up(fr):
    return math.floor(fr + Fraction(1, 2))


def geometry(iw, ih, ow, oh, resize):
    """Per axis (out_begin, out_count, src_begin, src_count), from exact rational aspect ratios."""
    x, y = [0, ow, 0, iw], [0, oh, 0, ih]
    src_aspect, dst_aspect = Fraction(iw, ih), Fraction(ow, oh)
    if resize == "fit-shortest":
        if src_aspect > dst_aspect:  # crop the width to the output aspect
            crop = min(max(round_half_up(ih * dst_aspect), 1), iw)
            x[2:] = [(iw - crop) // 2, crop]
        elif src_aspect < dst_aspect:
            crop = min(max(round_half_up(iw / dst_aspect), 1), ih)
            y[2:] = [(ih - crop) // 2, crop]
    elif resize == "fit-longest":
        if src_aspect > dst_aspect:  # width fills, pad top and bottom
            inner = min(max(round_half_up(ow / src_aspect), 1), oh)
            y[:2] = [(oh - inner) // 2, inner]
        elif src_aspect < dst_aspect:
            inner = min(max(round_half_up(oh * src_aspect), 1), ow)
            x[:2] = [(ow - inner) // 2, inner]
    return x, y


def taps(axis, interp):
    """Source indices i0, i1 and weight f (1/256) of i1 for each output coordinate inside the region."""
    _, on, sb, sn = axis
    d = np.arange(on, dtype=np.int64)
    if interp == "nearest":
        i0 = (2 * d + 1) * sn // (2 * on)
        return sb + i0, sb + i0, np.zeros_like(d)
    pos = np.clip((2 * d + 1) * sn * 256 // (2 * on) - 128, 0, (sn - 1) * 256)
    cont = np.clip((d + 0.5) * sn / on - 0.5, 0, sn - 1)  # the continuous half-pixel-centre position
    assert np.all(np.abs(pos / 256.0 - cont) < 1.0 / 256 + 1e-12)
    i0 = pos >> 8
    return sb + i0, sb + np.minimum(i0 + 1, sn - 1), pos & 255


def resize_image(img, ow, oh, resize, interp):
    ih, iw, ch = img.shape
    gx, gy = geometry(iw, ih, ow, oh, resize)
    x0, x1, fx = taps(gx, interp)
    y0, y1, fy = taps(gy, interp)
    a = img.astype(np.int64)
    fx, fy = fx[None, :, None], fy[:, None, None]
    top = a[y0][:, x0] * (256 - fx) + a[y0][:, x1] * fx
    bot = a[y1][:, x0] * (256 - fx) + a[y1][:, x1] * fx
    inner = (top * (256 - fy) + bot * fy + 32768) >> 16
    if interp == "bilinear":  # fixed point stays within one step of float bilinear
        ffx, ffy = fx / 256.0, fy / 256.0
        ftop = a[y0][:, x0] * (1 - ffx) + a[y0][:, x1] * ffx
        fbot = a[y1][:, x0] * (1 - ffx) + a[y1][:, x1] * ffx
        assert np.all(np.abs(inner - (ftop * (1 - ffy) + fbot * ffy)) <= 0.5 + 1e-9)
    out = np.zeros((oh, ow, ch), dtype=np.int64)  # padding is black
    out[gy[0]:gy[0] + gy[1], gx[0]:gx[0] + gx[1]] = inner
    return out


def convert(px, out_channels):
    ch = px.shape[2]
    if ch == out_channels:
        return px
    if out_channels == 3:
        return np.repeat(px, 3, axis=2)
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    y = (19595 * r + 38470 * g + 7471 * b + 32768) >> 16
    assert np.all(np.abs(y - (0.299 * r + 0.587 * g + 0.114 * b)) <= 0.5 + 1e-3)
    return y[..., None]


def make_case(name, img, ow, oh, out_channels, resize, interp, output):
    ih, iw, ch = img.shape
    px = convert(resize_image(img, ow, oh, resize, interp), out_channels).reshape(-1)
    if output == "f32":
        expected = [float(np.float32(v) / np.float32(255.0)) for v in px]
    else:
        expected = [int(v) - 128 for v in px]
    return {"name": name, "in_width": iw, "in_height": ih, "in_channels": ch, "out_width": ow,
            "out_height": oh, "out_channels": out_channels, "resize": resize, "interp": interp,
            "output": output, "input": [int(v) for v in img.reshape(-1)], "expected": expected}


def main():
    rng = np.random.default_rng(20240611)
    cases = []
    rgb = rng.integers(0, 256, size=(23, 37, 3), dtype=np.uint8)
    tall = rng.integers(0, 256, size=(41, 19, 3), dtype=np.uint8)
    gray = rng.integers(0, 256, size=(30, 30, 1), dtype=np.uint8)
    for resize in ("squash", "fit-shortest", "fit-longest"):
        for interp in ("nearest", "bilinear"):
            tag = f"{resize}-{interp}"
            cases.append(make_case(f"wide-rgb-{tag}", rgb, 16, 16, 3, resize, interp, "f32"))
            cases.append(make_case(f"wide-gray-{tag}", rgb, 12, 10, 1, resize, interp, "s8"))
            cases.append(make_case(f"tall-rgb-{tag}", tall, 20, 9, 3, resize, interp, "s8"))
            cases.append(make_case(f"tall-gray-{tag}", tall, 7, 13, 1, resize, interp, "f32"))
            cases.append(make_case(f"gray-to-rgb-up-{tag}", gray, 45, 33, 3, resize, interp, "f32"))
            cases.append(make_case(f"extreme-{tag}", rgb[:2, :, :], 8, 8, 3, resize, interp, "f32"))
    const = np.full((9, 14, 3), 200, dtype=np.uint8)
    cases.append(make_case("constant-bilinear-up", const, 31, 17, 1, "squash", "bilinear", "f32"))
    cases.append(make_case("constant-bilinear-down", const, 5, 3, 3, "fit-shortest", "bilinear", "s8"))
    cases.append(make_case("identity-bilinear", rgb, 37, 23, 3, "squash", "bilinear", "s8"))
    cases.append(make_case("identity-nearest", rgb, 37, 23, 3, "fit-longest", "nearest", "f32"))
    cases.append(make_case("one-pixel", rgb[5:6, 7:8, :], 4, 6, 3, "squash", "bilinear", "f32"))
    extremes = np.array([[[0, 0, 0], [255, 255, 255]], [[255, 0, 0], [0, 255, 0]]], dtype=np.uint8)
    cases.append(make_case("extremes-gray", extremes, 2, 2, 1, "squash", "nearest", "s8"))
    cases.append(make_case("extremes-up", extremes, 9, 9, 3, "squash", "bilinear", "f32"))

    for c in cases:  # identity cases must reproduce the input exactly
        if c["name"].startswith("identity"):
            back = [round(v * 255) if c["output"] == "f32" else v + 128 for v in c["expected"]]
            assert back == c["input"], c["name"]
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "image.json"), "w") as f:
        json.dump({"cases": cases}, f)


if __name__ == "__main__":
    main()
