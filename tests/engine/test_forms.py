"""Definite integrals, limits and evaluation at a point: proved by SymPy in the worker where it can,
checked numerically; a quadrature alone never refutes."""

import numpy as np
import pytest
import sympy as sp
from qedcheck.checks.evaluate import float_function
from qedcheck.checks.numeric import cross_check_scalar
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.readers.expression import ExpressionError, parse_expression
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.results import Verdict

CLAIMS = """[[identity]]
name = "gaussian_integral"
lhs = "integrate(exp(-t**2), (t, -oo, oo))"
rhs = "sqrt(pi)"
symbols = { t = "real" }

[[identity]]
name = "gaussian_variance"
symbols = { x = "real", mu = "real", s = "positive" }
lhs = "integrate((x - mu)**2 * exp(-(x - mu)**2/(2*s**2))/(s*sqrt(2*pi)), (x, -oo, oo))"
rhs = "s**2"

[[identity]]
name = "gaussian_variance_wrong"
symbols = { x = "real", mu = "real", s = "positive" }
lhs = "integrate((x - mu)**2 * exp(-(x - mu)**2/(2*s**2))/(s*sqrt(2*pi)), (x, -oo, oo))"
rhs = "s"
expect = "fails"

[[identity]]
name = "sinc_limit"
symbols = { x = "real", t = "real" }
lhs = "limit(sin(x*t)/t, t, 0)"
rhs = "x"

[[identity]]
name = "one_sided"
symbols = { t = "real" }
lhs = "limit(exp(-1/t), t, 0, '+')"
rhs = "0"

[[identity]]
name = "subs_deriv"
symbols = { x = "real", y = "real" }
lhs = "subs(diff(x**3*y, x), x, 2)"
rhs = "12*y"

[[identity]]
name = "subs_wrong"
symbols = { x = "real", y = "real" }
lhs = "subs(x**2 + y, x, y)"
rhs = "2*y**2"
expect = "fails"
"""
x, t = sp.symbols("x t", real=True)
s = sp.Symbol("s", positive=True)
SYMBOLS = {"x": x, "t": t, "s": s}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("forms") / "claims.toml"
    path.write_text(CLAIMS, encoding="utf-8")
    loaded = load_identity_file(path)
    assert not loaded.errors and not any(i.error for i in loaded.identities)
    return {r.name: r for r in verify_all(loaded.identities, RunSettings(seed=0)).results}


@pytest.mark.parametrize("name", ["gaussian_integral", "gaussian_variance", "sinc_limit", "one_sided", "subs_deriv"])
def test_true_claims_are_proved(results, name):
    assert results[name].verdict is Verdict.PROVED


@pytest.mark.parametrize("name", ["gaussian_variance_wrong", "subs_wrong"])
def test_false_claims_are_refuted(results, name):
    assert results[name].verdict is Verdict.REFUTED and results[name].ok


@pytest.mark.parametrize(("text", "built"), [
    ("integrate(exp(-t**2), (t, -oo, oo))", sp.Integral(sp.exp(-t**2), (t, -sp.oo, sp.oo))),
    ("limit(sin(t)/t, t, 0)", sp.Limit(sp.sin(t) / t, t, 0, dir="+-")),
    ("limit(1/t, t, 0, '-')", sp.Limit(1 / t, t, 0, dir="-")),
    ("limit(exp(-t), t, oo) + 1", sp.Limit(sp.exp(-t), t, sp.oo, dir="-") + 1),
    ("subs(x**2, x, 3)", sp.Subs(x**2, x, 3)),
])
def test_the_forms_are_read(text, built):
    assert parse_expression(text, SYMBOLS) == built


@pytest.mark.parametrize("text", ["oo", "x + oo", "exp(oo)", "limit(x, 2, 0)", "limit(x, x, 0, '++')",
                                  "limit(x, x, 0, 1)", "integrate(x, x)", "integrate(x, (x, 0))",
                                  "integrate(x, (y, 0, 1))", "subs(x, x)", "subs(x, 2, x)", "'+'"])
def test_infinity_and_strings_only_where_allowed(text):
    with pytest.raises(ExpressionError):
        parse_expression(text, SYMBOLS)


def test_float64_integrals_use_scipy_quadrature():
    gauss = parse_expression("integrate(exp(-t**2/(2*s**2)), (t, -oo, oo))", SYMBOLS)
    values = float_function(gauss, [s])(np.array([0.5, 1.0, 3.0]))
    assert np.allclose(values, np.sqrt(2 * np.pi) * np.array([0.5, 1.0, 3.0]), rtol=1e-9)


def test_a_difference_found_by_quadrature_alone_is_not_a_counterexample(monkeypatch):
    from qedcheck.checks import numeric

    monkeypatch.setattr(numeric, "prepare", lambda side: side)  # as if SymPy could not integrate it
    hard = sp.Integral(sp.exp(-t**2 * s), (t, -sp.oo, sp.oo))
    settings = numeric.NumericSettings(points=20, max_exact=4, exact_points=2)
    outcome = cross_check_scalar(hard, hard + sp.Rational(1, 1000), [s], settings=settings)
    assert outcome.counterexample is None and "quadrature alone" in outcome.region
