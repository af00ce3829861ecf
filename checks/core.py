"""The trusted core: a `Claim` goes in, a `Decision` comes out. Every verdict is produced here.

Everything clever elsewhere only *proposes*: the strategies propose a proof (an exact reduction to 0),
the numeric engines propose a counterexample (already confirmed at two precisions). This module is
the one place that turns proposals into a verdict (`decide`), and the one place that says whether a
result meets what its author expected (`meets`, `identity_ok`). The identity itself, every link of a
written derivation and every erratum correction are all checked by `check_claim`, in the same order,
so a link can never be judged by weaker rules than the claim it belongs to.

Review this file hardest: every `proved` and every `refuted` passes through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..results import (
    Counterexample,
    ErratumFinding,
    LinkResult,
    NumericOutcome,
    ProofOutcome,
    ProofStatus,
    Verdict,
)
from .run.budget import Deadline


@dataclass(frozen=True)
class Claim:
    """`lhs = rhs` on `where`, with everything the engines need to check it and nothing else.

    `context` is the identity the claim belongs to; it supplies what only the identity has (vector
    shapes and sampling hints). `independent` says whether the identity's own independent evidence
    (hand-written NumPy sides, the finite-difference check, model checks) also judges this claim: true
    for the identity's claim itself, false for a link or a corrected step, whose sides are only the
    SymPy expressions written there.
    """

    lhs: Any
    rhs: Any
    symbols: tuple[Any, ...]
    where: Any = None
    budget: float = 10.0
    size: Any = None
    indices: tuple[Any, ...] = ()
    sizes: tuple[int, ...] = tuple(range(1, 9))
    context: Any = None
    independent: bool = False
    label: str = ""

    @property
    def is_sized(self) -> bool:
        return self.size is not None


@dataclass(frozen=True)
class Decision:
    """The verdict on one claim, with the evidence it rests on."""

    verdict: Verdict
    strategy: str | None
    counterexample: Counterexample | None
    message: str
    proof: ProofOutcome = field(default_factory=lambda: ProofOutcome(ProofStatus.UNKNOWN))
    numeric: NumericOutcome | None = None

    @property
    def scope(self) -> str:
        return self.proof.scope if self.verdict is Verdict.PROVED else ""


NumericCheck = Callable[[Claim, Any], "NumericOutcome | None"]


@dataclass(frozen=True)
class Engines:
    """The proposers the core consults. Injected so that tests can hand the core a lying engine and
    check that the core does not believe it, and so that this module imports no SymPy machinery."""

    numeric: NumericCheck
    prove: Callable[[Claim, Deadline], ProofOutcome]


def check_claim(claim: Claim, settings, engines: Engines) -> Decision:
    """The verdict on `claim`.

    The cheap engine goes first, for every claim: float64 at every point, with mpmath at the simplest
    points float64 cannot decide. A difference confirmed there refutes the claim outright, so a wrong
    claim never waits for `simplify` to give up. Otherwise the proof decides; a proved claim keeps that
    numeric check as a cross-check (the proof is exact: far points settled at thousands of digits add
    nothing to it), and an unproved one gets the full numeric check (agreeing points at high precision
    as well), whose agreement is all a `numeric-only` verdict rests on.
    """
    first = engines.numeric(claim, settings.confirming())
    if first is not None and first.counterexample is not None:
        return decide(ProofOutcome(ProofStatus.UNKNOWN, tried=("numeric",)), first)
    proof = engines.prove(claim, Deadline(claim.budget))
    if proof.status is ProofStatus.PROVED:
        return decide(proof, first)
    return decide(proof, engines.numeric(claim, settings))


def decide(proof: ProofOutcome, numeric: NumericOutcome | None) -> Decision:
    """The only function that produces a verdict.

    `proved` needs an exact reduction to zero that no numeric evidence contradicts; `refuted` needs
    an exact nonzero difference (or an exact argument such as a point with no derivative) or a
    counterexample confirmed at two precisions; anything less says what is known.
    """
    counterexample = numeric.counterexample if numeric else None
    numeric_problem = numeric.message if numeric and not numeric.agrees and counterexample is None else ""
    status = ProofStatus(proof.status)
    if status is ProofStatus.REFUTED and proof.point:
        # an exact refutation at a point (a kink, a side undefined): that point is the counterexample the
        # reports show, whatever point the sampling found (the message describes this one)
        counterexample = exact_counterexample(proof)

    def made(verdict: Verdict, strategy, message: str, point=counterexample) -> Decision:
        return Decision(verdict, strategy, point, message, proof, numeric)

    if status is ProofStatus.PROVED:
        if counterexample is not None:
            return made(Verdict.ERROR, proof.strategy,
                        "engine fault: the symbolic proof and the high-precision evaluation disagree "
                        f"({counterexample.describe()}); please report it")
        if numeric_problem:
            return made(Verdict.ERROR, proof.strategy, f"proved, but the numeric check failed: {numeric_problem}")
        return made(Verdict.PROVED, proof.strategy, proof.message)
    if status is ProofStatus.REFUTED:
        detail = proof.message or f"the difference reduces exactly to {proof.residual}"
        return made(Verdict.REFUTED, proof.strategy, detail)
    if counterexample is not None:
        return made(Verdict.REFUTED, "counterexample", f"counterexample {counterexample.describe()}")
    if numeric_problem:
        return made(Verdict.ERROR, None, numeric_problem)
    if status is ProofStatus.TIMEOUT:
        return made(Verdict.TIMEOUT, None, f"{proof.message}; tried {', '.join(proof.tried)}")
    if status is ProofStatus.ERROR:
        return made(Verdict.ERROR, None, f"engine fault: {proof.message}")
    if numeric is None:
        return made(Verdict.ERROR, None, "engine fault: no proof and no numeric check")
    region = f" ({numeric.region})" if numeric.region else ""
    return made(Verdict.NUMERIC_ONLY, None,
                f"no symbolic proof (tried {', '.join(proof.tried)}); the numbers agree{region}")


def exact_counterexample(proof: ProofOutcome) -> Counterexample:
    """The point of an exact refutation, as a counterexample: every symbol's exact value, and the two
    sides there ("undefined" for a side with no value) when the engine gave them."""
    lhs, rhs, difference = (tuple(proof.values) + ("", "", ""))[:3]
    if not difference:
        difference = "exact (see the message)"
    return Counterexample(point=dict(proof.point), lhs=lhs or "?", rhs=rhs or "?", difference=difference)


def meets(verdict: Verdict, expect: str, accept_numeric: bool = False) -> bool:
    """Whether one verdict is what its author expected: the only rule for a single claim or link."""
    if expect == "fails":
        return verdict is Verdict.REFUTED
    return verdict is Verdict.PROVED or (accept_numeric and verdict is Verdict.NUMERIC_ONLY)


def identity_ok(expect: str, decision: Decision, links: Iterable[LinkResult],
                errata: Iterable[ErratumFinding], accept_numeric: bool = False) -> bool:
    """The only place an identity's `ok` is decided.

    `expect` concerns the claim. Every written link must meet its own expectation: it holds unless
    an erratum records it as wrong, and then it must stay refuted while the corrected step holds. So
    a wrong step nobody recorded fails the identity even when the claim itself is right, and an
    identity expected to fail is not satisfied by a refuted link while its claim is proved.
    """
    return (meets(decision.verdict, expect, accept_numeric)
            and all(link.ok for link in links)
            and all(e.found and e.corrected_holds for e in errata))


def with_budget(claim: Claim, budget: float) -> Claim:
    return replace(claim, budget=budget)
