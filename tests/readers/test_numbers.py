"""Numbers exactly as written: no literal passes through a float on its way to SymPy."""

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from qedcheck.readers.errors import ExpressionError
from qedcheck.readers.numbers import exact_decimal, exact_latex_float


@pytest.mark.parametrize("literal, expected", [
    ("0.1", sp.Rational(1, 10)),
    ("1.00000000000000000001", sp.Rational(10**20 + 1, 10**20)),
    ("0.99999999999999999999", sp.Rational(10**20 - 1, 10**20)),
    ("1e-400", sp.Rational(1, 10**400)),  # a float64 would make it 0
    ("1e400", sp.Integer(10) ** 400),  # a float64 would make it inf
    ("2.5E+3", sp.Integer(2500)),
    ("1_000.000_1", sp.Rational(10_000_001, 10_000)),
    (".5", sp.Rational(1, 2)),
    ("5.", sp.Integer(5)),
])
def test_a_literal_is_the_rational_its_digits_say(literal, expected):
    assert exact_decimal(literal) == expected


@pytest.mark.parametrize("literal, message", [
    ("1" * 101 + ".0", "more than 100 digits"),
    ("1e1001", "too large"),
    ("1e-99999999999999999999999", "too large"),
    ("1.2.3", "cannot read"),
    ("e5", "cannot read"),
])
def test_a_literal_too_large_or_malformed_is_refused(literal, message):
    with pytest.raises(ExpressionError, match=message):
        exact_decimal(literal)


@given(st.integers(0, 10**60), st.integers(0, 40))
def test_a_latex_float_gives_back_the_decimal_it_was_read_from(digits, places):
    text = str(digits).rjust(places + 1, "0")
    text = text[: len(text) - places] + "." + text[len(text) - places:]
    assert exact_latex_float(sp.Number(text)) == sp.Rational(digits, 10**places)


@given(st.integers(0, 10**1200))
def test_digits_are_counted_exactly(value):
    from qedcheck.readers.numbers import len_digits

    assert len_digits(value) == len(str(value))


def test_digits_at_the_edges_of_each_power_of_ten():
    from qedcheck.readers.numbers import len_digits

    for k in range(1, 1100):
        for value in (10**k - 1, 10**k):
            assert len_digits(value) == k + (value == 10**k)
