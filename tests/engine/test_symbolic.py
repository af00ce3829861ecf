"""The symbolic pipeline: proves what is true, never proves what is false, names its strategy."""

import sympy as sp
from qedcheck.checks.kinks import kink_counterexample
from qedcheck.checks.run.budget import Deadline
from qedcheck.checks.symbolic import prove
from qedcheck.derivations.vocabulary import (
    G,
    X,
    c,
    i,
    j,
    k,
    n,
    relu,
    sigmoid,
    softmax_entry,
    softplus,
    vector_sum,
    x,
)


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


def test_expand_atoms_remembers_terms_without_proving_what_is_false(monkeypatch):
    """Terms are expanded once and remembered (one symbol per application across terms and calls): a
    false variant checked after the true gradient, sharing most of its terms, still reaches no 0."""
    from qedcheck.checks import strategies
    from qedcheck.checks.symbolic import prepare
    from qedcheck.derivations import mlp_network as net_sym

    a, b = sp.symbols("a b", real=True)
    # the same application in two terms is one symbol: e^a (cos b + 1) − e^a cos b − e^a = 0
    assert strategies.expand_atoms(sp.exp(a) * (sp.cos(b) + 1) - sp.exp(a) * sp.cos(b) - sp.exp(a)) == 0
    # two applications are two symbols, whatever was remembered before
    assert strategies.expand_atoms(sp.exp(a) * sp.cos(b) - sp.exp(b) * sp.cos(b)) is None
    assert strategies.expand_atoms(sp.cos(a) ** 2 + sp.sin(a) ** 2 - 1) is None  # a law of cos, not its job
    lhs, rhs, _ = net_sym.stacked_claim("W1", sizes=((2, 2, 2),))
    _, no_cos, _ = net_sym.stacked_claim("W1", sizes=((2, 2, 2),), wrong="no_cos")
    _, negated, _ = net_sym.stacked_claim("W1", sizes=((2, 2, 2),), wrong="neg_g")
    for entry, right, wrong, sign in zip(lhs, rhs, no_cos, negated):
        assert strategies.expand_atoms(prepare(entry) - prepare(right)) == 0
        assert strategies.expand_atoms(prepare(entry) - prepare(wrong)) is None
        assert strategies.expand_atoms(prepare(entry) - prepare(sign)) is None
    # emptied between calls (the bound reached): still exact
    monkeypatch.setattr(strategies, "_MAX_REMEMBERED", 0)
    assert strategies.expand_atoms(sp.exp(a) * (sp.cos(b) + 1) - sp.exp(a) * sp.cos(b) - sp.exp(a)) == 0
    assert strategies.expand_atoms(prepare(lhs[0]) - prepare(no_cos[0])) is None
    assert strategies.expand_atoms(prepare(lhs[0]) - prepare(rhs[0])) == 0


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


# --- derivatives at kinks ------------------------------------------------------------------------

y = sp.Symbol("y", real=True)
D = sp.Derivative


def test_a_derivative_claim_through_a_kink_is_refuted_with_the_point():
    claims = [
        (D(sp.Abs(x), x), sp.sign(x), "no derivative at x = 0: one-sided derivatives -1 and 1"),
        (D(relu(x), x), sp.Heaviside(x), "no derivative at x = 0: one-sided derivatives 0 and 1"),
        (D(sp.Max(x, 3), x), sp.Heaviside(x - 3), "no derivative at x = 3: one-sided derivatives 0 and 1"),
        (D(sp.Min(x, 2000), x), 1, "no derivative at x = 2000: one-sided derivatives 1 and 0"),
        (D(sp.Piecewise((0, x < 0), (x, True)), x), sp.Piecewise((0, x < 0), (1, True)),
         "no derivative at x = 0: one-sided derivatives 0 and 1"),
    ]
    for lhs, rhs, message in claims:
        outcome = prove(lhs, rhs)
        assert (outcome.status, outcome.strategy) == ("refuted", "kink"), (lhs, outcome)
        assert outcome.message.startswith(message), outcome.message
        assert "0.5" not in outcome.message
        point, said = kink_counterexample(lhs, rhs, None)
        assert said == outcome.message and dict(outcome.point) == {str(s): str(v) for s, v in point.items()}


def test_a_jump_has_no_derivative_whatever_diracdelta_says():
    for lhs in (D(sp.sign(x), x), D(sp.Heaviside(x), x), D(x * sp.sign(x), x) - sp.sign(x)):
        outcome = prove(lhs, 0)
        assert outcome.status == "refuted" and outcome.strategy == "kink", outcome
        assert "no derivative at x = 0" in outcome.message
        assert prove(lhs, 0, where=sp.Ne(x, 0)).status == "proved"


