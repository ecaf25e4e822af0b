"""Touches on live charts (descentlab.ui.live.route's touch route, Stream.act): a handler that takes
an event answers with a frame of the elements it names, made without training; one that declines,
fails or is missing answers with an empty frame so the page's script run takes the event; bodies that
are not a small JSON event are refused unread. The Playground's unit view (hover and pin a unit in the
network diagram) is tested here at the handler and AppTest level; in Chromium in
tests/test_browser_unit_view.py."""
from __future__ import annotations

import asyncio
import json

import pytest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.ui.live import route
from descentlab.ui.live.route import Redraw, Stream
from descentlab.ui.views.playground_panels import SHOWS_UNIT, UnitView, diagram_touch
from tests.test_frame_channel import Counter, _Request, counting_entries


def _held(counter: Counter, handlers: dict) -> Stream:
    """A paused page's stream: its producers and handlers held for touches."""
    parts = route.Recorded()
    parts.extend(counter.parts())
    parts.handlers.update(handlers)
    s = Stream("touch-session")
    s.hold(parts)
    return s


def test_a_taken_touch_redraws_the_named_elements_without_training():
    c, seen = Counter(), []
    s = _held(c, {"count": lambda ev: seen.append(ev) or Redraw(("double",))})
    c.n = 4  # what the handler's change would show
    f = s.act("count", {"type": "click", "pointIndex": 2})
    assert seen == [{"type": "click", "pointIndex": 2}]
    assert f.handled and f.parts == [("double", b"8")] and f.seq == 1 and not f.rerun
    assert json.loads(f.header())["handled"] is True
    assert c.n == 4, "a touch trained the run"
    assert s.act("count", {}).seq == 2  # numbered with the frames: the browser keeps the newest


def test_true_redraws_everything_and_run_page_asks_for_a_script_run():
    c = Counter()
    s = _held(c, {"all": lambda ev: True, "page": lambda ev: route.RUN_PAGE})
    assert [k for k, _ in s.act("all", {}).parts] == ["count", "double"]
    assert not s.page_behind
    f = s.act("page", {})
    assert f.handled and f.rerun and json.loads(f.header())["rerun"] is True
    assert s.page_behind  # the browser's run comes from inside the live area: it must be the whole page's


def test_a_touch_that_starts_a_new_run_stops_the_old_ones_frames_and_asks_for_the_whole_page():
    c, parts = Counter(), route.Recorded()
    parts.extend(c.parts())
    parts.handlers["new"] = lambda ev: Redraw(("count",), run_page=True, new_run=True)
    s = Stream("touch-session")
    s.publish(parts, c.advance, lambda: False)  # playing
    generation = s.generation
    f = s.act("new", {"type": "click"})
    assert f.handled and f.rerun and f.parts == [("count", b"0")] and f.generation == generation  # drawn
    assert s.page_behind and not s.playing  # the page's next run is the whole page's, paused
    late = s.next_frame()  # a frame request in flight: empty and stopped, nothing trained
    assert late.parts == [] and not late.playing and c.n == 0


def test_handlers_and_producers_run_in_the_script_context_they_were_recorded_in():
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        get_script_run_ctx,
    )

    seen = []
    parts = route.Recorded()
    parts.context = ctx = object()  # a stand-in for the recording run's ScriptRunContext
    parts.append(("chart", lambda: seen.append(("producer", get_script_run_ctx(suppress_warning=True))) or b""))
    parts.handlers["chart"] = lambda ev: seen.append(("handler", get_script_run_ctx(suppress_warning=True))) or True
    s = Stream("context-session")
    s.hold(parts)
    assert s.act("chart", {}).handled
    assert seen == [("handler", ctx), ("producer", ctx)]
    assert get_script_run_ctx(suppress_warning=True) is None  # the thread gives it back


def test_first_taker_asks_each_handler_in_order_until_one_takes_the_event():
    asked = []

    def handler(name, answer):
        return lambda ev: asked.append(name) or answer
    chain = route.first_taker(handler("edit", None), None, handler("unit", False), handler("controls", route.RUN_PAGE))
    assert chain({}) is route.RUN_PAGE and asked == ["edit", "unit", "controls"]
    asked.clear()
    assert route.first_taker(handler("edit", True), handler("unit", True))({}) is True and asked == ["edit"]
    only = handler("only", True)
    assert route.first_taker(None, only) is only and route.first_taker(None, None) is None


