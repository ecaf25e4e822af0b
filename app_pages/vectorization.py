"""Vectorization: five operations written as Python for-loops and with numpy, timed live on the server.

Bounded: every loop stops at descentlab.lessons.vectorization.LOOP_LIMIT inner iterations (larger sizes run on a
prefix and are extrapolated, and say so), and results are cached per (operation, size)."""
import inspect
import time

import pandas as pd
import streamlit as st

from descentlab.lessons.vectorization import (
    LOOP_LIMIT,
    OPERATIONS,
    SIZES,
    Timing,
    lecture_dot,
    time_operation,
)
from descentlab.ui.theme import style
from descentlab.viz import vectorization as vf


class K:  # this page's session-state keys
    MEASURED = "vec_measured"  # sizes timed in this session, for the speed-up-by-size chart
    FRESH = "vec_fresh"        # this visitor's own measurement (Measure again), else the shared one


LABELS = {name: op.label for name, op in OPERATIONS.items()}


@st.cache_data(max_entries=4 * len(SIZES) * len(OPERATIONS), show_spinner=False)
def _timed(op: str, n: int, fresh: int = 0) -> Timing:
    """One timing per (operation, size), shared by every visitor (each says when it was measured and
    under what load); ``fresh``, a visitor's own "Measure again", makes one of their own."""
    return time_operation(op, n)


def _n(v: float) -> str:
    return f"{v:g}"  # the lecture's numbers are whole: 81, not 81.0


def _measure_again() -> None:
    st.session_state[K.FRESH] = time.monotonic_ns()  # a key of this visitor's own: measured anew
    st.session_state[K.MEASURED] = []


st.title("Vectorization")
s = style()
st.markdown(
    "The course times a dot product of two vectors of a million numbers: about 350 ms as a Python "
    "for-loop, about 1 ms with `np.dot`. Here the same race runs **live on this server** for five "
    "operations. A loop runs one Python step per number; numpy runs one call that loops in compiled "
    "code (and uses the CPU's vector instructions, SIMD).")

c1, c2 = st.columns([3, 1], vertical_alignment="bottom")  # the button's name whole at presentation size
n = c1.select_slider("Size n (elements of work)", SIZES, value=100_000, format_func=lambda v: f"{v:,}",
                     key="vec_size", help="Vectors of n numbers; for the outer product and the matrix, "
                     "√n × √n; for logistic regression, X is (10, n/10).")
c2.button("Measure again", key="vec_btn_again", on_click=_measure_again, icon=":material/refresh:",
          width="stretch", help="Forget the cached timings and time everything again")

bar = st.progress(0.0, text="Timing…")
timings = []
for i, op in enumerate(OPERATIONS):
    bar.progress(i / len(OPERATIONS), text=f"Timing {LABELS[op].lower()} at n = {n:,}…")
    timings.append(_timed(op, n, st.session_state.get(K.FRESH, 0)))
bar.empty()
measured = st.session_state.setdefault(K.MEASURED, [])
if n not in measured:
    measured.append(n)

st.plotly_chart(vf.timings_figure(timings, LABELS, s), key="vec_bars")
st.caption(vf.measured_caption(timings))
st.caption(f"Each loop stops after {LOOP_LIMIT:,} inner steps, so a page load stays within a few "
           "seconds: above that the loop runs on a prefix of the work and its time is multiplied up "
           "(hatched bars, marked * in the table). Times are the best of a few runs; the server may "
           "be busy, so expect some noise.")
st.dataframe(vf.timings_table(timings, LABELS), hide_index=True)
if not all(t.agree for t in timings):
    st.error("A loop and numpy disagreed on the numbers: that is a bug, please report it.")

if len(measured) > 1:
    history = [_timed(op, size, st.session_state.get(K.FRESH, 0)) for size in sorted(measured)
               for op in OPERATIONS]  # cached: instant
    st.plotly_chart(vf.speedup_figure(history, LABELS, s), key="vec_speedup")
    st.caption("Small arrays: numpy's fixed cost per call (checking types, allocating the result) "
               "dominates and the gain is small. Large arrays: the loop pays per number, numpy does not.")
else:
    st.info("Pick another size: a chart of the speed-up against n appears once two sizes are timed.")

st.subheader("The lecture's dot product, both ways")
lec = lecture_dot()
st.table(pd.DataFrame([[_n(v) for v in lec.x1], [_n(v) for v in lec.x2], [_n(v) for v in lec.products]],
                      index=["x1", "x2", "x1[i] · x2[i]"], columns=[str(i) for i in range(lec.x1.size)]))
left, right = st.columns(2)
# short labels: a projector's type must fit half a 1280 px screen
left.metric("for-loop, one product at a time", _n(lec.loop),
            help=f"The loop timed above: the {lec.x1.size} products added one by one")
right.metric("np.dot(x1, x2), one call", _n(lec.numpy))
if lec.loop != lec.numpy:
    st.error("The loop and np.dot disagree on the lecture's vectors: that is a bug, please report it.")

st.subheader("The code being timed")
tabs = st.tabs([LABELS[op] for op in OPERATIONS])
for tab, op in zip(tabs, OPERATIONS.values()):
    with tab:
        left, right = st.columns(2)
        left.markdown("**For-loop**")
        left.code(inspect.getsource(op.loop), language="python")
        right.markdown("**Vectorized**")
        right.code(op.code, language="python")
