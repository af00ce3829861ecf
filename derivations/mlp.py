"""Question d (a)–(p): the one-hidden-layer sine network, its parameter count and every gradient.

Three kinds of entries:

* the gradients (g)–(p) against the *full* scalar loss, written with explicit symbols at
  (d, d_h, m) = (2, 3, 2) and (3, 2, 4) for every class y (mlp_network), each with two model checks:
  SymPy's derivative against the hand-written NumPy backward at random points, and the NumPy backward
  against central differences at d = 784, d_h = 64, m = 10 (mlp_checks);
* the homework's written chain-rule steps, one layer at a time. Each step takes the gradient arriving
  from above as given, so the loss above the layer is written L = Σ_k δ_k oᵃ_k with free symbols δ_k
  (then ∂L/∂oᵃ_k = δ_k exactly, and every chain-rule step is linear in δ: nothing is lost). The wrong
  steps are errata with their corrections, as in question 1;
* shapes, positivity of the softmax, the loss, the risk, n_Θ and the gradient-descent step.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from ..checks.model import compare_arrays, compare_bool, compare_exact, merge_outcomes
from ..identity import Derivation, Identity
from . import mlp_checks, mlp_steps
from . import mlp_network as net_sym
from . import numpy_impl as npi
from . import numpy_mlp as npm
from .vocabulary import X, i, n, softmax_entry

# ---------------------------------------------------------------------------------------------- shapes

d, dh, m = sp.symbols("d d_h m", integer=True, positive=True)
_W1, _b1 = sp.MatrixSymbol("W1", dh, d), sp.MatrixSymbol("b1", dh, 1)
_W2, _b2 = sp.MatrixSymbol("W2", m, dh), sp.MatrixSymbol("b2", m, 1)
_x = sp.MatrixSymbol("x", d, 1)
_ha = _W1 * _x + _b1  # SymPy refuses to build this if the claimed shapes do not conform
_hs = sp.MatrixSymbol("hs", *_ha.shape)  # sin(hᵃ), elementwise: the shape of hᵃ
_oa = _W2 * _hs + _b2
_g_oa = sp.MatrixSymbol("g_oa", *_oa.shape)
_g_hs = _W2.T * _g_oa
_g_ha = sp.HadamardProduct(_g_hs, _ha)  # ⊙ cos(hᵃ): the shape of hᵃ
_GRADIENT_SHAPES = {"W2": (_g_oa * _hs.T).shape, "b2": _g_oa.shape, "hs": _g_hs.shape, "ha": _g_ha.shape,
                    "W1": (_g_ha * _x.T).shape, "b1": _g_ha.shape, "x": (_W1.T * _g_ha).shape}


def _shape_rows(shapes) -> sp.Matrix:
    return sp.Matrix([[a, b] for a, b in shapes])


def _numpy_shapes(names, claimed, gradients: bool = False):
    """The shapes of the NumPy model's parameters (or, with `gradients`, of its backward pass)."""
    def check(seed: int):
        sizes = {d: 784, dh: 64, m: 10}
        params = npm.init(784, 64, 10, seed)
        cache = npm.forward(params, np.random.default_rng(seed).standard_normal(784), 0)
        arrays = {**params, **npm.backward(params, cache, 0)} if gradients else params
        got = tuple(np.atleast_2d(arrays[name].reshape(arrays[name].shape[0], -1)).shape for name in names)
        want = tuple(tuple(int(sp.sympify(s).subs(sizes)) for s in shape) for shape in claimed)
        return compare_exact("NumPy model at d = 784, d_h = 64, m = 10: shapes", got, want)
    return check


mlp_hidden_layer_shapes = Identity(
    name="mlp_hidden_layer_shapes",
    source="Qd(a)",
    statement=(r"W^{(1)}\in\mathbb{R}^{d_h\times d},\ x\in\mathbb{R}^{d},\ b^{(1)}\in\mathbb{R}^{d_h}"
               r"\ \Rightarrow\ h^a = W^{(1)}x + b^{(1)}\in\mathbb{R}^{d_h}"),
    lhs=_shape_rows((_ha.shape,)),
    rhs=sp.Matrix([[dh, 1]]),
    model_checks=(_numpy_shapes(("W1", "b1"), ((dh, d), (dh, 1))),),
    notes=("The layer is built from matrices of the claimed shapes; SymPy refuses non-conforming products.",),
)

