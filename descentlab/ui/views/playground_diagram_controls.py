"""The network diagram as a control panel, as in TensorFlow Playground: click an input node to switch
that feature on or off, "−" / "+" over a hidden layer for one unit fewer / more, and under the
diagram for one hidden layer fewer / more (the buttons: descentlab.viz.network_controls).

One source of truth: a click changes the sidebar's config (descentlab.ui.config_panel), never a copy.
The change rebuilds the network, as the same change in the sidebar does, so it goes through a script
run: the click (live_chart's return value) leaves the new config in session state and reruns the
page; the next run applies it before the sidebar is drawn (``take_pending``, the Playground's
LabPage ``restore`` hook) and puts it into the sidebar's widgets, and the address bar follows
(the page syncs it from the config after the sidebar). A widget's value can only be set before
the widget is drawn, which is why the change waits for the next run.
"""
from __future__ import annotations

import streamlit as st

from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.datasets import DATASETS
from descentlab.ui import classroom
from descentlab.ui.config_panel import NEW_LAYER_UNITS, load_widgets
from descentlab.ui.state import apply_config, current_config, notify
from descentlab.viz import network_controls as nc
from descentlab.viz.network_diagram import FEATURE_KEYS, diagram_targets

PENDING = "diagram_pending"  # the RunConfig a click on the diagram asked for, applied by the next run


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


def take_click(click: dict | None, network, inputs: tuple[str, ...] | None, controls: bool) -> bool:
    """A click on an input node or a control: leave its config for the next run (or a message) and
    rerun the page; False when the click is not on one (a unit, a weight: not mine)."""
    if not click or (inputs is None and not controls):
        return False
    target = nc.clicked_target(click, diagram_targets(network, inputs))
    if target is None or (target.name == nc.INPUTS and inputs is None) or (target.name != nc.INPUTS and not controls):
        return False
    new, message = change_for(target, current_config())
    if message:
        notify("warning", message)
    if new is not None:
        st.session_state[PENDING] = new
    st.rerun()
    return True  # not reached: st.rerun ends the run (a test may stub it)


def take_pending() -> None:
    """Apply the config a click asked for, as a sidebar change is applied (a new run, with its notice),
    and show it in the sidebar's widgets. Before the sidebar is drawn (LabPage's ``restore`` step).
    When the new run cannot start (the budget refuses it), the widgets show the run that stays."""
    new = st.session_state.pop(PENDING, None)
    if not isinstance(new, RunConfig):
        return
    apply_config(new)
    load_widgets(current_config())
