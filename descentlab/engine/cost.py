"""What a run will cost, before anything is allocated: memory, and the work of one frame.

One server trains a whole class, so every way a run can start (a link, the sidebar, a config or CSV
upload, a saved run, a lab page's copies) is priced here first and refused when it does not fit
(descentlab.ui.budget holds the limits). The estimate follows the real allocations, from the real input size:

- the data: the Dataset's float64 arrays and the Trainer's copies of them ([X; 1], the shuffled
  [X; 1; Y] pair), for generated points, the shapes pictures (768 inputs) or an uploaded CSV;
- the forward/backward workspaces of the training and test sets (A, Z, dA, g' of every layer);
- θ, its gradient and the Trainer's copies, the optimizer's slots, the snapshots kept for rewinding,
  and the history at its capacity (a run left playing over lunch reaches it);
- what the pages draw: the float32 100×100 decision grid and the 30×30 unit pictures of every unit
  (2-D point data only), and the per-layer copies the Activations panel takes;
- the copies a page trains: Compare's variants and the Initialization lab's schemes are whole
  Trainers; the learning-rate sweep stacks K runs in one set of (K, n, m) buffers.

``tests/test_cost.py`` holds the estimate within 2x of tracemalloc's measured peak on a table of
configurations. Work is counted in multiply-adds: a frame trains at least one step (three passes
over its batch) and records once (a pass over every example and the grid), and cannot be cut short,
so it bounds how long one session can hold a core.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from descentlab.engine.build import MAX_SNAPSHOTS, SNAPSHOT_BYTES
from descentlab.engine.config import RunConfig

PLAYGROUND_GRID = 100 * 100 + 24 * 24  # the Playground's decision boundary and unit pictures
HISTORY_ROWS = 10_000              # descentlab.engine.trainer's history capacity
OPTIMIZER_SLOTS = {"gd": 0, "momentum": 1, "nesterov": 1, "rmsprop": 1, "adam": 2}
MB = 2**20


@dataclass(frozen=True)
class DataShape:
    """The sizes a cost depends on: inputs, outputs, examples, and whether it is a plane of points."""
    n_x: int
    n_y: int
    m_train: int
    m_test: int
    plane: bool

    @property
    def m(self) -> int:
        return self.m_train + self.m_test


@dataclass(frozen=True)
class Cost:
    """Estimated peak bytes and multiply-adds per frame; ``parts`` says where the bytes go."""
    bytes: int
    work: float
    parts: dict[str, int] = field(default_factory=dict, compare=False)

    def __add__(self, other: Cost) -> Cost:
        parts = dict(self.parts)
        for k, v in other.parts.items():
            parts[k] = parts.get(k, 0) + v
        return Cost(self.bytes + other.bytes, self.work + other.work, parts)

    @property
    def megabytes(self) -> float:
        return self.bytes / MB

    def largest_part(self) -> str:
        return max(self.parts, key=self.parts.get) if self.parts else ""


def data_shape(config: RunConfig, dataset=None) -> DataShape:
    """The data's sizes: from ``dataset`` when given (an upload), else from the registry, without
    generating anything."""
    if dataset is not None:
        return DataShape(dataset.n_x, dataset.n_y, dataset.m_train, dataset.m_test,
                         dataset.points_train is not None)
    if config.dataset == "csv":
        raise ValueError("the cost of a 'csv' run needs its uploaded dataset")
    from descentlab.engine.datasets import DATASETS
    from descentlab.engine.images import IMAGE_SHAPE

    if config.dataset == "draw":  # whatever is drawn: at most MAX_POINTS points, up to 3 classes
        from descentlab.engine.drawn import MAX_POINTS
        return DataShape(len(config.features), 3, MAX_POINTS, 0, True)

    spec = DATASETS[config.dataset]
    images = spec.kind == "images"
    n_x = math.prod(IMAGE_SHAPE) if images else len(config.features)
    n_y = len(spec.class_names) if spec.task == "multiclass" else 1
    m_test = int(round(config.n_samples * config.test_fraction))
    return DataShape(n_x, n_y, config.n_samples - m_test, m_test, not images)


def layer_sizes(config: RunConfig, shape: DataShape) -> list[int]:
    return [shape.n_x, *config.hidden, shape.n_y]


def weights(sizes) -> int:
    """Parameters of [W | b] in every layer: the multiply-adds of one example's forward pass."""
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def _itemsize(config: RunConfig) -> int:
    return 4 if config.dtype == "float32" else 8


def _buffers_per_example(sizes) -> tuple[int, int]:
    """Floats per example of a workspace (A with its ones rows, Z, dA, g' scratch), and of all units."""
    units = sum(sizes[1:])
    return (sizes[0] + 1) + (units + len(sizes) - 2) + 3 * units, units


def dataset_bytes(shape: DataShape) -> int:
    """The Dataset's float64 arrays, and the raw copy they are made from."""
    return 8 * (2 * shape.n_x + shape.n_y + (2 if shape.plane else 0)) * shape.m


