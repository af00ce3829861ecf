"""checks/sympy_tuning.py changes how SymPy runs, never what it answers."""

import importlib

import sympy as sp
from qedcheck.checks import sympy_tuning

x, y, n = sp.symbols("x y n", real=True)
k, j = sp.symbols("k j", integer=True, nonnegative=True)
A = sp.IndexedBase("A", real=True)


def test_the_free_symbols_of_a_sum_are_sympys_own():
    sums = [
        sp.Sum(x**k, (k, 0, n - 1)),
        sp.Sum(A[k, j] * y, (k, 0, n), (j, 0, k)),  # a limit that depends on another bound index
        sp.Sum(sp.Sum(A[k] * A[j], (j, 0, n)), (k, 0, 3)),
        sp.Sum(x, (x, 0, y)),  # the bound variable is also free in a limit's meaning, not here
        sp.Product(x + k, (k, 1, n)),
        sp.Integral(x * y, (x, 0, y)),
    ]
    for total in sums:
        assert total.free_symbols == sympy_tuning._SYMPY_FREE_SYMBOLS(total), total


def test_a_caller_that_adds_to_the_set_does_not_change_the_next_answer():
    total = sp.Sum(A[k] * x, (k, 0, n - 1))
    first = total.free_symbols
    first.add(sp.Symbol("intruder"))
    assert sp.Symbol("intruder") not in total.free_symbols
    assert total.free_symbols == sympy_tuning._SYMPY_FREE_SYMBOLS(total)


def test_equal_sums_with_differently_assumed_symbols_are_not_confused():
    plain = sp.Symbol("x")
    assert sp.Sum(plain * k, (k, 0, 2)).free_symbols == {plain}
    assert sp.Sum(x * k, (k, 0, 2)).free_symbols == {x}


def test_assumption_queries_keep_sympys_order_and_agree():
    module = importlib.import_module("sympy.core.assumptions")
    assert module.shuffle is sympy_tuning._keep_order
    facts = [1, 2, 3]
    module.shuffle(facts)
    assert facts == [1, 2, 3]
    p = sp.Symbol("p", positive=True)
    assert (p**2 + 1).is_positive and (-p).is_negative and (p * x).is_positive is None


def test_applying_twice_changes_nothing():
    before = type(sp.Sum(x, (k, 0, 1))).free_symbols
    sympy_tuning.apply()
    assert type(sp.Sum(x, (k, 0, 1))).free_symbols is before


def test_indexed_entries_built_once_keep_their_assumptions_apart():
    """sympy_tuning hands out the same Indexed for equal arguments: a base with other facts, or an
    index of another kind, is another entry."""
    k = sp.Symbol("k", integer=True)
    real, plain, positive = sp.IndexedBase("x", real=True), sp.IndexedBase("x"), sp.IndexedBase("x", positive=True)
    assert real[k] is real[k] and real[k].is_real
    assert plain[k] != real[k] and plain[k].is_real is None
    assert positive[k].is_positive and real[k].is_positive is None
    assert real[1] != real[sp.Float(1.0)] and real[sp.Symbol("k")] != real[k]




def test_the_free_symbols_of_any_expression_are_sympys_own_and_the_callers_to_change():
    """Basic.free_symbols remembered per expression: SymPy's answer, a fresh set for each caller, and
    equal-looking expressions over differently assumed symbols kept apart."""
    plain = sp.Symbol("x")
    expected = [
        (x + y, {x, y}), (sp.exp(x * y) * sp.sin(n), {x, y, n}), (A[k] * x + 1, (A[k] * x).free_symbols),
        (sp.Derivative(x**2 * y, x), {x, y}), (sp.Eq(x, y), {x, y}), (sp.Piecewise((x, y > 0), (n, True)), {x, y, n}),
        (sp.Tuple(x, y), {x, y}), (plain + y, {plain, y}), (sp.Integer(2) * sp.pi, set()),
    ]
    for expr, symbols in expected:
        assert expr.free_symbols == symbols, expr
        assert expr.free_symbols == symbols, expr  # remembered: the same answer again
    for expr in (x + y, sp.exp(x * y) * sp.sin(n), A[k] * x + 1, sp.Tuple(x, y)):
        assert expr.free_symbols == sympy_tuning._BASIC_FREE_SYMBOLS(expr)
    first = (x + y).free_symbols
    first.add(sp.Symbol("intruder"))
    assert (x + y).free_symbols == {x, y}
    assert plain not in (x + y).free_symbols
