#!/usr/bin/python3
"""Run a .tflite model under TensorFlow Lite Micro + CMSIS-NN on the emulated Cortex-M4 (QEMU mps2-an386),
with mote's own board support, flags and size accounting, and report outputs, instructions per Invoke(),
RAM and flash as JSON.

    run.py --model M.tflite (--inputs FILE.bin | --random N [--seed S]) [--build DIR] [--json OUT.json]

FILE.bin holds N inputs of the model's input size, back to back (raw tensor bytes: int8 for int8 models).
Importable: run_tflm(model, inputs_bytes, build_dir) -> dict. Everything is built incrementally under
build_dir (default build/peers/tflm, outside git): libtflm.a by ../shared/peers/tflm/build.sh, then the
firmware and its empty-harness baseline. See README.md for what each figure means.
"""
import argparse
import fcntl
import hashlib
import json
import os
import re
import shlex
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PEER = Path(os.environ.get("MOTE_TFLM_PEER", ROOT.parent / "shared" / "peers" / "tflm"))
BOARD = ROOT / "targets" / "cortex-m4"  # board_config.h and the linker script; the rest is common to every target
BOARD_COMMON = ROOT / "targets" / "common"
BOARD_SOURCES = {"startup": ROOT / "targets" / "arm" / "startup.cpp", "board": BOARD_COMMON / "board.cpp"}
BOARD_INCLUDES = f"-I{shlex.quote(str(BOARD_COMMON))} -I{shlex.quote(str(BOARD))}"
DEFAULT_BUILD = ROOT / "build" / "peers" / "tflm"

