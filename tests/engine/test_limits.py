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
    real_compute = limits._compute
    monkeypatch.setattr(limits, "_compute", lambda limit: computed.append(limit) or real_compute(limit))
    first = limits.evaluate_limits(_onehot_entry(d[0], [d[2]]))
    second = limits.evaluate_limits(_onehot_entry(d[2], [d[0]]))
    assert first == second == 0
    assert len(computed) == 1


def test_a_value_that_depends_on_the_entries_comes_back_in_the_callers_names():
    limits._VALUES.clear()
    h = sp.Symbol("h", real=True)
    a = limits.evaluate_limits(sp.Limit((sp.exp(h * d[1]) - 1) / h, h, 0))
    b = limits.evaluate_limits(sp.Limit((sp.exp(h * d[3]) - 1) / h, h, 0))
    assert (a, b) == (d[1], d[3])


def test_vanishing_exponentials_agree_with_gruntz_where_they_apply_and_decline_elsewhere():
    d1, d2 = sp.symbols("d1 d2", positive=True)
    r = sp.Symbol("r", real=True)
    applies = [sp.exp(-c * d1) / (1 + sp.exp(-c * d1) + sp.exp(-c * d2)), 1 / (1 + sp.exp(-c * d1 - 3)),
               (2 + sp.exp(-c * d1)) / (1 - sp.exp(-2 * c * d2))]
    for expr in applies:
        value = limits.vanishing_exponentials(sp.Limit(expr, c, sp.oo))
        assert value is not None and value == sp.Limit(expr, c, sp.oo).doit()
    declines = [sp.exp(c * d1) / (1 + sp.exp(c * d1)),  # a growing term
                c * sp.exp(-c * d1),  # c outside the exponentials
                sp.exp(-c * r),  # the sign of the slope is unknown
                sp.exp(-c * d1) / (sp.exp(-c * d1) + sp.exp(-c * d2))]  # 0/0 at the limit: left to gruntz
    assert all(limits.vanishing_exponentials(sp.Limit(expr, c, sp.oo)) is None for expr in declines)
    assert limits.vanishing_exponentials(sp.Limit(sp.exp(-c * d1), c, 0)) is None  # only c → ∞
