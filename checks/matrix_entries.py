"""Sized expressions as indexed entry forms: the generic entry (i, j) for every size at once.

`(A @ x)[i]` is `Σ_k A[i, k] x[k]` with k over 0..n−1, `grad(f, X)[i, j]` is `∂f/∂X[i, j]` (SymPy
differentiates a sum of indexed terms into a sum of Kronecker deltas), `softmax(x)[i]` is
`e^{x_i} / Σ_k e^{x_k}`. When the difference of two such forms reduces to 0, the claim holds for every
size. Determinants and inverses have no entry form for a symbolic size: those claims raise
`NoEntryForm` and are proved on explicit instances instead.

Every index carries its range; a condition `0 ≤ i ≤ n − 1` that SymPy leaves after summing a delta is
dropped only when that range implies it.
"""

from __future__ import annotations

import itertools

import sympy as sp

from ..sized import Declarations, Node
from . import indexed
from .matrix_explicit import ELEMENTWISE


class NoEntryForm(ValueError):
    """The expression has no entry form for symbolic sizes (det, inv, a numbered entry, ...)."""


class Entries:
    def __init__(self, declarations: Declarations):
        self.declarations = declarations
        self.bases = {}
        for name, array in declarations.arrays.items():
            facts = {"real": True}
            for fact in ("positive", "negative", "nonnegative", "nonzero"):
                if fact in array.assumptions:
                    facts[fact] = True
            self.bases[name] = sp.IndexedBase(name, **facts)
        self.ranges: dict = {}  # index symbol -> size it ranges over (0..size-1)
        self.counter = itertools.count()

    def fresh(self, size) -> sp.Symbol:
        symbol = sp.Symbol(f"β{next(self.counter)}", integer=True, nonnegative=True)
        self.ranges[symbol] = size
        return symbol

    def free(self, shape) -> tuple[sp.Symbol, ...]:
        """The output indices of a claim of this shape, each with its range."""
        out = []
        for position, size in enumerate(shape):
            symbol = sp.Symbol(f"ι{position}", integer=True, nonnegative=True)
            self.ranges[symbol] = size
            out.append(symbol)
        return tuple(out)

    def __call__(self, node: Node, at: tuple = ()):
        return getattr(self, f"_{node.op}")(node, at)

    def _child(self, child: Node, at: tuple):
        return self(child, () if child.is_scalar else at)

    def _num(self, node, at):
        return node.value

    def _scalar(self, node, at):
        return node.value

    _size = _scalar
    _index = _scalar

    def _vector(self, node, at):
        return self.bases[node.value][at[0]]

    def _matrix(self, node, at):
        return self.bases[node.value][at[0], at[1]]

    def _add(self, node, at):
        return self._child(node.args[0], at) + self._child(node.args[1], at)

    def _sub(self, node, at):
        return self._child(node.args[0], at) - self._child(node.args[1], at)

    def _mul(self, node, at):
        return self._child(node.args[0], at) * self._child(node.args[1], at)

    def _div(self, node, at):
        return self._child(node.args[0], at) / self._child(node.args[1], at)

    def _pow(self, node, at):
        return self._child(node.args[0], at) ** self._child(node.args[1], at)

    def _neg(self, node, at):
        return -self(node.args[0], at)

    def _matmul(self, node, at):
        a, b = node.args
        k = self.fresh(a.shape[-1])
        left = self(a, (*at[: len(a.shape) - 1], k))
        right = self(b, (k, *at[len(a.shape) - 1:]))
        return sp.Sum(left * right, (k, 0, a.shape[-1] - 1))

    def _T(self, node, at):
        return self(node.args[0], at[::-1] if len(node.shape) == 2 else at)

    def _fn(self, node, at):
        return ELEMENTWISE[node.value](self(node.args[0], at))

    def _total(self, child: Node, term):
        indices = tuple(self.fresh(size) for size in child.shape)
        body = term(indices)
        for index, size in zip(reversed(indices), reversed(child.shape)):
            body = sp.Sum(body, (index, 0, size - 1))
        return body

    def _sum(self, node, at):
        child = node.args[0]
        if child.is_scalar:
            return self(child)
        return self._total(child, lambda ix: self(child, ix))

    def _trace(self, node, at):
        child = node.args[0]
        k = self.fresh(child.shape[0])
        return sp.Sum(self(child, (k, k)), (k, 0, child.shape[0] - 1))

    def _det(self, node, at):
        raise NoEntryForm("det")

    def _inv(self, node, at):
        raise NoEntryForm("inv")

    def _diag(self, node, at):
        child = node.args[0]
        if len(child.shape) == 1:
            return sp.KroneckerDelta(at[0], at[1]) * self(child, (at[0],))
        return self(child, (at[0], at[0]))

    def _outer(self, node, at):
        return self(node.args[0], (at[0],)) * self(node.args[1], (at[1],))

    def _eye(self, node, at):
        return sp.KroneckerDelta(at[0], at[1])

    def _ones(self, node, at):
        return sp.S.One

    def _zeros(self, node, at):
        return sp.S.Zero

    def _norm(self, node, at):
        child = node.args[0]
        return sp.sqrt(self._total(child, lambda ix: self(child, ix) ** 2))

    def _norm1(self, node, at):
        child = node.args[0]
        return self._total(child, lambda ix: sp.Abs(self(child, ix)))

    def _softmax(self, node, at):
        child = node.args[0]
        return sp.exp(self(child, at)) / self._total(child, lambda ix: sp.exp(self(child, ix)))

    def _logsumexp(self, node, at):
        child = node.args[0]
        return sp.log(self._total(child, lambda ix: sp.exp(self(child, ix))))

    def _entry(self, node, at):
        return self(node.args[0], tuple(self(i) for i in node.args[1:]))

    def _delta(self, node, at):
        return sp.KroneckerDelta(self(node.args[0]), self(node.args[1]))

    def _isum(self, node, at):
        symbol, low, high = node.value
        size = high + 1 if low == 0 else None
        if self.ranges.get(symbol, size) != size:
            size = None  # one name over two ranges: no range is known for it
        self.ranges[symbol] = size
        return sp.Sum(self(node.args[0]), (symbol, low, high))

    def _variable(self, variable: Node, at):
        if variable.op == "scalar":
            return variable.value
        return self(variable, at)

    def _grad(self, node, at):
        body, variable = node.args
        return sp.diff(self(body), self._variable(variable, at))

    def _jacobian(self, node, at):
        body, variable = node.args
        return sp.diff(self(body, (at[0],)), self._variable(variable, (at[1],)))


