"""AppTest for tracing one example on the Playground (descentlab.ui.views.playground_trace): the
traced example's panel shows its own numbers (the engine's, written as viz.trace writes them), Step
changes them, Clear ends the trace, and a click on the boundary chart picks the example it means."""
import numpy as np
import pytest

from descentlab.lessons.trace import trace_example
from descentlab.ui.views.playground_trace import TRACE_KEY
from descentlab.viz.boundary import clicked_example, decision_figure, point_trace_sets
from descentlab.viz.trace import array, num

from .pages import click_live_chart, open_page


def _latex(at) -> list[str]:
    return [e.body for e in at.latex]


def _trace_lines(at) -> list[str]:
    return [b for b in _latex(at) if "a^{[0]}" in b or "dz^{[" in b or r"\hat y =" in b]


def test_traced_example_shows_its_numbers_and_step_changes_them():
    at = open_page("app_pages/playground.py")
    run = at.session_state["dl_run"]
    data = run.dataset
    assert not _trace_lines(at), "no example is traced yet"
    i = 5
    at.session_state[TRACE_KEY] = {"which": "train", "index": i,
                                   "point": tuple(float(v) for v in data.points_train[:, i])}
    at.run()
    assert not at.exception
    lines = _trace_lines(at)
    assert lines, "the trace panel is missing"
    t = trace_example(run.network, data, i)
    x_line = next(b for b in lines if "a^{[0]}" in b)
    assert array(t.x) in x_line and num(t.x[0, 0]) in x_line
    y_hat_line = next(b for b in lines if r"\hat y =" in b)
    assert array(t.y_hat) in y_hat_line
    assert any(num(t.loss) in b for b in _latex(at) if r"\mathcal{L}(\hat y, y)" in b)
    assert any(f"training example {i}" in m.value for m in at.markdown)
    before = _latex(at)

    at.button(key="btn_step").click().run()
    assert not at.exception and at.session_state["dl_run"].trainer.iteration == 1
    t1 = trace_example(at.session_state["dl_run"].network, data, i)
    after = _latex(at)
    assert after != before, "Step did not change the traced numbers"
    assert any(num(t1.loss) in b for b in after if r"\mathcal{L}(\hat y, y)" in b)
    np.testing.assert_array_equal(t1.x, t.x)  # the same example, the new θ

    at.button(key="btn_play").click().run()  # playing: no stale numbers, the trace stays
    assert not at.exception and not _trace_lines(at)
    assert any("pause to see" in c.value for c in at.caption)
    at.button(key="btn_play").click().run()
    assert _trace_lines(at)

    at.button(key="trace_clear").click().run()
    assert not at.exception and not _trace_lines(at) and TRACE_KEY not in at.session_state


@pytest.mark.parametrize("event", [
    {"type": "click", "x": "1", "y": 0.0},            # not numbers: from a browser, anything comes
    {"type": "click", "x": float("nan"), "y": 0.0},
    {"type": "click", "x": True, "y": 0.0},
    {"type": "click", "y": 0.0},
    {"type": "hover", "x": 0.0, "y": 0.0},             # not a click
    {"type": "click", "x": 50.0, "y": 50.0},           # far from every point
    "click",
])
def test_the_boundarys_handler_ignores_what_is_not_a_click_on_a_point(event):
    from descentlab.ui.views.playground_trace import touch

    at = open_page("app_pages/playground.py")
    handler = touch(True)
    with _in_session(at):
        assert handler(event) is None
    assert TRACE_KEY not in at.session_state


def _in_session(at):
    """The AppTest's session state as st.session_state, outside a script run (a handler's view)."""
    import contextlib
    from unittest import mock

    @contextlib.contextmanager
    def patched():
        with mock.patch("streamlit.session_state", at.session_state):
            yield
    return patched()


def test_clicking_a_point_of_the_boundary_traces_it():
    at = open_page("app_pages/playground.py", {"seed": "3"})
    data = at.session_state["dl_run"].dataset
    j = 7
    click_live_chart(at, "live_boundary", {"type": "click", "x": float(data.points_train[0, j]),
                                           "y": float(data.points_train[1, j]), "curveNumber": 0})
    assert at.session_state[TRACE_KEY]["which"] == "train" and at.session_state[TRACE_KEY]["index"] == j
    assert any(f"training example {j}" in m.value for m in at.markdown) and _trace_lines(at)


def test_a_click_on_a_point_or_beside_it_picks_that_example():
    at = open_page("app_pages/playground.py")
    data = at.session_state["dl_run"].dataset
    sets = point_trace_sets(data, show_test=True)
    for which, pts, lab in (("train", data.points_train, data.labels_train), ("test", data.points_test,
                                                                              data.labels_test)):
        j = 3
        curve = sets.index(which) + int(lab[j])  # one trace per class
        click = {"x": float(np.float32(pts[0, j])), "y": float(np.float32(pts[1, j])), "curveNumber": curve,
                 "pointIndex": 0}
        assert clicked_example(data, click, True) == (which, j)
    # on the surface next to a training point (no trace under the pointer): that point
    x = data.points_train[:, 7]
    assert clicked_example(data, {"x": x[0] + 1e-4, "y": x[1], "curveNumber": None}, True) == ("train", 7)
    # far from every point: nothing
    assert clicked_example(data, {"x": 50.0, "y": 50.0}, True) is None


def test_the_traced_point_is_ringed_on_the_boundary():
    at = open_page("app_pages/playground.py")
    run = at.session_state["dl_run"]
    grid = run.trainer.decision_grid(20)
    plain = decision_figure(grid, run.dataset)
    ringed = decision_figure(grid, run.dataset, mark=(0.25, -0.5))
    assert len(ringed.data) == len(plain.data) + 1
    ring = ringed.data[-1]
    assert ring.marker.symbol == "circle-open" and list(ring.x) == [0.25] and list(ring.y) == [-0.5]
    assert ring.hoverinfo == "skip"  # a click there reaches the point under it
    assert ringed.layout.datarevision != plain.layout.datarevision  # Plotly re-reads the traces


@pytest.mark.parametrize("query", [{"dataset": "blobs3"}, {"dataset": "plane"},
                                   {"dataset": "moons", "activation": "relu", "dropout": "0.2"}])
def test_every_kind_of_run_traces(query):
    at = open_page("app_pages/playground.py", query)
    data = at.session_state["dl_run"].dataset
    assert data.name == query["dataset"]
    at.session_state[TRACE_KEY] = {"which": "test", "index": 2,
                                   "point": tuple(float(v) for v in data.points_test[:, 2])}
    at.run()
    assert not at.exception and _trace_lines(at)
    heading = next(m.value for m in at.markdown if "Tracing test example 2" in m.value)
    assert ("ŷ =" in heading) == (data.task == "regression")
    if "dropout" in query:
        assert any("Without dropout" in c.value for c in at.caption)
    # another data set (a new sample): the old index means another point, so the trace ends
    at.session_state[TRACE_KEY] = {"which": "test", "index": 2, "point": (9.0, 9.0)}
    at.run()
    assert not at.exception and not _trace_lines(at)
