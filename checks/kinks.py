"""Derivatives at kinks: where a derivative in a claim does not exist, or SymPy's formula is wrong.

SymPy differentiates |x| to sign(x), max(x, 3) to Heaviside(x − 3) and sign(x) to 2·DiracDelta(x).
Off the kink points (zeros of the arguments of Abs, sign and Heaviside, the points where two
arguments of Max or Min meet, the boundaries of Piecewise branches) these formulas are the
derivative. At a kink point they are conventions (sign(0) = 0, Heaviside(0) = 1/2, DiracDelta(0)):
the derivative may not exist there (|x| at 0: one-sided derivatives −1 and 1), or exist with a
value the formula does not give. A proof that runs the strategies on the formulas would prove
`d|x|/dx = sign(x)` at 0 by convention.

So before a claim with a derivative of a non-smooth function is proved, every kink point inside
the domain is found exactly (`solveset` over the reals, then `where`), and the claim is decided
there by exact one-sided limits of the difference quotient:

- a side with no derivative where the other side is defined refutes the claim at that point;
- where both sides are defined, they must agree exactly (the true derivative, not the formula);
- where neither side is defined, the claim says nothing there (as for 1/x = 1/x at 0).

Off the kink points the formulas hold and DiracDelta is 0, which is what `symbolic.prepare` then
lets the strategies see.

The same holds for the points where a side may be undefined (a denominator or a logarithm's
argument is 0, a pole of tan): `cancel` turns (x² − 1)/(x − 1) into x + 1, an equivalence
everywhere except at x = 1, where the lhs is undefined and the rhs is 2, a counterexample. So those
points too are listed (bases known to be nonzero, such as 1 + e^{−x}, are skipped at no cost) and
the claim is decided there exactly, by the same three rules.

Anything this module cannot decide exactly (kinks that are not a finite set, a limit SymPy cannot
take, mixed partial derivatives, zeros it cannot list) blocks the proof: it says why.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

import sympy as sp

from .memo import contains
from .run.budget import BudgetExceeded

NON_SMOOTH = (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise, sp.DiracDelta,
              sp.floor, sp.ceiling, sp.frac)
_ARGUMENT_ZEROS = (sp.Abs, sp.sign, sp.Heaviside, sp.DiracDelta)
_UNDEFINED = (sp.nan, sp.zoo, sp.oo, -sp.oo)
# values tried for the other symbols when a refutation needs a concrete point
_CANDIDATES = (1, 2, -1, sp.Rational(1, 2), 3, -2, 0, sp.Rational(-1, 2), 5)
MAX_INSTANCES = 24


class Undecided(Exception):
    """The kinks could not be found or decided exactly; the message says why."""


@dataclass(frozen=True)
class KinkVerdict:
    """What the kink analysis concluded about a claim.

    status: "smooth" (no derivative of a non-smooth function: nothing to do), "covered" (every kink
    point in the domain was decided exactly and the claim holds there), "refuted" (a point where
    the claim fails, exactly), "unknown" (no proof may be given; `message` says why).
    """

    status: str
    message: str = ""
    point: dict = field(default_factory=dict)
    strategy: str = "kink"  # "kink": no derivative, or its true value, at a kink; "domain": one side undefined
    values: tuple[str, ...] = ()  # (lhs, rhs, difference) at the refuting point; "undefined": a side with none
    # "covered": the kinks of the derivatives decided exactly, as (symbol, point): there the formulas give
    # conventions, so a proof by the strategies needs to hold only off them; and why each point where
    # neither side has a value is outside the claim's domain
    decided: tuple = ()
    excluded: tuple = ()  # (symbol, point, why): where neither side has a value


@dataclass(frozen=True)
class _NoDerivative:
    """The value of a derivative at a point where it does not exist."""

    reason: str


def kink_counterexample(lhs, rhs, where=None):
    """`(point, message)` when the claim fails exactly at a kink point of a derivative, else None.

    `point` maps each symbol to an exact value; `message` reads e.g. "no derivative at x = 3:
    one-sided derivatives 0 and 1".
    """
    verdict = analyse(lhs, rhs, where)
    return (verdict.point, verdict.message) if verdict.status == "refuted" else None


def has_kinked_derivative(expr) -> bool:
    """Does `expr` differentiate a non-smooth function? The cheap test that keeps smooth claims fast."""
    return any(isinstance(node, sp.Derivative) and contains(node.expr, *NON_SMOOTH) for node in _distinct_nodes([expr]))


def analyse(lhs, rhs, where=None, prepared=None) -> KinkVerdict:
    """Decide the claim `lhs = rhs` (on `where`) at its special points: the kinks of its derivatives
    and the points where a side may be undefined.

    `prepared`: the two sides with their derivatives evaluated (symbolic.prepare), whose denominators
    and logarithms are what a proof by the strategies would cancel.
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    kinked = has_kinked_derivative(lhs) or has_kinked_derivative(rhs)
    # one expression, one domain; prepared forms alike are not enough when a side has a derivative,
    # whose true value may differ from the formula where the formula is undefined
    derivative = lhs.has(sp.Derivative) or rhs.has(sp.Derivative)
    same = lhs == rhs or (prepared is not None and prepared[0] == prepared[1] and not derivative)
    bases = set() if same else singular_bases(*(prepared or (lhs, rhs)))  # one expression: one domain
    bases = {b for b in bases if not excluded_by(b, where)}
    if not kinked and not bases:
        return KinkVerdict("smooth")
    try:
        variable = _variable(lhs, rhs) if kinked else None
        groups = _singular_equations(bases, variable)
    except Undecided as undecided:
        return KinkVerdict("unknown", str(undecided))
    if variable is not None:
        groups.setdefault(variable, [])
    symbols = lhs.free_symbols | rhs.free_symbols | (where.free_symbols if where is not None else set())
    decided, excluded = [], []
    for x in sorted(groups, key=lambda s: (s != variable, str(s))):
        verdict = _analyse_variable(lhs, rhs, where, x, groups[x], x == variable, symbols)
        if verdict.status == "refuted" and where is not None and where.subs(verdict.point) is not sp.true:
            return KinkVerdict("unknown", f"{verdict.message}, but the domain could not be confirmed there")
        if verdict.status != "covered":
            return verdict
        decided += verdict.decided
        excluded += verdict.excluded
    return KinkVerdict("covered", decided=tuple(decided), excluded=tuple(dict.fromkeys(excluded)))


