"""Turning SymPy expressions into numbers: float64 for speed, mpmath to settle doubts.

float64 is the first pass over thousands of points; wherever it cannot decide (overflow, inf, nan,
cancellation, a difference above rounding) the point is re-evaluated from the SymPy expression with
mpmath, from the exact binary value of the float64 input, at a precision that covers the point's
cancellation and the constants' scale, raised until the answer is stable (see settle).
"""

from __future__ import annotations

import functools
import typing
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from .memo import memoised
from .run.budget import BudgetExceeded, Deadline, interrupt_after

EXACT_DIGITS = 50
# A tolerance scale (terms in absolute value: no cancellation) only needs mpmath's unbounded exponent
# where float64 overflowed, not the working precision of a comparison.
SCALE_DIGITS = 20


def compile_numpy(symbols: Sequence, expr, **options):
    """`sympy.lambdify` for NumPy, printing every sum in SymPy's internal order.

    The default printer sorts each sum's terms for display, which was half of all compile time
    (the float64 result may differ in the last bits, far inside every tolerance); and lambdify
    prints the whole expression again into the function's docstring unless told not to.

    The generated function takes positional arguments `_a0, _a1, …` (see _positional): a user
    symbol named `reduce`, `select` or `numpy` can never shadow a name the generated code calls.
    Integers and fractions beyond float64's exact range are printed as float literals (inf beyond its
    range): the float64 pass only screens, and Python's int arithmetic would raise on them.
    """
    args, names = _positional(symbols)
    printer = _float64_printer()(_UNORDERED)
    printer.positional_names = names
    return _unwrapped(sp.lambdify(args, _wrapped(expr), modules=[_numpy_namespace()], printer=printer,
                                  docstring_limit=0, **options), expr)


def _wrapped(expr):
    """A lone expression in a list: lambdify puts every symbol of an expression (one with `.atoms`) into
    the generated code's namespace under its own name, so a symbol named `mpf` replaced mpmath's mpf."""
    return expr if isinstance(expr, (list, tuple)) else [expr]


def _unwrapped(function, expr):
    if isinstance(expr, (list, tuple)):
        return function

    def first(*args):
        return function(*args)[0]

    return first


def _positional(symbols: Sequence):
    """Arguments `_a0, _a1, …` for the symbols, and the names the printer gives the symbols in the
    body: names the readers reject (no user name starts with `_`), the same in every process (the
    result cache digests generated code). The expression is not rebuilt (xreplace would cost as much
    as printing it); the printer maps each symbol to its argument (see _PositionalNames)."""
    args, names = [], {}
    for k, s in enumerate(symbols):
        if isinstance(s, sp.Symbol):
            args.append(sp.Symbol(f"_a{k}"))
            names[s] = f"_a{k}"
        else:
            args.append(s)  # lambdify replaces anything that is not a name by a dummy of its own
    return args, names


class _PositionalNames:
    """Printer mixin: a symbol with a positional argument is printed as that argument's name."""

    positional_names: typing.ClassVar[dict] = {}

    def _print_Symbol(self, expr):
        name = self.positional_names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    def _print_Dummy(self, expr):  # the engine's own symbols (explicit vector entries) are Dummies
        name = self.positional_names.get(expr)
        return name if name is not None else super()._print_Dummy(expr)


@functools.cache
def _float64_printer():
    from sympy.printing.numpy import NumPyPrinter

    class Float64Printer(_PositionalNames, NumPyPrinter):
        _print_binomial = _print_binomial_call

        def _print_Integral(self, expr):
            """A definite integral in one variable by scipy's vectorised adaptive quadrature (the variable
            is the lambda's parameter: bound inside, as in the integral); anything else is nan."""
            if len(expr.limits) != 1 or len(expr.limits[0]) != 3:
                return "nan"
            variable, low, high = expr.limits[0]
            return (f"quad64(lambda {self._print(variable)}: {self._print(expr.function)}, "
                    f"{self._print(low)}, {self._print(high)})")

        def _print_Integer(self, expr):
            return str(expr.p) if abs(expr.p) < 2**53 else _float_literal(expr)

        def _print_Rational(self, expr):
            if abs(expr.p) < 2**53 and expr.q < 2**53:
                return super()._print_Rational(expr)
            return _float_literal(expr)

    return Float64Printer


def _print_binomial_call(self, expr) -> str:
    """binomial(n, k) as a call (scipy.special.binom, mpmath.binomial), not SymPy's quotient of gammas:
    binomial(0, 2) is 0, while Γ(1)/(Γ(3)Γ(−1)) is undefined in mpmath."""
    return f"binomial({self._print(expr.args[0])}, {self._print(expr.args[1])})"


def _float_literal(number) -> str:
    try:
        value = float(number)
    except OverflowError:
        value = float("inf") if number > 0 else float("-inf")
    if np.isinf(value):
        return "inf" if value > 0 else "(-inf)"
    return repr(value)


