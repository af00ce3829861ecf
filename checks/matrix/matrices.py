"""Sized claims (vectors and matrices of named sizes): proofs with their scope, and the numeric check.

The proof is tried for every size first (indexed entry forms, matrix_entries.py); when that does not
close — determinants and inverses have no entry form — every combination of sizes up to k is proved
on explicit instances (matrix_explicit.py) and the scope says `sizes ≤ k`. A refutation at an explicit
size is exact (the entry difference reduces to a nonzero constant).

The numeric check (matrix_numpy.py) evaluates both sides with NumPy at small sizes with dyadic entries
and at random sizes far beyond the proved ones, different sizes for different names. A float64
disagreement at a small size is confirmed exactly: the same point (floats are exact rationals) goes
through the explicit SymPy evaluation, and only a difference that is nonzero there — exactly, or at 50
and at 100 digits — is a counterexample. It shows the sizes and the matrices.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ...results import Counterexample, NumericOutcome, ProofOutcome
from ...sized import Condition, Declarations, MatrixClaim, Node, size_value
from .. import kinks, strategies
from ..run.budget import BudgetExceeded, Deadline, interrupt_after
from .matrix_algebra import rewritten
from .matrix_domain import domain_condition, special_reason
from .matrix_entries import Entries, NoEntryForm, atomised, normal_form
from .matrix_explicit import DomainExplicit, Explicit, NotAnalysable, numeric_values, symbolic_values
from .matrix_numpy import Evaluator, draw, uses_central_differences

ALL_SIZES = "all sizes"
MAX_EXPLICIT_LEVEL = 3  # explicit proofs at every combination of sizes up to this
MAX_CONFIRM_SIZE = 4  # counterexamples of claims with derivatives are confirmed exactly up to this size
MAX_CONFIRM_SIZE_ALGEBRAIC = 12  # and of claims without (exact rational arithmetic stays cheap)
SMALL_POINTS = 6
LARGE_POINTS = 2
MAX_VECTOR = 1000
MAX_MATRIX = 200
MAX_DERIVATIVE_VECTOR = 300
MAX_DERIVATIVE_MATRIX = 30
NESTED_DERIVATIVE_SIZE = 20


@dataclass(frozen=True)
class Sides:
    """One claim `lhs = rhs` to check: a whole identity or one link of its steps."""

    lhs: Node
    rhs: Node
    declarations: Declarations
    where: Condition | None
    free_indices: tuple = ()


def sides(claim: MatrixClaim, lhs: Node | None = None, rhs: Node | None = None, where="same") -> Sides:
    """The claim `lhs = rhs` (by default the identity's own sides), declaring only what it uses."""
    lhs, rhs = lhs or claim.lhs, rhs or claim.rhs
    where = claim.where if where == "same" else where
    return Sides(lhs, rhs, _restricted(claim.declarations, [lhs, rhs, *_condition_nodes(where)]), where,
                 claim.free_indices)


def _condition_nodes(condition: Condition | None) -> list[Node]:
    if condition is None:
        return []
    if condition.kind == "cmp":
        return [condition.left, condition.right]
    return [n for part in condition.parts for n in _condition_nodes(part)]


def _restricted(declarations: Declarations, trees: list[Node]) -> Declarations:
    """Only the sizes, scalars and arrays the trees mention: nothing unused is drawn or shown."""
    nodes = [n for tree in trees for n in tree.walk()]
    arrays = {n.value for n in nodes if n.op in ("vector", "matrix")}
    scalars = {n.value.name for n in nodes if n.op == "scalar"}
    symbols = set()
    for n in nodes:
        for size in n.shape:
            symbols |= sp.sympify(size).free_symbols
        if n.op == "size":
            symbols.add(n.value)
        if n.op == "isum":
            symbols |= sp.sympify(n.value[1]).free_symbols | sp.sympify(n.value[2]).free_symbols
    for name in arrays:
        for size in declarations.arrays[name].shape:
            symbols |= sp.sympify(size).free_symbols
    return Declarations(
        sizes={k: v for k, v in declarations.sizes.items() if v in symbols},
        scalars={k: v for k, v in declarations.scalars.items() if k in scalars},
        arrays={k: v for k, v in declarations.arrays.items() if k in arrays},
    )


def scope_text(level: int) -> str:
    return f"sizes ≤ {level}"


# --- proofs ---------------------------------------------------------------------------------------

def prove(claim: Sides, deadline: Deadline) -> ProofOutcome:
    """Prove `claim` for all sizes, else size by size up to MAX_EXPLICIT_LEVEL.

    A claim that may have special points (matrix_domain.special_reason: a denominator that may be 0, a
    derivative of a function with kinks) has its points decided exactly entry by entry at each size,
    as the scalar path decides them (kinks.analyse); the all-sizes proof cannot see them, so such a
    claim is proved size by size only.
    """
    tried: list[str] = []
    special = special_reason(claim.lhs, claim.rhs, claim.declarations, claim.where)
    if not special:
        try:
            with interrupt_after(deadline):
                generic = _prove_all_sizes(claim, tried)
                if generic is not None:
                    return generic
        except BudgetExceeded:
            return ProofOutcome("timeout", tried=tuple(tried), message=f"symbolic budget of {deadline.seconds:g} s spent")
    return _prove_explicit(claim, deadline, tried, special)


def _prove_all_sizes(claim: Sides, tried: list[str]) -> ProofOutcome | None:
    tried.append("entry-form")
    entries = Entries(claim.declarations)
    try:
        at = entries.free(claim.lhs.shape)
        for symbol, size in claim.free_indices:
            entries.ranges[symbol] = size
        symmetric = {name for name, a in claim.declarations.arrays.items()
                     if set(a.assumptions) & {"symmetric", "spd", "diagonal"}}
        a = normal_form(entries(rewritten(claim.lhs), at), entries.ranges, symmetric)
        b = normal_form(entries(rewritten(claim.rhs), at), entries.ranges, symmetric)
    except NoEntryForm:
        return None
    except BudgetExceeded:
        raise
    except Exception:  # noqa: BLE001 - SymPy cannot always build the general form; explicit sizes remain
        return None
    difference = _log_abs_derivatives(a - b)
    if difference == 0:
        return ProofOutcome("proved", "entry-form", tuple(tried), scope=ALL_SIZES)
    try:
        difference = _with_sign_facts(difference, claim, entries, symmetric)
    except (NoEntryForm, TypeError, ValueError):
        pass  # a condition without an entry form gives no facts; the proof goes on without them
    if difference.has(sp.Piecewise):
        return None  # an index condition the ranges did not settle: no claim about every size
    for candidate in (atomised(difference), difference):
        for name, strategy in strategies.BASIC:
            if name in ("exp-rational", "exponentiate"):
                continue
            tried.append(name)
            if strategies.reduce_with(strategy, candidate) == 0:
                return ProofOutcome("proved", f"entry-form+{name}", tuple(dict.fromkeys(tried)), scope=ALL_SIZES)
    return None


_FACTS = {">": "positive", "<": "negative", "!=": "nonzero", ">=": "nonnegative", "<=": "nonpositive"}
_MIRRORED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "!=": "!="}