def test_while_playing_a_touch_answers_with_the_chart_it_is_about_and_the_next_frame_brings_the_rest():
    c, parts = Counter(), route.Recorded()
    parts.extend(c.parts())
    parts.handlers["hover"] = lambda ev: Redraw(("double", "count"))
    s = Stream("touch-session")
    s.publish(parts, c.advance, lambda: False)
    assert s.act("hover", {}).parts == [("double", b"0")]
    assert [k for k, _ in s.next_frame().parts] == ["count", "double"]
    s.halt()
    assert [k for k, _ in s.act("hover", {}).parts] == ["double", "count"]  # paused: no frame follows


@pytest.mark.parametrize("handlers, key", [
    ({"chart": lambda ev: False}, "chart"),    # declined: the page's run takes it
    ({"chart": lambda ev: None}, "chart"),
    ({"chart": lambda ev: 1 / 0}, "chart"),     # a bug or a bad event: logged, the page goes on
    ({}, "chart"),                              # no element of that name
])
def test_a_declined_failed_or_unknown_touch_answers_empty(handlers, key):
    s = _held(Counter(), handlers)
    f = s.act(key, {"type": "click"})
    assert f.handled is False and f.parts == [] and json.loads(f.header())["handled"] is False


def _touch_request(token: str, body: bytes, **headers) -> _Request:
    req = _Request(token, content_length=str(len(body)), **headers)

    async def read():
        return body
    req.body = read
    return req


def test_the_touch_route_hands_a_json_event_to_the_stream_and_refuses_the_rest():
    c, seen = Counter(), []
    s = _held(c, {"count": lambda ev: seen.append(ev) or True})
    with route._streams_lock:
        route._streams[s.token] = s
    ok = asyncio.run(route.serve_touch(_touch_request(s.token, json.dumps({"key": "count", "event": {"type": "hover"}}).encode())))
    assert ok.status_code == 200 and ok.body == b"00" and seen == [{"type": "hover"}]
    for body, status in [(b"not json", 400), (b'["key", "event"]', 400), (b'{"key": 3, "event": {}}', 400),
                         (b'{"key": "count", "event": "click"}', 400), (b"\xff\xfe", 400)]:
        assert asyncio.run(route.serve_touch(_touch_request(s.token, body))).status_code == status, body
    big = json.dumps({"key": "count", "event": {"pad": "x" * route.ACT_BODY_LIMIT}}).encode()
    assert asyncio.run(route.serve_touch(_touch_request(s.token, big))).status_code == 413
    evil = _touch_request(s.token, b'{"key": "count", "event": {}}', origin="http://evil.example")
    assert asyncio.run(route.serve_touch(evil)).status_code == 403
    assert asyncio.run(route.serve_touch(_touch_request("no-such-token", b"{}"))).status_code == 404
    assert len(seen) == 1 and c.n == 0


def test_a_touch_that_stands_for_a_click_takes_no_turn_and_a_sessions_touches_go_one_at_a_time(monkeypatch):
    """Pacing holds a paced touch until the session's turn; an unpaced one (Step) goes at once. Touches
    of one session never occupy two pool threads: a flood waits on the event loop, not in the threads
    every session's frames and touches need."""
    c = Counter()
    with route.recording() as parts:
        route.handle("hover", lambda ev: True)
        route.handle("step", lambda ev: True, paced=False)
    parts.extend(c.parts())
    s = Stream("touch-session")
    s.hold(parts)
    assert s.unpaced == {"step"}
    with route._streams_lock:
        route._streams[s.token] = s
    monkeypatch.setattr(Stream, "wait_seconds", lambda self: 30.0)  # the session's turn is far off
    step = json.dumps({"key": "step", "event": {}}).encode()
    assert asyncio.run(asyncio.wait_for(route.serve_touch(_touch_request(s.token, step)), 10)).status_code == 200

    async def paced_one_waits():
        req = _touch_request(s.token, json.dumps({"key": "hover", "event": {}}).encode())
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(route.serve_touch(req), 0.5)
    asyncio.run(paced_one_waits())

    s.act, most = counting_entries(s.act)

    async def flood():
        return await asyncio.gather(*(route.serve_touch(_touch_request(s.token, step)) for _ in range(6)))
    assert [r.status_code for r in asyncio.run(flood())] == [200] * 6
    assert most[0] == 1, f"{most[0]} touches of one session held pool threads at once"


