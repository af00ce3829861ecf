"""Equalities in `where`: the claim is checked on its constraint set, each equality solved exactly for one
symbol and substituted (checks/constraints.py); what cannot be solved exactly is never proved."""

import pytest
import sympy as sp
from qedcheck.checks.constraints import Unsolvable, branches
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.results import ErrorKind, Verdict

CLAIMS = """[[identity]]
name = "simplex_sum"
symbols = { t0 = "nonnegative", t1 = "nonnegative", t2 = "nonnegative" }
lhs = "t0 + t1 + t2"
rhs = "1"
where = "t0 + t1 + t2 == 1"

[[identity]]
name = "convex_comb"
symbols = { t0 = "positive", t1 = "positive", x = "real" }
lhs = "t0*x + t1*x"
rhs = "x"
where = "t0 + t1 == 1"

[[identity]]
name = "at_one"
symbols = { x = "real", y = "real" }
lhs = "x*y"
rhs = "x"
where = "y == 1"

[[identity]]
name = "at_one_wrong"
symbols = { x = "real", y = "real" }
lhs = "x*y"
rhs = "x + 1"
where = "y == 1"
expect = "fails"

[[identity]]
name = "square_one"
symbols = { x = "real", y = "real" }
lhs = "x**2*y"
rhs = "y"
where = "x**2 == 1"

[[identity]]
name = "square_one_abs_wrong"
symbols = { x = "real" }
lhs = "x"
rhs = "1"
where = "x**2 == 1"
expect = "fails"

[[identity]]
name = "circle"
symbols = { x = "real", y = "real" }
lhs = "x**2 + y**2"
rhs = "1"
where = "x**2 + y**2 == 1"

[[identity]]
name = "transcendental"
symbols = { x = "real", y = "real" }
lhs = "y"
rhs = "y"
where = "sin(x) == y**3 + y"

[[identity]]
name = "deriv_at_point"
symbols = { x = "real", y = "real" }
lhs = "diff(x*y**2, y)"
rhs = "2*x"
where = "y == 1"
"""
x, y = sp.symbols("x y", real=True)
t = sp.Symbol("t", positive=True)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("constraints") / "claims.toml"
    path.write_text(CLAIMS, encoding="utf-8")
    loaded = load_identity_file(path)
    assert not loaded.errors and not any(i.error for i in loaded.identities)
    return {r.name: r for r in verify_all(loaded.identities, RunSettings(seed=0)).results}


@pytest.mark.parametrize("name", ["simplex_sum", "convex_comb", "at_one", "square_one", "deriv_at_point"])
def test_a_true_claim_on_the_constraint_set_is_proved(results, name):
    assert results[name].verdict is Verdict.PROVED and results[name].ok
    assert any("constraint set" in note for note in results[name].notes)


def test_a_false_claim_is_refuted_with_the_solved_symbol_in_the_point(results):
    wrong = results["at_one_wrong"]
    assert wrong.verdict is Verdict.REFUTED and wrong.ok
    assert float(wrong.counterexample.point["y"]) == 1.0
    assert results["square_one_abs_wrong"].verdict is Verdict.REFUTED  # true at x = 1, false at x = -1


@pytest.mark.parametrize("name", ["circle", "transcendental"])
def test_what_cannot_be_solved_exactly_is_not_proved_and_says_so(results, name):
    result = results[name]
    assert result.verdict is Verdict.ERROR and result.error_kind is ErrorKind.INPUT
    assert "cannot solve" in result.message and result.input_error.field == "where"


def test_every_root_is_a_branch_and_assumptions_become_conditions():
    (branch,) = branches(sp.Eq(x + t, 1), [x, t])  # degree 1 either way: the last declared is solved for
    assert dict(branch.solved) == {t: 1 - x} and branch.where == (1 - x > 0)  # t is positive
    two = branches(sp.Eq(x**2, 4), [x])
    assert sorted(dict(b.solved)[x] for b in two) == [-2, 2]
    (positive,) = branches(sp.Eq(t**2, 4), [t])  # t = -2 contradicts t > 0
    assert dict(positive.solved) == {t: 2}
    assert branches(sp.Eq(x**2 + 2*x + 5, 0), [x]) == []  # roots -1 ± 2i: no real point


def test_a_coefficient_that_may_vanish_is_never_divided_by():
    with pytest.raises(Unsolvable):
        branches(sp.Eq(x * y, 0), [x, y])  # y = 0 / x would lose the line x = 0
    with pytest.raises(Unsolvable):
        branches(sp.Eq(sp.sin(x) * y, 1), [x, y])
    (branch,) = branches(sp.Eq(x, 1) & sp.Eq(x * y, 3), [x, y])  # x first, then y = 3 with x = 1
    assert dict(branch.solved) == {x: 1, y: 3}


def test_an_equality_under_or_is_not_solved():
    with pytest.raises(Unsolvable):
        branches(sp.Or(sp.Eq(x, 1), x > 2), [x])


def test_a_bound_variable_is_never_solved_for():
    integral = sp.Integral(x * y, (y, 0, 1))
    from qedcheck.checks.constraints import bound_symbols

    assert bound_symbols(integral) == {y}
    (branch,) = branches(sp.Eq(x + y, 1), [x, y], bound={y})
    assert dict(branch.solved) == {x: 1 - y}
    with pytest.raises(Unsolvable):
        branches(sp.Eq(y, 1), [x, y], bound={y})