def _analyse_variable(lhs, rhs, where, x, equations, with_nodes, symbols) -> KinkVerdict:
    others = sorted(symbols - {x}, key=str)
    try:
        verdict = _analyse_at(lhs, rhs, where, x, equations, with_nodes)
    except Undecided as undecided:
        verdict = KinkVerdict("unknown", str(undecided))
    if verdict.status == "covered" or (verdict.status == "refuted" and not others):
        return verdict
    # A counterexample names every symbol: try values of the others (also when undecided in general).
    concrete = _concrete_refutation(lhs, rhs, where, x, others, equations, with_nodes) if others else None
    if concrete is not None:
        return concrete
    if verdict.status == "refuted":
        shown = ", ".join(map(str, others))
        return KinkVerdict("unknown", f"{verdict.message}, for some values of {shown} (none found)")
    return verdict


def singular_bases(*sides) -> set:
    """Expressions whose zeros may leave a side undefined: denominators (bases of powers whose
    exponent may be negative), arguments of log, cosines under tan (cosh under tanh); those known
    nonzero are left out."""
    bases = set()
    for node in _distinct_nodes(sides):
        if isinstance(node, sp.Pow):
            if node.exp.is_nonnegative is not True:
                bases.add(node.base)
        elif isinstance(node, sp.log):
            bases.add(node.args[0])
        elif isinstance(node, sp.tan):
            bases.add(sp.cos(node.args[0]))
        elif isinstance(node, sp.tanh):  # poles where cosh is 0: none on the reals, iπ/2 for tanh(√x) at x = −π²/4
            bases.add(sp.cosh(node.args[0]))
        elif isinstance(node, sp.Piecewise) and not any(c == sp.true for _, c in node.args):
            # a partial Piecewise (readers.expression.keep_domain: a cancelled denominator) has no
            # value where none of its conditions holds: the zeros of its `≠ 0` conditions
            for _, condition in node.args:
                bases |= {r.lhs - r.rhs for r in condition.atoms(sp.Ne)}
    return {b for b in bases if b.free_symbols and b.is_zero is not False}


def excluded_by(base, where) -> bool:
    """Does `where` put every zero of `base` outside the domain? When each factor of the base is, up to
    sign, a quantity one of its conjuncts compares with 0 strictly (det(A) ≠ 0 for the determinant of a
    declared invertible matrix, 1 + vᵀA⁻¹u ≠ 0)."""
    if where is None:
        return False
    facts = []
    for part in (where.args if isinstance(where, sp.And) else (where,)):
        if isinstance(part, (sp.Ne, sp.StrictGreaterThan, sp.StrictLessThan)):
            facts.append(sp.expand(part.lhs - part.rhs))
    if not facts:
        return False
    return all(_nonzero_by(factor, facts) for factor in sp.Mul.make_args(base))


