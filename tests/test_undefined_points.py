"""A point where a side has no real value is outside the claim's domain: never a counterexample, never
evidence. log(x²) = 2 log|x| is true wherever it means something; at x = 0 both sides are log 0, which
mpmath evaluates to -inf, and -inf - (-inf) is nan: that used to refute the claim ("difference nan").
The report now names the excluded points and suggests the `where` that states the domain.
"""

import sympy as sp
from qedcheck.checks import evaluate
from qedcheck.checks.numeric import _Excluded, cross_check_scalar
from qedcheck.cli import main

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)


def test_log_zero_has_no_real_value_at_high_precision():
    assert evaluate.exact_function(sp.log(x**2), (x,))(0.0) is None
    assert evaluate.exact_function(sp.log(x**2) - 2 * sp.log(sp.Abs(x)), (x,))(0.0) is None  # inf - inf
    assert evaluate.exact_function(sp.log(x**2), (x,))(1.0) == 0


def test_both_sides_undefined_at_a_point_is_no_counterexample_and_is_named():
    outcome = cross_check_scalar(sp.log(x**2), 2 * sp.log(sp.Abs(x)), [x])
    assert outcome.counterexample is None and outcome.agrees
    assert "excluded 1 sampled point(s) where both sides have no real value (x = 0.0)" in outcome.message
    assert 'state the domain with where = "x != 0"' in outcome.message


def test_with_the_suggested_where_nothing_is_excluded():
    outcome = cross_check_scalar(sp.log(x**2), 2 * sp.log(sp.Abs(x)), [x], where=sp.Ne(x, 0))
    assert outcome.agrees and outcome.message == ""


def test_a_false_claim_with_a_singular_point_is_still_refuted():
    outcome = cross_check_scalar(sp.log(x**2), 2 * sp.log(sp.Abs(x)) + sp.Rational(1, 10**6), [x])
    assert outcome.counterexample is not None and outcome.counterexample.point["x"] != 0.0


def test_a_claim_with_no_real_value_anywhere_is_not_agreement():
    outcome = cross_check_scalar(sp.log(-x**2 - 1), sp.log(-x**2 - 1), [x])
    assert not outcome.agrees and outcome.counterexample is None
    assert outcome.message.startswith("no sampled point has a real value on both sides")


def test_one_undefined_side_is_named_and_the_suggestion_follows_the_sign():
    outcome = cross_check_scalar(sp.log(x), sp.log(sp.Abs(x)), [x])
    assert outcome.agrees and outcome.counterexample is None
    assert "where a side has no real value" in outcome.message  # x < 0: the lhs; x = 0: both
    assert 'where = "x > 0"' in outcome.message
    outcome = cross_check_scalar(sp.log(x), sp.log(sp.Abs(x)), [x], where=sp.Ne(x, 0))
    assert "where the lhs has no real value" in outcome.message and 'where = "x >= 0"' in outcome.message


def test_the_suggestion_names_the_first_symbol_that_separates_the_points():
    excluded = _Excluded(["x", "y"])
    for value in (-1.5, -2.0, -3.0, -4.0):
        excluded.add((value, 1.0 + value), True, True)
    assert excluded.where() == "x >= 0"
    few = _Excluded(["x", "y"])
    few.add((0.0, 2.0), True, True)
    few.add((0.0, -7.0), True, True)
    assert few.where() == "x != 0"


def test_the_failure_report_shows_the_excluded_points(tmp_path, capsys):
    (tmp_path / "ids.toml").write_text('[[identity]]\nname = "log_sq"\nsymbols = { x = "real" }\n'
                                       'lhs = "log(x**2)"\nrhs = "2*log(Abs(x))"\n', encoding="utf-8")
    main(["--no-color", "verify", "ids.toml", "--jobs", "1", "--no-cache", "--markdown", "r.md"])
    out = " ".join(capsys.readouterr().out.split())
    assert "difference nan" not in out and "refuted" not in out
    assert 'numeric: excluded 1 sampled point(s) where both sides have no real value (x = 0.0); ' \
           'state the domain with where = "x != 0"' in out
    assert 'numeric: excluded 1 sampled point(s)' in (tmp_path / "r.md").read_text()
