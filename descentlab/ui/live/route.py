"""Live frames over one HTTP route, without a Streamlit rerun per frame.

A fragment rerun per frame costs more than the frame itself: the browser's Streamlit front end
re-renders the whole page, ~4,400 React components (3,300 of them the sidebar's widgets), about
3.6 times per run, and the server runs the fragment and sends its messages. When the app is
started through server.py (`make run`), a playing live area instead mounts a small pump element
(assets/frame_pump.js) that fetches frames from ROUTE, one in flight while the last is drawn, and
gives each live element its new data in the browser. Streamlit still draws the page on every script
run (Play, a widget change, Pause); frames only replace the live elements' data between runs.
Started as plain `streamlit run app.py`, and under AppTest, there is no route: live areas fall back
to fragment reruns (descentlab.ui.live.player). Pages know which by ``available()``: server.py's
lifespan marks the running Streamlit server as having the route (``serve``).

How a frame is made: a script run that draws a live area records, for each live element, a
*producer*, a function that builds the element's data from the trainer as it is when called
(``produce``). The route trains one frame (``Stream.publish``'s ``advance``) and calls them, on its
own thread but in the script context of the run that recorded them (``_in_context``), so they may
read session state as the page does: a touch can start a new run, and the frame that answers it
must draw the new one. What the page's widgets say is still read at script time and captured: a
frame draws what its run chose, whatever the widgets say by now.

Touch: a live chart given ``on_event`` (descentlab.ui.live.elements) registers a *handler* beside its
producer (``handle``). A click or hover in the browser is POSTed to ACT_ROUTE as a small JSON body
(``{"key", "event"}``); the handler runs under the stream's lock on the route's thread (in the script
context, as the producers) and changes the objects it holds; when it says the change shows, the
route answers with one frame of every live element, made without training, which the pump draws
as any other. A handler may start a new run (``Redraw(new_run=True)``: an input switched on the
network diagram); frames of the old one stop, and the page's run after the frame draws the rest.
One frame's work instead of a page run: the diagram's hover answers in ~50 ms where
a rerun took 210-340 ms. A handler that declines leaves the event to a script run (the element
then sends it as its Streamlit trigger value). Paused pages record their producers and handlers
too (``Stream.hold``), so touching a paused page works the same way.

Safety: the session's script runs (app.py) and the callbacks that change a trainer in place
(``exclusive``) hold the session's ``Stream.lock``, so a frame never trains or draws while a run
changes the same objects. A frame made before the page's last run carries an older ``generation``
and the browser drops it. The route's token is random per session, and the registry holds streams
weakly: a stream leaves with its session's state. descentlab.ui.sessions suspends the streams of a session
whose websocket closed (no more training) and closes them when the session ends (404).
"""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context_attr import SCRIPT_RUN_CONTEXT_ATTR_NAME

from descentlab.ui.live import pacing
from descentlab.ui.live.frame_slot import frame_slot
from descentlab.ui.sessions import session_id
from descentlab.viz.figure import plain_figures

ROUTE = "/descentlab/frame/{token}"
ACT_ROUTE = ROUTE + "/act"         # a touch on a live chart (see "Touch" above)
ACT_BODY_LIMIT = 4096              # bytes: an event is a few fields; anything larger is refused unread
HEADER = "X-Descentlab-Frame"      # the frame's description (JSON); the body is its parts' bytes
UNSEEN = "X-Descentlab-Unseen"     # a frame request's live elements out of the browser's sight: key,key...
UNSEEN_LIMIT = 2048                # characters of it read; a page has a dozen keys
SERVED_MARK = "descentlab_frame_route"  # attribute server.py sets on Streamlit's Runtime (see available)
STREAM_KEY = "dl_frame_stream"     # session-state key of the session's Stream

_log = logging.getLogger(__name__)
_streams: weakref.WeakValueDictionary[str, Stream] = weakref.WeakValueDictionary()
_streams_lock = threading.Lock()
_recording: contextvars.ContextVar[Recorded | None] = contextvars.ContextVar("descentlab_recording", default=None)

