"""Sized claims as data: the typed tree of a vector/matrix expression, its declarations, the claim.

The plain-text reader (readers/matrix_expression.py) builds these trees; the engines
(checks/matrix/matrices.py and its helpers) evaluate them three ways — in NumPy at random sizes, as
explicit SymPy matrices at fixed small sizes, and as indexed entry forms for every size. Nothing here
computes; like identity.py, it is the record every layer reads.

A shape is `()` for a scalar, `(n,)` for a vector, `(m, n)` for a matrix, each size a SymPy
positive-integer symbol named in the file (`vectors = { x = "n" }`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Elementwise scalar functions, by the name the user writes. Each engine maps the name to its own
# implementation (SymPy in the proofs, NumPy in the numeric check), so the two stay independent.
ELEMENTWISE = ("exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan", "abs", "Abs", "sign",
               "sigmoid", "softplus", "relu", "Heaviside")
# Functions that are not analytic everywhere: derivatives of expressions holding them are checked by
# central differences rather than complex steps.
NON_ANALYTIC = ("abs", "Abs", "sign", "relu", "Heaviside", "norm1")
MATRIX_ASSUMPTIONS = ("symmetric", "spd", "invertible", "diagonal")
VECTOR_ASSUMPTIONS = ("positive", "nonnegative", "negative", "nonzero")


@dataclass(frozen=True)
class Node:
    """One operation of a sized expression and the shape of its value.

    `op` names the operation (see OPS); `value` carries what is not a sub-expression: a name, a
    SymPy number, a function name, an index symbol.
    """

    op: str
    args: tuple[Node, ...]
    shape: tuple[Any, ...]
    value: Any = None

    @property
    def is_scalar(self) -> bool:
        return self.shape == ()

    def walk(self):
        yield self
        for arg in self.args:
            yield from arg.walk()


# op -> meaning (for readers of the engines)
OPS = {
    "num": "an exact number (value: SymPy number)",
    "scalar": "a declared real scalar (value: SymPy symbol)",
    "size": "a size name used as a number (value: SymPy symbol)",
    "vector": "a declared vector (value: name)",
    "matrix": "a declared matrix (value: name)",
    "index": "an index symbol in an entry-wise claim (value: SymPy integer symbol)",
    "add": "a + b, elementwise, scalars broadcast", "sub": "a - b", "mul": "a * b", "div": "a / b",
    "pow": "a ** b", "neg": "-a",
    "matmul": "a @ b with NumPy's 1-D rules", "T": "a.T (a vector's .T is itself)",
    "fn": "elementwise function (value: name)",
    "sum": "sum of all entries", "trace": "trace", "det": "determinant", "inv": "inverse",
    "diag": "vector -> diagonal matrix, matrix -> its diagonal", "outer": "outer product",
    "eye": "identity of size shape", "ones": "all-ones", "zeros": "all-zeros",
    "norm": "Euclidean (Frobenius) norm", "norm1": "sum of absolute values",
    "softmax": "softmax of a vector", "logsumexp": "log of the sum of exponentials",
    "grad": "gradient of a scalar (args: f, variable)", "jacobian": "Jacobian (args: F, variable)",
    "entry": "x[i] or A[i, j] (args: array, indices)", "isum": "sum over an index (value: (index, low, high))",
    "delta": "Kronecker delta of two indices",
}


@dataclass(frozen=True)
class Array:
    """A declared vector or matrix: its shape and assumptions (`spd`, `positive`, ...)."""

    name: str
    shape: tuple[Any, ...]
    assumptions: tuple[str, ...] = ()

    @property
    def is_matrix(self) -> bool:
        return len(self.shape) == 2


@dataclass(frozen=True)
class Declarations:
    """What a sized claim may mention: sizes, scalars (SymPy symbols), arrays."""

    sizes: dict[str, Any] = field(default_factory=dict)
    scalars: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, Array] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((tuple(self.sizes), tuple(self.scalars), tuple(self.arrays.items())))


@dataclass(frozen=True)
class Condition:
    """One comparison `left REL right` of a `where` (scalar sides), joined as `kind` (and/or)."""

    kind: str  # "cmp" | "and" | "or"
    relation: str = ""  # "<", "<=", ">", ">=", "==", "!="
    left: Node | None = None
    right: Node | None = None
    parts: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class MatrixClaim:
    """`lhs = rhs` between sized expressions of one shape, on `where`, with written `steps`."""

    lhs: Node
    rhs: Node
    declarations: Declarations
    where: Condition | None = None
    steps: tuple[Node, ...] = ()
    written: tuple[str, ...] = ()
    # free index symbols of an entry-wise claim, each with the size it ranges over
    free_indices: tuple[tuple[Any, Any], ...] = ()


def shape_text(shape) -> str:
    if not shape:
        return "scalar"
    if len(shape) == 1:
        return f"vector of size {shape[0]}"
    return f"{shape[0]}×{shape[1]} matrix"


def size_value(size, sizes: dict) -> int:
    """The integer a shape entry (a size symbol, a number, or an expression such as n + 1) takes at
    `sizes` (size symbol -> int). A dictionary lookup for the usual bare symbol: SymPy's `subs`
    sympifies and sorts on every call, and the numeric checks ask for thousands of dimensions."""
    if isinstance(size, int):
        return size
    if size in sizes:
        return int(sizes[size])
    import sympy as sp

    return int(sp.sympify(size).xreplace({sp.sympify(k): sp.Integer(v) for k, v in sizes.items()}))

