"""LaTeX input: a maintained parser reads the LaTeX, a whitelist walk rebuilds it.

SymPy's `parse_latex` (ANTLR backend, `antlr4-python3-runtime` 4.11) turns the text into an
unevaluated SymPy tree without running any code. It does not know the ML vocabulary, so before
parsing `\\operatorname{softplus}` and `\\mathrm{ReLU}` become the commands `\\softplus`, `\\ReLU`,
which it reads as applications of undefined functions; the walk below then rebuilds the tree from
the whitelist, replacing those applications (and `\\sigma`) by the vocabulary's SymPy expressions,
`e` by Euler's number and names by the declared symbols. The rebuild goes through the same
`power` as the plain parser, so the same limits hold.

Notation, as people write it: `w_1` and `z_{i}` are the declared symbols `w_1`, `z_i`; every Greek
letter is a symbol (`\\lambda` is the symbol `lambda`); `\\sigma'(x)` and `f''(x)` are derivatives;
`\\frac{d^2}{dx^2}` and `\\frac{\\partial^2 f}{\\partial x\\,\\partial y}` are higher derivatives;
`\\sigma^2(x)` is `(\\sigma(x))^2`. A `notation` table (from a glossary or an identity file) maps a
command (`'\\text{Softplus}' = "softplus"`, `'\\sigma' = "sigma"`) to a function or a declared symbol.
A name that is both a declared symbol and a known function is never silently one of them: `\\sigma(x)`
with a symbol `sigma` declared is an error that says how to choose.

The ANTLR reader drops what it does not know without a word (`1_{x>0}` reads as `1`, `\\cancel{x}` as
a product), so every command of the text is checked against a whitelist before it is read.
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
    keep_domain,
    power,
)
from .numbers import MAX_LITERAL_DIGITS, check_number_size, exact_latex_float, len_digits

# The name the LaTeX reader gives a function -> the vocabulary name it means.
LATEX_FUNCTIONS = {
    "sigma": "sigmoid", "sigmoid": "sigmoid", "softplus": "softplus", "relu": "relu", "ReLU": "relu",
    "max": "Max", "min": "Min", "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "sin": "sin",
    "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "atan": "atan",
    "arctan": "atan", "sign": "sign", "sgn": "sign", "Heaviside": "Heaviside", "H": "Heaviside",
    "erf": "erf", "erfc": "erfc", "Phi": "Phi", "arcsin": "asin", "arccos": "acos", "asin": "asin",
    "acos": "acos", "atan2": "atan2", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
    "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "floor": "floor", "ceil": "ceiling",
    "ceiling": "ceiling", "loggamma": "loggamma", "digamma": "digamma", "binomial": "binomial", "binom": "binomial",
    "Gamma": "gamma",
}
GREEK = frozenset([
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "varrho", "sigma", "varsigma", "tau",
    "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi",
    "Sigma", "Upsilon", "Phi", "Psi", "Omega"
])
# Commands the reader understands; anything else is refused by name before reading.
_STRUCTURE = frozenset([
    "frac", "dfrac", "tfrac", "cdot", "times", "div", "left", "right", "sqrt", "partial", "exp", "log",
    "ln", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arctan", "max", "min", "mathrm", "operatorname",
    "mathit", "text", "quad", "qquad", "displaystyle", "arcsin", "arccos", "lfloor", "rfloor", "lceil", "rceil",
    "binom"
])
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_NAMED_OPERATOR = re.compile(r"\\(?:operatorname|mathrm|text|mathit)\s*\{\s*([A-Za-z]+)\s*\}")
_NUMBER_SUBSCRIPT = re.compile(r"(?<![A-Za-z_}])\d\s*_")
_SYMPY_FUNCTIONS = {
    sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.sinh: "sinh",
    sp.cosh: "cosh", sp.tanh: "tanh", sp.atan: "atan", sp.Abs: "Abs", sp.sign: "sign",
    sp.Heaviside: "Heaviside", sp.asin: "asin", sp.acos: "acos", sp.asinh: "asinh", sp.acosh: "acosh",
    sp.atanh: "atanh", sp.floor: "floor", sp.ceiling: "ceiling", sp.binomial: "binomial", sp.erf: "erf",
    sp.erfc: "erfc", sp.gamma: "gamma", sp.loggamma: "loggamma", sp.atan2: "atan2",
}


def parse_latex_expression(text: str, symbols: Mapping[str, sp.Symbol],
                           functions: Mapping[str, UserFunction] | None = None,
                           notation: Mapping[str, str] | None = None) -> sp.Expr:
    """The SymPy expression the LaTeX `text` denotes over the declared `symbols` and user `functions`.

    `notation` maps a written command (`'\\sigma'`, `'\\text{Softplus}'`) to a function name or a
    declared symbol name; see `notation_names`.
    """
    if not isinstance(text, str):
        raise ExpressionError("a LaTeX expression must be a string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the LaTeX expression has {len(text)} characters (at most {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("the LaTeX expression is empty")
    names = notation_names(notation or {})
    functions = functions or {}
    text, symbols = _cases_read(text, symbols, functions, notation or {})
    prepared = _rewritten(premapped(text), names, symbols, functions)
    _refuse_unknown_commands(prepared, names, functions)
    tree = _read(prepared)
    return _Rebuild(symbols, functions, names).walk(tree, 1)


def notation_names(notation: Mapping[str, str]) -> dict[str, str]:
    """`{'\\text{Softplus}': 'softplus'}` → `{'Softplus': 'softplus'}`: the command each key reads as."""
    names = {}
    for written, meaning in notation.items():
        command = premapped(written.strip())
        match = re.fullmatch(r"\\?([A-Za-z]+)", command)  # a command, or a name such as S (S(x)_i)
        if not match:
            raise ExpressionError(f"notation '{written}': a key must be one command such as '\\sigma' or "
                                  "'\\operatorname{softplus}', or a name such as 'S'")
        if not isinstance(meaning, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", meaning):
            raise ExpressionError(f"notation '{written}': the meaning must be a function or symbol name")
        names[match.group(1)] = meaning
    return names


# --- \begin{cases}: a function by cases, read when its cases partition the real line -------------------

_CASES = re.compile(r"\\begin\s*\{cases\}(.*?)\\end\s*\{cases\}", re.DOTALL)
_CASE_RELATIONS = {"<": "<", ">": ">", "\\lt": "<", "\\gt": ">", "\\leq": "<=", "\\le": "<=",
                   "\\leqslant": "<=", "\\geq": ">=", "\\ge": ">=", "\\geqslant": ">="}
_CASE_RELATION = re.compile(r"\\(?:leqslant|geqslant|leq|geq|le|ge|lt|gt)(?![A-Za-z])|<|>")
_OTHERWISE = re.compile(r"^(?:\\text\s*\{\s*(?:otherwise|else)\s*\}|otherwise|else)$")
MAX_CASES = 8


def _cases_read(text: str, symbols: Mapping[str, sp.Symbol], functions, notation):
    """`\\begin{cases} 0, & x < 0 \\\\ x, & x \\geq 0 \\end{cases}` → a Piecewise, put in the text as a
    fresh placeholder symbol (the ANTLR reader has no rule for environments).

    Read only when it is a function by cases without doubt: each condition compares one declared
    symbol, the same in every row, with a number (or is `\\text{otherwise}`, last), and the cases
    are disjoint and cover every real value. Overlapping cases (which value holds where both do?) and
    cases with a gap (what is the value there?) are refused, not given a value."""
    if "cases" not in text:
        return text, symbols
    found = list(_CASES.finditer(text))
    if not found:
        return text, symbols
    if text.count("\\begin") != len(found):
        raise ExpressionError("cannot read a `\\begin{cases}` inside another environment")
    merged = dict(symbols)
    pieces, position, number = [], 0, 900
    for match in found:
        while f"Q_{number}" in merged:
            number += 1
        merged[f"Q_{number}"] = _piecewise(match.group(1), symbols, functions, notation)
        pieces.append(text[position: match.start()] + f" Q_{{{number}}} ")
        position = match.end()
        number += 1
    return "".join(pieces) + text[position:], merged


def _piecewise(body: str, symbols, functions, notation) -> sp.Expr:
    rows = [row for row in _top_level_split(body, "\\\\") if row.strip()]
    if not 1 <= len(rows) <= MAX_CASES:
        raise ExpressionError(f"a `\\begin{{cases}}` needs from 1 to {MAX_CASES} cases")
    branches, variables, regions = [], set(), []
    for number, row in enumerate(rows):
        parts = _top_level_split(row, "&")
        if len(parts) != 2:
            raise ExpressionError("each case of `\\begin{cases}` is written `value, & condition`")
        value_text = parts[0].strip().rstrip(",").strip()
        condition_text = re.sub(r"^\\text\s*\{\s*(?:if|for|when)\s*\}|^(?:if|for)\b", "",
                                parts[1].strip().rstrip(".,;").strip()).strip()
        value = parse_latex_expression(value_text, symbols, functions, notation)
        if _OTHERWISE.match(condition_text):
            if number != len(rows) - 1:
                raise ExpressionError("`otherwise` must be the last case of `\\begin{cases}`")
            branches.append((value, True))
            regions.append(None)
            continue
        relations = list(_CASE_RELATION.finditer(condition_text))
        if len(relations) != 1:
            raise ExpressionError(f"cannot read the case condition `{condition_text}` (one comparison of a "
                                  "declared symbol with a number, such as x \\geq 0)")
        relation = _CASE_RELATIONS[relations[0].group(0)]
        left = parse_latex_expression(condition_text[:relations[0].start()], symbols, functions, notation)
        right = parse_latex_expression(condition_text[relations[0].end():], symbols, functions, notation)
        if isinstance(right, sp.Symbol) and left.is_number:
            left, right = right, left
            relation = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}[relation]
        if not (isinstance(left, sp.Symbol) and left in symbols.values() and right.is_number
                and right.is_extended_real and right.is_finite):
            raise ExpressionError(f"cannot read the case condition `{condition_text}` (one comparison of a "
                                  "declared symbol with a number, such as x \\geq 0)")
        variables.add(left)
        regions.append({"<": sp.Interval.open(-sp.oo, right), "<=": sp.Interval(-sp.oo, right),
                        ">": sp.Interval.open(right, sp.oo), ">=": sp.Interval(right, sp.oo)}[relation])
        branches.append((value, sp.Rel(left, right, relation)))
    if len(variables) > 1:
        raise ExpressionError("the cases of `\\begin{cases}` compare different symbols")
    explicit = [region for region in regions if region is not None]
    for a, b in [(a, b) for k, a in enumerate(explicit) for b in explicit[k + 1:]]:
        if a.intersect(b) != sp.S.EmptySet:
            raise ExpressionError("the cases of `\\begin{cases}` overlap: which value holds where both do?")
    if None not in regions and sp.Union(*explicit) != sp.S.Reals:
        raise ExpressionError("the cases of `\\begin{cases}` leave values uncovered: what is the value there?")
    return sp.Piecewise(*branches)


def _top_level_split(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside braces."""
    parts, depth, start, k = [], 0, 0, 0
    while k < len(text):
        if text[k] == "\\" and text.startswith(separator, k) and depth == 0:
            parts.append(text[start:k])
            k += len(separator)
            start = k
            continue
        if text[k] == "\\":
            k += 2
            continue
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
        elif text[k] == separator and depth == 0:
            parts.append(text[start:k])
            start = k + 1
        k += 1
    parts.append(text[start:])
    return parts


