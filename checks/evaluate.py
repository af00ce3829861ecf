"""Turning SymPy expressions into numbers: float64 for speed, 50-digit mpmath to settle doubts.

float64 is the first pass over thousands of points; wherever it cannot decide (overflow, inf, nan,
cancellation) the point is re-evaluated from the SymPy expression with mpmath at 50 digits, from the
exact binary value of the float64 input.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence

import mpmath
import numpy as np
import sympy as sp

from .memo import memoised

EXACT_DIGITS = 50
# A tolerance scale (terms in absolute value: no cancellation) only needs mpmath's unbounded exponent
# where float64 overflowed, not the working precision of a comparison.
SCALE_DIGITS = 20


def compile_numpy(symbols: Sequence, expr, **options):
    """`sympy.lambdify` for NumPy, printing every sum in SymPy's internal order.

    The default printer sorts each sum's terms for display, which was half of all compile time
    (the float64 result may differ in the last bits, far inside every tolerance); and lambdify
    prints the whole expression again into the function's docstring unless told not to.
    """
    from sympy.printing.numpy import NumPyPrinter

    return sp.lambdify(list(symbols), expr, modules=[_numpy_namespace()], printer=NumPyPrinter(_UNORDERED),
                       docstring_limit=0, **options)


@functools.cache
def _numpy_namespace() -> dict:
    """What lambdify's "numpy" module gives the generated code, without its `from numpy import *`:
    that star import loads every lazy NumPy submodule (f2py, testing, …), 0.11 s in the parent."""
    namespace = {name: value for name, value in vars(np).items() if not name.startswith("_")}
    namespace.update({name: getattr(np.linalg, name) for name in np.linalg.__all__})
    namespace.update({"I": 1j, "Heaviside": np.heaviside, "numpy": np})
    return namespace


def compile_mpmath(symbols: Sequence, expr):
    """`sympy.lambdify` for mpmath (Heaviside included), printing sums unordered as compile_numpy."""
    from sympy.printing.pycode import MpmathPrinter

    printer = MpmathPrinter({**_UNORDERED, "user_functions": {"Heaviside": "Heaviside"}})
    return sp.lambdify(list(symbols), expr, modules=["mpmath", {"Heaviside": _heaviside}], printer=printer,
                       docstring_limit=0)


def warm_up() -> None:
    """Compile one trivial function per backend, so that what the first compilation imports (NumPy's
    and mpmath's namespaces, SymPy's code printers) is imported once, before workers are forked."""
    x = sp.Symbol("x", real=True)
    compile_numpy([x], sp.exp(x) + 1)(np.zeros(1))
    compile_mpmath([x], sp.exp(x) + 1)(mpmath.mpf(0))


_UNORDERED = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True, "order": "none"}


@memoised  # adjacent links share a step, and lambdify is slow
def float_function(expr, symbols: Sequence) -> Callable[..., np.ndarray]:
    """A NumPy function of `symbols` that broadcasts constants to the input's shape."""
    compiled = compile_numpy(symbols, expr)

    def evaluate(*columns):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = compiled(*columns)
        shape = np.broadcast(*columns).shape if columns else ()
        return np.broadcast_to(np.asarray(value, dtype=float), shape) if np.ndim(value) == 0 else np.asarray(
            value, dtype=float
        )

    return evaluate


@memoised  # adjacent links share a step, and lambdify is slow
def float_functions(exprs, symbols: Sequence) -> Callable[..., np.ndarray]:
    """Several expressions compiled together: returns an array of shape (len(exprs), *input shape)."""
    compiled = compile_numpy(symbols, list(exprs))

    def evaluate(*columns):
        shape = np.broadcast(*columns).shape if columns else ()
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = compiled(*columns)
        return np.array([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in values])

    return evaluate


