"""The estimator's cases, shared by calibrate.py (fits the cost table) and run.py (the proof): jobs for
mote_estimator_bench (estimator_bench.cpp). Calibration cases isolate one kernel or one DSP block each (a network
cut to its first layers, an impulse of one block); proof cases are whole generated networks and impulses (seeded,
never used in the fit)."""
import os
import random


def bench_binary(root):
    """The built mote_estimator_bench: $MOTE_BUILD (default build/) first, then build-est/."""
    builds = [os.environ.get("MOTE_BUILD", "build"), "build-est"]
    found = [os.path.join(root, b, "bench", "estimator", "mote_estimator_bench") for b in builds]
    return next((f for f in found if os.path.exists(f)), found[0])


def model(name, dims, kind, layers, outputs=4, keep=0, seed=1, per_channel_input=0):
    return {"kind": "model", "name": name, "input": dims, "input_kind": kind, "params": {"layers": layers},
            "outputs": outputs, "keep": keep, "seed": seed, "per_channel_input": per_channel_input}


def impulse(name, inp, dsp, axes, nn=None, outputs=4, anomaly_clusters=0, anomaly_features=0, seed=1, per_channel_input=0,
            trees=None):
    job = {"kind": "impulse", "name": name, "impulse": {"input": inp, "dsp": dsp, "learn": []}, "axes": axes,
           "nn": nn, "outputs": outputs, "anomaly_clusters": anomaly_clusters, "anomaly_features": anomaly_features,
           "windows": 2, "seed": seed, "per_channel_input": per_channel_input}
    if trees:  # a tree block in the network's place; more windows, as its paths vary with the data
        job.update(trees=trees, windows=8)
    return job


def forest(trees, depth, voting="soft", form="auto"):
    return {"type": "random_forest", "params": {"trees": trees, "max_depth": depth, "voting": voting, "device_form": form}}


def boosting(rounds, depth, form="auto"):
    return {"type": "gradient_boosting", "params": {"trees": rounds, "max_depth": depth, "device_form": form}}


def dense(units, act="relu"):
    return {"type": "dense", "units": units, "activation": act}


def conv(d, filters, kernel, stride=1, padding="same", sep=False):
    return {"type": ("separable_" if sep else "") + f"conv{d}d", "filters": filters, "kernel": kernel, "stride": stride,
            "padding": padding}


def pool(kind="max_pool", p=2):
    return {"type": kind, "pool": p}


ACCEL = {"type": "time-series", "window_ms": 2000, "stride_ms": 500, "frequency_hz": 62.5}
AUDIO = {"type": "time-series", "window_ms": 1000, "stride_ms": 500, "frequency_hz": 8000}


def ts(window_ms, hz):
    return {"type": "time-series", "window_ms": window_ms, "stride_ms": window_ms / 2, "frequency_hz": hz}


