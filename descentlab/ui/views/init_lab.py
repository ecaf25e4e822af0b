"""The Initialization lab's Streamlit glue: which schemes run (from the pickers, a preset or the
link), the group of runs trained in lockstep, the live frame and the two static experiments.

The network, data and training settings are the shared sidebar's, so a preset, a share link, the
Playground and this page all speak about the same run; only the initial weights differ per variant.
Math lives in descentlab.lessons.init_experiments, figures in descentlab.viz.init_lab."""
from __future__ import annotations

import hashlib
import html

import numpy as np
import streamlit as st

from descentlab.engine import cost
from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.config_change import changed_fields
from descentlab.lessons import init_experiments
from descentlab.lessons.init_experiments import (
    CLASSIC_CONFIG,
    CLASSIC_SCHEMES,
    DEFAULT_CONSTANT,
    DEFAULT_LARGE_SCALE,
    DEFAULT_SCHEMES,
    KINDS,
    Scheme,
    activation_study,
    build_lab_group,
    classic_experiment,
    distinct_per_layer,
    parse_schemes,
)
from descentlab.ui import budget, session_runs
from descentlab.ui.config_panel import SPEEDS, load_widgets
from descentlab.ui.live import player
from descentlab.ui.live.elements import live_chart, live_html
from descentlab.ui.screen_fit import ROW_GROW, fitted
from descentlab.ui.state import (
    Keys,
    current_config,
    held,
    keep_widgets,
    notify,
    restore_widgets,
    start_run,
)
from descentlab.ui.theme import STATUS_CSS, follow_latest, style
from descentlab.ui.user_text import md_text
from descentlab.viz import init_lab as figs
from descentlab.viz.text import number
from descentlab.viz.variants import coincide_caption

LAB = "init_lab"  # the lab kind this page's presets name (descentlab.engine.presets.LABS)
PREFIX = "init"


class K:
    """Session-state and widget keys of this page, all prefixed "init_"."""
    GROUP = "init_group"            # descentlab.engine.group.TrainerGroup being trained
    BUILT_FROM = "init_built_from"  # (base config, scheme tokens) the group was built from
    SCHEMES = "init_schemes"        # multiselect: scheme kinds
    SCALE = "init_random_scale"     # select_slider: s in random × s
    CONSTANT = "init_constant"      # the value of "constant c" (set by links and presets only)
    SPEED = "init_speed"            # the live loop's most iterations per frame
    REWIND = "init_rewind"
    DEEP_ACT = "init_deep_activation"
    DEEP_LAYERS = "init_deep_layers"
    DEEP_UNITS = "init_deep_units"
    DEEP_STEPS = "init_deep_steps"
    KEPT = "init_kept"              # the pickers' values, kept while another page is open
    SHOW_CLASSIC = "init_show_classic"
    BTN_CLASSIC = "init_btn_classic"
    BTN_CLASSIC_LIVE = "init_btn_classic_live"


KIND_NAMES = {"zeros": "zeros", "small": "random × 0.01 (the course)", "scaled": "random × scale",
              "xavier": "Xavier", "he": "He", "constant": "constant (symmetry without zeros)"}
