"""Tables and formulas beside the charts: every array's shape, the forward and backward equations in
the course's notation (with this network's activations), and the run's hyperparameters.
"""
from __future__ import annotations

import pandas as pd

from descentlab.engine.optimizers import OPTIMIZER_OPTIONS

# How each activation is written inside an equation (the Activation's own latex is a definition).
_G = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "leaky_relu": r"\mathrm{LeakyReLU}",
      "softplus": r"\mathrm{softplus}", "elu": r"\mathrm{ELU}", "swish": r"\mathrm{swish}",
      "gelu": r"\mathrm{GELU}", "softmax": r"\mathrm{softmax}"}


def _shape(*dims) -> str:
    return "(" + ", ".join(str(d) for d in dims) + ")"


def shapes_table(network, m: int) -> pd.DataFrame:
    """One row per array for a batch of m examples: X, then per layer W, b, Z, A, and backprop's dA,
    dZ, dW, db (the backward block of layer l takes dA[l] and gives dA[l-1], dW[l], db[l]).
    Columns: layer, array, shape (as "(n, m)" text), parameters (learned values in W / b rows, a
    "total" row at the end; empty elsewhere)."""
    n = network.layer_sizes
    rows = [(0, "X = A[0]", _shape(n[0], m), None)]
    for l in range(1, network.L + 1):
        rows += [(l, f"W[{l}]", _shape(n[l], n[l - 1]), n[l] * n[l - 1]),
                 (l, f"b[{l}]", _shape(n[l], 1), n[l]),
                 (l, f"Z[{l}]", _shape(n[l], m), None),
                 (l, f"A[{l}]", _shape(n[l], m), None),
                 (l, f"dA[{l}]", _shape(n[l], m), None),
                 (l, f"dZ[{l}]", _shape(n[l], m), None),
                 (l, f"dW[{l}]", _shape(n[l], n[l - 1]), None),
                 (l, f"db[{l}]", _shape(n[l], 1), None)]
    rows.append((None, "total", "", sum(n[l] * (n[l - 1] + 1) for l in range(1, network.L + 1))))
    df = pd.DataFrame(rows, columns=["layer", "array", "shape", "parameters"])
    df["layer"] = df["layer"].astype("Int64")
    df["parameters"] = df["parameters"].astype("Int64")
    return df


def shapes_table_text(table: pd.DataFrame) -> pd.DataFrame:
    """``shapes_table`` as a person reads it: empty cells where there is nothing (a table shows pandas'
    missing values as "None"), parameter counts with thousands separators."""
    return pd.DataFrame({
        "layer": ["" if pd.isna(v) else str(v) for v in table["layer"]],
        "array": table["array"], "shape": table["shape"],
        "parameters": ["" if pd.isna(v) else f"{int(v):,}" for v in table["parameters"]],
    })


def _g(name: str, arg: str) -> str:
    if name == "linear":
        return arg
    symbol = _G.get(name, r"\mathrm{" + name + "}")
    return f"{symbol}({arg})"


def forward_equations(network) -> list[str]:
    """LaTeX lines: A[0] = X, then Z[l] = W[l] A[l-1] + b[l] and A[l] = g[l](Z[l]) with the actual g,
    then the prediction and the cost."""
    L, acts = network.L, network.activations
    lines = [r"A^{[0]} = X"]
    for l in range(1, L + 1):
        lines.append(rf"Z^{{[{l}]}} = W^{{[{l}]}} A^{{[{l - 1}]}} + b^{{[{l}]}}")
        z = rf"Z^{{[{l}]}}"
        lines.append(rf"A^{{[{l}]}} = g^{{[{l}]}}({z}) = " + _g(acts[l].name, z))
    lines.append(rf"\hat{{Y}} = A^{{[{L}]}}")
    lines.append(r"J = \frac{1}{m} \sum_{i=1}^{m} \mathcal{L}(\hat{y}^{(i)}, y^{(i)}),\quad " + network.loss.latex)
    return lines


