"""Central finite differences of the NumPy function a derivative claim is about.

Independent of SymPy and of the hand-written derivative: if the claimed formula is not the slope of
the function a practitioner would write, this catches it. Points stay away from kinks (|x| < 1e-3)
and from |x| > 20, where the slope itself is below the differencing error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import sampling

STEP_FACTOR = np.cbrt(np.finfo(float).eps)  # optimal h for a central difference, ~6e-6
TOLERANCE = 1e-5


@dataclass(frozen=True)
class FiniteDifferenceOutcome:
    points: int
    max_rel_err: float
    agrees: bool
    message: str = ""


def check_scalar(primitive, derivative, name: str, seed: int, where_mask=None) -> FiniteDifferenceOutcome:
    sample = sampling.scalar_sample([_Named(name)], seed, 400).values[name]
    keep = (np.abs(sample) > 1e-3) & (np.abs(sample) < 20)
    if where_mask is not None:
        keep &= where_mask(sample)
    xs = sample[keep]
    h = STEP_FACTOR * np.maximum(1.0, np.abs(xs))
    with np.errstate(all="ignore"):
        slope = (primitive(**{name: xs + h}) - primitive(**{name: xs - h})) / (2 * h)
        claimed = np.broadcast_to(np.asarray(derivative(**{name: xs}), dtype=float), xs.shape)
        scale = np.maximum(1.0, np.abs(primitive(**{name: xs})))
    rel = np.abs(slope - claimed) / scale
    worst = float(np.max(rel)) if len(rel) else 0.0
    agrees = worst <= TOLERANCE
    message = "" if agrees else f"finite differences disagree with the claimed derivative at {name} = {xs[np.argmax(rel)]!r}"
    return FiniteDifferenceOutcome(len(xs), worst, agrees, message)


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
    """For a user claim `diff(f(x), x) = g(x)` in one symbol: NumPy f and g compiled from the SymPy
    sides, for check_scalar (the catalogue writes its own NumPy functions instead)."""
    from . import evaluate
    from .symbolic import prepare

    name = str(symbols[0])
    f = evaluate.float_function(prepare(lhs.expr), symbols)
    g = evaluate.float_function(prepare(rhs), symbols)
    return (lambda **values: f(values[name])), (lambda **values: g(values[name]))
