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
import concurrent.futures
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
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


def _bystander_fps(http_base: str, cookie: str, seconds: float, during=None) -> float:
    """One user playing for ``seconds`` (while ``during`` runs in a thread): its frames per second."""
    url = http_base.replace("http", "ws", 1) + "/_stcore/stream"

    async def play() -> float:
        c = Client(7, url, cookie=cookie)
        await c.connect()
        await c.rerun()
        await c.rerun("btn_play")
        await c.fetch_frame()  # started
        t0, frames = time.monotonic(), c.frames
        worker = threading.Thread(target=during, daemon=True) if during else None
        if worker:
            worker.start()
        while time.monotonic() - t0 < seconds and c.pump is not None:
            await c.fetch_frame()
        fps = (c.frames - frames) / (time.monotonic() - t0)
        await c.ws.close()
        if worker:
            worker.join(120)
        return fps

    return asyncio.run(play())


def _flood(base: str, asset: str, cookie: str, requests: int = 500, parallel: int = 100) -> dict:
    def get(_):
        try:
            with urllib.request.urlopen(urllib.request.Request(base + asset, headers={"Cookie": cookie}), timeout=60) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        codes = list(pool.map(get, range(requests)))
    return {code: codes.count(code) for code in set(codes)}


def asset_flood(seconds: float = 6.0, log=print) -> dict:
    """A bystander's frames/s, quiet and while one client fetches the biggest asset 500 times, 100 at
    once: straight at a replica (as `make run` serves), then through the proxy."""
    out = {}
    with Class(replicas=1) as cls:
        replica = cls.members[0].url
        html = urllib.request.urlopen(replica + "/").read().decode()
        asset = "/" + html.split('src="./', 1)[1].split('"', 1)[0]
        plotly = [a for a in urllib.request.urlopen(replica + asset).read().decode(errors="replace").split('"')
                  if a.startswith("./") and "PlotlyChart" in a]
        asset = "/static/js/" + plotly[0][2:] if plotly else asset
        for where, base in (("straight to the server", replica), ("through the proxy", cls.url)):
            cookie = arrive(base)[0]
            quiet = _bystander_fps(base, cookie, seconds)
            codes: dict = {}
            flooder = arrive(base)[0]
            # the flood from another process: its 100 threads would otherwise share this one's GIL
            with concurrent.futures.ProcessPoolExecutor(1) as other:
                flooded = _bystander_fps(base, cookie, seconds,
                                         during=lambda: codes.update(other.submit(_flood, base, asset, flooder).result()))
            out[where] = dict(quiet=quiet, flooded=flooded, codes=codes)
            log(f"{where}: {quiet:.1f} frames/s quiet, {flooded:.1f} during the flood of {asset} ({codes})")
    return out


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
    ap.add_argument("--flood", action="store_true", help="also: a bystander during an asset flood")
    args = ap.parse_args(argv)
    print(table([capacity(n, args.seconds) for n in args.replicas]))
    if args.flood:
        for where, r in asset_flood().items():
            print(f"- bystander {where}: {r['quiet']:.1f} frames/s quiet, {r['flooded']:.1f} during the flood "
                  f"(answers {r['codes']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
