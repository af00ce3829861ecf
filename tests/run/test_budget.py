"""Budgets: a proof's budget and an identity's wall limit share one timer, and neither cancels the other."""

import pytest
import sympy as sp
from conftest import make_identity
from qedcheck.checks.run.budget import BudgetExceeded, Deadline, WallLimitExceeded, interrupt_after
from qedcheck.checks.run.workers import verify_with_wall_limit
from qedcheck.checks.runner import RunSettings
from qedcheck.results import Verdict

x = sp.Symbol("x", real=True)


def _spin():
    while True:
        pass


def test_an_inner_budget_ends_the_inner_work_and_the_outer_one_still_holds():
    with pytest.raises(WallLimitExceeded), interrupt_after(Deadline(0.6), WallLimitExceeded):
        with pytest.raises(BudgetExceeded), interrupt_after(Deadline(0.05)):
            _spin()
        _spin()  # the outer deadline was not cancelled by the inner one's end


def test_an_outer_wall_limit_is_not_swallowed_by_code_that_catches_exceptions():
    caught = []
    with pytest.raises(WallLimitExceeded), interrupt_after(Deadline(0.05), WallLimitExceeded), \
            interrupt_after(Deadline(60)):
        try:
            _spin()
        except Exception as failure:  # noqa: BLE001 - what the runner does around every check
            caught.append(failure)
    assert caught == []


def test_an_identity_checked_in_this_process_stops_at_its_wall_limit():
    """`--jobs 1` and the pytest plugin: the numeric side of a check is bounded too, not only the proof."""
    endless = make_identity(x, x, [x], name="endless", timeout=0.1, model_checks=(lambda seed: _spin(),))
    result = verify_with_wall_limit(endless, RunSettings(), margin=0.2)
    assert result.verdict is Verdict.TIMEOUT and "wall limit" in result.message
