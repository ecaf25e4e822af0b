"""The Runs page, with TensorBoard's habits: every run of this session (descentlab.ui.session_runs) and
every saved run this browser may open (its own and the class library's, descentlab.ui.run_spaces) in
one table; any of them overlaid, one metric, smoothed, on an axis of iterations, epochs or wall time;
the overlay as CSV (and PNG from the chart's camera icon); what differs between their configs; and any
run back in the Playground where it stopped.

Numbers and figures are descentlab.viz.runs; here we only gather runs, read widgets and lay out."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from descentlab.engine import cost
from descentlab.engine.build import build
from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.runs import RunFileError, list_runs, load_run
from descentlab.ui import budget, pages, run_spaces, session_runs, state
from descentlab.ui.config_panel import load_widgets
from descentlab.ui.theme import style
from descentlab.ui.user_text import md_text
from descentlab.viz import runs as vr

MAX_SAVED = 50  # saved runs listed (newest first)
DEFAULT_OVERLAY = 3


class K:
    """Session-state and widget keys of this page, all prefixed runs_."""
    SELECTED, METRIC, X, SMOOTH, LOG = "runs_selected", "runs_metric", "runs_x", "runs_smooth", "runs_log"
    OPEN = "runs_open"
    GOTO = "runs_goto"            # switch to the Playground on the next run
    SAVED = "runs_saved_cache"    # {choice: (saved_at, config, history)}: saved runs read once
    STORE = "runs_kept"
    KEPT = (SELECTED, METRIC, X, SMOOTH, LOG, OPEN)


@dataclass
class Listed:
    """One row of the page's table: a session run or a saved one, as the overlay reads it."""
    id: str
    name: str
    source: str
    config: RunConfig
    history: pd.DataFrame
    times: np.ndarray | None
    summary: dict


# ---------------------------------------------------------------- gathering
def note_current_run() -> None:
    """The Playground's run is the session's run: listed even before the Playground is opened again."""
    ss = st.session_state
    if state.Keys.RUN in ss and state.Keys.CONFIG in ss:
        session_runs.note_trainer(ss[state.Keys.RUN].trainer, "Playground", "Playground", ss[state.Keys.CONFIG])


def _saved_choices() -> list[dict]:
    """This browser's saved runs and the class library's, newest first (their meta.json only)."""
    out = []
    mine = run_spaces.my_space()
    for kind, space in ((run_spaces.MINE, mine), (run_spaces.LIBRARY, run_spaces.library_space())):
        if space is None:
            continue
        out += [{**r, "choice": f"{kind}/{r['name']}"} for r in list_runs(space)]
    return sorted(out, key=lambda r: r["saved_at"] or "", reverse=True)[:MAX_SAVED]


def _read_saved(choice: str, saved_at: str):
    """(config, history) of a saved run, read once per save (session cache); None if unreadable."""
    cache = st.session_state.setdefault(K.SAVED, {})
    hit = cache.get(choice)
    if hit is None or hit[0] != saved_at:
        try:
            space, name = run_spaces.resolve(choice)
            loaded = load_run(name, space)
        except (RunFileError, OSError):
            return None
        hit = cache[choice] = (saved_at, loaded.config, loaded.history, int(loaded.meta["iteration"]))
    return hit[1:]


def gather() -> list[Listed]:
    """Every run: this session's, the most recently noted first, then the saved ones."""
    out, names = [], []
    for e in session_runs.runs():
        snap = e.snapshot()
        out.append(Listed(e.id, e.name, e.source, e.config, snap.history, snap.times,
                          session_runs.summary(snap)))
    for r in _saved_choices():
        read = _read_saved(r["choice"], r["saved_at"])
        if read is None:
            continue
        config, history, iteration = read
        task = "regression" if any(c.startswith("r2_") for c in history) else "classification"
        snap = session_runs.Snapshot(history, None, iteration, 0, np.empty(0), task)
        source = "Class library" if r["choice"].startswith(run_spaces.LIBRARY) else "Saved"
        out.append(Listed(r["choice"], run_spaces.label(r["choice"]), source, config, history, None,
                          session_runs.summary(snap)))
    # one name per run: the overlay's legend and the CSV's columns
    for item in out:
        names.append(item.name)
    for item in out:
        if names.count(item.name) > 1:
            item.name = f"{item.name} [{item.id}]"
    return out


def config_summary(c: RunConfig) -> str:
    act = c.activation if isinstance(c.activation, str) else "/".join(c.activation)
    batch = "full batch" if c.batch_size is None else f"batch {c.batch_size}"
    return f"{c.dataset} · {list(c.hidden)} {act} · {c.init} · {c.optimizer} α={c.learning_rate:g} · {batch}"