def premapped(text: str) -> str:
    """`\\operatorname{softplus}` → `\\softplus`, `\\mathrm{e}` → `e`: names the LaTeX reader knows."""
    def rename(match: re.Match) -> str:
        name = match.group(1)
        return name if len(name) == 1 else "\\" + name

    return _NAMED_OPERATOR.sub(rename, text)


def _rewritten(text: str, names: Mapping[str, str], symbols, functions) -> str:
    """Notation the ANTLR reader has no rule for, rewritten into forms it reads exactly."""
    text = _higher_derivatives(text)
    return _powers_of_applications(text, names, symbols, functions)


_HIGHER_D = re.compile(r"\\frac\s*\{\s*d\s*\^\s*\{?\s*(\d)\s*\}?\s*\}\s*\{\s*d\s*([A-Za-z])\s*\^\s*\{?\s*(\d)\s*\}?\s*\}")
_PARTIAL_N = re.compile(r"\\frac\s*\{\s*\\partial\s*\^\s*\{?\s*(\d)\s*\}?\s*([^{}]*?)\}\s*\{((?:\s*\\partial\s*"
                        r"[A-Za-z](?:\s*\^\s*\{?\s*\d\s*\}?)?\s*(?:\\,|\\;|\\!)?)+)\}")
_PARTIAL_VARIABLE = re.compile(r"\\partial\s*([A-Za-z])(?:\s*\^\s*\{?\s*(\d)\s*\}?)?")


