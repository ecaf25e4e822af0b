"""The numbers behind the broadcasting page: which shapes combine and how, the rank-1 array pitfall, and
softmax / normalization of the rows of a matrix.

Broadcasting (numpy's rule, the course's "(m, n) + (1, n) → (m, n)"): line the shapes up on the
right; on each axis the sizes must be equal or one of them 1 (a missing axis counts as 1), and the
size-1 side is repeated to match. Every result and every error here is numpy's own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from descentlab.engine.activations import SOFTMAX

# The course's shapes, plus (m,) and (n, 1): with m != n those two are what fails to broadcast against
# (m, n), the mistake a rank-1 array invites.
SHAPE_KINDS = ("(m, n)", "(1, n)", "(m, 1)", "(n,)", "scalar", "(m,)", "(n, 1)")
OPERATIONS = {"+": np.add, "−": np.subtract, "*": np.multiply, "/": np.divide, "np.dot": np.dot, "@": np.matmul}
ELEMENTWISE = ("+", "−", "*", "/")
MAX_SIZE = 8  # m, n and the edited matrices stay small enough to read cell by cell
MAX_ABS = 1e6  # edited values: far from where squares (norms) overflow


def shape_of(kind: str, m: int, n: int) -> tuple[int, ...]:
    """The shape a SHAPE_KINDS entry means for these m and n."""
    shapes = {"(m, n)": (m, n), "(1, n)": (1, n), "(m, 1)": (m, 1), "(n,)": (n,), "scalar": (), "(m,)": (m,),
              "(n, 1)": (n, 1)}
    if kind not in shapes:
        raise ValueError(f"unknown shape {kind!r}; choose one of {', '.join(SHAPE_KINDS)}")
    if not (1 <= m <= MAX_SIZE and 1 <= n <= MAX_SIZE):
        raise ValueError(f"m and n must be whole numbers from 1 to {MAX_SIZE}; got m={m}, n={n}")
    return shapes[kind]


def example_array(shape: tuple[int, ...], scale: float = 1.0) -> np.ndarray:
    """scale × (1, 2, 3, ...) in the given shape: readable values, none of them 0 (safe for /)."""
    size = int(np.prod(shape, dtype=int))
    return scale * np.arange(1, size + 1, dtype=np.float64).reshape(shape)


@dataclass(frozen=True)
class Outcome:
    """``a op b`` as numpy computes it: the result, or numpy's error message."""

    op: str
    a: np.ndarray
    b: np.ndarray
    result: np.ndarray | None
    error: str | None

    @property
    def elementwise(self) -> bool:
        return self.op in ELEMENTWISE


def apply(op: str, a, b) -> Outcome:
    """Run ``a op b``; a shape error is caught and kept as "ValueError: <numpy's message>"."""
    if op not in OPERATIONS:
        raise ValueError(f"unknown operation {op!r}; choose one of {', '.join(OPERATIONS)}")
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    try:
        return Outcome(op, a, b, np.asarray(OPERATIONS[op](a, b)), None)
    except ValueError as e:
        return Outcome(op, a, b, None, f"{type(e).__name__}: {e}")


