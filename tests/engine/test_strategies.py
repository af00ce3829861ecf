"""Each symbolic strategy on its own, attacked: no strategy may reduce a false claim to 0.

A strategy is trusted to be an equivalence on the claim's domain (real symbols, principal branches);
these tests try to slip false claims past each one, and check that the symbols a strategy introduces
can never be the symbols a user declares.
"""

from __future__ import annotations

import textwrap

import pytest
import sympy as sp
from qedcheck.checks import indexed, strategies
from qedcheck.checks.runner import verify_identity
from qedcheck.checks.symbolic import prove
from qedcheck.derivations.vocabulary import X, k, n
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.results import Verdict

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)


def verify_toml(tmp_path, text: str):
    """Every identity of a TOML identity file, through the runner: {name: IdentityResult}."""
    path = tmp_path / "claims.toml"
    path.write_text(textwrap.dedent(text))
    load = load_identity_file(path)
    assert not load.errors, load.errors
    return {identity.name: verify_identity(identity) for identity in load.identities}


# --- internal symbols are fresh ----------------------------------------------------------------

def test_the_sign_split_case_symbol_is_not_a_user_symbol_named_like_it():
    x_pos = sp.Symbol("x_pos", positive=True)
    difference = x_pos + sp.Abs(x) * (sp.Abs(x) - x_pos) * sp.Heaviside(x - 2000) - x_pos
    assert strategies.sign_split(difference) is None
    assert all(case[x] not in (x_pos, -x_pos) for case in strategies.sign_cases([x]))


def test_exp_rational_substitutes_a_fresh_symbol():
    t_x = sp.Symbol("t_x", positive=True)
    reached = strategies.exp_to_rational(sp.exp(x) - sp.exp(t_x))
    assert reached is None or (reached != 0 and t_x not in reached.free_symbols)


def test_explicit_entries_and_canonical_indices_are_not_user_symbols():
    assert indexed.explicit_symbol(X, 0) != sp.Symbol("x_0", real=True)
    assert indexed.explicit_symbol(X, 0) is indexed.explicit_symbol(X, 0)  # stable: instances compare equal
    total = indexed.canonical_sums(sp.Sum(X[k], (k, 0, n - 1)))
    (bound, _, _), = total.limits
    assert isinstance(bound, sp.Dummy)
    assert total == indexed.canonical_sums(sp.Sum(X[k], (k, 0, n - 1)))


@pytest.mark.parametrize("assumption", ["positive", "real", "nonnegative"])
def test_a_user_symbol_named_like_every_internal_symbol_changes_nothing(tmp_path, assumption):
    names = ("x_pos", "x_neg", "t_x", "f0", "f1", "u", "a", "b", "x_0", "kappa0")
    symbols = ", ".join(f'{name} = "{assumption}"' for name in names)
    results = verify_toml(tmp_path, f"""
        [[identity]]
        name = "collide_sign_split"
        symbols = {{ x = "real", {symbols} }}
        lhs = "x_pos + Abs(x)*(Abs(x) - x_pos)*Heaviside(x - 2000)"
        rhs = "x_pos"

        [[identity]]
        name = "collide_exp_rational"
        symbols = {{ x = "real", {symbols} }}
        lhs = "exp(x) + exp(2*x)*t_x"
        rhs = "exp(x) + exp(3*x)"
        """)
    assert results["collide_sign_split"].verdict is not Verdict.PROVED
    assert results["collide_exp_rational"].verdict is not Verdict.PROVED


# --- sign-split reads the refined domain ----------------------------------------------------------

def test_sign_split_skips_a_point_the_domain_excludes():
    # true for x > 0, false at x = 0 (Heaviside(0) = 1/2) and for x < 0
    lhs, rhs = sp.Abs(x) + sp.Heaviside(x) ** 2, x + sp.Heaviside(x)
    assert prove(lhs, rhs, where=(x >= 0) & sp.Ne(x**2, 0)).status == "proved"
    assert prove(lhs, rhs, where=sp.Ne(x**3, 0) & (x >= 0)).status == "proved"


