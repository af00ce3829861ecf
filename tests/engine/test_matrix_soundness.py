"""Vectors and matrices are held to the scalar rules: kinks of derivatives and points where one side
is undefined are decided entry by entry, never proved through SymPy's conventions or cancellations.

Each claim below is false (or true) for the same reason as its scalar version, which the scalar path
refutes (or proves); the sized path must never prove what the scalar path would refute.
"""

from __future__ import annotations

import textwrap

import pytest
from qedcheck.checks.matrix import matrices
from qedcheck.checks.runner import verify_identity
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.results import Verdict


def _one(tmp_path, body: str):
    path = tmp_path / "claims.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    loaded = load_identity_file(path)
    assert not loaded.errors, loaded.errors
    (identity,) = loaded.identities
    return verify_identity(identity)


def _claim(tmp_path, declaration: str, lhs: str, rhs: str, where: str = ""):
    where_line = f'where = "{where}"\n' if where else ""
    return _one(tmp_path, f'[[identity]]\nname = "claim"\n{declaration}\nlhs = "{lhs}"\nrhs = "{rhs}"\n{where_line}')


# Each of these was `proved` (or `numeric-only`) before: SymPy cancelled a denominator while building
# an entry, or differentiated through a kink by convention.
FALSE = [
    # a cancelled denominator: the lhs has no value where an entry of y is 0, the rhs has one
    ('vectors = { x = "n", y = "n" }', "x * y / y", "x"),
    ('vectors = { x = "n", y = "n" }', "sum(x * y / y)", "sum(x)"),
    ('vectors = { x = "n" }', "(x**2 - 1) / (x - 1)", "x + 1"),
    ('vectors = { x = "n" }\nsymbols = { c = "real" }', "c * x / c", "x"),
    ('vectors = { x = "n" }', "log(x) - log(x) + x", "x"),
    ('vectors = { x = "n" }', "(x @ x) / (x @ x)", "1"),
    ('vectors = { x = "n" }', "exp(log(x))", "x"),
    ('matrices = { A = "n x n" }', "inv(A) @ A", "eye(n)"),
    # derivatives at kinks: SymPy's sign(0) = 0 and Heaviside(0) = 1/2 are conventions, not derivatives
    ('vectors = { x = "n" }', "grad(sum(sqrt(x**2)), x)", "sign(x)"),
    ('vectors = { x = "n" }', "grad(sum(relu(x)), x)", "Heaviside(x)"),
    ('vectors = { x = "n" }', "jacobian(abs(x), x)", "diag(sign(x))"),
    ('vectors = { x = "n" }\nmatrices = { W = "m x n" }', "grad(sum(relu(W @ x)), W)", "outer(Heaviside(W @ x), x)"),
    # no derivative where the function has no value (SymPy differentiates nan to 0)
    ('vectors = { x = "n", y = "n" }', "grad(sum(x * y / y), x)", "ones(n)"),
    ('vectors = { x = "n" }', "norm(x) / norm(x)", "1"),
]


@pytest.mark.parametrize("declaration, lhs, rhs", FALSE)
def test_false_claims_are_refuted_at_the_point_like_their_scalar_versions(tmp_path, declaration, lhs, rhs):
    result = _claim(tmp_path, declaration, lhs, rhs)
    assert result.verdict is Verdict.REFUTED, (result.verdict, result.strategy, result.message)
    point = result.counterexample.point
    assert "n" in point, point  # the sizes are part of the point


TRUE = [
    # the same claims on a domain that excludes the special points: proved
    ('vectors = { x = "n", y = "n nonzero" }', "x * y / y", "x", "", "all sizes"),
    ('matrices = { A = "n x n invertible" }', "inv(A) @ A", "eye(n)", "", ""),
    ('vectors = { x = "n" }', "(x @ x) / (x @ x)", "1", "x @ x != 0", "all sizes"),
    ('vectors = { x = "n positive" }', "exp(log(x))", "x", "", "all sizes"),
    # neither side has a value where an entry of y is 0: the claim says nothing there
    ('vectors = { x = "n", y = "n" }', "x / y", "x * (1 / y)", "", ""),
    # a single entry of x / y is undefined only where its own y[0] is 0 (NumPy's meaning, entry by entry)
    ('vectors = { x = "n", y = "n" }', "(x / y)[0]", "x[0] / y[0]", "", ""),
]


