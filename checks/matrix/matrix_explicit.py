"""Sized expressions as explicit SymPy matrices at fixed sizes: the exact side of the small cases.

At n = 2 a vector `x` is the column (x[0], x[1]) of real symbols (names no declared scalar can take:
brackets are not allowed in names), a symmetric `A` has A[0,1] = A[1,0],
a diagonal one zeros off the diagonal. Every operation is carried out exactly; `grad(f, X)` is the
matrix of derivatives of f with respect to independent entries of X (substituted back afterwards,
so a symmetric X is differentiated as a general matrix evaluated at a symmetric point). The same
function evaluates at rational points (all values numbers) to confirm counterexamples exactly.
"""

from __future__ import annotations

import itertools

import sympy as sp

from ...derivations.vocabulary import relu, sigmoid, softplus
from ...readers.expression import keep_domain
from ...sized import Declarations, Node, size_value

ELEMENTWISE = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "atan": sp.atan, "abs": sp.Abs, "Abs": sp.Abs,
    "sign": sp.sign, "sigmoid": sigmoid, "softplus": softplus, "relu": relu, "Heaviside": sp.Heaviside,
}


def symbolic_values(declarations: Declarations, sizes: dict) -> dict:
    """name -> explicit SymPy value (Matrix of symbols, or the scalar symbol) at the given sizes."""
    values: dict = dict(declarations.scalars)
    for name, array in declarations.arrays.items():
        dims = [size_value(s, sizes) for s in array.shape]
        values[name] = _symbol_matrix(name, dims, array.assumptions)
    return values


def _symbol_matrix(name: str, dims, assumptions, prefix: str = "") -> sp.Matrix:
    kinds = set(assumptions)
    entry_facts = {"real": True}
    for fact in ("positive", "negative", "nonnegative", "nonzero"):
        if fact in kinds:
            entry_facts[fact] = True
    if len(dims) == 1:
        return sp.Matrix(dims[0], 1, lambda i, _j: sp.Symbol(f"{prefix}{name}[{i}]", **entry_facts))
    rows, cols = dims

    def entry(i, j):
        if "diagonal" in kinds and i != j:
            return sp.S.Zero
        if kinds & {"symmetric", "spd"}:
            i, j = min(i, j), max(i, j)
        return sp.Symbol(f"{prefix}{name}[{i},{j}]", real=True)

    return sp.Matrix(rows, cols, entry)