@dataclass(frozen=True)
class Redraw:
    """A handler's answer when it took an event: redraw the live elements ``keys`` (None: all of
    them; a hover redraws two charts, not the page's six), and with ``run_page`` have the whole page
    run again after the frame is drawn (for what is drawn outside the live elements: a button that
    belongs to the new state, the address bar, the sidebar): the frame answers first, the run follows."""
    keys: tuple[str, ...] | None = None
    run_page: bool = False
    new_run: bool = False  # the handler started a new run: the old one's frames stop (the page draws it paused)


RUN_PAGE = Redraw(run_page=True)
# A handler takes a browser's event (untrusted: validate it) and returns a Redraw (or True: all of
# them) when it changed what the live elements show, or False / None to leave the event to the
# page's next script run.
Handler = Callable[[dict], "Redraw | bool | None"]


def first_taker(*handlers: Handler | None) -> Handler | None:
    """One handler for an element that several features listen on: each event goes to ``handlers`` in
    order (None ones skipped) until one takes it."""
    chain = [h for h in handlers if h is not None]
    if len(chain) < 2:
        return chain[0] if chain else None

    def on_event(event: dict):
        for handler in chain:
            answer = handler(event)
            if answer:
                return answer
        return None
    return on_event


class Recorded(list):
    """A live area's producers [(key, make bytes)], its elements' handlers by key (``unpaced``: those
    whose touches do not wait for a turn), and the script context they were recorded in."""

    def __init__(self):
        super().__init__()
        self.handlers: dict[str, Handler] = {}
        self.unpaced: set[str] = set()
        self.context = _script_context()


def _script_context():
    return get_script_run_ctx(suppress_warning=True)


@contextlib.contextmanager
def _in_context(context):
    """Run the block as part of the session whose script ``context`` it is: the route's pool thread
    borrows it (session state, the session's id) and gives it back, so the thread's next request,
    another session's, starts from none. Every frame passes here: no import, two attribute writes."""
    thread = threading.current_thread()
    before = getattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
    setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, context)
    try:
        yield
    finally:
        setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, before)


