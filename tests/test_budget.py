"""descentlab.ui.budget's limits and ledger, and descentlab.ui.sessions' reaper, without a server (fake runtime)."""
import threading
import time
from pathlib import Path

import pytest
from streamlit.runtime import Runtime

from descentlab.engine.cost import Cost
from descentlab.ui import budget, sessions
from descentlab.ui.live import route

MB = 2**20


@pytest.fixture
def limits(monkeypatch):
    monkeypatch.setenv("DESCENTLAB_SESSION_MB", "300")
    monkeypatch.setenv("DESCENTLAB_SERVER_MB", "1000")
    monkeypatch.setenv("DESCENTLAB_FRAME_WORK", "2e9")


def _reserve(ledger, sid, slot, mb, work=1e6):
    return ledger.reserve(sid, slot, Cost(mb * MB, work), "This run", "Use fewer layers.")


@pytest.fixture
def fresh(monkeypatch):
    """The reaper's and the route's registries, empty for this test (AppTest sessions leave streams)."""
    monkeypatch.setattr(budget, "ledger", budget.Ledger())
    monkeypatch.setattr(sessions, "_gone_since", {})
    monkeypatch.setattr(sessions, "_seated", set())
    monkeypatch.setattr(sessions, "_apps", {})
    monkeypatch.setattr(route, "_streams", route.weakref.WeakValueDictionary())


def test_a_session_holds_at_most_its_budget_over_all_its_pages(limits):
    ledger = budget.Ledger()
    assert _reserve(ledger, "a", "playground", 200) is None
    refusal = _reserve(ledger, "a", "compare", 150)
    assert "150 MB" in refusal and "300 MB" in refusal and "other pages hold 200 MB" in refusal
    assert "Use fewer layers." in refusal
    assert ledger.held("a") == 200 * MB  # refused: nothing changed
    assert _reserve(ledger, "a", "playground", 280) is None  # a slot's new run replaces its old one
    assert ledger.held("a") == 280 * MB


def test_the_server_refuses_new_work_past_its_total_and_takes_it_back_when_released(limits):
    ledger = budget.Ledger()
    for sid in "abc":
        assert _reserve(ledger, sid, "playground", 290) is None
    refusal = _reserve(ledger, "d", "playground", 200)
    assert refusal.startswith("The server is full") and "1,000 MB" in refusal
    ledger.release("b")
    assert _reserve(ledger, "d", "playground", 200) is None
    assert ledger.total() == (290 * 2 + 200) * MB


def test_a_frame_that_would_hold_a_core_too_long_is_refused(limits):
    refusal = budget.Ledger().reserve("a", "lr", Cost(MB, 6e12), "The sweep", "Use fewer learning rates.")
    assert "6 trillion multiply-adds a frame" in refusal and "2 billion" in refusal


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DESCENTLAB_SESSION_MB", "2000")
    monkeypatch.setenv("DESCENTLAB_SERVER_MB", "not a number")
    assert budget.session_limit() == 2000 * MB
    assert 0 < budget.server_limit() <= budget._machine_bytes()  # a bad value falls back to the default


class FakeRuntime:
    def __init__(self, active):
        self.active, self.closed = set(active), []

    def is_active_session(self, sid):
        return sid in self.active

    def close_session(self, sid):
        self.closed.append(sid)


def _registered(sid):
    stream = route.Stream(sid)
    with route._streams_lock:
        route._streams[stream.token] = stream
    stream.publish([], advance=lambda: None, page_changed=lambda: False)  # playing
    return stream


def test_the_reaper_stops_frames_at_once_and_ends_sessions_after_the_grace(monkeypatch, limits, fresh):
    monkeypatch.setenv("DESCENTLAB_SESSION_GRACE_S", "20")
    gone, staying = _registered("gone"), _registered("staying")
    for stream in (gone, staying):
        _reserve(budget.ledger, stream.session_id, "playground", 10)
    runtime = FakeRuntime({"staying"})
    assert sessions.reap(runtime, now=100.0) == []
    assert not gone.next_frame().playing and "connection to the server dropped" in gone.error  # no more training
    assert staying.next_frame().playing
    assert budget.ledger.held("gone") == 10 * MB and runtime.closed == []  # still within the grace
    assert sessions.reap(runtime, now=119.0) == []
    assert route.find(gone.token) is gone
    assert sessions.reap(runtime, now=120.5) == ["gone"]
    assert route.find(gone.token) is None and gone.closed  # its token: 404
    assert runtime.closed == ["gone"] and budget.ledger.held("gone") == 0
    assert budget.ledger.held("staying") == 10 * MB and route.find(staying.token) is staying


def test_the_reaper_never_waits_for_a_session_busy_in_a_page_run(monkeypatch, limits, fresh):
    """It runs on the server's event loop: waiting there for a page run's lock would freeze every session."""
    monkeypatch.setenv("DESCENTLAB_SESSION_GRACE_S", "0")
    busy = _registered("busy")
    held, release = threading.Event(), threading.Event()

    def page_run():
        with busy.lock:
            held.set()
            release.wait(30)
    thread = threading.Thread(target=page_run)
    thread.start()
    try:
        assert held.wait(30)
        t0 = time.monotonic()
        assert sessions.reap(FakeRuntime(set()), now=0.0) == ["busy"]
        assert time.monotonic() - t0 < 5  # a blocking reaper would wait for the 30 s run
        assert busy.closed and route.find(busy.token) is None
    finally:
        release.set()
        thread.join()


