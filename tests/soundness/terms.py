"""A tiny expression tree, independent of SymPy and of qedcheck: printed as identity-file text,
evaluated by mpmath, differentiated by hand.

The fuzzer's judge must not share the engine's code (a bug in both would agree with itself), so the
pairs are built here as plain tuples and only ever reach qedcheck as text, through its real reader.

Nodes:
    ("sym", name)                     a declared symbol
    ("num", text, Fraction)           a literal as written ("3", "0.25", "1e-40") and its exact value
    ("const", "pi" | "E")
    (op, a, b) for op in + - * / **   ("neg", a) for unary minus
    ("call", name, (args…))           exp log sqrt sin … Max Min Heaviside sigmoid softplus relu
    ("diff", body, var)               d body / d var (whole sides only)
Conditions (for `where`): ("cmp", op, a, b) with op in < <= > >= !=, ("and", c, d), ("or", c, d).

Semantics, as issue 11 fixes them: principal branches, values in ℂ; Heaviside(0) = 1/2, sign(0) = 0;
Max, Min, Heaviside and comparisons are defined on reals only; a division by 0, log 0 or a
derivative that does not exist is "undefined".
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp

Node = tuple


class Undefined(ArithmeticError):
    """The expression has no value at this point (1/0, log 0, Max of a non-real, no derivative)."""


class TooLarge(ArithmeticError):
    """The value exists but is beyond what the judge evaluates (e^(e^1000)): the point is skipped."""


class NotSmooth(ValueError):
    """`derivative` met a function with a kink; the generator writes such derivatives by hand."""


# --- building ---------------------------------------------------------------------------------------


def sym(name: str) -> Node:
    return ("sym", name)


def num(value: int | Fraction | str) -> Node:
    """An exact literal: an int, a Fraction (printed p/q) or a decimal string printed as written."""
    if isinstance(value, str):
        return ("num", value, Fraction(value))
    value = Fraction(value)
    if value.denominator == 1:
        return ("num", str(value.numerator), value)
    return ("/", ("num", str(value.numerator), Fraction(value.numerator)),
            ("num", str(value.denominator), Fraction(value.denominator)))


def call(name: str, *args: Node) -> Node:
    return ("call", name, tuple(args))


def add(a: Node, b: Node) -> Node:
    return ("+", a, b)


def sub(a: Node, b: Node) -> Node:
    return ("-", a, b)


def mul(a: Node, b: Node) -> Node:
    return ("*", a, b)


def div(a: Node, b: Node) -> Node:
    return ("/", a, b)


def pw(a: Node, b: Node | int) -> Node:
    return ("**", a, num(b) if isinstance(b, int) else b)


def neg(a: Node) -> Node:
    return ("neg", a)


def cmp(op: str, a: Node, b: Node) -> Node:
    return ("cmp", op, a, b)


ONE, TWO, ZERO = num(1), num(2), num(0)
PI = ("const", "pi")

# --- printing ---------------------------------------------------------------------------------------


def text(node: Node, top: bool = True) -> str:
    """Identity-file text; every compound is parenthesised so no precedence question arises."""
    kind = node[0]
    if kind == "sym":
        return node[1]
    if kind == "num":
        return node[1] if not node[1].startswith("-") else f"({node[1]})"
    if kind == "const":
        return node[1]
    if kind == "neg":
        inner = f"-{text(node[1], False)}"
        return inner if top else f"({inner})"
    if kind == "call":
        return f"{node[1]}({', '.join(text(a) for a in node[2])})"
    if kind == "diff":
        return f"diff({text(node[1])}, {node[2]})"
    if kind == "cmp":
        return f"{text(node[2])} {node[1]} {text(node[3])}"
    if kind in ("and", "or"):
        joined = f" {'&' if kind == 'and' else '|'} ".join(
            f"({text(c)})" if c[0] in ("and", "or") and c[0] != kind else text(c) for c in node[1:])
        return joined
    inner = f"{text(node[1], False)} {kind} {text(node[2], False)}"
    return inner if top else f"({inner})"


def symbols_of(node: Node) -> set[str]:
    if node[0] == "sym":
        return {node[1]}
    if node[0] in ("num", "const"):
        return set()
    if node[0] == "cmp":
        return symbols_of(node[2]) | symbols_of(node[3])
    if node[0] in ("and", "or"):
        return set().union(*(symbols_of(c) for c in node[1:]))
    if node[0] == "call":
        return set().union(*(symbols_of(a) for a in node[2]))
    return set().union(*(symbols_of(a) for a in node[1:] if isinstance(a, tuple)))


def literal_digits(node: Node) -> int:
    """Decimal digits a judge needs to see every literal's detail: 1e-400 needs 400, 1.0…01 needs 21."""
    kind = node[0]
    if kind == "num":
        value = node[2]
        if value == 0:
            return 1
        digits = len(node[1].replace("-", "").replace(".", "").split("e")[0].split("E")[0])
        return digits + abs(_log10(abs(value)))
    if kind == "**" and node[1][0] == "num" and node[2][0] in ("num", "neg"):
        base = node[1][2]
        exponent = node[2][2] if node[2][0] == "num" else (
            -node[2][1][2] if node[2][1][0] == "num" else Fraction(1))
        if base > 0:
            return int(abs(math.log10(base) * exponent)) + literal_digits(node[1]) + 1
    if kind in ("sym", "const"):
        return 1
    children = node[2] if kind == "call" else [a for a in node[1:] if isinstance(a, tuple)]
    return max((literal_digits(c) for c in children), default=1)


