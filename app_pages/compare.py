"""Compare: the sidebar's run with 2–6 values of one setting, trained side by side in lockstep."""
import streamlit as st

from descentlab.ui import classroom, state
from descentlab.ui.lab_page import LabPage
from descentlab.ui.live import player
from descentlab.ui.views import compare as view


def choose():
    """The varied field and its values, and the group that trains them."""
    config = state.current_config()
    field, values = view.pickers(config)
    if not st.session_state[state.Keys.PRESENTATION]:  # the lecturer says it; the room needs the height
        st.caption(view.what_is_shared(field))
    view.current_group(config, field, values)
    return field, values


def show(_chosen) -> None:
    loop = view.make_loop()
    player.controls(loop, reset_help="Every variant back to iteration 0 with its initial weights")
    player.live_area(view.frame, loop, frames=True)
    if not loop.playing and not st.session_state[state.Keys.PRESENTATION]:  # as the Playground's exports
        view.downloads()
    classroom.share_section()


LabPage(view.LAB, view.PAGE_CSS, show, choose=choose, restore=view.restore_pickers,
        take_preset=view.take_preset, take_link=view.take_link,
        page_query=lambda chosen: view.link_values(*chosen)).run()