def _dirac_delta_float64(value):
    """DiracDelta in float64: 0 away from its argument's zeros, nan (no value) at them."""
    return np.where(np.asarray(value) == 0, np.nan, 0.0)


@functools.cache
def _numpy_namespace() -> dict:
    """What lambdify's "numpy" module gives the generated code, without its `from numpy import *`:
    that star import loads every lazy NumPy submodule (f2py, testing, …), 0.11 s in the parent."""
    namespace = {name: value for name, value in vars(np).items() if not name.startswith("_")}
    namespace.update({name: getattr(np.linalg, name) for name in np.linalg.__all__})
    namespace.update({"I": 1j, "Heaviside": np.heaviside, "numpy": np, "DiracDelta": _dirac_delta_float64,
                      "reduce": functools.reduce})
    namespace.update(_special_float64())
    return namespace


def _quad64(integrand, low, high):
    """∫ integrand from low to high at every sampled point at once (scipy.integrate.quad_vec; ±inf bounds
    allowed). Bounds that vary from point to point, or a quadrature that does not converge, give nan:
    undecided, settled by mpmath.quad."""
    from scipy.integrate import quad_vec

    if np.ndim(low) or np.ndim(high):
        return np.nan
    try:
        value, error = quad_vec(lambda v: np.asarray(integrand(v), dtype=float), float(low), float(high),
                                epsrel=1e-12, limit=200)
    except (ValueError, ArithmeticError, TypeError):
        return np.nan
    value = np.asarray(value, dtype=float)
    return np.where(np.abs(error) <= 1e-9 * np.maximum(np.abs(value), 1e-300), value, np.nan)


def _special_float64() -> dict:
    """The special functions NumPy lacks, from scipy.special: an implementation independent of mpmath's.

    Each is imported on its first call: importing scipy.special takes 0.5 s, and most runs (the
    catalogue among them) never call it. Where a float64 value could differ from SymPy's principal
    branch (loggamma of a negative number is complex), the value is nan: undecided, settled by mpmath."""
    def loggamma(value):
        special = _scipy_special()
        value = np.asarray(value)
        if np.iscomplexobj(value):
            return special.loggamma(value)
        return np.where(value > 0, special.gammaln(np.where(value > 0, value, 1.0)), np.nan)

    def deferred(name: str):
        return lambda *args: getattr(_scipy_special(), name)(*args)

    return {"quad64": _quad64, "erf": deferred("erf"), "erfc": deferred("erfc"), "gamma": deferred("gamma"),
            "lgamma": loggamma, "polygamma": deferred("polygamma"), "binomial": deferred("binom")}


def _scipy_special():
    from scipy import special

    return special


class NoValue(Exception):
    """A distribution (DiracDelta) at a zero of its argument: the point has no value to compare."""


class ExactEvaluationFailed(Exception):
    """mpmath could not evaluate at the requested precision (it ran out of memory): no verdict there."""


def _dirac_delta_exact(value):
    if value == 0:
        raise NoValue("DiracDelta at a zero of its argument")
    return mpmath.mpf(0)


@functools.cache
def _mpmath_printer():
    from sympy.printing.pycode import MpmathPrinter

    class PositionalMpmathPrinter(_PositionalNames, MpmathPrinter):
        _print_binomial = _print_binomial_call

    return PositionalMpmathPrinter


def compile_mpmath(symbols: Sequence, expr):
    """`sympy.lambdify` for mpmath (Heaviside, DiracDelta included), printing sums unordered as
    compile_numpy, with positional argument names no user symbol can take."""

    args, names = _positional(symbols)
    printer = _mpmath_printer()({**_UNORDERED, "user_functions": {"Heaviside": "Heaviside"}})
    printer.positional_names = names
    return _unwrapped(sp.lambdify(args, _wrapped(expr), printer=printer, docstring_limit=0,
                                  modules=["mpmath", {"Heaviside": _heaviside, "DiracDelta": _dirac_delta_exact}]),
                      expr)


def warm_up() -> None:
    """Import once, before workers are forked, what every worker would otherwise import for itself:
    what the first compilation imports (NumPy's and mpmath's namespaces, SymPy's code printers), NumPy's
    random generators (the first draw) and what the first `simplify` imports (sympy.physics.units,
    0.1 s: the first identities of the catalogue already simplify, so each worker paid it)."""
    import sympy.physics.units  # noqa: F401

    x = sp.Symbol("x", real=True)
    compile_numpy([x], sp.exp(x) + 1)(np.zeros(1))
    compile_mpmath([x], sp.exp(x) + 1)(mpmath.mpf(0))
    np.random.default_rng(0)


_UNORDERED = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True, "order": "none"}


