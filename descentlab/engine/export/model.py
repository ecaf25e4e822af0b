"""The script's model section: layer sizes, the activations it uses, initialization with the
engine's random draws, and forward / backward propagation written out layer by layer, as in the
lecture (Z1 = W1 @ X + b1, A1 = np.tanh(Z1), ..., dZ2 = A2 - Y, dW2 = (1 / m) * dZ2 @ A1.T)."""
from __future__ import annotations

import re

from descentlab.engine.losses import TASK_LOSSES

# g(Z) as code; "{Z}" is the pre-activation's name. Helpers that need a def are in HELPERS.
FORWARD = {
    "tanh": "np.tanh({Z})", "relu": "np.maximum({Z}, 0.0)", "sigmoid": "sigmoid({Z})",
    "linear": "{Z}", "leaky_relu": "leaky_relu({Z})", "softmax": "softmax({Z})",
    "elu": "elu({Z})", "softplus": "softplus({Z})", "swish": "swish({Z})", "gelu": "gelu({Z})",
}
# dZ = dA * g'(Z) as code, from A where the lecture does (tanh: 1 - A**2).
BACKWARD = {
    "tanh": ("{dA} * (1 - {A} ** 2)", "tanh'(z) = 1 - tanh(z)^2"),
    "relu": ("{dA} * ({Z} > 0)", "relu'(z) = 1 where z > 0, else 0"),
    "sigmoid": ("{dA} * ({A} * (1 - {A}))", "sigmoid'(z) = a (1 - a)"),
    "linear": ("{dA}", "g'(z) = 1"),
    "leaky_relu": ("{dA} * leaky_relu_derivative({Z})", "1 where z > 0, else the slope"),
    "softmax": ("{A} * ({dA} - np.sum({dA} * {A}, axis=0, keepdims=True))", "softmax's Jacobian, per column"),
    "elu": ("{dA} * elu_derivative({Z})", "1 where z > 0, else e^z"),
    "softplus": ("{dA} * sigmoid({Z})", "softplus'(z) = sigmoid(z)"),
    "swish": ("{dA} * swish_derivative({Z})", "sigmoid(z) (1 + z (1 - sigmoid(z)))"),
    "gelu": ("{dA} * gelu_derivative({Z})", "the tanh approximation's derivative"),
}
# tanh and sigmoid read g'(Z) from A; under dropout A is scaled, so their derivative is taken from Z.
BACKWARD_FROM_Z = {"tanh": "{dA} * (1 - np.tanh({Z}) ** 2)", "sigmoid": "{dA} * (sigmoid({Z}) * (1 - sigmoid({Z})))"}

_SIGMOID = '''\
def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))
'''
HELPERS = {
    "leaky_relu": '''\
def leaky_relu(Z):
    return np.where(Z > 0, Z, leaky_slope * Z)


def leaky_relu_derivative(Z):
    return np.where(Z > 0, 1.0, leaky_slope)
''',
    "softmax": '''\
def softmax(Z):
    # columns are examples: normalize over the classes (axis 0), shifted by the max for stability
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
''',
    "elu": '''\
def elu(Z):
    return np.where(Z > 0, Z, np.expm1(np.minimum(Z, 0)))


def elu_derivative(Z):
    return np.where(Z > 0, 1.0, np.exp(np.minimum(Z, 0)))
''',
    "softplus": '''\
def softplus(Z):
    return np.log1p(np.exp(-np.abs(Z))) + np.maximum(Z, 0)
''',
    "swish": '''\
def swish(Z):
    return Z * sigmoid(Z)


def swish_derivative(Z):
    s = sigmoid(Z)
    return s * (1.0 + Z * (1.0 - s))
''',
    "gelu": '''\
GELU_C = float(np.sqrt(2.0 / np.pi))


def gelu(Z):
    return 0.5 * Z * (1.0 + np.tanh(GELU_C * (Z + 0.044715 * Z**3)))


def gelu_derivative(Z):
    t = np.tanh(GELU_C * (Z + 0.044715 * Z**3))
    return 0.5 * (1.0 + t) + 0.5 * Z * (1.0 - t * t) * (GELU_C * (1.0 + 3 * 0.044715 * Z**2))
''',
}

