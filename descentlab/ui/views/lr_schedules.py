"""The learning-rate page's "Schedules" section: one run under every learning-rate schedule (constant,
step, exponential, 1/t and the lecture's fixed-interval decay), overlaid."""
from __future__ import annotations

import numpy as np
import streamlit as st

from descentlab.engine import cost
from descentlab.engine.config import ConfigError
from descentlab.engine.group import group_from_configs
from descentlab.engine.optimizers import make_schedule
from descentlab.ui import budget, state
from descentlab.ui.live import player
from descentlab.ui.live.elements import live_chart
from descentlab.ui.theme import show_status, style
from descentlab.ui.user_text import md_text
from descentlab.ui.views.lr_explorer import SCHEDULE_LABELS, K, sched_loop
from descentlab.viz import lr_explorer as figs
from descentlab.viz.text import number


# ---------------------------------------------------------------- schedules
def _ensure_schedules(base, decay_rate: float, decay_steps: int):
    ss = st.session_state
    base = base.replace(decay_rate=decay_rate, decay_steps=decay_steps)
    if ss.get(K.SCHED_SIG) != base or K.SCHED not in ss:
        configs = {label: base.replace(schedule=name) for name, label in SCHEDULE_LABELS.items()}
        data = state.current_run().dataset if base.dataset == "csv" else None  # the uploaded CSV
        try:
            with budget.admitted("lr_schedules", cost.group(configs.values(), data),
                                 f"Training {len(configs)} schedules", state.REDUCE_RUN):
                ss[K.SCHED] = group_from_configs(configs, "schedule", dataset=data)
        except (ConfigError, ValueError, budget.Refused, MemoryError) as exc:
            st.error(f"Cannot build the schedules on this configuration: {md_text(budget.reason(exc))}")
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
    rate = c[0].slider("Decay rate r", 0.05, 0.95, step=0.05, key=state.held(K.DECAY_RATE))
    steps = int(c[1].number_input("Decay period s (iterations)", 1, 100_000, step=50, key=state.held(K.DECAY_STEPS)))
    group = _ensure_schedules(base, rate, steps)
    if group is None:
        return
    with c[2]:
        player.controls(sched_loop(), reset_help="Every schedule back to iteration 0, same initial weights")
    player.live_area(_schedules_frame, sched_loop(), frames=True)
    for col, name in zip(st.columns(len(SCHEDULE_LABELS)), SCHEDULE_LABELS):
        col.caption(SCHEDULE_LABELS[name])
        col.latex(make_schedule(name).latex)
    st.caption(f"The sidebar's run (network, data, optimizer, α₀ = {base.learning_rate:g}) "
               f"{len(SCHEDULE_LABELS)} times over, same "
               "initial weights: only α_t differs. A large α early moves fast; decaying it later lets the cost "
               "settle lower instead of bouncing around the minimum, most visibly with mini-batches (set a batch "
               "size in the sidebar), whose noise a constant α never averages out.")


def _schedules_frame() -> None:
    """Status and the schedules' chart, as functions of the group (for live frames, descentlab.ui.live.route)."""
    group, s = st.session_state[K.SCHED], style()

    def figure():
        histories, rates = {}, {}
        for v in group.variants:
            tr, c = v.trainer, v.config
            histories[v.label] = tr.history
            t = np.linspace(0, max(tr.iteration, 1), 400)
            rates[v.label] = (t, make_schedule(c.schedule, c.decay_rate, c.decay_steps)(c.learning_rate, t))
        return figs.schedules_figure(rates, histories, style=s)

    show_status(lambda: [("Iteration", f"{group.iteration:,}")] + [
        (v.label, "diverged" if v.trainer.diverged else f"J = {number(v.trainer.last_record['cost_train'])}")
        for v in group.variants], key="lr_schedule_status")
    live_chart(figure, key="lr_live_schedules")