def _higher_derivatives(text: str) -> str:
    """`\\frac{d^2}{dx^2}` → `\\frac{d}{dx}\\frac{d}{dx}`; `\\frac{\\partial^2 f}{\\partial x\\,\\partial y}`
    → `\\frac{\\partial}{\\partial x}\\frac{\\partial}{\\partial y}(f)`. Orders must agree."""
    def ordinary(match: re.Match) -> str:
        top, variable, bottom = match.group(1), match.group(2), match.group(3)
        if top != bottom:
            raise ExpressionError(f"the orders of '{match.group(0)}' do not agree")
        return (r"\frac{d}{d" + variable + "}") * int(top)

    def partial(match: re.Match) -> str:
        order, body, below = int(match.group(1)), match.group(2).strip(), match.group(3)
        variables = []
        for name, power_ in _PARTIAL_VARIABLE.findall(below):
            variables.extend([name] * int(power_ or 1))
        if len(variables) != order:
            raise ExpressionError(f"'{match.group(0)}': order {order} but {len(variables)} variables below")
        operators = "".join(r"\frac{\partial}{\partial " + v + "}" for v in variables)
        return operators + (f"({body})" if body else "")

    return _PARTIAL_N.sub(partial, _HIGHER_D.sub(ordinary, text))


def _powers_of_applications(text: str, names, symbols, functions) -> str:
    """`\\sigma^2(x)` → `\\sigma(x)^{2}` for a function (the reader would multiply `sigma**2` by `x`)."""
    pattern = re.compile(r"\\([A-Za-z]+)\s*\^\s*(\{[^{}]*\}|\d)\s*\(")
    position = 0
    while True:
        match = pattern.search(text, position)
        if match is None:
            return text
        name = match.group(1)
        meaning = names.get(name, name)
        is_function = (meaning in functions or meaning in LATEX_FUNCTIONS or meaning in BUILTINS) \
            and not (meaning in symbols and name not in names)
        if not is_function:
            position = match.end()
            continue
        opening = match.end() - 1
        closing = _matching(text, opening, "(", ")")
        if closing < 0:
            raise ExpressionError(f"unbalanced parentheses after '{match.group(0)}'")
        exponent = match.group(2) if match.group(2).startswith("{") else "{" + match.group(2) + "}"
        replacement = f"\\{name}{text[opening:closing + 1]}^{exponent}"
        text = text[:match.start()] + replacement + text[closing + 1:]
        position = match.start() + len(replacement)


