"""The learning-rate page's Streamlit glue: its session keys, the targets its live loops drive, and its
three sections (Sweep, Loss surface, Schedules).

The math lives in engine.sweep, engine.loss_surface and engine.group; the figures in
viz.lr_explorer. Here we only read widgets, keep the targets in session state and lay figures out."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from engine.config import ConfigError
from engine.group import group_from_configs
from engine.history import History
from engine.loss_surface import (MINIMUM_CAP, NEURON_LABELS, SURFACE_DATASETS, PathSet, cost_grid, default_view,
                                 gradient_slice, minimum, neuron_problem, suggested_rates)
from engine.optimizers import make_schedule
from engine.sweep import MAX_LR, MAX_RUNS, lr_grid, sweep_from_config
from viz import lr_explorer as figs

from . import live_loop, state
from .config_panel import LEARNING_RATES, load_widgets
from .live_chart import live_chart
from .playground_view import style

PAGE = "lr_explorer"
SECTIONS = ("Sweep", "Loss surface", "Schedules")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200)
RANGE_OPTIONS = tuple(sorted({1e-5, 1e-4, *LEARNING_RATES}))
SCHEDULE_LABELS = {"constant": "constant", "step": "step decay", "exponential": "exponential decay",
                   "inverse_time": "1/t decay"}
GRID = 81  # surface resolution: 81 x 81 points, cached per problem
MAX_PATH_RATE = 1e6  # separable data's flat logistic surface suggests rates in the 100,000s


class K:
    """Session-state and widget keys of this page, all prefixed lr_."""
    SWEEP = "lr_sweep"            # SweepTarget: the sweep the live loop drives
    SWEEP_SIG = "lr_sweep_sig"    # (config, rates) it was built from
    PATHS = "lr_paths"            # engine.loss_surface.PathSet
    PATHS_SIG = "lr_paths_sig"
    PROBLEM_SIG = "lr_problem_sig"  # the surface problem whose suggested rates fill the inputs
    START = "lr_surf_start"       # (w1, w2) the paths start from; None = the problem's default
    SCHED = "lr_sched"            # engine.group.TrainerGroup of the four schedules
    SCHED_SIG = "lr_sched_sig"
    MARKS = "lr_marks"            # rates a preset or link pointed at (dotted lines on the sweep)
    QUERY_DONE = "lr_query_done"  # this page's URL keys have been read in this session
    GOTO = "lr_goto"              # switch to the Playground on the next run
    # widgets
    SECTION, LOW, HIGH, COUNT, LOG = "lr_section", "lr_low", "lr_high", "lr_count", "lr_log_cost"
    DATASET, NEURON, NOISE, X2 = "lr_surf_dataset", "lr_surf_neuron", "lr_surf_noise", "lr_surf_x2"
    MOMENTUM, SUGGEST = "lr_surf_momentum", "lr_surf_suggest"
    RATES = tuple(f"lr_surf_rate_{i}" for i in range(4))
    SLICE_RATES = "lr_slice_rates"
    SLICE_FOR = "lr_slice_for"    # the sidebar α the marked rates were last chosen for
    DECAY_RATE, DECAY_STEPS = "lr_sched_decay_rate", "lr_sched_decay_steps"
    # widget values kept while their section is hidden (Streamlit drops state of unrendered widgets)
    KEPT = (SECTION, LOW, HIGH, COUNT, LOG, DATASET, NEURON, NOISE, X2, MOMENTUM, *RATES, SLICE_RATES,
            DECAY_RATE, DECAY_STEPS, "lr_speed", "lr_path_speed", "lr_sched_speed")


def sweep_loop() -> live_loop.Loop:
    return live_loop.page_loop("lr", lambda: st.session_state[K.SWEEP])


def path_loop() -> live_loop.Loop:
    return live_loop.page_loop("lr_path", lambda: st.session_state[K.PATHS], default_speed=1)


def sched_loop() -> live_loop.Loop:
    return live_loop.page_loop("lr_sched", lambda: st.session_state[K.SCHED])


def init() -> None:
    """Defaults for this page's widgets, and keep the values of widgets hidden in another section."""
    ss = st.session_state
    for key in K.KEPT:
        if key in ss:
            ss[key] = ss[key]
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
        st.switch_page("app_pages/playground.py")


