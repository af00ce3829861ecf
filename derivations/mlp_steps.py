"""Question d (g)–(p) as the homework writes them: chain-rule steps one layer at a time, with errata.

Each step takes the gradient arriving from above as given. The loss above a layer is therefore
written as L = Σ_k δ_k u_k, u being the layer's output and δ_k free symbols: then ∂L/∂u_k = δ_k
exactly, and every chain-rule step is linear in δ, so nothing about the real loss is lost (the
identities in mlp.py check the same gradients against the full loss). Sizes are 2, entries fixed
(k = 0, j = 1) where the homework writes one entry.
"""

from __future__ import annotations

import sympy as sp

from ..identity import Correction, Derivation, Erratum, Identity
from .mlp_network import _symbols

D = sp.Derivative
_delta = _symbols("delta", 2)   # ∂L/∂oᵃ
_gamma = _symbols("gamma", 2)   # ∂L/∂hˢ (in l) or ∂L/∂hᵃ (in n, o, p)
_hs, _ha, _x = _symbols("hs", 2), _symbols("ha", 2), _symbols("x", 2)
_W1, _b1 = _symbols("W1", 2, 2), _symbols("b1", 2)
_W2, _b2 = _symbols("W2", 2, 2), _symbols("b2", 2)

_oa = _W2 * _hs + _b2
_top = sum(dk * ok for dk, ok in zip(_delta, _oa))          # L as seen from oᵃ
_hidden = _W1 * _x + _b1
_bottom = sum(gj * hj for gj, hj in zip(_gamma, _hidden))    # L as seen from hᵃ (n, o, p)
_sine = sum(gj * sp.sin(hj) for gj, hj in zip(_gamma, _ha))  # L as seen from hˢ = sin(hᵃ) (l)


def _free(*exprs) -> tuple:
    found = set().union(*(sp.sympify(e).free_symbols for e in exprs))
    return tuple(sorted(found, key=str))


# --------------------------------------------------------------------------------------------- (g)
_s = sp.Matrix(2, 1, lambda r, _: sp.Symbol(f"os_{r}", positive=True))
_y = 1  # the last class: the corner entries of the written Jacobian matter
_onehot = sp.Matrix([0, 1])
_upstream = sp.Matrix([0, -1 / _s[1]])                       # ∂L/∂oˢ
_jacobian = sp.diag(*_s) - _s * _s.T                          # Q1(l)
_written_first = sp.Matrix([[_s[0] * _s[0], _s[0] * _s[1]], [-_s[1] * _s[0], _s[1] * _s[1]]])
_written_second = sp.Matrix([[_s[0] - _s[0] * _s[0], _s[0] * _s[1]], [-_s[1] * _s[0], _s[1] - _s[1] * _s[1]]])

