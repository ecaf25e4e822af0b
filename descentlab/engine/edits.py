"""Weights and biases set by hand (TensorFlow Playground's click on a weight), and how a run keeps them.

An edit sets one entry of one parameter: ``name`` "W2" or "b1", row ``i`` and column ``j`` from 0
(a bias has one column, j = 0), at ``iteration``. The trainer applies it at once
(Trainer.edit_parameter) and keeps an ``Edit`` (old and new value) in ``Trainer.edits``; a config
carries the ``PlannedEdit``s (no old value: it follows from the run) that the trainer replays when it
reaches their iteration (Trainer.plan_edits), so a link to an edited run reproduces it bit for bit.

Text form, for links and the CLI: ``iteration_name_i_j_value`` per edit, joined by "~", e.g.
``120_W2_1_3_-1.0~340_b1_0_0_0.5`` (letters, digits and ``._~-`` only: nothing a URL escapes).
"""
from __future__ import annotations

import itertools
import math
import numbers
import re
from typing import NamedTuple

MAX_VALUE = 1e3        # |value| an edit may set: far beyond any trained weight, short of overflow
MAX_ITERATION = 10**9
MAX_CONFIG_EDITS = 1000  # a config (JSON, a saved run) keeps at most this many; more: not kept
MAX_LINK_EDITS = 20      # a link carries at most this many; more: the link says they are not in it
_NAME = re.compile(r"[Wb][1-9][0-9]?")
_SEP, _FIELD = "~", "_"


class PlannedEdit(NamedTuple):
    """An edit as a config carries it: at ``iteration``, set name[i, j] to ``value``."""
    iteration: int
    name: str
    i: int
    j: int
    value: float


class Edit(NamedTuple):
    """An edit the trainer made: at ``iteration``, name[i, j] went from ``old`` to ``new``."""
    iteration: int
    name: str
    i: int
    j: int
    old: float
    new: float

    @property
    def planned(self) -> PlannedEdit:
        return PlannedEdit(self.iteration, self.name, self.i, self.j, self.new)

    @property
    def entry(self) -> str:
        """The entry as the network diagram names it, counting from 1: 'W[2] row 2, column 4', 'b[1] unit 3'."""
        l = self.name[1:]
        return (f"W[{l}] row {self.i + 1}, column {self.j + 1}" if self.name[0] == "W"
                else f"b[{l}] unit {self.i + 1}")

    def describe(self) -> str:
        """'W[2] row 2, column 4: 0.42 → −1'."""
        return f"{self.entry}: {_short(self.old)} → {_short(self.new)}"


def _short(x: float) -> str:
    return f"{x:.4g}".replace("-", "−")


def check_value(value) -> float:
    """The value as a float if it is a finite number with |value| <= MAX_VALUE; ValueError says why not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # ValueError: what callers catch
        raise ValueError(f"a weight must be a number; got {str(value)[:40]!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"a weight must be a finite number; got {v}")
    if abs(v) > MAX_VALUE:
        raise ValueError(f"a weight must be between −{MAX_VALUE:g} and {MAX_VALUE:g}; got {v:g}")
    return v + 0.0  # -0.0 -> 0.0


def check_entry(layer_sizes, name, i, j) -> tuple[str, int, int]:
    """(name, i, j) if the network of these layer sizes has name[i, j]; ValueError says why not.
    W[l] is (n_l, n_{l-1}), b[l] is (n_l, 1)."""
    sizes = [int(n) for n in layer_sizes]
    if not isinstance(name, str) or not _NAME.fullmatch(name) or not 1 <= int(name[1:]) < len(sizes):
        raise ValueError(f"no parameter {str(name)[:20]!r}: this network has W1..W{len(sizes) - 1} and "
                         f"b1..b{len(sizes) - 1}")
    for what, k in (("row", i), ("column", j)):
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise ValueError(f"the {what} of {name} must be a whole number; got {str(k)[:20]!r}")
    l = int(name[1:])
    rows, cols = sizes[l], sizes[l - 1] if name[0] == "W" else 1
    if not (0 <= i < rows and 0 <= j < cols):
        raise ValueError(f"{name} is {rows}×{cols}: it has no entry [{i},{j}] (rows and columns count from 0)")
    return name, int(i), int(j)


def check_planned(edits) -> tuple[PlannedEdit, ...]:
    """A config's edits: a sequence of (iteration, name, i, j, value) in order of iteration, each
    well formed (whether the network has the entry is build()'s check: the config alone does not
    know its output size). ValueError says what is wrong."""
    if isinstance(edits, (str, bytes)) or not hasattr(edits, "__iter__"):
        raise ValueError("edits must be a list of (iteration, name, i, j, value)")
    out = []
    for e in edits:
        if isinstance(e, (str, bytes)) or not hasattr(e, "__len__") or len(e) != 5:
            raise ValueError(f"an edit is (iteration, name, i, j, value); got {str(e)[:60]!r}")
        it, name, i, j, value = e
        for what, k, hi in (("iteration", it, MAX_ITERATION), ("row", i, 4096), ("column", j, 4096)):
            if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 0 <= k <= hi:
                raise ValueError(f"an edit's {what} must be a whole number in [0, {hi}]; got {str(k)[:20]!r}")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"an edit's parameter is W1, b1, W2, ...; got {str(name)[:20]!r}")
        if name[0] == "b" and j != 0:
            raise ValueError(f"a bias has one column (0); got {name}[{i},{j}]")
        out.append(PlannedEdit(int(it), name, int(i), int(j), check_value(value)))
        if len(out) > MAX_CONFIG_EDITS:
            raise ValueError(f"at most {MAX_CONFIG_EDITS} edits")
    if any(a.iteration > b.iteration for a, b in itertools.pairwise(out)):
        raise ValueError("edits must be in order of iteration")
    return tuple(out)


def format_edits(edits) -> str:
    """The text form (module docstring); repr() of a float reads back as the same float."""
    return _SEP.join(_FIELD.join((str(e.iteration), e.name, str(e.i), str(e.j), repr(float(e.value))))
                     for e in edits)


_INT = re.compile(r"\d{1,10}")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def parse_edits(text: str) -> tuple[PlannedEdit, ...]:
    """The edits in their text form; ValueError names the first bad one."""
    if not text.strip():
        return ()
    parts = text.strip().split(_SEP)
    if len(parts) > MAX_LINK_EDITS:
        raise ValueError(f"a link carries at most {MAX_LINK_EDITS} edits; got {len(parts)}")
    rows = []
    for part in parts:
        fields = part.split(_FIELD)
        if (len(fields) != 5 or not all(_INT.fullmatch(f) for f in (fields[0], fields[2], fields[3]))
                or not _FLOAT.fullmatch(fields[4])):
            raise ValueError(f"an edit is iteration_name_row_column_value (e.g. 120_W2_1_3_-1.0); got {part[:40]!r}")
        rows.append((int(fields[0]), fields[1], int(fields[2]), int(fields[3]), float(fields[4])))
    return check_planned(rows)
