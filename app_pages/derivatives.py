"""Derivatives: the table of derivative rules. Pick a rule and a function: the derivative by the rule
(LaTeX), its curve beside f, and the central difference computed from f alone drawn over it as dots.
The numbers come from descentlab.lessons.derivatives, the chart from descentlab.viz.derivatives."""
import streamlit as st

from descentlab.lessons import derivatives as dv
from descentlab.ui.theme import style
from descentlab.viz.derivatives import derivative_figure
from descentlab.viz.text import power_label


class K:  # this page's widget keys
    RULE = "deriv_rule"
    FUNCTION = "deriv_fn_"  # + the rule's name: each rule keeps its own choice
    H = "deriv_h"


def _x(v: float) -> str:
    return f"{v:.2f}".replace("-", "−")


def _gap(v: float) -> str:
    return "0" if v == 0 else power_label(v) if v < 0.01 else f"{v:.3f}"


st.title("Derivatives")
st.markdown(
    "Gradient descent needs the **slope** of the cost for every parameter. A handful of rules give every "
    "slope a network needs (backprop is the chain rule, layer after layer). Check a rule as a computer "
    r"can: the dots are $\dfrac{f(x+h) - f(x-h)}{2h}$, from $f$ alone; the line is $f'$ by the rule.")

rule_name = st.segmented_control("Rule", list(dv.RULES), format_func=lambda r: dv.RULES[r].short,
                                 default="Power", key=K.RULE) or "Power"
rule = dv.RULES[rule_name]
entries = dv.entries_for(rule_name)
c1, c2 = st.columns([3, 1])
key = c1.radio("Function", [e.key for e in entries], format_func=lambda k: dv.ENTRIES[k].label,
               horizontal=True, key=K.FUNCTION + rule_name)
h = c2.select_slider("Step h", dv.H_CHOICES, value=1e-3, format_func=lambda v: f"{v:g}", key=K.H)
entry = dv.ENTRIES[key]

left, right = st.columns([1, 1])
with left:
    st.markdown(f"**{rule.name} rule.** {rule.explanation}")
    st.latex(rule.latex)
with right:
    st.markdown(f"**Applied to {entry.label}**")
    st.latex(r"\begin{gathered}" + entry.latex_f + r"\\[4pt]" + entry.latex_df + r"\end{gathered}")

c = dv.curves(key, h)
st.plotly_chart(derivative_figure(c, style()), key="deriv_chart")
st.caption(f"{len(c.x_check)} dots on x from {_x(c.x_check[0])} to {_x(c.x_check[-1])}: the "
           f"largest gap between a dot and the rule is {_gap(c.max_abs_diff)}. Where f is smooth the gap "
           "shrinks like h² (try h = 0.1, then 0.01): a hundred times smaller for a step ten times smaller.")

with st.expander("The whole table"):
    rows = ["| rule | f(x) | f′(x) |", "|---|---|---|"]
    for e in dv.ENTRIES.values():
        f_tex = e.latex_f.split("=", 1)[1].split(r"\quad")[0].strip()
        df_tex = e.latex_df.split("=")[-1].split(r"\quad")[0].strip()
        rows.append(f"| {e.rule} | ${f_tex}$ | ${df_tex}$ |")
    st.markdown("\n".join(rows))
