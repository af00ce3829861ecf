"""Question 1 (a)–(f): ReLU, the sigmoid and its forms, softplus, sign."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..identity import Correction, Derivation, Erratum, Expect, Identity
from . import numpy_impl as npi
from .vocabulary import relu, sigmoid, softplus, x

h = sp.Symbol("h", real=True)
E = sp.exp

relu_deriv = Identity(
    name="relu_deriv",
    source="Q1(a)",
    statement=r"\frac{d}{dx}\max(0,x) = \begin{cases}0 & x<0\\ 1 & x>0\end{cases}",
    lhs=sp.Derivative(relu(x), x),
    rhs=sp.Piecewise((0, x < 0), (1, True)),
    symbols=(x,),
    where=sp.Ne(x, 0),
    numpy_lhs=lambda x: npi.complex_step_derivative(lambda z: np.where(z.real > 0, z, 0), x),
    numpy_rhs=npi.relu_grad,
    numpy_primitive=npi.relu,
    derivations=(
        Derivation(
            chain=(
                sp.Derivative(relu(x), x),
                sp.Derivative(sp.Piecewise((0, x < 0), (x, True)), x),
                sp.Piecewise((sp.Derivative(sp.S.Zero, x, evaluate=False), x < 0), (sp.Derivative(x, x), True)),
                sp.Piecewise((0, x < 0), (1, True)),
            ),
            written=(
                r"\frac{d}{dx}\max(0,x)",
                r"\frac{d}{dx}\begin{cases}0 & x<0\\ x & x\ge 0\end{cases}",
                r"\begin{cases}\frac{d}{dx}0 & x<0\\ \frac{d}{dx}x & x\ge 0\end{cases}",
                r"\begin{cases}0 & x<0\\ 1 & x\ge 0\end{cases}",
            ),
        ),
    ),
    notes=(
        ("At x = 0 ReLU is not differentiable: its one-sided derivatives are 0 and 1 "
        "(see relu_not_differentiable_at_zero). The homework's value 1 at 0 is a convention "
        "(any value in [0, 1] is a subgradient); the claim is checked for x ≠ 0."),
    ),
)

relu_not_differentiable_at_zero = Identity(
    name="relu_not_differentiable_at_zero",
    source="Q1(a)",
    statement=r"\lim_{h\to 0^-}\frac{\max(0,h)}{h} = \lim_{h\to 0^+}\frac{\max(0,h)}{h}",
    lhs=sp.Limit(relu(h) / h, h, 0, "-"),
    rhs=sp.Limit(relu(h) / h, h, 0, "+"),
    expect=Expect.FAILS,
    notes=("The left derivative of ReLU at 0 is 0 and the right one is 1: no derivative exists there.",),
)

sigmoid_deriv = Identity(
    name="sigmoid_deriv",
    source="Q1(b)",
    statement=r"\sigma'(x) = \sigma(x)\,(1-\sigma(x))",
    lhs=sp.Derivative(sigmoid(x), x),
    rhs=sigmoid(x) * (1 - sigmoid(x)),
    symbols=(x,),
    # e^{-|x|}/(1+e^{-|x|})², the homework's form ③ (σ' is even), written to stay finite everywhere
    numpy_lhs=lambda x: np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))) ** 2,
    numpy_rhs=npi.sigmoid_deriv,
    numpy_primitive=npi.sigmoid,
    derivations=(
        Derivation(
            chain=(1 + E(-x), 1 / sigmoid(x)),
            label="①",
            written=(r"1+e^{-x}", r"\frac{1}{\sigma(x)}"),
        ),
        Derivation(
            chain=(E(-x), 1 / sigmoid(x) - 1, (1 - sigmoid(x)) / sigmoid(x)),
            label="②",
            written=(r"e^{-x}", r"\frac{1}{\sigma(x)} - 1", r"\frac{1-\sigma(x)}{\sigma(x)}"),
        ),
        Derivation(
            chain=(
                sp.Derivative(sigmoid(x), x),
                -1 * (1 + E(-x)) ** -2 * E(-x) * (-1),
                E(-x) * 1 / (1 + E(-x)) ** 2,
                E(-x) / (1 + E(-x)) ** 2,
                (1 - sigmoid(x)) / sigmoid(x) * sigmoid(x) ** 2,
                sigmoid(x) * (1 - sigmoid(x)),
            ),
            label="③",
            written=(
                r"\sigma'(x)",
                r"-1\times(1+e^{-x})^{-2}\times e^{-x}\times(-1)",
                r"e^{-x}\times\frac{1}{(1+e^{-x})^2}",
                r"\frac{e^{-x}}{(1+e^{-x})^2}",
                r"\frac{1-\sigma(x)}{\sigma(x)}\times\sigma^2(x)",
                r"\sigma(x)(1-\sigma(x))",
            ),
        ),
    ),
)

_half = sp.Rational(1, 2)
_ep, _em = E(x / 2), E(-x / 2)

sigmoid_eq_half_tanh_half_add_one = Identity(
    name="sigmoid_eq_half_tanh_half_add_one",
    source="Q1(c)",
    statement=r"\sigma(x) = \tfrac12\left(\tanh\left(\tfrac{x}{2}\right)+1\right)",
    lhs=sigmoid(x),
    rhs=_half * (sp.tanh(x / 2) + 1),
    symbols=(x,),
    numpy_lhs=npi.sigmoid,
    numpy_rhs=npi.sigmoid_from_tanh,
    derivations=(
        Derivation(
            chain=(sp.tanh(x / 2), (_ep - _em) / (_ep + _em)),
            label="tanh",
            written=(r"\tanh(x/2)", r"\frac{e^{x/2}-e^{-x/2}}{e^{x/2}+e^{-x/2}}"),
        ),
        Derivation(
            chain=(sp.tanh(x / 2) + 1, (_ep - _em) / (_ep + _em) + 1, 2 * _ep / (_ep + _em)),
            label="tanh + 1",
            written=(
                r"\tanh(x/2)+1",
                r"\frac{e^{x/2}-e^{-x/2}}{e^{x/2}+e^{-x/2}}+1",
                r"\frac{2e^{x/2}}{e^{x/2}+e^{-x/2}}",
            ),
        ),
        Derivation(
            chain=(
                _half * (sp.tanh(x / 2) + 1),
                _ep / (_ep + _em),
                _ep / (_ep * (1 + _em / _ep)),
                1 / (1 + E(-x)),
                sigmoid(x),
            ),
            label="½(tanh + 1)",
            written=(
                r"\tfrac12(\tanh(x/2)+1)",
                r"\frac{e^{x/2}}{e^{x/2}+e^{-x/2}}",
                r"\frac{e^{x/2}}{e^{x/2}\left(1+\frac{e^{-x/2}}{e^{x/2}}\right)}",
                r"\frac{1}{1+e^{-x}}",
                r"\sigma(x)",
            ),
        ),
    ),
)

log_sigmoid_eq_neg_softplus_neg = Identity(
    name="log_sigmoid_eq_neg_softplus_neg",
    source="Q1(d)",
    statement=r"\ln\sigma(x) = -\operatorname{softplus}(-x)",
    lhs=sp.log(sigmoid(x)),
    rhs=-softplus(-x),
    symbols=(x,),
    numpy_lhs=npi.log_sigmoid,
    numpy_rhs=lambda x: -np.logaddexp(0.0, -x),
    derivations=(
        Derivation(
            chain=(
                sp.log(sigmoid(x)),
                sp.log(1 / (1 + E(-x))),
                sp.log(1) - sp.log(1 + E(-x)),
                -sp.log(1 + E(-x)),
                -softplus(-x),
            ),
            written=(
                r"\ln\sigma(x)",
                r"\ln\frac{1}{1+e^{-x}}",
                r"\ln(1)-\ln(1+e^{-x})",
                r"-\ln(1+e^{-x})",
                r"-\operatorname{softplus}(-x)",
            ),
        ),
    ),
)

softplus_sub_softplus_neg = Identity(
    name="softplus_sub_softplus_neg",
    source="Q1(e)",
    statement=r"\operatorname{softplus}(x) - \operatorname{softplus}(-x) = x",
    lhs=softplus(x) - softplus(-x),
    rhs=x,
    symbols=(x,),
    numpy_lhs=lambda x: np.logaddexp(0.0, x) - np.logaddexp(0.0, -x),
    numpy_rhs=lambda x: np.asarray(x, dtype=float),
    derivations=(
        Derivation(
            chain=(
                softplus(x) - softplus(-x),
                sp.log(1 + E(x)) - sp.log(1 + E(-x)),
                sp.log((1 + E(x)) / (1 + E(-x))),
                sp.log((1 + E(x)) / (1 + 1 / E(x))),
                sp.log(E(x) * (1 + E(-x)) / (1 + E(x))),
                x,
            ),
            written=(
                r"\operatorname{softplus}(x)-\operatorname{softplus}(-x)",
                r"\ln(1+e^x)-\ln(1+e^{-x})",
                r"\ln\frac{1+e^x}{1+e^{-x}}",
                r"\ln\frac{1+e^x}{1+\frac{1}{e^x}}",
                r"\ln\frac{e^x(1+e^{-x})}{1+e^x}",
                r"x",
            ),
        ),
    ),
    errata=(
        Erratum(
            wrong_links=(3, 4),
            corrections=(
                Correction(4, sp.log(sp.Mul(E(x), 1 + E(x), evaluate=False) / (1 + E(x)), evaluate=False),
                           r"\ln\frac{e^x(1+e^{x})}{1+e^x}"),
            ),
            message=(
                "multiplying by e^x/e^x turns 1 + 1/e^x into (e^x + 1)/e^x, so the numerator is "
                "e^x(1+e^x), not e^x(1+e^{-x}); as written the fraction equals 1 and its log is 0, not x"
            ),
        ),
    ),
)

_indicator_pos = sp.Piecewise((1, x > 0), (0, True))
_indicator_neg = sp.Piecewise((1, x < 0), (0, True))

sign_eq_indicator_sub_indicator = Identity(
    name="sign_eq_indicator_sub_indicator",
    source="Q1(f)",
    statement=r"\operatorname{sign}(x) = \mathbb{1}_{x>0} - \mathbb{1}_{x<0}",
    lhs=sp.sign(x),
    rhs=_indicator_pos - _indicator_neg,
    symbols=(x,),
    numpy_lhs=npi.sign,
    numpy_rhs=lambda x: (np.asarray(x) > 0).astype(float) - (np.asarray(x) < 0).astype(float),
)

IDENTITIES = (
    relu_deriv,
    relu_not_differentiable_at_zero,
    sigmoid_deriv,
    sigmoid_eq_half_tanh_half_add_one,
    log_sigmoid_eq_neg_softplus_neg,
    softplus_sub_softplus_neg,
    sign_eq_indicator_sub_indicator,
)