def magnitude(expr):
    """A running error bound's magnitude: the expression with every sum's terms taken in absolute value.

    For σ(1−σ) at x = 30 the value is 1e-13 but the terms subtracted are of size 1, so float64 can only
    be asked for an absolute error of about 1e-16 there; |σ|(1+|σ|) says so.
    """
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Add):
        return sp.Add(*[magnitude(term) for term in expr.args])
    if isinstance(expr, sp.Mul):
        return sp.Mul(*[magnitude(factor) for factor in expr.args])
    if isinstance(expr, sp.Pow) and expr.exp.is_number:
        return sp.Pow(magnitude(expr.base), expr.exp)
    if isinstance(expr, (sp.Piecewise, sp.Indexed)) or expr.is_Boolean:
        return sp.Abs(expr)
    return sp.Abs(expr)


def term_scale_function(exprs, symbols: Sequence) -> Callable[..., np.ndarray]:
    """The magnitude of the terms of all `exprs` (see `magnitude`), as a NumPy function."""
    functions = [float_function(magnitude(e), symbols) for e in exprs]

    def scale(*columns):
        values = [np.abs(f(*columns)) for f in functions]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stacked = np.stack(values)
            return np.where(np.all(np.isnan(stacked), axis=0), np.inf, np.nanmax(stacked, axis=0))

    return scale


def digits_for(values) -> int:
    """Working precision for one point: 50 digits beyond the dynamic range that exp(±x) can create.

    exp(-700) is 1e-304, so 1 + e^{-700} needs 304 more digits than 1 before the difference shows.
    """
    largest = max((abs(float(v)) for v in values if np.isfinite(float(v))), default=0.0)
    return EXACT_DIGITS + 10 + min(int(0.4343 * largest), 2000)


@memoised  # adjacent links share a step, and lambdify is slow
def exact_function(expr, symbols: Sequence) -> Callable[..., mpmath.mpf | None]:
    """An evaluator at `digits_for(point)` digits (≥ 50); returns None where there is no real value."""
    try:
        compiled = compile_mpmath(symbols, expr)
    except Exception:  # noqa: BLE001 - fall back to evalf for anything lambdify cannot print
        compiled = None

    def evaluate(*values, digits: int | None = None):
        digits = digits or digits_for(values)
        with mpmath.workdps(digits):
            args = [mpmath.mpf(float(v)) for v in values]
            try:
                if compiled is not None:
                    result = compiled(*args)
                else:
                    subs = {s: sp.Float(float(v), digits) for s, v in zip(symbols, values)}
                    result = mpmath.mpmathify(sp.N(expr.subs(subs), digits))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                return None
            if isinstance(result, (list, tuple)):
                return [_real_or_none(r) for r in result]
            return _real_or_none(result)

    return evaluate


def _real_or_none(result):
    """A real value at the working precision, or None where the expression has none: genuinely complex,
    or undefined (mpmath's log(0) is -inf and inf - inf is nan; mpmath never overflows, so an infinite
    result is a singularity, not a large number). Two undefined sides are no counterexample."""
    if isinstance(result, mpmath.mpc):
        if abs(result.imag) > abs(result.real) * mpmath.mpf(10) ** (-EXACT_DIGITS + 5):
            return None
        result = result.real
    result = +mpmath.mpf(result)
    return result if mpmath.isfinite(result) else None


def _heaviside(value, at_zero=0.5):
    return mpmath.mpf(1) if value > 0 else (mpmath.mpf(0) if value < 0 else mpmath.mpf(at_zero))


def exact_agree(a, b, scale) -> bool:
    """Equal at high precision: within 1e-35 of the magnitude of the terms, far below any float64
    error and far above the reference's own rounding."""
    with mpmath.workdps(EXACT_DIGITS):
        size = max(abs(a), abs(b), mpmath.mpf(scale) if np.isfinite(scale) else 0)
        return abs(a - b) <= mpmath.mpf(10) ** -35 * size if size else a == b


def short(value, size=None) -> str:
    """A number as a report shows it: 17 significant digits; below 1e-40 of `size` it is the
    high-precision evaluation's rounding noise around an exact 0, and shown as 0."""
    if value is None:
        return "undefined"
    if size is not None and abs(value) <= mpmath.mpf(10) ** -40 * abs(size):
        return "0"
    if isinstance(value, mpmath.mpf):
        return mpmath.nstr(value, 17)
    return repr(float(value))
