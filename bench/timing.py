"""Timing harness and machine description.

The machine is shared and noisy, so contenders that are compared are measured in
interleaved rounds (A B C, B C A, ...): a slow patch of the machine hits all of them,
and the ratios stay honest even when absolute figures wander. Every figure is the
median over repeats; each repeat runs a calibrated number of units lasting >= min_time.
"""
import json
import math
import os
import platform
import statistics
import subprocess
import time

import numpy as np


def py_runner(unit):
    """run(n) -> seconds for n calls of a zero-argument Python callable."""
    def run(n):
        t0 = time.perf_counter()
        for _ in range(n):
            unit()
        return time.perf_counter() - t0
    return run


def calibrate(run, min_time):
    """Smallest-ish n with run(n) >= min_time; the doubling doubles as warm-up."""
    run(1)  # warm-up: first call pays for caches, allocations, JIT (node)
    n, t = 1, run(1)
    while t < min_time / 4:
        n *= 2
        t = run(n)
    return max(1, math.ceil(n * min_time * 1.1 / max(t, 1e-9)))


def measure(runners, repeats=7, min_time=0.2):
    """runners: {name: run(n) -> seconds}. Returns {name: median seconds per unit}
    plus the per-repeat samples under '_samples'."""
    names = list(runners)
    counts = {name: calibrate(runners[name], min_time) for name in names}
    samples = {name: [] for name in names}
    for r in range(repeats):
        # rotate the order each round so no contender always runs right after another
        for name in names[r % len(names):] + names[:r % len(names)]:
            samples[name].append(runners[name](counts[name]) / counts[name])
    result = {name: statistics.median(samples[name]) for name in names}
    result["_samples"] = samples
    return result


def speedup(samples, fast, slow):
    """How many times faster `fast` is than `slow`: the median over rounds of the ratio
    of their per-unit times in the same round. Pairing by round cancels most of the
    drift in machine load that a ratio of two separate medians would keep."""
    return statistics.median(s / f for f, s in zip(samples[fast], samples[slow]))


# ---------------------------------------------------------------- JS engine client
class NodeServer:
    """A long-lived `node run.js {"mode":"serve"}` process: Python asks for n units
    and node reports the seconds it measured itself (IPC excluded)."""

    def __init__(self, config=None):
        here = os.path.join(os.path.dirname(__file__), "playground")
        args = json.dumps(dict(config or {}, mode="serve"))
        self.proc = subprocess.Popen(["node", os.path.join(here, "run.js"), args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        hello = json.loads(self.proc.stdout.readline())
        self.version = hello["node"]

    def runner(self, what):
        def run(n):
            self.proc.stdin.write(json.dumps({"what": what, "n": int(n)}) + "\n")
            self.proc.stdin.flush()
            return json.loads(self.proc.stdout.readline())["seconds"]
        return run

    def close(self):
        try:
            self.proc.stdin.write('{"quit": true}\n')
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()


def node_available():
    try:
        return subprocess.run(["node", "--version"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# ---------------------------------------------------------------- numpy call counting
class _Counted(np.ndarray):
    """ndarray view that counts every ufunc call (operators, reductions, np.exp ...)
    and every __array_function__ API (np.sum, np.dot, np.where ...) it takes part in.
    Results are re-wrapped so counting follows the data through the computation."""
    calls = 0

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _Counted.calls += 1
        inputs = tuple(x.view(np.ndarray) if isinstance(x, _Counted) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(x.view(np.ndarray) if isinstance(x, _Counted) else x
                                  for x in kwargs["out"])
        result = getattr(ufunc, method)(*inputs, **kwargs)
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        _Counted.calls += 1  # args are unwrapped, so ufuncs used inside are not re-counted
        return _wrap(super().__array_function__(func, (np.ndarray,), _unwrap(args), _unwrap(kwargs)))


def _unwrap(x):
    if isinstance(x, _Counted):
        return x.view(np.ndarray)
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _wrap(x):
    if isinstance(x, np.ndarray) and not isinstance(x, _Counted):
        return x.view(_Counted)
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    return x


def counted(a):
    return np.asarray(a).view(_Counted)


def count_array_ops(fn):
    """Calls fn() once and returns how many numpy operations touched a counted array.
    fn must itself install counted() views on the arrays it wants followed."""
    _Counted.calls = 0
    fn()
    return _Counted.calls


# ---------------------------------------------------------------- machine description
def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info():
    try:
        from threadpoolctl import threadpool_info  # optional
        pools = [f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)"
                 for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            return "; ".join(pools)
    except ImportError:
        pass
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:
        return "unknown"


def machine_info():
    info = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "load_avg_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    try:
        import torch
        info["torch"] = f"{torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        info["torch"] = "not installed"
    return info


def follow(obj, _seen=None):
    """Replace, in place, every ndarray reachable from obj's attributes (lists, dicts and
    nested objects of the same package included) by a counted() view of itself. Views
    share memory, so the object keeps working exactly as before, only now observed."""
    seen = _seen if _seen is not None else set()
    if id(obj) in seen:
        return obj
    seen.add(id(obj))

    def conv(v):
        if isinstance(v, np.ndarray) and not isinstance(v, _Counted):
            return v.view(_Counted)
        if isinstance(v, list):
            v[:] = [conv(x) for x in v]
        elif isinstance(v, dict):
            for k in list(v):
                v[k] = conv(v[k])
        elif isinstance(v, tuple):
            return tuple(conv(x) for x in v)
        elif hasattr(v, "__dict__") and type(v).__module__.split(".")[0] == root:
            follow(v, seen)
        return v

    root = type(obj).__module__.split(".")[0]
    for name, value in list(vars(obj).items()):
        new = conv(value)
        if new is not value:
            try:
                setattr(obj, name, new)
            except (AttributeError, TypeError):
                pass  # frozen (e.g. a possibly shared Dataset) or read-only: leave it alone
    return obj
