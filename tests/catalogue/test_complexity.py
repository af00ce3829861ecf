"""The cost check: the slope fit on synthetic timings (no clock), and the exact operation counts."""

import dataclasses
import os

import pytest
from qedcheck.checks.complexity import fit_slope, measure_slope
from qedcheck.checks.runner import verify_identity
from qedcheck.cli import build_parser
from qedcheck.derivations import catalogue, complexity, slow_catalogue
from qedcheck.results import Verdict

SIZES = [2**p for p in range(8, 15)]


@pytest.mark.parametrize("power", [1, 2, 3])
def test_fit_recovers_the_exponent_of_exact_power_laws(power):
    assert fit_slope(SIZES, [3e-9 * n**power for n in SIZES]) == pytest.approx(power, abs=1e-12)


def test_fit_sees_linear_cost_under_a_fixed_overhead_as_below_one():
    slope = fit_slope(SIZES, [2e-5 + 1e-9 * n for n in SIZES])
    assert 0.0 < slope < 1.0


def test_fit_needs_two_points():
    with pytest.raises(ValueError):
        fit_slope([8], [1.0])


class FakeClock:
    """A clock that only moves when the measured function runs: cost n^power per call."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize("power", [1, 2])
def test_measured_slope_with_a_deterministic_clock(power):
    clock = FakeClock()

    def setup(n):
        def run():
            clock.now += 1e-9 * n**power
        return run

    fit = measure_slope(setup, SIZES, repeats=3, clock=clock)
    assert fit.slope == pytest.approx(power, abs=1e-9)
    assert len(fit.seconds) == len(SIZES)


@pytest.mark.parametrize("identity", complexity.IDENTITIES, ids=lambda i: i.name)
def test_operation_counts_have_the_claimed_degree(identity):
    result = verify_identity(dataclasses.replace(identity, model_checks=()))
    assert result.verdict is Verdict.PROVED


def test_slow_checks_stay_out_of_the_default_catalogue():
    default = {i.name for i in catalogue()}
    assert all(i.name not in default for i in slow_catalogue())
    assert build_parser().parse_args(["verify", "--slow"]).slow
    assert not build_parser().parse_args(["verify"]).slow


@pytest.mark.skipif(not os.environ.get("QEDCHECK_SLOW"), reason="wall-clock timing: set QEDCHECK_SLOW=1")
def test_measured_slopes_on_this_machine():
    vjp, jacobian = (verify_identity(i) for i in complexity.IDENTITIES)
    assert vjp.ok and jacobian.ok, (vjp.numeric.message, jacobian.numeric.message)
