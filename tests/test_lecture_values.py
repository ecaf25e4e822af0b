"""The lecture's worked values, shown where their topic lives: σ and σ′ at z = −2…2 (Activation
functions), the 15-element dot product (Vectorization), image2vector of the 3 × 3 × 2 array (Images).
The pages' numbers are read back and compared with the lessons' functions and the engine."""
import numpy as np
import pytest

from descentlab.engine.activations import ACTIVATIONS
from descentlab.engine.images import image2vector
from descentlab.lessons import activation_properties as props
from descentlab.lessons import images as lesson_images
from descentlab.lessons import vectorization as vec
from tests.pages import open_page


# ---- the lessons' functions
def test_sigmoid_values_are_the_engines_and_the_lectures():
    t = props.sigmoid_values()
    z = np.array(props.LECTURE_Z)
    np.testing.assert_array_equal(t["z"], z)
    sigma = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(t["σ(z)"], sigma, rtol=1e-12)
    np.testing.assert_allclose(t["σ′(z)"], sigma * (1 - sigma), rtol=1e-12)
    np.testing.assert_allclose(t["σ′(z)"], ACTIVATIONS["sigmoid"].derivative(z), rtol=1e-12)
    # the lecture's rounded values, as a cross-check of the formula, not of the page
    np.testing.assert_allclose(t["σ(z)"], [0.1192, 0.2689, 0.5, 0.7311, 0.8808], atol=5e-5)
    np.testing.assert_allclose(t["σ′(z)"], [0.1050, 0.1966, 0.25, 0.1966, 0.1050], atol=5e-5)


def test_lecture_dot_loop_and_numpy_agree():
    d = vec.lecture_dot()
    assert d.x1.size == d.x2.size == 15
    assert d.loop == d.numpy == float(np.dot(vec.LECTURE_X1, vec.LECTURE_X2))
    assert d.loop == sum(a * b for a, b in zip(vec.LECTURE_X1, vec.LECTURE_X2))
    assert d.loop == 235  # the lecture prints "for-looped dot = 235" and "vectorized dot = 235"
    np.testing.assert_array_equal(d.products, np.multiply(vec.LECTURE_X1, vec.LECTURE_X2))
    with pytest.raises(ValueError):
        vec.lecture_dot((1, 2), (1, 2, 3))


def test_lecture_image2vector_is_the_engines_column_in_c_order():
    image = lesson_images.LECTURE_IMAGE
    v = lesson_images.lecture_vector()
    assert image.shape == (3, 3, 2) and v.shape == (18, 1)
    np.testing.assert_array_equal(v, image2vector(image))
    np.testing.assert_array_equal(v[:, 0], image.reshape(-1))
    assert v[1, 0] == image[0, 0, 1] and v[2, 0] == image[0, 1, 0]
    # the lecture's printed column starts 0.139, 0.381, 0.982 and ends 0.279, 0.077
    assert v[:3, 0].tolist() == [0.139, 0.381, 0.982] and v[-2:, 0].tolist() == [0.279, 0.077]


# ---- the pages show those numbers
def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_activations_page_shows_the_sigmoid_table():
    at = _ok(open_page("app_pages/activations.py", timeout=120))
    (table,) = [t.value for t in at.table]
    t = props.sigmoid_values()
    assert list(table.columns) == ["z = −2", "z = −1", "z = 0", "z = 1", "z = 2"]
    np.testing.assert_allclose(table.loc["σ(z)"].astype(float), t["σ(z)"], atol=5e-5)
    np.testing.assert_allclose(table.loc["σ′(z)"].astype(float), t["σ′(z)"], atol=5e-5)
    assert table.loc["σ(z)"].tolist() == ["0.1192", "0.2689", "0.5000", "0.7311", "0.8808"]


def test_vectorization_page_shows_the_loop_and_numpy_dot():
    at = _ok(open_page("app_pages/vectorization.py", timeout=120))
    d = vec.lecture_dot()
    (table,) = [t.value for t in at.table]
    assert table.loc["x1"].astype(float).tolist() == list(vec.LECTURE_X1)
    assert table.loc["x2"].astype(float).tolist() == list(vec.LECTURE_X2)
    loop, numpy = (float(m.value) for m in at.metric[-2:])
    assert loop == d.loop and numpy == d.numpy


def test_images_page_shows_the_lecture_array_and_its_column():
    at = _ok(open_page("app_pages/images.py", timeout=120))
    v = lesson_images.lecture_vector()
    column = [d.value for d in at.dataframe if "from" in d.value.columns]
    (column,) = column
    assert len(column) == v.shape[0]
    np.testing.assert_allclose(column["value"].astype(float), v[:, 0], atol=5e-9)
    assert column["from"].iloc[1] == "image[0, 0, 1]"
    text = " ".join(m.value for m in at.markdown)
    assert f"**{lesson_images.LECTURE_IMAGE.shape}**" in text and f"**{v.shape}**" in text
    channels = [t.value for t in at.table]
    assert len(channels) == 2
    for k, t in enumerate(channels):
        np.testing.assert_allclose(t.astype(float).to_numpy(), lesson_images.LECTURE_IMAGE[:, :, k], atol=5e-9)
