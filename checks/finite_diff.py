"""Central finite differences of the NumPy function a derivative claim is about.

Independent of SymPy and of the hand-written derivative: if the claimed formula is not the slope of
the function a practitioner would write, this catches it. Points stay away from kinks (|x| < 1e-3)
and from |x| > 20, where the slope itself is below the differencing error.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from . import sampling

STEP_FACTOR = np.cbrt(np.finfo(float).eps)  # optimal h for a central difference, ~6e-6
TOLERANCE = 1e-5  # vector claims: relative to the primitive's scale
EPS = float(np.finfo(float).eps)
# Rounding of f, in units of max(|f|, 1): an implementation rounds its intermediate terms (1 + e^x in
# softplus), which can be far larger than |f|; a few dozen roundings of them.
ROUNDING = 64 * EPS
EXACT_DIGITS = 50  # the precision of the second look at a point float64 finds off


@dataclass(frozen=True)
class FiniteDifferenceOutcome:
    points: int
    max_rel_err: float
    agrees: bool
    message: str = ""


def check_scalar(primitive, derivative, name: str, seed: int, where_mask=None, symbol=None,
                 claimed_terms=None, claimed_exact=None, primitive_exact=None) -> FiniteDifferenceOutcome:
    """Central differences at the sampled points of `symbol` (its assumptions honoured) where `where_mask`
    holds at the point and at the stencil's ends (x ± 2h): log x with x > 0 is never differenced across 0.

    The tolerance at each point follows from the step and the function: the truncation error is
    estimated by Richardson (the slopes with steps h and 2h differ by about three times it), the rounding
    error is eps |f| / h; the claimed slope must lie within ten times their sum, plus the rounding of
    the claimed slope itself where it is computed from a formula (`claimed_terms`: the magnitude of its
    terms; cosh² − sinh² at x = 18 is 1 ± 10³ in float64). Where the claimed slope still seems off, it
    is computed again at 50 digits (`claimed_exact`, for a formula), and so are the difference quotients
    (`primitive_exact`: f at the same stencil points, 50 digits; (x − softplus(x))·x³ at x = 10 cancels
    terms of 10⁵ to a value of 1, and its float64 quotients are off by 10⁻⁶): float64 only screens,
    here too. Richardson's estimate
    holds only where the step is small against the scale on which f changes: there the slopes with
    steps h, 2h, 4h differ by amounts in the ratio 1 : 4, small against the slope. Where they do not (cos(x⁶) at x = 8 turns
    through 13 radians within one step), nothing is estimated and the point is not used: a
    difference quotient that has not converged says nothing about the claim.
    """
    symbol = symbol if symbol is not None else _Named(name)
    sample = sampling.scalar_sample([symbol], seed, 400).values[name]
    xs = sample[(np.abs(sample) > 1e-3) & (np.abs(sample) < 20)]
    h = STEP_FACTOR * np.maximum(1.0, np.abs(xs))
    with np.errstate(all="ignore"):
        if where_mask is not None:
            inside = np.ones(xs.shape, dtype=bool)
            for offset in (-4, 0, 4):
                inside &= np.asarray(where_mask(xs + offset * h), dtype=bool)
            xs, h = xs[inside], h[inside]
        f = {k: _real(primitive(**{name: xs + k * h}), xs.shape) for k in (-4, -2, -1, 0, 1, 2, 4)}
        claimed = _real(derivative(**{name: xs}), xs.shape)
        slope = (f[1] - f[-1]) / (2 * h)
        coarse = (f[2] - f[-2]) / (4 * h)
        coarser = (f[4] - f[-4]) / (8 * h)
        size = np.fmax.reduce([np.abs(v) for v in f.values()])
        rounding = ROUNDING * np.maximum(size, 1.0) / h
        tolerance = 10 * (np.abs(slope - coarse) + rounding) + EPS * np.abs(claimed)
        if claimed_terms is not None:
            tolerance = tolerance + 10 * ROUNDING * np.abs(_real(claimed_terms(**{name: xs}), xs.shape))
        error = np.abs(slope - claimed)
        finite = np.isfinite(error) & np.isfinite(tolerance) & np.isfinite(coarser)
        finite &= _converged(np.abs(slope - coarse), np.abs(coarse - coarser), rounding, slope)
    xs, error, tolerance, claimed, slope, h = (xs[finite], error[finite], tolerance[finite], claimed[finite],
                                               slope[finite], h[finite])
    off = np.flatnonzero(error > tolerance)
    if claimed_exact is not None and len(off):
        for k in off[:20]:
            exact = claimed_exact(float(xs[k]))
            if exact is not None and np.isfinite(exact):
                claimed[k] = exact
                error[k] = abs(slope[k] - exact)
        off = np.flatnonzero(error > tolerance)
    if primitive_exact is not None and len(off):
        usable = np.ones(xs.shape, dtype=bool)
        for k in off[:20]:
            exact = _exact_quotients(primitive_exact, float(xs[k]), float(h[k]))
            if exact is None:
                continue  # no 50-digit value: the float64 verdict stands
            quotient, spread = exact
            if spread is None:
                usable[k] = False  # the quotients do not converge: the point says nothing
                continue
            slope[k] = quotient
            error[k] = abs(quotient - claimed[k])
            tolerance[k] = 10 * spread + EPS * abs(claimed[k])
        xs, error, tolerance, claimed, slope = xs[usable], error[usable], tolerance[usable], claimed[usable], slope[usable]
        off = np.flatnonzero(error > tolerance)
    rel = error / np.maximum(1.0, np.abs(claimed))
    worst = float(np.max(rel)) if len(rel) else 0.0
    agrees = not len(off)
    message = ""
    if not agrees:
        k = off[0]
        message = (f"finite differences disagree with the claimed derivative at {name} = {float(xs[k])!r}: "
                   f"claimed {float(claimed[k]):.10g}, central difference {float(slope[k]):.10g} (differencing "
                   f"error about {float(tolerance[k]) / 10:.2g})")
    return FiniteDifferenceOutcome(len(xs), worst, agrees, message)


def _exact_quotients(primitive_exact, x: float, h: float):
    """(central difference, the differencing error it must be within) with f at 50 digits at the float64
    stencil points x + kh; the error is None when the quotients with steps h, 2h, 4h do not converge
    (as _converged); None when f has no real value at some point."""
    values = {}
    for k in (-4, -2, -1, 1, 2, 4):
        value = primitive_exact(x + k * h)
        if value is None:
            return None
        values[k] = value
    with mpmath.workdps(EXACT_DIGITS):
        step = mpmath.mpf(h)
        slope = (values[1] - values[-1]) / (2 * step)
        coarse = (values[2] - values[-2]) / (4 * step)
        coarser = (values[4] - values[-4]) / (8 * step)
        rounding = mpmath.mpf(10) ** (8 - EXACT_DIGITS) * max(max(abs(v) for v in values.values()), 1) / step
        fine_gap, coarse_gap = abs(slope - coarse), abs(coarse - coarser)
        converged = max(fine_gap, coarse_gap) <= 10 * rounding or (
            3 * fine_gap <= coarse_gap <= 5 * fine_gap and coarse_gap <= 1e-2 * max(abs(slope), 1))
        return float(slope), (float(fine_gap + rounding) if converged else None)


def _converged(fine, coarse, rounding, slope) -> np.ndarray:
    """Whether the differences of successive slopes (steps h, 2h, 4h) are within rounding, where the
    tolerance covers them, or show the central difference's h² convergence: a ratio of about 4, and a
    change small against the slope itself (a ratio near 4 by chance among slopes that jump by their
    own size is no convergence)."""
    with np.errstate(all="ignore"):
        ratio = coarse / fine
        small = coarse <= 1e-2 * np.fmax(np.abs(slope), 1.0)
        return (np.fmax(fine, coarse) <= 10 * rounding) | ((ratio >= 3) & (ratio <= 5) & small)


def _real(values, shape) -> np.ndarray:
    """float64 values; nan where a value is complex (outside the real domain)."""
    values = np.broadcast_to(np.asarray(values), shape)
    if np.iscomplexobj(values):
        return np.where(np.imag(values) == 0, np.real(values), np.nan).astype(float)
    return values.astype(float)


def check_vector(primitive, derivative, wrt: str, draws) -> FiniteDifferenceOutcome:
    """Gradient (scalar primitive) or Jacobian (vector primitive) against the claimed formula."""
    worst, count = 0.0, 0
    for draw in draws:
        if draw.size > 100:
            continue
        point = dict(draw.values)
        base = np.asarray(point[wrt], dtype=float)
        if np.any(np.abs(base) < 1e-3) or np.any(np.abs(base) > 20):
            continue
        claimed = np.asarray(derivative(**point), dtype=float)
        columns = []
        for position in range(draw.size):
            h = STEP_FACTOR * max(1.0, abs(base[position]))
            up, down = base.copy(), base.copy()
            up[position] += h
            down[position] -= h
            slope = (np.asarray(primitive(**{**point, wrt: up})) - np.asarray(primitive(**{**point, wrt: down}))) / (2 * h)
            columns.append(slope)
        estimate = np.array(columns).T if np.ndim(columns[0]) else np.array(columns)
        if estimate.shape != claimed.shape:
            return FiniteDifferenceOutcome(count, float("inf"), False,
                                           f"finite differences have shape {estimate.shape}, the claim {claimed.shape}")
        scale = max(1.0, float(np.max(np.abs(primitive(**point)))))
        worst = max(worst, float(np.max(np.abs(estimate - claimed))) / scale)
        count += 1
    agrees = worst <= TOLERANCE
    return FiniteDifferenceOutcome(count, worst, agrees,
                                   "" if agrees else "finite differences disagree with the claimed derivative")


class _Named:
    """A stand-in symbol for sampling: a name and no assumptions."""

    def __init__(self, name: str):
        self.name = name
        self.assumptions0 = {"real": True}

    def __str__(self) -> str:
        return self.name


def sympy_sides(lhs, rhs, symbols):
    """For a user claim `diff(f(x), x) = g(x)` in one symbol: NumPy f, g and the magnitude of g's terms
    compiled from the SymPy sides, for check_scalar (the catalogue writes its own NumPy functions)."""
    from . import evaluate
    from .symbolic import prepare

    name = str(symbols[0])
    f = evaluate.float_function(prepare(lhs.expr), symbols)
    g = evaluate.float_function(prepare(rhs), symbols)
    terms = evaluate.term_scale_function((prepare(rhs),), symbols)
    return (lambda **values: f(values[name])), (lambda **values: g(values[name])), \
        (lambda **values: terms(values[name]))


def exact_primitive(expr, symbols):
    """The function a derivative claim differentiates, at 50 digits, as an mpf (None where it has no
    real value): its difference quotients computed again where float64's cancel too much."""
    from . import evaluate
    from .symbolic import prepare

    f = evaluate.exact_function(prepare(expr), symbols)

    def value(x: float):
        try:
            v = f(x, digits=EXACT_DIGITS)
        except evaluate.ExactEvaluationFailed:
            return None
        return v if isinstance(v, mpmath.mpf) and mpmath.isfinite(v) else None

    return value


def exact_claimed(rhs, symbols):
    """The claimed derivative at 50 digits, as a float (None where it has no real value)."""
    from . import evaluate
    from .symbolic import prepare

    g = evaluate.exact_function(prepare(rhs), symbols)

    def value(x: float):
        try:
            v = g(x, digits=evaluate.EXACT_DIGITS)
        except evaluate.ExactEvaluationFailed:
            return None
        return float(v) if isinstance(v, mpmath.mpf) else None

    return value
