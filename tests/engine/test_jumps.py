"""Jump functions at their jumps (checks/jumps.py), tried as a hostile user would: the sign of rounding
noise is never a counterexample, and a genuine jump near 0 is never waved through as noise."""

import mpmath
import sympy as sp
from conftest import make_identity
from qedcheck.checks import evaluate, jumps, numeric
from qedcheck.checks.runner import verify_identity
from qedcheck.derivations.vocabulary import relu
from qedcheck.results import Verdict

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
R = sp.Rational
ZERO = sp.cosh(x)**2 - sp.sinh(x)**2 - 1  # exactly 0; rounding noise of either sign at any precision


def check(lhs, rhs, symbols=(x,), where=None):
    return numeric.cross_check_scalar(lhs, rhs, list(symbols), where=where)


def settle(lhs, rhs, point, symbols=(x,)):
    symbols = list(symbols)
    return evaluate.settle(evaluate.exact_function(lhs, symbols), evaluate.exact_function(rhs, symbols), point,
                           evaluate.constant_digits(lhs, rhs), evaluate.cancellation_function((lhs, rhs), symbols),
                           watch=jumps.Watch.of(lhs, rhs, symbols))


# 1. The sign of rounding noise is not a counterexample

def test_the_sign_of_noise_around_an_exact_zero_is_decided_exactly():
    settled = settle(sp.sign(ZERO), sp.Integer(0), [1.0])
    assert settled.status == "agree"
    outcome = check(sp.sign(ZERO), sp.Integer(0))
    assert outcome.counterexample is None and outcome.agrees, outcome.message


def test_a_false_claim_about_a_jump_at_an_exact_zero_is_refuted_exactly():
    for lhs, rhs, value in ((sp.sign(ZERO), 1, "0"), (sp.Heaviside(ZERO), 1, "0.5"), (sp.Heaviside(ZERO), 0, "0.5")):
        outcome = check(lhs, sp.Integer(rhs))
        assert outcome.counterexample is not None and outcome.counterexample.lhs == value, outcome


def test_nested_jumps_at_an_exact_rational_special_point():
    lhs = sp.Heaviside(x - R(7, 3)) + sp.Heaviside(R(7, 3) - x + sp.Heaviside(x) + sp.Heaviside(-x) - 1)
    assert settle(lhs, sp.Integer(1), [R(7, 3)]).status == "agree"
    assert check(lhs, sp.Integer(1)).counterexample is None
    # the same point, one Heaviside made false: refuted there, exactly
    assert settle(lhs, sp.Integer(1) + sp.Heaviside(x - R(7, 3)) / 7, [R(7, 3)]).status == "differ"


def test_a_jump_in_two_symbols_at_an_exact_special_point():
    # the fuzzer's sign(2/3 + y) = sign((2/3)(cosh²y − sinh²y)(cosh²x − sinh²x) + y), refuted at y = −2/3
    lhs = sp.sign(R(2, 3) + y)
    rhs = sp.sign(R(2, 3) * (sp.cosh(y)**2 - sp.sinh(y)**2) * (sp.cosh(x)**2 - sp.sinh(x)**2) + y)
    assert settle(lhs, rhs, [1.0, R(-2, 3)], (x, y)).status == "agree"
    assert settle(lhs, rhs + sp.Heaviside(-y - R(2, 3)), [1.0, R(-2, 3)], (x, y)).status == "differ"
    cheaper = sp.sign(R(2, 3) * (sp.sin(y)**2 + sp.cos(y)**2) * (sp.sin(x)**2 + sp.cos(x)**2) + y)
    assert check(lhs, cheaper, (x, y)).counterexample is None


def test_floor_and_ceiling_at_an_integer_within_rounding():
    three = 3 * (sp.sin(x)**2 + sp.cos(x)**2)  # 3 exactly, computed as 3 ± noise
    assert check(sp.floor(three), sp.Integer(3)).counterexample is None
    assert check(sp.ceiling(three), sp.Integer(3)).counterexample is None
    refuted = check(sp.floor(three), sp.Integer(2)).counterexample
    assert refuted is not None and refuted.lhs == "3.0"


def test_a_condition_at_its_boundary_within_rounding():
    below = sp.Piecewise((1, ZERO < 0), (0, True))  # ZERO < 0 is false: the value is 0
    assert check(below, sp.Integer(0)).counterexample is None
    assert check(below, sp.Integer(1)).counterexample is not None


# 2. A genuine jump near 0 is not noise