def _matching(text: str, opening: int, left: str, right: str) -> int:
    depth = 0
    for k in range(opening, len(text)):
        if text[k] == left:
            depth += 1
        elif text[k] == right:
            depth -= 1
            if depth == 0:
                return k
    return -1


def _refuse_unknown_commands(text: str, names, functions) -> None:
    """Name the first command the reader would misread or drop (`\\vdots`, `\\cancel`, `1_{x>0}`)."""
    for match in _COMMAND.finditer(text):
        name = match.group(1)
        if (name in _STRUCTURE or name in GREEK or name in LATEX_FUNCTIONS or name in names
                or name in functions or name in BUILTINS):
            continue
        if re.match(r"\s*'*\(", text[match.end():]):
            continue  # `\foo(x)`: an application; the rebuild names the unknown function
        environment = re.match(r"\s*\{\s*([A-Za-z*]+)\s*\}", text[match.end():]) if name == "begin" else None
        if environment:
            raise ExpressionError(f"cannot read `\\begin{{{environment.group(1)}}}` here (a vector written out with ⋮ "
                                  "is read where it is compared with vectors)")
        raise ExpressionError(f"cannot read `\\{name}` (not supported in LaTeX input; a glossary's "
                              f"[notation] may name it)")
    bar = re.search(r"\|\s*[_^]", text)
    if bar:  # the reader substitutes first and differentiates after: d/dx x^2 |_{x=1} would read as 0
        raise ExpressionError(f"cannot read the evaluation bar `{text[bar.start():bar.end() + 6]}…` (write the "
                              "value at the point as its own expression)")
    _refuse_ambiguous_derivatives(text)
    subscript = _NUMBER_SUBSCRIPT.search(text)
    if subscript:
        raise ExpressionError(f"cannot read a subscript on a number (`{text[subscript.start():subscript.end() + 6]}…`)")


_DERIVATIVE_OPERATOR = re.compile(r"\\frac\s*\{\s*(?:d|\\partial)\s*\}\s*\{\s*(?:d|\\partial\s*)\s*[A-Za-z](?:_\{?\w+\}?)?\s*\}")


