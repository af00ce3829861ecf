"""The numeric engine's verdicts, tried as a hostile user would (issue 11): no false "the numbers agree",
no false refutation. Every example of the issue, through the real pipeline."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from conftest import make_identity
from qedcheck.checks import evaluate, finite_diff, numeric, sampling
from qedcheck.checks.runner import verify_identity
from qedcheck.derivations.vocabulary import relu, sigmoid, softplus
from qedcheck.results import Verdict

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
R = sp.Rational


def verdict(lhs, rhs, symbols=(x,), **fields):
    return verify_identity(make_identity(lhs, rhs, symbols, timeout=3.0, **fields))


def refuted(lhs, rhs, symbols=(x,), **fields):
    result = verdict(lhs, rhs, symbols, **fields)
    assert result.verdict is Verdict.REFUTED, (result.verdict, result.message)
    return result


def no_counterexample(lhs, rhs, symbols=(x,), where=None):
    outcome = numeric.cross_check_scalar(lhs, rhs, list(symbols), where=where)
    assert outcome.counterexample is None, outcome.counterexample
    assert outcome.agrees, outcome.message
    return outcome


# 1. A side that is not real where the other is, or undefined where the other is defined

def test_a_complex_side_against_a_real_one_is_a_counterexample():
    result = refuted(sp.log(sp.Abs(x * y)), sp.log(sp.Abs(x)) + sp.log(y), (x, y),
                     where=sp.And(sp.Ne(x, 0), sp.Ne(y, 0)))
    assert result.counterexample.point["y"] < 0
    assert "j" in result.counterexample.rhs  # log|x| + iπ, shown as a complex number


def test_an_imaginary_part_float64_would_drop_is_seen():
    refuted(x + sp.sqrt(-1) * x**2, x)


def test_a_side_undefined_where_the_other_is_defined_is_a_counterexample():
    result = refuted(sp.sin(x) / x, sp.Piecewise((sp.sin(x) / x, sp.Ne(x, 0)), (2, True)))
    assert result.counterexample.point == {"x": 0.0}
    assert result.counterexample.lhs == "undefined"


def test_a_removable_singularity_the_user_wrote_is_a_counterexample():
    a = sp.Symbol("a", real=True)
    outcome = numeric.cross_check_scalar((x**2 - a**2) / (x - a), x + a, [x, a])
    assert outcome.counterexample is not None and outcome.counterexample.lhs == "undefined"


def test_the_power_rule_is_not_refuted_at_zero_where_sympys_form_is_undefined():
    k = sp.Symbol("k", positive=True, integer=True)
    assert verdict(sp.Derivative(x**k, x), k * x**(k - 1), (k, x)).verdict is not Verdict.REFUTED


def test_a_removable_singularity_of_sympys_form_is_excluded_not_a_counterexample():
    # SymPy writes d/dx xⁿ as n·xⁿ/x: undefined at x = 0, where the derivative the user wrote exists
    n = sp.Symbol("n", real=True)
    outcome = no_counterexample(sp.Derivative(x**n, x), n * x**(n - 1), (n, x))
    assert "removable singularity" in outcome.region


def test_points_where_neither_side_is_defined_are_outside_the_domain_and_said_so():
    outcome = no_counterexample(sp.log(x**2), 2 * sp.log(sp.Abs(x)))
    assert "excluded" in outcome.region and "where" in outcome.region
    assert "nan" not in outcome.region


# 2. Tolerances that swallowed errors

@pytest.mark.parametrize("lhs, rhs", [
    (x * (1 + R(1, 10**40)), x),
    (sp.cosh(x)**2 - sp.sinh(x)**2, 1 + sp.Max(0, x - 50)),
    (x + R(5, 10**8) * x * relu(x - R(6, 5)) * relu(R(7, 5) - x), x),
    (2**1000 + x, 2**1000 + x + 1),
    (10**300 * x, 10**300 * x + 1),
])
def test_a_small_real_difference_is_refuted(lhs, rhs):
    refuted(lhs, rhs)


# 3. Sampling that reaches where a claim is false

@pytest.mark.parametrize("lhs, rhs, where", [
    (sp.Min(x, 2000), x, None),
    (sp.sign(x - 3)**2, sp.Integer(1), None),
    (x + relu(x - 2) * relu(R(2001, 1000) - x), x, None),
    (sp.Max(sp.Abs(x), R(1, 10**12)), sp.Abs(x), sp.Ne(x, 0)),
    (sp.Min(1 / (x - 3)**2, 10**12), 1 / (x - 3)**2, sp.Ne(x, 3)),
])
def test_a_claim_false_only_near_a_kink_or_a_constant_is_refuted(lhs, rhs, where):
    refuted(lhs, rhs, where=where)


def test_a_claim_false_on_a_narrow_interval_of_a_second_symbol_is_refuted():
    refuted(x + y * relu(y - 5) * relu(R(50001, 10000) - y), x + y * 0, (x, y))


def test_a_claim_false_only_near_a_kink_that_moves_with_another_symbol_is_refuted():
    outcome = numeric.cross_check_scalar(x + relu(x - y) * relu(y + R(1, 10**6) - x), x, [x, y])
    assert outcome.counterexample is not None
    assert "x = y (and beside)" in outcome.region


def test_a_claim_false_only_at_a_rational_no_float_represents_is_refuted():
    # sign(x + 13/7) is 0 only at -13/7: evaluated there exactly at high precision
    outcome = numeric.cross_check_scalar(y, y + 1 - sp.sign(x + R(13, 7))**2, [x, y])
    assert outcome.counterexample is not None and abs(outcome.counterexample.point["x"] + 13 / 7) < 1e-15
    kept_out = numeric.cross_check_scalar(x**2, sp.Abs(x)**2 + 1 - sp.sign(x + R(13, 7))**2, [x],
                                          where=sp.Ne(x, R(-13, 7)))
    assert kept_out.counterexample is None


def test_a_claim_false_within_a_small_constant_of_a_kink_is_refuted():
    outcome = numeric.cross_check_scalar(sp.Max(sp.Abs(x + R(13, 7)), R(1, 10**12)), sp.Abs(x + R(13, 7)), [x],
                                         where=sp.Ne(x, R(-13, 7)))
    assert outcome.counterexample is not None


def test_a_difference_far_out_where_exponentials_need_thousands_of_digits_is_refuted():
    outcome = numeric.cross_check_scalar(sigmoid(x), 1 / (1 + sp.exp(-x)) + sp.Max(0, x - 10000), [x])
    assert outcome.counterexample is not None and outcome.counterexample.point["x"] > 10000


def test_noise_of_a_square_root_shrinks_at_half_the_rate_and_is_not_left_open():
    outcome = numeric.cross_check_scalar(R(33, 7) + sp.sign(x), R(33, 7) + sp.sign(x) +
                                         sp.sqrt(-sp.Abs(sp.sin(sp.pi * x))), [x])
    assert outcome.counterexample is not None  # complex off the integers
    n = sp.Symbol("n", integer=True)
    no_counterexample(sp.sqrt(-sp.Abs(sp.sin(sp.pi * n))), sp.Integer(0), (n,))


def test_a_point_float64_lets_through_the_where_at_its_boundary_is_no_counterexample():
    # 1e-12 as a float64 is below 10**-12: outside `Abs(x) >= 10**-12`, where the claim says nothing
    tail = sp.Max(sp.Abs(x), R(1, 10**12)) - sp.Abs(x)
    outcome = no_counterexample(sigmoid(x), 1 / (1 + sp.exp(-x)) + tail, where=sp.Abs(x) >= R(1, 10**12))
    assert "outside the `where` when evaluated exactly" in outcome.region


def test_the_region_names_the_special_points_and_reaches_the_json_report():
    from qedcheck.checks.runner import RunSettings, verify_all
    from qedcheck.report.json_report import report_dict

    identity = make_identity(sp.atan(sp.sinh(x)), 2 * sp.atan(sp.tanh(x / 2)), [x], where=sp.Ne(x, 3), timeout=2.0)
    run = verify_all([identity], RunSettings())
    result = run.results[0]
    assert result.verdict in (Verdict.NUMERIC_ONLY, Verdict.TIMEOUT)  # no proof either way: a loaded machine
    assert "x in [" in result.numeric.region and "zeros/kinks at 3" in result.numeric.region
    assert report_dict(run)["identities"][0]["numeric"]["region"] == result.numeric.region


def test_special_points_include_zeros_beside_points_and_constants():
    specials = sampling.special_points([sp.Min(1 / (x - 3)**2, 10**12)], [x])
    points = specials.points["x"]
    assert np.any(np.abs(points - (3 + 1e-6)) < 1e-12) and np.any(np.abs(points - (3 - 1e-6)) < 1e-12)
    assert np.any((points > 3) & (points < 3 + 1e-8)) and 1e13 in points


# 4. True claims that were refuted

@pytest.mark.parametrize("lhs, rhs", [
    (sp.Abs(sp.cos(x)**2 + sp.sin(x)**2 - 1), sp.Integer(0)),
    (sp.sin(sp.exp(230) * (sp.sin(x)**2 + sp.cos(x)**2)), sp.sin(sp.exp(230))),
    (sp.sin(sp.cosh(2 * x)**2 - sp.sinh(2 * x)**2), sp.sin(1)),
    (sp.log(sigmoid(x)), -softplus(-x)),
    ((sp.exp(x / 2) - sp.exp(-x / 2)) / (sp.exp(x / 2) + sp.exp(-x / 2)) + 1,
     2 * sp.exp(x / 2) / (sp.exp(x / 2) + sp.exp(-x / 2))),
])
def test_cancellation_and_exact_zeros_never_refute_a_true_claim(lhs, rhs):
    no_counterexample(lhs, rhs)


def test_a_true_claim_with_heavy_cancellation_is_not_refuted_by_the_pipeline():
    assert verdict(sp.Abs(sp.cos(x)**2 + sp.sin(x)**2 - 1), sp.Integer(0)).verdict is not Verdict.REFUTED


def test_a_difference_is_confirmed_only_when_two_precisions_agree_on_it():
    # a stable-looking difference at one precision that is rounding noise: never a counterexample
    noisy = evaluate.settle(lambda *p, digits: mpmath.mpf(10) ** (-digits), lambda *p, digits: mpmath.mpf(0), [1.0])
    assert noisy.status == "agree"
    real = evaluate.settle(lambda *p, digits: mpmath.mpf(1) / 3, lambda *p, digits: mpmath.mpf(0), [1.0])
    assert real.status == "differ" and real.digits > evaluate.EXACT_DIGITS


# 5. Every combination of assumptions is honoured

ASSUMPTION_SETS = [
    {"real": True}, {"positive": True}, {"nonnegative": True}, {"negative": True}, {"nonpositive": True},
    {"nonzero": True}, {"integer": True}, {"positive": True, "integer": True},
    {"nonnegative": True, "integer": True}, {"negative": True, "integer": True},
    {"nonpositive": True, "integer": True}, {"nonzero": True, "integer": True}, {"even": True},
    {"odd": True, "positive": True},
]


@pytest.mark.parametrize("assumptions", ASSUMPTION_SETS, ids=lambda a: " ".join(sorted(a)))
def test_every_sampled_value_satisfies_the_symbols_assumptions(assumptions):
    n = sp.Symbol("n", **{"real": True, **assumptions})
    exprs = (sp.Abs(n - R(5, 2)) + sp.Max(n, -7), n**2)  # special points 2.5, -7, their neighbours, ±10c
    for sample in (sampling.scalar_sample([n], 0, exprs=exprs), sampling.scalar_sample([n, x], 1, exprs=exprs)):
        values = sample.values["n"]
        for value in values:
            facts = {"integer": float(value).is_integer(), "positive": value > 0, "nonnegative": value >= 0,
                     "negative": value < 0, "nonpositive": value <= 0, "nonzero": value != 0,
                     "even": float(value).is_integer() and value % 2 == 0,
                     "odd": float(value).is_integer() and value % 2 == 1}
            assert all(facts[k] for k in assumptions if k in facts), (assumptions, value)


def test_a_positive_integer_is_never_sampled_at_a_fraction():
    n = sp.Symbol("n", positive=True, integer=True)
    result = verdict(sp.sin(sp.pi * n / 2) * sp.cos(sp.pi * n / 2), sp.Integer(0), (n,))
    assert result.verdict is not Verdict.REFUTED


# 6. Derivatives with a domain

def test_a_derivative_with_a_where_is_checked_inside_its_domain():
    result = verdict(sp.Derivative(sp.log(x), x), 1 / x, where=x > 0, finite_differences=True)
    assert result.verdict is Verdict.PROVED, result.message
    assert result.numeric.finite_difference_max_rel_err < 1e-4


def test_finite_differences_catch_a_wrong_slope_with_a_derived_tolerance():
    f = evaluate.float_function(sp.log(x), [x])
    wrong = evaluate.float_function(1 / x + R(1, 10**6), [x])
    right = evaluate.float_function(1 / x, [x])
    positive = sp.Symbol("x", positive=True)
    outcome = finite_diff.check_scalar(lambda x: f(x), lambda x: wrong(x), "x", 0, symbol=positive)
    assert not outcome.agrees and "claimed" in outcome.message
    assert finite_diff.check_scalar(lambda x: f(x), lambda x: right(x), "x", 0, symbol=positive).agrees


def test_finite_differences_that_have_not_converged_decide_nothing():
    """cos(x⁶) turns through 13 radians within one step at x = 8.5: the difference quotients there are
    noise (from the fuzzer: a true chain rule reported `error`). Such points are not used; where the
    quotients converge, a wrong slope is still caught, however fast the function oscillates elsewhere."""
    f = evaluate.float_function(sp.cos(x**6), [x])
    right = evaluate.float_function(-6 * x**5 * sp.sin(x**6), [x])
    wrong = evaluate.float_function(-6 * x**5 * sp.sin(x**6) * (1 + R(1, 10**4)), [x])
    assert finite_diff.check_scalar(lambda x: f(x), lambda x: right(x), "x", 0).agrees
    outcome = finite_diff.check_scalar(lambda x: f(x), lambda x: wrong(x), "x", 0)
    assert not outcome.agrees and outcome.points > 20
    diff_claim = verdict(sp.Derivative(sp.cos(x**6), x), -6 * x**5 * sp.sin(x**6), finite_differences=True)
    assert diff_claim.verdict is Verdict.PROVED, diff_claim.message


# 7. DiracDelta, big integers, memory

def test_dirac_delta_is_zero_away_from_its_zeros_and_no_value_at_them():
    result = verdict(sp.Derivative(sp.Heaviside(x) * x**2, x), 2 * x * sp.Heaviside(x))
    assert result.verdict is not Verdict.ERROR, result.message
    assert evaluate.exact_function(sp.DiracDelta(x - 1), [x])(1.0) is evaluate.NO_VALUE
    assert evaluate.float_function(sp.DiracDelta(x - 1), [x])(np.array([0.0]))[0] == 0.0


def test_integers_beyond_float64_do_not_crash_the_float64_pass():
    refuted(10**400 * x, 10**400 * x + 1)
    no_counterexample(2**1000 * x + 1, 1 + x * 2**1000)


def test_mpmath_running_out_of_memory_is_said_as_such(monkeypatch):
    def exhausted(*values, digits=None):
        raise evaluate.ExactEvaluationFailed("mpmath ran out of memory evaluating at 60 digits")

    monkeypatch.setattr(evaluate, "exact_function", lambda expr, symbols: exhausted)
    outcome = numeric.cross_check_scalar(sp.atan(sp.sinh(x)), 2 * sp.atan(sp.tanh(x / 2)), [x])
    assert "ran out of memory" in outcome.region and "cap" not in outcome.region
    assert outcome.counterexample is None


# 8. User symbols named like the generated code's names

NAMES = ["mpf", "reduce", "numpy", "np", "math", "exp", "select", "where", "mpmath", "x_pos", "t_x", "Dummy",
         "builtins", "range", "nan", "inf", "amax", "first", "function"]


@pytest.mark.parametrize("name", NAMES)
def test_a_user_symbol_cannot_shadow_a_name_of_the_generated_code(name):
    s = sp.Symbol(name, real=True)
    expr = sp.Max(s, y, 1) + sp.Min(s, 2) + sp.exp(s) * R(1, 3) + sp.Piecewise((s, s > 0), (0, True))
    f, g = evaluate.float_function(expr, [s, y]), evaluate.exact_function(expr, [s, y])
    assert abs(f(np.array([0.5]), np.array([2.0]))[0] - float(g(0.5, 2.0))) < 1e-12
    # the 50-digit check is not switched off: a 1e-30 difference is still found
    outcome = numeric.cross_check_scalar(sp.Max(s, 1), sp.Max(s, 1) + R(1, 10**30), [s])
    assert outcome.counterexample is not None


ISSUE_FILE = """
[[identity]]
name = "log_abs_branch"
symbols = { mpf = "real", reduce = "real" }
lhs = "log(Abs(mpf*reduce))"
rhs = "log(Abs(mpf)) + log(reduce)"
where = "mpf != 0 & reduce != 0"
expect = "fails"

