"""Share, save, export: downloads (history CSV, config JSON, parameters .npz), uploads (config JSON,
your own CSV data) and saved runs in the runs folder. Every upload is untrusted: size-capped,
validated by the engine, refused with the engine's reason; the current run is kept on refusal."""
from __future__ import annotations

import streamlit as st

from descentlab.engine import cost
from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.datasets import DatasetError, load_csv
from descentlab.engine.export import export_run
from descentlab.engine.runs import (
    RunFileError,
    load_run,
    params_to_npz_bytes,
    restore_trainer,
    safe_run_name,
    save_run,
)
from descentlab.ui import budget, run_spaces
from descentlab.ui.config_panel import load_widgets
from descentlab.ui.live import route
from descentlab.ui.state import (
    REDUCE_RUN,
    Keys,
    current_config,
    current_run,
    notify,
    start_run,
)
from descentlab.ui.user_text import md_text


# Uploads and loads act in callbacks: they rewrite the config panel's widget state, which Streamlit
# allows only before the widgets are drawn. Their messages appear at the top of the next run.
def _use_config(config: RunConfig, what: str) -> bool:
    if not start_run(config):  # start_run kept the current run and said why
        return False
    load_widgets(config)
    st.session_state[Keys.PLAYING] = False
    notify("success", f"Loaded {what}.")
    return True


def _on_config_upload() -> None:
    upload = st.session_state.get("up_config")
    if upload is None:  # sizes are capped by the server (maxUploadSize) and by the engine's readers
        return
    try:
        _use_config(RunConfig.from_json(upload.getvalue()), f"the config from {upload.name}")
    except ConfigError as exc:
        notify("error", f"{upload.name} is not a usable config: {exc}")


def _on_csv_upload() -> None:
    upload = st.session_state.get("up_csv")
    if upload is None:  # sizes are capped by the server (maxUploadSize) and by the engine's readers
        return
    config = current_config()
    try:
        dataset = load_csv(upload.getvalue(), test_fraction=config.test_fraction, seed=config.data_seed)
    except DatasetError as exc:
        notify("error", f"{upload.name} was not loaded: {exc}")
        return
    except MemoryError:
        notify("error", f"{upload.name} was not loaded: {budget.OUT_OF_MEMORY}")
        return
    previous = st.session_state.get(Keys.UPLOADED)
    st.session_state[Keys.UPLOADED] = dataset  # start_run builds a "csv" run from this slot
    if not _use_config(config.replace(dataset="csv", features=("x1", "x2")), f"your data from {upload.name}"):
        st.session_state[Keys.UPLOADED] = previous  # refused: the current csv run's data stays the data
        return
    for note in dataset.notes:
        notify("warning", note)


def _on_load_run() -> None:
    choice = st.session_state.get("saved_run_choice")
    try:
        space, choice = run_spaces.resolve(choice)
        loaded = load_run(choice, space)
        if loaded.config.dataset == "csv":  # its data is not saved: restore_trainer says why not
            restored = restore_trainer(loaded)
        else:
            with budget.admitted("playground", cost.playground(loaded.config), "This saved run", REDUCE_RUN):
                restored = restore_trainer(loaded)
    except (RunFileError, budget.Refused, MemoryError) as exc:
        notify("error", f"Could not load {choice}: {budget.reason(exc)}")
        return
    restored.run.trainer.record_every = None  # as start_run: the live loop records once per frame
    if loaded.drawn is not None:  # a "draw" run: its points become the session's drawn set
        st.session_state[Keys.DRAWN] = loaded.drawn
    st.session_state[Keys.CONFIG], st.session_state[Keys.RUN] = loaded.config, restored.run
    st.session_state[Keys.PLAYING] = False
    load_widgets(loaded.config)
    notify("success", f"Loaded saved run {choice}: its trained weights, and training continues from them.")