def _with_sign_facts(difference, claim: Sides, entries, symmetric):
    """`where` facts such as det(X) > 0 or x @ x != 0, applied as in the scalar engine (refine_by_where):
    the compared quantity becomes a symbol carrying the sign. The claim is made only where the fact
    holds, and a proof for every such value of an independent symbol covers the actual one."""
    parts = []
    pending = [claim.where] if claim.where is not None else []
    while pending:
        condition = pending.pop()
        if condition.kind == "and":
            pending.extend(condition.parts)
        elif condition.kind == "cmp":
            parts.append(condition)
    replacements = {}
    for part in parts:
        relation, side = part.relation, None
        if part.right.op == "num" and part.right.value == 0:
            side = part.left
        elif part.left.op == "num" and part.left.value == 0:
            side, relation = part.right, _MIRRORED.get(relation)
        fact = _FACTS.get(relation)
        if side is None or fact is None:
            continue
        quantity = normal_form(entries(rewritten(side)), entries.ranges, symmetric)
        if quantity.is_number:
            continue
        assumptions = {"real": True, fact: True}
        replacements[quantity] = sp.Dummy("w", **assumptions)
    return difference.xreplace(replacements) if replacements else difference


def size_combinations(names: list, level: int, claim: Sides | None = None):
    """Every assignment of 1..level to the size names in which some size equals level (and at which
    every numbered entry such as x[2] exists)."""
    for values in itertools.product(range(1, level + 1), repeat=len(names)):
        sizes = dict(zip(names, values))
        if (level in values or not names) and (claim is None or fits(claim, sizes)):
            yield sizes


