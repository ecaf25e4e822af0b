"""Broadcasting & shapes: which shapes combine and how (numpy's own results and errors), the rank-1
pitfall, and softmax / normalization of the rows of a matrix you edit."""
import numpy as np
import pandas as pd
import streamlit as st

from descentlab.lessons import broadcasting as bc
from descentlab.ui.theme import style
from descentlab.viz.broadcasting import broadcast_figure


class K:  # this page's widget keys
    M = "bc_m"
    N = "bc_n"
    SHAPE_A = "bc_shape_a"
    OP = "bc_op"
    SHAPE_B = "bc_shape_b"
    SOFTMAX = "bc_softmax_matrix"
    NORM = "bc_norm_matrix"


def matrix_frame(rows) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=float)
    return pd.DataFrame(rows, columns=[str(j + 1) for j in range(rows.shape[1])])


SOFTMAX_DEFAULT = matrix_frame([[0, 9, 3, 0], [3, 0, 8, 1]])
NORM_DEFAULT = matrix_frame([[3, 2, 4], [1, 8, 2]])


def show(title: str, values, fmt: str = "%.4g") -> None:
    df = matrix_frame(np.atleast_2d(values))
    st.markdown(title)
    st.dataframe(df, hide_index=True, column_config={c: st.column_config.NumberColumn(format=fmt) for c in df})


def edited_matrix(default: pd.DataFrame, key: str):
    """The user's matrix, or None after an error message saying what to fix."""
    edited = st.data_editor(default, num_rows="dynamic", key=key, hide_index=True)
    try:
        return bc.parse_matrix(edited)
    except ValueError as e:
        st.error(str(e))
        return None


st.title("Broadcasting & shapes")
st.markdown("numpy lines the two shapes up on the right. On each axis the sizes must be **equal**, or one "
            "of them **1** (a missing axis counts as 1): the size-1 side is repeated to match. Faded cells "
            "below are those repeats — numpy never stores them.")

c = st.columns([1, 1, 2, 1.3, 2])
m = c[0].number_input("m", 1, 6, 2, key=K.M)
n = c[1].number_input("n", 1, 6, 3, key=K.N)
kind_a = c[2].selectbox("shape of a", bc.SHAPE_KINDS, index=0, key=K.SHAPE_A)
op = c[3].selectbox("operation", list(bc.OPERATIONS), index=0, key=K.OP)
kind_b = c[4].selectbox("shape of b", bc.SHAPE_KINDS, index=1, key=K.SHAPE_B)

sa, sb = bc.shape_of(kind_a, m, n), bc.shape_of(kind_b, m, n)
out = bc.apply(op, bc.example_array(sa), bc.example_array(sb, 10.0))
expr = f"`a {op} b`" if op != "np.dot" else "`np.dot(a, b)`"
if out.error:
    st.error(f"{expr} with a of shape {sa} and b of shape {sb}: numpy refuses.\n\n`{out.error}`")
else:
    st.success(f"{expr}: a {sa} and b {sb} give a result of shape **{out.result.shape}**.")
st.plotly_chart(broadcast_figure(out, style()), key="bc_picture", config={"displayModeBar": False})
if out.elementwise:
    st.markdown("**The rule, axis by axis** (shapes aligned on the right)")
    st.table(bc.alignment(sa, sb).set_index("axis"))
else:
    st.markdown("`np.dot` and `@` do not broadcast the two arrays against each other: they pair the last axis of "
                "`a` with the first axis of a 1-D `b` (or its second-to-last axis), and those two sizes must be "
                "equal. A 1-D array acts as a row on the left and as a column on the right. `np.dot` accepts a "
                "scalar (it then means `*`); `@` refuses one.")

st.subheader("Rank-1 arrays: (n,) is not (n, 1)")
st.markdown(f"The same values, x = (1, …, {n}), stored two ways (n = {n} from above). A shape-(n,) array "
            "has no second axis, so `.T` does nothing and `np.dot(x, x.T)` is a number, not the "
            "(n, n) matrix you may expect. Create vectors as `np.random.randn(n, 1)`, or "
            "`x.reshape(n, 1)`, and check with `assert x.shape == (n, 1)`.")
st.table(bc.rank1_table(n).set_index("expression"))  # a table wraps numpy's long messages

st.subheader("Softmax of each row")
st.markdown("The course's snippet: `x_exp = np.exp(x)`, `x_sum = np.sum(x_exp, axis=1, keepdims=True)`, "
            "`s = x_exp / x_sum` — the (rows, 1) sums are broadcast across each row. Edit the matrix "
            "(add or delete rows; every cell needs a number).")
st.info("The engine's softmax works on **columns** (there, examples are columns and classes run down the "
        "rows), so the rows of x are softmaxed as `softmax(x.T).T`. It also subtracts each row's maximum "
        "before `exp`: the result is identical, and `exp` cannot overflow (try a cell of 1000).",
        icon=":material/swap_horiz:")
x = edited_matrix(SOFTMAX_DEFAULT, K.SOFTMAX)
if x is not None:
    sm = bc.softmax_rows(x)
    a, b = st.columns(2)
    with a:
        show("**x − max of its row**", sm.shifted)
        show("**row sums** `np.sum(e, axis=1, keepdims=True)`, shape (rows, 1)", sm.sums)
    with b:
        show("**e = exp(x − max)**", sm.exp)
        show("**softmax = e / row sums** (each row sums to 1)", sm.result, "%.4f")

st.subheader("Normalizing each row")
st.markdown("Dividing each row by its length, $x / \\lVert x \\rVert$ with "
            "`np.linalg.norm(x, axis=1, keepdims=True)`, makes every row a unit vector; "
            "gradient descent tends to converge faster on normalized inputs.")
x = edited_matrix(NORM_DEFAULT, K.NORM)
if x is not None:
    rn = bc.normalize_rows(x)
    if rn.zero_rows.size:
        rows = ", ".join(str(i + 1) for i in rn.zero_rows)
        which = f"Row {rows} is" if rn.zero_rows.size == 1 else f"Rows {rows} are"
        st.warning(f"{which} all zeros: its norm is 0, so x / ‖x‖ is undefined there; shown as zeros.")
    a, b = st.columns([1, 3])
    with a:
        show("**‖x‖ per row**, shape (rows, 1)", rn.norms)
    with b:
        show("**x / ‖x‖** (each row has length 1)", rn.result, "%.4f")
