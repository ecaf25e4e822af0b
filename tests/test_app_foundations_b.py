"""AppTest for the One neuron, Vectorization and Images as vectors pages: each renders without an
exception, and its main interactions do what they say (widgets found by key).

AppTest cannot upload files; the images page decodes uploads from session state (the uploader's
callback only stashes the bytes there), so the tests put bytes there, as the callback would."""
import io

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from descentlab.ui.user_text import md_plain

from .pages import open_page

TIMEOUT = 300  # the first images run trains the classifier (once per process: st.cache_resource)


def _page(name: str) -> AppTest:
    return open_page(f"app_pages/{name}.py", timeout=TIMEOUT)


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---------------------------------------------------------------- One neuron
def test_one_neuron_shows_the_graph_and_follows_the_inputs():
    at = _page("one_neuron")
    assert at.get("plotly_chart"), "computational graph missing"
    assert len(at.get("bidi_component")) >= 2, "live boundary and cost charts missing"
    before = [x.value for x in at.latex]
    at.number_input(key="neuron_w1").set_value(-2.0).run()
    _ok(at)
    after = [x.value for x in at.latex]
    assert after != before and any("-2.00" in line for line in after)  # z = -2.00 · x1 + ...
    at.slider(key="neuron_m").set_value(6).run()
    _ok(at)
    assert any("(1 \\times 6)" in x.value for x in at.latex)


def test_one_neuron_steps_and_plays_with_the_shared_live_loop():
    at = _page("one_neuron")
    assert any("Press Step" in i.value for i in at.info)
    at.button(key="neuron_btn_step").click().run()
    run = _ok(at).session_state["neuron_run"]
    assert run.iteration == 1 and run.last_update.iteration == 1
    assert any("iteration 1:" in x.value for x in at.latex)
    at.select_slider(key="neuron_speed").set_value(50).run()
    at.button(key="neuron_btn_play").click().run()  # AppTest runs the fragment once per run: one frame
    assert _ok(at).session_state["neuron_playing"] is True
    for _ in range(3):
        at.run()
    run = _ok(at).session_state["neuron_run"]
    u = run.last_update
    assert run.iteration > 4 and u.iteration == run.iteration
    np.testing.assert_allclose(u.w_after, u.w_before - u.learning_rate * u.dw)
    history = run.trainer.history
    assert len(history) >= 5 and history["cost_train"].iloc[-1] < history["cost_train"].iloc[0]
    at.button(key="neuron_btn_play").click().run()  # Pause
    assert _ok(at).session_state["neuron_playing"] is False
    at.button(key="neuron_btn_reset").click().run()
    assert _ok(at).session_state["neuron_run"].iteration == 0


def test_one_neuron_learning_rate_continues_and_data_restarts():
    at = _page("one_neuron")
    for _ in range(3):
        at.button(key="neuron_btn_step").click().run()
    at.number_input(key="neuron_lr").set_value(2.0).run()
    run = _ok(at).session_state["neuron_run"]
    assert run.iteration == 3 and run.trainer.learning_rate == 2.0  # same run, new α
    at.selectbox(key="neuron_dataset").set_value("circles").run()
    run = _ok(at).session_state["neuron_run"]
    assert run.iteration == 0 and run.run.dataset.name == "circles"


# ---------------------------------------------------------------- Vectorization
def test_vectorization_times_every_operation_and_compares_sizes():
    at = _page("vectorization")
    table = at.dataframe[0].value
    assert len(table) == 5 and table["same numbers"].tolist() == ["✓"] * 5
    assert len(at.get("plotly_chart")) == 1 and at.info  # one size: no speed-up-by-size chart yet
    at.select_slider(key="vec_size").set_value(1_000_000).run()
    _ok(at)
    table = at.dataframe[0].value
    assert table["loop ran on"].str.contains("%").all()  # a million: every loop capped and extrapolated
    assert len(at.get("plotly_chart")) == 2 and at.session_state["vec_measured"] == [100_000, 1_000_000]
    at.button(key="vec_btn_again").click().run()
    assert _ok(at).session_state["vec_measured"] == [1_000_000]


# ---------------------------------------------------------------- Images as vectors
def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_images_page_shows_channels_vector_and_prediction_for_each_example():
    at = _page("images")
    assert at.radio(key="img_source").options == ["ball", "circle", "square", "triangle"]
    assert len(at.dataframe[0].value) == 12 * 12 * 3  # the 12 × 12 picture as one column
    assert any("49,152" in m.value for m in at.markdown)
    predictions = {}
    for name in ("ball", "circle", "square", "triangle"):
        at.radio(key="img_source").set_value(name).run()
        _ok(at)
        predictions[name] = {m.label: m.value for m in at.metric}[f"P(circle) for {name}"]
    assert float(predictions["circle"]) > 0.5 > float(predictions["square"])
    at.select_slider(key="img_grid").set_value(6).run()
    assert len(_ok(at).dataframe[0].value) == 6 * 6 * 3
    at.segmented_control(key="img_model").set_value("hidden").run()
    metrics = {m.label: m.value for m in _ok(at).metric}
    assert metrics["Test accuracy"].endswith("%")


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"label,x1\n1,2\n", "text"),
    (_png(Image.new("RGB", (40, 40)))[:60], "truncated or damaged"),
], ids=["empty", "text", "truncated PNG"])
def test_images_page_refuses_a_bad_upload_and_stays_usable(data, words):
    at = _page("images")
    at.session_state["img_pending"] = ("upload.png", data)
    at.run()
    _ok(at)
    assert any(words in md_plain(e.value) and "upload.png" in md_plain(e.value) for e in at.error)
    assert at.radio(key="img_source").value == "ball" and UPLOADED not in at.radio(key="img_source").options
    assert len(at.dataframe[0].value) == 12 * 12 * 3  # the page still shows the example


UPLOADED = "your upload"


def test_images_page_uses_a_good_upload_and_says_what_it_changed():
    at = _page("images")
    img = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
    img.paste((20, 40, 160, 255), (5, 5, 25, 15))
    at.session_state["img_pending"] = ("mine.png", _png(img))
    at.run()
    _ok(at)
    assert at.radio(key="img_source").value == UPLOADED
    assert any("transparent parts" in i.value for i in at.info)
    assert any("20 × 30 × 3 = 1,800" in m.value.replace("**", "") for m in at.markdown)
    assert "P(circle) for mine.png" in {md_plain(m.label) for m in at.metric}
