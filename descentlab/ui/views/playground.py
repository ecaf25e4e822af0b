"""What the Playground shows each frame: status line, the two main charts and one detail panel.

Figures come from viz/; here we only pick them, size them and place them. Live charts go through
descentlab.ui.live.elements (updated in place with Plotly.react); tables and formulas are plain Streamlit."""
from __future__ import annotations

import numpy as np
import streamlit as st

from descentlab import viz
from descentlab.engine.diagnosis import chance_accuracy, diagnose
from descentlab.ui.formulas import fit_formulas
from descentlab.ui.live import player
from descentlab.ui.live.elements import live_chart
from descentlab.ui.screen_fit import ROW_GROW, fitted, presenting
from descentlab.ui.state import Keys, current_config, current_run
from descentlab.ui.theme import follow_latest, show_status, style
from descentlab.viz.style import Style
from descentlab.viz.text import number

PANELS = ("Network", "Activations", "Weights", "Gradients", "Shapes & equations")
LIVE_PANELS = PANELS[:4]  # redrawn every frame; the others change only with the network
# The Playground's training loop: the sidebar's run, under the default session keys (dl_playing,
# btn_play...). Its status line shows a divergence, so the loop adds no second notice of it.
LOOP = player.Loop(lambda: current_run().trainer, shows_divergence=True)
CAPTIONS = {
    "cost": "Train and test cost per iteration; accuracy on the right axis. A widening gap is overfitting.",
    "boundary": "The network's output over the input plane. Dots: training examples; diamonds: test examples.",
    "Network": "Line colour = sign of the weight, width = its size. Each picture is what that unit computes.",
    "Activations": "g(z) and g'(z) with the current pre-activations of every hidden layer: mass in the flat "
                   "regions means saturated units (tiny gradients), ReLU mass at z < 0 means dead units.",
    "Weights": "How the distribution of the chosen layer's weights moves over training (darker = more weights).",
    "Gradients": "Gradient norm per layer on a log scale: falling towards the input layer means vanishing "
                 "gradients. Update/weight ratio near 1e-3 is the usual healthy pace.",
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
    return None if presenting() else CAPTIONS.get(name)


def rewind_iteration(key: str, iterations: list[int]) -> int | None:
    """The iteration the rewind slider under ``key`` shows, None for "now" (read before the slider is
    drawn: it sits under the charts it rewinds)."""
    follow_latest(key, iterations)
    at = st.session_state[key]
    return None if at == iterations[-1] else at


def status_line() -> None:
    run, playing = current_run(), bool(st.session_state[Keys.PLAYING])
    chance = chance_accuracy(run.dataset)
    show_status(lambda: status_cells(run, playing), note=lambda: learning_note(run.trainer, chance))
    if run.trainer.diverged:
        st.error(run.trainer.message)


def learning_note(trainer, chance: float | None) -> str:
    """What descentlab.engine.diagnosis sees in a run that has not diverged: a sentence, or ""."""
    found = None if trainer.diverged else diagnose(trainer.history, chance)
    return found.text if found else ""


def status_cells(run, playing: bool) -> list[tuple[str, str]]:
    """The Playground's status line for ``run`` as it is now: (name, value) pairs."""
    tr, row = run.trainer, run.trainer.last_record
    score = "accuracy" if run.dataset.task != "regression" else "r2"
    fmt = (lambda x: f"{x:.1%}") if score == "accuracy" else (lambda x: number(x, 3))
    state = "diverged" if tr.diverged else "playing" if playing else "paused"
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
            show_test, discretize = ss.get("view_show_test", True), ss.get("view_discretize", False)
            live_chart(lambda: viz.decision_figure(tr.decision_grid(100, iteration=rewind), data, show_test=show_test,
                                                   discretize=discretize, style=s),
                       key="live_boundary", caption=chart_caption("boundary"), grow=ROW_GROW)
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
        live_chart(lambda: viz.cost_figure(tr.history, data.task, log_y=log_y, style=s), key="live_cost",
                   caption=chart_caption("cost"), grow=ROW_GROW,
                   canvas_lines=bool(ss[Keys.PLAYING]))  # paused: Plotly's lines, with hover


def detail_panel(panel: str, rewind: int | None) -> None:
    """One panel's charts; its caption is drawn by the chart it describes (see live_chart). Figures
    are passed as functions of the trainer, as in main_charts."""
    run, s = current_run(), playground_style()
    tr, net = run.trainer, run.network
    caption = chart_caption(panel)
    if panel == "Network":
        has_plane = run.dataset.points_train is not None
        # while playing, hover values would change under the pointer 10 times a second; leaving them
        # out keeps the diagram's traces unchanged, so each frame redraws only its pictures
        values = rewind is not None or not st.session_state[Keys.PLAYING]
        live_chart(lambda: viz.network_figure(net if rewind is None else tr.network_at(rewind),
                                              tr.unit_grids(24, iteration=rewind) if has_plane else None,
                                              dataset=run.dataset, style=s, values=values),
                   key="live_network", caption=caption, grow=ROW_GROW)
        if run.dataset.image_shape is not None:
            live_chart(lambda: viz.first_layer_weights_figure(
                (tr.params_at(rewind) if rewind is not None else net.params)["W1"], run.dataset.image_shape, style=s),
                key="live_w1_images")
    elif panel == "Activations":
        # one chart per distinct activation; each shows every layer using it
        layers = [l for l in range(1, net.L) if l == 1 or net.activations[l] != net.activations[l - 1]]
        for l in layers:
            live_chart(lambda g=net.activations[l]: viz.activation_figure(g, tr.layer_statistics(), style=s),
                       key=f"live_act_{l}", caption=caption if l == layers[-1] else None)
    elif panel == "Weights":
        layer = st.session_state.get("view_weight_layer", 1)

        def shown():  # the snapshots' iterations up to the one shown
            return [it for it in tr.snapshots.iterations if rewind is None or it <= rewind]
        # one above the other: the panel shares its row with the boundary and the cost
        live_chart(lambda: viz.weights_over_time_figure([(it, tr.params_at(it)) for it in shown()], layer, style=s),
                   key="live_w_time", caption=caption)
        live_chart(lambda: viz.weight_histogram_figure(tr.params_at(shown()[-1]), layer, style=s),
                   key="live_w_hist")
    elif panel == "Gradients":
        live_chart(lambda: viz.gradient_figure(tr.history, style=s), key="live_grads", caption=caption,
                   canvas_lines=bool(st.session_state[Keys.PLAYING]))  # paused: Plotly's lines, with hover
    elif panel == "Shapes & equations":
        _shapes_and_equations()


def _shapes_and_equations() -> None:
    run = current_run()
    fit_formulas()  # a deep network's equations are long: they shrink to their column
    a, b = st.columns(2)
    with a:
        st.markdown("**Shapes for this network and m = "
                    f"{run.dataset.m_train} training examples** (learned parameters per layer on the right)")
        st.dataframe(viz.shapes_table_text(viz.shapes_table(run.network, run.dataset.m_train)), hide_index=True)
        st.markdown("**Hyperparameters** (what you set; the parameters W, b are what training learns)")
        st.dataframe(viz.hyperparameters_table(current_config()), hide_index=True)
    with b:
        st.markdown("**Forward propagation**")
        for line in viz.forward_equations(run.network):
            st.latex(line)
        st.markdown("**Backward propagation**")
        for line in viz.backward_equations(run.network):
            st.latex(line)
