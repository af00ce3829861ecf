"""The runner: every verdict is reachable and earned; one broken identity never ends the run."""

import numpy as np
import sympy as sp
from conftest import make_identity
from qedcheck.checks.runner import RunSettings, verify_all, verify_identity
from qedcheck.derivations.vocabulary import sigmoid, x
from qedcheck.identity import Expect
from qedcheck.results import Verdict


def test_over_budget_reports_timeout_with_the_strategies_tried():
    identity = make_identity(sigmoid(x), (sp.tanh(x / 2) + 1) / 2, [x])
    result = verify_identity(identity, RunSettings(timeout=0.001))
    assert result.verdict is Verdict.TIMEOUT
    assert not result.ok
    assert "budget" in result.message


def test_no_proof_but_agreeing_numbers_is_numeric_only():
    # true for real x, but the pipeline has no strategy for it: it must not claim a proof
    y = sp.Symbol("y", real=True)
    lhs, rhs = sp.atan(sp.sinh(y)), 2 * sp.atan(sp.tanh(y / 2))
    result = verify_identity(make_identity(lhs, rhs, [y], timeout=2.0))
    # the strategies give up within the 2 s budget on an idle machine; under load the budget may run out
    # first (timeout): either way no proof is claimed, and the numbers agree
    assert result.verdict in (Verdict.NUMERIC_ONLY, Verdict.TIMEOUT), result.message
    assert not result.ok and ("no symbolic proof" in result.message or result.verdict is Verdict.TIMEOUT)
    assert result.numeric.agrees and result.numeric.points >= 1000


def test_a_crashing_implementation_is_an_error_and_the_run_goes_on():
    def broken(x):
        raise RuntimeError("boom")

    bad = make_identity(sigmoid(x), sigmoid(x), [x], name="broken", numpy_lhs=broken, numpy_rhs=broken)
    good = make_identity(sigmoid(x), 1 / (1 + sp.exp(-x)), [x], name="good",
                         numpy_lhs=lambda x: 1 / (1 + np.exp(-x)), numpy_rhs=lambda x: 1 / (1 + np.exp(-x)))
    run = verify_all([bad, good])
    assert [r.name for r in run.results] == ["broken", "good"]
    assert run.results[0].verdict is Verdict.ERROR and "boom" in run.results[0].message
    assert run.results[1].verdict is Verdict.PROVED
    assert run.exit_code == 1


def test_expected_failure_is_ok_only_when_refuted():
    result = verify_identity(make_identity(sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2, [x], expect=Expect.FAILS))
    assert result.verdict is Verdict.REFUTED and result.ok
    true_claim = make_identity(sigmoid(x), 1 / (1 + sp.exp(-x)), [x], expect=Expect.FAILS)
    result = verify_identity(true_claim)
    assert result.verdict is Verdict.PROVED and not result.ok
