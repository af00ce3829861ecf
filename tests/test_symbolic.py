"""The symbolic pipeline: proves what is true, never proves what is false, names its strategy."""

import sympy as sp
from qedcheck.checks.budget import Deadline
from qedcheck.checks.symbolic import prove
from qedcheck.derivations.vocabulary import G, X, c, i, j, k, n, relu, sigmoid, softmax_entry, softplus, x


def test_plain_simplify_misses_the_tanh_form_but_the_pipeline_proves_it():
    difference = sigmoid(x) - (sp.tanh(x / 2) + 1) / 2
    assert sp.simplify(difference) != 0
    outcome = prove(sigmoid(x), (sp.tanh(x / 2) + 1) / 2)
    assert outcome.status == "proved"
    assert outcome.strategy == "rewrite-exp"


def test_sigmoid_derivative_is_proved():
    assert prove(sp.Derivative(sigmoid(x), x), sigmoid(x) * (1 - sigmoid(x))).status == "proved"


def test_softplus_difference_needs_logarithm_rules():
    outcome = prove(softplus(x) - softplus(-x), x)
    assert outcome.status == "proved"
    assert outcome.strategy in {"expand-log", "exponentiate"}


def test_false_variants_are_never_proved():
    false_claims = [
        (sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2),
        (sigmoid(x), (sp.tanh(x) + 1) / 2),
        (softplus(x) - softplus(-x), -x),
        (sp.log(sigmoid(x)), -softplus(x)),
    ]
    for lhs, rhs in false_claims:
        assert prove(lhs, rhs).status != "proved", (lhs, rhs)


def test_a_constant_difference_is_refuted_exactly():
    outcome = prove(sigmoid(x), sigmoid(x) + sp.Rational(1, 10**12))
    assert outcome.status == "refuted"
    assert outcome.residual == "-1/1000000000000"


def test_relu_derivative_needs_its_domain():
    claim = (sp.Derivative(relu(x), x), sp.Piecewise((0, x < 0), (1, True)))
    assert prove(*claim, where=sp.Ne(x, 0)).status == "proved"
    # at 0 ReLU has no derivative: without the domain restriction nothing may be proved
    assert prove(*claim).status != "proved"


def test_softmax_jacobian_is_proved_for_every_n():
    lhs = sp.Derivative(softmax_entry(X, i), X[j])
    rhs = softmax_entry(X, i) * sp.KroneckerDelta(i, j) - softmax_entry(X, i) * softmax_entry(X, j)
    outcome = prove(lhs, rhs, size=n, indices=(i, j))
    assert outcome.status == "proved"
    assert outcome.scope == "all n"


def test_softmax_scaling_is_not_proved_for_any_n():
    outcome = prove(softmax_entry(X, i, scale=c), softmax_entry(X, i), size=n, indices=(i,), sizes=(1, 2))
    assert outcome.status == "unknown"


def test_softmax_vjp_is_proved_for_every_n():
    lhs = sp.Sum(sp.Derivative(softmax_entry(X, k), X[i]) * G[k], (k, 0, n - 1))
    m = sp.Symbol("m", integer=True, nonnegative=True)
    rhs = softmax_entry(X, i) * G[i] - softmax_entry(X, i) * sp.Sum(softmax_entry(X, m) * G[m], (m, 0, n - 1))
    assert prove(lhs, rhs, size=n, indices=(i,)).status == "proved"


def test_budget_is_enforced():
    hard = sum(sp.sin(x) ** p for p in range(40)) - sum(sp.cos(x) ** p for p in range(40))
    outcome = prove(hard, sp.S.Zero, deadline=Deadline(0.2))
    assert outcome.status in {"timeout", "unknown"}


def test_shape_mismatch_is_a_refutation():
    a = sp.MatrixSymbol("A", n, n)
    b = sp.MatrixSymbol("B", n, 1)
    outcome = prove(a, b, size=n, indices=(i, j))
    assert outcome.status == "refuted"
    assert "shapes differ" in outcome.message


def test_expand_atoms_treats_function_applications_as_opaque():
    from qedcheck.checks.strategies import expand_atoms

    a, b = sp.symbols("a b", real=True)
    chain_rule = sp.exp(a + b) * (sp.cos(a) + 1) ** 2 - sp.exp(a + b) * (sp.cos(a) ** 2 + 2 * sp.cos(a) + 1)
    assert expand_atoms(chain_rule) == 0
    assert expand_atoms(sp.exp(a + b) - sp.exp(a) * sp.exp(b)) is None  # needs a law of exp: not its job
    assert expand_atoms(sp.cos(a) * (sp.cos(a) + 1) - sp.cos(a) ** 2) is None  # cos(a) ≠ 0 in general


def test_a_derivative_of_a_sum_is_prepared_term_by_term_and_the_shared_term_once(monkeypatch):
    from qedcheck.checks import symbolic

    a, b = sp.symbols("a b", real=True)
    shared = sp.log(sp.exp(a) + sp.exp(b))
    symbolic._PREPARED.clear()
    first = symbolic.prepare(sp.Derivative(-a + shared, a))
    calls = []
    real_doit = symbolic._full_doit
    monkeypatch.setattr(symbolic, "_full_doit", lambda e: calls.append(e) or real_doit(e))
    second = symbolic.prepare(sp.Derivative(-b + shared, a))
    assert sp.simplify(first - (-1 + sp.exp(a) / (sp.exp(a) + sp.exp(b)))) == 0
    assert sp.simplify(second - sp.exp(a) / (sp.exp(a) + sp.exp(b))) == 0
    assert calls == [sp.Derivative(-b, a)]  # the log-sum-exp term came from the first call
