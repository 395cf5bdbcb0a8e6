#!/usr/bin/python3
"""Training speed: `mote train` (libtorch, C++) vs the same network trained by a python3-torch script.

Both train on the same features (the DSP features mote cached in mote.db), the same network (dense 20 -> 10,
ReLU, softmax over the labels, input standardization), Adam at the same learning rate, the same batch size,
epochs (no early stopping), class-weighted cross entropy and a validation pass every epoch, on one thread.
Data: ../shared/datasets/ei-gestures when present, else the project `mote demo` generates.
Writes bench/results/train.json and prints a table. Usage: bench/train/run.py [--mote build/mote] [--epochs N]
"""
import argparse, json, sqlite3, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def mote(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def load_features(proj, impulse_hash, category="training"):
    """Windows as mote cached them: rows of float32 features, label per row, sample id per row."""
    db = sqlite3.connect(proj / "mote.db")
    q = ("SELECT s.id, s.label, f.windows, f.width, f.data FROM samples s JOIN features f ON f.sample_hash = s.hash "
         "WHERE f.impulse_hash = ? AND s.category = ? ORDER BY s.id")
    xs, labels, groups = [], [], []
    for sid, label, windows, width, blob in db.execute(q, (impulse_hash, category)):
        xs.append(np.frombuffer(blob, dtype=np.float32).reshape(windows, width))
        labels += [label] * windows
        groups += [sid] * windows
    return np.concatenate(xs), labels, np.array(groups)


def torch_train(x, labels, groups, epochs, batch, lr, validation, seed, test=None):
    """The loop mote's src/learn/network.cpp runs, written as a PyTorch user would. Returns the window counts,
    the kept epoch's validation loss and accuracy, and its window accuracy on `test` (x, labels) if given."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    classes = sorted(set(labels))
    y = np.array([classes.index(l) for l in labels])
    rng = np.random.default_rng(seed)
    held = set()
    for c in range(len(classes)):  # whole samples per label to validation
        g = np.unique(groups[y == c])
        rng.shuffle(g)
        held.update(g[: max(1, round(validation * len(g)))].tolist())
    val = np.isin(groups, list(held))
    xt, yt = torch.tensor(x[~val]), torch.tensor(y[~val])
    xv, yv = torch.tensor(x[val]), torch.tensor(y[val])
    mean, std = xt.mean(0), xt.std(0, unbiased=False).clamp_min(1e-6)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 20), torch.nn.ReLU(), torch.nn.Linear(20, 10), torch.nn.ReLU(),
                              torch.nn.Linear(10, len(classes)))
    counts = torch.bincount(yt, minlength=len(classes)).float().clamp_min(1)
    weights = counts.sum() / (counts * len(classes))
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    best, best_state = float("inf"), None
    for _ in range(epochs):
        net.train()
        order = torch.randperm(len(xt))
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            opt.zero_grad()
            out = net((xt[idx] - mean) / std)
            loss = F.cross_entropy(out, yt[idx], weight=weights)
            loss.backward()
            opt.step()
            loss.item(), out.detach().argmax(1).eq(yt[idx]).double().mean().item()  # per-batch stats, as mote logs
        net.eval()
        with torch.no_grad():
            out = net((xv - mean) / std)
            vl = F.cross_entropy(out, yv, weight=weights).item()
            va = out.argmax(1).eq(yv).double().mean().item()
        if vl < best:
            best, best_acc, best_state = vl, va, [p.detach().clone() for p in net.parameters()]
    test_acc = None
    if test is not None:  # outside the timed loop's work: mote's `mote test` is not timed either
        with torch.no_grad():
            for p, b in zip(net.parameters(), best_state):
                p.copy_(b)
            known = [i for i, l in enumerate(test[1]) if l in classes]
            xs = (torch.tensor(test[0][known]) - mean) / std
            ys = torch.tensor([classes.index(test[1][i]) for i in known])
            test_acc = net(xs).argmax(1).eq(ys).double().mean().item()
    return len(xt), len(xv), best, best_acc, test_acc


def torch_process(proj, impulse_hash, epochs):
    """What a user's python3-torch script does: import torch, read the features, train."""
    import torch  # noqa: F401  (timed: this process is the measurement)
    x, labels, groups = load_features(Path(proj), impulse_hash)
    torch_train(x, labels, groups, int(epochs), 32, 0.001, 0.2, 1)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--torch-process":
        return torch_process(*sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--mote", default=str(ROOT / "build/mote"))
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    params = {"layers": [{"type": "dense", "units": 20}, {"type": "dense", "units": 10}], "epochs": a.epochs,
              "learning_rate": 0.001, "batch_size": 32, "patience": 0, "validation": 0.2, "threads": 1}
    with tempfile.TemporaryDirectory() as tmp:
        proj = Path(tmp) / "p"
        gestures = ROOT.parent / "shared/datasets/ei-gestures"
        if gestures.exists():
            dataset = "ei-gestures"
            mote(a.mote, "init", str(proj))
            mote(a.mote, "-C", str(proj), "import", str(gestures))
            impulse = json.loads((ROOT / "examples/gestures/impulse.json").read_text())
        else:
            dataset = "mote demo (generated)"
            mote(a.mote, "demo", str(proj), "--no-serve", "--json")
            impulse = json.loads((proj / "mote.json").read_text())["impulse"]
        def set_epochs(n):
            impulse["learn"] = [{"name": "classifier", "type": "classifier", "dsp": [impulse["dsp"][0]["name"]],
                                 "params": dict(params, epochs=n)}]
            (Path(tmp) / "impulse.json").write_text(json.dumps(impulse))
            mote(a.mote, "-C", str(proj), "impulse", "set", str(Path(tmp) / "impulse.json"))

        set_epochs(a.epochs)
        mote(a.mote, "-C", str(proj), "features")  # cached: both sides read the same features
        impulse_hash = json.loads(mote(a.mote, "-C", str(proj), "impulse", "--json"))["hash"]
        x, labels, groups = load_features(proj, impulse_hash)
        tx, tlabels, _ = load_features(proj, impulse_hash, "testing")

        # Each side at 1 epoch and at N: the difference over N - 1 is the cost of an epoch, without fixed costs
        # (mote's includes loading libtorch, ~0.5 s, and saving the model; python's `import torch` is not timed).
        # Whole processes too, as a user runs them: `mote train` against a fresh python3 that imports torch, reads
        # the same features from mote.db and trains (each pays its own library load).
        times = {"mote": {}, "mote_wall": {}, "python": {}, "python_wall": {}}
        for n in (1, a.epochs):
            set_epochs(n)
            for side in times.values():
                side[n] = []
            for _ in range(a.repeats):
                t0 = time.perf_counter()
                r = json.loads(mote(a.mote, "-C", str(proj), "train", "--json"))
                times["mote_wall"][n].append(time.perf_counter() - t0)
                times["mote"][n].append(r["seconds"])
                m = r["blocks"][0]["metrics"]
                t0 = time.perf_counter()
                n_train, n_val, _, py_val_acc, _ = torch_train(x, labels, groups, n, 32, 0.001, 0.2, 1)
                times["python"][n].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                subprocess.run([sys.executable, __file__, "--torch-process", str(proj), impulse_hash, str(n)], check=True)
                times["python_wall"][n].append(time.perf_counter() - t0)
        # Accuracies of the N-epoch models: the kept epoch's validation accuracy and window accuracy on testing.
        mote_test = json.loads(mote(a.mote, "-C", str(proj), "test", "--json"))["blocks"][0]
        _, _, _, py_val_acc, py_test_acc = torch_train(x, labels, groups, a.epochs, 32, 0.001, 0.2, 1, (tx, tlabels))
        best = {k: {n: min(v) for n, v in side.items()} for k, side in times.items()}
        per_epoch = {k: (best[k][a.epochs] - best[k][1]) / max(1, a.epochs - 1) for k in ("mote", "python")}
        import torch
        res = {
            "dataset": dataset, "windows": int(len(x)), "features": int(x.shape[1]), "classes": len(set(labels)),
            "network": "dense 20 -> 10 -> classes, Adam 0.001, batch 32, class-weighted cross entropy, 1 thread",
            "epochs": a.epochs, "repeats": a.repeats, "timing": "best of repeats",
            "mote": {"train_seconds": best["mote"][a.epochs], "train_seconds_1_epoch": best["mote"][1],
                     "process_seconds": best["mote_wall"][a.epochs], "seconds_per_epoch": per_epoch["mote"],
                     "train_windows": m["train_windows"], "validation_windows": m["validation_windows"],
                     "validation_accuracy": m["val_accuracy"], "testing_window_accuracy": mote_test["window_accuracy"]},
            "python_torch": {"train_seconds": best["python"][a.epochs], "train_seconds_1_epoch": best["python"][1],
                             "process_seconds": best["python_wall"][a.epochs],
                             "seconds_per_epoch": per_epoch["python"], "torch": torch.__version__,
                             "train_windows": n_train, "validation_windows": n_val,
                             "validation_accuracy": py_val_acc, "testing_window_accuracy": py_test_acc},
        }
        res["ratio_mote_over_python"] = res["mote"]["train_seconds"] / res["python_torch"]["train_seconds"]
        res["ratio_per_epoch"] = per_epoch["mote"] / per_epoch["python"]
        res["ratio_process"] = res["mote"]["process_seconds"] / res["python_torch"]["process_seconds"]
    out = ROOT / "bench/results/train.json"
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"training speed on {res['dataset']}: {res['windows']} windows x {res['features']} features, {a.epochs} epochs")
    print(f"  {'':24s} {'total s':>8s} {'1 epoch s':>10s} {'ms/epoch':>9s} {'val acc':>8s} {'test acc':>9s}")
    for name, k in (("mote train (libtorch)", "mote"), ("python3-torch script", "python_torch")):
        r = res[k]
        print(f"  {name:24s} {r['train_seconds']:8.2f} {r['train_seconds_1_epoch']:10.2f} {1000 * r['seconds_per_epoch']:9.1f} "
              f"{100 * r['validation_accuracy']:7.1f}% {100 * r['testing_window_accuracy']:8.1f}%")
    print(f"  whole processes (library load included): mote {res['mote']['process_seconds']:.2f} s, "
          f"python3 {res['python_torch']['process_seconds']:.2f} s")
    print(f"  ratio mote / python: whole process {res['ratio_process']:.2f}, training call {res['ratio_mote_over_python']:.2f}, "
          f"per epoch {res['ratio_per_epoch']:.2f} (lower is faster); written to {out}")


if __name__ == "__main__":
    sys.exit(main())
