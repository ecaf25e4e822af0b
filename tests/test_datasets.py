"""Tests for descentlab.engine.datasets: generated point sets, the shapes images, features, CSV uploads."""
import math
import warnings

import numpy as np
import pytest

from descentlab.engine.datasets import (
    DATASETS,
    FEATURES,
    NORMALIZATIONS,
    DatasetError,
    image2vector,
    load_csv,
    make_dataset,
)

# Any warning (RuntimeWarning from a division by zero or an overflow, ...) fails the test.
pytestmark = pytest.mark.filterwarnings("error")

NAMES = sorted(DATASETS)
POINT_SETS = [n for n in NAMES if DATASETS[n].kind == "points"]
CLASSIFIERS = [n for n in NAMES if DATASETS[n].task != "regression"]
ARRAYS = ("X_train", "Y_train", "X_test", "Y_test", "points_train", "points_test")
FEATURE_SETS = [("x1", "x2"), ("x1_sq", "x2_sq", "x1_x2"), tuple(FEATURES), ("sin_x2", "x1")]


def csv_text(rows, header="a,b,label"):
    return header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)


BINARY_CSV = csv_text([(i, (i * 7) % 5, i % 2) for i in range(12)])


def shape_images(ds, X):
    # Undo X = image2vector(images) / 255.
    return X.T.reshape(-1, *ds.image_shape) * 255.0


# ---------------------------------------------------------------- registry and shapes
def test_registry_lists_every_dataset_once():
    assert set(NAMES) == {"circles", "moons", "xor", "gaussians", "spiral", "linear", "spiral3",
                          "blobs3", "plane", "gaussian_bumps", "shapes"}
    for key, spec in DATASETS.items():
        assert spec.name == key
        assert spec.task in ("binary", "multiclass", "regression")
        assert spec.kind in ("points", "images")
        assert spec.description and "\n" not in spec.description
        assert callable(spec.generator)


@pytest.mark.parametrize("name", NAMES)
def test_shapes_and_dtypes(name):
    ds = make_dataset(name, n_samples=120, test_fraction=0.25, seed=3)
    assert (ds.m_train, ds.m_test) == (90, 30)
    k = {"binary": 1, "multiclass": 3, "regression": 1}[ds.task]
    assert ds.task == DATASETS[name].task and ds.n_y == k
    for X, Y, m in ((ds.X_train, ds.Y_train, 90), (ds.X_test, ds.Y_test, 30)):
        assert X.shape == (ds.n_x, m) and Y.shape == (k, m)
        assert X.dtype == Y.dtype == np.float64
        assert np.all(np.isfinite(X)) and np.all(np.isfinite(Y))
    assert len(ds.feature_names) == ds.n_x
    if DATASETS[name].kind == "points":
        assert ds.n_x == 2 and ds.image_shape is None
        assert ds.points_train.shape == (2, 90) and ds.points_test.shape == (2, 30)
        (x_lo, x_hi), (y_lo, y_hi) = ds.bounds
        pts = np.hstack([ds.points_train, ds.points_test])
        assert x_lo < pts[0].min() <= pts[0].max() < x_hi
        assert y_lo < pts[1].min() <= pts[1].max() < y_hi
        assert x_lo <= -1.2 and x_hi >= 1.2
    else:
        assert ds.n_x == 768 and ds.image_shape == (16, 16, 3)
        assert ds.points_train is None and ds.points_test is None and ds.bounds is None
        assert ds.X_train.min() >= 0.0 and ds.X_train.max() <= 1.0