@memoised  # adjacent links share a step, and lambdify is slow
def float_function(expr, symbols: Sequence) -> Callable[..., np.ndarray]:
    """A NumPy function of `symbols` that broadcasts constants to the input's shape.

    The values are complex where the expression's are (`x + I*x**2`): casting to float would drop the
    imaginary part and make a complex side look equal to a real one. Where NumPy cannot evaluate at
    all (an integer beyond float64 inside a function NumPy rejects) every value is nan: undecided,
    left to mpmath.
    """
    try:
        compiled = compile_numpy(symbols, expr)
    except Exception:  # noqa: BLE001 - NumPy cannot print it (zoo): every value undecided, left to mpmath
        compiled = None

    def evaluate(*columns):
        shape = np.broadcast(*columns).shape if columns else ()
        if compiled is None:
            return np.full(shape, np.nan)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                value = _numeric_array(compiled(*columns))
            except (ArithmeticError, TypeError, ValueError):
                return np.full(shape, np.nan)
        return np.broadcast_to(value, shape) if np.ndim(value) == 0 else value

    return evaluate


def _numeric_array(value) -> np.ndarray:
    """float64, or complex128 where some value has a nonzero imaginary part."""
    value = np.asarray(value)
    if np.iscomplexobj(value):
        return value.astype(complex) if np.any(np.imag(value) != 0) else np.real(value).astype(float)
    return value.astype(float)


@memoised  # adjacent links share a step, and lambdify is slow
def float_functions(exprs, symbols: Sequence) -> Callable[..., np.ndarray]:
    """Several expressions compiled together: returns an array of shape (len(exprs), *input shape)."""
    compiled = compile_numpy(symbols, list(exprs))

    def evaluate(*columns):
        shape = np.broadcast(*columns).shape if columns else ()
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                values = compiled(*columns)
            except (ArithmeticError, TypeError, ValueError):
                return np.full((len(exprs), *shape), np.nan)
            parts = [np.broadcast_to(_numeric_array(v), shape) for v in values]
        return np.array(parts, dtype=complex if any(np.iscomplexobj(v) for v in parts) else float)

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


def digits_for(values, extra: int = 0, dynamic_range: bool = True) -> int:
    """Working precision for one point: 50 digits beyond the dynamic range that exp(±x) can create,
    plus `extra` (see constant_digits).

    exp(-700) is 1e-304, so 1 + e^{-700} needs 304 more digits than 1 before the difference shows
    (up to |x| = 1000; beyond, the sums' measured cancellation decides, see cancellation_function).
    """
    if not dynamic_range:  # the caller measured it (cancellation_function)
        return EXACT_DIGITS + 10 + int(extra)
    largest = max((abs(float(v)) for v in values if np.isfinite(float(v))), default=0.0)
    return EXACT_DIGITS + 10 + min(int(0.4343 * largest), 450) + int(extra)


def beyond_float64(*exprs) -> bool:
    """Whether a constant of the expressions is beyond float64's normal range (1e-400, 10**400, exp(-800)):
    float64 sees it as 0 or inf, so it screens nothing that depends on it."""
    tiny, huge = float(np.finfo(float).tiny), float(np.finfo(float).max)
    for node in _nodes(list(exprs)):
        if isinstance(node, (sp.Rational, sp.Float)) and node != 0:
            try:
                value = abs(float(node))
            except OverflowError:
                return True
            if not tiny <= value <= huge:
                return True
        elif isinstance(node, sp.exp) and node.args[0].is_number:
            try:
                if abs(complex(node.args[0]).real) > 700:
                    return True
            except (TypeError, ValueError, OverflowError):
                return True
    return False


def constant_digits(*exprs) -> int:
    """Digits the constants of the expressions need: 10**-40 in `x*(1 + 10**-40)` is invisible below
    40 digits, 2**1000 + 1 below 302, exp(-1000) below 435. A difference hidden below the working
    precision is never seen, so the precision starts above every constant's own scale."""
    worst = 0.0
    for expr in exprs:
        for node in _nodes(expr):
            if isinstance(node, sp.Rational):
                worst = max(worst, _decimal_digits(node.p), _decimal_digits(node.q))
            elif isinstance(node, sp.Float):
                worst = max(worst, abs(float(mpmath.log10(abs(node._mpf_[1]) or 1))) + abs(node._mpf_[2]) * 0.302)
            elif isinstance(node, sp.exp) and node.args[0].is_number:
                try:
                    worst = max(worst, 0.4343 * abs(complex(node.args[0]).real))
                except (TypeError, ValueError, OverflowError):
                    continue
    return int(min(worst, 4000))


def _decimal_digits(n: int) -> float:
    return abs(n).bit_length() * 0.30103


def _nodes(expr):
    if isinstance(expr, (list, tuple, sp.MatrixBase)):
        for entry in expr:
            yield from _nodes(entry)
        return
    if isinstance(expr, sp.Basic):
        yield from sp.preorder_traversal(expr)


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


