"""What a trainer shows, apart from training it: θ as it was at a snapshot (rewinding), what the
network computes over the input plane (the decision boundary, every unit's picture, one unit big)
and each layer's current values (the histograms). Kept apart from the training loop
(descentlab.engine.trainer), which it only reads.

``TrainerViews`` is Trainer's base: it uses the trainer's ``network``, ``dataset``, ``snapshots``,
its grid cache (``_grid_cache``, ``_net32``) and its training workspace (``_forward_train``,
``_ws_train``, ``_w_idx``).
"""
from __future__ import annotations

import numpy as np


class TrainerViews:
    def params_at(self, iteration: int) -> dict:
        """Parameters {"W1", "b1", ...} as they were at the latest snapshot at or before ``iteration``."""
        _, theta = self.snapshots.at(iteration)
        net = self.network
        return {k: theta[net.flat_indices(k)].reshape(v.shape) for k, v in net.params.items()}

    def network_at(self, iteration: int):
        """A copy of the network with the parameters it had at ``iteration`` (for rewinding)."""
        net = self.network.copy()
        net.theta[...] = self.snapshots.at(iteration)[1]
        return net

    def decision_grid(self, resolution: int = 100, bounds=None, iteration: int | None = None) -> dict:
        """The network's output over a resolution × resolution grid of the input plane, in one pass.

        Returns {"x1": (r,), "x2": (r,), "output": (r, r) for one output or (k, r, r)}, rows along x2
        (as a heatmap draws them). ``iteration`` evaluates a snapshot instead of the current weights.
        Computed in float32: it is for display."""
        x1, x2, ws = self._grid_pass(resolution, bounds, iteration)
        out = ws.A[-1].reshape(ws.A[-1].shape[0], len(x2), len(x1))
        return {"x1": x1, "x2": x2, "output": (out[0] if out.shape[0] == 1 else out).copy()}

    def unit_grids(self, resolution: int = 30, bounds=None, iteration: int | None = None) -> dict:
        """What every unit computes over the input plane (TensorFlow Playground's neuron pictures):
        {"x1", "x2", "layers": [A[1] as (n1, r, r), ..., A[L] as (n_L, r, r)]} in float32."""
        x1, x2, ws = self._grid_pass(resolution, bounds, iteration)
        r = (len(x2), len(x1))
        return {"x1": x1, "x2": x2, "layers": [ws.av[l].reshape(-1, *r).copy() for l in range(1, len(ws.av))]}

    def unit_grid(self, l: int, j: int, resolution: int = 100, bounds=None, iteration: int | None = None) -> dict:
        """One unit's output a[l]_j over the input plane, at the boundary's resolution (the Playground
        shows it in place of the network's output): l in 1..L, j the unit's row of A[l] (from 0).

        Returns {"x1", "x2", "output": (r, r) float32, "unit": (l, j), "activation": g's name,
        "output_layer": l == L}. The same pass (and cached grid) as ``decision_grid`` at the same
        resolution: showing a unit costs a frame no more than showing the output."""
        net = self.network
        l, j = int(l), int(j)
        if not (1 <= l <= net.L and 0 <= j < net.layer_sizes[l]):
            raise ValueError(f"no unit ({l}, {j}) in a network of layer sizes {list(net.layer_sizes)}")
        x1, x2, ws = self._grid_pass(resolution, bounds, iteration)
        return {"x1": x1, "x2": x2, "output": ws.av[l][j].reshape(len(x2), len(x1)).copy(), "unit": (l, j),
                "activation": net.activations[l].name, "output_layer": l == net.L}

    def _grid_pass(self, resolution, bounds, iteration):
        ds = self.dataset
        if ds.points_train is None:
            raise ValueError(f"dataset {ds.name!r} is not 2-D point data; it has no decision grid")
        resolution = int(resolution)
        if not 2 <= resolution <= 1000:
            raise ValueError(f"resolution must be in [2, 1000]; got {resolution}")
        bounds = tuple(map(tuple, bounds or ds.bounds))
        key = (resolution, bounds)
        if key not in self._grid_cache:
            x1 = np.linspace(*bounds[0], resolution)
            x2 = np.linspace(*bounds[1], resolution)
            g1, g2 = np.meshgrid(x1, x2)  # row i is x2[i], column j is x1[j]
            ws = self._grid_network().workspace(resolution * resolution)
            ws.set_input(ds.featurize(np.vstack([g1.ravel(), g2.ravel()])))
            # keep the two grids the UI asks for each frame (the boundary and the unit pictures)
            self._grid_cache = {**dict(list(self._grid_cache.items())[-1:]), key: (x1, x2, ws)}
        x1, x2, ws = self._grid_cache[key]
        net32 = self._grid_network()
        theta = self.network.theta if iteration is None else self.snapshots.at(iteration)[1]
        with np.errstate(all="ignore"):  # a diverged run's huge weights overflow float32: inf is fine here
            np.copyto(net32.theta, theta, casting="same_kind")
            net32.forward_workspace(ws)
        return x1, x2, ws

    def _grid_network(self):
        # The grid is for display: float32 halves memory traffic and numpy's float32 tanh/exp are
        # several times faster than float64 (10,000 points × every unit, every frame).
        if self._net32 is None:
            net = self.network
            self._net32 = type(net)(net.layer_sizes, net.activations[1:-1], net.activations[-1], "zeros",
                                    None, 0, np.float32, loss=net.loss)
        return self._net32

    def layer_statistics(self) -> list[dict]:
        """Current values per layer l = 1..L on the training set, for histograms:
        Z, A, W, b and the last update's dW, db (copies)."""
        net = self.network
        with np.errstate(all="ignore"):
            self._forward_train()
        ws = self._ws_train
        return [{"layer": l, "activation": net.activations[l].name, "Z": ws.Z[l].copy(), "A": ws.a(l).copy(),
                 "W": net.params[f"W{l}"].copy(), "b": net.params[f"b{l}"].copy(),
                 "dW": net.grad[self._w_idx[l]].reshape(net.params[f"W{l}"].shape),
                 "db": net.grad[net.flat_indices(f"b{l}")].reshape(net.params[f"b{l}"].shape)}
                for l in range(1, net.L + 1)]