@pytest.mark.parametrize("name", NAMES)
def test_label_encoding(name):
    ds = make_dataset(name, n_samples=90, seed=1)
    if ds.task == "regression":
        assert ds.class_names == ()
        with pytest.raises(DatasetError, match="regression"):
            ds.labels_train
        return
    assert len(ds.class_names) == max(2, ds.n_y)
    for Y, labels in ((ds.Y_train, ds.labels_train), (ds.Y_test, ds.labels_test)):
        assert set(np.unique(Y)) <= {0.0, 1.0}
        assert labels.shape == (Y.shape[1],) and labels.dtype.kind == "i"
        if ds.task == "binary":
            np.testing.assert_array_equal(labels, Y[0])
        else:
            np.testing.assert_array_equal(Y.sum(axis=0), 1.0)  # exactly one hot entry
            np.testing.assert_array_equal(labels, Y.argmax(axis=0))


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_bits_other_seed_differs(name):
    kw = dict(n_samples=60, noise=0.2, seed=7, normalization="standardize")
    a, b = make_dataset(name, **kw), make_dataset(name, **kw)
    for attr in ARRAYS:
        x, y = getattr(a, attr), getattr(b, attr)
        assert (x is None and y is None) or x.tobytes() == y.tobytes()
    assert a.bounds == b.bounds
    c = make_dataset(name, **{**kw, "seed": 8})
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classes_are_balanced(name):
    k = len(DATASETS[name].class_names)
    for n, spread in ((300, 0), (301, 1)):
        ds = make_dataset(name, n_samples=n, seed=2)
        counts = np.bincount(np.concatenate([ds.labels_train, ds.labels_test]), minlength=k)
        assert counts.sum() == n and counts.max() - counts.min() == spread


def test_point_sets_match_their_definitions_without_noise():
    def all_points(ds):
        return np.hstack([ds.points_train, ds.points_test]), np.hstack([ds.Y_train, ds.Y_test])

    for name in POINT_SETS:
        pts, _ = all_points(make_dataset(name, noise=0.0, seed=4))
        assert np.abs(pts).max() <= 1.2, name
    pts, Y = all_points(make_dataset("circles", noise=0.0))
    np.testing.assert_allclose(np.hypot(*pts), np.where(Y[0] == 1, 0.5, 1.0), atol=1e-12)
    pts, Y = all_points(make_dataset("xor", noise=0.0))
    np.testing.assert_array_equal(Y[0], pts[0] * pts[1] > 0)
    assert np.abs(pts).min() >= 0.05  # kept away from the axes
    pts, Y = all_points(make_dataset("plane", noise=0.0))
    np.testing.assert_allclose(Y[0], (pts[0] + pts[1]) / 2)
    pts, Y = all_points(make_dataset("linear", noise=0.0, seed=9))
    # Separable by a line through the origin: least squares on the signs finds one.
    w = np.linalg.lstsq(pts.T, 2 * Y[0] - 1, rcond=None)[0]
    assert np.all((pts.T @ w > 0) == (Y[0] == 1))


# ---------------------------------------------------------------- splitting and arguments
def test_split_sizes_and_empty_test_set():
    assert make_dataset("moons", n_samples=101, test_fraction=0.3).m_test == 30
    for name in ("circles", "spiral3", "shapes"):
        ds = make_dataset(name, n_samples=20, test_fraction=0)
        assert ds.X_test.shape == (ds.n_x, 0) and ds.Y_test.shape == (ds.n_y, 0)
        assert ds.m_train == 20
    with pytest.raises(DatasetError, match="training set"):
        make_dataset("circles", n_samples=10, test_fraction=0.99)


@pytest.mark.parametrize("kwargs, needle", [
    (dict(name="nope"), "circles, moons"),
    (dict(n_samples=9), "n_samples"), (dict(n_samples=20_001), "20,000"),
    (dict(n_samples=100.0), "n_samples"), (dict(n_samples=True), "n_samples"),
    (dict(noise=-0.1), "noise"), (dict(noise=1.5), "noise"), (dict(noise=math.nan), "noise"),
    (dict(noise="0.1"), "noise"),
    (dict(test_fraction=1.0), "test_fraction"), (dict(test_fraction=-0.1), "test_fraction"),
    (dict(seed=-1), "seed"), (dict(seed=1.5), "seed"),
    (dict(features=("x3",)), "x1_sq"), (dict(features=()), "at least one"),
    (dict(features=("x1", "x1")), "twice"), (dict(features="x1"), "tuple"),
    (dict(normalization="zscore"), "standardize"),
    (dict(name="shapes", features=("x1_sq",)), "image"),
])
def test_bad_arguments_are_explained(kwargs, needle):
    kwargs = {"name": "circles", **kwargs}
    with pytest.raises(DatasetError) as err:
        make_dataset(**kwargs)
    assert needle in str(err.value)
    assert isinstance(err.value, ValueError)


def test_arrays_are_read_only():
    ds = make_dataset("circles", n_samples=20)
    with pytest.raises(ValueError):
        ds.X_train[0, 0] = 1.0


