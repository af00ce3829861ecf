"""Question 1's matrix claims are built without SymPy's operators (whose doit() costs the catalogue's
build 0.1 s): they must be the very expressions the operators build, so that every engine sees, and
every cached result is keyed by, exactly what the homework's formulas say."""

import sympy as sp
from qedcheck.derivations import softmax as sm


def _by_operators():
    S, G = sm.S_vec, sm.G_vec
    J = sp.DiagMatrix(S) - S * S.T
    return {
        "_outer": S * S.T,
        "_J": J,
        "_softmax_vjp": sm.softmax_jacobian.T * G,
        "_sigmoid_vjp": sm.sigmoid_jacobian.T * G,
        "_diag_S_g": sp.DiagMatrix(S) * G,
        "_S_dot_g": S * (S.T * G),
        "vjp rhs": sm._column(lambda a: sm.S(a) * sm.G[a]) - S * (S.T * G),
        "J.T g": J.T * G,
        "J g": J * G,
        "diag(S) g - S Sᵀ g": sp.DiagMatrix(S) * G - (S * S.T) * G,
        "diag(S) g - S (Sᵀ g)": sp.DiagMatrix(S) * G - S * (S.T * G),
    }


def test_the_cheap_construction_builds_what_the_operators_build():
    chain = sm.softmax_vjp_eq_mul_sub.derivations[0].chain
    built = {
        "_outer": sm._outer, "_J": sm._J, "_softmax_vjp": sm._softmax_vjp, "_sigmoid_vjp": sm._sigmoid_vjp,
        "_diag_S_g": sm._diag_S_g, "_S_dot_g": sm._S_dot_g, "vjp rhs": sm.softmax_vjp_eq_mul_sub.rhs,
        "J.T g": chain[1], "J g": chain[2], "diag(S) g - S Sᵀ g": chain[3], "diag(S) g - S (Sᵀ g)": chain[4],
    }
    for name, expected in _by_operators().items():
        assert sp.srepr(built[name]) == sp.srepr(expected), name


def test_the_pieces_are_what_doit_leaves_them():
    for piece in (sm.S_vec, sm.G_vec, sm._diag_S):
        assert piece.doit() == piece
    assert sm.sigmoid_vjp_eq_mul.lhs == sm.sigmoid_vjp_eq_mul.derivations[0].chain[0] == sm._sigmoid_vjp