def available() -> bool:
    """Whether this server has the frame route: its Streamlit Runtime carries server.py's mark
    (``serve``). The mark lives on Streamlit's object, not in this module, because Streamlit evicts
    our modules from sys.modules when their files change and a flag here would be lost. A plain
    `streamlit run app.py` never marks its Runtime, and AppTest runs on an unmarked stand-in."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and getattr(Runtime.instance(), SERVED_MARK, None) == ROUTE


def serve() -> None:
    """Mark the running Streamlit server as serving ``routes()``: server.py's lifespan calls it, when
    the Runtime exists (it does not yet while server.py is imported)."""
    from streamlit.runtime import Runtime

    setattr(Runtime.instance(), SERVED_MARK, ROUTE)


@dataclass
class Frame:
    generation: int
    playing: bool
    parts: list[tuple[str, bytes]] = field(default_factory=list)
    seq: int = 0  # frames of a stream are numbered: two requests in flight may come back out of order
    handled: bool | None = None  # an answer to a touch: whether a handler took it (None: a plain frame)
    rerun: bool = False          # ...and whether the page must run again after drawing it (RUN_PAGE)

    def header(self) -> str:
        head = {"generation": self.generation, "playing": self.playing, "seq": self.seq,
                "parts": [[key, len(data)] for key, data in self.parts]}
        if self.handled is not None:
            head.update(handled=self.handled, rerun=self.rerun)
        return json.dumps(head)

    def body(self) -> bytes:
        return b"".join(data for _, data in self.parts)


class Stream:
    """One session's live area as the route sees it: what to train and what to draw each frame."""

    def __init__(self, session_id: str):
        self.token = secrets.token_urlsafe(24)
        self.session_id = session_id
        self.lock = threading.RLock()
        self.generation = 0
        self.playing = False
        self.parts: list[tuple[str, Callable[[], bytes]]] = []
        self.handlers: dict[str, Handler] = {}
        self.unpaced: frozenset[str] = frozenset()  # handlers whose touches take no turn (``handle``)
        self.touching = asyncio.Lock()  # one touch of this session at a time (serve_touch)
        self.framing = asyncio.Lock()   # one frame of this session at a time (serve_frame)
        self.advance: Callable[[], None] | None = None
        self.page_changed: Callable[[], bool] = lambda: False
        self.redraw = False  # page_changed said so: the page runs again (descentlab.ui.live.player._frames_ended)
        self.pace = (0.0, 0.0)  # (monotonic start, CPU seconds) of the last frame, for descentlab.ui.live.pacing
        self.seq = 0
        self._next_turn = 0.0   # the earliest start already promised to a waiting request (descentlab.ui.live.pacing)
        self._turn_lock = threading.Lock()
        self.error: str | None = None  # why the route stopped the run, for the page to say
        self.suspended = False  # its session disconnected: frames stop (descentlab.ui.sessions)
        self.closed = False     # its session ended: the token is gone, a new run makes a new stream
        self.notes: dict[str, float] = {}  # session-state values the frames updated (step cost), for the next run
        self.context = None  # the script context the parts were recorded in (``_in_context``)
        self.page_behind = False  # a touch asked for the page's run: the next run is the whole page's, not the live area's

    def publish(self, parts, advance: Callable[[], None], page_changed: Callable[[], bool]) -> None:
        """A script run's live area: its producers, how to train a frame, and when the page itself must
        be drawn again (a divergence: its message, its buttons). Call under ``lock``."""
        self.generation += 1
        self.parts, self.advance, self.page_changed = list(parts), advance, page_changed
        self._take_handlers(parts)
        self.playing, self.error, self.redraw, self.suspended = True, None, False, False

    def hold(self, parts) -> None:
        """A paused script run's live area: its producers and handlers, for touches (``act``); no
        training. The generation stays: the page's pump was given it by this run."""
        self.parts, self.advance = list(parts), None
        self._take_handlers(parts)

    def _take_handlers(self, parts) -> None:
        self.handlers, self.context = dict(getattr(parts, "handlers", {})), getattr(parts, "context", None)
        self.unpaced = frozenset(getattr(parts, "unpaced", ()))

    def act(self, key: str, event: dict) -> Frame:
        """Hand ``event`` to the handler of the element ``key``; when it took the event, one frame of
        every live element as they are now (training does not advance)."""
        with self.lock, _in_context(self.context):
            handler = self.handlers.get(key)
            if handler is None or self.closed:
                return Frame(self.generation, self.playing, handled=False)
            try:
                answer = handler(event)
                took = bool(answer)
                keys = answer.keys if isinstance(answer, Redraw) else None
                if isinstance(answer, Redraw) and answer.new_run:
                    # frames in flight come back empty and stopped; the generation stays, so this
                    # frame is drawn (the page's run after it starts the next generation)
                    self.playing, self.advance = False, None
                if self.playing and keys and not answer.new_run:
                    # the run's next frame redraws every chart anyway: the answer is the chart the
                    # touch is about, alone, so the browser draws it without the others' work first
                    keys = keys[:1]
                # the browser's rerun comes from the live chart, inside the live area's fragment:
                # it would run only the fragment (player.live_area turns it into the page's run)
                self.page_behind = self.page_behind or (isinstance(answer, Redraw) and answer.run_page)
                # in the handler's order: the chart it names first is the first the browser draws
                chosen = self.parts if keys is None else sorted(
                    ((k, make) for k, make in self.parts if k in keys), key=lambda part: keys.index(part[0]))
                with plain_figures():
                    parts = [(k, make()) for k, make in chosen] if took else []
            except Exception:  # noqa: BLE001 - a bad event or a bug: the page goes on, the log says why
                _log.exception("touch on %s failed", key)
                return Frame(self.generation, self.playing, handled=False)
            if took:
                self.seq += 1
            return Frame(self.generation, self.playing, parts, self.seq, handled=took,
                         rerun=isinstance(answer, Redraw) and answer.run_page)

    def suspend(self) -> None:
        """Its session's websocket closed: frames stop training (a page that comes back within the
        grace finds the run paused and says why). Takes no lock: descentlab.ui.sessions calls it on the server's
        event loop, which must never wait for a page run or a frame."""
        self.suspended = True
        self.error = "The connection to the server dropped, so the run paused. Press Play to continue."

    def close(self) -> None:
        """Its session has ended: no more frames, and the token leaves the registry (404). No lock,
        as suspend."""
        self.suspend()
        self.closed = True
        with _streams_lock:
            if _streams.get(self.token) is self:
                del _streams[self.token]

    def halt(self) -> None:
        """Not playing any more: frames still in flight come back empty."""
        if self.playing:
            self.generation += 1
        self.playing = False

    def next_frame(self, unseen: frozenset[str] = frozenset()) -> Frame:
        """Train one frame and make every live element's data, but for the ``unseen`` ones (out of the
        browser's sight: no work for them); empty and not playing once stopped."""
        with self.lock, _in_context(self.context):
            if not self.playing or self.advance is None or self.suspended:
                return Frame(self.generation, playing=False)
            start, cpu0 = time.monotonic(), time.thread_time()
            try:
                self.advance()
                with plain_figures():
                    parts = [(key, make()) for key, make in self.parts if key not in unseen]
            except Exception as exc:  # noqa: BLE001 - a bug must stop the run with a message, not kill the route
                _log.exception("live frame failed")
                self.error = f"Training stopped: {type(exc).__name__}: {exc}"
                self.playing = False  # the generation stays: the page hears of it (frame_pump.js) and says why
                return Frame(self.generation, playing=False)
            if self.page_changed():
                # the generation stays: the browser draws this last frame, then has the page run again
                self.playing, self.redraw = False, True
            self.pace = (start, time.thread_time() - cpu0)
            pacing.frame_done(self.session_id)
            self.seq += 1
            return Frame(self.generation, self.playing, parts, self.seq)

    def wait_seconds(self) -> float:
        """How long a request for this session's next frame waits for its turn (descentlab.ui.live.pacing). The browser
        keeps two requests in flight; each reserves its own turn, so the session's share stays the same."""
        with self._turn_lock:
            now = time.monotonic()
            due = max(pacing.due(self.session_id, *self.pace, now), self._next_turn, now)
            self._next_turn = due + pacing.turn_interval(pacing.playing_sessions(now), self.pace[1])
            return due - now


