"""The float64 accuracy audit: naive versus stable NumPy activations against a 50-digit reference.

An identity proved on paper says nothing about float64: `1/(1+exp(-x))` underflows to 0 long before
σ(x) does, `log(1+exp(x))` is inf from x ≈ 709.78, and softmax without the max shift is nan once an
entry exceeds that. This engine measures it: every implementation is evaluated on one deterministic
grid covering |x| from 1e-300 to 1e4 (both signs, 0, and dense windows around every threshold where
`exp` overflows, goes subnormal or underflows, and where `1 + e^{-x}` rounds to 1), and compared
with the mathematical definition evaluated by mpmath at `DIGITS` significant digits.

It returns `AuditReport`; it never prints (see `report.audit_table` and `report.audit_plot`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import mpmath
import numpy as np

from ..derivations import numpy_impl, numpy_naive

DIGITS = 50
"""Significant digits of the mpmath reference."""

STABLE_MAX_ULP = 4.0
"""An implementation is `stable` when its error stays within this many ULPs on the whole normal
range and it never fails (inf, nan, or a spurious 0)."""

FLOAT64_TINY = float(np.finfo(np.float64).tiny)  # 2.2250738585072014e-308, smallest normal
FLOAT64_MAX = float(np.finfo(np.float64).max)
SMALLEST_SUBNORMAL = 5e-324

THRESHOLDS: tuple[tuple[float, str], ...] = (
    (53 * np.log(2.0), "1 + e^-|x| rounds to 1 (53·ln 2)"),
    (55 * np.log(2.0), "tanh(x/2) rounds to ±1 (55·ln 2)"),
    (-np.log(FLOAT64_TINY), "e^-|x| drops below the smallest normal double"),
    (np.log(FLOAT64_MAX), "e^|x| overflows to inf (ln of the largest double)"),
    (1074 * np.log(2.0), "e^-|x| reaches the smallest subnormal (1074·ln 2)"),
    (1075 * np.log(2.0), "e^-|x| rounds to 0 (1075·ln 2)"),
)
"""|x| where float64 behaviour changes; the grid is dense (±THRESHOLD_HALF_WIDTH) around each, both signs."""

THRESHOLD_HALF_WIDTH = 0.5
THRESHOLD_POINTS = 31
LOG_RANGE = (-300, 4)  # |x| from 1e-300 to 1e4
COARSE_DECADES_PER_POINT = 2  # 1e-300 .. 1e-20: nothing changes there but rounding
FINE_POINTS_PER_DECADE = 20  # 1e-20 .. 1e4: where the thresholds are
BISECTION_STEPS = 200

FailureKind = Literal["inf", "nan", "zero"]
AuditVerdict = Literal["stable", "inaccurate", "unstable"]

FAILURE_MEANING: dict[str, str] = {
    "inf": "returns ±inf where the true value is finite (an exp overflowed, or a log of an underflowed 0)",
    "nan": "returns nan (inf/inf, inf − inf or 0/0)",
    "zero": "returns 0 where the true value rounds to a nonzero double (underflow or cancellation)",
}
VERDICT_MEANING: dict[str, str] = {
    "stable": f"never fails and stays within {STABLE_MAX_ULP:g} ULP on the normal range",
    "inaccurate": f"never fails, but exceeds {STABLE_MAX_ULP:g} ULP somewhere on the normal range",
    "unstable": "fails somewhere on the grid (inf, nan or a spurious 0)",
}


@dataclass(frozen=True)
class Implementation:
    """One way to compute a function in NumPy; `code` is what a reader would write."""

    name: str
    code: str
    evaluate: Callable[..., np.ndarray]
    catalogue: bool  # True for the stable implementations the numeric cross-check uses


@dataclass(frozen=True)
class AuditedFunction:
    """A catalogue function, its 50-digit reference and the implementations audited against it.

    Scalar functions take x; vector functions (softmax, log-softmax) take, for each grid x, the
    vectors [0, x] and [x, x−1, x−2], and report the worst entry.
    """

    name: str
    label: str
    kind: Literal["scalar", "vector"]
    reference: Callable[..., list]
    reference_note: str
    implementations: tuple[Implementation, ...]


@dataclass(frozen=True)
class Failure:
    """The first grid point (from 0 outwards, on one side) where an implementation fails, sharpened by
    bisection to the float64 where the failure starts."""

    x: float
    kind: FailureKind
    value: float  # what the implementation returned (worst entry for vectors)
    reference: float  # the true value, rounded to float64


@dataclass(frozen=True)
class AuditRow:
    """The audit of one implementation of one function."""

    function: str
    implementation: str
    code: str
    catalogue: bool
    max_ulp_normal: float
    worst_x: float
    failures: tuple[Failure, ...]  # at most one per side: x < 0, x = 0, x > 0
    verdict: AuditVerdict
    points: int
    x: tuple[float, ...]
    ulp: tuple[float, ...]  # per point; nan where the reference is outside the normal range
    kinds: tuple[str, ...]  # per point: "" or the failure kind

    @property
    def first_failure(self) -> Failure | None:
        """The failure closest to x = 0."""
        return min(self.failures, key=lambda f: abs(f.x), default=None)

    @property
    def first_failure_x(self) -> float | None:
        first = self.first_failure
        return None if first is None else first.x

    @property
    def failure_kind(self) -> FailureKind | None:
        first = self.first_failure
        return None if first is None else first.kind


@dataclass(frozen=True)
class AuditReport:
    """All rows, in catalogue order, and the settings that produced them."""

    rows: tuple[AuditRow, ...]
    digits: int
    stable_max_ulp: float
    thresholds: tuple[tuple[float, str], ...]
    x_range: tuple[float, float]

    def rows_for(self, function: str) -> tuple[AuditRow, ...]:
        return tuple(row for row in self.rows if row.function == function)

    def row(self, function: str, implementation: str) -> AuditRow:
        for row in self.rows:
            if row.function == function and row.implementation == implementation:
                return row
        raise KeyError(f"no audit row for {function} / {implementation}")


# --- references ------------------------------------------------------------------------------
# Written from the definitions, with log1p where `log(1 + tiny)` would lose the answer even at 50
# digits (log(1 + e^{-150}) needs 65 digits to keep one); no NumPy value ever enters a reference.


def _ref_sigmoid(x: float) -> list:
    return [1 / (1 + mpmath.exp(-mpmath.mpf(x)))]


def _ref_softplus(x: float) -> list:
    return [mpmath.log1p(mpmath.exp(mpmath.mpf(x)))]


def _ref_log_sigmoid(x: float) -> list:
    return [-mpmath.log1p(mpmath.exp(-mpmath.mpf(x)))]


def _ref_relu_grad(x: float) -> list:
    return [mpmath.mpf(1) if x >= 0 else mpmath.mpf(0)]


def _ref_sign(x: float) -> list:
    return [mpmath.sign(mpmath.mpf(x))]


def _ref_softmax_vector(v: Sequence[float]) -> list:
    exps = [mpmath.exp(mpmath.mpf(e)) for e in v]
    total = mpmath.fsum(exps)
    return [e / total for e in exps]


def _ref_log_softmax_vector(v: Sequence[float]) -> list:
    """v_i − log Σ e^{v_j}, as (v_i − m) − log1p(Σ_{j≠argmax} e^{v_j − m}): the top entry's value is
    −log1p(tiny), which `v_i − (m + log1p(tiny))` would lose even at 50 digits."""
    entries = [mpmath.mpf(e) for e in v]
    top = max(range(len(entries)), key=lambda j: entries[j])
    m = entries[top]
    log_total = mpmath.log1p(mpmath.fsum(mpmath.exp(e - m) for j, e in enumerate(entries) if j != top))
    return [(e - m) - log_total for e in entries]  # e − m first: exact for the top entry


def vectors_at(x: float) -> tuple[np.ndarray, np.ndarray]:
    """The two vectors a grid point x stands for: [0, x] (one entry dominates) and [x, x−1, x−2]."""
    return np.array([0.0, x]), np.array([x, x - 1.0, x - 2.0])


def _vector_reference(of_vector: Callable[[Sequence[float]], list]) -> Callable[[float], list]:
    def reference(x: float) -> list:
        pair, triple = vectors_at(x)
        return of_vector(pair.tolist()) + of_vector(triple.tolist())

    return reference


def catalogue_functions() -> tuple[AuditedFunction, ...]:
    """The audited functions in catalogue order, naive implementations first."""
    impl = Implementation
    return (
        AuditedFunction(
            "sigmoid", "σ(x)", "scalar", _ref_sigmoid, "1/(1+e^-x)",
            (
                impl("naive", "1/(1+np.exp(-x))", numpy_naive.sigmoid, False),
                impl("sign-split", "exp(-|x|) split on sign(x)", numpy_impl.sigmoid, True),
                impl("logaddexp", "np.exp(-np.logaddexp(0, -x))", numpy_impl.sigmoid_logaddexp, False),
            ),
        ),
        AuditedFunction(
            "sigmoid_tanh", "½(tanh(x/2)+1)", "scalar", _ref_sigmoid, "σ(x) = 1/(1+e^-x) (proved equal)",
            (
                impl("naive", "0.5*(np.tanh(x/2)+1)", numpy_naive.sigmoid_from_tanh, False),
                impl("quotient", "e^(x/2)/(2cosh(x/2)) for x<0", numpy_impl.sigmoid_from_tanh, True),
            ),
        ),
        AuditedFunction(
            "softplus", "log(1+e^x)", "scalar", _ref_softplus, "log1p(e^x)",
            (
                impl("naive", "np.log(1+np.exp(x))", numpy_naive.softplus, False),
                impl("log1p", "np.log1p(np.exp(-|x|)) + max(x, 0)", numpy_impl.softplus, True),
                impl("logaddexp", "np.logaddexp(0, x)", numpy_impl.softplus_logaddexp, False),
            ),
        ),
        AuditedFunction(
            "log_sigmoid", "log σ(x)", "scalar", _ref_log_sigmoid, "-log1p(e^-x)",
            (
                impl("naive", "np.log(1/(1+np.exp(-x)))", numpy_naive.log_sigmoid, False),
                impl("log1p", "min(x, 0) - np.log1p(np.exp(-|x|))", numpy_impl.log_sigmoid, True),
                impl("logaddexp", "-np.logaddexp(0, -x)", numpy_impl.log_sigmoid_logaddexp, False),
            ),
        ),
        AuditedFunction(
            "relu_grad", "ReLU′(x)", "scalar", _ref_relu_grad, "1 if x ≥ 0 else 0",
            (
                impl("naive", "0.5*(1 + x/np.abs(x))", numpy_naive.relu_grad, False),
                impl("where", "np.where(x >= 0, 1, 0)", numpy_impl.relu_grad, True),
            ),
        ),
        AuditedFunction(
            "sign", "sign(x)", "scalar", _ref_sign, "mpmath.sign",
            (
                impl("naive", "x/np.abs(x)", numpy_naive.sign, False),
                impl("np.sign", "np.sign(x)", numpy_impl.sign, True),
            ),
        ),
        AuditedFunction(
            "softmax", "softmax(v)", "vector", _vector_reference(_ref_softmax_vector), "e^v_i / Σ e^v_j",
            (
                impl("naive", "np.exp(v)/np.exp(v).sum()", numpy_naive.softmax, False),
                impl("max-shift", "np.exp(v-max(v)) normalised", numpy_impl.softmax, True),
            ),
        ),
        AuditedFunction(
            "log_softmax", "log softmax(v)", "vector", _vector_reference(_ref_log_softmax_vector),
            "v_i − m − log1p(Σ_{j≠top} e^(v_j−m))",
            (
                impl("naive", "v - np.log(np.exp(v).sum())", numpy_naive.log_softmax, False),
                impl("max-shift", "(v-m) - np.log(Σ exp(v-m))", numpy_naive.log_softmax_max_shift, False),
                impl("log-sum-exp", "(v-m) - np.log1p(Σ_{j≠top} exp(v-m))", numpy_impl.log_softmax, True),
            ),
        ),
    )


# --- the grid ----------------------------------------------------------------------------------


def audit_grid() -> np.ndarray:
    """The sorted, deterministic grid of x: log-spaced |x| in [1e-300, 1e4], 0, threshold windows."""
    low, high = LOG_RANGE
    coarse = np.logspace(low, -20, (-20 - low) // COARSE_DECADES_PER_POINT + 1)
    fine = np.logspace(-20, high, (high + 20) * FINE_POINTS_PER_DECADE + 1)
    windows = [
        np.linspace(t - THRESHOLD_HALF_WIDTH, t + THRESHOLD_HALF_WIDTH, THRESHOLD_POINTS) for t, _ in THRESHOLDS
    ]
    magnitudes = np.concatenate([coarse, fine, *windows])
    return np.unique(np.concatenate([-magnitudes, [0.0], magnitudes]))


# --- measuring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    """The reference at each point and entry, split as hi + lo (hi = the value rounded to float64)."""

    hi: np.ndarray
    lo: np.ndarray
    exact_zero: np.ndarray


def _reference_table(function: AuditedFunction, xs: np.ndarray) -> _Reference:
    with mpmath.workdps(DIGITS):
        values = [function.reference(float(x)) for x in xs]
        hi = np.array([[float(v) for v in row] for row in values])
        lo = np.array([[float(v - h) for v, h in zip(row, hrow.tolist())] for row, hrow in zip(values, hi)])
        exact_zero = np.array([[v == 0 for v in row] for row in values])
    return _Reference(hi, lo, exact_zero)


def _evaluate(function: AuditedFunction, implementation: Implementation, xs: np.ndarray) -> np.ndarray:
    """The implementation's values, shaped (points, entries); overflow warnings are the expected
    behaviour being measured, so they are silenced here and nowhere else."""
    with np.errstate(all="ignore"):
        if function.kind == "scalar":
            return np.asarray(implementation.evaluate(xs), dtype=float).reshape(len(xs), 1)
        rows = []
        for x in xs:
            pair, triple = vectors_at(float(x))
            rows.append(np.concatenate([implementation.evaluate(pair), implementation.evaluate(triple)]))
        return np.array(rows, dtype=float)


def _classify(computed: np.ndarray, ref: _Reference) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point: the error in ULPs (nan outside the normal range), the failure kind ('' for none) and
    the entry that decided it."""
    hi = ref.hi
    magnitude = np.abs(hi)
    normal = ref.exact_zero | ((magnitude >= FLOAT64_TINY) & (magnitude <= FLOAT64_MAX))
    with np.errstate(all="ignore"):
        spacing = np.where(magnitude == 0, SMALLEST_SUBNORMAL, np.spacing(magnitude))
        ulp_entries = np.abs((computed - hi) - ref.lo) / spacing
    measurable = normal & np.isfinite(computed)
    ulp_entries = np.where(measurable, ulp_entries, np.nan)

    nan = np.isnan(computed)
    inf = np.isinf(computed) & np.isfinite(hi)
    zero = (computed == 0) & (hi != 0)
    severity = np.select([nan, inf, zero], [3, 2, 1], 0)
    worst_entry = np.argmax(severity, axis=1)
    worst = severity[np.arange(len(severity)), worst_entry]
    kinds = np.array(["", "zero", "inf", "nan"])[worst]
    with np.errstate(all="ignore"):
        all_nan = np.all(np.isnan(ulp_entries), axis=1)
        ulp = np.where(all_nan, np.nan, np.nanmax(np.where(all_nan[:, None], 0.0, ulp_entries), axis=1))
    return ulp, kinds, worst_entry


