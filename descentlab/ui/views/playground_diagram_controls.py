"""The network diagram as a control panel, as in TensorFlow Playground: click an input node to switch
that feature on or off, "−" / "+" over a hidden layer for one unit fewer / more, and under the
diagram for one hidden layer fewer / more (the buttons: descentlab.viz.network_controls).

One source of truth: a click changes the sidebar's config (descentlab.ui.config_panel), never a copy.
The change rebuilds the network, as the same change in the sidebar does. It is a touch
(descentlab.ui.live.route): the diagram's handler starts the new run on the frame route, and the frame
that answers draws the new network, its boundary and its cost at once (a page run would take twice
as long). The page's run after that frame puts the new config into the sidebar's widgets before they
are drawn (``sync_widgets``, the Playground's LabPage ``restore`` hook; a widget's value can only be
set before the widget is drawn) and the address bar follows.
"""
from __future__ import annotations

import streamlit as st

from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.datasets import DATASETS
from descentlab.ui import classroom
from descentlab.ui.config_panel import NEW_LAYER_UNITS, load_widgets
from descentlab.ui.live.route import RUN_PAGE, Handler, Redraw
from descentlab.ui.state import apply_config, current_config, current_run, notify
from descentlab.viz import network_controls as nc
from descentlab.viz.network_diagram import FEATURE_KEYS, diagram_targets

WIDGETS_BEHIND = "diagram_widgets_behind"  # the diagram changed the config: the next run updates the sidebar
REDRAWN = ("live_network", "live_boundary", "live_cost")  # what a new network changes in the charts row


def switchable_inputs(config: RunConfig, dataset) -> tuple[str, ...] | None:
    """The features in use when a click may switch them (a generated point set whose Data settings
    a classroom link does not hide), else None: a CSV's columns and the pictures' pixels are the
    data's own inputs."""
    spec = DATASETS.get(config.dataset)
    if spec is None or spec.kind != "points" or dataset.points_train is None or classroom.hidden("data"):
        return None
    return config.features


def controls_shown() -> bool:
    """The "−" / "+" buttons, unless a classroom link hides the Network settings (its values stand)."""
    return not classroom.hidden("network")


def change_for(target: nc.Target, config: RunConfig) -> tuple[RunConfig | None, str | None]:
    """The config a click on ``target`` asks for, or None and a sentence saying why it cannot be."""
    lo, hi, most = nc.hidden_limits()
    hidden, features = list(config.hidden), list(config.features)
    acts = config.activation  # a name for every layer, or one name per layer (a tuple)
    if target.name == nc.INPUTS:
        if not 0 <= target.index < len(FEATURE_KEYS):
            return None, None
        key = FEATURE_KEYS[target.index]
        if key in features and len(features) == 1:
            return None, ("At least one input feature must stay on: turn another one on first, then "
                          "this one off.")
        features = [k for k in features if k != key] if key in features else [*features, key]
        return _replace(config, features=tuple(features))
    if target.name in (nc.UNITS_MINUS, nc.UNITS_PLUS):
        if not 0 <= target.index < len(hidden):
            return None, None
        n = hidden[target.index] + (1 if target.name == nc.UNITS_PLUS else -1)
        if n < lo:
            return None, (f"Layer {target.index + 1} has {lo} unit, the fewest a layer can have: to remove "
                          "the layer, use the − beside \"hidden layers\" under the diagram.")
        if n > hi:
            return None, f"Layer {target.index + 1} has {hi} units, the most a layer can have."
        hidden[target.index] = n
        return _replace(config, hidden=tuple(hidden))
    if target.name == nc.LAYERS_PLUS:
        if len(hidden) >= most:
            return None, f"The network has {most} hidden layers, the most it can have."
        if isinstance(acts, tuple):  # the new layer takes the last one's activation
            acts = (*acts, acts[-1])
        return _replace(config, hidden=(*hidden, NEW_LAYER_UNITS), activation=acts)
    if target.name == nc.LAYERS_MINUS:
        if not hidden:
            return None, "The network has no hidden layer to remove."
        if isinstance(acts, tuple):  # the last layer's goes with it; a list of none is no list
            acts = acts[:-1] if len(acts) > 1 else acts[0]
        return _replace(config, hidden=tuple(hidden[:-1]), activation=acts)
    return None, None


def _replace(config: RunConfig, **changes) -> tuple[RunConfig | None, str | None]:
    try:
        return config.replace(**changes), None
    except ConfigError as exc:  # e.g. a network too large for the data set: the run stays
        return None, f"Could not change the network: {exc}"


def touch(inputs_switch: bool, controls: bool) -> Handler | None:
    """The diagram's handler for its inputs and + / − (None when it has neither): a click on one starts
    the run it asks for and redraws the charts row from it, or says why it cannot be. Everything is
    read when the click comes, from the run as it is then: a click right after another lands on the
    diagram the first one drew."""
    if not inputs_switch and not controls:
        return None

    def on_event(event: dict):
        if not isinstance(event, dict) or event.get("type", "click") != "click":
            return None
        run, config = current_run(), current_config()
        inputs = switchable_inputs(config, run.dataset) if inputs_switch else None
        target = nc.clicked_target(event, diagram_targets(run.network, inputs))
        if target is None or (target.name == nc.INPUTS and inputs is None) or (target.name != nc.INPUTS and not controls):
            return None
        new, message = change_for(target, config)
        if message:
            notify("warning", message)
        if new is None:
            return RUN_PAGE if message else None
        apply_config(new)
        st.session_state[WIDGETS_BEHIND] = True
        if current_run() is run:  # refused (the budget): the page says why
            return RUN_PAGE
        return Redraw(REDRAWN, run_page=True, new_run=True)
    return on_event


def sync_widgets() -> None:
    """After a change made on the diagram, show the config in the sidebar's widgets, before they are
    drawn (LabPage's ``restore`` step)."""
    if st.session_state.pop(WIDGETS_BEHIND, False):
        load_widgets(current_config())
