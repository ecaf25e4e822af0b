"""descentlab.engine.cost: the estimate against tracemalloc's measured peak, and the inputs it must see."""
from types import SimpleNamespace

import numpy as np
import pytest

from descentlab.engine import cost
from descentlab.engine.config import MAX_WORK, ConfigError, RunConfig
from descentlab.engine.datasets import load_csv, make_dataset
from descentlab.engine.network import Network
from descentlab.engine.sweep import MAX_HISTORY_ROWS, Sweep

from .cost_probe import estimate, measured_peak

C = RunConfig
# Each row makes a different part dominate: pictures, data, parameters, optimizer slots, float32,
# a lab's copies, the sweep's stacked buffers, its history.
TABLE = [
    ("playground", C(), 1),
    ("playground", C(hidden=(128,) * 3, n_samples=100), 1),
    ("playground", C(dataset="shapes", hidden=(32, 16), n_samples=600), 1),
    ("playground", C(dataset="spiral3", hidden=(32, 32), n_samples=1000, optimizer="adam", batch_size=32,
                     features=("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2")), 1),
    ("playground", C(dtype="float32", hidden=(64, 64), n_samples=2000), 1),
    ("compare", C(), 6),
    ("compare", C(dataset="shapes", hidden=(16,), n_samples=400), 3),
    ("sweep", C(), 16),
    ("sweep", C(dataset="shapes", hidden=(32,), n_samples=500), 8),
    ("sweep", C(hidden=(16, 16), n_samples=8000, activation="relu"), 4),
]


@pytest.mark.parametrize("page, config, k", TABLE, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(TABLE)])
def test_estimate_is_within_2x_of_the_measured_peak(page, config, k):
    measured, estimated = measured_peak(page, config, k), estimate(page, config, k)
    assert measured / 2 <= estimated <= 2 * measured, f"estimated {estimated / 2**20:.1f} MB, measured {measured / 2**20:.1f} MB"


def test_uploaded_data_is_priced_by_its_columns():
    n_cols = 300
    rng = np.random.default_rng(0)
    rows = [",".join(f"c{j}" for j in range(n_cols)) + ",label"]
    rows += [",".join(f"{v:.3f}" for v in rng.standard_normal(n_cols)) + f",{i % 2}" for i in range(200)]
    data = load_csv("\n".join(rows).encode())
    config = C(dataset="csv", hidden=(64,))
    priced = cost.playground(config, data)
    assert cost.data_shape(config, data).n_x == n_cols
    assert priced.work >= 3 * (n_cols + 1) * 64 * data.m_train  # the first layer alone
    with pytest.raises(ValueError, match="uploaded"):
        cost.playground(config)  # a csv run cannot be priced without its data
    assert estimate("playground", config, dataset=data) <= 2 * measured_peak("playground", config, dataset=data)


def test_run_config_work_counts_the_real_inputs():
    # the shapes pictures have 768 inputs: the old estimate counted 3 and let this through
    config = C(dataset="shapes", hidden=(64,), n_samples=2000)
    assert config.work == ((768 + 1) * 64 + 65) * 2000
    with pytest.raises(ConfigError, match="768 pixels") as err:
        C(dataset="shapes", hidden=(512,), n_samples=20000)
    assert "7.9 billion" in str(err.value)
    assert C(hidden=(64,) * 8, n_samples=2000).work < MAX_WORK  # the sidebar's largest still fits


def test_the_learning_rate_link_of_the_review_is_priced_in_gigabytes():
    # /lr_explorer?dataset=shapes&hidden=512&n_samples=20000&values=<32 rates>: the review measured 7.4 GB
    # RunConfig itself refuses this link now; price it as the data it asked for
    data = SimpleNamespace(n_x=768, n_y=1, m_train=15_000, m_test=5_000, points_train=None)
    priced = cost.sweep(C(dataset="csv", hidden=(512,)), 32, data)
    assert priced.bytes > 4 * 2**30 and priced.largest_part() == "workspaces"


def test_sweep_history_stays_bounded():
    data = make_dataset("circles", n_samples=60, seed=1)
    sweep = Sweep(Network([2, 3, 1], "tanh", seed=0), data, [0.1] * 8, record_every=1)
    records = MAX_HISTORY_ROWS // 8
    sweep.step(records + 50)
    h = sweep.history
    assert len(h) <= MAX_HISTORY_ROWS
    assert h.iteration.min() == 0 and h.iteration.max() == records + 50  # the start and the newest stay
    assert h.groupby("iteration").size().eq(8).all()


def test_readable_figures():
    assert cost.readable_count(7.9e9) == "7.9 billion"
    assert cost.readable_count(5e8) == "500 million"
    assert cost.readable_bytes(300 * 2**20) == "300 MB"
    assert cost.readable_bytes(12 * 2**30) == "12.0 GB"
