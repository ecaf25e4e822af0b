"""RunConfig: validation table, lossless codecs, lenient URL parsing, build()."""
import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from descentlab.engine.build import Run, build
from descentlab.engine.config import DEFAULTS, MAX_WORK, SPECS, ConfigError, RunConfig

NAN, INF = float("nan"), float("inf")


def test_defaults_are_valid_and_as_documented():
    c = RunConfig()
    assert c.dataset == "circles" and c.hidden == (8, 8) and c.activation == "tanh"
    assert c.learning_rate == 0.03 and c.batch_size is None and c.loss is None
    assert {f.name: getattr(c, f.name) for f in dataclasses.fields(c)} == DEFAULTS
    assert c.to_query() == {}
    assert all(SPECS[n].help for n in SPECS)


# one too-low, too-high and wrong-type value per field (and a few specials)
BAD = [
    ("dataset", "nope"), ("dataset", 3), ("dataset", None),
    ("n_samples", 9), ("n_samples", 20001), ("n_samples", 400.0), ("n_samples", True), ("n_samples", "400"),
    ("noise", -0.01), ("noise", 1.01), ("noise", "0.1"), ("noise", NAN), ("noise", True),
    ("test_fraction", -0.1), ("test_fraction", 0.91), ("test_fraction", None),
    ("data_seed", -1), ("data_seed", 2**32), ("data_seed", 1.5),
    ("features", ()), ("features", ("x1", "x1")), ("features", ("x3",)), ("features", "x1"),
    ("normalization", "zscore"), ("normalization", None),
    ("hidden", (0,)), ("hidden", (513,)), ("hidden", (8,) * 17), ("hidden", 8), ("hidden", (8.0,)),
    ("hidden", (True,)), ("hidden", (-1,)),
    ("activation", "nope"), ("activation", ()), ("activation", 1), ("activation", ("relu", "nope")),
    ("activation", "softmax"), ("activation", ("relu",)),  # 1 name for 2 hidden layers
    ("leaky_slope", -0.1), ("leaky_slope", 1.5), ("leaky_slope", "x"),
    ("output_activation", "nope"), ("output_activation", 1),
    ("loss", "hinge"), ("loss", 0),
    ("init", "nope"), ("init", None),
    ("init_scale", 0), ("init_scale", -1.0), ("init_scale", 100.5), ("init_scale", "1"), ("init_scale", INF),
    ("seed", -1), ("seed", 2**32), ("seed", "0"), ("seed", None), ("seed", True),
    ("optimizer", "sgd"), ("optimizer", None),
    ("learning_rate", 0), ("learning_rate", 1e-7), ("learning_rate", 10.5), ("learning_rate", NAN),
    ("learning_rate", INF), ("learning_rate", -INF), ("learning_rate", "0.1"), ("learning_rate", None),
    ("learning_rate", True), ("learning_rate", 10**400),
    ("momentum", -0.1), ("momentum", 1.0), ("momentum", "0.9"),
    ("beta1", -0.1), ("beta1", 1.0), ("beta1", None),
    ("beta2", -1e-9), ("beta2", 1.0), ("beta2", []),
    ("rho", -0.5), ("rho", 1.0), ("rho", "x"),
    ("epsilon", 1e-13), ("epsilon", 0.2), ("epsilon", 0), ("epsilon", None),
    ("schedule", "cosine"), ("schedule", 1),
    ("decay_rate", 0), ("decay_rate", 1.01), ("decay_rate", None),
    ("decay_steps", 0), ("decay_steps", 10**7 + 1), ("decay_steps", 10.0),
    ("batch_size", 0), ("batch_size", 20001), ("batch_size", 32.0), ("batch_size", "all"), ("batch_size", True),
    ("l1", -0.1), ("l1", 10.1), ("l1", None),
    ("l2", -1e-9), ("l2", 11), ("l2", "0"),
    ("dropout", -0.1), ("dropout", 0.9995), ("dropout", 1.0), ("dropout", None),
    ("dtype", "float16"), ("dtype", None), ("dtype", np.float32),
    ("record_every", 0), ("record_every", 10**6 + 1), ("record_every", 1.0),
    ("target_cost", 0), ("target_cost", -0.1), ("target_cost", NAN), ("target_cost", "0.05"), ("target_cost", 1e7),
    ("edits", "1_W1_0_0_1.0"), ("edits", [(1, "W1", 0, 0)]), ("edits", [(1, "W1", 0, 0, NAN)]),
    ("edits", [(1, "W1", 0, 0, 1e4)]), ("edits", [(-1, "W1", 0, 0, 1.0)]), ("edits", [(1, "V1", 0, 0, 1.0)]),
    ("edits", [(1, "b1", 0, 1, 1.0)]), ("edits", [(2, "W1", 0, 0, 1.0), (1, "W1", 0, 0, 1.0)]),
    ("edits", [(1, "W1", 0.5, 0, 1.0)]), ("edits", [(1, "W1", 0, 0, "1")]),
]


