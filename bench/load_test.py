"""Many users at once: N people open the Playground on one Descent Lab server and train side by side.

    python -m bench.load_test [--sessions 10] [--seconds 60]

One `streamlit run server.py` (as `make run` serves the app) on loopback and one headless Chromium;
each session is its own browser context (own cookies, own websocket: a separate user to Streamlit).
Session k opens
/playground?seed=k; all open at the same moment (a lecture hall clicking one link), then all press Play.
While they train, the sessions take turns: one is paused, Step is clicked, and the time from the click
to the iteration counter changing is measured in the page (performance.now()); then it plays again.

Checked and reported:
- errors: exception boxes on any page, JavaScript errors, tracebacks in the server's log;
- isolation: each page's first cost is the engine's cost for its own seed, and at the end the cost
  shown at the iteration shown is what the engine computes for that seed and iteration (full-batch
  gradient descent is deterministic: any state shared between sessions would show as a mismatch);
- Step latency (median, p95, max) while the others play;
- server memory (VmRSS) idle, after all sessions opened, at the end; the increase per session;
- iterations per second per session and the server's CPU.
Browser and server share this machine's cores, so the figures are pessimistic for a real classroom,
where each student's browser runs on their own machine. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.live_chart_fps import cpu_seconds, rss_mb  # noqa: E402
from descentlab.engine.build import build  # noqa: E402
from descentlab.engine.config import RunConfig  # noqa: E402
from tests.browser import (  # noqa: E402
    APP_IDLE,
    CHROMIUM_ARGS,
    chromium_path,
    start_streamlit,
    wait_for_app,
)

# Many pages in one browser: none of them may be throttled as a background tab.
BROWSER_ARGS = [*CHROMIUM_ARGS, "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows"]
# --no-draw: plotly.js still loads and every figure still reaches the page, but Plotly.react draws
# nothing. The server does all its work; the browsers, which share this machine's cores here but run
# on each student's own machine in a classroom, stop competing with it.
NO_DRAW = """(() => {
  let plotly;
  Object.defineProperty(window, 'Plotly', {configurable: true, get: () => plotly, set(p) {
    plotly = p;
    for (const name of ['react', 'newPlot']) p[name] = (gd) => Promise.resolve(gd);
  }});
})();"""
STATUS = """(name) => {
  for (const cell of document.querySelectorAll('.dl-cell')) {
    const n = cell.querySelector('.dl-name');
    if (n && n.textContent.trim() === name) return cell.querySelector('.dl-value').textContent.trim();
  }
  return null;
}"""
# Iteration and train cost from one status line, read at once; null while a rerun briefly shows two
# (Streamlit keeps an element that moved until the run ends: the paused page adds the rewind slider).
STATUS_PAIR = """() => {
  const lines = document.querySelectorAll('.dl-status');
  if (lines.length !== 1) return null;
  const value = (name) => [...lines[0].querySelectorAll('.dl-cell')]
    .find((c) => c.querySelector('.dl-name').textContent.trim() === name)?.querySelector('.dl-value').textContent.trim();
  return [value('Iteration'), value('Train cost')];
}"""
# Click Step and resolve when the iteration counter shows another value (or null after 30 s).
STEP = """async () => {
  const read = () => ((%s)() || [null])[0];  // null while two status lines show
  const before = read();
  const t0 = performance.now();
  document.querySelector('.st-key-btn_step button').click();
  const after = await new Promise((resolve) => {
    let observer, timer, limit;
    const done = (value) => { observer.disconnect(); clearInterval(timer); clearTimeout(limit); resolve(value); };
    const check = () => { const now = read(); if (now !== null && now !== before) done(now); };
    observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    timer = setInterval(check, 20);
    limit = setTimeout(() => done(null), 30000);
  });
  return {before, after, ms: performance.now() - t0};
}""" % STATUS_PAIR


@dataclass
class Session:
    seed: int
    page: object = field(repr=False)
    js_errors: list = field(default_factory=list)
    loaded_s: float = float("nan")       # from navigation until the status line showed
    first_cost: str = ""
    expected_first: str = ""
    iteration: int | None = None         # at the end, paused
    played_s: float = float("nan")       # from pressing Play to the final Pause
    final_cost: str = ""
    expected_final: str = ""
    steps: list = field(default_factory=list)  # (before, after, ms) per measured Step
    pauses: list = field(default_factory=list)  # seconds from a Pause click to the button showing Play


@dataclass
class Result:
    sessions: list
    seconds: float
    server_errors: list
    exception_boxes: int
    rss_idle: float                      # MB: the server started, no session yet
    rss_warm: float                      # one warm-up session open (imports done, caches filled)
    rss_opened: float                    # and all sessions open
    rss_end: float                       # after training
    cpu: float                           # server CPU over the training window, 1.0 = one core
    load_before: float                   # the machine's 1-minute load average before the run
    problems: list                       # what timed out, in words
    draw: bool                           # False: the browsers did not draw the charts

    @property
    def rss_per_session(self) -> float:
        return (self.rss_end - self.rss_warm) / len(self.sessions)

    @property
    def latencies(self) -> list:
        return [ms for s in self.sessions for _, _, ms in s.steps if ms is not None]

    @property
    def errors(self) -> list:
        """Everything that went wrong, in words; empty when all is well."""
        out = [f"server: {line}" for line in self.server_errors] + list(self.problems)
        out += [f"{self.exception_boxes} exception box(es) on the pages"] if self.exception_boxes else []
        for s in self.sessions:
            out += [f"seed {s.seed}: JavaScript error {e}" for e in s.js_errors]
            out += [f"seed {s.seed}: Step went {b} -> {a}" for b, a, _ms in s.steps if _count(a) != _count(b) + 1]
        return out


def _count(text) -> int | None:
    return None if text is None else int(re.sub(r"\D", "", text))


def engine_cost(seed: int, iterations: int) -> str:
    """The train cost the Playground shows for ?seed=<seed> after `iterations`, computed here."""
    tr = build(RunConfig(seed=seed)).trainer
    tr.record_every = None  # recording never changes training; skip the per-iteration records
    tr.step(iterations)
    tr.record()
    return f"{tr.last_record['cost_train']:.4f}"


def _status(page, name: str) -> str | None:
    return page.evaluate(STATUS, name)


CLICK = """(key) => {
  const button = document.querySelector(`.st-key-${key} button`);
  if (button) button.click();
  return !!button;
}"""


def _click(page, key: str, timeout_s: float = 180) -> None:
    # A DOM click, once the button is there (a rerun may briefly replace it): Playwright's own click
    # also waits for the page to be idle, which a starved browser is not.
    page.wait_for_function(CLICK, arg=key, timeout=timeout_s * 1000)


PLAYING = """() => !!document.querySelector('.st-key-btn_play button')?.textContent.includes('Pause')"""


def _start_playing(page, timeout_s: float = 180, retry_s: float = 15) -> None:
    """Click Play until the button shows Pause. A click that lands while a rerun replaces the button is
    lost; clicking again only after ``retry_s`` without effect cannot undo a click that was merely slow."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout_s
    while True:
        _click(page, "btn_play", max(1.0, deadline - time.monotonic()))
        try:
            page.wait_for_function(PLAYING, timeout=min(retry_s, max(1.0, deadline - time.monotonic())) * 1000)
            return
        except PlaywrightTimeout:
            if time.monotonic() >= deadline:
                raise


