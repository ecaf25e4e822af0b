"""The server's own capacity: N people train on the Playground at once, their browsers elsewhere.

    python -m bench.ws_load [--sessions 10] [--seconds 60] [--no-steps] [--page compare|init_lab|lr]

bench/load_test.py drives ten Chromium pages, which on this two-core machine take most of the CPU the
server needs; in a classroom every browser runs on its own machine. Here each user is a websocket
client speaking Streamlit's own protocol (protobuf BackMsg / ForwardMsg on /_stcore/stream) as the
page does: it opens /playground?seed=k, presses Play by sending the button's trigger, and then takes
frames as the page would: from the live-frame route (descentlab.ui.live.route, one POST at a time) when the
page mounts the frame pump, as `make run` serves it; or, started on app.py, by re-running the live
fragment at the interval the server asks for (AutoRerun), one run at a time (a page's queued ticks
merge too). Nothing is drawn. While all play, the sessions take turns: one is paused, Step is
pressed three times and the time from sending the click to the new iteration arriving is measured,
then it plays again. A Step goes where the browser sends it: to the frame route when the page has
one (its answer shows the iteration; the page's run follows), else to the button.

Checked and reported: errors (exception elements, error alerts, tracebacks in the server log); each
session's first cost and, at the end, the cost shown at the iteration shown, against the engine's
cost for that seed (any state shared between sessions would show as a mismatch); Step latency;
frames per second per session, and user-frames per second per core of server CPU (what the room's
frames cost: the issue's measure of students per core); bytes per route frame; server CPU and
memory per session. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import json
import re
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.live_chart_fps import cpu_seconds, rss_mb  # noqa: E402
from bench.load_test import _pct, _server_log, engine_cost  # noqa: E402
from tests.browser import start_streamlit  # noqa: E402

KEYS = ("btn_play", "btn_step")
# The lab pages a room plays, as their own benches open them: (address, link, Play button's key).
PAGES = {
    "playground": ("playground", None, "btn_play"),
    "compare": ("compare", "vary=learning_rate&values=0.001;0.003;0.01;0.03;0.1;0.3", "cmp_btn_play"),
    "init_lab": ("init_lab", "vary=init&values=zeros,random,random:10,xavier,he,constant", "init_btn_play"),
    "lr": ("lr_explorer", "vary=learning_rate&values=0.0001,0.001,0.01,0.1,1,10", "lr_btn_play"),
}
STATUS = re.compile(r'dl-name">([^<]+)</div><div class="dl-value">([^<]*)<')
PUMP = "descentlab_frame_pump"  # descentlab.ui.live.elements.frame_pump's element key
KEYS_ELEMENT = "descentlab_keys"  # descentlab.ui.live.elements.presenter_keys: {prefix, step}
FULL_RUN_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
REPLICA_HEADER = "X-Descentlab-Replica"  # set by the class's proxy (deploy/haproxy.cfg.in)
TIMEOUT = 60.0  # s: anything slower than this is reported as an error


@dataclass
class Client:
    """One user: a websocket, the ids of the page's buttons, and what its status line last showed.
    ``page``/``query`` default to the Playground with ``?seed=<seed>``; ``keys`` are the buttons to find."""
    seed: int
    url: str
    page: str = "playground"
    query: str | None = None
    keys: tuple = KEYS
    ws: object = None
    buttons: dict = field(default_factory=dict)
    fragment: tuple | None = None            # (fragment id, interval) while the page asks for ticks
    pump: dict | None = None                 # {url, generation} while the page fetches frames
    route_url: str | None = None             # the frame route's address, playing or paused
    step_keys: tuple | None = None           # (keys element id, its data) when Step may go to the route
    status: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    frames: int = 0                           # frames received (fragment runs finished, or route frames)
    frame_bytes: int = 0                      # the route frames' bodies, and their description headers
    finished: int = 0                         # script runs finished, however they ended
    charts: collections.Counter = field(default_factory=collections.Counter)  # live chart deliveries by key
    first_cost: str = ""
    steps: list = field(default_factory=list)  # (iteration before, after, seconds)
    cookie: str = ""                          # sent with every request, as a browser sends a proxy's cookies
    replicas: collections.Counter = field(default_factory=collections.Counter)  # X-Descentlab-Replica seen
    _full_done: asyncio.Event = field(default_factory=asyncio.Event)
    _frame_done: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def playing(self) -> bool:
        return self.fragment is not None or self.pump is not None

    @property
    def iteration(self) -> int | None:
        text = self.status.get("Iteration")
        return None if text is None else int(text.replace(",", ""))

    async def connect(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.ws = await websockets.connect(self.url, max_size=None, subprotocols=["streamlit"],
                                           additional_headers=headers)
        self._saw(self.ws.response.headers)
        asyncio.get_running_loop().create_task(self._read())

    async def rerun(self, trigger: str | None = None, fragment: str = "") -> None:
        """A script run, as the page asks for one: a full run (pressing ``trigger``), or one fragment
        run; returns when it has finished."""
        await self.send(trigger, fragment)
        await asyncio.wait_for((self._frame_done if fragment else self._full_done).wait(), TIMEOUT)

    async def send(self, trigger: str | None = None, fragment: str = "", event: tuple | None = None) -> None:
        """Ask for a run without waiting for it (a page's timer does the same): pressing the button
        ``trigger``, or with ``event`` = (element id, name, value), a component's trigger."""
        msg = BackMsg()
        cs = msg.rerun_script
        # the page by its name, as a page's first load does (NewSession's hash is the entry point's)
        cs.query_string, cs.page_name = self.query or f"seed={self.seed}", self.page
        if trigger:
            w = cs.widget_states.widgets.add()
            w.id, w.trigger_value = self.buttons[trigger], True
        if event:
            element_id, name, value = event
            w = cs.widget_states.widgets.add()
            w.id = _make_trigger_id(element_id, "events")
            w.json_trigger_value = json.dumps([{"event": name, "value": value}])
        if fragment:
            cs.fragment_id, cs.is_auto_rerun = fragment, True
            self._frame_done.clear()
        else:  # a full run: the page's fragments register their ticks again (or not, once paused)
            self._start_full_run()
        await self.ws.send(msg.SerializeToString())

    def _start_full_run(self) -> None:
        # A full run replaces any fragment run still queued, which then never reports: the player
        # stops waiting for it. The run registers the page's ticks again if it still plays.
        self.fragment = self.pump = None
        self._full_done.clear()
        self._frame_done.set()

    async def _read(self) -> None:
        try:
            await self._read_all()
        except websockets.ConnectionClosedError:  # the server went away (a replica killed in a test)
            self.errors.append("the connection was lost")

    async def _read_all(self) -> None:
        async for raw in self.ws:
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                self._element(fm.delta.new_element)
            elif kind == "auto_rerun":
                self.fragment = (fm.auto_rerun.fragment_id, fm.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                self.fragment = None
            elif kind == "script_finished":
                self.finished += 1
                if fm.script_finished in FULL_RUN_DONE:
                    self._full_done.set()
                elif fm.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                    self.frames += 1
                    self._frame_done.set()
                else:  # a run cut short by a click: whatever waited for it waits for the next one
                    self._frame_done.set()

    def _status(self, html: str) -> None:
        before = self.status.get("Iteration")
        self.status = dict(STATUS.findall(html))
        if self.status.get("Iteration") != before:
            self._changed.set()

    def _element(self, el) -> None:
        kind = el.WhichOneof("type")
        if kind == "button":
            for key in self.keys:
                if el.button.id.endswith(key):
                    self.buttons[key] = el.button.id
        elif kind == "bidi_component" and el.bidi_component.id.endswith(PUMP):
            pump = json.loads(el.bidi_component.json)
            self.pump = pump if pump["playing"] else None  # paused: the element stays, fetching nothing
            self.route_url = pump["url"]
        elif kind == "bidi_component" and el.bidi_component.id.endswith(KEYS_ELEMENT):
            data = json.loads(el.bidi_component.json)
            self.step_keys = (el.bidi_component.id, data) if data.get("step") else None
        elif kind == "bidi_component" and "live" in el.bidi_component.id:
            key = el.bidi_component.id.rsplit("-", 1)[-1]
            self.charts[key] += 1
            if key.endswith("_status"):  # descentlab.ui.live.elements.live_html: {"key", "html"}
                self._status(json.loads(el.bidi_component.json)["html"])
        elif kind == "markdown" and "dl-status" in el.markdown.body:
            self._status(el.markdown.body)
        elif kind == "exception":
            self.errors.append(f"exception: {el.exception.message}")
        elif kind == "alert" and el.alert.format == Alert.ERROR:
            self.errors.append(f"error box: {el.alert.body}")

    async def play_loop(self, stop: asyncio.Event) -> None:
        """While the page plays: one frame at a time, from the frame route, or by fragment runs at
        most one per interval."""
        while not stop.is_set() and self.playing:
            started = time.monotonic()
            try:
                if self.pump is not None:
                    await asyncio.wait_for(self.fetch_frame(), TIMEOUT)
                    continue
                await self.rerun(fragment=self.fragment[0])
            except asyncio.TimeoutError:
                self.errors.append("a frame took over a minute")
            await asyncio.sleep(max(0.0, self.fragment[1] - (time.monotonic() - started)) if self.fragment else 0)

    async def fetch_frame(self) -> None:
        """One frame from the route, as assets/frame_pump.js takes it: the status part is read."""
        pump = self.pump
        http = self.url.replace("ws", "http", 1).rsplit("/_stcore/", 1)[0]
        loop = asyncio.get_running_loop()
        head, body = await loop.run_in_executor(_HTTP_POOL, _post_frame, http + pump["url"], self.cookie,
                                                self._saw)
        if head["generation"] == pump["generation"]:  # else made before the page's last run: dropped
            self.frames += 1
            self.frame_bytes += len(body) + len(json.dumps(head))
            self._read_status(head, body)
        if not head["playing"] and self.pump is pump:
            self.pump = None  # as the page's pump stops; the next run's element starts it again

    def _read_status(self, head: dict, body: bytes) -> None:
        offset = 0
        for key, length in head["parts"]:
            if key.endswith("_status"):
                self._status(body[offset:offset + length].decode("utf-8"))
            offset += length

    def _saw(self, headers) -> None:
        replica = headers.get(REPLICA_HEADER)
        if replica:
            self.replicas[replica] += 1

    async def step(self) -> None:
        """Step on the paused page, as the browser does (keyboard.js): on the frame route when the page
        has one, its answer's status part showing the new iteration, then the page's run that its
        "stepped" trigger asks for; else the button's own run."""
        before = self.iteration
        self._changed.clear()
        t0 = time.perf_counter()
        if not (self.route_url and self.step_keys and await self._step_on_route()):
            await self.send("btn_step")
        try:
            await asyncio.wait_for(self._changed.wait(), TIMEOUT)
            self.steps.append((before, self.iteration, time.perf_counter() - t0))
        except asyncio.TimeoutError:
            self.steps.append((before, None, None))
        await asyncio.wait_for(self._full_done.wait(), TIMEOUT)

    async def _step_on_route(self) -> bool:
        element_id, data = self.step_keys
        body = json.dumps({"key": data["step"], "event": {"type": "step", "prefix": data["prefix"]}}).encode()
        http = self.url.replace("ws", "http", 1).rsplit("/_stcore/", 1)[0]
        head, frame = await asyncio.get_running_loop().run_in_executor(
            _HTTP_POOL, _post_frame, f"{http}{self.route_url}/act", self.cookie, self._saw, body)
        if not head.get("handled"):
            return False
        self._read_status(head, frame)
        await self.send(event=(element_id, "stepped", len(self.steps) + 1))  # the page's run after it
        return True


# One thread per waiting request: the server paces each session's frames by holding its request,
# and asyncio's default pool (cores + 4 threads) would cap the requests in flight below the sessions.
_HTTP_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=64, thread_name_prefix="ws_load_http")


def _post_frame(url: str, cookie: str = "", saw=lambda headers: None, body: bytes | None = None) -> tuple[dict, bytes]:
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
        saw(r.headers)
        return json.loads(r.headers["X-Descentlab-Frame"]), r.read()


def arrive(http_base: str, path: str = "/playground", cookie: str = "") -> tuple[str, str | None]:
    """A browser's first request, for its cookies: through a class's proxy they pin it to a replica
    (DLREPLICA) and name it (DLCLIENT). Returns the Cookie header to send from then on, and the
    replica that answered (None without a proxy)."""
    request = urllib.request.Request(http_base + path, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
        jar = dict(c.split(";", 1)[0].split("=", 1) for c in r.headers.get_all("Set-Cookie") or [])
        replica = r.headers.get(REPLICA_HEADER)
    if cookie:
        jar = {**dict(c.split("=", 1) for c in cookie.split("; ")), **jar}
    return "; ".join(f"{k}={v}" for k, v in jar.items()), replica


async def _until(condition, timeout: float = TIMEOUT) -> None:
    t0 = time.monotonic()
    while not condition():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError("waited over a minute")
        await asyncio.sleep(0.01)


async def _session(c: Client, stop: asyncio.Event, turn: asyncio.Queue) -> None:
    """Open, play, and whenever it is this session's turn: pause, Step x3, play again."""
    await c.connect()
    await c.rerun()  # the page opens
    c.first_cost = c.status.get("Train cost", "")
    play = c.keys[0]
    await c.rerun(play)
    player = asyncio.create_task(c.play_loop(stop))
    while not stop.is_set():
        try:
            done = await asyncio.wait_for(turn.get(), 0.5)
        except asyncio.TimeoutError:
            continue
        await c.rerun("btn_play")  # Pause: the page stops asking for ticks
        await player
        await _until(lambda: c.status.get("State") == "paused")
        for _ in range(3):
            await c.step()
        await c.rerun("btn_play")
        player = asyncio.create_task(c.play_loop(stop))
        done.set()
    await player
    await c.rerun(play)  # Pause at the end, to read a settled status line


def _cpu(pids) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def _rss(pids) -> float:
    return sum(rss_mb(pid) for pid in pids)


async def _run(url: str, sessions: int, seconds: float, pids: list, log, make_client=Client,
               steps: bool = True) -> dict:
    """``pids``: the server processes whose CPU and memory are measured (a class has several);
    ``make_client(seed, url)``: one user (through a proxy, with its cookies); ``steps``: the users
    take turns to pause and Step (else they only play: the window's CPU is all frames)."""
    stop = asyncio.Event()
    clients = [make_client(seed, url) for seed in range(sessions)]
    turns = [asyncio.Queue() for _ in clients]
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(_session(c, stop, q)) for c, q in zip(clients, turns)]
    while not all(c.playing for c in clients) and time.perf_counter() - t0 < 120:
        await asyncio.sleep(0.1)
    opened = time.perf_counter() - t0
    rss_open, cpu0, t1 = _rss(pids), _cpu(pids), time.perf_counter()
    frames0, bytes0 = sum(c.frames for c in clients), sum(c.frame_bytes for c in clients)
    log(f"{sessions} sessions playing after {opened:.1f} s")
    k = 0
    # the window, and at least one turn each: on a busy machine a turn takes longer, and a user that
    # never got its turn would look as if its Step never landed
    if not steps:
        await asyncio.sleep(seconds)
    while steps and (time.perf_counter() - t1 < seconds or k < sessions):
        done = asyncio.Event()
        await turns[k % sessions].put(done)
        await asyncio.wait_for(done.wait(), 3 * TIMEOUT)
        k += 1
    window = time.perf_counter() - t1
    cpu, frames = (_cpu(pids) - cpu0) / window, sum(c.frames for c in clients) - frames0
    frame_bytes = sum(c.frame_bytes for c in clients) - bytes0
    stop.set()
    await asyncio.gather(*tasks)
    for c in clients:
        await c.ws.close()
    return dict(clients=clients, opened=opened, window=window, cpu=cpu, frames=frames, rss_open=rss_open,
                rss_end=_rss(pids), frame_bytes=frame_bytes)


def per_core(result: dict) -> float:
    """User-frames per second per core of server CPU: what a room's frames cost the server (a frame
    shown to one user is one user-frame; 100 per core is 20 users at 5 frames/s on one core)."""
    return result["frames"] / result["window"] / max(result["cpu"], 1e-9)


def page_client(page: str = "playground"):
    """make_client for ``_run``: users of the lab page ``page`` (a key of PAGES), each with its seed."""
    address, link, play = PAGES[page]

    def client(seed: int, url: str) -> Client:
        keys = KEYS if page == "playground" else (play,)
        return Client(seed, url, page=address, query=None if link is None else f"{link}&seed={seed}", keys=keys)
    return client


def run(sessions: int = 10, seconds: float = 60.0, log=print, script: str = "server.py", steps: bool = True,
        page: str = "playground") -> dict:
    """``script``: server.py (frames from the route, as `make run` serves them) or app.py (fragments);
    ``steps``: see ``_run`` (the Playground only); ``page``: a key of PAGES (the others only play)."""
    client = page_client(page)
    with start_streamlit(ROOT / script) as (base, proc):
        url = base.replace("http", "ws", 1) + "/_stcore/stream"
        rss_idle = rss_mb(proc.pid)
        steps = steps and page == "playground"
        warm = asyncio.run(_run(url, 1, 0.0, [proc.pid], lambda *_: None, client, steps))  # imports, caches, plotly.js
        result = asyncio.run(_run(url, sessions, seconds, [proc.pid], log, client, steps))
        log_text = _server_log(proc)
    result.update(rss_idle=rss_idle, rss_warm=warm["rss_end"], sessions=sessions, page=page,
                  server_errors=[line for line in log_text.splitlines() if "Traceback" in line or "Error" in line])
    return result


async def _deliveries(url: str, page: str, query: str, play_key: str, seconds: float) -> dict:
    c = Client(0, url, page=page, query=query, keys=(play_key,))
    await c.connect()
    await c.rerun()           # the page opens
    await c.rerun(play_key)   # Play
    fragment, started = c.fragment[0], c.finished
    c.charts.clear()
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:  # a page's timer asks every interval, busy or not
        await c.send(fragment=fragment)
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    await c.ws.close()
    # a frame's run ends "early for rerun" when the next one is already queued: count every end
    return {"frames": c.finished - started, "charts": dict(c.charts)}


def frame_deliveries(page: str, query: str, play_key: str, seconds: float = 4.0) -> dict:
    """Play ``page`` with fragment requests every 50 ms, as a page's timer sends them, and count how
    many finished frames there were and how many of each live chart reached the client."""
    with start_streamlit(ROOT / "app.py") as (base, _proc):
        url = base.replace("http", "ws", 1) + "/_stcore/stream"
        return asyncio.run(_deliveries(url, page, query, play_key, seconds))


def check(result: dict) -> tuple[list[str], int]:
    """Errors in words, and how many sessions showed exactly their own seed's costs."""
    errors, own = list(result["server_errors"]), 0
    for c in result["clients"]:
        errors += [f"seed {c.seed}: {e}" for e in c.errors]
        errors += [f"seed {c.seed}: a Step showed no new iteration within a minute" for _, a, _ in c.steps if a is None]
        if result.get("page", "playground") != "playground":
            continue  # a lab page's status line is its own: the engine check is the Playground's
        first_ok = c.first_cost == engine_cost(c.seed, 0)
        final_ok = c.iteration is not None and c.status.get("Train cost") == engine_cost(c.seed, c.iteration)
        own += first_ok and final_ok
        if not (first_ok and final_ok):
            errors.append(f"seed {c.seed}: costs differ from the engine's for that seed")
    return errors, own


def table(result: dict) -> str:
    errors, own = check(result)
    clients, n = result["clients"], result["sessions"]
    lat = [s * 1000 for c in clients for _, _, s in c.steps if s is not None]
    firsts = len({c.first_cost for c in clients})
    per_session = (result["rss_end"] - result["rss_warm"]) / n
    fps = result["frames"] / result["window"] / n
    kb = result["frame_bytes"] / max(result["frames"], 1) / 1000
    checked = result.get("page", "playground") == "playground"  # the engine check is the Playground's
    row = (f"| {n} | {len(errors)} | " + (f"{own}/{n} | {firsts}/{n} | " if checked else f"– ({result['page']}) | – | ")
           + (f"{statistics.median(lat):.0f} / {_pct(lat, 0.95):.0f} / {max(lat):.0f} ms ({len(lat)}) | " if lat
              else "– (no Step turns) | ") +
           f"{fps:.1f} | {per_core(result):.1f} | {kb:.1f} kB | {result['opened']:.1f} s | "
           f"{result['rss_idle']:.0f} → {result['rss_warm']:.0f} → "
           f"{result['rss_end']:.0f} MB | {per_session:.1f} MB | {result['cpu']:.0%} of a core |")
    head = ("| sessions | errors | own history (engine match) | distinct first costs | Step latency median / p95 / "
            "max (n) | frames/s per session | user-frames/s per core | bytes per frame | all playing after | "
            "server RSS idle → warm → end | per session | server CPU |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
    odd = [f"{b:,} -> {a:,}" for c in clients for b, a, _ in c.steps if a is not None and a != b + 1]
    notes = [f"- {len(odd)} of {len(lat)} Steps moved more than one iteration ({', '.join(odd)}): a frame already "
             "running when Pause arrived landed between Pause and Step"] if odd else []
    return "\n".join([head, row] + [f"- {e}" for e in errors] + notes)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--script", default="server.py", choices=["server.py", "app.py"])
    ap.add_argument("--page", default="playground", choices=sorted(PAGES),
                    help="the lab page the users play (pages other than the Playground only play)")
    ap.add_argument("--no-steps", action="store_true",
                    help="only play (no pause-and-Step turns): the server's CPU is all frames, for user-frames/s per core")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 0 < args.seconds <= 3600:
        ap.error("--sessions must be 1..50 and --seconds 0..3600")
    result = run(args.sessions, args.seconds, script=args.script, steps=not args.no_steps, page=args.page)
    print(table(result))
    return 1 if check(result)[0] else 0


if __name__ == "__main__":
    sys.exit(main())
