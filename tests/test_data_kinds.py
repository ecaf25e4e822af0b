"""The home page's "What deep networks are for": every data set of the engine's registry is sorted
into structured / unstructured and classification / regression (a new one fails here until it is),
and the page draws each group."""
import json

import pytest

from descentlab.engine import datasets
from descentlab.lessons import data_kinds as kinds
from descentlab.viz.data_kinds import thumbnails_figure
from tests.pages import open_page


def test_every_registered_data_set_is_sorted():
    missing = [name for name in datasets.DATASETS if name not in kinds.STRUCTURE]
    assert not missing, f"sort these in descentlab.lessons.data_kinds.STRUCTURE: {missing}"
    assert set(kinds.STRUCTURE) == set(datasets.DATASETS) | {kinds.CSV}  # nothing sorted that is gone
    names = [k.name for k in kinds.sort_datasets()]
    assert names == [*datasets.DATASETS, kinds.CSV]


def test_an_unsorted_data_set_fails(monkeypatch):
    spec = datasets.DATASETS["circles"]
    monkeypatch.setitem(datasets.DATASETS, "rings", spec)
    with pytest.raises(KeyError, match="rings"):
        kinds.sort_datasets()


def test_the_kinds_follow_the_registry():
    by_name = {k.name: k for k in kinds.sort_datasets()}
    for name in ("circles", "moons", "spiral"):
        assert (by_name[name].structure, by_name[name].task) == (kinds.STRUCTURED, "classification")
    for name in ("plane", "gaussian_bumps"):
        assert (by_name[name].structure, by_name[name].task) == (kinds.STRUCTURED, "regression")
    assert (by_name["shapes"].structure, by_name["shapes"].task) == (kinds.UNSTRUCTURED, "classification")
    assert by_name[kinds.CSV].structure == kinds.STRUCTURED
    for name, spec in datasets.DATASETS.items():
        assert by_name[name].task == ("regression" if spec.task == "regression" else "classification")
        assert by_name[name].structure == (kinds.UNSTRUCTURED if spec.kind == "images" else kinds.STRUCTURED)
    grouped = [k.name for members in kinds.groups().values() for k in members]
    assert sorted(grouped) == sorted(by_name)


def test_thumbnails_draw_points_and_pictures():
    sets = [kinds.samples(n) for n in ("circles", "plane", "shapes")]
    fig = thumbnails_figure(sets, cols=3)
    assert [t.type for t in fig.data] == ["scatter", "scatter", "image"]
    assert [a.text for a in fig.layout.annotations] == ["circles", "plane", "shapes"]


def test_home_page_shows_every_group():
    at = open_page("app_pages/home.py")
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = sorted(a["text"] for c in charts for a in c["layout"]["annotations"])
    assert titles == sorted(datasets.DATASETS)
    text = " ".join(m.value for m in at.markdown)
    for structure, task in kinds.groups():
        assert structure.capitalize() in text or structure in text
    assert "What deep networks are for" in [h.value for h in at.header]
    assert len(at.table[0].value) == len(kinds.USES)