# An exact evaluation returns a number (mpf, or mpc where the value is complex), None where the side is
# undefined (a pole, log 0, a function outside its domain), or NO_VALUE where a distribution (DiracDelta)
# sits on its singular support: the point says nothing about the claim.
NO_VALUE = _Marker("no value")
MAX_DIGITS = 8000  # the precision a point may grow to before it is left unresolved
# A point where float64 disagrees may grow further: exp(-20000) next to 1 needs 8700 digits before a
# difference of 10000 there can be trusted, and such points are few.
MAX_DIGITS_DISAGREEING = 40000
CHEAP_DIGITS = 1200  # the first pass over a claim's points stops here (see numeric.cross_check_scalar)


@memoised  # adjacent links share a step, and lambdify is slow
def exact_function(expr, symbols: Sequence) -> Callable[..., object]:
    """An evaluator at `digits_for(point)` digits (or `digits`): an mpf, an mpc (principal branches:
    log(-1) = iπ), None where undefined, NO_VALUE (see above). Raises ExactEvaluationFailed when mpmath
    runs out of memory."""
    try:
        compiled = compile_mpmath(symbols, expr)
    except Exception:  # noqa: BLE001 - fall back to evalf for anything lambdify cannot print
        compiled = None

    def evaluate(*values, digits: int | None = None):
        digits = digits or digits_for(values)
        with mpmath.workdps(digits):
            args = [_argument(v) for v in values]
            try:
                if compiled is not None:
                    result = compiled(*args)
                else:
                    subs = {s: sp.Float(float(v), digits) for s, v in zip(symbols, values)}
                    result = mpmath.mpmathify(sp.N(expr.subs(subs), digits))
            except NoValue:
                return NO_VALUE
            except MemoryError:
                raise ExactEvaluationFailed(f"mpmath ran out of memory evaluating at {digits} digits") from None
            except (ArithmeticError, ValueError, TypeError):
                return None
            if isinstance(result, (list, tuple)):
                return [_number(r) for r in result]
            return _number(result)

    return evaluate


def _argument(value):
    """An input at the working precision: a float64 exactly, a Rational (an exact special point such as
    -13/7) rounded at this precision as the expression's own 13/7 is."""
    if isinstance(value, mpmath.mpf):
        return value
    if isinstance(value, sp.Rational):
        return mpmath.mpf(value.p) / value.q
    return mpmath.mpf(float(value))


def _number(result):
    """The value at the working precision, complex only where it has an imaginary part; None where it
    is not a finite number (±inf from log 0, nan)."""
    if isinstance(result, _Marker):
        return result
    try:
        value = mpmath.mpmathify(result)
    except (TypeError, ValueError):
        return None
    if not mpmath.isfinite(value):
        return None
    if isinstance(value, mpmath.mpc):
        return +value.real if value.imag == 0 else +value
    return +value


def _heaviside(value, at_zero=0.5):
    return mpmath.mpf(1) if value > 0 else (mpmath.mpf(0) if value < 0 else mpmath.mpf(at_zero))


_MAX_SUMS = 40


@dataclass(frozen=True)
class Cancellation:
    """What the sums at a point demand: `digits` beyond the base precision, and `scale`, the largest
    Σ|terms| of any sum (the size of the numbers a rounding error is relative to)."""

    digits: int = 0
    scale: object = 0


@memoised
def cancellation_function(exprs, symbols: Sequence) -> Callable[..., Cancellation]:
    """The cancellation inside the expressions at a point (see Cancellation): the largest Σ|terms| of
    any sum, at any depth, and the dynamic range of the exponentials (0.4343 (max u − min u) digits over
    every exp(u), and 1 = e^0). cosh(2x)² − sinh(2x)² at x = 700 subtracts two numbers of 10^1216
    inside a sin, and 1 + tanh(x/2) at x = −10^4 is 10^-4343: below that many digits both round to the
    same number and the difference is exactly 0 at every precision, a stable but wrong value. Evaluated
    at SCALE_DIGITS, where exponents are unbounded."""
    sums, exponents = [], []
    for node in _nodes(list(exprs)):
        if isinstance(node, sp.Add) and not node.is_number:
            sums.append(sp.Add(*[sp.Abs(term) for term in node.args]))
        elif isinstance(node, sp.exp) and not node.args[0].is_number:
            exponents.append(sp.re(node.args[0]))
        elif isinstance(node, (sp.cosh, sp.sinh, sp.tanh, sp.coth, sp.sech, sp.csch)) and not node.args[0].is_number:
            exponents.append(sp.Abs(sp.re(node.args[0])))
            exponents.append(-sp.Abs(sp.re(node.args[0])))
        if len(sums) + len(exponents) >= _MAX_SUMS:
            break
    known = set(symbols)  # a sum inside an integral may hold its bound variable: not a function of the point
    sums = [e for e in sums if e.free_symbols <= known]
    exponents = [e for e in exponents if e.free_symbols <= known]
    if not sums and not exponents:
        return lambda *values: Cancellation()
    compiled = exact_function(sums + exponents, symbols)

    def sizes_at(values) -> list:
        """Every sum's Σ|terms| and every exponent at the point; one entry without a value (a
        denominator that is 0 at this precision) leaves the others measured, entry by entry."""
        sizes = compiled(*values, digits=SCALE_DIGITS)
        if isinstance(sizes, list):
            return sizes
        return [exact_function(e, symbols)(*values, digits=SCALE_DIGITS) for e in sums + exponents]

    def cancellation(*values) -> Cancellation:
        try:
            sizes = sizes_at(values)
        except ExactEvaluationFailed:
            return Cancellation()
        numbers = [v if isinstance(v, (mpmath.mpf, mpmath.mpc)) else None for v in sizes]
        scale = max((abs(v) for v in numbers[:len(sums)] if v is not None), default=mpmath.mpf(0))
        digits = int(mpmath.log10(scale)) + 1 if scale > 1 else 0
        powers = [mpmath.re(v) for v in numbers[len(sums):] if v is not None]
        if powers:
            spread = 0.4343 * (max(max(powers), 0) - min(min(powers), 0))
            digits = max(digits, int(min(spread, 10 * MAX_DIGITS_DISAGREEING)))
        return Cancellation(digits, scale)

    return cancellation


