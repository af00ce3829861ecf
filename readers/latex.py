"""LaTeX input for user files: a maintained parser reads the LaTeX, a whitelist walk rebuilds it.

SymPy's `parse_latex` (ANTLR backend, `antlr4-python3-runtime` 4.11) turns the text into an
unevaluated SymPy tree without running any code. It does not know the ML vocabulary, so before
parsing `\\operatorname{softplus}` and `\\mathrm{ReLU}` become the commands `\\softplus`, `\\ReLU`,
which it reads as applications of undefined functions; the walk below then rebuilds the tree from
the whitelist, replacing those applications (and `\\sigma`) by the vocabulary's SymPy expressions,
`e` by Euler's number and names by the declared symbols. The rebuild goes through the same
`power` as the plain parser, so the same limits hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sympy as sp
from sympy.core.function import AppliedUndef

from .expression import (
    BUILTINS,
    MAX_DEPTH,
    MAX_DIFF_ORDER,
    MAX_LENGTH,
    ExpressionError,
    UserFunction,
    call_builder,
    check_derivative_order,
    check_merged_powers,
    did_you_mean,
    power,
)
from .numbers import MAX_LITERAL_DIGITS, check_number_size, exact_latex_float, len_digits

# The name the LaTeX reader gives a function -> the vocabulary name it means.
LATEX_FUNCTIONS = {
    "sigma": "sigmoid", "sigmoid": "sigmoid", "softplus": "softplus", "relu": "relu", "ReLU": "relu",
    "max": "Max", "min": "Min", "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "sin": "sin",
    "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "atan": "atan",
    "arctan": "atan", "sign": "sign", "sgn": "sign", "Heaviside": "Heaviside", "H": "Heaviside",
}
_NAMED_OPERATOR = re.compile(r"\\(?:operatorname|mathrm|text|mathit)\s*\{\s*([A-Za-z]+)\s*\}")
_SYMPY_FUNCTIONS = {
    sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.sinh: "sinh",
    sp.cosh: "cosh", sp.tanh: "tanh", sp.atan: "atan", sp.Abs: "Abs", sp.sign: "sign",
    sp.Heaviside: "Heaviside",
}


def parse_latex_expression(text: str, symbols: Mapping[str, sp.Symbol],
                           functions: Mapping[str, UserFunction] | None = None) -> sp.Expr:
    """The SymPy expression the LaTeX `text` denotes over the declared `symbols` and user `functions`."""
    if not isinstance(text, str):
        raise ExpressionError("a LaTeX expression must be a string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the LaTeX expression has {len(text)} characters (at most {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("the LaTeX expression is empty")
    tree = _read(premapped(text))
    return _Rebuild(symbols, functions or {}).walk(tree, 1)


def premapped(text: str) -> str:
    """`\\operatorname{softplus}` → `\\softplus`, `\\mathrm{e}` → `e`: names the LaTeX reader knows."""
    def rename(match: re.Match) -> str:
        name = match.group(1)
        return name if len(name) == 1 else "\\" + name

    return _NAMED_OPERATOR.sub(rename, text)


def _read(text: str):
    try:
        from sympy.parsing.latex import parse_latex
    except ImportError as missing:  # pragma: no cover - depends on the installation
        raise ExpressionError(f"LaTeX input needs antlr4-python3-runtime 4.11: {missing}") from None
    try:
        return parse_latex(text, backend="antlr")
    except ImportError as missing:  # pragma: no cover
        raise ExpressionError(f"LaTeX input needs antlr4-python3-runtime 4.11: {missing}") from None
    except Exception as failure:  # noqa: BLE001 - any reader failure is the user's syntax
        first = str(failure).strip().splitlines()[0] if str(failure).strip() else type(failure).__name__
        raise ExpressionError(f"cannot read the LaTeX: {first}") from None


class _Rebuild:
    """Walk the reader's unevaluated tree and build the real expression from whitelisted parts."""

    def __init__(self, symbols: Mapping[str, sp.Symbol], functions: Mapping[str, UserFunction]):
        self.symbols = symbols
        self.functions = functions

    def walk(self, node, depth: int) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the LaTeX expression is nested more than {MAX_DEPTH} levels deep")
        _refuse_non_finite(node)
        if isinstance(node, sp.Number):
            if isinstance(node, sp.Float):
                return exact_latex_float(node)  # as written: not the Float's binary value
            if node.is_Integer and len_digits(node) > MAX_LITERAL_DIGITS:
                raise ExpressionError(f"a number has more than {MAX_LITERAL_DIGITS} digits")
            return node
        if node in (sp.pi, sp.E):
            return node
        if isinstance(node, sp.Symbol):
            return self._symbol(node.name)
        if isinstance(node, (sp.Add, sp.Mul)):
            return _within_limits(node.func(*[self.walk(a, depth + 1) for a in node.args]))
        if isinstance(node, sp.Pow):
            base, exponent = (self.walk(a, depth + 1) for a in node.args)
            return _finite(power(base, exponent), "the LaTeX expression is undefined (division by zero?)")
        if isinstance(node, sp.Derivative):
            return self._derivative(node, depth)
        if isinstance(node, sp.log) and len(node.args) == 2:  # \ln x reads as log(x, E)
            value, base = (self.walk(a, depth + 1) for a in node.args)
            _check_log_base(base)
            built = sp.log(value) if base == sp.E else sp.log(value) / sp.log(base)
            return _finite(built, "the logarithm is undefined here (log of 0?)")
        if isinstance(node, AppliedUndef):
            return self._apply(str(node.func), node.args, depth)
        if isinstance(node, (sp.Max, sp.Min)):
            return self._apply("Max" if isinstance(node, sp.Max) else "Min", node.args, depth)
        for function, name in _SYMPY_FUNCTIONS.items():
            if isinstance(node, function):
                return self._apply(name, node.args, depth)
        if isinstance(node, sp.Rel):
            raise ExpressionError("write one side per field: '=' and comparisons are not expressions")
        raise ExpressionError(f"'{type(node).__name__}' is not supported in LaTeX input")

    def _symbol(self, name: str) -> sp.Expr:
        if name in self.symbols:
            return self.symbols[name]
        if name == "e":
            return sp.E
        if name == "pi":
            return sp.pi
        raise ExpressionError(f"undeclared symbol '{name}'{did_you_mean(name, self.symbols)} (declare it in "
                              "'symbols'; in LaTeX, adjacent letters multiply: write \\operatorname{name}(x) "
                              "for a function)")

    def _apply(self, name: str, args, depth: int) -> sp.Expr:
        values = [self.walk(a, depth + 1) for a in args]
        return _finite(self._applied(name, values), f"{name}(…) is undefined here")

    def _applied(self, name: str, values: list) -> sp.Expr:
        if name in self.functions:
            function = self.functions[name]
            if len(values) != len(function.args):
                raise ExpressionError(f"{name}() takes {len(function.args)} arguments, got {len(values)}")
            return call_builder(function.apply, values, f"{name}(…)")
        builtin_name = LATEX_FUNCTIONS.get(name, name if name in BUILTINS else None)
        if builtin_name is None:
            known = set(LATEX_FUNCTIONS) | set(self.functions)
            raise ExpressionError(f"unknown function '{name}'{did_you_mean(name, known)}")
        builtin = BUILTINS[builtin_name]
        if len(values) < builtin.min_args or (builtin.max_args is not None and len(values) > builtin.max_args):
            raise ExpressionError(f"{name}() does not take {len(values)} argument(s)")
        return call_builder(lambda arguments: builtin.build(*arguments), values, f"{name}(…)")

    def _derivative(self, node: sp.Derivative, depth: int) -> sp.Expr:
        body = self.walk(node.expr, depth + 1)
        variables = []
        for variable, order in node.variable_count:
            if not (isinstance(variable, sp.Symbol) and variable.name in self.symbols):
                raise ExpressionError(f"\\frac{{d}}{{d{variable}}}: '{variable}' is not a declared symbol")
            if not (1 <= int(order) <= MAX_DIFF_ORDER):
                raise ExpressionError(f"derivative order {order} is outside 1..{MAX_DIFF_ORDER}")
            variables.append((self.symbols[variable.name], int(order)))
        built = sp.Derivative(body, *variables)
        check_derivative_order(built, "\\frac{d}{d…}")
        return built


