import warnings

import numpy as np
import pytest

from descentlab.engine.activations import (
    ACTIVATIONS,
    SOFTMAX,
    get_activation,
    get_output_activation,
    leaky_relu,
)

NAMES = sorted(ACTIVATIONS)
# Away from kinks (relu family at 0) so the central difference is meaningful.
Z_GRID = np.concatenate([np.linspace(-30, -0.05, 400), np.linspace(0.05, 30, 400)])


def test_required_activations_are_registered():
    assert {"sigmoid", "tanh", "relu", "leaky_relu", "softplus", "linear", "elu", "swish", "gelu"} <= set(ACTIVATIONS)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_central_difference(name):
    g = ACTIVATIONS[name]
    h = 1e-6
    numeric = (g.forward(Z_GRID + h) - g.forward(Z_GRID - h)) / (2 * h)
    np.testing.assert_allclose(g.derivative(Z_GRID), numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_inputs(name, dtype):
    g = ACTIVATIONS[name]
    z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a, d = g.forward(z), g.derivative(z)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))
    assert a.dtype == dtype


@pytest.mark.parametrize("name", NAMES)
def test_backward_equals_dA_times_derivative(name):
    g = ACTIVATIONS[name]
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((4, 9)) * 3
    A = g.forward(Z)
    dA = rng.standard_normal(Z.shape)
    expected = dA * g.derivative(Z)
    np.testing.assert_allclose(g.backward(dA.copy(), Z, A), expected, rtol=1e-12, atol=1e-12)
    out = np.empty_like(Z)
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(g.forward_into(Z, out), A, rtol=1e-12, atol=1e-15)


def test_known_values():
    assert ACTIVATIONS["sigmoid"].forward(np.array(0.0)) == 0.5
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].forward(np.array([-2.0, 2.0])),
                               [0.11920292202211755, 0.8807970779778823])
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].derivative(np.array([0.0])), [0.25])
    assert ACTIVATIONS["relu"].forward(np.array([-3.0, 2.0])).tolist() == [0.0, 2.0]
    assert ACTIVATIONS["leaky_relu"].forward(np.array([-3.0])).tolist() == [-0.03]
    np.testing.assert_allclose(ACTIVATIONS["softplus"].forward(np.array([0.0])), [np.log(2.0)])
    np.testing.assert_allclose(ACTIVATIONS["elu"].forward(np.array([-1.0])), [np.exp(-1.0) - 1.0])


def test_leaky_relu_slope_parameter():
    g = get_activation("leaky_relu", slope=0.2)
    assert g.forward(np.array([-1.0])).tolist() == [-0.2]
    assert g.derivative(np.array([-1.0, 1.0])).tolist() == [0.2, 1.0]
    with pytest.raises(ValueError, match="slope"):
        leaky_relu(2.0)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as err:
        get_activation("sigmod")
    for name in NAMES:
        assert name in str(err.value)
    with pytest.raises(ValueError, match="softmax"):
        get_output_activation("nope")


def test_every_activation_has_formulas_and_properties():
    for g in ACTIVATIONS.values():
        assert g.latex.strip() and g.latex_derivative.strip() and g.output_range


def test_softmax_columns_sum_to_one_and_is_stable():
    z = np.array([[1000.0, -5.0], [1001.0, -5.0], [999.0, 20.0]])
    a = SOFTMAX.forward(z)
    np.testing.assert_allclose(a.sum(axis=0), [1.0, 1.0])
    assert np.all(np.isfinite(a)) and a[1, 0] > a[0, 0] > a[2, 0]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_layer_health_from_one_forward_pass_matches_the_definitions(name):
    """The Trainer records dead and saturated fractions from A = g(Z) every iteration; they must be
    what the definitions from Z give."""
    from descentlab.engine import metrics

    g = ACTIVATIONS[name]
    rng = np.random.default_rng(4)
    Z = rng.standard_normal((6, 50)) * np.array([[0.1], [1.0], [3.0], [8.0], [40.0], [800.0]])
    Z[2] = -np.abs(Z[2])  # a unit on one side only (dead for ReLU)
    A = g.forward(Z)
    assert metrics.layer_health(g, Z, A) == (metrics.dead_fraction(g, Z), metrics.saturated_fraction(g, Z))


def test_distinct_units_counts_rows_the_same_way_for_any_layer_width():
    from descentlab.engine import metrics

    rng = np.random.default_rng(5)
    for n in (4, 64, 65, 300):  # the small-layer path and np.unique's
        W, b = rng.standard_normal((n, 4)), rng.standard_normal((n, 1))
        W[1], b[1] = W[0], b[0]
        assert metrics.distinct_units(W, b) == n - 1
        W[2] = np.nan
        W[3] = np.nan
        assert metrics.distinct_units(W, b) == n - 2  # the two NaN units count once, as np.unique does
