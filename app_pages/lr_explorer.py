"""Learning rate: K rates trained at once, one neuron's cost surface with descent paths, schedules."""
import streamlit as st

from descentlab.ui import state
from descentlab.ui.lab_page import LabPage
from descentlab.ui.theme import STATUS_CSS
from descentlab.ui.views import lr_explorer as view
from descentlab.ui.views import lr_schedules, lr_surface


def restore() -> None:
    view.goto_if_requested()  # "Open the best rate in the Playground" was clicked
    view.init()


def show(_chosen) -> None:
    """One section at a time; each has its own loop (descentlab.ui.views.lr_explorer)."""
    section = st.segmented_control("Section", view.SECTIONS, key=state.held(view.K.SECTION),
                                   label_visibility="collapsed")
    if section == "Loss surface":
        lr_surface.surface_section()
    elif section == "Schedules":
        lr_schedules.schedules_section()
    else:
        view.sweep_section()


LabPage(view.LAB, STATUS_CSS, show, restore=restore, take_preset=view.take_preset,
        take_link=view.take_link, page_query=lambda _chosen: view.page_query()).run()
