"""A point where both sides have no value is outside the claim's domain: never a counterexample, never
evidence. log(x²) = 2 log|x| is true wherever it means something; at x = 0 both sides are log 0 (that
used to refute the claim with "difference nan"). The report names the excluded points and suggests the
`where` that states the domain. A point where only one side has a value is a counterexample (issue 11):
log x = log|x| is refuted at x = -1, where the lhs is iπ.
"""

import sympy as sp
from qedcheck.checks.numeric import cross_check_scalar
from qedcheck.cli import main

x = sp.Symbol("x", real=True)


def test_both_sides_undefined_at_a_point_is_no_counterexample_and_is_named():
    outcome = cross_check_scalar(sp.log(x**2), 2 * sp.log(sp.Abs(x)), [x])
    assert outcome.counterexample is None and outcome.agrees
    assert "excluded, outside the domain (neither side is defined), e.g. x = 0.0" in outcome.region
    assert 'state the domain with where = "x != 0"' in outcome.region


def test_with_the_suggested_where_nothing_is_excluded():
    outcome = cross_check_scalar(sp.log(x**2), 2 * sp.log(sp.Abs(x)), [x], where=sp.Ne(x, 0))
    assert outcome.agrees and "excluded" not in outcome.region


def test_a_false_claim_with_a_singular_point_is_still_refuted():
    outcome = cross_check_scalar(sp.log(x**2), 2 * sp.log(sp.Abs(x)) + sp.Rational(1, 10**6), [x])
    assert outcome.counterexample is not None and outcome.counterexample.point["x"] != 0.0


def test_one_side_defined_where_the_other_is_not_is_a_counterexample():
    outcome = cross_check_scalar(sp.log(x), sp.log(sp.Abs(x)), [x])
    assert outcome.counterexample is not None and outcome.counterexample.point["x"] < 0


def test_the_report_of_a_numeric_only_verdict_shows_the_excluded_points(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ids.toml").write_text('[[identity]]\nname = "log_sq"\nsymbols = { x = "real" }\n'
                                       'lhs = "log(x**2)"\nrhs = "2*log(Abs(x))"\n', encoding="utf-8")
    main(["--no-color", "verify", "ids.toml", "--jobs", "1", "--no-cache", "-v"])
    out = " ".join(capsys.readouterr().out.split())
    assert "difference nan" not in out and "refuted" not in out
