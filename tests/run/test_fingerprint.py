"""The cache's expression fingerprint: equal structure, equal print; any change of meaning, a new one."""

import sympy as sp
from qedcheck.checks.run.fingerprint import fingerprint

x, y = sp.symbols("x y", real=True)
k = sp.Symbol("k", integer=True)
v = sp.IndexedBase("v")


def test_the_same_expression_built_twice_or_in_another_order_has_one_fingerprint():
    assert fingerprint(x + sp.exp(y)) == fingerprint(sp.exp(y) + x)
    assert fingerprint(sp.Sum(v[k], (k, 0, 3))) == fingerprint(sp.Sum(v[k], (k, 0, 3)))
    assert fingerprint(sp.Matrix([[x, y]])) == fingerprint(sp.Matrix([[x, y]]))


def test_assumptions_numbers_and_structure_all_change_it():
    different = [
        x + 1, sp.Symbol("x") + 1, sp.Symbol("x", positive=True) + 1,  # assumptions
        x + sp.Float(1), x + sp.Rational(1, 2), x + sp.Float(0.5), x - 1,  # exact vs float values
        sp.exp(x + 1), sp.log(x + 1), sp.Function("f")(x + 1), sp.Function("g")(x + 1),
        sp.Matrix([[x + 1]]), sp.Matrix([x + 1, 0]), sp.Matrix([[x + 1, 0]]),
    ]
    assert len({fingerprint(e) for e in different}) == len(different)


def test_sums_keep_their_bounds_and_indexed_entries_their_index():
    assert fingerprint(sp.Sum(v[k], (k, 0, 3))) != fingerprint(sp.Sum(v[k], (k, 0, 4)))
    assert fingerprint(v[0]) != fingerprint(v[1])