# --- the checks plain input passes, for what only LaTeX can write (\infty, \log_{b}) --------------------

_NON_FINITE = (sp.oo, -sp.oo, sp.zoo, sp.nan)
_SHOWN = {sp.oo: "\\infty", -sp.oo: "-\\infty", sp.zoo: "complex infinity (a division by zero?)"}


def _refuse_non_finite(node) -> None:
    """∞, complex infinity and nan are not values a claim is about (`\\infty` reads as oo)."""
    if any(node is value or node == value for value in _NON_FINITE):
        raise ExpressionError(f"'{_SHOWN.get(node, node)}' is not a number: infinities and undefined values "
                              "are not allowed")


def _finite(built: sp.Expr, message: str) -> sp.Expr:
    """What a construction just made must be finite, as in the plain parser: log(0) is zoo, and zoo
    vanishes in later arithmetic (x/zoo is 0), so it is caught where it appears."""
    if built.has(*_NON_FINITE):
        raise ExpressionError(message)
    return built


def _check_log_base(base: sp.Expr) -> None:
    """`\\log_{b} x` is log x / log b: b must be a positive number other than 1 (log_0 x would be 0)."""
    if base == sp.E:
        return
    if not (base.is_number and base.is_extended_real and base.is_positive and base != 1):
        raise ExpressionError(f"the base of a logarithm must be a positive number other than 1, not '{base}'")


def _within_limits(built: sp.Expr) -> sp.Expr:
    """A sum or product merges numbers and powers (x^{200} x^{200} is x**400): the plain parser's limits
    hold after it."""
    check_number_size(built, "a product or sum of numbers")
    check_merged_powers(built, "a product of powers", anywhere=False)
    return built
