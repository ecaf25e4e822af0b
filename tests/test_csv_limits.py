"""The cost limits of a CSV upload (descentlab.engine.csv_data): a column cap checked before pandas parses
anything, a cap on rows x columns, ragged rows refused, long cells kept out of messages and out of
fixed-width copies. No timing assertions: "before pandas parses" is checked by making
pandas.read_csv fail if it is called; the worst-case times are measured by hand (see the report)."""
import io
import random
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from descentlab.engine import csv_data
from descentlab.engine.datasets import DatasetError, load_csv

pytestmark = pytest.mark.filterwarnings("error")


def csv_text(rows, header="a,b,label"):
    return header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)


@pytest.fixture
def no_pandas(monkeypatch):
    """pandas.read_csv fails the test if called: the refusal must come before the body is parsed."""
    def read_csv(*args, **kwargs):
        raise AssertionError("pandas.read_csv was called; the file should be refused before")
    monkeypatch.setattr(csv_data.pd, "read_csv", read_csv)


def test_the_reported_220_000_column_file_is_refused_before_pandas_parses_it(no_pandas):
    header = ",".join(f"col{i:06d}" for i in range(220_000))
    row = ",".join(["1"] * 219_999) + ",0"
    data = (header + "\n" + "\n".join([row] * 5) + "\n").encode()
    assert 4_000_000 < len(data) < 5_000_000  # under the upload limit: only the column cap refuses it
    with pytest.raises(DatasetError) as err:
        load_csv(data)
    assert str(err.value) == ("this file has 220,000 columns; at most 1,000 are allowed: keep the "
                              "feature columns and the label.")


def test_the_column_cap_is_1000_columns_the_label_included(monkeypatch):
    assert csv_data.MAX_COLUMNS == 1_000
    rows = [[(i * j) % 7 for j in range(999)] + [i % 2] for i in range(8)]
    names = ",".join(f"f{j}" for j in range(999))
    ds = load_csv(csv_text(rows, names + ",label"), test_fraction=0)
    assert ds.n_x == 999 and ds.m_train == 8 and ds.feature_names[-1] == "f998"
    monkeypatch.setattr(csv_data.pd, "read_csv", None)  # 1,001 columns: refused before pandas
    with pytest.raises(DatasetError, match=r"has 1,001 columns; at most 1,000 are allowed"):
        load_csv(csv_text([r + [0] for r in rows], names + ",extra,label"))


@pytest.mark.parametrize("header", [
    ",".join(f'"c{i}"' for i in range(1_500)),              # quoted names are counted as names
    '"a\nb",' + ",".join(f"c{i}" for i in range(30_000)),  # a quoted newline hides the columns
    "x" * 200_000 + ",label",                               # one enormous name
], ids=["quoted-names", "quoted-newline", "huge-name"])
def test_a_wide_or_long_header_is_refused_before_pandas(no_pandas, header):
    with pytest.raises(DatasetError, match=r"1,500 columns; at most 1,000|header line is longer "
                                           r"than 100,000 characters"):
        load_csv(header + "\n" + "1,2,0\n" * 5)


def test_a_file_over_the_cell_cap_is_cut_with_a_note(monkeypatch):
    assert csv_data.MAX_CELLS == 2_000_000 and csv_data.MAX_CELLS * 8 <= 16_000_000
    monkeypatch.setattr(csv_data, "MAX_CELLS", 30)  # 3 columns -> at most 10 rows
    text = csv_text([(i, i % 3, i % 2) for i in range(25)])
    ds = load_csv(text, test_fraction=0)
    assert ds.m_train == 10 and sorted(ds.points_train[0]) == list(range(10))  # the first rows
    assert ds.notes == ("capped at 10 rows: with 3 columns at most 30 values (rows × columns) are "
                        "read, so only the first 10 rows are used.",)
    # When max_rows is the tighter limit, its own note is kept.
    assert load_csv(text, max_rows=5).notes[0].startswith("capped at 5 rows: the file has more")