def _output_delta(network) -> list[str]:
    L, out, loss = network.L, network.activations[network.L], network.loss
    if loss.fused_output == out.name:
        return [rf"dZ^{{[{L}]}} = A^{{[{L}]}} - Y"]
    if out.name == "linear" and loss.name == "mse":
        return [rf"dZ^{{[{L}]}} = 2\,(A^{{[{L}]}} - Y)"]
    if out.name == "linear" and loss.name == "mae":
        return [rf"dZ^{{[{L}]}} = \operatorname{{sign}}(A^{{[{L}]}} - Y)"]
    return [rf"dA^{{[{L}]}} = \frac{{\partial \mathcal{{L}}}}{{\partial A^{{[{L}]}}}}",
            rf"dZ^{{[{L}]}} = dA^{{[{L}]}} * g'^{{[{L}]}}(Z^{{[{L}]}})"]


def backward_equations(network) -> list[str]:
    """LaTeX lines of backprop from layer L down to 1, in the course's notation (the 1/m sits in dW
    and db; * is the element-wise product), naming each layer's g' concretely."""
    L, acts = network.L, network.activations
    lines = _output_delta(network)
    for l in range(L, 0, -1):
        lines.append(rf"dW^{{[{l}]}} = \frac{{1}}{{m}} dZ^{{[{l}]}} A^{{[{l - 1}]T}}")
        lines.append(rf"db^{{[{l}]}} = \frac{{1}}{{m}} \sum_{{i=1}}^{{m}} dZ^{{[{l}](i)}}")
        if l > 1:
            k = l - 1
            lines.append(rf"dZ^{{[{k}]}} = W^{{[{l}]T}} dZ^{{[{l}]}} * g'^{{[{k}]}}(Z^{{[{k}]}}),\quad "
                         + acts[k].latex_derivative)
    return lines


_OPTION_NAMES = {"momentum": "Momentum β", "beta1": "Adam β₁", "beta2": "Adam β₂", "rho": "RMSProp ρ",
                 "epsilon": "Stability ε"}


def _text(v) -> str:
    if isinstance(v, tuple):
        return ", ".join(map(str, v)) if v else "none"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"  # 20,000 examples, 1,000 decay steps
    return str(v)


def hyperparameters_table(config, iterations: int | None = None) -> pd.DataFrame:
    """The knobs of a RunConfig that are hyperparameters (not the data set, seeds or bookkeeping),
    with readable names; options that the chosen optimizer / schedule ignore are left out. The
    course counts the number of iterations among them: ``iterations`` (the run's, so far) is listed
    beside α, with the stopping rule's target cost when one is set. Columns: hyperparameter, value (text)."""
    c = config
    acts = c.activation if isinstance(c.activation, tuple) else (c.activation,)
    rows = [("Hidden layer sizes", _text(c.hidden)),
            ("Hidden activation", _text(c.activation))]
    if "leaky_relu" in acts and c.hidden:
        rows.append(("Leaky ReLU slope", _text(c.leaky_slope)))
    rows += [("Output activation", c.output_activation or "default for the loss"),
             ("Loss", c.loss or "default for the task"),
             ("Weight initialization", c.init),
             ("Initialization scale", "default" if c.init_scale is None else _text(c.init_scale)),
             ("Optimizer", c.optimizer),
             ("Learning rate α", _text(c.learning_rate))]
    rows += [(_OPTION_NAMES.get(k, k), _text(getattr(c, k))) for k in OPTIMIZER_OPTIONS.get(c.optimizer, ())]
    rows.append(("Learning-rate schedule", c.schedule))
    if c.schedule != "constant":
        rows += [("Decay rate", _text(c.decay_rate)), ("Decay steps", _text(c.decay_steps))]
    if iterations is not None:
        rows.append(("Iterations run", _text(int(iterations))))
    if c.target_cost is not None:
        rows.append(("Stop when J <", _text(c.target_cost)))
    rows += [("Mini-batch size", "full batch" if c.batch_size is None else _text(c.batch_size)),
             ("L1 penalty λ₁", _text(c.l1)), ("L2 penalty λ₂", _text(c.l2)),
             ("Dropout rate", _text(c.dropout)),
             ("Input features", _text(c.features)), ("Input normalization", c.normalization)]
    return pd.DataFrame(rows, columns=["hyperparameter", "value"])
