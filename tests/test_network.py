"""Backprop against central differences, and the Network's shapes and API in the course's notation."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descentlab.engine.activations import ACTIVATIONS
from descentlab.engine.gradcheck import backprop_gradient, check, numerical_gradient
from descentlab.engine.losses import TASK_LOSSES
from descentlab.engine.network import Network

OUTPUTS = {  # loss -> output activations worth checking with it
    "bce": ["sigmoid"],
    "softmax_ce": ["softmax"],
    "mse": ["linear", "tanh", "sigmoid", "softmax"],
    "mae": ["linear", "tanh"],
}


def _problem(n_x, n_y, m, loss, rng):
    X = rng.standard_normal((n_x, m))
    if loss == "softmax_ce":
        Y = np.eye(n_y)[:, rng.integers(0, n_y, m)]
    elif loss == "bce":
        Y = rng.integers(0, 2, (n_y, m)).astype(float)
    else:
        Y = rng.standard_normal((n_y, m))
    return X, Y


def _randomize_biases(net, rng):
    # zero biases put dead ReLU layers exactly on the kink (z = 0), where no derivative exists
    for k in net.params:
        if k.startswith("b"):
            net.params[k][...] = rng.standard_normal(net.params[k].shape) * 0.5


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss", sorted(OUTPUTS))
def test_backprop_matches_numerical_gradient(activation, loss):
    rng = np.random.default_rng(7)
    n_y = 3 if loss == "softmax_ce" else 2
    for output in OUTPUTS[loss]:
        net = Network([3, 5, 4, n_y], activation, output_activation=output, loss=loss, init="xavier", seed=1)
        _randomize_biases(net, rng)
        X, Y = _problem(3, n_y, 6, loss, rng)
        if loss == "mae":  # |a - y| has a kink at a = y; keep targets far from outputs
            Y = Y + 5.0
        errors = check(net, X, Y, eps=1e-5)
        assert set(errors) == set(net.params)
        assert max(errors.values()) < 1e-6, (activation, loss, output, errors)


@settings(max_examples=40, deadline=None, derandomize=True)  # same cases on every CI run
@given(
    sizes=st.lists(st.integers(1, 6), min_size=0, max_size=3),
    n_x=st.integers(1, 4), m=st.integers(1, 8), seed=st.integers(0, 2**16),
    activation=st.sampled_from(sorted(ACTIVATIONS)), loss=st.sampled_from(["bce", "softmax_ce", "mse"]),
    l2=st.sampled_from([0.0, 0.3]),
)
def test_backprop_matches_numerical_gradient_any_shape(sizes, n_x, m, seed, activation, loss, l2):
    rng = np.random.default_rng(seed)
    n_y = 3 if loss == "softmax_ce" else 1
    net = Network([n_x, *sizes, n_y], activation, loss=loss, init="glorot_uniform", seed=seed)
    _randomize_biases(net, rng)
    X, Y = _problem(n_x, n_y, m, loss, rng)
    # eps = 1e-5: the central difference's error is truncation ~eps² plus rounding ~1e-16/eps, and
    # single-unit layers have gradients small enough for 1e-7's rounding noise to exceed 1e-6.
    # Where a gradient is ~0 (e.g. GELU at its minimum) a relative error measures only that noise:
    # there, require absolute agreement instead.
    errors = check(net, X, Y, eps=1e-5, l2=l2)
    analytic = backprop_gradient(net, X, Y, l2=l2)
    numeric = numerical_gradient(net, X, Y, eps=1e-5, l2=l2)
    for name, err in errors.items():
        idx = net.flat_indices(name)
        if np.linalg.norm(analytic[idx]) > 1e-4:
            assert err < 1e-6, (name, errors)
        else:
            assert np.abs(analytic[idx] - numeric[idx]).max() < 1e-9, (name, errors)


def test_l1_penalty_gradient_matches_numerical():
    rng = np.random.default_rng(0)
    net = Network([2, 4, 1], "tanh", seed=2)
    X, Y = _problem(2, 1, 5, "bce", rng)
    assert max(check(net, X, Y, l1=0.2).values()) < 1e-6


def test_shapes_follow_the_course():
    net = Network([4, 7, 3, 1], "relu", seed=0)
    for l, (n, k) in enumerate([(7, 4), (3, 7), (1, 3)], start=1):
        assert net.params[f"W{l}"].shape == (n, k)
        assert net.params[f"b{l}"].shape == (n, 1)
        assert np.all(net.params[f"b{l}"] == 0)
    X = np.random.default_rng(0).standard_normal((4, 11))
    A = net.forward(X)
    assert A.shape == (1, 11)
    cache = net.cache
    assert cache["Z1"].shape == (7, 11) and cache["A2"].shape == (3, 11) and cache["A0"].shape == (4, 11)
    np.testing.assert_allclose(cache["Z1"], net.params["W1"] @ X + net.params["b1"])
    np.testing.assert_allclose(cache["A1"], np.maximum(cache["Z1"], 0))
    grads = net.gradients(X, np.ones((1, 11)))
    assert {k: v.shape for k, v in grads.items()} == {f"d{k}": v.shape for k, v in net.params.items()}
    assert net.n_params == 7 * 5 + 3 * 8 + 1 * 4


def test_forward_matches_a_plain_loop():
    rng = np.random.default_rng(1)
    net = Network([3, 4, 2], ["tanh"], output_activation="softmax", seed=3)
    X = rng.standard_normal((3, 5))
    A = X
    for l, g in ((1, np.tanh), (2, None)):
        Z = net.params[f"W{l}"] @ A + net.params[f"b{l}"]
        A = g(Z) if g else np.exp(Z) / np.exp(Z).sum(axis=0)
    np.testing.assert_allclose(net.forward(X), A, rtol=1e-12)


def test_default_output_and_loss_follow_the_task():
    assert (Network([2, 3, 1]).loss.name, Network([2, 3, 1]).activations[-1].name) == ("bce", "sigmoid")
    assert (Network([2, 3, 4]).loss.name, Network([2, 3, 4]).activations[-1].name) == ("softmax_ce", "softmax")
    net = Network([2, 3, 1], loss="mse")
    assert net.activations[-1].name == "linear"
    assert set(TASK_LOSSES) == {"binary", "multiclass", "regression"}


def test_per_layer_activations_and_bad_arguments():
    net = Network([2, 3, 3, 1], ["relu", "tanh"])
    assert [a.name for a in net.activations[1:]] == ["relu", "tanh", "sigmoid"]
    with pytest.raises(ValueError, match="2 hidden layers"):
        Network([2, 3, 3, 1], ["relu"])
    with pytest.raises(ValueError, match="positive integers"):
        Network([2, 0, 1])
    with pytest.raises(ValueError, match="shape"):
        net.forward(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="probability"):
        Network([2, 3, 1], "relu", output_activation="tanh", loss="bce")
    with pytest.raises(ValueError, match="at least 2 output units"):
        Network([2, 3, 1], "relu", output_activation="softmax", loss="mse")
    with pytest.raises(TypeError):
        net.params["W1"] = np.zeros((3, 2))  # parameters are views into one buffer: assign in place


def test_same_seed_same_weights_and_copy_is_independent():
    a, b = Network([2, 5, 1], seed=4), Network([2, 5, 1], seed=4)
    np.testing.assert_array_equal(a.theta, b.theta)
    assert not np.array_equal(a.theta, Network([2, 5, 1], seed=5).theta)
    c = a.copy()
    c.params["W1"][0, 0] += 1.0
    assert a.params["W1"][0, 0] != c.params["W1"][0, 0]
    assert not np.array_equal(c.forward(np.ones((2, 1))), a.forward(np.ones((2, 1))))


def test_predict():
    net = Network([2, 2], output_activation="softmax", init="zeros")
    net.set_params({"b1": np.array([[0.0], [1.0]])})
    assert net.predict(np.zeros((2, 3))).tolist() == [[1, 1, 1]]
    binary = Network([2, 1], init="zeros")
    binary.set_params({"b1": np.array([[2.0]])})
    assert binary.predict(np.zeros((2, 2))).tolist() == [[1, 1]]
    assert binary.predict_proba(np.zeros((2, 1)))[0, 0] == pytest.approx(1 / (1 + np.exp(-2)))


def test_float32_network_stays_float32():
    net = Network([2, 4, 1], "tanh", dtype=np.float32)
    X = np.random.default_rng(0).standard_normal((2, 5))
    assert net.forward(X).dtype == np.float32
    assert net.gradients(X, np.ones((1, 5)))["dW1"].dtype == np.float32


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_backprop_with_dropout_matches_central_differences_for_the_same_masks(activation):
    """Dropout's J(θ) is a function of θ once the masks are fixed: each evaluation draws them from a
    generator seeded alike. The hidden activations' g' must come from Z, not from the dropped-out A
    (tanh's 1 - a² of the scaled a·D was the engine's bug)."""
    rng = np.random.default_rng(11)
    net = Network([3, 6, 5, 1], activation, loss="bce", init="xavier", seed=2)
    _randomize_biases(net, rng)
    X, Y = _problem(3, 1, 8, "bce", rng)
    ws = net.workspace(X.shape[1])
    ws.set_input(X)

    def cost() -> float:
        A = net.forward_workspace(ws, keep_prob=0.6, rng=np.random.default_rng(5))
        return net.loss.cost(A, Y)

    cost()
    assert any(mask is not None and (mask == 0).any() for mask in ws.masks)  # some units dropped
    analytic = net.backward_workspace(ws, Y).copy()
    theta, eps = net.theta, 1e-6
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + eps
        plus = cost()
        theta[i] = old - eps
        minus = cost()
        theta[i] = old
        numeric[i] = (plus - minus) / (2 * eps)
    error = np.abs(numeric - analytic)
    relative = error / np.maximum(np.abs(numeric) + np.abs(analytic), 1e-12)
    # where a gradient is ~0, the relative error measures only the central difference's rounding
    assert np.all((relative < 1e-5) | (error < 1e-9)), (activation, relative.max())
