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
from sympy.core.cache import cacheit

from ...sized import Declarations, Node
from .. import indexed
from .matrix_explicit import ELEMENTWISE


class NoEntryForm(ValueError):
    """The expression has no entry form for symbolic sizes (det or inv of an expression, ...)."""


class InverseEntry(sp.Function):
    """Entry (a, b) of X⁻¹ for a declared square matrix X (the IndexedBase is the first argument, so
    SymPy sees that the entry depends on X and asks `_eval_derivative`).

    ∂(X⁻¹)_ab / ∂X_ij = −(X⁻¹)_ai (X⁻¹)_jb; it depends on no other variable. Valid wherever X is
    invertible, which is where the claim's inverse is defined at all.
    """

    nargs = 3
    is_real = True

    def _eval_derivative(self, s):
        base, a, b = self.args
        if isinstance(s, sp.Indexed) and s.base == base:
            i, j = s.indices
            return -InverseEntry(base, a, i) * InverseEntry(base, j, b)
        return sp.S.Zero


class Determinant(sp.Function):
    """det X for a declared square matrix X: ∂ det X / ∂X_ij = det X · (X⁻¹)_ji (Jacobi's formula)."""

    nargs = 1
    is_real = True

    def _eval_derivative(self, s):
        (base,) = self.args
        if isinstance(s, sp.Indexed) and s.base == base:
            i, j = s.indices
            return Determinant(base) * InverseEntry(base, j, i)
        return sp.S.Zero


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
        for name, array in declarations.arrays.items():
            if array.is_matrix and array.shape[0] == array.shape[1]:
                self.ranges[("matrix", self.bases[name])] = array.shape[0]
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
        child = node.args[0]
        if node.value == "log" and child.op == "softmax":  # log softmax(v)_i = v_i − log Σ_k e^{v_k}, exactly
            vector = child.args[0]
            return self(vector, at) - sp.log(self._total(vector, lambda ix: sp.exp(self(vector, ix))))
        return ELEMENTWISE[node.value](self(child, at))

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

    def _declared(self, node: Node):
        """(base, transposed) when `node` is a declared matrix or its transpose, else NoEntryForm."""
        if node.op == "matrix":
            return self.bases[node.value], False
        if node.op == "T" and node.args[0].op == "matrix":
            return self.bases[node.args[0].value], True
        raise NoEntryForm("det or inv of an expression")

    def _det(self, node, at):
        base, _ = self._declared(node.args[0])  # det Xᵀ = det X
        return Determinant(base)

    def _inv(self, node, at):
        base, transposed = self._declared(node.args[0])  # (Xᵀ)⁻¹ = (X⁻¹)ᵀ
        a, b = at[::-1] if transposed else at
        return InverseEntry(base, a, b)

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
        expr = _cancel_inverses(expr, ranges)
        expr = resolve(indexed.targeted_doit(expr), ranges)
        if expr == before:
            break
    expr = _eliminate_deltas(merged_sums(expr), ranges)
    expr = canonical_sums(expr)
    if expr.has(sp.exp):  # e^{a} e^{−a} from the chain rule through softmax: names now agree, so it cancels
        expr = canonical_sums(merged_sums(sp.powsimp(expr, combine="exp", deep=True)))
    if symmetric:  # X = Xᵀ, and then X⁻¹ = (X⁻¹)ᵀ
        def later(p, q) -> bool:
            return sp.default_sort_key(p) > sp.default_sort_key(q)

        expr = expr.replace(
            lambda e: isinstance(e, sp.Indexed) and str(e.base.label) in symmetric and len(e.indices) == 2
            and later(*e.indices),
            lambda e: e.base[e.indices[1], e.indices[0]],
        )
        expr = expr.replace(
            lambda e: isinstance(e, InverseEntry) and str(e.args[0].label) in symmetric and later(*e.args[1:]),
            lambda e: InverseEntry(e.args[0], e.args[2], e.args[1]),
        )
    return expr


def _cancel_inverses(expr, ranges):
    """Σ_k X[a, k] (X⁻¹)[k, b] = δ_ab and Σ_k (X⁻¹)[a, k] X[k, b] = δ_ab, when k runs over all of 0..n−1."""
    def cancel(total):
        if len(total.limits) != 1 or total.limits[0][1] != 0:
            return total
        bound, _, high = total.limits[0]
        factors = sp.Mul.make_args(total.function)
        if len(factors) != 2:
            return total
        inverse = [f for f in factors if isinstance(f, InverseEntry)]
        entry = [f for f in factors if isinstance(f, sp.Indexed)]
        if len(inverse) != 1 or len(entry) != 1:
            return total
        (inv,), (x,) = inverse, entry
        base, p, q = inv.args
        if x.base != base or len(x.indices) != 2:
            return total
        size = ranges.get(("matrix", base))
        if size is None or not indexed.sizes_equal(high, size - 1):
            return total
        if x.indices[1] == bound and p == bound and x.indices[0] != bound and q != bound:
            return sp.KroneckerDelta(x.indices[0], q)
        if q == bound and x.indices[0] == bound and p != bound and x.indices[1] != bound:
            return sp.KroneckerDelta(p, x.indices[1])
        return total

    if not expr.has(InverseEntry):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Sum), cancel)


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
        if size == symbol:
            value = a + 1 + b
        else:
            solved = sp.solve(sp.Eq(size, a + 1 + b), symbol, dict=True)
            if len(solved) != 1:
                return False
            value = solved[0][symbol]
        return rel.subs({index: a, symbol: value}, simultaneous=True) is sp.true

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