def adopt_preset() -> None:
    """A preset opened for this page: take its config (if not already running) and its vary."""
    ss = st.session_state
    preset = ss.get(state.Keys.PRESET)
    if preset is None or getattr(preset, "page", None) != PAGE:
        return
    ss.pop(state.Keys.PRESET)
    if state.current_config() != preset.config and state.start_run(preset.config):
        load_widgets(preset.config)
    if not preset.vary:
        return
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


def read_query() -> None:
    """On the first visit in a session, the link's vary/values set the sweep (leniently)."""
    link = state.page_link_once(K.QUERY_DONE)
    if link is None or link == (None, None):
        return
    vary, values = link
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
class SweepTarget:
    """An engine.sweep.Sweep as the live loop sees it (step / record / reset / diverged / message),
    with a bounded log of every rate's training cost, one row per frame, for the charts.

    The log reads ``Sweep.final()`` (one batched evaluation) rather than the sweep's own history,
    which keeps K rows per record without bound (a lecture may leave it playing for an hour). A
    rate whose cost stops being a finite number between two of the sweep's own records counts as
    diverged here at the frame that saw it."""

    def __init__(self, sweep, config):
        self.sweep, self.config = sweep, config
        self.rates = np.asarray(sweep.learning_rates, float)
        self.reset()

    @property
    def iteration(self) -> int:
        return int(self.sweep.iteration)

    @property
    def stopped(self) -> np.ndarray:
        return self.stopped_at >= 0

    @property
    def diverged(self) -> bool:
        return bool(self.stopped.all())

    @property
    def message(self) -> str:
        if not self.stopped.any():
            return ""
        return "diverged: " + ", ".join(f"α = {r:.3g} at iteration {at}"
                                        for r, at in zip(self.rates[self.stopped], self.stopped_at[self.stopped]))

    def step(self, n: int = 1) -> None:
        self.sweep.step(n)

    def record(self) -> None:
        last = self._log.last
        if last is not None and last["iteration"] == self.iteration:
            return
        self.table = self.sweep.final()
        engine_at = self.table["diverged_at"].to_numpy(np.int64)
        blown = ~np.isfinite(self.table["cost_train"].to_numpy(float))
        new = (self.stopped_at < 0) & ((engine_at >= 0) | blown)
        self.stopped_at[new] = np.where(engine_at[new] >= 0, engine_at[new], self.iteration)
        cost = np.where(self.stopped, np.nan, self.table["cost_train"].to_numpy(float))
        self._log.append({"iteration": self.iteration, **{f"c{k}": float(c) for k, c in enumerate(cost)}})

    def reset(self) -> None:
        self.sweep.reset()
        self._log = History(2000)
        self.stopped_at = np.full(len(self.rates), -1, np.int64)
        self.record()
        self.start_cost = float(np.nanmax(self.table["cost_train"]))  # every run starts from the same θ

    def curves(self) -> tuple[np.ndarray, np.ndarray]:
        f = self._log.frame
        return f["iteration"].to_numpy(), f[[f"c{k}" for k in range(len(self.rates))]].to_numpy(float)

    def best(self) -> int | None:
        """The rate with the lowest training cost now, among those still running."""
        cost = np.where(self.stopped, np.inf, self.table["cost_train"].to_numpy(float))
        return int(np.argmin(cost)) if np.isfinite(cost).any() else None


def _sweep_config():
    """The base config as the sweep can run it, and the fields it had to leave out."""
    base = state.current_config()
    fixed = {"optimizer": "gd", "batch_size": None, "dropout": 0.0}
    dropped = [f"{k} = {getattr(base, k)}" for k, v in fixed.items() if getattr(base, k) != v]
    # one frame records one row (SweepTarget.record); α is the sweep's own, so the sidebar's is set aside
    return base.replace(**fixed, learning_rate=0.01, record_every=10**6), dropped