def fits(claim: Sides, sizes: dict) -> bool:
    """Whether every entry with a number for an index (x[2], A[0, j]) is inside its array at these sizes."""
    for side in (claim.lhs, claim.rhs, *_condition_nodes(claim.where)):
        for node in side.walk():
            if node.op != "entry":
                continue
            array, *indices = node.args
            for index, size in zip(indices, array.shape):
                if index.op == "num" and int(index.value) >= size_value(size, sizes):
                    return False
    return True


def _prove_explicit(claim: Sides, deadline: Deadline, tried: list[str], special: str = "") -> ProofOutcome:
    names = list(claim.declarations.sizes.values())
    proved_level, winners, instances = 0, set(), 0
    tried.append("explicit")
    try:
        with interrupt_after(deadline):
            for level in range(1, MAX_EXPLICIT_LEVEL + 1):
                for sizes in size_combinations(names, level, claim):
                    outcome = _prove_at(claim, sizes, tried, special)
                    if outcome.status == "refuted":
                        return outcome
                    if outcome.status != "proved":
                        return _partial(proved_level if instances else 0, winners, tried, outcome.message)
                    winners.add(outcome.strategy)
                    instances += 1
                proved_level = level
                if not names:
                    break
    except BudgetExceeded:
        if proved_level == 0 or instances == 0:
            return ProofOutcome("timeout", tried=tuple(dict.fromkeys(tried)),
                                message=f"symbolic budget of {deadline.seconds:g} s spent")
    if instances == 0:
        return ProofOutcome("unknown", tried=tuple(dict.fromkeys(tried)), message="no size to prove it at")
    if not names:  # fixed sizes only: the explicit instance is the whole claim
        return ProofOutcome("proved", "explicit:" + "+".join(sorted(w for w in winners if w)),
                            tuple(dict.fromkeys(tried)), scope=ALL_SIZES)
    return _partial(proved_level, winners, tried, "")  # instances > 0 here


def _partial(level: int, winners, tried, message: str) -> ProofOutcome:
    if level == 0:
        return ProofOutcome("unknown", tried=tuple(dict.fromkeys(tried)), message=message or "no proof")
    return ProofOutcome("proved", "explicit:" + "+".join(sorted(w for w in winners if w)),
                        tuple(dict.fromkeys(tried)), scope=scope_text(level))


def _prove_at(claim: Sides, sizes: dict, tried: list[str], special: str = "") -> ProofOutcome:
    values = symbolic_values(claim.declarations, sizes)
    winners = set()
    for assignment in _index_assignments(claim.free_indices, sizes):
        if special:
            decided = _special_points_at(claim, sizes, values, assignment, tried)
            if decided is not None:
                return decided
        left = Explicit(values, sizes, assignment)(claim.lhs)
        right = Explicit(values, sizes, assignment)(claim.rhs)
        pairs = zip(left, right) if isinstance(left, sp.MatrixBase) else [(left, right)]
        for a, b in pairs:
            difference = _log_abs_derivatives(a - b)
            if special:  # the kinks are decided: off them DiracDelta is 0 (as symbolic.prepare)
                difference = _without_dirac(difference)
            if difference == 0:
                winners.add("exact")
                continue
            outcome = _entry_strategies(difference, tried)
            if outcome.status == "refuted":
                return ProofOutcome("refuted", outcome.strategy, tuple(dict.fromkeys(tried)),
                                    scope=_sizes_text(sizes), residual=outcome.residual,
                                    message=f"at {_sizes_text(sizes)} an entry differs by {outcome.residual}")
            if outcome.status != "proved":
                return ProofOutcome("unknown", message=f"no proof at {_sizes_text(sizes)}")
            winners.add(outcome.strategy)
    return ProofOutcome("proved", "+".join(sorted(winners)))