# Exactly what mote's firmware is built with (src/deploy/firmware.cpp: kCpuFlags, build_firmware).
CPU_FLAGS = "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
MOTE_CFLAGS = (CPU_FLAGS + " -std=c++11 -O2 -g -ffunction-sections -fdata-sections -ffp-contract=off"
               " -fno-math-errno -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
MOTE_LDFLAGS = "--specs=nano.specs -nostartfiles -Wl,--gc-sections"
ARENA_BYTES = 1024 * 1024  # buffer size; the used part is reported (4 MB of RAM on the board)
QEMU_CMD = ("qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none"
            " -semihosting-config enable=on,target=native -icount shift=0 -kernel")
INPUTS_FILE = "tflm_inputs.bin"  # the name tflm_main.cc opens, relative to QEMU's working directory

TENSOR_TYPES = {0: ("float32", 4), 2: ("int32", 4), 3: ("uint8", 1), 4: ("int64", 8), 6: ("bool", 1),
                7: ("int16", 2), 9: ("int8", 1), 10: ("float64", 8), 17: ("uint16", 2)}
# TfLiteType (c_api_types.h) of the output as the firmware prints it -> numpy dtype.
TFLITE_C_TYPES = {1: "<f4", 2: "<i4", 3: "u1", 7: "<i2", 9: "i1"}
CUSTOM_OPS = {"TFLite_Detection_PostProcess": "DetectionPostprocess", "CIRCULAR_BUFFER": "CircularBuffer"}


class TflmError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------------------------
# The .tflite flatbuffer: just enough to list operator codes and the input tensor.
# ---------------------------------------------------------------------------------------------------------
class _Table:
    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        self.vt = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vt_len = struct.unpack_from("<H", buf, self.vt)[0]

    def _field(self, i):
        off = 4 + 2 * i
        if off >= self.vt_len:
            return None
        fo = struct.unpack_from("<H", self.buf, self.vt + off)[0]
        return self.pos + fo if fo else None

    def scalar(self, i, fmt, default=0):
        p = self._field(i)
        return default if p is None else struct.unpack_from("<" + fmt, self.buf, p)[0]

    def _vector(self, i):
        p = self._field(i)
        if p is None:
            return None, 0
        v = p + struct.unpack_from("<I", self.buf, p)[0]
        return v + 4, struct.unpack_from("<I", self.buf, v)[0]

    def tables(self, i):
        start, n = self._vector(i)
        return [_Table(self.buf, start + 4 * k + struct.unpack_from("<I", self.buf, start + 4 * k)[0])
                for k in range(n)]

    def ints(self, i):
        start, n = self._vector(i)
        return list(struct.unpack_from("<%di" % n, self.buf, start)) if n else []

    def string(self, i):
        start, n = self._vector(i)
        return None if start is None else self.buf[start:start + n].decode()


def _builtin_names():
    """BuiltinOperator value -> name, read from the peer's schema_generated.h."""
    text = PEER / "src/tflite-micro/tensorflow/lite/schema/schema_generated.h"
    names = {}
    for name, value in re.findall(r"^\s*BuiltinOperator_([A-Z0-9_]+) = (-?\d+),?$", text.read_text(), re.M):
        if name not in ("MIN", "MAX"):
            names.setdefault(int(value), name)
    return names


def _resolver_methods():
    text = (PEER / "src/tflite-micro/tensorflow/lite/micro/micro_mutable_op_resolver.h").read_text()
    return sorted(set(re.findall(r"TfLiteStatus Add(\w+)\(", text)) - {"Custom", "Builtin"})


def model_info(model_bytes, all_codes=False):
    """Operator names, MicroMutableOpResolver Add* suffixes, and the input tensor (dtype, shape, bytes).
    all_codes: register every operator code the model lists, used or not (as the peer's example/run.sh does)."""
    buf = bytes(model_bytes)
    model = _Table(buf, struct.unpack_from("<I", buf, 0)[0])
    names = _builtin_names()
    methods = {m.lower(): m for m in _resolver_methods()}
    # Only the operator codes some operator refers to: a converter may leave unused ones in the table
    # (IC and VWW list QUANTIZE and DEQUANTIZE but never run them), and TFLM resolves per operator.
    codes = model.tables(1)
    used = sorted({op.scalar(0, "I") for sub in model.tables(2) for op in sub.tables(3)})
    ops, adds, unused = [], [], []
    for index, oc in enumerate(codes):
        code = max(oc.scalar(0, "b"), oc.scalar(3, "i"))
        if code == 32:  # CUSTOM
            custom = oc.string(1)
            name, add = "CUSTOM:" + custom, CUSTOM_OPS.get(custom)
        else:
            name = names.get(code, str(code))
            add = methods.get(name.replace("_", "").lower())
        if index not in used and not all_codes:
            unused.append(name)
            continue
        if add is None:
            raise TflmError(f"op {name} has no MicroMutableOpResolver method in TFLM")
        if name not in ops:
            ops.append(name)
        if add not in adds:
            adds.append(add)
    sub = model.tables(2)[0]
    tensors = sub.tables(0)
    inputs = sub.ints(1)
    if len(inputs) != 1 or len(sub.ints(2)) != 1:
        raise TflmError("the harness handles models with one input and one output")
    t = tensors[inputs[0]]
    tname, size = TENSOR_TYPES.get(t.scalar(1, "b"), ("other", 1))
    shape = t.ints(0)
    return {"ops": ops, "resolver": sorted(adds), "unused_operator_codes": unused, "input_type": tname, "input_shape": shape,
            "input_bytes": int(np.prod(shape, dtype=np.int64)) * size}


# ---------------------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------------------
def _run(cmd, cwd=None, what=None):
    p = subprocess.run(cmd, shell=isinstance(cmd, str), cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise TflmError(f"{what or cmd} failed ({p.returncode}):\n{p.stdout[-3000:]}{p.stderr[-3000:]}")
    return p.stdout


def _compile(cmd, src, obj, deps=()):
    """Compiles unless obj exists with the same command and the same source/header contents."""
    h = hashlib.sha256(cmd.encode())
    for f in (src, *deps):
        h.update(Path(f).read_bytes())
    stamp = Path(str(obj) + ".stamp")
    if obj.exists() and stamp.exists() and stamp.read_text() == h.hexdigest():
        return
    obj.parent.mkdir(parents=True, exist_ok=True)
    _run(f"{cmd} -c {shlex.quote(str(src))} -o {shlex.quote(str(obj))}", what=f"compiling {src}")
    stamp.write_text(h.hexdigest())


def _build_lib(build, release=False):
    """libtflm.a via the peer's build.sh (incremental; it re-archives libtflm.a every time, so callers hold
    the build lock until they have linked)."""
    lib = build / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, JOBS=os.environ.get("JOBS", "2"))
    for k in ("TFLM_RELEASE", "TFLM_KERNELS", "OPT", "EXTRA_FLAGS"):  # the peer's published configuration
        env.pop(k, None)
    if release:  # TFLM's BUILD_TYPE=release: -DNDEBUG -DTF_LITE_STRIP_ERROR_STRINGS (its smallest build)
        env["TFLM_RELEASE"] = "1"
    p = subprocess.run([str(PEER / "build.sh"), str(lib)], env=env, capture_output=True, text=True)
    (build / "lib-build.log").write_text(p.stdout + p.stderr)
    if p.returncode != 0:
        raise TflmError(f"{PEER}/build.sh failed:\n{(p.stdout + p.stderr)[-3000:]}")
    flags = dict(re.findall(r'^(\w+)="(.*)"$', (lib / "tflm_flags.sh").read_text(), re.M))
    return flags


def _firmware_flags(flags):
    # mote's flags first, then what TFLM's headers need (C++17, the ABI-changing defines, include paths).
    return " ".join([f"arm-none-eabi-gcc {MOTE_CFLAGS}", flags["TFLM_CXXFLAGS"], flags["TFLM_PREFIX_MAP"],
                     f"-fmacro-prefix-map={ROOT}/=", flags["TFLM_DEFINES"], flags["TFLM_INCLUDES"],
                     BOARD_INCLUDES])


def _link(objs, elf, flags):
    cmd = (f"arm-none-eabi-gcc {CPU_FLAGS} {MOTE_LDFLAGS} -L{shlex.quote(str(BOARD_COMMON))}"
           f" -T{shlex.quote(str(BOARD / 'mps2_an386.ld'))}"
           f" -Wl,-Map={shlex.quote(str(elf.with_suffix('.map')))} -o {shlex.quote(str(elf))} "
           + " ".join(shlex.quote(str(o)) for o in objs)
           + f" -Wl,--start-group {shlex.quote(flags['TFLM_LIB'])} -lm -lc -lgcc -Wl,--end-group")
    _run(cmd, what=f"linking {elf}")


def _common_objects(build, flags):
    """Board support with mote's exact flags, and the runtime symbols TFLM needs."""
    board_cmd = f"arm-none-eabi-gcc {MOTE_CFLAGS} {BOARD_INCLUDES}"
    objs = []
    for name in ("startup", "board"):
        obj = build / "board" / f"{name}.o"
        _compile(board_cmd, BOARD_SOURCES[name], obj, deps=[BOARD_COMMON / "board.h"])
        objs.append(obj)
    obj = build / "harness" / "tflm_runtime.o"
    _compile(board_cmd, HERE / "tflm_runtime.cc", obj, deps=[BOARD_COMMON / "board.h"])
    objs.append(obj)
    return objs


def sizes(elf):
    """Flash and static RAM exactly as mote's build_firmware counts them (arm-none-eabi-size -A), plus the
    tensor-arena buffer (in .bss) so it can be excluded."""
    out = _run(f"arm-none-eabi-size -A {shlex.quote(str(elf))}")
    flash = static = 0
    sections = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) < 3 or not f[0].startswith(".") or not f[1].isdigit():
            continue
        sec, n, addr = f[0], int(f[1]), int(f[2])
        if not sec.startswith(".debug") and sec not in (".comment", ".ARM.attributes"):
            sections[sec] = n
        if sec == ".data":
            flash += n
            static += n
        elif sec == ".bss":
            static += n
        elif (addr < 0x20000000 and not sec.startswith(".debug")
              and sec not in (".comment", ".ARM.attributes", ".stack")):
            flash += n
    arena = 0
    for line in _run(f"arm-none-eabi-nm -S {shlex.quote(str(elf))}").splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == "tflm_tensor_arena":
            arena = int(f[1], 16)
    return {"flash": flash, "static_ram_with_arena_buffer": static, "arena_buffer": arena,
            "static_ram": static - arena, "sections": sections}


