"""The "draw" data set: the engine's DrawnSet (add / remove / clear, the Dataset it makes, CSV, JSON, the
link's encoding and garbled links), the Trainer going on with the same θ after its data change, an
empty set that trains nothing, saved runs that keep the points, and the Playground's click handler
(called directly, and through AppTest's click value)."""
import json

import numpy as np
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.datasets import load_csv
from descentlab.engine.drawn import EMPTY, LINK_POINTS, DrawnError, DrawnSet
from descentlab.engine.runs import load_run, restore_trainer, save_run


def _random_set(kind: str, n: int, seed: int = 0) -> DrawnSet:
    rng = np.random.default_rng(seed)
    d = DrawnSet.start(EMPTY, kind)
    for _ in range(n):
        label = rng.integers(0, d.n_classes) if d.n_classes else rng.uniform(-3, 3)
        assert d.add(*rng.uniform(-1.2, 1.2, 2), label)
    return d


def test_add_remove_clear_and_what_is_refused():
    d = DrawnSet.start()
    n = d.size
    assert d.add(0.25, -0.5, 1) and d.size == n + 1 and d.labels[-1] == 1
    assert not d.add(1.3, 0.0, 0), "off the plane"
    assert not d.add(0.0, 0.0, 2), "no class 2 in a 2-class set"
    assert not d.add(float("nan"), 0.0, 0) and not d.add("x", 0.0, 0)
    assert not d.remove_near(0.5, 0.5, 0.01), "nothing that near"
    assert d.remove_near(0.26, -0.49, 0.05) and d.size == n
    assert d.clear() and d.size == 0 and not d.clear()


def test_dataset_every_point_trains_and_normalization_is_fixed_by_the_plane():
    d = DrawnSet.start(kind="3 classes")
    ds = d.dataset(("x1", "x2", "x1_sq"), "standardize")
    assert (ds.task, ds.m_train, ds.m_test, ds.n_y) == ("multiclass", d.size, 0, 3)
    assert np.array_equal(ds.labels_train, d.labels.astype(int))
    assert np.allclose(ds.featurize(d.points), ds.X_train)
    d.add(0.9, 0.9, 2)  # a new point changes no other point's features
    ds2 = d.dataset(("x1", "x2", "x1_sq"), "standardize")
    assert np.array_equal(ds2.X_train[:, :-1], ds.X_train)
    assert ds2.bounds == ds.bounds == ((-1.2, 1.2), (-1.2, 1.2))


def test_start_from_a_generated_set_keeps_its_kind_and_a_plane_that_holds_it():
    c = DrawnSet.start("circles", noise=0.3, seed=2)
    assert c.kind == "2 classes" and c.size == 100 and np.abs(c.points).max() <= c.half
    assert DrawnSet.start("blobs3").kind == "3 classes" and DrawnSet.start("plane").kind == "values"
    with pytest.raises(DrawnError):
        DrawnSet.start("shapes")


@pytest.mark.parametrize("kind", ["2 classes", "3 classes", "values"])
def test_link_round_trip(kind):
    d = _random_set(kind, LINK_POINTS, seed=3)
    text = d.encode()
    assert len(text) <= (1000 if d.n_classes else 1400) and text.isascii() and "=" not in text
    back = DrawnSet.decode(text)
    assert back.kind == kind and back.half == d.half and back.size == d.size
    assert np.abs(back.points - d.points).max() <= d.half / 4095 + 1e-12  # 12 bits over the plane
    tol = 0 if d.n_classes else 5e-4
    assert np.abs(back.labels - d.labels).max() <= tol
    assert DrawnSet.decode(back.encode()).encode() == back.encode()


def test_too_big_for_a_link_and_garbled_links_are_refused_with_a_reason():
    with pytest.raises(DrawnError, match="too many for a link"):
        _random_set("2 classes", LINK_POINTS + 1).encode()
    good = DrawnSet.start().encode()
    for bad in ["", "!!!", good[:-3], good + "AAAA", "A" * 5000, "AgIYAAZ", good.replace("A", "_"), None, 12,
                DrawnSet(points=[[0.0], [0.0]], labels=[0]).encode()[:-1] + "D"]:  # class 3 in a 2-class set
        with pytest.raises(DrawnError):
            DrawnSet.decode(bad)


def test_csv_and_json_round_trip():
    d = _random_set("3 classes", 30, seed=4)
    ds = load_csv(d.to_csv(), test_fraction=0.0)
    assert ds.m_train == 30 and ds.task == "multiclass"
    assert np.allclose(np.sort(ds.points_train, axis=1), np.sort(d.points, axis=1))
    back = DrawnSet.from_json(json.loads(json.dumps(d.to_json())))
    assert np.array_equal(back.points, d.points) and np.array_equal(back.labels, d.labels)
    for bad in [{}, {**d.to_json(), "x1": "1,2"}, {**d.to_json(), "extra": 1}, {**d.to_json(), "labels": [7] * 30}]:
        with pytest.raises(DrawnError):
            DrawnSet.from_json(bad)