def alignment(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> pd.DataFrame:
    """The broadcasting rule axis by axis, shapes aligned on the right: one row per axis ("axis -2",
    "axis -1") with the sizes of a, b and the result as text ("–" for a missing axis, "✗" where they
    clash) and what happened ("equal", "a: 1 → 3", "a: missing → 3", "✗ ...")."""
    ndim = max(len(shape_a), len(shape_b))
    rows = []
    for k in range(-ndim, 0):
        sa = shape_a[k] if -k <= len(shape_a) else None
        sb = shape_b[k] if -k <= len(shape_b) else None
        sizes = [s for s in (sa, sb) if s is not None]
        out = max(sizes)
        if any(s not in (1, out) for s in sizes):
            rule, out = f"✗ {sa} vs {sb}: neither is 1", None
        else:
            notes = [f"{name}: {'missing' if s is None else s} → {out}"
                     for name, s in (("a", sa), ("b", sb)) if s != out]
            rule = "; ".join(notes) if notes else "equal"
        rows.append({"axis": f"axis {k}", "a": "–" if sa is None else str(sa), "b": "–" if sb is None else str(sb),
                     "result": "✗" if out is None else str(out), "rule": rule})
    return pd.DataFrame(rows, columns=["axis", "a", "b", "result", "rule"])


def as_grid(shape: tuple[int, ...]) -> tuple[int, int]:
    """How an array of up to 2 axes is drawn: a scalar as 1 × 1, an (n,) array as one row."""
    if len(shape) > 2:
        raise ValueError(f"only arrays of up to 2 axes are drawn; got shape {shape}")
    return (1,) * (2 - len(shape)) + tuple(shape)


def stretched(arr, result_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``arr`` broadcast to ``result_shape`` as a 2-D grid, and a mask: True where the cell is one of
    arr's own values, False where it is a repeat made by broadcasting."""
    arr = np.asarray(arr)
    r, c = as_grid(arr.shape)
    R, C = as_grid(result_shape)
    values = np.broadcast_to(arr.reshape(r, c), (R, C))
    rows, cols = np.arange(R)[:, None], np.arange(C)[None, :]
    return values, ((rows < r) & (cols < c))


def describe(x: np.ndarray) -> str:
    """A result in a table cell: a scalar's value, otherwise its shape (and values when short)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return f"scalar {x.item():g}"
    text = f"shape {x.shape}"
    return text + (f" = {np.array2string(x, separator=', ')}" if x.size <= 4 else "")


RANK1_EXPRESSIONS = {  # what the course warns about, as code shown in the table
    "x.shape": lambda x: x,
    "x.T": lambda x: x.T,
    "np.dot(x, x)": lambda x: np.dot(x, x),
    "np.dot(x, x.T)": lambda x: np.dot(x, x.T),
    "x @ x.T": lambda x: x @ x.T,
    "x.T @ x": lambda x: x.T @ x,
}


def rank1_table(n: int) -> pd.DataFrame:
    """Each RANK1_EXPRESSIONS entry for x = (1, ..., n) as a rank-1 array (n,) and as a column (n, 1)."""
    if not 1 <= n <= MAX_SIZE:
        raise ValueError(f"n must be a whole number from 1 to {MAX_SIZE}; got {n}")
    a = example_array((n,))
    variants = {"x = np.arange(1, n + 1), shape (n,)": a, "x = same values, shape (n, 1)": a.reshape(n, 1)}
    rows = []
    for expr, fn in RANK1_EXPRESSIONS.items():
        row = {"expression": expr}
        for label, x in variants.items():
            try:
                y = fn(x)
                row[label] = f"shape {y.shape}" if expr == "x.shape" else describe(y)
            except ValueError as e:
                row[label] = f"ValueError: {e}"
        rows.append(row)
    return pd.DataFrame(rows)


def parse_matrix(values) -> np.ndarray:
    """A non-empty, at most MAX_SIZE × MAX_SIZE matrix of finite numbers, or ValueError naming the cell."""
    df = pd.DataFrame(values)
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise ValueError("The matrix is empty: add at least one row.")
    if df.shape[0] > MAX_SIZE or df.shape[1] > MAX_SIZE:
        raise ValueError(f"At most {MAX_SIZE} × {MAX_SIZE}, please; this matrix is {df.shape[0]} × {df.shape[1]}.")
    x = df.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        cells = ", ".join(f"row {i + 1} column {j + 1}" for i, j in bad[:4])
        verb = "is" if len(bad) == 1 else "are"
        raise ValueError(f"Every cell needs a finite number: {cells} {verb} empty or not a number.")
    if np.abs(x).max() > MAX_ABS:
        raise ValueError(f"Keep every value between −{MAX_ABS:g} and {MAX_ABS:g} (squares of larger ones overflow).")
    return x


@dataclass(frozen=True)
class RowSoftmax:
    shifted: np.ndarray  # x − max of its row: same softmax, and exp never overflows
    exp: np.ndarray
    sums: np.ndarray  # (rows, 1)
    result: np.ndarray


def softmax_rows(x) -> RowSoftmax:
    """Softmax of every row. The engine's softmax normalises columns (examples are columns there), so
    the rows of x are the columns of x.T: result = softmax(x.T).T; the steps are shown alongside."""
    x = np.asarray(x, dtype=np.float64)
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    sums = e.sum(axis=1, keepdims=True)
    return RowSoftmax(shifted, e, sums, SOFTMAX.forward(x.T).T)


@dataclass(frozen=True)
class RowNorms:
    norms: np.ndarray  # (rows, 1): np.linalg.norm(x, axis=1, keepdims=True)
    result: np.ndarray  # x / norms by broadcasting; all-zero rows stay zero
    zero_rows: np.ndarray  # indices of rows with norm 0 (x / ||x|| is undefined there)


def normalize_rows(x) -> RowNorms:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    result = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    return RowNorms(norms, result, np.flatnonzero(norms.ravel() == 0))
