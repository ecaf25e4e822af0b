"""Compare page glue: which field varies and its values (pickers, share link, presets), the group of
variants built from the sidebar's base config, and what each frame shows.

The math is descentlab.engine.group's (variants in lockstep on the same data and seed); the figures are
descentlab.viz.compare's. Here we only pick, place and remember."""
from __future__ import annotations

import dataclasses
import html
import math
import numbers
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from descentlab.engine import cost
from descentlab.engine.activations import ACTIVATIONS
from descentlab.engine.config import (
    MAX_QUERY_VALUE,
    ConfigError,
    RunConfig,
    format_value,
    parse_value,
)
from descentlab.engine.datasets import DATASETS
from descentlab.engine.features import FEATURES, NORMALIZATIONS
from descentlab.engine.group import (
    DATA_FIELDS,
    MAX_VARIANTS,
    TrainerGroup,
    build_group,
)
from descentlab.engine.initializers import INITIALIZER_LABELS, initializer_choices
from descentlab.engine.optimizers import OPTIMIZERS, SCHEDULES
from descentlab.engine.presets import Preset
from descentlab.ui import budget, session_runs
from descentlab.ui.config_panel import LEARNING_RATES, PENALTIES
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
)
from descentlab.ui.theme import STATUS_CSS, style
from descentlab.ui.theme import status_html as status_line_html
from descentlab.ui.user_text import md_text
from descentlab.viz import compare as vc
from descentlab.viz import runs as vr
from descentlab.viz.variants import coincide_caption

LAB = "compare"  # the lab kind this page's presets name (descentlab.engine.presets.LABS)
GRID_RESOLUTION = 48  # per small multiple: six of them redraw every frame
REDUCE_VARIANTS = "Compare fewer values, or use fewer or narrower hidden layers, or fewer examples."
# Width of the boundaries' column on a wide page at 1600 px: squares are sized to fill it; a wider
# screen centres them, a narrower one shrinks them (they stay under their titles).
BOUNDARY_WIDTH = 700
SEPARATOR = ";"    # between values in the link (a value itself may hold commas: hidden=8,8)


class CmpKeys:
    GROUP = "cmp_group"          # descentlab.engine.group.TrainerGroup being trained
    SPEC = "cmp_spec"            # (base config, field, values, data) the group was built from
    EXTRA = "cmp_extra_"         # + field: values from a link or preset that are not on the picker's grid
    VARY = "cmp_vary"            # widget: the varied field
    VALUES = "cmp_values_"       # widget: + field, the values compared
    TARGET = "cmp_target"        # widget: target cost for "iterations to target"
    LOG_Y = "cmp_log_y"          # widget: log cost axis
    PLAYING = "cmp_playing"      # the live loop's flag (player.page_loop("cmp") names it)
    LIVE = "cmp_live"            # container of what each frame redraws; its charts: cmp_live_cost, _boundaries
    KEPT = "cmp_kept"            # the pickers' values, kept while another page is open


@dataclass(frozen=True)
class Dimension:
    """One field the page can vary: its picker's options, the values it starts with, and how a value
    reads as an option and as a variant's label."""
    label: str
    options: tuple
    default: tuple
    name: Callable[[object], str]


def _g(prefix: str) -> Callable[[object], str]:
    return lambda v: f"{prefix}{v:g}"


def _hidden(v) -> str:
    return "-".join(map(str, v)) if v else "no hidden layer"


def _features(v) -> str:
    return ", ".join(FEATURES[f].label for f in v)


def _activation(v) -> str:
    return ACTIVATIONS[v].label if isinstance(v, str) else "-".join(v)


