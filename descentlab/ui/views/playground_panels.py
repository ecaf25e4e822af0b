"""The Playground's detail panels, one entry each: the panel picker, the frame loop and the layout
all read ``PANELS``, so a chart is added with a figure builder in descentlab.viz and one entry here.

A live panel shares the row with the decision boundary and the cost, and is redrawn every frame; a
static one is drawn under that row, outside the frame loop. Its figures are passed to live_chart as
functions of the trainer (rule (a) of descentlab.ui.live: what widgets say is read here, once)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from descentlab import viz
from descentlab.ui.formulas import fit_formulas
from descentlab.ui.live.elements import live_chart
from descentlab.ui.screen_fit import ROW_GROW
from descentlab.ui.state import Keys, current_config, current_run
from descentlab.ui.views import playground_blocks, playground_diagram_controls
from descentlab.viz.network_diagram import clicked_unit
from descentlab.viz.style import Style

# The unit (l, j) whose output the boundary chart shows instead of the network's (j from 0), or None:
# chosen by clicking (or tapping) the unit in the network diagram, cleared by clicking it again or by
# the button under the boundary chart. Read at script time; the frame producers get it in their closure.
UNIT_KEY = "view_unit"


@dataclass(frozen=True)
class Panel:
    draw: Callable[[Style, int | None, str | None], None]  # (style, rewound iteration or None, caption)
    caption: str | None = None   # under its chart; none in presentation mode
    live: bool = True            # redrawn every frame, beside the main charts


def shown_unit() -> tuple[int, int] | None:
    """The unit the boundary chart shows, if one is chosen and the current run's network has it (a new
    network may be smaller) and the data have an input plane to show it on."""
    unit, run = st.session_state.get(UNIT_KEY), current_run()
    if unit is None or run.dataset.points_train is None:
        return None
    l, j = unit
    return (l, j) if 1 <= l <= run.network.L and 0 <= j < run.network.layer_sizes[l] else None


def show_output() -> None:
    """Back to the network's output on the boundary chart."""
    st.session_state[UNIT_KEY] = None


def _take_click(click: dict | None, network, has_plane: bool = True, inputs=None, controls: bool = False) -> None:
    """A click on a unit shows it big (when the data have a plane to show it on); on the unit already
    shown, the output again. The page runs again, so the diagram's frame, the boundary and the button
    all follow. A click on an input node or a + / − changes the config (playground_diagram_controls)."""
    if playground_diagram_controls.take_click(click, network, inputs, controls):
        return
    unit = clicked_unit(network, click) if has_plane else None
    if unit is not None:
        st.session_state[UNIT_KEY] = None if shown_unit() == unit else unit
        st.rerun()


def _network(s: Style, rewind: int | None, caption: str | None) -> None:
    run = current_run()
    tr, net = run.trainer, run.network
    has_plane = run.dataset.points_train is not None
    # while playing, hover values would change under the pointer 10 times a second; leaving them
    # out keeps the diagram's traces unchanged, so each frame redraws only its pictures
    values = rewind is not None or not st.session_state[Keys.PLAYING]
    shown = shown_unit()
    # the inputs and + / − on the diagram (TensorFlow Playground's): read here, at script time
    inputs = playground_diagram_controls.switchable_inputs(current_config(), run.dataset)
    controls = playground_diagram_controls.controls_shown()
    click = live_chart(lambda: viz.network_figure(net if rewind is None else tr.network_at(rewind),
                                                  tr.unit_grids(24, iteration=rewind) if has_plane else None,
                                                  dataset=run.dataset, style=s, values=values, shown=shown,
                                                  inputs=inputs, controls=controls),
                       key="live_network", caption=caption, grow=ROW_GROW, on_click=has_plane or controls)
    _take_click(click, net, has_plane, inputs, controls)
    if run.dataset.image_shape is not None:
        live_chart(lambda: viz.first_layer_weights_figure(
            (tr.params_at(rewind) if rewind is not None else net.params)["W1"], run.dataset.image_shape, style=s),
            key="live_w1_images")