def session_stream() -> Stream:
    """This session's Stream, made and registered on first use."""
    ss = st.session_state
    stream = ss.get(STREAM_KEY)
    if stream is None or stream.closed:
        stream = ss[STREAM_KEY] = Stream(session_id())
        with _streams_lock:
            _streams[stream.token] = stream
    return stream


def stream_sessions() -> set[str]:
    """The sessions with a live stream (descentlab.ui.sessions watches them)."""
    with _streams_lock:
        return {stream.session_id for stream in _streams.values()}


def streams_of(session_id: str) -> list[Stream]:
    with _streams_lock:
        return [s for s in _streams.values() if s.session_id == session_id]


def find(token: str) -> Stream | None:
    with _streams_lock:
        return _streams.get(token)


@contextlib.contextmanager
def exclusive():
    """Hold this session's stream lock: a script run, or a callback that changes the trainer in place,
    must not overlap a frame. Also hands the run what the frames noted for session state."""
    stream = session_stream()
    with stream.lock:
        if stream.notes:
            st.session_state.update(stream.notes)
            stream.notes = {}
        yield


def exclusively(fn: Callable) -> Callable:
    """``fn`` (a widget callback) run under ``exclusive``."""
    def run(*args, **kwargs):
        with exclusive():
            return fn(*args, **kwargs)
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return run


@contextlib.contextmanager
def recording():
    """Collect the producers of the live elements drawn in this block, [(key, make bytes)], and their
    handlers (``.handlers``)."""
    parts = Recorded()
    token = _recording.set(parts)
    try:
        yield parts
    finally:
        _recording.reset(token)


def produce(key: str, make: Callable[[], bytes]) -> bytes:
    """The live element's data now; while a live area records, also keep how to make it again."""
    parts = _recording.get()
    if parts is not None:
        parts.append((key, make))
    return make()


def handle(key: str, handler: Handler, paced: bool = True) -> None:
    """While a live area records, keep the handler of the element ``key`` for the touch route.
    ``paced=False``: its touches do not wait for the session's turn (pacing), as the click they
    stand for would not (Step: a page run is not paced either)."""
    parts = _recording.get()
    if parts is not None:
        parts.handlers[key] = handler
        if not paced:
            parts.unpaced.add(key)


