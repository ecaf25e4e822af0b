"""One hostile user in a lecture hall: does anyone else notice?

    python -m bench.hostile [--victims 3] [--browsers] [--window 8]

Starts server.py as `make run` serves it. The victims play the default Playground: websocket clients
speaking Streamlit's protocol (bench.ws_load.Client: frames counted exactly, nothing drawn) or, with
--browsers, Chromium pages (iterations read off each page's status line). After a quiet window, one
more user, a Chromium page, tries every attack of the security review in turn:

- the Learning rate link of the review (the shapes pictures, hidden=512, 20,000 examples, 32 rates:
  ~7 GB before the budgets);
- a Compare link of six of the sidebar's largest networks;
- a link of Markdown: a link to an outside host, an image from it, and 100 unknown keys;
- a 4.3 MB CSV upload of 220,000 columns.

Each must be refused, with a message, within the deadline, and the server's memory must not move by
more than a run's worth. Then a leaver plays a heavy run and closes its tab: once the grace has
passed its frame token must answer 404, and all but 20 % of the memory it took must have gone back
to the system. Reported: the
victims' frames (or iterations) per second before, during and after the attacks, how long each
refusal took, the server's memory, and any error on any page or in the server's log.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.live_chart_fps import rss_mb  # noqa: E402
from bench.load_test import BROWSER_ARGS, STATUS, _server_log, _start_playing  # noqa: E402
from bench.ws_load import Client  # noqa: E402
from tests.browser import chromium_path, start_streamlit, wait_for_app  # noqa: E402

RATES = ",".join(f"{r:.4g}" for r in np.geomspace(0.001, 3, 32))
LR_LINK = {"dataset": "shapes", "hidden": "512", "n_samples": "20000", "vary": "learning_rate", "values": RATES}
COMPARE_LINK = {"hidden": ",".join(["64"] * 8), "n_samples": "2000", "vary": "learning_rate",
                "values": "0.001;0.003;0.01;0.03;0.1;0.3"}
MARKDOWN_LINK = {"evil": "[CLICKME](http://evil.example/login)", "pic": "![t](http://evil.example/p.png)",
                 **{f"k{i}": "x" for i in range(100)}}
LEAVER = {"hidden": "256,256,256", "n_samples": "2000"}  # ~250 MB held while it plays
SETTLED = 4_000  # iterations each browser victim plays before the first window: ~5 s at full speed
GRACE_S = 5  # the server's DESCENTLAB_SESSION_GRACE_S here: the bench waits for it, not 20 s


def wide_csv(columns: int = 220_000, rows: int = 6) -> bytes:
    """The review's file: 4.3 MB of one-digit cells, far more columns than any data set needs."""
    rng = np.random.default_rng(0)
    header = ",".join(f"c{j}" for j in range(columns)) + ",label"
    body = [",".join(map(str, rng.integers(0, 10, columns))) + f",{i % 2}" for i in range(rows)]
    return "\n".join([header, *body]).encode() + b"\n"


@dataclass
class Attack:
    name: str
    seconds: float = float("nan")     # from the request to the page settled with its message
    said: str = ""                     # the page's alerts, as a reader sees them
    refused: bool = False              # the message the attack must get was shown
    rss_after: float = float("nan")
    notes: list = field(default_factory=list)


@dataclass
class Result:
    victims: str
    rates: dict                        # window -> per-victim frames (or iterations) per second
    attacks: list
    rss_before: float
    rss_peak: float
    rss_before_leaver: float
    rss_leaver: float
    rss_after_leaver: float
    leaver_token_404_s: float
    leaver_released_s: float
    errors: list


