"""Question 1 (m), revisited: the softmax VJP costs O(n), the explicit Jacobian product O(n²).

The exact claim is about operation counts (the degree of the count in n); the model check measures
it: median wall-clock times over n = 2⁸ … 2¹⁴ and the fitted log–log slope. Timing takes seconds and
depends on the machine, so these identities are not in the default catalogue: `qedcheck verify --slow`
adds them. The measured slopes are judged with generous bounds (VJP < 1.5, Jacobian > 1.5): small n
are dominated by fixed per-call costs, which pull every slope below its asymptotic value.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..checks.complexity import SlopeFit, measure_slope
from ..checks.model import compare_bool
from ..identity import Identity
from . import numpy_impl as npi
from .vocabulary import n

SIZES = tuple(2**p for p in range(8, 15))
REPEATS = {True: 5, False: 3}  # linear (cheap) and quadratic (2 s a call at n = 2¹⁴)

# Multiplications and additions, counted from the formulas.
VJP_OPERATIONS = n + (2 * n - 1) + n + n          # s⊙g, sᵀg, s·(sᵀg), the subtraction
JACOBIAN_OPERATIONS = n**2 + n + n**2 + n * (n - 1)  # ssᵀ, diag(s) − ssᵀ, Jᵀg


def _vjp_setup(size: int):
    rng = np.random.default_rng(size)
    x, g = rng.standard_normal(size), rng.standard_normal(size)
    return lambda: npi.softmax_vjp(x, g)


def _jacobian_setup(size: int):
    rng = np.random.default_rng(size)
    x, g = rng.standard_normal(size), rng.standard_normal(size)

    def run():
        s = npi.softmax(x)
        jacobian = np.multiply.outer(-s, s)  # one n×n array: 2 GB at n = 2¹⁴, filled in place
        jacobian.flat[:: size + 1] += s
        return jacobian.T @ g

    return run


def _describe(fit: SlopeFit) -> str:
    return ", ".join(f"n = {s}: {t * 1e6:.3g} µs" for s, t in zip(fit.sizes, fit.seconds))


def _slope_check(setup, label: str, linear: bool):
    def check(seed: int):
        fit = measure_slope(setup, SIZES, REPEATS[linear])
        holds = fit.slope < 1.5 if linear else fit.slope > 1.5
        bound = "< 1.5" if linear else "> 1.5"
        return compare_bool(f"{label}: measured log–log slope {fit.slope:.2f} ({bound} expected; "
                            f"median of {REPEATS[linear]})", holds, _describe(fit))
    return check


softmax_vjp_cost_linear = Identity(
    name="softmax_vjp_cost_eq_linear",
    source="Q1(m)",
    statement=r"\lim_{n\to\infty}\frac{\log \#\mathrm{ops}(s\odot g - s(s^\top g))}{\log n} = 1",
    lhs=sp.Limit(sp.log(VJP_OPERATIONS) / sp.log(n), n, sp.oo),
    rhs=sp.Integer(1),
    model_checks=(_slope_check(_vjp_setup, "softmax VJP", linear=True),),
    notes=("The count 5n − 1 is exact; the timing slope over n = 2⁸…2¹⁴ is reported as measured.",),
)

softmax_jacobian_cost_quadratic = Identity(
    name="softmax_jacobian_product_cost_eq_quadratic",
    source="Q1(m)",
    statement=r"\lim_{n\to\infty}\frac{\log \#\mathrm{ops}\big((\operatorname{diag}(s) - ss^\top)^\top g\big)}{\log n} = 2",
    lhs=sp.Limit(sp.log(JACOBIAN_OPERATIONS) / sp.log(n), n, sp.oo),
    rhs=sp.Integer(2),
    model_checks=(_slope_check(_jacobian_setup, "explicit Jacobian product", linear=False),),
    notes=("The count 3n² + n is exact; at n = 2¹⁴ the Jacobian alone takes 2 GB.",),
)

IDENTITIES = (softmax_vjp_cost_linear, softmax_jacobian_cost_quadratic)