def _log10(value: Fraction) -> int:
    return len(str(value.numerator)) - len(str(value.denominator))


# --- evaluating -------------------------------------------------------------------------------------

EXP_LIMIT = 10**6  # e^(10^6) has 434,295 digits: beyond that a point is not judged


def _real(value):
    """mpc with an exactly zero imaginary part → mpf, so real-only functions accept it."""
    if isinstance(value, mp.mpc) and value.imag == 0:
        return value.real
    return value


def _need_real(value, what: str):
    value = _real(value)
    if isinstance(value, mp.mpc):
        raise Undefined(f"{what} of a non-real value")
    return value


def _finite(value):
    value = _real(value)
    if isinstance(value, mp.mpc):
        if not (mp.isfinite(value.real) and mp.isfinite(value.imag)):
            raise Undefined("not finite")
    elif not mp.isfinite(value):
        raise Undefined("not finite")
    return value


def _exp(z):
    if mp.re(z) > EXP_LIMIT:
        raise TooLarge("exp of a huge argument")
    return mp.exp(z)


def _log(z):
    if z == 0:
        raise Undefined("log 0")
    return mp.log(z)


def _pow(a, b):
    if a == 0:
        if mp.re(b) > 0:
            return mp.mpf(0)
        if b == 0:
            return mp.mpf(1)
        raise Undefined("0 to a negative power")
    if isinstance(a, mp.mpf) and a > 0 and isinstance(b, mp.mpf) and mp.log(a) * b > EXP_LIMIT:
        raise TooLarge("power too large")
    return mp.power(a, b)


def _sign(z):
    z = _real(z)
    if isinstance(z, mp.mpc):
        return z / abs(z)
    return mp.mpf(mp.sign(z))


def _heaviside(z):
    z = _need_real(z, "Heaviside")
    return mp.mpf(1) if z > 0 else (mp.mpf(0) if z < 0 else mp.mpf(1) / 2)


def _max(*args):
    return max(_need_real(a, "Max") for a in args)


def _min(*args):
    return min(_need_real(a, "Min") for a in args)


def _tan(z):
    if mp.cos(z) == 0:
        raise Undefined("tan at a pole")
    return mp.tan(z)


FUNCTIONS = {
    "exp": _exp,
    "log": _log,
    "sqrt": mp.sqrt,
    "sin": mp.sin,
    "cos": mp.cos,
    "tan": _tan,
    "sinh": lambda z: mp.sinh(z) if abs(mp.re(z)) <= EXP_LIMIT else _exp(z),
    "cosh": lambda z: mp.cosh(z) if abs(mp.re(z)) <= EXP_LIMIT else _exp(abs(z)),
    "tanh": mp.tanh,
    "atan": mp.atan,
    "Abs": lambda z: abs(z),
    "sign": _sign,
    "Max": _max,
    "Min": _min,
    "Heaviside": _heaviside,
    "sigmoid": lambda z: 1 / (1 + _exp(-z)),
    "softplus": lambda z: _log(1 + _exp(z)),
    "relu": lambda z: _max(mp.mpf(0), z),
}


MAGNITUDE = [0]  # the largest binary exponent of any intermediate value since the last reset


def _noted(value):
    magnitude = mp.mag(value)
    MAGNITUDE[0] = max(MAGNITUDE[0], magnitude)
    return value


def evaluate(node: Node, env: dict):
    """The value of `node` at the point `env` (symbol → mpf) at mpmath's current precision.

    Every intermediate's magnitude is noted in MAGNITUDE: cosh(x)² − sinh(x)² at x = 100 cancels 87
    digits, and the judge must work with more digits than that before it trusts a difference.
    """
    return _noted(_evaluate(node, env))


def _evaluate(node: Node, env: dict):
    kind = node[0]
    if kind == "sym":
        return env[node[1]]
    if kind == "num":
        value = node[2]
        return mp.mpf(value.numerator) / value.denominator
    if kind == "const":
        return +mp.pi if node[1] == "pi" else mp.e()
    if kind == "neg":
        return -evaluate(node[1], env)
    if kind == "call":
        args = [evaluate(a, env) for a in node[2]]
        try:
            return _finite(FUNCTIONS[node[1]](*args))
        except (ValueError, ZeroDivisionError) as failure:
            raise Undefined(f"{node[1]}: {failure}") from None
    if kind == "diff":
        return derivative_value(node[1], node[2], env)
    a, b = evaluate(node[1], env), evaluate(node[2], env)
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return _finite(a * b)
    if kind == "/":
        if b == 0:
            raise Undefined("division by 0")
        return _finite(a / b)
    if kind == "**":
        return _finite(_real(_pow(a, b)))
    raise ValueError(f"unknown node {kind}")


