"""Images as vectors: a picture is three matrices of numbers (R, G, B), image2vector stacks them into
one column x, and the course's binary classifier reads that column: is it a circle?

Uploads are untrusted: the uploader's callback only stashes the bytes; the page decodes them once
with descentlab.engine.images.read_image (size, format and pixel-count checks) and shows its reason on refusal."""
from pathlib import Path

import pandas as pd
import streamlit as st

from descentlab import viz
from descentlab.engine.images import (
    IMAGE_SHAPE,
    MAX_IMAGE_BYTES,
    ImageError,
    LoadedImage,
    read_image,
    resize_rgb,
)
from descentlab.lessons.image_classifier import (
    MODELS,
    TrainedClassifier,
    train_classifier,
)
from descentlab.lessons.images import LECTURE_IMAGE, lecture_vector
from descentlab.ui import fit_css
from descentlab.ui.theme import style
from descentlab.ui.user_text import md_text
from descentlab.viz import images as vc


class K:  # this page's session-state keys
    PENDING = "img_pending"  # (name, bytes) stashed by the uploader's callback, decoded on the next run
    UPLOAD = "img_upload"    # (name, LoadedImage) of the last upload that could be used
    ERROR = "img_error"      # why the last upload was refused, shown once


EXAMPLES = {p.stem: p for p in sorted((Path(__file__).parents[1] / "assets" / "examples").glob("*.png"))}
UPLOADED = "your upload"


def _on_upload() -> None:
    f = st.session_state.get("img_uploader")
    if f is not None:  # the server already refused anything over maxUploadSize
        name = f.name[:60] or "upload"  # shown through md_text: escaped where it meets Markdown
        st.session_state[K.PENDING] = (name, f.getvalue())


def _take_pending_upload() -> None:
    ss = st.session_state
    name, data = ss.pop(K.PENDING)
    try:
        ss[K.UPLOAD] = (name, read_image(data))
        ss["img_source"] = UPLOADED
    except ImageError as exc:
        ss[K.ERROR] = f"{md_text(name)} could not be used: {md_text(exc)}"


@st.cache_resource(max_entries=len(EXAMPLES) + 1, show_spinner=False)
def _example(name: str) -> LoadedImage:  # read-only pixels: safe to share
    return read_image(EXAMPLES[name].read_bytes())


@st.cache_resource(max_entries=len(MODELS), show_spinner="Training on the shapes pictures (once for everyone)…")
def _classifier(key: str) -> TrainedClassifier:  # frozen result keyed by its fixed config: safe to share
    return train_classifier(key)


st.title("Images as vectors")
s = style()
if K.PENDING in st.session_state:
    _take_pending_upload()
st.markdown("To a computer a colour picture is three matrices of numbers from 0 to 255: how much "
            "**red**, **green** and **blue** each pixel has. A model needs one column of numbers per "
            "example, so the three matrices are unrolled into one long vector x.")

choices = list(EXAMPLES) + ([UPLOADED] if K.UPLOAD in st.session_state else [])
if st.session_state.get("img_source") not in choices:
    st.session_state["img_source"] = choices[0]
source = st.radio("Picture", choices, horizontal=True, key="img_source")
st.file_uploader(f"…or upload your own (PNG or JPEG, up to {MAX_IMAGE_BYTES // 1_000_000} MB)",
                 type=["png", "jpg", "jpeg"], key="img_uploader", on_change=_on_upload)
if error := st.session_state.pop(K.ERROR, None):
    st.error(error, icon=":material/block:")
name, picture = st.session_state[K.UPLOAD] if source == UPLOADED else (source, _example(source))
name = md_text(name)  # an uploaded file's name: every use below renders Markdown
for note in picture.notes:
    st.info(note, icon=":material/info:")

st.header("1 · The picture and its size")
h, w = picture.original_size
st.html(fit_css.IMAGES_PAGE_PICTURE)
left, right = st.columns([1, 2])
left.container(key="img_picture").image(picture.pixels, caption=f"{name}: {w:,} × {h:,} pixels", width=min(320, picture.pixels.shape[1] * 4))
right.markdown(
    f"This picture is **{h:,} rows × {w:,} columns × 3 colours**, so as a vector it has\n\n"
    f"### n_x = {h:,} × {w:,} × 3 = {picture.n_x:,}\n\n"
    "The course's example is a 128 × 128 picture: n_x = 128 × 128 × 3 = **49,152** numbers per example "
    "(the example pictures here are 128 × 128 too). The classifier below reads much smaller pictures: "
    f"{IMAGE_SHAPE[0]} × {IMAGE_SHAPE[1]} × 3 = {IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * 3} numbers.")

st.header("2 · Three matrices: R, G and B")
left, right = st.columns([1.3, 4])  # the small picture's chart needs ~150 px, or it runs under the slider
grid = right.select_slider("Shrink to (pixels per side, so every number stays readable)", (6, 8, 12, 16),
                           value=8 if s.presentation else 12, key="img_grid")
