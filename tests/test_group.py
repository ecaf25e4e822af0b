"""descentlab.engine.group: variants trained in lockstep match independent runs; one diverging stops alone."""
import numpy as np
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.group import MAX_VARIANTS, build_group, group_from_configs


def _alone(config, n):
    tr = build(config).trainer
    tr.record_every = None
    tr.step(n)
    tr.record()
    return tr


def test_three_variants_train_in_lockstep_like_independent_runs():
    base = RunConfig(hidden=(6,), learning_rate=0.1)
    group = build_group(base, "activation", ["tanh", "relu", "sigmoid"])
    for _ in range(3):
        group.step(20)
        group.record()
    assert [tr.iteration for tr in group.trainers] == [60, 60, 60]
    assert group.variants[0].run.dataset is group.variants[2].run.dataset  # same data, built once
    for v in group.variants:
        alone = _alone(v.config, 60)
        np.testing.assert_array_equal(v.trainer.network.theta, alone.network.theta)
        assert v.wall_time > 0


def test_a_diverging_variant_is_marked_and_the_others_continue():
    base = RunConfig(dataset="plane", activation="linear", hidden=(8, 8))
    group = build_group(base, "learning_rate", [0.01, 10.0, 0.03])
    group.step(100)
    group.record()
    ok, bad, ok2 = group.trainers
    assert bad.diverged and not ok.diverged and not ok2.diverged
    assert not group.diverged and "10" in group.message
    stopped_at = bad.iteration
    group.step(50)
    assert ok.iteration == 150 and bad.iteration == stopped_at
    table = group.summary(target_cost=1e9)
    assert table["diverged_at"].notna().tolist() == [False, True, False]
    assert table.loc[0, "iterations_to_target"] == 0  # every cost is below 1e9 from the start
    group.reset()
    assert all(tr.iteration == 0 and not tr.diverged for tr in group.trainers)


def test_iterations_to_target_cost_reads_the_history():
    group = build_group(RunConfig(learning_rate=0.3), "optimizer", ["gd", "adam"])
    for _ in range(20):
        group.step(25)
        group.record()
    target = 0.4
    table = group.summary(target_cost=target)
    for v, reached in zip(group.variants, table["iterations_to_target"]):
        h = v.trainer.history
        below = h[h.cost_train <= target]
        assert reached == (int(below.iteration.iloc[0]) if len(below) else None)


def test_varying_a_data_field_gives_each_variant_its_data():
    group = build_group(RunConfig(), "noise", [0.0, 0.3])
    a, b = (v.run.dataset for v in group.variants)
    assert a is not b and not np.array_equal(a.X_train, b.X_train)


def test_labelled_configs_and_limits():
    configs = {"zeros": RunConfig(init="zeros"), "random x 0.01": RunConfig(init="random", init_scale=0.01),
               "He": RunConfig(init="he")}
    group = group_from_configs(configs, "init")
    assert [v.label for v in group.variants] == list(configs)
    with pytest.raises(ValueError, match="1 to"):
        group_from_configs({str(i): RunConfig() for i in range(MAX_VARIANTS + 1)}, "init")
    with pytest.raises(ConfigError, match="learning_rate"):
        build_group(RunConfig(), "learning_rate", [0.1, 1e3])


def test_labels_come_from_the_caller_and_two_values_with_one_label_stay_apart():
    group = build_group(RunConfig(hidden=(4,)), "learning_rate", [0.1, 0.3, 0.1])
    assert [v.label for v in group.variants] == ["0.1", "0.3"]  # the repeated value is one run
    named = build_group(RunConfig(hidden=(4,)), "init", ["xavier", "glorot_normal", "he"],
                        label=lambda v: {"he": "He"}.get(v, "Glorot"))
    assert [v.label for v in named.variants] == ["Glorot", "Glorot′", "He"]
    assert [v.config.init for v in named.variants] == ["xavier", "glorot_normal", "he"]


def test_a_new_initializer_keeps_the_base_scale_only_when_it_reads_it_as_a_size():
    base = RunConfig(hidden=(4,), init="random", init_scale=0.5)
    group = build_group(base, "init", ["he", "uniform", "zeros"])
    assert {v.label: v.config.init_scale for v in group.variants} == {"he": None, "uniform": 0.5, "zeros": None}
    assert build_group(base, "seed", [1, 2]).variants[0].config.init_scale == 0.5  # other fields: untouched


def test_admit_sees_the_configs_first_and_its_refusal_builds_nothing(monkeypatch):
    import contextlib

    import descentlab.engine.group as group_module

    seen, built = [], []
    real_build = group_module.build
    monkeypatch.setattr(group_module, "build", lambda *a, **k: built.append(a) or real_build(*a, **k))

    class Refused(Exception):
        pass

    def refuse(configs):
        seen.append(dict(configs))
        raise Refused("too big")

    with pytest.raises(Refused):
        build_group(RunConfig(hidden=(4,)), "l2", [0.0, 0.1], admit=refuse)
    assert list(seen[0]) == ["0", "0.1"] and seen[0]["0.1"].l2 == 0.1 and built == []

    @contextlib.contextmanager
    def allow(configs):
        seen.append("entered")
        yield
        seen.append("left")

    group = build_group(RunConfig(hidden=(4,)), "l2", [0.0, 0.1], admit=allow)
    assert seen[1:] == ["entered", "left"] and len(built) == 2 and len(group.variants) == 2
