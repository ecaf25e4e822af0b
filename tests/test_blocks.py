"""Forward and backward blocks with their cache, and gradient checking in the app: the numbers are
the engine's, a big network's check stays within its sample, and neither touches the run."""
import numpy as np
import pandas as pd
import pytest

from descentlab.engine import cost, gradcheck
from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.network import Network
from descentlab.lessons import blocks as lessons
from descentlab.viz import blocks as viz_blocks
from descentlab.viz.style import Style

from .pages import open_page


@pytest.fixture(scope="module")
def run():
    r = build(RunConfig(hidden=(4, 3), n_samples=300, l2=0.01))
    r.trainer.step(10)
    return r


def _state(tr):
    return tr.network.theta.copy(), tr.network.grad.copy(), tr.iteration, tr.history.copy()


def _unchanged(tr, before):
    theta, grad, it, hist = before
    assert np.array_equal(tr.network.theta, theta) and np.array_equal(tr.network.grad, grad)
    assert tr.iteration == it
    pd.testing.assert_frame_equal(tr.history, hist)


# ---------------------------------------------------------------- engine: a bounded gradient check
def test_check_blocks_of_every_entry_is_engine_check():
    net = Network([3, 5, 4, 2], "tanh", seed=1)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 16)), np.eye(2)[:, rng.integers(0, 2, 16)]
    full = gradcheck.check(net.copy(), X, Y, l2=0.1)
    blocks = gradcheck.check_blocks(net.copy(), X, Y, per_block=100, l2=0.1)
    assert {b.name: b.error for b in blocks} == full  # exactly: the same entries, the same arithmetic
    assert all(b.checked == b.size == net.params[b.name].size for b in blocks)
    assert max(full.values()) < 1e-6


def test_a_large_networks_check_stays_within_its_sample(monkeypatch):
    net = Network([40, 200, 100, 10], "relu", seed=0)
    m, per_block = gradcheck.plan(net.layer_sizes, 1000, work=2e8)
    assert m == gradcheck.EXAMPLES and 1 < per_block < 100
    calls = []
    real = gradcheck._objective
    monkeypatch.setattr(gradcheck, "_objective", lambda *a: calls.append(1) or real(*a))
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, m)), np.eye(10)[:, rng.integers(0, 10, m)]
    blocks = gradcheck.check_blocks(net, X, Y, per_block=per_block)
    assert [b.checked for b in blocks] == [min(per_block, net.params[b.name].size) for b in blocks]
    assert len(calls) == 2 * sum(b.checked for b in blocks) < 2 * 6 * per_block + 1
    # and the sample is seeded: the same entries, the same errors
    again = gradcheck.check_blocks(net, X, Y, per_block=per_block)
    assert [b.error for b in again] == [b.error for b in blocks]
    # the plan keeps a huge network under the work it was given
    for sizes in ([768, 2000, 2000, 10], [768, 500, 500, 500, 10], [2, 8, 8, 1]):
        m, per_block = gradcheck.plan(sizes, 5000)
        entries = sum(min(per_block, a * b) + min(per_block, b) for a, b in zip(sizes, sizes[1:]))
        assert cost.gradcheck(sizes, m, entries).work <= gradcheck.WORK


def test_app_check_equals_the_engines_and_leaves_the_run_alone(run):
    tr, ds = run.trainer, run.dataset
    before = _state(tr)
    result = lessons.gradient_check(tr.network, ds.X_train, ds.Y_train, l1=tr.l1, l2=tr.l2)
    _unchanged(tr, before)
    m = result.examples
    assert m == 32 and not result.sampled
    engine = gradcheck.check(tr.network.copy(), ds.X_train[:, :m], ds.Y_train[:, :m], l2=tr.l2)
    table = viz_blocks.gradcheck_table(result, tr.network)
    assert list(table["parameters"]) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert list(table["relative error"]) == [f"{engine[k]:.2e}" for k in table["parameters"]]
    assert table["entries checked"].iloc[0] == "all 8" and table["shape"].iloc[0] == "(4, 2)"
    assert all(v.startswith("✓") for v in table["verdict"])


def test_a_float32_run_is_checked_in_float64():
    r = build(RunConfig(hidden=(4,), n_samples=100, dtype="float32"))
    theta = r.network.theta.copy()
    result = lessons.gradient_check(r.network, r.dataset.X_train, r.dataset.Y_train)
    assert max(b.error for b in result.blocks) < 1e-6
    assert r.network.theta.dtype == np.float32 and np.array_equal(r.network.theta, theta)


def test_verdicts_follow_the_course():
    assert viz_blocks.verdict(3e-9).startswith("✓") and viz_blocks.verdict(2e-6).startswith("✓")
    assert viz_blocks.verdict(1e-4).startswith("⚠") and viz_blocks.verdict(0.2).startswith("✗")
    assert viz_blocks.verdict(float("nan")).startswith("✗")


