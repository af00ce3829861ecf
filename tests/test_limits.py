"""Limits of explicit instances: renamed copies share one computation and keep their own variables."""

import sympy as sp
from qedcheck.checks import limits

c = sp.Symbol("c", real=True)
d = sp.IndexedBase(sp.Symbol("d", positive=True))


def _onehot_entry(numerator, others):
    return sp.Limit(sp.exp(-c * numerator) / (1 + sp.exp(-c * numerator) + sum(sp.exp(-c * o) for o in others)),
                    c, sp.oo)


def test_a_renamed_limit_is_computed_once_and_mapped_back(monkeypatch):
    limits._VALUES.clear()
    computed = []
    real_doit = sp.Limit.doit
    monkeypatch.setattr(sp.Limit, "doit", lambda self, **hints: computed.append(self) or real_doit(self, **hints))
    first = limits.evaluate_limits(_onehot_entry(d[0], [d[2]]))
    second = limits.evaluate_limits(_onehot_entry(d[2], [d[0]]))
    assert first == second == 0
    assert len([limit for limit in computed if limit.args[1] == c]) == 1  # gruntz's own sub-limits aside


def test_a_value_that_depends_on_the_entries_comes_back_in_the_callers_names():
    limits._VALUES.clear()
    h = sp.Symbol("h", real=True)
    a = limits.evaluate_limits(sp.Limit((sp.exp(h * d[1]) - 1) / h, h, 0))
    b = limits.evaluate_limits(sp.Limit((sp.exp(h * d[3]) - 1) / h, h, 0))
    assert (a, b) == (d[1], d[3])
