"""Compare: the sidebar's run with 2–6 values of one setting, trained side by side in lockstep."""
import streamlit as st

from descentlab.ui import classroom, config_panel, presets_menu, state
from descentlab.ui.live import player
from descentlab.ui.views import compare as view

state.init_state()
view.restore_pickers()
view.adopt_preset()  # before the panel and pickers are drawn: they show the preset's values
view.read_link()
config_panel.config_panel()

presets_menu.lab_header(view.LAB, view.PAGE_CSS)

config = state.current_config()
field, values = view.pickers(config)
if not st.session_state[state.Keys.PRESENTATION]:  # the lecturer says it; the room needs the height
    st.caption(view.what_is_shared(field))
view.current_group(config, field, values)
state.sync_query_params(config, page_query=view.link_values(field, values))

loop = view.make_loop()
player.controls(loop, reset_help="Every variant back to iteration 0 with its initial weights")
player.live_area(view.frame, loop, frames=True)
classroom.share_section()
