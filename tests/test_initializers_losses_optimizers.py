import numpy as np
import pytest

from descentlab.engine.initializers import (
    INITIALIZERS,
    expected_variance,
    get_initializer,
)
from descentlab.engine.losses import LOSSES, get_loss
from descentlab.engine.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    make_optimizer,
    make_schedule,
)


# ---- initializers ----
@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_initializer_shape_seed_and_variance(name):
    init = INITIALIZERS[name]
    W = init(400, 300, np.random.default_rng(1))
    assert W.shape == (400, 300)
    np.testing.assert_array_equal(W, init(400, 300, np.random.default_rng(1)))
    var = expected_variance(name, 400, 300)
    assert W.var() == pytest.approx(var, rel=0.03, abs=1e-12)
    assert abs(W.mean()) < 0.01 + 3 * np.sqrt(var / W.size)
    assert "Var" in init.__doc__


def test_scale_is_absolute_for_random_and_a_gain_for_he():
    rng = np.random.default_rng(0)
    assert get_initializer("random")(200, 200, rng).std() == pytest.approx(0.01, rel=0.03)
    assert get_initializer("random")(200, 200, rng, scale=10).std() == pytest.approx(10, rel=0.03)
    assert get_initializer("he")(200, 200, rng, scale=2).var() == pytest.approx(4 * 2 / 200, rel=0.05)
    assert np.abs(get_initializer("uniform")(100, 100, rng, scale=0.3)).max() <= 0.3


def test_unknown_initializer_lists_names():
    with pytest.raises(ValueError, match="he_uniform"):
        get_initializer("kaiming")


# ---- losses ----
def _numeric_dA(loss, A, Y, h=1e-7):
    g = np.zeros_like(A)
    for i in np.ndindex(A.shape):
        Ap, Am = A.copy(), A.copy()
        Ap[i] += h
        Am[i] -= h
        g[i] = (loss.cost(Ap, Y) - loss.cost(Am, Y)) / (2 * h)
    return g


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_gradient_matches_numeric(name):
    loss = get_loss(name)
    rng = np.random.default_rng(3)
    if name == "softmax_ce":
        A = rng.dirichlet(np.ones(3), 5).T
        Y = np.eye(3)[:, rng.integers(0, 3, 5)]
    else:
        A = rng.uniform(0.05, 0.95, (1, 6))
        Y = rng.integers(0, 2, (1, 6)).astype(float)
    np.testing.assert_allclose(loss.gradient(A, Y), _numeric_dA(loss, A, Y), rtol=1e-5, atol=1e-8)
    out = np.empty_like(A)
    np.testing.assert_allclose(loss.gradient_into(A, Y, out), loss.gradient(A, Y), rtol=1e-12)


def test_course_loss_values():
    yhat, y = np.array([[0.9, 0.2, 0.1, 0.4, 0.9]]), np.array([[1, 0, 0, 1, 1]])
    # the course's L1 and L2 example: sums 1.1 and 0.43 over 5 examples
    assert get_loss("mae").cost(yhat, y) * 5 == pytest.approx(1.1)
    assert get_loss("mse").cost(yhat, y) * 5 == pytest.approx(0.43)
    assert get_loss("bce").cost(np.array([[0.5, 0.5]]), np.array([[0, 1]])) == pytest.approx(np.log(2))


def test_bce_is_clipped_never_infinite():
    for dtype in (np.float32, np.float64):
        c = get_loss("bce").cost(np.array([[0.0, 1.0]], dtype), np.array([[1.0, 0.0]], dtype))
        assert np.isfinite(c) and c > 10


# ---- optimizers ----
def _quadratic_run(opt, steps=1000):
    """Minimize f(θ) = ½ θᵀ diag(1, 10) θ from (3, -2)."""
    theta = np.array([3.0, -2.0])
    scales = np.array([1.0, 10.0])
    for _ in range(steps):
        opt.update(theta, scales * theta)
    return theta


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_converges_on_a_quadratic(name):
    lr = {"gd": 0.05, "momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.01, "adam": 0.05}[name]
    theta = _quadratic_run(make_optimizer(name, lr))
    assert np.linalg.norm(theta) < 0.05, theta


def test_gd_is_theta_minus_lr_grad_on_dicts():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.1, -0.2]]), "db1": np.array([[1.0]])}
    make_optimizer("gd", 0.5).update(params, grads)
    np.testing.assert_allclose(params["W1"], [[0.95, 2.1]])
    np.testing.assert_allclose(params["b1"], [[0.0]])


def test_adam_first_step_is_lr_times_sign():
    theta = np.array([1.0, -1.0, 2.0])
    make_optimizer("adam", 0.1).update(theta, np.array([3.0, -0.5, 1e-3]))
    np.testing.assert_allclose(theta, [0.9, -0.9, 1.9], atol=1e-6)


def test_momentum_matches_its_formula():
    opt = make_optimizer("momentum", 0.1, momentum=0.5)
    theta, v = np.array([1.0]), 0.0
    expected = 1.0
    for g in (1.0, 2.0, -1.0):
        opt.update(theta, np.array([g]))
        v = 0.5 * v + 0.5 * g
        expected -= 0.1 * v
    assert theta[0] == pytest.approx(expected)


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedules(name):
    s = make_schedule(name, decay_rate=0.5, decay_steps=10)
    assert s(1.0, 0) == 1.0
    expected = {"constant": 1.0, "step": 0.25, "exponential": 0.5**2.5, "inverse_time": 1 / (1 + 0.5 * 2.5),
                "interval_inverse": 1 / (1 + 0.5 * 2)}
    assert s(1.0, 25) == pytest.approx(expected[name])
    assert s.latex


def test_fixed_interval_decay_gives_the_lectures_values():
    # the lecture: alpha_0 = 0.2, decay rate 1, lowered every 10 iterations
    s = make_schedule("interval_inverse", decay_rate=1.0, decay_steps=10)
    assert [s(0.2, t) for t in range(10)] == pytest.approx([0.2] * 10)
    assert [s(0.2, t) for t in range(10, 20)] == pytest.approx([0.1] * 10)
    assert s(0.2, 20) == pytest.approx(0.0667, abs=5e-5)
    assert s(np.array([0.2, 0.4]), 20) == pytest.approx([0.2 / 3, 0.4 / 3])  # the sweep's K rates at once


def test_schedule_drives_optimizer_learning_rate():
    opt = make_optimizer("gd", 1.0, make_schedule("step", 0.1, 2))
    rates = [opt.update(np.zeros(1), np.zeros(1)) for _ in range(5)]
    assert rates == pytest.approx([1.0, 1.0, 0.1, 0.1, 0.01])


def test_unknown_optimizer_and_schedule():
    with pytest.raises(ValueError, match="adam"):
        make_optimizer("sgd-ish")
    with pytest.raises(ValueError, match="inverse_time"):
        make_schedule("cosine")