def export_section() -> None:
    run, config = current_run(), current_config()
    st.divider()
    st.subheader("Share, save, export")
    st.caption("The address bar always links to this exact run (same data, same initial weights): copy it to share.")
    at_click = _at_click()
    a, b, c = st.columns(3)
    a.download_button("History (CSV)", at_click(lambda: run.trainer.history.to_csv(index=False)), "history.csv",
                      "text/csv", key="dl_history", use_container_width=True)
    b.download_button("Config (JSON)", config.to_json(), "config.json", "application/json",
                      key="dl_config_json", use_container_width=True)
    c.download_button("Parameters (.npz)",
                      at_click(lambda: params_to_npz_bytes(run.network.params, run.trainer.iteration)),
                      "parameters.npz", "application/octet-stream", key="dl_params", use_container_width=True)
    _code_downloads(run, config, at_click)
    left, right = st.columns(2)
    with left:
        _uploads()
    with right:
        _saved_runs(run, config)


def _at_click():
    """Wraps a file's maker for a deferred download: built when clicked, from the run as it is then,
    so a page run (every Step while paused) builds no files, and under this session's stream lock, so a
    frame training the run at that moment cannot change it halfway through the file."""
    lock = route.session_stream().lock

    def wrap(make):
        def made():
            with lock:
                return make()
        return made
    return wrap


def _code_downloads(run, config, at_click) -> None:
    """The run as a numpy script / notebook in the course's notation (descentlab.engine.export)."""
    title = st.session_state.get("save_name") or ""  # the run's name, kept to one comment line there
    a, b = st.columns(2)
    a.download_button("Export as Python", at_click(lambda: export_run(run, config, title=title)), "descentlab_run.py",
                      "text/x-python", key="dl_script", use_container_width=True,
                      help="One numpy-only script: the same data, initial weights and training, written out.")
    b.download_button("Export as notebook", at_click(lambda: export_run(run, config, notebook=True, title=title)),
                      "descentlab_run.ipynb", "application/x-ipynb+json", key="dl_notebook",
                      use_container_width=True, help="The same code as a Jupyter notebook, in cells.")


def _uploads() -> None:
    st.file_uploader("Restore a config (JSON)", type=["json"], key="up_config", on_change=_on_config_upload)
    st.file_uploader("Your own data (CSV: feature columns and a label column)", type=["csv"], key="up_csv",
                     on_change=_on_csv_upload)


def _saved_runs(run, config) -> None:
    """Save into this browser's own space (or, with the lecturer's key, the class library); open one of
    its own runs or the library's (descentlab.ui.run_spaces)."""
    mine = run_spaces.my_space() if run_spaces.browser_key() else None
    name = st.text_input("Run name", value="my-run", key="save_name", max_chars=64)
    to_library = run_spaces.is_lecturer() and st.checkbox("Save to the class library", key="save_library")
    replace = st.checkbox("Replace a saved run of that name", key="save_replace")
    if st.button("Save run", key="btn_save_run", disabled=mine is None and not to_library,
                 help=None if mine or to_library else "Your browser's key for its runs is on its way: a moment."):
        _save(run, config, name, run_spaces.library_space() if to_library else mine, replace)
    if run_spaces.library_writable():
        st.text_input("Lecturer key (to save to the class library)", type="password", key=run_spaces.LECTURER_INPUT)
    options = run_spaces.choices()
    if options:
        st.selectbox("Saved runs (yours, and the class library)", options, key="saved_run_choice",
                     format_func=run_spaces.label)
        st.button("Load saved run", key="btn_load_run", on_click=_on_load_run)
    st.caption("Your runs are kept for this browser only: another browser, on this server or in this room, "
               "cannot see or change them.")


def _save(run, config, name: str, space, replace: bool) -> None:
    try:
        path = save_run(run.trainer, config, safe_run_name(name), space, replace=replace)
        st.success(f"Saved as {md_text(path.name)}.")
    except RunFileError as exc:
        st.error(f"Not saved: {md_text(exc)}")
    except OSError as exc:  # its text would name the server's paths: say only why
        st.error(f"Not saved: {md_text(exc.strerror or type(exc).__name__)}.")