class RssSampler(threading.Thread):
    """The server's peak memory, sampled every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(0.2)


def _alerts(page) -> str:
    return "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())


def _visit(page, url: str, timeout_ms: float = 120_000) -> float:
    t0 = time.monotonic()
    page.goto(url)
    wait_for_app(page, timeout_ms)
    return time.monotonic() - t0


def _markdown_harmless(page, said: str, evil_requests: list) -> tuple[bool, list]:
    links = page.locator("a[href*='evil.example'], img[src*='evil.example']").count()
    boxes = page.locator("[data-testid='stAlert']").count()
    notes = [f"{links} live links/images to the outside host, {len(evil_requests)} requests to it, {boxes} boxes"]
    return links == 0 and not evil_requests and "CLICKME" in said and boxes <= 2, notes


# (what, page, the hostile link, an ordinary link to the same page for the control run, the check)
LINK_ATTACKS = [
    ("Learning rate link: shapes, 512 units, 20,000 examples, 32 rates", "lr_explorer", LR_LINK, {},
     lambda page, said, evil: ("768 pixels" in said and "one session may hold" in said, [])),
    ("Compare link: six networks of 8 x 64 units on 2,000 examples", "compare", COMPARE_LINK, {},
     lambda page, said, evil: ("Compare fewer values" in said, [])),
    ("Markdown link: a link and an image to an outside host, 100 unknown keys", "playground", MARKDOWN_LINK,
     {"seed": "7"}, _markdown_harmless),
]


def _attack_links(page, base: str, evil_requests: list, control: bool) -> list[Attack]:
    out = []
    for name, path, hostile, ordinary, check in LINK_ATTACKS:
        a = Attack(name)
        a.seconds = _visit(page, f"{base}/{path}?{urlencode(ordinary if control else hostile)}")
        a.said = _alerts(page)
        a.refused, a.notes = check(page, a.said, evil_requests)
        out.append(a)
    return out


def _attack_upload(page, tmp: Path, control: bool) -> Attack:
    a = Attack("CSV upload: 4.3 MB, 220,000 columns")
    name = "small.csv" if control else "wide.csv"
    path = tmp / name
    path.write_bytes(wide_csv(2, 200) if control else wide_csv())
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Your own data")
    t0 = time.monotonic()
    uploader.locator("input[type='file']").set_input_files(str(path))
    page.wait_for_function("(name) => [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
                           ".some((e) => e.innerText.includes(name))", arg=name, timeout=120_000)
    wait_for_app(page, 120_000)
    a.seconds = time.monotonic() - t0
    a.said = _alerts(page)
    a.refused = f"{name} was not loaded" in a.said and "columns" in a.said
    return a


async def _ws_victims(url: str, n: int, windows: dict, stop: asyncio.Event, marks: asyncio.Queue) -> list:
    """Victims that play until ``stop``; at each mark (a window's name), their frame counts are noted."""
    clients = [Client(seed, url) for seed in range(1, n + 1)]
    for c in clients:
        await c.connect()
        await c.rerun()
        await c.rerun("btn_play")
    players = [asyncio.create_task(c.play_loop(stop)) for c in clients]
    while not stop.is_set():
        try:
            name = await asyncio.wait_for(marks.get(), 0.2)
        except asyncio.TimeoutError:
            continue
        windows[name] = (time.monotonic(), [c.frames for c in clients])
    await asyncio.gather(*players)
    for c in clients:
        await c.ws.close()
    return clients


def _rates(windows: dict, order: list[str]) -> dict:
    out = {}
    for a, b in zip(order, order[1:]):
        (t0, f0), (t1, f1) = windows[a], windows[b]
        out[a] = [round((y - x) / (t1 - t0), 2) for x, y in zip(f0, f1)]
    return out


def _leave(base: str, proc) -> tuple[float, float, float, float, float, list]:
    """A heavy session plays, then its websocket closes: seconds until its token answers 404 and until
    the server's memory is back within 20 % of where it was before it came."""
    async def play_then_close():
        c = Client(99, base.replace("http", "ws", 1) + "/_stcore/stream", query=urlencode(LEAVER))
        await c.connect()
        await c.rerun()
        await c.rerun("btn_play")
        for _ in range(10):
            if c.pump is None:
                break
            await c.fetch_frame()
        pump, rss_playing = c.pump, rss_mb(proc.pid)
        await c.ws.close()
        return pump, rss_playing, c.errors

    rss_before = rss_mb(proc.pid)
    pump, rss_playing, errors = asyncio.run(play_then_close())
    closed = time.monotonic()
    token_dead = released = float("nan")
    while time.monotonic() - closed < 90 and (token_dead != token_dead or released != released):
        if token_dead != token_dead and pump is not None:
            try:
                urllib.request.urlopen(urllib.request.Request(base + pump["url"], method="POST"), timeout=30).read()
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    token_dead = time.monotonic() - closed
        # what it took, given back but for 20 %: a delta, so a big server cannot hide a leak in its 20 %
        if released != released and rss_mb(proc.pid) - rss_before <= 0.2 * (rss_playing - rss_before):
            released = time.monotonic() - closed
        time.sleep(0.25)
    if pump is None:
        errors.append("the leaver's page never played through the frame route")
    if rss_playing - rss_before < 100:
        errors.append(f"the leaver took only {rss_playing - rss_before:.0f} MB: too little to tell a release")
    return rss_before, rss_playing, token_dead, released, rss_mb(proc.pid), errors


class _WsVictims:
    """Websocket victims playing on their own event loop, in a thread; ``mark`` notes their frames."""

    def __init__(self, base: str, n: int, windows: dict):
        self.loop, self.windows, self.clients = asyncio.new_event_loop(), windows, []
        self.marks, self.stop = asyncio.Queue(), asyncio.Event()
        url = base.replace("http", "ws", 1) + "/_stcore/stream"
        run = _ws_victims(url, n, windows, self.stop, self.marks)
        self.thread = threading.Thread(target=lambda: self.clients.extend(self.loop.run_until_complete(run)),
                                       daemon=True)
        self.thread.start()
        time.sleep(3)  # they open and start playing

    def mark(self, name: str) -> None:
        self.loop.call_soon_threadsafe(self.marks.put_nowait, name)
        deadline = time.monotonic() + 30
        while name not in self.windows and time.monotonic() < deadline:
            time.sleep(0.05)

    def finish(self) -> list[str]:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(60)
        return [f"victim {c.seed}: {e}" for c in self.clients for e in c.errors]


class _BrowserVictims:
    """Chromium pages playing; ``mark`` notes the iteration each status line shows."""

    def __init__(self, browser, base: str, n: int, windows: dict, errors: list):
        self.pages, self.windows = [], windows
        for seed in range(1, n + 1):
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            page.on("pageerror", lambda exc: errors.append(f"victim page: JavaScript error {exc}"))
            _visit(page, f"{base}/playground?seed={seed}")
            _start_playing(page)
            self.pages.append(page)

    def _counts(self) -> list[int]:
        return [int((p.evaluate(f"() => ({STATUS})('Iteration')") or "0").replace(",", "")) for p in self.pages]

    def settle(self, iterations: int = SETTLED, timeout_s: float = 180) -> None:
        """Wait until every page has played ``iterations``: a page's first seconds of play are slower
        (its charts' first draws), and the pages started before it run faster meanwhile, so a window
        opened at once measured a room that was not yet the one the attacks meet (the last page at
        ~60 % of the others; the others ~35 % faster than a settled room's)."""
        deadline = time.monotonic() + timeout_s
        while min(self._counts()) < iterations:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the victims did not all reach iteration {iterations:,}: {self._counts()}")
            time.sleep(0.25)

    def mark(self, name: str) -> None:
        self.windows[name] = (time.monotonic(), self._counts())

    def finish(self) -> list[str]:
        return ["an exception box on a victim's page" for p in self.pages
                if p.locator("[data-testid='stException']").count()]


def _attacks_among_victims(base: str, proc, victims: int, browsers: bool, window: float, control: bool, log,
                           errors: list):
    """Victims play through a quiet window, the attacks, and another window. Returns (rates, attacks,
    server MB before, peak MB)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    windows: dict = {}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=BROWSER_ARGS)
        hostile = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        evil_requests: list = []
        hostile.on("request", lambda r: urlparse(r.url).hostname == "evil.example" and evil_requests.append(r.url))
        hostile.on("pageerror", lambda exc: errors.append(f"hostile page: JavaScript error {exc}"))
        _visit(hostile, f"{base}/playground")  # warm: imports, plotly.js
        group = (_BrowserVictims(browser, base, victims, windows, errors) if browsers
                 else _WsVictims(base, victims, windows))
        if browsers:
            group.settle()
        sampler = RssSampler(proc.pid)
        rss_before = rss_mb(proc.pid)
        sampler.start()
        group.mark("before")
        time.sleep(window)
        group.mark("during")
        attacks = _attack_links(hostile, base, evil_requests, control)
        _visit(hostile, f"{base}/playground")
        attacks.append(_attack_upload(hostile, Path(tmp), control))
        for a in attacks:
            log(f"{a.name}: {'refused' if a.refused else 'NOT REFUSED'} in {a.seconds:.1f} s {a.notes or ''}")
        group.mark("after")
        time.sleep(window)
        group.mark("end")
        sampler.running = False
        errors += group.finish()
        browser.close()
    return _rates(windows, ["before", "during", "after", "end"]), attacks, rss_before, sampler.peak


def run(victims: int = 3, browsers: bool = False, window: float = 8.0, control: bool = False, log=print) -> Result:
    """``control``: the same visits with ordinary links and a small CSV, to tell what any user's page loads
    cost the others from what the attacks cost them."""
    errors: list[str] = []
    with start_streamlit(ROOT / "server.py", env={"DESCENTLAB_SESSION_GRACE_S": str(GRACE_S)}) as (base, proc):
        rates, attacks, rss_before, rss_peak = _attacks_among_victims(base, proc, victims, browsers, window, control,
                                                                      log, errors)
        rss_leave_before, rss_leaver, token_dead, released, rss_left, leave_errors = _leave(base, proc)
        errors += leave_errors
        errors += [f"server: {line}" for line in _server_log(proc).splitlines() if "Traceback" in line]
    return Result("browsers" if browsers else "websocket clients", rates, attacks, rss_before, rss_peak,
                  rss_leave_before, rss_leaver, rss_left, token_dead, released, errors)


def table(r: Result) -> str:
    lines = [f"Victims: {r.victims}. Frames (or iterations) per second per victim, by window:", "",
             "| window | per victim | median |", "|---|---|---|"]
    for name, values in r.rates.items():
        lines.append(f"| {name} attacks | {', '.join(map(str, values))} | {float(np.median(values)):.2f} |")
    lines += ["", "| attack | refused | seconds | message (start) |", "|---|---|---|---|"]
    for a in r.attacks:
        lines.append(f"| {a.name} | {'yes' if a.refused else '**no**'} | {a.seconds:.1f} | "
                     f"{a.said.splitlines()[0][:90] if a.said else ''} |")
    lines += ["", f"Server memory: {r.rss_before:.0f} MB before the attacks, peak {r.rss_peak:.0f} MB during them.",
              f"Leaver: {r.rss_before_leaver:.0f} MB before it came, {r.rss_leaver:.0f} MB while it played, "
              f"{r.rss_after_leaver:.0f} MB after; token 404 after {r.leaver_token_404_s:.1f} s; all but 20 % of what "
              f"it took back after {r.leaver_released_s:.1f} s (grace {GRACE_S} s).",
              f"Errors: {r.errors or 'none'}"]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--victims", type=int, default=3)
    ap.add_argument("--browsers", action="store_true", help="victims are Chromium pages, not websocket clients")
    ap.add_argument("--window", type=float, default=8.0, help="seconds of each measuring window")
    ap.add_argument("--control", action="store_true", help="an ordinary user visits the same pages instead")
    args = ap.parse_args(argv)
    print(table(run(args.victims, args.browsers, args.window, args.control)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
