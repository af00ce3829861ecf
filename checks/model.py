"""Outcomes of checks on an actual NumPy model: a shape, a count, or arrays compared element by element.

`Identity.model_checks` are small seeded functions in the catalogue; they compute with NumPy and use
these helpers to report what they compared, so the runner can merge them into the numeric check.
"""

from __future__ import annotations

import numpy as np

from ..results import NumericOutcome


def compare_exact(what: str, got, claimed) -> NumericOutcome:
    """An exact comparison (a shape, a count): agreement is equality, the error is |got − claimed|."""
    a, b = np.asarray(got), np.asarray(claimed)
    agrees = a.shape == b.shape and bool(np.array_equal(a, b))
    difference = float(np.max(np.abs(a - b), initial=0.0)) if a.shape == b.shape else float("inf")
    scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
    relation = "=" if agrees else "≠"
    return NumericOutcome(points=1, max_abs_err=difference, max_rel_err=difference / scale, agrees=agrees,
                          message=f"{what}: {_text(got)} {relation} claimed {_text(claimed)}")


def compare_arrays(what: str, got, reference, rtol: float, *, finite_difference: bool = False) -> NumericOutcome:
    """Arrays that must agree to `rtol`, relative to the largest reference entry (floats, not proofs)."""
    got, reference = np.asarray(got, dtype=float), np.asarray(reference, dtype=float)
    if got.shape != reference.shape:
        return NumericOutcome(points=0, max_abs_err=float("inf"), max_rel_err=float("inf"), agrees=False,
                              message=f"{what}: shapes {got.shape} and {reference.shape} differ")
    abs_err = float(np.max(np.abs(got - reference), initial=0.0))
    scale = float(np.max(np.abs(reference), initial=0.0)) or 1.0
    rel_err = abs_err / scale
    agrees = bool(np.all(np.isfinite(got))) and rel_err <= rtol
    return NumericOutcome(
        points=got.size, max_abs_err=abs_err, max_rel_err=rel_err, agrees=agrees,
        finite_difference_max_rel_err=rel_err if finite_difference else None,
        message=f"{what}: largest relative error {rel_err:.2e} over {got.size} values (tolerance {rtol:g})",
    )


def compare_bool(what: str, holds: bool, detail: str) -> NumericOutcome:
    """A property of a model run (the risk went down): agreement is the property."""
    return NumericOutcome(points=1, max_abs_err=0.0, max_rel_err=0.0, agrees=bool(holds),
                          message=f"{what}: {detail}")


def merge_outcomes(first: NumericOutcome | None, second: NumericOutcome) -> NumericOutcome:
    """Two numeric outcomes as one: points add up, errors take the worst, both must agree."""
    if first is None:
        return second
    fd = [e for e in (first.finite_difference_max_rel_err, second.finite_difference_max_rel_err) if e is not None]
    return NumericOutcome(
        points=first.points + second.points, max_abs_err=max(first.max_abs_err, second.max_abs_err),
        max_rel_err=max(first.max_rel_err, second.max_rel_err), agrees=first.agrees and second.agrees,
        counterexample=first.counterexample or second.counterexample,
        mpmath_points=first.mpmath_points + second.mpmath_points,
        float64_undecided=first.float64_undecided + second.float64_undecided,
        finite_difference_max_rel_err=max(fd) if fd else None, sizes=tuple(sorted({*first.sizes, *second.sizes})),
        message="; ".join(m for m in (first.message, second.message) if m),
        region="; ".join(r for r in (first.region, second.region) if r),
    )


def _text(value) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, tuple):
        return "×".join(str(v) for v in value)
    return str(value)
