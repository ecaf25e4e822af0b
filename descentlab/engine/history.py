"""Bounded records of a run: metric rows and parameter snapshots.

A run left playing for hours must not grow without limit. When a store reaches its capacity, the older
half is thinned to every other entry, so recent history stays dense, old history gets coarser, the very
first entry (the initial state) is always kept, and memory is O(capacity).
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd


def thin(items: list, keep_recent: int) -> list:
    """Every other entry of the older part (index 0 kept), all of the most recent ``keep_recent``."""
    cut = len(items) - keep_recent
    return items[:cut][::2] + items[cut:]


class History:
    """Metric rows, one per recorded iteration, stored by column in numpy buffers: appending writes
    one value per column, and ``frame``, the pandas DataFrame, is built from the arrays on demand,
    then cached until the next row. (Built from Python lists instead, it took 10-20 ms a frame once a
    run had a few thousand rows, every frame of a live chart.)"""

    def __init__(self, capacity: int = 10_000):
        if capacity < 4:
            raise ValueError("history capacity must be at least 4")
        self.capacity = capacity
        self._cols: dict[str, np.ndarray] = {}
        self._types: dict[str, type] = {}  # the Python type each column last got
        self._n = 0
        self._times = np.empty(64)  # time.monotonic() of each row (not a column: same run, same frame)
        self._last: dict | None = None
        self._frame: pd.DataFrame | None = None

    def append(self, row: dict, at: float | None = None) -> None:
        """Add one row; ``at``: when it was recorded (time.monotonic(), now if None; NaN if unknown)."""
        if not self._cols:
            self._cols = {k: np.empty(64, _dtype_of(v)) for k, v in row.items()}
            self._types = {k: type(v) for k, v in row.items()}
        if row.keys() != self._cols.keys():
            raise ValueError(f"history row has columns {sorted(row)}, expected {sorted(self._cols)}")
        n, cols, types = self._n, self._cols, self._types
        for k, v in row.items():
            col = cols[k]
            if n == col.size:
                col = cols[k] = np.concatenate([col, np.empty_like(col)])
            if type(v) is not types[k]:  # rare: e.g. a column of ints gets a float
                types[k] = type(v)
                wider = np.result_type(col.dtype, _dtype_of(v)) if col.dtype != object else col.dtype
                if wider != col.dtype:
                    col = cols[k] = col.astype(wider)
            col[n] = v
        if n == self._times.size:
            self._times = np.concatenate([self._times, np.empty_like(self._times)])
        self._times[n] = time.monotonic() if at is None else at
        self._n += 1
        self._last = dict(row)
        if self._n > self.capacity:
            keep = np.asarray(thin(list(range(self._n)), self.capacity // 2))
            self._cols = {k: col[keep] for k, col in self._cols.items()}
            self._times = self._times[keep]
            self._n = len(keep)
        self._frame = None

    def __len__(self) -> int:
        return self._n

    @property
    def last(self) -> dict | None:
        return dict(self._last) if self._n else None

    @property
    def times(self) -> np.ndarray:
        """When each row was recorded, in seconds of time.monotonic() (a copy): the wall-time axis of
        TensorBoard. Not a column of ``frame``, so two runs of one config still have equal histories."""
        return self._times[:self._n].copy()

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = pd.DataFrame({k: col[:self._n].copy() for k, col in self._cols.items()})
        return self._frame


def _dtype_of(value) -> np.dtype:
    """The column type a value needs: bool, int64, float64, or object (what np.asarray would pick)."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, (float, np.floating)):
        return np.dtype(np.float64)
    return np.dtype(object)


class Snapshots:
    """Copies of the flat parameter vector θ at recorded iterations, for rewinding a run."""

    def __init__(self, capacity: int = 200):
        if capacity < 4:
            raise ValueError("snapshot capacity must be at least 4")
        self.capacity = capacity
        self._items: list[tuple[int, np.ndarray]] = []

    def add(self, iteration: int, theta: np.ndarray) -> None:
        if self._items and self._items[-1][0] == iteration:
            self._items[-1] = (iteration, theta.copy())
            return
        self._items.append((iteration, theta.copy()))
        if len(self._items) > self.capacity:
            self._items = thin(self._items, self.capacity // 2)

    @property
    def iterations(self) -> list[int]:
        return [it for it, _ in self._items]

    def at(self, iteration: int) -> tuple[int, np.ndarray]:
        """The latest snapshot taken at or before ``iteration`` (the first one if none is)."""
        if not self._items:
            raise LookupError("no snapshots recorded yet")
        its = self.iterations
        i = max(int(np.searchsorted(its, iteration, side="right")) - 1, 0)
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return sum(t.nbytes for _, t in self._items)