@pytest.mark.parametrize("declaration, lhs, rhs, where, scope", TRUE)
def test_true_claims_with_special_points_are_proved(tmp_path, declaration, lhs, rhs, where, scope):
    result = _claim(tmp_path, declaration, lhs, rhs, where)
    assert result.verdict is Verdict.PROVED, (result.verdict, result.strategy, result.message)
    assert result.scope == scope or (not scope and result.scope), result.scope


NEVER_REFUTED = [
    # both sides are undefined at x = 0 (no derivative there; 0/0): true wherever it says anything
    ('vectors = { x = "n" }', "grad(norm(x), x)", "x / norm(x)"),
    # both sides are derivatives of a function with no value where an entry of y is 0
    ('vectors = { x = "n", y = "n" }', "grad(sum(x * y / y), x)", "grad(sum(x * y / y + x), x) - 1"),
    ('vectors = { x = "n" }', "sqrt(x**2)", "abs(x)"),
]


@pytest.mark.parametrize("declaration, lhs, rhs", NEVER_REFUTED)
def test_true_claims_are_never_refuted(tmp_path, declaration, lhs, rhs):
    result = _claim(tmp_path, declaration, lhs, rhs)
    assert result.verdict in (Verdict.PROVED, Verdict.NUMERIC_ONLY), (result.verdict, result.message)


def test_a_kink_refutation_shows_the_point_and_the_values(tmp_path):
    result = _claim(tmp_path, 'vectors = { x = "n" }', "grad(sum(relu(x)), x)", "Heaviside(x)")
    assert result.strategy == "kink"
    assert result.counterexample.point["n"] == 1 and result.counterexample.point["x"] == "[0]"
    assert "undefined" in result.counterexample.lhs and result.counterexample.rhs == "1/2"


# --- the numeric check: a draw where one side is undefined and the other is not --------------------

def _sides(tmp_path, declaration: str, lhs: str, rhs: str):
    path = tmp_path / "claims.toml"
    path.write_text(f'[[identity]]\nname = "claim"\n{declaration}\nlhs = "{lhs}"\nrhs = "{rhs}"\n', encoding="utf-8")
    (identity,) = load_identity_file(path).identities
    return matrices.sides(identity.matrix)


def test_numeric_one_side_undefined_is_a_counterexample(tmp_path):
    outcome = matrices.numeric_check(_sides(tmp_path, 'vectors = { x = "n", y = "n" }', "x * y / y", "x"))
    assert outcome.counterexample is not None
    assert "undefined" in outcome.counterexample.lhs and "undefined" not in outcome.counterexample.rhs


def test_numeric_a_complex_side_against_a_real_one_is_a_counterexample(tmp_path):
    outcome = matrices.numeric_check(_sides(tmp_path, 'vectors = { x = "n" }', "log(x)", "log(abs(x))"))
    assert outcome.counterexample is not None, outcome


@pytest.mark.parametrize("declaration, lhs, rhs", [
    ('vectors = { x = "n" }', "log(x**2)", "2 * log(x)"),  # 2 log x = 2 log|x| + 2πi for x < 0
    ('vectors = { x = "n", y = "n" }', "sqrt(x * y)", "sqrt(x) * sqrt(y)"),  # 1 against i·i = −1
    ('vectors = { x = "n" }', "sqrt(x)", "sqrt(x) * sign(x)"),  # i√2 against −i√2 at x = −2: both nan in NumPy
])
def test_complex_values_refute_like_scalar_claims(tmp_path, declaration, lhs, rhs):
    """Both were numeric-only: NumPy's real arithmetic gives nan on both sides, and such draws were dropped."""
    result = _claim(tmp_path, declaration, lhs, rhs)
    assert result.verdict is Verdict.REFUTED, result.message


def test_numeric_both_sides_undefined_is_no_counterexample(tmp_path):
    outcome = matrices.numeric_check(_sides(tmp_path, 'vectors = { x = "n", y = "n" }', "x / y", "x * (1 / y)"))
    assert outcome.counterexample is None and outcome.agrees, outcome