def _special_points_at(claim: Sides, sizes: dict, values: dict, assignment: dict, tried) -> ProofOutcome | None:
    """Decide the claim at these sizes at its special points, entry by entry (kinks.analyse): a
    refutation with its point, or why no proof may be given, or None when every point was decided."""
    tried.append("kink")
    try:
        left = DomainExplicit(values, sizes, assignment)(claim.lhs)
        right = DomainExplicit(values, sizes, assignment)(claim.rhs)
        domain = domain_condition(claim.declarations, claim.where, Explicit(values, sizes, assignment), values)
    except NotAnalysable as failure:
        return ProofOutcome("unknown", tried=tuple(dict.fromkeys(tried)), message=f"at {_sizes_text(sizes)}: {failure}")
    entries = _entries(left, right)
    for position, a, b in entries:
        verdict = kinks.analyse(a, b, domain, (prepare(a), prepare(b)))
        if verdict.status == "refuted":
            where = f"at {_sizes_text(sizes)}" + (f", entry {position}" if position else "")
            point = _analysis_point(claim, sizes, values, assignment, verdict.point)
            return ProofOutcome("refuted", verdict.strategy, tuple(dict.fromkeys(tried)), scope=_sizes_text(sizes),
                                message=f"{where}: {verdict.message}", point=point, values=verdict.values)
        if verdict.status == "unknown":
            return ProofOutcome("unknown", tried=tuple(dict.fromkeys(tried)),
                                message=f"at {_sizes_text(sizes)}: {verdict.message}")
    return None


def _entries(left, right):
    """(position, lhs entry, rhs entry): position "" for a scalar, "[i]" or "[i, j]" otherwise."""
    if not isinstance(left, sp.MatrixBase):
        return [("", left, right)]
    if left.cols == 1:
        return [(f"[{i}]", left[i], right[i]) for i in range(left.rows)]
    return [(f"[{i}, {j}]", left[i, j], right[i, j]) for i in range(left.rows) for j in range(left.cols)]


def _analysis_point(claim: Sides, sizes: dict, values: dict, assignment: dict, found: dict) -> tuple:
    """The point of an exact refutation as the report shows it: the sizes, the indices, and each array
    with its entries (those the refuting entry does not involve, which cannot matter there, are 1)."""
    exact = {str(symbol): value for symbol, value in found.items()}
    point: list = [(str(k), int(v)) for k, v in sizes.items()]
    point += [(str(k), int(v)) for k, v in assignment.items()]

    def shown(entry):
        if not isinstance(entry, sp.Basic) or not entry.free_symbols:
            return str(entry)
        return str(sp.sympify(entry).xreplace({s: sp.sympify(exact.get(str(s), 1)) for s in entry.free_symbols}))

    for name in claim.declarations.scalars:
        point.append((name, shown(values[name])))
    for name, array in claim.declarations.arrays.items():
        value = values[name]
        if array.is_matrix:
            rows = ["[" + ", ".join(shown(value[i, j]) for j in range(value.cols)) + "]" for i in range(value.rows)]
            point.append((name, "[" + ", ".join(rows) + "]"))
        else:
            point.append((name, "[" + ", ".join(shown(value[i]) for i in range(value.rows)) + "]"))
    return tuple(point)


def _without_dirac(expr):
    if isinstance(expr, sp.Basic) and expr.has(sp.DiracDelta):
        return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    return expr


def _log_abs_derivatives(expr):
    """sign(u) / |u| → 1/u: SymPy's derivative of log|u| for real u, equal wherever either is defined."""
    def rewrite(term):
        factors = sp.Mul.make_args(term)
        signs = {f.args[0] for f in factors if isinstance(f, sp.sign)}
        inverse = {f.base.args[0] for f in factors
                   if isinstance(f, sp.Pow) and f.exp == -1 and isinstance(f.base, sp.Abs)}
        common = signs & inverse
        if not common:
            return term
        u = next(iter(common))
        rest = list(factors)
        rest.remove(sp.sign(u))
        rest.remove(sp.Abs(u) ** -1)
        return sp.Mul(*rest) / u
    if not expr.has(sp.sign):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Mul) and e.has(sp.sign), rewrite)


def prepare(expr):
    from ..symbolic import prepare as prepared

    return prepared(expr)


def _entry_strategies(difference, tried) -> ProofOutcome:
    from ..symbolic import _run_strategies

    return _run_strategies(difference, None, False, tried, scope="", pipeline=strategies.ENTRYWISE)


def _index_assignments(free_indices, sizes):
    if not free_indices:
        yield {}
        return
    ranges = [range(size_value(size, sizes)) for _, size in free_indices]
    for values in itertools.product(*ranges):
        yield {symbol: value for (symbol, _), value in zip(free_indices, values)}