_BASE_FEATURES = ("x1", "x2")
DIMENSIONS: dict[str, Dimension] = {
    "activation": Dimension("Activation", tuple(ACTIVATIONS), ("sigmoid", "tanh", "relu"), _activation),
    "init": Dimension("Initialization", initializer_choices(), ("zeros", "random", "he"), lambda v: INITIALIZER_LABELS[v]),
    "init_scale": Dimension("Init scale", (None, 0.001, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0), (0.01, 0.1, 1.0),
                            lambda v: "scale default" if v is None else f"scale {v:g}"),
    "learning_rate": Dimension("Learning rate α", LEARNING_RATES, (0.003, 0.03, 0.3), _g("α = ")),
    "optimizer": Dimension("Optimizer", tuple(OPTIMIZERS), ("gd", "momentum", "adam"), str),
    "schedule": Dimension("Learning-rate schedule", tuple(SCHEDULES), ("constant", "exponential", "inverse_time"),
                          str),
    "hidden": Dimension("Hidden layers (depth, width)",
                        ((), (2,), (4,), (8,), (16,), (32,), (4, 4), (8, 8), (16, 16), (32, 32), (8, 8, 8),
                         (16, 16, 16), (8, 8, 8, 8), (8,) * 6, (8,) * 8), ((4,), (8, 8), (8, 8, 8)), _hidden),
    "batch_size": Dimension("Batch size", (1, 4, 8, 16, 32, 64, 128, 256, None), (16, 64, None),
                            lambda v: "full batch" if v is None else f"batch {v}"),
    "l2": Dimension("L2 penalty λ", PENALTIES, (0.0, 0.01, 0.1), _g("L2 λ = ")),
    "l1": Dimension("L1 penalty λ", PENALTIES, (0.0, 0.001, 0.01), _g("L1 λ = ")),
    "dropout": Dimension("Dropout", (0.0, 0.1, 0.2, 0.3, 0.5, 0.7), (0.0, 0.2, 0.5), _g("dropout ")),
    "normalization": Dimension("Input normalization", tuple(NORMALIZATIONS), ("none", "standardize"), str),
    "features": Dimension("Input features",
                          (_BASE_FEATURES, _BASE_FEATURES + ("x1_sq", "x2_sq"), _BASE_FEATURES + ("x1_x2",),
                           _BASE_FEATURES + ("sin_x1", "sin_x2"), tuple(FEATURES)),
                          (_BASE_FEATURES, _BASE_FEATURES + ("x1_sq", "x2_sq")), _features),
    "seed": Dimension("Seed (initial weights)", tuple(range(10)), (0, 1, 2), _g("seed ")),
}
DEFAULT_FIELD = "activation"


def available(config: RunConfig) -> list[str]:
    """The fields that make sense for this base config: an uploaded CSV is used as is (no data
    fields), and only 2-D point data has input features to choose."""
    fields = list(DIMENSIONS)
    if config.dataset == "csv":
        return [f for f in fields if f not in DATA_FIELDS]
    if config.dataset == "draw":  # the drawn points, as drawn: no sample count, noise or test share
        return [f for f in fields if f not in DATA_FIELDS or f in ("features", "normalization")]
    if DATASETS[config.dataset].kind != "points":
        fields.remove("features")
    return fields


def build_comparison(base: RunConfig, field: str, values, dataset=None) -> TrainerGroup:
    """descentlab.engine.group.build_group, labelled as the picker names the values and priced first
    (descentlab.ui.budget): ConfigError / ValueError / budget.Refused if refused."""
    def admit(configs):
        what = f"Comparing {len(configs)} variants" if len(configs) > 1 else "The base config alone"
        return budget.admitted("compare", cost.group(configs.values(), dataset, GRID_RESOLUTION ** 2), what,
                               REDUCE_VARIANTS)
    return build_group(base, field, values, dataset, label=DIMENSIONS[field].name, admit=admit)


# ---- the link, presets and pickers ---------------------------------------------------------------

def parse_values(field: str, text: str) -> tuple[list, list[str]]:
    """``values`` from a link: (valid distinct values, at most MAX_VARIANTS; what was ignored and why)."""
    values, ignored = [], []
    for part in (p.strip() for p in text.split(SEPARATOR)):
        if not part:
            continue
        try:
            v = parse_value(field, part)
        except ConfigError as exc:
            ignored.append(str(exc))
            continue
        if v in values:
            continue
        if len(values) == MAX_VARIANTS:
            ignored.append(f"{part!r}: at most {MAX_VARIANTS} values are compared")
            continue
        values.append(v)
    return values, ignored


def link_values(field: str, values) -> dict[str, str]:
    """The page's share-link keys (state.PAGE_QUERY_KEYS) for this comparison."""
    return {"vary": field, "values": SEPARATOR.join(format_value(field, v) for v in values)}


def _set_pickers(field: str, values) -> None:
    ss = st.session_state
    values = list(values)[:MAX_VARIANTS]
    ss[CmpKeys.VARY] = field
    ss[CmpKeys.VALUES + field] = values
    extra = ss.setdefault(CmpKeys.EXTRA + field, [])
    extra += [v for v in values if v not in DIMENSIONS[field].options and v not in extra]


def restore_pickers() -> None:
    """The pickers' values as the user left them, if a visit to another page dropped them (before a
    preset or the link may change them): the same pickers keep the same group and its training."""
    ss = st.session_state
    restore_widgets(CmpKeys.KEPT)
    keep_widgets(CmpKeys.KEPT, [CmpKeys.VARY, CmpKeys.TARGET, CmpKeys.LOG_Y,
                                *(k for k in ss if isinstance(k, str) and k.startswith(CmpKeys.VALUES))])