def normal_form(expr, ranges: dict, symmetric: set[str] = frozenset()):
    """Evaluate deltas and derivatives, split sums over their terms, drop conditions the index ranges
    imply, give bound indices canonical names, and order the indices of symmetric matrices."""
    for _ in range(5):
        before = expr
        expr = expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) > 1, indexed._nest)
        expr = expr.replace(lambda e: isinstance(e, sp.Sum), _split_sum)
        expr = resolve(indexed.targeted_doit(expr), ranges)
        if expr == before:
            break
    expr = canonical_sums(expr)
    if symmetric:
        expr = expr.replace(
            lambda e: isinstance(e, sp.Indexed) and str(e.base.label) in symmetric and len(e.indices) == 2
            and sp.default_sort_key(e.indices[0]) > sp.default_sort_key(e.indices[1]),
            lambda e: e.base[e.indices[1], e.indices[0]],
        )
    return expr


def resolve(expr, ranges: dict):
    """Replace by True each condition that an index's range 0..size−1 implies (see indexed.resolve_index_range)."""
    if not expr.has(sp.Piecewise):
        return expr
    # Bound indices renamed by SymPy or canonical_sums keep the ranges of their Sum's limits.
    known = dict(ranges)
    for total in expr.atoms(sp.Sum):
        for bound, low, high in total.limits:
            size = high + 1 if low == 0 else None
            known[bound] = size if known.get(bound, size) == size else None
    a = sp.Dummy("a", integer=True, nonnegative=True)
    b = sp.Dummy("b", integer=True, nonnegative=True)

    def implied(rel) -> bool:
        if not isinstance(rel, sp.core.relational.Relational):
            return False
        indices = [s for s in rel.free_symbols if s in known]
        if len(indices) != 1 or known[indices[0]] is None:
            return False
        (index,) = indices
        size = sp.sympify(known[index])
        sizes = size.free_symbols
        if len(sizes) != 1 or not (rel.free_symbols - {index}) <= sizes:
            return False
        (symbol,) = sizes
        solved = sp.solve(sp.Eq(size, a + 1 + b), symbol, dict=True)
        if len(solved) != 1:
            return False
        return rel.subs({index: a, symbol: solved[0][symbol]}, simultaneous=True) is sp.true

    return expr.replace(lambda e: isinstance(e, sp.core.relational.Relational) and implied(e), lambda e: sp.true)