def _activations(s: Style, rewind: int | None, caption: str | None) -> None:
    tr, net = current_run().trainer, current_run().network
    # one chart per distinct activation; each shows every layer using it
    layers = [l for l in range(1, net.L) if l == 1 or net.activations[l] != net.activations[l - 1]]
    for l in layers:
        live_chart(lambda g=net.activations[l]: viz.activation_figure(g, tr.layer_statistics(), style=s),
                   key=f"live_act_{l}", caption=caption if l == layers[-1] else None)


def _weights(s: Style, rewind: int | None, caption: str | None) -> None:
    tr = current_run().trainer
    layer = st.session_state.get("view_weight_layer", 1)

    def shown():  # the snapshots' iterations up to the one shown
        return [it for it in tr.snapshots.iterations if rewind is None or it <= rewind]
    # one above the other: the panel shares its row with the boundary and the cost
    live_chart(lambda: viz.weights_over_time_figure([(it, tr.params_at(it)) for it in shown()], layer, style=s),
               key="live_w_time", caption=caption)
    live_chart(lambda: viz.weight_histogram_figure(tr.params_at(shown()[-1]), layer, style=s), key="live_w_hist")


def _gradients(s: Style, rewind: int | None, caption: str | None) -> None:
    tr = current_run().trainer
    live_chart(lambda: viz.gradient_figure(tr.history, style=s), key="live_grads", caption=caption,
               canvas_lines=bool(st.session_state[Keys.PLAYING]))  # paused: Plotly's lines, with hover


def _shapes_and_equations(s: Style, rewind: int | None, caption: str | None) -> None:
    run = current_run()
    fit_formulas()  # a deep network's equations are long: they shrink to their column
    a, b = st.columns(2)
    with a:
        st.markdown("**Shapes for this network and m = "
                    f"{run.dataset.m_train} training examples** (learned parameters per layer on the right)")
        st.dataframe(viz.shapes_table_text(viz.shapes_table(run.network, run.dataset.m_train)), hide_index=True)
        st.markdown("**Hyperparameters** (what you set; the parameters W, b are what training learns)")
        st.dataframe(viz.hyperparameters_table(current_config(), run.trainer.iteration), hide_index=True)
    with b:
        st.markdown("**Forward propagation**")
        for line in viz.forward_equations(run.network):
            st.latex(line)
        st.markdown("**Backward propagation**")
        for line in viz.backward_equations(run.network):
            st.latex(line)


PANELS: dict[str, Panel] = {
    "Network": Panel(_network, "Line colour = sign of the weight, width = its size. Each picture is what "
                               "that unit computes: click one to see it big on the boundary chart."),
    "Activations": Panel(_activations, "g(z) and g'(z) with the current pre-activations of every hidden layer: "
                                       "mass in the flat regions means saturated units (tiny gradients), ReLU "
                                       "mass at z < 0 means dead units."),
    "Weights": Panel(_weights, "How the distribution of the chosen layer's weights moves over training "
                               "(darker = more weights)."),
    "Gradients": Panel(_gradients, "Gradient norm per layer on a log scale: falling towards the input layer "
                                   "means vanishing gradients. Update/weight ratio near 1e-3 is the usual "
                                   "healthy pace."),
    "Shapes & equations": Panel(_shapes_and_equations, live=False),
    "Blocks & cache": Panel(playground_blocks.draw,
                            "Each layer's forward block stores its cache (Z[l], and A[l−1], W[l], b[l]); "
                            "the backward block under it reads that cache to take dA[l] to dA[l−1] and "
                            "give dW[l], db[l]. Shapes for this network and m training examples.",
                            live=False),
}
LIVE_PANELS = tuple(name for name, panel in PANELS.items() if panel.live)
