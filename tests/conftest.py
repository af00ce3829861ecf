"""Shared fixtures: a quick way to build an identity, and the catalogue checked once per session."""

from __future__ import annotations

import pytest
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.derivations import catalogue
from qedcheck.identity import Identity


def make_identity(lhs, rhs, symbols, **fields) -> Identity:
    fields.setdefault("name", "test_identity")
    fields.setdefault("source", "test")
    fields.setdefault("statement", "")
    return Identity(lhs=lhs, rhs=rhs, symbols=tuple(symbols), **fields)


@pytest.fixture(scope="session")
def catalogue_run():
    """`verify all` once for the whole session: the catalogue is checked by the real pipeline."""
    return verify_all(catalogue(), RunSettings(seed=0))


@pytest.fixture(scope="session")
def catalogue_results(catalogue_run):
    return {r.name: r for r in catalogue_run.results}


@pytest.fixture(scope="session")
def failing_run():
    """A run whose one identity misses its expectation: σ′ = σ² claimed to hold, refuted at a point."""
    import sympy as sp
    from qedcheck.derivations.vocabulary import sigmoid, x

    wrong = make_identity(sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2, [x], name="sigmoid_deriv_eq_sq",
                          source="Q1(b)", statement=r"\sigma'(x) = \sigma(x)^2")
    return verify_all([wrong], RunSettings(seed=0), input_errors=("command line: unknown identity 'nope'",))


@pytest.fixture(autouse=True)
def _own_directory(tmp_path, monkeypatch):
    """Each test runs in its own directory, so no test reads a result another one cached there; and
    wide enough that no message is folded, whatever terminal started pytest (pytest-xdist sets
    COLUMNS=80, and a temporary path's length varies)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")
    # The user's cache and configuration directories (result cache, cache key) of this test only.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".user-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".user-config"))
    monkeypatch.delenv("QEDCHECK_CACHE_DIR", raising=False)
    monkeypatch.delenv("QEDCHECK_CACHE_KEY_FILE", raising=False)



def replace_catalogue(monkeypatch, identities) -> None:
    """Make `identities` the whole catalogue, both as a tuple and module by module (`verify all`)."""
    from qedcheck import derivations

    monkeypatch.setattr(derivations, "catalogue", lambda: tuple(identities))
    monkeypatch.setattr(derivations, "catalogue_modules", lambda: iter([tuple(identities)]))
