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
from descentlab.ui.live.route import Redraw, first_taker
from descentlab.ui.screen_fit import ROW_GROW
from descentlab.ui.state import Keys, current_config, current_run
from descentlab.ui.views import playground_blocks, playground_diagram_controls, playground_edit
from descentlab.viz.network_diagram import clicked_unit
from descentlab.viz.style import Style

UNIT_KEY = "view_unit"  # session state: the page's UnitView
SHOWS_UNIT = ("live_boundary", "live_network")  # the charts that show which unit is shown


@dataclass
class UnitView:
    """Which unit (l, j; j from 0) the boundary chart shows instead of the network's output: the one
    under the pointer in the network diagram, else the one pinned by a click (or a tap), else none.
    Kept in session state and changed in place by the diagram's touch handler, on the frame route's
    thread; the frame producers read it when they run, so a hover shows within one frame."""
    pinned: tuple[int, int] | None = None
    hovered: tuple[int, int] | None = None

    def shown(self, network) -> tuple[int, int] | None:
        """The unit to show, if the network has it (a new network may be smaller)."""
        for unit in (self.hovered, self.pinned):
            if unit is not None and 1 <= unit[0] <= network.L and 0 <= unit[1] < network.layer_sizes[unit[0]]:
                return unit
        return None

    def touched(self, unit: tuple[int, int] | None, kind: str) -> Redraw | None:
        """A touch on the diagram (``unit`` None: not on a unit): the charts to redraw when what is
        shown changed (a pin also changes the button under the boundary chart: the page runs)."""
        if kind == "hover" and unit is not None and unit != self.hovered:
            self.hovered = unit
            return Redraw(SHOWS_UNIT)
        if kind == "unhover" and self.hovered is not None:
            self.hovered = None
            return Redraw(SHOWS_UNIT)
        if kind == "click" and unit is not None:
            self.pinned = None if self.pinned == unit else unit
            self.hovered = None  # a tap hovers before it clicks: the pin decides what stays
            return Redraw(SHOWS_UNIT, run_page=True)
        return None


def unit_view() -> UnitView:
    view = st.session_state.get(UNIT_KEY)
    if not isinstance(view, UnitView):
        view = st.session_state[UNIT_KEY] = UnitView()
    return view


@dataclass(frozen=True)
class Panel:
    draw: Callable[[Style, int | None, str | None], None]  # (style, rewound iteration or None, caption)
    caption: str | None = None   # under its chart; none in presentation mode
    live: bool = True            # redrawn every frame, beside the main charts


def pinned_unit() -> tuple[int, int] | None:
    """The unit pinned to the boundary chart, if the current run's network has it and the data have
    an input plane to show it on."""
    run = current_run()
    if run.dataset.points_train is None:
        return None
    view = unit_view()
    return view.pinned if view.pinned is not None and UnitView(view.pinned).shown(run.network) else None


def show_output() -> None:
    """Back to the network's output on the boundary chart."""
    view = unit_view()
    view.pinned = view.hovered = None


def diagram_touch(view: UnitView, network: Callable[[], object]) -> Callable[[dict], Redraw | None]:
    """The network diagram's touch handler: hovering a unit shows its output on the boundary chart,
    leaving shows the pinned one (or the network's output); a click pins a unit, or unpins it.
    ``network()``: the diagram's network when the event comes (a click on its + makes a new one)."""
    def on_event(event: dict):
        return view.touched(clicked_unit(network(), event), str(event.get("type", "click")))
    return on_event


def _network(s: Style, rewind: int | None, caption: str | None) -> None:
    run = current_run()
    tr = run.trainer
    has_plane = run.dataset.points_train is not None
    # while playing, hover values would change under the pointer 10 times a second; leaving them
    # out keeps the diagram's traces unchanged, so each frame redraws only its pictures
    values = rewind is not None or not st.session_state[Keys.PLAYING]
    view = unit_view()
    # paused at the run's newest iteration, a weight or a unit clicked opens a field to set it
    editable = rewind is None and not st.session_state[Keys.PLAYING]
    # the inputs and + / − on the diagram (TensorFlow Playground's): a click on one starts a new run
    switch = playground_diagram_controls.switchable_inputs(current_config(), run.dataset) is not None
    controls = playground_diagram_controls.controls_shown()

    def figure():  # the run's when called: a click on the diagram's controls may have made a new one
        run = current_run()
        tr, net = run.trainer, run.network
        inputs = playground_diagram_controls.switchable_inputs(current_config(), run.dataset) if switch else None
        return viz.network_figure(net if rewind is None else tr.network_at(rewind),
                                  tr.unit_grids(24, iteration=rewind) if has_plane else None,
                                  dataset=run.dataset, style=s, values=values,
                                  shown=view.shown(net) if has_plane else None, editable=editable,
                                  inputs=inputs, controls=controls)
    event = live_chart(figure, key="live_network", caption=caption, grow=ROW_GROW, on_click=switch or controls,
                       on_event=first_taker(playground_edit.edit_handler(tr) if editable else None,
                                            diagram_touch(view, lambda: current_run().network) if has_plane else None,
                                            playground_diagram_controls.touch(switch, controls)),
                       hover=("units",), editable=editable)
    playground_edit.show_refusal(event, tr)
    if run.dataset.image_shape is not None:
        live_chart(lambda: viz.first_layer_weights_figure(
            (tr.params_at(rewind) if rewind is not None else current_run().network.params)["W1"],
            run.dataset.image_shape, style=s),
            key="live_w1_images")


def _activations(s: Style, rewind: int | None, caption: str | None) -> None:
    tr, net = current_run().trainer, current_run().network
    # one chart per distinct activation; each shows every layer using it
    layers = [l for l in range(1, net.L) if l == 1 or net.activations[l] != net.activations[l - 1]]
    live = bool(st.session_state[Keys.PLAYING])  # histograms as a picture while frames come (hover once paused)
    for l in layers:
        live_chart(lambda g=net.activations[l]: viz.activation_figure(g, tr.layer_statistics(), style=s, live=live),
                   key=f"live_act_{l}", caption=caption if l == layers[-1] else None)


def _weights(s: Style, rewind: int | None, caption: str | None) -> None:
    tr = current_run().trainer
    layer = st.session_state.get("view_weight_layer", 1)

    def shown():  # the snapshots' iterations up to the one shown
        return [it for it in tr.snapshots.iterations if rewind is None or it <= rewind]
    # one above the other: the panel shares its row with the boundary and the cost
    live = bool(st.session_state[Keys.PLAYING])  # pictures while frames come (hover once paused)
    live_chart(lambda: viz.weights_over_time_figure([(it, tr.params_at(it)) for it in shown()], layer, style=s,
                                                    live=live), key="live_w_time", caption=caption)
    live_chart(lambda: viz.weight_histogram_figure(tr.params_at(shown()[-1]), layer, style=s, live=live),
               key="live_w_hist")


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
                               "that unit computes: click one to see it big on the boundary chart. Paused, "
                               "a click on a line or a unit also opens its weight or bias to set by hand."),
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