def _request_pause(s: Session, timeout_s: float = 180) -> float:
    """Click Pause once Play has taken effect (the button shows Pause); returns the click's time."""
    s.page.locator(".st-key-btn_play button").filter(has_text="Pause").first.wait_for(timeout=timeout_s * 1000)
    _click(s.page, "btn_play")
    return time.monotonic()


def _await_pause(s: Session, clicked: float, timeout_s: float = 180) -> int:
    """Wait for the button to show Play and the status line to say paused, then for the counter to be
    still for 1.5 s (frames in flight may still land); returns the iteration shown, and keeps the
    train cost shown with it."""
    page = s.page
    page.locator(".st-key-btn_play button").filter(has_text="Play").first.wait_for(timeout=timeout_s * 1000)
    s.pauses.append(time.monotonic() - clicked)
    # the status line the paused run drew (a frame that was already computing may land just before it)
    page.wait_for_function(f"() => ({STATUS})('State') === 'paused'", timeout=timeout_s * 1000)
    last, since, deadline = _status(page, "Iteration"), time.monotonic(), time.monotonic() + timeout_s
    while time.monotonic() - since < 1.5 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        now = _status(page, "Iteration")
        if now != last:
            last, since = now, time.monotonic()
    page.wait_for_selector(APP_IDLE, timeout=timeout_s * 1000)
    page.wait_for_function(STATUS_PAIR, timeout=timeout_s * 1000)
    iteration, s.final_cost = page.evaluate(STATUS_PAIR)
    return _count(iteration)


