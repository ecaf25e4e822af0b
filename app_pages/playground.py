"""Playground: choose a network, press Play, watch it learn."""
import streamlit as st

from ui import classroom, config_panel, exports, live_loop, state
from ui import playground_view as view

state.init_state()
config_panel.config_panel()
state.sync_query_params(state.current_config())

st.title("Playground")
st.html(view.STATUS_CSS)
state.show_notices()

live_loop.controls()
tr = state.current_run().trainer
playing = st.session_state[state.Keys.PLAYING]

opts = st.columns([6, 1.3, 1.3, 1.3])  # wide enough for all five panel names at presentation size
panel = "Network"  # what a classroom link that hides the picker shows
if not classroom.hidden("detail"):
    panel = opts[0].segmented_control("Detail", view.PANELS, default="Network", key="view_panel") or "Network"
if not classroom.hidden("toggles"):  # hidden: the views use their defaults
    opts[1].toggle("Test points", value=True, key="view_show_test")
    opts[2].toggle("Discretize", key="view_discretize")
    opts[3].toggle("Log cost", key="view_log_cost")
if panel == "Weights":
    st.select_slider("Layer", list(range(1, tr.network.L + 1)), key="view_weight_layer")

rewind = None
its = tr.snapshots.iterations
rewind_box = st.container()  # always there, even empty: the live charts below keep their places (no blink)
if not playing and len(its) > 1 and not classroom.hidden("rewind"):
    view.follow_latest("view_rewind", its)
    at = rewind_box.select_slider("Rewind: show the run as it was at iteration", its, key="view_rewind")
    rewind = None if at == its[-1] else at
    if rewind is not None:
        rewind_box.info(f"Rewound: the boundary, network and weights show iteration {rewind:,} "
                        f"(training is at {tr.iteration:,}; Play continues from there).", icon=":material/history:")

live_panel = panel if panel in view.LIVE_PANELS else None  # static panels stay out of the frame loop
live_loop.live_area(lambda: (view.status_line(), view.main_charts(rewind),
                             live_panel and view.detail_panel(live_panel, rewind)), frames=True)
if live_panel is None:
    view.detail_panel(panel, rewind)
if st.session_state[state.Keys.PRESENTATION]:
    classroom.room_qr()  # a projector shows the lesson and the way to open it, not the file menu
elif playing:  # its downloads would hold the run as it was at Play; and each element slows every frame
    st.caption("Pause to share, save or export this run.")
elif not classroom.hidden("export"):
    exports.export_section()
    classroom.link_maker()
