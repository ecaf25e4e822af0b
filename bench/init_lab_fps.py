"""How alive the Initialization lab is in a real browser while it trains: chart redraws per second,
training frames per second (distinct iteration values in the status line), blank samples, CPU.

    python -m bench.init_lab_fps [--seconds 10] [--values zeros,random,random:10,xavier,he,constant]
                                 [--query "hidden=10,5&activation=relu"] [--repeat 2]

Reuses bench.playground_fps's in-page probe (PROBE / READ): it counts the new figures each chart draws
and reads the first `.dl-status .dl-value`, which on this page is the iteration too. Browser and
server share this machine's cores, and other benches may be running: besides the frame rate it
prints the load average and the CPU time the server and this bench's Chromium spend per frame,
from which an idle-machine frame rate is estimated. Use --repeat and read the spread.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.live_chart_fps import browser_cpu_seconds, cpu_seconds, rss_mb  # noqa: E402
from bench.playground_fps import PROBE, READ  # noqa: E402
from tests.browser import launch_browser, start_streamlit, wait_for_app  # noqa: E402

ALL_SCHEMES = "zeros,random,random:10,xavier,he,constant:0.5"
# READ, but for the live charts only and by their Streamlit key: the static activation-histogram
# chart never redraws while training plays, and the distinct-units bars redraw only when a count
# changes (a figure that repeats the last one is not counted).
KEYED = "[...__pg.draws.entries()].filter(([gd]) => gd.isConnected && gd.closest('.descentlab-live-chart'))" \
        ".map(([gd, n]) => [(gd.closest('[class*=\"st-key-\"]').className.match(/st-key-(\\S+)/) || [])[1], n])"
READ_LIVE = READ.replace("draws: [...__pg.draws.entries()].filter(([gd]) => gd.isConnected).map(([, n]) => n)",
                         f"draws: {KEYED}")
assert READ_LIVE != READ, "bench.playground_fps.READ changed: update READ_LIVE"


def measure(seconds: float, query: str) -> dict:
    with start_streamlit(str(ROOT / "server.py")) as (base, proc):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch_browser(pw)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.add_init_script(PROBE)
            page.goto(f"{base}/init_lab?{query}")
            wait_for_app(page, 180_000)
            page.wait_for_function("() => window.__pg.firstChart !== null", timeout=180_000)
            first = page.evaluate("() => window.__pg.firstChart")
            page.locator(".st-key-init_btn_play button").click()
            page.wait_for_timeout(1500)  # settle: the first frames size the per-frame iterations
            before, cpu0, t0 = page.evaluate(READ_LIVE), cpu_seconds(proc.pid), time.perf_counter()
            bcpu0 = browser_cpu_seconds()[0]
            page.wait_for_timeout(seconds * 1000)
            after, cpu1, dt = page.evaluate(READ_LIVE), cpu_seconds(proc.pid), time.perf_counter() - t0
            bcpu1 = browser_cpu_seconds()[0]
            mem = rss_mb(proc.pid)
            browser.close()
    start = dict(before["draws"])
    per_chart = {key: (n - start.get(key, 0)) / dt for key, n in after["draws"]}
    frames = max(after["iterations"] - before["iterations"], 1)
    return {
        "per_chart": per_chart,
        "frames": (after["iterations"] - before["iterations"]) / dt,
        # CPU per frame, server and browser: on an idle two-core machine the two overlap, so the page
        # could reach about 1 / max(server, browser) frames per second, and at least 1 / their sum
        "server_ms": (cpu1 - cpu0) / frames * 1000, "browser_ms": (bcpu1 - bcpu0) / frames * 1000,
        "blank": (after["blank"] - before["blank"]) / max(after["samples"] - before["samples"], 1),
        "first_chart_s": first / 1000, "cpu": (cpu1 - cpu0) / dt, "rss_mb": mem,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--values", default=ALL_SCHEMES, help="the schemes, as in the page's share link")
    ap.add_argument("--query", default="", help="extra config keys for the link, e.g. 'hidden=10,5'")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    query = "&".join(q for q in (args.query, f"vary=init&values={args.values}") if q)
    print("| schemes | load avg | training frames/s | chart redraws/s | blank samples | CPU per frame: "
          "server / browser | idle-machine estimate | page load to first chart | server RSS |\n"
          "|---|---|---|---|---|---|---|---|---|")
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        r = measure(args.seconds, query)
        charts = ", ".join(f"{k.removeprefix('init_live_')} {v:.1f}" for k, v in sorted(r["per_chart"].items()))
        server, browser = r["server_ms"], r["browser_ms"]
        print(f"| {len(args.values.split(','))} | {load:.1f} | {r['frames']:.1f} | {charts} | {r['blank']:.1%} | "
              f"{server:.0f} / {browser:.0f} ms | {1000 / (server + browser):.1f}–{1000 / max(server, browser):.1f} "
              f"frames/s | {r['first_chart_s']:.1f} s | {r['rss_mb']:.0f} MB |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
