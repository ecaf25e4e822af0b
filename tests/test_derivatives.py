"""The table of derivative rules (descentlab.lessons.derivatives) and its page: every entry's f' is the
central difference of its f, and the page renders every rule and every function under AppTest."""
import base64
import json

import numpy as np
import pytest

from descentlab.lessons import derivatives as dv
from descentlab.viz.derivatives import derivative_figure
from tests.pages import open_page

H = 1e-5


def _values(a) -> np.ndarray:
    """A chart's array from its JSON: plotly writes float32 arrays as base64 ("bdata")."""
    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), np.dtype(a["dtype"])).astype(float)
    return np.asarray(a, dtype=float)


@pytest.mark.parametrize("key", list(dv.ENTRIES))
def test_every_derivative_agrees_with_the_central_difference(key):
    e = dv.ENTRIES[key]
    x = dv.check_points(e, H, 401)  # inside the domain: no singularity within h of a point
    numerical = dv.central_difference(e.f, x, H)
    analytic = e.df(x)
    assert np.all(np.isfinite(analytic))
    np.testing.assert_allclose(numerical, analytic, rtol=1e-6, atol=1e-6)


def test_every_rule_has_a_function_and_every_function_a_rule():
    assert {e.rule for e in dv.ENTRIES.values()} == set(dv.RULES)
    for name in dv.RULES:
        assert dv.entries_for(name)
    for e in dv.ENTRIES.values():
        assert e.latex_f.startswith("f(x)") and e.latex_df.startswith("f'(x)")
        assert e.domain[0] < e.domain[1]
    wanted = {"Power", "Product", "Quotient", "Chain", "Exponential", "Logarithm", "Sine and cosine",
              "tanh", "Sigmoid"}
    assert len({r.short for r in dv.RULES.values()}) == len(dv.RULES)
    assert wanted <= set(dv.RULES)


def test_a_wrong_derivative_is_caught():
    x = dv.check_points(dv.ENTRIES["sin"], H, 101)
    assert not np.allclose(dv.central_difference(np.sin, x, H), -np.cos(x), rtol=1e-6, atol=1e-6)


def test_the_gap_shrinks_like_h_squared():
    big, small = dv.curves("sin_x2", 1e-2).max_abs_diff, dv.curves("sin_x2", 1e-3).max_abs_diff
    assert 50 < big / small < 200


def test_curves_refuse_a_bad_step():
    for h in (0.0, -1e-3, 0.5):
        with pytest.raises(ValueError):
            dv.curves("sin", h)


def test_figure_draws_f_the_rule_and_the_dots():
    c = dv.curves("x2_sin", 1e-3)
    fig = derivative_figure(c)
    f, df, dots = fig.data
    np.testing.assert_allclose(np.asarray(f.y, float), c.f, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(dots.y, float), c.numerical, rtol=1e-5, atol=1e-5)
    assert f.xaxis == "x" and df.xaxis == "x2" and dots.mode == "markers"


def test_page_renders_every_rule_and_function():
    at = open_page("app_pages/derivatives.py")
    for rule in dv.RULES:
        at.segmented_control(key="deriv_rule").set_value(rule).run()
        assert not at.exception, [e.value for e in at.exception]
        for e in dv.entries_for(rule):
            at.radio(key="deriv_fn_" + rule).set_value(e.key).run()
            assert not at.exception, [x.value for x in at.exception]
            latex = " ".join(x.value for x in at.latex)
            assert dv.RULES[rule].latex in latex and e.latex_f in latex and e.latex_df in latex
            (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
            np.testing.assert_allclose(_values(chart["data"][2]["y"]), dv.curves(e.key, 1e-3).numerical, rtol=1e-5,
                                       atol=1e-6)
    at.select_slider(key="deriv_h").set_value(0.1).run()
    assert not at.exception
    assert "h = 0.1" in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["annotations"][1]["text"]


def test_page_renders_in_presentation_mode():
    at = open_page("app_pages/derivatives.py", state={"dl_presentation": True})
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert chart["layout"]["height"] >= 200
