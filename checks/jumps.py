"""Jump functions at their jumps: where no precision can say which side of the jump a value is on.

sign, Heaviside, floor, ceiling, frac and the conditions of a Piecewise are discontinuous (and DiracDelta
has no value at 0, where mpmath's noise would give it 0): a rounding
error of 10^-60 in their argument can move their value by 1. Elsewhere a value that is 0 in truth is
computed as rounding noise and stays harmless (|noise| is noise), but sign(noise) is ±1, and the
noise of cosh(x)² − sinh(x)² − 1 has the same sign at 60 and at 100 digits often enough: a difference
"confirmed at two precisions" that is the sign of rounding noise. So a high-precision point is trusted
only when the argument of every jump function is confirmed clear of its jump (evaluate.settle):

- clear of it by far more than the rounding error at one precision, or equal at two precisions to
  CONFIRMING_DIGITS digits and nonzero: the jump function's value is right;
- 0 (for floor, ceiling, frac: an integer) within rounding: the value cannot be had numerically.
  The argument is then decided exactly (`Watch.decide`): at the point, made exact (a float64 is a
  rational number), SymPy's own evaluation or `simplify` of the argument says 0, and the jump function
  is replaced by its value there (sign(0) = 0, Heaviside(0) = ½, floor(3) = 3, x < 3 false at 3); or it
  cannot say, and the point is unresolved: neither a counterexample nor agreement.

Abs, Max and Min are continuous: noise in their arguments is noise in their value, which the
comparison of the sides already treats as noise. They need nothing here.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from .run.budget import BudgetExceeded

_AT_ZERO = (sp.sign, sp.Heaviside, sp.DiracDelta)  # jump where the argument is 0 (DiracDelta has no value there)
_AT_INTEGERS = (sp.floor, sp.ceiling, sp.frac)  # jump where the argument is an integer
_MAX_SIMPLIFY_OPS = 60  # `simplify` on a larger argument costs more than the point is worth: unresolved
MAX_POINT_SIMPLIFY = 4  # per claim


@dataclass(frozen=True)
class Site:
    """One jump function in the claim: `node` (sign(a), floor(a), a relation a < b), `argument` (a, or
    a − b), and whether it jumps at 0 or at the integers."""

    node: sp.Basic
    argument: sp.Expr
    at_integers: bool = False

    def value_at_jump(self, integer: int = 0):
        """The node's exact value where its argument is 0 (or the integer)."""
        if isinstance(self.node, sp.core.relational.Relational):
            return self.node.func(sp.S.Zero, sp.S.Zero)
        if self.at_integers:
            return self.node.func(sp.Integer(integer))
        return self.node.func(sp.S.Zero, *self.node.args[1:])


def sites(exprs, symbols: Sequence) -> tuple[Site, ...]:
    """The jump functions of `exprs` whose arguments are functions of `symbols` (or constants): a jump
    inside an integral over its own variable is the quadrature's business, not a point's."""
    known = set(symbols)
    found: dict = {}
    seen: set = set()  # a network's gradient repeats the same subtrees many times: each is visited once
    stack = [e for e in reversed(list(exprs)) if isinstance(e, sp.Basic)]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        site = _site(node)
        if site is not None and site.argument.free_symbols <= known:
            found[node] = site
        stack.extend(reversed(node.args))
    return tuple(found.values())


def _site(node) -> Site | None:
    if isinstance(node, _AT_ZERO):
        return Site(node, node.args[0])
    if isinstance(node, _AT_INTEGERS):
        return Site(node, node.args[0], at_integers=True)
    if isinstance(node, sp.core.relational.Relational):  # a Piecewise condition: it jumps where lhs = rhs
        return Site(node, node.lhs - node.rhs)
    return None


