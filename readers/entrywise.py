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

from collections.abc import Mapping

from ..sized import NON_ANALYTIC, Node
from .expression import ExpressionError

_ELEMENTWISE_ENTRY = ("grad", "softmax")  # the engines read the entry of these directly


def entry_of(node: Node, index: Node, templates: Mapping[str, Node]) -> Node:
    """The entry `index` of the vector `node`; `templates` maps a written-out vector's placeholder name
    to its entry at `index`, already read."""
    if node.is_scalar:
        return node
    if len(node.shape) != 1:
        raise ExpressionError("a matrix is not compared entry by entry in documents yet")
    op = node.op
    if op == "vector":
        if node.value in templates:
            return templates[node.value]
        return Node("entry", (node, index), ())
    if op == "T":
        return entry_of(node.args[0], index, templates)
    if op == "neg":
        return Node("neg", (entry_of(node.args[0], index, templates),), ())
    if op in ("add", "sub"):
        return Node(op, tuple(entry_of(a, index, templates) for a in node.args), ())
    if op in ("mul", "div"):
        if not node.args[0].is_scalar and not node.args[1].is_scalar:
            raise ExpressionError("two vectors side by side (an inner, an outer or an elementwise product?) "
                                  "are not read entry by entry")
        return Node(op, tuple(entry_of(a, index, templates) for a in node.args), ())
    if op == "fn":
        return Node("fn", (entry_of(node.args[0], index, templates),), (), node.value)
    if op == "grad" and any(n.op in ("norm1", "fn") and (n.op == "norm1" or n.value in NON_ANALYTIC)
                            for n in node.args[0].walk()):
        raise ExpressionError("the gradient of a function with kinks (|x_i|, \\|x\\|_1, sign, ReLU) by the whole "
                              "vector is not read: it has no derivative where an entry is 0")
    if op in _ELEMENTWISE_ENTRY:
        return Node("entry", (node, index), ())
    if op == "pow":
        raise ExpressionError("a power of a vector is not read (elementwise, or a norm?)")
    raise ExpressionError(f"a vector built by '{op}' is not compared entry by entry in documents yet")


def mentions(node: Node, names) -> bool:
    """Whether a placeholder of `names` is still in the tree (inside a scalar part such as a norm)."""
    return any(n.op == "vector" and n.value in names for n in node.walk())
