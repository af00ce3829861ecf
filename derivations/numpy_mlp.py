"""The Qd network in NumPy: a hand-written forward and backward pass, float64, no autodiff.

x ∈ ℝᵈ, hᵃ = W⁽¹⁾x + b⁽¹⁾, hˢ = sin(hᵃ), oᵃ = W⁽²⁾hˢ + b⁽²⁾, oˢ = softmax(oᵃ), L = −log oˢ_y.
The backward pass is the homework's closed forms, so comparing it with finite differences and with
SymPy's derivative of the scalar loss tests those forms.
"""

from __future__ import annotations

import numpy as np

PARAMETERS = ("W1", "b1", "W2", "b2")


def init(d: int, dh: int, m: int, seed: int, scale: float = 1.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((dh, d)) * scale / np.sqrt(d),
        "b1": rng.standard_normal(dh) * scale,
        "W2": rng.standard_normal((m, dh)) * scale / np.sqrt(dh),
        "b2": rng.standard_normal(m) * scale,
    }


def parameter_count(params: dict[str, np.ndarray]) -> int:
    return sum(params[p].size for p in PARAMETERS)


def forward(params, x, y) -> dict[str, np.ndarray | float]:
    ha = params["W1"] @ x + params["b1"]
    hs = np.sin(ha)
    oa = params["W2"] @ hs + params["b2"]
    shifted = oa - np.max(oa)
    log_z = np.log(np.sum(np.exp(shifted)))
    os_ = np.exp(shifted - log_z)
    return {"x": x, "ha": ha, "hs": hs, "oa": oa, "os": os_, "loss": float(log_z - shifted[y])}


def backward(params, cache, y) -> dict[str, np.ndarray]:
    """Every gradient of Qd (g)–(p), by the closed forms."""
    g_oa = cache["os"].copy()
    g_oa[y] -= 1.0                                   # (g) oˢ − onehot(y)
    g_hs = params["W2"].T @ g_oa                     # (k) W⁽²⁾ᵀ ∂L/∂oᵃ
    g_ha = g_hs * np.cos(cache["ha"])                # (m) ∂L/∂hˢ ⊙ cos(hᵃ)
    return {
        "oa": g_oa,
        "W2": np.outer(g_oa, cache["hs"]),           # (i) ∂L/∂oᵃ hˢᵀ
        "b2": g_oa,                                  # (i)
        "hs": g_hs,
        "ha": g_ha,
        "W1": np.outer(g_ha, cache["x"]),            # (o) ∂L/∂hᵃ xᵀ
        "b1": g_ha,                                  # (o)
        "x": params["W1"].T @ g_ha,                  # (p) W⁽¹⁾ᵀ ∂L/∂hᵃ
    }


def loss_of(params, x, y) -> float:
    return forward(params, x, y)["loss"]


def risk(params, xs, ys) -> float:
    """R̂ = (1/N) Σ L(x⁽ⁱ⁾, y⁽ⁱ⁾)."""
    return float(np.mean([loss_of(params, x, y) for x, y in zip(xs, ys)]))


def risk_gradient(params, xs, ys) -> dict[str, np.ndarray]:
    total = {p: np.zeros_like(params[p]) for p in PARAMETERS}
    for x, y in zip(xs, ys):
        grads = backward(params, forward(params, x, y), y)
        for p in PARAMETERS:
            total[p] += grads[p] / len(xs)
    return total


def central_difference(f, array: np.ndarray, flat_index: int, h: float = 1e-6) -> float:
    """(f(a + h e) − f(a − h e)) / 2h for one coordinate of `array` (restored afterwards)."""
    view = array.reshape(-1)
    saved = view[flat_index]
    view[flat_index] = saved + h
    up = f()
    view[flat_index] = saved - h
    down = f()
    view[flat_index] = saved
    return (up - down) / (2 * h)