# ---------------------------------------------------------------- features and normalization
@pytest.mark.parametrize("normalization", NORMALIZATIONS)
@pytest.mark.parametrize("features", FEATURE_SETS)
def test_featurize_reproduces_X(features, normalization):
    ds = make_dataset("moons", n_samples=80, features=features, normalization=normalization)
    assert ds.feature_names == tuple(FEATURES[k].label for k in features)
    assert ds.n_x == len(features)
    np.testing.assert_allclose(ds.featurize(ds.points_train), ds.X_train, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ds.featurize(ds.points_test), ds.X_test, rtol=0, atol=1e-12)


def test_feature_functions():
    p = np.array([[0.5, -2.0], [3.0, 0.25]])
    ds = make_dataset("circles", n_samples=20, features=tuple(FEATURES))
    x1, x2 = p
    expected = [x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)]
    np.testing.assert_allclose(ds.featurize(p), expected)


def test_normalization_uses_training_statistics_only():
    feats = ("x1", "x2", "x1_sq")
    raw = make_dataset("gaussians", n_samples=200, features=feats, seed=5)
    std = make_dataset("gaussians", n_samples=200, features=feats, seed=5,
                       normalization="standardize")
    mean, sd = raw.X_train.mean(axis=1, keepdims=True), raw.X_train.std(axis=1, keepdims=True)
    np.testing.assert_allclose(std.X_train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(std.X_train.std(axis=1), 1)
    np.testing.assert_allclose(std.X_test, (raw.X_test - mean) / sd)
    assert np.abs(std.X_test.mean(axis=1)).max() > 1e-3  # not re-centred on its own mean

    rows = make_dataset("gaussians", n_samples=200, features=feats, seed=5,
                        normalization="normalize_rows")
    norms = np.linalg.norm(raw.X_train, axis=1, keepdims=True)
    np.testing.assert_allclose(np.linalg.norm(rows.X_train, axis=1), math.sqrt(rows.m_train))
    np.testing.assert_allclose(rows.X_test, raw.X_test / norms * math.sqrt(rows.m_train))


def test_featurize_refuses_non_points():
    with pytest.raises(DatasetError, match="2-D point"):
        make_dataset("shapes", n_samples=10).featurize(np.zeros((2, 3)))
    with pytest.raises(DatasetError, match="2-D point"):
        load_csv(csv_text([(i, i, i, i % 2) for i in range(6)], "a,b,c,y")).featurize(
            np.zeros((2, 3)))
    ds = make_dataset("circles", n_samples=10)
    with pytest.raises(DatasetError, match=r"\(2, m\)"):
        ds.featurize(np.zeros((3, 4)))
    with pytest.raises(DatasetError, match="finite"):
        ds.featurize(np.array([[0.0], [np.nan]]))


@pytest.mark.parametrize("normalization", NORMALIZATIONS)
def test_no_runtime_warning_on_degenerate_data(normalization):
    constant = csv_text([(1, 0, i % 2) for i in range(8)])       # constant and all-zero columns
    extreme = csv_text([(1e15 * (i % 2), 1e-300 * i, i % 2) for i in range(8)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for text in (constant, extreme):
            ds = load_csv(text, normalization=normalization, features=("x1", "x2", "x1_sq"))
            assert np.all(np.isfinite(ds.X_train)) and np.all(np.isfinite(ds.X_test))
        ds = load_csv(constant, normalization=normalization)
        if normalization == "standardize":
            np.testing.assert_array_equal(ds.X_train, 0.0)  # centred, not divided by 0
        for name in NAMES:
            make_dataset(name, n_samples=30, noise=0.0, normalization=normalization)


# ---------------------------------------------------------------- images
def test_image2vector_is_the_courses_reshape():
    images = np.arange(2 * 3 * 4 * 3).reshape(2, 3, 4, 3)
    v = image2vector(images)
    assert v.shape == (36, 2)
    np.testing.assert_array_equal(v[:, 1], images[1].reshape(-1))
    assert v[1, 0] == images[0, 0, 0, 1] and v[3, 0] == images[0, 0, 1, 0]  # channel fastest
    np.testing.assert_array_equal(v.T.reshape(images.shape), images)  # round trip
    single = image2vector(images[0])
    assert single.shape == (36, 1)
    np.testing.assert_array_equal(single[:, 0], v[:, 0])
    assert image2vector(np.zeros((0, 4, 4, 3))).shape == (48, 0)
    with pytest.raises(DatasetError, match="height, width, channels"):
        image2vector(np.zeros((4, 4)))


def test_shapes_labels_match_what_is_drawn():
    # Fill ratio of the shape inside its bounding box: circle pi/4 ~ 0.79, square 1, triangle 0.5.
    ds = make_dataset("shapes", n_samples=200, noise=0.0, seed=5)
    images = shape_images(ds, ds.X_train)
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]],
                            axis=1)
    background = np.median(border, axis=1)[:, None, None, :]
    predicted = []
    for fg in np.abs(images - background).sum(axis=-1) > 60:
        rows, cols = np.nonzero(fg)
        ratio = fg.sum() / ((np.ptp(rows) + 1) * (np.ptp(cols) + 1))
        predicted.append(0.65 < ratio < 0.9)
    assert np.mean(np.array(predicted) == ds.labels_train) > 0.9


