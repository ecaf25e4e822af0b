"""Export as Python / as notebook (descentlab.engine.export): every exported script, run on its own
in a subprocess, prints the same training costs as the engine's history, to 1e-10 RELATIVE at
iterations 0, 50 and 100; a script whose math differs (one derivative changed) fails that check."""
from __future__ import annotations

import ast
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from descentlab.engine.activations import ACTIVATIONS
from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.datasets import load_csv, make_dataset
from descentlab.engine.export import (
    export_notebook,
    export_script,
    script_sections,
    starting_params,
)
from descentlab.engine.export.data import GENERATORS, data_sections

ITERATIONS, PRINT_EVERY = 100, 50
RTOL = 1e-10  # relative: |script - engine| <= 1e-10 * |engine|

CASES = {
    "tanh_gd": RunConfig(),
    "relu_momentum_l2": RunConfig(dataset="moons", activation="relu", optimizer="momentum", l2=0.01),
    "adam_minibatches": RunConfig(dataset="xor", optimizer="adam", learning_rate=0.01, batch_size=32,
                                  features=("x1", "x2", "x1_x2"), normalization="standardize"),
    "softmax_3_classes": RunConfig(dataset="spiral3", hidden=(16,), activation="relu", optimizer="adam",
                                   learning_rate=0.01),
    "dropout_step_schedule": RunConfig(dataset="gaussians", activation="relu", dropout=0.2, schedule="step",
                                       decay_steps=30, batch_size=50),
    "sigmoid_rmsprop_l1": RunConfig(dataset="spiral", activation="sigmoid", optimizer="rmsprop", l1=0.001,
                                    learning_rate=0.01, schedule="exponential", decay_steps=20),
    "regression_nesterov": RunConfig(dataset="plane", activation="leaky_relu", optimizer="nesterov",
                                     normalization="normalize_rows", features=("x1", "x2", "sin_x1", "x2_sq")),
    "mae_elu_swish": RunConfig(dataset="gaussian_bumps", loss="mae", init="glorot_uniform",
                               activation=("elu", "swish"), schedule="inverse_time", decay_steps=10),
    "fixed_interval_decay": RunConfig(dataset="moons", learning_rate=0.2, schedule="interval_inverse",
                                      decay_rate=1.0, decay_steps=10),
    "mse_softmax_gelu": RunConfig(dataset="blobs3", loss="mse", output_activation="softmax", activation="gelu",
                                  init="lecun_normal", init_scale=1.5, hidden=(5,)),
}


def engine_costs(config, dataset=None, params=None) -> dict[int, float]:
    run = build(config.replace(record_every=1), dataset=dataset)
    if params is not None:
        run.network.set_params(params)
        run.trainer.restart_from_current_weights()
    run.trainer.step(ITERATIONS)
    history = run.trainer.history
    return dict(zip(history.iteration.tolist(), history.cost_train.tolist()))


def run_script(text: str, tmp_path) -> dict[int, float]:
    path = tmp_path / "descentlab_run.py"
    path.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    return {int(t): float(c) for t, c in re.findall(r"Cost after iteration (\d+): (\S+)", out.stdout)}


def assert_same_costs(script: dict, engine: dict) -> None:
    assert sorted(script) == list(range(0, ITERATIONS + 1, PRINT_EVERY))
    for t, cost in script.items():
        assert abs(cost - engine[t]) <= RTOL * abs(engine[t]), (t, cost, engine[t])


def export(config, **kwargs) -> str:
    return export_script(config, iterations=ITERATIONS, print_every=PRINT_EVERY, **kwargs)


@pytest.mark.parametrize("name", CASES)
def test_script_prints_the_engines_costs(name, tmp_path):
    config = CASES[name]
    assert_same_costs(run_script(export(config), tmp_path), engine_costs(config))


