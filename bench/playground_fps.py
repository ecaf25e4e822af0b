"""How alive the Playground is in a real browser: frames per second of every visible live chart, the
share of blank samples, and the time from page load to the first chart.

    python -m bench.playground_fps [--seconds 10] [--query "seed=1"] [--panel Network] [--unit 1,2]

Starts `streamlit run server.py` (as `make run` does; `--script app.py`: without the live-frame route,
frames through fragment reruns), opens /playground in headless Chromium, presses Play and, over the
window, counts redraws per live chart (a figure on screen that differs from the chart's last one), the distinct iteration values the
status line showed (training frames), blank samples (every 50 ms: a chart with no drawn trace) and
server CPU (``--unit l,j``: with unit (l, j), j from 0, clicked in the network diagram first, so the
boundary chart shows that unit's output). Prints a Markdown table. Browser and server share this machine's two cores, and its
neighbours' load moves frames/s by 20 % from run to run; so it also reports the CPU time a frame costs
(all Chromium processes + the server, and the page's main thread alone) and the frames/s that CPU
would allow on idle cores: the main thread is one core at most, the rest shares os.cpu_count().
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "server.py"  # what `make run` starts
SCRIPTS = ("server.py", "app.py")  # app.py: no frame route, live frames through fragment reruns
sys.path.insert(0, str(ROOT))
from bench.live_chart_fps import browser_cpu_seconds, cpu_seconds, rss_mb  # noqa: E402
from tests.browser import UNIT_PIXEL, launch_browser, start_streamlit, wait_for_app  # noqa: E402

PROBE = r"""
window.__pg = { draws: new Map(), samples: 0, blank: 0, firstChart: null, iterations: new Set(), watched: null };
// A redraw = a live chart put a figure on screen that differs from its previous one, whichever way
// it got there (Plotly.react, or only new pictures and canvas lines: ui/assets/live_chart.js).
document.addEventListener('descentlab:drawn', (ev) => {
  if (!ev.detail.repeat) __pg.draws.set(ev.target, (__pg.draws.get(ev.target) || 0) + 1);
}, true);
// Training frames = distinct values of the iteration counter, seen on every change of the status line
// (a mutation observer on its box: sampling could not count more than its own rate).
const noteIteration = () => {
  const m = document.querySelector('.dl-status .dl-value');
  if (m) __pg.iterations.add(m.textContent);
};
const statusWatcher = new MutationObserver(noteIteration);
setInterval(() => {
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  const drawn = charts.filter((gd) => gd.querySelector('.overplot .trace, .overplot image, .layer-above image'));
  const box = document.querySelector('.dl-status')?.parentElement;
  if (box && box !== __pg.watched) {  // the status line's element (re-created when the page re-mounts it)
    statusWatcher.disconnect();
    statusWatcher.observe(box, { childList: true, subtree: true, characterData: true });
    __pg.watched = box;
  }
  noteIteration();
  if (__pg.firstChart === null) { if (drawn.length >= 2) __pg.firstChart = performance.now(); return; }
  __pg.samples += charts.length; __pg.blank += charts.length - drawn.length;
}, 50);
"""

READ = """() => ({ draws: [...__pg.draws.entries()].filter(([gd]) => gd.isConnected).map(([, n]) => n),
                  samples: __pg.samples, blank: __pg.blank, firstChart: __pg.firstChart,
                  iterations: __pg.iterations.size })"""


def measure(seconds: float, query: str, panel: str | None = "Network", page_path: str = "playground",
            play_key: str = "btn_play", script: str = SCRIPT, unit: tuple[int, int] | None = None) -> dict:
    """Open ``/<page_path>?<query>``, press the button keyed ``play_key`` and measure (``panel``: the
    Playground's detail panel to open first; None leaves the page as it opens)."""
    with start_streamlit(str(ROOT / script)) as (base, proc):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch_browser(pw)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.add_init_script(PROBE)
            page.goto(f"{base}/{page_path}?{query}")
            wait_for_app(page)
            page.wait_for_function("() => window.__pg.firstChart !== null", timeout=60_000)
            first = page.evaluate("() => window.__pg.firstChart")
            if panel not in (None, "Network"):
                page.locator(".st-key-view_panel button", has_text=panel).first.click()
                wait_for_app(page)
            if unit is not None:  # the boundary chart shows this unit's output, as after a click on it
                page.wait_for_function(f"() => ({UNIT_PIXEL})({list(unit)}) !== null")
                at = page.evaluate(UNIT_PIXEL, list(unit))
                page.mouse.click(at["x"], at["y"])
                page.wait_for_function("() => document.querySelector('.st-key-live_boundary .js-plotly-plot')"
                                       "?.textContent.includes('over the input plane')")
                wait_for_app(page)
            page.locator(f".st-key-{play_key} button").click()
            page.wait_for_timeout(1500)  # settle: the first frames size the per-frame iterations
            before, cpu0, t0 = page.evaluate(READ), cpu_seconds(proc.pid), time.perf_counter()
            browser0 = browser_cpu_seconds()
            page.wait_for_timeout(seconds * 1000)
            after, cpu1, dt = page.evaluate(READ), cpu_seconds(proc.pid), time.perf_counter() - t0
            browser1 = browser_cpu_seconds()
            mem = rss_mb(proc.pid)
            browser.close()
    n = min(len(before["draws"]), len(after["draws"]))
    per_chart = [(after["draws"][i] - before["draws"][i]) / dt for i in range(n)]
    # CPU per training frame (a frame = one new iteration value on the status line): unlike frames/s
    # it hardly moves with what else runs on the machine. The renderer's main thread is one core at
    # most, and browser + server share the machine's cores.
    frames = max(after["iterations"] - before["iterations"], 1)
    browser_ms = (browser1[0] - browser0[0]) * 1000 / frames
    total_ms = browser_ms + (cpu1 - cpu0) * 1000 / frames
    main_ms = (browser1[1] - browser0[1]) * 1000 / frames
    return {
        "cpu_ms": total_ms, "browser_ms": browser_ms, "main_ms": main_ms,
        "ceiling": min(1000 / main_ms if main_ms else float("inf"), 1000 * (os.cpu_count() or 1) / total_ms),
        "charts": n, "fps_min": min(per_chart) if per_chart else 0.0,
        "fps_mean": sum(per_chart) / n if n else 0.0,
        "frames": (after["iterations"] - before["iterations"]) / dt,
        "blank": (after["blank"] - before["blank"]) / max(after["samples"] - before["samples"], 1),
        "first_chart_s": first / 1000, "cpu": (cpu1 - cpu0) / dt, "rss_mb": mem,
    }


def report_repeats(page_path: str, play_key: str, query: str, seconds: float, repeat: int,
                   script: str = SCRIPT) -> None:
    """Measure a lab page ``repeat`` times (other work on this machine moves the figures) and print
    one Markdown row per run."""
    print("| run | live charts | chart redraws/s (slowest / mean) | training frames/s | blank samples | "
          "page load to first chart | server CPU | server RSS | CPU per frame: all / page main thread |\n"
          "|---|---|---|---|---|---|---|---|---|")
    for i in range(repeat):
        r = measure(seconds, query, panel=None, page_path=page_path, play_key=play_key, script=script)
        print(f"| {i + 1} | {r['charts']} | {r['fps_min']:.1f} / {r['fps_mean']:.1f} | {r['frames']:.1f} | "
              f"{r['blank']:.1%} | {r['first_chart_s']:.1f} s | {r['cpu']:.0%} of a core | {r['rss_mb']:.0f} MB | "
              f"{r['cpu_ms']:.0f} / {r['main_ms']:.0f} ms |", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--query", default="seed=0")
    ap.add_argument("--panel", default="Network")
    ap.add_argument("--script", default=SCRIPT, choices=SCRIPTS)
    ap.add_argument("--unit", default=None, help="l,j: show unit (l, j) (j from 0) on the boundary chart")
    args = ap.parse_args(argv)
    unit = tuple(int(v) for v in args.unit.split(",")) if args.unit else None
    r = measure(args.seconds, args.query, args.panel, script=args.script, unit=unit)
    print(f"| live charts | chart redraws/s (slowest / mean) | status frames/s | blank samples | "
          f"page load to first chart | server CPU | server RSS | CPU per frame: all / Chromium / page main thread | "
          f"frames/s that CPU allows on idle cores |\n|---|---|---|---|---|---|---|---|---|\n"
          f"| {r['charts']} ({args.panel} panel{f', unit {unit}' if unit else ''}) | {r['fps_min']:.1f} / {r['fps_mean']:.1f} | {r['frames']:.1f} | "
          f"{r['blank']:.1%} | {r['first_chart_s']:.1f} s | {r['cpu']:.0%} of a core | {r['rss_mb']:.0f} MB | "
          f"{r['cpu_ms']:.0f} / {r['browser_ms']:.0f} / {r['main_ms']:.0f} ms | {r['ceiling']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