def test_sign_split_keeps_a_point_the_domain_does_not_exclude():
    lhs, rhs = sp.Abs(x) + sp.Heaviside(x) ** 2, x + sp.Heaviside(x)
    for where in (x >= 0, sp.Ne(x**3, 0) & (x > -1), sp.Ne(x**2, 0) & (y > 0), None):
        assert prove(lhs, rhs, where=where).status != "proved", where


def test_sign_cases_honour_the_symbols_assumptions():
    p = sp.Symbol("p", positive=True)
    q = sp.Symbol("q", nonnegative=True)
    assert [case[p].is_positive for case in strategies.sign_cases([p])] == [True]
    assert sorted(str(case[q].is_zero) for case in strategies.sign_cases([q])) == ["False", "True"]


def test_end_to_end_the_excluded_point_is_skipped(tmp_path):
    results = verify_toml(tmp_path, """
        [[identity]]
        name = "off_zero"
        symbols = { x = "real" }
        lhs = "Abs(x) + Heaviside(x)^2"
        rhs = "x + Heaviside(x)"
        where = "x >= 0 & x^2 != 0"

        [[identity]]
        name = "at_zero"
        symbols = { x = "real" }
        lhs = "Abs(x) + Heaviside(x)^2"
        rhs = "x + Heaviside(x)"
        where = "x >= 0"
        """)
    assert results["off_zero"].verdict is Verdict.PROVED
    assert results["at_zero"].verdict is not Verdict.PROVED


# --- derivatives at kinks, end to end -----------------------------------------------------------

def test_derivative_claims_at_kinks_end_to_end(tmp_path):
    results = verify_toml(tmp_path, """
        [[identity]]
        name = "abs_deriv"
        symbols = { x = "real" }
        lhs = "diff(Abs(x), x)"
        rhs = "sign(x)"

        [[identity]]
        name = "abs_deriv_off_zero"
        symbols = { x = "real" }
        lhs = "diff(Abs(x), x)"
        rhs = "sign(x)"
        where = "x != 0"

        [[identity]]
        name = "relu_deriv"
        symbols = { x = "real" }
        lhs = "diff(relu(x), x)"
        rhs = "Heaviside(x)"

        [[identity]]
        name = "max_deriv"
        symbols = { x = "real" }
        lhs = "diff(Max(x, 3), x)"
        rhs = "Heaviside(x - 3)"

        [[identity]]
        name = "sign_deriv"
        symbols = { x = "real" }
        lhs = "diff(sign(x), x)"
        rhs = "0"

        [[identity]]
        name = "sign_deriv_off_zero"
        symbols = { x = "real" }
        lhs = "diff(sign(x), x)"
        rhs = "0"
        where = "x != 0"

        [[identity]]
        name = "x_abs_x_deriv"
        symbols = { x = "real" }
        lhs = "diff(x*Abs(x), x)"
        rhs = "2*Abs(x)"
        """)
    for name in ("abs_deriv", "relu_deriv", "max_deriv", "sign_deriv"):
        assert results[name].verdict is Verdict.REFUTED, (name, results[name].message)
        assert "no derivative at x = " in results[name].message
        assert "0.5" not in results[name].message
    assert "x = 3: one-sided derivatives 0 and 1" in results["max_deriv"].message
    for name in ("abs_deriv_off_zero", "sign_deriv_off_zero", "x_abs_x_deriv"):
        assert results[name].verdict is Verdict.PROVED, (name, results[name].message)


# --- every strategy is an equivalence on real symbols: branch cuts are not crossed ---------------