def test_bad_table_covers_every_field():
    assert {name for name, _ in BAD} == set(SPECS)


@pytest.mark.parametrize("name,value", BAD, ids=[f"{n}={v!r}"[:40] for n, v in BAD])
def test_bad_values_raise_config_error_naming_the_field(name, value):
    with pytest.raises(ConfigError) as info:
        RunConfig(**{name: value})
    assert info.value.field == name
    assert name in str(info.value)


GOOD = [
    ("n_samples", 10), ("n_samples", 20000), ("noise", 0), ("noise", 1), ("test_fraction", 0.9),
    ("data_seed", 2**32 - 1), ("hidden", ()), ("hidden", (512,) * 16), ("hidden", [3]),
    ("learning_rate", 1e-6), ("learning_rate", 10), ("momentum", 0.0), ("momentum", 0.999999),
    ("init_scale", 100), ("init_scale", 1e-9), ("epsilon", 1e-12), ("epsilon", 0.1),
    ("decay_rate", 1), ("decay_steps", 10**7), ("batch_size", 1), ("batch_size", 20000),
    ("dropout", 0.999), ("record_every", 10**6), ("features", ["x1_sq"]), ("loss", "mae"),
    ("output_activation", "softmax"), ("dataset", "csv"), ("seed", np.int64(7)), ("l2", np.float32(0.5)),
    ("target_cost", 0.05), ("target_cost", 1e-12), ("target_cost", None),
]


@pytest.mark.parametrize("name,value", GOOD, ids=[f"{n}={v!r}"[:40] for n, v in GOOD])
def test_edge_values_are_accepted(name, value):
    few = {"n_samples": 10} if name == "hidden" else {}  # the widest network only on few examples (MAX_WORK)
    c = RunConfig(**{name: value}, **few)
    got = getattr(c, name)
    assert got == (tuple(value) if isinstance(value, list) else value)
    assert type(got) is type(DEFAULTS[name]) or DEFAULTS[name] is None or isinstance(value, list)


def test_normalization_of_types():
    c = RunConfig(hidden=[4, 3], activation=["relu", "tanh"], features=["x1"], noise=0, l2=-0.0)
    assert c.hidden == (4, 3) and c.activation == ("relu", "tanh") and c.features == ("x1",)
    assert type(c.noise) is float and math.copysign(1, c.l2) == 1
    one = RunConfig(hidden=(5,), activation=("relu",))
    assert one.activation == ("relu",) and one != RunConfig(hidden=(5,), activation="relu")


def test_error_message_format():
    with pytest.raises(ConfigError) as info:
        RunConfig(learning_rate=NAN)
    assert str(info.value) == "learning_rate must be a finite number in [1e-06, 10]; got nan"
    with pytest.raises(ConfigError, match=r"\[0, 1\)") as info:
        RunConfig(momentum=1)
    with pytest.raises(ConfigError, match="activation") as info:
        RunConfig(hidden=(4, 4, 4), activation=("relu", "tanh"))
    assert info.value.field == "activation"


