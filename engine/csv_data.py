"""Parsing and checking an uploaded (untrusted) CSV file for Descent Lab.

``parse_csv`` only turns text into validated arrays; ``engine.datasets.load_csv`` shuffles,
splits, expands and normalizes them like every other dataset. Every refusal is a DatasetError
whose message names the column, the data row (counted from 1 after the header) and the rule.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .features import DatasetError

LABEL_NAMES = ("label", "y", "class", "target")  # default label column, case-insensitive
MIN_ROWS = 4
MAX_CLASSES = 20
# Larger magnitudes overflow once squared (x1_sq) or summed in statistics; no real feature needs it.
MAX_ABS_VALUE = 1e15
_MISSING = {"", "nan", "na", "n/a", "null", "none", "-nan", "#n/a"}  # in numeric columns
_MISSING_LABEL = {"", "nan"}  # "none" or "NA" can be real class names


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


def _read_table(text: str, max_rows: int) -> pd.DataFrame:
    try:
        # Everything is read as text: we convert and check each column ourselves, so the message
        # can say which row is wrong. C engine only: no Python-engine eval paths, no pickle.
        df = pd.read_csv(io.StringIO(text), engine="c", dtype=str, keep_default_na=False,
                         na_filter=False, nrows=max_rows + 1, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DatasetError("file has no header line with column names.") from None
    except (pd.errors.ParserError, ValueError, UnicodeError) as err:
        detail = str(err).strip().splitlines()[-1].removeprefix("Error tokenizing data. C error: ")
        raise DatasetError(f"file is not a valid CSV table ({detail}); every line needs the "
                           f"same number of comma-separated values as the header.") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _pick_label(columns: list[str], label_column: str | None) -> str:
    listing = ", ".join(repr(c) for c in columns)
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
    raise DatasetError(f"label column {label_column!r} is not in the file; its columns are: "
                       f"{listing}.")


def _numbers(cells: pd.Series, column: str, what: str) -> np.ndarray:
    """Convert one text column to finite float64, or say which row breaks which rule."""
    text = cells.str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (np.abs(np.nan_to_num(values)) > MAX_ABS_VALUE)
    if not bad.any():
        return values
    i = int(np.argmax(bad))
    cell, row = text.iloc[i], i + 1
    if cell.lower() in _MISSING:
        shown = "is empty" if cell == "" else f"has the missing value {cell!r}"
        raise DatasetError(f"column {column!r}, data row {row} {shown} (NaN); every {what} must "
                           f"be a finite number, so fill it in or remove the row.")
    if np.isnan(values[i]):
        raise DatasetError(f"column {column!r}, data row {row}: {cell!r} is text, not a number; "
                           f"every {what} must be numeric.")
    if np.isinf(values[i]):
        raise DatasetError(f"column {column!r}, data row {row}: {cell!r} is infinite; every {what} "
                           f"must be a finite number.")
    raise DatasetError(f"column {column!r}, data row {row}: {cell!r} is too large (the limit is "
                       f"±{MAX_ABS_VALUE:.0e}); rescale the column.")


def _labels(cells: pd.Series, column: str) -> tuple[str, np.ndarray, tuple[str, ...]]:
    """Infer the task from the label column: (task, targets, class_names)."""
    text = cells.str.strip()
    missing = text.str.lower().isin(_MISSING_LABEL).to_numpy()
    if missing.any():
        i = int(np.argmax(missing))
        raise DatasetError(f"label column {column!r}, data row {i + 1}: the label is missing "
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
    # Text labels (e.g. "cat" / "dog"): categories, sorted alphabetically.
    names, targets = np.unique(text.to_numpy(dtype=str), return_inverse=True)
    if len(names) > MAX_CLASSES:
        raise DatasetError(f"label column {column!r} has {len(names)} different text values; a "
                           f"classifier supports 2 to {MAX_CLASSES} classes (numeric labels with "
                           f"more values are treated as regression).")
    return _classes(column, tuple(str(v) for v in names), targets)


def _classes(column, names, targets):
    if len(names) < 2:
        raise DatasetError(f"label column {column!r} has only one class ({names[0]!r}); a "
                           f"classifier needs examples of at least 2 classes.")
    task = "binary" if len(names) == 2 else "multiclass"
    return task, targets.astype(np.int64).reshape(-1), names


def parse_csv(data: bytes | str, label_column: str | None, max_bytes: int,
              max_rows: int) -> ParsedCSV:
    for arg, value in (("max_bytes", max_bytes), ("max_rows", max_rows)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise DatasetError(f"{arg} must be a positive whole number, not {value!r}.")
    text = _decode(data, max_bytes)
    df = _read_table(text, max_rows)
    columns = list(df.columns)
    if len(df) == 0:
        raise DatasetError(f"file has a header ({', '.join(columns)}) but no data rows; "
                           f"at least {MIN_ROWS} are needed.")
    label = _pick_label(columns, label_column)
    feature_cols = [c for c in columns if c != label]
    if not feature_cols:
        sep = next((s for s in (";", "\t", "|") if s in label), None)  # e.g. a European Excel CSV
        hint = f" (values look separated by {sep!r}; save with commas)" if sep else ""
        raise DatasetError(f"file has only the label column {label!r}{hint}; at least one "
                           f"feature column is needed besides it.")
    notes = []
    if len(df) > max_rows:
        df = df.iloc[:max_rows]
        notes.append(f"capped at {max_rows:,} rows: the file has more, only the first "
                     f"{max_rows:,} are used.")
    if len(df) < MIN_ROWS:
        raise DatasetError(f"file has only {len(df)} data row{'s' * (len(df) != 1)}; at least "
                           f"{MIN_ROWS} are needed.")
    X = np.empty((len(feature_cols), len(df)), dtype=np.float64)
    for row, col in enumerate(feature_cols):
        X[row] = _numbers(df[col], col, "value in a feature column")
    task, targets, class_names = _labels(df[label], label)
    return ParsedCSV(X, tuple(feature_cols), label, task, targets, class_names, tuple(notes))