class Explicit:
    """Evaluate a tree exactly: `values` name -> SymPy value (as symbolic_values), `sizes` symbol -> int."""

    def __init__(self, values: dict, sizes: dict, indices: dict | None = None):
        self.values = values
        self.sizes = sizes
        self.indices = dict(indices or {})
        self.fresh = itertools.count()

    def __call__(self, node: Node):
        return getattr(self, f"_{node.op}")(node)

    def _dim(self, size) -> int:
        return size_value(size, self.sizes)

    def _num(self, node):
        return node.value

    def _scalar(self, node):
        return self.values.get(node.value.name, node.value)

    def _size(self, node):
        return sp.Integer(self.sizes[node.value])

    def _vector(self, node):
        return self.values[node.value]

    _matrix = _vector

    def _index(self, node):
        return sp.Integer(self.indices[node.value])

    def _pair(self, node):
        a, b = (self(arg) for arg in node.args)
        return a, b

    def _elementwise(self, node, combine):
        a, b = self._pair(node)
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
            return sp.Matrix(a.rows, a.cols, lambda i, j: combine(a[i, j], b[i, j]))
        if isinstance(a, sp.MatrixBase):
            return a.applyfunc(lambda e: combine(e, b))
        if isinstance(b, sp.MatrixBase):
            return b.applyfunc(lambda e: combine(a, e))
        return combine(a, b)

    def _add(self, node):
        return self._elementwise(node, lambda p, q: p + q)

    def _sub(self, node):
        return self._elementwise(node, lambda p, q: p - q)

    def _mul(self, node):
        return self._elementwise(node, lambda p, q: p * q)

    def _div(self, node):
        return self._elementwise(node, lambda p, q: p / q)

    def _pow(self, node):
        return self._elementwise(node, lambda p, q: p ** q)

    def _neg(self, node):
        return -self(node.args[0])

    def _matmul(self, node):
        a, b = node.args
        left, right = self(a), self(b)
        if len(a.shape) == 1:
            left = left.T
        product = left * right
        if len(a.shape) == 1 and len(b.shape) == 1:
            return product[0, 0]
        return product.T if len(a.shape) == 1 else product

    def _T(self, node):
        value = self(node.args[0])
        return value.T if len(node.shape) == 2 else value

    def _fn(self, node):
        value = self(node.args[0])
        function = ELEMENTWISE[node.value]
        return value.applyfunc(function) if isinstance(value, sp.MatrixBase) else function(value)

    def _sum(self, node):
        value = self(node.args[0])
        return sp.Add(*value) if isinstance(value, sp.MatrixBase) else value

    def _trace(self, node):
        return self(node.args[0]).trace()

    def _det(self, node):
        return self(node.args[0]).det(method="berkowitz")

    def _inv(self, node):
        value = self(node.args[0])
        return value.adjugate() / value.det(method="berkowitz")

    def _diag(self, node):
        value = self(node.args[0])
        if len(node.args[0].shape) == 1:
            return sp.diag(*value)
        return sp.Matrix([value[k, k] for k in range(value.rows)])

    def _outer(self, node):
        a, b = self._pair(node)
        return a * b.T

    def _eye(self, node):
        return sp.eye(self._dim(node.shape[0]))

    def _ones(self, node):
        dims = [self._dim(s) for s in node.shape]
        return sp.ones(dims[0], dims[1] if len(dims) == 2 else 1)

    def _zeros(self, node):
        dims = [self._dim(s) for s in node.shape]
        return sp.zeros(dims[0], dims[1] if len(dims) == 2 else 1)

    def _norm(self, node):
        value = self(node.args[0])
        return sp.sqrt(sp.Add(*[e ** 2 for e in value]))

    def _norm1(self, node):
        return sp.Add(*[sp.Abs(e) for e in self(node.args[0])])

    def _softmax(self, node):
        value = self(node.args[0])
        total = sp.Add(*[sp.exp(e) for e in value])
        return value.applyfunc(lambda e: sp.exp(e) / total)

    def _logsumexp(self, node):
        return sp.log(sp.Add(*[sp.exp(e) for e in self(node.args[0])]))

    def _entry(self, node):
        value = self(node.args[0])
        positions = [int(self(i)) for i in node.args[1:]]
        return value[positions[0], positions[1] if len(positions) == 2 else 0]

    def _delta(self, node):
        return sp.KroneckerDelta(self(node.args[0]), self(node.args[1]))

    def _isum(self, node):
        symbol, low, high = node.value
        total = sp.S.Zero
        saved = self.indices.get(symbol)
        for position in range(self._dim(low), self._dim(high) + 1):
            self.indices[symbol] = position
            total += self(node.args[0])
        if saved is None:
            self.indices.pop(symbol, None)
        else:
            self.indices[symbol] = saved
        return total

    def _independent(self, variable: Node):
        """A copy of the variable with independent fresh entries, and the map back to its value."""
        name = variable.value if variable.op in ("vector", "matrix") else variable.value.name
        current = self.values.get(name, variable.value)
        tag = f"δ{next(self.fresh)}_"
        if isinstance(current, sp.MatrixBase):
            dims = [current.rows] if len(variable.shape) == 1 else [current.rows, current.cols]
            free = _symbol_matrix(name, dims, (), prefix=tag)
            back = {free[k]: current[k] for k in range(len(current))}
        else:
            free = sp.Symbol(tag + name, real=True)
            back = {free: current}
        return name, current, free, back

    def _with(self, name, value, body: Node):
        saved = self.values.get(name)
        self.values[name] = value
        try:
            return self(body)
        finally:
            if saved is None:
                self.values.pop(name, None)
            else:
                self.values[name] = saved

    def _grad(self, node):
        body, variable = node.args
        name, _current, free, back = self._independent(variable)
        f = self._with(name, free, body)
        if isinstance(free, sp.MatrixBase):
            return free.applyfunc(lambda e: _diff(f, e).xreplace(back))
        return _diff(f, free).xreplace(back)

    def _jacobian(self, node):
        body, variable = node.args
        name, _current, free, back = self._independent(variable)
        F = self._with(name, free, body)
        return sp.Matrix(F.rows, free.rows, lambda i, j: _diff(F[i], free[j]).xreplace(back))


def _diff(f, variable):
    """∂f/∂variable; undefined where f is (SymPy differentiates nan to 0: at y = 0 the derivative of
    x·y/y by x would read 0, where the function has no value and so no derivative)."""
    if isinstance(f, sp.Basic) and f.has(sp.nan, sp.zoo):
        return sp.nan
    return sp.diff(f, variable)


def numeric_values(declarations: Declarations, draw_arrays: dict, draw_scalars: dict) -> dict:
    """name -> exact SymPy value of a rational draw (nested lists of Fractions / Rationals)."""
    values: dict = {}
    for name in declarations.scalars:
        values[name] = sp.Rational(draw_scalars[name])
    for name, array in draw_arrays.items():
        matrix = sp.Matrix(array) if declarations.arrays[name].is_matrix else sp.Matrix([[v] for v in array])
        values[name] = matrix.applyfunc(sp.Rational)
    return values