@dataclass(frozen=True)
class Settled:
    """One point at high precision. status: "agree", "differ" (a counterexample confirmed at two
    precisions), "excluded" (neither side defined, or no value: not in the claim's domain) or
    "unresolved" (no stable answer within MAX_DIGITS, or mpmath failed); lhs/rhs at `digits`."""

    status: str
    lhs: object = None
    rhs: object = None
    digits: int = 0
    reason: str = ""
    ambiguous: tuple = ()  # status "ambiguous" (settle_entries only): the jump sites at their jumps


# A difference is confirmed when two precisions agree on it to this many significant digits.
CONFIRMING_DIGITS = 10
# A difference is rounding noise when raising the precision by Δ digits shrank it by at least Δ minus this.
NOISE_SLACK = 15
CONFIRMING_STEP = 40


# Wall time one point may take at high precision. mpmath's cost grows with the size of an argument
# as well as with the precision: exp(e^(10^6)) or sin of it reduce their argument with ln 2 or π to
# 1.4 million bits, minutes for one value. A point over this is unresolved, never agreeing.
POINT_SECONDS = 4.0


def within_point_time(settle_point):
    """`settle_point` interrupted after POINT_SECONDS (mpmath is pure Python here: the timer reaches it)."""
    @functools.wraps(settle_point)
    def bounded(*args, **kwargs):
        try:
            with interrupt_after(Deadline(POINT_SECONDS)):
                return settle_point(*args, **kwargs)
        except BudgetExceeded:
            return Settled("unresolved", reason=f"no answer within {POINT_SECONDS:g} s at this point")
    return bounded


