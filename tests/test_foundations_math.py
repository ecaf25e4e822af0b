"""The numbers behind the activation, loss and broadcasting pages (descentlab/lessons/activation_properties.py,
descentlab/lessons/loss_functions.py, descentlab/lessons/broadcasting.py) and the figures drawn from them."""
import itertools

import numpy as np
import plotly.graph_objects as go
import pytest

from descentlab.engine.activations import ACTIVATIONS, Activation
from descentlab.lessons import activation_properties as props
from descentlab.lessons import broadcasting as bc
from descentlab.lessons import loss_functions as ll
from descentlab.viz.activations import gallery_figure
from descentlab.viz.broadcasting import broadcast_figure
from descentlab.viz.losses import landscape_figure, loss_curves_figure
from descentlab.viz.style import Style

NAMES = list(ACTIVATIONS)
Z = np.linspace(-6.0, 6.0, 241)  # includes z = 0 exactly: the kink of the ReLU family


# ---- activations -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_numerical_derivative_matches_the_formula_for_every_activation(name):
    ck = props.check_derivative(name, Z, eps=1e-6)
    assert ck.max_abs_diff < 1e-6
    assert np.isfinite(ck.numerical).all()


@pytest.mark.parametrize("name", NAMES)
def test_only_true_kinks_are_left_out(name):
    ck = props.check_derivative(name, Z, eps=1e-3)
    g = ACTIVATIONS[name]
    # a kink is where g' jumps: left and right one-sided slopes of g differ there
    h = 1e-7
    left = (g.forward(Z) - g.forward(Z - h)) / h
    right = (g.forward(Z + h) - g.forward(Z)) / h
    np.testing.assert_array_equal(ck.kink, np.abs(right - left) > 0.5)
    if ck.kink.any():  # at a kink the central difference is the mean of the two slopes
        np.testing.assert_allclose(ck.numerical[ck.kink], ((left + right) / 2)[ck.kink], atol=1e-6)


def test_a_wrong_derivative_formula_is_caught():
    sig = ACTIVATIONS["sigmoid"]
    wrong = Activation(name="wrong", label="wrong", fn=sig.fn, dfn=lambda z: sig.derivative(z) * 1.05,
                       latex="", latex_derivative="", output_range="", zero_centered=False, saturates=True)
    assert props.check_derivative(wrong, Z, eps=1e-5).max_abs_diff > 1e-3


def test_central_difference_error_shrinks_like_eps_squared():
    coarse = props.check_derivative("tanh", Z, eps=1e-2).max_abs_diff
    fine = props.check_derivative("tanh", Z, eps=1e-3).max_abs_diff
    assert 50 < coarse / fine < 200  # 10x smaller step, ~100x smaller error


def test_curves_are_the_activation_on_the_requested_range():
    c = props.curves("gelu", -3.0, 2.0, eps=1e-3, n_line=101, n_dots=11)
    assert c.z[0] == -3.0 and c.z[-1] == 2.0 and c.z.size == 101 and c.check.z.size == 11
    np.testing.assert_array_equal(c.g, ACTIVATIONS["gelu"].forward(c.z))
    np.testing.assert_array_equal(c.dg, ACTIVATIONS["gelu"].derivative(c.z))
    for lo, hi in ((1.0, 1.0), (2.0, -2.0), (np.nan, 1.0)):
        with pytest.raises(ValueError, match="z range"):
            props.curves("relu", lo, hi)
    with pytest.raises(ValueError, match="step"):
        props.check_derivative("relu", Z, eps=0.0)


def test_max_derivative_known_values():
    assert props.max_derivative("sigmoid") == pytest.approx(0.25, abs=1e-6)
    assert props.max_derivative("tanh") == pytest.approx(1.0, abs=1e-6)
    assert props.max_derivative("relu") == 1.0
    assert props.max_derivative("swish") > 1.0  # swish overshoots 1 just right of z ≈ 2.4


def test_properties_table_costs_are_relative_to_relu():
    fake = {name: (float(i + 1), 2.0 * (i + 1)) for i, name in enumerate(NAMES)}
    table = props.properties_table(fake).set_index("name")
    ref = fake["relu"][0]
    for name in NAMES:
        assert table.loc[name, "cost of g (× ReLU)"] == pytest.approx(fake[name][0] / ref)
        assert table.loc[name, "cost of g′ (× ReLU)"] == pytest.approx(fake[name][1] / ref)
        assert table.loc[name, "output range"] == ACTIVATIONS[name].output_range
    assert table.loc["relu", "cost of g (× ReLU)"] == 1.0


