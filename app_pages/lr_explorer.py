"""Learning rate: K rates trained at once, one neuron's cost surface with descent paths, schedules."""
import streamlit as st

from ui import config_panel, lr_schedules_view, lr_surface_view, presets_menu, state
from ui import lr_view as view
from ui.playground_view import STATUS_CSS

state.init_state()
view.goto_if_requested()  # "Open the best rate in the Playground" was clicked
view.init()
view.adopt_preset()       # before the sidebar panel draws: it may load the preset's config
config_panel.config_panel()
view.read_query()
state.sync_query_params(state.current_config(), view.page_query())

presets_menu.lab_header("Learning rate", view.PAGE, STATUS_CSS)

section = st.segmented_control("Section", view.SECTIONS, key=view.K.SECTION, label_visibility="collapsed")
if section == "Loss surface":
    lr_surface_view.surface_section()
elif section == "Schedules":
    lr_schedules_view.schedules_section()
else:
    view.sweep_section()