def _nonzero_by(expr, facts, depth: int = 2) -> bool:
    """expr is a nonzero number times a product of (up to depth + 1) quantities the facts say are
    nonzero: det(A + uvᵀ) = det(A)·(1 + vᵀA⁻¹u). At a point of the domain every fact holds, so each
    such quantity has a value there, and is not 0."""
    while isinstance(expr, sp.Pow) and expr.exp.is_positive:
        expr = expr.base
    if expr.is_number:
        return expr.is_zero is False
    for fact in facts:
        quotient = sp.cancel(expr / fact)
        if quotient.is_number and quotient.is_zero is False:
            return True
        if (depth and not quotient.has(fact) and sp.count_ops(quotient) < sp.count_ops(expr)
                and _nonzero_by(quotient, facts, depth - 1)):
            return True
    return False


def _distinct_nodes(roots):
    """Every distinct subexpression once: a network's gradient repeats the same subtrees many times,
    and `atoms` walks every repetition."""
    seen = set()
    stack = [root for root in roots if isinstance(root, sp.Basic)]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node
        stack.extend(node.args)


def _singular_equations(bases, preferred) -> dict:
    """Each base under the symbol it is solved for: the preferred one (the kink variable) when it
    appears, else the first symbol (by name) the base's zeros can be listed in."""
    groups: dict = {}
    for base in sorted(bases, key=sp.default_sort_key):
        candidates = sorted(base.free_symbols, key=lambda s: (s != preferred, str(s)))
        for symbol in candidates:
            try:
                listable = symbol.is_real and _listable(real_zeros(base, symbol))
            except Exception:  # noqa: BLE001 - solveset fails in many ways: try the next symbol
                listable = False
            if listable:
                groups.setdefault(symbol, []).append(base)
                break
        else:
            raise Undecided(f"cannot list the zeros of {base}, where a side may be undefined")
    return groups


def real_zeros(base, x):
    """The real x where `base` is 0. SymPy's solveset over the reals takes every intermediate value to be
    real: 1 + e^{−√x} = 0 has no real solution for it, yet at x = −π² the root is iπ and the sum is 0. So
    a base not known to be real is solved over ℂ and its real solutions kept (a set SymPy cannot list
    then blocks the proof, as any unlisted zeros do)."""
    if base.is_extended_real or _real_valued(base):
        return sp.solveset(base, x, sp.S.Reals)
    z = sp.Dummy("z")
    return sp.solveset(base.xreplace({x: z}), z, sp.S.Complexes).intersect(sp.S.Reals)


_REAL_FUNCTIONS = (sp.exp, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.Abs, sp.sign,
                   sp.Heaviside, sp.Max, sp.Min)


def _real_valued(expr) -> bool:
    """Real wherever it is defined, for real symbols: rational operations and integer powers of real
    values, and functions that map reals to reals (no root or logarithm of a possibly negative value)."""
    if expr.is_Symbol or expr.is_Number:
        return bool(expr.is_extended_real)
    if isinstance(expr, (sp.Add, sp.Mul, *_REAL_FUNCTIONS)):
        return all(_real_valued(arg) for arg in expr.args)
    if isinstance(expr, sp.Pow):
        return _real_valued(expr.base) and (expr.exp.is_integer is True or (
            expr.base.is_positive is True and _real_valued(expr.exp)))
    if isinstance(expr, sp.log):
        return expr.args[0].is_positive is True
    return False


def _listable(solutions) -> bool:
    if isinstance(solutions, sp.Union):
        return all(_listable(part) for part in solutions.args)
    return isinstance(solutions, sp.FiniteSet) or solutions is sp.S.EmptySet or _integer_family(solutions)


def _integer_family(solutions) -> bool:
    return (isinstance(solutions, sp.ImageSet) and solutions.base_sets == (sp.S.Integers,)
            and len(solutions.lamda.variables) == 1)


def _points(solutions, unlisted="") -> tuple[list, bool]:
    """The points of a solution set, and whether they are all of them.

    A family p(k) over the integers (the poles of tan) is sampled at k = 0, 1, −1: enough to refute,
    never to prove (SymPy evaluates tan(π/2 + 2πk) to 0 for a symbolic integer k, so the family
    cannot be decided at once).
    """
    if isinstance(solutions, sp.Union):
        parts = [_points(part, unlisted) for part in solutions.args]
        return [p for points, _ in parts for p in points], all(complete for _, complete in parts)
    if solutions is sp.S.EmptySet:
        return [], True
    if isinstance(solutions, sp.FiniteSet):
        return list(solutions), True
    if _integer_family(solutions):
        return [solutions.lamda(k) for k in (0, 1, -1)], False
    raise Undecided(unlisted or f"the points {solutions} are not a finite list")


