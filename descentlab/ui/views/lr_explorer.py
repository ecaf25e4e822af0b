"""The learning-rate page's Streamlit glue: its session keys, the targets its live loops drive, the
link and preset it arrives with, and the Sweep section (Loss surface and Schedules are in
descentlab.ui.views.lr_surface and descentlab.ui.views.lr_schedules).

The math lives in descentlab.engine.sweep, descentlab.lessons.cost_surface and descentlab.engine.group; the figures in
descentlab.viz.lr_explorer. Here we only read widgets, keep the targets in session state and lay figures out."""
from __future__ import annotations

import math

import streamlit as st

from descentlab.engine import cost
from descentlab.engine.config import ConfigError
from descentlab.engine.sweep import MAX_LR, MAX_RUNS, lr_grid, sweep_from_config
from descentlab.engine.sweep_log import LoggedSweep
from descentlab.ui import budget, pages, session_runs, state
from descentlab.ui.config_panel import LEARNING_RATES, load_widgets
from descentlab.ui.live import player
from descentlab.ui.live.elements import live_chart
from descentlab.ui.screen_fit import ROW_GROW, fitted
from descentlab.ui.theme import show_status, style
from descentlab.ui.user_text import md_text
from descentlab.viz import lr_explorer as figs
from descentlab.viz.text import number

LAB = "lr"  # the lab kind this page's presets name (descentlab.engine.presets.LABS)
SECTIONS = ("Sweep", "Loss surface", "Schedules")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200)
RANGE_OPTIONS = tuple(sorted({1e-5, 1e-4, *LEARNING_RATES}))
# Every schedule in the engine's registry, in its order (a test checks none is missing from the page)
SCHEDULE_LABELS = {"constant": "constant", "step": "step decay", "exponential": "exponential decay",
                   "inverse_time": "1/t decay", "interval_inverse": "fixed-interval decay"}
GRID = 81  # surface resolution: 81 x 81 points, cached per problem
REDUCE_RATES = "Use fewer learning rates, or fewer or narrower hidden layers, or fewer examples."
MAX_PATH_RATE = 1e6  # separable data's flat logistic surface suggests rates in the 100,000s


class K:
    """Session-state and widget keys of this page, all prefixed lr_."""
    SWEEP = "lr_sweep"            # LoggedSweep: the sweep the live loop drives
    SWEEP_SIG = "lr_sweep_sig"    # (config, rates) it was built from
    PATHS = "lr_paths"            # descentlab.lessons.cost_surface.PathSet
    PATHS_SIG = "lr_paths_sig"
    PROBLEM_SIG = "lr_problem_sig"  # the surface problem whose suggested rates fill the inputs
    START = "lr_surf_start"       # (w1, w2) the paths start from; None = the problem's default
    SCHED = "lr_sched"            # descentlab.engine.group.TrainerGroup of the schedules
    SCHED_SIG = "lr_sched_sig"
    MARKS = "lr_marks"            # rates a preset or link pointed at (dotted lines on the sweep)
    GOTO = "lr_goto"              # switch to the Playground on the next run
    # widgets
    SECTION, LOW, HIGH, COUNT, LOG = "lr_section", "lr_low", "lr_high", "lr_count", "lr_log_cost"
    DATASET, NEURON, NOISE, X2 = "lr_surf_dataset", "lr_surf_neuron", "lr_surf_noise", "lr_surf_x2"
    MOMENTUM, SUGGEST = "lr_surf_momentum", "lr_surf_suggest"
    RATES = tuple(f"lr_surf_rate_{i}" for i in range(4))
    SLICE_RATES = "lr_slice_rates"
    SLICE_FOR = "lr_slice_for"    # the sidebar α the marked rates were last chosen for
    SLICE_CACHE = "lr_slice_cache"  # (trainer, (iteration, Σθ, α, marks), (slice, landings)) last drawn
    DECAY_RATE, DECAY_STEPS = "lr_sched_decay_rate", "lr_sched_decay_steps"
    # widget values kept while their section or the page is not drawn (descentlab.ui.state.restore_widgets)
    STORE = "lr_kept"
    KEPT = (SECTION, LOW, HIGH, COUNT, LOG, DATASET, NEURON, NOISE, X2, MOMENTUM, *RATES, SLICE_RATES,
            DECAY_RATE, DECAY_STEPS, "lr_speed", "lr_path_speed", "lr_sched_speed")


def sweep_loop() -> player.Loop:
    return player.page_loop("lr", lambda: st.session_state[K.SWEEP])


def path_loop() -> player.Loop:
    return player.page_loop("lr_path", lambda: st.session_state[K.PATHS], default_speed=1)


def sched_loop() -> player.Loop:
    return player.page_loop("lr_sched", lambda: st.session_state[K.SCHED])


