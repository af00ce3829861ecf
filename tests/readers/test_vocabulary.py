"""The vocabulary of special functions: each true identity proved (or numeric-only), each false
variant refuted with a counterexample, each function with an independent float64 implementation."""

import numpy as np
import pytest
import sympy as sp
from qedcheck.checks.evaluate import exact_function, float_function
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.readers.expression import BUILTINS, ExpressionError, parse_expression
from qedcheck.readers.identity_file import MAX_ARGS, load_identity_file
from qedcheck.results import Verdict

CLAIMS = """[[identity]]
name = "erf_add_erfc"
symbols = { x = "real" }
lhs = "erf(x) + erfc(x)"
rhs = "1"

[[identity]]
name = "phi_zero"
lhs = "Phi(0)"
rhs = "1/2"

[[identity]]
name = "gamma_recurrence"
symbols = { x = "positive" }
lhs = "gamma(x + 1)"
rhs = "x*gamma(x)"

[[identity]]
name = "asin_sin"
symbols = { x = "real" }
lhs = "asin(sin(x))"
rhs = "x"
expect = "fails"

[[identity]]
name = "log_base_two"
symbols = { x = "positive" }
lhs = "log(x, 2)"
rhs = "log(x)/log(2)"

[[identity]]
name = "floor_add_one"
symbols = { x = "real" }
lhs = "floor(x) + 1"
rhs = "ceiling(x)"
expect = "fails"

[[identity]]
name = "binomial_two"
symbols = { n = "nonnegative integer" }
lhs = "binomial(n, 2)"
rhs = "n*(n - 1)/2"

[[identity]]
name = "acos_add_asin"
symbols = { x = "real" }
lhs = "acos(x) + asin(x)"
rhs = "pi/2"

[[identity]]
name = "atanh_tanh"
symbols = { x = "real" }
lhs = "atanh(tanh(x))"
rhs = "x"

[[identity]]
name = "digamma_recurrence"
symbols = { x = "positive" }
lhs = "digamma(x + 1)"
rhs = "digamma(x) + 1/x"

[[identity]]
name = "loggamma_eq_log_gamma"
symbols = { x = "real" }
lhs = "loggamma(x)"
rhs = "log(gamma(x))"
expect = "fails"

[[identity]]
name = "abs_ln"
symbols = { x = "positive" }
lhs = "ln(abs(x))"
rhs = "log(x)"

[[identity]]
name = "atan2_pos"
symbols = { x = "positive", y = "real" }
lhs = "atan2(y, x)"
rhs = "atan(y/x)"

[[identity]]
name = "acosh_cosh"
symbols = { x = "real" }
lhs = "acosh(cosh(x))"
rhs = "x"
expect = "fails"
"""
PROVED = {"erf_add_erfc", "phi_zero", "gamma_recurrence", "log_base_two", "binomial_two", "acos_add_asin",
          "digamma_recurrence", "abs_ln", "atan2_pos"}
x, y = sp.symbols("x y", real=True)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("vocabulary") / "claims.toml"
    path.write_text(CLAIMS, encoding="utf-8")
    loaded = load_identity_file(path)
    assert not loaded.errors and not any(i.error for i in loaded.identities)
    return {r.name: r for r in verify_all(loaded.identities, RunSettings(seed=0)).results}


def test_every_claim_meets_its_expectation(results):
    wrong = {name: r.verdict.value for name, r in results.items() if not r.ok and name != "atanh_tanh"}
    assert not wrong
    assert {name for name, r in results.items() if r.verdict is Verdict.PROVED} == PROVED
    assert results["atanh_tanh"].verdict in (Verdict.PROVED, Verdict.NUMERIC_ONLY)


def test_floor_add_one_is_refuted_at_an_integer(results):
    point = results["floor_add_one"].counterexample.point
    assert float(point["x"]) == round(float(point["x"]))


def test_asin_sin_is_refuted_beyond_half_pi(results):
    assert abs(float(results["asin_sin"].counterexample.point["x"])) > np.pi / 2


@pytest.mark.parametrize("text", ["log(x, 0)", "log(x, 1)", "log(x, -2)", "log(x, y)", "atan2(x)",
                                  "binomial(x)", "erf(x, y)"])
def test_bad_arguments_are_refused(text):
    with pytest.raises(ExpressionError):
        parse_expression(text, {"x": x, "y": y})