def _variable(lhs, rhs):
    """The one symbol the non-smooth derivatives differentiate by (mixed partials are not analysed)."""
    variables = set()
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        for node in side.atoms(sp.Derivative):
            if not node.expr.has(*NON_SMOOTH):
                continue
            if node.expr.has(sp.Derivative):
                raise Undecided("a derivative of a non-smooth function inside another derivative is not analysed")
            variables |= {v for v, _ in node.variable_count}
    if len(variables) != 1:
        raise Undecided("derivatives of non-smooth functions in several variables are not analysed")
    (variable,) = variables
    if not isinstance(variable, sp.Symbol) or variable.is_real is not True:
        raise Undecided(f"the derivative by {variable} is not analysed at its kinks")
    return variable


def _analyse_at(lhs, rhs, where, x, equations=(), with_nodes=True) -> KinkVerdict:
    nodes = {}
    if with_nodes:
        for side in (lhs, rhs):
            for node in side.atoms(sp.Derivative):
                if node.expr.has(*NON_SMOOTH) and node not in nodes:
                    nodes[node] = _node_values(node, x, where)
    points = set()
    sampled = ""
    for values, _formula, incomplete in nodes.values():
        points |= set(values)
        sampled = sampled or incomplete
    for equation in equations:
        try:
            solutions = real_zeros(equation, x)
        except Exception as failure:
            raise Undecided(f"cannot solve {equation} = 0 for {x}") from failure
        listed, complete = _points(solutions)
        points |= {p for p in listed if _admissible(x, p, where)}
        if not complete:
            sampled = f"{equation} = 0 at infinitely many {x}, of which a few were checked"
    kinks_of_nodes = {p for values, _formula, _incomplete in nodes.values() for p in values}
    decided, excluded = [], []
    for p in sorted(points, key=lambda q: (len(str(q)), str(q))):  # the simplest point first
        at = _decide_point(lhs, rhs, x, p, nodes)
        if at.status == "differ":
            return at.verdict
        if at.status in ("agree", "neither") and p in kinks_of_nodes:
            decided.append((x, p))
        if at.status == "neither":
            excluded.append((x, p, at.reason))
    if sampled:
        raise Undecided(sampled)
    return KinkVerdict("covered", decided=tuple(decided), excluded=tuple(excluded))


@dataclass(frozen=True)
class _Point:
    """The claim at one special point, decided exactly: "agree", "differ" (`verdict` says how), "neither"
    (no side has a value: the claim says nothing there, as 1/x = 1/x at 0) or "continuous" (SymPy's
    formula is undefined where the derivative exists, and the claim holds there if it holds around)."""

    status: str
    lhs: object = None
    rhs: object = None
    reason: str = ""
    verdict: KinkVerdict | None = None


def _decide_point(lhs, rhs, x, p, nodes) -> _Point:
    """The claim at x = p, each derivative of `nodes` at its true value there (Undecided when it cannot
    be decided exactly)."""
    left, lhs_undefined = _side_value(lhs, x, p, nodes)
    right, rhs_undefined = _side_value(rhs, x, p, nodes)
    if _FORMULA in (lhs_undefined, rhs_undefined):
        if _continuous_limit_decides(lhs, rhs, lhs_undefined, rhs_undefined, x):
            return _Point("continuous", reason=f"SymPy's derivative formula is undefined at {x} = {p}, where the "
                                               "derivative exists: decided by the points around it")
        raise Undecided(f"cannot tell whether the derivative exists at {x} = {p}")
    if lhs_undefined and rhs_undefined:
        reasons = list(dict.fromkeys(r for r in (lhs_undefined, rhs_undefined) if r is not _PLAIN))
        why = f" ({'; '.join(reasons)})" if reasons else f" at {x} = {p}"
        return _Point("neither", reason=f"neither side has a value{why}")
    if lhs_undefined or rhs_undefined:
        reason = lhs_undefined or rhs_undefined
        side, other_name, other = ("lhs", "rhs", right) if lhs_undefined else ("rhs", "lhs", left)
        shown = (("undefined", str(other)) if lhs_undefined else (str(other), "undefined")) + (
            f"the {side} is undefined, the other side is not",)
        if reason is _PLAIN:  # a denominator or a logarithm's argument is 0 there
            verdict = KinkVerdict("refuted", f"the {side} is undefined at {x} = {p}, the {other_name} is {other}",
                                  {x: p}, strategy="domain", values=shown)
        else:
            verdict = KinkVerdict("refuted", f"{reason} (the {side} is undefined there, the {other_name} is {other})",
                                  {x: p}, values=shown)
        return _Point("differ", left, right, reason if reason is not _PLAIN else verdict.message, verdict)
    difference = _simplified(left - right)
    if difference == 0:
        return _Point("agree", left, right)
    if difference.is_zero is False:
        message = f"at {x} = {p} the lhs is {left} and the rhs is {right} exactly"
        return _Point("differ", left, right, message,
                      KinkVerdict("refuted", message, {x: p}, values=(str(left), str(right), str(difference))))
    raise Undecided(f"cannot decide the claim at {x} = {p}")