mlp_output_layer_shapes = Identity(
    name="mlp_output_layer_shapes",
    source="Qd(b)",
    statement=(r"W^{(2)}\in\mathbb{R}^{m\times d_h},\ b^{(2)}\in\mathbb{R}^{m}"
               r"\ \Rightarrow\ o^a = W^{(2)}h^s + b^{(2)}\in\mathbb{R}^{m}"),
    lhs=_shape_rows((_oa.shape,)),
    rhs=sp.Matrix([[m, 1]]),
    model_checks=(_numpy_shapes(("W2", "b2"), ((m, dh), (m, 1))),),
)

_CLAIMED_GRADIENT_SHAPES = {"W2": (m, dh), "b2": (m, 1), "hs": (dh, 1), "ha": (dh, 1), "W1": (dh, d),
                            "b1": (dh, 1), "x": (d, 1)}

mlp_grad_shapes = Identity(
    name="mlp_grad_shapes",
    source="Qd(i)",
    statement=(r"\tfrac{\partial L}{\partial W^{(2)}}\!: m\times d_h,\ \tfrac{\partial L}{\partial b^{(2)}}\!: m\times 1,"
               r"\ \tfrac{\partial L}{\partial h^s},\tfrac{\partial L}{\partial h^a}\!: d_h\times 1,"
               r"\ \tfrac{\partial L}{\partial W^{(1)}}\!: d_h\times d,\ \tfrac{\partial L}{\partial b^{(1)}}\!: d_h\times 1"),
    lhs=_shape_rows(_GRADIENT_SHAPES.values()),
    rhs=_shape_rows(_CLAIMED_GRADIENT_SHAPES.values()),
    model_checks=(_numpy_shapes(tuple(_GRADIENT_SHAPES), tuple(_CLAIMED_GRADIENT_SHAPES.values()), gradients=True),),
    notes=(("The shapes stated in Qd (i), (k), (m), (o): each gradient has the shape of what it differentiates. "
           "Qd(o) writes d_n for d_h (a typo)."),),
)

# ------------------------------------------------------------------------------ softmax, loss, risk

_a = net_sym.network(2, 3, 2).oa_sym  # oᵃ at m = 2 (reused names keep the symbol set small)
_a3 = sp.Matrix(3, 1, lambda r, _: sp.Symbol(f"oa_{r}", real=True))
_exp3 = [sp.exp(v) for v in _a3]
_softmax3 = [e / sum(_exp3) for e in _exp3]


def _softmax_model(seed: int):
    rng = np.random.default_rng(seed)
    oa = rng.standard_normal((200, 10)) * 30.0
    shifted = np.exp(oa - oa.max(axis=1, keepdims=True))
    os_ = shifted / shifted.sum(axis=1, keepdims=True)
    positive = bool(np.all(os_ > 0))
    return _merge(compare_bool("NumPy softmax on 200 random oᵃ ∈ ℝ¹⁰", positive,
                               f"smallest entry {os_.min():.3g} {'>' if positive else '≤'} 0"),
                  compare_arrays("NumPy softmax rows sum to 1", os_.sum(axis=1), np.ones(200), rtol=1e-14))


def _merge(*outcomes):
    merged = None
    for outcome in outcomes:
        merged = merge_outcomes(merged, outcome)
    return merged


softmax_pos_sum_eq_one = Identity(
    name="softmax_pos_and_sum_eq_one",
    source="Qd(c)",
    statement=r"o^s_k > 0\ \ (|o^s_k| = o^s_k),\qquad \sum_{k=1}^m o^s_k = 1\quad(m = 3)",
    lhs=sp.Matrix([sp.Abs(s) for s in _softmax3] + [sum(_softmax3)]),
    rhs=sp.Matrix(_softmax3 + [1]),
    symbols=tuple(_a3),
    model_checks=(_softmax_model,),
    derivations=(
        Derivation(
            chain=(sum(_softmax3), sp.Add(*_exp3, evaluate=False) / sp.Add(*_exp3, evaluate=False), sp.Integer(1)),
            written=(r"\sum_{k=1}^m \frac{e^{o^a_k}}{\sum_j e^{o^a_j}}",
                     r"\frac{e^{o^a_1}+\dots+e^{o^a_m}}{e^{o^a_1}+\dots+e^{o^a_m}}", "1"),
        ),
    ),
    notes=(("Positivity is stated as |oˢ_k| = oˢ_k, which SymPy proves from e^{oᵃ} > 0; checked at m = 3 "
           "symbolically (the identity softmax sums to one for every n is Q1's territory) and at m = 10 in NumPy."),),
)