COSTS = {
    "bce": ("binary cross-entropy", "A = np.clip(AL, 1e-15, 1 - 1e-15)  # log(0) never happens\n"
            "    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)"),
    "softmax_ce": ("cross-entropy over the classes",
                   "return float(-np.sum(Y * np.log(np.maximum(AL, 1e-15))) / m)"),
    "mse": ("squared error", "return float(np.sum((AL - Y) ** 2) / m)"),
    "mae": ("absolute error", "return float(np.sum(np.abs(AL - Y)) / m)"),
}
# dJ/dA[L] times m (the 1/m is applied to dW and db), for losses not fused with their output
LOSS_GRADIENT = {"mse": "2 * ({A} - Y)", "mae": "np.sign({A} - Y)"}
FUSED = {("bce", "sigmoid"), ("softmax_ce", "softmax")}


def network_shape(config, n_x: int, n_y: int, task: str):
    """(layer sizes, hidden activations, output activation, loss) as the engine's build() makes them."""
    loss = config.loss or TASK_LOSSES[task][0]
    out = config.output_activation or {"bce": "sigmoid", "softmax_ce": "softmax"}.get(loss, "linear")
    hidden = config.activation if isinstance(config.activation, tuple) else (config.activation,) * len(config.hidden)
    return [n_x, *config.hidden, n_y], list(hidden), out, loss


def _calls_sigmoid(name: str) -> bool:
    """Whether an activation's code (g, g' or its helpers) calls the sigmoid helper."""
    code = FORWARD.get(name, "") + BACKWARD.get(name, ("",))[0] + HELPERS.get(name, "")
    return "sigmoid(" in code


def activation_section(config, hidden, out):
    used = set(hidden) | {out}
    parts = []
    if any(_calls_sigmoid(name) for name in used):
        parts.append(_SIGMOID)
    if "leaky_relu" in used:
        parts.append(f"leaky_slope = {config.leaky_slope!r}\n\n\n" + HELPERS["leaky_relu"])
    # every other helper the network's activations need, in HELPERS' order (a new activation only
    # adds its entries to FORWARD, BACKWARD and HELPERS)
    parts += [code for name, code in HELPERS.items() if name in used and name != "leaky_relu"]
    if not parts:
        return None
    return ("## Activation functions\n\nThe functions g this network uses (tanh is numpy's own).", "\n\n".join(parts))


def _init_expression(init: str, scale) -> tuple[str, str]:
    """(W's expression from rng, n, n_prev; the rule in words), the engine's draw for `init`."""
    gain = "" if scale is None else f"{float(scale)!r} * "
    rules = {  # variance-scaling presets: std = gain * sqrt(factor / fan)
        "he": ("normal", "np.sqrt(2.0 / n_prev)", "He: Var(w) = 2 / n[l-1]"),
        "he_normal": ("normal", "np.sqrt(2.0 / n_prev)", "He: Var(w) = 2 / n[l-1]"),
        "he_uniform": ("uniform", "np.sqrt(2.0 / n_prev)", "He uniform: Var(w) = 2 / n[l-1]"),
        "xavier": ("normal", "np.sqrt(1.0 / ((n_prev + n) / 2))", "Xavier: Var(w) = 2 / (n[l-1] + n[l])"),
        "glorot_normal": ("normal", "np.sqrt(1.0 / ((n_prev + n) / 2))", "Xavier: Var(w) = 2 / (n[l-1] + n[l])"),
        "glorot_uniform": ("uniform", "np.sqrt(1.0 / ((n_prev + n) / 2))",
                           "Xavier uniform: Var(w) = 2 / (n[l-1] + n[l])"),
        "lecun_normal": ("normal", "np.sqrt(1.0 / n_prev)", "LeCun: Var(w) = 1 / n[l-1]"),
    }
    if init == "zeros":
        return "np.zeros((n, n_prev))", "all zeros (every unit of a layer stays the same: the symmetry problem)"
    if init == "random":
        s = 0.01 if scale is None else float(scale)
        return f"rng.standard_normal((n, n_prev)) * {s!r}", f"standard normal times {s!r}"
    if init == "uniform":
        s = 0.05 if scale is None else float(scale)
        return f"rng.uniform(-{s!r}, {s!r}, (n, n_prev))", f"uniform on [-{s!r}, {s!r}]"
    kind, std, words = rules[init]
    std = f"({gain}{std})" if gain else std
    if kind == "normal":
        return f"rng.standard_normal((n, n_prev)) * {std}", words
    return f"rng.uniform(-np.sqrt(3.0) * {std}, np.sqrt(3.0) * {std}, (n, n_prev))", words