class PointJudge:
    """The numeric check's answer at a point where a derivative of a non-smooth function in the claim
    may be at a kink.

    There SymPy's formula gives a convention (Heaviside(0) = 1/2 for d max(0, x)/dx, the cases' own 1
    for the derivative of a function by cases), not a derivative: comparing two conventions refutes
    d max(0, x)/dx = d/dx (0 for x < 0, x for x ≥ 0), where neither side has a derivative, and agrees
    with d relu(x)/dx = Heaviside(x), where one side has none. So at such a point the claim is decided
    as the kink analysis decides it, exactly: each derivative at its true value (from the one-sided
    difference quotients), or no value. A point that is no kink of any of them is left to the numbers
    (None): there the formulas are the derivatives.
    """

    def __init__(self, lhs, rhs, symbols):
        self.lhs, self.rhs, self.symbols = sp.sympify(lhs), sp.sympify(rhs), tuple(symbols)
        try:
            self.variable, self.problem = _variable(self.lhs, self.rhs), ""
        except Undecided as undecided:
            self.variable, self.problem = None, str(undecided)
        self._seen: dict = {}

    def __call__(self, values) -> _Point | None:
        """The claim at the point `values` (one per symbol, in order: a float64 is the rational it is),
        or None where no derivative is at a kink. Status "unknown" when it cannot be decided exactly
        (`reason` says why)."""
        exact = [_exact_number(v) for v in values]
        key = tuple(exact)
        if key not in self._seen:
            try:
                if any(v is None for v in exact):
                    raise Undecided("the point is not a finite real number")
                self._seen[key] = self._decide(dict(zip(self.symbols, exact)))
            except Undecided as undecided:
                self._seen[key] = _Point("unknown", reason=str(undecided))
            except BudgetExceeded:  # the point's time is up: not decided, and not remembered as such
                raise
            except Exception as failure:  # noqa: BLE001 - SymPy failing on a limit: not decided, and said so
                self._seen[key] = _Point("unknown", reason=f"the kink analysis failed ({type(failure).__name__})")
        return self._seen[key]

    def _decide(self, point: dict) -> _Point | None:
        if self.variable is None:
            raise Undecided(self.problem)
        x = self.variable
        if x not in point:
            raise Undecided(f"the derivative by {x} is not taken at a point of the claim's symbols")
        p = point[x]
        used = self.lhs.free_symbols | self.rhs.free_symbols
        others = {s: v for s, v in point.items() if s != x and s in used}
        lhs, rhs = (_fixed(self.lhs, others), _fixed(self.rhs, others)) if others else (self.lhs, self.rhs)
        kinked = [node for side in (lhs, rhs) for node in side.atoms(sp.Derivative) if node.expr.has(*NON_SMOOTH)]
        kinked = list(dict.fromkeys(kinked))
        if not any(_at_kink(node, x, p) for node in kinked):
            return None
        nodes = {node: _node_value_at(node, x, p) for node in kinked}
        return _decide_point(lhs, rhs, x, p, nodes)


def _exact_number(value):
    """A sampled coordinate as an exact number (a float64 is the rational it represents), None if it is
    not a finite real number."""
    if isinstance(value, sp.Rational):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return sp.Rational(number) if math.isfinite(number) else None


def _at_kink(node: sp.Derivative, x, p) -> bool:
    """Is x = p (exact) a zero of a kink equation of the function differentiated or of one of its
    derivatives up to the order taken? When SymPy cannot tell, it may be."""
    g = node.expr.doit() if node.expr.has(sp.Sum, sp.Limit) else node.expr
    order = sum(count for _, count in node.variable_count)
    for _ in range(order):
        for equation in _kink_equations(g, x):
            value = equation.subs(x, p)
            if value.is_zero is False:
                continue
            if value.is_zero or _simplified(value).is_zero is not False:
                return True
        g = sp.diff(g, x)
    return False