def calibration_cases():
    c = []
    # dense, fast path (input <= 259) and general path (larger inputs), various remainders
    for i, (n, u) in enumerate([(16, 3), (33, 8), (64, 16), (130, 31), (259, 64), (21, 20), (96, 10), (200, 7)]):
        c.append(model(f"fc_fast_{n}x{u}", [n], "other", [dense(u)], keep=1, seed=i))
    for i, (n, u) in enumerate([(400, 8), (611, 16), (1000, 5), (300, 33)]):
        c.append(model(f"fc_{n}x{u}", [n], "other", [dense(u)], keep=1, seed=i))
    # the output dense + softmax
    for k in (2, 5, 12):
        c.append(model(f"softmax_{k}", [40], "other", [], outputs=k))
    # conv1d (audio-like: frames x features), conv2d
    for i, (t, f, filt, k, s) in enumerate([(49, 13, 8, 3, 1), (32, 40, 16, 3, 1), (61, 13, 32, 5, 2), (20, 6, 4, 1, 1),
                                             (100, 3, 12, 7, 1), (40, 20, 24, 3, 2)]):
        c.append(model(f"conv1d_{t}x{f}_{filt}k{k}s{s}", [t, f], "audio", [conv(1, filt, k, s)], keep=1, seed=i))
    for i, (h, w, ch, filt, k, s) in enumerate([(16, 16, 1, 8, 3, 1), (12, 12, 3, 16, 3, 2), (10, 10, 8, 8, 1, 1),
                                                 (20, 20, 1, 4, 5, 1), (8, 8, 16, 24, 3, 1)]):
        c.append(model(f"conv2d_{h}x{w}x{ch}_{filt}k{k}s{s}", [h, w, ch], "image", [conv(2, filt, k, s)], keep=1, seed=i))
    # separable: depthwise + pointwise (channel counts with and without a remainder of 4)
    for i, (h, w, ch, filt, k) in enumerate([(12, 12, 8, 16, 3), (10, 10, 6, 8, 3), (8, 8, 13, 12, 3), (16, 16, 4, 4, 5)]):
        c.append(model(f"sep2d_{h}x{w}x{ch}_{filt}k{k}", [h, w, ch], "image", [conv(2, filt, k, sep=True)], keep=2, seed=i))
    for i, (t, f, filt) in enumerate([(49, 13, 16), (32, 8, 8)]):
        c.append(model(f"sep1d_{t}x{f}_{filt}", [t, f], "audio", [conv(1, filt, 3, sep=True)], keep=2, seed=i))
    # pools after a convolution
    for i, (t, f, filt, kind, p) in enumerate([(49, 13, 8, "max_pool", 2), (64, 10, 16, "max_pool", 4),
                                                (40, 12, 12, "avg_pool", 2), (50, 8, 8, "avg_pool", 5)]):
        c.append(model(f"{kind}1d_{t}x{f}_{filt}p{p}", [t, f], "audio", [conv(1, filt, 3), pool(kind, p)], keep=2, seed=i))
    for i, (h, ch, kind) in enumerate([(16, 8, "max_pool"), (12, 4, "avg_pool")]):
        c.append(model(f"{kind}2d_{h}x{ch}", [h, h, 1], "image", [conv(2, ch, 3), pool(kind, 2)], keep=2, seed=i))
    # DSP blocks alone (no network): the instruction formulas' constants
    sp = lambda **kw: {"name": "s", "type": "spectral", "params": kw}
    c += [impulse("spectral_fft16", ACCEL, [sp(fft_length=16)], 3),
          impulse("spectral_fft64_lowpass", ACCEL, [sp(fft_length=64, filter_type="low", filter_cutoff_hz=8, filter_order=6)], 3),
          impulse("spectral_fft128_1axis", ts(4000, 100), [sp(fft_length=128)], 1),
          impulse("spectral_fft32_log_peaks", ACCEL, [sp(fft_length=32, take_log=True, peaks=3)], 3),
          impulse("spectral_fft256_bands", ts(3000, 200), [sp(fft_length=256, spectral_bands=16)], 2),
          impulse("spectral_fft64_high6", ts(1000, 100), [sp(fft_length=64, filter_type="high", filter_cutoff_hz=3, filter_order=4)], 6),
          # one Welch segment (no summing of segments), with and without bands
          impulse("spectral_fft128_bands16_6axes_1seg", ts(3000, 50), [sp(fft_length=128, spectral_bands=16)], 6),
          impulse("spectral_fft64_1seg", ts(1500, 50), [sp(fft_length=64)], 3)]
    au = lambda t, **kw: {"name": "a", "type": t, "params": kw}
    c += [impulse("mfcc_default", AUDIO, [au("mfcc")], 1),
          impulse("mfcc_fft512_f40_c20", ts(800, 16000), [au("mfcc", fft_length=512, num_filters=40, num_cepstral=20, frame_length_s=0.025, frame_stride_s=0.02)], 1),
          impulse("mfcc_f20_c10", ts(500, 8000), [au("mfcc", num_filters=20, num_cepstral=10, frame_stride_s=0.03)], 1),
          impulse("mfe_default", AUDIO, [au("mfe")], 1),
          impulse("mfe_fft512_f64", ts(600, 16000), [au("mfe", fft_length=512, num_filters=64, frame_length_s=0.032, frame_stride_s=0.016)], 1),
          impulse("mfe_f16", ts(1000, 4000), [au("mfe", num_filters=16, frame_length_s=0.05, frame_stride_s=0.05)], 1),
          impulse("spectrogram_default", AUDIO, [au("spectrogram")], 1),
          impulse("spectrogram_fft64", ts(500, 4000), [au("spectrogram", frame_length_s=0.016, frame_stride_s=0.008)], 1),
          impulse("spectrogram_fft512_db", ts(700, 16000), [au("spectrogram", fft_length=512, frame_length_s=0.03, frame_stride_s=0.02, scale="db", noise_floor_db=-80)], 1)]
    c += [impulse("flatten_all", ACCEL, [{"name": "f", "type": "flatten", "params": {}}], 3),
          impulse("flatten_mean_rms", ts(1000, 100), [{"name": "f", "type": "flatten", "params": {"stats": ["mean", "rms"]}}], 6),
          impulse("flatten_3stats_1axis", ts(4000, 50), [{"name": "f", "type": "flatten", "params": {"stats": ["min", "max", "stdev"]}}], 1),
          impulse("raw_accel", ACCEL, [{"name": "r", "type": "raw", "params": {}}], 3),
          impulse("raw_long", ts(2000, 200), [{"name": "r", "type": "raw", "params": {"scale_axes": 0.5}}], 2)]
    # the image block (a frame at the impulse's size, scaled in place)
    img = lambda side, colour: {"type": "image", "width": side, "height": side, "color": colour, "resize": "squash"}
    c += [impulse("image_32_gray", img(32, "grayscale"), [{"name": "i", "type": "image", "params": {}}], 0),
          impulse("image_48_rgb", img(48, "rgb"), [{"name": "i", "type": "image", "params": {}}], 0)]
    # two DSP blocks in one impulse (each block's call site apart from its code)
    c += [impulse("two_blocks_flatten_raw", ACCEL, [{"name": "f", "type": "flatten", "params": {"stats": ["mean", "max"]}},
                                                     {"name": "r", "type": "raw", "params": {}}], 3),
          impulse("two_blocks_raw_spectral", ts(1000, 100), [{"name": "r", "type": "raw", "params": {}}, sp(fft_length=16)], 2)]
    # network glue (input quantization, dequantization) and k-means anomaly
    c += [impulse("glue_flatten_dense", ACCEL, [{"name": "f", "type": "flatten", "params": {}}], 3, nn={"layers": [dense(8)]}),
          impulse("glue_spectral_dense_pc", ACCEL, [sp(fft_length=32)], 3, nn={"layers": [dense(20), dense(10)]}, per_channel_input=-1),
          impulse("glue_raw_conv1d", ts(1000, 50), [{"name": "r", "type": "raw", "params": {}}], 3,
                  nn={"layers": [conv(1, 8, 3), pool(), {"type": "flatten"}]}, outputs=6),
          impulse("kmeans_4", ACCEL, [{"name": "f", "type": "flatten", "params": {}}], 3, anomaly_clusters=4),
          impulse("kmeans_32_sel", ACCEL, [sp(fft_length=32)], 3, anomaly_clusters=32, anomaly_features=12),
          impulse("kmeans_20_all", ACCEL, [sp(fft_length=64)], 3, anomaly_clusters=20)]
    # tree blocks: each kernel variant (hard votes, soft votes, sums) in both device forms
    fl = {"name": "f", "type": "flatten", "params": {}}
    for form in ("tables", "if-else"):
        f = form.replace("-", "_")
        c += [impulse(f"trees_soft_10x6_{f}", ACCEL, [fl], 3, trees=forest(10, 6, "soft", form)),
              impulse(f"trees_soft_30x8_{f}", ACCEL, [fl], 3, trees=forest(30, 8, "soft", form), outputs=6),
              impulse(f"trees_hard_10x6_{f}", ACCEL, [fl], 3, trees=forest(10, 6, "hard", form)),
              impulse(f"trees_hard_3x3_{f}", ACCEL, [fl], 3, trees=forest(3, 3, "hard", form), outputs=2),
              impulse(f"trees_boost_8x3_{f}", ACCEL, [fl], 3, trees=boosting(8, 3, form)),
              impulse(f"trees_boost_20x4_{f}", ACCEL, [fl], 3, trees=boosting(20, 4, form), outputs=2)]
    c += [impulse("trees_boost_12x2_if_else_b", ACCEL, [fl], 3, trees=boosting(12, 2, "if-else"), outputs=4, seed=20),
          impulse("trees_boost_30x3_if_else_b", ACCEL, [fl], 3, trees=boosting(30, 3, "if-else"), outputs=3, seed=21)]
    for i, (n, d, k) in enumerate([(5, 4, 3), (20, 5, 5)]):  # more sizes of the if-else form (code per node and per tree)
        c += [impulse(f"trees_soft_{n}x{d}_if_else_b", ACCEL, [fl], 3, trees=forest(n, d, "soft", "if-else"), outputs=k, seed=10 + i),
              impulse(f"trees_hard_{n}x{d}_if_else_b", ACCEL, [fl], 3, trees=forest(n, d, "hard", "if-else"), outputs=k, seed=10 + i),
              impulse(f"trees_boost_{n}x{d - 1}_if_else_b", ACCEL, [fl], 3, trees=boosting(n, d - 1, "if-else"), outputs=k, seed=10 + i)]
    return c


