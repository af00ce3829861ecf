"""Results: what the engines found, as plain frozen dataclasses every report reads.

The engines fill these; reports (terminal, JSON, …) only read them, so two formats can never
disagree about a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Verdict(str, Enum):
    """How a claim (or one link of a derivation) ended.

    PROVED: the symbolic difference reduced exactly to zero (or an equivalent exact argument).
    REFUTED: an exact nonzero difference, or a counterexample confirmed at 50 digits.
    NUMERIC_ONLY: no proof, but every numeric comparison agreed.
    TIMEOUT: the symbolic budget ran out (the strategies tried are listed).
    ERROR: the claim could not be checked (bad input, an engine failure, or engines that disagree).
    """

    PROVED = "proved"
    REFUTED = "refuted"
    NUMERIC_ONLY = "numeric-only"
    TIMEOUT = "timeout"
    ERROR = "error"


@dataclass(frozen=True)
class ProofOutcome:
    """What the symbolic pipeline concluded about `lhs - rhs`."""

    status: str  # "proved" | "refuted" | "unknown" | "timeout" | "error"
    strategy: str | None = None
    tried: tuple[str, ...] = ()
    scope: str = ""  # "" for scalar claims, "all n" or "n ≤ 8" for vector claims
    residual: str | None = None
    message: str = ""


@dataclass(frozen=True)
class Counterexample:
    """A point where the two sides differ, confirmed with 50-digit arithmetic."""

    point: dict[str, object]
    lhs: str
    rhs: str
    difference: str
    confirmed_digits: int = 50

    def describe(self) -> str:
        where = ", ".join(f"{k} = {v}" for k, v in self.point.items())
        return f"at {where}: lhs = {self.lhs}, rhs = {self.rhs} (difference {self.difference})"


@dataclass(frozen=True)
class NumericOutcome:
    """The numeric cross-check: points compared, largest errors, any confirmed counterexample."""

    points: int
    max_abs_err: float
    max_rel_err: float
    agrees: bool
    counterexample: Counterexample | None = None
    mpmath_points: int = 0
    float64_undecided: int = 0
    finite_difference_max_rel_err: float | None = None
    sizes: tuple[int, ...] = ()
    message: str = ""
    # Where the numbers were compared: each symbol's range, the special points the sample was made to
    # include (zeros, kinks, constants' scale), points settled at high precision, points excluded.
    region: str = ""


@dataclass(frozen=True)
class LinkResult:
    """One `=` of a written derivation."""

    derivation: int
    index: int
    lhs: str
    rhs: str
    verdict: Verdict
    expect: str  # "holds" or "fails" (a known erratum)
    ok: bool
    strategy: str | None = None
    label: str = ""
    counterexample: Counterexample | None = None
    message: str = ""


@dataclass(frozen=True)
class ErratumFinding:
    """A wrong step of the written derivation, with the corrected step and whether the fix checks."""

    identity: str
    source: str
    derivation: int
    link: int
    lhs: str
    rhs: str
    message: str
    corrected: str
    corrected_holds: bool
    found: bool


@dataclass(frozen=True)
class IdentityResult:
    """Everything known about one identity after checking it."""

    name: str
    source: str
    statement: str
    expect: str
    verdict: Verdict
    ok: bool
    strategy: str | None
    scope: str
    numeric: NumericOutcome | None
    counterexample: Counterexample | None
    links: tuple[LinkResult, ...]
    errata: tuple[ErratumFinding, ...]
    time_s: float
    message: str = ""
    notes: tuple[str, ...] = ()
    origin: str = "catalogue"
    tried: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunResult:
    """A whole run: the results in catalogue order and the settings that produced them."""

    results: tuple[IdentityResult, ...]
    seed: int
    versions: dict[str, str] = field(default_factory=dict)
    input_errors: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def ok_count(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def failed_count(self) -> int:
        return self.total - self.ok_count

    @property
    def exit_code(self) -> int:
        """0: every identity matched its expectation; 1: some did not; 2: input error."""
        if self.input_errors or any(r.verdict is Verdict.ERROR and r.origin != "catalogue" for r in self.results):
            return 2
        return 0 if self.failed_count == 0 else 1