def test_replace_validates():
    c = RunConfig().replace(hidden=(3,), activation=("relu",))
    assert c.hidden == (3,)
    with pytest.raises(ConfigError):
        c.replace(hidden=(3, 3))  # the activation list no longer matches
    with pytest.raises(ConfigError) as info:
        c.replace(bogus=1)
    assert info.value.field == "bogus"


# ---------------------------------------------------------------- lossless codecs
def _value(name, spec):
    if spec.kind == "int":
        s = st.integers(int(spec.lo), int(spec.hi))
    elif spec.kind == "float":
        s = st.floats(spec.lo, spec.hi, exclude_min=spec.lo_open, exclude_max=spec.hi_open,
                      allow_nan=False, allow_subnormal=False)
    elif spec.kind == "choice":
        s = st.sampled_from(spec.options())
    elif spec.kind == "names":
        s = st.lists(st.sampled_from(spec.options()), min_size=1, unique=True).map(tuple)
    elif spec.kind == "hidden":
        s = st.lists(st.integers(1, 512), max_size=5).map(tuple)
    elif spec.kind == "edits":  # well formed, in order of iteration (whether they fit is build()'s check)
        one = st.tuples(st.integers(0, 10**9), st.sampled_from(["W1", "b2", "W17"]), st.integers(0, 511),
                        st.just(0), st.floats(-1e3, 1e3, allow_nan=False))
        return st.lists(one, max_size=3).map(lambda es: tuple(sorted(es, key=lambda e: e[0])))
    else:
        return None  # activation depends on hidden: drawn in configs()
    return st.none() | s if spec.optional else s