def _ensure_sweep(config, rates) -> SweepTarget | None:
    ss = st.session_state
    sig = (config, tuple(rates))
    if ss.get(K.SWEEP_SIG) != sig or K.SWEEP not in ss:
        try:
            data = state.current_run().dataset if config.dataset == "csv" else None  # the uploaded CSV
            sweep = sweep_from_config(config, rates, dataset=data)
        except (ConfigError, ValueError) as exc:
            st.error(f"Cannot run the sweep on this configuration: {exc}")
            return None
        ss[K.SWEEP], ss[K.SWEEP_SIG] = SweepTarget(sweep, config), sig
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
    a, b, c, d = st.columns([3, 3, 3, 1])
    options = tuple(sorted(set(RANGE_OPTIONS) | {ss[K.LOW], ss[K.HIGH]}))
    low = a.select_slider("Smallest α", options, key=K.LOW, format_func=lambda x: f"{x:g}")
    high = b.select_slider("Largest α", options, key=K.HIGH, format_func=lambda x: f"{x:g}")
    count = c.slider("Rates K (log grid)", 2, MAX_RUNS, key=K.COUNT)
    d.toggle("Log cost", key=K.LOG)
    if dropped:
        st.info("The sweep trains every rate with full-batch plain gradient descent, so it leaves out "
                + ", ".join(dropped) + " from the sidebar.", icon=":material/info:")
    if not low < high:
        st.warning("The smallest α must be below the largest.")
        return
    rates = lr_grid(low, high, count)
    if _ensure_sweep(config, rates) is None:
        return
    row = st.columns([4, 2, 2], vertical_alignment="bottom")
    with row[0]:
        live_loop.controls(sweep_loop(), reset_help="Every rate back to iteration 0, same initial weights")
    row[1].select_slider("Most iterations per frame", SPEEDS, key="lr_speed")
    row[2].button("Best α in the Playground", key="lr_open_best", on_click=_open_best, icon=":material/open_in_new:",
                  width="stretch", help="Open the rate with the lowest cost now in the Playground")
    live_loop.live_area(_sweep_frame, sweep_loop())
    st.caption("Every learning rate trains the same network from the same initial weights on the same data, "
               "all K at once (one batched computation). Colour = learning rate on a log scale. Left: training "
               "cost per iteration; ✕ = diverged there. Right: the cost now for each rate; the ring marks the "
               "lowest, dotted lines mark the rates a preset or link named.")
    if not sweep_loop().playing:
        with st.expander("Table: every rate now"):
            st.dataframe(ss[K.SWEEP].table, hide_index=True)


def _sweep_frame() -> None:
    target: SweepTarget = st.session_state[K.SWEEP]
    s, log_y = style(), st.session_state[K.LOG]
    best = target.best()
    stopped = target.stopped
    cells = [("Iteration", f"{target.iteration:,}"),
             ("Best α now", "–" if best is None else f"{target.rates[best]:.3g}"),
             ("Its cost", "–" if best is None else f"{target.table['cost_train'].iloc[best]:.4f}"),
             ("Diverged", f"{int(stopped.sum())} of {len(target.rates)}")]
    status_cells(cells)
    left, right = st.columns(2)
    it, costs = target.curves()
    diverged_at = target.stopped_at
    with left:
        live_chart(figs.sweep_curves_figure(it, costs, target.rates, diverged_at, log_y=log_y, style=s),
                   key="lr_live_curves")
    with right:
        live_chart(figs.final_cost_figure(target.rates, target.table["cost_train"], stopped, target.start_cost,
                                          best, marks=st.session_state[K.MARKS], log_y=log_y, style=s),
                   key="lr_live_final")