def history_bytes(n_layers: int) -> int:
    """The history at capacity: ~12 columns of the run plus 4 per layer, 8 bytes each."""
    return HISTORY_ROWS * 8 * (12 + 4 * n_layers)


def snapshot_bytes(theta_bytes: int) -> int:
    return theta_bytes * max(4, min(MAX_SNAPSHOTS, SNAPSHOT_BYTES // max(theta_bytes, 1)))


def trainer(config: RunConfig, shape: DataShape, *, grid: int = PLAYGROUND_GRID, layer_copies: bool = True,
            with_data: bool = True) -> Cost:
    """One Trainer as a page holds it: data, workspaces, parameters, snapshots, history, and what the
    page draws of it: ``grid`` points of the input plane (2-D point data only) and, with
    ``layer_copies``, the per-layer values the Activations panel copies."""
    s, sizes = _itemsize(config), layer_sizes(config, shape)
    per_example, units = _buffers_per_example(sizes)
    P = weights(sizes)
    batch = min(config.batch_size or shape.m_train, shape.m_train)
    data_rows = shape.n_x + 1 + shape.n_y
    parts = {
        "data": (dataset_bytes(shape) if with_data else 0) + s * data_rows * (3 * shape.m_train + shape.m_test),
        "workspaces": s * per_example * (shape.m + (batch if batch < shape.m_train else 0)),
        "parameters": s * P * (7 + OPTIMIZER_SLOTS.get(config.optimizer, 2)) + snapshot_bytes(s * P),
        "history": history_bytes(len(sizes) - 1),
        "layer copies": 2 * s * units * shape.m_train if layer_copies else 0,
    }
    grid = grid if shape.plane else 0
    if grid:  # float32 workspaces of the grid (descentlab.engine.trainer keeps two), and the float32 network
        parts["pictures"] = 4 * (per_example + units) * grid + 4 * 2 * P
    work = 3 * P * batch + P * (shape.m + grid)
    return Cost(sum(parts.values()), float(work), parts)


def playground(config: RunConfig, dataset=None) -> Cost:
    """The Playground's run (also a loaded saved run, or a CSV upload's run)."""
    return trainer(config, data_shape(config, dataset))


def group(configs, dataset=None, grid: int = 0) -> Cost:
    """Compare's variants, the Initialization lab's schemes, the schedules: one Trainer each, one
    Dataset per distinct data (as descentlab.engine.group shares it); ``grid`` points of each one's boundary."""
    from descentlab.engine.group import DATA_FIELDS

    total, seen = Cost(0, 0.0), set()
    for config in configs:
        key = id(dataset) if dataset is not None else tuple(getattr(config, f) for f in sorted(DATA_FIELDS))
        total = total + trainer(config, data_shape(config, dataset), grid=grid, layer_copies=False,
                                with_data=key not in seen)
        seen.add(key)
    return total


def sweep(config: RunConfig, k: int, dataset=None) -> Cost:
    """descentlab.engine.sweep.Sweep of ``k`` learning rates: every buffer holds the k runs stacked."""
    from descentlab.engine.sweep import MAX_HISTORY_ROWS

    shape = data_shape(config, dataset)
    s, sizes = _itemsize(config), layer_sizes(config, shape)
    P = weights(sizes)
    rows = sum(n + 1 for n in sizes[1:-1]) + sizes[-1]  # A's rows (with the ones rows) per run
    scratch = (max(sizes[1:]) + 1) * (2 * s + 1)         # g' scratch, ReLU's mask and zeros
    parts = {
        "data": dataset_bytes(shape) + s * (shape.n_x + 1 + shape.n_y) * shape.m,
        "workspaces": k * shape.m * (3 * s * rows + scratch),
        "parameters": s * P * k * 5 + 2 * s * k * (sizes[1] + 1) * (sizes[0] + 1),
        "history": MAX_HISTORY_ROWS * 700,  # rows of dicts, ~700 bytes each
    }
    work = k * (3 * P * shape.m_train + P * shape.m)
    return Cost(sum(parts.values()), float(work), parts)


def readable_count(x: float) -> str:
    """7.9e9 -> '7.9 billion', for messages people read."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if x >= size:
            return f"{x / size:.2g} {word}" if x < 10 * size else f"{x / size:,.0f} {word}"
    return f"{x:,.0f}"


def readable_bytes(n: float) -> str:
    """Sizes in MB below 10 GB (where a budget of a few hundred MB is read), else GB."""
    return f"{n / MB:,.0f} MB" if n < 10 * 2**30 else f"{n / 2**30:,.1f} GB"


def gradcheck(sizes, m: int, entries: int) -> Cost:
    """descentlab.engine.gradcheck.check_blocks on a float64 copy of a network of ``sizes``, over ``m``
    examples, checking ``entries`` parameters: two forward passes over m per entry, one backprop."""
    P = weights(sizes)
    per_example, _ = _buffers_per_example(sizes)
    parts = {"parameters": 8 * P * 5, "workspaces": 8 * per_example * m}
    return Cost(sum(parts.values()), float((2 * entries + 3) * P * m), parts)