@within_point_time
def settle(exact_lhs, exact_rhs, point, extra_digits: int = 0, cancellation=None,
           rewritten: tuple[bool, bool] = (False, False), max_digits: int = MAX_DIGITS, watch=None, *,
           kinked: tuple[bool, bool] = (False, False), judge=None) -> Settled:
    """Compare the sides at one point, raising the precision until the answer is stable.

    At precisions p and q = p + Δ: the difference is real when both precisions agree on it to
    CONFIRMING_DIGITS digits; it is rounding noise when it shrank as fast as the precision grew (the
    tolerance is the actual cancellation, measured, not a fraction of the terms); a side undefined at
    both precisions while the other is defined is a counterexample; both undefined, or a DiracDelta on
    its support, puts the point outside the domain. Anything else: double the precision and look again.
    The first precision covers the point's dynamic range, the constants (`extra_digits`) and the sums'
    cancellation (`cancellation`, see cancellation_function). `rewritten`: which side the engine
    rewrote (a derivative evaluated by SymPy), where a removable singularity may be SymPy's, not the
    claim's (see _tends_to); the user's own expressions are held to the rule exactly. `watch`: the
    claim's jump functions (jumps.Watch), whose arguments must be confirmed clear of their jumps; one
    at its jump within rounding is decided exactly, or the point is unresolved (see checks/jumps.py).
    `kinked`: which side is SymPy's formula for a derivative of a non-smooth function, whose value at a
    kink is a convention (d|x|/dx = sign x is 0 at 0, where no derivative exists): where the other side
    is undefined, such a value is no evidence that the claim's side has one (kinks.py decides those
    points exactly), so the point is excluded, never a counterexample. `judge` (kinks.PointJudge): at a
    point where a jump function is at its jump and a derivative of a non-smooth function is at a kink,
    the claim is decided as the kink analysis decides it, exactly (see at_kink), never by the formulas'
    conventions.
    """
    measured = cancellation(*point) if cancellation is not None else Cancellation()
    start = digits_for(point, extra_digits + measured.digits, dynamic_range=cancellation is None)
    while True:
        arguments = None if watch is None else functools.partial(_jump_offsets, watch, point)
        settled = settle_entries(functools.partial(_both, exact_lhs, exact_rhs, point), start, measured.scale,
                                 max_digits, arguments)
        if settled.status != "ambiguous":
            break
        ambiguous = settled.ambiguous
        if judge is not None:
            decided = at_kink(judge, point, settled.digits, ambiguous)
            if decided is not None:
                return decided
        before = len(watch.sites)
        try:
            watch, why = watch.decide(point, ambiguous, settled.digits)
        except BudgetExceeded:
            watch, why = None, f"a jump function's argument at its jump was not decided within {POINT_SECONDS:g} s"
        if watch is None or len(watch.sites) >= before:  # no precision can tell (`ambiguous` says so)
            return Settled("unresolved", reason=why or "a jump function could not be decided exactly",
                           ambiguous=ambiguous)
        exact_lhs, exact_rhs = exact_function(watch.lhs, watch.symbols), exact_function(watch.rhs, watch.symbols)
        watch = watch if watch.sites else None
    if settled.status == "differ" and (settled.lhs is None) != (settled.rhs is None):
        if kinked[1 if settled.lhs is None else 0]:
            side = "rhs" if settled.lhs is None else "lhs"
            return Settled("excluded", settled.lhs, settled.rhs, settled.digits,
                           f"the {side} is SymPy's derivative formula at a possible kink, where the derivative "
                           "may not exist")
        undefined, value = (exact_lhs, settled.rhs) if settled.lhs is None else (exact_rhs, settled.lhs)
        if rewritten[0 if settled.lhs is None else 1] and _tends_to(undefined, value, point, settled.digits):
            side = "lhs" if settled.lhs is None else "rhs"
            return Settled("excluded", settled.lhs, settled.rhs, settled.digits,
                           f"a removable singularity: the {side} is undefined there but tends to the other side")
    return settled


def at_kink(judge, point, digits: int, ambiguous=()) -> Settled | None:
    """The point decided exactly by the kink analysis (kinks.PointJudge), or None where no derivative of
    a non-smooth function is at a kink (the formulas are the derivatives there).

    Both sides with a value: agree or differ by their exact values. One side with none (no derivative
    at x = 0: one-sided derivatives 0 and 1): a counterexample, the reason shown. Neither: outside the
    claim's domain, excluded (as 1/x = 1/x at 0). Not decidable: unresolved, and marked at a jump
    (`ambiguous`), so that no verdict rests on the numbers there.
    """
    decided = judge(point)
    if decided is None:
        return None
    if decided.status == "unknown":
        return Settled("unresolved", reason=f"a derivative at a kink could not be decided exactly: {decided.reason}",
                       ambiguous=tuple(ambiguous) or (0,))
    if decided.status == "continuous":
        return Settled("unresolved", reason=decided.reason)
    if decided.status == "neither":
        return Settled("excluded", None, None, digits, decided.reason)
    left, right = _exact_value(decided.lhs, digits), _exact_value(decided.rhs, digits)
    if (left is None) != (decided.lhs is None) or (right is None) != (decided.rhs is None):
        return Settled("unresolved", reason="an exact value at a kink could not be evaluated")
    if decided.status == "agree":
        return Settled("agree", left, right, digits)
    return Settled("differ", left, right, digits, decided.reason if left is None or right is None else "")


def _exact_value(value, digits: int):
    """An exact SymPy number at `digits` (None for no value)."""
    if value is None:
        return None
    with mpmath.workdps(digits):
        try:
            return _number(mpmath.mpmathify(sp.N(value, digits)))
        except (TypeError, ValueError, ArithmeticError):
            return None


REMOVABLE_STEP = 40  # a side undefined at a point is probed 10^-40 (relative) away on each side


