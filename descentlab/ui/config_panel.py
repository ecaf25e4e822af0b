"""The one config panel every page shares: widgets in, a validated RunConfig out.

Its choice lists are the engine's registries (the RunConfig Specs, descentlab.engine.initializers,
descentlab.engine.optimizers), read when drawn: an initializer, optimizer, schedule or normalization
added to the engine appears here without a change to this file.

Widgets are keyed ``cfg_<field>`` and created with ``key=`` only; their values live in session state,
seeded from the config (``load_widgets``) whenever the config is set from outside (URL, preset,
uploaded config, New seed), so the panel always shows the run that is running."""
from __future__ import annotations

import streamlit as st

from descentlab.engine.activations import ACTIVATIONS
from descentlab.engine.config import SPECS, ConfigError, RunConfig
from descentlab.engine.datasets import DATASETS
from descentlab.engine.features import FEATURES
from descentlab.engine.initializers import (
    INITIALIZER_LABELS,
    SCALE_IS_ABSOLUTE,
    get_initializer,
    initializer_choices,
)
from descentlab.engine.losses import TASK_LOSSES
from descentlab.engine import optimizers
from descentlab.engine.optimizers import OPTIMIZER_OPTIONS
from descentlab.ui import classroom
from descentlab.ui.state import (
    Keys,
    apply_config,
    current_config,
    current_run,
    held,
    start_run,
)

LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PENALTIES = (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
BATCH_SIZES = (1, 2, 4, 8, 10, 16, 32, 64, 128, 256, "all")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
MAX_LAYERS, MAX_UNITS = 8, 64
NEW_LAYER_UNITS = 4  # a layer added (here or with the network diagram's "+") starts with this many units
DEFAULT_TARGET_COST = 0.05  # what "Stop when J < ε" offers first
# The slider of each optimizer option; which optimizer reads which is the engine's OPTIMIZER_OPTIONS.
# epsilon has none: its default suits every run here (a link or the CLI can still set it).
OPTION_SLIDERS = {
    "momentum": ("Momentum β", 0.0, 0.99, {"step": 0.01}),
    "rho": ("Decay ρ", 0.0, 0.999, {"step": 0.001, "format": "%.3f"}),
    "beta1": ("β₁", 0.0, 0.99, {"step": 0.01}),
    "beta2": ("β₂", 0.9, 0.9999, {"step": 0.0001, "format": "%.4f"}),
}


def _k(field: str) -> str:
    return f"cfg_{field}"


def load_widgets(config: RunConfig) -> None:
    """Write the config into the widgets' session state (call before the widgets are drawn)."""
    ss = st.session_state
    acts = config.activation if isinstance(config.activation, tuple) else (config.activation,) * len(config.hidden)
    values = {
        "dataset": config.dataset, "n_samples": config.n_samples, "noise": config.noise,
        "test_fraction": config.test_fraction, "features": list(config.features),
        "normalization": config.normalization, "layers": len(config.hidden),
        "same_activation": not isinstance(config.activation, tuple), "activation": acts[0] if acts else "tanh",
        "loss": config.loss or "default", "init": config.init, "init_scale": config.init_scale,
        "seed": config.seed, "optimizer": config.optimizer, "learning_rate": config.learning_rate,
        "momentum": config.momentum, "rho": config.rho, "beta1": config.beta1, "beta2": config.beta2,
        "schedule": config.schedule, "decay_rate": config.decay_rate,
        "decay_steps": config.decay_steps, "batch_size": config.batch_size or "all",
        "l1": config.l1, "l2": config.l2, "dropout": config.dropout,
        "stop_at_target": config.target_cost is not None, "target_cost": config.target_cost or DEFAULT_TARGET_COST,
    }
    for i, n in enumerate(config.hidden):
        values[f"units_{i}"] = n
        values[f"act_{i}"] = acts[i]
    for field, value in values.items():
        ss[_k(field)] = value


def _options(grid, value) -> tuple:
    """The slider's grid plus the config's own value, so a linked value off the grid is kept exactly."""
    return tuple(sorted(set(grid) | {value}))


def _seed_default(field: str, value) -> str:
    key = _k(field)
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _slider(label: str, lo, hi, field: str, default, **kwargs):
    """A slider over [lo, hi] widened to hold the current value: a linked config may use any value
    the engine accepts (e.g. 12 hidden layers), and Streamlit refuses a value outside the range."""
    key = _seed_default(field, default)
    value = st.session_state[key]
    cast = type(lo)
    return st.slider(label, cast(min(lo, value)), cast(max(hi, value)), key=key, **kwargs)


def _set_and_restart(**changes) -> None:
    new = current_config().replace(**changes)
    if start_run(new):
        load_widgets(new)


def config_panel() -> None:
    """Draw the panel in the sidebar and apply what the user changed."""
    config = current_config()
    if _k("dataset") not in st.session_state:
        load_widgets(config)
    # Streamlit ties a widget's value to the page that drew it: on another page the same key would
    # come back at the widget's default (0 layers, lr 1e-5...). Setting each value from code makes
    # it the user's value, which every page's widget then takes.
    for key in [k for k in st.session_state if str(k).startswith("cfg_")]:
        held(key)
    task = current_run().dataset.task
    sections = (("Data", True, lambda: _data_controls(config)),
                ("Network", True, lambda: _network_controls(config, task)),
                ("Initialization", False, lambda: _init_controls(config)),
                ("Training", True, lambda: _training_controls(config)))
    with st.sidebar:
        values = {}
        for title, expanded, draw in sections:
            if classroom.hidden(title.lower()):
                continue  # a classroom link hides it: the link's values stand
            with st.expander(title, expanded=expanded):
                values.update(draw())
    try:
        new = config.replace(**values)
    except ConfigError as exc:
        st.sidebar.error(str(exc))
        return
    apply_config(new)


_DATA_LABELS = {"csv": "csv", "draw": "draw — Your own points: click on the plane to add them (Playground)"}


def _data_controls(config):
    names = [n for n in DATASETS] + ["draw"] + (["csv"] if st.session_state.get(Keys.UPLOADED) is not None else [])
    v = {"dataset": st.selectbox("Data set", names, key=_seed_default("dataset", config.dataset),
                                 format_func=lambda n: _DATA_LABELS.get(n) or f"{n} — {DATASETS[n].description}")}
    drawn = v["dataset"] == "draw"  # its points are drawn: no sample count, and every point trains
    if not drawn:
        v["n_samples"] = _slider("Samples", 50, 2000, "n_samples", config.n_samples, step=50)
    v["noise"] = _slider("Noise", 0.0, 0.5, "noise", config.noise, step=0.05)
    if not drawn:
        v["test_fraction"] = _slider("Test share", 0.0, 0.9, "test_fraction", config.test_fraction, step=0.05)
    if DATASETS.get(v["dataset"]) is None or DATASETS[v["dataset"]].kind == "points":
        feats = st.multiselect("Input features", list(FEATURES), key=_seed_default("features", list(config.features)),
                               format_func=lambda k: FEATURES[k].label)
        v["features"] = tuple(feats) or config.features
    v["normalization"] = st.selectbox("Normalization", SPECS["normalization"].options(),
                                      key=_seed_default("normalization", config.normalization))
    st.button("New data", key="btn_new_data", help="Draw the data again with a new seed",
              on_click=_set_and_restart, kwargs={"data_seed": config.data_seed + 1})
    return v


def _network_controls(config, task):
    n_layers = _slider("Hidden layers", 0, MAX_LAYERS, "layers", len(config.hidden))
    same = st.toggle("Same activation in every layer", key=_seed_default("same_activation", True))
    hidden, acts = [], []
    if same:
        shared = st.selectbox("Activation", list(ACTIVATIONS), key=_seed_default("activation", "tanh"),
                              format_func=lambda n: ACTIVATIONS[n].label)
    for i in range(n_layers):
        default_units = config.hidden[i] if i < len(config.hidden) else NEW_LAYER_UNITS
        hidden.append(_slider(f"Units in layer {i + 1}", 1, MAX_UNITS, f"units_{i}", default_units))
        if not same:
            acts.append(st.selectbox(f"Activation of layer {i + 1}", list(ACTIVATIONS),
                                     key=_seed_default(f"act_{i}", "tanh"), format_func=lambda n: ACTIVATIONS[n].label))
    losses = ("default",) + TASK_LOSSES[task]
    loss = st.selectbox("Loss", losses, key=_seed_default("loss", config.loss or "default"),
                        format_func=lambda n: f"default ({TASK_LOSSES[task][0]})" if n == "default" else n)
    activation = shared if same else tuple(acts)
    if not same and not acts:
        activation = config.activation if isinstance(config.activation, str) else "tanh"
    return {"hidden": tuple(hidden), "activation": activation, "loss": None if loss == "default" else loss,
            "output_activation": None}


def _init_controls(config):
    init = st.selectbox("Scheme", initializer_choices(), key=_seed_default("init", config.init),
                        format_func=lambda n: INITIALIZER_LABELS.get(n, n), help=get_initializer(config.init).__doc__)
    v = {"init": init, "init_scale": None}
    if init in SCALE_IS_ABSOLUTE:
        default = config.init_scale if config.init_scale is not None else (0.01 if init == "random" else 0.05)
        v["init_scale"] = st.number_input("Scale", min_value=1e-4, max_value=100.0, format="%g",
                                          key=_seed_default("init_scale", default)) or None
    v["seed"] = int(st.number_input("Seed", 0, 2**32 - 1, step=1, key=_seed_default("seed", config.seed)))
    st.button("New seed", key="btn_new_seed", help="Draw new initial weights",
              on_click=_set_and_restart, kwargs={"seed": config.seed + 1})
    return v


def _target_cost(config) -> float | None:
    """The course's stopping rule "repeat until J < ε": off, or ε (0 also means off)."""
    stop = st.toggle("Stop when J < ε", key=_seed_default("stop_at_target", config.target_cost is not None),
                     help="Pause the run at the first iteration whose training cost J is below ε")
    if not stop:
        return None
    target = st.number_input("ε (target training cost)", min_value=0.0, max_value=1e6, step=0.01, format="%g",
                             key=_seed_default("target_cost", config.target_cost or DEFAULT_TARGET_COST))
    return target or None


def _training_controls(config):
    v = {"optimizer": st.selectbox("Optimizer", SPECS["optimizer"].options(),
                                   key=_seed_default("optimizer", config.optimizer))}
    v["learning_rate"] = st.select_slider("Learning rate α", _options(LEARNING_RATES, config.learning_rate),
                                          format_func=lambda x: f"{x:g}",
                                          key=_seed_default("learning_rate", config.learning_rate))
    for option in OPTIMIZER_OPTIONS.get(v["optimizer"], ()):
        if option in OPTION_SLIDERS:
            label, lo, hi, kwargs = OPTION_SLIDERS[option]
            v[option] = _slider(label, lo, hi, option, getattr(config, option), **kwargs)
    v["schedule"] = st.selectbox("Schedule", SPECS["schedule"].options(),
                                 format_func=lambda name: optimizers.SCHEDULE_LABELS.get(name, name),
                                 key=_seed_default("schedule", config.schedule))
    if v["schedule"] != "constant":
        v["decay_rate"] = _slider("Decay rate", 0.05, 1.0, "decay_rate", config.decay_rate, step=0.05)
        v["decay_steps"] = int(st.number_input("Decay every (iterations)", 1, 10**7,
                                               key=_seed_default("decay_steps", config.decay_steps)))
    sizes = _options(BATCH_SIZES[:-1], config.batch_size) if config.batch_size else BATCH_SIZES[:-1]
    batch = st.select_slider("Batch size", (*sizes, "all"), key=_seed_default("batch_size", config.batch_size or "all"))
    v["batch_size"] = None if batch == "all" else int(batch)
    v["l2"] = st.select_slider("L2 penalty λ", _options(PENALTIES, config.l2), format_func=lambda x: f"{x:g}",
                               key=_seed_default("l2", config.l2))
    v["l1"] = st.select_slider("L1 penalty λ", _options(PENALTIES, config.l1), format_func=lambda x: f"{x:g}",
                               key=_seed_default("l1", config.l1))
    v["dropout"] = _slider("Dropout", 0.0, 0.8, "dropout", config.dropout, step=0.05)
    v["target_cost"] = _target_cost(config)
    st.select_slider("Speed (most iterations per frame)", SPEEDS, key=held(Keys.SPEED))
    return v
