"""The numeric cross-check: compare the two sides at ≥ 1000 deterministic points.

The points include where the expressions change character (zeros of Abs/sign/Max/Min/Heaviside
arguments, conditions, denominators; the scale of the constants; see sampling.special_points).
The independent NumPy implementations are compared with each other and against the SymPy sides.
float64 only screens: a point where it disagrees beyond rtol, agrees only to far more than rounding,
or cancelled, is settled at high precision (evaluate.settle), where the precision grows with the
measured cancellation until the answer is stable and a difference is a counterexample only when two
precisions agree on it. Values are complex where a side is (principal branches); a side undefined
where the other is defined is a counterexample; where neither is defined the point is outside the
domain and the outcome's `region` says so.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field, replace

import mpmath
import numpy as np
import sympy as sp

from ..results import Counterexample, NumericOutcome
from . import evaluate, indexed, jumps, kinks, sampling
from .symbolic import prepare

# Below this magnitude a NumPy side is compared absolutely (to 1e3 * rtol * ENCODING_FLOOR): its
# intermediates are subnormal there (sigma'(-709.5) = 7e-309; a complex step's h f'(x)) and carry
# only a few digits, whatever the implementation. SymPy's side, evaluated by mpmath, has no floor.
ENCODING_FLOOR = 1e-290


@dataclass(frozen=True)
class NumericSettings:
    seed: int = 0
    points: int = sampling.MIN_POINTS
    rtol: float = 1e-9
    atol: float = 1e-300
    exact_points: int = 40
    max_exact: int = 200  # points (or draws) where float64 disagrees that are settled at high precision
    max_explicit_size: int = 3
    link_points: int = 200  # draws per link of a vector derivation (each needs SymPy evaluation)
    link_exact_points: int = 16  # agreeing draws of a link re-evaluated at high precision
    link_sizes: tuple[int, ...] = (2, 3)  # the sizes a vector link's SymPy sides are written out at
    settle_overflow: bool = True  # vector draws where float64 has no value on either side go to mpmath
    max_digits: int | None = None  # a cap on any point's precision (None: evaluate's own limits)

    def confirming(self) -> NumericSettings:
        """For a claim already proved exactly: high precision only where float64 disagrees.

        Re-evaluating agreeing points at 50 digits looks for a difference below float64's resolution
        (or checks a NumPy encoding); a proof has already shown the difference is exactly 0, so only
        points float64 cannot settle (overflow at planted ±700, cancellation) go to mpmath, the
        simplest 8 of them, each at most CHEAP_DIGITS (a point far out, x = 10^4 with e^x in the claim,
        needs thousands of digits to say what the proof already says; it is counted as not settled), and
        any that differs there contradicts the proof: an `error`, never a pass. A vector link is written
        out at n = 2 only (n = 3 doubles the cost of the pass and a wrong step shows at n = 2 as well),
        and a vector draw where float64 has no value on either side (e^1000 in a softmax written out)
        is left to the full check: only a draw where some side has a value can contradict the proof.
        An unproved claim gets the full check afterwards.
        """
        return replace(self, exact_points=0, link_exact_points=0, max_exact=8, max_digits=evaluate.CHEAP_DIGITS,
                       link_sizes=(2,), settle_overflow=False)


# float64 "agreement" above this many units of rounding of the terms is not taken on trust: those points
# are settled at high precision too (a relative error of 5e-10 is a million times rounding, not noise).
ROUNDING = 1e3 * float(np.finfo(float).eps)
# Wall time one scalar check may spend at high precision (a point can need thousands of digits); the
# points left are counted as unsettled, never as agreeing.
SETTLE_SECONDS = 8.0
OUTSIDE_WHERE = "outside the `where` when evaluated exactly"
# Points where float64 cancelled (the difference is within rounding of the terms but not of the values),
# settled at high precision: the worst ones and a spread.
CANCELLATION_AUDIT = 16
# Special points settled at high precision in the full check, whatever float64 says there (see
# cross_check_scalar).
SPECIAL_AUDIT = 24


@dataclass
class _Tally:
    """Running figures of one cross-check."""

    points: int = 0
    max_abs: float = 0.0
    max_rel: float = 0.0
    exact: int = 0
    undecided: int = 0
    counterexample: Counterexample | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said in the message, never a disagreement
    sizes: set = field(default_factory=set)
    excluded: list = field(default_factory=list)  # (point text, reason) where neither side has a value
    unresolved: list = field(default_factory=list)  # (point text, reason) no stable answer at high precision
    unsettled: int = 0  # points float64 could not decide that were not settled (over the budget)
    at_jumps: list = field(default_factory=list)  # unresolved points (text) where a jump function's argument
    # is within rounding of its jump and could not be decided exactly
    stopped: str = ""  # why high precision stopped early (its time limit)
    digits: int = 0  # the highest precision a settled point needed
    region: str = ""

    def outcome(self, fd_err=None) -> NumericOutcome:
        agrees = self.counterexample is None and not self.problems
        return NumericOutcome(
            points=self.points,
            max_abs_err=self.max_abs,
            max_rel_err=self.max_rel,
            agrees=agrees,
            counterexample=self.counterexample,
            mpmath_points=self.exact,
            float64_undecided=self.undecided,
            finite_difference_max_rel_err=fd_err,
            sizes=tuple(sorted(self.sizes)),
            message="; ".join(self.problems),
            region=self.describe_region(),
        )

    def describe_region(self) -> str:
        parts = [self.region] if self.region else []
        if self.exact:
            parts.append(f"{_points(self.exact)} settled at high precision (up to {self.digits} digits)")
        if self.excluded:
            reasons = sorted({reason for _, reason in self.excluded})
            example = self.excluded[0][0]
            undefined = [e for e in self.excluded if e[1] != OUTSIDE_WHERE]
            hint = f": {_where_suggestion(undefined)}" if undefined else ""
            parts.append(f"{_points(len(self.excluded))} excluded, outside the domain ({'; '.join(reasons)}), "
                         f"e.g. {example}{hint}")
        if self.unresolved:
            parts.append(f"{_points(len(self.unresolved))} unresolved at high precision "
                         f"({self.unresolved[0][1]}, e.g. {self.unresolved[0][0]})")
        if self.unsettled:
            parts.append(f"{_points(self.unsettled)} float64 could not decide not settled (over the budget)")
        if self.stopped:
            parts.append(self.stopped)
        return "; ".join(parts)


def _points(count: int) -> str:
    return f"{count} point" if count == 1 else f"{count} points"


def _where_suggestion(excluded) -> str:
    """A `where` that states the domain, when every excluded point shares one coordinate (x = 0)."""
    shared = None
    for text, _ in excluded:
        pairs = set(text.split(", "))
        shared = pairs if shared is None else shared & pairs
    for pair in sorted(shared or ()):
        name, _, value = pair.partition(" = ")
        try:
            number = float(value)
        except ValueError:
            continue
        shown = int(number) if number.is_integer() else number
        return f'state the domain with where = "{name} != {shown}"'
    return "add a `where` that excludes them"


def cross_check_constants(lhs, rhs) -> NumericOutcome:
    """A claim between numbers (no symbol): both sides at high precision, the precision growing with
    the constants and the cancellation as for any point (evaluate.settle). A difference confirmed at two
    precisions refutes it; agreement is the numbers agreeing, never a proof; no stable answer is said."""
    tally = _Tally(region="no symbols: the two numbers compared at high precision")
    lhs, rhs = prepare(lhs), prepare(rhs)
    tally.points = 1
    settled = evaluate.settle(evaluate.exact_function(lhs, []), evaluate.exact_function(rhs, []), [],
                              evaluate.constant_digits(lhs, rhs), evaluate.cancellation_function((lhs, rhs), []))
    if settled.status == "differ":
        tally.exact = 1
        tally.counterexample = _counterexample({}, settled.lhs, settled.rhs, settled.digits, settled.reason)
    elif settled.status == "agree":
        tally.exact, tally.digits = 1, settled.digits
    elif settled.status == "excluded":
        tally.problems.append(f"neither side is a number ({settled.reason})")
    else:
        tally.problems.append(f"the two numbers could not be compared: {settled.reason or 'no stable value'}")
    return tally.outcome()


def cross_check_scalar(lhs, rhs, symbols, *, where=None, numpy_lhs=None, numpy_rhs=None,
                       settings: NumericSettings = NumericSettings()) -> NumericOutcome:
    """Scalar claims (and the links of their derivations).

    float64 screens every point (complex where a side is complex). Points where float64 disagrees
    beyond rtol, agrees only to far more than rounding, or cancelled are settled at high precision
    (evaluate.settle: the precision grows until the answer is stable, and a difference counts only
    when two precisions agree on it); so are the hard values and a spread of the rest.
    """
    symbols = list(symbols)
    rewritten = (_rewritten(lhs), _rewritten(rhs))
    kinked = (kinks.has_kinked_derivative(lhs), kinks.has_kinked_derivative(rhs))
    # at a kink of a derivative, SymPy's formulas give conventions: such points are decided exactly
    judge = kinks.PointJudge(lhs, rhs, symbols) if any(kinked) else None
    lhs, rhs = prepare(lhs), prepare(rhs)
    # An integral SymPy could not evaluate is evaluated by quadrature (scipy's in float64, mpmath.quad at
    # high precision). A quadrature can miss a narrow peak and answer a confident wrong value, so a
    # difference it finds is never a counterexample: such points are reported unresolved.
    quadrature = any(isinstance(side, sp.Basic) and side.has(sp.Integral) for side in (lhs, rhs))
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return _cross_check_entries(sp.Matrix(lhs), sp.Matrix(rhs), symbols, where, settings)
    tally = _Tally()
    sample = _sample_columns(symbols, where, settings, (lhs, rhs, where))
    if sample is None:
        tally.problems.append("the domain restriction holds at none of the sampled points")
        return tally.outcome()
    columns, specials = sample
    names = [str(s) for s in symbols]
    tally.region = _region(names, columns, specials)
    a = _call(numpy_lhs, names, columns) if numpy_lhs else evaluate.float_function(lhs, symbols)(*columns)
    b = _call(numpy_rhs, names, columns) if numpy_rhs else evaluate.float_function(rhs, symbols)(*columns)
    with np.errstate(all="ignore"):
        terms = evaluate.term_scale_function((lhs, rhs), symbols)(*columns)
        scale = np.array(np.fmax(np.fmax(np.abs(a), np.abs(b)), terms), dtype=float)
    bad = _disagreeing(a, b, scale, settings)
    tally.points = len(a)
    tally.undecided = int(np.count_nonzero(bad))
    _record_errors(tally, a, b, scale, ~bad, 1e3 * settings.atol / settings.rtol)
    exact_lhs, exact_rhs = evaluate.exact_function(lhs, symbols), evaluate.exact_function(rhs, symbols)
    extra = evaluate.constant_digits(lhs, rhs)
    cancellation = evaluate.cancellation_function((lhs, rhs), symbols)
    watch = jumps.Watch.of(lhs, rhs, symbols)
    audited = _audited(a, b, scale, bad, settings)
    if settings.exact_points and specials is not None:
        # float64's tolerance (ROUNDING) is wider than what a claim may get wrong beside a kink
        # (Max(|x − 3|, 1e-12) against |x − 3| at 3 + 5e-13: a relative 2e-13): the first special points
        # (solved kinks, the gaps between them, the points just beside) are settled at high precision;
        # all of them when a constant is beyond float64's range, where float64 sees nothing at all
        every = evaluate.beyond_float64(lhs, rhs)
        audited += _special_indices(names, columns, specials, settings.max_exact if every else SPECIAL_AUDIT)
    chosen = _exact_indices(bad, settings, columns, audited)
    tally.unsettled = max(0, int(np.count_nonzero(bad)) - settings.max_exact)
    where_exact = evaluate.exact_function(where, symbols) if where is not None else None
    started = time.perf_counter()
    # Two passes: every chosen point up to CHEAP_DIGITS first, so that a few points needing thousands of
    # digits cannot use up the time before the cheap ones are seen; then those points at full precision.
    passes = [(index, evaluate.CHEAP_DIGITS) for index in chosen]
    position = 0
    while position < len(passes):
        index, limit = passes[position]
        position += 1
        if tally.counterexample is not None:
            break  # one confirmed counterexample is enough
        if time.perf_counter() - started > SETTLE_SECONDS:
            left = [i for i, _ in passes[position - 1:]]
            tally.unsettled += int(np.count_nonzero(bad[left]))
            tally.stopped = f"high precision stopped after {SETTLE_SECONDS:g} s with {len(left)} points left"
            break
        point = [column[index] for column in columns]
        full = evaluate.MAX_DIGITS_DISAGREEING if bad[index] else evaluate.MAX_DIGITS
        full = min(full, settings.max_digits or full)
        settled = evaluate.settle(exact_lhs, exact_rhs, point, extra, cancellation, rewritten, min(limit, full),
                                  watch, kinked=kinked, judge=judge)
        if settled.status == "unresolved" and limit < full and settled.digits:
            passes.append((index, full))  # needs more digits: looked at again after the cheap points
            continue
        where_text = ", ".join(f"{n} = {float(v)!r}" for n, v in zip(names, point))
        if settled.status == "excluded":
            tally.excluded.append((where_text, settled.reason))
            continue
        if settled.status == "unresolved":
            tally.unresolved.append((where_text, settled.reason))
            if settled.ambiguous:
                tally.at_jumps.append(where_text)
            continue
        tally.exact += 1
        tally.digits = max(tally.digits, settled.digits)
        L, R = settled.lhs, settled.rhs
        if settled.status == "agree":
            _check_encoding(tally, "lhs", a[index], L, scale[index], names, point, settings, numpy_lhs)
            _check_encoding(tally, "rhs", b[index], R, scale[index], names, point, settings, numpy_rhs)
        elif where_exact is not None and not _holds_exactly(where_exact, point, extra):
            # float64 let the point through the domain condition at its boundary (1e-12 as a float64
            # is below 10**-12): exactly, it is outside, and says nothing
            tally.exact -= 1
            tally.excluded.append((where_text, OUTSIDE_WHERE))
        elif quadrature:
            reason = ("a difference found by quadrature alone (it may miss a narrow peak of the integrand) "
                      "is not a counterexample")
            tally.unresolved.append((where_text, reason))
        else:
            tally.counterexample = _counterexample(dict(zip(names, point)), L, R, settled.digits, settled.reason)
    if tally.counterexample is None and specials is not None and specials.exact and settings.exact_points \
            and not quadrature:  # what a quadrature finds there could not count either way
        _settle_exact_points(tally, symbols, columns, specials, where, exact_lhs, exact_rhs, extra, cancellation,
                             rewritten, watch, kinked, judge)
    _no_verdict_at_jumps(tally, settings)
    if tally.counterexample is None and tally.exact == 0 and not np.any(~bad) and not tally.problems:
        tally.problems.append("no sampled point where both sides have a value: no numeric evidence")
    return tally.outcome()


def _settle_exact_points(tally, symbols, columns, specials, where, exact_lhs, exact_rhs, extra, cancellation,
                         rewritten, watch=None, kinked=(False, False), judge=None, rows: int = 3) -> None:
    """The exact rational zeros (x = -13/7 in sign(x + 13/7)), the other symbols at a few sampled values:
    evaluated at high precision from the exact value, where float64 cannot go."""
    names = [str(s) for s in symbols]
    holds = evaluate.exact_function(where, symbols) if where is not None else None
    for name, root in specials.exact:
        k = names.index(name)
        for row in range(min(rows, len(columns[0])) if len(names) > 1 else 1):
            point = [root if j == k else columns[j][row] for j in range(len(names))]
            if holds is not None and not _holds_exactly(holds, point, extra):
                continue
            settled = evaluate.settle(exact_lhs, exact_rhs, point, extra, cancellation, rewritten, watch=watch,
                                      kinked=kinked, judge=judge)
            if settled.status == "unresolved" and settled.ambiguous:
                text = ", ".join(f"{n} = {v}" for n, v in zip(names, point))
                tally.unresolved.append((text, settled.reason))
                tally.at_jumps.append(text)
            if settled.status == "differ":
                tally.exact += 1
                tally.counterexample = _counterexample(dict(zip(names, point)), settled.lhs, settled.rhs,
                                                       settled.digits, settled.reason)
                return
            if settled.status == "agree":
                tally.exact += 1


def _holds_exactly(holds, point, extra) -> bool:
    try:
        value = holds(*point, digits=evaluate.digits_for(point, extra))
    except evaluate.ExactEvaluationFailed:
        return False
    return isinstance(value, (mpmath.mpf, mpmath.mpc)) and value != 0


def _rewritten(side) -> bool:
    """Whether evaluating the side makes SymPy write a new expression (a derivative, a sum, a limit),
    whose singularities may be its own rather than the claim's."""
    return isinstance(side, sp.Basic) and bool(side.atoms(sp.Derivative, sp.Sum, sp.Limit, sp.Subs, sp.Integral))