def test_a_session_that_comes_back_within_the_grace_is_kept(monkeypatch, limits, fresh):
    _reserve(budget.ledger, "blip", "playground", 10)
    runtime = FakeRuntime(set())
    sessions.reap(runtime, now=0.0)
    runtime.active.add("blip")
    sessions.reap(runtime, now=10.0)
    runtime.active.clear()
    assert sessions.reap(runtime, now=25.0) == []  # its grace starts again from its new disconnect
    assert runtime.closed == [] and budget.ledger.held("blip") == 10 * MB


def test_light_work_is_never_refused_for_the_servers_sake(limits):
    ledger = budget.Ledger()
    for sid in "abc":
        assert _reserve(ledger, sid, "playground", 290) is None
    assert _reserve(ledger, "d", "playground", 125) is None  # 995 of 1,000 MB held
    assert _reserve(ledger, "late student", "playground", 6) is None  # the default run always opens
    assert _reserve(ledger, "late student", "compare", 20).startswith("The server is full")


def test_every_preset_fits_one_session_with_room_to_spare():
    """A lecturer's one click must never meet a budget: each preset's page, with the Playground's run of
    the same config beside it, stays under half the default session budget and frame work."""
    from descentlab.engine import cost
    from descentlab.engine.presets import PRESETS
    from descentlab.engine.sweep import MAX_RUNS
    from descentlab.lessons.init_experiments import parse_schemes
    from descentlab.ui.views.compare import GRID_RESOLUTION

    for preset in PRESETS.values():
        run = cost.playground(preset.config)
        if preset.lab == "lr":
            page = cost.sweep(preset.config, MAX_RUNS)
        elif preset.lab == "init_lab":
            schemes = parse_schemes(preset.vary[1])[0]
            page = cost.group([scheme.config(preset.config) for scheme in schemes])
        elif preset.vary:
            field, values = preset.vary
            page = cost.group([preset.config.replace(**{field: v}) for v in values], grid=GRID_RESOLUTION ** 2)
        else:
            page = Cost(0, 0.0)
        assert run.bytes + page.bytes < 150 * MB, preset.key
        assert max(run.work, page.work) < 1e10 / 2, preset.key


def test_a_build_that_fails_gives_its_slot_back_what_it_held(limits, fresh):
    sid = sessions.session_id()  # outside a script run: "no-session"
    with budget.admitted("playground", Cost(50 * MB, 1e6), "This run", "Use fewer layers."):
        pass
    assert budget.ledger.held(sid) == 50 * MB
    with pytest.raises(MemoryError):
        with budget.admitted("playground", Cost(250 * MB, 1e6), "This run", "Use fewer layers."):
            raise MemoryError  # the build failed: the session still holds its old run, and only it
    assert budget.ledger.held(sid) == 50 * MB
    with pytest.raises(budget.Refused, match="one computation may use"):
        with budget.computing(Cost(MB, 1e10), 1000, "The study", "Use fewer steps."):
            pass
    with budget.computing(Cost(20 * MB, 1e6), 10, "The study", "Use fewer steps."):
        assert budget.ledger.held(sid) == 70 * MB  # counted while it runs...
    assert budget.ledger.held(sid) == 50 * MB  # ...and not after


def test_past_its_places_the_server_says_it_is_full_and_a_place_frees_when_a_session_ends(monkeypatch, fresh):
    monkeypatch.setenv("DESCENTLAB_MAX_SESSIONS", "2")
    monkeypatch.setenv("DESCENTLAB_SESSION_GRACE_S", "0")
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))  # as in a served session
    assert sessions.seated("a") and sessions.seated("b")
    assert not sessions.seated("c")  # the third is told the server is full
    assert sessions.seated("a")      # those seated keep their place on every run
    assert sessions.reap(FakeRuntime({"b"}), now=0.0) == ["a"]  # a's tab closed: its place frees up
    assert sessions.seated("c") and not sessions.seated("d")


def test_the_server_has_glibc_keep_a_frames_freed_memory_for_reuse():
    """server.py's lifespan raises glibc's mmap and trim thresholds (descentlab.ui.sessions): with the
    defaults every frame's large temporaries were fresh pages, 15-18 % more CPU a frame."""
    from descentlab.ui import sessions

    calls = []

    class Libc:
        def mallopt(self, param, value):
            calls.append((param, value))
            return 1
    assert sessions.keep_freed_memory(Libc())
    assert calls == [(-3, sessions.MMAP_THRESHOLD), (-1, sessions.TRIM_THRESHOLD)]
    assert sessions.MMAP_THRESHOLD >= 1 << 20 and sessions.TRIM_THRESHOLD >= 2 * sessions.MMAP_THRESHOLD
    assert sessions.keep_freed_memory() in (True, False)  # the real libc, or none: never an error
    server_py = (Path(sessions.__file__).parents[2] / "server.py").read_text(encoding="utf-8")
    assert "sessions.keep_freed_memory()" in server_py
