"""Question 1 (g)–(h): gradients of the squared Euclidean norm and of the ℓ1 norm."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..identity import Derivation, Expect, Identity
from . import numpy_impl as npi
from .vocabulary import X, i, k, n, vector_sum

_h = sp.Symbol("h", real=True)


def _delta_sum(term_of_k):
    """Σ_k e_k-style sum written entrywise: entry i of Σ_k e_k·t_k is Σ_k δ_ik t_k."""
    return vector_sum(sp.KroneckerDelta(i, k) * term_of_k)


grad_sq_norm_eq_two_mul = Identity(
    name="grad_sq_norm_eq_two_mul",
    source="Q1(g)",
    statement=r"\nabla_x \|x\|_2^2 = 2x",
    lhs=sp.Derivative(vector_sum(X[k] ** 2), X[i]),
    rhs=2 * X[i],
    vectors=(X,),
    indices=(i,),
    size=n,
    numpy_lhs=lambda x: npi.complex_step_jacobian(lambda v: np.sum(v * v, axis=-1), x, rowwise=True),
    numpy_rhs=lambda x: 2.0 * x,
    numpy_primitive=lambda x: np.sum(x * x),
    derivations=(
        Derivation(
            chain=(sp.Derivative(vector_sum(X[k] ** 2), X[i]), 2 * X[i]),
            written=(r"\frac{\partial \sum_k x_k^2}{\partial x_i}", r"2x_i"),
        ),
    ),
)

grad_l1_norm_eq_sign = Identity(
    name="grad_l1_norm_eq_sign",
    source="Q1(h)",
    statement=r"\nabla_x \|x\|_1 = \operatorname{sign}(x) \quad (x_i \neq 0)",
    lhs=sp.Derivative(vector_sum(sp.Abs(X[k])), X[i]),
    rhs=sp.sign(X[i]),
    vectors=(X,),
    indices=(i,),
    size=n,
    where=sp.Ne(X[k], 0),
    # the homework's own form x_i/|x_i|, as a practitioner would write the gradient
    numpy_lhs=lambda x: x / np.abs(x),
    numpy_rhs=lambda x: np.sign(x),
    numpy_primitive=lambda x: np.sum(np.abs(x)),
    derivations=(
        Derivation(
            chain=(
                sp.Derivative(vector_sum(sp.Abs(X[k])), X[i]),
                _delta_sum(sp.Derivative(sp.Abs(X[k]), X[k])),
                _delta_sum(X[k] / sp.Abs(X[k])),
                X[i] / sp.Abs(X[i]),
                sp.sign(X[i]),
            ),
            written=(
                r"\frac{\partial \sum_k |x_k|}{\partial x_i}",
                r"\Big(\sum_k e_k \frac{\partial |x_k|}{\partial x_k}\Big)_i",
                r"\Big(\sum_k e_k \frac{x_k}{|x_k|}\Big)_i",
                r"\frac{x_i}{|x_i|}",
                r"\operatorname{sign}(x_i)",
            ),
        ),
    ),
    notes=(
        ("At x_i = 0 the ℓ1 norm has no partial derivative (one-sided slopes −1 and 1, see "
        "abs_not_differentiable_at_zero); sign(0) = 0 is one valid subgradient, any value in [−1, 1] is."),
    ),
)

abs_not_differentiable_at_zero = Identity(
    name="abs_not_differentiable_at_zero",
    source="Q1(h)",
    statement=r"\lim_{h\to 0^-}\frac{|h|}{h} = \lim_{h\to 0^+}\frac{|h|}{h}",
    lhs=sp.Limit(sp.Abs(_h) / _h, _h, 0, "-"),
    rhs=sp.Limit(sp.Abs(_h) / _h, _h, 0, "+"),
    expect=Expect.FAILS,
    notes=("The one-sided slopes of |x| at 0 are −1 and 1: no derivative exists there.",),
)

IDENTITIES = (grad_sq_norm_eq_two_mul, grad_l1_norm_eq_sign, abs_not_differentiable_at_zero)
