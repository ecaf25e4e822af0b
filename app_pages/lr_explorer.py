"""Learning rate: K rates trained at once, one neuron's cost surface with descent paths, schedules."""
import streamlit as st

from descentlab.ui import config_panel, presets_menu, state
from descentlab.ui.views import lr_explorer as view
from descentlab.ui.views import lr_schedules, lr_surface
from descentlab.ui.theme import STATUS_CSS

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
    lr_surface.surface_section()
elif section == "Schedules":
    lr_schedules.schedules_section()
else:
    view.sweep_section()
