"""A claim is about what was written, where it has a value: SymPy cancels as it builds (x·sin x / x is
sin x, 1/x − 1/x is 0, (x − 7/3)/(x − 7/3) is 1), and a reader that let it would check a different,
everywhere-defined claim. The readers keep each cancelled denominator or logarithm argument as the
condition of a Piecewise with no other branch, so the claim is decided at its zeros (issue 11: a point
where one side has a value and the other has none is a counterexample).
"""

import pytest
import sympy as sp
from conftest import make_identity
from qedcheck.checks.runner import verify_identity
from qedcheck.readers.expression import parse_expression
from qedcheck.readers.latex import parse_latex_expression
from qedcheck.results import Verdict

x = sp.Symbol("x", real=True)
SYMBOLS = {"x": x}


@pytest.mark.parametrize("text", ["sin(x)*x/x", "(x - 7/3)/(x - 7/3) + sin(x) - 1", "1/x - 1/x + sin(x)",
                                  "log(x) - log(x) + sin(x)"])
def test_a_cancelled_denominator_keeps_its_point_and_the_claim_is_refuted_there(text):
    lhs = parse_expression(text, SYMBOLS)
    assert lhs.has(sp.Piecewise)
    result = verify_identity(make_identity(lhs, sp.sin(x), [x]))
    assert result.verdict is Verdict.REFUTED, result.message


def test_with_the_point_excluded_the_claim_is_proved():
    lhs = parse_expression("sin(x)*x/x", SYMBOLS)
    assert verify_identity(make_identity(lhs, sp.sin(x), [x], where=sp.Ne(x, 0))).verdict is Verdict.PROVED


def test_both_sides_undefined_at_the_same_point_is_no_counterexample():
    lhs, rhs = parse_expression("x/x", SYMBOLS), parse_expression("x**2/x**2", SYMBOLS)
    assert verify_identity(make_identity(lhs, rhs, [x])).verdict is Verdict.PROVED


@pytest.mark.parametrize("text", ["1/(x - 3)**2", "(x**2 - 1)/(x - 1)", "x**2/x", "exp(x)/2"])
def test_nothing_is_added_where_no_denominator_disappeared(text):
    built = parse_expression(text, SYMBOLS)
    assert not built.has(sp.Piecewise) or text == "x**2/x"
    if text == "x**2/x":  # x²/x is x: the point x = 0 was cancelled
        assert built == sp.Piecewise((x, sp.Ne(x, 0)))


def test_latex_keeps_the_point_too():
    assert parse_latex_expression(r"\frac{x \sin x}{x}", SYMBOLS).has(sp.Piecewise)