def test_measured_costs_cover_every_activation_and_are_positive():
    costs = props.measure_costs(names=["tanh"], size=1000, repeats=1, number=1)
    assert set(costs) == {"tanh", props.REFERENCE}  # the reference is always measured
    assert all(np.isfinite(t) and t > 0 for pair in costs.values() for t in pair)


# ---- losses ------------------------------------------------------------------------------------

def test_loss_curves_match_the_course_formulas():
    yhat = np.linspace(0.01, 0.99, 99)
    c = ll.loss_curves(yhat)
    np.testing.assert_allclose(c["mae"][1], 1 - yhat)
    np.testing.assert_allclose(c["mae"][0], yhat)
    np.testing.assert_allclose(c["mse"][1], (1 - yhat) ** 2)
    np.testing.assert_allclose(c["bce"][1], -np.log(yhat))
    np.testing.assert_allclose(c["bce"][0], -np.log(1 - yhat))


def test_vector_losses_are_the_course_sums_term_by_term():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 7).astype(float)
    yhat = rng.uniform(0.05, 0.95, 7)
    v = ll.vector_losses(y, yhat)
    assert v.l1 == pytest.approx(np.sum(np.abs(y - yhat)))
    assert v.l2 == pytest.approx(np.dot(y - yhat, y - yhat))
    assert v.ce == pytest.approx(-np.sum(y * np.log(yhat) + (1 - y) * np.log(1 - yhat)))
    assert v.terms["|y − ŷ|"].sum() == pytest.approx(v.l1)
    assert list(v.terms["j"]) == list(range(1, 8))


def test_vector_losses_refuse_bad_cells_with_the_row():
    with pytest.raises(ValueError, match="row 2 is empty"):
        ll.vector_losses([1.0, np.nan], [0.5, 0.5])
    with pytest.raises(ValueError, match="Column ŷ: rows 1, 2 are"):
        ll.vector_losses([1.0, 0.0], [None, "abc"])
    with pytest.raises(ValueError, match="empty"):
        ll.vector_losses([], [])
    with pytest.raises(ValueError, match="At most"):
        ll.vector_losses(np.zeros(ll.MAX_ROWS + 1), np.zeros(ll.MAX_ROWS + 1))
    with pytest.raises(ValueError, match="row 1 is beyond"):
        ll.vector_losses([1e200], [0.5])


def test_cross_entropy_needs_probabilities_but_l1_l2_do_not():
    v = ll.vector_losses([1.0, 3.0], [0.5, 1.5])
    assert v.ce is None and "row 2 is outside" in v.ce_problem
    assert v.l1 == pytest.approx(0.5 + 1.5) and v.l2 == pytest.approx(0.25 + 2.25)
    assert "cross-entropy term" not in v.terms


W = np.linspace(-8.0, 8.0, 321)


def test_squared_error_is_not_convex_in_w_and_cross_entropy_is():
    mse, ce = ll.cost_curve("mse", W), ll.cost_curve("bce", W)
    assert ll.curvature(W, mse).min() < -0.05
    assert ll.curvature(W, ce).min() >= -1e-9
    # the plateau: far left, squared error is flat while cross-entropy still slopes steeply
    assert abs(ll.gradient_descent("mse", -6.0, 1.0, 0).slope[0]) < 1e-2
    assert abs(ll.gradient_descent("bce", -6.0, 1.0, 0).slope[0]) > 0.5


@pytest.mark.parametrize("seed", range(5))
def test_cross_entropy_is_convex_in_w_for_any_data(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 2, (1, 6))
    Y = rng.integers(0, 2, (1, 6)).astype(float)
    ws = np.linspace(-5, 5, 201)
    assert ll.curvature(ws, ll.cost_curve("bce", ws, X, Y, b=float(rng.normal()))).min() >= -1e-9


@pytest.mark.parametrize("loss", ll.LANDSCAPE_LOSSES)
def test_gradient_descent_slope_is_the_derivative_of_the_cost_curve(loss):
    p = ll.gradient_descent(loss, -1.5, 0.3, 5)
    h = 1e-6
    for w, slope in zip(p.w, p.slope):
        numeric = (ll.cost_curve(loss, [w + h])[0] - ll.cost_curve(loss, [w - h])[0]) / (2 * h)
        assert slope == pytest.approx(numeric, rel=1e-5, abs=1e-9)
    np.testing.assert_allclose(p.w[1:], p.w[:-1] - 0.3 * p.slope[:-1])
    np.testing.assert_allclose(p.cost, ll.cost_curve(loss, p.w))


@pytest.mark.parametrize("loss", ll.LANDSCAPE_LOSSES)
@pytest.mark.parametrize("w0", [-6.0, -1.0, 0.5, 4.0])
def test_gradient_descent_with_a_small_rate_never_increases_the_cost(loss, w0):
    p = ll.gradient_descent(loss, w0, 0.2, 100)
    assert np.all(np.diff(p.cost) <= 1e-12)