def init_section(config, sizes, embedded_params, needs_seed: bool):
    head = f"layer_dims = {sizes!r}  # n[0] = n_x, n[1], ..., n[L]\n\n"
    if embedded_params is not None:
        if needs_seed:
            head += f"seed = {config.seed!r}  # seeds the training's random draws (not these weights)\n\n"
        from descentlab.engine.export.data import packed
        lines = "\n".join(f"    {k!r}: {packed(v, '        ')}," for k, v in embedded_params.items())
        return ("## Initial parameters\n\nThis run started from weights that its seed does not give (e.g. "
                "a loaded run), so they are embedded.",
                head + "# The run's own starting weights: its seed alone would not give them.\n"
                f"params = {{\n{lines}\n}}\n")
    expr, words = _init_expression(config.init, config.init_scale)
    code = head + f'''seed = {config.seed!r}


def initialize_parameters(layer_dims, seed):
    """W[l] is (n[l], n[l-1]): {words}; b[l] = 0, (n[l], 1)."""
    rng = np.random.default_rng(seed)
    params = {{}}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        params["W" + str(l)] = {expr}
        params["b" + str(l)] = np.zeros((n, 1))
    return params


params = initialize_parameters(layer_dims, seed)
'''
    return ("## Initialize the parameters\n\nThe same weights as the run: the same seed and the same "
            "random draws, layer by layer.", code)


def forward_section(sizes, hidden, out, dropout: bool):
    L = len(sizes) - 1
    unpack = ", ".join(f"W{l}, b{l}" for l in range(1, L + 1))
    keys = ", ".join(f'params["W{l}"], params["b{l}"]' for l in range(1, L + 1))
    args = "X, params, keep_prob=1.0, rng=None" if dropout else "X, params"
    lines = [f"def forward_propagation({args}):",
             '    """A[L] and the cache of every Z[l], A[l] for backprop; A[0] = X."""',
             f"    {unpack} = {keys}"]
    cache = ['"A0": X']
    for l in range(1, L + 1):
        prev = "X" if l == 1 else f"A{l - 1}"
        g = hidden[l - 1] if l < L else out
        lines += [f"    Z{l} = W{l} @ {prev} + b{l}", f"    A{l} = {FORWARD[g].format(Z=f'Z{l}')}"]
        cache += [f'"Z{l}": Z{l}', f'"A{l}": A{l}']
        if dropout and l < L:
            lines += [f"    D{l} = 1.0",
                      "    if rng is not None:  # training: drop units, scale the kept ones by 1 / keep_prob",
                      f"        D{l} = (rng.random(A{l}.shape) < keep_prob) / keep_prob",
                      f"        A{l} = A{l} * D{l}"]
            cache.append(f'"D{l}": D{l}')
    lines.append(f"    return A{L}, {{{', '.join(cache)}}}")
    md = "## Forward propagation\n\nZ[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]), with A[0] = X."
    if dropout:
        md += (" With inverted dropout, each hidden layer's units are kept with probability `keep_prob` "
               "and the kept ones divided by it.")
    return md, "\n".join(lines) + "\n"


