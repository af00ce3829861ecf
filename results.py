"""Results: what the engines found, as plain frozen dataclasses every report reads.

The engines fill these; reports (terminal, JSON, …) only read them, so two formats can never
disagree about a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .input_errors import InputError


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


class ProofStatus(str, Enum):
    """What the symbolic pipeline concluded: a proposal the core (checks/core.py) weighs."""

    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"
    TIMEOUT = "timeout"
    ERROR = "error"


class ErrorKind(str, Enum):
    """Whose fault an `error` verdict is: the user's input (exit 2) or the engine's (exit 1)."""

    NONE = ""
    INPUT = "input"
    ENGINE = "engine"


@dataclass(frozen=True)
class ProofOutcome:
    """What the symbolic pipeline concluded about `lhs - rhs`."""

    status: ProofStatus
    strategy: str | None = None
    tried: tuple[str, ...] = ()
    scope: str = ""  # "" for scalar claims, "all n" or "n ≤ 8" for vector claims
    residual: str | None = None
    message: str = ""
    # an exact refutation at a point (a kink where a derivative does not exist): (symbol, value) pairs,
    # and (lhs, rhs, difference) there ("undefined" for a side with no value)
    point: tuple[tuple[str, object], ...] = ()
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:  # engines may pass the plain name ("proved"): one type from here on
        object.__setattr__(self, "status", ProofStatus(self.status))


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
    location: str = ""  # FILE:LINE where the link's right side is written, when known


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
    error_kind: ErrorKind = ErrorKind.NONE
    location: str = ""  # FILE:LINE of a document's link (where its right side is written); "" otherwise
    glossary: str = ""  # the --glossary a document was read with ("" otherwise): replays name it
    input_error: InputError | None = None  # error_kind INPUT: where the user must fix it (message is its text)


@dataclass(frozen=True)
class CacheReport:
    """What the result cache has to say about a run: entries that failed authentication and were
    ignored (their identities were checked again), and why the cache was off, if it was."""

    rejected: int = 0
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class EquationNote:
    """A display equation of a document that produced no verdict, and why: nothing is skipped silently.

    `status` is "definition" (a new name defined, never checked), "unread" (with the reason: never
    reported as wrong) or "not checked" (a relation that is not an equality: ≠, ≈, ≤, ⇒, →).
    """

    location: str
    written: str
    status: str
    reason: str


@dataclass(frozen=True)
class DocumentCoverage:
    """How every display equation of one document was accounted for."""

    path: str
    equalities: int
    checked: int
    definitions: int
    unread: int
    notes: tuple[EquationNote, ...] = ()

    @property
    def not_checked(self) -> int:
        return sum(note.status == "not checked" for note in self.notes)

    def summary(self) -> str:
        text = (f"{self.checked} of {self.equalities} equalities checked, {self.definitions} "
                f"definition{'s' * (self.definitions != 1)}, {self.unread} unread")
        if self.not_checked:
            text += f"; {self.not_checked} other relation{'s' * (self.not_checked != 1)} not checked"
        return text


@dataclass(frozen=True)
class RunResult:
    """A whole run: the results in catalogue order and the settings that produced them."""

    results: tuple[IdentityResult, ...]
    seed: int
    versions: dict[str, str] = field(default_factory=dict)
    input_errors: tuple[InputError, ...] = ()
    cache: CacheReport | None = None  # None: the run used no cache
    documents: tuple[DocumentCoverage, ...] = ()
    # The command-line settings a replay (`qedcheck show … --seed S`) must repeat: --timeout, --rtol,
    # --[no-]accept-numeric, --glossary where the run was given them ([tool.qedcheck] is read by both).
    replay_options: tuple[str, ...] = ()

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
        """0: every identity matched its expectation; 1: some did not (an engine fault included);
        2: input the user must fix."""
        if self.input_errors or any(r.error_kind is ErrorKind.INPUT for r in self.results):
            return 2
        return 0 if self.failed_count == 0 else 1