def table(listed: list[Listed]) -> pd.DataFrame:
    rows = []
    for item in listed:
        s = item.summary
        rows.append({"run": item.name, "from": item.source, "config": config_summary(item.config),
                     "iterations": s["iterations"], "train cost": s["cost_train"], "test cost": s["cost_test"],
                     "train acc. / R²": _score(s["score_train"], s["score"]),
                     "test acc. / R²": _score(s["score_test"], s["score"])})
    return pd.DataFrame(rows)


def _score(x: float, kind: str) -> str:
    if not np.isfinite(x):
        return "–"
    return f"R² {x:.3f}" if kind == "r2" else f"{x:.1%}"


# ---------------------------------------------------------------- metrics
_ORDER = ("cost_train", "cost_test", "accuracy_train", "accuracy_test", "r2_train", "r2_test", "grad_norm_",
          "dead_", "saturated_", "weight_norm_", "update_ratio_", "distinct_", "learning_rate", "penalty")
_LABELS = {"cost_train": "train cost", "cost_test": "test cost", "accuracy_train": "train accuracy",
           "accuracy_test": "test accuracy", "r2_train": "train R²", "r2_test": "test R²",
           "learning_rate": "learning rate", "penalty": "penalty",
           "grad_norm_": "gradient norm ‖dW‖, layer ", "dead_": "dead fraction, layer ",
           "saturated_": "saturated fraction, layer ", "weight_norm_": "weight norm ‖W‖, layer ",
           "update_ratio_": "update / weight ratio, layer ", "distinct_": "distinct units, layer "}


def metric_label(col: str) -> str:
    if col in _LABELS:
        return _LABELS[col]
    for prefix in _ORDER:
        if prefix.endswith("_") and col.startswith(prefix):
            return _LABELS[prefix] + col[len(prefix):]
    return col


def metrics(histories) -> list[str]:
    """The columns one can plot, in the order above (the listed kinds first, layers in order)."""
    cols = {c for h in histories for c in h.columns if c not in ("iteration", "epoch")
            and pd.api.types.is_numeric_dtype(h[c])}

    def rank(c):
        for i, p in enumerate(_ORDER):
            if c == p or (p.endswith("_") and c.startswith(p) and c[len(p):].isdigit()):
                return (i, int(c[len(p):]) if p.endswith("_") and c[len(p):].isdigit() else 0, c)
        return (len(_ORDER), 0, c)
    return sorted(cols, key=rank)


# ---------------------------------------------------------------- open in the Playground
def goto_if_requested() -> None:
    if st.session_state.pop(K.GOTO, False):
        st.switch_page(pages.for_lab("playground").file)


def _theta_and_history(choice: str):
    """(config, θ, iteration, epoch, history, times) of a listed run; raises RunFileError."""
    reg = session_runs.registry()
    if choice in reg:
        e = reg[choice]
        snap = e.snapshot()
        return e.config, snap.theta, snap.iteration, snap.epoch, snap.history, snap.times
    space, name = run_spaces.resolve(choice)
    loaded = load_run(name, space)
    return loaded.config, loaded.params, int(loaded.meta["iteration"]), int(loaded.meta["epoch"]), \
        loaded.history, None


def open_in_playground(choice: str) -> None:
    """A callback: the run ``choice`` becomes the session's run where it stopped (θ, iteration, epoch,
    history), and the next run of the page goes to the Playground."""
    ss = st.session_state
    try:
        config, theta, iteration, epoch, history, times = _theta_and_history(choice)
        dataset = ss.get(state.Keys.UPLOADED) if config.dataset == "csv" else None
        if config.dataset == "csv" and dataset is None:
            raise RunFileError("its data was an uploaded CSV, and this session has none")
        with budget.admitted("playground", cost.playground(config, dataset), "This run", state.REDUCE_RUN):
            run = build(config, dataset=dataset)
        if isinstance(theta, dict):  # a saved run's parameters
            run.network.set_params(theta)
            theta = run.network.theta.copy()
        run.trainer.resume(theta, iteration, epoch, history, times)
    except (RunFileError, ConfigError, ValueError, KeyError, budget.Refused, MemoryError) as exc:
        state.notify("error", f"Could not open that run in the Playground: {budget.reason(exc)}")
        return
    run.trainer.record_every = None  # as start_run: the live loop records once per frame
    ss[state.Keys.CONFIG], ss[state.Keys.RUN] = config, run
    ss[state.Keys.PLAYING] = False
    load_widgets(config)
    state.notify("success", f"Opened {choice if '/' in choice else 'that run'} at iteration {iteration:,}: "
                            "its weights and history; training continues from there (the optimizer's "
                            "moving averages start afresh).")
    ss[K.GOTO] = True