BRANCH_TRAPS = [  # false for some real values of x and y (principal branches, values in C)
    sp.log(x * y) - sp.log(x) - sp.log(y),  # x = y = -1: 0 vs 2πi
    sp.log(x / y) - sp.log(x) + sp.log(y),
    sp.log(x**2) - 2 * sp.log(x),
    sp.log(x**3) - 3 * sp.log(x),
    sp.sqrt(x**2) - x,  # |x|
    (x**2) ** sp.Rational(1, 2) - x,
    sp.sqrt(x * y) - sp.sqrt(x) * sp.sqrt(y),
    (x * y) ** sp.Rational(1, 3) - x ** sp.Rational(1, 3) * y ** sp.Rational(1, 3),
    x ** sp.Rational(2, 3) - (x**2) ** sp.Rational(1, 3),
    (x**2) ** y - x ** (2 * y),
    sp.atan(sp.tan(x)) - x,
    sp.asin(sp.sin(x)) - x,
    sp.acos(sp.cos(x)) - x,
    sp.log(sp.exp(sp.I * x)) - sp.I * x,
    sp.log(sp.Abs(x * y)) - sp.log(sp.Abs(x)) - sp.log(y),
    sp.exp(x * sp.log(y)) - y**x + sp.Abs(y) - y,
]
STRATEGIES = strategies.ENTRYWISE + (("piecewise", strategies.piecewise_rewrite),
                                     ("sign-split", strategies.sign_split))


@pytest.mark.parametrize(("name", "strategy"), STRATEGIES, ids=[name for name, _ in STRATEGIES])
def test_no_strategy_reduces_a_branch_trap_to_zero(name, strategy):
    for difference in BRANCH_TRAPS:
        assert strategies.reduce_with(strategy, difference) != 0, (name, difference)


def test_simplify_itself_keeps_the_branch_of_log_of_a_product():
    assert sp.simplify(sp.log(x * y) - sp.log(x) - sp.log(y)) != 0


@pytest.mark.parametrize("difference", BRANCH_TRAPS, ids=str)
def test_no_branch_trap_is_proved(difference):
    assert prove(difference, 0).status != "proved"


def test_exponentiate_needs_a_real_difference():
    # exp(d) = 1 gives d = 0 only for real d: d = 2πi has exp(d) = 1 too
    assert strategies.exponentiate(sp.log(x) - sp.log(x) + 2 * sp.pi * sp.I + sp.log(sp.exp(y)) - y) is None
    assert strategies.exponentiate(sp.log(sp.exp(x) + 1) - sp.log(sp.exp(-x) + 1) - x) == 0


def test_only_a_finite_nonzero_constant_refutes():
    from qedcheck.checks.symbolic import _is_nonzero_constant

    assert _is_nonzero_constant(sp.Rational(1, 10**40))
    assert _is_nonzero_constant(sp.I * sp.pi)
    for value in (sp.S.Zero, sp.zoo, sp.nan, sp.oo, -sp.oo, x - x + sp.AccumBounds(-1, 1), x):
        assert not _is_nonzero_constant(value), value


def test_a_written_step_through_a_kink_is_refuted_and_the_excluded_kink_is_not(tmp_path):
    results = verify_toml(tmp_path, """
        [[identity]]
        name = "steps_through_the_kink"
        symbols = { x = "real" }
        lhs = "diff(x*Abs(x), x)"
        rhs = "2*Abs(x)"
        steps = [
            "Abs(x) + x*diff(Abs(x), x)",
            "Abs(x) + x*sign(x)",
        ]

        [[identity]]
        name = "steps_off_the_kink"
        symbols = { x = "real" }
        lhs = "diff(x*Abs(x), x)"
        rhs = "2*Abs(x)"
        where = "x != 0"
        steps = [
            "Abs(x) + x*diff(Abs(x), x)",
            "Abs(x) + x*sign(x)",
        ]
        """)
    through = results["steps_through_the_kink"]
    assert through.verdict is Verdict.PROVED  # the claim holds at 0 too (the derivative there is 0)
    verdicts = [link.verdict for link in through.links]
    assert Verdict.REFUTED in verdicts and not through.ok  # the product rule step uses d|x|/dx at 0
    broken = next(link for link in through.links if link.verdict is Verdict.REFUTED)
    assert "no derivative at x = 0" in broken.message
    assert all(link.verdict is Verdict.PROVED for link in results["steps_off_the_kink"].links)