# --- one side undefined, in the scalar and the vector (indexed) numeric paths ----------------------

def test_scalar_a_convention_at_a_kink_is_no_value(tmp_path):
    """d|x|/dx = x/|x| holds wherever it says anything: at 0 neither side has a value. SymPy's formula
    sign(x) is 0 there by convention, which made the numbers refute a true claim."""
    result = _one(tmp_path, '''
        [[identity]]
        name = "abs_derivative"
        symbols = { x = "real" }
        lhs = "diff(Abs(x), x)"
        rhs = "x / Abs(x)"
    ''')
    assert result.verdict is not Verdict.REFUTED, result.message


def test_scalar_a_twice_cancelled_denominator_is_kept(tmp_path):
    result = _one(tmp_path, '''
        [[identity]]
        name = "twice_cancelled"
        symbols = { x = "real", y = "real" }
        lhs = "x*y/y - x*y/y"
        rhs = "0"
    ''')
    assert result.verdict is Verdict.REFUTED and float(result.counterexample.point["y"]) == 0, result.message


def _vector_sides(lhs, rhs):
    import sympy as sp
    from qedcheck.checks.numeric import _ExplicitSides
    from qedcheck.identity import Identity

    n = sp.Symbol("n", integer=True, positive=True)
    i = sp.Symbol("i", integer=True, nonnegative=True)
    x = sp.IndexedBase("x", real=True)
    identity = Identity(name="claim", source="test", statement="", lhs=lhs(x, i), rhs=rhs(x, i), symbols=(),
                        vectors=(x,), indices=(i,), size=n)
    return _ExplicitSides(identity, identity.lhs, identity.rhs)


def test_vector_one_side_undefined_is_a_counterexample():
    from qedcheck.checks.sampling import VectorDraw

    sides = _vector_sides(lambda x, i: (x[i]**2 - 1) / (x[i] - 1), lambda x, i: x[i] + 1)
    agree, lefts, rights = sides.settle(VectorDraw(2, {"x": [1.0, 2.0]}))
    assert agree is False and lefts[0] is None and rights[0] is not None


def test_vector_both_sides_undefined_is_no_counterexample():
    from qedcheck.checks.sampling import VectorDraw

    sides = _vector_sides(lambda x, i: 1 / (x[i] - 1), lambda x, i: 2 / (2 * x[i] - 2))
    agree, _, _ = sides.settle(VectorDraw(2, {"x": [1.0, 2.0]}))
    assert agree is True


# --- poles off the real line: a root of a negative number makes them real points ----------------

POLES = [
    # tanh(√x) has a pole at x = −π²/4 (cosh(iπ/2) = 0), where the rhs is sinh(iπ/2) = i
    ("tanh(sqrt(x)) * cosh(sqrt(x))", "sinh(sqrt(x))"),
    # sigmoid(√x) has a pole at x = −π² (1 + e^{−iπ} = 0); SymPy's solveset over the reals misses it
    ("sigmoid(sqrt(x)) * (1 + exp(-sqrt(x)))", "1 + 0 * x"),
]


@pytest.mark.parametrize("lhs, rhs", POLES)
def test_poles_of_complex_intermediates_block_the_proof(tmp_path, lhs, rhs):
    scalar = _claim(tmp_path, 'symbols = { x = "real" }', lhs, rhs.replace(" + 0 * x", ""))
    vector = _claim(tmp_path, 'vectors = { x = "n" }', lhs, rhs)
    assert scalar.verdict is not Verdict.PROVED and vector.verdict is not Verdict.PROVED, (scalar.message,
                                                                                          vector.message)


def test_scalar_a_derivative_where_the_function_has_no_value(tmp_path):
    """d/dx (x·y/y) = 1 fails at y = 0: refuted there with x given a value (an engine fault before:
    the concrete point was substituted into the derivative's variable)."""
    result = _one(tmp_path, '''
        [[identity]]
        name = "derivative_of_cancelled"
        symbols = { x = "real", y = "real" }
        lhs = "diff(x*y/y, x)"
        rhs = "1"
    ''')
    assert result.verdict is Verdict.REFUTED, result.message
    assert float(result.counterexample.point["y"]) == 0 and result.counterexample.lhs == "undefined"
