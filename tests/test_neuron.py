"""descentlab.lessons.neuron: one sigmoid neuron's forward values and derivatives, the decision line, and the
Trainer wrapper that keeps the numbers of its last update; plus the page's figures build from them."""
import numpy as np
import pytest

from descentlab.lessons.neuron import (
    NeuronTraining,
    decision_line,
    neuron_config,
    neuron_pass,
    small_batch,
)
from descentlab.viz import one_neuron as nf


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_one_example_matches_the_course_formulas():
    x, w, b, y = np.array([[1.5], [-0.5]]), np.array([[0.8], [0.4]]), -0.2, 1.0
    p = neuron_pass(x, [[y]], w, b)
    z = float(w[:, 0] @ x[:, 0] + b)
    a = _sigmoid(z)
    assert p.Z[0, 0] == pytest.approx(z) and p.A[0, 0] == pytest.approx(a)
    assert p.losses[0] == pytest.approx(-np.log(a))
    assert p.dA[0, 0] == pytest.approx(-y / a + (1 - y) / (1 - a))
    assert p.dZ[0, 0] == pytest.approx(a - y)
    assert p.dZ[0, 0] == pytest.approx(p.dA[0, 0] * p.sigma_prime[0, 0])  # the chain rule
    np.testing.assert_allclose(p.dw[:, 0], x[:, 0] * (a - y))
    assert p.db == pytest.approx(a - y)


def test_vectorized_gradients_equal_the_formulas_and_central_differences():
    X, Y = small_batch([0.3, -1.2], 0, 6, seed=3)
    w, b = np.array([[0.7], [-0.4]]), 0.25
    p = neuron_pass(X, Y, w, b)
    A = _sigmoid(w.T @ X + b)
    np.testing.assert_allclose(p.A, A)
    np.testing.assert_allclose(p.dw, X @ (A - Y).T / 6)
    assert p.db == pytest.approx(float(np.mean(A - Y)))

    def J(w_, b_):
        return neuron_pass(X, Y, w_, b_).cost
    eps = 1e-6
    for j in range(2):
        e = np.zeros((2, 1))
        e[j] = eps
        assert p.dw[j, 0] == pytest.approx((J(w + e, b) - J(w - e, b)) / (2 * eps), rel=1e-6)
    assert p.db == pytest.approx((J(w, b + eps) - J(w, b - eps)) / (2 * eps), rel=1e-6)


def test_first_column_of_the_batch_is_the_single_example():
    X, Y = small_batch([1.5, -0.5], 1, 4, seed=0)
    assert X.shape == (2, 4) and Y.shape == (1, 4)
    assert X[:, 0].tolist() == [1.5, -0.5] and Y[0, 0] == 1
    assert set(Y[0].tolist()) == {0.0, 1.0}  # both labels appear
    one = neuron_pass(X[:, :1], Y[:, :1], [[0.8], [0.4]], -0.2)
    many = neuron_pass(X, Y, [[0.8], [0.4]], -0.2)
    assert many.Z[0, 0] == pytest.approx(one.Z[0, 0]) and many.dZ[0, 0] == pytest.approx(one.dZ[0, 0])


@pytest.mark.parametrize("X, Y, w, why", [
    ([[1.0], [np.nan]], [[1]], [[1], [1]], "finite"),
    ([[1.0], [2.0]], [[0.5]], [[1], [1]], "0 or 1"),
    ([[1.0], [2.0]], [[1]], [[1], [1], [1]], "shape"),
])
def test_bad_inputs_are_refused_with_a_reason(X, Y, w, why):
    with pytest.raises(ValueError, match=why):
        neuron_pass(X, Y, w, 0.0)


