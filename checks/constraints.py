"""Equalities in `where` (`t0 + t1 + t2 == 1`, `y == 1`): the claim lives on the constraint set, so each
equality is solved for one symbol and that symbol is substituted in every side, step and condition.

The sampler then draws points on the constraint set (almost no random point satisfies an equality),
and the prover proves the substituted claim, which is the same claim on that set. Sound only if the
substitution is exact and covers the whole set, so a symbol is solved for only when

* the equality is a polynomial in it whose leading coefficient is a nonzero number (no case where the
  coefficient vanishes and every value solves it is lost), and
* SymPy lists all its roots (with multiplicity adding up to the degree), each a rational function of
  the other symbols with real coefficients (real wherever the others are); roots that are never real
  (±i for y² = −1) are left out: no real point lies there.

Each root is one branch, checked on its own; the solved symbol's assumptions (positive, nonzero, …)
become conditions on the others, and a denominator of the root must not vanish. Anything else is
not solved: the claim is not proved, and the message says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

MAX_BRANCHES = 8


class Unsolvable(Exception):
    """An equality of `where` that cannot be solved exactly for any symbol: the reason, for the user."""


@dataclass(frozen=True)
class Branch:
    """One piece of the constraint set: `symbol = value` for each solved symbol, and the conditions the
    remaining symbols must meet there."""

    solved: tuple[tuple[sp.Symbol, sp.Expr], ...]
    where: sp.Basic | None

    def describe(self) -> str:
        return ", ".join(f"{symbol} = {value}" for symbol, value in self.solved)


def has_equalities(where) -> bool:
    return where is not None and isinstance(where, sp.Basic) and bool(where.atoms(sp.Eq))


def bound_symbols(*exprs) -> set:
    """Symbols an integral, limit or substitution binds in the expressions: never solved for (replacing
    them would replace the bound variable too)."""
    bound = set()
    for expr in exprs:
        if isinstance(expr, sp.Basic):
            for node in sp.preorder_traversal(expr):
                if isinstance(node, sp.Integral):
                    bound.update(limit[0] for limit in node.limits)
                elif isinstance(node, sp.Limit):
                    bound.add(node.args[1])
                elif isinstance(node, sp.Subs):
                    bound.update(node.variables)
    return bound


def branches(where, symbols, bound=frozenset()) -> list[Branch]:
    """The constraint set of `where` as branches (see the module docstring); raises Unsolvable. `bound`:
    symbols not to solve for."""
    if where is sp.false:
        return []
    parts = list(sp.And.make_args(where))
    equalities = [p for p in parts if isinstance(p, sp.Eq)]
    rest = [p for p in parts if not isinstance(p, sp.Eq)]
    if any(p.atoms(sp.Eq) for p in rest):
        raise Unsolvable("an equality under '|' cannot be solved for one symbol; write one identity per case")
    free = [s for s in symbols if isinstance(s, sp.Symbol) and s not in bound]
    done = _solved(Branch((), sp.And(*rest) if rest else None), equalities, free)
    if len(done) > MAX_BRANCHES:
        raise Unsolvable(f"the equalities split the domain into more than {MAX_BRANCHES} branches")
    return done


def _solved(branch: Branch, equalities: list, free: list) -> list[Branch]:
    """The branches of `branch` once every equality is solved: each time the first equality that can be
    solved exactly (in `where`'s order), so `x == 1 & x*y == 3` solves x, then y = 3."""
    if not equalities:
        return [branch]
    substitution = dict(branch.solved)
    first_failure = None
    for k, equality in enumerate(equalities):
        difference = sp.expand((equality.lhs - equality.rhs).xreplace(substitution))
        others = equalities[:k] + equalities[k + 1:]
        if difference == 0:
            return _solved(branch, others, free)
        try:
            symbol, roots = _solve(difference, [s for s in free if s not in substitution], equality)
        except Unsolvable as failure:
            first_failure = first_failure or failure
            continue
        grown = []
        for value, conditions in roots:
            extra = [c for c in conditions if c is not sp.true]
            if any(c is sp.false for c in extra):
                continue
            solved = tuple((s, v.xreplace({symbol: value})) for s, v in branch.solved) + ((symbol, value),)
            where = branch.where.xreplace({symbol: value}) if branch.where is not None else None
            if where is sp.false:
                continue
            joined = [w for w in (where, *extra) if w is not None and w is not sp.true]
            grown.extend(_solved(Branch(solved, sp.And(*joined) if joined else None), others, free))
            if len(grown) > MAX_BRANCHES:
                raise Unsolvable(f"the equalities split the domain into more than {MAX_BRANCHES} branches")
        return grown
    raise first_failure


def _solve(difference, symbols, equality):
    """(symbol, [(root, conditions)]) for the first symbol the equality can be solved for exactly."""
    for symbol in sorted(symbols, key=lambda s: (_degree(difference, s), -symbols.index(s))):
        solved = _roots(difference, symbol)
        if solved is not None:
            return symbol, solved
    raise Unsolvable(f"cannot solve '{equality.lhs} == {equality.rhs}' exactly for one symbol (a polynomial "
                     "with a constant leading coefficient and rational roots is needed); substitute it yourself "
                     "in lhs and rhs")


def _degree(expr, symbol) -> int:
    try:
        return sp.Poly(expr, symbol).degree()
    except sp.PolynomialError:
        return 10**6


def _roots(difference, symbol):
    if symbol not in difference.free_symbols:
        return None
    try:
        poly = sp.Poly(difference, symbol)
    except sp.PolynomialError:
        return None
    leading = poly.LC()
    if poly.degree() < 1 or not (leading.is_number and leading.is_nonzero):
        return None
    if any(not c.is_polynomial(*difference.free_symbols) for c in poly.all_coeffs()):
        return None
    found = sp.roots(poly)
    if sum(found.values()) != poly.degree():
        return None
    solved = []
    for root in found:
        root = sp.cancel(root)
        if root.is_real is False:
            continue  # never real: no point of the real constraint set lies on this root
        numerator, denominator = sp.fraction(root)
        if root.has(sp.I) or not (numerator.is_polynomial() and denominator.is_polynomial()) or root.is_real is not True:
            return None
        conditions = [sp.Ne(denominator, 0)] if not denominator.is_number else []
        assumed = _assumed(symbol, root)
        if assumed is None:
            return None
        solved.append((root, [*conditions, *assumed]))
    return solved


def _assumed(symbol, value):
    """The solved symbol's assumptions as conditions on its value; None if one cannot be written."""
    if symbol.is_integer and value.is_integer is not True:
        return None
    if symbol.is_positive:
        return [sp.Gt(value, 0)]
    if symbol.is_negative:
        return [sp.Lt(value, 0)]
    conditions = []
    if symbol.is_nonnegative:
        conditions.append(sp.Ge(value, 0))
    if symbol.is_nonpositive:
        conditions.append(sp.Le(value, 0))
    if symbol.is_nonzero:
        conditions.append(sp.Ne(value, 0))
    return conditions


def substitute(expr, solved):
    """`expr` with the solved symbols replaced; a derivative with respect to one of them is taken first
    (evaluated at the value), never with respect to the value."""
    if expr is None:
        return None
    mapping = dict(solved)
    if isinstance(expr, sp.Basic) and any(d.has(*mapping) for d in expr.atoms(sp.Derivative)):
        expr = expr.replace(lambda e: isinstance(e, sp.Derivative) and e.has(*mapping), lambda e: e.doit())
    return expr.xreplace(mapping) if isinstance(expr, sp.Basic) else expr


def branch_identity(identity, branch: Branch):
    """The identity on one branch: the solved symbols substituted everywhere and no longer sampled."""
    solved = branch.solved
    gone = {symbol for symbol, _ in solved}
    derivations = tuple(replace(d, chain=tuple(substitute(e, solved) for e in d.chain),
                                where=substitute(d.where, solved)) for d in identity.derivations)
    errata = tuple(replace(e, corrections=tuple(replace(c, expr=substitute(c.expr, solved))
                                                for c in e.corrections)) for e in identity.errata)
    return replace(identity, lhs=substitute(identity.lhs, solved), rhs=substitute(identity.rhs, solved),
                   where=branch.where, symbols=tuple(s for s in identity.symbols if s not in gone),
                   derivations=derivations, errata=errata, finite_differences=False,
                   notes=(*identity.notes, f"checked on the constraint set of 'where' with {branch.describe()}"))


__all__ = ["Branch", "Unsolvable", "bound_symbols", "branch_identity", "branches", "has_equalities"]
