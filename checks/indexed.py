"""Vector claims: entry forms for all n, and the explicit instances for a fixed n.

A vector claim is proved for every n on its generic entry (indices i, j ranging over 0..n-1). When
SymPy cannot close that, it is proved size by size on explicit instances, where `x[2]` becomes a
plain real symbol `x_2`; the report says which of the two it was.
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .limits import evaluate_limits
from .memo import contains, memoised
from .memo import key as memoised_key  # the caches' keys carry each value's type


class ShapeMismatch(ValueError):
    """The two sides of a matrix claim do not even have the same shape."""


def shape_of(expr) -> tuple | None:
    if isinstance(expr, (MatrixExpr, sp.MatrixBase)):
        return tuple(expr.shape)
    return None


def entry_form(expr, indices):
    """The generic entry of a (matrix) expression; scalars and entry forms pass through.

    Memoised: SymPy builds a matrix product's entry slowly, and every link asks again.
    """
    shape = shape_of(expr)
    if shape is None:
        return expr
    key = memoised_key(expr, tuple(indices))
    if key not in _ENTRIES:
        _ENTRIES[key] = _entry(expr, shape, indices)
    return _ENTRIES[key]


_ENTRIES: dict = {}


def _entry(expr, shape, indices):
    _rows, cols = shape
    if cols == 1:
        return expr[indices[0], 0]
    return expr[indices[0], indices[1]]


def check_shapes(lhs, rhs) -> None:
    a, b = shape_of(lhs), shape_of(rhs)
    if a is None or b is None:
        return
    if not all(sizes_equal(p, q) for p, q in zip(a, b)):
        raise ShapeMismatch(f"shapes differ: {_shape_text(a)} vs {_shape_text(b)}")


def sizes_equal(p, q) -> bool:
    """p = q for two sizes. Sizes are polynomials in the size symbols, which `expand` decides exactly
    and far faster than `simplify`; what expand leaves nonzero still goes to simplify, as before (a
    nonzero leftover is never taken as equal)."""
    difference = sp.expand(sp.sympify(p) - sp.sympify(q))
    return difference == 0 or sp.simplify(difference) == 0


def _shape_text(shape) -> str:
    return "×".join(str(s) for s in shape)


def resolve_index_range(expr, size):
    """Replace conditions that the index range 0 ≤ idx ≤ n−1 implies by True.

    `Sum(KroneckerDelta(j, k) f(k), (k, 0, n-1)).doit()` gives `Piecewise((f(j), j <= n-1), …)`;
    every free index of a vector claim ranges over 0..n-1, so the first branch is the value.
    """
    if size is None or not contains(expr, sp.Piecewise):
        return expr
    a = sp.Dummy("a", integer=True, nonnegative=True)
    b = sp.Dummy("b", integer=True, nonnegative=True)

    def implied(rel) -> bool:
        if not isinstance(rel, sp.core.relational.Relational):
            return False
        syms = rel.free_symbols - {size}
        if len(syms) != 1:
            return False
        (idx,) = syms
        if not (idx.is_integer and idx.is_nonnegative):
            return False
        return rel.subs({idx: a, size: a + 1 + b}, simultaneous=True) is sp.true

    return expr.replace(lambda e: isinstance(e, sp.core.relational.Relational) and implied(e), lambda e: sp.true)


def expand_sums(expr, size):
    """Split sums over their terms, pull out factors free of the bound index, and evaluate the
    KroneckerDelta sums that result, so that `Σ_k (δ_ik S_k − S_i S_k) g_k` becomes `S_i g_i − S_i Σ_k S_k g_k`.
    """
    for _ in range(4):
        before = expr
        expr = expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) > 1, _nest)
        expr = expr.replace(lambda e: isinstance(e, sp.Sum), _split_sum)
        expr = resolve_index_range(targeted_doit(expr), size)
        if expr == before:
            break
    return expr


def targeted_doit(expr):
    """Evaluate derivatives, limits and the sums that hold a KroneckerDelta; leave other symbolic
    sums alone. SymPy's search for a closed form of Σ_k e^{x_k} g_k (Gosper, hypergeometric terms)
    cannot succeed and costs seconds per expression.
    """
    for _ in range(3):
        evaluated = expr.replace(lambda e: isinstance(e, (sp.Derivative, sp.Limit)), lambda e: e.doit())
        evaluated = evaluated.replace(lambda e: isinstance(e, sp.Sum) and e.has(sp.KroneckerDelta),
                                      lambda e: e.doit())
        if evaluated == expr:
            break
        expr = evaluated
    return expr


def _nest(total):
    body = total.function
    for limit in total.limits:
        body = sp.Sum(body, limit)
    return body


def _drop_trivial_limits(total):
    """Σ over a single value is a substitution; Σ of a term free of the index is a multiplication."""
    body, factor, kept = total.function, sp.S.One, []
    for bound, low, high in total.limits:
        if low == high:
            body = body.subs(bound, low)
        elif bound not in body.free_symbols:
            factor *= high - low + 1
        else:
            kept.append((bound, low, high))
    return factor * (sp.Sum(body, *kept) if kept else body)


def _split_sum(total):
    total = _drop_trivial_limits(total)
    if not isinstance(total, sp.Sum):
        return total
    *inner, (bound, low, high) = total.limits
    body = sp.Sum(total.function, *inner) if inner else total.function
    result = sp.S.Zero
    for term in sp.Add.make_args(sp.expand(body)):
        free, tied = term.as_independent(bound, as_Add=False)
        result += free * (sp.Sum(tied, (bound, low, high)) if tied != 1 else (high - low + 1))
    return result


def canonical_sums(expr, depth: int = 0):
    """Rename every Sum's bound index by its nesting depth, so equal sums compare equal.

    `Σ_k e^{x_k}` and `Σ_m e^{x_m}` are the same number; without this SymPy keeps them apart.
    """
    if not getattr(expr, "args", None):
        return expr
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        (bound, low, high), = expr.limits
        canonical = _canonical_index(depth, **_index_assumptions(bound))
        body = canonical_sums(expr.function.xreplace({bound: canonical}), depth + 1)
        return sp.Sum(body, (canonical, low, high))
    return expr.func(*[canonical_sums(arg, depth) for arg in expr.args])


def _canonical_index(depth: int, **assumptions):
    """The bound index of a sum nested `depth` deep: one fixed Dummy per (depth, assumptions).

    A Dummy, so that no symbol a user declares can be captured by a renamed sum; the same object
    every time, so that equal sums still compare equal.
    """
    key = (depth, tuple(sorted(assumptions.items())))
    if key not in _CANONICAL_INDICES:
        _CANONICAL_INDICES[key] = sp.Dummy(f"κ{depth}", **assumptions)
    return _CANONICAL_INDICES[key]


_CANONICAL_INDICES: dict = {}


def _index_assumptions(symbol) -> dict:
    return {key: True for key in ("integer", "nonnegative") if getattr(symbol, f"is_{key}")}


def explicit_symbol(base, position: int):
    """The real symbol that stands for `base[position]` in an explicit instance.

    Named `x[2]`, a name no reader accepts for a symbol (so it reads well in a message): a named
    `x_2` would be the same SymPy object as a scalar `x_2` the user declares next to the vector x.
    lambdify renames arguments that are not identifiers.
    """
    assumptions = base.label.assumptions0 if hasattr(base.label, "assumptions0") else {}
    kw = {key: val for key, val in assumptions.items() if key in ("real", "positive", "negative", "nonzero")}
    if not kw:
        kw = {"real": True}
    key = (str(base.label), position, tuple(sorted(kw.items())))
    if key not in _EXPLICIT_SYMBOLS:
        _EXPLICIT_SYMBOLS[key] = sp.Symbol(f"{base.label}[{position}]", **kw)
    return _EXPLICIT_SYMBOLS[key]


_EXPLICIT_SYMBOLS: dict = {}


@memoised  # the numeric check and the size-by-size proof ask for the same instances
def explicit_instance(expr, size, size_value: int, index_values: dict):
    """`expr` with n and the free indices fixed, sums expanded, and x[k] turned into symbols x_k."""
    if expr is None:
        return None
    concrete = expr.xreplace({size: sp.Integer(size_value), **{k: sp.Integer(v) for k, v in index_values.items()}})
    if isinstance(concrete, sp.MatrixBase):
        concrete = concrete.applyfunc(lambda e: evaluate_limits(e).doit())
    elif isinstance(concrete, MatrixExpr):
        concrete = concrete.as_explicit().applyfunc(lambda e: evaluate_limits(e).doit())
    else:
        concrete = evaluate_limits(concrete).doit()
    return as_symbols(concrete)


def explicit_entries(expr, size, size_value: int, assignments, prepare):
    """The explicit entries of `expr` for each index assignment, expanding the sums only once.

    `xreplace` rather than `subs`: fixing an index only rebuilds the tree (KroneckerDelta(0, 1)
    still evaluates to 0) and is an order of magnitude faster on these expressions.
    """
    if expr is None:
        return []
    key = memoised_key(expr, size, size_value, tuple(tuple(sorted(a.items(), key=str)) for a in assignments))
    if key in _EXPLICIT_CACHE:
        return _EXPLICIT_CACHE[key]
    expanded = None
    if not expr.has(sp.Limit):  # SymPy's limit needs the indices fixed (it gives up after ~0.1 s)
        try:
            expanded = prepare(expr.xreplace({size: sp.Integer(size_value)}).doit())
        except Exception:  # noqa: BLE001 - what cannot be evaluated with the indices free
            expanded = None
    if expanded is None:
        entries = [prepare(explicit_instance(expr, size, size_value, a)) for a in assignments]
    else:
        entries = []
        for assignment in assignments:
            fixed = expanded.xreplace({k: sp.Integer(v) for k, v in assignment.items()})
            if fixed.has(*UNEVALUATED):  # otherwise doit only rebuilds the tree (as slowly as building it)
                fixed = fixed.doit()
            entries.append(prepare(as_symbols(fixed)))
    _EXPLICIT_CACHE[key] = entries
    return entries


_EXPLICIT_CACHE: dict = {}
UNEVALUATED = (sp.Derivative, sp.Sum, sp.Product, sp.Limit, sp.Integral, sp.Subs)


def as_symbols(expr):
    """x[2] → x_2 for every entry with a concrete index."""
    concrete = {e: explicit_symbol(e.base, int(e.indices[0])) for e in expr.atoms(sp.Indexed)
                if all(ix.is_Integer for ix in e.indices)}
    return expr.xreplace(concrete) if concrete else expr


def index_assignments(indices, size_value: int, where=None):
    """Every assignment of concrete values 0..size-1 to the free indices that satisfies `where`."""
    for values in itertools.product(range(size_value), repeat=len(indices)):
        assignment = dict(zip(indices, values))
        if where is not None:
            cond = where.subs(assignment)
            if cond is sp.false:
                continue
        yield assignment


def apply_index_condition(expr, where, indices):
    """Specialise an entry form to an index case such as `i = j` or `i ≠ j`.

    `Eq(i, j)` substitutes j → i; `Ne(i, j)` sets KroneckerDelta(i, j) to 0. Other conditions are
    left to the explicit instances.
    """
    if where is None:
        return expr
    atoms = [where] if not isinstance(where, sp.And) else list(where.args)
    for cond in atoms:
        if isinstance(cond, (sp.Eq, sp.Ne)) and set(cond.free_symbols) <= set(indices) and len(cond.free_symbols) == 2:
            p, q = cond.args
            if isinstance(cond, sp.Eq):
                expr = expr.subs(q, p)
            else:
                pair = {p, q}
                expr = expr.replace(
                    lambda e, pair=pair: isinstance(e, sp.KroneckerDelta) and set(e.args) == pair,
                    lambda e: sp.S.Zero,
                )
    return expr


def index_part(where, indices):
    """The part of `where` that speaks only of indices (i ≠ j): it picks entries, not points."""
    if where is None:
        return None
    parts = where.args if isinstance(where, sp.And) else (where,)
    kept = [p for p in parts if p.free_symbols and p.free_symbols <= set(indices)]
    return sp.And(*kept) if kept else None
