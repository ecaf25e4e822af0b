"""AppTest: the Playground's downloads hand out the current run, built when clicked: "Export as
Python" / "Export as notebook" as the exported script and notebook (descentlab.engine.export), the
history as CSV and the parameters as .npz."""
from __future__ import annotations

import ast
import io

import nbformat
import numpy as np
from streamlit.runtime.media_file_manager import MediaFileManager

from descentlab.engine.config import RunConfig
from descentlab.engine.export import export_notebook, export_script

from .pages import open_page


def test_export_buttons_hand_out_the_runs_script_and_notebook(monkeypatch):
    deferred = {}  # file name -> the callable the button runs on a click
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        deferred[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    config = RunConfig(hidden=(3,), activation="relu", optimizer="adam", batch_size=32)
    at = open_page("app_pages/playground.py", query=config.to_query())
    at.text_input(key="save_name").input('lecture "two"\nimport os').run()
    for _ in range(2):
        at.button(key="btn_step").click().run()
    assert not at.exception
    labels = {b.key: b.label for b in at.download_button}
    assert labels["dl_script"] == "Export as Python" and labels["dl_notebook"] == "Export as notebook"

    run = at.session_state["dl_run"]
    iterations = run.trainer.iteration
    assert iterations > 0 and at.session_state["dl_config"] == config
    options = dict(iterations=iterations, print_every=max(1, iterations // 10), title='lecture "two"import os')
    script = deferred["descentlab_run.py"]()
    assert script == export_script(config, **options)
    ast.parse(script)
    assert script.splitlines()[0] == '# Descent Lab run, exported as Python: lecture "two"import os'
    notebook = deferred["descentlab_run.ipynb"]()
    assert notebook == export_notebook(config, **options)
    nbformat.validate(nbformat.reads(notebook, as_version=4))


def test_history_and_parameters_are_built_at_the_click_not_on_every_page_run(monkeypatch):
    deferred = {}
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        deferred[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    at = open_page("app_pages/playground.py")
    at.button(key="btn_step").click().run()
    make_csv, make_npz = deferred["history.csv"], deferred["parameters.npz"]
    run = at.session_state["dl_run"]
    run.trainer.step(7)  # after the page run that drew the buttons: the files show the run as it is now
    run.trainer.record()
    assert make_csv() == run.trainer.history.to_csv(index=False)
    assert make_csv().count("\n") == len(run.trainer.history) + 1
    with np.load(io.BytesIO(make_npz()), allow_pickle=False) as npz:
        assert int(npz["iteration"]) == run.trainer.iteration == 8
        for name, value in run.network.params.items():
            np.testing.assert_array_equal(npz[name], value)