def _refuse_ambiguous_derivatives(text: str) -> None:
    """`\\frac{d}{dx} x^2 + x`: the reader differentiates x^2 only; many authors mean the sum. Unless
    the operand is grouped (`\\frac{d}{dx}\\left(…\\right)`), a + or - after it is refused as ambiguous."""
    for match in _DERIVATIVE_OPERATOR.finditer(text):
        rest = text[match.end():].lstrip()
        if rest.startswith(("(", "{", "\\left(", "\\left[", "[")):
            closing = {"(": ")", "{": "}", "[": "]"}
            opening = rest.index(next(c for c in rest if c in closing))
            end = _matching(rest, opening, rest[opening], closing[rest[opening]])
            rest = rest[end + 1:] if end >= 0 else ""
            if not rest.lstrip().startswith(("^", "_")):
                continue
        depth = 0
        for k, char in enumerate(rest):
            if char in "{([" and (k == 0 or rest[k - 1] != "\\"):
                depth += 1
            elif char in "})]" and (k == 0 or rest[k - 1] != "\\"):
                depth -= 1
                if depth < 0:
                    break
            elif char in "+-" and depth == 0 and k > 0:
                raise ExpressionError(f"the scope of `{match.group(0)}` is ambiguous: write "
                                      f"`{match.group(0)}\\left(…\\right)` around what it differentiates")


def _read(text: str):
    try:
        from sympy.parsing.latex import parse_latex  # noqa: F401 - checks the runtime's version once
    except ImportError as missing:  # pragma: no cover - depends on the installation
        raise ExpressionError(f"LaTeX input needs antlr4-python3-runtime 4.11: {missing}") from None
    try:
        return _two_stage_parse(text)
    except ImportError as missing:  # pragma: no cover
        raise ExpressionError(f"LaTeX input needs antlr4-python3-runtime 4.11: {missing}") from None
    except Exception as failure:  # noqa: BLE001 - any reader failure is the user's syntax
        first = str(failure).strip().splitlines()[0] if str(failure).strip() else type(failure).__name__
        raise ExpressionError(f"cannot read the LaTeX: {first}") from None


def _two_stage_parse(text: str):
    """SymPy's `parse_latex` (ANTLR backend), predicting in SLL mode first and in full LL only when SLL
    reports a syntax error: ANTLR's documented two-stage parse. In SLL mode the parser "either returns
    the same parse tree that the LL prediction mode would, or reports a syntax error" (PredictionMode
    .SLL), so the tree is the same; the speed is not: full-context prediction of SymPy's LaTeX grammar
    was most of the time a document took to read (the homework: 7 s of 12). The steps are
    `sympy.parsing.latex._parse_latex_antlr.parse_latex`'s own (version check aside, done at import)."""
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.atn.PredictionMode import PredictionMode
    from sympy.parsing.latex import _parse_latex_antlr as antlr

    text = text.strip()
    for mode in (PredictionMode.SLL, PredictionMode.LL):
        listener = antlr.MathErrorListener(text)
        lexer = antlr.LaTeXLexer(InputStream(text))
        lexer.removeErrorListeners()
        lexer.addErrorListener(listener)
        parser = antlr.LaTeXParser(CommonTokenStream(lexer))
        parser.removeErrorListeners()
        parser.addErrorListener(listener)
        parser._interp.predictionMode = mode
        try:
            relation = parser.math().relation()
        except antlr.LaTeXParsingError:
            if mode == PredictionMode.SLL:
                continue
            raise
        return antlr.convert_relation(relation)
    raise AssertionError("unreachable")  # pragma: no cover


def plain_name(name: str) -> str:
    """The reader's `w_{1}` → `w_1`, `z_{i}` → `z_i`: subscripted names as they are declared."""
    return re.sub(r"_\{\s*([A-Za-z0-9]+)\s*\}", r"_\1", name).replace(" ", "")