def init() -> None:
    """Defaults for this page's widgets, and their values back if another section or page hid them."""
    ss = st.session_state
    state.restore_widgets(K.STORE)
    state.keep_widgets(K.STORE, K.KEPT)
    for make in (sweep_loop, path_loop, sched_loop):
        make()  # creates the loop's session keys
    if ss.get(K.SECTION) is None:  # also when the user clicked the selected section off again
        ss[K.SECTION] = SECTIONS[0]
    ss.setdefault(K.LOW, 1e-4)
    ss.setdefault(K.HIGH, 10.0)
    ss.setdefault(K.COUNT, 16)
    ss.setdefault(K.LOG, True)
    ss.setdefault(K.MARKS, ())


# ---------------------------------------------------------------- arriving: link, preset, hand-off
def goto_if_requested() -> None:
    if st.session_state.pop(K.GOTO, False):
        st.switch_page(pages.for_lab("playground").file)


def take_preset(preset) -> None:
    """A preset opened for this page: its vary sets the sweep or the section (its config is already
    the run: descentlab.ui.lab_page.adopt_preset)."""
    ss = st.session_state
    field, values = preset.vary
    if field == "learning_rate":
        _set_range(values, ss[K.COUNT])
        ss[K.MARKS] = tuple(float(v) for v in values)
        ss[K.SECTION] = "Sweep"
    elif field == "schedule":
        ss[K.SECTION] = "Schedules"
    else:
        state.notify("warning", f"This page varies the learning rate; the preset's {field} values were not used.")


def _set_range(values, count: int) -> None:
    values = sorted(float(v) for v in values)
    st.session_state[K.LOW], st.session_state[K.HIGH] = values[0], values[-1]
    st.session_state[K.COUNT] = int(min(max(count, 2), MAX_RUNS))


def take_link(vary: str | None, values: str | None) -> None:
    """The link's vary/values set the sweep, leniently (descentlab.ui.lab_page reads them on the first
    visit in a session)."""
    if len(str(values)) > 2000:
        state.notify("warning", "Ignored from the link: values (too long)")
        return
    if vary not in (None, "learning_rate"):
        state.notify("warning", f"Ignored from the link: vary={vary[:40]!r} (this page varies the learning rate)")
        return
    try:
        rates = [float(v) for v in (values or "").split(",")]
    except ValueError:
        rates = []
    if not (2 <= len(rates) <= MAX_RUNS and all(math.isfinite(r) and 0 < r <= MAX_LR for r in rates)
            and min(rates) < max(rates)):
        state.notify("warning", f"Ignored from the link: values={str(values)[:60]!r} (2 to {MAX_RUNS} learning "
                                f"rates in (0, {MAX_LR:g}], not all equal)")
        return
    _set_range(rates, len(rates))


def page_query() -> dict[str, str]:
    """This page's share-link keys: the sweep's rates (a link reads back their range and count)."""
    ss = st.session_state
    low, high = ss[K.LOW], ss[K.HIGH]
    if not low < high:
        return {}
    return {"vary": "learning_rate", "values": ",".join(f"{r:.4g}" for r in lr_grid(low, high, ss[K.COUNT]))}


# ---------------------------------------------------------------- the sweep
def _sweep_config():
    """The base config as the sweep can run it, and the fields it had to leave out."""
    base = state.current_config()
    fixed = {"optimizer": "gd", "batch_size": None, "dropout": 0.0}
    dropped = [f"{k} = {getattr(base, k)}" for k, v in fixed.items() if getattr(base, k) != v]
    # one frame records one row (LoggedSweep.record); α is the sweep's own, so the sidebar's is set aside
    return base.replace(**fixed, learning_rate=0.01, record_every=10**6), dropped


def _ensure_sweep(config, rates) -> LoggedSweep | None:
    ss = st.session_state
    sig = (config, tuple(rates))
    if ss.get(K.SWEEP_SIG) != sig or K.SWEEP not in ss:
        try:
            data = state.current_run().dataset if config.dataset == "csv" else None  # the uploaded CSV
            with budget.admitted("lr_sweep", cost.sweep(config, len(rates), data),
                                 f"Sweeping {len(rates)} learning rates", REDUCE_RATES):
                sweep = sweep_from_config(config, rates, dataset=data)
        except (ConfigError, ValueError, budget.Refused, MemoryError) as exc:
            st.error(f"Cannot run the sweep on this configuration: {md_text(budget.reason(exc))}")  # may quote CSV columns
            return None
        ss[K.SWEEP], ss[K.SWEEP_SIG] = LoggedSweep(sweep, config), sig
        sweep_loop().stop()
    return ss[K.SWEEP]