@pytest.mark.parametrize("dropout", [0.0, 0.2])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_engine_activation_is_exported_and_agrees(activation, dropout, tmp_path):
    """An activation added to the engine's registry must be added to the export too (model.py's
    FORWARD, BACKWARD, HELPERS, and BACKWARD_FROM_Z where g' is read from A): this fails until it is."""
    config = RunConfig(hidden=(5,), activation=activation, n_samples=100, dropout=dropout)
    assert_same_costs(run_script(export(config), tmp_path), engine_costs(config))


def test_script_with_a_changed_derivative_fails_the_check(tmp_path):
    """The check above sees the math: tanh' written as 1 - A instead of 1 - A**2 changes the costs."""
    text = export(CASES["tanh_gd"])
    right = "dZ1 = dA1 * (1 - A1 ** 2)"
    assert text.count(right) == 1
    costs = run_script(text.replace(right, "dZ1 = dA1 * (1 - A1)"), tmp_path)
    with pytest.raises(AssertionError):
        assert_same_costs(costs, engine_costs(CASES["tanh_gd"]))


def imported_modules(text: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


def test_script_is_numpy_only_and_short_for_a_plain_run():
    text = export(RunConfig(hidden=(4,)))
    assert imported_modules(text) == {"numpy"}
    code = text.split("import numpy as np")[1]  # below the header's comments (the run's settings)
    assert "descentlab" not in code
    # only what the run uses: no optimizer state, schedule, penalty, dropout or mini-batch code
    for unused in ("beta", "learning_rate_at", "l2_lambda", "keep_prob", "random_mini_batches", "unpack", "softmax"):
        assert unused not in code, unused
    for lecture in ("Z1 = W1 @ X + b1", "A1 = np.tanh(Z1)", "dZ2 = A2 - Y", "dW2 = (1 / m) * dZ2 @ A1.T"):
        assert lecture in text
    assert len(text.splitlines()) < 200


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_data_section_regenerates_the_engines_arrays(name):
    features = ("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2")
    for config in (RunConfig(dataset=name, n_samples=97, noise=0.3, data_seed=7),
                   RunConfig(dataset=name, features=features, normalization="standardize", test_fraction=0.0),
                   RunConfig(dataset=name, features=features[2:5], normalization="normalize_rows")):
        namespace = {"np": np}
        for _, code in data_sections(config, None):
            exec(code, namespace)  # the script's own code, generated from validated config values
        want = make_dataset(config.dataset, config.n_samples, config.noise, config.test_fraction,
                            config.data_seed, config.features, config.normalization)
        for array in ("X_train", "Y_train", "X_test", "Y_test"):
            np.testing.assert_array_equal(namespace[array], getattr(want, array), err_msg=array)


def test_uploaded_csv_data_are_embedded(tmp_path):
    rng = np.random.default_rng(3)
    rows = ["a,b,c,label"] + [f"{x:.6f},{y:.6f},{z:.6f},{int(x * y > 0)}" for x, y, z in rng.uniform(-1, 1, (60, 3))]
    dataset = load_csv("\n".join(rows).encode(), test_fraction=0.2, seed=0)
    config = RunConfig(dataset="csv", hidden=(6,), optimizer="adam", learning_rate=0.02)
    text = export(config, dataset=dataset)
    assert "cannot be regenerated" in text and imported_modules(text) == {"base64", "zlib", "numpy"}
    assert_same_costs(run_script(text, tmp_path), engine_costs(config, dataset))


def test_shapes_pictures_are_embedded(tmp_path):
    config = RunConfig(dataset="shapes", n_samples=40, hidden=(3,), batch_size=16)
    run = build(config)
    text = export(config, dataset=run.dataset)
    assert_same_costs(run_script(text, tmp_path), engine_costs(config))


def test_weights_the_seed_does_not_give_are_embedded(tmp_path):
    config = RunConfig(hidden=(5,), activation="relu", dropout=0.1, batch_size=64)
    run = build(config)
    assert starting_params(run, config) is None  # a fresh run: the script regenerates its weights
    loaded = {k: np.random.default_rng(9).normal(size=v.shape) for k, v in run.network.params.items()}
    run.network.set_params(loaded)
    run.trainer.restart_from_current_weights()  # as a loaded saved run starts
    params = starting_params(run, config)
    assert params is not None and all(np.array_equal(params[k], loaded[k]) for k in loaded)
    text = export(config, initial_params=params)
    assert "initialize_parameters" not in text
    assert_same_costs(run_script(text, tmp_path), engine_costs(config, params=loaded))


def test_user_text_stays_inside_one_comment():
    title = 'x"""\nimport os\r\x0bos.system("echo hi")\u2028print(1)  # ' + "y" * 300
    text = export(RunConfig(), title=title)
    tree = ast.parse(text)
    calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert "system" not in calls and "os" not in imported_modules(text)
    first = text.splitlines()[0]
    assert first.startswith("# Descent Lab run, exported as Python: ") and len(first) < 160
    assert "eval(" not in text and "exec(" not in text


def test_notebook_validates_and_its_cells_give_the_same_costs(tmp_path):
    config = CASES["dropout_step_schedule"]
    nb = nbformat.reads(export_notebook(config, iterations=ITERATIONS, print_every=PRINT_EVERY), as_version=4)
    nbformat.validate(nb)
    kinds = [cell.cell_type for cell in nb.cells]
    assert kinds[0] == "markdown" and kinds.count("code") == len(script_sections(config))
    code = "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert_same_costs(run_script(code, tmp_path), engine_costs(config))


def test_tanh_dropout_matches_the_engine(tmp_path):
    config = RunConfig(dropout=0.2)
    assert_same_costs(run_script(export(config), tmp_path), engine_costs(config))


def reached_line(text: str, tmp_path) -> tuple[int, float, dict[int, float]]:
    path = tmp_path / "descentlab_run.py"
    path.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    found = re.findall(r"Reached J < \S+ at iteration (\d+): (\S+)", out.stdout)
    assert len(found) == 1, out.stdout
    costs = {int(t): float(c) for t, c in re.findall(r"Cost after iteration (\d+): (\S+)", out.stdout)}
    return int(found[0][0]), float(found[0][1]), costs


@pytest.mark.parametrize("name", ["tanh_gd", "dropout_step_schedule", "adam_minibatches"])
def test_script_stops_where_the_engine_reaches_the_target_cost(name, tmp_path):
    """"until J < epsilon": the script breaks at the engine's iteration and prints the engine's costs."""
    free = engine_costs(CASES[name])
    target = free[70] * (1 + 1e-9)  # reached at iteration 70 at the latest, somewhere in the run
    config = CASES[name].replace(target_cost=target)
    run = build(config)
    run.trainer.step(ITERATIONS)
    stop = run.trainer.target_reached_at
    assert stop is not None and 0 < stop <= 70 and run.trainer.iteration == stop
    at, cost, printed = reached_line(export(config), tmp_path)
    assert at == stop and abs(cost - free[stop]) <= RTOL * free[stop] and cost < target
    assert sorted(printed) == [t for t in range(0, ITERATIONS + 1, PRINT_EVERY) if t <= stop]
    for t, c in printed.items():
        assert abs(c - free[t]) <= RTOL * abs(free[t])


def test_the_target_is_checked_every_iteration_whatever_the_record_cadence(tmp_path):
    free = engine_costs(CASES["tanh_gd"])
    config = CASES["tanh_gd"].replace(target_cost=free[33] * (1 + 1e-9), record_every=10)
    run = build(config)
    run.trainer.step(ITERATIONS)
    assert run.trainer.target_reached_at == min(t for t, c in free.items() if c < config.target_cost)
    assert reached_line(export(config), tmp_path)[0] == run.trainer.target_reached_at