def status_cells(cells) -> None:
    """One HTML element for the whole status line (see playground_view.status_line for why)."""
    html = "".join(f'<div class="dl-cell"><div class="dl-name">{n}</div><div class="dl-value">{v}</div></div>'
                   for n, v in cells)
    big = " dl-big" if st.session_state.get(state.Keys.PRESENTATION) else ""
    st.markdown(f'<div class="dl-status{big}">{html}</div>', unsafe_allow_html=True)


# ---------------------------------------------------------------- one neuron's surface
@st.cache_resource(max_entries=16, show_spinner=False)
def _surface(dataset: str, kind: str, noise: float, x2_scale: float, seed: int):
    """The problem, its view, cost grid and minimum: immutable, shared between sessions."""
    problem = neuron_problem(dataset, kind, n_samples=200, noise=noise, seed=seed, x2_scale=x2_scale)
    centre, half, start = default_view(problem)
    w1, w2 = (np.linspace(c - half, c + half, GRID) for c in centre)
    J = cost_grid(problem, w1, w2)
    for a in (w1, w2, J):
        a.setflags(write=False)
    return problem, (w1, w2, J), minimum(problem), half, tuple(start), suggested_rates(problem)


def _suggest(rates: dict) -> None:
    for key, r in zip(K.RATES, rates.values()):
        st.session_state[key] = min(r, MAX_PATH_RATE)


def surface_section() -> None:
    ss = st.session_state
    c = st.columns([2, 3, 1, 1, 2])
    ss.setdefault(K.DATASET, "moons")  # its valley shows all four behaviours clearly
    ss.setdefault(K.NEURON, "logistic")
    ss.setdefault(K.NOISE, 0.2)
    ss.setdefault(K.X2, 1.0)
    ss.setdefault(K.MOMENTUM, 0.0)
    dataset = c[0].selectbox("Data", SURFACE_DATASETS, key=K.DATASET)
    kind = c[1].selectbox("Neuron", list(NEURON_LABELS), key=K.NEURON, format_func=NEURON_LABELS.get)
    noise = c[2].select_slider("Noise", (0.0, 0.1, 0.2, 0.3, 0.5), key=K.NOISE)
    x2 = c[3].select_slider("Scale of x₂", (0.5, 1.0, 2.0, 3.0), key=K.X2,
                            help="Stretch the second input: unequal scales make a long narrow valley")
    momentum = c[4].slider("Momentum β", 0.0, 0.95, step=0.05, key=K.MOMENTUM,
                           help="0 = plain gradient descent; v = βv + (1 − β)dW, w = w − αv")
    problem, grid, w_min, half, default_start, suggested = _surface(dataset, kind, noise, x2,
                                                                    state.current_config().data_seed)
    sig = (dataset, kind, noise, x2)
    if ss.get(K.PROBLEM_SIG) != sig:  # a new surface: its own suggested rates and start
        ss[K.PROBLEM_SIG], ss[K.START] = sig, None
        _suggest(suggested)
    r = st.columns([1, 1, 1, 1, 2])
    for i, (col, key) in enumerate(zip(r, K.RATES)):
        col.number_input(f"α{'₁₂₃₄'[i]}", min_value=0.0, max_value=MAX_PATH_RATE, format="%g", key=key,
                         help="0 = no path")
    r[4].button("Suggest rates", key=K.SUGGEST, on_click=_suggest, args=(suggested,), width="stretch",
                help="Slow, good, oscillating and too large for this surface, from its largest curvature λ_max: "
                     + ", ".join(f"{k} {v:g}" for k, v in suggested.items()))
    if np.linalg.norm(w_min) >= MINIMUM_CAP * (1 - 1e-9):
        st.info("These points can be separated by a line through 0, so the logistic cost has no minimum: it keeps "
                "falling as w grows. The star marks where the search stopped; add noise for a real minimum.",
                icon=":material/info:")
    rates = [ss[k] for k in K.RATES if ss[k] and ss[k] > 0]
    if not rates:
        st.warning("Give at least one learning rate above 0.")
        return
    start = ss[K.START] if ss[K.START] is not None else default_start
    paths_sig = (sig, tuple(sorted(set(rates))), momentum, start)
    if ss.get(K.PATHS_SIG) != paths_sig or K.PATHS not in ss:
        ss[K.PATHS] = PathSet(problem, rates, momentum, start, bound=20 * (half + np.abs(w_min).max()))
        ss[K.PATHS_SIG] = paths_sig
        path_loop().stop()
    row = st.columns([3, 2])
    with row[0]:
        live_loop.controls(path_loop(), reset_help="Every path back to the start")
    row[1].select_slider("Steps per frame", SPEEDS[:5], key="lr_path_speed")
    live_loop.live_area(lambda: _surface_frame(grid, w_min), path_loop())
    st.caption("One neuron ŷ = g(w₁x₁ + w₂x₂) with its bias fixed at 0, so its cost J(w₁, w₂) is a surface you "
               "can see whole; each path is gradient descent with its own α from the same start, "
               f"w = ({start[0]:g}, {start[1]:g}): click the surface to start elsewhere. Star: the minimum. "
               "Colour = learning rate (blue small, vermillion large). Small α crawls, α near 1/λ_max goes "
               "straight down, above it the path zig-zags across the valley, and past 2/λ_max the linear "
               "neuron diverges (the logistic cost's bounded gradient makes it jump about instead). Try momentum.")
    st.divider()
    slice_section()


