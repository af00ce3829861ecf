"""The trusted core: the only place verdicts are produced and `ok` is decided.

Engines are proposers; these tests hand the core lying or failing engines and check what it believes.
"""

from __future__ import annotations

import sympy as sp
from qedcheck.checks.core import Claim, Decision, Engines, check_claim, decide, identity_ok, meets
from qedcheck.checks.numeric import NumericSettings
from qedcheck.results import (
    Counterexample,
    ErratumFinding,
    LinkResult,
    NumericOutcome,
    ProofOutcome,
    ProofStatus,
    Verdict,
)

x = sp.Symbol("x", real=True)
CLAIM = Claim(lhs=x, rhs=x, symbols=(x,))
POINT = Counterexample(point={"x": 1.0}, lhs="1", rhs="2", difference="-1")
AGREES = NumericOutcome(points=1000, max_abs_err=0.0, max_rel_err=0.0, agrees=True, region="x in [-1000, 1000]")
DISAGREES = NumericOutcome(points=1000, max_abs_err=1.0, max_rel_err=1.0, agrees=False, counterexample=POINT)


def engines(proof_status, numeric=AGREES, calls=None):
    calls = calls if calls is not None else []

    def prove(claim, deadline):
        calls.append("prove")
        return ProofOutcome(proof_status, strategy="liar", tried=("liar",))

    def check(claim, settings):
        calls.append("numeric")
        return numeric

    return Engines(numeric=check, prove=prove)


def test_a_confirmed_counterexample_refutes_before_any_strategy_runs():
    calls = []
    decision = check_claim(CLAIM, NumericSettings(), engines(ProofStatus.PROVED, DISAGREES, calls))
    assert decision.verdict is Verdict.REFUTED and decision.counterexample == POINT
    assert "prove" not in calls


def test_a_proof_the_numbers_contradict_is_an_engine_error_never_proved():
    decision = decide(ProofOutcome(ProofStatus.PROVED, "liar"), DISAGREES)
    assert decision.verdict is Verdict.ERROR and "engine fault" in decision.message


def test_a_proof_with_a_failing_numeric_check_is_not_proved():
    failing = NumericOutcome(points=3, max_abs_err=1.0, max_rel_err=1.0, agrees=False, message="NumPy lhs disagrees")
    assert decide(ProofOutcome(ProofStatus.PROVED, "liar"), failing).verdict is Verdict.ERROR


def test_an_unproved_claim_gets_the_full_numeric_check_and_says_what_was_sampled():
    calls = []
    decision = check_claim(CLAIM, NumericSettings(), engines(ProofStatus.UNKNOWN, AGREES, calls))
    assert decision.verdict is Verdict.NUMERIC_ONLY and calls == ["numeric", "prove", "numeric"]
    assert "x in [-1000, 1000]" in decision.message


def test_a_proof_engine_failure_is_the_engines_fault():
    decision = decide(ProofOutcome(ProofStatus.ERROR, message="SymPy failed"), AGREES)
    assert decision.verdict is Verdict.ERROR and decision.message.startswith("engine fault")


def test_no_evidence_at_all_is_never_a_pass():
    assert decide(ProofOutcome(ProofStatus.UNKNOWN), None).verdict is Verdict.ERROR


def test_plain_status_names_from_engines_become_the_enum():
    assert ProofOutcome("proved").status is ProofStatus.PROVED


def test_meets_is_about_the_claim():
    assert meets(Verdict.PROVED, "holds") and not meets(Verdict.PROVED, "fails")
    assert meets(Verdict.REFUTED, "fails") and not meets(Verdict.NUMERIC_ONLY, "holds")
    assert meets(Verdict.NUMERIC_ONLY, "holds", accept_numeric=True)
    assert not meets(Verdict.NUMERIC_ONLY, "fails", accept_numeric=True)
    assert not meets(Verdict.ERROR, "holds", accept_numeric=True)


def _link(verdict, expect, ok):
    return LinkResult(derivation=0, index=0, lhs="a", rhs="b", verdict=verdict, expect=expect, ok=ok)


def test_identity_ok_needs_the_claim_every_link_and_every_erratum():
    proved = Decision(Verdict.PROVED, "s", None, "")
    refuted = Decision(Verdict.REFUTED, "s", POINT, "")
    wrong_link = _link(Verdict.REFUTED, "holds", False)
    recorded = _link(Verdict.REFUTED, "fails", True)
    assert identity_ok("holds", proved, [recorded], [])
    assert not identity_ok("holds", proved, [wrong_link], [])
    assert not identity_ok("fails", proved, [wrong_link], [])  # a refuted link does not make a true claim false
    assert identity_ok("fails", refuted, [], [])
    stale = ErratumFinding("n", "s", 0, 0, "a", "b", "m", "c", corrected_holds=True, found=False)
    assert not identity_ok("holds", proved, [recorded], [stale])


def test_an_exact_refutation_reports_its_own_point_as_the_counterexample():
    """A kink refutation's point is the counterexample every report shows (JSON `counterexample`,
    terminal), not a point the sampling found elsewhere, which the message does not describe."""
    kink = ProofOutcome(ProofStatus.REFUTED, "kink", message="no derivative at x = 3: one-sided derivatives 0 and 1",
                        point=(("x", "3"),), values=("undefined", "1/2", "the lhs is undefined, the other side is not"))
    for numeric in (AGREES, DISAGREES, None):
        decision = decide(kink, numeric)
        assert decision.verdict is Verdict.REFUTED and decision.message.startswith("no derivative at x = 3")
        assert decision.counterexample.point == {"x": "3"}
        assert (decision.counterexample.lhs, decision.counterexample.rhs) == ("undefined", "1/2")


def test_a_point_never_makes_a_refutation_by_itself():
    """A lying engine that proves a claim and names a point: the point is not a counterexample."""
    liar = ProofOutcome(ProofStatus.PROVED, "liar", point=(("x", "3"),), values=("1", "2", "-1"))
    decision = decide(liar, AGREES)
    assert decision.verdict is Verdict.PROVED and decision.counterexample is None
    unknown = ProofOutcome(ProofStatus.UNKNOWN, tried=("liar",), point=(("x", "3"),))
    decision = decide(unknown, AGREES)
    assert decision.verdict is Verdict.NUMERIC_ONLY and decision.counterexample is None
