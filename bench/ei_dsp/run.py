#!/usr/bin/python3
"""mote's DSP blocks beside the Edge Impulse SDK's, on the emulated Cortex-M4 (QEMU mps2-an386, -icount shift=0)
and on the host, on the same windows with equivalent parameters.

Cases (4 windows each): spectral analysis on the demo impulse's accelerometer windows (`mote demo`, read back
through `mote export`) and on ei-gestures (../shared/datasets, examples/gestures/impulse.json); MFCC and MFE on
FSDD (8 kHz spoken digits, examples/fsdd/impulse.json). Per row, one firmware runs mote's block (its device code
exactly as `mote deploy` emits it, made by mote_blockgen from src/impulse/blocks; runtime/dsp compiled with
build_firmware's flags), one runs the SDK's block (../shared/peers/edge-impulse-sdk in place, built as
../shared/peers/edge-impulse-sdk-m4 builds it: CMSIS-DSP rfft, -O2, ARM_MATH_LOOPUNROLL, its model_metadata.h
stand-in), one is the empty baseline; all three share mote's board harness (targets/cortex-m4) and
bench/ei_dsp/fw_harness.cpp. Measured: instructions per window (board::instructions(), SysTick x 40), working RAM
= peak stack of the call (painted) + peak heap of the call (malloc/new, wrapped) + static RAM the block adds over
the baseline (.data + .bss: mote's scratch, the SDK's statics), flash added over the baseline. Outputs are
compared like with like (see NAMED_DIFFERENCES), with rel(a, b) = max |a - b| / max(1, |b|) as bench/dsp does.

Writes bench/results/ei_dsp.json and prints the table.
Usage: bench/ei_dsp/run.py [--mote PATH] [--blockgen PATH] [--build DIR] [--windows N] [--rows ID,...]
"""
import argparse, concurrent.futures, glob, json, os, re, shutil, subprocess, sys, time  # noqa: E401
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.io import wavfile

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "bench" / "ei_dsp"
EI_GLUE = ROOT / "bench" / "peers" / "edge-impulse"
PEERS = (ROOT.parent / "shared" / "peers").resolve()
SDK = PEERS / "edge-impulse-sdk"
SDK_M4 = PEERS / "edge-impulse-sdk-m4"  # its model-parameters/model_metadata.h stand-in, used in place
DATASETS = ROOT.parent / "shared" / "datasets"
BOARD = ROOT / "targets" / "cortex-m4"  # board_config.h and the linker script; the rest is common to every target
BOARD_COMMON = ROOT / "targets" / "common"
BOARD_SOURCES = {"startup": ROOT / "targets" / "arm" / "startup.cpp", "board": BOARD_COMMON / "board.cpp"}
BOARD_INCLUDES = [f"-I{BOARD_COMMON}", f"-I{BOARD}"]
sys.path.insert(0, str(ROOT / "tests" / "ref"))
import spectral as ref_spectral  # noqa: E402  (mote's definition, scipy.signal.welch)

# mote: src/deploy/firmware.cpp build_firmware's compile flags (C driver, C++11, no FMA contraction).
MOTE_FLAGS = ("-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c++11 -O2 -g -ffunction-sections "
              "-fdata-sections -ffp-contract=off -fno-math-errno -fno-exceptions -fno-rtti -fno-threadsafe-statics "
              "-fno-use-cxa-atexit").split()
# Edge Impulse: ../shared/peers/edge-impulse-sdk-m4/run.sh's flags.
EI_ARCH = "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mlittle-endian --specs=nano.specs".split()
EI_COMMON = EI_ARCH + ("-O2 -ffunction-sections -fdata-sections -fno-unwind-tables -fno-asynchronous-unwind-tables "
                       "-fomit-frame-pointer -DARM_MATH_LOOPUNROLL").split() + [f"-I{PEERS}", f"-I{SDK_M4}"]
EI_CFLAGS = ["-std=gnu11"] + EI_COMMON + ["-w"]
EI_CXXFLAGS = ["-std=gnu++17", "-fno-rtti", "-fno-exceptions", "-fno-threadsafe-statics"] + EI_COMMON
LINK = EI_ARCH[:4] + ["--specs=nano.specs", "-nostartfiles", "-Wl,--gc-sections", f"-L{BOARD_COMMON}",
                        f"-T{BOARD / 'mps2_an386.ld'}"]
WRAP = ["-Wl,--wrap=malloc,--wrap=free,--wrap=calloc,--wrap=realloc"]  # the harness counts the heap
QEMU = ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
        "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel"]

