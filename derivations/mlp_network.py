"""The Qd network written with explicit SymPy symbols at a fixed size, and its claimed gradients.

`network(d, d_h, m)` builds W⁽¹⁾, b⁽¹⁾, W⁽²⁾, b⁽²⁾, x as matrices of real symbols and the layers on
top of them. To differentiate with respect to an intermediate layer (oᵃ, hˢ, hᵃ) that layer is itself
a matrix of symbols and the loss is written from there up: `loss(net, y, start)`. The closed forms
of Qd (g)–(p) are built from the same pieces, so a claim `∂L/∂P = closed form` is checked by
differentiating the scalar loss and comparing entry by entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

# (d, d_h, m): the sizes at which every gradient is proved, for every class y.
SIZES = ((2, 3, 2), (3, 2, 4))
# What each gradient differentiates with respect to, and the layer the loss starts from.
STARTS = {"oa": "oa", "W2": "x", "b2": "x", "hs": "hs", "ha": "ha", "W1": "x", "b1": "x", "x": "x"}


def _symbols(name: str, rows: int, cols: int = 1) -> sp.Matrix:
    if cols == 1:
        return sp.Matrix(rows, 1, lambda r, _: sp.Symbol(f"{name}_{r}", real=True))
    return sp.Matrix(rows, cols, lambda r, c: sp.Symbol(f"{name}_{r}_{c}", real=True))


@dataclass(frozen=True)
class Network:
    d: int
    dh: int
    m: int
    x: sp.Matrix
    W1: sp.Matrix
    b1: sp.Matrix
    W2: sp.Matrix
    b2: sp.Matrix
    # the intermediate layers as free symbols, for gradients taken with respect to them
    ha_sym: sp.Matrix
    hs_sym: sp.Matrix
    oa_sym: sp.Matrix

    def layers(self, start: str) -> dict[str, sp.Matrix]:
        """hᵃ, hˢ, oᵃ, oˢ computed from layer `start` up ("x": the whole network)."""
        return _layers(self.d, self.dh, self.m, start)

    def build_layers(self, start: str) -> dict[str, sp.Matrix]:
        ha = self.W1 * self.x + self.b1 if start == "x" else self.ha_sym
        hs = ha.applyfunc(sp.sin) if start in ("x", "ha") else self.hs_sym
        oa = self.W2 * hs + self.b2 if start != "oa" else self.oa_sym
        total = sum(sp.exp(v) for v in oa)
        return {"ha": ha, "hs": hs, "oa": oa, "os": oa.applyfunc(lambda v: sp.exp(v) / total)}

    def target(self, name: str) -> sp.Matrix:
        return {"oa": self.oa_sym, "hs": self.hs_sym, "ha": self.ha_sym, "W1": self.W1, "b1": self.b1,
                "W2": self.W2, "b2": self.b2, "x": self.x}[name]


@cache
def network(d: int, dh: int, m: int) -> Network:
    return Network(d, dh, m, _symbols("x", d), _symbols("W1", dh, d), _symbols("b1", dh), _symbols("W2", m, dh),
                   _symbols("b2", m), _symbols("ha", dh), _symbols("hs", dh), _symbols("oa", m))


@cache
def _layers(d: int, dh: int, m: int, start: str) -> dict[str, sp.Matrix]:
    return network(d, dh, m).build_layers(start)


def onehot(m: int, y: int) -> sp.Matrix:
    return sp.Matrix(m, 1, lambda k, _: 1 if k == y else 0)


def loss(net: Network, y: int, start: str = "x"):
    """L = −oᵃ_y + log Σ_k e^{oᵃ_k}: the homework's (d) −log softmax(oᵃ)_y with the log expanded
    (loss_eq_neg_log_softmax proves the two forms equal)."""
    oa = net.layers(start)["oa"]
    return -oa[y] + sp.log(sum(sp.exp(v) for v in oa))


def closed_forms(net: Network, y: int, start: str, wrong: str = "") -> dict[str, sp.Matrix]:
    """The homework's gradients (g)–(p), built from the layers; `wrong` swaps in a known-false variant
    (for tests: "neg_g" onehot − oˢ, "no_cos" drops the cos factor, "no_transpose" W⁽²⁾ for W⁽²⁾ᵀ)."""
    return {name: closed_form(net, y, start, name, wrong) for name in STARTS}


def closed_form(net: Network, y: int, start: str, name: str, wrong: str = "") -> sp.Matrix:
    """One of closed_forms, building only the gradients it is made of (a claim needs one)."""
    return _closed_form(net.d, net.dh, net.m, y, start, name, wrong)


@cache
def _closed_form(d: int, dh: int, m: int, y: int, start: str, name: str, wrong: str) -> sp.Matrix:
    net = network(d, dh, m)
    layers = net.layers(start)
    if name in ("oa", "b2"):
        g_oa = layers["os"] - onehot(net.m, y)
        return -g_oa if wrong == "neg_g" else g_oa
    if name == "W2":
        return _closed_form(d, dh, m, y, start, "oa", wrong) * layers["hs"].T
    if name == "hs":
        return (net.W2 if wrong == "no_transpose" else net.W2.T) * _closed_form(d, dh, m, y, start, "oa", wrong)
    g_hs = _closed_form(d, dh, m, y, start, "hs", wrong)
    g_ha = g_hs if wrong == "no_cos" else g_hs.multiply_elementwise(layers["ha"].applyfunc(sp.cos))
    return {"ha": g_ha, "b1": g_ha, "W1": g_ha * net.x.T, "x": net.W1.T * g_ha}[name]


def gradient_claim(name: str, net: Network, y: int, wrong: str = "") -> tuple[sp.Matrix, sp.Matrix]:
    """(∂L/∂P entry by entry as unevaluated derivatives, the closed form), both shaped like P."""
    return _gradient_claim(name, net.d, net.dh, net.m, y, wrong)


@cache
def _gradient_claim(name: str, d: int, dh: int, m: int, y: int, wrong: str) -> tuple[sp.Matrix, sp.Matrix]:
    net = network(d, dh, m)
    start = STARTS[name]
    scalar = loss(net, y, start)
    lhs = net.target(name).applyfunc(lambda p: sp.Derivative(scalar, p))
    return lhs, closed_form(net, y, start, name, wrong)


def stacked_claim(name: str, sizes=SIZES, wrong: str = "") -> tuple[sp.Matrix, sp.Matrix, tuple]:
    """Every (size, y) instance of one gradient claim as one column: (lhs, rhs, cases)."""
    lhs_parts, rhs_parts, cases = [], [], []
    for d, dh, m in sizes:
        net = network(d, dh, m)
        for y in range(m):
            lhs, rhs = gradient_claim(name, net, y, wrong)
            lhs_parts.append(lhs.reshape(lhs.rows * lhs.cols, 1))
            rhs_parts.append(rhs.reshape(rhs.rows * rhs.cols, 1))
            cases.append((d, dh, m, y))
    return sp.Matrix.vstack(*lhs_parts), sp.Matrix.vstack(*rhs_parts), tuple(cases)