def _path_views(paths: PathSet) -> list[dict]:
    colors = figs.rank_colors(len(paths.paths))  # paths are sorted by rate
    out = []
    for p, color in zip(paths.paths, colors):
        label = f"α = {p.learning_rate:g}" + ("" if p.diverged_at is None else f", diverged at step {p.diverged_at}")
        out.append(dict(label=label, points=p.points, costs=p.costs, color=color))
    return out


def _surface_frame(grid, w_min) -> None:
    ss, s = st.session_state, style()
    paths: PathSet = ss[K.PATHS]
    views = _path_views(paths)
    left, right = st.columns([3, 2])
    with left:
        click = live_chart(figs.surface_figure(*grid, views, w_min, step=paths.iteration, style=s),
                           key="lr_live_surface", on_click=True)
    with right:
        live_chart(figs.path_cost_figure(views, style=s), key="lr_live_pathcost")
    if click and click.get("x") is not None and click.get("y") is not None:
        ss[K.START] = (round(float(click["x"]), 2), round(float(click["y"]), 2))
        st.rerun()  # the whole page: the paths restart from there and the caption follows
    if paths.finished and path_loop().playing:
        path_loop().stop()
        st.rerun()


# ---------------------------------------------------------------- a deep network's slice
def slice_section() -> None:
    ss, s = st.session_state, style()
    run, config = state.current_run(), state.current_config()
    st.markdown(f"**A deep network** (the sidebar's: {len(config.hidden)} hidden layers, at iteration "
                f"{run.trainer.iteration:,} of its Playground run). Its cost along the steepest-descent "
                "direction −g from where it is now, and where one step of each α lands (t = α‖g‖).")
    options = tuple(sorted(set(LEARNING_RATES) | {config.learning_rate}))
    if ss.get(K.SLICE_FOR) != config.learning_rate:  # the sidebar's α changed: mark α, 10α, 100α
        ss[K.SLICE_FOR] = config.learning_rate
        ss[K.SLICE_RATES] = [r for r in options
                             if any(math.isclose(r, config.learning_rate * f) for f in (1, 10, 100))]
    chosen = st.multiselect("Mark one step of", options, key=K.SLICE_RATES, format_func=lambda x: f"α = {x:g}")
    X, Y = run.dataset.X_train, run.dataset.Y_train
    here = gradient_slice(run.network, X, Y, [0.0])
    if here.grad_norm == 0 or not math.isfinite(here.grad_norm):
        st.info("The gradient is zero (or not a number) here: there is no direction to slice along.")
        return
    chosen = sorted(chosen)
    steps = [here.landing(r) for r in chosen]  # sampled exactly, so each marker sits on the curve
    reach = 1.3 * max(steps or [here.landing(config.learning_rate)])
    sl = gradient_slice(run.network, X, Y, np.union1d(np.linspace(-0.15 * reach, reach, 161), steps))
    landings = [(f"one step of α = {r:g}", t, float(sl.cost[np.searchsorted(sl.t, t)]), color)
                for r, t, color in zip(chosen, steps, figs.rate_colors(chosen) if chosen else [])]
    st.plotly_chart(figs.slice_figure(sl.t, sl.cost, sl.cost0, sl.grad_norm, landings, style=s),
                    key="lr_slice_chart", config={"displaylogo": False})
    st.caption(f"‖g‖ = {sl.grad_norm:.3g}, J = {sl.cost0:.4g}. The dashed tangent J − t‖g‖ is what the "
               "gradient promises; where the real cost bends away from it, a longer step stops paying off, and "
               "past the bottom of the curve a step overshoots. Train the Playground run and come back: the "
               "slice moves.")