def test_trainer_goes_on_with_the_same_theta_after_the_data_change():
    config = RunConfig(dataset="draw", learning_rate=0.3, optimizer="adam")
    run = build(config)
    tr = run.trainer
    tr.step(50)
    theta, it, t = tr.network.theta.copy(), tr.iteration, tr.optimizer.t
    d = DrawnSet.from_dataset(run.dataset)
    d.add(-0.9, 0.9, 1)
    tr.set_data(d.dataset(config.features, config.normalization))
    assert np.array_equal(tr.network.theta, theta) and tr.iteration == it and tr.optimizer.t == t
    at = tr.dataset.featurize(np.array([[-0.9], [0.9]]))
    p_before = tr.network.forward(at)[0, 0]
    tr.step(200)
    assert tr.iteration == it + 200 and tr.data_changed_at == it
    # the new point pulls the boundary: P(y=1) under it rises (from ~1e-5 to ~0.09 in 200 steps)
    assert tr.network.forward(at)[0, 0] > p_before + 0.05
    with pytest.raises(ValueError):  # 3 outputs for a 1-output network
        tr.set_data(DrawnSet.start(kind="3 classes").dataset())


def test_an_empty_set_trains_nothing_and_does_not_diverge():
    run = build(RunConfig(dataset="draw"), dataset=DrawnSet.start(EMPTY).dataset())
    tr = run.trainer
    assert np.isnan(tr.last_record["cost_train"]) and not tr.diverged
    tr.step(10)
    assert tr.iteration == 0 and not tr.diverged
    d = DrawnSet.start(EMPTY)
    d.add(0.5, 0.5, 1)
    tr.set_data(d.dataset())
    tr.step(10)
    assert tr.iteration == 10 and np.isfinite(tr.record()["cost_train"])


def test_a_saved_draw_run_keeps_its_points(tmp_path):
    config = RunConfig(dataset="draw")
    d = _random_set("2 classes", 40, seed=5)
    run = build(config, dataset=d.dataset())
    run.trainer.step(5)
    save_run(run.trainer, config, "drawn", tmp_path)
    loaded = load_run("drawn", tmp_path)
    assert np.array_equal(loaded.drawn.points, d.points) and np.array_equal(loaded.drawn.labels, d.labels)
    restored = restore_trainer(loaded)
    assert restored.run.dataset.m_train == 40
    (tmp_path / "drawn" / "drawn.json").write_text('{"version": 1}')
    with pytest.raises(ValueError, match="drawn.json"):
        load_run("drawn", tmp_path)


# ---- the Playground's handler
def test_handler_adds_removes_and_ignores_what_is_bad():
    from descentlab.ui.views.playground_draw import PLANE_TRACE, make_handler, point_curves_of

    run = build(RunConfig(dataset="draw"))
    d = DrawnSet.from_dataset(run.dataset)
    tr = run.trainer
    tr.step(3)
    theta = tr.network.theta.copy()
    h = make_handler(d, tr, ("x1", "x2"), "none", 1.0, point_curves_of(tr))
    n = d.size
    assert h({"type": "click", "trace": PLANE_TRACE, "curveNumber": 3, "x": 0.3, "y": 0.2, "shift": False})
    assert d.size == n + 1 and tr.dataset.m_train == n + 1 and tr.dataset.labels_train[-1] == 1
    assert np.array_equal(tr.network.theta, theta) and tr.iteration == 3
    # a click on a point (trace 0 = class 0's points) removes it; a shift-click near one too
    x, y = d.points[:, 0]
    assert h({"type": "click", "trace": "class 0", "curveNumber": 0, "x": x, "y": y})
    assert d.size == n and tr.dataset.m_train == n
    assert h({"type": "click", "trace": PLANE_TRACE, "curveNumber": 3, "x": 0.31, "y": 0.21, "shift": True})
    assert d.size == n - 1
    for bad in [None, "click", {"type": "hover", "x": 0, "y": 0}, {"x": "0", "y": 0}, {"x": float("nan"), "y": 0},
                {"x": 5.0, "y": 0.0, "trace": PLANE_TRACE}, {"x": 0.0, "y": 0.0, "trace": "other", "curveNumber": 9},
                {"x": 0.0, "y": 0.0, "trace": "class 0", "curveNumber": True}]:
        assert not h(bad)
    assert d.size == n - 1


def test_app_clear_empties_the_plane_keeps_the_run_and_the_link_follows():
    from tests.pages import open_page

    from descentlab.ui.state import Keys

    at = open_page("app_pages/playground.py", query={"dataset": "draw"})
    drawn = at.session_state[Keys.DRAWN]
    assert drawn.size == 6 and at.query_params["draw"] == drawn.encode()
    at.button(key="btn_step").click().run()
    theta = at.session_state[Keys.RUN].network.theta.copy()
    at.button(key="draw_clear").click().run()
    assert not at.exception
    run = at.session_state[Keys.RUN]
    assert at.session_state[Keys.DRAWN].size == 0 and run.dataset.m_train == 0 and run.trainer.iteration == 1
    assert np.array_equal(run.network.theta, theta)
    assert at.query_params["draw"] == DrawnSet.start(EMPTY).encode()
    assert any("nothing to learn" in i.value for i in at.info)
    at.button(key="btn_step").click().run()  # an empty plane trains nothing, and nothing breaks
    assert not at.exception and at.session_state[Keys.RUN].trainer.iteration == 1


def test_a_garbled_link_keeps_the_rest_and_says_why():
    from tests.pages import open_page

    from descentlab.ui.state import Keys

    at = open_page("app_pages/playground.py", query={"dataset": "draw", "draw": "AQIYAAZ***", "lr": "0.1"})
    assert any("drawn points in the link" in w.value for w in at.warning)
    assert at.session_state[Keys.CONFIG].learning_rate == 0.1 and at.session_state[Keys.DRAWN].size == 6