def test_a_jump_just_beside_zero_is_a_counterexample():
    # sign(x − 10⁻³⁰) ≠ sign(x) for 0 < x < 10⁻³⁰: settled there, the argument is −5·10⁻³¹, far above rounding
    settled = settle(sp.sign(x - R(1, 10**30)), sp.sign(x), [5e-31])
    assert settled.status == "differ"
    assert check(sp.sign(x - R(1, 10**30)), sp.sign(x)).counterexample is not None
    # at the float64 nearest 10⁻³⁰ the argument is 8·10⁻⁴⁸: tiny, exact, and confirmed at two precisions
    assert settle(sp.sign(x - R(1, 10**30)), sp.Integer(1), [1e-30]).status == "agree"


def test_a_jump_just_beside_an_exact_zero_is_a_counterexample():
    shifted = sp.Heaviside(ZERO + R(1, 10**40))  # the argument is 10⁻⁴⁰, never 0
    assert check(shifted, sp.Integer(1)).counterexample is None
    outcome = check(shifted, sp.Integer(0))
    assert outcome.counterexample is not None and outcome.counterexample.lhs == "1.0"


def test_a_jump_at_a_float64_point_is_not_moved_by_the_exact_decision():
    # at x = 3 the argument of sign(x − 3) is exactly 0 and sign(0) = 0: the special point refutes
    outcome = check(sp.sign(x - 3)**2, sp.Integer(1))
    assert outcome.counterexample is not None and outcome.counterexample.point == {"x": 3.0}


# 3. What cannot be decided exactly is neither a counterexample nor agreement

UNDECIDABLE = sp.atan(sp.sinh(x)) - 2 * sp.atan(sp.exp(x)) + sp.pi / 2  # 0 for every x; simplify cannot show it


def test_a_jump_that_cannot_be_decided_is_no_evidence_either_way():
    # true: never refuted, yet no agreement either (the false claim below gets the same, through the pipeline)
    outcome = check(sp.sign(UNDECIDABLE), sp.Integer(0), where=x > R(1, 2))
    assert outcome.counterexample is None
    assert not outcome.agrees and "could not be decided exactly" in outcome.message, outcome.message


def test_an_undecidable_jump_is_never_numeric_only():
    result = verify_identity(make_identity(sp.sign(UNDECIDABLE), sp.Integer(1), [x], timeout=1.0, where=x > R(1, 2)))
    assert result.verdict not in (Verdict.NUMERIC_ONLY, Verdict.REFUTED), (result.verdict, result.message)


def test_continuous_functions_of_noise_need_no_decision():
    # Abs, Max, Min are continuous: noise in, noise out; the comparison of the sides already knows noise
    assert jumps.Watch.of(sp.Abs(ZERO) + sp.Max(ZERO, 0) + relu(ZERO), sp.Integer(0), [x]) is None
    assert check(sp.Abs(ZERO) + sp.Max(ZERO, 0), sp.Integer(0)).counterexample is None


def test_the_rounding_bounds_of_a_jump_argument():
    one = mpmath.mpf(1)
    assert evaluate._jump_state(one / 3, one / 3, 60, 100, 0) == "clear"
    assert evaluate._jump_state(mpmath.mpf(10)**-58, mpmath.mpf(10)**-98, 60, 100, 0) == "at jump"
    assert evaluate._jump_state(mpmath.mpf(10)**-58, mpmath.mpf(0), 60, 100, 0) == "at jump"
    assert evaluate._jump_state(mpmath.mpf(10)**-58, -mpmath.mpf(10)**-70, 60, 100, 0) is None  # not yet stable
    assert not evaluate._clear_of_jump(mpmath.mpf(10)**-40, 60, 0)  # sin(π) at 60 digits is 10⁻⁶⁰: not clear
    assert evaluate._clear_of_jump(mpmath.mpf(10)**-30, 60, 0)


def test_vector_draws_watch_their_jump_functions():
    from qedcheck.derivations.vocabulary import X, i, n

    zero = sp.cosh(X[i])**2 - sp.sinh(X[i])**2 - 1
    shape = {"vectors": (X,), "indices": (i,), "size": n, "numeric_sizes": (1, 2, 3)}
    for rhs, false in ((0, False), (1, True)):
        identity = make_identity(sp.sign(zero), sp.Integer(rhs), [], **shape)
        outcome = numeric.cross_check_vector(identity, identity.lhs, identity.rhs)
        assert (outcome.counterexample is not None) is false, outcome
        if false:
            assert outcome.counterexample.lhs == "0"
