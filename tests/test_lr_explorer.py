"""The learning-rate page: one neuron's cost surface and descent paths, the gradient slice of a deep
network (descentlab.lessons.cost_surface), and the page itself (AppTest, widgets found by key)."""
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.presets import PRESETS, Preset
from descentlab.engine.optimizers import SCHEDULES
from descentlab.lessons.cost_surface import (
    DescentPath,
    PathSet,
    cost_at,
    cost_grid,
    default_view,
    gradient_slice,
    hessian,
    max_curvature,
    minimum,
    neuron_network,
    neuron_problem,
    suggested_rates,
)

from .pages import open_app, open_page

KINDS = ("logistic", "linear")


# ---------------------------------------------------------------- one neuron's surface
@pytest.mark.parametrize("kind", KINDS)
def test_grid_cost_equals_the_network_cost_at_sample_points(kind):
    p = neuron_problem("moons", kind, noise=0.2, x2_scale=2.0)
    w1, w2 = np.linspace(-4, 3, 9), np.linspace(-2, 5, 7)
    J = cost_grid(p, w1, w2)
    assert J.shape == (7, 9)  # rows along w2
    rng = np.random.default_rng(3)
    for i, j in zip(rng.integers(0, 9, 6), rng.integers(0, 7, 6)):
        net = neuron_network(p, (w1[i], w2[j]))
        assert J[j, i] == pytest.approx(net.cost(p.X, p.Y), rel=1e-12)
    far = rng.normal(0, 30, (5, 2))  # saturated sigmoids: the clipped cross-entropy, as the engine does
    np.testing.assert_allclose(cost_at(p, far), [neuron_network(p, w).cost(p.X, p.Y) for w in far], rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_path_steps_with_the_engine_gradient(kind):
    p = neuron_problem("gaussians", kind, noise=0.3)
    start, lr = np.array([1.5, -2.0]), 0.7
    path = DescentPath(p, lr, start=start)
    path.step(3)
    net = neuron_network(p, start)
    g = net.gradients(p.X, p.Y)["dW1"].ravel()
    np.testing.assert_allclose(path.points[1], start - lr * g, rtol=0, atol=1e-14)
    # the same gradient by central differences of the surface's own (vectorized) cost
    h = 1e-6
    numeric = [(cost_at(p, [start + h * e]) - cost_at(p, [start - h * e]))[0] / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(numeric, g, rtol=1e-6)
    np.testing.assert_allclose(path.costs, cost_at(p, path.points), rtol=1e-12)


def test_momentum_path_follows_the_courses_update():
    p = neuron_problem("moons", "logistic", noise=0.2)
    lr, beta, w = 2.0, 0.8, np.array([-1.0, 1.0])
    path = DescentPath(p, lr, momentum=beta, start=w)
    path.step(4)
    v = np.zeros(2)
    for k in range(4):  # v = βv + (1 - β) dW, w = w - αv
        g = neuron_network(p, w).gradients(p.X, p.Y)["dW1"].ravel()
        v = beta * v + (1 - beta) * g
        w = w - lr * v
        np.testing.assert_allclose(path.points[k + 1], w, rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_a_tiny_rate_decreases_the_cost_at_every_step(kind):
    p = neuron_problem("moons", kind, noise=0.2)
    _, _, start = default_view(p)
    path = DescentPath(p, 0.05 * suggested_rates(p)["good"], start=start)
    path.step(200)
    c = path.costs
    assert path.diverged_at is None and c[-1] < c[0]
    assert np.all(np.diff(c) <= 0)


def test_the_linear_neuron_diverges_just_past_two_over_lambda_and_converges_just_below():
    p = neuron_problem("gaussians", "linear", noise=0.3)
    lam = max_curvature(p, (0.0, 0.0))
    assert lam == pytest.approx(np.linalg.eigvalsh(2 * p.X @ p.X.T / p.m)[-1])  # a constant Hessian
    _, _, start = default_view(p)
    below, above = DescentPath(p, 1.9 / lam, start=start), DescentPath(p, 2.1 / lam, start=start, bound=1e3)
    below.step(400)
    above.step(400)
    assert below.diverged_at is None and below.costs[-1] == pytest.approx(cost_at(p, [minimum(p)])[0], rel=1e-6)
    assert above.diverged_at is not None and above.done
    steps = np.diff(below.points, axis=0)
    assert (np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0).any()  # 1/λ < α < 2/λ zig-zags


def test_a_huge_rate_makes_logistic_regression_oscillate():
    p = neuron_problem("moons", "logistic", noise=0.2)
    _, _, start = default_view(p)
    path = DescentPath(p, 3 * suggested_rates(p)["too large"], start=start)
    path.step(100)
    steps = np.diff(path.points, axis=0)
    assert (np.diff(path.costs) > 0).any()  # the cost goes up at some steps
    assert (np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0).sum() > 10  # back and forth


def test_newton_minimum_and_the_default_view():
    p = neuron_problem("moons", "logistic", noise=0.2)
    w = minimum(p)
    g = neuron_network(p, w).gradients(p.X, p.Y)["dW1"]
    assert np.abs(g).max() < 1e-8
    assert np.all(np.linalg.eigvalsh(hessian(p, w)) > 0)
    centre, half, start = default_view(p)
    assert np.all(np.abs(w - centre) < half) and np.all(np.abs(start - centre) <= half)


def test_path_set_stops_a_diverging_path_alone():
    p = neuron_problem("gaussians", "linear", noise=0.3)
    lam = max_curvature(p, (0.0, 0.0))
    paths = PathSet(p, [0.5 / lam, 3 / lam], start=(1.0, -1.0), bound=100.0)
    paths.step(50)
    good, bad = paths.paths
    assert good.steps == 50 and good.diverged_at is None
    assert bad.diverged_at is not None and bad.steps < 50 and np.all(np.abs(bad.points) <= 100)
    assert not paths.diverged and "diverged at step" in paths.message
    paths.reset()
    assert paths.iteration == 0 and bad.diverged_at is None


def test_neuron_problem_refuses_bad_input():
    with pytest.raises(Exception, match="2-D binary point set"):
        neuron_problem("plane")
    with pytest.raises(ValueError, match="unknown neuron"):
        neuron_problem("moons", "tanh")
    with pytest.raises(ValueError, match="learning_rate"):
        DescentPath(neuron_problem(), float("nan"))


# ---------------------------------------------------------------- a deep network's gradient slice
def test_gradient_slice_starts_at_the_cost_with_slope_minus_the_gradient_norm():
    run = build(RunConfig(hidden=(6, 4), activation="tanh"))
    run.trainer.step(20)
    net, X, Y = run.network, run.dataset.X_train, run.dataset.Y_train
    theta = net.theta.copy()
    h = 1e-5
    sl = gradient_slice(net, X, Y, [-h, 0.0, h])
    np.testing.assert_array_equal(net.theta, theta)  # the network is left where it was
    assert sl.cost[1] == pytest.approx(net.cost(X, Y), rel=1e-14) == sl.cost0
    assert (sl.cost[2] - sl.cost[0]) / (2 * h) == pytest.approx(-sl.grad_norm, rel=1e-5)
    grads = net.gradients(X, Y)
    assert sl.grad_norm == pytest.approx(np.sqrt(sum((g**2).sum() for g in grads.values())), rel=1e-12)


def test_one_gradient_step_lands_where_the_slice_says():
    run = build(RunConfig(hidden=(5,), learning_rate=0.3))
    net, X, Y = run.network, run.dataset.X_train, run.dataset.Y_train
    sl0 = gradient_slice(net, X, Y, [0.0])
    lr = 0.3
    sl = gradient_slice(net, X, Y, [sl0.landing(lr)])
    run.trainer.step(1)  # full-batch gd: θ - α g
    assert sl.cost[0] == pytest.approx(net.cost(X, Y), rel=1e-10)


# ---------------------------------------------------------------- figures
def test_sweep_figures_keep_their_traces_and_mark_divergence():
    from descentlab.viz import lr_explorer as figs

    rates = np.geomspace(1e-3, 10, 5)
    it = np.arange(0, 50, 10)
    costs = np.tile(np.linspace(0.7, 0.2, 5)[:, None], (1, 5))
    costs[:, 4] = [0.7, 50.0, 1e9, np.nan, np.nan]  # the largest rate blew up at iteration 20
    at = np.array([-1, -1, -1, -1, 30])
    curves = figs.sweep_curves_figure(it, costs, rates, at)
    calm = figs.sweep_curves_figure(it, costs[:, :4].repeat([1, 1, 1, 2], axis=1), rates, np.full(5, -1))
    assert len(curves.data) == len(calm.data) == 5 + 2  # lines, diverged marks, colour bar
    assert list(curves.data[5].x) == [30] and list(calm.data[5].x) == []
    _, hi = curves.layout.yaxis.range
    assert 10**hi < 50  # the exploding run leaves through the top instead of flattening the others
    final = figs.final_cost_figure(rates, costs[-1], at >= 0, 0.7, best=3, marks=(0.01,))
    assert len(final.data) == 3
    assert list(final.data[1].x) == [10.0] and final.data[1].yaxis == "y2"  # the red x along the top
    assert list(final.data[2].x) == [rates[3]] and "best" in final.data[2].name
    colors = figs.rate_colors(rates)
    assert colors[0] == figs.RATE_SCALE[0][1] and colors[-1] == figs.RATE_SCALE[-1][1] and len(set(colors)) == 5


# ---------------------------------------------------------------- the page
def _page(query: dict | None = None, preset=None) -> AppTest:
    return open_page("app_pages/lr_explorer.py", query, None if preset is None else {"dl_preset": preset})


def _sweep(at):
    return at.session_state["lr_sweep"]


def test_page_renders_the_sweep_with_its_controls():
    at = _page()
    keys = {b.key for b in at.button}
    assert {"lr_btn_play", "lr_btn_step", "lr_btn_reset", "lr_open_best"} <= keys
    for get, key in ((at.select_slider, "lr_low"), (at.select_slider, "lr_high"), (at.slider, "lr_count"),
                     (at.toggle, "lr_log_cost"), (at.segmented_control, "lr_section"),
                     (at.select_slider, "lr_speed")):
        assert get(key=key) is not None
    assert len(at.get("bidi_component")) >= 2, "live charts missing"
    sweep = _sweep(at).sweep
    assert sweep.K == 16 and sweep.learning_rates[0] == pytest.approx(1e-4) and sweep.learning_rates[-1] == 10
    assert at.query_params["vary"] == "learning_rate" and len(at.query_params["values"].split(",")) == 16


def test_step_trains_every_rate_and_reset_rewinds():
    at = _page()
    at.slider(key="lr_count").set_value(5).run()
    at.button(key="lr_btn_step").click().run()
    at.button(key="lr_btn_step").click().run()
    target = _sweep(at)
    assert target.sweep.K == 5 and target.iteration == 2
    it, costs = target.curves()
    assert it.tolist() == [0, 1, 2] and costs.shape == (3, 5)
    assert not np.array_equal(costs[0], costs[2])
    at.button(key="lr_btn_reset").click().run()
    assert _sweep(at).iteration == 0 and not at.exception


def test_open_best_rate_in_the_playground():
    at = _page()
    for _ in range(3):
        at.button(key="lr_btn_step").click().run()
    target = _sweep(at)
    best = float(target.rates[target.best()])
    table = target.table
    assert table.cost_train[target.best()] == table.cost_train[~target.stopped].min()
    at.button(key="lr_open_best").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Playground"
    assert at.session_state["dl_config"].learning_rate == best
    assert at.session_state["dl_run"].trainer.learning_rate == best


def test_a_preset_for_this_page_opens_with_its_rates():
    preset = Preset("test_lr", "Too small / right / too large", "two\nlines",
                    RunConfig(dataset="moons", hidden=(6,), learning_rate=0.03), lab="lr",
                    vary=("learning_rate", (0.001, 0.03, 3.0)))
    at = _page(preset=preset)
    assert "dl_preset" not in at.session_state
    assert at.session_state["dl_config"] == preset.config
    assert (at.session_state["lr_low"], at.session_state["lr_high"]) == (0.001, 3.0)
    assert at.session_state["lr_marks"] == (0.001, 0.03, 3.0)
    rates = _sweep(at).sweep.learning_rates
    assert rates[0] == pytest.approx(0.001) and rates[-1] == pytest.approx(3.0)
    assert _sweep(at).config.dataset == "moons"


@pytest.mark.parametrize("key", sorted(k for k, p in PRESETS.items() if p.lab == "lr"))
def test_every_preset_of_this_page_opens_it(key):
    at = open_app()
    at.button(key=f"preset_{key}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Learning rate"
    field, values = PRESETS[key].vary
    if field == "learning_rate":
        rates = _sweep(at).sweep.learning_rates
        assert rates[0] == pytest.approx(min(values)) and rates[-1] == pytest.approx(max(values))


def test_a_link_sets_the_sweep_and_bad_links_warn():
    at = _page({"vary": "learning_rate", "values": "0.01,0.1,1"})
    assert _sweep(at).sweep.K == 3 and _sweep(at).rates.tolist() == pytest.approx([0.01, 0.1, 1.0])
    at = _page({"vary": "activation", "values": "relu,tanh"})
    assert any("vary" in w.value for w in at.warning) and _sweep(at).sweep.K == 16
    at = _page({"vary": "learning_rate", "values": "0.1,nan,1e9"})
    assert any("values" in w.value for w in at.warning) and _sweep(at).sweep.K == 16


def test_the_sweep_runs_gd_when_the_sidebar_says_adam_and_marks_divergence():
    at = _page(RunConfig(optimizer="adam", loss="mse", hidden=(8,)).to_query())
    assert any("optimizer = adam" in i.value for i in at.info)
    target = _sweep(at)
    assert target.config.optimizer == "gd"
    target.step(300)  # what Play would do over a few frames (AppTest never ticks the fragment)
    at.button(key="lr_btn_step").click().run()
    assert target.stopped.any() and not target.stopped.all() and not at.exception
    assert "diverged" in target.message
    assert np.isnan(target.curves()[1][-1, target.stopped]).all()


def test_loss_surface_section_steps_the_paths():
    at = _page()
    at.segmented_control(key="lr_section").set_value("Loss surface").run()
    assert not at.exception, [e.value for e in at.exception]
    for key in ("lr_surf_dataset", "lr_surf_neuron"):
        assert at.selectbox(key=key) is not None
    rates = [at.number_input(key=f"lr_surf_rate_{i}").value for i in range(4)]
    assert rates == sorted(rates) and rates[0] > 0
    at.button(key="lr_path_btn_step").click().run()
    paths = at.session_state["lr_paths"]
    assert paths.iteration == 1 and len(paths.paths) == 4
    at.selectbox(key="lr_surf_neuron").set_value("linear").run()
    new = [at.number_input(key=f"lr_surf_rate_{i}").value for i in range(4)]
    assert new != rates  # the linear neuron's own suggested rates
    at.number_input(key="lr_surf_rate_3").set_value(0.0).run()
    at.slider(key="lr_surf_momentum").set_value(0.5).run()
    at.button(key="lr_path_btn_step").click().run()
    paths = at.session_state["lr_paths"]
    assert len(paths.paths) == 3 and paths.paths[0].momentum == 0.5 and paths.iteration == 1
    assert at.multiselect(key="lr_slice_rates").value  # the deep network's slice below
    assert not at.exception
    # separable points: no finite logistic minimum, rates in the 100,000s; said, not crashed
    at.selectbox(key="lr_surf_neuron").set_value("logistic").run()
    at.selectbox(key="lr_surf_dataset").set_value("gaussians").run()
    at.select_slider(key="lr_surf_noise").set_value(0.0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no minimum" in i.value for i in at.info)
    assert at.number_input(key="lr_surf_rate_3").value > 1000


def test_schedules_section_trains_every_schedule_in_lockstep():
    at = _page()
    at.segmented_control(key="lr_section").set_value("Schedules").run()
    at.number_input(key="lr_sched_decay_steps").set_value(1).run()
    for _ in range(2):
        at.button(key="lr_sched_btn_step").click().run()
    group = at.session_state["lr_sched"]
    assert [v.config.schedule for v in group.variants] == list(SCHEDULES)  # the lecture's fixed-interval decay too
    assert [tr.iteration for tr in group.trainers] == [2] * len(SCHEDULES)
    rates = [tr.history.learning_rate.iloc[-1] for tr in group.trainers]
    assert rates[0] == 0.03 and all(r < 0.03 for r in rates[1:])
    assert not at.exception
    # the sweep's settings survived the visit to another section
    at.segmented_control(key="lr_section").set_value("Sweep").run()
    assert at.slider(key="lr_count").value == 16 and not at.exception


def test_a_visit_to_another_page_keeps_the_sweep_settings_and_the_training():
    at = _page()
    at.select_slider(key="lr_low").set_value(0.001).run()
    at.slider(key="lr_count").set_value(5).run()
    at.button(key="lr_btn_step").click().run()
    sweep = _sweep(at)
    at.switch_page("app_pages/home.py").run()  # draws none of this page's widgets
    at.switch_page("app_pages/lr_explorer.py").run()
    assert not at.exception
    assert at.select_slider(key="lr_low").value == 0.001 and at.slider(key="lr_count").value == 5
    assert _sweep(at) is sweep and sweep.iteration == 1


def test_the_slice_is_computed_again_only_when_the_run_or_the_marks_change(monkeypatch):
    import descentlab.ui.views.lr_surface as surface

    calls = []
    real = surface.gradient_slice
    monkeypatch.setattr(surface, "gradient_slice", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = _page()
    at.segmented_control(key="lr_section").set_value("Loss surface").run()
    first = len(calls)
    assert first == 2  # where we are, then the curve along -g
    at.button(key="lr_path_btn_step").click().run()  # a full rerun that changes neither
    assert len(calls) == first
    marks = at.multiselect(key="lr_slice_rates")
    at.multiselect(key="lr_slice_rates").set_value(marks.value[:1]).run()
    assert len(calls) == first + 2
    assert not at.exception