def _node_value_at(node: sp.Derivative, x, p):
    """`_node_values` at one point: (the derivative's true value at p, or why it has none; SymPy's
    formula), in the form `_side_value` reads."""
    g = node.expr.doit() if node.expr.has(sp.Sum, sp.Limit) else node.expr
    order = sum(count for _, count in node.variable_count)
    value = _function_value(g, x, p)
    for stage in range(order):
        if isinstance(value, _NoDerivative):
            if stage:
                value = _NoDerivative(f"no {_ordinal(stage + 1)} derivative at {x} = {p}: {value.reason}")
        else:
            value = _one_sided(g, x, p, value, stage)
        g = sp.diff(g, x)
    return {p: value}, g, ""


def _node_values(node: sp.Derivative, x, where):
    """The true value of the derivative `node` at each kink point in the domain (or why it has none),
    and SymPy's formula for it (right off the kink points)."""
    g = node.expr.doit() if node.expr.has(sp.Sum, sp.Limit) else node.expr
    order = sum(count for _, count in node.variable_count)
    known: dict = {}
    points: set = set()
    incomplete = ""
    for stage in range(order):
        found, missing = _kink_points(g, x, where)
        points |= found
        incomplete = incomplete or missing
        values = {}
        for p in points:
            base = _function_value(g, x, p) if stage == 0 else known[p]
            if isinstance(base, _NoDerivative):
                values[p] = base if stage == 0 else _NoDerivative(
                    f"no {_ordinal(stage + 1)} derivative at {x} = {p}: {base.reason}")
                continue
            values[p] = _one_sided(g, x, p, base, stage)
        g = sp.diff(g, x)
        known = values
    return known, g, incomplete


def _function_value(g, x, p):
    value = _simplified(g.subs(x, p))
    if _undefined(value):
        return _NoDerivative(f"no derivative at {x} = {p}: {g} is undefined there")
    return value


def _one_sided(g, x, p, base, stage):
    """The derivative of g at p from the one-sided limits of its difference quotient."""
    h = sp.Dummy("h", positive=True)
    smooth = g.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)  # 0 off the kinks
    limits = []
    for direction in (-1, 1):
        quotient = (smooth.subs(x, p + direction * h) - base) / (direction * h)
        try:
            value = sp.limit(quotient, h, 0, "+")
        except Exception as failure:
            raise Undecided(f"cannot take the one-sided derivatives at {x} = {p}") from failure
        if value.has(sp.Limit, sp.AccumBounds) or value is sp.nan or not _plausible(quotient, h, value):
            raise Undecided(f"cannot take the one-sided derivatives at {x} = {p}")
        limits.append(value)
    left, right = limits
    finite = not (_undefined(left) or _undefined(right))
    if finite:
        gap = _simplified(left - right)
        if gap == 0:
            return left
        if gap.is_zero is not False:
            raise Undecided(f"cannot compare the one-sided derivatives {left} and {right} at {x} = {p}")
    what = "derivative" if stage == 0 else f"{_ordinal(stage + 1)} derivative"
    sides = "one-sided derivatives" if stage == 0 else f"one-sided derivatives of the {_ordinal(stage)} derivative"
    return _NoDerivative(f"no {what} at {x} = {p}: {sides} {_show(left)} and {_show(right)}")


def _plausible(quotient, h, limit) -> bool:
    """A second opinion on SymPy's limit: the quotient at h = 10⁻⁴⁰, with 60 digits, lies near it.

    Only checked when everything is a number (other symbols free: trusted as SymPy says); a verdict
    resting on a wrong limit would be a false one, so a disagreement leaves the point undecided.
    """
    if quotient.free_symbols - {h} or limit.free_symbols:
        return True
    try:
        value = sp.N(quotient.subs(h, sp.Rational(1, 10**40)), 60)
    except Exception:  # noqa: BLE001 - evaluation failure: no second opinion, no verdict
        return False
    if not value.is_number or value.has(sp.nan, sp.zoo) or not value.is_real:
        return False
    if limit in (sp.oo, -sp.oo):
        return abs(value) > 10**10 and (value > 0) == (limit is sp.oo)
    return bool(abs(value - sp.N(limit, 60)) < sp.Rational(1, 10**6))


def kink_points(g, x, where=None) -> set:
    """Exact points (possibly in terms of the other symbols) where g may fail to be smooth in x."""
    points, incomplete = _kink_points(g, x, where)
    if incomplete:
        raise Undecided(incomplete)
    return points


def _kink_points(g, x, where):
    """The kink points, and why they are not all of them ("" when they are)."""
    incomplete = ""
    points = set()
    for equation in _kink_equations(g, x):
        try:
            solutions = sp.solveset(equation, x, sp.S.Reals)
        except Exception as failure:
            raise Undecided(f"cannot solve {equation} = 0 for {x}") from failure
        listed, complete = _points(solutions, f"the kinks of {g} in {x} ({equation} = 0) are not a finite set "
                                              "of points")
        if not complete:
            incomplete = f"the kinks of {g} in {x} ({equation} = 0) are infinitely many: a few were checked"
        points |= {p for p in listed if _admissible(x, p, where)}
    return points, incomplete


