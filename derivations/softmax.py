"""Question 1 (i)–(m): softmax invariances, the softmax and sigmoid Jacobians, vector–Jacobian products."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..identity import Correction, Derivation, Erratum, Expect, Identity
from . import numpy_impl as npi
from .vocabulary import G, X, c, i, j, k, m, n, sigmoid, softmax_entry, vector_sum

_a, _b = sp.symbols("a b", integer=True, nonnegative=True)
D = sp.IndexedBase("d", positive=True)


def S(at, dummy=k):
    """Entry `at` of softmax(x)."""
    return softmax_entry(X, at, dummy=dummy)


def _column(entry):
    """An n×1 matrix whose entry a is entry(a)."""
    return sp.FunctionMatrix(n, 1, sp.Lambda((_a, _b), entry(_a)))


def _matrix(entry):
    return sp.FunctionMatrix(n, n, sp.Lambda((_a, _b), entry(_a, _b)))


S_vec = _column(S)
G_vec = _column(lambda a: G[a])
softmax_jacobian = _matrix(lambda a, b: sp.Derivative(S(a), X[b]))
sigmoid_jacobian = _matrix(lambda a, b: sp.Derivative(sigmoid(X[a]), X[b]))


# SymPy's `a * b` and `a - b` on matrix expressions run doit() on everything inside: every symbolic
# sum is tried for a closed form (none is found: 2–20 ms each), every diag(·) asks whether its vector
# is already diagonal (an `ask` that first imports the SAT solver, 80 ms), every Derivative is taken;
# and a difference runs it again on the subtrahend when it puts the −1 back in front. The claims below
# are built from pieces already as doit() leaves them (S_vec, G_vec, diag(S_vec): unchanged; the
# Jacobians: differentiated once, _evaluated), by the last step of SymPy's construction alone: the
# same expressions at a fifth of the cost. tests/catalogue/test_softmax.py checks that they are the
# very expressions the operators build.
def _product(*factors):
    """`factors[0] * factors[1] * …`, for factors that doit() leaves unchanged."""
    return sp.MatMul(*factors).doit(deep=False)


def _transpose(product):
    """`product.T` for a product of factors that doit() leaves unchanged: the factors transposed in
    reverse order (SymPy's transpose of a product, without its doit() of every factor)."""
    return _product(*[f.T if isinstance(f, sp.MatrixExpr) else f for f in reversed(product.args)])


def _difference(a, b):
    """`a - b` for two different terms that doit() leaves unchanged, neither a sum nor a multiple of
    the other: −1·b, then the two terms in SymPy's canonical order (what MatAdd's canonical form
    makes of them, without the doit() of every term it runs when it rebuilds −1·b)."""
    return sp.MatAdd(*sorted((a, _product(sp.S.NegativeOne, b)), key=sp.default_sort_key))


def _evaluated(matrix):
    """What doit() makes of a matrix expression (the derivatives inside taken): once, then reused."""
    return matrix.doit()


_diag_S = sp.DiagMatrix(S_vec)  # doit() leaves it unchanged (n may be 1, so SymPy cannot simplify it)
_outer = _product(S_vec, S_vec.T)  # S(x)S(x)ᵀ
_J = _difference(_diag_S, _outer)  # diag(S(x)) − S(x)S(x)ᵀ, the claimed softmax Jacobian
_softmax_vjp = _product(_evaluated(softmax_jacobian).T, G_vec)  # (∂S(x)/∂x)ᵀ g
_sigmoid_vjp = _product(_evaluated(sigmoid_jacobian).T, G_vec)  # (∂σ(x)/∂x)ᵀ g
_diag_S_g = _product(_diag_S, G_vec)  # diag(S(x)) g
_S_dot_g = _product(S_vec, _product(S_vec.T, G_vec))  # S(x) (S(x)ᵀ g)


def _sigmoid_slope(at):
    return sigmoid(X[at]) * (1 - sigmoid(X[at]))


# A complex-step Jacobian is n×n and costs n complex evaluations of the function: 0.07 s a draw at
# n = 1000 against 0.3 ms at n = 100. Claims whose NumPy side is one are drawn up to n = 100
# (10⁴ entries a draw, planted ±700 included); O(n) sides still go to n = 1000.
JACOBIAN_SIZES = (1, 2, 3, 5, 8, 100)


def _softmax_jacobian_numpy(x):
    return npi.complex_step_jacobian(npi.softmax_analytic, x, rowwise=True)


def _sigmoid_jacobian_numpy(x):
    return npi.complex_step_jacobian(npi.sigmoid_analytic, x, rowwise=True)


softmax_mul_const = Identity(
    name="softmax_mul_const",
    source="Q1(i)",
    statement=r"\operatorname{softmax}(c\,x) = \operatorname{softmax}(x)",
    lhs=softmax_entry(X, i, scale=c),
    rhs=S(i),
    symbols=(c,),
    vectors=(X,),
    indices=(i,),
    size=n,
    expect=Expect.FAILS,
    numpy_lhs=lambda x, c: npi.softmax(c * x),
    numpy_rhs=lambda x, c: npi.softmax(x),
    notes=("Softmax is not invariant under scaling: the homework's claim, refuted with a counterexample.",),
)

softmax_zero_mul_eq_inv_card = Identity(
    name="softmax_zero_mul_eq_inv_card",
    source="Q1(i)",
    statement=r"\operatorname{softmax}(0\cdot x)_i = \tfrac{1}{n}",
    lhs=softmax_entry(X, i, scale=0),
    rhs=1 / n,
    vectors=(X,),
    indices=(i,),
    size=n,
    numpy_lhs=lambda x: npi.softmax(0.0 * x),
    numpy_rhs=lambda x: np.full(len(x), 1.0 / len(x)),
)


def _gapped(at, argmax):
    """x_at = −d_at for at ≠ argmax and 0 at the arg-max: every vector with a unique maximum, up to
    a translation (which softmax ignores: softmax_add_const)."""
    return -D[at] * (1 - sp.KroneckerDelta(at, argmax))


def _limit_onehot_numpy(d):
    """Column m: softmax(c·x) at a c so large that e^{-c·gap} underflows, x having its maximum at m."""
    size = len(d)
    columns = []
    for argmax in range(size):
        v = -np.asarray(d, dtype=float)
        v[argmax] = 0.0
        gap = np.min(np.delete(d, argmax)) if size > 1 else 1.0
        columns.append(npi.softmax(v * (2000.0 / gap)))
    return np.array(columns).T


softmax_mul_tendsto_onehot = Identity(
    name="softmax_mul_tendsto_onehot",
    source="Q1(i)",
    statement=r"\lim_{c\to\infty}\operatorname{softmax}(c\,x)_i = \mathbb{1}_{i = \arg\max x}"
    r"\quad(\text{unique maximum at } m)",
    lhs=sp.Limit(
        sp.exp(c * _gapped(i, m)) / vector_sum(sp.exp(c * _gapped(k, m))), c, sp.oo
    ),
    rhs=sp.KroneckerDelta(i, m),
    vectors=(D,),
    indices=(i, m),
    size=n,
    sizes=(1, 2, 3),
    numpy_lhs=_limit_onehot_numpy,
    numpy_rhs=lambda d: np.eye(len(d)),
    numeric_sizes=(1, 2, 3, 5, 8, 100),
    notes=(("Written with gaps d_k > 0 below the maximum x_m; a translation of x changes nothing "
           "(softmax_add_const). Proved entry by entry for n ≤ 3: each entry is a rational function of "
           "terms e^{-c·d_k} → 0, continuous where they are all 0 (checks/limits.py)."),),
)

softmax_add_const = Identity(
    name="softmax_add_const",
    source="Q1(j)",
    statement=r"\operatorname{softmax}(x + c) = \operatorname{softmax}(x)",
    lhs=softmax_entry(X, i, shift=c),
    rhs=S(i),
    symbols=(c,),
    vectors=(X,),
    indices=(i,),
    size=n,
    numpy_lhs=lambda x, c: npi.softmax(x + c),
    numpy_rhs=lambda x, c: npi.softmax(x),
    derivations=(
        Derivation(
            chain=(
                softmax_entry(X, i, shift=c),
                sp.exp(X[i]) * sp.exp(c) / vector_sum(sp.exp(X[k]) * sp.exp(c)),
                sp.exp(c) * sp.exp(X[i]) / (sp.exp(c) * vector_sum(sp.exp(X[k]))),
                S(i),
            ),
            written=(
                r"\frac{e^{x_i+c}}{\sum_j e^{x_j+c}}",
                r"\frac{e^{x_i}\cdot e^c}{\sum_j e^{x_j}\cdot e^c}",
                r"\frac{e^c\cdot e^{x_i}}{e^c\cdot\sum_j e^{x_j}}",
                r"\frac{e^{x_i}}{\sum_j e^{x_j}}",
            ),
        ),
    ),
)

_sum_exp = vector_sum(sp.exp(X[k]))

softmax_partial_eq_mul_delta_sub_mul = Identity(
    name="softmax_partial_eq_mul_delta_sub_mul",
    source="Q1(k)",
    statement=r"\frac{\partial S(x)_i}{\partial x_j} = S(x)_i\,\delta_{ij} - S(x)_i S(x)_j",
    lhs=sp.Derivative(S(i), X[j]),
    rhs=S(i) * sp.KroneckerDelta(i, j) - S(i) * S(j),
    vectors=(X,),
    indices=(i, j),
    size=n,
    numeric_sizes=JACOBIAN_SIZES,
    numpy_lhs=_softmax_jacobian_numpy,
    numpy_rhs=lambda x: npi.softmax(x)[:, None] * np.eye(len(x)) - np.outer(npi.softmax(x), npi.softmax(x)),
    numpy_primitive=npi.softmax,
    derivations=(
        Derivation(
            label="case i = j",
            where=sp.Eq(i, j),
            chain=(
                sp.Derivative(S(i), X[i]),
                sp.Derivative(sp.exp(X[i]) / _sum_exp, X[i]),
                1 / _sum_exp * sp.Derivative(sp.exp(X[i]), X[i]) + sp.exp(X[i]) * sp.Derivative(1 / _sum_exp, X[i]),
                sp.exp(X[i]) / _sum_exp - sp.exp(X[i]) * sp.exp(X[i]) / _sum_exp**2,
                S(i) - S(i) ** 2,
                S(i) - S(i) * S(i),
            ),
            written=(
                r"\frac{\partial S(x)_i}{\partial x_i}",
                r"\frac{\partial}{\partial x_i}\frac{e^{x_i}}{\sum_j e^{x_j}}",
                (r"\frac{1}{\sum_j e^{x_j}}\frac{\partial e^{x_i}}{\partial x_i}"
                r" + e^{x_i}\frac{\partial}{\partial x_i}\frac{1}{\sum_j e^{x_j}}"),
                r"\frac{e^{x_i}}{\sum_j e^{x_j}} - \frac{e^{x_i}e^{x_i}}{(\sum_j e^{x_j})^2}",
                r"S(x)_i - S(x)_i^2",
                r"S(x)_i - S(x)_i S(x)_i",
            ),
        ),
        Derivation(
            label="case i ≠ j",
            where=sp.Ne(i, j),
            chain=(
                sp.Derivative(S(i), X[i]),
                sp.Derivative(sp.exp(X[i]) / _sum_exp, X[i]),
                1 / _sum_exp * sp.Derivative(sp.exp(X[i]), X[j]) + sp.exp(X[i]) * sp.Derivative(1 / _sum_exp, X[j]),
                0 - sp.exp(X[i]) * sp.exp(X[j]) / _sum_exp**2,
                0 - S(i) * S(j),
            ),
            written=(
                r"\frac{\partial S(x)_i}{\partial x_i}",
                r"\frac{\partial}{\partial x_i}\frac{e^{x_i}}{\sum_j e^{x_j}}",
                (r"\frac{1}{\sum_j e^{x_j}}\frac{\partial e^{x_i}}{\partial x_j}"
                r" + e^{x_i}\frac{\partial}{\partial x_j}\frac{1}{\sum_j e^{x_j}}"),
                r"0 - \frac{e^{x_i}e^{x_j}}{(\sum_j e^{x_j})^2}",
                r"0 - S(x)_i S(x)_j",
            ),
        ),
    ),
    errata=(
        Erratum(
            derivation=1,
            wrong_links=(1,),
            corrections=(
                Correction(0, sp.Derivative(S(i), X[j]), r"\frac{\partial S(x)_i}{\partial x_j}"),
                Correction(1, sp.Derivative(sp.exp(X[i]) / _sum_exp, X[j]),
                           r"\frac{\partial}{\partial x_j}\frac{e^{x_i}}{\sum_j e^{x_j}}"),
            ),
            message=(
                "case i ≠ j differentiates with respect to x_i where x_j is meant: for i ≠ j, "
                "∂S_i/∂x_i = S_i − S_i², not −S_i S_j (index typo in the first two steps)"
            ),
        ),
    ),
)

softmax_jacobian_eq_diag_sub_outer = Identity(
    name="softmax_jacobian_eq_diag_sub_outer",
    source="Q1(l)",
    statement=r"\frac{\partial S(x)}{\partial x} = \operatorname{diag}(S(x)) - S(x)S(x)^\top",
    lhs=softmax_jacobian,
    rhs=_J,
    vectors=(X,),
    indices=(i, j),
    size=n,
    numeric_sizes=JACOBIAN_SIZES,
    numpy_lhs=_softmax_jacobian_numpy,
    numpy_rhs=npi.softmax_jacobian,
    numpy_primitive=npi.softmax,
    derivations=(
        Derivation(
            label="diagonal (i = j)",
            where=sp.Eq(i, j),
            chain=(sp.Derivative(S(i), X[i]), S(i) - S(i) * S(i)),
            written=(r"\left(\frac{\partial S(x)}{\partial x}\right)_{i=j}", r"S(x)_i - S(x)_i S(x)_j"),
        ),
        Derivation(
            label="off the diagonal (i ≠ j)",
            where=sp.Ne(i, j),
            chain=(sp.Derivative(S(i), X[j]), -S(i) * S(j)),
            written=(r"\left(\frac{\partial S(x)}{\partial x}\right)_{i\neq j}", r"-S(x)_i S(x)_j"),
        ),
        Derivation(
            label="matrix form",
            chain=(softmax_jacobian, _J),
            written=(r"\frac{\partial S(x)}{\partial x}", r"\operatorname{diag}(S(x)) - S(x)S(x)^\top"),
        ),
    ),
)

sigmoid_jacobian_eq_diag = Identity(
    name="sigmoid_jacobian_eq_diag",
    source="Q1(m)",
    statement=r"\frac{\partial \sigma(x)}{\partial x} = \operatorname{diag}\big(\sigma(x)\odot(1-\sigma(x))\big)",
    lhs=sigmoid_jacobian,
    rhs=sp.DiagMatrix(_column(_sigmoid_slope)),
    vectors=(X,),
    indices=(i, j),
    size=n,
    numeric_sizes=JACOBIAN_SIZES,
    numpy_lhs=_sigmoid_jacobian_numpy,
    numpy_rhs=lambda x: np.diag(npi.sigmoid_deriv(x)),
    numpy_primitive=npi.sigmoid,
    derivations=(
        Derivation(
            chain=(sigmoid_jacobian, _column(_sigmoid_slope)),
            written=(
                r"\frac{\partial y}{\partial x}",
                r"\begin{bmatrix}\sigma(x_1)(1-\sigma(x_1))\\ \vdots\\ \sigma(x_n)(1-\sigma(x_n))\end{bmatrix}",
            ),
        ),
    ),
    errata=(
        Erratum(
            wrong_links=(0,),
            corrections=(
                Correction(1, sp.DiagMatrix(_column(_sigmoid_slope)),
                           r"\operatorname{diag}\big(\sigma(x_1)(1-\sigma(x_1)),\dots,\sigma(x_n)(1-\sigma(x_n))\big)"),
            ),
            message=(
                "the n×n Jacobian is written as an n×1 column; it is the diagonal matrix with that column "
                "on its diagonal (the next line's product of two n×1 columns has no meaning either)"
            ),
        ),
    ),
)

sigmoid_vjp_eq_mul = Identity(
    name="sigmoid_vjp_eq_mul",
    source="Q1(m)",
    statement=r"\Big(\frac{\partial \sigma(x)}{\partial x}\Big)^{\!\top} g = \sigma(x)\odot(1-\sigma(x))\odot g",
    lhs=_sigmoid_vjp,
    rhs=_column(lambda a: _sigmoid_slope(a) * G[a]),
    vectors=(X, G),
    indices=(i,),
    size=n,
    numeric_sizes=JACOBIAN_SIZES,
    numpy_lhs=lambda x, g: _sigmoid_jacobian_numpy(x).T @ g,
    numpy_rhs=lambda x, g: npi.sigmoid_deriv(x) * g,
    numpy_primitive=lambda x, g: float(np.dot(g, npi.sigmoid(x))),
    derivations=(
        Derivation(
            chain=(
                _sigmoid_vjp,
                _column(lambda a: _sigmoid_slope(a) * G[a]),
            ),
            written=(
                r"\left(\frac{\partial y}{\partial x}\right)^\top \nabla_y L",
                r"\begin{bmatrix}\sigma(x_1)(1-\sigma(x_1))(\nabla_y L)_1\\ \vdots\end{bmatrix}",
            ),
        ),
    ),
)

softmax_vjp_eq_mul_sub = Identity(
    name="softmax_vjp_eq_mul_sub",
    source="Q1(m)",
    statement=r"\Big(\frac{\partial S(x)}{\partial x}\Big)^{\!\top} g = S(x)\odot g - S(x)\,(S(x)^\top g)",
    lhs=_softmax_vjp,
    rhs=_difference(_column(lambda a: S(a) * G[a]), _S_dot_g),
    vectors=(X, G),
    indices=(i,),
    size=n,
    numeric_sizes=JACOBIAN_SIZES,
    numpy_lhs=lambda x, g: _softmax_jacobian_numpy(x).T @ g,
    numpy_rhs=npi.softmax_vjp,
    numpy_primitive=lambda x, g: float(np.dot(g, npi.softmax(x))),
    derivations=(
        Derivation(
            chain=(
                _softmax_vjp,
                _product(_difference(_diag_S.T, _transpose(_outer)), G_vec),
                _product(_J, G_vec),
                _difference(_diag_S_g, _product(_outer, G_vec)),
                _difference(_diag_S_g, _S_dot_g),
            ),
            written=(
                r"\left(\frac{\partial y}{\partial x}\right)^\top \nabla_y L",
                r"\left(\operatorname{diag}(s) - ss^\top\right)^\top \nabla_y L",
                r"\left(\operatorname{diag}(s) - ss^\top\right) \nabla_y L",
                r"\operatorname{diag}(s)\nabla_y L - ss^\top \nabla_y L",
                r"\operatorname{diag}(s)\nabla_y L - s(s^\top \nabla_y L)",
            ),
        ),
    ),
    notes=(("The right-hand side costs O(n): one dot product sᵀg and two elementwise products; "
           "the left-hand side forms the n×n Jacobian."),),
)

IDENTITIES = (
    softmax_mul_const,
    softmax_zero_mul_eq_inv_card,
    softmax_mul_tendsto_onehot,
    softmax_add_const,
    softmax_partial_eq_mul_delta_sub_mul,
    softmax_jacobian_eq_diag_sub_outer,
    sigmoid_jacobian_eq_diag,
    sigmoid_vjp_eq_mul,
    softmax_vjp_eq_mul_sub,
)