def test_noise_only_jitters_the_same_examples():
    # Same seed, different noise: same pictures/points in the same split, plus noise.
    clean, noisy = (make_dataset("shapes", n_samples=40, noise=v, seed=1) for v in (0.0, 0.2))
    np.testing.assert_array_equal(clean.Y_train, noisy.Y_train)
    pixel_noise = (shape_images(noisy, noisy.X_train) - shape_images(clean, clean.X_train)).std()
    assert 15 < pixel_noise < 30  # std 0.5 * noise * 255 = 25.5, a little less after clipping
    clean, noisy = (make_dataset("circles", noise=v, seed=1) for v in (0.0, 0.1))
    np.testing.assert_array_equal(clean.Y_train, noisy.Y_train)
    assert 0.08 < (noisy.points_train - clean.points_train).std() < 0.12


# ---------------------------------------------------------------- CSV upload
def test_csv_binary_points():
    ds = load_csv(BINARY_CSV, test_fraction=0.25, seed=1)
    assert (ds.name, ds.task, ds.class_names) == ("csv", "binary", ("0", "1"))
    assert ds.feature_names == ("a", "b") and (ds.m_train, ds.m_test) == (9, 3)
    assert ds.points_train.shape == (2, 9) and ds.bounds[0][0] < 0 < 11 < ds.bounds[0][1]
    np.testing.assert_array_equal(ds.points_train, ds.X_train)
    np.testing.assert_array_equal(ds.labels_train, ds.points_train[0] % 2)  # label = a % 2
    again = load_csv(BINARY_CSV.encode("utf-8-sig"), test_fraction=0.25, seed=1)  # bytes + BOM
    np.testing.assert_array_equal(again.X_train, ds.X_train)
    assert not np.array_equal(load_csv(BINARY_CSV, seed=2).X_train, ds.X_train)


@pytest.mark.parametrize("normalization", NORMALIZATIONS)
def test_csv_feature_expansion(normalization):
    ds = load_csv(BINARY_CSV, features=("x1", "x1_x2", "sin_x2"), normalization=normalization)
    assert ds.feature_names == ("x₁", "x₁x₂", "sin x₂")
    assert any("'a'" in note and "'b'" in note for note in ds.notes)
    np.testing.assert_allclose(ds.featurize(ds.points_train), ds.X_train, rtol=0, atol=1e-12)


@pytest.mark.parametrize("text, kwargs, task, classes, label_values", [
    (csv_text([(i, i, ["cat", "dog"][i % 2]) for i in range(6)]), {}, "binary",
     ("cat", "dog"), [0, 1]),
    (csv_text([(i, [-1, 1][i % 2], i) for i in range(6)], "a,Target,z"), {}, "binary",
     ("-1", "1"), [0, 1]),                                  # found by name, not position
    (csv_text([(i, i % 3) for i in range(9)], "a,b"), {}, "multiclass", ("0", "1", "2"),
     [0, 1, 2]),                                            # last column by default
    (csv_text([(i % 2, i, 2 * i) for i in range(9)], "k,a,b"), dict(label_column="K"),
     "binary", ("0", "1"), [0, 1]),                         # explicit, any case
    (csv_text([(i, i * 0.5) for i in range(9)], "a,y"), {}, "regression", (), None),
    (csv_text([(i, i) for i in range(30)], "a,y"), {}, "regression", (), None),  # > 20 ints
])
def test_csv_task_inference(text, kwargs, task, classes, label_values):
    ds = load_csv(text, test_fraction=0, **kwargs)
    assert ds.task == task and ds.class_names == classes
    if label_values is not None:
        assert sorted(set(ds.labels_train)) == label_values
    assert ds.points_train is None if ds.n_x != 2 else ds.points_train is not None


