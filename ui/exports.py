"""Share, save, export: downloads (history CSV, config JSON, parameters .npz), uploads (config JSON,
your own CSV data) and saved runs in the runs folder. Every upload is untrusted: size-capped,
validated by the engine, refused with the engine's reason; the current run is kept on refusal."""
from __future__ import annotations

import streamlit as st

from engine.config import ConfigError, RunConfig
from engine.datasets import DatasetError, load_csv
from engine.runs import (RunFileError, list_runs, load_run, params_to_npz_bytes, restore_trainer,
                         safe_run_name, save_run)

from .config_panel import load_widgets
from .state import Keys, current_config, current_run, notify, start_run

MAX_UPLOAD_BYTES = 5_000_000  # also server.maxUploadSize in .streamlit/config.toml


def _too_big(upload) -> bool:
    if upload.size > MAX_UPLOAD_BYTES:
        st.error(f"{upload.name} is {upload.size / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB.")
        return True
    return False


def _use_config(config: RunConfig, what: str) -> None:
    if start_run(config):
        load_widgets(config)
        st.session_state[Keys.PLAYING] = False
        notify("success", f"Loaded {what}.")


def export_section() -> None:
    run, config = current_run(), current_config()
    st.divider()
    st.subheader("Share, save, export")
    st.caption("The address bar always links to this exact run (same data, same initial weights): copy it to share.")
    a, b, c = st.columns(3)
    a.download_button("History (CSV)", run.trainer.history.to_csv(index=False), "history.csv", "text/csv",
                      key="dl_history", use_container_width=True)
    b.download_button("Config (JSON)", config.to_json(), "config.json", "application/json",
                      key="dl_config_json", use_container_width=True)
    c.download_button("Parameters (.npz)", params_to_npz_bytes(run.network.params, run.trainer.iteration),
                      "parameters.npz", "application/octet-stream", key="dl_params", use_container_width=True)
    left, right = st.columns(2)
    with left:
        _uploads()
    with right:
        _saved_runs(run, config)


def _uploads() -> None:
    cfg = st.file_uploader("Restore a config (JSON)", type=["json"], key="up_config")
    if cfg is not None and st.session_state.get("up_config_done") != cfg.file_id and not _too_big(cfg):
        st.session_state["up_config_done"] = cfg.file_id
        try:
            _use_config(RunConfig.from_json(cfg.getvalue()), f"the config from {cfg.name}")
            st.rerun()
        except ConfigError as exc:
            st.error(f"{cfg.name} is not a usable config: {exc}")
    data = st.file_uploader("Your own data (CSV: feature columns and a label column)", type=["csv"], key="up_csv")
    if data is not None and st.session_state.get("up_csv_done") != data.file_id and not _too_big(data):
        st.session_state["up_csv_done"] = data.file_id
        try:
            dataset = load_csv(data.getvalue(), test_fraction=current_config().test_fraction,
                               seed=current_config().data_seed)
        except DatasetError as exc:
            st.error(f"{data.name} was not loaded: {exc}")
            return
        st.session_state[Keys.UPLOADED] = dataset
        for note in dataset.notes:
            notify("warning", note)
        _use_config(current_config().replace(dataset="csv", features=("x1", "x2")), f"your data from {data.name}")
        st.rerun()


def _saved_runs(run, config) -> None:
    name = st.text_input("Run name", value="my-run", key="save_name", max_chars=64)
    if st.button("Save run", key="btn_save_run"):
        try:
            path = save_run(run.trainer, config, safe_run_name(name))
            st.success(f"Saved as {path.name}.")
        except (RunFileError, OSError) as exc:
            st.error(f"Not saved: {exc}")
    runs = list_runs()
    if runs:
        choice = st.selectbox("Saved runs", [r["name"] for r in runs], key="saved_run_choice")
        if st.button("Load saved run", key="btn_load_run"):
            try:
                loaded = load_run(choice)
                restored = restore_trainer(loaded)
            except RunFileError as exc:
                st.error(f"Could not load {choice}: {exc}")
                return
            st.session_state[Keys.CONFIG], st.session_state[Keys.RUN] = loaded.config, restored.run
            st.session_state[Keys.PLAYING] = False
            load_widgets(loaded.config)
            notify("success", f"Loaded saved run {choice} (its trained weights; training continues from them).")
            st.rerun()
