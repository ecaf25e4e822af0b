"""What the Playground shows each frame: status line, the two main charts and one detail panel.

Figures come from viz/; here we only pick them, size them and place them. Live charts go through
descentlab.ui.live.elements (updated in place with Plotly.react); tables and formulas are plain Streamlit."""
from __future__ import annotations

import numpy as np
import streamlit as st

from descentlab import viz
from descentlab.engine.diagnosis import chance_accuracy, diagnose
from descentlab.ui.live import player
from descentlab.ui.live.elements import live_chart
from descentlab.ui.screen_fit import ROW_GROW, fitted, presenting
from descentlab.ui import session_runs
from descentlab.ui.state import Keys, current_config, current_run
from descentlab.ui.theme import follow_latest, show_status, style
from descentlab.ui.views import playground_draw, playground_trace
from descentlab.ui.views.playground_panels import PANELS, UNIT_KEY, pinned_unit, show_output, unit_view
from descentlab.viz.style import Style
from descentlab.viz.text import number

# The Playground's training loop: the sidebar's run, under the default session keys (dl_playing,
# btn_play...). Its status line shows a divergence or a reached target cost, so the loop adds no
# second notice of either.
LOOP = player.Loop(lambda: current_run().trainer, shows_divergence=True, shows_finish=True)
CAPTIONS = {
    "cost": "Train and test cost per iteration; accuracy on the right axis. A widening gap is overfitting.",
    "boundary": "The network's output over the input plane. Dots: training examples, diamonds: test ones; "
                "paused, click one to trace it.",
    "draw": "Click on the plane to add a point of the class chosen above the charts; click a point (or "
            "shift-click near it) to remove it. Training goes on while you draw.",
}


# TensorFlow Playground's one screen: at 1280x720 the transport row, the panel tabs, the status line
# and a row of three charts (network, boundary, cost) fit without scrolling (descentlab.ui.screen_fit).
CHART_HEIGHT = {False: 370, True: 425}


def playground_style() -> Style:
    """The Playground's charts: one height that keeps the row of three on a 1280x720 screen."""
    return fitted(style(), CHART_HEIGHT[False], CHART_HEIGHT[True])


def chart_caption(name: str) -> str | None:
    """A chart's caption; none in presentation mode, where the lecturer says it (and the room needs
    the height for the charts)."""
    return None if presenting() else CAPTIONS.get(name) or getattr(PANELS.get(name), "caption", None)


def rewind_iteration(key: str, iterations: list[int]) -> int | None:
    """The iteration the rewind slider under ``key`` shows, None for "now" (read before the slider is
    drawn: it sits under the charts it rewinds)."""
    follow_latest(key, iterations)
    at = st.session_state[key]
    return None if at == iterations[-1] else at


def status_line() -> None:
    playground_draw.sync_run()  # a click may have given the trainer new drawn points
    run, playing = current_run(), bool(st.session_state[Keys.PLAYING])
    session_runs.note_trainer(run.trainer, "Playground", "Playground", current_config())  # the Runs page's list
    chance = chance_accuracy(run.dataset)
    show_status(lambda: status_cells(run, playing), note=lambda: learning_note(run.trainer, chance))
    if run.trainer.diverged:
        st.error(run.trainer.message)
    elif run.trainer.finished:  # "Reached J < 0.05 at iteration 1,234": the stopping rule paused it
        st.success(run.trainer.message, icon=":material/flag:")


def learning_note(trainer, chance: float | None) -> str:
    """What descentlab.engine.diagnosis sees in a run that has not diverged: a sentence, or ""."""
    if trainer.dataset.m_train == 0:  # a drawn set, cleared or started empty: say what to do
        return "No points to learn from: click on the plane to add some (training waits for them)."
    history = trainer.history
    changed = getattr(trainer, "data_changed_at", None)  # drawn data: a new point makes the cost jump, not α
    if changed is not None:
        history = history[history["iteration"] > changed]
    found = None if trainer.diverged else diagnose(history, chance)
    return found.text if found else ""


def status_cells(run, playing: bool) -> list[tuple[str, str]]:
    """The Playground's status line for ``run`` as it is now: (name, value) pairs."""
    tr, row = run.trainer, run.trainer.last_record
    score = "accuracy" if run.dataset.task != "regression" else "r2"
    fmt = (lambda x: f"{x:.1%}") if score == "accuracy" else (lambda x: number(x, 3))
    state = "diverged" if tr.diverged else "target reached" if tr.finished else "playing" if playing else "paused"
    label = "acc." if score == "accuracy" else "R²"
    return [("Iteration", f"{tr.iteration:,}"), ("Epoch", f"{tr.epoch:,}"),
            ("Train cost", number(row["cost_train"])), ("Test cost", number(row["cost_test"])),
            (f"Train {label}", fmt(row[f"{score}_train"])),
            (f"Test {label}", "–" if np.isnan(row[f"{score}_test"]) else fmt(row[f"{score}_test"])),
            ("State", state)]