def test_handlers_are_recorded_with_their_producers_only_inside_recording():
    route.handle("a", lambda ev: True)
    with route.recording() as parts:
        route.handle("b", lambda ev: True)
    assert list(parts.handlers) == ["b"]


# --- the Playground's unit view ---------------------------------------------------------------

NET = build(RunConfig()).network  # the default run: [2, 8, 8, 1], tanh, a sigmoid output


def _units(l: int, j: int, sizes=(8, 8, 1)) -> int:
    return sum(sizes[: l - 1]) + j


def test_hovering_a_unit_shows_it_and_leaving_shows_the_pinned_one_or_the_output():
    view = UnitView()
    touch = diagram_touch(view, lambda: NET)
    over = {"type": "hover", "trace": "units", "pointIndex": _units(2, 3)}
    assert touch(over) == Redraw(SHOWS_UNIT) and view.shown(NET) == (2, 3)
    assert touch(over) is None  # the same unit again: nothing to redraw
    assert touch({"type": "unhover"}) == Redraw(SHOWS_UNIT) and view.shown(NET) is None
    assert touch({"type": "unhover"}) is None
    pin = {"type": "click", "trace": "units", "pointIndex": _units(1, 0)}
    assert touch(pin) == Redraw(SHOWS_UNIT, run_page=True) and view.pinned == (1, 0)
    touch(over)
    assert view.shown(NET) == (2, 3)  # the hovered unit wins while the pointer is there
    touch({"type": "unhover"})
    assert view.shown(NET) == (1, 0)  # then the pinned one again
    assert touch(pin) == Redraw(SHOWS_UNIT, run_page=True) and view.pinned is None  # unpinned


@pytest.mark.parametrize("event", [
    {"type": "hover", "trace": "inputs", "pointIndex": 0},         # an input node
    {"type": "click", "trace": "weights", "pointIndex": 3},        # a weight
    {"type": "hover", "trace": "units", "pointIndex": 17},         # past the last unit
    {"type": "hover", "trace": "units", "pointIndex": "1"},        # not an index
    {"type": "hover", "trace": "units", "pointIndex": True},
    {"type": "hover", "trace": "units"},
    {"type": "explode", "trace": "units", "pointIndex": 0},
])
def test_the_diagram_ignores_touches_that_are_not_on_a_unit(event):
    view = UnitView()
    assert diagram_touch(view, lambda: NET)(event) is None
    assert view == UnitView()


def test_a_unit_the_network_does_not_have_is_not_shown():
    assert UnitView(pinned=(3, 0), hovered=(4, 0)).shown(NET) == (3, 0)
    assert UnitView(pinned=(2, 8)).shown(NET) is None



def test_a_frame_leaves_out_the_elements_out_of_the_browsers_sight():
    c = Counter()
    s = Stream("sight-session")
    s.publish(c.parts(), c.advance, lambda: False)
    made = []
    s.parts = [(k, (lambda k=k, make=make: made.append(k) or make())) for k, make in s.parts]
    f = s.next_frame(unseen=frozenset({"double", "not-a-key"}))
    assert f.parts == [("count", b"1")] and made == ["count"], "an unseen element's part was made"
    assert route.unseen_keys(_Request("t", **{"x_descentlab_unseen": " double, ,count "})) == {"double", "count"}
    assert route.unseen_keys(_Request("t")) == frozenset()
    long = ",".join(f"k{i}" for i in range(2000))
    assert len(",".join(route.unseen_keys(_Request("t", x_descentlab_unseen=long)))) <= route.UNSEEN_LIMIT
