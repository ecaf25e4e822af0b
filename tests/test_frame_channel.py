"""descentlab.ui.live.route: live frames over one HTTP route instead of a Streamlit rerun per frame.

The Stream and the route are tested without a server; the Playground, Compare and Learning rate pages
on them under AppTest (the route switched on, as server.py does); the browser side in
tests/test_browser_playground.py and test_compare_page.py."""
from __future__ import annotations

import asyncio
import gc
import json
import threading
import time

import pytest

from descentlab.engine.config import RunConfig
from descentlab.ui.live import pacing, route
from descentlab.ui.live.route import Frame, Stream
from tests.test_app_playground import _playground
from tests.test_compare_page import DIVERGING, _compare
from tests.test_lr_explorer import _page as _lr_page


class Counter:
    """A stand-in trainer: advance() counts, the parts show the count."""

    def __init__(self):
        self.n = 0

    def advance(self):
        self.n += 1

    def parts(self):
        return [("count", lambda: str(self.n).encode()), ("double", lambda: str(2 * self.n).encode())]


def _stream(counter: Counter, stop_at: int | None = None) -> Stream:
    s = Stream("test-session")
    s.publish(counter.parts(), counter.advance, lambda: stop_at is not None and counter.n >= stop_at)
    return s


def test_a_frame_trains_then_draws_every_part():
    c = Counter()
    s = _stream(c)
    f = s.next_frame()
    assert (c.n, f.playing, f.generation) == (1, True, 1)
    assert f.parts == [("count", b"1"), ("double", b"2")]
    assert f.body() == b"12"
    assert json.loads(f.header()) == {"generation": 1, "playing": True, "seq": 1,
                                      "parts": [["count", 1], ["double", 1]]}
    assert s.next_frame().seq == 2  # numbered: the browser draws only a newer frame than the last


def test_a_halted_stream_trains_nothing_and_tells_frames_in_flight_they_are_stale():
    c = Counter()
    s = _stream(c)
    s.halt()
    f = s.next_frame()
    assert c.n == 0 and not f.playing and f.parts == []
    assert f.generation == 2  # newer than the page the pump was mounted with: the browser drops it
    s.publish(c.parts(), c.advance, lambda: False)
    assert s.next_frame().generation == 3 and c.n == 1


def test_the_frame_that_ends_the_run_is_still_drawn():
    c = Counter()
    s = _stream(c, stop_at=2)
    assert s.next_frame().playing
    last = s.next_frame()
    assert not last.playing and last.parts == [("count", b"2"), ("double", b"4")]
    assert last.generation == 1  # the same page: the browser draws it, then asks the page to rerun
    assert s.next_frame().parts == [] and c.n == 2


def test_an_error_in_a_frame_stops_the_run_with_a_message():
    s = Stream("test-session")
    s.publish([("bad", lambda: 1 / 0)], lambda: None, lambda: False)
    f = s.next_frame()
    assert not f.playing and f.parts == []
    assert f.generation == 1  # the page's own generation: the browser reports it, so the page says why
    assert "ZeroDivisionError" in s.error


def test_a_frame_waits_for_the_session_lock():
    """A script run (or a callback changing the trainer) holds the lock: no frame trains meanwhile."""
    c = Counter()
    s = _stream(c)
    got = []
    with s.lock:
        t = threading.Thread(target=lambda: got.append(s.next_frame()))
        t.start()
        time.sleep(0.2)
        assert c.n == 0 and not got
    t.join(60)  # a busy machine may be slow to run the thread once the lock is free
    assert c.n == 1 and got[0].playing


def test_pacing_due_lets_a_new_session_start_at_once(monkeypatch):
    monkeypatch.setattr(pacing, "_last_frame", {})  # no sessions from other tests
    now = time.monotonic()
    assert pacing.due("never-framed", now - 10, 5.0, now) == now
    pacing.frame_done("framed-a", now)
    pacing.frame_done("framed-b", now)
    # two sessions, 30 ms a frame each: 2 x 0.03 / FRAME_SHARE after the last start
    assert pacing.due("framed-a", now, 0.03, now) - now == pytest.approx(2 * 0.03 / pacing.FRAME_SHARE)