small = resize_rgb(picture.pixels, grid)
with left:
    st.plotly_chart(vc.picture_figure(small, f"{grid} × {grid}", s, height=170), key="img_small")
st.plotly_chart(vc.channels_figure(small, s, numbers=grid <= 12), key="img_channels")
st.caption("Each small pixel is the average colour of its patch of the original. Black = 0 of that colour, "
           "full colour = 255; white pixels are 255 in all three matrices."
           + ("" if grid <= 12 else " At 16 × 16 the numbers are too small to print: hover over a cell."))

st.header("3 · One column: image2vector")
vec = vc.vector_frame(small)
left, right = st.columns([2, 3])
left.dataframe(vec, hide_index=True, height=320)
right.markdown(
    f"`x = image.reshape(height * width * 3, 1)` turns the {grid} × {grid} × 3 array into a column of "
    f"shape **({len(vec):,}, 1)**. numpy reads the array row by row, and within a pixel R, G, B come "
    "together: px(0,0,R), px(0,0,G), px(0,0,B), px(0,1,R), … Any fixed order works, as long as every "
    "picture uses the same one: entry j of x must mean the same pixel in every example.\n\n"
    "With m pictures, the columns sit side by side: X has shape (n_x, m).")

st.subheader("The lecture's example: a 3 × 3 × 2 array")
lec = lecture_vector()
h3, w3, c3 = LECTURE_IMAGE.shape
left, right = st.columns([3, 2])
with left:
    st.markdown(f"`image.shape` = **{LECTURE_IMAGE.shape}**: {h3} rows × {w3} columns × {c3} channels. "
                "Its two channels, each a matrix:")
    for k in range(c3):
        st.caption(f"image[:, :, {k}]: row i, column j")
        st.table(pd.DataFrame([[f"{v:.8f}" for v in row] for row in LECTURE_IMAGE[:, :, k]],
                              columns=[f"j = {j}" for j in range(w3)], index=[f"i = {i}" for i in range(h3)]))
    st.markdown(f"`image2vector(image)` has shape **{lec.shape}**: {h3} × {w3} × {c3} = {lec.size} numbers in "
                "one column, read row by row and, within a pixel, channel by channel.")
with right:
    where = [f"image[{i}, {j}, {k}]" for i in range(h3) for j in range(w3) for k in range(c3)]
    right.dataframe(pd.DataFrame({"entry": [f"x[{n}]" for n in range(lec.size)], "from": where,
                                  "value": [f"{v:.8f}" for v in lec[:, 0]]}),
                    hide_index=True, height=320, key="img_lecture_vector")

st.header("4 · Is it a circle? The course's classifier")
key = st.segmented_control("Model", list(MODELS), format_func=lambda k: MODELS[k].label, default="logistic",
                           key="img_model") or "logistic"
model = _classifier(key)
p = model.predict(picture.pixels)
c = st.columns(4)
c[0].metric("Training accuracy", f"{model.scores['accuracy_train']:.0%}")
c[1].metric("Test accuracy", f"{model.scores['accuracy_test']:.0%}")
c[2].metric(f"P(circle) for {name}", f"{p:.2f}")
c[3].metric("Prediction", "circle" if p > 0.5 else "not a circle")
st.caption(f"Trained with gradient descent by the engine for {model.iterations:,} iterations on "
           f"{model.dataset.m_train:,} pictures of the shapes data set ({IMAGE_SHAPE[0]} × {IMAGE_SHAPE[1]}, "
           f"circles vs squares and triangles), tested on {model.dataset.m_test:,} others. Your picture is "
           "shrunk to 16 × 16 first (a non-square picture is squashed).")
# side by side on a laptop; on a projector the cost gets the full width (its legend needs it)
left, mid, right = st.columns([1, 2, 2]) if not s.presentation else (*st.columns([1, 2]), st.container())
with left:
    st.plotly_chart(vc.picture_figure(resize_rgb(picture.pixels, IMAGE_SHAPE[0]), None, s, height=220),
                    key="img_model_input")
    st.caption(f"What the model sees: {name} at 16 × 16.")
with mid:
    st.plotly_chart(viz.first_layer_weights_figure(model.params["W1"], IMAGE_SHAPE, n=8, style=s),
                    key="img_weights")
with right:
    st.plotly_chart(viz.cost_figure(pd.DataFrame(dict(model.history)), "binary", style=s), key="img_cost")
st.caption("Weights as pictures: each unit's 768 weights put back in the 16 × 16 × 3 shape and summed over "
           "the colours. Blue pixels push towards 'circle' when they are bright, orange ones against."
           if key == "logistic" else "Weights as pictures: the first 8 hidden units' weights, each put back "
           "in the 16 × 16 × 3 shape and summed over the colours: what each unit looks for.")
with st.expander("Test pictures and what the model says"):
    net = model.network()
    st.plotly_chart(viz.images_figure(model.dataset, net.forward(model.dataset.X_test[:, :12]), style=s),
                    key="img_test_images")