RAGGED = [  # (file, words the message must contain)
    # Row 1 longer than the header: pandas made its first values an index and shifted the rest.
    (csv_text([(1, 2, 3, i % 2) for i in range(8)]),
     "line 2 (data row 1) has 4 values but the header has 3 columns"),
    (csv_text([(1, 2, 3, 0)] + [(1, 2, i % 2) for i in range(8)]),
     "line 2 (data row 1) has 4 values but the header has 3 columns"),
    # A later row: pandas' own error, reworded.
    (csv_text([(1, 2, i % 2) for i in range(4)] + [(1, 2, 3, 0)]),
     "line 6 has 4 values but the header has 3 columns"),
]


@pytest.mark.parametrize("text, words", RAGGED, ids=["all-rows", "row-1", "row-5"])
def test_a_row_with_more_values_than_the_header_is_refused(text, words):
    with pytest.raises(DatasetError) as err:
        load_csv(text)
    assert words in str(err.value) and "same number of comma-separated values" in str(err.value)


def test_a_row_1_of_millions_of_separators_is_refused_before_pandas(no_pandas):
    with pytest.raises(DatasetError, match=r"line 2 \(data row 1\) has 4,000,001 values but the "
                                           r"header has 3 columns"):
        load_csv("a,b,label\n" + "," * 4_000_000 + "\n1,2,0\n")


def test_a_megabyte_cell_is_cut_short_in_the_message():
    huge = "9" * 1_000_000
    with pytest.raises(DatasetError) as err:
        load_csv(csv_text([(1, 2, 0), (1, huge, 1), (3, 4, 0), (5, 6, 1)]))
    message = str(err.value)
    assert len(message) < 300 and "column 'b', data row 2" in message
    assert "(1,000,000 characters) is text, not a number" in message


def _traced(call):
    """call()'s result and the peak bytes tracemalloc saw while it ran."""
    tracemalloc.start()
    try:
        return call(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_text_label_costs_no_fixed_width_copy():
    # np.unique on a str array copied rows x the longest label x 4 bytes: here 400 x 100,000 x 4.
    long_label = "x" * 100_000
    text = csv_text([(1, 2, "c"), (3, 4, long_label)] + [(i, i, "c") for i in range(400)])
    ds, peak = _traced(lambda: load_csv(text, test_fraction=0))
    assert ds.task == "binary" and ds.class_names == ("c", long_label)
    assert np.count_nonzero(ds.Y_train) == 1
    assert peak < 40_000_000  # the fixed-width copy alone was 160 MB


def test_blank_lines_before_the_header_cost_no_memory_per_line():
    # Skipping them with a repeated regex group kept state per line: 730 MB for 5 MB of blank lines.
    text = "\n \t" * 1_500_000 + csv_text([(i, i, i % 2) for i in range(8)])
    ds, peak = _traced(lambda: load_csv(text, test_fraction=0))
    assert ds.m_train == 8 and ds.feature_names == ("a", "b")
    assert peak < 100_000_000


def test_lone_carriage_returns_still_end_lines():
    text = csv_text([(i, i % 3, i % 2) for i in range(8)])
    assert load_csv(text.replace("\n", "\r"), seed=3).X_train.tolist() == \
        load_csv(text, seed=3).X_train.tolist()


PIECES = ["a", "1", ",", ",", ",", '"', '"', '""', " ", "\t", "\n", "\n", "\r", "\r\n", "'", "#"]


def test_the_layout_check_counts_columns_as_pandas_does():
    # The column cap is only a cap if pandas never sees more columns than _check_layout counted
    # (nor a row 1 wider than the header, which it turns into an index). Random short texts of
    # quotes, separators, blanks and line ends; the seed is fixed, so every run checks the same.
    rng = random.Random(0)
    checked = 0
    for _ in range(6_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as parse_csv does
        if not text.strip():
            continue
        try:
            n = csv_data._check_layout(text)
            df = pd.read_csv(io.StringIO(text), engine="c", dtype=str, keep_default_na=False,
                             na_filter=False, skipinitialspace=True)
        except (DatasetError, pd.errors.ParserError, pd.errors.EmptyDataError):
            continue
        assert (df.shape[1], type(df.index)) == (n, pd.RangeIndex), repr(text)
        checked += 1
    assert checked > 2_000