def _kink_equations(g, x) -> list:
    """Expressions in x whose zeros are where g may fail to be smooth in x: the arguments of Abs, sign,
    Heaviside, the differences of Max's and Min's arguments, the two sides of Piecewise conditions."""
    equations = []
    for node in sp.preorder_traversal(g):
        if not isinstance(node, NON_SMOOTH) or not node.has(x):
            continue
        if isinstance(node, _ARGUMENT_ZEROS):
            equations.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            equations += [a - b for a, b in itertools.combinations(node.args, 2)]
        elif isinstance(node, sp.Piecewise):
            for _, condition in node.args:
                if condition in (sp.true, sp.false):
                    continue
                relations = condition.atoms(sp.core.relational.Relational)
                if not relations:
                    raise Undecided(f"cannot locate the branch boundaries of {node}")
                equations += [r.lhs - r.rhs for r in relations]
        else:
            raise Undecided(f"{type(node).__name__} has kinks at every integer: not analysed")
    return [equation for equation in equations if equation.has(x)]


def _admissible(x, p, where) -> bool:
    """Could x = p lie in the domain? False only when `where` or x's assumptions exclude it."""
    if p.is_real is False:
        return False
    for fact in ("positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer"):
        if getattr(x, f"is_{fact}") and getattr(p, f"is_{fact}") is False:
            return False
    if where is None:
        return True
    return where.subs(x, p) is not sp.false


def _side_value(side, x, p, nodes):
    """(value of `side` at x = p with the true derivatives, reason it is undefined or "")."""
    placeholders = {node: sp.Dummy("D") for node in nodes}
    opened = side.xreplace(placeholders)
    reasons = []
    values = {}
    by_formula = [d for d in opened.atoms(sp.Derivative) if d.has(x)]  # derivatives without kinks in x
    for node, dummy in placeholders.items():
        if dummy not in opened.free_symbols:
            continue
        known, formula, _ = nodes[node]
        value = known.get(p)
        if value is None:  # not a kink of this derivative: its formula holds at p, if anything does
            value = _without_dirac(formula.subs(x, p))
            by_formula.append(node)
        if isinstance(value, _NoDerivative):
            reasons.append(value.reason)
            continue
        values[dummy] = value
    if reasons:
        return None, reasons[0]
    for node in by_formula:  # a function undefined at p has no derivative there
        if _undefined(_simplified(node.expr.subs(x, p))):
            return None, _PLAIN
    opened = _without_dirac(opened.doit())  # other derivatives: their formulas hold off their own kinks
    evaluated = _simplified(opened.subs(x, p).xreplace(values))
    if _undefined(evaluated):
        if by_formula:  # the formula may fail where the derivative exists (n x^n / x at 0)
            return None, _FORMULA
        return None, _PLAIN
    return evaluated, ""


_PLAIN = "undefined"  # the reason when a side is undefined at a point for no derivative's sake
_FORMULA = "formula"  # SymPy's derivative formula is undefined there, though the function is defined


def _continuous_limit_decides(lhs, rhs, lhs_state, rhs_state, x) -> bool:
    """At a point p where one side's derivative formula is undefined but its function is defined
    (continuous, SymPy's d/dx x^n = n·x^n/x at 0), while the other side has a value and is continuous
    there (no derivative, nothing non-smooth in x): the claim holds at p if it holds around p.

    Around p the strategies must prove formula = other side (else no proof at all); the other side is
    continuous at p, so the formula tends to its value v (or to ∞ if v is not finite, and then
    neither side is defined); a function continuous at p whose derivative tends to v has derivative v
    at p (the mean value theorem, on the real and imaginary parts).
    """
    if lhs_state is _FORMULA and rhs_state is _FORMULA:
        return False
    other, other_state = (rhs, rhs_state) if lhs_state is _FORMULA else (lhs, lhs_state)
    if other_state:  # undefined too: it may still have a finite limit there, which the formula shares
        return False
    return not other.has(sp.Derivative) and not any(node.has(x) for node in other.atoms(*NON_SMOOTH))


def _without_dirac(expr):
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero) if expr.has(sp.DiracDelta) else expr


