"""Every number the app shows is formatted for a person: a run that diverges on `plane` at learning
rate 1 (costs near 1e303) printed 300-digit integers that ran off the page."""
import math

from descentlab.engine.config import RunConfig
from descentlab.ui.views.playground import status_cells
from descentlab.viz.compare import summary_rows
from descentlab.viz.text import number

from .pages import open_page

BLOWN_UP = RunConfig(dataset="plane", learning_rate=1.0)


def test_number_reads_at_every_size():
    assert number(0.693147) == "0.6931" and number(0.5, 3) == "0.500"
    assert number(4.5351004675705504e303) == "4.535e+303" and number(-2.8e304, 3) == "-2.8e+304"
    assert number(float("nan")) == number(None) == "–"
    assert number(math.inf) == "∞" and number(-math.inf) == "−∞"
    assert number(12_345.678) == "1.235e+04" and number(9_999.5) == "9999.5000"


def test_a_blown_up_run_is_shown_in_short_numbers_and_said_once():
    at = open_page("app_pages/playground.py", BLOWN_UP.to_query())
    run = at.session_state["dl_run"]
    run.trainer.step(129)  # just before it diverges (at iteration 131)
    for _ in range(3):
        at.button(key="btn_step").click().run()
    assert not at.exception and run.trainer.diverged
    cells = dict(status_cells(run, playing=False))
    assert all(len(value) <= 12 for value in cells.values()), cells
    assert "e+" in cells["Train cost"] and "e+" in cells["Train R²"]
    summary = summary_rows(_one_variant_summary(run), task="regression")
    assert all(len(str(v)) <= 24 for v in summary.iloc[0].tolist()), summary.iloc[0].tolist()
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors  # the divergence, said once


def _one_variant_summary(run):
    from descentlab.engine.group import TrainerGroup, Variant

    group = TrainerGroup("learning_rate")
    group.variants.append(Variant("α = 1", BLOWN_UP, run))
    return group.summary()


def _status(at, key):
    import json
    for el in at.get("bidi_component"):
        if el.proto.component_name == "descentlab.live_html" and el.proto.json:
            data = json.loads(el.proto.json)
            if data.get("key") == key:
                return data["html"]
    raise AssertionError(f"no status line {key!r}")


def test_a_best_run_is_named_only_once_runs_have_trained():
    """At iteration 0 every rate (every variant) stands where it started: "best" would be a coin toss."""
    lr = open_page("app_pages/lr_explorer.py")
    assert 'Best α now</div><div class="dl-value">–' in _status(lr, "lr_status")
    lr.button(key="lr_btn_step").click().run()
    assert 'Best α now</div><div class="dl-value">–' not in _status(lr, "lr_status")
    cmp = open_page("app_pages/compare.py")
    assert 'Lowest test cost</div><div class="dl-value">–' in _status(cmp, "cmp_status")
    cmp.button(key="cmp_btn_step").click().run()
    assert 'Lowest test cost</div><div class="dl-value">–' not in _status(cmp, "cmp_status")


def test_log_axes_write_their_numbers_out():
    """Plotly labels a log axis under two decades "10⁻¹, 2, 5": the 5 meant 0.5. Ours read as written."""
    from descentlab.viz.text import log_ticks
    from descentlab.viz.training import cost_axis

    ticks = log_ticks(0.08, 0.7)
    assert ticks["ticktext"] == ["0.1", "0.2", "0.5"] and ticks["tickvals"] == [0.1, 0.2, 0.5]
    # across two decades or more, the decades only; below 0.001, as powers of ten
    assert log_ticks(1e-6, 10)["ticktext"] == ["10⁻⁶", "10⁻⁵", "10⁻⁴", "0.001", "0.01", "0.1", "1", "10"]
    assert log_ticks(0.3, 0.45) == {}  # fewer than two labels fit: plotly's own
    axis = cost_axis([0.05, 0.3, 0.69], log_y=True)
    assert axis["type"] == "log" and all(t[0] in "0123456789" for t in axis["ticktext"])
