"""Question 3 (a)–(e): convolution arithmetic, checked exactly and against a real NumPy convolution.

Each answer is an exact integer claim `formula = answer`; the formula is the output size
⌊(i + 2p − k′)/s⌋ + 1 with the dilated kernel k′ = k + (k − 1)(d − 1). The kernel sizes of (c)–(e)
are solved with SymPy here, not copied. A model check runs the layer in NumPy on random input.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from ..checks.model import compare_exact
from ..identity import Identity
from . import numpy_cnn

_k = sp.Symbol("k", integer=True, positive=True)


def dilated(k, d):
    """The span of a k-tap kernel with dilation d."""
    return k + (k - 1) * (d - 1)


def output_side(i, k, s=1, p=0, d=1):
    """⌊(i + 2p − k′)/s⌋ + 1 as a SymPy integer expression (exact: no float division)."""
    return sp.floor((sp.Integer(i) + 2 * p - dilated(k, d)) / sp.Integer(s)) + 1


def solved_kernel(i: int, out: int, s: int, p: int, d: int) -> int:
    """The kernel size k with output_side(i, k, s, p, d) = out, solved by SymPy (stride 1: no floor)."""
    if s != 1:
        raise ValueError("only stride 1 is solved exactly here")
    (solution,) = sp.solve(sp.Eq(sp.Integer(i) + 2 * p - dilated(_k, d) + 1, out), _k)
    return int(solution)


@lru_cache(maxsize=4)
def _lenet(seed: int):
    return numpy_cnn.lenet_front(seed)


def _shape_check(layer: str, claimed):
    return lambda seed: compare_exact(f"NumPy {layer} on a random 32×32 image, output shape",
                                      _lenet(seed)[layer].shape, claimed)


def _kernel_check(k: int, p: int, d: int):
    def check(seed: int):
        rng = np.random.default_rng(seed)
        image = rng.standard_normal((64, 64, 3))
        out = numpy_cnn.conv2d(image, rng.standard_normal((k, k, 3, 2)), stride=1, padding=p, dilation=d)
        return compare_exact(f"NumPy convolution 64×64×3, k = {k}, p = {p}, d = {d}: output side",
                             out.shape[:2], (6, 6))
    return check


conv1_output_side = Identity(
    name="conv1_output_side_eq_28",
    source="Q3(a)",
    statement=r"\lfloor (32 + 2\cdot 0 - 5)/1\rfloor + 1 = 28 \;\Rightarrow\; 28\times 28\times 6",
    lhs=output_side(32, 5),
    rhs=sp.Integer(28),
    model_checks=(_shape_check("conv1", (28, 28, 6)),),
)

pool1_output_side = Identity(
    name="pool1_output_side_eq_14",
    source="Q3(a)",
    statement=r"\lfloor (28 + 2\cdot 0 - 2)/2\rfloor + 1 = 14 \;\Rightarrow\; 14\times 14\times 6",
    lhs=output_side(28, 2, s=2),
    rhs=sp.Integer(14),
    model_checks=(_shape_check("pool1", (14, 14, 6)),),
)

conv2_output_side = Identity(
    name="conv2_output_side_eq_10",
    source="Q3(a)",
    statement=r"\lfloor (14 + 2\cdot 0 - 5)/1\rfloor + 1 = 10 \;\Rightarrow\; 10\times 10\times 16",
    lhs=output_side(14, 5),
    rhs=sp.Integer(10),
    model_checks=(_shape_check("conv2", (10, 10, 16)),),
)

conv2_output_card = Identity(
    name="conv2_output_card_eq_1600",
    source="Q3(a)",
    statement=r"10 \cdot 10 \cdot 16 = 1600",
    lhs=output_side(14, 5) ** 2 * 16,
    rhs=sp.Integer(1600),
    model_checks=(lambda seed: compare_exact("values in the NumPy conv2 output", _lenet(seed)["conv2"].size, 1600),),
)

conv2_weight_card = Identity(
    name="conv2_weight_card_eq_2400",
    source="Q3(b)",
    statement=r"5 \cdot 5 \cdot 6 \cdot 16 = 2400 \text{ weights}",
    lhs=sp.Integer(5) * 5 * 6 * 16,
    rhs=sp.Integer(2400),
    model_checks=(lambda seed: compare_exact("weights of the NumPy conv2 layer", _lenet(seed)["w2"].size, 2400),),
    notes=(("The homework counts weights only; with one bias per kernel the layer has 2400 + 16 = 2416 "
           "parameters (conv2_param_card_eq_2416)."),),
)

conv2_param_card = Identity(
    name="conv2_param_card_eq_2416",
    source="Q3(b)",
    statement=r"5 \cdot 5 \cdot 6 \cdot 16 + 16 = 2416 \text{ parameters with biases}",
    lhs=sp.Integer(5) * 5 * 6 * 16 + 16,
    rhs=sp.Integer(2416),
    model_checks=(lambda seed: compare_exact("weights and biases of the NumPy conv2 layer",
                                             _lenet(seed)["w2"].size + _lenet(seed)["b2"].size, 2416),),
    notes=("Not stated in the homework, which omits the biases of (b).",),
)


def _kernel_identity(item: str, answer: int, p: int, d: int) -> Identity:
    k = solved_kernel(64, 6, s=1, p=p, d=d)
    return Identity(
        name=f"kernel_side_p{p}_d{d}_eq_{answer}",
        source=f"Q3({item})",
        statement=(rf"\lfloor (64 + 2\cdot {p} - k')/1\rfloor + 1 = 6,\ k' = k + (k-1)({d}-1)"
                   rf" \;\Rightarrow\; k = {answer}"),
        lhs=sp.Integer(k),
        rhs=sp.Integer(answer),
        model_checks=(_kernel_check(answer, p, d),
                      lambda seed: compare_exact(f"output side with k = {answer}", int(output_side(64, answer, p=p, d=d)), 6)),
        notes=(f"k solved with sympy.solve from 64 + 2·{p} − k′ + 1 = 6 (stride 1): k = {k}.",),
    )


kernel_c = _kernel_identity("c", 59, p=0, d=1)
kernel_d = _kernel_identity("d", 31, p=1, d=2)
kernel_e = _kernel_identity("e", 61, p=1, d=1)

IDENTITIES = (
    conv1_output_side,
    pool1_output_side,
    conv2_output_side,
    conv2_output_card,
    conv2_weight_card,
    conv2_param_card,
    kernel_c,
    kernel_d,
    kernel_e,
)