def run_qemu(elf, inputs_bytes, workdir, timeout=900):
    """Runs elf with tflm_inputs.bin in QEMU's working directory; returns the parsed report."""
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir) as cwd:
        (Path(cwd) / INPUTS_FILE).write_bytes(inputs_bytes)
        try:
            p = subprocess.run(QEMU_CMD.split() + [str(elf)], cwd=cwd, capture_output=True, text=True,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TflmError(f"QEMU run of {elf} timed out after {timeout} s")
    log = p.stdout + p.stderr  # QEMU 7.2 writes semihosting output to stderr
    (workdir / (Path(elf).stem + ".qemu.log")).write_text(log)
    if p.returncode != 0 or not re.search(r"^OK$", log, re.M):
        raise TflmError(f"firmware {elf} failed (exit status {p.returncode}):\n{log[-3000:]}")
    kv = {k: int(v) for k, v in re.findall(r"^(\w+)=(-?\d+)$", log, re.M)}
    results = re.findall(r"^result (\d+) instructions=(\d+) output=([0-9a-f]*)$", log, re.M)
    return kv, [(int(i), int(n), bytes.fromhex(h)) for i, n, h in results], log


def _empty_harness(build, flags, common):
    """The baseline firmware: same harness, no model, no TFLM. Built and run once per build dir."""
    d = build / "empty"
    obj = d / "tflm_main_empty.o"
    _compile(_firmware_flags(flags) + " -DTFLM_EMPTY", HERE / "tflm_main.cc", obj, deps=[BOARD_COMMON / "board.h"])
    elf = d / "empty.elf"
    _link(common + [obj], elf, flags)
    s = sizes(elf)
    kv, results, _ = run_qemu(elf, bytes(range(32)), d)  # two 16-byte inputs through the stub
    if len(results) != 2:
        raise TflmError("the empty harness did not report its two inputs")
    s["stack_peak"] = kv["stack_peak_bytes"]
    return s


def _build_all(build, model, data, info, arena_bytes, all_codes, release=False):
    """The library, the empty harness, and this model's firmware; returns (elf, sizes, empty, model dir)."""
    flags = _build_lib(build, release)
    common = _common_objects(build, flags)
    empty = _empty_harness(build, flags, common)
    d = build / "models" / (f"{model.stem}-{hashlib.sha256(data).hexdigest()[:12]}" + ("-all-codes" if all_codes else ""))
    d.mkdir(parents=True, exist_ok=True)
    (d / "model.tflite").write_bytes(data)  # the firmware embeds this copy: stable path, same bytes
    asm = d / "model.S"
    asm_text = ("/* generated by bench/peers/tflm/run.py: the model in flash, 16-byte aligned */\n"
                "  .section .rodata.tflm_model, \"a\", %progbits\n  .balign 16\n"
                "  .global tflm_model\ntflm_model:\n  .incbin \"" + str(d / "model.tflite") + "\"\ntflm_model_end:\n"
                "  .balign 4\n  .global tflm_model_bytes\ntflm_model_bytes:\n  .word tflm_model_end - tflm_model\n")
    if not asm.exists() or asm.read_text() != asm_text:
        asm.write_text(asm_text)
    model_obj = d / "model.o"
    _compile(f"arm-none-eabi-gcc {CPU_FLAGS}", asm, model_obj, deps=[d / "model.tflite"])
    ops_macro = " ".join(f"X({m})" for m in info["resolver"])
    main_obj = d / "tflm_main.o"
    _compile(_firmware_flags(flags) + f" -DTFLM_ARENA_BYTES={arena_bytes} " + shlex.quote(f"-DTFLM_OPS(X)={ops_macro}"),
             HERE / "tflm_main.cc", main_obj, deps=[BOARD_COMMON / "board.h"])
    elf = d / "fw.elf"
    _link(common + [main_obj, model_obj], elf, flags)
    return elf, sizes(elf), empty, d


def run_tflm(model, inputs_bytes, build_dir=DEFAULT_BUILD, arena_bytes=ARENA_BYTES, all_codes=False, release=False):
    """Builds (incrementally) and runs `model` (.tflite path) under TFLM + CMSIS-NN on QEMU mps2-an386 for
    the inputs in `inputs_bytes` (N x input size raw bytes); returns the report as a dict (see README.md)."""
    model = Path(model).resolve()
    build = Path(build_dir).resolve()
    data = model.read_bytes()
    info = model_info(data, all_codes)
    inputs_bytes = bytes(inputs_bytes)
    if not inputs_bytes or len(inputs_bytes) % info["input_bytes"]:
        raise TflmError(f"inputs: {len(inputs_bytes)} bytes is not a positive multiple of the model's input "
                        f"size {info['input_bytes']} ({info['input_type']} {info['input_shape']})")

    build.mkdir(parents=True, exist_ok=True)
    with open(build / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent callers build one at a time; QEMU runs outside the lock
        elf, s, empty, d = _build_all(build, model, data, info, arena_bytes, all_codes, release)

    kv, results, _ = run_qemu(elf, inputs_bytes, d)
    n = len(inputs_bytes) // info["input_bytes"]
    if len(results) != n or kv.get("input_bytes") != info["input_bytes"] or kv.get("model_bytes") != len(data):
        raise TflmError(f"firmware reported {len(results)} results for {n} inputs, input_bytes="
                        f"{kv.get('input_bytes')} (expected {info['input_bytes']})")
    dtype = TFLITE_C_TYPES.get(kv["output_type"])
    if dtype is None:
        raise TflmError(f"output tensor type {kv['output_type']} (TfLiteType) is not handled")
    outputs = [np.frombuffer(out, dtype=dtype).tolist() for _, _, out in results]
    arena, stack = kv["arena_used_bytes"], kv["stack_peak_bytes"]
    return {
        "model": model.name,
        "model_bytes": len(data),
        "ops": info["ops"],
        "resolver": info["resolver"],
        "unused_operator_codes": info["unused_operator_codes"],
        "input_type": info["input_type"],
        "input_shape": info["input_shape"],
        "outputs": outputs,
        "instructions": [i for _, i, _ in results],
        "arena_bytes": arena,
        "static_ram": s["static_ram"],
        "stack_peak": stack,
        "ram": arena + s["static_ram"] + stack,
        "flash": s["flash"],
        "flash_empty_harness": empty["flash"],
        "flash_minus_harness": s["flash"] - empty["flash"],
        "flash_minus_harness_and_model": s["flash"] - empty["flash"] - len(data),
        "static_ram_empty_harness": empty["static_ram"],
        "stack_peak_empty_harness": empty["stack_peak"],
        "arena_buffer_bytes": s["arena_buffer"],
        "sections": s["sections"],
        "elf": str(elf),
        "release": release,
        "setup": ("TFLM + CMSIS-NN (" + str(PEER) + "), libtflm.a " +
                  ("release build (-O2, -DNDEBUG -DTF_LITE_STRIP_ERROR_STRINGS); " if release else "default build (-O2, error strings on); ") +
                  "firmware with mote's board support and flags; QEMU mps2-an386 -icount shift=0"),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help=".tflite file")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--inputs", help="N x input-size raw input bytes, back to back")
    src.add_argument("--random", type=int, metavar="N", help="N random int8 inputs")
    ap.add_argument("--seed", type=int, default=0, help="seed of --random (numpy default_rng)")
    ap.add_argument("--build", default=str(DEFAULT_BUILD), help="build directory (default %(default)s)")
    ap.add_argument("--arena", type=int, default=ARENA_BYTES, help="tensor arena buffer bytes")
    ap.add_argument("--all-operator-codes", action="store_true",
                    help="register every operator code the model lists, even unused ones (the peer's run.sh)")
    ap.add_argument("--json", help="write the report here")
    a = ap.parse_args(argv)
    try:
        if a.inputs:
            inputs = Path(a.inputs).read_bytes()
        else:
            n_bytes = model_info(Path(a.model).read_bytes())["input_bytes"]
            inputs = np.random.default_rng(a.seed).integers(-128, 128, size=a.random * n_bytes,
                                                             dtype=np.int8).tobytes()
        r = run_tflm(a.model, inputs, a.build, a.arena, a.all_operator_codes)
    except (TflmError, OSError) as e:
        print(f"run.py: {e}", file=sys.stderr)
        return 1
    if a.json:
        Path(a.json).write_text(json.dumps(r, indent=1) + "\n")
    show = {k: v for k, v in r.items() if k not in ("outputs", "sections", "setup")}
    for k, v in show.items():
        print(f"{k:32s} {v}")
    for i, o in enumerate(r["outputs"]):
        print(f"output {i:<25d} {o[:16]}{' ...' if len(o) > 16 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
