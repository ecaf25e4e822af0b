"""Learning rate: K rates trained at once, one neuron's cost surface with descent paths, schedules."""
import streamlit as st

from engine.presets import PRESETS
from ui import config_panel, presets_menu, state
from ui import lr_view as view
from ui.playground_view import STATUS_CSS

state.init_state()
view.goto_if_requested()  # "Open the best rate in the Playground" was clicked
view.init()
view.adopt_preset()       # before the sidebar panel draws: it may load the preset's config
config_panel.config_panel()
view.read_query()
state.sync_query_params(state.current_config(), view.page_query())

st.title("Learning rate")
st.html(STATUS_CSS)
with st.expander("Presets for this page"):
    presets = [p for p in PRESETS.values() if p.page == view.PAGE]
    if presets:
        presets_menu.preset_grid(presets)
    else:
        st.caption("No presets point at this page yet.")
for kind, text in state.pop_notices():
    getattr(st, kind)(text)

section = st.segmented_control("Section", view.SECTIONS, key=view.K.SECTION, label_visibility="collapsed")
if section == "Loss surface":
    view.surface_section()
elif section == "Schedules":
    view.schedules_section()
else:
    view.sweep_section()
