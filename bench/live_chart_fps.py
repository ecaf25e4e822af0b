"""How live the live charts are: descentlab.ui.live.elements vs st.plotly_chart, runner.postScriptGC on vs off.

    python -m bench.live_chart_fps [--seconds 10]

For each configuration it starts bench/live_chart_app.py (three charts, a 20 Hz fragment), opens
it in headless Chromium and measures, over `--seconds`:
- draws/s: distinct frames drawn in the browser per chart (`plotly_afterplot` showing a new tick);
- blank %: samples (every 50 ms, per chart) where the chart has no drawn SVG content;
- first chart: time from navigation start until all three charts show content;
- new divs/s: Plotly divs created per chart per second (0 = updated in place);
- ticks/s: server fragment runs (the app's frame counter);
- server CPU %: utime+stime of the streamlit process from /proc/<pid>/stat (100 % = one core),
  also per tick, and its resident memory at the start and end of the window.
Prints a Markdown table. Browser and server share this machine's cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser import launch_browser, start_streamlit, wait_for_app  # noqa: E402

APP = ROOT / "bench" / "live_chart_app.py"
CHARTS = 3

# Runs before the page's own scripts. Columns are stable across modes (st.plotly_chart replaces
# its Plotly div on every update), so counts are kept per column.
PROBE = r"""
window.__probe = { draws: [0, 0, 0], last: [-1, -1, -1], samples: 0, blank: [0, 0, 0],
                   firstChart: null, mounts: 0, seen: new WeakSet() };
const columnOf = (el) => {
  const cols = [...document.querySelectorAll('[data-testid="stColumn"]')];
  return cols.findIndex((c) => c.contains(el));
};
const DRAWN = '.js-plotly-plot .overplot .trace, .js-plotly-plot .overplot image';
const hasContent = (col) => !!col && !!col.querySelector(DRAWN);
new MutationObserver(() => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (__probe.seen.has(gd) || typeof gd.on !== 'function') continue;
    __probe.seen.add(gd);
    __probe.mounts++;  // a new Plotly div: the chart was torn down and built again
    // A frame counts once, when a draw showing a new tick completes (a remount fires afterplot
    // more than once for the same tick).
    gd.on('plotly_afterplot', () => {
      const i = columnOf(gd), tick = gd.layout && gd.layout.meta && gd.layout.meta.tick;
      if (i < 0 || i > 2 || tick === undefined || tick === __probe.last[i]) return;
      __probe.last[i] = tick;
      __probe.draws[i]++;
    });
  }
}).observe(document, { subtree: true, childList: true });
setInterval(() => {
  const cols = [...document.querySelectorAll('[data-testid="stColumn"]')].slice(0, 3);
  const drawn = [0, 1, 2].map((i) => hasContent(cols[i]));
  if (__probe.firstChart === null) {
    if (drawn.every(Boolean)) __probe.firstChart = performance.now();
    return;  // blank samples only count once the charts have appeared
  }
  __probe.samples++;
  drawn.forEach((ok, i) => { if (!ok) __probe.blank[i]++; });
}, 50);
"""


def cpu_seconds(pid: int | str) -> float:
    """utime + stime of `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (in a bench: the Playwright driver and its Chromium)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def browser_cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by this bench's own Chromium (not other benches'): all its processes,
    and its renderers' main threads (the page's main thread is one core at most)."""
    total = main = 0.0
    for pid in _descendants(os.getpid()):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()  # a child's reads "chromium --type=renderer ..."
            if b"chrom" in cmd:
                total += cpu_seconds(pid)
                if b"--type=renderer" in cmd:
                    main += cpu_seconds(f"{pid}/task/{pid}")  # the thread whose id is the process's
        except OSError:
            pass  # exited meanwhile
    return total, main


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(mode: str, gc: bool, seconds: float, playwright) -> dict:
    args = ["--runner.postScriptGC", str(gc).lower()]
    with start_streamlit(APP, args=args) as (base_url, proc):
        browser = launch_browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(PROBE)
            page.goto(f"{base_url}/?mode={mode}")
            wait_for_app(page)
            page.wait_for_function("window.__probe.firstChart !== null", timeout=60_000)
            first_chart = page.evaluate("window.__probe.firstChart") / 1000
            time.sleep(1.0)  # let it settle after the first draws
            read = "JSON.parse(JSON.stringify({...window.__probe, seen: 0}))"
            before, tick0 = page.evaluate(read), int(page.inner_text("#frame-counter"))
            cpu0, t0, rss0 = cpu_seconds(proc.pid), time.monotonic(), rss_mb(proc.pid)
            time.sleep(seconds)
            after, tick1 = page.evaluate(read), int(page.inner_text("#frame-counter"))
            cpu1, t1, rss1 = cpu_seconds(proc.pid), time.monotonic(), rss_mb(proc.pid)
        finally:
            browser.close()
    wall = t1 - t0
    draws = [(after["draws"][i] - before["draws"][i]) / wall for i in range(CHARTS)]
    samples = (after["samples"] - before["samples"]) * CHARTS
    blank = sum(after["blank"]) - sum(before["blank"])
    return {
        "mode": "live_chart" if mode == "live_chart" else "st.plotly_chart",
        "gc": "on" if gc else "off",
        "fps": sum(draws) / CHARTS,
        "fps_min": min(draws),
        "blank": 100 * blank / max(samples, 1),
        "first": first_chart,
        "mounts": (after["mounts"] - before["mounts"]) / wall / CHARTS,
        "ticks": (tick1 - tick0) / wall,
        "cpu": 100 * (cpu1 - cpu0) / wall,
        "cpu_per_tick": 1000 * (cpu1 - cpu0) / max(tick1 - tick0, 1),
        "rss": (rss0, rss1),
    }


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--modes", default="live_chart,plotly_chart")
    opts = parser.parse_args(argv)
    rows = []
    with sync_playwright() as pw:
        for mode in opts.modes.split(","):
            for gc in (True, False):
                rows.append(measure(mode, gc, opts.seconds, pw))
                print(f"measured {rows[-1]['mode']} gc={rows[-1]['gc']}", file=sys.stderr)
    print(f"\nThree charts, 20 Hz fragment, {opts.seconds:g} s each, {os.cpu_count()} cores shared "
          "by server and browser.\n")
    print("| element | postScriptGC | draws/s per chart (mean / min) | blank samples | "
          "new divs/s | first chart | server ticks/s | server CPU | CPU per tick | server RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cells = [
            r["mode"], r["gc"], f"{r['fps']:.1f} / {r['fps_min']:.1f}", f"{r['blank']:.0f} %",
            f"{r['mounts']:.1f}", f"{r['first']:.1f} s", f"{r['ticks']:.1f}", f"{r['cpu']:.0f} %",
            f"{r['cpu_per_tick']:.0f} ms", f"{r['rss'][0]:.0f} -> {r['rss'][1]:.0f} MB",
        ]
        print("| " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