def take_link(vary: str | None, raw: str | None) -> None:
    """The link's vary / values (descentlab.ui.lab_page reads them once per session); whatever is
    unusable is listed in a warning and the page opens with its defaults for it."""
    ignored = []
    fields = available(current_config())
    if vary is None:
        ignored.append("values given without vary")
    elif vary not in fields:
        shown = "".join(c if c.isalnum() or c == "_" else "?" for c in vary[:40])  # no markup from a link
        ignored.append(f"vary = {shown!r} (use one of {', '.join(fields)})")
    elif raw is not None and len(raw) > MAX_QUERY_VALUE:
        ignored.append(f"values: too long ({len(raw)} characters, max {MAX_QUERY_VALUE})")
    else:
        values, bad = parse_values(vary, raw or "")
        ignored += [f"values: {b}" for b in bad]
        _set_pickers(vary, values or DIMENSIONS[vary].default)
    if ignored:
        notify("warning", "Ignored from the link: " + "; ".join(ignored))


def take_preset(preset: Preset) -> None:
    """A preset opened for this page varies ``preset.vary``: those values go into the pickers (its
    config is already the run: descentlab.ui.lab_page.adopt_preset)."""
    field, values = preset.vary
    if field in DIMENSIONS:
        _set_pickers(field, values)
    else:
        notify("warning", f"Preset {preset.title!r} varies {field}, which this page cannot vary.")


def _options(field: str) -> list:
    dim = DIMENSIONS[field]
    options = list(dim.options) + [v for v in st.session_state.get(CmpKeys.EXTRA + field, []) if v not in dim.options]
    if all(isinstance(v, numbers.Real) for v in options):
        options.sort()
    return options


def pickers(config: RunConfig) -> tuple[str, list]:
    """One row: the varied field, its values (widgets cmp_vary, cmp_values_<field>), the target cost
    and the log-axis toggle. Returns (field, values)."""
    ss = st.session_state
    fields = available(config)
    if ss.get(CmpKeys.VARY) not in fields:
        ss[CmpKeys.VARY] = DEFAULT_FIELD
    ss.setdefault(CmpKeys.TARGET, 0.2)
    ss.setdefault(CmpKeys.LOG_Y, False)
    a, b, c, d = st.columns([1.3, 2.9, 1, 1], vertical_alignment="bottom")
    field = a.selectbox("Vary", fields, key=held(CmpKeys.VARY), format_func=lambda f: DIMENSIONS[f].label,
                        help="The one setting that differs between the variants; the rest is the sidebar's.")
    dim, key = DIMENSIONS[field], CmpKeys.VALUES + field
    if key not in ss:
        ss[key] = list(dim.default)
    values = b.multiselect(f"Values to compare (2 to {MAX_VARIANTS})", _options(field), key=held(key),
                           format_func=dim.name, max_selections=MAX_VARIANTS)
    c.number_input("Target cost", min_value=0.0, max_value=1e6, step=0.05, format="%g", key=held(CmpKeys.TARGET),
                   help="The table counts the iterations each variant needs to reach this training cost.")
    d.toggle("Log cost", key=CmpKeys.LOG_Y)  # as on the other pages; "Log cost axis" was cut at presentation size
    return field, values


def what_is_shared(field: str) -> str:
    """One line under the pickers: what differs between the variants and what they share."""
    own = DIMENSIONS[field].label.lower()
    if field == "seed":
        return "Every variant is the sidebar's run with its own seed: the same data, different initial weights."
    if field in DATA_FIELDS:
        return (f"Every variant is the sidebar's run with its own {own}, so its own copy of the data; "
                "the same seed, trained in lockstep.")
    return f"Every variant is the sidebar's run with its own {own}: the same data, the same seed, trained in lockstep."


def current_group(config: RunConfig, field: str, values: list) -> TrainerGroup:
    """The group for (base config, field, values), rebuilt when any of them changed. A refused
    comparison keeps the last one and says why."""
    ss = st.session_state
    if not values:
        st.warning("Pick at least one value (two or more to compare). Showing the base config alone.")
        values = [getattr(config, field)]
    elif len(values) == 1:
        st.info("Add a second value to compare.")
    dataset = ss.get(Keys.UPLOADED) if config.dataset == "csv" else None
    spec = (config, field, tuple(values), id(dataset))
    if ss.get(CmpKeys.SPEC) == spec and CmpKeys.GROUP in ss:
        return ss[CmpKeys.GROUP]
    try:
        group = build_comparison(config, field, values, dataset)
    except (ConfigError, ValueError, budget.Refused, MemoryError) as exc:
        st.error(f"Cannot compare those values with this base config: {md_text(budget.reason(exc))}")
        if CmpKeys.GROUP in ss:
            return ss[CmpKeys.GROUP]
        try:  # the base alone: the Playground's run, which was admitted, unless the room's memory is gone
            group = build_comparison(config, field, [getattr(config, field)], dataset)
        except (budget.Refused, MemoryError) as exc:
            st.error(md_text(budget.reason(exc)))
            st.stop()
        spec = None
    ss[CmpKeys.GROUP], ss[CmpKeys.SPEC] = group, spec
    ss[CmpKeys.PLAYING] = False  # a new comparison starts paused at iteration 0
    return group


