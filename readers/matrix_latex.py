"""LaTeX for vector and matrix claims: `\\mathbf{x}^\\top A \\mathbf{x}` read as `x.T @ A @ x`.

The LaTeX is tokenised and parsed by a small recursive-descent reader that writes the same claim in
the NumPy notation of readers/matrix_expression.py; that text then goes through the whitelisting
parser like any other, so LaTeX adds no new way to build an expression. On paper a vector is a column:
the reader tracks which vectors are transposed (rows), so `\\mathbf{x}^\\top \\mathbf{y}` is an inner
product, `\\mathbf{s}\\mathbf{s}^\\top` an outer product, `A\\mathbf{x}` a matrix product, and a
column times a column is an error. `A^2` is A·A (a matrix power), `A^{-1}` the inverse.

`\\nabla_{\\mathbf{x}}` and `\\frac{\\partial}{\\partial X}` apply to the rest of their group (the
rest of the expression, or of the parentheses they stand in); `\\frac{\\partial f}{\\partial X}`
takes f from the numerator. Juxtaposition binds like a product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..sized import Declarations
from .expression import MAX_LENGTH, ExpressionError
from .matrix_expression import parse_sized

_TOKEN = re.compile(r"\\[A-Za-z]+|\\[|,;:! {}]|\d+(?:\.\d+)?|[A-Za-z]|[-+*/^_(){}\[\]|=.',]|\S")
_SPACING = {"\\,", "\\;", "\\:", "\\!", "\\ ", "\\quad", "\\qquad", "\\left", "\\right", "\\big", "\\Big",
            "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\displaystyle"}
_FUNCTIONS = {"\\exp": "exp", "\\log": "log", "\\ln": "log", "\\sin": "sin", "\\cos": "cos", "\\tan": "tan",
              "\\tanh": "tanh", "\\sinh": "sinh", "\\cosh": "cosh", "\\sigma": "sigmoid", "\\det": "det",
              "\\arctan": "atan"}
_OPERATORS = {"tr": "trace", "Tr": "trace", "trace": "trace", "diag": "diag", "softmax": "softmax",
              "logsumexp": "logsumexp", "LSE": "logsumexp", "relu": "relu", "ReLU": "relu", "softplus": "softplus",
              "sigmoid": "sigmoid", "det": "det", "sign": "sign", "sgn": "sign"}
_STARTERS = ("\\mathbf", "\\boldsymbol", "\\bm", "\\operatorname", "\\mathrm", "\\frac", "\\nabla", "\\|",
             "\\lVert", "\\vert", "\\lvert")
_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "kappa", "lambda", "mu", "nu", "rho",
          "tau", "phi", "psi", "omega")


def _joined(tokens: list[str]) -> str:
    """Tokens back into text: a command keeps a space before a following letter (\\det X, not \\detX)."""
    text = ""
    for token in tokens:
        if text and re.search(r"\\[A-Za-z]+$", text) and token[:1].isalpha():
            text += " "
        text += token
    return text


@dataclass(frozen=True)
class _Part:
    text: str
    shape: tuple
    row: bool = False  # a vector written as a row (transposed)


def latex_to_numpy(text: str, declarations: Declarations) -> str:
    """The NumPy-notation text of a LaTeX vector/matrix expression (checked by parse_sized)."""
    if not isinstance(text, str):
        raise ExpressionError("an expression must be a string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(text)} characters (at most {MAX_LENGTH})")
    tokens = [t for t in _TOKEN.findall(text) if t not in _SPACING]
    if not tokens:
        raise ExpressionError("the expression is empty")
    reader = _Reader(tokens, declarations)
    part = reader.expression(("",))
    if reader.position < len(tokens):
        raise ExpressionError(f"unexpected '{tokens[reader.position]}' in the LaTeX")
    return part.text


class _Reader:
    def __init__(self, tokens: list[str], declarations: Declarations):
        self.tokens = tokens
        self.position = 0
        self.d = declarations
        self.depth = 0

    # --- tokens -------------------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        at = self.position + offset
        return self.tokens[at] if at < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if expected is not None and token != expected:
            raise ExpressionError(f"expected '{expected}' in the LaTeX, found '{token or 'the end'}'")
        if not token:
            raise ExpressionError("the LaTeX ends too early")
        self.position += 1
        return token

    def group_text(self) -> str:
        """The raw tokens of a {…} group (or one token), joined."""
        if self.peek() != "{":
            return self.take()
        self.take("{")
        out, level = [], 1
        while True:
            token = self.take()
            level += {"{": 1, "}": -1}.get(token, 0)
            if level == 0:
                return _joined(out)
            out.append(token)

    # --- shapes -------------------------------------------------------------------------------------

    def part(self, text: str, row: bool = False) -> _Part:
        try:
            tree = parse_sized(text, self.d, {})
        except ExpressionError as failure:
            raise ExpressionError(f"{failure} (read from the LaTeX as '{text}')") from None
        return _Part(text, tree.shape, row and len(tree.shape) == 1)

    # --- grammar ------------------------------------------------------------------------------------

    def expression(self, stops) -> _Part:
        self.depth += 1
        if self.depth > 40:
            raise ExpressionError("the LaTeX is nested too deeply")
        left = self.term(stops)
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.term(stops)
            if left.row != right.row and left.shape and right.shape:
                raise ExpressionError("a row vector and a column vector cannot be added")
            left = self.part(f"({left.text}) {op} ({right.text})", left.row)
        self.depth -= 1
        return left

    def term(self, stops) -> _Part:
        left = self.signed(stops)
        while True:
            token = self.peek()
            if token in ("\\cdot", "\\times", "*"):
                self.take()
                left = self.product(left, self.signed(stops))
            elif token == "\\odot":
                self.take()
                right = self.signed(stops)
                left = self.part(f"({left.text}) * ({right.text})", left.row)
            elif token == "/":
                self.take()
                right = self.signed(stops)
                left = self.part(f"({left.text}) / ({right.text})", left.row)
            elif self.starts_primary(token) and token not in stops:
                left = self.product(left, self.signed(stops))
            else:
                return left

    def product(self, left: _Part, right: _Part) -> _Part:
        if not left.shape or not right.shape:
            row = left.row if left.shape else right.row
            return self.part(f"({left.text}) * ({right.text})", row)
        if len(left.shape) == 1 and len(right.shape) == 1:
            if left.row and not right.row:
                return self.part(f"({left.text}) @ ({right.text})")
            if not left.row and right.row:
                return self.part(f"outer({left.text}, {right.text})")
            raise ExpressionError("two column vectors (or two rows) side by side: transpose one (\\top)")
        if len(left.shape) == 1 and not left.row:
            raise ExpressionError("a column vector times a matrix: did you mean its transpose (\\top)?")
        if len(right.shape) == 1 and right.row:
            raise ExpressionError("a matrix times a row vector: did you mean a column?")
        return self.part(f"({left.text}) @ ({right.text})", len(left.shape) == 1)

    def signed(self, stops) -> _Part:
        if self.peek() == "-":
            self.take()
            inner = self.signed(stops)
            return self.part(f"-({inner.text})", inner.row)
        if self.peek() == "+":
            self.take()
        return self.postfix(stops)

    def postfix(self, stops) -> _Part:
        base = self.primary(stops)
        while self.peek() == "^":
            self.take()
            base = self.power(base)
        return base

    def power(self, base: _Part) -> _Part:
        exponent = self.group_text().replace(" ", "")
        transposes = exponent in ("\\top", "T", "\\intercal", "\\mathsf{T}", "\\mathrm{T}")
        if transposes:
            if len(base.shape) == 2:
                return self.part(f"({base.text}).T")
            return _Part(base.text, base.shape, not base.row) if base.shape else base
        if exponent in ("-1", "-\\top", "-T"):
            if len(base.shape) != 2:
                raise ExpressionError("^{-1} of something that is not a square matrix; write \\frac{1}{…}"
                                      if base.shape else "")
            inverse = f"inv({base.text})"
            return self.part(inverse + (".T" if exponent != "-1" else ""))
        if re.fullmatch(r"\d+", exponent) and len(base.shape) == 2:
            count = int(exponent)
            if not 1 <= count <= 8:
                raise ExpressionError("a matrix power must be from 1 to 8")
            return self.part(" @ ".join([f"({base.text})"] * count))
        if base.shape:
            raise ExpressionError(f"'^{{{exponent}}}' of a vector: write \\odot for an elementwise product")
        inner = _Reader(self.tokens_of(exponent), self.d).expression(("",))
        return self.part(f"({base.text}) ** ({inner.text})")

    @staticmethod
    def tokens_of(text: str) -> list[str]:
        return [t for t in _TOKEN.findall(text) if t not in _SPACING]

    def starts_primary(self, token: str) -> bool:
        if not token or token in ("+", "-", ")", "]", "}", "|", "^", "_", "=", ",", "\\right"):
            return False
        if not token.startswith("\\"):
            return True
        return token in _FUNCTIONS or token in _STARTERS or token[1:] in _GREEK

    def primary(self, stops) -> _Part:
        token = self.peek()
        if not token:
            raise ExpressionError("the LaTeX ends too early")
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            self.take()
            return self.part(token)
        if token in ("(", "["):
            self.take()
            inner = self.expression((")", "]"))
            self.take(")" if token == "(" else "]")
            return _Part(f"({inner.text})", inner.shape, inner.row)
        if token == "{":
            self.take()
            inner = self.expression(("}",))
            self.take("}")
            return inner
        if token in ("\\|", "\\lVert"):
            return self.norm()
        if token in ("|", "\\vert", "\\lvert"):
            self.take()
            inner = self.expression(("|", "\\vert", "\\rvert"))
            self.take()
            return self.part(f"abs({inner.text})", inner.row)
        if token == "\\frac":
            return self.fraction(stops)
        if token == "\\nabla":
            self.take()
            self.take("_")
            variable = self.variable_name(self.group_text())
            body = self.expression(stops)
            return self.derivative(body, variable)
        if token in _FUNCTIONS:
            self.take()
            return self.function(_FUNCTIONS[token], stops)
        if token in ("\\operatorname", "\\mathrm"):
            self.take()
            name = self.group_text()
            if name in _OPERATORS:
                return self.function(_OPERATORS[name], stops)
            return self.name(name)
        if token in ("\\mathbf", "\\boldsymbol", "\\bm"):
            self.take()
            return self.name(self.group_text())
        if token.startswith("\\") and token[1:] in _GREEK:
            self.take()
            return self.name(token[1:])
        if re.fullmatch(r"[A-Za-z]", token):
            self.take()
            return self.name(token)
        raise ExpressionError(f"'{token}' is not understood in a vector or matrix LaTeX expression")

    def name(self, raw: str) -> _Part:
        """A declared name, with `_1`, `_{1}` or `^{(1)}` appended as in W_1 → W1."""
        raw = raw.strip().lstrip("\\")
        suffix = ""
        if self.peek() == "_":
            self.take()
            suffix = self.group_text()
        elif self.peek() == "^" and self.peek(1) == "{" and self.peek(2) == "(":
            self.take()
            suffix = self.group_text().strip("()")
        for candidate in (raw + suffix, raw + "_" + suffix, *(("lam",) if raw == "lambda" else ())):
            if candidate in self.d.scalars or candidate in self.d.arrays or candidate in self.d.sizes:
                return self.part(candidate)
        raise ExpressionError(f"undeclared name '{raw + suffix}' in the LaTeX (declare it in 'symbols', 'vectors' "
                              "or 'matrices')")

    def variable_name(self, raw: str) -> str:
        cleaned = re.sub(r"\\(mathbf|boldsymbol|bm)\{([^{}]*)\}", r"\2", raw.replace(" ", ""))
        cleaned = re.sub(r"_\{?(\w+)\}?$", r"\1", cleaned)
        cleaned = re.sub(r"\^\{\((\w+)\)\}$", r"\1", cleaned)
        if cleaned in self.d.arrays or cleaned in self.d.scalars:
            return cleaned
        raise ExpressionError(f"'{raw}': differentiate with respect to a declared vector, matrix or scalar")

    def function(self, name: str, stops) -> _Part:
        if self.peek() in ("(", "["):
            argument = self.primary(stops)
        else:
            argument = self.postfix(stops)
        return self.part(f"{name}({argument.text})", argument.row and name not in ("trace", "det"))

    def norm(self) -> _Part:
        opening = self.take()
        closing = "\\|" if opening == "\\|" else "\\rVert"
        inner = self.expression((closing,))
        self.take(closing)
        order = ""
        if self.peek() == "_":
            self.take()
            order = self.group_text().strip()
            if order not in ("1", "2", "F"):
                raise ExpressionError(f"the norm \\|…\\|_{order} is not available (1, 2 or F)")
        if order == "1":
            return self.part(f"norm({inner.text}, 1)")
        return self.part(f"norm({inner.text})")

    def fraction(self, stops) -> _Part:
        self.take("\\frac")
        numerator = self.group_text()
        denominator = self.group_text()
        top = self.tokens_of(numerator)
        bottom = self.tokens_of(denominator)
        if bottom[:1] == ["\\partial"]:
            variable = self.variable_name("".join(bottom[1:]))
            if top in (["\\partial"], ["d"]):
                return self.derivative(self.expression(stops), variable)
            if top[:1] == ["\\partial"]:
                body = _Reader(top[1:], self.d).expression(("",))
                return self.derivative(body, variable)
        upper = _Reader(top, self.d).expression(("",))
        lower = _Reader(bottom, self.d).expression(("",))
        if lower.shape:
            raise ExpressionError("\\frac{…}{…} divides by a scalar only")
        return self.part(f"({upper.text}) / ({lower.text})", upper.row)

    def derivative(self, body: _Part, variable: str) -> _Part:
        if not body.shape:
            return self.part(f"grad({body.text}, {variable})")
        return self.part(f"jacobian({body.text}, {variable})")