def test_two_requests_in_flight_reserve_two_turns(monkeypatch):
    """The browser keeps two frame requests in flight; with other sessions playing, the second must wait
    a turn after the first, so the session does not get twice its share."""
    monkeypatch.setattr(pacing, "_last_frame", {})
    c = Counter()
    s = _stream(c)
    now = time.monotonic()
    s.pace = (now, 0.03)  # its last frame started now and took 30 ms of CPU
    for sid in (s.session_id, "other-a", "other-b"):
        pacing.frame_done(sid, now)
    interval = pacing.turn_interval(3, 0.03)
    first, second = s.wait_seconds(), s.wait_seconds()
    assert first == pytest.approx(interval, abs=0.01)
    assert second == pytest.approx(2 * interval, abs=0.01)


class _Request:
    def __init__(self, token: str, **headers):
        self.path_params = {"token": token}
        self.headers = {"host": "lab.example:8501", **{k.replace("_", "-"): v for k, v in headers.items()}}


def test_the_route_serves_a_registered_stream_and_refuses_an_unknown_token():
    c = Counter()
    s = _stream(c)
    with route._streams_lock:
        route._streams[s.token] = s
    res = asyncio.run(route.serve_frame(_Request(s.token)))
    assert res.status_code == 200 and res.body == b"12"
    assert json.loads(res.headers[route.HEADER])["parts"] == [["count", 1], ["double", 1]]
    assert res.headers["content-encoding"] == "identity"
    assert asyncio.run(route.serve_frame(_Request("not-a-token"))).status_code == 404


def counting_entries(fn):
    """``fn`` wrapped to note how many calls are inside it at once (each a pool thread, entered before
    the stream's own lock), and a list whose one item is the most seen."""
    inside, most, guard = [0], [0], threading.Lock()

    def counted(*args):
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.03)
        try:
            return fn(*args)
        finally:
            with guard:
                inside[0] -= 1
    return counted, most


def test_a_page_flooding_the_route_holds_one_pool_thread_not_the_whole_pool():
    """Alone on the server, pacing spaces nothing; the route still lets one frame of a session into
    the thread pool at a time, the rest waiting on the event loop."""
    c = Counter()
    s = _stream(c)
    with route._streams_lock:
        route._streams[s.token] = s
    s.next_frame, most = counting_entries(s.next_frame)

    async def flood():
        return await asyncio.gather(*(route.serve_frame(_Request(s.token)) for _ in range(8)))
    assert [r.status_code for r in asyncio.run(flood())] == [200] * 8
    assert most[0] == 1, f"{most[0]} frames of one session held pool threads at once"


@pytest.mark.parametrize("headers, status", [
    ({"origin": "http://evil.example"}, 403),                 # another site's page
    ({"origin": "http://lab.example:9999"}, 403),             # another port is another origin
    ({"content_length": str(50 * 2**20)}, 413),              # a huge body (never read)
    ({"content_length": "12x"}, 413),                         # a malformed one
    ({"transfer_encoding": "chunked"}, 413),                  # a body of unknown size
])
def test_the_route_refuses_crafted_requests_without_training(headers, status):
    c = Counter()
    s = _stream(c)
    with route._streams_lock:
        route._streams[s.token] = s
    res = asyncio.run(route.serve_frame(_Request(s.token, **headers)))
    assert res.status_code == status and c.n == 0  # refused before the run trained a step
    ours = asyncio.run(route.serve_frame(_Request(s.token, origin="http://lab.example:8501")))
    assert ours.status_code == 200 and c.n == 1  # the page's own request still gets its frame


def test_a_stream_leaves_the_registry_with_its_session():
    s = Stream("gone-session")
    with route._streams_lock:
        route._streams[s.token] = s
    token = s.token
    del s
    gc.collect()
    assert route.find(token) is None


def test_producers_are_recorded_only_inside_recording():
    assert route.produce("a", lambda: b"x") == b"x"
    with route.recording() as parts:
        assert route.produce("b", lambda: b"y") == b"y"
    assert [(k, make()) for k, make in parts] == [("b", b"y")]


# --- the Playground with the route switched on (server.py), under AppTest -----------------------

@pytest.fixture
def route_on(monkeypatch):
    # AppTest runs on a stand-in Runtime that server.py's lifespan never marks (route.serve)
    monkeypatch.setattr(route, "available", lambda: True)


def _components(at, name: str) -> list:
    return [el for el in at.get("bidi_component") if el.proto.component_name == name]


def _frame_parts(frame: Frame) -> dict[str, bytes]:
    return dict(frame.parts)


