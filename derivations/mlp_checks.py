"""Model checks of the Qd gradients: the NumPy backward pass against SymPy and against finite differences.

Two seeded checks per gradient, each returning a NumericOutcome for `Identity.model_checks`:

* `symbolic_vs_numpy(P)`: at the first size of mlp_network.SIZES, every class y, 25 random points each,
  SymPy's derivative of the scalar loss (lambdified) against the hand-written NumPy backward;
* `finite_difference(P)`: at d = 784, d_h = 64, m = 10 (float64), the NumPy backward against
  central differences on 40 random coordinates of P (all of them when P has fewer).
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np

from ..checks.evaluate import compile_numpy
from ..checks.model import compare_arrays
from ..checks.symbolic import prepare
from . import mlp_network as net_sym
from . import numpy_mlp as npm

REALISTIC = (784, 64, 10)
FD_COORDINATES = 40
POINTS = 25


def _values(net: net_sym.Network, params, cache) -> dict:
    """Symbol → value for one NumPy forward pass: parameters, input and every layer."""
    arrays = (cache["x"], params["W1"], params["b1"], params["W2"], params["b2"], cache["ha"], cache["hs"],
              cache["oa"])
    flat = np.concatenate([np.asarray(array, dtype=float).reshape(-1) for array in arrays]).tolist()
    symbols = _symbols_in_order(net.d, net.dh, net.m)
    if len(flat) != len(symbols):
        raise ValueError(f"the NumPy pass has {len(flat)} values for the network's {len(symbols)} symbols")
    return dict(zip(symbols, flat))


@cache
def _symbols_in_order(d: int, dh: int, m: int) -> tuple:
    """The network's symbols in the order _values lists the arrays (each matrix row by row, as NumPy
    flattens): read from the SymPy matrices once per size, not at every point."""
    net = net_sym.network(d, dh, m)
    return tuple(symbol for matrix in (net.x, net.W1, net.b1, net.W2, net.b2, net.ha_sym, net.hs_sym, net.oa_sym)
                 for symbol in matrix)


@cache
def _compiled_gradient(name: str, d: int, dh: int, m: int, y: int):
    net = net_sym.network(d, dh, m)
    lhs, _ = net_sym.gradient_claim(name, net, y)
    evaluated = lhs.applyfunc(prepare)  # memoised: the claim's proof differentiates the same entries
    symbols = sorted(evaluated.free_symbols, key=str)
    return symbols, compile_numpy(symbols, evaluated)  # cse costs more than it saves at these sizes


def symbolic_vs_numpy(name: str):
    def check(seed: int):
        rng = np.random.default_rng(seed)
        got, reference = [], []
        for d, dh, m in net_sym.SIZES[:1]:
            net = net_sym.network(d, dh, m)
            for y in range(m):
                symbols, gradient = _compiled_gradient(name, d, dh, m, y)
                for _ in range(POINTS):
                    params = npm.init(d, dh, m, int(rng.integers(2**31)), scale=2.0)
                    cache = npm.forward(params, rng.standard_normal(d) * 2.0, y)
                    values = _values(net, params, cache)
                    reference.append(np.asarray(gradient(*[values[s] for s in symbols]), dtype=float).reshape(-1))
                    got.append(npm.backward(params, cache, y)[name].reshape(-1))
        return compare_arrays(f"NumPy backward vs SymPy ∂L/∂{name} ({len(got)} random points at (d, d_h, m) = "
                              f"{net_sym.SIZES[0]}, every y)",
                              np.concatenate(got), np.concatenate(reference), rtol=1e-9)
    return check


def _fd_loss(name: str, params, cache, y: int, array: np.ndarray):
    """The loss as a function of `array` (a parameter, the input, or a layer's value held in `array`)."""
    if name in npm.PARAMETERS or name == "x":
        return lambda: npm.loss_of(params, cache["x"] if name != "x" else array, y)
    if name == "ha":
        return lambda: _loss_from_oa(params["W2"] @ np.sin(array) + params["b2"], y)
    if name == "hs":
        return lambda: _loss_from_oa(params["W2"] @ array + params["b2"], y)
    return lambda: _loss_from_oa(array, y)


def _loss_from_oa(oa, y):
    top = np.max(oa)
    return float(top + np.log(np.sum(np.exp(oa - top))) - oa[y])


@lru_cache(maxsize=4)
def _realistic(seed: int):
    d, dh, m = REALISTIC
    params = npm.init(d, dh, m, seed)
    rng = np.random.default_rng(seed + 1)
    x, y = rng.standard_normal(d), int(rng.integers(m))
    cache = npm.forward(params, x, y)
    return params, cache, y, npm.backward(params, cache, y)


def finite_difference(name: str):
    def check(seed: int):
        params, cache, y, grads = _realistic(seed)
        params = {p: a.copy() for p, a in params.items()}
        array = params[name] if name in npm.PARAMETERS else np.array(cache[name], dtype=float)
        f = _fd_loss(name, params, cache, y, array)
        rng = np.random.default_rng(seed + 2)
        chosen = rng.choice(array.size, size=min(FD_COORDINATES, array.size), replace=False)
        fd = np.array([npm.central_difference(f, array, int(c)) for c in chosen])
        analytic = grads[name].reshape(-1)[chosen]
        d, dh, m = REALISTIC
        return compare_arrays(f"NumPy backward vs central differences for ∂L/∂{name} at d = {d}, d_h = {dh}, "
                              f"m = {m} ({len(chosen)} of {array.size} coordinates, h = 1e-6)",
                              analytic, fd, rtol=1e-6, finite_difference=True)
    return check