@st.composite
def configs(draw):
    values = {n: draw(_value(n, s)) for n, s in SPECS.items() if s.kind != "activation"}
    names = SPECS["activation"].options()
    per_layer = st.lists(st.sampled_from(names), min_size=len(values["hidden"]),
                         max_size=len(values["hidden"])).map(tuple)
    values["activation"] = draw(st.sampled_from(names) | per_layer if values["hidden"]
                                else st.sampled_from(names))
    # wide networks only on as many examples as MAX_WORK allows (that refusal has its own test)
    per_example = RunConfig(**{**values, "n_samples": 10}).work // 10
    values["n_samples"] = max(10, min(values["n_samples"], MAX_WORK // per_example))
    return RunConfig(**values)


FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(configs())
def test_round_trip_dict_and_json(c):
    d = c.to_dict()
    assert d["version"] == 1
    assert RunConfig.from_dict(d) == c
    assert RunConfig.from_dict(json.loads(json.dumps(d))) == c
    assert RunConfig.from_json(c.to_json()) == c


@FAST
@given(configs())
def test_round_trip_query(c):
    q = c.to_query()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in q.items())
    assert set(q) == {n for n in SPECS if getattr(c, n) != DEFAULTS[n]}
    back, warnings = RunConfig.from_query(q, strict=True)
    assert back == c and warnings == []


def test_query_text_forms():
    c = RunConfig(hidden=(10, 5), activation=("relu", "tanh"), batch_size=32, learning_rate=0.1)
    assert c.to_query() == {"hidden": "10,5", "activation": "relu,tanh", "batch_size": "32",
                            "learning_rate": "0.1"}
    assert RunConfig(hidden=()).to_query() == {"hidden": "none"}
    assert RunConfig(init_scale=0.5).replace(init_scale=None).to_query() == {}
    assert RunConfig.from_query({"lr": "0.5", "batch_size": "all"})[0].learning_rate == 0.5


def test_from_dict_is_strict():
    with pytest.raises(ConfigError, match="bogus") as info:
        RunConfig.from_dict({"version": 1, "bogus": 1, "hidden": [3]})
    assert info.value.field == "bogus"
    for version in (2, "1", True, None):
        with pytest.raises(ConfigError, match="version"):
            RunConfig.from_dict({"version": version})
    with pytest.raises(ConfigError):
        RunConfig.from_dict([1, 2])
    assert RunConfig.from_dict({"hidden": [3], "activation": ["relu"]}).hidden == (3,)


@pytest.mark.parametrize("text", ["{", "", "[1]", '{"learning_rate": NaN}', '{"n_samples": 1e400}',
                                  "[" * 100_000, " " * 100_001 + "{}", '"x"', '{"seed": -1}'])
def test_from_json_bad_input(text):
    with pytest.raises(ConfigError):
        RunConfig.from_json(text)


def test_from_json_names_the_reason():
    with pytest.raises(ConfigError, match="invalid config JSON: Expecting"):
        RunConfig.from_json("{'single': 'quotes'}")


# ---------------------------------------------------------------- lenient URL parsing
LENIENT = [  # params, keys that must appear in the warnings, fields expected to differ from default
    ({"bogus": "1"}, ["bogus"], {}),
    ({"hidden": str(10**9)}, ["hidden", str(10**9), "512"], {}),
    ({"hidden": "-1"}, ["hidden", "-1"], {}),
    ({"layers": "-1", "units": "5"}, ["layers", "units"], {}),
    ({"hidden": "8,"}, ["hidden", "8,"], {}),
    ({"hidden": ""}, ["hidden"], {}),
    ({"hidden": ",".join(["8"] * 17)}, ["hidden"], {}),
    ({"lr": "nan"}, ["lr", "nan", "1e-06"], {}),
    ({"lr": "inf"}, ["lr", "inf"], {}),
    ({"lr": "0"}, ["lr"], {}),
    ({"lr": "-1"}, ["lr", "-1"], {}),
    ({"learning_rate": "1e9"}, ["learning_rate", "1e9", "10"], {}),
    ({"learning_rate": "1e400"}, ["learning_rate"], {}),
    ({"learning_rate": "0x10"}, ["learning_rate"], {}),
    ({"n_samples": "abc", "seed": "3"}, ["n_samples", "abc"], {"seed": 3}),
    ({"n_samples": "1.5"}, ["n_samples"], {}),
    ({"noise": "x" * 1000}, ["noise", "1000"], {}),
    ({"x" * 1000: "1"}, ["xxx"], {}),
    ({"seed": ["1", "2"]}, ["seed"], {"seed": 2}),
    ({"seed": []}, ["seed"], {}),
    ({"seed": 5}, ["seed"], {}),
    ({"activation": "relu,tanh,relu"}, ["activation"], {}),  # 3 names for 2 layers
    ({"activation": "relu,tanh,relu", "hidden": "4,4,4"}, [], {"activation": ("relu", "tanh", "relu"),
                                                            "hidden": (4, 4, 4)}),
    ({"activation": "relu,,tanh"}, ["activation"], {}),
    ({"activation": "relu,"}, ["activation"], {}),  # a 1-layer list for 2 hidden layers
    ({"dataset": "", "optimizer": "Adam"}, ["dataset"], {"optimizer": "adam"}),
    ({"batch_size": "all", "init_scale": "none", "loss": "none"}, [], {}),
    ({"features": "x1,x1"}, ["features"], {}),
    ({"dropout": "1"}, ["dropout", "[0, 0.999]"], {}),
    ({"lr": "0.1", "learning_rate": "0.2"}, ["learning_rate"], {"learning_rate": 0.2}),
]


@pytest.mark.parametrize("params,mentions,changed", LENIENT, ids=[str(p)[:50] for p, _, _ in LENIENT])
def test_from_query_is_lenient(params, mentions, changed):
    config, warnings = RunConfig.from_query(params)
    text = "\n".join(warnings)
    for word in mentions:
        assert word in text
    assert bool(warnings) == bool(mentions)
    assert config == RunConfig(**changed)
    if warnings:
        with pytest.raises(ConfigError):
            RunConfig.from_query(params, strict=True)


def test_from_query_keeps_the_good_keys():
    config, warnings = RunConfig.from_query(
        {"hidden": "4,3", "lr": "nan", "optimizer": "adam", "bogus": "x", "seed": "12"})
    assert (config.hidden, config.optimizer, config.seed, config.learning_rate) == ((4, 3), "adam", 12, 0.03)
    assert len(warnings) == 2


def test_from_query_never_raises_on_junk():
    for params in ({}, {"": ""}, {None: None}, {"seed": None}, {"hidden": ["1", None]}, None, 42,
                   {str(i): str(i) for i in range(500)}):
        config, warnings = RunConfig.from_query(params)
        assert config == RunConfig()


# ---------------------------------------------------------------- build
SMALL = RunConfig(n_samples=60, hidden=(5, 3))


def test_build_layer_sizes_and_types():
    run = build(SMALL)
    assert isinstance(run, Run)
    assert list(run.network.layer_sizes) == [2, 5, 3, 1]
    assert run.dataset.X_train.shape[1] + run.dataset.X_test.shape[1] == 60
    multi = build(SMALL.replace(dataset="blobs3", features=("x1", "x2", "x1_x2"), hidden=(4,),
                                activation=("leaky_relu",), leaky_slope=0.2))
    assert list(multi.network.layer_sizes) == [3, 4, 3]
    assert multi.network.loss.name == "softmax_ce"
    assert build(SMALL.replace(dataset="plane", hidden=())).network.loss.name == "mse"


def _params(run):
    return {k: np.array(v) for k, v in run.network.params.items()}


def test_build_is_deterministic_in_the_seed():
    a, b, c = _params(build(SMALL)), _params(build(SMALL)), _params(build(SMALL.replace(seed=1)))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert any(not np.array_equal(a[k], c[k]) for k in a if k.startswith("W"))


def test_build_uses_the_knobs():
    run = build(SMALL.replace(activation=("leaky_relu", "tanh"), leaky_slope=0.3, dtype="float32",
                              init="zeros"))
    assert run.network.dtype == np.float32
    assert all(not np.any(v) for v in run.network.params.values())
    z = np.array([-1.0])
    assert run.network.activations[1](z)[0] == pytest.approx(-0.3)


@pytest.mark.parametrize("dataset,loss", [("circles", "softmax_ce"), ("blobs3", "bce"),
                                          ("plane", "bce"), ("plane", "softmax_ce"), ("blobs3", "mae")])
def test_loss_must_fit_the_task(dataset, loss):
    with pytest.raises(ConfigError) as info:
        build(SMALL.replace(dataset=dataset, loss=loss))
    assert info.value.field == "loss" and loss in str(info.value)


def test_csv_needs_a_dataset():
    with pytest.raises(ConfigError) as info:
        build(SMALL.replace(dataset="csv"))
    assert info.value.field == "dataset"
    given_data = build(RunConfig(dataset="moons", n_samples=30)).dataset
    run = build(SMALL.replace(dataset="csv"), dataset=given_data)
    assert run.dataset is given_data


def test_work_limit_spares_every_sidebar_network_and_refuses_a_server_filling_link():
    # the sidebar's largest choice: 8 hidden layers of 64 units, all 7 features, 2,000 examples
    biggest = RunConfig(hidden=(64,) * 8, n_samples=2000,
                        features=("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"))
    assert biggest.work < MAX_WORK / 4
    with pytest.raises(ConfigError, match="too large") as err:
        RunConfig(hidden=(512,) * 16, n_samples=20000)
    assert err.value.field == "hidden"
    assert RunConfig(hidden=(512,) * 16, n_samples=10).work < MAX_WORK  # big and few: allowed


def test_target_cost_goes_through_every_codec_and_reaches_the_trainer():
    c = RunConfig(target_cost=0.05)
    assert c.to_query() == {"target_cost": "0.05"}
    assert RunConfig.from_query({"target_cost": "0.05"})[0] == c == RunConfig.from_json(c.to_json())
    assert RunConfig.from_query({"target_cost": "none"})[0].target_cost is None
    assert build(c.replace(n_samples=40, hidden=(3,))).trainer.target_cost == 0.05
    assert build(RunConfig(n_samples=40, hidden=(3,))).trainer.target_cost is None