class _Rebuild:
    """Walk the reader's unevaluated tree and build the real expression from whitelisted parts."""

    def __init__(self, symbols: Mapping[str, sp.Symbol], functions: Mapping[str, UserFunction],
                 names: Mapping[str, str] | None = None):
        self.symbols = symbols
        self.functions = functions
        self.names = names or {}

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
            return self._symbol(plain_name(node.name))
        if isinstance(node, (sp.Add, sp.Mul)):
            parts = [self.walk(a, depth + 1) for a in node.args]
            return _within_limits(keep_domain(node.func(*parts), *parts))
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
            return self._applied(str(node.func), node.args, depth)
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
        meaning = self.names.get(name)
        if meaning is not None and meaning in self.symbols:
            return self.symbols[meaning]
        if name == "e":
            return sp.E
        if name == "pi":
            return sp.pi
        function = self.functions.get(meaning or name)
        if function is not None and all(a.name in self.symbols for a in function.args):
            # `\frac{\partial^2 f}{\partial x\,\partial y}`: f named alone means f at its own parameters
            return function.apply([self.symbols[a.name] for a in function.args])
        if meaning is not None or name in LATEX_FUNCTIONS:
            raise ExpressionError(f"'\\{name}' is the function {meaning or LATEX_FUNCTIONS[name]}: write it "
                                  f"applied, such as \\{name}(x)")
        raise ExpressionError(f"undeclared symbol '{name}'{did_you_mean(name, self.symbols)} (declare it in "
                              "'symbols'; in LaTeX, adjacent letters multiply: write \\operatorname{name}(x) "
                              "for a function)")

    def _applied(self, written: str, args, depth: int) -> sp.Expr:
        """`f(a)` as the reader saw it: a function, a derivative `f'(a)`, or a symbol times `(a)`."""
        primes = len(written) - len(written.rstrip("'"))
        name = plain_name(written.rstrip("'"))
        meaning = self.names.get(name)
        if meaning is not None and meaning in self.symbols:
            return self._product(self.symbols[meaning], name, args, primes, depth)
        function_name = meaning or name
        is_function = function_name in self.functions or function_name in LATEX_FUNCTIONS \
            or function_name in BUILTINS
        if name in self.symbols and meaning is None:
            if is_function:
                known = name if name in self.functions else LATEX_FUNCTIONS.get(name, name)
                raise ExpressionError(
                    f"'\\{name}(…)' is ambiguous: '{name}' is a declared symbol and \\{name} is also the function "
                    f"{known}; write '\\{name} \\cdot (…)' for the product, or say which in [notation] "
                    f"('\\{name}' = \"{known}\" for the function, '\\{name}' = \"{name}\" for the symbol)")
            return self._product(self.symbols[name], name, args, primes, depth)
        if primes:
            return self._prime_derivative(function_name, written, args, primes, depth)
        return self._apply(function_name, args, depth)

    def _product(self, symbol, name: str, args, primes: int, depth: int) -> sp.Expr:
        if primes:
            raise ExpressionError(f"'{name}' is a declared symbol: '{name}{chr(39) * primes}(…)' is not a derivative")
        if len(args) != 1:
            raise ExpressionError(f"'{name}' is a declared symbol, not a function of {len(args)} arguments")
        return sp.Mul(symbol, self.walk(args[0], depth + 1))

    def _prime_derivative(self, name: str, written: str, args, primes: int, depth: int) -> sp.Expr:
        if len(args) != 1:
            raise ExpressionError(f"'{written}(…)': a prime derivative needs a function of one argument")
        variable = self.walk(args[0], depth + 1)
        if not (isinstance(variable, sp.Symbol) and variable in self.symbols.values()):
            raise ExpressionError(f"'{written}(…)' at an expression: write \\frac{{d}}{{dx}} of it instead")
        if primes > MAX_DIFF_ORDER:
            raise ExpressionError(f"derivative order {primes} is outside 1..{MAX_DIFF_ORDER}")
        return sp.Derivative(self._apply_values(name, [variable]), (variable, primes))

    def _apply(self, name: str, args, depth: int) -> sp.Expr:
        return self._apply_values(name, [self.walk(a, depth + 1) for a in args])

    def _apply_values(self, name: str, values) -> sp.Expr:
        return _finite(self._application(name, values), f"{name}(…) is undefined here")

    def _application(self, name: str, values: list) -> sp.Expr:
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
            name = plain_name(variable.name) if isinstance(variable, sp.Symbol) else str(variable)
            if name not in self.symbols:
                raise ExpressionError(f"\\frac{{d}}{{d{variable}}}: '{variable}' is not a declared symbol")
            if not (1 <= int(order) <= MAX_DIFF_ORDER):
                raise ExpressionError(f"derivative order {order} is outside 1..{MAX_DIFF_ORDER}")
            variables.append((self.symbols[name], int(order)))
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
