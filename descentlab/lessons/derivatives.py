"""The table of derivative rules, for the "Derivatives" page: each rule with a few functions it
differentiates, every entry holding f, f', both in LaTeX, and the range of x where it is drawn.

The page checks every formula the way the course does by hand: nudge x a little both ways and see
how much f moves,
    (f(x + h) − f(x − h)) / (2h)  ≈  f'(x)     (error about h²·f'''(x)/6 where f is smooth),
computed from f alone. ``central_difference`` is that estimate; ``curves`` gives the page f, f' and
the estimate at a few points, ready to draw.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from descentlab.engine.activations import ACTIVATIONS

_SIGMOID = ACTIVATIONS["sigmoid"]  # the engine's own σ and σ', as the networks use them


@dataclass(frozen=True)
class Rule:
    """One row of the table: its name and its general statement."""
    name: str
    short: str        # on the rule picker's button
    latex: str        # the rule itself, e.g. d/dx xⁿ = n xⁿ⁻¹
    explanation: str  # one sentence in words


@dataclass(frozen=True)
class Entry:
    """One function differentiated by one rule."""
    key: str
    rule: str                                   # a key of RULES
    label: str                                  # how the picker names it (plain text)
    f: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    df: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    latex_f: str                                # f(x) = ...
    latex_df: str                               # f'(x) = ..., the rule's steps written out
    domain: tuple[float, float]                 # where it is drawn (and checked): no singularity inside


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("Power", "Power", r"\frac{d}{dx}\,x^n = n\,x^{n-1}",
         "Bring the exponent down in front and lower it by one; it works for any real n."),
    Rule("Product", "Product", r"\frac{d}{dx}\,u(x)\,v(x) = u'(x)\,v(x) + u(x)\,v'(x)",
         "Differentiate one factor at a time, holding the other still, and add the two."),
    Rule("Quotient", "Quotient", r"\frac{d}{dx}\,\frac{u(x)}{v(x)} = \frac{u'(x)\,v(x) - u(x)\,v'(x)}{v(x)^2}",
         "The product rule for u · (1/v), tidied up: it needs v(x) ≠ 0."),
    Rule("Chain", "Chain", r"\frac{d}{dx}\,u\big(v(x)\big) = u'\big(v(x)\big)\cdot v'(x)",
         "The outer function's slope at the inner value, times the inner function's slope: backprop is "
         "this rule applied layer after layer."),
    Rule("Exponential", "eˣ", r"\frac{d}{dx}\,e^x = e^x",
         "e^x is its own slope: the higher it is, the faster it grows."),
    Rule("Logarithm", "ln x", r"\frac{d}{dx}\,\ln x = \frac{1}{x}, \quad x > 0",
         "The slope of ln x falls like 1/x: the cross-entropy loss owes its steep edges to this."),
    Rule("Sine and cosine", "sin, cos", r"\frac{d}{dx}\,\sin x = \cos x, \qquad \frac{d}{dx}\,\cos x = -\sin x",
         "Each one's slope is the other one, shifted by a quarter turn."),
    Rule("tanh", "tanh", r"\frac{d}{dx}\,\tanh x = 1 - \tanh^2 x",
         "The slope comes from the output alone, which is how backprop computes it (1 − a²)."),
    Rule("Sigmoid", "σ", r"\frac{d}{dx}\,\sigma(x) = \sigma(x)\,\big(1 - \sigma(x)\big), \quad "
                    r"\sigma(x) = \frac{1}{1 + e^{-x}}",
         "At most ¼ (at x = 0), and near 0 for large |x|: why deep sigmoid networks learn slowly."),
)}


def _sin_over(x):
    return np.sin(x) / (1.0 + x ** 2)


ENTRIES: dict[str, Entry] = {e.key: e for e in (
    # ---- power
    Entry("square", "Power", "x²", lambda x: x ** 2, lambda x: 2 * x,
          r"f(x) = x^2", r"f'(x) = 2x", (-3.0, 3.0)),
    Entry("cube", "Power", "x³", lambda x: x ** 3, lambda x: 3 * x ** 2,
          r"f(x) = x^3", r"f'(x) = 3x^2", (-2.0, 2.0)),
    Entry("sqrt", "Power", "√x", np.sqrt, lambda x: 0.5 / np.sqrt(x),
          r"f(x) = \sqrt{x} = x^{1/2}", r"f'(x) = \tfrac{1}{2}\,x^{-1/2} = \frac{1}{2\sqrt{x}}", (0.1, 4.0)),
    Entry("reciprocal", "Power", "1/x", lambda x: 1.0 / x, lambda x: -1.0 / x ** 2,
          r"f(x) = \frac{1}{x} = x^{-1}", r"f'(x) = -x^{-2} = -\frac{1}{x^2}", (0.25, 4.0)),
    # ---- product
    Entry("x2_sin", "Product", "x² · sin x", lambda x: x ** 2 * np.sin(x),
          lambda x: 2 * x * np.sin(x) + x ** 2 * np.cos(x),
          r"f(x) = x^2 \sin x", r"f'(x) = 2x \sin x + x^2 \cos x", (-4.0, 4.0)),
    Entry("x_exp", "Product", "x · eˣ", lambda x: x * np.exp(x), lambda x: (1 + x) * np.exp(x),
          r"f(x) = x\,e^x", r"f'(x) = 1 \cdot e^x + x\,e^x = (1 + x)\,e^x", (-4.0, 1.5)),
    # ---- quotient
    Entry("x_over", "Quotient", "x / (1 + x²)", lambda x: x / (1 + x ** 2),
          lambda x: (1 - x ** 2) / (1 + x ** 2) ** 2,
          r"f(x) = \frac{x}{1 + x^2}",
          r"f'(x) = \frac{1 \cdot (1 + x^2) - x \cdot 2x}{(1 + x^2)^2} = \frac{1 - x^2}{(1 + x^2)^2}",
          (-4.0, 4.0)),
    Entry("sin_over", "Quotient", "sin x / (1 + x²)", _sin_over,
          lambda x: (np.cos(x) * (1 + x ** 2) - np.sin(x) * 2 * x) / (1 + x ** 2) ** 2,
          r"f(x) = \frac{\sin x}{1 + x^2}",
          r"f'(x) = \frac{\cos x\,(1 + x^2) - 2x \sin x}{(1 + x^2)^2}", (-5.0, 5.0)),
    # ---- chain
    Entry("sin_x2", "Chain", "sin(x²)", lambda x: np.sin(x ** 2), lambda x: 2 * x * np.cos(x ** 2),
          r"f(x) = \sin(x^2)", r"f'(x) = \cos(x^2) \cdot 2x", (-2.5, 2.5)),
    Entry("gauss", "Chain", "e^(−x²/2)", lambda x: np.exp(-x ** 2 / 2), lambda x: -x * np.exp(-x ** 2 / 2),
          r"f(x) = e^{-x^2/2}", r"f'(x) = e^{-x^2/2} \cdot (-x)", (-4.0, 4.0)),
    Entry("log_1p_x2", "Chain", "ln(1 + x²)", lambda x: np.log(1 + x ** 2), lambda x: 2 * x / (1 + x ** 2),
          r"f(x) = \ln(1 + x^2)", r"f'(x) = \frac{1}{1 + x^2} \cdot 2x", (-4.0, 4.0)),
    # ---- exp, log, sin, cos, tanh, sigmoid
    Entry("exp", "Exponential", "eˣ", np.exp, np.exp, r"f(x) = e^x", r"f'(x) = e^x", (-3.0, 2.0)),
    Entry("exp_3x", "Exponential", "e^(3x)", lambda x: np.exp(3 * x), lambda x: 3 * np.exp(3 * x),
          r"f(x) = e^{3x}", r"f'(x) = 3\,e^{3x} \quad \text{(with the chain rule)}", (-1.5, 1.0)),
    Entry("log", "Logarithm", "ln x", np.log, lambda x: 1.0 / x, r"f(x) = \ln x", r"f'(x) = \frac{1}{x}",
          (0.1, 5.0)),
    Entry("log_1m", "Logarithm", "−ln(1 − x)", lambda x: -np.log(1 - x), lambda x: 1.0 / (1 - x),
          r"f(x) = -\ln(1 - x) \quad \text{(the loss for } y = 0\text{, with } \hat y = x)",
          r"f'(x) = -\frac{1}{1 - x} \cdot (-1) = \frac{1}{1 - x}", (0.0, 0.95)),
    Entry("sin", "Sine and cosine", "sin x", np.sin, np.cos, r"f(x) = \sin x", r"f'(x) = \cos x",
          (-2 * np.pi, 2 * np.pi)),
    Entry("cos", "Sine and cosine", "cos x", np.cos, lambda x: -np.sin(x), r"f(x) = \cos x",
          r"f'(x) = -\sin x", (-2 * np.pi, 2 * np.pi)),
    Entry("tanh", "tanh", "tanh x", np.tanh, lambda x: 1 - np.tanh(x) ** 2, r"f(x) = \tanh x",
          r"f'(x) = 1 - \tanh^2 x", (-4.0, 4.0)),
    Entry("sigmoid", "Sigmoid", "σ(x)", _SIGMOID.forward, _SIGMOID.derivative,
          r"f(x) = \sigma(x) = \frac{1}{1 + e^{-x}}", r"f'(x) = \sigma(x)\,\big(1 - \sigma(x)\big)",
          (-6.0, 6.0)),
)}

H_CHOICES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)
CHECK_POINTS = 21  # dots of the central difference over the curve


def entries_for(rule: str) -> tuple[Entry, ...]:
    """The functions of one rule, in the table's order; KeyError for a rule not in RULES."""
    if rule not in RULES:
        raise KeyError(rule)
    return tuple(e for e in ENTRIES.values() if e.rule == rule)