def test_decision_line_lies_on_the_line_and_inside_the_box():
    box = ((-1.0, 1.0), (-2.0, 2.0))
    for w, b in (([1.0, 1.0], 0.0), ([0.3, -2.0], 0.5), ([0.0, 1.0], -0.5), ([2.0, 0.0], 1.0)):
        xs, ys = decision_line(w, b, box)
        assert len(xs) == 2 and (xs[0], ys[0]) != (xs[1], ys[1])
        np.testing.assert_allclose(w[0] * xs + w[1] * ys + b, 0.0, atol=1e-9)
        assert np.all((xs >= -1 - 1e-9) & (xs <= 1 + 1e-9) & (ys >= -2 - 1e-9) & (ys <= 2 + 1e-9))
    assert decision_line([0.0, 0.0], 1.0, box)[0].size == 0      # no line when w = 0
    assert decision_line([1.0, 0.0], -5.0, box)[0].size == 0     # the line x1 = 5 misses the box


def test_training_keeps_the_numbers_of_its_last_update():
    run = NeuronTraining(neuron_config("gaussians", learning_rate=0.5))
    assert run.last_update is None
    w0, b0 = run.params()
    np.testing.assert_array_equal(w0, 0.0)  # the course's zero start
    grad_at_start = neuron_pass(run.run.dataset.X_train, run.run.dataset.Y_train, w0, b0)
    run.step(1)
    u = run.last_update
    assert u.iteration == 1 and u.learning_rate == 0.5
    np.testing.assert_allclose(u.dw, grad_at_start.dw)  # the Trainer's gradient is the formula's
    assert u.db == pytest.approx(grad_at_start.db)
    run.step(25)
    u = run.last_update
    assert u.iteration == run.iteration == 26
    np.testing.assert_allclose(u.w_after, u.w_before - u.learning_rate * u.dw)
    assert u.b_after == pytest.approx(u.b_before - u.learning_rate * u.db)
    np.testing.assert_allclose(run.params()[0], u.w_after)
    run.record()
    costs = run.trainer.history["cost_train"].to_numpy()
    assert len(costs) == 2 and costs[-1] < costs[0]  # a row per record() (iterations 0 and 26): it learns
    run.reset()
    assert run.iteration == 0 and run.last_update is None
    np.testing.assert_array_equal(run.params()[0], w0)


def test_neuron_config_refuses_hidden_layers():
    with pytest.raises(ValueError, match="hidden"):
        NeuronTraining(neuron_config().replace(hidden=(3,)))


def test_boundary_figure_redraws_when_the_line_moves():
    run = NeuronTraining(neuron_config())
    data = run.run.dataset
    figs = []
    for _ in range(2):
        run.step(5)
        w, b = run.params()
        figs.append(nf.boundary_figure(run.trainer.decision_grid(20), data, decision_line(w, b, data.bounds)))
    assert figs[0].data[-1].name == "wᵀx + b = 0" and len(figs[0].data[-1].x) == 2
    assert figs[0].layout.datarevision != figs[1].layout.datarevision  # Plotly.react re-reads the line


def test_figures_and_formulas_build_from_the_numbers():
    X, Y = small_batch([1.5, -0.5], 1, 3)
    p = neuron_pass(X, Y, [[0.8], [0.4]], -0.2)
    fig = nf.graph_figure(p)
    texts = " ".join(a.text or "" for a in fig.layout.annotations)
    assert f"{p.Z[0, 0]:.3f}" in texts and f"{p.dZ[0, 0]:.3f}".replace("-", "−") in texts
    assert len(fig.layout.shapes) == 9  # 5 leaves, z, a, L and the label y
    lines = nf.vectorized_latex(p)
    for line in lines + nf.chain_rule_latex(p):  # LaTeX commands intact (no "\t" turned into a tab)
        assert line.isprintable(), line
    assert any(line.startswith("dw") and f"{p.dw[1, 0]:.3f}" in line for line in lines)
    assert any(line.startswith("db") and f"{p.db:.3f}" in line for line in lines)
    assert nf.shapes_table(p)["shape"].tolist()[0] == "(2, 3)"
    run = NeuronTraining(neuron_config())
    run.step(3)
    tex = " ".join(nf.update_latex(run.last_update))
    assert tex.isprintable()
    assert f"{run.last_update.b_after:.4f}" in tex and "iteration 3" in tex