def _concrete_refutation(lhs, rhs, where, x, others, equations=(), with_nodes=True):
    """A refutation at concrete values of the other symbols (which must satisfy their assumptions
    and `where`), when the symbolic analysis needs them or could not decide."""
    choices = [[sp.sympify(c) for c in _CANDIDATES if _admissible(s, sp.sympify(c), None)] for s in others]
    for values in itertools.islice(itertools.product(*choices), MAX_INSTANCES):
        fixed = dict(zip(others, values))
        local_where = where.subs(fixed) if where is not None else None
        if local_where is sp.false:
            continue
        try:
            verdict = _analyse_at(_fixed(lhs, fixed), _fixed(rhs, fixed), local_where, x,
                                  [e.xreplace(fixed) for e in equations], with_nodes)
        except Undecided:
            continue
        if verdict.status == "refuted":
            point = {**fixed, **verdict.point}
            shown = ", ".join(f"{s} = {v}" for s, v in fixed.items())
            return replace(verdict, message=f"{verdict.message} (with {shown})", point=point)
    return None


def _fixed(expr, fixed: dict):
    """`expr` with the symbols of `fixed` given their values. A derivative by one of them is taken
    first (a number is no variable, and d/dx of x·y/y must be undefined at y = 0, not SymPy's
    derivative of nan, 0); its formula must then be free of kinks, whose convention values it would
    give at the fixed point (else Undecided: that candidate is not tried)."""
    moving = set(fixed)

    def evaluated(derivative):
        value = derivative.doit()
        if value.has(*_KINKS) or any(not _partial(node) for node in value.atoms(sp.Piecewise)):
            raise Undecided("a derivative with kinks by a symbol given a value")
        return value

    taken = expr.replace(lambda e: isinstance(e, sp.Derivative) and bool({v for v, _ in e.variable_count} & moving),
                         evaluated)
    return taken.xreplace(fixed)


_KINKS = tuple(f for f in NON_SMOOTH if f is not sp.Piecewise)


def _partial(piecewise) -> bool:
    """A Piecewise that only records where an expression is defined (readers' keep_domain)."""
    return len(piecewise.args) == 1 and all(isinstance(c, sp.Ne) for c in sp.And.make_args(piecewise.args[0][1]))


def exact_point_counterexample(lhs, rhs, where=None, budget: int = 24) -> KinkVerdict | None:
    """A point where the claim fails, found by exact evaluation where a non-smooth function changes
    character, or None.

    At the kinks of Abs, sign, Max, Min, Heaviside and Piecewise (sign(x − 3)² = 1 fails at x = 3
    only), between two adjacent kinks (relu(x − 2)·relu(2.001 − x) is nonzero on (2, 2.001) only) and
    one unit beyond the outermost (Max(0, x − 2000)), each side is evaluated exactly; a difference
    that is a finite nonzero number there refutes the claim, exactly. Claims in one real symbol
    without derivatives (whose kinks `analyse` decides); anything else: None.
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if lhs.has(sp.Derivative) or rhs.has(sp.Derivative) or not (lhs.has(*NON_SMOOTH) or rhs.has(*NON_SMOOTH)):
        return None
    symbols = lhs.free_symbols | rhs.free_symbols
    if len(symbols) != 1:
        return None
    (x,) = symbols
    if not isinstance(x, sp.Symbol) or x.is_real is not True:
        return None
    try:
        kinks, _ = _kink_points(lhs - rhs, x, None)
    except Undecided:
        return None
    ordered = sorted((p for p in kinks if p.is_number and p.is_real), key=lambda q: float(q))
    if not ordered:
        return None
    probes = list(ordered) + [(a + b) / 2 for a, b in itertools.pairwise(ordered)] + [ordered[0] - 1, ordered[-1] + 1]
    for p in probes[:budget]:
        if not _admissible(x, p, where) or (where is not None and where.subs(x, p) is not sp.true):
            continue
        left, right = _simplified(lhs.subs(x, p)), _simplified(rhs.subs(x, p))
        if _undefined(left) or _undefined(right):
            continue  # definedness is `analyse`'s to judge
        difference = _simplified(left - right)
        if difference.is_number and difference.is_finite and difference.is_zero is False:
            return KinkVerdict("refuted", f"at {x} = {p} the lhs is {left} and the rhs is {right} exactly",
                               {x: p}, strategy="exact-point", values=(str(left), str(right), str(difference)))
    return None


def _undefined(value) -> bool:
    return value is None or value.has(*_UNDEFINED) or value.is_finite is False


def _simplified(expr):
    return sp.simplify(sp.sympify(expr))


def _show(value) -> str:
    return {sp.oo: "+∞", -sp.oo: "−∞", sp.zoo: "∞"}.get(value, str(value))


def _ordinal(k: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(k, f"{k}th")
