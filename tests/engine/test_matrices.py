"""Vectors and matrices in identity files: the examples, claims that hold only at some sizes, shapes.

Each test states a real outcome (verdict, scope, the sizes in a counterexample, a located message).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from qedcheck.checks.matrix import matrices
from qedcheck.checks.runner import verify_identity
from qedcheck.readers.expression import ExpressionError
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.readers.matrix_expression import parse_sized
from qedcheck.results import Verdict
from qedcheck.sized import Array, Declarations

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "matrices.toml"


def _load(tmp_path, body: str):
    path = tmp_path / "claims.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_identity_file(path)


def _verify(tmp_path, body: str):
    loaded = _load(tmp_path, body)
    assert not loaded.errors, loaded.errors
    return [verify_identity(identity) for identity in loaded.identities]


def _one(tmp_path, body: str):
    (result,) = _verify(tmp_path, body)
    return result


@pytest.fixture(scope="module")
def example_results():
    loaded = load_identity_file(EXAMPLES)
    assert not loaded.errors
    return {identity.name: verify_identity(identity) for identity in loaded.identities}


ALL_SIZES = ["grad_least_squares", "inv_mul", "grad_linear", "grad_quadratic_form", "grad_quadratic_form_symmetric",
             "grad_trace_mul", "grad_log_abs_det", "jacobian_linear", "softmax_jacobian", "grad_logsumexp", "trace_mul_comm",
             "logistic_regression_grad", "grad_sum_sigmoid_layer"]
REFUTED = ["grad_quadratic_form_wrong", "grad_trace_mul_wrong", "transpose_mul_wrong", "det_add_wrong",
           "det_scale_wrong"]


@pytest.mark.parametrize("name", ALL_SIZES)
def test_examples_proved_for_all_sizes(example_results, name):
    result = example_results[name]
    assert result.ok and result.verdict is Verdict.PROVED, result.message
    assert result.scope == "all sizes"
    assert result.numeric.agrees and max(result.numeric.sizes) >= 20


@pytest.mark.parametrize("name", REFUTED)
def test_false_examples_refuted_with_sizes_and_matrices(example_results, name):
    result = example_results[name]
    assert result.ok and result.verdict is Verdict.REFUTED
    point = result.counterexample.point
    assert "n" in point and 1 <= point["n"] <= 3
    assert any(isinstance(v, str) and v.startswith("[[") for v in point.values())  # the matrices shown


def test_examples_file_has_its_links_checked(example_results):
    links = example_results["grad_sum_sigmoid_layer"].links
    assert len(links) == 2 and all(link.verdict is Verdict.PROVED for link in links)


# --- claims that hold at some sizes only: refuted, never proved -----------------------------------

SOME_SIZES = [
    ('matrices = { A = "n x n" }', "det(2 * A)", "8 * det(A)"),  # n = 3 only
    ('matrices = { A = "n x n" }', "det(-A)", "det(A)"),  # even n only
    ('vectors = { x = "n" }', "grad(norm(x), x)", "sign(x)"),  # n = 1 only
    ('vectors = { x = "n" }', "x @ x", "sum(x)**2 - 2 * sum(x) * x[0] + 2 * x[0]**2"),  # n = 1 only
    ('vectors = { x = "n" }', "trace(eye(n))", "3"),  # n = 3 only
    ('matrices = { A = "n x n" }', "trace(A @ A)", "trace(A)**2"),  # n = 1 only
    ('matrices = { A = "n x n" }', "det(A.T @ A)", "det(A)**2 + 0 * trace(A)"),  # holds: a control
    ('matrices = { A = "n x n" }', "det(2 * A)", "2**3 * det(A)"),  # the size written as a number
    ('matrices = { A = "m x n", B = "n x m" }', "det(A @ B)", "det(B @ A)"),  # only m = n
]


@pytest.mark.parametrize("declaration, lhs, rhs", SOME_SIZES)
def test_claims_true_at_some_sizes_are_never_proved(tmp_path, declaration, lhs, rhs):
    result = _one(tmp_path, f'''
        [[identity]]
        name = "claim"
        {declaration}
        lhs = "{lhs}"
        rhs = "{rhs}"
    ''')
    if lhs.startswith("det(A.T"):
        assert result.verdict is Verdict.PROVED and result.scope == "all sizes"
        return
    assert result.verdict is Verdict.REFUTED, result.message
    assert "n" in result.counterexample.point


def test_symmetric_assumption_is_honoured_and_needed(tmp_path):
    general, symmetric = _verify(tmp_path, '''
        [[identity]]
        name = "general"
        matrices = { A = "n x n" }
        lhs = "A.T"
        rhs = "A"

        [[identity]]
        name = "symmetric"
        matrices = { A = "n x n symmetric" }
        lhs = "A.T"
        rhs = "A"
    ''')
    assert general.verdict is Verdict.REFUTED
    assert symmetric.verdict is Verdict.PROVED and symmetric.scope == "all sizes"


def test_different_size_names_get_different_sizes():
    n, m = sp.symbols("n m", integer=True, positive=True)
    declarations = Declarations({"n": n, "m": m}, {}, {"A": Array("A", (m, n)), "x": Array("x", (n,))})
    claim = matrices.Sides(parse_sized("A @ x", declarations), parse_sized("A @ x", declarations), declarations, None)
    plan = [sizes for sizes, _, small in matrices._size_plan(claim, np.random.default_rng(0)) if not small]
    assert plan and all(sizes[n] != sizes[m] for sizes in plan)
    assert max(max(s.values()) for s in plan) == matrices.MAX_MATRIX


def test_where_over_matrix_expressions(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "grad_norm"
        vectors = { x = "n" }
        lhs = "grad(norm(x), x)"
        rhs = "x / norm(x)"
        where = "x @ x != 0"
    ''')
    assert result.verdict is Verdict.PROVED and result.scope == "all sizes"


def test_sherman_morrison_with_where(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "sherman_morrison"
        vectors = { u = "n", v = "n" }
        matrices = { A = "n x n invertible" }
        lhs = "inv(A + outer(u, v))"
        rhs = "inv(A) - inv(A) @ outer(u, v) @ inv(A) / (1 + v @ inv(A) @ u)"
        where = "det(A) != 0 & 1 + v @ inv(A) @ u != 0"
        timeout = 30
    ''')
    assert result.verdict is Verdict.PROVED, result.message
    assert result.scope.startswith("sizes ≤ ")


def test_entrywise_claim_for_all_sizes(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "matvec_entry"
        vectors = { x = "n" }
        matrices = { A = "m x n" }
        lhs = "(A @ x)[i]"
        rhs = "sum(A[i, k] * x[k], (k, 0, n - 1))"
    ''')
    assert result.verdict is Verdict.PROVED and result.scope == "all sizes"


def test_a_wrong_step_is_a_refuted_link(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "with_steps"
        vectors = { x = "n" }
        matrices = { A = "n x n" }
        lhs = "grad(x @ A @ x, x)"
        steps = ["2 * A @ x"]
        rhs = "(A + A.T) @ x"
    ''')
    assert result.verdict is Verdict.PROVED and not result.ok
    assert [link.verdict for link in result.links] == [Verdict.REFUTED, Verdict.REFUTED]


# --- input errors: located, naming both shapes --------------------------------------------------

@pytest.mark.parametrize("fields, field, words", [
    ('vectors = { x = "n", b = "m" }\nmatrices = { A = "m x n" }\nlhs = "A @ b"\nrhs = "x"', "lhs",
     ["m×n matrix", "vector of size m"]),
    ('vectors = { x = "n" }\nmatrices = { A = "m x n" }\nlhs = "A @ x"\nrhs = "x"', "rhs",
     ["vector of size m", "vector of size n"]),
    ('vectors = { x = "n" }\nmatrices = { A = "n x n" }\nlhs = "A + x"\nrhs = "A"', "lhs",
     ["n×n matrix", "vector of size n"]),
    ('matrices = { A = "m x n symmetric" }\nlhs = "A"\nrhs = "A"', "matrices", ["not square"]),
    ('matrices = { A = "n x n positive_definite" }\nlhs = "A"\nrhs = "A"', "matrices", ["unknown assumption"]),
    ('matrices = { A = "m x n" }\nlhs = "trace(A)"\nrhs = "0"', "lhs", ["square"]),
    ('vectors = { x = "n" }\nlhs = "x.shape"\nrhs = "x"', "lhs", ["'.T' is the only attribute"]),
    ('vectors = { x = "n" }\nlhs = "__import__(x)"\nrhs = "x"', "lhs", ["unknown function"]),
    ('vectors = { x = "n" }\nlhs = "x @ 2"\nrhs = "x"', "lhs", ["@ needs vectors or matrices"]),
    ('vectors = { x = "n" }\nlhs = "grad(x, x)"\nrhs = "x"', "lhs", ["scalar f"]),
])
def test_shape_and_input_errors_are_located(tmp_path, fields, field, words):
    loaded = _load(tmp_path, f'[[identity]]\nname = "bad"\n{fields}\n')
    (identity,) = loaded.identities
    assert identity.error, "the identity should carry an error"
    assert f"field '{field}'" in str(identity.error) and "claims.toml:" in str(identity.error)
    for word in words:
        assert word in str(identity.error)
    assert verify_identity(identity).verdict is Verdict.ERROR


def test_parser_rejects_code_and_keeps_numbers_exact():
    n = sp.Symbol("n", integer=True, positive=True)
    declarations = Declarations({"n": n}, {}, {"x": Array("x", (n,))})
    for text in ("x.__class__", "(lambda: 1)()", "x[::2]", "[x]", "'a'", "x if x else x"):
        with pytest.raises(ExpressionError):
            parse_sized(text, declarations)
    tree = parse_sized("0.1 * x", declarations)
    assert tree.args[0].value == sp.Rational(1, 10)


def test_cookbook_examples_all_as_expected():
    loaded = load_identity_file(EXAMPLES.parent / "matrix_cookbook.toml")
    assert not loaded.errors
    results = [verify_identity(identity) for identity in loaded.identities]
    assert all(r.ok for r in results), [(r.name, r.verdict, r.message) for r in results if not r.ok]
    scopes = {r.name: r.scope for r in results}
    assert scopes["grad_det"] == scopes["grad_trace_inv_mul"] == scopes["hessian_quadratic_form"] == "all sizes"
    assert scopes["det_mul"] == "all sizes"  # det(AB) = det A det B, rewritten before the entry form
    assert scopes["det_lemma"].startswith("sizes ≤ ")  # det(I + u vᵀ): no entry form, explicit sizes
    refuted = {r.name: r.counterexample.point for r in results if r.verdict is Verdict.REFUTED}
    assert refuted["det_transpose_mul_wrong"]["m"] != refuted["det_transpose_mul_wrong"]["n"]


def test_derivatives_through_kinks_are_not_proved(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "relu_layer"
        vectors = { x = "n" }
        matrices = { W = "m x n" }
        lhs = "grad(sum(relu(W @ x)), W)"
        rhs = "outer(Heaviside(W @ x), x)"
    ''')
    # refuted like its scalar version: no derivative where an entry of W @ x is 0 (tests/engine/test_matrix_soundness.py)
    assert result.verdict is Verdict.REFUTED and result.strategy == "kink", result.message
    assert "no derivative" in result.message and result.counterexample.point["n"] == 1


def test_a_claim_true_up_to_size_three_is_refuted_at_four(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "small_sizes_only"
        vectors = { x = "n" }
        lhs = "(n - 1) * (n - 2) * (n - 3) * sum(x)"
        rhs = "0 * sum(x)"
    ''')
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample.point["n"] == 4


def test_matrix_errata(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "quadratic_form_gradient"
        vectors = { x = "n" }
        matrices = { A = "n x n" }
        lhs = "grad(x @ A @ x, x)"
        steps = ["2 * A @ x"]
        rhs = "(A + A.T) @ x"
        errata = [{ links = [1, 2], step = 1, corrected = "A @ x + A.T @ x", message = "A is not symmetric" }]
    ''')
    assert result.ok and result.verdict is Verdict.PROVED
    (finding,) = result.errata
    assert finding.found and finding.corrected_holds


def test_explicit_symbols_cannot_be_a_declared_scalar(tmp_path):
    # x[0] of a vector and a scalar named x_0 are different numbers
    result = _one(tmp_path, '''
        [[identity]]
        name = "entry_is_not_scalar"
        vectors = { x = "n" }
        symbols = { x_0 = "real" }
        lhs = "x[0] + 0 * sum(x)"
        rhs = "x_0 + 0 * sum(x)"
    ''')
    assert result.verdict is Verdict.REFUTED


def test_numbered_entries_only_where_they_exist(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "third_entry"
        vectors = { x = "n" }
        lhs = "x[2] + sum(x) - sum(x)"
        rhs = "x[2]"
    ''')
    assert result.verdict is Verdict.PROVED and result.scope == "all sizes"


def test_fixed_sizes_are_all_sizes(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "two_by_two_det"
        matrices = { A = "2 x 2" }
        lhs = "det(A)"
        rhs = "A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]"
    ''')
    assert result.verdict is Verdict.PROVED and result.scope == "all sizes"


def test_network_gradients_for_all_sizes():
    loaded = load_identity_file(EXAMPLES.parent / "network_gradients.toml")
    assert not loaded.errors
    for identity in loaded.identities:
        result = verify_identity(identity)
        assert result.verdict is Verdict.PROVED and result.scope == "all sizes", (result.name, result.message)


def test_latex_examples_all_as_expected():
    loaded = load_identity_file(EXAMPLES.parent / "matrices_latex.toml")
    assert not loaded.errors
    results = [verify_identity(identity) for identity in loaded.identities]
    assert all(r.ok for r in results), [(r.name, r.verdict, r.message) for r in results if not r.ok]
    assert {r.scope for r in results if r.name.startswith("grad_")} == {"all sizes"}


@pytest.mark.parametrize("latex, numpy", [
    (r"\mathbf{x}^\top A \mathbf{x}", "((x) @ (A)) @ (x)"),
    (r"\mathbf{x}\mathbf{x}^\top", "outer(x, x)"),
    (r"A^{-1}", "inv(A)"),
    (r"X^{-\top}", "inv(X).T"),
    (r"A^2", "(A) @ (A)"),
    (r"\|\mathbf{x}\|_1", "norm(x, 1)"),
    (r"\operatorname{tr}(A)", "trace((A))"),
    (r"\nabla_{\mathbf{x}} \mathbf{x}^\top \mathbf{x}", "grad((x) @ (x), x)"),
])
def test_latex_reads_as_numpy(latex, numpy):
    from qedcheck.readers.matrix_latex import latex_to_numpy

    n = sp.Symbol("n", integer=True, positive=True)
    declarations = Declarations({"n": n}, {}, {"x": Array("x", (n,)), "A": Array("A", (n, n)),
                                               "X": Array("X", (n, n))})
    assert latex_to_numpy(latex, declarations) == numpy


@pytest.mark.parametrize("latex, words", [
    (r"\mathbf{x}\mathbf{x}", "two column vectors"),
    (r"\mathbf{y}^\top \mathbf{x}", "undeclared name 'y'"),
    (r"\input{/etc/passwd}", "not understood"),
    (r"A \mathbf{x}^\top", "row vector"),
])
def test_latex_errors_are_located(tmp_path, latex, words):
    loaded = _load(tmp_path, f"""
        [[identity]]
        name = "bad"
        vectors = {{ x = "n" }}
        matrices = {{ A = "n x n" }}
        lhs_latex = '{latex}'
        rhs = "0"
    """)
    (identity,) = loaded.identities
    assert "field 'lhs_latex'" in str(identity.error) and words in str(identity.error)


ADVERSARIAL = [
    ("fails", 'matrices = { A = "n x n invertible", B = "n x n invertible" }', "inv(A + B)", "inv(A) + inv(B)"),
    ("holds", 'vectors = { x = "n" }\nsymbols = { c = "real" }', "softmax(x + c)", "softmax(x)"),
    ("fails", 'vectors = { x = "n" }', "softmax(2 * x)", "softmax(x)"),
    ("fails", 'vectors = { x = "n" }', "norm(x)", "norm(x, 1)"),
    ("holds", 'matrices = { S = "n x n symmetric" }', "grad(trace(S @ S), S)", "2 * S"),
    ("fails", 'matrices = { S = "n x n" }', "grad(trace(S @ S), S)", "2 * S"),
    ("holds", 'vectors = { x = "n" }', "jacobian(grad(logsumexp(x), x), x)",
     "diag(softmax(x)) - outer(softmax(x), softmax(x))"),
    ("fails", 'vectors = { x = "n" }', "sum(x[k], (k, 1, n - 1))", "sum(x)"),
    ("fails", 'matrices = { A = "m x n", B = "n x m" }', "trace(A @ B) * 0 + trace(eye(m))", "trace(eye(n))"),
    ("holds", 'matrices = { X = "n x n invertible" }\nsymbols = { c = "positive" }', "grad(det(c * X), X)",
     "c**n * det(X) * inv(X).T"),
    ("fails", 'matrices = { X = "n x n invertible" }\nsymbols = { c = "positive" }', "grad(det(c * X), X)",
     "c * det(X) * inv(X).T"),
]


@pytest.mark.parametrize("expect, declaration, lhs, rhs", ADVERSARIAL)
def test_adversarial_claims(tmp_path, expect, declaration, lhs, rhs):
    result = _one(tmp_path, f'[[identity]]\nname = "claim"\n{declaration}\nlhs = "{lhs}"\nrhs = "{rhs}"\n')
    if expect == "holds":
        assert result.verdict is Verdict.PROVED and result.scope == "all sizes", result.message
    else:
        assert result.verdict is Verdict.REFUTED, result.message


def test_where_facts_reach_the_all_sizes_proof(tmp_path):
    holds, fails, wrong = _verify(tmp_path, '''
        [[identity]]
        name = "abs_det_positive"
        matrices = { X = "n x n" }
        lhs = "abs(det(X))"
        rhs = "det(X)"
        where = "det(X) > 0"

        [[identity]]
        name = "abs_det_anywhere"
        matrices = { X = "n x n" }
        lhs = "abs(det(X))"
        rhs = "det(X)"

        [[identity]]
        name = "abs_inner_negative"
        vectors = { x = "n", y = "n" }
        lhs = "abs(x @ y) / (x @ y)"
        rhs = "1 + 0 * sum(x)"
        where = "x @ y < 0"
    ''')
    assert holds.verdict is Verdict.PROVED and holds.scope == "all sizes"
    assert fails.verdict is Verdict.REFUTED and wrong.verdict is Verdict.REFUTED