SCALES = (0.001, 0.003, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # not 0.01: that is the course's scheme
DEEP_ACTIVATIONS = ("tanh", "sigmoid", "relu")
DEEP_UNITS = (8, 16, 32, 64)
DEEP_STEPS = (10, 100, 300, 1000)
MAX_LINK_CHARS = 200
REDUCE_SCHEMES = "Pick fewer schemes, or use fewer or narrower hidden layers, or fewer examples."

PAGE_CSS = STATUS_CSS + """<style>
.dl-status .dl-sub {font-size: 0.875rem; opacity: 0.8;}
.dl-status.dl-big .dl-sub {font-size: 1.2rem;}
.dl-swatch {display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px; margin-right: 0.3em;}
</style>"""


# ---------------------------------------------------------------- which schemes
def restore_pickers() -> None:
    """Before the sidebar and the pickers are drawn: the pickers' values from the last visit (a preset
    or the share link may then set them: descentlab.ui.lab_page)."""
    restore_widgets(K.KEPT)


def _keep(*keys) -> None:
    keep_widgets(K.KEPT, keys)


def _set_schemes(schemes) -> None:
    """Write schemes into the pickers' state (only before the pickers are drawn, or in a callback)."""
    ss = st.session_state
    ss[K.SCHEMES] = [s.kind for s in schemes]
    for s in schemes:
        if s.kind == "scaled":
            ss[K.SCALE] = s.scale
        elif s.kind == "constant":
            ss[K.CONSTANT] = s.scale


def _from_tokens(tokens, source: str) -> None:
    schemes, ignored = parse_schemes(tokens)
    for why in ignored:
        notify("warning", f"Ignored from the {source}: {why}")
    if schemes:
        _set_schemes(schemes)


def take_preset(preset) -> None:
    """A preset opened for this page: its varied values become the schemes (its config is already the
    run: descentlab.ui.lab_page.adopt_preset)."""
    field, values = preset.vary
    if field == "init":
        scale = preset.config.init_scale
        _from_tokens([f"random:{scale}" if v == "random" and scale else str(v) for v in values], "preset")
    elif field == "init_scale":
        _from_tokens([f"random:{v}" for v in values], "preset")
    else:
        notify("warning", f"The preset varies {field}; this page compares initializations (see Compare).")


def take_link(vary: str | None, text: str | None) -> None:
    """The share link's vary/values (descentlab.ui.lab_page reads them once per session); bad parts
    are named in a warning, never fatal."""
    if vary is not None and vary != "init":
        notify("warning", f"Ignored from the link: vary={vary[:40]!r} (this page varies init only)")
    if not text:
        return
    if len(text) > MAX_LINK_CHARS:
        notify("warning", f"Ignored from the link: values is too long ({len(text)} characters)")
        return
    _from_tokens([t for t in text.split(",") if t.strip()], "link")


def scheme_pickers() -> list[Scheme]:
    """The schemes multiselect and the scale of random × scale; returns the chosen schemes in a
    fixed order (so each scheme keeps its place and colour)."""
    ss = st.session_state
    ss.setdefault(K.SCHEMES, [s.kind for s in DEFAULT_SCHEMES])
    ss.setdefault(K.SCALE, DEFAULT_LARGE_SCALE)
    ss.setdefault(K.CONSTANT, DEFAULT_CONSTANT)
    left, right = st.columns([3, 1])
    kinds = left.multiselect("Initialization schemes (b = 0 in every one)", KINDS, key=held(K.SCHEMES),
                             format_func=KIND_NAMES.get, max_selections=6,
                             help="Each scheme is one run of the sidebar's network, data and seed.")
    scales = tuple(sorted(set(SCALES) | {ss[K.SCALE]}))
    scale = right.select_slider("Scale of random × scale", scales, key=held(K.SCALE), format_func=lambda x: f"{x:g}",
                                disabled="scaled" not in kinds)
    _keep(K.SCHEMES, K.SCALE)
    values = {"scaled": scale, "constant": ss[K.CONSTANT]}
    return [Scheme(k, values.get(k)) for k in KINDS if k in kinds]


def link_values(schemes) -> dict[str, str]:
    return {"vary": "init", "values": ",".join(s.token for s in schemes)}


# ---------------------------------------------------------------- the group
def group():
    return st.session_state[K.GROUP]


def make_loop() -> player.Loop:
    return player.page_loop(PREFIX, group)


def current_group(schemes, loop: player.Loop) -> bool:
    """Build the group for (sidebar config, schemes) if it changed. A new learning rate alone
    continues the runs; anything else restarts them. False (with an error shown) if it cannot."""
    ss = st.session_state
    base = current_config()
    built_from = (base.replace(init="he", init_scale=None), tuple(s.token for s in schemes))
    old = ss.get(K.BUILT_FROM)
    if old == built_from and K.GROUP in ss:
        return True
    if old is not None and K.GROUP in ss and old[1] == built_from[1] \
            and changed_fields(old[0], built_from[0]) <= {"learning_rate"}:
        for tr in group().trainers:
            tr.set_learning_rate(base.learning_rate)
        ss[K.BUILT_FROM] = built_from
        return True
    dataset = ss.get(Keys.UPLOADED) if base.dataset == "csv" else None
    try:
        with budget.admitted("init_lab", cost.group([s.config(base) for s in schemes], dataset),
                             f"Training {len(schemes)} schemes", REDUCE_SCHEMES):
            ss[K.GROUP] = build_lab_group(base, schemes, dataset)
    except (ConfigError, ValueError, budget.Refused, MemoryError) as exc:
        st.error(f"Could not build the runs: {md_text(budget.reason(exc))}")  # may quote CSV columns
        return False
    ss[K.BUILT_FROM] = built_from
    loop.stop()
    return True


def controls_row(loop: player.Loop) -> None:
    left, right = st.columns([3, 1])
    with left:
        player.controls(loop, reset_help="Every scheme back to iteration 0 with its initial weights")
    # a short value under a visible name: "≤ 50 iterations / frame" as the value ran into the sliders above
    right.select_slider("Most iterations per frame", SPEEDS, key=held(K.SPEED), format_func=lambda n: f"≤ {n}")
    _keep(K.SPEED)


def rewind_slider(loop: player.Loop) -> int | None:
    """While paused: the iteration whose weights and gradients are shown (None = now)."""
    trainers = group().trainers
    its = max(trainers, key=lambda tr: tr.iteration).snapshots.iterations
    if loop.playing or len(its) < 2:
        return None
    follow_latest(K.REWIND, its)
    at = st.select_slider("Rewind: show the weights and gradients as they were at iteration", its, key=K.REWIND)
    return None if at == its[-1] else at


# ---------------------------------------------------------------- the live frame
def _colors(schemes) -> list[str]:
    return [figs.scheme_color(s.kind) for s in schemes]


def _row_at(trainer, iteration: int | None) -> dict:
    if iteration is None:
        return trainer.last_record  # no DataFrame needed
    history = trainer.history
    return history[history["iteration"] <= iteration].iloc[-1].to_dict()


def status_html(schemes, g, big: bool) -> str:
    """The status line of group ``g``: the iteration, and each scheme's cost and score (or where it
    diverged)."""
    its = f"{g.iteration:,}"
    cells = [f'<div><div class="dl-name">Iteration</div><div class="dl-value">{its}</div></div>']
    for s, v in zip(schemes, g.variants):
        row = v.trainer.last_record
        state = f"diverged at {v.trainer.diverged_at:,}" if v.trainer.diverged else _score(row)
        swatch = f'<span class="dl-swatch" style="background:{figs.scheme_color(s.kind)}"></span>'
        # our own labels and numbers: nothing user-typed reaches this HTML
        cells.append(f'<div><div class="dl-name">{swatch}{html.escape(v.label)}</div>'
                     f'<div class="dl-value">J {number(row["cost_train"], 3)}</div><div class="dl-sub">{state}</div></div>')
    return f'<div class="dl-status{" dl-big" if big else ""}">{"".join(cells)}</div>'


def _score(row: dict) -> str:
    for key, text in (("accuracy_test", "test acc. {:.0%}"), ("r2_test", "test R² {:.2f}"),
                      ("accuracy_train", "train acc. {:.0%}"), ("r2_train", "train R² {:.2f}")):
        if np.isfinite(row.get(key, np.nan)):
            return text.format(row[key])
    return ""


def frame(schemes, rewind: int | None) -> None:
    """Everything that changes while training: status, cost, gradients, weights, distinct units. The
    live elements get functions of the group, so live frames can make them again
    (descentlab.ui.live.route); what the widgets say is read here, once."""
    g, s, colors = group(), style(), _colors(schemes)
    labels = [v.label for v in g.variants]
    for v in g.variants:  # the Runs page's list
        session_runs.note_trainer(v.trainer, f"Init lab: {v.label}", "Initialization lab", v.config)
    big = bool(st.session_state.get(Keys.PRESENTATION))
    live_html(lambda: status_html(schemes, g, big), key="init_live_status")
    net = g.variants[0].run.network
    L, hidden = net.L, list(net.layer_sizes[1:-1])
    shown = range(1, min(L, 2) + 1)

    def params():
        return [v.trainer.network.params if rewind is None else v.trainer.params_at(rewind) for v in g.variants]

    def distinct(ps):
        return [distinct_per_layer(p, len(hidden)) for p in ps]

    def training():
        rows = [_row_at(v.trainer, rewind) for v in g.variants]
        norms = [[r.get(f"grad_norm_{l}", np.nan) for l in range(1, L + 1)] for r in rows]
        # under the controls and the status line on a 1280x720 screen (descentlab.ui.screen_fit)
        return figs.training_figure([v.trainer.history for v in g.variants], norms, labels, colors,
                                    style=fitted(s, 314, 314))

    def symmetry():
        ps = params()
        return figs.symmetry_figure([[p[f"W{l}"] for l in shown] for p in ps], distinct(ps), labels, colors,
                                    hidden, style=s)
    live_chart(training, key="init_live_training", grow=ROW_GROW,
               caption=coincide_caption(labels, [v.trainer.history for v in g.variants]))
    left, right = st.columns([2, 1])
    with left:
        live_chart(symmetry, key="init_live_weights")
    with right:
        live_chart(lambda: figs.distinct_units_figure(distinct(params()), hidden, labels, colors, style=s),
                   key="init_live_distinct")


# ---------------------------------------------------------------- activations per layer (static)
def _fingerprint(dataset) -> str:
    if dataset is None:
        return ""
    digest = hashlib.sha1(np.ascontiguousarray(dataset.X_train).tobytes())
    digest.update(np.ascontiguousarray(dataset.Y_train).tobytes())
    return digest.hexdigest()


@st.cache_data(show_spinner=False, max_entries=32)
def _study(config_json: str, tokens: tuple, steps: int, dataset_key: str, _dataset=None):
    # deterministic in its arguments (the data set enters through its fingerprint): safe to share
    return activation_study(RunConfig.from_json(config_json), parse_schemes(tokens)[0], steps, dataset=_dataset)


def activation_section(schemes) -> None:
    ss = st.session_state
    config = current_config()
    ss.setdefault(K.DEEP_ACT, config.activation if config.activation in DEEP_ACTIVATIONS else "tanh")
    ss.setdefault(K.DEEP_LAYERS, 6)
    ss.setdefault(K.DEEP_UNITS, 32)
    ss.setdefault(K.DEEP_STEPS, 100)
    c = st.columns([1.4, 1, 1, 1])  # room for all three activations' buttons ("relu" was cut at 1280 px)
    act = c[0].segmented_control("Activation", DEEP_ACTIVATIONS, key=held(K.DEEP_ACT)) or "tanh"
    layers = c[1].slider("Hidden layers", 3, 10, key=held(K.DEEP_LAYERS))
    units = c[2].select_slider("Units per layer", DEEP_UNITS, key=held(K.DEEP_UNITS))
    steps = c[3].select_slider("Steps N", DEEP_STEPS, key=held(K.DEEP_STEPS), format_func=lambda n: f"{n:,}")
    _keep(K.DEEP_ACT, K.DEEP_LAYERS, K.DEEP_UNITS, K.DEEP_STEPS)
    if not schemes:
        return
    deep = config.replace(hidden=(units,) * layers, activation=act)
    dataset = ss.get(Keys.UPLOADED) if deep.dataset == "csv" else None
    try:
        what = f"Training {len(schemes)} networks of {layers} layers for {steps:,} steps"
        with budget.computing(cost.group([s.config(deep) for s in schemes], dataset), steps, what,
                              "Use fewer steps, layers or units, or fewer examples."), st.spinner(what + "…"):
            studies = _study(deep.to_json(), tuple(s.token for s in schemes), steps, _fingerprint(dataset), dataset)
    except (ConfigError, ValueError, budget.Refused, MemoryError) as exc:
        st.error(f"Could not run this experiment: {md_text(budget.reason(exc))}")
        return
    st.plotly_chart(figs.activation_histograms_figure(studies, _colors(schemes), steps, style=style()),
                    key="init_hist_chart", config={"displaylogo": False})


# ---------------------------------------------------------------- the classic table (static)
@st.cache_data(show_spinner=False, max_entries=4)
def _classic(config_json: str, tokens: tuple, iterations: int):
    return classic_experiment(iterations, parse_schemes(tokens)[0], RunConfig.from_json(config_json))


def _open_classic_live() -> None:
    if start_run(CLASSIC_CONFIG):
        load_widgets(CLASSIC_CONFIG)
        _set_schemes(CLASSIC_SCHEMES)
        notify("info", "The classic experiment's network and schemes are loaded: press Play.")


def classic_section() -> None:
    ss = st.session_state
    iterations = init_experiments.CLASSIC_ITERATIONS  # read at call time: tests shorten it
    a, b = st.columns(2)
    if a.button("Run the classic experiment", key=K.BTN_CLASSIC, type="primary", icon=":material/table_chart:",
                help=f"{len(CLASSIC_SCHEMES)} runs × {iterations:,} iterations, computed once and then remembered"):
        ss[K.SHOW_CLASSIC] = True
    b.button("Train it live above", key=K.BTN_CLASSIC_LIVE, on_click=_open_classic_live, icon=":material/play_arrow:",
             help="Load the classic network and schemes into the runs above (and the sidebar)")
    if not ss.get(K.SHOW_CLASSIC):
        return
    with st.spinner(f"Training {len(CLASSIC_SCHEMES)} networks for {iterations:,} iterations (10–20 s, once)…"):
        table = _classic(CLASSIC_CONFIG.to_json(), tuple(s.token for s in CLASSIC_SCHEMES), iterations)
    hidden = ["iterations"] + (["diverged_at"] if table["diverged_at"].isna().all() else [])
    st.dataframe(table.drop(columns=hidden), hide_index=True, column_config={
        "scheme": "scheme", "first_cost": st.column_config.NumberColumn("J at start", format="%.4f"),
        "cost_train": st.column_config.NumberColumn("J train", format="%.6f"),
        "cost_test": st.column_config.NumberColumn("J test", format="%.6f"),
        "accuracy_train": st.column_config.NumberColumn("train accuracy", format="percent"),
        "accuracy_test": st.column_config.NumberColumn("test accuracy", format="percent"),
        "distinct_units": st.column_config.TextColumn("distinct units (layer 1, 2)"),
        "diverged_at": st.column_config.NumberColumn("diverged at")})
    st.caption(f"After {int(table['iterations'].max()):,} iterations; computed by the engine on this server.")
