"""The numeric cross-check: honest about float64, decisive at high precision."""

import numpy as np
import sympy as sp
from conftest import make_identity
from qedcheck.checks import numeric
from qedcheck.checks.runner import verify_identity
from qedcheck.derivations.vocabulary import sigmoid, softplus, x
from qedcheck.results import Verdict


def test_at_least_a_thousand_points_including_hard_regions():
    outcome = numeric.cross_check_scalar(sigmoid(x), (sp.tanh(x / 2) + 1) / 2, [x])
    assert outcome.points >= 1000
    assert outcome.agrees
    assert outcome.max_rel_err < 1e-12


def test_naive_float64_overflow_never_refutes_a_true_identity():
    # log(1 + e^x) overflows to inf at x ≳ 710; the claim is still true and must not be refuted
    identity = make_identity(
        softplus(x) - softplus(-x), x, [x],
        numpy_lhs=lambda x: np.log(1 + np.exp(x)) - np.log(1 + np.exp(-x)),
        numpy_rhs=lambda x: x,
    )
    result = verify_identity(identity)
    assert result.verdict is Verdict.PROVED
    assert result.numeric.float64_undecided > 0  # float64 could not decide there; mpmath did


def test_cancellation_at_large_x_is_settled_at_high_precision():
    # log(1 + e^x) − x = log(1 + e^{−x}): at x = 40 the left side cancels to nothing in float64
    identity = make_identity(sp.log(1 + sp.exp(x)) - x, sp.log(1 + sp.exp(-x)), [x])
    outcome = numeric.cross_check_scalar(identity.lhs, identity.rhs, [x])
    assert outcome.agrees
    assert outcome.counterexample is None


def test_a_tiny_constant_difference_is_found_numerically():
    outcome = numeric.cross_check_scalar(sigmoid(x), sigmoid(x) + sp.Float("1e-12"), [x])
    assert not outcome.agrees
    assert outcome.counterexample is not None


def test_a_tiny_constant_difference_is_refuted_by_the_pipeline():
    result = verify_identity(make_identity(sigmoid(x), sigmoid(x) + sp.Rational(1, 10**15), [x]))
    assert result.verdict is Verdict.REFUTED
    assert not result.ok


def test_counterexample_is_confirmed_at_high_precision():
    outcome = numeric.cross_check_scalar(sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2, [x])
    assert outcome.counterexample is not None
    assert outcome.counterexample.confirmed_digits >= 50


def test_same_seed_same_figures():
    a = numeric.cross_check_scalar(sigmoid(x), (sp.tanh(x / 2) + 1) / 2, [x])
    b = numeric.cross_check_scalar(sigmoid(x), (sp.tanh(x / 2) + 1) / 2, [x])
    assert a == b


def test_wrong_numpy_implementation_is_reported_not_passed():
    identity = make_identity(
        sigmoid(x), (sp.tanh(x / 2) + 1) / 2, [x],
        numpy_lhs=lambda x: 1 / (1 + np.exp(-x)),
        numpy_rhs=lambda x: 0.5 * (np.tanh(x) + 1),  # the encoding is wrong, not the claim
    )
    result = verify_identity(identity)
    assert result.verdict is not Verdict.PROVED


def test_the_complex_step_keeps_full_precision_down_to_tiny_derivatives():
    import mpmath
    from qedcheck.derivations import numpy_impl

    for at in (-30.0, -300.0, -650.0):
        exact = mpmath.exp(at) / (1 + mpmath.exp(at)) ** 2
        got = numpy_impl.complex_step_derivative(numpy_impl.sigmoid_analytic, np.array([at]))[0]
        assert abs(got - float(exact)) <= 1e-12 * float(exact)


def test_a_numpy_side_is_compared_absolutely_only_where_float64_is_subnormal():
    def flush_tiny(x):  # as float64 does with an intermediate below 2.2e-308
        value = np.exp(x)
        return np.where(value < 1e-300, 0.0, value)

    def check(numpy_lhs, where):
        return numeric.cross_check_scalar(sp.exp(x), sp.exp(x), [x], where=where, numpy_lhs=numpy_lhs,
                                          numpy_rhs=lambda x: np.exp(x))

    assert check(flush_tiny, x < -700).agrees
    off = check(lambda x: np.exp(x) * (1 + 1e-4), (x < -640) & (x > -680))  # values near 1e-280
    assert off.points >= 1 and "the NumPy lhs disagrees" in off.message


def test_a_numpy_encoding_wrong_only_beyond_n_1_is_reported():
    from qedcheck.derivations.vocabulary import G, X, i, j, n

    outer = {"vectors": (X, G), "indices": (i, j), "size": n, "numeric_sizes": (1, 2, 3)}

    def transposed(x, g):  # the same slip in both NumPy sides: they agree with each other
        return np.outer(g, x)

    def right(x, g):
        return np.outer(x, g)

    wrong = make_identity(X[i] * G[j], G[j] * X[i], [], numpy_lhs=transposed, numpy_rhs=transposed, **outer)
    result = verify_identity(wrong)
    assert result.verdict is Verdict.ERROR and "the NumPy lhs disagrees with the SymPy lhs at n = 2" in result.message
    assert verify_identity(make_identity(X[i] * G[j], G[j] * X[i], [], numpy_lhs=right, numpy_rhs=right,
                                         **outer)).verdict is Verdict.PROVED


def test_the_confirming_pass_caps_the_precision_and_says_so():
    """The cheap pass that cross-checks a proof stops at CHEAP_DIGITS: x = ±10⁴ with e^x in the claim
    needs thousands of digits, which only the full check (of an unproved claim) spends. The points it
    leaves are reported unresolved, never counted as settled."""
    from qedcheck.checks import evaluate

    lhs, rhs = sp.log(1 + sp.exp(x)) - sp.log(1 + sp.exp(-x)), x
    cheap = numeric.cross_check_scalar(lhs, rhs, [x], settings=numeric.NumericSettings().confirming())
    full = numeric.cross_check_scalar(lhs, rhs, [x])
    assert cheap.agrees and full.agrees
    assert "unresolved" in cheap.region and f"{evaluate.CHEAP_DIGITS} digits" in cheap.region
    assert "up to 8746 digits" in full.region  # the full check settled x = ±10⁴ at thousands of digits
    # a claim false only far out is not passed by the cheap pass: it stays undecided there
    false = numeric.cross_check_scalar(lhs, rhs + sp.Max(0, x - 5000) * 10**-3000, [x],
                                       settings=numeric.NumericSettings().confirming())
    assert false.counterexample is None and "unresolved" in false.region


def test_disagreeing_points_are_settled_simplest_first():
    """Fewest non-integer coordinates, then fewest zeros, then the smallest magnitude; ties keep
    their sample order (the first confirmed counterexample is the one reported)."""
    from qedcheck.checks.numeric import _simplest_first

    x = np.array([0.5, 3.0, 0.0, 1e-8, 2.0, -2.0, 7.25, 1.0])
    y = np.array([1.0, 2.0, 5.0, 1.0, 0.0, 1.0, 3.0, -1.0])
    order = _simplest_first(np.arange(len(x)), [x, y])
    assert order == [7, 5, 1, 4, 2, 0, 3, 6]  # 0 and 3 tie (one fraction, no zero, largest 1)
    assert _simplest_first(np.array([], dtype=int), [x]) == []