_y = 1
_neg_log_softmax = -sp.log(_exp3[_y] / sum(_exp3))

loss_eq_neg_log_softmax = Identity(
    name="loss_eq_neg_log_softmax",
    source="Qd(d)",
    statement=r"L(x,y) = -\log o^s_y = -\log\frac{e^{o^a_y}}{\sum_j e^{o^a_j}} = -o^a_y + \log\sum_j e^{o^a_j}"
              r"\quad(m = 3,\ y = 2)",
    lhs=_neg_log_softmax,
    rhs=-_a3[_y] + sp.log(sum(_exp3)),
    symbols=tuple(_a3),
    derivations=(
        Derivation(
            chain=(-sp.log(_softmax3[_y]), _neg_log_softmax),
            written=(r"-\log o^s_y", r"-\log\frac{e^{o^a_y}}{\sum_{j=1}^m e^{o^a_j}}"),
        ),
    ),
    model_checks=(lambda seed: _loss_model(seed),),
    notes=("The expanded form −oᵃ_y + log Σ e^{oᵃ_j} is the one the gradient identities differentiate.",),
)


def _loss_model(seed: int):
    params = npm.init(784, 64, 10, seed)
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(784), int(rng.integers(10))
    cache = npm.forward(params, x, y)
    return compare_arrays("NumPy loss vs −log softmax(oᵃ)_y at d = 784", np.array([cache["loss"]]),
                          np.array([-np.log(cache["os"][y])]), rtol=1e-12)


def _risk_data(seed: int, samples: int = 32):
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((samples, 784))
    ys = rng.integers(10, size=samples)
    return npm.init(784, 64, 10, seed), xs, ys


def _risk_model(seed: int):
    params, xs, ys = _risk_data(seed)
    losses = []
    for x, y in zip(xs, ys):
        cache = npm.forward(params, x, int(y))
        losses.append(-np.log(cache["os"][int(y)]))
    return compare_arrays(f"NumPy R̂ vs (1/N) Σ −log oˢ_y over N = {len(ys)} random samples",
                          np.array([npm.risk(params, xs, ys)]), np.array([np.sum(losses) / len(ys)]), rtol=1e-12)


_pair = [sp.Matrix(2, 1, lambda r, _, i=i: sp.Symbol(f"oa{i}_{r}", real=True)) for i in range(2)]
_labels = (0, 1)

empirical_risk_eq_mean_loss = Identity(
    name="empirical_risk_eq_mean_loss",
    source="Qd(e)",
    statement=r"\hat R = \frac{1}{N}\sum_{i=1}^N L(x^{(i)},y^{(i)}) = \frac{1}{N}\sum_{i=1}^N -\log"
              r"\frac{e^{o^a_{y^{(i)}}(x^{(i)})}}{\sum_j e^{o^a_j(x^{(i)})}}\quad(N = 2,\ m = 2)",
    lhs=sp.Rational(1, 2) * sum(-sp.log(sp.exp(o[y]) / sum(sp.exp(v) for v in o)) for o, y in zip(_pair, _labels)),
    rhs=sp.Rational(1, 2) * sum(-o[y] + sp.log(sum(sp.exp(v) for v in o)) for o, y in zip(_pair, _labels)),
    model_checks=(_risk_model,),
    notes=("The homework writes 1/n in front of Σ_{i=1}^N; the average is over the N samples (n = N).",),
)

# ------------------------------------------------------------------------------------ n_Θ and (f)

_count_formula = d * dh + dh + m * dh + m


def _count_model(seed: int):
    params = npm.init(784, 64, 10, seed)
    return compare_exact("parameters of the NumPy model at d = 784, d_h = 64, m = 10",
                         npm.parameter_count(params), int(_count_formula.subs({d: 784, dh: 64, m: 10})))