def holds(condition: Node | None, env: dict) -> bool:
    """Whether a `where` condition holds at the point (comparisons of real values only)."""
    if condition is None:
        return True
    kind = condition[0]
    if kind == "and":
        return all(holds(c, env) for c in condition[1:])
    if kind == "or":
        return any(holds(c, env) for c in condition[1:])
    a = _need_real(evaluate(condition[2], env), "a comparison")
    b = _need_real(evaluate(condition[3], env), "a comparison")
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "!=": a != b, "==": a == b}[condition[1]]


def derivative_value(body: Node, var: str, env: dict):
    """d body/d var at the point, or Undefined where it does not exist.

    One-sided difference quotients at two step sizes on each side: they must settle (else a jump or
    a pole) and the two sides must agree (else a kink). Steps are far below the working precision's
    square root so a smooth function's quotients agree to many digits, and a kink's differ by O(1).
    """
    x0 = env[var]

    def f(t):
        return evaluate(body, {**env, var: t})

    f0 = f(x0)
    digits = mp.mp.dps
    quotients = []
    for h in (mp.mpf(10) ** (-digits // 3), mp.mpf(10) ** (-digits // 3 - 5)):
        right = (f(x0 + h) - f0) / h
        left = (f0 - f(x0 - h)) / h
        quotients.append((right, left))
    (r1, l1), (r2, l2) = quotients
    scale = 1 + abs(r2) + abs(l2)
    tolerance = mp.mpf(10) ** (-digits // 4) * scale
    if abs(r1 - r2) > tolerance or abs(l1 - l2) > tolerance:
        raise Undefined("difference quotients do not settle (a jump or a pole)")
    if abs(r2 - l2) > tolerance:
        raise Undefined(f"no derivative: one-sided derivatives {mp.nstr(l2, 6)} and {mp.nstr(r2, 6)}")
    # A central quotient is second-order accurate: the value reported is the better one.
    h = mp.mpf(10) ** (-digits // 3)
    return _real((f(x0 + h) - f(x0 - h)) / (2 * h))


# --- differentiating (smooth vocabulary only) ------------------------------------------------------


def derivative(node: Node, var: str) -> Node:
    """d node / d var as a tree, for the smooth vocabulary; NotSmooth for Abs, sign, Max, ..."""
    kind = node[0]
    if kind == "sym":
        return ONE if node[1] == var else ZERO
    if kind in ("num", "const"):
        return ZERO
    if var not in symbols_of(node):
        return ZERO
    if kind == "neg":
        return _neg(derivative(node[1], var))
    if kind in ("+", "-"):
        da, db = derivative(node[1], var), derivative(node[2], var)
        return _add(da, db) if kind == "+" else _add(da, _neg(db))
    if kind == "*":
        a, b = node[1], node[2]
        return _add(_mul(derivative(a, var), b), _mul(a, derivative(b, var)))
    if kind == "/":
        a, b = node[1], node[2]
        top = _add(_mul(derivative(a, var), b), _neg(_mul(a, derivative(b, var))))
        return div(top, pw(b, 2))
    if kind == "**":
        a, b = node[1], node[2]
        if var not in symbols_of(b):
            return _mul(_mul(b, pw(a, sub(b, ONE))), derivative(a, var))
        inner = _add(_mul(derivative(b, var), call("log", a)), div(_mul(b, derivative(a, var)), a))
        return _mul(node, inner)
    if kind == "call":
        if len(node[2]) != 1:
            raise NotSmooth(node[1])
        u = node[2][0]
        outer = {
            "exp": lambda: call("exp", u),
            "log": lambda: div(ONE, u),
            "sqrt": lambda: div(ONE, mul(TWO, call("sqrt", u))),
            "sin": lambda: call("cos", u),
            "cos": lambda: neg(call("sin", u)),
            "tan": lambda: add(ONE, pw(call("tan", u), 2)),
            "sinh": lambda: call("cosh", u),
            "cosh": lambda: call("sinh", u),
            "tanh": lambda: sub(ONE, pw(call("tanh", u), 2)),
            "atan": lambda: div(ONE, add(ONE, pw(u, 2))),
            "sigmoid": lambda: mul(call("sigmoid", u), sub(ONE, call("sigmoid", u))),
            "softplus": lambda: call("sigmoid", u),
        }.get(node[1])
        if outer is None:
            raise NotSmooth(node[1])
        return _mul(outer(), derivative(u, var))
    raise NotSmooth(kind)


def _is_zero(node: Node) -> bool:
    return node[0] == "num" and node[2] == 0


def _is_one(node: Node) -> bool:
    return node[0] == "num" and node[2] == 1


def _add(a: Node, b: Node) -> Node:
    if _is_zero(a):
        return b
    if _is_zero(b):
        return a
    return add(a, b)


def _neg(a: Node) -> Node:
    return a if _is_zero(a) else neg(a)


def _mul(a: Node, b: Node) -> Node:
    if _is_zero(a) or _is_zero(b):
        return ZERO
    if _is_one(a):
        return b
    if _is_one(b):
        return a
    return mul(a, b)
