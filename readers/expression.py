"""The safe expression parser for user files: Python-style syntax in, SymPy objects out, no code run.

The text may come from a stranger's pull request, so it never reaches `eval`, `sympify` or
`parse_expr`. `ast.parse(text, mode="eval")` only builds a syntax tree; a whitelist walk then turns
numbers, declared names, the listed function calls and arithmetic into SymPy objects directly, and
rejects every other node (attributes, subscripts, lambdas, comprehensions, strings, …). Limits on
length, nesting, exponents and number sizes keep a hostile expression from exhausting the machine.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy as sp

from ..derivations.vocabulary import relu, sigmoid, softplus
from .errors import ExpressionError
from .numbers import MAX_LITERAL_DIGITS, MAX_NUMBER_DIGITS, check_number_size, exact_decimal, len_digits

MAX_LENGTH = 2000  # characters of one expression
MAX_DEPTH = 40  # nesting of the syntax tree (parentheses, calls, operators)
MAX_EXPONENT = 256  # |n| of a numeric exponent: no 10**10**10, no (x+1)**10**6
MAX_DIFF_ORDER = 5  # diff(expr, x, n) with 1 <= n <= MAX_DIFF_ORDER

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Builtin:
    """A function the parser knows: how many arguments it takes and what builds it."""

    build: Callable[..., sp.Expr]
    min_args: int = 1
    max_args: int | None = 1


@dataclass(frozen=True)
class UserFunction:
    """A `[functions.NAME]` definition: its body over placeholder arguments, substituted at each call."""

    name: str
    args: tuple[sp.Dummy, ...]
    body: sp.Expr

    def apply(self, values) -> sp.Expr:
        """The body at `values`. A derivative in the body is taken with respect to an argument, so it
        is evaluated *at* the value (f'(2x) is Subs(d/dt f(t), t, 2x)): substituting 2*x for t inside
        d/dt would differentiate with respect to 2*x, which is meaningless (and raised)."""
        if self.body.has(sp.Derivative):
            return sp.Subs(self.body, self.args, tuple(values))
        built = self.body.xreplace(dict(zip(self.args, values)))
        check_merged_powers(built, f"{self.name}(…)")
        return built


BUILTINS: dict[str, Builtin] = {
    "exp": Builtin(sp.exp),
    "log": Builtin(lambda x, base=None: sp.log(x) if base is None else sp.log(x) / sp.log(checked_log_base(base)),
                   1, 2),
    "sqrt": Builtin(sp.sqrt),
    "sin": Builtin(sp.sin),
    "cos": Builtin(sp.cos),
    "tan": Builtin(sp.tan),
    "sinh": Builtin(sp.sinh),
    "cosh": Builtin(sp.cosh),
    "tanh": Builtin(sp.tanh),
    "atan": Builtin(sp.atan),
    "Abs": Builtin(sp.Abs),
    "sign": Builtin(sp.sign),
    "Max": Builtin(sp.Max, 2, 16),
    "Min": Builtin(sp.Min, 2, 16),
    "Heaviside": Builtin(sp.Heaviside),
    "sigmoid": Builtin(sigmoid),
    "softplus": Builtin(softplus),
    "relu": Builtin(relu),
    # probability, inverse trigonometric and special functions (principal branches: complex outside
    # the real domain, as SymPy and mpmath define them)
    "erf": Builtin(sp.erf),
    "erfc": Builtin(sp.erfc),
    "Phi": Builtin(lambda x: (1 + sp.erf(x / sp.sqrt(2))) / 2),  # the standard normal CDF, by its definition
    "asin": Builtin(sp.asin),
    "acos": Builtin(sp.acos),
    "atan2": Builtin(sp.atan2, 2, 2),
    "asinh": Builtin(sp.asinh),
    "acosh": Builtin(sp.acosh),
    "atanh": Builtin(sp.atanh),
    "ln": Builtin(sp.log),
    "abs": Builtin(sp.Abs),
    "floor": Builtin(sp.floor),
    "ceiling": Builtin(sp.ceiling),
    "gamma": Builtin(sp.gamma),
    "loggamma": Builtin(sp.loggamma),
    "digamma": Builtin(sp.digamma),
    "binomial": Builtin(sp.binomial, 2, 2),
}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E}
# Forms with a bound variable or a special argument, read by their own rules (see _Builder._call).
SPECIAL_FORMS = ("diff", "subs", "limit", "integrate")
RESERVED = frozenset(BUILTINS) | frozenset(CONSTANTS) | frozenset(SPECIAL_FORMS) | {"oo"}


def parse_expression(text: str, symbols: Mapping[str, sp.Symbol],
                     functions: Mapping[str, UserFunction] | None = None) -> sp.Expr:
    """The SymPy expression `text` denotes over the declared `symbols` and user `functions`."""
    tree = syntax_tree(text)
    return _Builder(text, symbols, functions or {}).expr(tree.body, 1)


def parse_condition(text: str, symbols: Mapping[str, sp.Symbol],
                    functions: Mapping[str, UserFunction] | None = None) -> sp.Basic:
    """A domain such as `x > 0 & y != 1 | x < -1`: comparisons joined by `&` and `|` (and parentheses).

    Python binds `&` tighter than `<`, so `x > 0 & y > 0` would mean `x > (0 & y) > 0`; the
    connectives are therefore split off the text first, and each piece is parsed as a comparison.
    """
    if not isinstance(text, str):
        raise ExpressionError("a condition must be a string")
    _check_length(text)
    builder = _Builder(text, symbols, functions or {})
    return _condition(text, builder, 1)


def checked_log_base(base: sp.Expr) -> sp.Expr:
    """`log(x, b)` is log x / log b: b must be a positive number other than 1 (the rule of LaTeX's \\log_{b})."""
    if not (base.is_number and base.is_extended_real and base.is_positive and base != 1):
        raise ExpressionError(f"the base of a logarithm must be a positive number other than 1, not '{base}'")
    return base


def known_functions(known) -> str:
    """The list an author needs when a name is nowhere near a known one."""
    listed = ", ".join(sorted(known, key=lambda name: (name.lower(), name)))  # Abs before abs, every time
    return f" (known functions: {listed}; define others in [functions])"


def singular_parts(expr) -> set:
    """Where a written expression has no value: the bases of its negative powers and the arguments of
    its logarithms (those that are not nonzero numbers), and the conditions an earlier cancellation kept
    (a Piecewise with no branch for the rest: x·y/y − x·y/y is 0, and undefined where y is)."""
    found = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_negative:
            found |= _zero_factors(node.base)
        elif isinstance(node, sp.log):
            found |= _zero_factors(node.args[0])
        elif isinstance(node, sp.Piecewise) and not any(condition == sp.true for _, condition in node.args):
            for _, condition in node.args:
                for relation in condition.atoms(sp.Ne):
                    found |= _zero_factors(relation.lhs - relation.rhs)
    return found


def _zero_factors(base: sp.Expr) -> set:
    """The factors whose zeros are the base's: (x − 3)² and x·y vanish where x − 3, x or y do."""
    factors = set()
    for factor in sp.Mul.make_args(base):
        while isinstance(factor, sp.Pow) and factor.exp.is_positive:
            factor = factor.base
        if factor.free_symbols:
            factors.add(factor)
    return factors


def keep_domain(built: sp.Expr, *parts: sp.Expr) -> sp.Expr:
    """`built` from `parts`, undefined wherever a part was: SymPy cancels as it builds (x·sin x / x is
    sin x, 1/x − 1/x is 0, log x − log x is 0), and the claim as written has no value where a cancelled
    denominator or logarithm argument is 0. Each such point is kept as a condition of a Piecewise with
    no other branch, so both engines see it (the claim is decided there, never silently extended)."""
    if not any(isinstance(p, sp.Basic) and p.has(sp.Pow, sp.log, sp.Piecewise) for p in parts):
        return built
    before = set().union(*(singular_parts(p) for p in parts))
    lost = sorted(before - singular_parts(built), key=sp.default_sort_key)
    if not lost:
        return built
    return sp.Piecewise((built, sp.And(*[sp.Ne(base, 0) for base in lost])))


def power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """`base ** exponent`, refusing exponents and exact numbers too large to build (shared with LaTeX)."""
    if exponent.is_Number:
        if exponent.is_Integer or exponent.is_Rational:
            if abs(exponent) > MAX_EXPONENT:
                raise ExpressionError(f"exponent {_short(exponent)} is too large (at most {MAX_EXPONENT})")
        elif exponent.is_Float and abs(exponent) > MAX_EXPONENT:
            raise ExpressionError(f"exponent {_short(exponent)} is too large (at most {MAX_EXPONENT})")
    if base.is_Number and exponent.is_Number and base != 0:
        digits = abs(float(exponent)) * abs(_log10_abs(base))
        if digits > MAX_NUMBER_DIGITS:
            raise ExpressionError(f"{_short(base)}**{_short(exponent)} has about {digits:.0f} digits "
                                  f"(at most {MAX_NUMBER_DIGITS})")
    built = sp.Pow(base, exponent)
    check_merged_powers(built, f"({_short(base)})**{_short(exponent)}", anywhere=False)
    return keep_domain(built, base, exponent, *([sp.Pow(base, -1, evaluate=False)] if exponent.is_negative else []))


def check_merged_powers(built: sp.Expr, shown: str, anywhere: bool = True) -> None:
    """SymPy merges powers, (x**200)**200 → x**40000 and x**200*x**200 → x**400: the exponent limit
    holds after it. A new product or power merges at its top (`anywhere=False` looks there only);
    a function body rebuilt around its arguments can merge anywhere."""
    nodes = built.atoms(sp.Pow) if anywhere else (built, *built.args)
    for node in nodes:
        if not isinstance(node, sp.Pow):
            continue
        exponent = node.exp
        if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
            raise ExpressionError(f"'{shown}' makes the exponent {_short(exponent)} "
                                  f"(at most {MAX_EXPONENT})")


def check_derivative_order(built: sp.Expr, shown: str) -> None:
    """SymPy merges nested derivatives, diff(diff(f, x, 5), x, 5) → order 10, and a derivative may be
    nested in another through a function: the order limit holds for the whole nest."""
    order = nested_derivative_order(built)
    if order > MAX_DIFF_ORDER:
        raise ExpressionError(f"'{shown}' differentiates {order} times (at most {MAX_DIFF_ORDER})")


def nested_derivative_order(expr: sp.Basic) -> int:
    """The most derivatives taken one inside another anywhere in `expr`."""
    inner = max((nested_derivative_order(arg) for arg in expr.args), default=0)
    if isinstance(expr, sp.Derivative):
        return inner + sum(int(count) for _, count in expr.variable_count)
    return inner


def did_you_mean(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _python_form(text: str) -> str:
    """`^` is power on paper; Python would read `x^2 + 1` as `x ^ (2 + 1)`, so it becomes `**` first."""
    return text.strip().replace("^", "**")


def _check_length(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(text)} characters (at most {MAX_LENGTH})")


def syntax_tree(text) -> ast.Expression:
    """The Python syntax tree of `text` (never evaluated), or the reader's own located complaint."""
    if not isinstance(text, str):
        raise ExpressionError("an expression must be a string")
    _check_length(text)
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if "\x00" in text:
        raise ExpressionError("the expression contains a NUL character")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "invalid hexadecimal literal": the error says enough
            return ast.parse(_python_form(text), mode="eval")
    except SyntaxError as failure:
        raise ExpressionError(_syntax_message(text, failure)) from None
    except (ValueError, MemoryError, RecursionError) as failure:
        raise ExpressionError(f"cannot read the expression: {failure}") from None


_KEYWORD = re.compile(r"\b(" + "|".join(sorted(keyword.kwlist, key=len, reverse=True)) + r")\b")
_JUXTAPOSED = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*([A-Za-z_(])")


def _syntax_message(text: str, failure: SyntaxError) -> str:
    """The parser's complaint, with what the author most likely meant when the text says it."""
    message = f"invalid syntax at column {failure.offset or 0}: {failure.msg}"
    reserved = _KEYWORD.search(text)
    if reserved:
        word = reserved.group(1)
        hint = (": name the symbol 'lam' (or write this side in LaTeX, where \\lambda is the symbol lambda)"
                if word == "lambda" else "")
        return f"invalid syntax: '{word}' is a Python keyword and cannot be a name in plain text{hint}"
    juxtaposed = _JUXTAPOSED.search(text)
    if juxtaposed:
        number, follower = juxtaposed.groups()
        return (f"{message}: multiplication is written with '*': '{number}*{follower}…' instead of "
                f"'{number}{follower}…'")
    return message


_BINARY = {
    ast.Add: lambda a, b: sp.Add(a, b),
    ast.Sub: lambda a, b: sp.Add(a, sp.Mul(-1, b)),
    ast.Mult: lambda a, b: sp.Mul(a, b),
    ast.Div: lambda a, b: sp.Mul(a, power(b, sp.Integer(-1))),
    ast.Pow: power,
    ast.BitXor: power,  # `^` is rewritten to `**` before parsing; kept here as the same meaning
}
_COMPARISON = {
    ast.Lt: sp.StrictLessThan,
    ast.LtE: sp.LessThan,
    ast.Gt: sp.StrictGreaterThan,
    ast.GtE: sp.GreaterThan,
    ast.NotEq: sp.Ne,
    ast.Eq: sp.Eq,
}
_REJECTED = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "subscripts ('[…]') are not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.NamedExpr: "assignments (':=') are not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.BoolOp: "'and'/'or' are not allowed (join comparisons in 'where' with & and |)",
    ast.Compare: "comparisons belong in 'where', not in an expression",
}


class _Builder:
    """One walk over one syntax tree; `text` is kept to quote the offending part in messages."""

    def __init__(self, text: str, symbols: Mapping[str, sp.Symbol], functions: Mapping[str, UserFunction]):
        self.text = text
        self.symbols = symbols
        self.functions = functions

    def expr(self, node: ast.AST, depth: int) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                return sp.Mul(-1, operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            raise ExpressionError(f"the operator in '{self._quote(node)}' is not allowed")
        if isinstance(node, ast.BinOp):
            combine = _BINARY.get(type(node.op))
            if combine is None:
                symbol = {ast.BitAnd: "&", ast.BitOr: "|"}.get(type(node.op))
                if symbol:
                    raise ExpressionError(f"'{symbol}' joins comparisons in 'where' only")
                raise ExpressionError(f"the operator in '{self._quote(node)}' is not allowed")
            left, right = self.expr(node.left, depth + 1), self.expr(node.right, depth + 1)
            if isinstance(node.op, ast.Div):  # a / b is a · b⁻¹: the denominator is a part of its own
                right = power(right, sp.Integer(-1))
                combine = _BINARY[ast.Mult]
            built = keep_domain(combine(left, right), left, right)
            if undefined(built):
                raise ExpressionError(f"'{self._quote(node)}' is undefined (division by zero?)")
            check_number_size(built, self._quote(node))
            check_merged_powers(built, self._quote(node), anywhere=False)
            return built
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        reason = _REJECTED.get(type(node), f"'{type(node).__name__}' is not allowed in an expression")
        raise ExpressionError(f"{reason}: '{self._quote(node)}'")

    def condition(self, node: ast.AST) -> sp.Basic:
        if not isinstance(node, ast.Compare):
            raise ExpressionError(f"'{self._quote(node)}' is not a comparison (use <, <=, >, >=, ==, !=)")
        terms = [self.expr(node.left, 2)] + [self.expr(c, 2) for c in node.comparators]
        parts = []
        for op, a, b in zip(node.ops, terms, terms[1:]):
            relation = _COMPARISON.get(type(op))
            if relation is None:
                raise ExpressionError(f"'{self._quote(node)}': only <, <=, >, >=, ==, != compare")
            parts.append(relation(a, b))
        return sp.And(*parts) if len(parts) > 1 else parts[0]

    def _number(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "strings" if isinstance(value, (str, bytes)) else f"{type(value).__name__} constants"
            raise ExpressionError(f"{kind} are not allowed: '{self._quote(node)}'")
        if isinstance(value, int):
            if len_digits(value) > MAX_LITERAL_DIGITS:
                raise ExpressionError(f"the number '{self._quote(node)}' has more than {MAX_LITERAL_DIGITS} digits")
            return sp.Integer(value)
        # exact from the text as written: 0.1 is one tenth, 1e-400 is not 0 (the float would be)
        return exact_decimal(ast.get_source_segment(_python_form(self.text), node) or repr(value))

    def _name(self, name: str) -> sp.Expr:
        if name.startswith("_"):
            raise ExpressionError(f"names starting with '_' such as '{name}' are not allowed")
        if name in self.symbols:
            return self.symbols[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in BUILTINS or name in self.functions or name in SPECIAL_FORMS:
            raise ExpressionError(f"'{name}' is a function: call it as {name}(…)")
        if name == "e":
            raise ExpressionError("'e' is not a symbol here: Euler's number is E, and e^(…) is written exp(…)")
        raise ExpressionError(f"undeclared symbol '{name}'{did_you_mean(name, self.symbols)}"
                              " (declare it in 'symbols')")

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"only named functions can be called: '{self._quote(node)}'")
        name = node.func.id
        if name.startswith("_"):
            raise ExpressionError(f"names starting with '_' such as '{name}' are not allowed")
        if node.keywords:
            raise ExpressionError(f"keyword arguments are not allowed: '{self._quote(node)}'")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(f"starred arguments are not allowed: '{self._quote(node)}'")
        if name == "diff":
            return self._diff(node, depth)
        if name == "subs":
            return self._subs(node, depth)
        if name == "limit":
            return self._limit(node, depth)
        if name == "integrate":
            return self._integrate(node, depth)
        if name in self.functions:
            function = self.functions[name]
            self._arity(name, node, len(function.args), len(function.args))
            built = call_builder(function.apply, [self.expr(a, depth + 1) for a in node.args], self._quote(node))
            if undefined(built):
                raise ExpressionError(f"'{self._quote(node)}' is undefined")
            return built
        if name not in BUILTINS:
            if name in self.symbols:
                raise ExpressionError(f"'{name}' is a symbol, not a function")
            known = set(BUILTINS) | set(self.functions) | set(SPECIAL_FORMS)
            raise ExpressionError(f"unknown function '{name}'{did_you_mean(name, known) or known_functions(known)}")
        builtin = BUILTINS[name]
        self._arity(name, node, builtin.min_args, builtin.max_args)
        built = call_builder(lambda values: builtin.build(*values), [self.expr(a, depth + 1) for a in node.args],
                       self._quote(node))
        if undefined(built):
            raise ExpressionError(f"'{self._quote(node)}' is undefined")
        return built

    def _diff(self, node: ast.Call, depth: int) -> sp.Expr:
        self._arity("diff", node, 2, 3)
        target = node.args[1]
        if not (isinstance(target, ast.Name) and target.id in self.symbols):
            raise ExpressionError(f"diff(expr, var[, order]): var must be a declared symbol in '{self._quote(node)}'")
        order = 1
        if len(node.args) == 3:
            raw = node.args[2]
            if not (isinstance(raw, ast.Constant) and type(raw.value) is int and 1 <= raw.value <= MAX_DIFF_ORDER):
                raise ExpressionError(f"diff order must be an integer from 1 to {MAX_DIFF_ORDER}: "
                                      f"'{self._quote(node)}'")
            order = raw.value
        body = self.expr(node.args[0], depth + 1)
        built = sp.Derivative(body, (self.symbols[target.id], order))
        check_derivative_order(built, self._quote(node))
        return built

    def _bound(self, node: ast.AST, form: str, call: ast.Call) -> sp.Symbol:
        """The variable a form binds: a declared symbol, written by its name."""
        if not (isinstance(node, ast.Name) and node.id in self.symbols):
            raise ExpressionError(f"{form}: the variable must be a declared symbol in '{self._quote(call)}'")
        return self.symbols[node.id]

    def _point(self, node: ast.AST, depth: int) -> sp.Expr:
        """A limit point or an integration bound: an expression, or `oo` / `-oo` (allowed only there)."""
        if isinstance(node, ast.Name) and node.id == "oo":
            return sp.oo
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Name) \
                and node.operand.id == "oo":
            return -sp.oo
        return self.expr(node, depth + 1)

    def _subs(self, node: ast.Call, depth: int) -> sp.Expr:
        """`subs(expr, x, value)`: expr at x = value (a derivative in expr is taken first, then evaluated
        there: SymPy's Subs, evaluated by the checks)."""
        self._arity("subs", node, 3, 3)
        variable = self._bound(node.args[1], "subs(expr, var, value)", node)
        body = self.expr(node.args[0], depth + 1)
        value = self.expr(node.args[2], depth + 1)
        return sp.Subs(body, variable, value)

    def _limit(self, node: ast.Call, depth: int) -> sp.Expr:
        """`limit(f, x, a)` (two-sided: both one-sided limits must agree) or `limit(f, x, a, '+')` / '-'."""
        self._arity("limit", node, 3, 4)
        variable = self._bound(node.args[1], "limit(f, var, point[, '+' or '-'])", node)
        direction = "+-"
        if len(node.args) == 4:
            raw = node.args[3]
            if not (isinstance(raw, ast.Constant) and raw.value in ("+", "-")):
                raise ExpressionError(f"the direction of a limit is '+' or '-': '{self._quote(node)}'")
            direction = raw.value
        point = self._point(node.args[2], depth)
        if point in (sp.oo, -sp.oo):
            direction = "-" if point == sp.oo else "+"
        return sp.Limit(self.expr(node.args[0], depth + 1), variable, point, dir=direction)

    def _integrate(self, node: ast.Call, depth: int) -> sp.Expr:
        """`integrate(f, (x, a, b))`: the definite integral over x from a to b (bounds may be ±oo); x is
        bound inside it."""
        self._arity("integrate", node, 2, 2)
        limits = node.args[1]
        if not (isinstance(limits, ast.Tuple) and len(limits.elts) == 3):
            raise ExpressionError(f"integrate(f, (x, a, b)): the second argument is (variable, lower, upper) "
                                  f"in '{self._quote(node)}'")
        variable = self._bound(limits.elts[0], "integrate(f, (x, a, b))", node)
        low, high = (self._point(bound, depth) for bound in limits.elts[1:])
        return sp.Integral(self.expr(node.args[0], depth + 1), (variable, low, high))

    def _arity(self, name: str, node: ast.Call, low: int, high: int | None) -> None:
        count = len(node.args)
        if count < low or (high is not None and count > high):
            wanted = f"{low}" if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
            raise ExpressionError(f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, "
                                  f"got {count}: '{self._quote(node)}'")

    def _quote(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(_python_form(self.text), node) or type(node).__name__
        return segment if len(segment) <= 60 else segment[:57] + "…"


def undefined(built: sp.Basic) -> bool:
    """Whether a value built is undefined (zoo, nan) or infinite, looking past the limit points and
    integration bounds where ±oo is allowed."""
    stack = [built]
    while stack:
        node = stack.pop()
        if node in (sp.zoo, sp.nan, sp.oo, -sp.oo):
            return True
        if isinstance(node, sp.Limit):
            stack.append(node.args[0])
        elif isinstance(node, sp.Integral):
            stack.append(node.function)
        elif isinstance(node, sp.Basic):
            stack.extend(node.args)
    return False


def call_builder(build: Callable[[list], sp.Expr], values: list, shown: str) -> sp.Expr:
    """SymPy refuses some arguments when it builds (Max(x, I): "not comparable"): one sentence."""
    try:
        return build(values)
    except (ValueError, TypeError, ArithmeticError) as refusal:
        reason = " ".join(str(refusal).split()) or type(refusal).__name__
        raise ExpressionError(f"'{shown}' cannot be built: {reason}") from None


def _condition(text: str, builder: _Builder, depth: int) -> sp.Basic:
    if depth > MAX_DEPTH:
        raise ExpressionError(f"the condition is nested more than {MAX_DEPTH} levels deep")
    stripped = text.strip()
    if not stripped:
        raise ExpressionError("an empty comparison in the condition")
    for connective, join in (("|", sp.Or), ("&", sp.And)):
        pieces = _split_top_level(stripped, connective)
        if len(pieces) > 1:
            return join(*[_condition(p, builder, depth + 1) for p in pieces])
    if stripped.startswith("(") and _closing(stripped, 0) == len(stripped) - 1:
        return _condition(stripped[1:-1], builder, depth + 1)
    tree = syntax_tree(stripped)
    builder.text = stripped
    return builder.condition(tree.body)


def _split_top_level(text: str, connective: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for position, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0:
                raise ExpressionError("unbalanced parentheses in the condition")
        elif char == connective and depth == 0:
            pieces.append(text[start:position])
            start = position + 1
    if depth != 0:
        raise ExpressionError("unbalanced parentheses in the condition")
    pieces.append(text[start:])
    return pieces


def _closing(text: str, opening: int) -> int:
    depth = 0
    for position in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return position
    return -1


def _log10_abs(number: sp.Number) -> float:
    """log10 |number| without building a float that could overflow."""
    if number.is_Rational:
        p, q = abs(int(number.p)), int(number.q)
        return (p.bit_length() - q.bit_length()) * math.log10(2)
    return math.log10(abs(float(number)))


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 20 else text[:17] + "…"