def _audited(a, b, scale, bad, settings) -> list[int]:
    """Points float64 accepted that it should not vouch for: agreement far above rounding (worst first),
    then cancellation (a difference within rounding of the terms but not of the values), the worst
    and a spread."""
    if not settings.exact_points:
        return []
    with np.errstate(all="ignore"):
        error = np.abs(a - b)
        term_rel = np.where(bad, 0.0, error / np.where(scale > 0, scale, np.inf))
        values = np.fmax(np.abs(a), np.abs(b))
        value_rel = np.where(bad, 0.0, error / np.where(values > 0, values, np.inf))
        value_rel = np.where(np.isnan(value_rel), 0.0, value_rel)
    suspicious = np.flatnonzero(term_rel > ROUNDING)
    suspicious = suspicious[np.argsort(-term_rel[suspicious], kind="stable")][: settings.max_exact]
    cancelled = np.flatnonzero((value_rel > ROUNDING) & (term_rel <= ROUNDING))
    worst = cancelled[np.argsort(-value_rel[cancelled], kind="stable")][: CANCELLATION_AUDIT // 2]
    spread = cancelled[np.linspace(0, len(cancelled) - 1, num=min(CANCELLATION_AUDIT // 2, len(cancelled)),
                                   dtype=int)] if len(cancelled) else cancelled
    return [int(k) for k in (*suspicious, *worst, *spread)]


def _special_indices(names, columns, specials, limit: int) -> list[int]:
    """The sampled points at the first `limit` special points of the claim (split among the symbols;
    special points are ranked, see sampling.special_points). float64 cannot see a constant beyond its
    range (1e-400·relu(x − 0.6)·relu(0.7 − x) is 0 there, as is the difference it makes): where the
    claim changes character, only high precision can say whether the sides agree."""
    chosen: list[int] = []
    share = max(1, limit // max(1, len(names)))
    for name, column in zip(names, columns):
        special = specials.get(name)
        if special is None or not len(special):
            continue
        for value in special[:share]:  # in the special points' own ranking, not the sample's order
            for k in np.flatnonzero(column == value)[:1]:
                if int(k) not in chosen:
                    chosen.append(int(k))
    return chosen[:limit]


def _region(names, columns, specials) -> str:
    """Where the sample lies: each symbol's range, and the special points it was made to include."""
    ranges = ", ".join(f"{n} in [{np.min(c):.3g}, {np.max(c):.3g}]" for n, c in zip(names, columns) if len(c))
    text = f"{len(columns[0])} points: {ranges}" if columns else ""
    described = specials.describe() if specials is not None else ""
    return f"{text}; special points {described}" if described else text


def cross_check_vector(identity, lhs, rhs, *, where=None, with_numpy=True,
                       settings: NumericSettings = NumericSettings()) -> NumericOutcome:
    """Vector claims: NumPy sides on draws up to n = 1000, SymPy sides on the small draws."""
    tally = _Tally()
    sizes = identity.numeric_sizes if with_numpy else tuple(s for s in identity.numeric_sizes if s in settings.link_sizes)
    points = settings.points if with_numpy else settings.link_points
    holds = _vector_where(where, identity)
    draws = []
    for round_number in range(4):  # top up when the domain restriction rejected some draws
        batch = sampling.vector_draws(identity.vectors, identity.symbols, sizes or (1, 2, 3),
                                      settings.seed + 7919 * round_number, points)
        draws.extend(d for d in batch if holds(d))
        if len(draws) >= points:
            break
    draws.sort(key=lambda d: d.size)
    if not draws:
        tally.problems.append("the domain restriction holds at none of the sampled points")
        return tally.outcome()
    explicit = _ExplicitSides(identity, lhs, rhs, indexed.index_part(where, identity.indices))
    use_numpy = with_numpy and identity.numpy_lhs is not None and identity.numpy_rhs is not None
    exact_budget = settings.exact_points if with_numpy else settings.link_exact_points
    settled_disagreeing = 0
    for size, group in _by_size(draws).items():
        small = size <= settings.max_explicit_size
        if use_numpy:
            pairs = [(np.asarray(identity.numpy_lhs(**d.values), dtype=float),
                      np.asarray(identity.numpy_rhs(**d.values), dtype=float)) for d in group]
        elif small:
            pairs = explicit.float_batch(group)
        else:
            continue
        mismatch = next(((a.shape, b.shape) for a, b in pairs if a.shape != b.shape), None)
        if mismatch is not None:
            tally.problems.append(f"the NumPy sides have shapes {mismatch[0]} and {mismatch[1]} at n = {size}")
            return tally.outcome()
        for batch, A, B in _stacked(group[:len(pairs)], pairs):
            scale, bad = _draw_scales(A, B, settings)
            tally.points += len(batch)
            tally.sizes.add(size)
            if not small:
                tally.undecided += int(np.count_nonzero(bad.reshape(len(batch), -1).any(axis=1)))
                _record_errors(tally, A, B, _per_entry(scale, A), ~bad, 1e3 * settings.atol / settings.rtol)
                continue
            if use_numpy:
                _check_encoding_batch(tally, explicit, batch, A, B, settings)
            for j, draw in enumerate(batch):
                if not ((bad[j].any() and tally.counterexample is None) or exact_budget > 0):
                    continue
                scale[j] = max(scale[j], explicit.magnitude(draw))  # the terms may be far larger than the value
                bad[j] = _disagreeing(A[j], B[j], np.full(A[j].shape, scale[j]), settings)
                disagrees = bool(bad[j].any())
                if not (disagrees or exact_budget > 0) or (disagrees and tally.counterexample is not None):
                    continue  # one confirmed counterexample is enough; agreeing draws spend the budget
                if disagrees and exact_budget <= 0 and settled_disagreeing >= settings.max_exact:
                    tally.undecided += 1
                    continue
                if disagrees and not settings.settle_overflow and _overflowed_only(A[j], B[j], bad[j]):
                    tally.undecided += 1  # float64 out of range on both sides: says nothing, and proves nothing
                    continue
                exact_budget -= 1
                settled_disagreeing += int(disagrees)
                agree, L, R = explicit.settle(draw, scale[j], settings.max_digits or evaluate.MAX_DIGITS)
                if agree is None:  # no stable value within the precision allowed: neither way
                    limit = settings.max_digits or evaluate.MAX_DIGITS
                    reason = (("a jump function's argument is within rounding of its jump and could not be decided "
                               "exactly") if explicit.at_jump else f"no stable value within {limit} digits")
                    tally.unresolved.append((f"a draw at n = {draw.size}", reason))
                    if explicit.at_jump:
                        tally.at_jumps.append(f"a draw at n = {draw.size}")
                    tally.undecided += int(disagrees)
                    continue
                tally.exact += 1
                if agree:
                    tally.undecided += int(disagrees)
                    if use_numpy:
                        _check_encoding_vector(tally, A[j], B[j], L, R, scale[j], draw, settings)
                elif tally.counterexample is None:
                    tally.counterexample = _vector_counterexample(draw, L, R)
            _record_errors(tally, A, B, _per_entry(scale, A), ~bad, 1e3 * settings.atol / settings.rtol)
    _no_verdict_at_jumps(tally, settings)
    return tally.outcome()


def _no_verdict_at_jumps(tally, settings) -> None:
    """sign(noise) may be either sign: where a jump function's argument could not be decided, the claim
    may fail, and nothing says it does not. Not for a proved claim's cross-check (a proof is exact)."""
    if tally.counterexample is None and tally.at_jumps and settings.exact_points:
        tally.problems.append(f"the numbers cannot decide the claim: at {_points(len(tally.at_jumps))} the argument "
                              "of a jump function (sign, Heaviside, floor, ceiling, a condition) is within rounding "
                              f"of its jump and could not be decided exactly, e.g. {tally.at_jumps[0]}")


def _overflowed_only(a, b, disagreeing) -> bool:
    """Whether every entry where the sides disagree has no float64 value on either side."""
    with np.errstate(all="ignore"):
        return not np.any(disagreeing & (np.isfinite(a) | np.isfinite(b)))


def _stacked(draws, pairs):
    """Consecutive draws whose sides have one shape, stacked: (draws, lhs array, rhs array)."""
    start = 0
    while start < len(pairs):
        shape = pairs[start][0].shape
        stop = start
        while stop < len(pairs) and pairs[stop][0].shape == shape:
            stop += 1
        chunk = pairs[start:stop]
        yield draws[start:stop], np.stack([a for a, _ in chunk]), np.stack([b for _, b in chunk])
        start = stop


def _draw_scales(A, B, settings):
    """Per draw, the largest entry of either side; per entry, whether float64 disagrees at that scale."""
    axes = tuple(range(1, A.ndim))
    with np.errstate(all="ignore"):
        scale = np.fmax(np.max(np.abs(A), axis=axes, initial=0.0), np.max(np.abs(B), axis=axes, initial=0.0))
    return scale, _disagreeing(A, B, _per_entry(scale, A), settings)


def _per_entry(scale, A):
    return np.broadcast_to(scale.reshape((-1,) + (1,) * (A.ndim - 1)), A.shape)


def _by_size(draws) -> dict:
    groups: dict[int, list] = {}
    for draw in draws:
        groups.setdefault(draw.size, []).append(draw)
    return groups


def _cross_check_entries(lhs, rhs, symbols, where, settings) -> NumericOutcome:
    """Explicit matrix claims over scalar symbols: entry by entry, SymPy sides only."""
    if lhs.shape != rhs.shape:
        tally = _Tally()
        tally.problems.append(f"shapes differ: {lhs.shape} vs {rhs.shape}")
        return tally.outcome()
    outcomes = [cross_check_scalar(p, q, symbols, where=where, settings=settings) for p, q in zip(lhs, rhs)]
    worst = max(outcomes, key=lambda o: (not o.agrees, o.max_rel_err))
    return NumericOutcome(
        points=sum(o.points for o in outcomes),
        max_abs_err=max(o.max_abs_err for o in outcomes),
        max_rel_err=max(o.max_rel_err for o in outcomes),
        agrees=all(o.agrees for o in outcomes),
        counterexample=worst.counterexample,
        mpmath_points=sum(o.mpmath_points for o in outcomes),
        float64_undecided=sum(o.float64_undecided for o in outcomes),
        message=worst.message,
        region=worst.region,
    )


class _ExplicitSides:
    """The SymPy sides of a vector claim at a fixed n, compiled once per size (lazily)."""

    def __init__(self, identity, lhs, rhs, index_where=None):
        self.identity = identity
        self.index_where = index_where
        self.lhs, self.rhs = lhs, rhs
        self._cache: dict[int, tuple] = {}
        self._vector_names = [str(v.label) for v in identity.vectors]
        self.at_jump = False  # whether the last draw settled was left unresolved at a jump function
        self._scalar_names = [str(s) for s in identity.symbols]

    def _build(self, size_value: int):
        if size_value not in self._cache:
            ident = self.identity
            assignments = list(indexed.index_assignments(ident.indices, size_value, self.index_where))
            lefts = indexed.explicit_entries(indexed.entry_form(self.lhs, ident.indices), ident.size, size_value,
                                             assignments, prepare)
            rights = indexed.explicit_entries(indexed.entry_form(self.rhs, ident.indices), ident.size, size_value,
                                              assignments, prepare)
            symbols = [indexed.explicit_symbol(v, p) for v in ident.vectors for p in range(size_value)]
            symbols += list(ident.symbols)
            shape = (size_value,) * len(ident.indices) if self.index_where is None else (len(assignments),)
            magnitudes = [evaluate.magnitude(p) + evaluate.magnitude(q) for p, q in zip(lefts, rights)]
            compiled = _Compiled(symbols, lefts, rights, magnitudes)
            self._cache[size_value] = (shape, compiled)
        return self._cache[size_value]

    def _arguments(self, draw):
        values = []
        for name in self._vector_names:
            values.extend(np.asarray(draw.values[name], dtype=float).tolist())
        values.extend(float(draw.values[name]) for name in self._scalar_names)
        return values

    def float_batch(self, draws):
        """(lhs, rhs) arrays for every draw of one size, evaluated in one vectorised call per side."""
        shape, compiled = self._build(draws[0].size)
        if 0 in shape:
            return []  # no entry satisfies the index condition at this n (i ≠ j at n = 1)
        columns = [np.array(column, dtype=float) for column in zip(*(self._arguments(d) for d in draws))]
        f, g = compiled["float"]
        lefts, rights = f(*columns), g(*columns)
        return [(lefts[:, k].reshape(shape), rights[:, k].reshape(shape)) for k in range(len(draws))]

    def exact_values(self, draw, digits: int | None = None):
        _, compiled = self._build(draw.size)
        args = self._arguments(draw)
        f, g = compiled["exact"]
        # a side evaluated as a whole is None when one entry has no value: that is no entry at all
        # (an empty list would compare as agreeing), so each entry is undefined until looked at alone
        left, right = f(*args, digits=digits), g(*args, digits=digits)
        return ([None] * len(compiled.lefts) if left is None else _as_list(left),
                [None] * len(compiled.rights) if right is None else _as_list(right))

    def magnitudes(self, draws) -> np.ndarray:
        """Per draw (one size), the largest magnitude of the terms of any entry, in float64 (inf where
        float64 overflowed there)."""
        _, compiled = self._build(draws[0].size)
        columns = [np.array(column, dtype=float) for column in zip(*(self._arguments(d) for d in draws))]
        with np.errstate(all="ignore"):
            values = np.abs(compiled["magnitude"](*columns)).reshape(-1, len(draws))
            return np.where(np.isnan(values), np.inf, values).max(axis=0, initial=0.0)

    def magnitude(self, draw) -> float:
        """The largest magnitude of the terms of any entry (see evaluate.magnitude)."""
        _, compiled = self._build(draw.size)
        args = self._arguments(draw)
        values = np.abs(compiled["magnitude"](*args)).ravel()
        if not np.all(np.isfinite(values)):  # float64 overflowed inside the terms: ask mpmath
            exact = [v for v in _as_list(compiled["exact magnitude"](*args, digits=evaluate.SCALE_DIGITS)) if v is not None]
            values = np.array([min(float(abs(v)), np.finfo(float).max) for v in exact] or [0.0])
        return float(np.max(values)) if values.size else 0.0

    def settle(self, draw, scale=None, max_digits: int = evaluate.MAX_DIGITS):
        """(agree, lhs entries, rhs entries) at high precision (evaluate.settle_entries: the precision
        grows until the answer is stable; a difference counts when two precisions agree on it); agree is
        None when no precision up to `max_digits` gave a stable answer."""
        _, compiled = self._build(draw.size)
        args = self._arguments(draw)
        f, g = compiled["exact"]
        settled = evaluate.settle(f, g, args, compiled["constants"], compiled["cancellation"], (False, False),
                                  max_digits, compiled["jumps"])
        self.at_jump = bool(settled.ambiguous)
        if settled.status == "unresolved":
            return None, [], []
        confirmed = settled.status == "differ" and (not settled.reason or self._one_sided(settled, compiled, args))
        lefts, rights = _as_list(settled.lhs), _as_list(settled.rhs)
        if confirmed and (not lefts or not rights):  # a side with an undefined entry has no value as a whole
            lefts, rights = ([evaluate.exact_function(e, compiled.symbols)(*args, digits=settled.digits) for e in exprs]
                             for exprs in (compiled.lefts, compiled.rights))
        return not confirmed, lefts, rights

    def _one_sided(self, settled, compiled, args) -> bool:
        """Whether an entry undefined on one side only is a counterexample, by the scalar rule
        (evaluate.settle): yes, unless the undefined side is the engine's rewriting (a derivative, a sum)
        and tends to the other side there (a removable singularity of SymPy's form, n·xⁿ/x), or the
        defined side is SymPy's formula for a derivative of a non-smooth function (a convention at a kink,
        decided exactly by kinks.py)."""
        try:
            found = self._undefined_entry(settled, compiled, args)
            if found is None:
                return False
            side, entry, value = found
            sides = (self.lhs, self.rhs)
            if kinks.has_kinked_derivative(sides[1 - side]):
                return False
            if not _rewritten(sides[side]):
                return True
            return not evaluate._tends_to(entry, value, args, settled.digits)
        except evaluate.ExactEvaluationFailed:
            return False  # no second look possible: not a counterexample

    @staticmethod
    def _undefined_entry(settled, compiled, args):
        """(side, exact function of the entry, the other side's value there) for the first entry undefined
        on one side only. A side evaluated as a whole has no value at all when one entry has none: its
        entries are then evaluated one by one."""
        lefts, rights = settled.lhs, settled.rhs
        for side, mine, others in ((0, lefts, rights), (1, rights, lefts)):
            if not isinstance(others, list):
                continue
            exprs = compiled.lefts if side == 0 else compiled.rights
            for k, other in enumerate(others):
                if not isinstance(other, (mpmath.mpf, mpmath.mpc)):
                    continue
                if isinstance(mine, list) and mine[k] is not None:
                    continue
                entry = evaluate.exact_function(exprs[k], compiled.symbols)
                if entry(*args, digits=settled.digits) is None:
                    return side, entry, other
        return None


class _Compiled:
    """Compiled forms of the explicit entries, each built the first time it is asked for."""

    def __init__(self, symbols, lefts, rights, magnitudes):
        self.symbols, self.lefts, self.rights, self.magnitudes = symbols, lefts, rights, magnitudes
        self._built: dict[str, object] = {}

    def __getitem__(self, kind: str):
        if kind not in self._built:
            self._built[kind] = {
                "float": lambda: (evaluate.float_functions(self.lefts, self.symbols),
                                  evaluate.float_functions(self.rights, self.symbols)),
                "exact": lambda: (evaluate.exact_function(self.lefts, self.symbols),
                                  evaluate.exact_function(self.rights, self.symbols)),
                "magnitude": lambda: evaluate.float_functions(self.magnitudes, self.symbols),
                "exact magnitude": lambda: evaluate.exact_function(self.magnitudes, self.symbols),
                "constants": lambda: evaluate.constant_digits(self.lefts, self.rights),
                "jumps": lambda: jumps.Watch.of(list(self.lefts), list(self.rights), self.symbols),
                "cancellation": lambda: evaluate.cancellation_function(list(self.lefts) + list(self.rights),
                                                                       self.symbols),
            }[kind]()
        return self._built[kind]


def _as_list(values):
    if values is None:
        return []
    return list(values) if isinstance(values, (list, tuple)) else [values]


def _sample_columns(symbols, where, settings, exprs=()):
    """(columns, special points) of the points where `where` holds; None when it holds at none."""
    sample = sampling.scalar_sample(symbols, settings.seed, settings.points, exprs=tuple(e for e in exprs if e is not None))
    columns = [sample.values[str(s)] for s in symbols]
    if where is not None:
        mask = np.broadcast_to(_where_mask(symbols, where, columns), columns[0].shape)
        columns = [c[mask] for c in columns]
        if not len(columns[0]):
            return None
    return columns, sample.specials


def _where_mask(symbols, where, columns) -> np.ndarray:
    """Where the condition holds, in float64; point by point at high precision where NumPy cannot
    evaluate it (an integer beyond float64)."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(evaluate.compile_numpy(symbols, where)(*columns), dtype=bool)
    except (ArithmeticError, TypeError, ValueError):
        holds = evaluate.compile_mpmath(symbols, where)
        mask = []
        for point in zip(*columns):
            try:
                with mpmath.workdps(evaluate.digits_for(point, evaluate.constant_digits(where))):
                    mask.append(bool(holds(*[mpmath.mpf(float(v)) for v in point])))
            except (ArithmeticError, TypeError, ValueError, MemoryError):
                mask.append(False)
        return np.array(mask, dtype=bool)


def _vector_where(where, identity):
    """A test of one draw: `where` on vector entries (x[k] ≠ 0) must hold for every entry."""
    if where is None:
        return lambda draw: True
    plain = where.replace(lambda e: isinstance(e, sp.Indexed), lambda e: sp.Symbol(str(e.base.label), real=True))
    names = [sp.Symbol(str(v.label), real=True) for v in identity.vectors] + list(identity.symbols)
    if any(s not in names for s in plain.free_symbols):
        return lambda draw: True  # an index condition (i ≠ j): it selects entries, not points
    compiled = evaluate.compile_numpy(names, plain)

    def holds(draw) -> bool:
        with np.errstate(all="ignore"):
            return bool(np.all(compiled(*[draw.values[str(s)] for s in names])))

    return holds


def _call(function, names, columns):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = function(**dict(zip(names, columns)))
    return np.broadcast_to(np.asarray(value, dtype=float), columns[0].shape)


def _disagreeing(a, b, scale, settings) -> np.ndarray:
    with np.errstate(all="ignore"):
        close = np.abs(a - b) <= settings.rtol * np.where(np.isfinite(scale), scale, 0.0) + settings.atol
    return ~(close & np.isfinite(a) & np.isfinite(b))


def _record_errors(tally, a, b, scale, decided, floor: float = 1e-291) -> None:
    """Largest errors over the points float64 decided; the others are counted as undecided and settled
    (or not) at high precision. Relative errors skip terms smaller than `floor` (atol / rtol): near
    underflow only the absolute error means anything."""
    with np.errstate(all="ignore"):
        finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(scale) & decided
        if not np.any(finite):
            return
        err = np.abs(a - b)[finite]
        magnitude = scale[finite]
        rel = err[magnitude >= floor] / magnitude[magnitude >= floor]
    tally.max_abs = max(tally.max_abs, float(np.max(err)))
    if rel.size:
        tally.max_rel = max(tally.max_rel, float(np.max(rel)))


def _exact_indices(bad, settings, columns=None, audited=()):
    """Every disagreeing point (up to max_exact), simplest first, then the `audited` ones (see
    _audited), then the hard values and a spread of agreeing ones.

    Simplest first, as Hypothesis shrinks: the first confirmed counterexample is the one reported,
    and `x = 1` explains a wrong step better than `x = 1e-08`.
    """
    disagreeing = np.flatnonzero(bad)
    if columns is not None and len(disagreeing):
        disagreeing = _simplest_first(disagreeing, columns)
    disagreeing = [int(k) for k in disagreeing]
    if len(disagreeing) > settings.max_exact:  # the simplest half, and the rest spread over all of them
        half = settings.max_exact // 2
        rest = disagreeing[half:]
        picks = np.linspace(0, len(rest) - 1, num=settings.max_exact - half, dtype=int)
        disagreeing = disagreeing[:half] + [rest[k] for k in picks]
    chosen = list(disagreeing)
    for index in audited:
        if index not in chosen:
            chosen.append(int(index))
    spread = np.linspace(0, len(bad) - 1, num=min(settings.exact_points, len(bad)), dtype=int)
    hard = range(min(len(sampling.HARD_VALUES), len(bad)) if settings.exact_points else 0)
    for index in list(hard) + list(spread):
        if index not in chosen:
            chosen.append(int(index))
    return chosen


def _simplest_first(indices, columns) -> list:
    """The points at `indices` ordered by fewest non-integer coordinates, then fewest zeros, then the
    smallest largest magnitude; ties keep their order (a stable sort, vectorised: a float64 check can
    leave thousands of points to order)."""
    indices = np.asarray(indices)
    if not len(columns) or not len(indices):
        return [int(k) for k in indices]
    values = np.abs(np.stack([np.asarray(column, dtype=float)[indices] for column in columns]))
    with np.errstate(invalid="ignore"):
        fractional = np.count_nonzero(values != np.round(values), axis=0)
    zeros = np.count_nonzero(values == 0, axis=0)
    order = np.lexsort((values.max(axis=0), zeros, fractional))
    return [int(k) for k in indices[order]]


def _finite_or_zero(value) -> float:
    return float(value) if np.isfinite(value) else 0.0


def _check_encoding(tally, side, computed, exact, scale, names, point, settings, implementation) -> None:
    """The hand-written NumPy side must agree with the SymPy side it implements."""
    if implementation is None or not np.isfinite(computed) or len(tally.problems) >= 3:
        return
    if not isinstance(exact, mpmath.mpf) or np.iscomplexobj(computed):
        return  # a complex or undefined side: the claim's comparison says what there is to say
    tolerance = 1e3 * settings.rtol * max(abs(float(exact)), _finite_or_zero(scale), ENCODING_FLOOR)
    if abs(float(computed) - float(exact)) > tolerance and np.isfinite(float(exact)):
        where = ", ".join(f"{n} = {p!r}" for n, p in zip(names, point))
        tally.problems.append(
            f"the NumPy {side} disagrees with the SymPy {side} at {where}: "
            f"{computed!r} vs {evaluate.short(exact)}"
        )


def _check_encoding_batch(tally, explicit, batch, A, B, settings, settle_at_most: int = 3) -> None:
    """Every small draw: the NumPy sides against the SymPy sides evaluated in float64, within 1e3 rtol
    of the terms' magnitude; a draw where they still differ is settled at 50 digits before it is
    reported (float64 evaluation of the SymPy side can be the one that is off)."""
    if len(tally.problems) >= 3:
        return
    sympy_pairs = explicit.float_batch(batch)
    if not sympy_pairs or sympy_pairs[0][0].shape != A.shape[1:]:
        return  # entries picked by an index condition: the 50-digit draws compare those
    SA, SB = np.stack([p for p, _ in sympy_pairs]), np.stack([q for _, q in sympy_pairs])
    with np.errstate(all="ignore"):
        values = np.fmax(np.abs(SA), np.abs(SB)).reshape(len(batch), -1).max(axis=1)
    scale, suspects = _encoding_suspects(A, B, SA, SB, values, settings)
    if len(suspects):  # the terms may be far larger than the values (cancellation): the tolerance widens
        scale, suspects = _encoding_suspects(A, B, SA, SB, np.fmax(values, explicit.magnitudes(batch)), settings)
    for j in suspects[:settle_at_most]:
        L, R = explicit.exact_values(batch[j])
        _check_encoding_vector(tally, A[j], B[j], L, R, float(scale[j]), batch[j], settings)


def _encoding_suspects(A, B, SA, SB, scale, settings):
    """(scale, draws where a NumPy side is off its SymPy side by more than 1e3 rtol of `scale`).
    A larger scale only widens the tolerance, so the terms' magnitudes (a compiled function per size)
    are needed only when some draw is off at the values' own scale."""
    with np.errstate(all="ignore"):
        tolerance = _per_entry(1e3 * settings.rtol * np.fmax(scale, ENCODING_FLOOR), A)
        off = (np.abs(A - SA) > tolerance) | (np.abs(B - SB) > tolerance)
        decidable = np.isfinite(SA) & np.isfinite(SB) & np.isfinite(A) & np.isfinite(B) & np.isfinite(tolerance)
    return scale, np.flatnonzero((off & decidable).reshape(len(A), -1).any(axis=1))


def _check_encoding_vector(tally, a, b, L, R, scale, draw, settings) -> None:
    if len(tally.problems) >= 3:
        return
    for side, computed, exact in (("lhs", a.ravel(), L), ("rhs", b.ravel(), R)):
        for value, reference in zip(computed, exact):
            if not isinstance(reference, mpmath.mpf) or not np.isfinite(value):
                continue
            if abs(float(value) - float(reference)) > 1e3 * settings.rtol * max(scale, ENCODING_FLOOR):
                tally.problems.append(
                    f"the NumPy {side} disagrees with the SymPy {side} at n = {draw.size}: "
                    f"{value!r} vs {evaluate.short(reference)}"
                )
                return


def _counterexample(point, L, R, digits: int = evaluate.EXACT_DIGITS, reason: str = "") -> Counterexample:
    if L is None or R is None:
        return Counterexample(point={k: float(v) for k, v in point.items()}, lhs=evaluate.short(L),
                              rhs=evaluate.short(R), difference=reason or "one side is undefined",
                              confirmed_digits=digits)
    size = max(abs(L), abs(R))
    return Counterexample(
        point={k: float(v) for k, v in point.items()},
        lhs=evaluate.short(L, size),
        rhs=evaluate.short(R, size),
        difference=evaluate.short(L - R),  # confirmed nonzero: shown, however small beside the sides
        confirmed_digits=digits,
    )


def _vector_counterexample(draw, L, R) -> Counterexample:
    def gap(p, q):
        if p is None or q is None or p is evaluate.NO_VALUE or q is evaluate.NO_VALUE:
            return mpmath.inf if (p is None) != (q is None) else mpmath.mpf(0)
        return abs(p - q)

    worst = max(((gap(p, q), p, q) for p, q in zip(L, R)), key=lambda t: t[0])
    point = {k: (np.round(np.asarray(v, dtype=float), 17).tolist() if np.ndim(v) else float(v))
             for k, v in draw.values.items()}
    if worst[1] is None or worst[2] is None:
        return Counterexample(point=point, lhs=evaluate.short(worst[1]), rhs=evaluate.short(worst[2]),
                              difference="one side is undefined")
    size = max(abs(worst[1]), abs(worst[2]))
    return Counterexample(
        point=point,
        lhs=evaluate.short(worst[1], size),
        rhs=evaluate.short(worst[2], size),
        difference=evaluate.short(worst[1] - worst[2]),
    )
