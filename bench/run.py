"""Descent Lab benchmarks: `python -m bench` (or `bench.run`), `make bench`.

Prints Markdown tables; --json FILE also writes every figure (with per-repeat samples);
--quick is a smoke run with fewer, shorter repeats (figures are noisier, not smaller).
Ratios compare contenders measured in interleaved rounds of the same run, so they hold
on a shared machine even when the absolute rates move.
"""
import argparse
import json
import sys
import time

from . import sweep_bench, timing, torch_ref, workloads

TARGET_VS_TORCH = 8.0  # workload 1: engine >= 8x torch
TARGET_FRAME = 1200.0  # workload 2: frames (epochs) per second
TARGET_PEAK = 0.80  # workload 3: fraction of the measured matmul peak


def _fmt(x, digits=3):
    if x is None:
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _verdict(ok):
    return "**met**" if ok else "**NOT met**"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_section(info):
    rows = [[k, f"{v:.2f}" if isinstance(v, float) else v] for k, v in info.items()]
    return "## Machine\n\n" + _table(["", ""], rows)


def full_batch_section(r):
    ps, sp = r["per_second"], r["samples"]
    E = "engine (record_every=1000)"
    rows = [[name, _fmt(v), _fmt(timing.speedup(sp, E, name))] for name, v in ps.items()]
    out = [f"## 1. Full batch 2-10-5-1, ReLU/sigmoid, BCE, m={r['m']}, lr 0.01",
           "", _table(["implementation", "steps/s", "engine ÷ this"], rows), ""]
    if "torch float64" in ps:
        for dt in ("float64", "float32"):
            # judged against torch's faster thread setting, the stricter comparison
            ratio = min(timing.speedup(sp, E, k) for k in ps if k.startswith(f"torch {dt}"))
            out.append(f"- engine / torch {dt}: **{ratio:.1f}x** vs the faster torch setting, "
                       f"{timing.speedup(sp, E, f'torch {dt}'):.1f}x vs default threads "
                       f"(target >= {TARGET_VS_TORCH:g}x: "
                       f"{_verdict(ratio >= TARGET_VS_TORCH)})")
    else:
        out.append("- torch rows skipped: " + torch_ref.describe())
    out.append(f"- engine / reference: **{timing.speedup(sp, E, 'reference numpy'):.1f}x**; "
               f"recording every step costs {timing.speedup(sp, E, 'engine (record_every=1)'):.1f}x")
    return "\n".join(out)


def playground_section(r):
    ps, sp = r["per_second"], r["samples"]
    pairs = [("engine", "engine raw epoch"), ("engine (record_every=25)", None),
             ("reference numpy", "reference raw epoch"), ("playground JS", "playground JS raw epoch")]
    ef = ps["engine"]
    rows = []
    for frame, raw in pairs:
        if frame not in ps:
            continue
        fr, rw = ps[frame], ps.get(raw) if raw else None
        rows.append([frame, _fmt(fr), _fmt(rw), _fmt(timing.speedup(sp, "engine", frame)),
                     _fmt(timing.speedup(sp, "engine raw epoch", raw)) if rw else "–"])
    out = [f"## 2. Playground default: 2-4-2-1 tanh/tanh, square loss, 250+250 circles, batch 10, "
           f"lr 0.03 ({r['updates_per_epoch']} updates/epoch)", "",
           "frame = one epoch + train cost + test cost + 100x100 output heatmap", "",
           _table(["implementation", "frame epochs/s", "raw epochs/s", "engine ÷ this (frame)",
                   "engine ÷ this (raw)"], rows), "",
           f"- engine frame: **{ef:,.0f}/s** (target >= {TARGET_FRAME:,.0f}/s: {_verdict(ef >= TARGET_FRAME)})"]
    if "playground JS" in ps:
        out.append(f"- engine vs JS Playground engine (node {r['node']}): frame "
                   f"**{timing.speedup(sp, 'engine', 'playground JS'):.2f}x**, raw epoch "
                   f"**{timing.speedup(sp, 'engine raw epoch', 'playground JS raw epoch'):.2f}x**")
    else:
        out.append(f"- JS rows {r['js_note']}")
    out.append(f"- engine vs reference: frame **{timing.speedup(sp, 'engine', 'reference numpy'):.2f}x**, "
               f"raw epoch **{timing.speedup(sp, 'engine raw epoch', 'reference raw epoch'):.2f}x**")
    c = r["numpy_calls_per_step"]
    out.append(f"- numpy operations per mini-batch step (ufuncs incl. operators and reductions, plus "
               f"numpy API functions; array methods such as .reshape and RNG draws not counted): "
               f"engine **{c['engine']}**, reference **{c['reference numpy']}**")
    return "\n".join(out)


