"""Trace one example (descentlab.lessons.trace): the lecture's formulas for one column give exactly the
engine's forward pass and, for m = 1, its gradients, for every kind of network the Playground trains."""
import re

import numpy as np
import pytest

from descentlab.engine.datasets import make_dataset
from descentlab.engine.network import Network
from descentlab.lessons.trace import trace_example

CASES = {  # name: (data set, hidden activations, sizes of the hidden layers, output, loss)
    "tanh, sigmoid + BCE": ("circles", "tanh", (5, 4), None, None),
    "ReLU, sigmoid + BCE": ("moons", "relu", (6, 3), None, None),
    "softmax + CE, 3 classes": ("blobs3", ("tanh", "relu"), (5, 4), None, None),
    "regression, MSE": ("plane", "tanh", (4,), None, None),
    "sigmoid output with MSE (not fused)": ("circles", "relu", (4,), "sigmoid", "mse"),
    "softmax with MSE (its Jacobian)": ("blobs3", "tanh", (4,), "softmax", "mse"),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("which", ["train", "test"])
def test_trace_equals_the_engine_on_one_column(case, which):
    name, act, hidden, out, loss = CASES[case]
    data = make_dataset(name, n_samples=60, seed=1)
    net = Network([data.n_x, *hidden, data.n_y], act, out, seed=2, loss=loss)
    net.theta[...] += np.random.default_rng(3).normal(0, 0.3, net.theta.shape)  # biases not all zero
    X, Y = (data.X_train, data.Y_train) if which == "train" else (data.X_test, data.Y_test)
    for i in (0, 7, X.shape[1] - 1):
        t = trace_example(net, data, i, which)
        x, y = X[:, [i]], Y[:, [i]]
        np.testing.assert_array_equal(t.x, x)
        np.testing.assert_array_equal(t.y, y)
        y_hat = net.forward(x)
        cache = {k: v.copy() for k, v in net.cache.items()}
        np.testing.assert_allclose(t.y_hat, y_hat, rtol=0, atol=1e-12)
        for l in range(1, net.L + 1):
            layer = t.layer(l)
            assert layer.z.shape == (net.layer_sizes[l], 1) and layer.dW.shape == net.params[f"W{l}"].shape
            np.testing.assert_allclose(layer.z, cache[f"Z{l}"], rtol=0, atol=1e-12)
            np.testing.assert_allclose(layer.a, cache[f"A{l}"], rtol=0, atol=1e-12)
        assert t.loss == pytest.approx(net.cost(x, y), abs=1e-12)
        grads = net.gradients(x, y)  # m = 1: the example's contributions are the gradients
        for k, g in t.gradients().items():
            assert t.gradients()[k].shape == g.shape
            np.testing.assert_allclose(g, grads[k], rtol=0, atol=1e-12, err_msg=k)


def test_fused_output_has_dz_equal_to_y_hat_minus_y_and_db_equal_to_dz():
    data = make_dataset("circles", n_samples=40, seed=0)
    net = Network([data.n_x, 3, 1], "tanh", seed=0)
    t = trace_example(net, data, 4)
    assert t.fused and t.loss_name == "bce"
    np.testing.assert_array_equal(t.layer(2).dz, t.y_hat - t.y)
    for layer in t.layers:
        np.testing.assert_array_equal(layer.db, layer.dz)
        np.testing.assert_allclose(layer.dW, layer.dz @ t.a_prev(layer.layer).T)


def test_the_trace_leaves_the_network_alone_and_refuses_a_missing_example():
    data = make_dataset("moons", n_samples=40, seed=0)
    net = Network([data.n_x, 3, 1], "relu", seed=0)
    theta, grad = net.theta.copy(), net.grad.copy()
    trace_example(net, data, 0)
    np.testing.assert_array_equal(net.theta, theta)
    np.testing.assert_array_equal(net.grad, grad)
    assert net.cache == {}
    with pytest.raises(IndexError):
        trace_example(net, data, data.m_train)
    with pytest.raises(ValueError):
        trace_example(net, data, 0, which="dev")


def test_numbers_and_arrays_are_written_for_a_person():
    from descentlab.viz.trace import array, backward_lines, forward_lines, loss_lines, num
    assert num(0.123456) == "0.1235" and num(-1234.5) == "-1234" and num(0) == "0"
    assert num(1.23456e-5) == r"1.235\times10^{-5}" and num(float("inf")) == r"\infty"
    short = array(np.arange(8.0)[:, None])  # a column of 8: every entry
    assert all(num(v) in short for v in range(8)) and "(8,\\,1)" in short
    long = array(np.arange(20.0)[:, None])  # 20: its first 3 and last 2, and its shape
    assert r"\vdots" in long and "{19}" not in long and "19" in long and "7" not in long and "(20,\\,1)" in long
    big = array(np.arange(64.0).reshape(8, 8))
    assert "from" in big and "{63}" in big and "(8,\\,8)" in big
    data = make_dataset("blobs3", n_samples=40, seed=0)
    t = trace_example(Network([data.n_x, 4, data.n_y], "relu", seed=0), data, 2)
    text = " ".join(forward_lines(t) + loss_lines(t) + backward_lines(t))
    for name in ("z^{[1]}", "a^{[2]}", r"\mathrm{softmax}", "dz^{[2]} = \\hat y - y", "dW^{[1]} = dz^{[1]}\\,x^{T}",
                 "db^{[2]}", "da^{[1]} = W^{[2]T}", r"\mathrm{ReLU}'(z^{[1]})"):
        assert name in text, name
    assert not re.search(r"\^\{[^{}]*\}\^", text)  # no double superscript (KaTeX refuses a^{[1]}^{T})
    assert re.search(r"\^\{[^{}]*\}\^", "a^{[1]}^{T}") is not None  # (the check catches it)