def random_network(rng, i):
    """One seeded network of a random family, width and depth (the proof's cases)."""
    family = ["dense", "conv1d", "conv2d", "separable"][i % 4]
    if family == "dense":
        n = rng.choice([24, 39, 65, 99, 150, 256, 420, 650])
        layers = [dense(rng.choice([8, 12, 16, 20, 32, 48, 64])) for _ in range(rng.randint(1, 3))]
        return model(f"net{i:02d}_dense_{n}_{'-'.join(str(l['units']) for l in layers)}", [n], "other", layers,
                     outputs=rng.randint(2, 12), seed=100 + i, per_channel_input=-1 if rng.random() < 0.3 else 0)
    if family == "conv1d" or family == "separable" and rng.random() < 0.5:
        t, f = rng.choice([(49, 13), (61, 13), (32, 40), (99, 10), (50, 3), (125, 6)])
        layers = []
        for _ in range(rng.randint(1, 3)):
            layers += [conv(1, rng.choice([4, 8, 12, 16, 24, 32]), rng.choice([3, 5]), sep=family == "separable")]
            if rng.random() < 0.7:
                layers.append(pool(rng.choice(["max_pool", "max_pool", "avg_pool"]), 2))
        layers.append({"type": "flatten"})
        if rng.random() < 0.5:
            layers.append(dense(rng.choice([16, 32])))
        return model(f"net{i:02d}_{family}1d_{t}x{f}_{len(layers)}l", [t, f], "audio", layers, outputs=rng.randint(2, 10),
                     seed=100 + i)
    h, ch = rng.choice([(16, 1), (24, 1), (20, 3), (32, 1), (12, 3), (28, 1)])
    layers = []
    for _ in range(rng.randint(1, 3)):
        layers += [conv(2, rng.choice([4, 8, 12, 16]), 3, sep=family == "separable" and ch > 0 and len(layers) > 0)]
        layers.append(pool("max_pool", 2))
    layers.append({"type": "flatten"})
    return model(f"net{i:02d}_{family}2d_{h}x{h}x{ch}_{len(layers)}l", [h, h, ch], "image", layers,
                 outputs=rng.randint(2, 10), seed=100 + i)