def large_section(r):
    g, sec, peak, frac, fnp = (r[k] for k in ("gflops", "seconds", "peak", "fraction_of_peak",
                                              "fraction_of_numpy_peak"))
    rows = []
    for name, v in g.items():
        dt = name.rsplit(" ", 1)[1]
        kind = "matmul peak" if name.startswith("peak") else "step"
        rows.append([name, kind, f"{sec[name] * 1e3:.1f}", _fmt(v), f"{100 * frac[name]:.0f}%",
                     f"{100 * fnp[name]:.0f}%"])
    out = [f"## 3. Full batch 784-256-256-10 ReLU/softmax-CE, m={r['m']:,}, one GD step",
           "", f"{r['flops_per_step'] / 1e9:.2f} GFLOP per step; peak = best {r['peak_n']}^3 matmul "
           f"(numpy or torch) measured in this run; % of peak = median over rounds of the step's rate "
           f"over the same round's peak", "",
           _table(["implementation", "what", "ms", "GFLOP/s", "% of peak", "% of numpy's peak"], rows), ""]
    for dt in ("float64", "float32"):
        f = frac[f"engine {dt}"]
        out.append(f"- engine {dt}: **{100 * f:.0f}%** of peak (peak {peak[dt]:.1f} GFLOP/s; "
                   f"target >= {100 * TARGET_PEAK:.0f}%: {_verdict(f >= TARGET_PEAK)}); "
                   f"{100 * fnp[f'engine {dt}']:.0f}% of numpy's own BLAS peak")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: fewer and shorter repeats")
    ap.add_argument("--json", metavar="FILE", help="also write all figures as JSON")
    ap.add_argument("--only", type=int, action="append", choices=(1, 2, 3, 4), help="run just these workloads")
    ap.add_argument("--repeats", type=int, help="repeats per figure (default 7, quick 3)")
    ap.add_argument("--min-time", type=float, help="seconds per repeat (default 0.2, quick 0.05)")
    ap.add_argument("--no-js", action="store_true", help="skip the node Playground engine")
    args = ap.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    min_time = args.min_time or (0.05 if args.quick else 0.2)
    only = set(args.only or (1, 2, 3, 4))
    t0 = time.perf_counter()
    info = timing.machine_info()
    results = {"machine": info, "repeats": repeats, "min_time": min_time, "quick": args.quick}
    print(f"# Descent Lab benchmarks{' (quick)' if args.quick else ''}\n")
    print(f"median of {repeats} interleaved repeats, each >= {min_time:g} s, after warm-up\n")
    print(machine_section(info) + "\n", flush=True)
    if 1 in only:
        results["full_batch"] = workloads.full_batch(repeats, min_time)
        print(full_batch_section(results["full_batch"]) + "\n", flush=True)
    if 2 in only:
        results["playground"] = workloads.playground(repeats, min_time, with_js=not args.no_js)
        print(playground_section(results["playground"]) + "\n", flush=True)
    if 3 in only:
        # quick keeps the sizes (so figures mean the same) and only trims repeats
        results["large"] = workloads.large(repeats, min_time, settle=0.05 if args.quick else 0.15)
        print(large_section(results["large"]) + "\n", flush=True)
    if 4 in only:
        # whole 2000-iteration trainings, so a round takes seconds: fewer rounds than the others
        results["sweep"] = sweep_bench.measure(repeats=args.repeats or (3 if args.quick else 5))
        print(sweep_bench.section(results["sweep"]) + "\n", flush=True)
    results["wall_seconds"] = time.perf_counter() - t0
    print(f"_total {results['wall_seconds']:.0f} s; load average now {timing.machine_info()['load_avg_1m']:.2f}_")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
