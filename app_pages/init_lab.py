"""Initialization lab: the same network started from zeros, small random, large random, Xavier and He
weights, trained side by side; symmetry, activations per layer and the classic result table."""
import streamlit as st

from descentlab.ui import classroom
from descentlab.ui.lab_page import LabPage
from descentlab.ui.live import player
from descentlab.ui.views import init_lab as view


def choose():
    """The schemes picked, and the loop of the group that trains them (the page stops without any)."""
    schemes = view.scheme_pickers()
    if not schemes:
        st.warning("Pick at least one initialization scheme.")
        st.stop()
    loop = view.make_loop()
    if not view.current_group(schemes, loop):
        st.stop()
    return schemes, loop


def show(chosen) -> None:
    schemes, loop = chosen
    view.controls_row(loop)
    rewind = view.rewind_slider(loop)
    player.live_area(lambda: view.frame(schemes, rewind), loop, frames=True)
    # under the charts, so that they reach a projector's first screen
    st.caption("Every scheme trains the sidebar's network on the same data with the same seed; only the "
               "initial W differs. The course: W must not start at 0, small random numbers break the "
               "symmetry, and b may start at 0 — it does in every scheme here.")
    st.caption("**Cost**: zeros stays on the ln 2 line — the output is 0.5 for everyone. **Gradient norm**: "
               "a line falling towards layer 1 is a vanishing gradient; open markers on the ≈ 0 line are "
               "gradients that are zero, or too small to matter. **Weights**: one row per unit. With zeros "
               "(or any constant) every row is the same and stays the same: the layer behaves like a single "
               "unit, whatever n[l] is. Random W makes every row different from the start, even with b = 0. "
               "(The random schemes draw the same numbers — same seed — scaled differently; each matrix is "
               "coloured relative to its own largest |w|.)")

    st.subheader("Activations per layer, at the start and after N steps")
    st.caption("A deeper copy of the sidebar's network (same data, seed and optimizer), in the spirit of "
               "Glorot & Bengio (2010), figures 6–7. Each row is a hidden layer, each colour strip where "
               "its activations A[l] lie. Too small a scale: deep layers shrink to 0 and the signal dies. "
               "Too large: tanh and sigmoid pile up at their flat ends (saturated, g′ ≈ 0) and ReLU "
               "values explode. Xavier keeps tanh layers alike; He does the same for ReLU.")
    view.activation_section(schemes)

    st.subheader("The classic experiment")
    st.markdown(
        "Layers [2, 10, 5, 1], ReLU hidden units and a sigmoid output, α = 0.01, 15,000 iterations of "
        "gradient descent on two circles (300 training, 100 test points). **Zeros**: every unit of a "
        "layer computes the same thing and every gradient is 0, so the cost stays at ln 2 ≈ 0.693 and "
        "the accuracy at 50%. **random × 10**: the first cost is huge — confident, wrong predictions. "
        "**random × 0.01**, the course's choice for tanh and sigmoid, is too small for this ReLU "
        "network: the signal shrinks layer by layer and it has not started learning after 15,000 "
        "iterations. **He** scales W by √(2/n[l−1]) and learns.")
    view.classic_section()
    classroom.share_section()


LabPage(view.LAB, view.PAGE_CSS, show, choose=choose, restore=view.restore_pickers,
        take_preset=view.take_preset, take_link=view.take_link,
        page_query=lambda chosen: view.link_values(chosen[0])).run()