def test_playing_playground_hands_its_frames_to_the_route(route_on):
    at = _playground()
    assert [json.loads(p.proto.json)["playing"] for p in _components(at, "descentlab.frame_pump")] == [False]
    at.button(key="btn_play").click().run()
    assert not at.exception, [e.value for e in at.exception]
    stream = at.session_state[route.STREAM_KEY]
    (pump,) = _components(at, "descentlab.frame_pump")
    assert json.loads(pump.proto.json) == {"url": route.url(stream), "generation": stream.generation,
                                           "playing": True}
    assert stream.playing and route.find(stream.token) is stream

    tr = at.session_state["dl_run"].trainer
    before = tr.iteration
    frame = stream.next_frame()
    parts = _frame_parts(frame)
    assert frame.playing and tr.iteration > before
    assert {"live_status", "live_boundary", "live_cost", "live_network"} <= set(parts)
    assert f"{tr.iteration:,}<" in parts["live_status"].decode()  # the status line shows the new iteration
    for key in ("live_boundary", "live_cost", "live_network"):
        message = json.loads(parts[key])
        assert message["name"] == key and message["figure"]["data"]
    assert len(tr.history) == 2  # one row per frame, as the fragment path records

    noted = stream.notes["dl_step_cost"]  # the frames' estimate of seconds per step...
    at.button(key="btn_play").click().run()  # Pause: the page halts the stream
    assert at.session_state["dl_step_cost"] == noted and not stream.notes  # ...reaches the next run
    (pump,) = _components(at, "descentlab.frame_pump")  # told the new generation: late frames are dropped
    assert not stream.playing and json.loads(pump.proto.json)["generation"] == stream.generation > frame.generation
    assert not json.loads(pump.proto.json)["playing"]
    assert stream.next_frame().parts == []


def test_step_on_a_paused_page_is_one_iteration_answered_by_a_frame_then_the_pages_run(route_on):
    from descentlab.ui.live.elements import STEP_TOUCH

    at = _playground()
    (keys,) = _components(at, "descentlab.keys")
    assert json.loads(keys.proto.json) == {"prefix": "btn", "step": STEP_TOUCH}  # what keyboard.js sends
    stream, tr = at.session_state[route.STREAM_KEY], at.session_state["dl_run"].trainer
    rows = len(tr.history)
    frame = stream.act(STEP_TOUCH, {"type": "step", "prefix": "btn"})
    assert frame.handled and frame.rerun and not frame.playing and tr.iteration == 1
    assert len(tr.history) == rows + 1  # one row, as the button's step records
    assert "1<" in _frame_parts(frame)["live_status"].decode()  # the status line shows it at once
    assert {"live_boundary", "live_cost", "live_network"} <= set(_frame_parts(frame))
    at.run()  # the page's run the "stepped" trigger asks for: it draws, it does not step again
    assert not at.exception and tr.iteration == 1
    assert at.select_slider(key="view_rewind").options[-1] == "1"  # outside the live area: the run's part
    for wrong in ({"type": "step", "prefix": "cmp_btn"}, {"type": "click"}, "step", None):  # another page's
        assert not stream.act(STEP_TOUCH, wrong).handled and tr.iteration == 1
    at.button(key="btn_play").click().run()
    assert not stream.act(STEP_TOUCH, {"type": "step", "prefix": "btn"}).handled  # playing: the button's
    assert at.session_state["dl_playing"]


def test_step_on_the_route_declines_a_diverged_run(route_on):
    from descentlab.ui.live.elements import STEP_TOUCH

    bad = RunConfig(dataset="plane", loss="mse", hidden=(16, 16), activation="relu", init="random",
                    init_scale=20.0, learning_rate=10.0)
    at = _playground(bad.to_query())
    stream, tr = at.session_state[route.STREAM_KEY], at.session_state["dl_run"].trainer
    for _ in range(200):
        if tr.diverged or not stream.act(STEP_TOUCH, {"type": "step", "prefix": "btn"}).handled:
            break
    assert tr.diverged, "the run never diverged: the test's config no longer does"
    at.run()
    stopped_at = tr.iteration
    assert not stream.act(STEP_TOUCH, {"type": "step", "prefix": "btn"}).handled  # the button's run says why
    assert tr.iteration == stopped_at


def test_a_run_diverging_in_a_frame_stops_and_says_so(route_on):
    bad = RunConfig(dataset="plane", loss="mse", hidden=(16, 16), activation="relu", init="random",
                    init_scale=20.0, learning_rate=10.0)
    at = _playground(bad.to_query())
    at.button(key="btn_play").click().run()
    stream = at.session_state[route.STREAM_KEY]
    for _ in range(50):
        if not stream.next_frame().playing:
            break
    tr = at.session_state["dl_run"].trainer
    assert tr.diverged and not stream.playing
    at.run()  # the page's next run (the pump asks for it) pauses and shows the message
    assert not at.session_state["dl_playing"]
    assert sum("diverged at iteration" in e.value for e in at.error) == 1  # said once, not twice
    assert len(tr.history) >= 1 and not json.loads(_components(at, "descentlab.frame_pump")[0].proto.json)["playing"]


