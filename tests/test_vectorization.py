"""descentlab.lessons.vectorization: every for-loop computes the same numbers as its numpy version, the loop cap
bounds the work (counted in element reads and iterations, never in seconds), and the figures build."""
import dataclasses

import numpy as np
import pytest

from descentlab.lessons.vectorization import (
    LOGREG_FEATURES,
    OPERATIONS,
    SIZES,
    inputs,
    run_loop,
    time_operation,
)
from descentlab.viz import vectorization as vf


class CountingArray:
    """A read-only stand-in for a numpy array that counts element reads (what a loop pays for)."""

    def __init__(self, a, counter):
        self.a, self.counter, self.shape = np.asarray(a), counter, np.shape(a)

    def __getitem__(self, idx):
        self.counter[0] += 1
        return self.a[idx]


def _close(a, b):
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _close(x, y)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n", [10, 1_000, 10_000])
@pytest.mark.parametrize("op", sorted(OPERATIONS))
def test_loop_and_numpy_compute_the_same_numbers(op, n):
    args = inputs(op, n, seed=1)
    loop = run_loop(op, args, limit=None)
    assert loop.units * (loop.iterations // loop.units) == loop.total  # all of it ran
    _close(loop.result, OPERATIONS[op].vectorized(*args))


def test_the_logistic_regression_loop_is_the_course_algorithm():
    X, Y, w, b = inputs("logreg", 1_000, seed=2)
    J, w_new, b_new = run_loop("logreg", (X, Y, w, b), limit=None).result
    A = 1 / (1 + np.exp(-(w.T @ X + b)))
    m = X.shape[1]
    assert J == pytest.approx(float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))))
    np.testing.assert_allclose(w_new, w - 0.01 * X @ (A - Y).T / m)
    assert b_new == pytest.approx(b - 0.01 * float(np.mean(A - Y)))


@pytest.mark.parametrize("op", sorted(OPERATIONS))
def test_a_capped_loop_computes_its_prefix_exactly(op):
    args = inputs(op, 1_000_000, seed=0)
    loop = run_loop(op, args, limit=3_000)
    assert loop.iterations <= 3_000 < loop.total
    _close(loop.result, OPERATIONS[op].reference(*args, loop.units))


@pytest.mark.parametrize("op", sorted(OPERATIONS))
def test_the_cap_bounds_the_element_reads(op):
    limit = 2_000
    counter = [0]
    args = tuple(CountingArray(a, counter) if isinstance(a, np.ndarray) else a for a in inputs(op, 1_000_000))
    loop = run_loop(op, args, limit=limit)
    assert loop.iterations <= limit
    # at most 3 reads per inner step (logistic regression: w and X forward, X back), plus one label
    # per example and one weight per feature for the update
    assert 0 < counter[0] <= 3 * limit + loop.units + LOGREG_FEATURES


@pytest.mark.parametrize("op", sorted(OPERATIONS))
def test_timing_stays_within_the_cap_and_says_when_it_extrapolates(op):
    big = time_operation(op, 1_000_000, limit=5_000)
    assert big.extrapolated and 0 < big.loop_fraction < 1
    assert 0 < big.loop_iterations <= 5_000
    assert big.agree
    small = time_operation(op, 100, limit=5_000)
    assert not small.extrapolated and small.loop_fraction == 1.0
    assert small.loop_iterations <= 5_000 and small.agree
    assert small.loop_seconds > 0 and small.vector_seconds > 0


def test_inputs_are_seeded_and_checked():
    a1, a2 = inputs("dot", 100, seed=7), inputs("dot", 100, seed=7)
    np.testing.assert_array_equal(a1[0], a2[0])
    assert not np.array_equal(inputs("dot", 100, seed=8)[0], a1[0])
    for bad in (5, 10**7, 1.5, True):
        with pytest.raises(ValueError, match="size"):
            inputs("dot", bad)
    with pytest.raises(ValueError, match="unknown operation"):
        inputs("cross", 100)


def test_sizes_cover_ten_to_a_million():
    assert SIZES[0] == 10 and SIZES[-1] == 10**6


def test_figures_carry_the_speedup_and_mark_extrapolation():
    timings = [time_operation(op, n, limit=2_000) for n in (100, 1_000_000) for op in ("dot", "matvec")]
    labels = {op: o.label for op, o in OPERATIONS.items()}
    fig = vf.timings_figure(timings[2:], labels)
    loop_bar = fig.data[0]
    assert list(loop_bar.text) == [f"<b>{vf.format_speedup(t.speedup)}</b>" for t in timings[2:]]
    assert list(loop_bar.marker.pattern.shape) == ["/", "/"]  # both extrapolated at n = 10⁶
    assert fig.layout.yaxis.type == "log"
    lines = vf.speedup_figure(timings, labels)
    assert [len(t.x) for t in lines.data] == [2, 2]
    table = vf.timings_table(timings, labels)
    assert table["same numbers"].tolist() == ["✓"] * 4
    assert table["for-loop"].str.endswith("*").tolist() == [False, False, True, True]


@pytest.mark.parametrize("t, text", [(1.5, "1.5 s"), (0.00456, "4.56 ms"), (2.5e-6, "2.5 µs"), (3e-9, "3 ns")])
def test_format_seconds(t, text):
    assert vf.format_seconds(t) == text


def test_shared_timings_say_when_and_under_what_load_and_a_visitor_can_measure_afresh():
    from descentlab.viz.vectorization import measured_caption

    from .pages import open_page

    t = time_operation("dot", 1_000)
    assert t.measured_at > 0 and t.load >= 0
    busy = dataclasses.replace(t, measured_at=1000.0, load=3.0)
    text = measured_caption([busy], now=1000.0 + 600, cores=2)
    assert "10 minutes ago" in text and "load was 3.0 on 2 cores" in text and "busy" in text
    assert "busy" not in measured_caption([dataclasses.replace(busy, load=0.4)], now=1030.0, cores=2)
    at = open_page("app_pages/vectorization.py")
    assert any("Measured" in c.value for c in at.caption) and not at.exception  # shared: maybe minutes ago
    at.button(key="vec_btn_again").click().run()
    assert at.session_state["vec_fresh"] > 0 and not at.exception  # this visitor's own timings now
    assert any("Measured just now" in c.value for c in at.caption)
