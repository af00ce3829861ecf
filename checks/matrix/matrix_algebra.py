"""Exact rewrites that move inverses and determinants onto declared matrices, for the all-sizes proof.

Entry forms exist for det X and X⁻¹ of a declared matrix X only (matrix_entries.py). These textbook
identities bring `inv(A @ B)`, `det(2 * A)`, `inv(inv(A).T)` into that reach. Each holds wherever its
left side is defined, which is all a proof of `lhs = rhs` needs:

    (PQ)⁻¹ = Q⁻¹P⁻¹          for square P, Q (PQ invertible ⇔ both are)
    (Pᵀ)⁻¹ = (P⁻¹)ᵀ,  (P⁻¹)⁻¹ = P,  (cP)⁻¹ = P⁻¹/c,  (−P)⁻¹ = −P⁻¹,  I⁻¹ = I,  diag(v)⁻¹ = diag(1/v)
    det(PQ) = det P det Q   for square P, Q;   det Pᵀ = det P,  det P⁻¹ = 1/det P,
    det(cP) = cⁿ det P,  det(P/c) = det P / cⁿ,  det(−P) = (−1)ⁿ det P  (P n×n),  det I = 1

Only the all-sizes proof reads the rewritten tree; the explicit proofs and the numeric check evaluate
the claim as written.
"""

from __future__ import annotations

import sympy as sp

from ...sized import Node
from .. import indexed


def rewritten(node: Node) -> Node:
    args = tuple(rewritten(a) for a in node.args)
    node = Node(node.op, args, node.shape, node.value)
    if node.op == "inv":
        return _inverse(args[0])
    if node.op == "det":
        return _determinant(args[0])
    return node


def _square(node: Node) -> bool:
    return len(node.shape) == 2 and indexed.sizes_equal(node.shape[0], node.shape[1])


def _size_node(size) -> Node:
    size = sp.sympify(size)
    return Node("num", (), (), size) if size.is_Integer else Node("size", (), (), size)


def _inverse(m: Node) -> Node:
    shape = m.shape
    if m.op == "matmul" and all(_square(a) for a in m.args):
        p, q = m.args
        return Node("matmul", (_inverse(q), _inverse(p)), shape)
    if m.op == "T":
        inner = _inverse(m.args[0])
        return Node("T", (inner,), shape)
    if m.op == "inv":
        return m.args[0]
    if m.op == "neg":
        return Node("neg", (_inverse(m.args[0]),), shape)
    if m.op == "mul" and any(a.is_scalar for a in m.args):
        scalar, matrix = (m.args if m.args[0].is_scalar else m.args[::-1])
        return Node("div", (_inverse(matrix), scalar), shape)
    if m.op == "div" and m.args[1].is_scalar:
        matrix, scalar = m.args
        return Node("mul", (scalar, _inverse(matrix)), shape)
    if m.op == "eye":
        return m
    if m.op == "diag" and len(m.args[0].shape) == 1:
        vector = m.args[0]
        reciprocal = Node("div", (Node("num", (), (), sp.S.One), vector), vector.shape)
        return Node("diag", (reciprocal,), shape)
    return Node("inv", (m,), shape)


def _determinant(m: Node) -> Node:
    if m.op == "matmul" and all(_square(a) for a in m.args):
        p, q = m.args
        return Node("mul", (_determinant(p), _determinant(q)), ())
    if m.op == "T":
        return _determinant(m.args[0])
    if m.op == "inv":
        return Node("div", (Node("num", (), (), sp.S.One), _determinant(m.args[0])), ())
    if m.op == "neg":
        sign = Node("pow", (Node("num", (), (), sp.S.NegativeOne), _size_node(m.shape[0])), ())
        return Node("mul", (sign, _determinant(m.args[0])), ())
    if m.op == "mul" and any(a.is_scalar for a in m.args):
        scalar, matrix = (m.args if m.args[0].is_scalar else m.args[::-1])
        scale = Node("pow", (scalar, _size_node(m.shape[0])), ())
        return Node("mul", (scale, _determinant(matrix)), ())
    if m.op == "div" and m.args[1].is_scalar:
        matrix, scalar = m.args
        scale = Node("pow", (scalar, _size_node(m.shape[0])), ())
        return Node("div", (_determinant(matrix), scale), ())
    if m.op == "eye":
        return Node("num", (), (), sp.S.One)
    return Node("det", (m,), ())