def central_difference(f: Callable[[np.ndarray], np.ndarray], x, h: float) -> np.ndarray:
    """(f(x + h) − f(x − h)) / (2h): the slope of the chord across x, from f alone."""
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2.0 * h)


@dataclass(frozen=True)
class Curves:
    """What the page draws for one entry: f and f' on a fine grid, and the estimate at a few points."""
    entry: Entry
    x: np.ndarray
    f: np.ndarray
    df: np.ndarray
    x_check: np.ndarray
    numerical: np.ndarray  # central difference at x_check
    analytic: np.ndarray   # f' at x_check
    h: float

    @property
    def max_abs_diff(self) -> float:
        return float(np.max(np.abs(self.numerical - self.analytic)))


def check_points(entry: Entry, h: float, n: int = CHECK_POINTS) -> np.ndarray:
    """n points inside the entry's domain, kept h away from its ends, so x ± h stays where f is defined."""
    lo, hi = entry.domain
    margin = max(h, 1e-3 * (hi - lo))
    return np.linspace(lo + margin, hi - margin, n)


def curves(key: str, h: float = 1e-3, points: int = 400) -> Curves:
    """f, f' and the central difference for ``ENTRIES[key]`` with step ``h`` (0 < h ≤ 0.1)."""
    if not (0.0 < h <= 0.1):
        raise ValueError(f"h must be above 0 and at most 0.1, got {h!r}")
    e = ENTRIES[key]
    lo, hi = e.domain
    x = np.linspace(lo, hi, points)
    xc = check_points(e, h)
    return Curves(entry=e, x=x, f=e.f(x), df=e.df(x), x_check=xc,
                  numerical=central_difference(e.f, xc, h), analytic=e.df(xc), h=h)