def test_cross_entropy_escapes_the_plateau_where_squared_error_stalls():
    table = ll.compare_descents(W, {n: ll.cost_curve(n, W) for n in ll.LANDSCAPE_LOSSES},
                                {n: ll.gradient_descent(n, -6.0, 1.0, 50) for n in ll.LANDSCAPE_LOSSES})
    mse, ce = table.iloc[0], table.iloc[1]
    assert mse["w at the end"] < -5.0 and not mse["convex"]
    assert abs(ce["w at the end"] - W[np.argmin(ll.cost_curve("bce", W))]) < 0.1 and ce["convex"]


@pytest.mark.parametrize("args", [(np.nan, 0.1, 5), (0.0, 0.0, 5), (0.0, -1.0, 5), (0.0, np.inf, 5),
                                  (0.0, 0.1, -1), (0.0, 0.1, ll.MAX_STEPS + 1), (0.0, 0.1, 2.5)])
def test_gradient_descent_refuses_bad_settings(args):
    with pytest.raises(ValueError):
        ll.gradient_descent("bce", *args)


# ---- broadcasting ------------------------------------------------------------------------------

SIZES = [(2, 3), (3, 3), (1, 4), (4, 1), (1, 1)]
PAIRS = list(itertools.product(bc.SHAPE_KINDS, repeat=2))


@pytest.mark.parametrize("m,n", SIZES)
@pytest.mark.parametrize("op", list(bc.OPERATIONS))
def test_broadcast_result_or_error_is_numpys_for_every_shape_pair(m, n, op):
    fn = {"+": np.add, "−": np.subtract, "*": np.multiply, "/": np.divide, "np.dot": np.dot, "@": np.matmul}[op]
    for ka, kb in PAIRS:
        sa, sb = bc.shape_of(ka, m, n), bc.shape_of(kb, m, n)
        a, b = np.ones(sa), np.full(sb, 2.0)
        out = bc.apply(op, a, b)
        try:
            expected = fn(a, b)
        except ValueError as e:
            assert out.result is None and out.error == f"ValueError: {e}", (ka, kb)
            continue
        assert out.error is None and out.result.shape == np.shape(expected), (ka, kb)
        np.testing.assert_array_equal(out.result, expected)


@pytest.mark.parametrize("m,n", SIZES)
def test_alignment_table_agrees_with_numpy(m, n):
    for ka, kb in PAIRS:
        sa, sb = bc.shape_of(ka, m, n), bc.shape_of(kb, m, n)
        table = bc.alignment(sa, sb)
        try:
            shape = np.broadcast_shapes(sa, sb)
        except ValueError:
            assert "✗" in set(table["result"])
            continue
        assert tuple(int(r) for r in table["result"]) == shape
        assert len(table) == len(shape)


def test_alignment_names_what_was_stretched():
    t = bc.alignment((2, 1), (3,)).set_index("axis")
    assert t.loc["axis -2", "rule"] == "b: missing → 2"
    assert t.loc["axis -1", "rule"] == "a: 1 → 3"
    assert bc.alignment((2, 3), (2, 3))["rule"].tolist() == ["equal", "equal"]


@pytest.mark.parametrize("shape,target", [((1, 3), (2, 3)), ((2, 1), (2, 3)), ((3,), (2, 3)), ((), (2, 3)),
                                          ((2, 3), (2, 3)), ((), ()), ((3,), (3,))])
def test_stretched_cells_are_broadcast_to_and_only_the_originals_are_marked(shape, target):
    arr = bc.example_array(shape)
    values, own = bc.stretched(arr, target)
    np.testing.assert_array_equal(values, np.broadcast_to(arr, target).reshape(bc.as_grid(target)))
    assert own.sum() == arr.size  # every stored value exactly once, every repeat faded
    np.testing.assert_array_equal(values[own], arr.ravel())


def test_rank1_table_shows_the_pitfall():
    t = bc.rank1_table(4).set_index("expression")
    flat, col = t.columns
    assert t.loc["x.T", flat].startswith("shape (4,)")
    assert t.loc["x.T", col].startswith("shape (1, 4)")
    assert t.loc["np.dot(x, x.T)", flat] == "scalar 30"  # 1 + 4 + 9 + 16, not a matrix
    assert t.loc["np.dot(x, x.T)", col] == "shape (4, 4)"
    assert t.loc["np.dot(x, x)", col].startswith("ValueError: shapes (4,1) and (4,1) not aligned")


