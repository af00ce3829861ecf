"""A link between whole vectors, read entry by entry: `\\frac{\\partial \\|x\\|^2}{\\partial x} = 2x` at entry k.

Documents compare vectors in index notation (readers/index_latex.py): a claim about every entry, for
every size. A side that is a whole vector (a gradient `\\frac{\\partial f}{\\partial x}`, `\\sigma(x)`,
`\\mathbf{2x}`, a vector written out with ⋮) is brought to that form here: the link is read at one
fresh free index k, and the entry k of each side is written with the operations index notation
already has (`x[k]`, `grad(f, x)[k]`, `softmax(x)[k]`, elementwise functions of entries). This is
a rewriting of the typed tree, not a computation: nothing is simplified or evaluated.

Only what has one meaning entry by entry is read: sums and differences of vectors, a vector times or
over a scalar, elementwise functions, a transposed vector (the same entries). Two vectors side by side
(an inner, outer or elementwise product?), powers of a vector, matrices and matrix products are
refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..sized import NON_ANALYTIC, Node
from .expression import ExpressionError

_ELEMENTWISE_ENTRY = ("grad", "softmax")  # the engines read the entry of these directly


class Entries:
    """How to write entries: `template(name, index)` is the entry at `index` (a tuple of index nodes) of a
    vector or matrix written out; `fresh(size)` a new summation index over 0..size-1 (a matrix product's
    inner index)."""

    def __init__(self, template: Callable[[str, tuple], Node], fresh: Callable[[object], Node], names):
        self.template = template
        self.fresh = fresh
        self.names = names


def entry_of(node: Node, index: tuple[Node, ...], entries: Entries) -> Node:
    """The entry `index` (one index for a vector, two for a matrix) of `node`."""
    if node.is_scalar:
        return node
    if len(index) != len(node.shape):
        raise ExpressionError("a vector and a matrix are compared entry by entry")  # pragma: no cover
    op, args = node.op, node.args
    if op in ("vector", "matrix") and node.value in entries.names:
        return entries.template(node.value, index)
    if op in ("vector", "matrix"):
        return Node("entry", (node, *index), ())
    if op == "T":
        return entry_of(args[0], index[::-1], entries)
    if op == "neg":
        return Node("neg", (entry_of(args[0], index, entries),), ())
    if op in ("add", "sub"):
        if args[0].is_scalar or args[1].is_scalar:
            raise ExpressionError("a vector or matrix plus a number is not read (to every entry, or times the "
                                  "identity?)")
        return Node(op, tuple(entry_of(a, index, entries) for a in args), ())
    if op in ("mul", "div"):
        if not args[0].is_scalar and not args[1].is_scalar:
            raise ExpressionError("two vectors side by side (an inner, an outer or an elementwise product?) "
                                  "are not read entry by entry")
        return Node(op, tuple(entry_of(a, index, entries) for a in args), ())
    if op == "fn":
        return Node("fn", (entry_of(args[0], index, entries),), (), node.value)
    if op == "grad" and any(n.op in ("norm1", "fn") and (n.op == "norm1" or n.value in NON_ANALYTIC)
                            for n in args[0].walk()):
        raise ExpressionError("the gradient of a function with kinks (|x_i|, \\|x\\|_1, sign, ReLU) by the whole "
                              "vector is not read: it has no derivative where an entry is 0")
    if op in _ELEMENTWISE_ENTRY:
        return Node("entry", (node, *index), ())
    if op == "diag" and len(node.shape) == 2:  # diag(v)[i, j] = δ_ij v_i
        return Node("mul", (Node("delta", index, ()), entry_of(args[0], index[:1], entries)), ())
    if op == "outer":  # outer(a, b)[i, j] = a_i b_j
        return Node("mul", (entry_of(args[0], index[:1], entries), entry_of(args[1], index[1:], entries)), ())
    if op == "jacobian":  # jacobian(F, x)[i, j] = ∂F_i/∂x_j, as index notation writes it
        component = entry_of(args[0], index[:1], entries)
        return Node("entry", (Node("grad", (component, args[1]), args[1].shape), index[1]), ())
    if op == "matmul":  # (A @ B)[i, j] = Σ_m A[i, m] B[m, j]
        left, right = args
        inner = entries.fresh(left.shape[-1])
        left_index = (*index[: len(left.shape) - 1], inner)
        right_index = (inner, *index[len(left.shape) - 1:])
        body = Node("mul", (entry_of(left, left_index, entries), entry_of(right, right_index, entries)), ())
        return Node("isum", (body,), (), (inner.value, sp.S.Zero, left.shape[-1] - 1))
    if op == "pow":
        raise ExpressionError("a power of a vector or a matrix is not read entry by entry")
    raise ExpressionError(f"a vector or matrix built by '{op}' is not compared entry by entry in documents yet")


def push_entries(node: Node, entries: Entries) -> Node:
    """The tree with every entry of a built vector or matrix (`(\\frac{\\partial S(x)}{\\partial x})_{ij}`,
    read as jacobian(…)[i, j]) written entry by entry, as the engines read entries."""
    args = tuple(push_entries(a, entries) for a in node.args)
    if node.op == "entry" and args[0].op not in ("vector", "matrix", *_ELEMENTWISE_ENTRY):
        return entry_of(args[0], args[1:], entries)
    if node.op == "matmul" and node.is_scalar and mentions(node, entries.names):  # a row times a column
        inner = entries.fresh(args[0].shape[0])
        body = Node("mul", (entry_of(args[0], (inner,), entries), entry_of(args[1], (inner,), entries)), ())
        return Node("isum", (body,), (), (inner.value, sp.S.Zero, args[0].shape[0] - 1))
    return Node(node.op, args, node.shape, node.value) if args != node.args else node


def renamed(node: Node, old, new) -> Node:
    """The tree with the index symbol `old` replaced by `new` (a link about the diagonal, i = j)."""
    if node.op == "index" and node.value == old:
        return Node("index", (), (), new)
    args = tuple(renamed(a, old, new) for a in node.args)
    return Node(node.op, args, node.shape, node.value) if args != node.args else node


def mentions(node: Node, names) -> bool:
    """Whether a placeholder of `names` is still in the tree (inside a scalar part such as a norm)."""
    return any(n.op == "vector" and n.value in names for n in node.walk())