def make_loop() -> player.Loop:
    # The sidebar's Speed slider (shared with the Playground) sets the most iterations per frame here too.
    loop = dataclasses.replace(player.page_loop("cmp", lambda: st.session_state[CmpKeys.GROUP]),
                               speed_key=Keys.SPEED, shows_divergence=True)  # in frame()'s alert
    assert loop.playing_key == CmpKeys.PLAYING
    loop.init()
    return loop


# ---- what each frame shows -----------------------------------------------------------------------

# Once per page, outside the live fragment. Streamlit dims an element that waits more than 0.5 s
# for its next version; in a live view that only makes a slow frame flicker grey, so not here.
# Streamlit's multiselect keeps its tags on one row that scrolls sideways: at 1280 px five values did
# not fit, and the first or last was out of view. The value picker wraps its tags onto more rows; its
# search box may shrink to a sliver beside the last tag, not take a row alone (focused, it has room to type).
_PICKER = f'[class*="st-key-{CmpKeys.VALUES}"]'
PAGE_CSS = STATUS_CSS + vc.SUMMARY_CSS + f"""<style>
.st-key-{CmpKeys.LIVE} [data-stale="true"] {{opacity: 1 !important; transition: none !important;}}
{_PICKER} .react-aria-ComboBox > div {{max-height: none; height: auto;}}
{_PICKER} [data-testid="stMultiSelectTagsContainer"] {{flex-wrap: wrap; overflow: visible; row-gap: 0.25rem;
  mask-image: none; -webkit-mask-image: none;}}
{_PICKER} [data-testid="stMultiSelectTagsContainer"] input {{min-width: 1px; width: 1px; flex: 1 1 1px; padding-inline: 0;}}
{_PICKER} [data-testid="stMultiSelectTagsContainer"] input:focus {{min-width: 4rem;}}
</style>"""


def status_html(group: TrainerGroup, playing: bool, big: bool) -> str:
    """One HTML element (cheaper per frame than one st.metric per value); the iteration comes first
    (the FPS bench reads it). ``playing`` and ``big`` are passed in: live frames have no session state."""
    n, diverged = len(group.variants), sum(tr.diverged for tr in group.trainers)
    costs = [(v.trainer.last_record["cost_test"], v.label) for v in group.variants
             if not v.trainer.diverged and v.trainer.last_record and math.isfinite(v.trainer.last_record["cost_test"])]
    cells = [("Iteration", f"{group.iteration:,}"), ("Variants", str(n)),
             ("Diverged", f"{diverged} of {n}" if diverged else "none"),
             # at iteration 0 every variant is where it started: no variant is ahead yet
             ("Lowest test cost", html.escape(min(costs)[1]) if costs and group.iteration > 0 else "–"),
             ("State", "diverged" if group.diverged else "playing" if playing else "paused")]
    return status_line_html(cells, big)


_BOUNDARY_CAPTION = {
    "binary": "Each variant's P(y=1) over the input plane (blue: class 0, orange: class 1) with its training points.",
    "multiclass": "Each variant's class probabilities over the input plane, mixed in the class colours, with its "
                  "training points.",
    "regression": "Each variant's prediction ŷ over the input plane; the points are coloured by their target y.",
}
_COST_CAPTION = ("Cost J per iteration: solid training, dashed test; ✕ where a variant diverged. When one "
                 "variant's cost dwarfs the others, try the log axis.")
_TABLE_CAPTION = ("Iterations to target: the first recorded iteration whose training cost is at or below the "
                  "target (recorded once per frame). Dead / saturated: the worst hidden layer. Wall time: this "
                  "variant's own training time.")


def _diverged_at(group: TrainerGroup) -> list[int | None]:
    return [v.trainer.diverged_at if v.trainer.diverged else None for v in group.variants]