class Watch:
    """The jump functions of one claim (lhs, rhs): their arguments at a point, at a precision, and the
    sides with some of them decided exactly (see module docstring)."""

    def __init__(self, lhs, rhs, symbols: Sequence, found: tuple[Site, ...], budget: list | None = None):
        self.lhs, self.rhs, self.symbols, self.sites = lhs, rhs, tuple(symbols), found
        self._arguments = None
        # `simplify` at single points, shared by the watches derived from this one: each costs ~0.1 s,
        # and an argument that does not simplify to 0 as an expression rarely does at a point
        self._budget = budget if budget is not None else [MAX_POINT_SIMPLIFY]

    @classmethod
    def of(cls, lhs, rhs, symbols: Sequence) -> Watch | None:
        """The watch of a claim whose sides are expressions, or lists of entries (a vector claim at one
        size); None when it has no jump function."""
        found = sites(_entries(lhs) + _entries(rhs), symbols)
        return cls(lhs, rhs, symbols, found) if found else None

    def arguments(self, point, digits: int) -> list:
        """Each site's argument at the point, at `digits` (an mpf, an mpc, None where undefined)."""
        from . import evaluate

        if self._arguments is None:
            self._arguments = evaluate.exact_function([s.argument for s in self.sites], self.symbols)
        values = self._arguments(*point, digits=digits)
        return values if isinstance(values, list) else [values]

    def offsets(self, values, digits: int) -> list:
        """Each argument's distance to its jump: the argument, or for a jump at the integers its
        distance to the nearest integer."""
        shown = []
        with mpmath.workdps(digits):
            for site, value in zip(self.sites, values):
                if site.at_integers and isinstance(value, mpmath.mpf):
                    value = value - mpmath.nint(value)
                shown.append(value)
        return shown

    def decide(self, point, ambiguous: Sequence[int], digits: int) -> tuple[Watch | None, str]:
        """The claim with the jump functions at `ambiguous` (site indices) replaced by their exact values
        at `point`, or (None, why) when one of them cannot be decided exactly. A jump at the integers is
        decided at its argument's nearest integer at `digits`."""
        exact = {s: _exact(v) for s, v in zip(self.symbols, point)}
        if any(v is None for v in exact.values()):
            return None, "a jump function's argument is within rounding of its jump at a point that is not exact"
        values = self.arguments(point, digits) if any(self.sites[k].at_integers for k in ambiguous) else []
        replacements = {}
        for index in ambiguous:
            site = self.sites[index]
            integer = 0
            if site.at_integers:
                if not isinstance(values[index], mpmath.mpf):
                    return None, f"{_shown(site.node)} has no real argument there"
                integer = int(mpmath.nint(values[index]))
            if not _is_zero(site.argument - integer, exact, self._budget):
                where = "an integer" if site.at_integers else "0"
                return None, (f"the argument of {_shown(site.node)} is within rounding of {where} there and "
                              "could not be decided exactly")
            replacements[site.node] = site.value_at_jump(integer)
        lhs, rhs = _replaced(self.lhs, replacements), _replaced(self.rhs, replacements)
        found = sites(_entries(lhs) + _entries(rhs), self.symbols)
        return Watch(lhs, rhs, self.symbols, found, self._budget), ""


def _entries(side) -> list:
    return list(side) if isinstance(side, (list, tuple)) else [side]


def _replaced(side, replacements):
    if isinstance(side, (list, tuple)):
        return [entry.xreplace(replacements) if isinstance(entry, sp.Basic) else entry for entry in side]
    return side.xreplace(replacements)


def _exact(value):
    """A sampled coordinate as an exact number: a float64 is the rational it represents."""
    if isinstance(value, sp.Rational):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return sp.Rational(number) if mpmath.isfinite(number) else None


def _is_zero(argument, exact, budget: list) -> bool:
    """Whether the argument is exactly 0 at the exact point: SymPy's evaluation of it there (a number),
    or its `simplify` as an expression (0 as an expression: 0 wherever it has a value, and it has one
    there, it was computed), or `simplify` at the point (while `budget` lasts). SymPy's assumptions
    (`is_zero`) are not asked: on a numeric expression they evaluate it numerically, slowly."""
    at = argument.xreplace(exact)
    if at.is_Number:
        return at == 0
    if sp.count_ops(argument) > _MAX_SIMPLIFY_OPS:
        return False
    if _simplifies_to_zero(argument):
        return True
    if budget[0] <= 0 or not all(_simple(v) for v in exact.values()):
        return False  # a float64 is a rational with a 2^52 denominator: simplify there takes seconds
    budget[0] -= 1
    return _simplifies_to_zero(at)


def _simple(number) -> bool:
    """A number of small height, such as a special point (7/3, -2/3, 3) or a simple float64 (0.5)."""
    return abs(number.p) < 10**6 and number.q < 10**6


@functools.lru_cache(maxsize=256)
def _simplifies_to_zero(expr) -> bool:
    if expr in _TOO_SLOW:
        return False
    try:
        return sp.simplify(expr) == 0
    except BudgetExceeded:  # the point's time is up (evaluate.within_point_time): not decided, now or later
        _TOO_SLOW.add(expr)
        raise
    except Exception:  # noqa: BLE001 - simplify fails in many ways: not decided
        return False


_TOO_SLOW: set = set()  # arguments whose simplify outlasted a point's time


def _shown(node) -> str:
    text = str(node)
    return text if len(text) <= 60 else text[:57] + "..."