def _sizes_text(sizes: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sizes.items())


# --- the numeric check ----------------------------------------------------------------------------

@dataclass
class _Tally:
    points: int = 0
    max_abs: float = 0.0
    max_rel: float = 0.0
    exact: int = 0
    counterexample: Counterexample | None = None
    counterexample_weight: int = 0
    unconfirmed: str = ""
    sizes: set = None

    def outcome(self, message: str = "") -> NumericOutcome:
        problems = [p for p in (message, self.unconfirmed if self.counterexample is None else "") if p]
        return NumericOutcome(points=self.points, max_abs_err=self.max_abs, max_rel_err=self.max_rel,
                              agrees=self.counterexample is None and not problems,
                              counterexample=self.counterexample, mpmath_points=self.exact,
                              sizes=tuple(sorted(self.sizes or ())), message="; ".join(problems))


def numeric_check(claim: Sides, seed: int = 0, rtol: float = 1e-8) -> NumericOutcome:
    """The numeric check of `claim` (memoised: the core asks again for an unproved link)."""
    key = (claim, seed, rtol)
    if key not in _NUMERIC:
        _NUMERIC[key] = _numeric_check(claim, seed, rtol)
    return _NUMERIC[key]


_NUMERIC: dict = {}


def _numeric_check(claim: Sides, seed: int, rtol: float) -> NumericOutcome:
    rng = np.random.default_rng(seed)
    tally = _Tally(sizes=set())
    tolerance = 1e-5 if uses_central_differences(claim.lhs) or uses_central_differences(claim.rhs) else rtol
    for sizes, points, small in _size_plan(claim, rng):
        if not fits(claim, sizes):
            continue
        sample = draw(claim.declarations, sizes, points, rng)
        if max(sizes.values(), default=1) <= MAX_CONFIRM_SIZE:
            sample = _with_zeros(_dyadic(sample, claim.declarations, rng), claim.declarations)
        _compare(claim, sample, tally, tolerance, rng)
        if tally.counterexample is not None and not small:
            break  # confirmed at a small size; larger draws cannot give a simpler one
    if tally.points == 0:
        return tally.outcome("no sampled point satisfies 'where' with both sides defined")
    return tally.outcome()


def _size_plan(claim: Sides, rng):
    """(sizes, points, small) to evaluate at: every combination up to 3, then random larger sizes with
    distinct values for distinct names, up to MAX_VECTOR / MAX_MATRIX (less for derivatives)."""
    declarations = claim.declarations
    names = list(declarations.sizes.values())
    in_matrix = {s for a in declarations.arrays.values() if a.is_matrix for s in a.shape}
    depth = max(_derivative_depth(claim.lhs), _derivative_depth(claim.rhs))
    derivative = depth > 0
    for level in range(1, 4):
        for sizes in size_combinations(names, level, claim):
            yield sizes, SMALL_POINTS, True
        if not names:
            return
    if depth > 1:  # a derivative of a derivative perturbs every pair of entries: small sizes only
        for low, high in ((4, 8), (9, NESTED_DERIVATIVE_SIZE)):
            yield {name: int(rng.integers(low, high + 1)) + k for k, name in enumerate(names)}, LARGE_POINTS, False
        return
    yield {name: 4 + k for k, name in enumerate(names)}, LARGE_POINTS, False  # the first size beyond the proofs
    bands = [(4, 9), (10, 40), (50, 200)] if not derivative else [(4, 9), (10, 30)]
    for low, high in bands:
        for _ in range(2):
            chosen = {}
            for name in names:
                cap = (MAX_MATRIX if name in in_matrix else MAX_VECTOR) if not derivative else (
                    30 if name in in_matrix else 300)
                widen = 5 if not derivative and low > 4 and name not in in_matrix else 1
                top = min(high * widen, cap)
                while True:
                    value = int(rng.integers(low, max(top, low) + 1))
                    if value not in chosen.values() or top - low < len(names):
                        break
                chosen[name] = value
            yield chosen, LARGE_POINTS, False
    if derivative:  # every perturbed entry is one more evaluation: smaller largest sizes
        top = {name: (MAX_DERIVATIVE_MATRIX if name in in_matrix else MAX_DERIVATIVE_VECTOR) for name in names}
    else:
        top = {name: (MAX_MATRIX if name in in_matrix else MAX_VECTOR) for name in names}
    yield {name: value - k for k, (name, value) in enumerate(top.items())}, 1, False


