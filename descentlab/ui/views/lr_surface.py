"""The learning-rate page's "Loss surface" section: one neuron's cost J(w1, w2) with gradient-descent
paths drawn step by step, and a deep network's cost along its gradient (descentlab.lessons.cost_surface)."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from descentlab.engine import cost
from descentlab.lessons.cost_surface import (
    MINIMUM_CAP,
    NEURON_LABELS,
    SURFACE_DATASETS,
    PathSet,
    cost_grid,
    default_view,
    gradient_slice,
    minimum,
    neuron_problem,
    suggested_rates,
)
from descentlab.ui import budget, state
from descentlab.ui.config_panel import LEARNING_RATES
from descentlab.ui.live import player
from descentlab.ui.live.elements import live_chart
from descentlab.ui.theme import style
from descentlab.ui.user_text import md_text
from descentlab.ui.views.lr_explorer import GRID, MAX_PATH_RATE, SPEEDS, K, path_loop
from descentlab.viz import lr_explorer as figs

SLICE_POINTS = 161  # along -g, for a smooth curve at the chart's width
SLICE_PASSES = SLICE_POINTS + 1 + 32  # forward passes: the points, here, and each marked α (at most 32)


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
    dataset = c[0].selectbox("Data", SURFACE_DATASETS, key=state.held(K.DATASET))
    kind = c[1].selectbox("Neuron", list(NEURON_LABELS), key=state.held(K.NEURON), format_func=NEURON_LABELS.get)
    noise = c[2].select_slider("Noise", (0.0, 0.1, 0.2, 0.3, 0.5), key=state.held(K.NOISE))
    x2 = c[3].select_slider("Scale of x₂", (0.5, 1.0, 2.0, 3.0), key=state.held(K.X2),
                            help="Stretch the second input: unequal scales make a long narrow valley")
    momentum = c[4].slider("Momentum β", 0.0, 0.95, step=0.05, key=state.held(K.MOMENTUM),
                           help="0 = plain gradient descent; v = βv + (1 − β)dW, w = w − αv")
    problem, grid, w_min, half, default_start, suggested = _surface(dataset, kind, noise, x2,
                                                                    state.current_config().data_seed)
    sig = (dataset, kind, noise, x2)
    if ss.get(K.PROBLEM_SIG) != sig:  # a new surface: its own suggested rates and start
        ss[K.PROBLEM_SIG], ss[K.START] = sig, None
        _suggest(suggested)
    r = st.columns([1, 1, 1, 1, 2])
    for i, (col, key) in enumerate(zip(r, K.RATES)):
        col.number_input(f"α{'₁₂₃₄'[i]}", min_value=0.0, max_value=MAX_PATH_RATE, format="%g",
                         key=state.held(key), help="0 = no path")
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
        player.controls(path_loop(), reset_help="Every path back to the start")
    row[1].select_slider("Steps per frame", SPEEDS[:5], key=state.held("lr_path_speed"))
    player.live_area(lambda: _surface_frame(grid, w_min), path_loop())
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
    chosen = sorted(st.multiselect("Mark one step of", options, key=state.held(K.SLICE_RATES),
                                   format_func=lambda x: f"α = {x:g}"))
    # ~160 forward passes over the training set: done again only when the run or the marks change,
    # not on every click elsewhere on this page
    sig = (run.trainer.iteration, float(run.network.theta.sum()), config.learning_rate, tuple(chosen))  # θ: loaded weights
    cached = ss.get(K.SLICE_CACHE)
    if cached is None or cached[0] is not run.trainer or cached[1] != sig:
        one_pass = cost.Cost(cost.trainer(config, cost.data_shape(config, run.dataset)).parts["workspaces"],
                             float(run.network.n_params * run.dataset.m_train))
        try:
            with budget.computing(one_pass, SLICE_PASSES, "The slice", state.REDUCE_RUN):
                cached = ss[K.SLICE_CACHE] = (run.trainer, sig, _slice(run, chosen, config.learning_rate))
        except budget.Refused as exc:
            st.error(md_text(exc))
            return
    sl, landings = cached[2]
    if sl is None:
        st.info("The gradient is zero (or not a number) here: there is no direction to slice along.")
        return
    st.plotly_chart(figs.slice_figure(sl.t, sl.cost, sl.cost0, sl.grad_norm, landings, style=s),
                    key="lr_slice_chart", config={"displaylogo": False})
    st.caption(f"‖g‖ = {sl.grad_norm:.3g}, J = {sl.cost0:.4g}. The dashed tangent J − t‖g‖ is what the "
               "gradient promises; where the real cost bends away from it, a longer step stops paying off, and "
               "past the bottom of the curve a step overshoots. Train the Playground run and come back: the "
               "slice moves.")


def _slice(run, chosen, learning_rate):
    """The cost along -g from the run's current weights, and where one step of each chosen α lands;
    (None, []) when the gradient is zero or not finite."""
    X, Y = run.dataset.X_train, run.dataset.Y_train
    here = gradient_slice(run.network, X, Y, [0.0])
    if here.grad_norm == 0 or not math.isfinite(here.grad_norm):
        return None, []
    steps = [here.landing(r) for r in chosen]  # sampled exactly, so each marker sits on the curve
    reach = 1.3 * max(steps or [here.landing(learning_rate)])
    sl = gradient_slice(run.network, X, Y, np.union1d(np.linspace(-0.15 * reach, reach, SLICE_POINTS), steps))
    landings = [(f"one step of α = {r:g}", t, float(sl.cost[np.searchsorted(sl.t, t)]), color)
                for r, t, color in zip(chosen, steps, figs.rate_colors(chosen) if chosen else [])]
    return sl, landings
