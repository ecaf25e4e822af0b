"""How many students a core serves: users playing the default Playground through the class's proxy.

    python -m bench.class_capacity [--replicas 1 2] [--seconds 20]

For each number of replicas, `deploy.serve_class` starts them behind HAProxy, and websocket users
(bench.ws_load's clients, each with the cookies the proxy gave it, as a browser has) join in steps
of 2 per replica. At each step they play for --seconds while taking turns to pause and Step (Step
latency), as in bench.ws_load. The step that still gives every user >= 5 frames/s (median over users)
with Step p95 < 500 ms is the capacity; per core = users / the replicas' CPU (cores busy) there.
Memory per user is the replicas' RSS growth per user.

The users' own clients run in this process, on the same 2 cores as the servers and the proxy: a
department's students bring their own CPUs, so the figures here are a floor.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.load_test import _pct  # noqa: E402
from bench.ws_load import Client, _rss, _run, arrive  # noqa: E402
from deploy.serve_class import Class  # noqa: E402

MIN_FPS, MAX_STEP_P95_MS = 5.0, 500.0


def _level(cls: Class, users: int, seconds: float) -> dict:
    url = cls.url.replace("http", "ws", 1) + "/_stcore/stream"
    pids = [m.proc.pid for m in cls.members]

    def through_proxy(seed: int, ws_url: str) -> Client:
        return Client(seed, ws_url, cookie=arrive(cls.url, f"/playground?seed={seed}")[0])

    r = asyncio.run(_run(url, users, seconds, pids, lambda *_: None, make_client=through_proxy))
    fps = [c.frames / max(r["window"], 1e-9) for c in r["clients"]]  # frames over the whole run: a floor
    steps = [s * 1000 for c in r["clients"] for _, _, s in c.steps if s is not None]
    errors = [e for c in r["clients"] for e in c.errors]
    homes = {next(iter(c.replicas), None) for c in r["clients"]}
    return dict(users=users, fps=statistics.median(fps), fps_min=min(fps), frames_per_s=r["frames"] / r["window"],
                p95=_pct(steps, 0.95) if steps else float("inf"), cpu=r["cpu"], rss=r["rss_end"],
                errors=errors, replicas_used=len(homes - {None}))


def capacity(replicas: int, seconds: float, log=print) -> dict:
    with Class(replicas=replicas, env={"DESCENTLAB_MAX_SESSIONS": "200", "DESCENTLAB_SESSION_GRACE_S": "1"}) as cls:
        pids = [m.proc.pid for m in cls.members]
        _level(cls, replicas, 2.0)  # warm: imports, caches
        rss0 = _rss(pids)
        levels, best = [], None
        for users in range(2 * replicas, 200, 2 * replicas):
            t0 = time.monotonic()
            lv = _level(cls, users, seconds)
            levels.append(lv)
            ok = lv["fps"] >= MIN_FPS and lv["p95"] < MAX_STEP_P95_MS and not lv["errors"]
            log(f"{replicas} replica(s), {users} users: {lv['fps']:.1f} frames/s each (min {lv['fps_min']:.1f}), "
                f"Step p95 {lv['p95']:.0f} ms, {lv['cpu']:.2f} cores, {lv['rss']:.0f} MB, "
                f"{len(lv['errors'])} errors, on {lv['replicas_used']} replica(s) ({time.monotonic() - t0:.0f} s)")
            if not ok:
                break
            best = lv
    if best is None:
        return dict(replicas=replicas, levels=levels, users=0)
    return dict(replicas=replicas, levels=levels, users=best["users"], cpu=best["cpu"],
                per_core=best["users"] / best["cpu"], user_frames_per_core=best["frames_per_s"] / best["cpu"],
                mb_per_user=(best["rss"] - rss0) / best["users"], rss0=rss0)


def table(results: list[dict]) -> str:
    rows = ["| replicas | users at >= 5 frames/s, Step p95 < 500 ms | replicas' CPU there | users per core | "
            "user-frames/s per core | MB per user | replicas' RSS idle |", "|---|---|---|---|---|---|---|"]
    for r in results:
        if not r["users"]:
            rows.append(f"| {r['replicas']} | none | | | | | |")
            continue
        rows.append(f"| {r['replicas']} | {r['users']} | {r['cpu']:.2f} cores | {r['per_core']:.1f} | "
                    f"{r['user_frames_per_core']:.0f} | {r['mb_per_user']:.1f} | {r['rss0']:.0f} MB |")
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args(argv)
    print(table([capacity(n, args.seconds) for n in args.replicas]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