def _tends_to(function, value, point, digits: int) -> bool:
    """Whether `function`, undefined at `point`, tends to `value` along some coordinate from both sides:
    SymPy writes d/dx xⁿ as n·xⁿ/x, undefined at x = 0 where the derivative the user wrote exists. Such
    a point of a side the engine rewrote says nothing against the claim (nor for it): it is excluded,
    and the report says why. (x² − 1)/(x − 1) written by the user is undefined at 1: a counterexample.)"""
    digits += 2 * REMOVABLE_STEP
    tolerance = mpmath.mpf(10) ** -(REMOVABLE_STEP // 2) * max(1, abs(value))
    for k, coordinate in enumerate(point):
        step = mpmath.mpf(10) ** -REMOVABLE_STEP * max(1, abs(float(coordinate)))
        near = []
        for sign in (-1, 1):
            with mpmath.workdps(digits):
                moved = [mpmath.mpf(float(v)) for v in point]
                moved[k] += sign * step
            near.append(function(*moved, digits=digits))
        if all(isinstance(v, (mpmath.mpf, mpmath.mpc)) and abs(v - value) <= tolerance for v in near):
            return True
    # a singularity on a line where several coordinates meet (SymPy's closed form of an integral divides
    # by m2 and by 1 − m1/m2, undefined at m1 = m2 = 0): every coordinate moved at once, unequally
    near = []
    for sign in (-1, 1):
        with mpmath.workdps(digits):
            moved = [mpmath.mpf(float(v)) + sign * (k + 1) * mpmath.mpf(10) ** -REMOVABLE_STEP
                     * max(1, abs(float(v))) for k, v in enumerate(point)]
        near.append(function(*moved, digits=digits))
    return len(point) > 1 and all(isinstance(v, (mpmath.mpf, mpmath.mpc)) and abs(v - value) <= tolerance
                                  for v in near)


def _both(exact_lhs, exact_rhs, point, digits: int):
    return exact_lhs(*point, digits=digits), exact_rhs(*point, digits=digits)


def _jump_offsets(watch, point, digits: int) -> list:
    return watch.offsets(watch.arguments(point, digits), digits)


@within_point_time
def settle_entries(values_at, digits: int, scale=0, max_digits: int = MAX_DIGITS, arguments=None) -> Settled:
    """`settle` for a function of the precision giving (lhs, rhs), each a number or a list of entries.

    Each round compares precision p with p + Δ (Δ = max(CONFIRMING_STEP, p/8)); an undecided round
    doubles p. `scale`: the sums' Σ|terms| (see Cancellation), what a rounding error is relative to.
    `arguments`: a function of the precision giving the distance of each jump function's argument to
    its jump (checks/jumps.py); no answer is given until each is confirmed clear of it, and one at its
    jump within rounding makes the status "ambiguous" (`ambiguous` names them) for the caller to
    decide exactly."""
    if digits > max_digits // 2:
        return Settled("unresolved", digits=digits, reason=f"the cancellation needs more than {max_digits} digits")
    try:
        while True:
            higher = digits + max(CONFIRMING_STEP, digits // 8)
            if higher > max_digits:
                return Settled("unresolved", digits=digits, reason=f"no stable value within {max_digits} digits")
            L, R = values_at(digits)
            jumps = arguments(digits) if arguments is not None else []
            if _within_rounding(L, R, digits, scale) and all(_clear_of_jump(a, digits, scale) for a in jumps):
                return Settled("agree", L, R, digits)
            L2, R2 = values_at(higher)
            if jumps:
                states = [_jump_state(a, b, digits, higher, scale) for a, b in zip(jumps, arguments(higher))]
                at_jump = tuple(k for k, state in enumerate(states) if state == "at jump")
                if at_jump:
                    return Settled("ambiguous", L2, R2, higher, "", at_jump)
                if None in states:
                    digits *= 2
                    continue
            status, reason = _two_precisions(L, R, L2, R2, digits, higher, scale)
            if status == "differ" and any(_undefined(L2, R2)) and _undefined(L2, R2) != _undefined(*values_at(2 * higher)):
                status = None  # a side undefined only below some precision: a denominator lost to rounding
            if status is not None:
                return Settled(status, L2, R2, higher, reason)
            digits *= 2
    except ExactEvaluationFailed as failure:
        return Settled("unresolved", reason=str(failure))


def _two_precisions(Lp, Rp, Lq, Rq, p: int, q: int, scale):
    """The verdict of one point from its values at precisions p < q, or (None, "") to look again higher.

    The rounding error at precision d is at most about S·10^(NOISE_SLACK − d), S the largest number the
    evaluation handled (the sides, the sums' Σ|terms|). A difference is real when it exceeds that bound
    at p and both precisions agree on it to CONFIRMING_DIGITS digits; it is noise when it is below the
    bound at q, or shrank by at least a third of the digits the precision grew (the noise of √(rounding
    error), sqrt(-|sin(πn)|) at an integer n, shrinks at half the rate)."""
    if isinstance(Lq, list) or isinstance(Rq, list):
        outcomes = [_two_precisions(a, b, c, d, p, q, scale) for a, b, c, d in zip(_listed(Lp), _listed(Rp),
                                                                                   _listed(Lq), _listed(Rq))]
        for wanted in ("differ", None, "excluded"):
            found = next((o for o in outcomes if o[0] == wanted), None)
            if found is not None:
                return found
        return "agree", ""
    if any(v is NO_VALUE for v in (Lp, Rp, Lq, Rq)):
        return "excluded", "DiracDelta has no value at a zero of its argument"
    undefined_p, undefined_q = (Lp is None, Rp is None), (Lq is None, Rq is None)
    if undefined_p != undefined_q:
        return None, ""
    if undefined_q == (True, True):
        return "excluded", "neither side is defined"
    if undefined_q[0] or undefined_q[1]:
        return "differ", ("the lhs" if undefined_q[0] else "the rhs") + " is undefined, the other side is not"
    with mpmath.workdps(2 * CONFIRMING_DIGITS + 20):
        Dp, Dq = Lp - Rp, Lq - Rq
        if Dq == 0:
            return "agree", ""
        size = max(abs(Lq), abs(Rq), abs(mpmath.mpmathify(scale)))
        noise_p = size * mpmath.mpf(10) ** (NOISE_SLACK - p)
        noise_q = size * mpmath.mpf(10) ** (NOISE_SLACK - q)
        if abs(Dq) > noise_p and abs(Dp - Dq) <= mpmath.mpf(10) ** -CONFIRMING_DIGITS * abs(Dq):
            return "differ", ""
        if abs(Dq) <= noise_q or abs(Dq) <= abs(Dp) * mpmath.mpf(10) ** -((q - p) // 3):
            return "agree", ""
    return None, ""


def _clear_of_jump(offset, digits: int, scale) -> bool:
    """A jump function's argument at one precision (its distance to the jump) so far from it that no
    rounding error can carry it across: CONFIRMING_DIGITS digits above the error bound, itself taken
    relative to at least 1 (sin(πx) at x = 1 is 10^-p with no sum in sight)."""
    if not isinstance(offset, (mpmath.mpf, mpmath.mpc)):
        return True  # undefined there: the side it is in says so
    with mpmath.workdps(2 * CONFIRMING_DIGITS + 20):
        size = max(abs(mpmath.mpmathify(scale)), 1)
        return abs(offset) > size * mpmath.mpf(10) ** (NOISE_SLACK + CONFIRMING_DIGITS - digits)


def _jump_state(offset_p, offset_q, p: int, q: int, scale):
    """A jump function's argument (its distance to the jump) at precisions p < q: "clear" when both
    agree on a nonzero value to CONFIRMING_DIGITS digits (or it is clear at q already), "at jump" when
    it is 0 within rounding (0 at q, or shrinking as fast as the precision grows, as noise does), None
    to look again higher."""
    numbers = (mpmath.mpf, mpmath.mpc)
    if not isinstance(offset_p, numbers) or not isinstance(offset_q, numbers):
        return "clear" if not isinstance(offset_p, numbers) and not isinstance(offset_q, numbers) else None
    if offset_q == 0 or offset_p == 0:
        return "at jump"
    with mpmath.workdps(2 * CONFIRMING_DIGITS + 20):
        a, b = mpmath.mpmathify(offset_p), mpmath.mpmathify(offset_q)
        if abs(a - b) <= mpmath.mpf(10) ** -CONFIRMING_DIGITS * abs(b):
            return "clear"
        size = max(abs(mpmath.mpmathify(scale)), 1)
        if abs(b) <= size * mpmath.mpf(10) ** (NOISE_SLACK - q) or abs(b) <= abs(a) * mpmath.mpf(10) ** -((q - p) // 3):
            return "at jump"
    return None


def _undefined(L, R) -> tuple:
    """Which entries of either side have no value. A side undefined at two precisions is asked once
    more at twice the higher one before that counts: a denominator whose terms cancel beyond what
    was measured is 0 at every precision below the cancellation, and has a value above it."""
    return tuple(v is None for v in (*_listed(L), *_listed(R)))


def _within_rounding(L, R, digits: int, scale) -> bool:
    """Every entry defined and equal within the rounding error bound at this precision (see
    _two_precisions): agreement needs no second precision, only a difference must be confirmed."""
    with mpmath.workdps(2 * CONFIRMING_DIGITS + 20):
        for a, b in zip(_listed(L), _listed(R)):
            if not isinstance(a, (mpmath.mpf, mpmath.mpc)) or not isinstance(b, (mpmath.mpf, mpmath.mpc)):
                return False
            size = max(abs(a), abs(b), abs(mpmath.mpmathify(scale)))
            if abs(a - b) > size * mpmath.mpf(10) ** (NOISE_SLACK - digits):
                return False
    return len(_listed(L)) == len(_listed(R))


def _listed(values):
    return values if isinstance(values, list) else [values]


def short(value, size=None) -> str:
    """A number as a report shows it: 17 significant digits (complex as a + bj); below 1e-40 of `size`
    it is the high-precision evaluation's rounding noise around an exact 0, and shown as 0."""
    if value is None:
        return "undefined"
    if isinstance(value, _Marker):
        return value.name
    if size is not None and abs(value) <= mpmath.mpf(10) ** -40 * abs(size):
        return "0"
    if isinstance(value, (mpmath.mpf, mpmath.mpc)):
        with mpmath.workdps(20):  # rounded first: mpmath prints a value of 40000 digits through a str of
            return mpmath.nstr(+value, 17)  # an int of that many digits, beyond Python's 4300-digit limit
    return repr(float(value))