def test_csv_with_many_columns_is_not_a_point_set():
    ds = load_csv(csv_text([(i, 2 * i, 3 * i, i % 2) for i in range(8)], "a,b,c,label"),
                  normalization="standardize")
    assert ds.feature_names == ("a", "b", "c") and ds.n_x == 3
    assert ds.points_train is None and ds.bounds is None


def test_csv_row_cap_adds_a_note():
    text = csv_text([(i, i % 3, i % 2) for i in range(30)])
    ds = load_csv(text, max_rows=10, test_fraction=0)
    assert ds.m_train == 10 and sorted(ds.points_train[0]) == list(range(10))  # the first rows
    assert len(ds.notes) == 1 and "10" in ds.notes[0]
    assert load_csv(text, max_rows=30).notes == ()


ROWS = [(1, 2, 0), (3, 4, 1), (5, 6, 0), (7, 8, 1)]
BAD_CSV = [  # (data, kwargs, words the message must contain)
    ("x" * 7_100_000, {}, ["7.1 MB", "5 MB"]),
    (BINARY_CSV, dict(max_bytes=50), ["bytes", "50 bytes"]),
    (b"a,b,label\n1,\xff\xfe,0\n", {}, ["UTF-8"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", {}, ["binary"]),
    ("", {}, ["empty"]), ("  \n\n", {}, ["empty"]),
    ("a,b,label\n", {}, ["no data rows"]),
    (csv_text(ROWS), dict(label_column="price"), ["'price'", "'a', 'b', 'label'"]),
    (csv_text([(0,), (1,), (0,), (1,)], "label"), {}, ["feature column"]),
    ("a;b;y\n1;2;0\n3;4;1\n5;6;0\n7;8;1\n", {}, ["feature column", "';'"]),
    (csv_text(ROWS + [(1, "abc", 0)]), {}, ["'b'", "data row 5", "'abc'"]),
    (csv_text(ROWS + [("nan", 1, 0)]), {}, ["'a'", "data row 5", "NaN"]),
    (csv_text([(1, "", 0)] + ROWS), {}, ["'b'", "data row 1", "empty"]),
    (csv_text(ROWS + [(1, "-inf", 0)]), {}, ["'b'", "data row 5", "infinite"]),
    (csv_text(ROWS + [(1, 2, "inf")]), {}, ["'label'", "data row 5", "infinite"]),
    (csv_text(ROWS + [(1, 2, "")]), {}, ["'label'", "data row 5", "missing"]),
    (csv_text(ROWS + [(1, "1e300", 0)]), {}, ["'b'", "too large"]),
    (csv_text([(1, 2, "cat")] * 5), {}, ["'label'", "only one class", "'cat'"]),
    (csv_text(ROWS[:3]), {}, ["only 3 data rows", "4"]),
    ("a,b,label\n1,2,0\n1,2,0,9\n", {}, ["line 3", "same number"]),
    (csv_text([(i, i, f"c{i}") for i in range(21)]), {}, ["'label'", "21 different", "20"]),
    (csv_text([(1, 2, 3, 0), (1, 2, 3, 1)] * 2, "a,b,c,y"), dict(features=("x1_sq",)),
     ["exactly 2 feature columns", "a, b, c"]),
    (BINARY_CSV, dict(test_fraction=1.0), ["test_fraction"]),
    (BINARY_CSV, dict(normalization="minmax"), ["standardize"]),
    (123, {}, ["text or bytes"]),
]


@pytest.mark.parametrize("data, kwargs, needles", BAD_CSV,
                         ids=[f"bad{i}" for i in range(len(BAD_CSV))])
def test_csv_errors_name_the_problem(data, kwargs, needles):
    with pytest.raises(DatasetError) as err:
        load_csv(data, **kwargs)
    for needle in needles:
        assert needle in str(err.value)