def test_without_the_route_the_playground_plays_through_fragments():
    at = _playground()
    at.button(key="btn_play").click().run()  # AppTest runs the fragment inline: one frame
    assert not _components(at, "descentlab.frame_pump")
    assert at.session_state["dl_run"].trainer.iteration > 0


def test_compare_plays_through_the_route_and_redraws_when_one_variant_diverges(route_on):
    """Compare's live area on the route: frames update its status, cost, boundaries and table; when one
    variant diverges the frames stop so the page can say which, and the others play on after it."""
    at = _compare({**DIVERGING.to_query(), "vary": "learning_rate", "values": "0.01;10"},
                  state={"dl_presentation": True})
    at.button(key="cmp_btn_play").click().run()
    assert not at.exception, [e.value for e in at.exception]
    stream = at.session_state[route.STREAM_KEY]
    ok, bad = at.session_state["cmp_group"].trainers
    frame = stream.next_frame()
    assert {"cmp_status", "cmp_live_cost", "cmp_live_boundaries", "cmp_table"} <= set(_frame_parts(frame))
    assert b"dl-big" in _frame_parts(frame)["cmp_status"]  # presentation size, read at script time
    for _ in range(50):
        if not frame.playing:
            break
        frame = stream.next_frame()
    assert bad.diverged and not ok.diverged and stream.redraw
    assert "diverged at" in _frame_parts(frame)["cmp_table"].decode()  # the last frame is drawn
    at.run()  # the page's rerun (the pump asks for it): still playing, now with the warning
    assert at.session_state["cmp_playing"] and stream.playing and not stream.redraw
    assert any("others keep training" in w.value for w in at.warning)
    before = ok.iteration
    assert stream.next_frame().playing and ok.iteration > before


@pytest.mark.parametrize("section, prefix, keys", [
    ("Sweep", "lr", {"lr_status", "lr_live_curves", "lr_live_final"}),
    ("Schedules", "lr_sched", {"lr_schedule_status", "lr_live_schedules"}),
])
def test_the_learning_rate_page_plays_through_the_route(route_on, section, prefix, keys):
    at = _lr_page()
    at.segmented_control(key="lr_section").set_value(section).run()
    at.button(key=f"{prefix}_btn_play").click().run()
    assert not at.exception, [e.value for e in at.exception]
    stream = at.session_state[route.STREAM_KEY]
    target = at.session_state["lr_sweep" if section == "Sweep" else "lr_sched"]
    before = target.iteration
    parts = _frame_parts(stream.next_frame())
    assert keys <= set(parts) and target.iteration > before
    status = parts[sorted(k for k in keys if k.endswith("status"))[0]].decode()
    assert f"{target.iteration:,}<" in status


def test_frames_are_made_one_at_a_time_and_a_slow_one_holds_the_others_briefly():
    """The route's frame slot: a second frame waits for the first; past MAX_WAIT it is made anyway."""
    from descentlab.ui.live.frame_slot import frame_slot

    async def scenario(first_holds: float, max_wait: float) -> list:
        events, started = [], asyncio.Event()

        async def frame(name: str, hold: float):
            async with frame_slot(max_wait) as held:
                events.append(("start", name, held))
                started.set()
                await asyncio.sleep(hold)
                events.append(("end", name))

        first = asyncio.create_task(frame("a", first_holds))
        await started.wait()
        await frame("b", 0.0)
        await first
        return events

    # a short frame in progress: the next one starts after it ends, holding the slot
    assert asyncio.run(scenario(0.02, 5.0)) == [("start", "a", True), ("end", "a"), ("start", "b", True),
                                                ("end", "b")]
    # a frame that takes too long: the next one is made beside it, without the slot
    assert asyncio.run(scenario(0.5, 0.05)) == [("start", "a", True), ("start", "b", False), ("end", "b"),
                                                ("end", "a")]

    async def after_giving_up() -> list:  # the slot is not lost to a waiter that gave up
        async with frame_slot(5.0) as first:
            async with frame_slot(0.01) as gave_up:
                pass
        async with frame_slot(0.01) as later:
            return [first, gave_up, later]
    assert asyncio.run(after_giving_up()) == [True, False, True]