def _server_log(proc) -> str:
    try:  # start_streamlit logs to an unlinked temporary file: still readable through the process
        return Path(f"/proc/{proc.pid}/fd/1").read_text(errors="replace")
    except OSError:
        return ""


def run_load(sessions: int = 10, seconds: float = 60, draw: bool = True, log=print) -> Result:
    """Open `sessions` Playgrounds (seeds 0..sessions-1), train them for `seconds`, measure
    (`draw=False`: the pages receive every figure but do not draw it, see NO_DRAW)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()[0]
    with start_streamlit(ROOT / "server.py") as (base, proc), sync_playwright() as pw:
        rss_idle = rss_mb(proc.pid)
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=BROWSER_ARGS)
        try:
            # The lecturer's tab, opened first and left paused: the first session's one-off costs
            # (imports, plotly.js, caches) are not counted against the others.
            def new_page():  # a context of its own: another user, to the browser and to Streamlit
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                if not draw:
                    context.add_init_script(NO_DRAW)
                return context.new_page()

            warm = new_page()
            warm.goto(f"{base}/playground?seed={sessions}")
            wait_for_app(warm, 180_000)
            warm.wait_for_function(f"() => ({STATUS})('Train cost') !== null", timeout=180_000)
            rss_warm = rss_mb(proc.pid)
            group = []
            for seed in range(sessions):
                page = new_page()
                s = Session(seed, page)
                page.on("pageerror", lambda exc, s=s: s.js_errors.append(str(exc)[:200]))
                group.append(s)
            t0 = time.monotonic()
            for s in group:  # all at once: navigations proceed in parallel in the browser
                s.page.goto(f"{base}/playground?seed={s.seed}", wait_until="commit")
            for s in group:
                s.page.wait_for_function(f"() => ({STATUS})('Train cost') !== null", timeout=180_000)
                s.loaded_s = time.monotonic() - t0
                wait_for_app(s.page, 180_000)
                s.first_cost = _status(s.page, "Train cost")
                s.expected_first = engine_cost(s.seed, 0)
            rss_opened = rss_mb(proc.pid)
            log(f"{sessions} sessions open after {max(s.loaded_s for s in group):.1f} s; pressing Play")
            for s in group:
                _start_playing(s.page)
            cpu0, start = cpu_seconds(proc.pid), time.monotonic()
            turn, problems = 0, []
            while time.monotonic() - start < seconds or turn < sessions:  # every session gets a turn
                s = group[turn % sessions]
                turn += 1
                try:
                    _await_pause(s, _request_pause(s))
                except PlaywrightTimeout:
                    problems.append(f"seed {s.seed}: Pause not done after 180 s (the server is saturated)")
                    break
                for _ in range(3):
                    r = s.page.evaluate(STEP)
                    s.steps.append((r["before"], r["after"], r["ms"] if r["after"] is not None else None))
                log(f"seed {s.seed}: pause {s.pauses[-1]:.1f} s, steps "
                    + ", ".join("lost" if ms is None else f"{ms:.0f} ms" for *_, ms in s.steps[-3:]))
                _click(s.page, "btn_play")
                time.sleep(0.5)  # let it get going again before the next one pauses
            elapsed = time.monotonic() - start
            cpu = (cpu_seconds(proc.pid) - cpu0) / elapsed
            rss_end = rss_mb(proc.pid)
            clicked = {}
            for s in group:  # stop every session first, then wait: a saturated server drains faster
                try:
                    clicked[s.seed] = _request_pause(s)
                    s.played_s = clicked[s.seed] - start
                except PlaywrightTimeout:
                    problems.append(f"seed {s.seed}: not playing at the end (Play never took effect)")
            for s in group:
                try:
                    s.iteration = _await_pause(s, clicked[s.seed]) if s.seed in clicked else None
                except PlaywrightTimeout:
                    problems.append(f"seed {s.seed}: the final Pause not done after 180 s")
                if s.iteration is not None:
                    s.expected_final = engine_cost(s.seed, s.iteration)
            boxes = sum(p.locator("[data-testid='stException']").count() for p in [warm, *(s.page for s in group)])
        finally:
            browser.close()
        server_errors = [line for line in _server_log(proc).splitlines() if "Traceback" in line or "Uncaught" in line]
    return Result(group, elapsed, server_errors, boxes, rss_idle, rss_warm, rss_opened, rss_end, cpu, load,
                  problems, draw)


def _pct(values: list, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def table(r: Result) -> str:
    n, lat = len(r.sessions), r.latencies
    pauses = [t for s in r.sessions for t in s.pauses]
    isolated = sum(s.first_cost == s.expected_first and s.final_cost == s.expected_final for s in r.sessions)
    rate = statistics.mean([s.iteration / s.played_s for s in r.sessions if s.iteration] or [float("nan")])
    loaded = max(s.loaded_s for s in r.sessions)
    ms = lambda v: f"{v:.0f}"  # noqa: E731
    return "\n".join([
        "| sessions | charts drawn | training | errors | own history (engine match) | distinct first costs "
        "| Step latency median / p95 / max (n) | Pause → button shows Play, median / p95 | iterations/s per "
        "session | all pages loaded | server RSS idle → warm → open → end | per session | server CPU | "
        "load avg before |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {n} | {'yes' if r.draw else 'no'} | {r.seconds:.0f} s | {len(r.errors)} | {isolated}/{n} | "
        f"{len({s.first_cost for s in r.sessions})}/{n} | {ms(_pct(lat, 0.5))} / {ms(_pct(lat, 0.95))} / "
        f"{ms(max(lat, default=float('nan')))} ms ({len(lat)}) | {_pct(pauses, 0.5):.1f} / {_pct(pauses, 0.95):.1f} s "
        f"| {rate:.0f} | {loaded:.1f} s | {r.rss_idle:.0f} → {r.rss_warm:.0f} → {r.rss_opened:.0f} → "
        f"{r.rss_end:.0f} MB | {r.rss_per_session:.1f} MB | {r.cpu:.0%} of a core | {r.load_before:.1f} |",
    ])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--no-draw", dest="draw", action="store_false",
                    help="the pages receive every figure but do not draw it (server capacity alone)")
    args = ap.parse_args(argv)
    if chromium_path() is None:
        print("Chromium is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    result = run_load(args.sessions, args.seconds, args.draw)
    print(table(result))
    for problem in result.errors:
        print("-", problem)
    for s in result.sessions:
        if (s.first_cost, s.final_cost) != (s.expected_first, s.expected_final):
            print(f"- seed {s.seed}: showed {s.first_cost} / {s.final_cost} at iteration {s.iteration}, "
                  f"engine says {s.expected_first} / {s.expected_final}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