def _derivative_depth(node: Node) -> int:
    inner = max((_derivative_depth(a) for a in node.args), default=0)
    return inner + 1 if node.op in ("grad", "jacobian") else inner


def _dyadic(sample, declarations: Declarations, rng):
    """Small draws with entries k/4 (exact in binary): counterexamples read as fractions."""
    arrays = {}
    for name, value in sample.arrays.items():
        kinds = set(declarations.arrays[name].assumptions)
        rounded = np.round(value * 4) / 4
        if value.ndim == 3 and kinds & {"spd", "invertible"}:
            size = value.shape[-1]
            base = np.round(np.clip(rng.normal(0, 0.6, value.shape), -1, 1) * 2) / 2
            if "spd" in kinds or "symmetric" in kinds:
                rounded = np.einsum("...ij,...kj->...ik", base, base) + np.eye(size)
            else:  # strictly diagonally dominant: invertible
                rounded = base + (size + 1) * np.eye(size)
        if "positive" in kinds:
            rounded = np.where(rounded <= 0, 0.25, rounded)
        if "nonzero" in kinds:
            rounded = np.where(rounded == 0, 0.5, rounded)
        if "symmetric" in kinds and value.ndim == 3:
            rounded = (rounded + np.swapaxes(rounded, -1, -2)) / 2
        arrays[name] = rounded
    scalars = {}
    for name, value in sample.scalars.items():
        rounded = np.round(value * 4) / 4
        symbol = declarations.scalars[name]
        if symbol.is_positive or symbol.is_nonzero:
            rounded = np.where(rounded == 0, 0.5, rounded)
        scalars[name] = rounded
    return type(sample)(sample.sizes, arrays, scalars, sample.points)


def _with_zeros(sample, declarations: Declarations):
    """Zeros planted where most special points of a claim lie (x / y, relu(x), log|x| at 0): at the
    first point every entry of each array and scalar that may be 0 is 0, at the second its first entry."""
    if sample.points < 2:
        return sample
    arrays = {}
    for name, value in sample.arrays.items():
        value = np.array(value)
        if not set(declarations.arrays[name].assumptions) & {"positive", "negative", "nonzero", "spd", "invertible",
                                                             "diagonal"}:
            value[0] = 0.0
            value[(1,) + (0,) * (value.ndim - 1)] = 0.0
        arrays[name] = value
    scalars = {}
    for name, value in sample.scalars.items():
        value = np.array(value)
        if not declarations.scalars[name].is_nonzero:
            value[0] = 0.0
        scalars[name] = value
    return type(sample)(sample.sizes, arrays, scalars, sample.points)


def _holds(condition: Condition | None, evaluator) -> np.ndarray | bool:
    if condition is None:
        return True
    if condition.kind == "and":
        return np.logical_and.reduce([np.asarray(_holds(p, evaluator)) for p in condition.parts])
    if condition.kind == "or":
        return np.logical_or.reduce([np.asarray(_holds(p, evaluator)) for p in condition.parts])
    a, b = np.real(evaluator(condition.left)), np.real(evaluator(condition.right))
    margin = 1e-9 * (1 + np.abs(a) + np.abs(b))
    return {"<": a < b - margin, "<=": a <= b, ">": a > b + margin, ">=": a >= b,
            "==": np.abs(a - b) <= margin, "!=": np.abs(a - b) > margin}[condition.relation]