def _eliminate_deltas(expr, ranges):
    """Σ_{k,…} δ(k, p) f(k, …) = Σ_… f(p, …) when p ranges over exactly k's range (0..size−1)."""
    def eliminate(total):
        limits = list(total.limits)
        sizes = {bound: high + 1 for bound, low, high in limits if low == 0}
        for factor in sp.Mul.make_args(total.function):
            if not isinstance(factor, sp.KroneckerDelta):
                continue
            for k, p in (factor.args, factor.args[::-1]):
                if k not in sizes or p == k or not isinstance(p, sp.Symbol):
                    continue
                if any(k in (sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols) for _, lo, hi in limits):
                    continue  # another limit depends on k
                other = sizes.get(p, ranges.get(p))
                if other is None or not indexed.sizes_equal(other, sizes[k]):
                    continue
                body = total.function.xreplace({k: p})
                kept = [limit for limit in limits if limit[0] != k]
                return eliminate(sp.Sum(body, *kept)) if kept else body
        return total

    if not expr.has(sp.KroneckerDelta):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Sum), eliminate)


def merged_sums(expr):
    """Every product holding sums as one multiple sum, numbers outside: c · Σ_{k,l} (a_k b_kl …).

    Σ_k a_k (Σ_l b_kl c_l) and Σ_k Σ_l a_k b_kl c_l are the same; splitting sums (to evaluate deltas)
    leaves either form depending on the order of operations, so both sides are brought to this one.
    A factor is moved inside a sum only when it does not mention that sum's bound index.
    """
    if not getattr(expr, "args", None) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = merged_sums(expr.function)
        limits = list(expr.limits)
    elif isinstance(expr, sp.Mul):
        body, limits = sp.Mul(*[merged_sums(a) for a in expr.args]), []
    else:
        return expr.func(*[merged_sums(a) for a in expr.args])
    coefficient, factors = sp.S.One, []
    for factor in sp.Mul.make_args(body):
        if factor.is_Number:
            coefficient *= factor
        elif isinstance(factor, sp.Sum):
            factors.append(factor)
        else:
            factors.append(factor)
    inner = [f for f in factors if isinstance(f, sp.Sum)]
    if not inner and not limits:
        return coefficient * sp.Mul(*factors)
    if not inner:
        return coefficient * _pulled(sp.Mul(*factors), limits)
    plain = [f for f in factors if not isinstance(f, sp.Sum)]
    for total in inner:
        bounds = {limit[0] for limit in total.limits}
        others = [f for f in factors if f is not total]
        if any(bounds & f.free_symbols for f in others) or any(
                bounds & (sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols) for _, lo, hi in limits):
            return coefficient * sp.Sum(sp.Mul(*factors), *limits) if limits else coefficient * sp.Mul(*factors)
    product = sp.Mul(*plain)
    for total in inner:
        inner_coefficient, rest = sp.S.One, []
        for factor in sp.Mul.make_args(total.function):
            if factor.is_Number:
                inner_coefficient *= factor
            else:
                rest.append(factor)
        coefficient *= inner_coefficient
        product *= sp.Mul(*rest)
        limits = list(total.limits) + limits
    return coefficient * _pulled(product, limits)


def _pulled(product, limits):
    """Σ_L (free · tied) = free · Σ_L tied: factors that mention none of the bound indices go outside."""
    bounds = {limit[0] for limit in limits}
    free, tied = [], []
    for factor in sp.Mul.make_args(product):
        (tied if factor.free_symbols & bounds else free).append(factor)
    if not tied:
        count = sp.Mul(*[high - low + 1 for _, low, high in limits])
        return sp.Mul(*free) * count
    return sp.Mul(*free) * sp.Sum(sp.Mul(*tied), *limits)


@cacheit
def canonical_sums(expr, depth: int = 0):
    """Give every bound index a name fixed by its place, and nested finite sums a fixed order.

    `Σ_i Σ_k A[i,k] B[k,i]` and `Σ_k Σ_i A[i,k] B[k,i]` are the same number (finite sums commute when
    no bound depends on another index): every order of the limits is tried, indices renamed κ0, κ1, …
    in that order, and the smallest form kept.

    Remembered per (expression, depth) in SymPy's cache: the answer depends on nothing else (the
    names κ are symbols equal by name and facts), and an entry form repeats its sums (the softmax's
    denominator in every term).
    """
    if not getattr(expr, "args", None):
        return expr
    if not isinstance(expr, sp.Sum):
        args = [canonical_sums(arg, depth) for arg in expr.args]
        if all(new is old for new, old in zip(args, expr.args)):
            return expr  # nothing renamed below: rebuilding would only cost (an IndexedBase deduces its facts anew)
        return expr.func(*args)
    limits, body = list(expr.limits), expr.function
    while isinstance(body, sp.Sum):
        limits = list(body.limits) + limits
        body = body.function
    bounds = {limit[0] for limit in limits}
    independent = all(not (sp.sympify(low).free_symbols | sp.sympify(high).free_symbols) & bounds
                      for _, low, high in limits)
    orders = (list(itertools.permutations(limits)) if independent and len(limits) <= MAX_PERMUTED_LIMITS
              else [tuple(limits)])
    best = None
    for order in orders:
        names = {bound: sp.Symbol(f"κ{depth + position}", integer=True, nonnegative=True)
                 for position, (bound, _, _) in enumerate(order)}
        renamed = canonical_sums(body.xreplace(names), depth + len(order))
        candidate = renamed
        for bound, low, high in reversed(order):
            candidate = sp.Sum(candidate, (names[bound], low.xreplace(names), high.xreplace(names)))
        if len(orders) == 1:
            return candidate  # the one order: nothing to compare (printing the key costs more than the rest)
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
