"""Many users at once, and one user for hours.

- Several browser sessions train side by side on one server, each on its own run (the short form of
  bench/load_test.py; marked `load`, CI runs it: `pytest -m "not load"` skips it locally). Only
  correctness is asserted here; Step latency and memory per session are measured by the bench.
- Six websocket users (bench/ws_load.py's clients) play and Step side by side, each on its own run.
- A run left playing for hours keeps bounded memory: the Playground's own recording path, fast-forwarded.
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest

from descentlab.engine.build import SNAPSHOT_BYTES, build
from descentlab.engine.config import RunConfig
from descentlab.engine.trainer import Trainer
from tests.browser import require_chromium


@pytest.mark.load
def test_sessions_train_side_by_side_each_on_its_own_run():
    require_chromium()
    from bench.load_test import run_load

    result = run_load(sessions=3, seconds=10, log=lambda *_: None)
    assert result.errors == []
    sessions = result.sessions
    assert len({s.first_cost for s in sessions}) == len(sessions)  # seeds 0, 1, 2: three different runs
    for s in sessions:
        # the cost each page shows is its own seed's, at the start and at the iteration it reached
        assert (s.first_cost, s.final_cost) == (s.expected_first, s.expected_final), s
        assert s.steps, f"seed {s.seed} never got a Step measured"
        assert s.iteration > len(s.steps), f"seed {s.seed} did not advance while playing"


@pytest.mark.load
def test_websocket_users_play_and_step_each_on_their_own_run():
    """The short form of bench/ws_load.py: six users speaking Streamlit's protocol (no browser), so the
    server is loaded as a class would load it; each sees only its own seed's costs, every Step lands."""
    from bench.ws_load import check, run

    result = run(sessions=6, seconds=10, log=lambda *_: None)
    errors, own = check(result)
    assert errors == [] and own == 6
    assert len({c.first_cost for c in result["clients"]}) == 6
    for c in result["clients"]:
        assert c.frames > 0 and c.steps, f"seed {c.seed} did not play, or was never stepped"
        assert all(a is not None and a > b for b, a, _ in c.steps), c.steps


def _playground_trainer(config: RunConfig):
    """A trainer as the Playground holds it: built by build(), recording once per frame."""
    tr = build(config).trainer
    tr.record_every = None  # descentlab.ui.state.start_run: the live loop calls record() once per frame
    return tr


def test_a_run_left_playing_for_hours_keeps_bounded_memory():
    """Past the history's capacity both stores stop growing; the first row and the newest stay, and
    the newest rows stay dense. (At ~8 frames/s, the capacity of rows is about 20 minutes of play.)"""
    tr = _playground_trainer(RunConfig(n_samples=10, hidden=(), test_fraction=0))  # cheap frames
    rows_cap = inspect.signature(Trainer).parameters["max_history"].default
    snaps_cap = tr.snapshots.capacity
    frames, per_frame, sizes = rows_cap + rows_cap // 2, 3, []
    for frame in range(1, frames + 1):
        tr.step(per_frame)
        tr.record()
        if frame % 1000 == 0:
            sizes.append((len(tr.history), len(tr.snapshots), tr.snapshots.nbytes))
    rows, snaps, nbytes = zip(*sizes)
    assert max(rows) <= rows_cap and max(snaps) <= snaps_cap
    assert max(nbytes) <= snaps_cap * tr.network.theta.nbytes
    history = tr.history
    assert len(history) < frames and history.iteration.is_monotonic_increasing  # thinned, not one per frame
    assert history.iteration.iloc[0] == 0 and history.iteration.iloc[-1] == tr.iteration == frames * per_frame
    assert (history.iteration.diff().iloc[-100:] == per_frame).all()  # recent history dense
    assert tr.snapshots.iterations[0] == 0 and tr.snapshots.iterations[-1] == tr.iteration


@pytest.mark.parametrize("hidden", [(64,) * 8, (512,) * 3], ids=["8x64", "3x512"])
def test_snapshots_of_big_networks_stay_within_the_byte_budget(hidden):
    """200 copies of θ would be 47 MB for the panel's largest network and 850 MB for 3 layers of 512."""
    tr = _playground_trainer(RunConfig(n_samples=10, hidden=hidden))
    theta = tr.network.theta.nbytes
    for _ in range(3 * tr.snapshots.capacity):
        tr.step(1)
        tr.record()
    assert tr.snapshots.nbytes <= max(SNAPSHOT_BYTES, 4 * theta)
    assert len(tr.snapshots) >= 4 and tr.snapshots.iterations[0] == 0  # rewinding still spans the run
    assert np.array_equal(tr.snapshots.at(tr.iteration)[1], tr.network.theta)


@pytest.mark.load
@pytest.mark.parametrize("page, query, play_key", [
    ("playground", "seed=0", "btn_play"),
    ("compare", "vary=learning_rate&values=0.001;0.003;0.01;0.03;0.1;0.3", "cmp_btn_play"),
], ids=["playground", "compare"])
def test_every_frame_reaches_the_page_whole(page, query, play_key):
    """Streamlit drops a fragment's unsent messages when its next run starts; with the page's timer
    asking every 50 ms, runs follow back to back and the last charts of a frame were lost (Compare's
    boundaries reached the page in 5 of 20 frames). Each live chart must arrive with (nearly) every frame."""
    from bench.ws_load import frame_deliveries

    got = frame_deliveries(page, query, play_key, seconds=4.0)
    frames, charts = got["frames"], got["charts"]
    assert frames >= 5 and len(charts) >= 2, got
    assert all(n >= 0.9 * frames for n in charts.values()), got