def _compare(claim: Sides, sample, tally: _Tally, tolerance: float, rng) -> None:
    """Compare the sides at every point of `sample`; settle exactly the points where float64 disagrees
    beyond `tolerance`, or where a side has no finite float64 value (undefined, or complex, which NumPy's
    real arithmetic cannot show: the exact evaluation tells which, and compares complex values; where
    neither side has a value there the point says nothing)."""
    for assignment in _sampled_assignments(claim.free_indices, sample.sizes, rng):
        evaluator = Evaluator(dict(sample.arrays), dict(sample.scalars), sample.sizes, assignment)
        with np.errstate(all="ignore"):
            try:
                left = np.asarray(evaluator(claim.lhs))
                right = np.asarray(evaluator(claim.rhs))
                mask = np.asarray(_holds(claim.where, evaluator), dtype=bool)
            except np.linalg.LinAlgError:
                continue
            trailing = tuple(range(1, 1 + len(claim.lhs.shape)))
            left = np.broadcast_to(left, (sample.points, *left.shape[left.ndim - len(claim.lhs.shape):]))
            right = np.broadcast_to(right, left.shape)
            mask = np.broadcast_to(mask, (sample.points,))
            defined_left = np.isfinite(left).all(axis=trailing) & np.isreal(left).all(axis=trailing)
            defined_right = np.isfinite(right).all(axis=trailing) & np.isreal(right).all(axis=trailing)
            usable = mask & defined_left & defined_right
            unshown = np.flatnonzero(mask & ~(defined_left & defined_right))
            error = np.abs(left - right).max(axis=trailing) if trailing else np.abs(left - right)
            scale = np.maximum(np.abs(left), np.abs(right))
            scale = scale.max(axis=trailing) if trailing else scale
        for point in unshown[:2]:  # NumPy's nan may be a complex value: only exact arithmetic can tell
            _confirm(claim, sample, int(point), assignment, tally, one_sided=True)
        if not usable.any():
            continue
        tally.points += int(usable.sum())
        tally.sizes.update(sample.sizes.values())
        tally.max_abs = max(tally.max_abs, float(error[usable].max()))
        tally.max_rel = max(tally.max_rel, float((error / np.maximum(scale, 1.0))[usable].max()))
        bad = np.flatnonzero(usable & (error > tolerance * (1 + scale)))
        for point in bad[:2]:
            _confirm(claim, sample, int(point), assignment, tally)


def _sampled_assignments(free_indices, sizes, rng):
    if not free_indices:
        yield {}
        return
    every = list(_index_assignments(free_indices, sizes))
    picks = every if len(every) <= 9 else [every[k] for k in rng.choice(len(every), 9, replace=False)]
    yield from picks


def _confirm(claim: Sides, sample, point: int, assignment, tally: _Tally, one_sided: bool = False) -> None:
    """Settle a float64 disagreement exactly; keep the counterexample with the smallest sizes.

    `one_sided`: a side has no finite float64 value there, which may be a complex value NumPy's real
    arithmetic cannot show: no evidence either way unless settled exactly (too large: nothing said)."""
    weight = sum(sample.sizes.values())
    derivative = any(n.op in ("grad", "jacobian") for side in (claim.lhs, claim.rhs) for n in side.walk())
    limit = MAX_CONFIRM_SIZE if derivative else MAX_CONFIRM_SIZE_ALGEBRAIC
    if max(sample.sizes.values(), default=1) > limit:
        if not tally.unconfirmed and not one_sided:
            tally.unconfirmed = (f"float64 disagrees at {_sizes_text(sample.sizes)}, too large to confirm "
                                 f"exactly (up to {limit}); no smaller size disagrees")
        return
    if tally.counterexample is not None and tally.counterexample_weight <= weight:
        return
    arrays = {name: value[point] for name, value in sample.arrays.items()}
    scalars = {name: float(value[point]) for name, value in sample.scalars.items()}
    values = numeric_values(claim.declarations, arrays, scalars)
    tally.exact += 1
    try:
        evaluate = Explicit(values, sample.sizes, assignment)
        if not _exact_holds(claim.where, evaluate):
            return
        left = evaluate(claim.lhs)
        right = Explicit(values, sample.sizes, assignment)(claim.rhs)
    except (ZeroDivisionError, ValueError, TypeError):
        return
    pairs = list(zip(left, right)) if isinstance(left, sp.MatrixBase) else [(left, right)]
    rewritten = (_differentiates(claim.lhs), _differentiates(claim.rhs))
    worst = None
    for a, b in pairs:
        gap = _confirmed_gap(a, b, rewritten)
        if gap is None:
            return  # no stable value at 50 and 100 digits: not decided here
        if gap and (worst is None or gap[0] > worst[0]):
            worst = gap
    if worst is None:
        return
    tally.counterexample = Counterexample(point=_point(claim, sample.sizes, arrays, scalars, assignment),
                                          lhs=_shown(left), rhs=_shown(right), difference=f"{worst[1]}")
    tally.counterexample_weight = weight