def test_a_kink_the_domain_excludes_is_no_obstacle():
    assert prove(D(sp.Abs(x), x), sp.sign(x), where=sp.Ne(x, 0)).status == "proved"
    assert prove(D(sp.Abs(x), x), sp.sign(x), where=x > 1).status == "proved"
    assert prove(D(sp.Max(x, y), x), sp.Heaviside(x - y), where=sp.Ne(x, y)).status == "proved"
    assert prove(D(sp.Abs(x), x), sp.sign(x), where=x > -1).status == "refuted"  # 0 is still inside


def test_where_the_derivative_exists_at_the_kink_its_true_value_is_checked():
    assert prove(D(x * sp.Abs(x), x), 2 * sp.Abs(x)).status == "proved"
    assert prove(D(relu(x) ** 2, x), 2 * relu(x)).status == "proved"
    # the formula's Heaviside(0) = 1/2 must not decide the value at 0: the derivative there is 0
    wrong = prove(D(x * sp.Abs(x), x), 2 * sp.Abs(x) + sp.Heaviside(x) - sp.Heaviside(x) ** 2)
    assert wrong.status == "refuted" and "at x = 0" in wrong.message and "1/4" in wrong.message


def test_higher_derivatives_are_checked_at_each_order():
    assert prove(D(x**2 * sp.Abs(x), (x, 2)), 6 * sp.Abs(x)).status == "proved"
    second = prove(D(x * sp.Abs(x), (x, 2)), 2 * sp.sign(x))
    assert second.status == "refuted" and second.message.startswith("no 2nd derivative at x = 0")
    assert prove(D(D(relu(x), x), x), 0).status == "refuted"  # nested diffs merge into one of order 2
    assert prove(D(x * sp.Abs(x), (x, 2)), 2 * sp.sign(x), where=sp.Ne(x, 0)).status == "proved"


def test_kinks_that_move_with_another_symbol_are_refuted_at_a_concrete_point():
    outcome = prove(D(sp.Abs(x - y), x), sp.sign(x - y))
    assert outcome.status == "refuted" and outcome.strategy == "kink"
    values = dict(outcome.point)
    assert values["x"] == values["y"]


def test_infinitely_many_kinks_refute_when_one_does_and_otherwise_block_the_proof():
    claim = (D(sp.Abs(sp.sin(x)), x), sp.cos(x) * sp.sign(sp.sin(x)))
    refuted = prove(*claim)
    assert refuted.status == "refuted" and refuted.message.startswith("no derivative at x = 0")
    blocked = prove(*claim, where=sp.Ne(sp.sin(x), 0))  # true, but only a few kinks can be checked
    assert blocked.status == "unknown" and "infinitely many" in blocked.message


def test_vector_derivatives_at_kinks_are_refuted_unless_excluded():
    lhs = D(vector_sum(sp.Abs(X[k])), X[i])
    assert prove(lhs, sp.sign(X[i]), where=sp.Ne(X[k], 0), size=n, indices=(i,)).status == "proved"
    outcome = prove(lhs, sp.sign(X[i]), size=n, indices=(i,), sizes=(1, 2))
    assert outcome.status == "refuted" and "no derivative at x[0] = 0" in outcome.message
    relu_sum = prove(D(vector_sum(relu(X[k])), X[i]), sp.Heaviside(X[i]), size=n, indices=(i,), sizes=(1, 2))
    assert relu_sum.status == "refuted"


# --- points where a side is undefined: a cancelled factor is not an equivalence there ------------

def test_a_cancelled_factor_does_not_prove_a_claim_where_one_side_is_undefined():
    outcome = prove((x**2 - 1) / (x - 1), x + 1)
    assert (outcome.status, outcome.strategy) == ("refuted", "domain")
    assert outcome.message == "the lhs is undefined at x = 1, the rhs is 2" and dict(outcome.point) == {"x": "1"}
    assert prove((x**2 - 1) / (x - 1), x + 1, where=sp.Ne(x, 1)).status == "proved"
    assert prove((x**3 - x) / (x**2 - 1), x).status == "refuted"
    assert prove((x**3 - x) / (x**2 - 1), x, where=sp.Ne(x**2, 1)).status == "proved"


def test_a_point_that_moves_with_another_symbol_is_refuted_at_concrete_values():
    outcome = prove((x**2 - y**2) / (x - y), x + y)
    assert outcome.status == "refuted" and dict(outcome.point) == {"x": "1", "y": "1"}
    assert prove((x**2 - y**2) / (x - y), x + y, where=sp.Ne(x, y)).status == "proved"


