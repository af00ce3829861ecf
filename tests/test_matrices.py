"""Vectors and matrices in identity files: the examples, claims that hold only at some sizes, shapes.

Each test states a real outcome (verdict, scope, the sizes in a counterexample, a located message).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from qedcheck.checks import matrices
from qedcheck.checks.runner import verify_identity
from qedcheck.readers.expression import ExpressionError
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.readers.matrix_expression import parse_sized
from qedcheck.results import Verdict
from qedcheck.sized import Array, Declarations

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "matrices.toml"


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


ALL_SIZES = ["grad_least_squares", "grad_linear", "grad_quadratic_form", "grad_quadratic_form_symmetric",
             "grad_trace_mul", "jacobian_linear", "softmax_jacobian", "grad_logsumexp", "trace_mul_comm",
             "logistic_regression_grad", "grad_sum_sigmoid_layer"]
REFUTED = ["grad_quadratic_form_wrong", "grad_trace_mul_wrong", "transpose_mul_wrong", "det_add_wrong",
           "det_scale_wrong"]


@pytest.mark.parametrize("name", ALL_SIZES)
def test_examples_proved_for_all_sizes(example_results, name):
    result = example_results[name]
    assert result.ok and result.verdict is Verdict.PROVED, result.message
    assert result.scope == "all sizes"
    assert result.numeric.agrees and max(result.numeric.sizes) >= 20


@pytest.mark.parametrize("name", ["grad_log_abs_det", "inv_mul"])
def test_examples_with_det_or_inv_proved_up_to_a_size(example_results, name):
    result = example_results[name]
    assert result.ok and result.verdict is Verdict.PROVED, result.message
    assert result.scope.startswith("sizes ≤ ")
    assert int(result.scope.split("≤ ")[1]) >= 2


@pytest.mark.parametrize("name", REFUTED)
def test_false_examples_refuted_with_sizes_and_matrices(example_results, name):
    result = example_results[name]
    assert result.ok and result.verdict is Verdict.REFUTED
    point = result.counterexample.point
    assert "n" in point and 1 <= point["n"] <= matrices.MAX_CONFIRM_SIZE
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
        assert result.verdict is Verdict.PROVED and result.scope.startswith("sizes ≤ ")
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
    assert f"field '{field}'" in identity.error and "claims.toml:" in identity.error
    for word in words:
        assert word in identity.error
    assert verify_identity(identity).verdict is Verdict.ERROR


def test_parser_rejects_code_and_keeps_numbers_exact():
    n = sp.Symbol("n", integer=True, positive=True)
    declarations = Declarations({"n": n}, {}, {"x": Array("x", (n,))})
    for text in ("x.__class__", "(lambda: 1)()", "x[::2]", "[x]", "'a'", "x if x else x"):
        with pytest.raises(ExpressionError):
            parse_sized(text, declarations)
    tree = parse_sized("0.1 * x", declarations)
    assert tree.args[0].value == sp.Rational(1, 10)