grad_output_act_steps = Identity(
    name="chain_grad_output_act_eq_softmax_sub_onehot",
    source="Qd(g)",
    statement=(r"\frac{\partial L}{\partial o^a} = \Big(\frac{\partial o^s}{\partial o^a}\Big)^{\!\top}"
               r"\frac{\partial L}{\partial o^s} = o^s - \operatorname{onehot}_m(y)\quad(m = 2,\ y = 2)"),
    lhs=_jacobian.T * _upstream,
    rhs=_s - _onehot,
    symbols=tuple(_s),
    derivations=(
        Derivation(
            label="∂L/∂oˢ",
            chain=(sp.Matrix([D(-sp.log(_s[_y]), v) for v in _s]), sp.Matrix([-1 / v for v in _s]) - _onehot,
                   _upstream),
            written=(r"-\frac{\partial \log o^s_y}{\partial o^s}",
                     r"\begin{bmatrix}-1/o^s_1\\ \vdots\\ -1/o^s_m\end{bmatrix} - \begin{bmatrix}0\\ \vdots\\ 1\end{bmatrix}",
                     r"\begin{bmatrix}0\\ \vdots\\ -1/o^s_y\end{bmatrix}"),
        ),
        Derivation(
            label="∂oˢ/∂oᵃ, first display",
            chain=(_jacobian, _written_first),
            written=(r"\operatorname{diag}(o^s) - o^s{o^s}^\top\ \text{(Q1(l))}",
                     r"\begin{bmatrix}o^s_1 = o^s_1o^s_1 & o^s_1o^s_m\\ -o^s_mo^s_1 & o^s_mo^s_m\end{bmatrix}"),
        ),
        Derivation(
            label="∂L/∂oᵃ, the product",
            chain=(_jacobian.T * _upstream, _written_second * _upstream, sp.Matrix([_s[0], _s[1] - 1]), _s - _onehot),
            written=(r"\frac{\partial L}{\partial o^s}\frac{\partial o^s}{\partial o^a}",
                     (r"\begin{bmatrix}o^s_1 - o^s_1o^s_1 & o^s_1o^s_m\\ -o^s_mo^s_1 & o^s_m - o^s_mo^s_m\end{bmatrix}"
                     r"\begin{bmatrix}0\\ -1/o^s_y\end{bmatrix}"),
                     r"\begin{bmatrix}o^s_1\\ o^s_y - 1\end{bmatrix}", r"o^s - \operatorname{onehot}_m(y)"),
        ),
    ),
    errata=(
        Erratum(
            derivation=0,
            wrong_links=(0, 1),
            corrections=(Correction(1, sp.Matrix([-sp.Mul(0, 1 / _s[0], evaluate=False), -1 / _s[1]]),
                                    r"-\tfrac{1}{o^s}\odot\operatorname{onehot}_m(y)"),),
            message=("∂(−log oˢ_y)/∂oˢ is −(1/oˢ) ⊙ onehot(y) (elementwise product), not −1/oˢ − onehot(y): "
                     "the written difference is not the stated vector [0, …, −1/oˢ_y, …, 0] either"),
        ),
        Erratum(
            derivation=1,
            wrong_links=(0,),
            corrections=(Correction(1, _jacobian,
                                    r"\begin{bmatrix}o^s_1 - o^s_1o^s_1 & -o^s_1o^s_m\\ -o^s_mo^s_1 & o^s_m - o^s_mo^s_m\end{bmatrix}"),),
            message=("the diagonal entries are oˢ_i − oˢ_i oˢ_i (written 'oˢ₁ = oˢ₁oˢ₁' and oˢ_m oˢ_m) and the "
                     "off-diagonal ones −oˢ_i oˢ_j (the top-right corner lost its minus sign)"),
        ),
        Erratum(
            derivation=2,
            wrong_links=(0, 1),
            corrections=(Correction(1, _jacobian.T * _upstream,
                                    r"\begin{bmatrix}o^s_1 - o^s_1o^s_1 & -o^s_1o^s_m\\ \dots\end{bmatrix}"
                                    r"\begin{bmatrix}0\\ -1/o^s_y\end{bmatrix}"),),
            message=("the Jacobian in the product still has +oˢ₁oˢ_m in its top-right corner; with it the first "
                     "entry is −oˢ₁, not the oˢ₁ written next (right only with −oˢ₁oˢ_m)"),
        ),
    ),
)

# ------------------------------------------------------------------------------------- (h), (i)
grad_w2_b2_steps = Identity(
    name="chain_grad_w2_b2_eq_upstream",
    source="Qd(h)",
    statement=(r"\frac{\partial L}{\partial w^{(2)}_{kj}} = \frac{\partial L}{\partial o^a_k} h^s_j,\quad"
               r"\frac{\partial L}{\partial b^{(2)}_k} = \frac{\partial L}{\partial o^a_k}\quad(k = 1,\ j = 2)"),
    lhs=sp.Matrix([D(_top, _W2[0, 1]), D(_top, _b2[0])]),
    rhs=sp.Matrix([_delta[0] * _hs[1], _delta[0]]),
    symbols=_free(_top),
    derivations=(
        Derivation(
            label="① ∂oᵃ_k/∂w_kj",
            chain=(D(_oa[0], _W2[0, 1]), D(_W2[0, 0] * _hs[0] + _W2[0, 1] * _hs[1], _W2[0, 1]) + D(_b2[0], _W2[0, 1]),
                   _hs[1]),
            written=(r"\frac{\partial o^a_k}{\partial w^{(2)}_{kj}}",
                     r"\frac{\partial w^{(2)}_k h^s}{\partial w^{(2)}_{kj}} + \frac{\partial b^{(2)}_k}{\partial w^{(2)}_j}",
                     r"h^s_j"),
        ),
        Derivation(
            label="② ∂L/∂w_kj",
            chain=(D(_top, _W2[0, 1]), _delta[0] * D(_oa[0], _W2[0, 1]), _delta[0] * _hs[1]),
            written=(r"\frac{\partial L}{\partial w^{(2)}_{kj}}",
                     r"\frac{\partial L}{\partial o^a_k}\frac{\partial o^a_k}{\partial w^{(2)}_{kj}}",
                     r"\frac{\partial L}{\partial o^a_k} h^s_j"),
        ),
        Derivation(
            label="④ ∂L/∂b_k",
            chain=(D(_top, _b2[0]), _delta[0] * D(_oa[0], _b2[0]), _delta[0] * _hs[1]),
            written=(r"\frac{\partial L}{\partial b^{(2)}_k}",
                     r"\frac{\partial L}{\partial o^a_k}\frac{\partial o^a_k}{\partial b^{(2)}_k}",
                     r"\frac{\partial L}{\partial o^a_k}\times(①)"),
        ),
    ),
    errata=(
        Erratum(
            derivation=2,
            wrong_links=(1,),
            corrections=(Correction(2, _delta[0] * 1, r"\frac{\partial L}{\partial o^a_k}\times(③) = "
                                    r"\frac{\partial L}{\partial o^a_k}"),),
            message="∂L/∂b_k multiplies by ③ = ∂oᵃ_k/∂b_k = 1, not by ① = h^s_j",
        ),
    ),
    notes=("In ① the homework writes ∂b_k/∂w_j for ∂b_k/∂w_kj: a notation slip with no effect (both are 0).",),
)