def _failure_at(function: AuditedFunction, implementation: Implementation, x: float) -> Failure | None:
    xs = np.array([x])
    computed = _evaluate(function, implementation, xs)
    ref = _reference_table(function, xs)
    _, kinds, entry = _classify(computed, ref)
    if not kinds[0]:
        return None
    return Failure(x, str(kinds[0]), float(computed[0, entry[0]]), float(ref.hi[0, entry[0]]))


def _sharpen(
    function: AuditedFunction, implementation: Implementation, good: float, bad: float, failure: Failure
) -> Failure:
    """Bisect between a passing x (nearer 0) and a failing x to the first float64 that fails."""
    for _ in range(BISECTION_STEPS):
        middle = good + (bad - good) / 2
        if middle in (good, bad):
            break
        found = _failure_at(function, implementation, middle)
        if found is None:
            good = middle
        else:
            bad, failure = middle, found
    return failure


def _first_failures(
    function: AuditedFunction,
    implementation: Implementation,
    xs: np.ndarray,
    kinds: np.ndarray,
    computed: np.ndarray,
    ref: _Reference,
    entry: np.ndarray,
) -> tuple[Failure, ...]:
    failures: list[Failure] = []
    failing = kinds != ""
    for side in (-1, 0, 1):
        on_side = np.flatnonzero(failing & (np.sign(xs) == side))
        if not len(on_side):
            continue
        at = on_side[np.argmin(np.abs(xs[on_side]))]
        failure = Failure(float(xs[at]), str(kinds[at]), float(computed[at, entry[at]]), float(ref.hi[at, entry[at]]))
        inward = at + 1 if side < 0 else at - 1
        if side != 0 and 0 <= inward < len(xs) and not failing[inward]:
            failure = _sharpen(function, implementation, float(xs[inward]), float(xs[at]), failure)
        failures.append(failure)
    return tuple(failures)