def _exact_holds(condition: Condition | None, evaluate) -> bool:
    if condition is None:
        return True
    if condition.kind == "and":
        return all(_exact_holds(p, evaluate) for p in condition.parts)
    if condition.kind == "or":
        return any(_exact_holds(p, evaluate) for p in condition.parts)
    a, b = evaluate(condition.left), evaluate(condition.right)
    difference = sp.N(a - b, 50)
    if not difference.is_real:
        return False
    value = float(difference)
    return {"<": value < 0, "<=": value <= 0, ">": value > 0, ">=": value >= 0, "==": difference == 0,
            "!=": difference != 0}[condition.relation]


def _differentiates(node: Node) -> bool:
    return any(n.op in ("grad", "jacobian") for n in node.walk())


def _undefined(value) -> bool:
    return not isinstance(value, sp.Basic) or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo)


def _confirmed_gap(a, b, rewritten=(False, False)):
    """One entry at an exact point: ()/False when it says nothing against the claim (equal, or neither
    side has a value), (size, text) when the sides differ (at 50 and 100 digits, or exactly), None when
    no stable difference could be found.

    A side with no value where the other has one is a difference, as in the scalar claims, unless the
    engine wrote a side (`rewritten`: a derivative, which Explicit evaluates through SymPy's formula):
    that formula may be undefined where the derivative the user wrote exists (n·xⁿ/x at 0), or have a
    value where it does not (sign(0) = 0 for d|x|/dx at 0, where x/|x| has none either). Such a point
    is the kink analysis's to decide exactly (matrix_domain, in the proof); here it says nothing.
    Values are complex (principal branches): log of a negative entry against a real side differs."""
    undefined = (_undefined(a), _undefined(b))
    if undefined[0] and undefined[1]:
        return ()
    if undefined[0] or undefined[1]:
        if rewritten[0] or rewritten[1]:
            return ()
        return math.inf, ("the lhs" if undefined[0] else "the rhs") + " is undefined, the other side is not"
    difference = sp.simplify(a - b) if (a - b).free_symbols else a - b
    if difference.free_symbols or _undefined(difference):
        return None
    if difference.is_Rational:
        return (abs(float(difference)), _number(difference)) if difference != 0 else ()
    low, high = sp.N(difference, 50), sp.N(difference, 100)
    if not (low.is_number and high.is_number) or _undefined(low) or _undefined(high):
        return None
    if abs(low) < sp.Float("1e-40") or abs(high) < sp.Float("1e-80"):
        return ()
    if abs(low - high) > abs(high) * sp.Float("1e-30"):
        return ()
    return float(abs(high)), sp.sstr(sp.N(high, 12, chop=True))


def _point(claim: Sides, sizes, arrays, scalars, assignment) -> dict:
    used = {n.value for side in (claim.lhs, claim.rhs) for n in side.walk() if n.op in ("vector", "matrix")}
    used |= {n.value.name for side in (claim.lhs, claim.rhs) for n in side.walk() if n.op == "scalar"}
    point: dict = {str(k): int(v) for k, v in sizes.items()}
    point.update({str(k): int(v) for k, v in assignment.items()})
    for name, value in scalars.items():
        if name in used:
            point[name] = _fraction(value)
    for name, value in arrays.items():
        if name in used:
            if value.ndim == 1:
                point[name] = "[" + ", ".join(_fraction(v) for v in value) + "]"
            else:
                point[name] = "[" + ", ".join("[" + ", ".join(_fraction(v) for v in row) + "]" for row in value) + "]"
    return point


def _fraction(value) -> str:
    exact = sp.Rational(float(value))  # a float is an exact binary fraction
    return str(exact) if exact.q <= 64 else f"{float(value):.6g}"


def _shown(value) -> str:
    if isinstance(value, sp.MatrixBase):
        rows = value.tolist()
        if value.cols == 1:
            rows = [r[0] for r in rows]
            return "[" + ", ".join(_number(v) for v in rows) + "]"
        return "[" + ", ".join("[" + ", ".join(_number(v) for v in row) + "]" for row in rows) + "]"
    return _number(value)


def _number(value) -> str:
    if _undefined(value):
        return "undefined"
    value = sp.nsimplify(value) if isinstance(value, sp.Float) else value
    if isinstance(value, sp.Rational) and value.q <= 4096:
        return str(value)
    return sp.sstr(sp.N(value, 8))