# ---------------------------------------------------------------- the cache of a fresh pass
def test_layer_caches_are_the_engines_and_leave_the_run_alone(run):
    tr, ds, net = run.trainer, run.dataset, run.network
    before = _state(tr)
    layers = lessons.layer_caches(net, ds.X_train, ds.Y_train)
    _unchanged(tr, before)
    ref = net.copy()
    grads = ref.gradients(ds.X_train, ds.Y_train)
    cache = {k: v.copy() for k, v in ref.cache.items()}
    m = ds.m_train
    assert [c.layer for c in layers] == list(range(1, net.L + 1))
    for c in layers:
        l = c.layer
        assert c.Z.shape == (net.layer_sizes[l], m) and c.A_prev.shape == (net.layer_sizes[l - 1], m)
        np.testing.assert_array_equal(c.Z, cache[f"Z{l}"])
        np.testing.assert_array_equal(c.A_prev, cache[f"A{l - 1}"])
        np.testing.assert_array_equal(c.W, net.params[f"W{l}"])
        np.testing.assert_array_equal(c.dW, grads[f"dW{l}"])
        np.testing.assert_array_equal(c.db, grads[f"db{l}"])
        assert list(c.arrays()) == [f"Z[{l}]", f"A[{l - 1}]", f"W[{l}]", f"b[{l}]"]
    np.testing.assert_allclose(layers[0].Z, net.params["W1"] @ ds.X_train + net.params["b1"])


def test_corner_table_shows_a_few_formatted_values():
    a = np.arange(20, dtype=float).reshape(4, 5) / 7
    t = viz_blocks.corner_table(a)
    assert list(t.columns) == ["[1]", "[2]", "[3]", "…"] and list(t.index) == ["row 1", "row 2", "row 3", "⋮"]
    assert t.iloc[1, 0] == f"{5 / 7:.3g}" and t.iloc[0, 0] == "0"
    small = viz_blocks.corner_table(np.array([[1e-9], [2.5]]))
    assert list(small.columns) == ["[1]"] and list(small.iloc[:, 0]) == ["1.00e-09", "2.5"]


# ---------------------------------------------------------------- the diagram
def test_blocks_figure_names_every_block_and_shape(run):
    net, m = run.network, run.dataset.m_train
    fig = viz_blocks.blocks_figure(net, m)
    fig.to_json()
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert len(fig.data) == 0 and fig.layout.uirevision
    for l in range(1, net.L + 1):
        n, k = net.layer_sizes[l], net.layer_sizes[l - 1]
        for want in (f"forward [{l}]", f"backward [{l}]", f"Z[{l}] ({n}, {m})", f"W[{l}] ({n}, {k})",
                     f"b[{l}] ({n}, 1)", f"dW[{l}] ({n}, {k})", f"db[{l}] ({n}, 1)", f"A[{l - 1}], W[{l}], b[{l}]"):
            assert want in texts, want
        assert f"dA[{l}]<br>({n}, {m})" in texts
    assert f"X = A[0]</b><br>(2, {m})" in texts
    assert len(fig.layout.shapes) == 2 * net.L + 1  # two blocks per layer and the loss


# ---------------------------------------------------------------- in the app
def test_the_panel_shows_the_cache_and_checks_gradients_without_touching_the_run():
    at = open_page("app_pages/playground.py", RunConfig(hidden=(4, 3), n_samples=300).to_query(),
                   state={"view_panel": "Blocks & cache"})
    at.button(key="btn_step").click().run()
    tr = at.session_state["dl_run"].trainer
    before = _state(tr)
    markdown = " ".join(m.value for m in at.markdown)
    assert "The cache at iteration 1" in markdown and f"**Z[1]** (4, {at.session_state['dl_run'].dataset.m_train})" in markdown
    assert len(at.tabs) == 3
    at.button(key="btn_gradcheck").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _unchanged(tr, before)
    table = at.dataframe[-1].value
    assert list(table["parameters"]) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    ds = at.session_state["dl_run"].dataset
    engine = gradcheck.check(tr.network.copy(), ds.X_train[:, :32], ds.Y_train[:, :32])
    assert list(table["relative error"]) == [f"{engine[k]:.2e}" for k in table["parameters"]]
    assert "first 32 training examples" in " ".join(c.value for c in at.caption)
    at.button(key="btn_step").click().run()  # a new iteration: the old check is not shown for it
    assert "relative error" not in at.dataframe[-1].value.columns


@pytest.mark.parametrize("sizes", [[2, 8, 8, 1], [2, 100, 100, 100, 1], [768, 64, 6], [2] + [8] * 7 + [3]])
def test_the_diagrams_text_fits_its_places_and_is_bigger_when_presenting(sizes):
    net = Network(sizes, "tanh")
    normal, big = (viz_blocks._font_sizes(net, 300, Style(presentation=p)) for p in (False, True))
    assert big >= normal and normal[0] >= 8
    unit = viz_blocks.PLOT_WIDTH / (net.L + 2 * viz_blocks.X_MARGIN)
    label, inside = big
    assert len("(100, 300)") * viz_blocks.CHAR * label <= unit * (1 - 2 * viz_blocks.HALF) or max(sizes) < 100
    assert len("dA[0] = WᵀdZ") * viz_blocks.CHAR * inside <= unit * 2 * viz_blocks.HALF


@pytest.mark.parametrize("config", [RunConfig(dataset="shapes", hidden=(16,), n_samples=200),
                                    RunConfig(dataset="plane", hidden=(5,), dtype="float32", l1=0.01)])
def test_the_panel_on_images_regression_and_float32(config):
    at = open_page("app_pages/playground.py", config.to_query(), state={"view_panel": "Blocks & cache"})
    at.button(key="btn_gradcheck").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[-1].value
    assert len(table) == 4 and all(v.startswith("✓") for v in table["verdict"]), table
    if config.dataset == "shapes":  # W1 is (16, 768): a sample of its entries, and the caption says so
        assert table["entries checked"].iloc[0] == f"100 of {16 * 768:,}"
        assert "random sample of 100" in " ".join(c.value for c in at.caption)
