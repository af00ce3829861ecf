"""Limits in explicit instances, each shape computed once.

A vector claim about a limit is checked entry by entry at n = 1, 2, 3, and SymPy's limit (gruntz)
takes ~50 ms an entry. Entries that differ only by a permutation of one vector's coordinates are the
same limit with the variables renamed: `lim e^{-c d₀}/(e^{-c d₀} + 1 + e^{-c d₂})` and the same with
d₀ and d₂ exchanged. Renaming interchangeable variables (the same base, so the same assumptions) is
exact, so each limit is computed in a canonical naming (the entries present renamed to 0..k-1 in
the order whose fingerprint is least) and mapped back: the 14 entries of the one-hot limit at
n ≤ 3 need 4 computations.
"""

from __future__ import annotations

import itertools
import math

import sympy as sp

from .run.fingerprint import fingerprint

MAX_RENAMINGS = 24  # permutations tried to find the canonical naming (4! for one vector of size 4)

_VALUES: dict[str, sp.Expr] = {}


def evaluate_limits(expr):
    """`expr` with every Limit evaluated (inner sums first), sharing work across renamings."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Limit):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Limit), _limit_value)


def _limit_value(limit: sp.Limit):
    limit = limit.func(limit.args[0].doit(), *limit.args[1:])
    renamings = list(_renamings(limit))
    if not renamings:
        return _compute(limit)
    forms = [(fingerprint(limit.xreplace(r)), r) for r in renamings]
    key, renaming = min(forms, key=lambda form: form[0])
    if key not in _VALUES:
        _VALUES[key] = _compute(limit.xreplace(renaming))
    inverse = {new: old for old, new in renaming.items()}
    return _VALUES[key].xreplace(inverse)


def _compute(limit: sp.Limit):
    value = vanishing_exponentials(limit)
    return value if value is not None else limit.doit()


def vanishing_exponentials(limit: sp.Limit):
    """lim_{c→∞} of a rational function of terms e^{a·c + b} with every a < 0, or None.

    Each such term tends to 0, and a rational function is continuous wherever its denominator is
    not 0: when it is not 0 with every term at 0, the limit is the function's value there. This is
    the one-hot limit of softmax(c·x), exactly, without gruntz (50 ms a limit).
    """
    expr, c, point = limit.args[0], limit.args[1], limit.args[2]
    if point is not sp.oo:
        return None
    terms = {}
    for power in expr.atoms(sp.exp):
        exponent = sp.expand(power.args[0])
        slope = exponent.coeff(c)
        if not exponent.has(c):
            continue
        if (exponent - slope * c).has(c) or slope.is_negative is not True:
            return None
        terms[power] = sp.Dummy("u")
    rational = expr.xreplace(terms)
    if rational.has(c) or not rational.is_rational_function(*terms.values()):
        return None
    numerator, denominator = sp.fraction(sp.cancel(sp.together(rational)))
    at_zero = {u: 0 for u in terms.values()}
    if denominator.xreplace(at_zero) == 0:
        return None
    return sp.cancel(numerator.xreplace(at_zero) / denominator.xreplace(at_zero))


def _renamings(expr):
    """Every way to rename the k entries of each vector present in `expr` to its entries 0..k-1
    (none if there are too many)."""
    groups: dict = {}
    for entry in expr.atoms(sp.Indexed):
        if len(entry.indices) == 1 and entry.indices[0].is_Integer:
            groups.setdefault(entry.base, []).append(entry)
    if not groups or math.prod(math.factorial(len(g)) for g in groups.values()) > MAX_RENAMINGS:
        return
    ordered = [(base, sorted(group, key=lambda e: int(e.indices[0])))
               for base, group in sorted(groups.items(), key=lambda item: str(item[0]))]
    targets = [[base[k] for k in range(len(group))] for base, group in ordered]
    for choice in itertools.product(*(itertools.permutations(t) for t in targets)):
        yield {old: new for (_, group), image in zip(ordered, choice) for old, new in zip(group, image)}