# ---------------------------------------------------------------- the page
def init() -> None:
    state.restore_widgets(K.STORE)
    state.keep_widgets(K.STORE, K.KEPT)
    ss = st.session_state
    ss.setdefault(K.SMOOTH, 0.6)  # TensorBoard's default
    ss.setdefault(K.LOG, False)
    ss.setdefault(K.X, vr.X_AXES[0])


def page() -> None:
    ss = st.session_state
    run_spaces.browser_key()  # this browser's own saved runs are listed once its key is known
    note_current_run()
    listed = gather()
    if not listed:
        st.info("No runs yet: train one on the Playground, Compare, the Initialization lab or Learning rate, "
                "or save one.", icon=":material/info:")
        return
    by_id = {item.id: item for item in listed}
    ids = list(by_id)
    trained = [i for i in ids if by_id[i].summary["iterations"] > 0] or ids  # at first: the newest trained
    chosen = [i for i in ss.get(K.SELECTED, trained[:DEFAULT_OVERLAY]) if i in by_id]
    ss[K.SELECTED] = chosen
    st.multiselect("Overlay these runs", ids, key=K.SELECTED, format_func=lambda i: by_id[i].name,
                   placeholder="Pick runs from the table below")
    selected = [by_id[i] for i in ss[K.SELECTED]]
    if selected:
        overlay_section(selected)
    else:
        st.info("Pick one or more runs to overlay.", icon=":material/info:")

    st.subheader("Every run", anchor=False)
    st.dataframe(table(listed), hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.4g") for c in ("train cost", "test cost")})
    st.caption("This session's runs (the Playground's, each Compare variant, each Initialization lab scheme, "
               f"each swept learning rate; the last {session_runs.MAX_RUNS}, newest first) and the runs this "
               "browser saved, with the class library's. Accuracy, or R² for regression.")
    if ss.get(K.OPEN) not in by_id:
        ss[K.OPEN] = ids[0]
    a = b = st.container()  # one under the other: the button's name whole at presentation size
    a.selectbox("Open a run in the Playground where it stopped", ids, key=K.OPEN,
                format_func=lambda i: by_id[i].name)
    b.button("Open in the Playground", key="runs_btn_open", icon=":material/open_in_new:",
             on_click=lambda: open_in_playground(ss[K.OPEN]),
             help="Its weights, iteration and history; Play continues it")


def overlay_section(selected: list[Listed]) -> None:
    ss = st.session_state
    options = metrics([item.history for item in selected])
    if not options:
        st.warning("These runs have no metric in common to plot.")
        return
    if ss.get(K.METRIC) not in options:
        ss[K.METRIC] = options[0]
    m, x, sm, lg = st.columns([2.3, 3.8, 2.5, 1.4], vertical_alignment="bottom")
    metric = m.selectbox("Metric", options, key=K.METRIC, format_func=metric_label)
    x_axis = x.segmented_control("Horizontal axis", vr.X_AXES, key=K.X) or vr.X_AXES[0]
    smoothing = sm.slider("Smoothing", 0.0, vr.MAX_SMOOTHING, step=0.001, key=K.SMOOTH, format="%.3f",
                          help="TensorBoard's: an exponential moving average, debiased at the start; "
                               "the raw curve stays faint behind")
    log_y = lg.toggle("Log axis", key=K.LOG)
    curves = [c for item in selected
              if (c := vr.curve(item.name, item.history, item.times, metric, x_axis)) is not None]
    left_out = [item.name for item in selected if item.name not in {c.name for c in curves}]
    if curves:
        fig = vr.overlay_figure(curves, metric_label(metric), x_axis, smoothing, log_y, style())
        st.plotly_chart(fig, key="runs_chart", config={
            "displaylogo": False, "displayModeBar": True, "toImageButtonOptions": {"filename": "descentlab_runs", "scale": 2}})
    if left_out:
        why = ("their row times are not saved" if x_axis == "Wall time" else f"they have no {metric_label(metric)}")
        st.caption(f"Not drawn: {md_text(', '.join(left_out))} ({why}).")
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    c1.download_button("Overlay (CSV)", vr.overlay_table(curves, x_axis).to_csv(index=False),
                       "descentlab_runs.csv", "text/csv", key="runs_dl_csv", width="stretch",
                       icon=":material/download:")
    c2.caption("PNG: the camera icon in the chart's toolbar (top right). The CSV holds one column "
               "per run, raw values by the chosen axis. Wall time: when each history row was recorded, from "
               "the run's first row, pauses included.")
    diff = vr.config_differences({item.name: item.config.to_dict() for item in selected})
    st.markdown("**What differs between their configs**")
    if len(selected) < 2:
        st.caption("Pick two or more runs to see what differs.")
    elif diff.empty:
        st.caption("Nothing: the same config (runs differ only by when and how long they trained).")
    else:
        st.dataframe(diff, hide_index=True, width="stretch")