def _verdict(max_ulp: float, failures: tuple[Failure, ...]) -> AuditVerdict:
    if failures:
        return "unstable"
    return "stable" if max_ulp <= STABLE_MAX_ULP else "inaccurate"


def audit_implementation(
    function: AuditedFunction, implementation: Implementation, xs: np.ndarray, ref: _Reference
) -> AuditRow:
    computed = _evaluate(function, implementation, xs)
    ulp, kinds, entry = _classify(computed, ref)
    finite_ulp = np.where(np.isnan(ulp), -1.0, ulp)
    worst = int(np.argmax(finite_ulp))
    max_ulp = float(max(finite_ulp[worst], 0.0))
    failures = _first_failures(function, implementation, xs, kinds, computed, ref, entry)
    return AuditRow(
        function=function.name,
        implementation=implementation.name,
        code=implementation.code,
        catalogue=implementation.catalogue,
        max_ulp_normal=max_ulp,
        worst_x=float(xs[worst]),
        failures=failures,
        verdict=_verdict(max_ulp, failures),
        points=len(xs),
        x=tuple(float(v) for v in xs),
        ulp=tuple(float(v) for v in ulp),
        kinds=tuple(str(k) for k in kinds),
    )


def run_audit(functions: Sequence[AuditedFunction] | None = None, xs: np.ndarray | None = None) -> AuditReport:
    """Audit every implementation of every function on the grid; deterministic, a second or two."""
    functions = catalogue_functions() if functions is None else tuple(functions)
    xs = audit_grid() if xs is None else np.asarray(xs, dtype=float)
    rows: list[AuditRow] = []
    for function in functions:
        ref = _reference_table(function, xs)
        rows.extend(audit_implementation(function, implementation, xs, ref) for implementation in function.implementations)
    return AuditReport(
        rows=tuple(rows),
        digits=DIGITS,
        stable_max_ulp=STABLE_MAX_ULP,
        thresholds=THRESHOLDS,
        x_range=(10.0 ** LOG_RANGE[0], 10.0 ** LOG_RANGE[1]),
    )
