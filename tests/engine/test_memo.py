"""The engines' caches never answer a question about one value with what they stored for another."""

import sympy as sp
from qedcheck.checks import memo, symbolic
from qedcheck.derivations import by_name


def test_a_python_number_and_sympys_equal_number_have_their_own_entries():
    calls = []

    @memo.memoised
    def kind(value):
        calls.append(value)
        return type(value)

    assert kind(1) is int
    assert kind(sp.Integer(1)) is sp.core.numbers.One  # 1 == Integer(1) and they hash alike
    assert kind([1, 2]) is list and kind([sp.Integer(1), 2]) is list
    assert len(calls) == 4
    assert kind(1) is int and len(calls) == 4  # still remembered


def test_prepare_of_an_int_does_not_poison_the_sympy_integer():
    """A caller that prepared the Python int 1 made the next check of a claim whose side is SymPy's 1
    an engine fault ('int' object has no attribute 'xreplace'), depending on what ran before."""
    assert symbolic.prepare(1) == 1
    assert isinstance(symbolic.prepare(sp.Integer(1)), sp.Basic)
    from qedcheck.checks.runner import verify_identity

    result = verify_identity(by_name()["softmax_zero_mul_eq_inv_card"])
    assert result.ok, result.message