def test_softmax_rows_sum_to_one_and_match_the_course_snippet():
    x = np.array([[0.0, 9, 3, 0], [3, 0, 8, 1], [-2, 5, 5, 1]])
    sm = bc.softmax_rows(x)
    np.testing.assert_allclose(sm.result.sum(axis=1), 1.0)
    course = np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)
    np.testing.assert_allclose(sm.result, course, rtol=1e-12)
    np.testing.assert_allclose(sm.result, sm.exp / sm.sums)
    assert sm.sums.shape == (3, 1)


def test_softmax_rows_survive_huge_values():
    sm = bc.softmax_rows(np.array([[1000.0, 0.0], [5.0, 5.0]]))
    np.testing.assert_allclose(sm.result, [[1.0, 0.0], [0.5, 0.5]])


def test_normalize_rows_matches_linalg_norm_and_flags_zero_rows():
    x = np.array([[3.0, 2, 4], [1, 8, 2], [0, 0, 0]])
    rn = bc.normalize_rows(x)
    np.testing.assert_allclose(rn.norms.ravel(), [np.sqrt(29), np.sqrt(69), 0])
    np.testing.assert_allclose(np.linalg.norm(rn.result[:2], axis=1), 1.0)
    np.testing.assert_array_equal(rn.result[2], 0.0)
    assert rn.zero_rows.tolist() == [2]


def test_parse_matrix_refuses_bad_cells_with_their_position():
    with pytest.raises(ValueError, match="row 2 column 1 is empty"):
        bc.parse_matrix([[1.0, 2.0], [None, 3.0]])
    with pytest.raises(ValueError, match="row 1 column 2"):
        bc.parse_matrix([[1.0, "x"]])
    with pytest.raises(ValueError, match="empty"):
        bc.parse_matrix(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="At most"):
        bc.parse_matrix(np.zeros((bc.MAX_SIZE + 1, 2)))
    with pytest.raises(ValueError, match="between"):
        bc.parse_matrix([[1e300, 1.0]])
    np.testing.assert_array_equal(bc.parse_matrix([[1, 2], ["3", 4.5]]), [[1, 2], [3, 4.5]])


def test_shape_of_validates():
    assert bc.shape_of("(n,)", 2, 5) == (5,) and bc.shape_of("scalar", 2, 5) == ()
    with pytest.raises(ValueError, match="unknown shape"):
        bc.shape_of("(n, n)", 2, 2)
    with pytest.raises(ValueError, match="m and n"):
        bc.shape_of("(m, n)", 0, 2)


# ---- figures -----------------------------------------------------------------------------------

def _validated(fig: go.Figure) -> go.Figure:
    return go.Figure(fig.to_dict())  # raises on anything plotly.js would not understand


def _figures(style):
    curves = [props.curves(n, -4, 4) for n in ("sigmoid", "relu", "gelu")]
    paths = {n: ll.gradient_descent(n, -6.0, 1.0, 20) for n in ll.LANDSCAPE_LOSSES}
    costs = {n: ll.cost_curve(n, W) for n in ll.LANDSCAPE_LOSSES}
    yhat = np.linspace(0.01, 0.99, 50)
    ok = bc.apply("+", bc.example_array((2, 1)), bc.example_array((3,), 10))
    bad = bc.apply("np.dot", bc.example_array((2, 3)), bc.example_array((2, 3)))
    return {
        "gallery": gallery_figure(curves, style),
        "loss_curves": loss_curves_figure(yhat, ll.loss_curves(yhat), 0.3, style),
        "landscape": landscape_figure(W, costs, paths, {"mse": "L2", "bce": "CE"}, style),
        "broadcast": broadcast_figure(ok, style),
        "broadcast_error": broadcast_figure(bad, style),
    }


@pytest.mark.parametrize("presentation", [False, True])
def test_figures_validate_and_pin_their_axis_fonts(presentation):
    s = Style(presentation=presentation)
    for name, fig in _figures(s).items():
        fig = _validated(fig)
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.tickfont.size is not None and axis.title.font.size == s.text, name


def test_figure_traces_follow_the_data():
    figs = _figures(Style())
    assert len(figs["gallery"].data) == 3 * 3  # g, g', dots per activation
    kinks = figs["gallery"].data[5].marker.symbol  # ReLU's dots: a cross only at its kink
    assert list(kinks).count("x") == 1
    assert len(figs["loss_curves"].data) == 2 * (3 + 3)
    assert len(figs["landscape"].data) == 2 * 4
    a, b, result = figs["broadcast"].data
    assert np.asarray(a.z).shape == np.asarray(result.z).shape == (2, 3)
    assert int(np.asarray(b.z).sum()) == 3  # b's own row solid, its repeat faded
    assert len(figs["broadcast_error"].data) == 2  # no result panel
    assert any(ann.text == "✗" for ann in figs["broadcast_error"].layout.annotations)
