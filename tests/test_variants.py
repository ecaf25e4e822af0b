"""descentlab.viz.variants: every variant keeps its own marker shape where curves coincide (Compare, Initialization
lab), and a note says which runs are the same to the plotted precision."""
import numpy as np
import pandas as pd

from descentlab.viz import compare as vc
from descentlab.viz import init_lab as figs
from descentlab.viz import variants as vv


def _history(costs, start=0):
    costs = np.asarray(costs, float)
    return pd.DataFrame({"iteration": np.arange(start, start + len(costs)) * 10, "cost_train": costs,
                         "cost_test": costs + 0.01})


def _shapes(trace) -> tuple:
    """(symbol, iterations carrying a marker) of a line trace."""
    sizes = np.asarray(trace.marker.size, float)
    return trace.marker.symbol, tuple(np.asarray(trace.x)[sizes > 0])


def test_compare_overlay_gives_each_variant_its_own_marker_at_its_own_places():
    same = _history(np.linspace(0.7, 0.2, 80))
    fig = vc.cost_overlay_figure(["ReLU", "Leaky ReLU", "tanh"], [same, same.copy(), same.copy()])
    trains = fig.data[0:9:3]
    shapes = [_shapes(t) for t in trains]
    assert all(t.mode == "lines+markers" for t in trains)
    assert len({symbol for symbol, _ in shapes}) == 3  # three shapes
    places = [set(at) for _, at in shapes]
    assert all(len(p) >= 4 for p in places)  # visible along the whole curve
    assert not (places[0] & places[1]) and not (places[1] & places[2]) and not (places[0] & places[2])
    assert all(t.mode == "lines" for t in fig.data[1:9:3])  # test lines stay plain (dashed)


def test_init_lab_uses_the_same_shapes_on_cost_and_gradient_charts():
    h = [_history(np.full(50, np.log(2))), _history(np.full(50, np.log(2))), _history(np.linspace(0.7, 0.1, 50))]
    fig = figs.training_figure(h, [[0.0, 0.0], [1e-3, 1e-4], [0.1, 0.2]], ["zeros", "random × 0.01", "He"],
                               ["#8C8C8C", "#56B4E9", "#0072B2"])
    cost_shapes = [_shapes(t) for t in fig.data[0:6:2]]
    assert [symbol for symbol, _ in cost_shapes] == [vv.variant_symbol(i) for i in range(3)]
    assert not set(cost_shapes[0][1]) & set(cost_shapes[1][1])  # zeros' shapes between small's
    gradient_symbols = [set(fig.data[6 + i].marker.symbol) for i in range(3)]
    assert gradient_symbols == [{"circle-open"}, {"square"}, {"diamond"}]
    assert fig.layout.shapes[0].layer == "below"  # the ln 2 line under the curves that lie on it


def test_shapes_are_distinct_for_six_variants_and_keys_draw_them():
    assert len({vv.variant_symbol(i) for i in range(6)}) == 6
    keys = [vv.key_svg(i, "#0072B2") for i in range(6)]
    assert len(set(keys)) == 6 and all(k.startswith("<svg") for k in keys)


def test_note_names_identical_runs_and_not_different_ones():
    a = _history(np.linspace(0.7, 0.2, 30))
    almost = a.copy()
    almost["cost_train"] += 1e-7  # far below the 4 digits a chart shows
    other = _history(np.linspace(0.7, 0.3, 30))
    note = vv.coincide_note(["ReLU", "Leaky ReLU", "tanh"], [a, almost, other])
    assert note.startswith("ReLU and Leaky ReLU coincide to 4 digits")
    assert "tanh" not in note
    assert vv.coincide_note(["ReLU", "tanh"], [a, other]) == ""
    visible = a.copy()
    visible.loc[29, "cost_train"] += 1e-3  # one point that differs in the 4th digit
    assert vv.coincide_note(["ReLU", "Leaky ReLU"], [a, visible]) == ""
    assert vv.coincide_note(["a", "b"], [a.iloc[:1], a.iloc[:1]]) == ""  # nothing trained yet: no claim
    three = vv.coincide_note(["x", "y", "z"], [a, a.copy(), a.copy()])
    assert three.startswith("x, y and z coincide")


def test_caption_puts_the_note_first_and_is_unchanged_without_one():
    a, b = _history(np.linspace(0.7, 0.2, 30)), _history(np.linspace(0.7, 0.3, 30))
    assert vv.coincide_caption(["p", "q"], [a, b], "Cost J.") == "Cost J."
    assert vv.coincide_caption(["p", "q"], [a, a.copy()], "Cost J.").startswith("p and q coincide to 4 digits")