def proof_networks(n=30, seed=16):
    rng = random.Random(seed)
    return [random_network(rng, i) for i in range(n)]


def proof_impulses():
    sp = lambda **kw: {"name": "s", "type": "spectral", "params": kw}
    au = lambda t, **kw: {"name": "a", "type": t, "params": kw}
    fl = {"name": "f", "type": "flatten", "params": {}}
    return [
        impulse("demo_like_spectral_dense_kmeans", ACCEL, [sp(fft_length=64, filter_type="low", filter_cutoff_hz=3, filter_order=6)], 3,
                nn={"layers": [dense(20), dense(10)]}, anomaly_clusters=32, anomaly_features=12, outputs=4, per_channel_input=-1),
        impulse("gestures_like_spectral128", ts(2000, 100), [sp(fft_length=128)], 3, nn={"layers": [dense(32), dense(16)]}, outputs=5),
        impulse("fsdd_like_mfcc_conv1d", ts(610, 8000), [au("mfcc")], 1,
                nn={"layers": [conv(1, 16, 3), pool(), conv(1, 32, 3), pool(), {"type": "flatten"}]}, outputs=10),
        impulse("kws_like_mfe_conv1d", AUDIO, [au("mfe", num_filters=32)], 1,
                nn={"layers": [conv(1, 8, 3), pool(), conv(1, 16, 3), pool(), {"type": "flatten"}]}, outputs=3),
        impulse("spectrogram_conv2d", ts(500, 8000), [au("spectrogram", fft_length=64, frame_length_s=0.008, frame_stride_s=0.008)], 1,
                nn={"layers": [conv(2, 4, 3), pool(), {"type": "flatten"}]}, outputs=3),
        impulse("flatten_spectral_dense_kmeans", ts(1500, 100), [fl, sp(fft_length=32, take_log=True)], 3,
                nn={"layers": [dense(24)]}, anomaly_clusters=12, outputs=6),
        impulse("raw_conv1d_hapt_like", ts(2560, 50), [{"name": "r", "type": "raw", "params": {}}], 6,
                nn={"layers": [conv(1, 16, 5), pool(), conv(1, 16, 5), pool(), {"type": "flatten"}, dense(32)]}, outputs=12),
        # a UCI HAPT tuner finalist's DSP (3 s at 50 Hz, 6 axes, spectral FFT 128 with 16 bands, flatten)
        impulse("hapt_finalist_spectral128_bands16_flatten", ts(3000, 50), [sp(fft_length=128, spectral_bands=16), fl], 6,
                nn={"layers": [dense(32), dense(16)]}, outputs=12),
        impulse("image_40_rgb_conv2d_gap", {"type": "image", "width": 40, "height": 40, "color": "rgb", "resize": "squash"},
                [{"name": "i", "type": "image", "params": {}}], 0,
                nn={"layers": [conv(2, 8, 3), pool(), conv(2, 16, 3), pool(), {"type": "global_avg_pool"}, dense(16)]}, outputs=4),
        impulse("trees_forest_soft_spectral", ACCEL, [sp(fft_length=32)], 3, trees=forest(20, 7), outputs=5),
        impulse("trees_boost_spectral_stats", ts(3000, 50), [sp(fft_length=64, spectral_bands=8), fl], 6, trees=boosting(30, 3), outputs=4),
        impulse("trees_hard_raw", ts(1000, 50), [{"name": "r", "type": "raw", "params": {}}], 3, trees=forest(15, 5, "hard"), outputs=3),
        impulse("mfcc13_sep1d", ts(1000, 16000), [au("mfcc", fft_length=512, frame_length_s=0.03, frame_stride_s=0.02)], 1,
                nn={"layers": [conv(1, 16, 3, sep=True), pool(), {"type": "flatten"}]}, outputs=4),
    ]