[[identity]]
name = "imaginary_part"
symbols = { x = "real" }
lhs = "x + sqrt(-1)*x**2"
rhs = "x"
expect = "fails"

[[identity]]
name = "tiny_factor"
symbols = { x = "real" }
lhs = "x*(1 + 10**-40)"
rhs = "x"
expect = "fails"

[[identity]]
name = "bump"
symbols = { x = "real" }
lhs = "x + 5e-8*x*relu(x - 1.2)*relu(1.4 - x)"
rhs = "x"
expect = "fails"

[[identity]]
name = "min_pole"
symbols = { x = "real" }
lhs = "Min(1/(x - 3)**2, 10**12)"
rhs = "1/(x - 3)**2"
where = "x != 3"
expect = "fails"

[[identity]]
name = "dlog"
symbols = { x = "real" }
lhs = "diff(log(x), x)"
rhs = "1/x"
where = "x > 0"
"""


def test_the_issues_examples_through_the_cli(tmp_path, capsys):
    import json

    from qedcheck.cli import main

    path = tmp_path / "issue.toml"
    path.write_text(ISSUE_FILE)
    report = tmp_path / "report.json"
    assert main(["--no-color", "verify", str(path), "--no-cache", "--json", str(report)]) == 0
    assert "6/6 identities as expected" in capsys.readouterr().out
    results = {r["name"]: r for r in json.loads(report.read_text())["identities"]}
    assert "j" in results["log_abs_branch"]["counterexample"]["rhs"]
    assert "zeros/kinks at 2.999999" in results["min_pole"]["numeric"]["region"]


def test_a_point_mpmath_cannot_evaluate_in_time_is_unresolved_not_a_hang(monkeypatch):
    """exp(e^(10^6)) makes mpmath reduce its argument with ln 2 to 1.4 million bits (minutes for one
    value); the fuzzer's exp(exp(x)) = exp(exp(x)) + Heaviside(x − 20) ran into the worker's wall limit.
    Each point has POINT_SECONDS; past it the point is unresolved, and the claim is still decided
    (refuted exactly at its kink)."""
    monkeypatch.setattr(evaluate, "POINT_SECONDS", 0.5)
    side = evaluate.exact_function(sp.exp(sp.exp(x)), [x])
    settled = evaluate.settle(side, side, [1e6])
    assert settled.status == "unresolved" and "no answer within 0.5 s" in settled.reason
    result = verdict(sp.exp(sp.exp(x)), sp.exp(sp.exp(x)) + sp.Heaviside(x - 20))
    assert result.verdict is Verdict.REFUTED, result.message


def test_a_denominator_lost_to_rounding_is_not_an_undefined_side():
    """From the fuzzer (seed 33): 1 + 9/4 (cosh² − sinh²)(x/5 + 3/4) at x = 700 adds terms of 10¹²² and is
    exactly 0 below 122 digits. A sum in the other side without a value at the measuring precision
    used to erase every measurement (one compiled list), so the point started at 60 digits and 'the
    rhs is undefined' at 60 and 100 digits refuted a true claim. Each sum is measured on its own, and
    an undefined side is asked once more at twice the precision before it counts."""
    u = x / 5 + R(3, 4)
    denominator = 1 + R(9, 4) * (sp.cosh(u) ** 2 - sp.sinh(u) ** 2)
    lhs = sp.tan(sp.sin(x)) / (1 + R(9, 4)) + sp.Max(x, -x)
    rhs = sp.tan(sp.sin(x)) / sp.Add(1, R(9, 4) * sp.cosh(u) ** 2, -R(9, 4) * sp.sinh(u) ** 2, evaluate=False) + x
    assert abs(denominator.subs(x, 700).evalf(150) - R(13, 4)) < 1e-20
    result = verdict(lhs, rhs, where=x > 0)
    assert result.verdict is not Verdict.REFUTED, result.message
    cancel = evaluate.cancellation_function((lhs, rhs), [x])(700.0)
    assert cancel.digits >= 120
    pole = evaluate.exact_function(1 / (x - 3), [x])
    assert evaluate.settle(pole, evaluate.exact_function(x, [x]), [3.0]).status == "differ"  # a real pole stays one


# Special points: a bump between two kinks is never crowded out; float64 blind to a constant

def test_solved_kinks_come_before_an_unbounded_family_of_zeros():
    lhs = sp.Min(sp.tan(sp.sin(x)), 0)  # a zero every π: the grid finds 50 of them
    rhs = lhs + relu(x - R(3, 5)) * relu(R(600001, 1000000) - x)
    points = sampling.special_points((lhs, rhs), [x]).points["x"]
    assert np.any((points > 0.6) & (points < 0.600001))
    assert numeric.cross_check_scalar(lhs, rhs, [x]).counterexample is not None


def test_a_tiny_difference_against_an_exact_zero_goes_to_high_precision():
    lhs = sp.Min(sp.tan(sp.sin(x)), 0)  # exactly 0 on the bump, no cancellation on either side
    rhs = lhs + R(1, 10**300) * relu(x - R(3, 5)) * relu(R(600001, 1000000) - x)
    outcome = numeric.cross_check_scalar(lhs, rhs, [x])
    assert outcome.counterexample is not None, outcome.message


def test_a_constant_beyond_float64_sends_the_special_points_to_high_precision():
    # 1e-400 is 0 in float64, and so is the difference it makes on (0.6, 0.7): float64 sees two equal sides
    lhs = sp.Min(sp.tan(sp.sin(x)), 0)
    rhs = lhs + sp.Float("1e-400", 30) * relu(x - R(3, 5)) * relu(R(7, 10) - x)
    assert evaluate.beyond_float64(lhs, rhs) and not evaluate.beyond_float64(lhs, lhs + R(1, 10**300))
    assert numeric.cross_check_scalar(lhs, rhs, [x]).counterexample is not None


# 8. From the 5000-pair fuzzer run (seed 41): engine faults and false alarms on valid input

def test_a_value_of_forty_thousand_digits_is_shown_not_an_engine_fault():
    """mpmath prints through a str of an int as long as the value's precision: beyond Python's
    4300-digit limit that raised ValueError, and cosh(x) = cosh(log(exp(x))) + Min(x, 10000) - x was
    an engine fault instead of refuted."""
    with mpmath.workdps(40000):
        value = mpmath.cosh(mpmath.mpf(10001)) + mpmath.mpf(1) / 3
    assert evaluate.short(value).startswith("1.19697") and evaluate.short(value).endswith("e+4343")
    result = refuted(sp.cosh(x), sp.cosh(sp.log(sp.exp(x))) + sp.Min(x, 10000) - x)
    assert result.counterexample is not None


def test_a_claim_between_numbers_is_compared_at_high_precision():
    """No symbol: the prover's exact evaluation used to be the whole story, and a claim it could not
    simplify was an engine fault ("no proof and no numeric check")."""
    u = sp.exp(60) * sp.tanh(sp.atan(R(7, 3)))
    same = sp.exp(60) * sp.tanh(2 * sp.atan(R(7, 3) / (1 + sp.sqrt(1 + R(7, 3) ** 2))))
    agreeing = verdict(sp.cos(same), sp.cos(u), symbols=())
    assert agreeing.verdict in (Verdict.NUMERIC_ONLY, Verdict.PROVED, Verdict.TIMEOUT), agreeing.message
    assert agreeing.numeric.agrees and agreeing.numeric.mpmath_points == 1
    wrong = refuted(sp.cos(u), sp.cos(u + R(1, 10**30)), symbols=())
    assert wrong.counterexample.point == {}


def test_finite_differences_allow_for_the_rounding_of_the_claimed_formula(tmp_path):
    """The claimed derivative computed in float64 from a formula with cosh(x)² − sinh(x)² is off by
    10³ at x = 18: a true derivative was `error` ("finite differences disagree")."""
    path = tmp_path / "d.toml"
    path.write_text('[[identity]]\nname = "d"\nsymbols = { x = "real" }\nlhs = "diff(x**4*sigmoid(x)**3, x)"\n'
                    'rhs = "(4*x**3*sigmoid(x)**3 + 3*x**4*sigmoid(x)**3*(1 - sigmoid(x)))'
                    '*(cosh(x - 1.5)**2 - sinh(x - 1.5)**2)"\n', encoding="utf-8")
    from qedcheck.readers.identity_file import load_identity_file

    (identity,) = load_identity_file(path).identities
    result = verify_identity(identity)
    assert result.verdict is Verdict.PROVED, result.message
    assert result.numeric.finite_difference_max_rel_err is not None


def test_difference_quotients_of_a_cancelling_primitive_are_taken_again_at_50_digits():
    """(x − softplus(x))·x³ at x ≈ 10 cancels terms of 10⁵ to a value of 1: its float64 quotients are
    off by 10⁻⁶, and a true derivative ended in `error` (fuzzer, seed 59). At 50 digits they agree; a
    claimed slope off by 10⁻⁶ still disagrees."""
    from qedcheck.checks import finite_diff
    from qedcheck.derivations.vocabulary import softplus

    x = sp.Symbol("x", real=True)
    f = (x - softplus(x)) * x**3 * sp.Rational(7, 2) ** 3
    far = lambda v: (v > 8) & (v < 20)  # the points where the terms cancel

    def check(claimed, exact_quotients=True):
        primitive, derivative, terms = finite_diff.sympy_sides(sp.Derivative(f, x), claimed, [x])
        exact = finite_diff.exact_primitive(f, [x]) if exact_quotients else None
        return finite_diff.check_scalar(primitive, derivative, "x", 0, far, x, terms,
                                        finite_diff.exact_claimed(claimed, [x]), exact)

    assert not check(sp.diff(f, x), exact_quotients=False).agrees  # float64 alone: the false alarm
    assert check(sp.diff(f, x)).agrees
    wrong = check(sp.diff(f, x) + sp.Rational(1, 10**6))
    assert not wrong.agrees and "disagree" in wrong.message
