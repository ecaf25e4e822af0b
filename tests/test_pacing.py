"""descentlab.ui.live.pacing: many playing sessions share the server; one alone never waits."""
import pytest

from descentlab.ui.live import pacing


@pytest.fixture(autouse=True)
def empty_registry():
    pacing._last_frame.clear()
    yield
    pacing._last_frame.clear()


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.naps = []

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.naps.append(s)
        self.now += s


def test_frames_together_stay_within_their_share_of_a_core():
    assert pacing.turn_interval(1, 0.5) == 0  # alone: as fast as the page can go, even for heavy frames
    for n in (2, 5, 10, 30):
        interval = pacing.turn_interval(n, 0.03)
        assert n * 0.03 / interval == pytest.approx(pacing.FRAME_SHARE)  # CPU share of all n together


def test_sessions_count_while_they_play_and_are_forgotten_after():
    for k in range(10):
        pacing.frame_done(f"s{k}", now=50.0)
    assert pacing.playing_sessions(now=50.5) == 10
    pacing.frame_done("s0", now=52.0)
    assert pacing.playing_sessions(now=52.0 + pacing.ACTIVE_WINDOW - 0.1) == 1  # the others went quiet
    assert pacing._last_frame.keys() == {"s0"}                                   # and were forgotten


def test_ten_sessions_wait_their_turn_and_yield_while_waiting():
    clock, yields = FakeClock(), []
    for k in range(10):
        pacing.frame_done(f"s{k}", now=clock.now)
    waited = pacing.wait_for_turn("s0", last_start=clock.now, frame_cpu=0.03,
                                  yield_point=lambda: yields.append(clock.now), sleep=clock.sleep, clock=clock)
    assert waited == pytest.approx(pacing.turn_interval(10, 0.03))
    assert max(clock.naps) <= pacing.NAP and len(yields) == len(clock.naps) >= waited / pacing.NAP


def test_one_session_alone_and_a_new_player_do_not_wait():
    clock = FakeClock()
    pacing.frame_done("alone", now=clock.now - 0.05)  # its last frame started a tick ago
    waited = pacing.wait_for_turn("alone", last_start=clock.now - 0.05, frame_cpu=0.2,
                                  yield_point=lambda: None, sleep=clock.sleep, clock=clock)
    assert waited == 0 and not clock.naps
    for k in range(10):
        pacing.frame_done(f"s{k}", now=clock.now)
    waited = pacing.wait_for_turn("newcomer", last_start=0.0, frame_cpu=0.0, yield_point=lambda: None,
                                  sleep=clock.sleep, clock=clock)
    assert waited == 0
