#!/usr/bin/python3
"""A small image set the tuner is measured on (no image dataset ships in ../shared/datasets): 48x48 RGB PNGs of
four shapes (circle, square, triangle, cross) at random places, sizes and colours on noisy backgrounds of
random brightness, with a random occluding bar in a third of them. Seeded, so every run makes the same files.
Usage: bench/tune/make_shapes.py OUT_DIR [--train 250] [--test 50] [--seed 1]
Files: OUT_DIR/{training,testing}/<shape>.<n>.png
"""
import argparse, struct, zlib
from pathlib import Path

import numpy as np

SHAPES = ["circle", "square", "triangle", "cross"]
SIDE = 48


def png(pixels):
    """RGB uint8 array (h, w, 3) -> PNG bytes (filter 0 on every row)."""
    h, w, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def draw(shape, rng):
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(float)
    r = rng.uniform(8, 16)
    cx, cy = rng.uniform(r + 1, SIDE - r - 1, size=2)
    if shape == "circle":
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
    elif shape == "square":
        mask = (abs(xx - cx) <= r * 0.8) & (abs(yy - cy) <= r * 0.8)
    elif shape == "triangle":  # apex up: inside when below the two slanted edges and above the base
        mask = (yy <= cy + r * 0.8) & (yy >= cy - r) & (abs(xx - cx) <= (yy - (cy - r)) * 0.6)
    else:
        t = r * 0.3
        mask = ((abs(xx - cx) <= t) & (abs(yy - cy) <= r)) | ((abs(yy - cy) <= t) & (abs(xx - cx) <= r))
    background = rng.uniform(40, 200)
    img = np.clip(background + rng.normal(0, 25, size=(SIDE, SIDE, 3)), 0, 255)
    colour = rng.uniform(0, 255, size=3)
    while abs(colour.mean() - background) < 50:  # keep the shape visible against its background
        colour = rng.uniform(0, 255, size=3)
    img[mask] = colour
    if rng.uniform() < 1 / 3:  # an occluding bar
        x0 = int(rng.uniform(0, SIDE - 6))
        img[:, x0:x0 + 4] = rng.uniform(0, 255)
    return img.astype(np.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=250)
    ap.add_argument("--test", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    for split, n in (("training", args.train), ("testing", args.test)):
        folder = Path(args.out) / split
        folder.mkdir(parents=True, exist_ok=True)
        for shape in SHAPES:
            for i in range(n):
                (folder / f"{shape}.{i}.png").write_bytes(png(draw(shape, rng)))


if __name__ == "__main__":
    main()