@pytest.mark.parametrize(("name", "args", "points"), [
    ("erf", 1, [-2.0, 0.3, 4.0]), ("erfc", 1, [-2.0, 0.3, 4.0]), ("Phi", 1, [-1.0, 0.0, 2.5]),
    ("asin", 1, [-0.9, 0.1, 0.5]), ("acos", 1, [-0.9, 0.1, 0.5]), ("atan2", 2, [-1.0, 0.5, 3.0]),
    ("asinh", 1, [-3.0, 0.5, 7.0]), ("acosh", 1, [1.5, 2.0, 9.0]), ("atanh", 1, [-0.5, 0.1, 0.9]),
    ("ln", 1, [0.5, 2.0, 9.0]), ("abs", 1, [-2.0, 0.5, 3.0]), ("floor", 1, [-2.5, 0.5, 3.0]),
    ("ceiling", 1, [-2.5, 0.5, 3.0]), ("gamma", 1, [-2.5, 0.5, 4.0]), ("loggamma", 1, [0.5, 2.0, 30.0]),
    ("digamma", 1, [-2.5, 0.5, 4.0]), ("binomial", 2, [0.0, 2.0, 5.0]),
])
def test_float64_and_mpmath_agree_on_every_new_function(name, args, points):
    expr = BUILTINS[name].build(*([x, y][:args] if args == 2 else [x]))
    if args == 2:
        expr = expr.subs(y, 2)
    floats = float_function(expr, [x])(np.array(points))
    exact = [complex(exact_function(expr, [x])(p, digits=30)) for p in points]
    assert np.allclose(floats, exact, rtol=1e-12, atol=1e-14)


def test_helper_functions_take_up_to_32_arguments(tmp_path):
    names = [f"a{k}" for k in range(MAX_ARGS)]
    body = " + ".join(names)
    text = (f'[functions.total]\nargs = {names!r}\nbody = "{body}"\n\n'.replace("'", '"')
            + '[[identity]]\nname = "total_of_ones"\nsymbols = { x = "real" }\n'
            + f'lhs = "total({", ".join(["x"] * MAX_ARGS)})"\nrhs = "{MAX_ARGS}*x"\n')
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_identity_file(path)
    assert MAX_ARGS == 32 and not loaded.errors
    assert verify_all(loaded.identities, RunSettings(seed=0)).results[0].verdict is Verdict.PROVED
    path.write_text(text.replace('args = [', 'args = ["extra", '), encoding="utf-8")
    assert "must be a list of 1 to 32 argument names" in str(load_identity_file(path).errors[0])


@pytest.mark.parametrize(("latex", "plain"), [
    (r"\arcsin(x) + \arccos x", "asin(x) + acos(x)"), (r"\operatorname{erf}(x)", "erf(x)"),
    (r"\operatorname{Phi}(x)", "Phi(x)"), (r"\lfloor x \rfloor + \lceil x \rceil", "floor(x) + ceiling(x)"),
    (r"\binom{n}{2}", "binomial(n, 2)"), (r"\Gamma(x + 1)", "gamma(x + 1)"),
    (r"\operatorname{digamma}(x)", "digamma(x)"), (r"\log_{2} x", "log(x, 2)"),
])
def test_latex_writes_the_same_functions(latex, plain):
    from qedcheck.readers.latex import parse_latex_expression

    n = sp.Symbol("n", integer=True, nonnegative=True)
    symbols = {"x": x, "n": n}
    assert sp.simplify(parse_latex_expression(latex, symbols) - parse_expression(plain, symbols)) == 0


def test_the_sampler_visits_the_jumps_poles_and_branch_points():
    from qedcheck.checks.sampling import special_points

    points = special_points([sp.floor(x / 3), sp.asin(x - 5)], [x]).get("x")
    assert {-3.0, 0.0, 3.0, 9.0, 4.0, 6.0} <= set(points.tolist())


def test_floor_of_a_scaled_argument_is_refuted_at_its_jump(tmp_path):
    path = tmp_path / "floor.toml"
    path.write_text('[[identity]]\nname = "floor_third"\nsymbols = { x = "real" }\n'
                    'lhs = "floor(x/3) + 1"\nrhs = "ceiling(x/3)"\nexpect = "fails"\n', encoding="utf-8")
    (result,) = verify_all(load_identity_file(path).identities, RunSettings(seed=0)).results
    assert result.verdict is Verdict.REFUTED and float(result.counterexample.point["x"]) % 3 == 0
