"""The network a student writes from the course: params dict, forward with a cache
list, backward returning a grads dict, update looping over params. No tricks on
purpose: every engine figure is also reported as a ratio to this code.

Notation: X is (n_x, m) with examples as columns, W[l] is (n[l], n[l-1]), b[l] is (n[l], 1).
"""
import numpy as np


# ---------------------------------------------------------------- activations
def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def tanh(Z):
    return np.tanh(Z)


def linear(Z):
    return Z


def softmax(Z):
    # subtracting the column max keeps exp from overflowing
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


ACTIVATIONS = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh, "linear": linear, "softmax": softmax}


def activation_derivative(name, Z, A):
    """g'(Z), written from the cached Z and A the way the course does it."""
    if name == "relu":
        return (Z > 0).astype(Z.dtype)
    if name == "sigmoid":
        return A * (1 - A)
    if name == "tanh":
        return 1 - A ** 2
    if name == "linear":
        return np.ones_like(Z)
    raise ValueError("no elementwise derivative for " + name)


# ---------------------------------------------------------------- parameters
def initialize_parameters(layer_dims, seed=0, init="he", dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        scale = np.sqrt(2.0 / layer_dims[l - 1]) if init == "he" else np.sqrt(1.0 / layer_dims[l - 1])
        params["W" + str(l)] = (rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * scale).astype(dtype)
        params["b" + str(l)] = np.zeros((layer_dims[l], 1), dtype=dtype)
    return params


def copy_parameters(params, dtype=None):
    return {k: np.array(v, dtype=dtype or v.dtype) for k, v in params.items()}


# ---------------------------------------------------------------- forward / cost
def forward(X, params, hidden="relu", output="sigmoid"):
    caches = []
    A = X
    L = len(params) // 2
    for l in range(1, L + 1):
        A_prev = A
        Z = params["W" + str(l)] @ A_prev + params["b" + str(l)]
        A = ACTIVATIONS[hidden if l < L else output](Z)
        caches.append((A_prev, Z, A))
    return A, caches


def compute_cost(AL, Y, loss="bce"):
    """Mean over the m examples. mse is mean((a-y)^2) summed over output units;
    half_mse is Playground's 0.5*(a-y)^2."""
    m = Y.shape[1]
    if loss == "bce":
        return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
    if loss == "softmax_ce":
        return float(-np.sum(Y * np.log(AL)) / m)
    if loss == "mse":
        return float(np.sum((AL - Y) ** 2) / m)
    if loss == "half_mse":
        return float(0.5 * np.sum((AL - Y) ** 2) / m)
    if loss == "mae":
        return float(np.sum(np.abs(AL - Y)) / m)
    raise ValueError(loss)


# ---------------------------------------------------------------- backward / update
def output_dZ(AL, Y, ZL, output, loss):
    """dLoss/dZ of the last layer for one example per column (the 1/m comes later)."""
    if (output, loss) in (("sigmoid", "bce"), ("softmax", "softmax_ce")):
        return AL - Y  # the textbook simplification
    if loss == "bce":
        dAL = -(Y / AL - (1 - Y) / (1 - AL))
    elif loss == "mse":
        dAL = 2 * (AL - Y)
    elif loss == "half_mse":
        dAL = AL - Y
    elif loss == "mae":
        dAL = np.sign(AL - Y)
    else:
        raise ValueError((output, loss))
    return dAL * activation_derivative(output, ZL, AL)


def backward(AL, Y, caches, params, hidden="relu", output="sigmoid", loss="bce"):
    grads = {}
    m = Y.shape[1]
    L = len(caches)
    dA = None
    for l in reversed(range(1, L + 1)):
        A_prev, Z, A = caches[l - 1]
        if l == L:
            dZ = output_dZ(AL, Y, Z, output, loss)
        else:
            dZ = dA * activation_derivative(hidden, Z, A)
        grads["dW" + str(l)] = (dZ @ A_prev.T) / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        if l > 1:
            dA = params["W" + str(l)].T @ dZ
    return grads


def update_parameters(params, grads, learning_rate):
    for key in params:
        params[key] = params[key] - learning_rate * grads["d" + key]
    return params


# ---------------------------------------------------------------- training loops
def gradient_step(X, Y, params, learning_rate, hidden="relu", output="sigmoid", loss="bce"):
    AL, caches = forward(X, params, hidden, output)
    grads = backward(AL, Y, caches, params, hidden, output, loss)
    return update_parameters(params, grads, learning_rate)


def train_full_batch(X, Y, params, learning_rate, num_steps, hidden="relu", output="sigmoid", loss="bce"):
    for _ in range(num_steps):
        params = gradient_step(X, Y, params, learning_rate, hidden, output, loss)
    return params


def train_minibatch_epoch(X, Y, params, learning_rate, batch_size, hidden="tanh", output="tanh",
                          loss="half_mse"):
    """One pass over the data in order (Playground does not reshuffle between epochs)."""
    m = X.shape[1]
    for start in range(0, m, batch_size):
        Xb = X[:, start:start + batch_size]
        Yb = Y[:, start:start + batch_size]
        params = gradient_step(Xb, Yb, params, learning_rate, hidden, output, loss)
    return params


def grid_points(resolution=100, bounds=(-6.0, 6.0, -6.0, 6.0)):
    """Columns are the (x1, x2) centres of a resolution x resolution heatmap."""
    x_min, x_max, y_min, y_max = bounds
    xs = np.linspace(x_min, x_max, resolution)
    ys = np.linspace(y_min, y_max, resolution)
    XX, YY = np.meshgrid(xs, ys)
    return np.vstack([XX.ravel(), YY.ravel()])


def decision_grid(params, grid, hidden="tanh", output="tanh"):
    A, _ = forward(grid, params, hidden, output)
    return A.reshape(int(np.sqrt(grid.shape[1])), -1)