def charts_row(live_panel: str | None, rewind: int | None) -> None:
    """One row, as in TensorFlow Playground: the detail panel (the network, by default), the decision
    boundary and the cost curve side by side. A static panel (drawn outside the frame loop, under
    this row) leaves the row to the two main charts."""
    if live_panel:
        detail, left, right = st.columns([1.3, 1.2, 1])
        with detail:
            detail_panel(live_panel, rewind)
    else:
        left, right = st.columns(2)
    main_charts(rewind, left, right)


def main_charts(rewind: int | None, left, right) -> None:
    """Decision boundary (or image samples) in ``left``, the cost curve in ``right``. The figures are
    passed as functions of the trainer, so live frames can make them again (descentlab.ui.live.route); what
    the widgets say is read here, once."""
    run, s, ss = current_run(), playground_style(), st.session_state
    tr, data = run.trainer, run.dataset
    with left:
        if data.points_train is not None:
            boundary_chart(tr, s, rewind)
        elif data.image_shape is not None:
            def images():
                net = run.network if rewind is None else tr.network_at(rewind)
                probs = net.forward(data.X_test[:, :12] if data.m_test else data.X_train[:, :12])
                return viz.images_figure(data, probs, style=s)
            live_chart(images, key="live_images", caption=chart_caption("boundary"), grow=ROW_GROW)
        else:  # e.g. a CSV with 1 or 3+ feature columns: no input plane to draw on
            st.info(f"This data has {data.n_x} input feature(s), so there is no plane of two inputs to "
                    "draw the decision boundary on. Everything else works: the cost, the network, the "
                    "activations, weights and gradients.", icon=":material/info:")
    with right:
        log_y = ss.get("view_log_cost", False)

        def cost():  # the run's when called: a click on the network diagram may have started a new one
            tr = current_run().trainer
            return viz.cost_figure(tr.history, data.task, log_y=log_y, style=s, edits=tr.edits)
        live_chart(cost, key="live_cost", caption=chart_caption("cost"), grow=ROW_GROW,
                   canvas_lines=bool(ss[Keys.PLAYING]))  # paused: Plotly's lines, with hover


def boundary_chart(tr, s: Style, rewind: int | None) -> None:
    """The decision boundary, or the output of a unit hovered or pinned in the network diagram (read
    as each frame is made, so a hover shows within one frame). Drawing your own data
    (descentlab.ui.views.playground_draw), a click adds or removes a point, playing or paused;
    otherwise, paused, a click on a point traces that example (descentlab.ui.views.playground_trace).
    The producer reads ``tr.dataset`` when called: a drawn point swaps it."""
    ss = st.session_state
    drawing = playground_draw.drawing()
    discretize, show_test = ss.get("view_discretize", False), ss.get("view_show_test", True) and not drawing
    view, pinned = unit_view(), pinned_unit()

    def figure():
        tr = current_run().trainer  # the run's when called: a click on the network diagram may have started a new one
        mark = None if drawing else playground_trace.traced_point(tr.dataset)  # the traced example's ring
        unit = view.shown(tr.network)
        grid = tr.unit_grid(*unit, 100, iteration=rewind) if unit else tr.decision_grid(100, iteration=rewind)
        fig = viz.decision_figure(grid, tr.dataset, show_test=show_test, discretize=discretize, style=s, mark=mark)
        return playground_draw.with_plane(fig, tr.dataset.bounds) if drawing else fig
    paused = not ss[Keys.PLAYING]
    live_chart(figure, key="live_boundary", grow=ROW_GROW,
               caption=None if pinned else chart_caption("draw" if drawing else "boundary"),
               on_event=playground_draw.touch(tr) if drawing else playground_trace.touch(show_test) if paused else None)
    if pinned:  # the title says which unit, the button the way back
        st.button("Show the network's output", key=f"{UNIT_KEY}_clear", on_click=show_output,
                  icon=":material/undo:", type="tertiary")


def detail_panel(panel: str, rewind: int | None) -> None:
    """One panel's charts (descentlab.ui.views.playground_panels); its caption is drawn by the chart
    it describes (see live_chart)."""
    PANELS[panel].draw(playground_style(), rewind, chart_caption(panel))