NAMED_DIFFERENCES = {
    "spectral": [
        "RMS: mote's is sqrt(mean(x^2)) of the axis as given (gravity included); EI subtracts the mean first "
        "(its RMS is the standard deviation). Each is checked against its own numpy definition.",
        "Spectrum: mote outputs log10 of Welch's averaged power spectral density (periodic Hann window, 50 % "
        "overlap, density scaling, a trailing part segment dropped, as scipy.signal.welch); EI v4 outputs log10 of "
        "the MAX over segments of |rfft|^2 / n with no window, its trailing segments zero-padded. Not comparable bin "
        "by bin: each is checked against its own numpy definition.",
        "EI v4 adds 2 features per axis (skewness and kurtosis of the max-hold spectrum); mote has none.",
        "Output order per axis: mote [rms, skew, kurt, 32 bins]; EI v4 [rms, skew, kurt, spectral skew, spectral "
        "kurt, 32 bins]. Skewness and kurtosis (population, Fisher) are defined alike: compared directly.",
        "log10: EI uses a fast approximation (frexpf + a cubic in the mantissa, about 1e-4 absolute error in "
        "log10); mote's log10_f32 is faithful to < 1 ulp.",
    ],
    "mfcc": [
        "mote's FSDD impulse (examples/fsdd/impulse.json) uses a Hamming window, a sinusoidal lifter (22) and a "
        "per-window cepstral mean subtraction; EI's MFCC block uses no window and no lifter, replaces c0 by the log "
        "of the frame energy, and ends with cmvnw (sliding mean AND variance normalisation over 101 frames, "
        "symmetric padding). The outputs are different features: compared in the mfcc-core row instead.",
    ],
    "mfcc-core": [
        "Both without window, lifter or normalisation (mote: window none, cep_lifter 0, mean_normalize false; EI: "
        "speechpy::feature::mfcc on the pre-emphasised signal, the block minus cmvnw). c0 is defined differently "
        "(mote: DCT row 0 of the log mel energies; EI: ln of the frame's total power), so c1..c12 are compared.",
        "Input scale: mote reads audio as float in [-1, 1) (its WAV import); the SDK is fed the int16 values as "
        "floats (numpy::int16_to_float, as its microphone examples do). The log mel energies then differ by the "
        "constant ln(32768^2), which only c0 sees.",
        "Pre-emphasis of the window's first sample: mote y[0] = x[0]; EI's preemphasis class wraps around "
        "(y[0] = x[0] - 0.98 x[N-1], numpy.roll). Only frame 0 sees it.",
    ],
    "mfe": [
        "mote configured as EI's MFE v4 (window none, pre-emphasis 0.98, frame 0.02 s / stride 0.01 s, 40 filters, "
        "FFT 256, noise floor -52 dB, normalised); mote's own MFE defaults are a Hamming window and no pre-emphasis.",
        "EI rounds each output to 8 bits (round(v * 256) / 256) after normalising; mote keeps the float. Compared "
        "after applying the same rounding to mote's output; a value within float error of a rounding boundary "
        "may land one step (1/256) apart.",
        "Input scale: mote in [-1, 1); EI gets int16 values and divides by 32768 inside (pre-emphasis rescale).",
        "Pre-emphasis of the window's first sample differs as for MFCC (frame 0 only).",
        "EI's log10 is a fast approximation (frexpf + a cubic in the mantissa, numpy::log10); mote's log10_f32 is "
        "faithful to < 1 ulp. mote's MFE is compared with EI's unrounded values in the mfe-core row.",
    ],
    "mfe-core": [
        "EI: the MFE block's own steps (pre-emphasis with /32768, speechpy::feature::mfe, "
        "spectrogram_normalization = mfe_normalization without the 8-bit rounding); mote: the mfe row's block. "
        "Frame 0 differs by the pre-emphasis wrap-around (see mfe) in windows whose last sample is not 0.",
        "EI's log10 approximation (see mfe) is the largest remaining difference.",
    ],
}


# ----------------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------------
def run(cmd, cwd=None, log=None, timeout=900):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if log:
        Path(log).write_text(" ".join(str(c) for c in cmd) + "\n" + r.stdout + r.stderr)
    if r.returncode != 0:
        raise RuntimeError(f"command failed ({r.returncode}): {' '.join(str(c) for c in cmd)[:400]}\n"
                           f"{(r.stdout + r.stderr)[-3000:]}")
    return r.stdout + r.stderr