def cost_section(loss):
    words, body = COSTS[loss]
    code = (f'def compute_cost(AL, Y):\n    """J = (1/m) * sum of the {words} over the m examples '
            f'(without the regularization penalty)."""\n    m = Y.shape[1]\n    {body}\n')
    return f"## The cost\n\nJ: the {words}, averaged over the examples.", code


def backward_section(config, sizes, hidden, out, loss):
    L = len(sizes) - 1
    dropout = config.dropout > 0
    lines = []
    if (loss, out) in FUSED:
        lines.append(f"    dZ{L} = A{L} - Y  # {out} output with its cross-entropy: dJ/dZ[L] = A[L] - Y, times m")
    else:
        lines.append(f"    dA{L} = {LOSS_GRADIENT[loss].format(A=f'A{L}')}  # dJ/dA[L], times m")
        code, why = BACKWARD[out]
        lines.append(f"    dZ{L} = {code.format(dA=f'dA{L}', A=f'A{L}', Z=f'Z{L}')}  # {why}")
    # the penalty's gradient, added to dW (never db) in the engine's order: L2, then L1
    penalty = (" + l2_lambda * W{l}" if config.l2 else "") + (" + l1_lambda * np.sign(W{l})" if config.l1 else "")
    for l in range(L, 0, -1):
        prev = "X" if l == 1 else f"A{l - 1}"
        lines += [f"    dW{l} = (1 / m) * dZ{l} @ {prev}.T" + penalty.format(l=l),
                  f"    db{l} = (1 / m) * np.sum(dZ{l}, axis=1, keepdims=True)"]
        if l > 1:
            k = l - 1
            lines.append(f"    dA{k} = W{l}.T @ dZ{l}")
            if dropout:
                lines.append(f"    dA{k} = dA{k} * D{k}  # the units dropped in the forward pass get no gradient")
            g = hidden[k - 1]
            code, why = BACKWARD[g]
            if dropout and g in BACKWARD_FROM_Z:  # A{k} is scaled by the mask: take g' from Z
                code = BACKWARD_FROM_Z[g]
            lines.append(f"    dZ{k} = {code.format(dA=f'dA{k}', A=f'A{k}', Z=f'Z{k}')}  # {why}")
    lines.append(f"    return {{{', '.join(_pairs(L))}}}")
    # unpack only what the steps read (a fused output never reads Z[L], ReLU never reads A[l])
    used = set(re.findall(r"\b[ZAWD]\d+\b", "\n".join(lines)))
    head = ['def backward_propagation(X, Y, params, cache):',
            '    """dW[l], db[l] of the cost (plus the penalty\'s gradient); the 1/m is applied to dW and db."""',
            "    m = X.shape[1]"]
    for letter, source in (("Z", "cache"), ("A", "cache"), ("W", "params"), ("D", "cache")):
        names = [f"{letter}{l}" for l in range(1, L + 1) if f"{letter}{l}" in used]
        if names:
            head.append(_unpack(", ".join(names), source))
    lines = head + lines
    md = ("## Backward propagation\n\ndZ[l] = dA[l] * g[l]'(Z[l]), dW[l] = (1/m) dZ[l] A[l-1]ᵀ, "
          "db[l] = (1/m) Σ dZ[l] over the examples, dA[l-1] = W[l]ᵀ dZ[l].")
    if config.l2:
        md += " L2 regularization adds λ W[l] to dW[l] (λ = l2_lambda, for the example-averaged cost)."
    if config.l1:
        md += " L1 regularization adds λ sign(W[l]) to dW[l] (λ = l1_lambda)."
    return md, "\n".join(lines) + "\n"


def _pairs(L):
    return [f'"{p}{l}": {p}{l}' for l in range(1, L + 1) for p in ("dW", "db")]


def _unpack(names: str, source: str) -> str:
    """'    A1, A2 = cache["A1"], cache["A2"]' for names 'A1, A2'."""
    return f"    {names} = " + ", ".join(f'{source}["{n}"]' for n in names.split(", "))