class NotAnalysable(ValueError):
    """The entries cannot be built for the analysis of special points (the claim is then not proved)."""


class DomainExplicit(Explicit):
    """`Explicit` for the analysis of special points (matrix_domain.py, kinks.py).

    Each entry keeps the domain of what it was built from: SymPy cancels as it builds (x·y/y is x,
    exp(log x) is x, (x·x)/(x·x) is 1), and where a cancelled denominator or logarithm's argument is
    0 the entry as written has no value; `keep_domain` records it as a condition of the entry, as the
    scalar reader does. Entry by entry, with NumPy's meaning: an entry of x / y is undefined only where
    its own y[k] is 0, a sum or a product where any of its terms is. Derivatives are left unevaluated,
    so that the kink analysis sees what is differentiated, by which entry.
    """

    def _elementwise(self, node, combine):
        return super()._elementwise(node, lambda p, q: keep_domain(combine(p, q), p, q))

    def _div(self, node):  # a / b is a · b⁻¹: the denominator is a part of its own (as the scalar reader)
        return super()._elementwise(node, lambda p, q: keep_domain(p / q, p, q, sp.Pow(q, -1, evaluate=False)))

    def _pow(self, node):
        def power(p, q):
            inverse = [sp.Pow(p, -1, evaluate=False)] if q.is_negative is not False else []
            return keep_domain(p ** q, p, q, *inverse)
        return super()._elementwise(node, power)

    def _fn(self, node):
        value = self(node.args[0])
        function = ELEMENTWISE[node.value]
        if isinstance(value, sp.MatrixBase):
            return value.applyfunc(lambda e: keep_domain(function(e), e))
        return keep_domain(function(value), value)

    def _matmul(self, node):
        a, b = node.args
        left, right = self(a), self(b)
        if len(a.shape) == 1:
            left = left.T
        product = sp.Matrix(left.rows, right.cols, lambda i, j: keep_domain(
            sp.Add(*[left[i, k] * right[k, j] for k in range(left.cols)]), *left.row(i), *right.col(j)))
        if len(a.shape) == 1 and len(b.shape) == 1:
            return product[0, 0]
        return product.T if len(a.shape) == 1 else product

    def _whole(self, node, built):
        """An entry built from every entry of the argument (a sum, a determinant, a norm)."""
        return keep_domain(built, *_entries(self(node.args[0])))

    def _sum(self, node):
        return self._whole(node, super()._sum(node))

    def _trace(self, node):
        return self._whole(node, super()._trace(node))

    def _det(self, node):
        return self._whole(node, super()._det(node))

    def _norm(self, node):
        return self._whole(node, super()._norm(node))

    def _norm1(self, node):
        return self._whole(node, super()._norm1(node))

    def _logsumexp(self, node):
        return self._whole(node, super()._logsumexp(node))

    def _inv(self, node):
        value = self(node.args[0])
        parts = _entries(value)
        return super()._inv(node).applyfunc(lambda e: keep_domain(e, *parts))

    def _softmax(self, node):
        parts = _entries(self(node.args[0]))
        return super()._softmax(node).applyfunc(lambda e: keep_domain(e, *parts))

    def _outer(self, node):
        a, b = self._pair(node)
        return sp.Matrix(a.rows, b.rows, lambda i, j: keep_domain(a[i] * b[j], a[i], b[j]))

    def _isum(self, node):
        terms = []
        symbol, low, high = node.value
        saved = self.indices.get(symbol)
        for position in range(self._dim(low), self._dim(high) + 1):
            self.indices[symbol] = position
            terms.append(self(node.args[0]))
        if saved is None:
            self.indices.pop(symbol, None)
        else:
            self.indices[symbol] = saved
        return keep_domain(sp.Add(*terms), *terms) if terms else sp.S.Zero

    def _derivative(self, f, free, back):
        """∂f/∂free, unevaluated, by the variable's own entries: only when they are distinct symbols
        (a symmetric matrix's A[0,1] stands for two entries: its derivative is not one partial)."""
        targets = list(back.values())
        if not all(isinstance(t, sp.Symbol) for t in targets) or len(set(targets)) != len(targets):
            raise NotAnalysable("a derivative by a variable whose entries are not independent symbols")
        return sp.Derivative(f, free).xreplace(back)

    def _grad(self, node):
        body, variable = node.args
        name, _current, free, back = self._independent(variable)
        f = self._with(name, free, body)
        if isinstance(free, sp.MatrixBase):
            return free.applyfunc(lambda e: self._derivative(f, e, back))
        return self._derivative(f, free, back)

    def _jacobian(self, node):
        body, variable = node.args
        name, _current, free, back = self._independent(variable)
        F = self._with(name, free, body)
        return sp.Matrix(F.rows, free.rows, lambda i, j: self._derivative(F[i], free[j], back))


def _entries(value) -> list:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]