# ------------------------------------------------------------------------------------------- (j)
grad_hidden_steps = Identity(
    name="chain_grad_hidden_eq_sum_upstream_mul_w2",
    source="Qd(j)",
    statement=r"\frac{\partial L}{\partial h^s_j} = \sum_{k=1}^m \frac{\partial L}{\partial o^a_k} W^{(2)}_{kj}\quad(j = 2)",
    lhs=D(_top, _hs[1]),
    rhs=sum(_delta[k] * _W2[k, 1] for k in range(2)),
    symbols=_free(_top),
    derivations=(
        Derivation(
            chain=(D(_top, _hs[1]), sum(_delta[k] * D(_oa[k], _hs[1]) for k in range(2)),
                   sum(_delta[k] * _W2[k, 1] for k in range(2))),
            written=(r"\frac{\partial L}{\partial h^s_j}",
                     r"\sum_k \frac{\partial L}{\partial o^a_k}\frac{\partial o^a_k}{\partial h^s_j}",
                     r"\sum_k \frac{\partial L}{\partial o^a_k} W^{(2)}_{kj}"),
        ),
    ),
)

# ------------------------------------------------------------------------------------------- (l)
grad_hidden_act_steps = Identity(
    name="chain_grad_hidden_act_eq_mul_cos",
    source="Qd(l)",
    statement=r"\frac{\partial L}{\partial h^a_j} = \frac{\partial L}{\partial h^s_j}\cos(h^a_j)\quad(j = 1)",
    lhs=D(_sine, _ha[0]),
    rhs=_gamma[0] * sp.cos(_ha[0]),
    symbols=_free(_sine),
    derivations=(
        Derivation(
            chain=(D(_sine, _ha[0]), _gamma[0] * D(sp.sin(_ha[0]), _ha[0]), _gamma[0] * sp.cos(_ha[0])),
            written=(r"\frac{\partial L}{\partial h^a_j}", r"\frac{\partial L}{\partial h^s_j}\frac{\partial h^s_j}{\partial h^a_j}",
                     r"\frac{\partial L}{\partial h^s_j}\cos(h^a_j)"),
        ),
    ),
)

# ------------------------------------------------------------------------------------------- (n)
_w_kj = _W1[0, 1]  # k = 1, j = 2 in the homework's 1-based indices
grad_w1_b1_steps = Identity(
    name="chain_grad_w1_b1_eq_upstream_mul_input",
    source="Qd(n)",
    statement=(r"\frac{\partial L}{\partial w^{(1)}_{kj}} = \frac{\partial L}{\partial h^a_k} x_j,\quad"
               r"\frac{\partial L}{\partial b^{(1)}_j} = \frac{\partial L}{\partial h^a_j}\quad(k = 1,\ j = 2)"),
    lhs=sp.Matrix([D(_bottom, _w_kj), D(_bottom, _b1[1])]),
    rhs=sp.Matrix([_gamma[0] * _x[1], _gamma[1]]),
    symbols=_free(_bottom),
    derivations=(
        Derivation(
            label="∂L/∂w_kj",
            chain=(D(_bottom, _w_kj), _gamma[0] * D(_hidden[0], _w_kj), _x[1]),
            written=(r"\frac{\partial L}{\partial w^{(1)}_{kj}}",
                     r"\frac{\partial L}{\partial h^a_k}\frac{\partial h^a_k}{\partial w^{(1)}_{kj}}", r"x_j"),
        ),
        Derivation(
            label="∂L/∂b_j",
            chain=(D(_bottom, _b1[1]), _gamma[1] * D(_hidden[1], _b1[1]), sp.Integer(1)),
            written=(r"\frac{\partial L}{\partial b^{(1)}_j}",
                     r"\frac{\partial L}{\partial h^a_j}\frac{\partial h^a_j}{\partial b^{(1)}_j}", r"1"),
        ),
        Derivation(
            label="we have: ∂L/∂w_kj",
            chain=(D(_bottom, _w_kj), _gamma[1] * _x[1]),
            written=(r"\frac{\partial L}{\partial w^{(1)}_{kj}}", r"\frac{\partial L}{\partial h^a_j} x_j"),
        ),
        Derivation(
            label="we have: ∂L/∂b_j",
            chain=(D(_bottom, _b1[1]), _gamma[1]),
            written=(r"\frac{\partial L}{\partial b^{(1)}_j}", r"\frac{\partial L}{\partial h^a_j}"),
        ),
    ),
    errata=(
        Erratum(
            derivation=0,
            wrong_links=(1,),
            corrections=(Correction(2, _gamma[0] * _x[1], r"\frac{\partial L}{\partial h^a_k} x_j"),),
            message="the chain rule's product ends in x_j alone: the factor ∂L/∂hᵃ_k is dropped (only ∂hᵃ_k/∂w_kj = x_j)",
        ),
        Erratum(
            derivation=1,
            wrong_links=(1,),
            corrections=(Correction(2, _gamma[1] * 1, r"\frac{\partial L}{\partial h^a_j}\cdot 1"),),
            message="∂L/∂b_j ends in 1: the factor ∂L/∂hᵃ_j is dropped (only ∂hᵃ_j/∂b_j = 1)",
        ),
        Erratum(
            derivation=2,
            wrong_links=(0,),
            corrections=(Correction(1, _gamma[0] * _x[1], r"\frac{\partial L}{\partial h^a_k} x_j"),),
            message="∂L/∂w_kj = ∂L/∂hᵃ_k x_j: the row index is k, the homework writes ∂L/∂hᵃ_j (k and j swapped)",
        ),
    ),
)