param_card_eq = Identity(
    name="param_card_eq_mul_add_mul",
    source="Qd(e)",
    statement=r"n_\Theta = d\,d_h + d_h + m\,d_h + m = d_h(d+1) + m(d_h+1)",
    lhs=_count_formula,
    rhs=dh * (d + 1) + m * (dh + 1),
    symbols=(d, dh, m),
    model_checks=(_count_model,),
    derivations=(
        Derivation(
            chain=(sp.Mul(*_W1.shape) + sp.Mul(*_b1.shape) + sp.Mul(*_W2.shape) + sp.Mul(*_b2.shape),
                   _count_formula, dh * (d + 1) + m * (dh + 1)),
            written=(r"|W^{(1)}| + |b^{(1)}| + |W^{(2)}| + |b^{(2)}|", r"d\cdot d_h + d_h + m\cdot d_h + m",
                     r"d_h(d+1) + m\cdot(d_h+1)"),
        ),
    ),
)

_eta = sp.Symbol("eta", real=True)
_tiny = net_sym.network(1, 1, 2)
_theta = [*_tiny.W1, *_tiny.b1, *_tiny.W2, *_tiny.b2]
_tiny_loss = net_sym.loss(_tiny, 0)
_gradient = [sp.Derivative(_tiny_loss, p) for p in _theta]
_marks = [sp.Symbol(f"g_{i}") for i in range(len(_theta))]  # the step direction g, one symbol per parameter
# xreplace, not subs: the keys are plain symbols, so one exact, simultaneous replacement builds the same
# expression without subs' sorting and matching of the substitutions (50 ms here, 25 ms in _directional)
_stepped = _tiny_loss.xreplace({p: p - _eta * g for p, g in zip(_theta, _marks)})


def _descent_model(seed: int):
    params, xs, ys = _risk_data(seed)
    before = npm.risk(params, xs, ys)
    grads = npm.risk_gradient(params, xs, ys)
    eta = 1e-3
    after = npm.risk({p: params[p] - eta * grads[p] for p in npm.PARAMETERS}, xs, ys)
    return compare_bool(f"one gradient step, η = {eta:g}, N = {len(ys)} random samples at d = 784", after < before,
                        f"R̂ {before:.6f} → {after:.6f}")


@lru_cache(maxsize=1)
def _directional():
    """d/dη L(θ − η g)|_{η=0} with g = ∇L: the rate at which one update changes the loss."""
    return _stepped.diff(_eta).subs(_eta, 0).xreplace(dict(zip(_marks, _gradient)))


gradient_step_lowers_risk = Identity(
    name="gradient_step_deriv_eq_neg_sq_norm",
    source="Qd(f)",
    statement=r"\frac{d}{d\eta}\hat R(\theta - \eta\nabla\hat R)\Big|_{\eta=0} = -\|\nabla \hat R\|^2 \le 0"
              r"\quad(d = d_h = 1,\ m = 2)",
    lhs=_directional(),
    rhs=-sum(g**2 for g in _gradient),
    model_checks=(_descent_model,),
    notes=(("So a small enough step θ ← θ − η∇R̂ lowers R̂ unless ∇R̂ = 0; the model check takes one step "
           "with η = 10⁻³ on random data at d = 784 and compares R̂ before and after."),),
)

# ------------------------------------------------------------------------- (g) for every m

_class = sp.Symbol("y", integer=True, nonnegative=True)


def _neg_log_softmax_complex(z):
    """−log softmax of each row of z on complex input, shifted by the row's largest real part
    (analytic: complex step; rows: every perturbed point in one call)."""
    z = np.asarray(z, dtype=complex)
    top = np.max(z.real, axis=-1, keepdims=True)
    return top + np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True)) - z


loss_grad_output_act_all_m = Identity(
    name="neg_log_softmax_partial_eq_softmax_sub_delta",
    source="Qd(g)",
    statement=r"\frac{\partial(-\log o^s_y)}{\partial o^a_i} = o^s_i - \delta_{iy}\quad(\text{every } m)",
    lhs=sp.Derivative(-sp.log(softmax_entry(X, _class)), X[i]),
    rhs=softmax_entry(X, i) - sp.KroneckerDelta(i, _class),
    vectors=(X,),
    indices=(i, _class),
    size=n,
    sizes=(1, 2, 3),
    numpy_lhs=lambda x: npi.complex_step_jacobian(_neg_log_softmax_complex, x, rowwise=True).T,
    numpy_rhs=lambda x: npi.softmax(x)[:, None] - np.eye(len(x)),
    numeric_sizes=(1, 2, 3, 5, 8, 100),
    notes=(("Entry (i, y) of ∂L/∂oᵃ = oˢ − onehot(y), proved for every number of classes m (written n, "
           "the vector x standing for oᵃ); the NumPy side differentiates −log softmax by complex step."),),
)

