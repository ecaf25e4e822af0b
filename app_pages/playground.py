"""Playground: choose a network, press Play, watch it learn. One screen, as TensorFlow Playground:
transport and view switches, the panel tabs, the status line, then network, boundary and cost in one
row (descentlab.ui.views.playground); the rewind slider and the exports below it."""
import streamlit as st

from descentlab.ui import classroom, exports, state, theme
from descentlab.ui.lab_page import LabPage
from descentlab.ui.live import player
from descentlab.ui.views import playground as view
from descentlab.ui.views import playground_diagram_controls, playground_edit, playground_trace
from descentlab.ui.views.playground_panels import LIVE_PANELS, PANELS


def show(_chosen) -> None:
    presenting = st.session_state[state.Keys.PRESENTATION]
    transport, switches = st.columns([1.1, 1], vertical_alignment="center")
    with transport:
        player.controls(view.LOOP)
    drawing = view.playground_draw.drawing()
    if drawing:  # where "Test points" was (a drawn set has none): what a click adds, and Clear
        toggles = switches.columns([1.4, 1, 1.1], vertical_alignment="center")
        view.playground_draw.picker(toggles[0], toggles[1])
        toggles[2].toggle("Discretize", key="view_discretize")
    elif not classroom.hidden("toggles"):  # hidden by a classroom link: the views use their defaults
        toggles = switches.columns(3)
        toggles[0].toggle("Test points", value=True, key="view_show_test")
        toggles[1].toggle("Discretize", key="view_discretize")
        toggles[2].toggle("Log cost", key="view_log_cost")
    tr = state.current_run().trainer
    playing = st.session_state[state.Keys.PLAYING]

    panel = "Network"  # what a classroom link that hides the picker shows
    if not classroom.hidden("detail"):
        panel = st.segmented_control("Detail", tuple(PANELS), default="Network", key=state.held("view_panel"),
                                     label_visibility="collapsed") or "Network"
    # The rewind slider sits under the charts (a timeline), so the charts keep their place on the first
    # screen; its value is read here from the session, before the slider is drawn.
    its = tr.snapshots.iterations
    rewindable = not playing and len(its) > 1 and not classroom.hidden("rewind")
    rewind = view.rewind_iteration("view_rewind", its) if rewindable else None

    live_panel = panel if panel in LIVE_PANELS else None  # static panels stay out of the frame loop
    player.live_area(lambda: (view.status_line(), view.charts_row(live_panel, rewind)), view.LOOP,
                     frames=True)
    if drawing:  # the "draw" data set's kind, start and CSV
        view.playground_draw.tools(playing)
    if panel == "Weights":  # under the charts, as the rewind slider: the row above them stays one screen
        st.select_slider("Layer", list(range(1, tr.network.L + 1)), key="view_weight_layer")
    if rewindable:
        st.select_slider("Rewind: show the run as it was at iteration", its, key="view_rewind")
        if rewind is not None:
            st.info(f"Rewound: the boundary, network and weights show iteration {rewind:,} "
                    f"(training is at {tr.iteration:,}; Play continues from there).", icon=":material/history:")
    playground_trace.draw(rewind)  # the example clicked on the boundary, if one is traced
    if live_panel is None:
        view.detail_panel(panel, rewind)
    if presenting:
        classroom.room_qr()  # a projector shows the lesson and the way to open it, not the file menu
    elif playing:  # its downloads would hold the run as it was at Play; and each element slows every frame
        st.caption("Pause to share, save or export this run.")
    elif not classroom.hidden("export"):
        exports.export_section()
        classroom.link_maker()


# Its presets open from Home, and its config is all in the sidebar: no preset vary, no page link keys.
# restore: a config the network diagram's inputs and + / − set, shown in the sidebar's widgets before they are drawn;
# choose: before the link is written, the config takes the weights set by hand on the diagram (playground_edit).
LabPage("playground", theme.STATUS_CSS, show, restore=playground_diagram_controls.sync_widgets,
        choose=playground_edit.sync_config, presets_menu=False).run()