def url(stream: Stream) -> str:
    """The stream's address. st.App mounts its own routes at the root, whatever server.baseUrlPath."""
    return ROUTE.format(token=stream.token)


def refusal(request, body_limit: int = 0) -> tuple[int, str] | None:
    """Why a request is not one of this app's own pages asking for a frame: another site's page (its
    browser says where it comes from in Origin; a page of ours sends its own host), or a body longer
    than ``body_limit`` (a frame request sends none, a touch a few fields; a body over the limit is
    never read, whatever its size)."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return 403, "Frames are served to this app's own pages only."
    length = request.headers.get("content-length", "0")
    if request.headers.get("transfer-encoding") or not length.isdigit() or int(length) > body_limit:
        return 413, "A frame request carries no body." if body_limit == 0 else "This event is too large."
    return None


def unseen_keys(request) -> frozenset[str]:
    """The keys the browser says are out of sight (UNSEEN); only names, only the first UNSEEN_LIMIT
    characters: an unknown key matches no element and costs nothing."""
    return frozenset(k.strip() for k in request.headers.get(UNSEEN.lower(), "")[:UNSEEN_LIMIT].split(",") if k.strip())


def parse_touch(body: bytes) -> tuple[str, dict] | None:
    """(key, event) from a touch's JSON body, or None when it is not one."""
    try:
        got = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(got, dict) or not isinstance(got.get("key"), str) or not isinstance(got.get("event"), dict):
        return None
    return got["key"], got["event"]


async def serve_frame(request):
    """POST ROUTE: the next frame of the session whose token is in the path (404 if none)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    refused = refusal(request)
    if refused is not None:
        return Response(refused[1], status_code=refused[0])
    stream = find(request.path_params["token"])
    if stream is None:
        return Response("No live run under this token (the session has ended).", status_code=404)
    wait = stream.wait_seconds()
    if wait > 0:
        await asyncio.sleep(wait)  # other sessions' turn; sleeping here holds no thread
    # One frame of a session in the thread pool at a time (the stream's lock would serialize them
    # there anyway): a page that floods the route, when pacing has nobody to space it from, waits
    # here on the event loop instead of filling the pool every session's frames and touches need.
    async with stream.framing, frame_slot():  # and one frame at a time per process (frame_slot says why)
        frame = await run_in_threadpool(stream.next_frame, unseen_keys(request))
    # "identity" keeps Streamlit's gzip middleware off this route: with it, the last byte of every frame
    # reached Chromium ~40 ms after the first (frame interval 90 -> 50 ms); and most of a frame is
    # PNG pictures, which do not compress.
    return _frame_response(frame)


def _frame_response(frame: Frame):
    from starlette.responses import Response

    return Response(frame.body(), media_type="application/octet-stream",
                    headers={HEADER: frame.header(), "Cache-Control": "no-store", "Content-Encoding": "identity"})


async def serve_touch(request):
    """POST ACT_ROUTE: a touch on a live chart of the session whose token is in the path; the answer
    is a frame (handled) or an empty one (declined: the page's script run takes the event)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    refused = refusal(request, ACT_BODY_LIMIT)
    if refused is not None:
        return Response(refused[1], status_code=refused[0])
    stream = find(request.path_params["token"])
    if stream is None:
        return Response("No live run under this token (the session has ended).", status_code=404)
    touch = parse_touch(await request.body())
    if touch is None:
        return Response("A touch is a JSON object {key, event}.", status_code=400)
    # One touch of a session at a time, the others waiting here on the event loop: a flood of touches
    # from one page cannot fill the thread pool that every session's frames and touches need.
    async with stream.touching:
        # a touch is a frame's work: it takes a turn like one, but for one that stands for a click
        wait = 0.0 if touch[0] in stream.unpaced else stream.wait_seconds()
        if wait > 0:
            await asyncio.sleep(wait)
        return _frame_response(await run_in_threadpool(stream.act, *touch))


def routes() -> list:
    """The routes for st.App (server.py), which also calls ``serve`` so that pages use them."""
    from starlette.routing import Route

    return [Route(ROUTE, serve_frame, methods=["POST"]), Route(ACT_ROUTE, serve_touch, methods=["POST"])]