# ------------------------------------------------------------------- gradients against the full loss

_GRADIENTS = (
    ("oa", "loss_grad_output_act_eq_softmax_sub_onehot", "Qd(g)",
     r"\frac{\partial L}{\partial o^a} = o^s - \operatorname{onehot}_m(y)"),
    ("W2", "loss_grad_w2_eq_grad_output_act_mul_hidden_transpose", "Qd(i)",
     r"\frac{\partial L}{\partial W^{(2)}} = \frac{\partial L}{\partial o^a}\,{h^s}^\top"),
    ("b2", "loss_grad_b2_eq_grad_output_act", "Qd(i)",
     r"\frac{\partial L}{\partial b^{(2)}} = \frac{\partial L}{\partial o^a}"),
    ("hs", "loss_grad_hidden_eq_w2_transpose_mul", "Qd(k)",
     r"\frac{\partial L}{\partial h^s} = {W^{(2)}}^\top \frac{\partial L}{\partial o^a}"),
    ("ha", "loss_grad_hidden_act_eq_mul_cos", "Qd(m)",
     r"\frac{\partial L}{\partial h^a} = \frac{\partial L}{\partial h^s}\odot\cos(h^a)"),
    ("W1", "loss_grad_w1_eq_grad_hidden_act_mul_input_transpose", "Qd(o)",
     r"\frac{\partial L}{\partial W^{(1)}} = \frac{\partial L}{\partial h^a}\,x^\top"),
    ("b1", "loss_grad_b1_eq_grad_hidden_act", "Qd(o)",
     r"\frac{\partial L}{\partial b^{(1)}} = \frac{\partial L}{\partial h^a}"),
    ("x", "loss_grad_input_eq_w1_transpose_mul", "Qd(p)",
     r"\frac{\partial L}{\partial x} = {W^{(1)}}^\top \frac{\partial L}{\partial h^a}"),
)


def _gradient_identity(target: str, name: str, source: str, statement: str) -> Identity:
    lhs, rhs, cases = net_sym.stacked_claim(target)
    return Identity(
        name=name,
        source=source,
        statement=statement,
        lhs=lhs,
        rhs=rhs,
        model_checks=(mlp_checks.symbolic_vs_numpy(target), mlp_checks.finite_difference(target)),
        notes=((f"Proved entry by entry by differentiating the scalar loss at (d, d_h, m) = "
               f"{', '.join(map(str, net_sym.SIZES))}, every class y ({len(cases)} cases, {lhs.rows} entries)."),),
    )


GRADIENT_IDENTITIES = tuple(_gradient_identity(*spec) for spec in _GRADIENTS)

_g = {identity.source: identity for identity in GRADIENT_IDENTITIES if identity.source != "Qd(i)"}
_w2, _b2_grad = (identity for identity in GRADIENT_IDENTITIES if identity.source == "Qd(i)")
_w1, _b1_grad = (identity for identity in GRADIENT_IDENTITIES if identity.source == "Qd(o)")

IDENTITIES = (
    mlp_hidden_layer_shapes,
    mlp_output_layer_shapes,
    softmax_pos_sum_eq_one,
    loss_eq_neg_log_softmax,
    empirical_risk_eq_mean_loss,
    param_card_eq,
    gradient_step_lowers_risk,
    mlp_steps.grad_output_act_steps,
    loss_grad_output_act_all_m,
    _g["Qd(g)"],
    mlp_steps.grad_w2_b2_steps,
    _w2,
    _b2_grad,
    mlp_grad_shapes,
    mlp_steps.grad_hidden_steps,
    _g["Qd(k)"],
    mlp_steps.grad_hidden_act_steps,
    _g["Qd(m)"],
    mlp_steps.grad_w1_b1_steps,
    mlp_steps.grad_w1_b1_matrix_steps,
    _w1,
    _b1_grad,
    mlp_steps.grad_input_steps,
    _g["Qd(p)"],
)