def _split_sum(total):
    """Σ (a + b) = Σ a + Σ b with factors free of the index pulled out, as indexed._split_sum, but
    expanding products only: SymPy's full expand turns e^{Σ…} into a Product of exponentials."""
    total = indexed._drop_trivial_limits(total)
    if not isinstance(total, sp.Sum):
        return total
    *inner, (bound, low, high) = total.limits
    body = sp.Sum(total.function, *inner) if inner else total.function
    result = sp.S.Zero
    for term in sp.Add.make_args(sp.expand(body, deep=False, power_exp=False, power_base=False, log=False)):
        free, tied = term.as_independent(bound, as_Add=False)
        result += free * (sp.Sum(tied, (bound, low, high)) if tied != 1 else (high - low + 1))
    return result


MAX_PERMUTED_LIMITS = 4


def canonical_sums(expr, depth: int = 0):
    """Give every bound index a name fixed by its place, and nested finite sums a fixed order.

    `Σ_i Σ_k A[i,k] B[k,i]` and `Σ_k Σ_i A[i,k] B[k,i]` are the same number (finite sums commute when
    no bound depends on another index): every order of the limits is tried, indices renamed κ0, κ1, …
    in that order, and the smallest form kept.
    """
    if not getattr(expr, "args", None):
        return expr
    if not isinstance(expr, sp.Sum):
        return expr.func(*[canonical_sums(arg, depth) for arg in expr.args])
    limits, body = list(expr.limits), expr.function
    while isinstance(body, sp.Sum):
        limits = list(body.limits) + limits
        body = body.function
    bounds = {limit[0] for limit in limits}
    independent = all(not (sp.sympify(low).free_symbols | sp.sympify(high).free_symbols) & bounds
                      for _, low, high in limits)
    orders = (itertools.permutations(limits) if independent and len(limits) <= MAX_PERMUTED_LIMITS
              else [tuple(limits)])
    best = None
    for order in orders:
        names = {bound: sp.Symbol(f"κ{depth + position}", integer=True, nonnegative=True)
                 for position, (bound, _, _) in enumerate(order)}
        renamed = canonical_sums(body.xreplace(names), depth + len(order))
        candidate = renamed
        for bound, low, high in reversed(order):
            candidate = sp.Sum(candidate, (names[bound], low.xreplace(names), high.xreplace(names)))
        key = sp.srepr(candidate)
        if best is None or (len(key), key) < best[0]:
            best = ((len(key), key), candidate)
    return best[1]


def atomised(expr):
    """Each symbolic sum replaced by one symbol (equal sums by the same): what is left is an ordinary
    expression the scalar strategies handle, with the sums as opaque reals."""
    sums = sorted(expr.atoms(sp.Sum), key=sp.default_sort_key)
    if not sums:
        return expr
    names = {total: sp.Symbol(f"σ{k}", real=True) for k, total in enumerate(sums)}
    return expr.xreplace(names)