# ---------------------------------------------------------------- schedules
def _ensure_schedules(base, decay_rate: float, decay_steps: int):
    ss = st.session_state
    base = base.replace(decay_rate=decay_rate, decay_steps=decay_steps)
    if ss.get(K.SCHED_SIG) != base or K.SCHED not in ss:
        configs = {label: base.replace(schedule=name) for name, label in SCHEDULE_LABELS.items()}
        try:
            ss[K.SCHED] = group_from_configs(configs, "schedule", dataset=state.current_run().dataset
                                             if base.dataset == "csv" else None)
        except (ConfigError, ValueError) as exc:
            st.error(f"Cannot build the schedules on this configuration: {exc}")
            return None
        ss[K.SCHED_SIG] = base
        sched_loop().stop()
    return ss[K.SCHED]


def schedules_section() -> None:
    ss = st.session_state
    base = state.current_config()
    ss.setdefault(K.DECAY_RATE, base.decay_rate)
    ss.setdefault(K.DECAY_STEPS, 200)
    c = st.columns([2, 2, 3])
    rate = c[0].slider("Decay rate r", 0.05, 0.95, step=0.05, key=K.DECAY_RATE)
    steps = int(c[1].number_input("Decay period s (iterations)", 1, 100_000, step=50, key=K.DECAY_STEPS))
    group = _ensure_schedules(base, rate, steps)
    if group is None:
        return
    with c[2]:
        live_loop.controls(sched_loop(), reset_help="Every schedule back to iteration 0, same initial weights")
    live_loop.live_area(_schedules_frame, sched_loop())
    for col, name in zip(st.columns(len(SCHEDULE_LABELS)), SCHEDULE_LABELS):
        col.caption(SCHEDULE_LABELS[name])
        col.latex(make_schedule(name).latex)
    st.caption(f"The sidebar's run (network, data, optimizer, α₀ = {base.learning_rate:g}) four times over, same "
               "initial weights: only α_t differs. A large α early moves fast; decaying it later lets the cost "
               "settle lower instead of bouncing around the minimum, most visibly with mini-batches (set a batch "
               "size in the sidebar), whose noise a constant α never averages out.")


def _schedules_frame() -> None:
    group = st.session_state[K.SCHED]
    histories, rates = {}, {}
    for v in group.variants:
        tr, c = v.trainer, v.config
        histories[v.label] = tr.history
        t = np.linspace(0, max(tr.iteration, 1), 400)
        rates[v.label] = (t, make_schedule(c.schedule, c.decay_rate, c.decay_steps)(c.learning_rate, t))
    cells = [("Iteration", f"{group.iteration:,}")] + [
        (v.label, "diverged" if v.trainer.diverged else f"J = {v.trainer.last_record['cost_train']:.4f}")
        for v in group.variants]
    status_cells(cells)
    live_chart(figs.schedules_figure(rates, histories, style=style()), key="lr_live_schedules")
