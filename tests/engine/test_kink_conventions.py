"""At a kink of a derivative, SymPy's formula gives a convention, not a derivative (issue 11).

d max(0, x)/dx is Heaviside(x), 1/2 at 0; the derivative of the same function written by cases is 1 there;
d|x|/dx is sign(x), 0 at 0. None of these is a derivative: at 0 none exists. So at such a point the claim is
decided as the kink analysis decides it (kinks.py), in the proof and in the numeric check alike: neither side
with a derivative puts the point outside the claim's domain (excluded, with the `where` that states it); one
side without is a refutation at that point; both with one are compared by their true values. Each test tries
to slip a false claim (or a false refutation) past that rule.
"""

import sympy as sp
from conftest import make_identity
from qedcheck.checks.numeric import cross_check_scalar
from qedcheck.checks.runner import RunSettings, verify_identity
from qedcheck.derivations.vocabulary import relu
from qedcheck.results import Verdict

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
MAX0 = sp.Max(0, x)
CASES = sp.Piecewise((0, x < 0), (x, True))  # max(0, x) by cases
ABS_CASES = sp.Piecewise((-x, x < 0), (x, True))  # |x| by cases


def d(expr, var=x):
    return sp.Derivative(expr, var)


def verdict(lhs, rhs, symbols=(x,), where=None):
    return verify_identity(make_identity(lhs, rhs, list(symbols), where=where), RunSettings(seed=0))


def test_a_convention_on_one_side_is_still_refuted_at_the_kink():
    for lhs, rhs, at in [(d(sp.Abs(x)), sp.sign(x), "0"), (d(relu(x)), sp.Heaviside(x), "0"),
                         (d(sp.Max(x, 3)), sp.Heaviside(x - 3), "3"),
                         (d(CASES), sp.Heaviside(x), "0"),  # the numeric check finds it first
                         (d(CASES), sp.Piecewise((0, x < 0), (1, True)), "0")]:  # ReLU' = 1 at 0: no
        result = verdict(lhs, rhs)
        assert result.verdict is Verdict.REFUTED, (lhs, rhs, result.message)
        assert "no derivative at x = " + at in result.message, result.message
        assert float(result.counterexample.point["x"]) == float(at)
        assert "0.5" not in result.counterexample.lhs  # never relu'(0) = 1/2


def test_the_same_function_differentiated_on_both_sides_is_not_refuted_at_its_kink():
    for lhs, rhs in [(d(MAX0), d(CASES)), (d(sp.Abs(x)), d(ABS_CASES)), (d(CASES), d(relu(x)))]:
        result = verdict(lhs, rhs)
        assert result.verdict is Verdict.PROVED, (lhs, rhs, result.message)
        assert 'where = "x != 0"' in result.message  # the point outside the domain is named


def test_the_numeric_check_excludes_a_kink_where_neither_side_has_a_derivative():
    outcome = cross_check_scalar(d(MAX0), d(CASES), [x])
    assert outcome.counterexample is None and outcome.agrees, outcome
    assert "neither side has a value (no derivative at x = 0" in outcome.region
    assert 'where = "x != 0"' in outcome.region


def test_the_numeric_check_refutes_at_a_kink_with_the_true_values():
    """d/dx max(0, x) against d/dx max(0, x − 1): at 0 the lhs has no derivative, the rhs is 0."""
    outcome = cross_check_scalar(d(MAX0), d(sp.Piecewise((0, x < 1), (x - 1, True))), [x])
    assert outcome.counterexample is not None
    assert "no derivative" in outcome.counterexample.difference or outcome.counterexample.lhs != "0.5"


def test_a_difference_away_from_the_kink_is_still_refuted():
    for extra in (sp.Heaviside(x - 1), relu(x - 2) * relu(sp.Rational(2001, 1000) - x), sp.Max(0, x - 2000),
                  x / 10**30):
        for lhs, rhs in [(d(sp.Abs(x)), d(ABS_CASES) + extra), (d(MAX0), d(CASES) + extra)]:
            result = verdict(lhs, rhs)
            assert result.verdict is Verdict.REFUTED, (rhs, result.message)
            assert float(result.counterexample.point["x"]) != 0.0, result.message


def test_a_function_differentiable_at_its_kink_is_proved_there():
    """x·|x| has derivative 0 at 0 (one-sided limits 0 and 0): its kink analysis must not refute it."""
    assert verdict(d(x * sp.Abs(x)), 2 * sp.Abs(x)).verdict is Verdict.PROVED
    assert verdict(d(x * sp.Abs(x)), 2 * sp.Abs(x) + sp.Heaviside(x) - sp.Heaviside(x)).verdict is Verdict.PROVED
    assert verdict(d(x * sp.Abs(x)), 2 * sp.Abs(x) + 2 * sp.Heaviside(x) - 1 - sp.sign(x)).verdict is Verdict.PROVED
    wrong = verdict(d(x * sp.Abs(x)), 2 * sp.Abs(x) + 1 - sp.sign(x) ** 2)  # 1 at 0, where the derivative is 0
    assert wrong.verdict is Verdict.REFUTED and float(wrong.counterexample.point["x"]) == 0.0, wrong.message


def test_a_kink_that_moves_with_another_symbol_is_decided_at_concrete_values():
    """d/dx max(x, y) against d/dx of the same by cases in x − y: at x = y neither side has a derivative;
    written as Heaviside(x − y), the claim is refuted there."""
    cases = sp.Piecewise((y, x - y < 0), (x, True))
    assert verdict(d(sp.Max(x, y)), d(cases), (x, y)).verdict is not Verdict.REFUTED
    wrong = verdict(d(sp.Max(x, y)), sp.Heaviside(x - y), (x, y))
    assert wrong.verdict is Verdict.REFUTED, wrong.message
