"""Qd's parameter gradients in matrix form, for every size of the network.

mlp.py proves ∂L/∂W⁽²⁾, ∂L/∂b⁽²⁾, ∂L/∂W⁽¹⁾, ∂L/∂b⁽¹⁾ entry by entry at (d, d_h, m) = (2, 3, 2) and
(3, 2, 4). Here each is one claim about matrices of named sizes d, d_h, m (sized.py), proved by the
indexed entry forms of checks/matrix/matrices.py for all sizes at once and checked numerically at random
sizes against finite differences of a NumPy evaluation.

The network: hᵃ = W⁽¹⁾x + b⁽¹⁾, hˢ = sin hᵃ, oᵃ = W⁽²⁾hˢ + b⁽²⁾, L = −tᵀ log softmax(oᵃ) for a target
vector t. For a one-hot t (Σt = 1, the class y) L is the homework's −log oˢ_y and softmax(oᵃ)Σt − t is
oˢ − onehot(y); the claims hold for every t, so they cover that case.
"""

from __future__ import annotations

import sympy as sp

from ..identity import Identity
from ..sized import Array, Declarations, MatrixClaim, Node

d, dh, m = (sp.Symbol(name, integer=True, positive=True) for name in ("d", "d_h", "m"))
_ARRAYS = {"x": (d,), "b1": (dh,), "b2": (m,), "t": (m,), "W1": (dh, d), "W2": (m, dh)}
DECLARATIONS = Declarations(sizes={"d": d, "d_h": dh, "m": m}, scalars={},
                            arrays={name: Array(name, shape) for name, shape in _ARRAYS.items()})


def _var(name: str) -> Node:
    shape = _ARRAYS[name]
    return Node("matrix" if len(shape) == 2 else "vector", (), shape, name)


def _matmul(a: Node, b: Node) -> Node:
    return Node("matmul", (a, b), tuple(a.shape[:-1]) + tuple(b.shape[1:]))


def _elementwise(op: str, a: Node, b: Node) -> Node:
    return Node(op, (a, b), a.shape or b.shape)


def _fn(name: str, a: Node) -> Node:
    return Node("fn", (a,), a.shape, name)


_x, _b1, _b2, _t, _W1, _W2 = (_var(n) for n in ("x", "b1", "b2", "t", "W1", "W2"))
_ha = _elementwise("add", _matmul(_W1, _x), _b1)
_hs = _fn("sin", _ha)
_oa = _elementwise("add", _matmul(_W2, _hs), _b2)
_os = Node("softmax", (_oa,), _oa.shape)
LOSS = Node("neg", (_matmul(_t, _fn("log", _os)),), ())
_g_oa = _elementwise("sub", _elementwise("mul", _os, Node("sum", (_t,), ())), _t)  # oˢ Σt − t
_g_ha = _elementwise("mul", _matmul(Node("T", (_W2,), (dh, m)), _g_oa), _fn("cos", _ha))

_CLAIMS = (
    ("loss_grad_w2_matrix_all_sizes", "Qd, all sizes", "W2", Node("outer", (_g_oa, _hs), (m, dh)),
     r"\frac{\partial L}{\partial W^{(2)}} = (o^s - t)\,{h^s}^\top \text{ for all } d, d_h, m"),
    ("loss_grad_b2_matrix_all_sizes", "Qd, all sizes", "b2", _g_oa,
     r"\frac{\partial L}{\partial b^{(2)}} = o^s - t \text{ for all } d, d_h, m"),
    ("loss_grad_w1_matrix_all_sizes", "Qd, all sizes", "W1", Node("outer", (_g_ha, _x), (dh, d)),
     r"\frac{\partial L}{\partial W^{(1)}} = ({W^{(2)}}^\top (o^s - t) \odot \cos h^a)\,x^\top \text{ for all } d, d_h, m"),
    ("loss_grad_b1_matrix_all_sizes", "Qd, all sizes", "b1", _g_ha,
     r"\frac{\partial L}{\partial b^{(1)}} = {W^{(2)}}^\top (o^s - t) \odot \cos h^a \text{ for all } d, d_h, m"),
)


_NOTE = ("The gradient in matrix form for every size (d, d_h, m), with Σt standing for 1 of a one-hot target; "
         "mlp.py's entry-by-entry proofs cover (2, 3, 2) and (3, 2, 4).")


def _identity(name: str, source: str, variable: str, rhs: Node, statement: str) -> Identity:
    lhs = Node("grad", (LOSS, _var(variable)), _ARRAYS[variable])
    claim = MatrixClaim(lhs=lhs, rhs=rhs, declarations=DECLARATIONS)
    return Identity(
        name=name, source=source, statement=statement, lhs=lhs, rhs=rhs, matrix=claim,
        notes=(_NOTE,),
    )


IDENTITIES = tuple(_identity(*spec) for spec in _CLAIMS)