def test_both_sides_undefined_at_the_same_point_is_no_counterexample():
    assert prove(1 + 1 / x, (x + 1) / x).status == "proved"
    assert prove(sp.Derivative(sp.log(x), x), 1 / x).status == "proved"
    assert prove(x / (x**2 + y**2), x / (x**2 + y**2)).status == "proved"


def test_infinitely_many_poles_refute_when_one_does_and_otherwise_block_the_proof():
    refuted = prove(sp.tan(x) * sp.cos(x), sp.sin(x))
    assert refuted.status == "refuted" and refuted.message.startswith("the lhs is undefined at x = pi/2")
    assert prove(sp.tan(x), sp.sin(x) / sp.cos(x)).status == "unknown"  # true, but not decidable here


def test_a_denominator_known_nonzero_costs_nothing():
    assert prove(1 / (1 + sp.exp(-x)), sp.exp(x) / (1 + sp.exp(x))).status == "proved"
    assert prove(sigmoid(x), (sp.tanh(x / 2) + 1) / 2).status == "proved"


def test_a_function_undefined_at_a_point_has_no_derivative_there():
    outcome = prove(sp.Derivative((x**2 - x) / (x - 1), x), 1)
    assert outcome.status == "refuted" and outcome.message.startswith("the lhs is undefined at x = 1")
    assert prove(sp.Derivative((x**2 - x) / (x - 1), x), 1, where=sp.Ne(x, 1)).status == "proved"


def test_vector_claims_check_their_undefined_points_entry_by_entry():
    lhs, rhs = (X[i] ** 2 - 1) / (X[i] - 1), X[i] + 1
    outcome = prove(lhs, rhs, size=n, indices=(i,), sizes=(1, 2))
    assert outcome.status == "refuted" and "the lhs is undefined at x[0] = 1" in outcome.message
    assert prove(lhs, rhs, where=sp.Ne(X[i], 1), size=n, indices=(i,), sizes=(1, 2)).status == "proved"


def test_a_limit_is_only_believed_when_the_quotient_near_zero_agrees():
    from qedcheck.checks.kinks import _plausible

    h = sp.Dummy("h", positive=True)
    quotient = sp.Abs(h) / h
    assert _plausible(quotient, h, sp.S.One)
    assert not _plausible(quotient, h, sp.S.Zero)  # a wrong limit from SymPy would be a false verdict
    assert _plausible(1 / h, h, sp.oo) and not _plausible(1 / h, h, -sp.oo)


def test_a_fact_about_the_free_entry_is_not_a_fact_about_every_entry():
    # x_i > 0 says nothing of the other entries: Σ|x_k| = Σ x_k is false at x = (1, -1)
    claim = (vector_sum(sp.Abs(X[k])), vector_sum(X[k]))
    assert prove(*claim, where=X[i] > 0, size=n, indices=(i,), sizes=(1, 2)).status != "proved"
    proved = prove(*claim, where=X[k] > 0, size=n, indices=(i,), sizes=(1, 2))  # every entry positive
    assert proved.status == "proved" and proved.scope == "all n"


def test_where_only_the_derivative_formula_is_undefined_continuity_decides():
    # SymPy's d/dx x^n is n x^n / x, undefined at 0, where the derivative exists (n ≥ 1)
    power = sp.Symbol("n", integer=True, positive=True)
    assert prove(sp.Derivative(x**power, x), power * x ** (power - 1)).status == "proved"
    # written as the formula itself, the rhs is undefined at 0 where the lhs is not: no proof
    assert prove(sp.Derivative(x**power, x), power * x**power / x).status != "proved"
    # a rhs that is discontinuous at 0 gets no help from continuity
    jump = power * x ** (power - 1) + sp.Heaviside(x) - sp.Heaviside(x) ** 2 - sp.Rational(1, 4)
    assert prove(sp.Derivative(x**power, x), jump).status != "proved"