def _open_best() -> None:
    target = st.session_state.get(K.SWEEP)
    best = target.best() if target is not None else None
    if best is None:
        state.notify("warning", "No learning rate is still running: every one diverged.")
        return
    config = target.config.replace(learning_rate=float(target.rates[best]),
                                   record_every=state.current_config().record_every)
    if state.start_run(config):
        load_widgets(config)
        st.session_state[state.Keys.PLAYING] = False
        state.notify("info", f"Opened the sweep's best learning rate, α = {config.learning_rate:.3g}.")
        st.session_state[K.GOTO] = True


def sweep_section() -> None:
    ss = st.session_state
    config, dropped = _sweep_config()
    # one row of settings (the speed too), so the charts reach the first screen; room for "Log cost"
    a, b, c, e, d = st.columns([3, 3, 3, 3, 2])
    options = tuple(sorted(set(RANGE_OPTIONS) | {ss[K.LOW], ss[K.HIGH]}))
    low = a.select_slider("Smallest α", options, key=state.held(K.LOW), format_func=lambda x: f"{x:g}")
    high = b.select_slider("Largest α", options, key=state.held(K.HIGH), format_func=lambda x: f"{x:g}")
    count = c.slider("Rates K (log grid)", 2, MAX_RUNS, key=state.held(K.COUNT))
    e.select_slider("Iterations / frame", SPEEDS, key=state.held("lr_speed"), format_func=lambda n: f"≤ {n}",
                    help="Most iterations per frame while playing")  # a short name keeps the row one line high
    d.toggle("Log cost", key=state.held(K.LOG))
    if dropped:
        st.info("The sweep trains every rate with full-batch plain gradient descent, so it leaves out "
                + ", ".join(dropped) + " from the sidebar.", icon=":material/info:")
    if not low < high:
        st.warning("The smallest α must be below the largest.")
        return
    rates = lr_grid(low, high, count)
    if _ensure_sweep(config, rates) is None:
        return
    row = st.columns([5, 2.5], vertical_alignment="bottom")  # the button's name whole at presentation size
    with row[0]:
        player.controls(sweep_loop(), reset_help="Every rate back to iteration 0, same initial weights")
    row[1].button("Best α in the Playground", key="lr_open_best", on_click=_open_best, icon=":material/open_in_new:",
                  width="stretch", help="Open the rate with the lowest cost now in the Playground")
    player.live_area(_sweep_frame, sweep_loop(), frames=True)
    st.caption("Every learning rate trains the same network from the same initial weights on the same data, "
               "all K at once (one batched computation). Colour = learning rate on a log scale. Left: training "
               "cost per iteration; ✕ = diverged there. Right: the cost now for each rate; the ring marks the "
               "lowest, dotted lines mark the rates a preset or link named.")
    if not sweep_loop().playing:
        with st.expander("Table: every rate now"):
            target = ss[K.SWEEP]
            st.dataframe(target.table.assign(not_learning=[flag or "" for flag in target.not_learning()]),
                         hide_index=True)


def _count(flags, total: int) -> str:
    n = sum(flag is not None for flag in flags)
    return f"{n} of {total}" if n else "none"


def _sweep_frame() -> None:
    """Status, every rate's cost curve and the cost now per rate. The live elements get functions of the
    sweep, so live frames can make them again (descentlab.ui.live.route); the widgets are read here, once."""
    ss = st.session_state
    target: LoggedSweep = ss[K.SWEEP]
    session_runs.note_sweep(target, state.current_config().record_every)  # the Runs page's list
    # the two charts under the controls and status on a 1280x720 screen (descentlab.ui.screen_fit)
    s, log_y, marks, playing = fitted(style(), 320, 350), ss[K.LOG], ss[K.MARKS], sweep_loop().playing

    def cells():
        # at iteration 0 every rate has the same cost: naming a best one would be a coin toss
        best, stopped = (target.best() if target.iteration > 0 else None), target.stopped
        return [("Iteration", f"{target.iteration:,}"),
                ("Best α now", "–" if best is None else f"{target.rates[best]:.3g}"),
                ("Its cost", "–" if best is None else number(target.table["cost_train"].iloc[best])),
                ("Diverged", f"{int(stopped.sum())} of {len(target.rates)}"),
                ("Not learning", _count(target.not_learning(), len(target.rates)))]

    show_status(cells, key="lr_status")
    left, right = st.columns(2)
    with left:
        live_chart(lambda: figs.sweep_curves_figure(*target.curves(), target.rates, target.stopped_at, log_y=log_y,
                                                    style=s),
                   key="lr_live_curves", canvas_lines=playing, grow=ROW_GROW)  # paused: Plotly's lines, with hover
    with right:
        live_chart(lambda: figs.final_cost_figure(target.rates, target.table["cost_train"], target.stopped,
                                                  # no "best" ring before anything trained, as in the status
                                                  target.start_cost, target.best() if target.iteration > 0 else None,
                                                  marks=marks, log_y=log_y,
                                                  style=s),
                   key="lr_live_final", grow=ROW_GROW)
