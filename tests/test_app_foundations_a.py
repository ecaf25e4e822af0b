"""AppTest for the Activation functions, Loss functions and Broadcasting & shapes pages: each renders
without an exception, its controls are found by key, changing them works, and bad input gives a
message rather than a traceback. Data editors are edited by assigning their edit state."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from descentlab.engine.activations import ACTIVATIONS

from .pages import open_page

TIMEOUT = 120  # the activation page times every activation once per process


def _page(name: str, **state) -> AppTest:
    return open_page(f"app_pages/{name}.py", state=state, timeout=TIMEOUT)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _text(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _edit(at: AppTest, key: str, edited=None, added=(), deleted=()) -> None:
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": list(added), "deleted_rows": list(deleted)}
    at.run()
    _ok(at)


# ---- Activation functions ----------------------------------------------------------------------

def test_activations_page_renders_chart_formulas_and_properties():
    at = _page("activations")
    assert at.multiselect(key="act_selected").value == ["sigmoid", "tanh", "relu"]
    assert at.slider(key="act_z_range").value == (-5.0, 5.0)
    assert at.select_slider(key="act_eps").value == 1e-3
    (gallery,) = _charts(at)
    assert len(gallery["data"]) == 3 * 3
    assert len(at.latex) >= 2 * 3
    table = at.dataframe[0].value
    assert len(table) == len(ACTIVATIONS) and (table["cost of g (× ReLU)"] > 0).all()
    assert "max |central difference − formula|" in _text(at.markdown)


def test_activations_selection_range_and_step_change_the_chart():
    at = _page("activations")
    at.multiselect(key="act_selected").select("gelu").unselect("tanh").run()
    at.slider(key="act_z_range").set_value((-2.0, 8.0)).run()
    at.select_slider(key="act_eps").set_value(0.1).run()
    _ok(at)
    (gallery,) = _charts(at)
    names = [t["name"] for t in gallery["data"] if t.get("showlegend")]
    assert names == ["Sigmoid σ", "ReLU", "GELU (tanh approx.)"]
    xs = gallery["data"][0]["x"]
    assert "GELU" in _text(at.markdown)
    assert gallery["layout"]["xaxis"].get("title", {}).get("text") == "z" and xs


def test_activations_empty_selection_and_empty_range_give_messages():
    at = _page("activations")
    at.multiselect(key="act_selected").set_value([]).run()
    _ok(at)
    assert "Pick at least one" in _text(at.info) and not _charts(at)
    at.multiselect(key="act_selected").set_value(["relu"]).run()
    at.slider(key="act_z_range").set_value((1.0, 1.0)).run()
    _ok(at)
    assert "z range is empty" in _text(at.warning)


def test_presentation_mode_makes_the_chart_text_bigger():
    small = _charts(_page("activations"))[0]["layout"]
    big = _charts(_page("activations", dl_presentation=True))[0]["layout"]
    assert big["xaxis"]["tickfont"]["size"] > small["xaxis"]["tickfont"]["size"]
    assert big["height"] > small["height"]


# ---- Loss functions ----------------------------------------------------------------------------

def test_losses_page_renders_curves_vector_and_landscape():
    at = _page("losses")
    for key in ("loss_w0", "loss_lr"):
        assert at.number_input(key=key) is not None
    assert at.slider(key="loss_steps").value == 50
    assert at.slider(key="loss_yhat").value == 0.7
    curves, landscape = _charts(at)
    assert len(curves["data"]) == 12 and len(landscape["data"]) == 8
    assert at.data_editor(key="loss_vector") is not None
    latex = _text(at.latex)
    assert "L_1 = 0.1 + 0.2 + 0.1 + 0.6 + 0.1 = 1.1" in latex and "= 0.43" in latex
    summary = at.dataframe[-1].value
    assert summary["convex"].tolist() == [False, True]


def test_losses_descent_controls_move_the_paths():
    at = _page("losses")
    at.number_input(key="loss_w0").set_value(2.0).run()
    at.number_input(key="loss_lr").set_value(0.5).run()
    at.slider(key="loss_steps").set_value(3).run()
    _ok(at)
    path = _charts(at)[1]["data"][1]  # squared error's descent path
    assert path["name"] == "gradient descent"
    summary = at.dataframe[-1].value
    assert summary.columns.tolist()[0] == "loss" and len(summary) == 2


def test_losses_editor_bad_cells_give_messages_not_exceptions():
    at = _page("losses")
    _edit(at, "loss_vector", edited={0: {"ŷ": None}})
    assert "row 1 is empty or not a number" in _text(at.error)
    _edit(at, "loss_vector", edited={0: {"ŷ": 1.5}})
    assert not at.error and "Cross-entropy needs probabilities" in _text(at.warning)
    _edit(at, "loss_vector", deleted=range(5))
    assert "empty" in _text(at.error)
    _edit(at, "loss_vector", added=[{"y": 1.0}])  # a new row with ŷ not filled in yet
    assert "Column ŷ" in _text(at.error)


def test_losses_editor_edit_changes_the_sums():
    at = _page("losses")
    _edit(at, "loss_vector", edited={3: {"ŷ": 0.9}})
    assert "L_1 = 0.1 + 0.2 + 0.1 + 0.1 + 0.1 = 0.6" in _text(at.latex)


# ---- Broadcasting & shapes ---------------------------------------------------------------------

def test_broadcasting_page_renders_default_example():
    at = _page("broadcasting")
    assert at.selectbox(key="bc_shape_a").value == "(m, n)"
    assert at.selectbox(key="bc_shape_b").value == "(1, n)"
    assert at.selectbox(key="bc_op").value == "+"
    assert at.number_input(key="bc_m").value == 2 and at.number_input(key="bc_n").value == 3
    assert "(2, 3)" in _text(at.success)
    (picture,) = _charts(at)
    assert len(picture["data"]) == 3
    assert len(at.table) == 2  # the axis-by-axis rule and the rank-1 table


def test_incompatible_shapes_show_numpys_error_not_an_exception():
    at = _page("broadcasting")
    at.selectbox(key="bc_shape_b").set_value("(m,)").run()  # (2, 3) + (2,): 3 vs 2 on the last axis
    _ok(at)
    assert "operands could not be broadcast together" in _text(at.error)
    assert "✗" in " ".join(at.table[0].value["rule"])
    at.number_input(key="bc_m").set_value(3).run()  # m = n: now (3, 3) + (3,) broadcasts
    _ok(at)
    assert not at.error and "(3, 3)" in _text(at.success)
    at.number_input(key="bc_m").set_value(2).run()
    at.selectbox(key="bc_shape_b").set_value("(m, n)").run()
    at.selectbox(key="bc_op").set_value("np.dot").run()  # (2, 3) · (2, 3): inner sizes 3 and 2
    _ok(at)
    assert "not aligned" in _text(at.error)
    assert len(_charts(at)[0]["data"]) == 2  # no result panel
    at.selectbox(key="bc_op").set_value("@").run()
    at.selectbox(key="bc_shape_b").set_value("scalar").run()
    _ok(at)
    assert "matmul" in _text(at.error)


def test_stretching_both_ways_and_a_matrix_product():
    at = _page("broadcasting")
    at.selectbox(key="bc_shape_a").set_value("(m, 1)").run()
    at.selectbox(key="bc_op").set_value("*").run()
    at.selectbox(key="bc_shape_b").set_value("(n,)").run()
    _ok(at)
    assert "(2, 3)" in _text(at.success)
    at.selectbox(key="bc_shape_a").set_value("(m, n)").run()
    at.selectbox(key="bc_op").set_value("np.dot").run()
    _ok(at)
    assert "(2,)" in _text(at.success)


# the page's tables in order (editors included): softmax editor, x − max, row sums, e, softmax;
# normalization editor, norms, x / ‖x‖
SOFTMAX_SUMS, SOFTMAX_RESULT, NORMALIZED = 2, 4, 7


def test_softmax_and_normalization_editors():
    at = _page("broadcasting")
    result = at.dataframe[SOFTMAX_RESULT].value
    assert result.shape == (2, 4)
    assert ((result.sum(axis=1) - 1).abs() < 1e-9).all()
    assert at.dataframe[SOFTMAX_SUMS].value.shape == (2, 1)
    _edit(at, "bc_softmax_matrix", edited={0: {"2": None}})
    assert "row 1 column 2 is empty" in _text(at.error)
    _edit(at, "bc_softmax_matrix", edited={0: {"2": 1000.0}})
    assert not at.error
    _edit(at, "bc_norm_matrix", edited={1: {"1": 0.0, "2": 0.0, "3": 0.0}})
    assert "Row 2 is all zeros" in _text(at.warning)
    assert (at.dataframe[NORMALIZED].value.iloc[1] == 0).all()


@pytest.mark.parametrize("page", ["activations", "losses", "broadcasting"])
def test_pages_render_in_presentation_mode(page):
    at = _page(page, dl_presentation=True)
    assert all(c["layout"]["height"] >= 200 for c in _charts(at))