# ------------------------------------------------------------------------------------------- (o)
_grad_W1 = _W1.applyfunc(lambda w: D(_bottom, w))
_grad_b1 = _b1.applyfunc(lambda b: D(_bottom, b))
grad_w1_b1_matrix_steps = Identity(
    name="chain_grad_w1_eq_upstream_mul_input_transpose",
    source="Qd(o)",
    statement=(r"\frac{\partial L}{\partial W^{(1)}} = \frac{\partial L}{\partial h^a}x^\top,\quad"
               r"\frac{\partial L}{\partial b^{(1)}} = \frac{\partial L}{\partial h^a}\quad(d = d_h = 2)"),
    lhs=sp.Matrix.hstack(_grad_W1, _grad_b1),
    rhs=sp.Matrix.hstack(_gamma * _x.T, _gamma),
    symbols=_free(_bottom),
    derivations=(
        Derivation(chain=(_grad_W1, _gamma * _x.T),
                   written=(r"\frac{\partial L}{\partial W^{(1)}}", r"\frac{\partial L}{\partial h^a}x^\top")),
        Derivation(chain=(_grad_W1, _gamma),
                   written=(r"\frac{\partial L}{\partial W^{(1)}}", r"\frac{\partial L}{\partial h^a}")),
    ),
    errata=(
        Erratum(
            derivation=1,
            wrong_links=(0,),
            corrections=(Correction(0, _grad_b1, r"\frac{\partial L}{\partial b^{(1)}}"),),
            message=("the second line is the gradient of b⁽¹⁾, written as ∂L/∂W⁽¹⁾ (a d_h×d matrix cannot equal "
                     "the d_h×1 vector ∂L/∂hᵃ)"),
        ),
    ),
    notes=("The dimensions in (o) say d_n where d_h is meant.",),
)

# ------------------------------------------------------------------------------------------- (p)
grad_input_steps = Identity(
    name="chain_grad_input_eq_sum_upstream_mul_w1",
    source="Qd(p)",
    statement=r"\frac{\partial L}{\partial x_k} = \sum_j \frac{\partial L}{\partial h^a_j} w^{(1)}_{jk}\quad(k = 1)",
    lhs=D(_bottom, _x[0]),
    rhs=sum(_gamma[j] * _W1[j, 0] for j in range(2)),
    symbols=_free(_bottom),
    derivations=(
        Derivation(
            chain=(D(_bottom, _x[0]), sum(_gamma[j] * D(_hidden[j], _x[0]) for j in range(2)),
                   sum(_gamma[j] * _W1[j, 0] for j in range(2))),
            written=(r"\frac{\partial L}{\partial x_k}", r"\sum_j \frac{\partial L}{\partial h^a_j}\frac{\partial h^a_j}{\partial x_k}",
                     r"\sum_j \frac{\partial L}{\partial h^a_j} w^{(1)}_{jk}"),
        ),
    ),
    notes=("The homework writes hᵃ_j = b_j + Σ_i w_{j(i)} x_i: w_{ji} is meant.",),
)
