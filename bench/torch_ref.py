"""The same networks in idiomatic PyTorch (CPU): nn.Sequential of Linear layers,
torch.optim.SGD, BCEWithLogitsLoss / CrossEntropyLoss. Torch wants examples as rows,
so data is transposed once up front (outside any timed loop).

Everything degrades to `available() is False` when torch is not importable.
"""
import numpy as np

try:
    import torch
    from torch import nn
except ImportError:  # the suite still runs; torch rows are skipped with a note
    torch = None

DTYPES = {np.float64: "float64", np.float32: "float32"}


def available():
    return torch is not None


def describe():
    if torch is None:
        return "torch not importable"
    return f"torch {torch.__version__}, {torch.get_num_threads()} threads (default)"


def with_threads(run, n_threads):
    """Wrap a runner so it executes with n_threads intra-op threads, then restores the
    default. Tiny networks gain nothing from 2 threads, and on a loaded 2-core machine
    the OpenMP hand-off can make them 10-50x slower, so both settings are reported."""
    def wrapped(n):
        default = torch.get_num_threads()
        torch.set_num_threads(n_threads)
        try:
            return run(n)
        finally:
            torch.set_num_threads(default)
    return wrapped


def _tdtype(dtype):
    return getattr(torch, DTYPES[np.dtype(dtype).type])


def build_model(params, hidden="relu", dtype=np.float64):
    """nn.Sequential with the given course-notation params (W (n_l, n_{l-1}) is exactly
    nn.Linear's weight layout). The output activation is folded into the loss."""
    L = len(params) // 2
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[hidden]
    layers = []
    for l in range(1, L + 1):
        W = params["W" + str(l)]
        lin = nn.Linear(W.shape[1], W.shape[0], dtype=_tdtype(dtype))
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W, dtype=dtype)))
            lin.bias.copy_(torch.from_numpy(np.ascontiguousarray(params["b" + str(l)].ravel(), dtype=dtype)))
        layers.append(lin)
        if l < L:
            layers.append(act())
    return nn.Sequential(*layers)


def prepare_data(X, Y, loss, dtype=np.float64):
    """(n_x, m) columns -> (m, n_x) rows; targets in the form each torch loss expects."""
    Xt = torch.from_numpy(np.ascontiguousarray(X.T, dtype=dtype))
    if loss == "bce":
        Yt = torch.from_numpy(np.ascontiguousarray(Y.T, dtype=dtype))
    elif loss == "softmax_ce":
        Yt = torch.from_numpy(np.argmax(Y, axis=0).astype(np.int64))  # class indices
    else:
        raise ValueError(loss)
    return Xt, Yt


def loss_fn(loss):
    return {"bce": nn.BCEWithLogitsLoss, "softmax_ce": nn.CrossEntropyLoss}[loss]()


def make_trainer(params, X, Y, hidden="relu", loss="bce", learning_rate=0.01, dtype=np.float64):
    """Returns (step, model): step() is one full-batch SGD update, the usual four lines."""
    model = build_model(params, hidden, dtype)
    Xt, Yt = prepare_data(X, Y, loss, dtype)
    criterion = loss_fn(loss)
    opt = torch.optim.SGD(model.parameters(), lr=learning_rate)

    def step():
        opt.zero_grad()
        cost = criterion(model(Xt), Yt)
        cost.backward()
        opt.step()

    return step, model


def cost_and_gradients(params, X, Y, hidden="relu", loss="bce", dtype=np.float64):
    """Cost and course-notation grads {"dW1", "db1", ...} for the agreement test."""
    model = build_model(params, hidden, dtype)
    Xt, Yt = prepare_data(X, Y, loss, dtype)
    cost = loss_fn(loss)(model(Xt), Yt)
    cost.backward()
    grads = {}
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for l, lin in enumerate(linears, start=1):
        grads["dW" + str(l)] = lin.weight.grad.numpy().copy()
        grads["db" + str(l)] = lin.bias.grad.numpy().reshape(-1, 1).copy()
    return float(cost.item()), grads


def matmul_runner(n, dtype):
    """run(k) -> seconds for k (n x n) @ (n x n) products, for the machine-peak figure."""
    import time
    gen = torch.Generator().manual_seed(0)
    A = torch.randn(n, n, generator=gen, dtype=_tdtype(dtype))
    B = torch.randn(n, n, generator=gen, dtype=_tdtype(dtype))
    C = torch.empty(n, n, dtype=_tdtype(dtype))

    def run(k):
        t0 = time.perf_counter()
        for _ in range(k):
            torch.matmul(A, B, out=C)
        return time.perf_counter() - t0
    return run