def _cell(n: int, s) -> int:
    """px: one boundary square, for n variants side by side in the page's column."""
    return min(int(s.fig_height * 0.9), BOUNDARY_WIDTH // vc.grid_shape(n)[1] - 12)


def _boundaries(group: TrainerGroup, labels, colors, s):
    variants = group.variants
    grids = [v.trainer.decision_grid(GRID_RESOLUTION) for v in variants]
    notes = [f"diverged at {d:,}" if d is not None else None for d in _diverged_at(group)]
    return vc.boundary_grid_figure(grids, [v.run.dataset for v in variants], labels, colors, notes, style=s,
                                   cell=_cell(len(variants), s))


def frame() -> None:
    """Status, cost overlay, decision boundaries and the summary table, for the current group. The live
    elements get functions of the group, so live frames can make them again (descentlab.ui.live.route); what
    the widgets say is read here, once."""
    ss = st.session_state
    group: TrainerGroup = ss[CmpKeys.GROUP]
    for v in group.variants:  # the Runs page's list
        session_runs.note_trainer(v.trainer, f"Compare: {v.label}", "Compare", v.config)
    s = fitted(style(), 300, 300)  # the charts under the controls and status on a 1280x720 screen (descentlab.ui.screen_fit)
    variants = group.variants
    labels, colors = [v.label for v in variants], vc.variant_colors(len(variants))
    dataset = variants[0].run.dataset
    playing, log_y = bool(ss.get(CmpKeys.PLAYING)), ss.get(CmpKeys.LOG_Y, False)
    target, big = ss.get(CmpKeys.TARGET), bool(ss.get(Keys.PRESENTATION))
    boundaries = dataset.points_train is not None
    # the cost chart as tall as the boundaries beside it, so the captions below them line up
    n = len(variants)
    height = max(s.fig_height, vc.boundary_grid_height(n, _cell(n, s), s)) if boundaries else None
    diverged_at = _diverged_at(group)
    with st.container(key=CmpKeys.LIVE):
        live_html(lambda: status_html(group, playing, big), key="cmp_status")
        alert = st.empty()  # always there: an alert appearing must not shift the charts (they would re-mount)
        if group.diverged:
            alert.error(f"Every variant diverged. {group.message}. Press Reset, or compare smaller learning rates.")
        elif any(d is not None for d in diverged_at):
            alert.warning(f"{group.message}. Diverged variants stop where they were; the others keep training.")
        st.markdown(vc.legend_html(labels, colors, big), unsafe_allow_html=True)
        left, right = st.columns([2, 3]) if boundaries else (st.container(), None)
        with left:
            live_chart(lambda: vc.cost_overlay_figure(labels, [v.trainer.history for v in variants], colors,
                                                      _diverged_at(group), log_y=log_y, style=s, height=height,
                                                      legend=False),
                       key=CmpKeys.LIVE + "_cost", canvas_lines=playing, grow=ROW_GROW,
                       caption=coincide_caption(labels, [v.trainer.history for v in variants], _COST_CAPTION))
        if right is not None:
            with right:
                live_chart(lambda: _boundaries(group, labels, colors, s), key=CmpKeys.LIVE + "_boundaries",
                           caption=_BOUNDARY_CAPTION[dataset.task])
        live_html(lambda: vc.summary_html(group.summary(target), colors, dataset.task, big), key="cmp_table")
        st.caption(_TABLE_CAPTION)


# ---- downloads ----------------------------------------------------------------------------------
def summary_csv(group: TrainerGroup, target: float | None) -> str:
    """The summary table (TrainerGroup.summary) as CSV."""
    return group.summary(target).to_csv(index=False)


def costs_csv(group: TrainerGroup) -> str:
    """The cost curves as CSV: iteration, then "<variant> train" and "<variant> test" columns."""
    curves = [vr.curve(f"{v.label} {split}", v.trainer.history, None, f"cost_{split}", "Iteration")
              for v in group.variants for split in ("train", "test")]
    return vr.overlay_table([c for c in curves if c is not None], "Iteration").to_csv(index=False)


def downloads() -> None:
    """The summary table and the cost curves as CSV, built on click (nothing is computed on a rerun)."""
    ss = st.session_state
    group, target = ss[CmpKeys.GROUP], ss.get(CmpKeys.TARGET)
    a, b, _ = st.columns([1, 1, 2])
    a.download_button("Summary table (CSV)", lambda: summary_csv(group, target), "compare_summary.csv",
                      "text/csv", key="cmp_dl_summary", icon=":material/download:", width="stretch")
    b.download_button("Cost curves (CSV)", lambda: costs_csv(group), "compare_costs.csv", "text/csv",
                      key="cmp_dl_costs", icon=":material/download:", width="stretch",
                      help="Iteration, then each variant's train and test cost")
