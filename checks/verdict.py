"""One verdict from two engines: the symbolic proof and the numeric cross-check.

The rules are the product's promise: "proved" needs an exact reduction to zero that the numbers do
not contradict; "refuted" needs an exact nonzero difference or a counterexample confirmed at 50
digits; anything less says what is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..results import Counterexample, NumericOutcome, ProofOutcome, Verdict


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    strategy: str | None
    counterexample: Counterexample | None
    message: str


def decide(proof: ProofOutcome, numeric: NumericOutcome | None) -> Decision:
    counterexample = numeric.counterexample if numeric else None
    numeric_problem = numeric.message if numeric and not numeric.agrees and counterexample is None else ""
    if proof.status == "proved":
        if counterexample is not None:
            return Decision(Verdict.ERROR, proof.strategy, counterexample,
                            "the symbolic proof and the 50-digit evaluation disagree: "
                            f"{counterexample.describe()}")
        if numeric_problem:
            return Decision(Verdict.ERROR, proof.strategy, None, f"proved, but the numeric check failed: {numeric_problem}")
        return Decision(Verdict.PROVED, proof.strategy, None, proof.message)
    if proof.status == "refuted":
        detail = proof.message or f"the difference reduces exactly to {proof.residual}"
        return Decision(Verdict.REFUTED, proof.strategy, counterexample, detail)
    if counterexample is not None:
        return Decision(Verdict.REFUTED, "counterexample", counterexample, f"counterexample {counterexample.describe()}")
    if numeric_problem:
        return Decision(Verdict.ERROR, None, None, numeric_problem)
    if proof.status == "timeout":
        return Decision(Verdict.TIMEOUT, None, None, f"{proof.message}; tried {', '.join(proof.tried)}")
    if proof.status == "error":
        return Decision(Verdict.ERROR, None, None, proof.message)
    if numeric is None:
        return Decision(Verdict.ERROR, None, None, "no proof and no numeric check")
    return Decision(Verdict.NUMERIC_ONLY, None, None,
                    f"no symbolic proof (tried {', '.join(proof.tried)}); the numbers agree")


def meets(verdict: Verdict, expect: str) -> bool:
    return verdict is Verdict.PROVED if expect == "holds" else verdict is Verdict.REFUTED
