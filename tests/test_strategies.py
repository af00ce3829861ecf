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