def parallel(jobs, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        for f in [ex.submit(run, *j) for j in jobs]:
            f.result()


def c_float(v):
    s = "%.9g" % float(v)
    if not any(c in s for c in ".en"):
        s += ".0"
    return s + "f"


def write_case_header(path, windows, out_len):
    """windows: W x (values per window) float32."""
    w = np.ascontiguousarray(windows, dtype=np.float32)
    flat = w.ravel()
    lines = [",".join(c_float(v) for v in flat[i:i + 8]) for i in range(0, len(flat), 8)]
    Path(path).write_text(
        "// Generated by bench/ei_dsp/run.py: the benchmark windows. Do not edit.\n"
        f"#define BENCH_WINDOWS {w.shape[0]}\n#define BENCH_IN_LEN {w.shape[1]}\n#define BENCH_OUT_LEN {out_len}\n"
        "static const float kBenchInput[BENCH_WINDOWS * BENCH_IN_LEN] = {\n" + ",\n".join(lines) + "};\n")


def sizes(elf):
    """flash (what build_firmware counts) and static RAM (.data + .bss) of an ELF."""
    out = run(["arm-none-eabi-size", "-A", elf])
    flash = ram = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[0].startswith(".") or not parts[1].isdigit():
            continue
        sec, size, addr = parts[0], int(parts[1]), int(parts[2])
        if sec == ".data":
            flash += size
            ram += size
        elif sec == ".bss":
            ram += size
        elif addr < 0x20000000 and not sec.startswith(".debug") and sec not in (".comment", ".ARM.attributes", ".stack"):
            flash += size
    return {"flash": flash, "static_ram": ram}


def parse_fw(log, out_len):
    """Per window: the second call's measurements and outputs (the first call's must match)."""
    calls = []
    cur = None
    for line in log.splitlines():
        m = re.match(r"bench: window=(\d+) rep=(\d+) rc=(-?\d+) instructions=(\d+) stack=(\d+) heap_peak=(\d+) allocs=(\d+)", line)
        if m:
            cur = dict(zip(("window", "rep", "rc", "instructions", "stack", "heap_peak", "allocs"), map(int, m.groups())))
            cur["bits"] = []
            calls.append(cur)
        elif line.startswith(("out1 ", "out2 ")) and cur is not None:
            cur["bits"] += [int(h, 16) for h in line.split()[1:]]
    if "bench: OK" not in log:
        raise RuntimeError("firmware did not finish OK:\n" + log[-2000:])
    res = []
    for c in calls:
        c["out"] = np.array(c.pop("bits"), dtype=np.uint32).view(np.float32)
        if len(c["out"]) != out_len:
            raise RuntimeError(f"firmware printed {len(c['out'])} outputs, expected {out_len}")
    firsts = {c["window"]: c for c in calls if c["rep"] == 0}
    for c in calls:
        if c["rep"] == 1:
            f = firsts[c["window"]]
            c["first_call_instructions"] = f["instructions"]
            c["first_equals_second"] = bool(np.array_equal(f["out"].view(np.uint32), c["out"].view(np.uint32)))
            res.append(c)
    return res


def rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0


# ----------------------------------------------------------------------------------------------------------
# windows
# ----------------------------------------------------------------------------------------------------------
def demo_case(mote, work, count):
    proj, exp = work / "demo-project", work / "demo-export"
    for d in (proj, exp):
        shutil.rmtree(d, ignore_errors=True)
    print(f"run.py: mote demo {proj} --no-serve --no-profile (generated gestures, trains the demo impulse)", flush=True)
    run([mote, "demo", proj, "--no-serve", "--no-profile"], log=work / "demo.log", timeout=1800)
    run([mote, "-C", proj, "export", exp, "--category", "testing", "--unsigned"], log=work / "export.log")
    cfg = json.loads((proj / "mote.json").read_text())
    impulse = cfg.get("impulse", cfg)
    inp = impulse["input"]
    block = next(b for b in impulse["dsp"] if b["type"] == "spectral")
    files = sorted(glob.glob(str(exp / "**" / "*.json"), recursive=True))
    windows, labels = cut_windows(files, inp, count)
    return dict(name="demo", source="`mote demo` testing samples (generated), via `mote export`, first window of: " +
                ", ".join(labels), input=inp, params=block.get("params", {}), windows=windows)


def cut_windows(files, inp, count):
    """The first window of one sample per label (labels in sorted order, cycling), as mote windows it: the
    impulse's axes in order, frames from 0, zero-padded when short (the samples here need no resampling)."""
    frames = int(round(inp["window_ms"] * inp["frequency_hz"] / 1000.0))
    by_label = {}
    for f in files:
        doc = json.load(open(f))
        if "payload" not in doc:
            continue
        label = Path(f).name.split(".")[0]
        by_label.setdefault(label, []).append(doc["payload"])
    out, names = [], []
    labels = sorted(by_label)
    i = 0
    while len(out) < count and labels:
        label = labels[i % len(labels)]
        k = i // len(labels)
        i += 1
        if k >= len(by_label[label]):
            if i > 100 * count:
                break
            continue
        p = by_label[label][k]
        rate = 1000.0 / p["interval_ms"]
        if abs(rate - inp["frequency_hz"]) > 1e-3 * inp["frequency_hz"]:
            raise RuntimeError(f"sample at {rate} Hz, impulse at {inp['frequency_hz']} Hz: resampling not reproduced here")
        names_ = [s["name"] for s in p["sensors"]]
        cols = [names_.index(a) for a in inp["axes"]] if inp.get("axes") else list(range(len(names_)))
        v = np.asarray(p["values"], dtype=np.float32)[:, cols]
        w = np.zeros((frames, len(cols)), np.float32)
        w[:min(frames, len(v))] = v[:frames]
        out.append(w)
        names.append(label)
    print(f"run.py: windows from labels {', '.join(names)}", flush=True)
    return np.stack(out), names


def gestures_case(count):
    d = DATASETS / "ei-gestures"
    if not d.is_dir():
        return None
    impulse = json.loads((ROOT / "examples" / "gestures" / "impulse.json").read_text())
    inp = impulse["input"]
    files = sorted(glob.glob(str(d / "testing" / "*.json")))
    windows, labels = cut_windows(files, inp, count)
    return dict(name="ei-gestures", source="../shared/datasets/ei-gestures testing/, first window of: " + ", ".join(labels),
                input=inp, params=impulse["dsp"][0].get("params", {}), windows=windows)


def fsdd_case(count):
    d = DATASETS / "fsdd" / "recordings"
    if not d.is_dir():
        return None
    impulse = json.loads((ROOT / "examples" / "fsdd" / "impulse.json").read_text())
    inp = impulse["input"]
    frames = int(round(inp["window_ms"] * inp["frequency_hz"] / 1000.0))
    # test split (index 0), different digits and speakers
    picks = ["0_jackson_0.wav", "3_theo_0.wav", "7_george_0.wav", "9_nicolas_0.wav", "5_lucas_0.wav", "2_yweweler_0.wav"]
    out = []
    for name in picks[:count]:
        rate, x = wavfile.read(d / name)
        assert rate == inp["frequency_hz"] and x.dtype == np.int16, name
        w = np.zeros(frames, np.int16)
        w[:min(frames, len(x))] = x[:frames]
        out.append(w)
    ints = np.stack(out)
    return dict(name="fsdd", source="../shared/datasets/fsdd test split: " + ", ".join(picks[:count]), input=inp,
                params=impulse["dsp"][0]["params"], int16=ints,
                windows=(ints.astype(np.float32) / np.float32(32768.0))[:, :, None])  # libsndfile's float scale


# ----------------------------------------------------------------------------------------------------------
# numpy definitions (output checks)
# ----------------------------------------------------------------------------------------------------------
def ei_spectral_reference(x, n, do_log=True):
    """EI spectral analysis v4 (filter none) in numpy, float64: per axis [std, skew, kurt, spectral skew,
    spectral kurt, log10 max-hold power bins 1..n/2]."""
    out = []
    for a in range(x.shape[1]):
        v = x[:, a].astype(np.float64)
        v = v - v.mean()
        rms = np.sqrt(np.mean(v * v))
        sd = rms if rms != 0 else 1e-10
        out += [rms, np.mean(v ** 3) / sd ** 3, np.mean(v ** 4) / sd ** 4 - 3]
        hold = np.zeros(n // 2 + 1)
        start = 0
        while start < len(v):
            seg = np.zeros(n)
            take = v[start:start + n]
            seg[:len(take)] = take
            hold = np.maximum(hold, np.abs(np.fft.rfft(seg)) ** 2 / n)
            start += n // 2
        out += [stats.skew(hold), stats.kurtosis(hold)]
        bins = hold[1:n // 2 + 1].copy()
        if do_log:
            bins[bins == 0] = 1e-10
            bins = np.log10(bins)
        out += list(bins)
    return np.array(out)


def frame_mask(case, frames):
    """W x frames booleans: frame 0 is kept only where the window's last sample is 0 (EI's pre-emphasis of
    sample 0 subtracts 0.98 x the LAST sample, numpy.roll style; mote's y[0] = x[0])."""
    last = case["int16"][:, -1]
    keep = np.ones((len(last), frames), bool)
    keep[:, 0] = last == 0
    return keep


def frame_masked(case, m, e):
    """rel() over the kept frames, and frame 0 per window separately."""
    keep = frame_mask(case, m.shape[1])
    res = {"max_rel_diff": rel(m[keep], e[keep])}
    res["frame0"] = [{"window": w, "last_sample": int(case["int16"][w, -1]), "max_rel_diff": rel(m[w, 0], e[w, 0])}
                     for w in range(m.shape[0])]
    return res


# ----------------------------------------------------------------------------------------------------------
# builds
# ----------------------------------------------------------------------------------------------------------
class Builder:
    def __init__(self, build, jobs):
        self.build = build
        self.jobs = jobs
        self.common = build / "common"
        self.common.mkdir(parents=True, exist_ok=True)

    def cmsis(self):
        lib = self.build / "libcmsisdsp.a"
        if lib.exists():
            return lib
        print("run.py: building the SDK's CMSIS-DSP (as edge-impulse-sdk-m4/run.sh does)", flush=True)
        src = SDK / "CMSIS" / "DSP" / "Source"
        objdir = self.build / "cmsis"
        objdir.mkdir(exist_ok=True)
        skip = re.compile(r"(_f16\.c|_f64\.c|Functions\.c|Tables\.c|Functionsf16\.c)$")
        files = []
        for d in ("TransformFunctions", "CommonTables", "BasicMathFunctions", "ComplexMathFunctions",
                  "FastMathFunctions", "SupportFunctions", "MatrixFunctions", "StatisticsFunctions"):
            files += [f for f in sorted((src / d).glob("*.c")) if not skip.search(f.name)]
        jobs = [(["arm-none-eabi-gcc"] + EI_CFLAGS + ["-c", f, "-o", objdir / f"{f.parent.name}_{f.stem}.o"],)
                for f in files]
        parallel(jobs, self.jobs)
        run(["arm-none-eabi-ar", "rcs", lib] + sorted(objdir.glob("*.o")))
        return lib

    def common_objects(self):
        c = self.common
        jobs = []
        for f in ("startup", "board"):
            jobs.append((["arm-none-eabi-gcc"] + MOTE_FLAGS + BOARD_INCLUDES + ["-x", "c++", "-c", BOARD_SOURCES[f], "-o", c / f"{f}.o"],))
        jobs.append((["arm-none-eabi-g++"] + EI_CXXFLAGS + BOARD_INCLUDES + ["-c", EI_GLUE / "ei_port_m4.cpp", "-o", c / "ei_port.o"],))
        jobs.append((["arm-none-eabi-g++"] + EI_CXXFLAGS + ["-c", SDK / "dsp" / "memory.cpp", "-o", c / "ei_memory.o"],))
        # mote's runtime/dsp, compiled as build_firmware compiles the runtime (gc-sections keeps what is used)
        rt = c / "mote_dsp"
        rt.mkdir(exist_ok=True)
        for f in sorted((ROOT / "runtime" / "dsp").glob("*.cpp")):
            jobs.append((["arm-none-eabi-gcc"] + MOTE_FLAGS + [f"-I{ROOT / 'runtime' / 'include'}", f"-I{ROOT / 'runtime'}",
                                                           "-c", f, "-o", rt / f"{f.stem}.o"],))
        parallel(jobs, self.jobs)
        lib = c / "libmote_dsp.a"
        lib.unlink(missing_ok=True)
        run(["arm-none-eabi-ar", "rcs", lib] + sorted(rt.glob("*.o")))

    def link(self, out, objs, libs=(), wrap=True):
        run(["arm-none-eabi-gcc"] + LINK + (WRAP if wrap else []) + [f"-Wl,-Map={out.with_suffix('.map')}", "-o", out] + list(objs) +
            ["-Wl,--start-group"] + list(libs) + ["-lm", "-lc", "-lgcc", "-Wl,--end-group"], log=out.with_suffix(".link.log"))
        return out

    def harness(self, d, case_dir, name):
        o = d / f"{name}.o"
        run(["arm-none-eabi-gcc"] + MOTE_FLAGS + [f"-I{case_dir}"] + BOARD_INCLUDES + ["-x", "c++", "-c", HERE / "fw_harness.cpp", "-o", o])
        return o

    def firmware(self, d, side, ei_defs=None):
        """side: mote | ei | base. d holds bench_case.h (+ mote_block.h for mote)."""
        c = self.common
        board = [c / "startup.o", c / "board.o"]
        h = self.harness(d, d, f"harness_{side}")
        if side == "mote":
            o = d / "fw_mote.o"
            run(["arm-none-eabi-gcc"] + MOTE_FLAGS + [f"-I{d}", f"-I{ROOT / 'runtime' / 'include'}", f"-I{ROOT / 'runtime'}",
                                                    "-x", "c++", "-c", HERE / "fw_mote.cpp", "-o", o])
            return self.link(d / "mote.elf", [h, o] + board, [c / "libmote_dsp.a"])
        if side == "base":
            o = d / "fw_empty.o"
            run(["arm-none-eabi-gcc"] + MOTE_FLAGS + ["-x", "c++", "-c", HERE / "fw_empty.cpp", "-o", o])
            return self.link(d / "base.elf", [h, o] + board)
        o = d / "ei_block.o"
        run(["arm-none-eabi-g++"] + EI_CXXFLAGS + ei_defs + ["-c", EI_GLUE / "ei_block.cpp", "-o", o], log=d / "ei_block.log")
        return self.link(d / "ei.elf", [h, o, c / "ei_port.o", c / "ei_memory.o"] + board, [self.cmsis()])

    def stages(self, d, kind, ei_defs):
        """fw_stages.cpp (mote flags) + ei_stages.cpp (SDK flags) on the row's tables and first window."""
        c = self.common
        sd = d / "stages"
        sd.mkdir(exist_ok=True)
        o1, o2 = sd / "fw_stages.o", sd / "ei_stages.o"
        run(["arm-none-eabi-gcc"] + MOTE_FLAGS + [f"-DMOTE_STAGES_KIND={kind}", f"-I{d / 'mote'}"] + BOARD_INCLUDES + [
                                                f"-I{ROOT / 'runtime' / 'include'}", f"-I{ROOT / 'runtime'}",
                                                "-x", "c++", "-c", HERE / "fw_stages.cpp", "-o", o1])
        run(["arm-none-eabi-g++"] + EI_CXXFLAGS + ei_defs + ["-c", EI_GLUE / "ei_stages.cpp", "-o", o2])
        elf = self.link(sd / "stages.elf", [o1, o2, c / "startup.o", c / "board.o", c / "ei_port.o", c / "ei_memory.o"],
                        [c / "libmote_dsp.a", self.cmsis()], wrap=False)
        log = qemu(elf)
        if "stages: OK" not in log:
            raise RuntimeError(f"{elf}: stage firmware failed\n{log[-2000:]}")
        out = []
        for line in log.splitlines():
            m = re.match(r"stage: side=(\w+) name=(.*) instructions=(\d+) units=(\d+)", line)
            if m:
                out.append({"side": m.group(1), "stage": m.group(2), "instructions_per_call": int(m.group(3)),
                            "values_per_call": int(m.group(4))})
        return out

    def ei_host(self, d, ei_defs):
        exe = d / "ei_host"
        srcs = [EI_GLUE / "ei_block.cpp", EI_GLUE / "ei_host_main.cpp", SDK / "porting" / "posix" / "ei_classifier_porting.cpp",
                SDK / "dsp" / "memory.cpp", SDK / "dsp" / "kissfft" / "kiss_fft.cpp", SDK / "dsp" / "kissfft" / "kiss_fftr.cpp"]
        run(["g++", "-std=gnu++17", "-O2", "-w", f"-I{PEERS}", f"-I{SDK_M4}"] + ei_defs + srcs + ["-o", exe, "-lm"],
            log=d / "ei_host.log")
        return exe


def qemu(elf, timeout=900):
    r = subprocess.run(QEMU + [str(elf)], capture_output=True, text=True, timeout=timeout)
    log = r.stdout + r.stderr
    Path(str(elf) + ".qemu.log").write_text(log)
    if r.returncode != 0:
        raise RuntimeError(f"{elf}: QEMU exit {r.returncode}\n{log[-2000:]}")
    return log


# ----------------------------------------------------------------------------------------------------------
# rows
# ----------------------------------------------------------------------------------------------------------
def ei_defines(row, case, mote_params):
    inp = case["input"]
    fs = float(inp["frequency_hz"])
    w = case["windows"]
    if row["block"] == "spectral":
        p = mote_params
        if p.get("filter_type", "none") != "none" or p.get("spectral_bands", 0) or p.get("peaks", 0):
            raise RuntimeError(f"{row['id']}: only filter none, no bands, no peaks have an EI v4 equivalent here")
        return [f"-DEI_BENCH_BLOCK=1", "-DEI_SA_VERSION=4", f"-DEI_AXES={w.shape[2]}", f"-DEI_FFT_LEN={p['fft_length']}",
                f"-DEI_FS={c_float(fs)}", f"-DEI_SIGNAL_LEN={w.shape[1] * w.shape[2]}",
                f"-DEI_CLASSIFIER_LOAD_FFT_{p['fft_length']}=1"]
    p = mote_params
    n = p["fft_length"]
    common = [f"-DEI_FS={c_float(fs)}", f"-DEI_SIGNAL_LEN={w.shape[1]}", f"-DEI_FFT_LEN={n}",
              f"-DEI_FRAME_LEN={c_float(p['frame_length_s'])}", f"-DEI_FRAME_STRIDE={c_float(p['frame_stride_s'])}",
              f"-DEI_NUM_FILTERS={p['num_filters']}", f"-DEI_CLASSIFIER_LOAD_FFT_{n}=1"]
    if row["block"] in ("mfcc", "mfcc-core"):
        # The SDK's DCT over the filters is an rfft of num_filters points: load that CMSIS table too
        # (edge-impulse-sdk-m4 does the same for 32 filters).
        return common + [f"-DEI_BENCH_BLOCK={2 if row['block'] == 'mfcc' else 3}", f"-DEI_NUM_CEPSTRAL={p['num_cepstral']}",
                         "-DEI_WIN_SIZE=101", f"-DEI_PRE_COF={c_float(p['preemphasis'])}",
                         f"-DEI_CLASSIFIER_LOAD_FFT_{p['num_filters']}=1"]
    return common + [f"-DEI_BENCH_BLOCK={4 if row['block'] == 'mfe' else 5}", f"-DEI_NOISE_FLOOR={int(p['noise_floor_db'])}"]


def compare(row, case, mote_out, ei_out, mote_params):
    """Like-with-like comparison of the M4 outputs (W x features each). Returns a dict."""
    W = mote_out.shape[0]
    res = {}
    if row["block"] == "spectral":
        n = mote_params["fft_length"]
        A = case["windows"].shape[2]
        fs = float(case["input"]["frequency_hz"])
        cross, mote_ref, ei_ref, ei_ref_spec = [], [], [], []
        for w in range(W):
            x = case["windows"][w]
            m = mote_out[w].reshape(A, 3 + n // 2)
            e = ei_out[w].reshape(A, 5 + n // 2)
            cross.append(rel(m[:, 1:3], e[:, 1:3]))  # skewness, kurtosis
            r = np.array(ref_spectral.reference(x, fs, ref_spectral.params(**{k: v for k, v in mote_params.items()
                                                                              if k in ref_spectral.params()})))
            mote_ref.append(rel(mote_out[w], r))
            er = ei_spectral_reference(x, n, mote_params.get("take_log", True))
            ei_ref.append(rel(ei_out[w], er))
            er = er.reshape(A, 5 + n // 2)
            ei_ref_spec.append(rel(e[:, 3:5], er[:, 3:5]))
        res["compared"] = "skewness and kurtosis of each axis (defined alike), mote vs EI"
        res["max_rel_diff"] = max(cross)
        res["mote_vs_own_numpy_definition"] = max(mote_ref)
        res["ei_vs_own_numpy_definition"] = max(ei_ref)
        res["ei_spectral_skew_kurt_vs_numpy"] = max(ei_ref_spec)
    elif row["block"] == "mfcc":
        res["compared"] = "not comparable (different features, see named differences); see the mfcc-core row"
        res["max_rel_diff"] = None
    elif row["block"] == "mfcc-core":
        ceps = mote_params["num_cepstral"]
        m = mote_out.reshape(W, -1, ceps)[:, :, 1:]
        e = ei_out.reshape(W, -1, ceps)[:, :, 1:]
        res.update(frame_masked(case, m, e))
        res["compared"] = ("c1..c12 of every frame, mote vs EI; frame 0 only in windows whose last sample is 0 "
                           "(EI's pre-emphasis wraps around)")
    elif row["block"] == "mfe-core":
        F = mote_params["num_filters"]
        res.update(frame_masked(case, mote_out.reshape(W, -1, F), ei_out.reshape(W, -1, F)))
        res["compared"] = ("every value, mote vs EI's unrounded MFE; frame 0 only in windows whose last sample is 0 "
                           "(EI's pre-emphasis wraps around)")
    elif row["block"] == "mfe":
        F = mote_params["num_filters"]
        q = np.clip(np.floor(mote_out.astype(np.float64) * 256 + 0.5) / 256, 0, 1)  # roundf: half away from 0 (v >= 0)
        d = np.abs(q - ei_out).reshape(W, -1, F)
        keep = frame_mask(case, d.shape[1])
        res["compared"] = ("every value, mote rounded to 8 bits as EI rounds (roundf(v*256)/256) vs EI; frame 0 only "
                           "in windows whose last sample is 0")
        res["max_rel_diff"] = float(np.max(d[keep]))
        res["values_one_step_apart"] = int(np.sum(d[keep] > 1e-6))
        res["values"] = int(d[keep].size)
        res["note"] = "one step = 1/256: a value within float error of a rounding boundary; see mfe-core for the float comparison"
    return res


def measure_row(row, case, builder, blockgen, work):
    d = work / row["id"].replace("/", "_")
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    W, frames, axes = case["windows"].shape
    inp = case["input"]
    # mote: device code + host outputs from mote's own block adapter
    data = d / "windows.f32"
    case["windows"].astype(np.float32).tofile(data)
    job = {"type": row["block"].replace("-core", ""), "params": row["mote_params"], "frequency_hz": inp["frequency_hz"],
           "frames": frames, "axes": axes, "windows": W, "data": str(data), "out": str(d / "mote_host.f32"),
           "header": str(d / "mote" / "mote_block.h")}
    (d / "mote").mkdir()
    (d / "job.json").write_text(json.dumps(job))
    info = json.loads(run([blockgen, d / "job.json"]).strip().splitlines()[-1])
    out_len = info["features"]
    mote_host = np.fromfile(d / "mote_host.f32", np.float32).reshape(W, out_len)
    params = info["params"]
    ei_defs = ei_defines(row, case, params)
    ei_len = axes * (5 + params["fft_length"] // 2) if row["block"] == "spectral" else out_len
    ei_in = case["windows"].reshape(W, -1)
    if "int16" in case:
        ei_in = case["int16"].astype(np.float32)  # the SDK is fed int16 values as floats (numpy::int16_to_float)
    for side, arr, n in (("mote", case["windows"].reshape(W, -1), out_len), ("ei", ei_in, ei_len), ("base", case["windows"].reshape(W, -1), out_len)):
        (d / side).mkdir(exist_ok=True)
        write_case_header(d / side / "bench_case.h", arr, n)
    elfs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=builder.jobs) as ex:
        futs = {s: ex.submit(builder.firmware, d / s, s, ei_defs if s == "ei" else None) for s in ("mote", "ei", "base")}
        futs["ei_host"] = ex.submit(builder.ei_host, d / "ei", ei_defs)
        for s, f in futs.items():
            elfs[s] = f.result()
    logs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=builder.jobs) as ex:
        futs = {s: ex.submit(qemu, elfs[s]) for s in ("mote", "ei", "base")}
        for s, f in futs.items():
            logs[s] = f.result()
    ei_in.astype(np.float32).tofile(d / "ei" / "windows.f32")
    run([elfs["ei_host"], W, ei_in.shape[1], ei_len, d / "ei" / "windows.f32", d / "ei" / "ei_host.f32"])
    ei_host = np.fromfile(d / "ei" / "ei_host.f32", np.float32).reshape(W, ei_len)
    base_sz = sizes(elfs["base"])
    sides = {}
    for s, n in (("mote", out_len), ("ei", ei_len)):
        calls = parse_fw(logs[s], n)
        sz = sizes(elfs[s])
        instr = [c["instructions"] for c in calls]
        stack = max(c["stack"] for c in calls)
        heap = max(c["heap_peak"] for c in calls)
        # the output buffer is the harness's (excluded): the SDK's spectral block writes more floats than the
        # baseline's buffer holds, so that difference is taken out too
        static_added = sz["static_ram"] - base_sz["static_ram"] - 4 * (n - out_len)
        sides[s] = {
            "instructions_per_window": float(np.mean(instr)), "instructions_min": min(instr), "instructions_max": max(instr),
            "first_call_instructions_max": max(c["first_call_instructions"] for c in calls),
            "first_call_outputs_equal": all(c["first_equals_second"] for c in calls),
            "stack_peak_bytes": stack, "heap_peak_bytes": heap, "heap_allocations": max(c["allocs"] for c in calls),
            "static_ram_added_bytes": static_added, "working_ram_bytes": stack + heap + static_added,
            "flash_added_bytes": sz["flash"] - base_sz["flash"], "firmware_flash_bytes": sz["flash"],
            "firmware_static_ram_bytes": sz["static_ram"],
            "outputs": int(n),
            "m4": np.stack([c["out"] for c in sorted(calls, key=lambda c: c["window"])]),
        }
    sides["mote"]["scratch_bytes"] = info["scratch_bytes"]
    sides["mote"]["params"] = params
    sides["mote"]["host_vs_m4_bit_mismatches"] = int(np.sum(mote_host.view(np.uint32) != sides["mote"]["m4"].view(np.uint32)))
    sides["mote"]["host_vs_m4_max_rel_diff"] = rel(mote_host, sides["mote"]["m4"])
    sides["ei"]["defines"] = ei_defs
    sides["ei"]["host_vs_m4_max_rel_diff"] = rel(ei_host, sides["ei"]["m4"])
    sides["ei"]["host_vs_m4_bit_mismatches"] = int(np.sum(ei_host.view(np.uint32) != sides["ei"]["m4"].view(np.uint32)))
    kind = {"spectral": 1, "mfcc": 2, "mfe": 3}.get(row["block"])
    stage_list = builder.stages(d, kind, ei_defs) if kind else None
    cmp_m4 = compare(row, case, sides["mote"]["m4"], sides["ei"]["m4"], params)
    cmp_host = compare(row, case, mote_host, ei_host, params)
    for s in sides.values():
        s.pop("m4")
    ri = sides["mote"]["instructions_per_window"] / sides["ei"]["instructions_per_window"]
    rr = sides["mote"]["working_ram_bytes"] / sides["ei"]["working_ram_bytes"]
    return {
        "id": row["id"], "block": row["block"], "case": case["name"], "windows": int(W), "window_shape": [int(frames), int(axes)],
        "frequency_hz": inp["frequency_hz"], "source": case["source"], "timed": row["timed"],
        "mote": sides["mote"], "ei": sides["ei"], "baseline": base_sz,
        "instructions_ratio": ri, "working_ram_ratio": rr,
        "meets_instructions_target": ri <= 0.5, "meets_ram_target": rr <= 0.5,
        "compare_m4": cmp_m4, "compare_host": cmp_host,
        # the -core rows are not blocks a user runs: they exist to compare outputs of steps defined alike
        "reference_row": row["block"].endswith("-core"),
        "outputs_within_1e-3": None if cmp_m4.get("max_rel_diff") is None else cmp_m4["max_rel_diff"] <= 1e-3,
        "named_differences": NAMED_DIFFERENCES[row["block"]],
        "stages": stage_list,
    }


def fmt_int(v):
    return f"{v:,.0f}"


def print_table(rows):
    head = ("block", "case", "mote instr/win", "EI instr/win", "ratio", "mote RAM", "EI RAM", "ratio",
            "mote flash", "EI flash", "max rel diff", "verdict (<=0.5x instr, <=0.5x RAM)")
    lines = [head]
    for r in rows:
        diff = r["compare_m4"].get("max_rel_diff")
        verdict = ("instr " + ("ok" if r["meets_instructions_target"] else "MISS") + ", RAM " +
                   ("ok" if r["meets_ram_target"] else "MISS"))
        if r["reference_row"]:
            verdict = "(reference row: " + verdict + ")"
        lines.append((r["block"], r["case"], fmt_int(r["mote"]["instructions_per_window"]), fmt_int(r["ei"]["instructions_per_window"]),
                      f"{r['instructions_ratio']:.3f}", fmt_int(r["mote"]["working_ram_bytes"]), fmt_int(r["ei"]["working_ram_bytes"]),
                      f"{r['working_ram_ratio']:.3f}", fmt_int(r["mote"]["flash_added_bytes"]), fmt_int(r["ei"]["flash_added_bytes"]),
                      "n/a" if diff is None else f"{diff:.2e}", verdict))
    widths = [max(len(str(l[i])) for l in lines) for i in range(len(head))]
    for i, l in enumerate(lines):
        print("  ".join(str(v).ljust(widths[k]) if k < 2 or k == len(l) - 1 else str(v).rjust(widths[k]) for k, v in enumerate(l)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mote", default=None, help="mote binary (default: build-eidsp/mote, else build/mote)")
    ap.add_argument("--blockgen", default=None, help="mote_ei_blockgen (default: build-eidsp/mote_ei_blockgen, built if missing)")
    ap.add_argument("--build", default=str(ROOT / "build-eidsp" / "ei_dsp"), help="work folder for firmware and logs")
    ap.add_argument("--windows", type=int, default=4)
    ap.add_argument("--rows", default="", help="comma-separated row ids (default: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ei_dsp.json"))
    args = ap.parse_args()
    t0 = time.time()
    if not (SDK / "classifier" / "ei_run_dsp.h").exists():
        sys.exit(f"run.py: no Edge Impulse SDK at {SDK}")
    for tool in ("arm-none-eabi-gcc", "arm-none-eabi-g++", "arm-none-eabi-size", "qemu-system-arm", "g++"):
        if not shutil.which(tool):
            sys.exit(f"run.py: {tool} not found; run scripts/setup (and apt-get install libstdc++-arm-none-eabi-dev)")
    work = Path(args.build)
    work.mkdir(parents=True, exist_ok=True)
    # build-eidsp/head-build: a build of the last commit (git archive HEAD), for when the working tree is mid-edit
    candidates = (ROOT / "build-eidsp" / "mote", ROOT / "build-eidsp" / "head-build" / "mote", ROOT / "build" / "mote")
    mote = Path(args.mote) if args.mote else next((p for p in candidates if p.exists()), None)
    blockgen = Path(args.blockgen) if args.blockgen else next(
        (p for p in (ROOT / "build-eidsp" / "bench" / "ei_dsp" / "mote_ei_blockgen",
                  ROOT / "build-eidsp" / "head-build" / "bench" / "ei_dsp" / "mote_ei_blockgen")
         if p.exists()), ROOT / "build-eidsp" / "bench" / "ei_dsp" / "mote_ei_blockgen")
    if not blockgen.exists():
        print("run.py: building mote_ei_blockgen in build-eidsp", flush=True)
        run(["cmake", "-S", ROOT, "-B", ROOT / "build-eidsp", "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], timeout=3600)
        run(["cmake", "--build", ROOT / "build-eidsp", "--target", "mote_ei_blockgen"], timeout=7200)

    cases, skipped = {}, []
    if mote is None:
        skipped.append("demo: no mote binary (build-eidsp/mote or build/mote); build it or pass --mote")
    else:
        cases["demo"] = demo_case(mote, work, args.windows)
    g = gestures_case(args.windows)
    if g is None:
        skipped.append("ei-gestures: ../shared/datasets/ei-gestures is absent")
    else:
        cases["ei-gestures"] = g
    f = fsdd_case(args.windows)
    if f is None:
        skipped.append("fsdd: ../shared/datasets/fsdd is absent (MFCC and MFE rows skipped)")
    else:
        cases["fsdd"] = f
    for s in skipped:
        print("run.py: skipped " + s, flush=True)

    rows = []
    for cid in ("demo", "ei-gestures"):
        if cid in cases:
            rows.append(dict(id=f"spectral/{cid}", block="spectral", case=cid, mote_params=cases[cid]["params"],
                             timed="mote: spectral block as the impulse configures it; EI: extract_spectral_analysis_features v4"))
    if "fsdd" in cases:
        p = dict(cases["fsdd"]["params"])
        rows.append(dict(id="mfcc/fsdd", block="mfcc", case="fsdd", mote_params=p,
                         timed="mote: mfcc as examples/fsdd/impulse.json; EI: extract_mfcc_features (MFCC block with cmvnw)"))
        core = dict(p, window="none", cep_lifter=0, mean_normalize=False)
        rows.append(dict(id="mfcc-core/fsdd", block="mfcc-core", case="fsdd", mote_params=core,
                         timed="mote: mfcc, no window/lifter/normalisation; EI: pre-emphasis + speechpy::feature::mfcc (block minus cmvnw)"))
        mfe = {"frame_length_s": 0.02, "frame_stride_s": 0.01, "num_filters": 40, "fft_length": 256, "window": "none",
               "preemphasis": 0.98, "scale": "normalized", "noise_floor_db": -52}
        rows.append(dict(id="mfe/fsdd", block="mfe", case="fsdd", mote_params=mfe,
                         timed="mote: mfe with EI's MFE parameters; EI: extract_mfe_features v4"))
        rows.append(dict(id="mfe-core/fsdd", block="mfe-core", case="fsdd", mote_params=mfe,
                         timed="mote: the same mfe; EI: the MFE block's steps without the 8-bit rounding"))
    if args.rows:
        keep = set(args.rows.split(","))
        rows = [r for r in rows if r["id"] in keep]

    builder = Builder(work, args.jobs)
    builder.cmsis()
    builder.common_objects()
    results = []
    for row in rows:
        print(f"run.py: {row['id']}: building and running mote, EI and baseline firmware", flush=True)
        results.append(measure_row(row, cases[row["case"]], builder, blockgen, work))

    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except Exception:  # noqa: BLE001
            return "?"
    doc = {
        "generated_by": "bench/ei_dsp/run.py", "date": time.strftime("%Y-%m-%d"),
        "peer": "Edge Impulse inferencing SDK (../shared/peers/edge-impulse-sdk, commit 919819f5), built in place",
        "target": "QEMU mps2-an386 (Cortex-M4F), -icount shift=0; one instruction per executed instruction, SysTick x 40",
        "tools": {"arm-none-eabi-gcc": version(["arm-none-eabi-gcc", "--version"]), "qemu": version(["qemu-system-arm", "--version"])},
        "flags": {"mote": " ".join(MOTE_FLAGS), "ei": " ".join(EI_CXXFLAGS), "link": " ".join(LINK + WRAP)},
        "definitions": {
            "instructions_per_window": "mean over the windows of the second call's board::instructions() difference (40-instruction resolution)",
            "working_ram_bytes": "peak stack of the call (painted below the caller's SP) + peak heap requested during the call "
                                 "(malloc/calloc/realloc/new, newlib overhead not counted) + static RAM (.data+.bss) the block adds over the empty baseline",
            "flash_added_bytes": "firmware flash (.text+.rodata+.data, as mote profile counts) minus the empty baseline's "
                                 "(same harness, windows, output buffer, no block)",
            "max_rel_diff": "max |a - b| / max(1, |b|) over the compared values (b = EI), M4 outputs",
            "targets": "mote <= 0.5x EI instructions per window and <= 0.5x working RAM, outputs within 1e-3 or the difference named",
        },
        "skipped": skipped,
        "rows": results,
        "seconds": round(time.time() - t0, 1),
    }
    Path(args.out).write_text(json.dumps(doc, indent=1) + "\n")
    print()
    print_table(results)
    print(f"\nrun.py: wrote {args.out} ({doc['seconds']} s)")


if __name__ == "__main__":
    main()
