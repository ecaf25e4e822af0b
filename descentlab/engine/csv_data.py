"""Parsing and checking an uploaded (untrusted) CSV file for Descent Lab.

``parse_csv`` only turns text into validated arrays; ``descentlab.engine.datasets.load_csv`` shuffles,
splits, expands and normalizes them like every other dataset. Every refusal is a DatasetError
whose message names the column, the data row (counted from 1 after the header) and the rule.

The work is bounded before pandas reads anything: the header and data row 1 are read with the csv
module from at most MAX_LINE_CHARS characters each, a file with more than MAX_COLUMNS columns (or a
row 1 with more values than the header) is refused there, and pandas then reads at most
min(max_rows, MAX_CELLS // columns) rows, as text, with its C parser.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from descentlab.engine.features import DatasetError

LABEL_NAMES = ("label", "y", "class", "target")  # default label column, case-insensitive
MIN_ROWS = 4
MAX_CLASSES = 20
# Larger magnitudes overflow once squared (x1_sq) or summed in statistics; no real feature needs it.
MAX_ABS_VALUE = 1e15
_MISSING = {"", "nan", "na", "n/a", "null", "none", "-nan", "#n/a"}  # in numeric columns
_MISSING_LABEL = {"", "nan"}  # "none" or "NA" can be real class names
# Cost limits. Before them, a 4.3 MB file of 220,000 columns took minutes of CPU and ~1 GB.
MAX_COLUMNS = 1_000        # columns in the header, the label included; checked before pandas runs
MAX_CELLS = 2_000_000      # rows x columns read, so the float64 feature matrix stays <= 16 MB
MAX_LINE_CHARS = 100_000   # the header (and data row 1) are read from at most this many characters
_BLANK = re.compile(r"[ \t\n]*")  # one character class: no regex state per line skipped
_SHOWN_CHARS = 40          # a cell or column name quoted in a message is cut to this length
_LISTED_COLUMNS = 20       # a message lists at most this many column names


@dataclass(frozen=True)
class ParsedCSV:
    X: np.ndarray                  # (d, m) float64, one row per feature column
    feature_columns: tuple[str, ...]
    label_column: str
    task: str                      # "binary" | "multiclass" | "regression"
    targets: np.ndarray            # (m,) int class index, or float for regression
    class_names: tuple[str, ...]
    notes: tuple[str, ...]


def _size(n: int, limit: bool = False) -> str:
    # "7.1 MB" for a file's size; the limit is printed exactly ("5 MB", "500 kB", "100 bytes").
    for unit, factor in (("MB", 1e6), ("kB", 1e3)):
        if n >= factor:
            return f"{n / factor:g} {unit}" if limit else f"{n / factor:.1f} {unit}"
    return f"{n} bytes"


def _q(value: str) -> str:
    """repr() of a cell or column name for a message, cut short: a cell may be megabytes long."""
    if len(value) <= _SHOWN_CHARS:
        return repr(value)
    return f"{value[:_SHOWN_CHARS]!r}… ({len(value):,} characters)"


def listing(names, quote: bool = False) -> str:
    """'a, b, c' (or "'a', 'b', 'c'") for a message, at most _LISTED_COLUMNS names of them."""
    names = list(names)
    shown = ", ".join(_q(c) if quote else (c if len(c) <= _SHOWN_CHARS else _q(c))
                      for c in names[:_LISTED_COLUMNS])
    return shown if len(names) <= _LISTED_COLUMNS else f"{shown}, … ({len(names):,} in all)"


def _decode(data: bytes | str, max_bytes: int) -> str:
    if isinstance(data, str):
        raw = data.encode("utf-8", errors="surrogatepass")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise DatasetError(f"the CSV must be given as text or bytes, not {type(data).__name__}.")
    if len(raw) > max_bytes:
        raise DatasetError(f"file is {_size(len(raw))}; the limit is {_size(max_bytes, True)}.")
    if b"\x00" in raw:
        raise DatasetError("file contains binary data (NUL bytes), not CSV text; "
                           "upload a plain-text .csv file.")
    try:
        text = raw.decode("utf-8-sig")  # -sig: tolerate the BOM that Excel writes
    except UnicodeDecodeError as err:
        raise DatasetError(f"file is not UTF-8 text (undecodable byte at position {err.start}); "
                           f"save it as 'CSV UTF-8' and upload again.") from None
    if not text.strip():
        raise DatasetError("file is empty; it needs a header line and at least "
                           f"{MIN_ROWS} data rows.")
    return text


def _skip_blank_lines(text: str, start: int) -> int:
    """Where the first line from `start` that is not blank (spaces and tabs only) begins, as pandas
    skips them; len(text) if there is none."""
    first = _BLANK.match(text, start).end()
    return len(text) if first == len(text) else text.rfind("\n", start, first) + 1 or start


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _record(text: str, start: int) -> tuple[list[str] | None, int]:
    """The CSV record at text[start], read by the csv module (the quoting rules of pandas' C
    parser, whose tokenizer derives from it) from at most MAX_LINE_CHARS characters: (fields, the
    offset after it), or (None, start) when the record is longer than that."""
    window = text[start:start + MAX_LINE_CHARS + 2]
    f = io.StringIO(window, newline="\n")
    try:
        fields = next(csv.reader(f, skipinitialspace=True), [])
    except csv.Error as err:
        raise DatasetError(f"file is not a valid CSV table ({err}).") from None
    if f.tell() >= len(window) and start + len(window) < len(text):
        return None, start
    return fields, start + f.tell()


def _values_on_line(text: str, start: int) -> int:
    # Separators on one physical line, + 1: cheap (no copy) and exact unless values are quoted.
    return text.count(",", start, _line_end(text, start)) + 1


def _check_layout(text: str) -> int:
    """Count the header's columns and data row 1's values before pandas reads the file (pandas
    spends seconds per thousand columns, and a row 1 longer than the header becomes an index of
    the extra values); refuse a file over MAX_COLUMNS. Returns the number of columns."""
    start = _skip_blank_lines(text, 0)
    header, end = _record(text, start)
    n = _values_on_line(text, start) if header is None else len(header)
    if n > MAX_COLUMNS:
        quoted = header is None and text.find('"', start, _line_end(text, start)) >= 0
        raise DatasetError(f"this file has {'about ' * quoted}{n:,} columns; at most "
                           f"{MAX_COLUMNS:,} are allowed: keep the feature columns and the label.")
    if header is None:
        raise DatasetError(f"the header line is longer than {MAX_LINE_CHARS:,} characters; "
                           f"shorten the column names.")
    start = _skip_blank_lines(text, end)
    if start == len(text):
        return n  # no data rows: said after pandas has read the header
    row, _ = _record(text, start)
    values = _values_on_line(text, start) if row is None else len(row)
    line = text.count("\n", 0, start) + 1
    if values > n:
        raise DatasetError(f"line {line:,} (data row 1) has {values:,} values but the header has "
                           f"{n:,} columns; every line needs the same number of comma-separated "
                           f"values as the header.")
    if row is None:
        raise DatasetError(f"line {line:,} (data row 1) is longer than {MAX_LINE_CHARS:,} "
                           f"characters; a row of numbers is far shorter.")
    return n


_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _read_table(text: str, n_columns: int, nrows: int) -> pd.DataFrame:
    try:
        # Everything is read as text: we convert and check each column ourselves, so the message
        # can say which row is wrong. C engine only: no Python-engine eval paths, no pickle. The
        # limits: nrows rows, n_columns columns (checked by _check_layout; a later row with more
        # values stops the tokenizer with an error), chunked tokenizing (low_memory).
        df = pd.read_csv(io.StringIO(text), engine="c", dtype=str, keep_default_na=False,
                         na_filter=False, nrows=nrows, skipinitialspace=True, low_memory=True,
                         skip_blank_lines=True, on_bad_lines="error", memory_map=False)
    except pd.errors.EmptyDataError:
        raise DatasetError("file has no header line with column names.") from None
    except (pd.errors.ParserError, ValueError, UnicodeError) as err:
        detail = str(err).strip().splitlines()[-1].removeprefix("Error tokenizing data. C error: ")
        if match := _EXPECTED.search(detail):
            expected, line, saw = (int(g) for g in match.groups())
            detail = f"line {line:,} has {saw:,} values but the header has {expected:,} columns"
        raise DatasetError(f"file is not a valid CSV table ({detail[:200]}); every line needs the "
                           f"same number of comma-separated values as the header.") from None
    if df.shape[1] != n_columns or not isinstance(df.index, pd.RangeIndex):
        # Not expected (_check_layout reads the header as pandas does); never guess a layout.
        raise DatasetError(f"file is not a valid CSV table (its header has {n_columns:,} columns "
                           f"but they do not line up with the rows); every line needs the same "
                           f"number of comma-separated values as the header.")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _pick_label(columns: list[str], label_column: str | None) -> str:
    if label_column is None:
        for col in columns:
            if col.lower() in LABEL_NAMES:
                return col
        return columns[-1]
    if not isinstance(label_column, str):
        raise DatasetError(f"label_column must be a column name (text), not {label_column!r}.")
    wanted = label_column.strip()
    if wanted in columns:
        return wanted
    matches = [c for c in columns if c.lower() == wanted.lower()]
    if len(matches) == 1:
        return matches[0]
    raise DatasetError(f"label column {_q(label_column)} is not in the file; its columns are: "
                       f"{listing(columns, quote=True)}.")


def _numbers(cells: pd.Series, column: str, what: str) -> np.ndarray:
    """Convert one text column to finite float64, or say which row breaks which rule."""
    text = cells.str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (np.abs(np.nan_to_num(values)) > MAX_ABS_VALUE)
    if not bad.any():
        return values
    i = int(np.argmax(bad))
    cell, row, column = text.iloc[i], i + 1, _q(column)
    if cell.lower() in _MISSING:
        shown = "is empty" if cell == "" else f"has the missing value {cell!r}"
        raise DatasetError(f"column {column}, data row {row} {shown} (NaN); every {what} must "
                           f"be a finite number, so fill it in or remove the row.")
    if np.isnan(values[i]):
        raise DatasetError(f"column {column}, data row {row}: {_q(cell)} is text, not a number; "
                           f"every {what} must be numeric.")
    if np.isinf(values[i]):
        raise DatasetError(f"column {column}, data row {row}: {_q(cell)} is infinite; every {what} "
                           f"must be a finite number.")
    raise DatasetError(f"column {column}, data row {row}: {_q(cell)} is too large (the limit is "
                       f"±{MAX_ABS_VALUE:.0e}); rescale the column.")


def _labels(cells: pd.Series, column: str) -> tuple[str, np.ndarray, tuple[str, ...]]:
    """Infer the task from the label column: (task, targets, class_names)."""
    text = cells.str.strip()
    missing = text.str.lower().isin(_MISSING_LABEL).to_numpy()
    if missing.any():
        i = int(np.argmax(missing))
        raise DatasetError(f"label column {_q(column)}, data row {i + 1}: the label is missing "
                           f"({text.iloc[i]!r}); every row needs a label.")
    numeric = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    if not np.any(np.isnan(numeric)):
        # All numbers (inf included, so _numbers can name the offending row).
        values = _numbers(cells, column, "label")
        if np.all(values == np.round(values)):
            names, targets = np.unique(values, return_inverse=True)
            names = tuple(str(int(v)) if abs(v) < 2**53 else repr(float(v)) for v in names)
            if len(names) <= MAX_CLASSES:
                return _classes(column, names, targets)
        return "regression", values, ()
    # Text labels (e.g. "cat" / "dog"): categories, sorted by code point. factorize hashes the
    # strings; np.unique on a fixed-width copy would take rows x the longest label x 4 bytes.
    targets, names = pd.factorize(text, sort=True)
    if len(names) > MAX_CLASSES:
        raise DatasetError(f"label column {_q(column)} has {len(names)} different text values; a "
                           f"classifier supports 2 to {MAX_CLASSES} classes (numeric labels with "
                           f"more values are treated as regression).")
    return _classes(column, tuple(str(v) for v in names), targets)


def _classes(column, names, targets):
    if len(names) < 2:
        raise DatasetError(f"label column {_q(column)} has only one class ({_q(names[0])}); a "
                           f"classifier needs examples of at least 2 classes.")
    task = "binary" if len(names) == 2 else "multiclass"
    return task, targets.astype(np.int64).reshape(-1), names


def parse_csv(data: bytes | str, label_column: str | None, max_bytes: int,
              max_rows: int) -> ParsedCSV:
    for arg, value in (("max_bytes", max_bytes), ("max_rows", max_rows)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise DatasetError(f"{arg} must be a positive whole number, not {value!r}.")
    text = _decode(data, max_bytes)
    # One line ending, so the csv module and pandas' tokenizer (which treat a lone \r differently)
    # split lines alike: _check_layout must see the header and row 1 exactly as pandas will.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    n_columns = _check_layout(text)
    rows_cap = min(max_rows, MAX_CELLS // max(n_columns, 1))
    df = _read_table(text, n_columns, rows_cap + 1)
    columns = list(df.columns)
    if len(df) == 0:
        raise DatasetError(f"file has a header ({listing(columns)}) but no data rows; "
                           f"at least {MIN_ROWS} are needed.")
    label = _pick_label(columns, label_column)
    feature_cols = [c for c in columns if c != label]
    if not feature_cols:
        sep = next((s for s in (";", "\t", "|") if s in label), None)  # e.g. a European Excel CSV
        hint = f" (values look separated by {sep!r}; save with commas)" if sep else ""
        raise DatasetError(f"file has only the label column {_q(label)}{hint}; at least one "
                           f"feature column is needed besides it.")
    notes = []
    if len(df) > rows_cap:
        df = df.iloc[:rows_cap]
        if rows_cap == max_rows:
            notes.append(f"capped at {max_rows:,} rows: the file has more, only the first "
                         f"{max_rows:,} are used.")
        else:
            notes.append(f"capped at {rows_cap:,} rows: with {n_columns:,} columns at most "
                         f"{MAX_CELLS:,} values (rows × columns) are read, so only the first "
                         f"{rows_cap:,} rows are used.")
    if len(df) < MIN_ROWS:
        raise DatasetError(f"file has only {len(df)} data row{'s' * (len(df) != 1)}; at least "
                           f"{MIN_ROWS} are needed.")
    X = np.empty((len(feature_cols), len(df)), dtype=np.float64)
    for row, col in enumerate(feature_cols):
        X[row] = _numbers(df[col], col, "value in a feature column")
    task, targets, class_names = _labels(df[label], label)
    return ParsedCSV(X, tuple(feature_cols), label, task, targets, class_names, tuple(notes))