def test_a_claim_false_only_where_a_non_smooth_function_changes_is_refuted_exactly():
    half = sp.Rational(1, 2)
    claims = [  # each false on a point, a short interval or far out, true almost everywhere else
        (sp.sign(x - 3) ** 2, 1, "at x = 3 the lhs is 0 and the rhs is 1 exactly"),
        (x + relu(x - 2) * relu(sp.Rational(2001, 1000) - x), x, "at x = 4001/2000"),
        (sp.Min(x, 2000), x, "at x = 2001"),
        (x + sp.Abs(x) * (sp.Abs(x) - 5) * sp.Heaviside(x - 2000), x, "at x = 2000"),
        (sigmoid(x), 1 / (1 + sp.exp(-x)) + sp.Max(0, x - 10000), "at x = 10001"),
    ]
    for lhs, rhs, message in claims:
        outcome = prove(lhs, rhs)
        assert (outcome.status, outcome.strategy) == ("refuted", "exact-point"), (lhs, outcome)
        assert outcome.message.startswith(message), outcome.message
    # true claims and excluded points are left alone
    assert prove(sp.sign(x - 3) ** 2, 1, where=sp.Ne(x, 3)).status != "refuted"
    assert prove(sp.Heaviside(x), (sp.sign(x) + 1) * half).status == "proved"
    assert prove(sp.Abs(x), sp.Max(x, -x)).status == "proved"


def test_sizes_are_equal_only_when_their_difference_is_exactly_zero():
    from qedcheck.checks.indexed import sizes_equal
    from qedcheck.checks.matrix.matrix_entries import _eliminate_deltas

    n, m = sp.symbols("n m", integer=True, positive=True)
    assert sizes_equal(n, n) and sizes_equal(n * m, m * n) and sizes_equal((n + 1) ** 2, n**2 + 2 * n + 1)
    assert sizes_equal(sp.Integer(3), 3)
    assert not sizes_equal(n, n + 1) and not sizes_equal(n, m) and not sizes_equal(n**2, n)
    # a delta is summed out only over a range that is exactly the other index's: k over 0..n−1, p over 0..n
    k, p = sp.symbols("k p", integer=True, nonnegative=True)
    x = sp.IndexedBase("x", real=True)
    total = sp.Sum(sp.KroneckerDelta(k, p) * x[k], (k, 0, n - 1))
    assert _eliminate_deltas(total, {p: n + 1}) == total
    assert _eliminate_deltas(total, {p: n}) == x[p]


def test_remembered_contains_answers_as_has_does():
    """memo.contains is `has` for classes, remembered per subtree: the same answer on every expression,
    asked in any order (a subtree seen inside one expression is not taken for another)."""
    from qedcheck.checks.kinks import NON_SMOOTH
    from qedcheck.checks.memo import contains
    from qedcheck.derivations import mlp_network as net_sym

    x, y = sp.symbols("x y", real=True)
    k = sp.Symbol("k", integer=True)
    v = sp.IndexedBase("v", real=True)
    inner = sp.exp(x) * sp.sin(y)
    expressions = [
        inner, inner + sp.Abs(x), sp.Derivative(inner * sp.Heaviside(x), x), sp.Integral(inner, (x, 0, 1)),
        sp.Piecewise((inner, x > 0), (0, True)), sp.DiracDelta(x - 1) * inner, sp.Sum(v[k] * sp.Max(v[k], 0), (k, 0, 3)),
        sp.log(1 + sp.Integral(sp.Abs(x), (x, 0, y))), sp.Integer(3), x,
    ]
    lhs, rhs, _ = net_sym.stacked_claim("b1", sizes=((2, 2, 2),))
    expressions += list(lhs) + list(rhs)
    kinds = [(sp.Integral,), (sp.DiracDelta,), (sp.Piecewise,), NON_SMOOTH, (sp.Derivative, sp.Sum), (sp.exp,)]
    for expr in expressions + expressions[::-1]:
        for types in kinds:
            assert contains(expr, *types) == expr.has(*types), (expr, types)
    assert contains(sp.Matrix([[inner, sp.Abs(x)]]), sp.Abs) and not contains(sp.Matrix([[inner]]), sp.Abs)


def test_folded_cases_come_before_simplify_and_only_ever_prove():
    """A difference holding Heaviside, sign, Abs, Max or Min tries `piecewise` before `simplify`
    (which is slow on them as they stand); `piecewise` proves or says nothing, never refutes: its
    folded form of H(x) + H(−x) is the constant 1, and the refutation is left to the numbers."""
    from qedcheck.checks.symbolic import _run_strategies

    x = sp.Symbol("x", real=True)
    tried: list = []
    true = _run_strategies(sp.Heaviside(x) + sp.Heaviside(-x) - 1, None, (), tried, "")
    assert true.status == "proved" and true.strategy == "piecewise" and "simplify" not in true.tried
    tried = []
    false = _run_strategies(sp.Heaviside(x) + sp.Heaviside(-x), None, (), tried, "")
    assert false.status != "proved" and false.strategy != "piecewise"
    assert false.tried.index("piecewise") < false.tried.index("simplify")
