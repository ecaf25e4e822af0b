"""The Playground's "Blocks & cache" panel: forward and backward propagation as the lecture's building
blocks (descentlab.viz.blocks), and, paused, the cache of a fresh pass at this iteration and a button
that checks the network's gradients (descentlab.lessons.blocks). Neither touches the run."""
from __future__ import annotations

import hashlib

import streamlit as st

from descentlab.engine.cost import readable_count
from descentlab.lessons import blocks as lessons
from descentlab.ui import budget
from descentlab.ui.live.elements import live_chart
from descentlab.ui.state import Keys, current_run
from descentlab.viz import blocks as viz_blocks
from descentlab.viz.style import Style

RESULT_KEY = "blocks_gradcheck"  # the last check: {"of": what it checked, "table": ..., "note": ...}


def _fingerprint(network, l1: float, l2: float) -> str:
    """What a check's result belongs to: these parameters and this penalty."""
    h = hashlib.blake2b(network.theta.tobytes(), digest_size=16)
    h.update(repr((network.layer_sizes, l1, l2)).encode())
    return h.hexdigest()


def draw(s: Style, rewind: int | None, caption: str | None) -> None:
    run = current_run()
    tr, m = run.trainer, run.dataset.m_train
    net = tr.network if rewind is None else tr.network_at(rewind)
    live_chart(lambda: viz_blocks.blocks_figure(net, m, style=s), key="blocks_diagram", caption=caption)
    if st.session_state[Keys.PLAYING]:
        st.caption("Pause to see this iteration's cache and to check the gradients.")
        return
    at = tr.iteration if rewind is None else rewind
    cache_tables(run, net, at)
    gradient_check(run, net, at)


def cache_tables(run, net, iteration: int) -> None:
    """Each layer's cache from a fresh forward and backward pass on the training set (a copy of the
    network: the run keeps its state), as a corner of every array."""
    X, Y = run.dataset.X_train, run.dataset.Y_train
    try:
        with budget.computing(lessons.pass_cost(net, X.shape[1]), 1, "The cache's forward and backward pass",
                              "Try a smaller network or fewer examples."):
            layers = lessons.layer_caches(net, X, Y)
    except (budget.Refused, MemoryError) as exc:
        st.warning(budget.reason(exc))
        return
    st.markdown(f"**The cache at iteration {iteration:,}**: one forward and one backward pass on the "
                f"{X.shape[1]:,} training examples (no dropout), the top-left corner of each array")
    tabs = st.tabs([f"Layer {c.layer}" for c in layers])
    for tab, c in zip(tabs, layers):
        with tab:
            shown = {**c.arrays(), **c.gradients()}
            for row in (list(shown.items())[:3], list(shown.items())[3:]):
                for col, (name, a) in zip(st.columns(3), row):
                    kind = "cache" if not name.startswith("d") else "backward gives"
                    col.markdown(f"{kind} **{name}** {viz_blocks.shape_text(*a.shape)}")
                    col.dataframe(viz_blocks.corner_table(a))


def gradient_check(run, net, iteration: int) -> None:
    """A button that checks backprop against central differences for every parameter array, within the
    compute budget (descentlab.engine.gradcheck.plan), and the table of its verdicts."""
    tr, X, Y = run.trainer, run.dataset.X_train, run.dataset.Y_train
    st.markdown("**Gradient checking**: backprop's dW, db against (J(θ + ε) − J(θ − ε)) / 2ε, ε = 1e-7")
    of = _fingerprint(net, tr.l1, tr.l2)
    if st.button("Check the gradients", key="btn_gradcheck", icon=":material/rule:"):
        try:
            work = budget.frame_work_limit()  # one check takes no longer than one frame may
            with budget.computing(lessons.check_cost(net, X.shape[1], work), 1, "The gradient check",
                                  "Try a smaller network."):
                result = lessons.gradient_check(net, X, Y, l1=tr.l1, l2=tr.l2, work=work)
        except (budget.Refused, MemoryError) as exc:
            st.warning(budget.reason(exc))
            return
        st.session_state[RESULT_KEY] = {"of": of, "table": viz_blocks.gradcheck_table(result, net),
                                        "note": check_note(result, iteration, bool(tr.l1 or tr.l2))}
    done = st.session_state.get(RESULT_KEY)
    if done is None or done["of"] != of:
        return  # no check yet of these parameters (a later iteration, another network)
    st.dataframe(done["table"], hide_index=True)
    st.caption(done["note"])


def check_note(result: lessons.GradCheck, iteration: int, penalized: bool) -> str:
    penalty = "with the run's L1/L2 penalty, " if penalized else ""
    sample = (f" Arrays with more than {result.per_block:,} entries: a random sample of {result.per_block:,} "
              f"of them (seed {result.seed}), so that one check stays within about "
              f"{readable_count(result.work)} multiply-adds." if result.sampled else "")
    return (f"Iteration {iteration:,}; the first {result.examples:,} training examples, in float64, "
            f"{penalty}without dropout.{sample} Below 1e-7 is great, up to 1e-5 look closer, above 1e-3 "
            "there is probably a bug (ReLU's kink at 0 can also raise it).")
