"""LaTeX in index notation, as documents write vectors: `x_i`, `\\sum_j e^{x_j}`, `S(x)_i`, `\\delta_{ij}`.

`\\frac{e^{x_i}}{\\sum_j e^{x_j}}` with `x` a declared vector is written here in the NumPy notation of
readers/matrix_expression.py (`exp(x[i]) / sum(exp(x[j]), (j, 0, n - 1))`), and that text goes
through the same whitelisting, shape-checking parser as an identity file's vectors: this module adds
no way to build an expression, it only spells LaTeX in that notation. A small recursive-descent
reader over tokens; anything it is not sure of is refused with the reason, never guessed:

* `x_i` is the entry i of a declared vector x (an index is one letter that names nothing else);
  `x_1` is refused (1-based or 0-based?);
* `\\sum_j BODY` sums the product that follows (up to the next `+` or `-`) over the size of the
  vector `j` indexes; `\\sum_{j=1}^{n}` must run over exactly that size;
* `\\frac{\\partial F}{\\partial x_j}` and `\\frac{\\partial}{\\partial x_j} F` are `grad(F, x)[j]`;
  an ungrouped F followed by `+` or `-` is ambiguous and refused;
* `S(x)_i` is an entry of a function of a vector, named in the glossary's [notation] (`S = "softmax"`);
* `\\|x\\|`, `\\|x\\|_2` are the Euclidean norm, `\\|x\\|_1` the sum of absolute values, `|a|` abs,
  `\\delta_{ij}` the Kronecker delta, `e^{a}` exp(a).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..sized import Declarations
from .expression import MAX_LENGTH, ExpressionError

_TOKEN = re.compile(r"\\\\|\\[A-Za-z]+|\\\||\\[,;:! ]|\d+(?:\.\d+)?|[A-Za-z]|[-+*/^_(){}|=,.']|\S")
_SKIPPED = {"\\,", "\\;", "\\:", "\\!", "\\ ", "\\left", "\\right", "\\big", "\\Big", "\\bigl", "\\bigr", "\\Bigl",
            "\\Bigr", "\\displaystyle", "\\quad", "\\qquad"}
_FUNCTIONS = {"\\exp": "exp", "\\ln": "log", "\\log": "log", "\\sin": "sin", "\\cos": "cos", "\\tan": "tan",
              "\\tanh": "tanh", "\\sinh": "sinh", "\\cosh": "cosh", "\\arctan": "atan"}
# What a name may mean when [notation] maps it (the NumPy-notation functions of vectors and entries).
VECTOR_FUNCTIONS = ("softmax", "sigmoid", "softplus", "relu", "exp", "log", "tanh", "sign", "abs", "logsumexp",
                    "diag")
_GREEK = frozenset(["alpha", "beta", "gamma", "epsilon", "varepsilon", "zeta", "eta", "theta", "kappa", "lambda",
                    "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega"])


def mentions_vector(text: str, declarations: Declarations, scalars=()) -> bool:
    """Whether `text` is written in index notation: an entry of a declared vector (`x_i`, `x_{j}`), a sum
    (`\\sum`) or a norm (`\\|x\\|`). Elsewhere a name that is also a declared scalar is the scalar."""
    if "\\sum" in text or "\\|" in text or re.search(r"\)_(?:[a-z]|\{[a-z]\})", text):
        return True  # a sum, a norm, or an entry of an application: S(x)_i
    return any(re.search(rf"(?<![A-Za-z\\]){re.escape(name)}_\{{?(?:[a-z]|\d+)\}}?(?![A-Za-z])", text)
               or re.search(rf"\\partial\s*{re.escape(name)}\s*\}}", text)  # a gradient by the whole vector
               or (name not in scalars and re.search(rf"(?<![A-Za-z\\]){re.escape(name)}(?![A-Za-z])", text))
               for name in declarations.arrays)


def index_latex_to_numpy(text: str, declarations: Declarations, names: Mapping[str, str],
                         templates: dict[str, Template] | None = None, layout: str = "",
                         index_cases: list | None = None) -> str:
    """The NumPy-notation text of `text` (checked afterwards by parse_sized). `names` is the notation
    (command or name -> meaning), so `S` may mean softmax and `\\sigma` the sigmoid. A vector written
    out with ⋮ (`\\begin{bmatrix} 2x_1 \\\\ \\vdots \\\\ 2x_n \\end{bmatrix}`) is spelled as a placeholder name
    added to `templates` (name -> its Template), for the caller to compare entry by entry."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(text)} characters (at most {MAX_LENGTH})")
    tokens = [t for t in _TOKEN.findall(text) if t not in _SKIPPED]
    if not tokens:
        raise ExpressionError("the expression is empty")
    reader = _Reader(tokens, declarations, names)
    reader.templates = templates
    reader.layout = layout
    reader.index_cases = index_cases
    result = reader.expression()
    if reader.position < len(tokens):
        raise ExpressionError(f"cannot read `{''.join(tokens[reader.position:reader.position + 4])}` here")
    return result


@dataclass(frozen=True)
class Template:
    """A vector written out with an ellipsis: entry k (from 1) is `tokens` with INDEX replaced by k; or,
    with `cells`, a vector or matrix written out in full (each cell's tokens, row by row)."""

    tokens: tuple[str, ...]
    size: Any
    row: bool  # written as a row (`a & b & \\dots & z`)
    cells: tuple[tuple[tuple[str, ...], ...], ...] = ()  # rows of cells, when written out in full

    @property
    def shape(self) -> tuple:
        if not self.cells:
            return (self.size,)
        rows, columns = len(self.cells), len(self.cells[0])
        import sympy as sp

        if columns == 1 or rows == 1:
            return (sp.Integer(rows * columns),)
        return (sp.Integer(rows), sp.Integer(columns))

    def entry_text(self, index: str) -> str:
        """The LaTeX of the entry at `index` (a letter: the link's free index, counted from 1 like the
        written subscripts, so `x_{index}` reads as the NumPy entry x[index] counted from 0)."""
        return " ".join(index if t == INDEX else t for t in self.tokens)


INDEX = "\\qedindex"  # the place of the entry index in a Template's tokens (a command no text can hold)
_ELLIPSES = frozenset(["\\vdots", "\\dots", "\\cdots", "\\ldots", "\\ddots"])
_MATRICES = frozenset(["matrix", "pmatrix", "bmatrix", "Bmatrix"])
MAX_WRITTEN = 8


class _Reader:
    def __init__(self, tokens: list[str], declarations: Declarations, names: Mapping[str, str]):
        self.tokens = tokens
        self.position = 0
        self.d = declarations
        self.names = names
        self.bound: dict[str, str] = {}  # summation index -> the size it runs over
        self.depth = 0
        self.templates: dict[str, Template] | None = None
        self.layout = ""
        self.index_cases: list[tuple[str, str, str]] | None = None  # (i, "=" or "!=", j) from `_{i=j}`

    # --- tokens

    def peek(self, ahead: int = 0) -> str | None:
        k = self.position + ahead
        return self.tokens[k] if k < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ExpressionError(f"expected `{expected}`" if expected else "the expression ends too early")
        self.position += 1
        return token

    def group_tokens(self) -> list[str]:
        """The tokens of a `{…}` group (or of one token), consumed."""
        if self.peek() != "{":
            return [self.take()]
        self.take("{")
        start, depth = self.position, 1
        while depth:
            token = self.take()
            depth += {"{": 1, "}": -1}.get(token, 0)
        return self.tokens[start:self.position - 1]

    def sub(self, tokens: list[str]) -> str:
        """Read a group's tokens as an expression of their own."""
        reader = _Reader(tokens, self.d, self.names)
        reader.bound = dict(self.bound)
        reader.depth = self.depth + 1
        reader.templates = self.templates
        reader.layout = self.layout
        reader.index_cases = self.index_cases
        if reader.depth > 40:
            raise ExpressionError("the expression is nested too deeply")
        text = reader.expression()
        if reader.position < len(tokens):
            raise ExpressionError(f"cannot read `{''.join(tokens[reader.position:reader.position + 4])}` here")
        return text

    # --- grammar

    def expression(self) -> str:
        parts = []
        if self.peek() in ("+", "-"):
            parts.append(self.take())
        parts.append(self.term())
        while self.peek() in ("+", "-"):
            parts.append(self.take())
            parts.append(self.term())
        return " ".join(parts)

    def term(self) -> str:
        factors = [self.power()]
        while True:
            token = self.peek()
            if token in ("\\cdot", "\\times", "*"):
                self.take()
                factors.append(self.power())
            elif token == "/":
                self.take()
                factors[-1] = f"{factors[-1]} / {self.power()}"
            elif token is not None and self.starts_primary(token):
                factors.append(self.power())
            else:
                product = factors[0]
                for factor in factors[1:]:
                    product = self.product(product, factor)
                return product

    def product(self, left: str, right: str) -> str:
        """Two factors side by side, as on paper: a column times a row is an outer product, a row times a
        column an inner product, a matrix times a vector or a matrix a matrix product. Two columns stay
        an elementwise `*`, which the entry-by-entry reading refuses (entrywise.py)."""
        shapes = (self.shape_of(left), self.shape_of(right)) if self.templates is not None else (None, None)
        if None in shapes or not shapes[0][0] or not shapes[1][0]:
            return f"{left} * {right}"
        (a, row_a), (b, row_b) = shapes
        if len(a) == 1 and len(b) == 1:
            if not row_a and row_b:
                return f"outer({left}, {_untransposed(right)})"
            if row_a and not row_b:
                return f"({left}) @ ({right})"
            return f"{left} * {right}"
        if (len(a) == 2 and (len(b) == 2 or not row_b)) or (len(a) == 1 and row_a and len(b) == 2):
            return f"({left}) @ ({right})"
        raise ExpressionError("a column vector times a matrix, or a matrix times a row vector: the shapes do not "
                              "match")

    def shape_of(self, text: str) -> tuple[tuple, bool] | None:
        """The shape of `text` and whether it is a row (a transposed vector); None if it does not parse."""
        from ..sized import Array, Declarations
        from .matrix_expression import parse_sized

        arrays = {**self.d.arrays, **{name: Array(name, t.shape) for name, t in (self.templates or {}).items()}}
        try:
            tree = parse_sized(text, Declarations(self.d.sizes, self.d.scalars, arrays), {})
        except ExpressionError:
            return None
        return tree.shape, tree.op == "T" and len(tree.shape) == 1

    def starts_primary(self, token: str) -> bool:
        return (token[0].isalnum() or token in ("(", "{", "\\|", "|") or
                (token.startswith("\\") and token not in ("\\cdot", "\\times")))

    def power(self) -> str:
        if self.peek() == "-":
            self.take()
            return f"(-{self.power()})"
        base = self.primary()
        if self.peek() == "^":
            self.take()
            group = self.group_tokens()
            if group in (["T"], ["\\top"], ["\\intercal"]) and "T" not in self.d.scalars:
                return f"({base}).T"  # entry by entry, a transposed vector has the same entries
            exponent = self.sub(group)
            return f"({base}) ** ({exponent})"
        return base

    def primary(self) -> str:
        token = self.take()
        if token == "1" and self.peek() == "_":  # `1_{i=j}`: the indicator of i = j, the Kronecker delta
            self.take("_")
            condition = self.group_tokens()
            if len(condition) == 3 and condition[1] == "=" and all(self.is_index(t) for t in condition[::2]):
                return f"delta({condition[0]}, {condition[2]})"
            raise ExpressionError(f"cannot read the indicator `1_{{{''.join(condition)}}}` (only 1_{{i=j}} of "
                                  "two index letters, the Kronecker delta)")
        if re.fullmatch(r"\d+", token):
            return token
        if token == "\\begin":
            return self.written_out()
        if token in _ELLIPSES:
            raise ExpressionError(f"cannot read `{token}` outside a vector written out with it")
        if token in ("\\mathbf", "\\boldsymbol", "\\bm"):  # bold marks a vector; it means nothing more
            return f"({self.sub(self.group_tokens())})"
        if re.fullmatch(r"\d+\.\d+", token):
            raise ExpressionError(f"decimal numbers such as {token} are not read in index notation")
        if token == "(":
            inner = self.until(")")
            if self.peek() == "_" and self.index_cases is not None:
                return self.entry_of_group(inner)
            return f"({inner})"
        if token == "{":
            self.position -= 1
            return f"({self.sub(self.group_tokens())})"
        if token == "\\frac":
            return self.fraction()
        if token == "\\sum":
            return self.index_sum()
        if token == "\\|":
            inner = self.until("\\|")
            if self.peek() == "_":
                self.take()
                which = self.group_tokens()
                if which not in (["1"], ["2"]):
                    raise ExpressionError("only the norms \\|x\\|_1 and \\|x\\|_2 are read")
                return f"norm({inner}, 1)" if which == ["1"] else f"norm({inner})"
            return f"norm({inner})"
        if token == "|":
            return f"abs({self.until('|')})"
        if token == "\\delta":
            if self.peek() != "_":
                raise ExpressionError("\\delta is read as the Kronecker delta \\delta_{ij} only")
            self.take("_")
            pair = self.group_tokens()
            if len(pair) != 2 or not all(self.is_index(t) for t in pair):
                raise ExpressionError("write the Kronecker delta with two index letters: \\delta_{ij}")
            return f"delta({pair[0]}, {pair[1]})"
        if token == "e" and self.peek() == "^" and "e" not in self.d.scalars:
            self.take("^")
            return f"exp({self.sub(self.group_tokens())})"
        if token in _FUNCTIONS:
            return self.applied(_FUNCTIONS[token], token)
        if token in ("\\operatorname", "\\mathrm", "\\text"):
            name = "".join(self.group_tokens())
            return self.named(name, "\\" + name)
        if token.startswith("\\"):
            return self.named(token[1:], token)
        if token.isalpha():
            return self.named(token, token)
        raise ExpressionError(f"cannot read `{token}` in index notation")

    def until(self, closing: str) -> str:
        """The expression up to the matching `closing` (consumed)."""
        start, depth = self.position, 0
        opening = {")": "(", "\\|": None, "|": None}[closing]
        while True:
            token = self.peek()
            if token is None:
                raise ExpressionError(f"`{closing}` is missing")
            if opening and token == opening:
                depth += 1
            elif token == closing:
                if depth == 0:
                    break
                depth -= 1
            elif token == "{":
                self.group_tokens()
                continue
            self.position += 1
        inner = self.tokens[start:self.position]
        self.take(closing)
        return self.sub(inner)

    # --- names, entries, functions

    def is_index(self, token: str) -> bool:
        return (len(token) == 1 and token.isalpha() and token not in self.d.scalars and token not in self.d.arrays
                and token not in self.d.sizes and token != "e")

    def named(self, name: str, written: str) -> str:
        meaning = self.names.get(written, self.names.get(name))
        if name in self.d.arrays:
            if self.peek() == "_":
                self.take("_")
                index = self.group_tokens()
                if len(index) != 1 or not self.is_index(index[0]):
                    raise ExpressionError(f"`{written}_{{{''.join(index)}}}`: an entry is written with one index "
                                          "letter (x_i); numbered entries (x_1) are not read")
                return f"{name}[{index[0]}]"
            return name
        if name in self.d.scalars and meaning is None:
            return name
        subscripted = name
        if self.peek() == "_" and meaning is None:  # `w_1`, `d_h`: a declared scalar's full name
            saved = self.position
            self.take("_")
            candidate = name + "_" + "".join(self.group_tokens())
            if candidate in self.d.scalars:
                return candidate
            self.position = saved
        if meaning is None and name not in VECTOR_FUNCTIONS:
            if name in _GREEK or len(name) == 1:
                raise ExpressionError(f"unknown symbol {subscripted}: declare it in the glossary")
            if name == "nabla":
                raise ExpressionError("cannot read `\\nabla`: write \\frac{\\partial f}{\\partial x}; a gradient the "
                                      "document leaves arbitrary (\\nabla_y L of an unspecified L) may be named in "
                                      "[notation] as a declared vector")
            if written.startswith("\\") and written[1:] == name:
                raise ExpressionError(f"cannot read `{written}` in index notation")
            raise ExpressionError(f"unknown function '{name}'")
        function = meaning or name
        if function not in VECTOR_FUNCTIONS:
            raise ExpressionError(f"`{written}` means '{function}', which is not read in index notation")
        return self.applied(function, written)

    def applied(self, function: str, written: str) -> str:
        if self.peek() == "^":
            raise ExpressionError(f"write `{written}(…)^2`, not a power of the function's name")
        if self.peek() == "(":
            self.take("(")
            argument = self.until(")")
        elif self.peek() == "{":
            argument = self.sub(self.group_tokens())
        else:
            argument = self.power()
        text = f"{function}({argument})"
        if self.peek() == "_":
            self.take("_")
            index = self.group_tokens()
            if len(index) != 1 or not self.is_index(index[0]):
                raise ExpressionError(f"`{written}(…)_{{{''.join(index)}}}`: write the entry with one index letter")
            text = f"{text}[{index[0]}]"
        return text

    # --- fractions, derivatives, sums

    def fraction(self) -> str:
        top, bottom = self.group_tokens(), self.group_tokens()
        if top[:1] == ["\\partial"] and bottom[:1] == ["\\partial"]:
            variable = self.derivative_variable(bottom[1:])
            entry = f"[{variable[1]}]" if variable[1] else ""
            if len(top) > 1:
                return self.derivative(self.sub(top[1:]), variable[0], entry)
            operand_start = self.position
            operand = self.power() if self.peek() != "\\frac" else self.primary()
            while self.peek() is not None and self.starts_primary(self.peek()) and self.peek() not in ("+", "-"):
                operand = f"{operand} * {self.power()}"
            if self.peek() in ("+", "-") and self.tokens[operand_start] not in ("(", "{"):
                raise ExpressionError("the scope of `\\frac{\\partial}{\\partial …}` is ambiguous: write "
                                      "\\frac{\\partial}{\\partial x_j}\\left(…\\right)")
            return self.derivative(operand, variable[0], entry)
        if "\\partial" in top or "\\partial" in bottom or top[:1] == ["d"] and bottom[:1] == ["d"]:
            raise ExpressionError("this derivative is not read in index notation (write "
                                  "\\frac{\\partial F}{\\partial x_j} with x a declared vector)")
        return f"({self.sub(top)}) / ({self.sub(bottom)})"

    def derivative(self, body: str, variable: str, entry: str) -> str:
        """∂F/∂x: the gradient of a scalar F; for a vector F by the whole vector x, its Jacobian laid out as
        the glossary says (numerator: entry (i, j) is ∂F_i/∂x_j; denominator: ∂F_j/∂x_i)."""
        if entry or self.templates is None:
            return f"grad({body}, {variable}){entry}"
        shape = self.shape_of(body)
        if shape is None or len(shape[0]) != 1:
            return f"grad({body}, {variable})"
        if self.layout == "numerator":
            return f"jacobian({body}, {variable})"
        if self.layout == "denominator":
            return f"(jacobian({body}, {variable})).T"
        raise ExpressionError("∂F/∂x of a vector F by a vector x: say in the glossary how the document lays it out "
                              "(layout = \"numerator\": entry (i, j) is ∂F_i/∂x_j; \"denominator\": ∂F_j/∂x_i)")

    def derivative_variable(self, tokens: list[str]) -> tuple[str, str]:
        if len(tokens) == 1 and tokens[0] in self.d.arrays and not self.d.arrays[tokens[0]].is_matrix:
            return tokens[0], ""  # `\\partial x` of a whole vector: the gradient
        if (len(tokens) >= 3 and tokens[0] in self.d.arrays and tokens[1] == "_"
                and not self.d.arrays[tokens[0]].is_matrix):
            index = tokens[2:] if tokens[2] != "{" else tokens[3:-1]
            if len(index) == 1 and self.is_index(index[0]):
                return tokens[0], index[0]
        raise ExpressionError(f"`\\partial {''.join(tokens)}`: differentiate by a declared vector x or its entry x_j")

    def index_sum(self) -> str:
        if self.peek() != "_":
            raise ExpressionError("write the summation index: \\sum_j")
        self.take("_")
        below = self.group_tokens()
        above = None
        if self.peek() == "^":
            self.take("^")
            above = self.group_tokens()
        index = below[0] if below else ""
        if not self.is_index(index) or index in self.bound:
            raise ExpressionError(f"`\\sum_{{{''.join(below)}}}`: the index must be a letter not in use")
        body = self.term()
        sizes = {self.d.arrays[name].shape[0] for name in self.d.arrays
                 if re.search(rf"\b{re.escape(name)}\[{index}\]", body)}
        if len(sizes) != 1:
            raise ExpressionError(f"`\\sum_{index}`: the summand must index one vector's entries with {index}")
        size = str(next(iter(sizes)))
        if (len(below) > 1 or above is not None) and (below[1:] != ["=", "1"] or above != [size]):
            raise ExpressionError(f"`\\sum_{{{''.join(below)}}}^{{{''.join(above or [])}}}`: only sums over a "
                                      f"whole vector are read (\\sum_{index} or \\sum_{{{index}=1}}^{{{size}}})")
        return f"sum({body}, ({index}, 0, {size} - 1))"

    def entry_of_group(self, inner: str) -> str:
        """`\\left(\\frac{\\partial S(x)}{\\partial x}\\right)_{ij}`: an entry of a parenthesized vector or
        matrix; `_{i=j}` is the entry on the diagonal and `_{i \\neq j}` one off it, recorded in
        `index_cases` for the caller to apply to the whole link."""
        self.take("_")
        group = self.group_tokens()
        letters = [t for t in group if self.is_index(t)]
        if 1 <= len(group) <= 2 and letters == group:
            return f"({inner})[{', '.join(group)}]"
        if len(group) == 3 and group[1] in ("=", "\\neq", "\\ne") and len(letters) == 2 and letters[0] != letters[1]:
            self.index_cases.append((group[0], "=" if group[1] == "=" else "!=", group[2]))
            return f"({inner})[{group[0]}, {group[2]}]"
        raise ExpressionError(f"cannot read the subscript `_{{{''.join(group)}}}` of a parenthesized expression "
                              "(an entry is written with index letters: _{ij}, _{i=j}, _{i \\neq j})")

    # --- vectors written out with an ellipsis -----------------------------------------------------------

    def written_out(self) -> str:
        """`\\begin{bmatrix} 2x_1 \\\\ 2x_2 \\\\ \\vdots \\\\ 2x_n \\end{bmatrix}`: a placeholder vector whose
        entry k is the one term the written entries are instances of (`2x_k`).

        Read only without doubt: one column (or one row), one run of ellipses, entries before it at
        positions 1, 2, … and after it at n (or n-1, n), each exactly the first entry with its entry
        subscripts (`x_1`, `S(x)_1`) renumbered, and n the size of the vectors it indexes. Anything
        else (`\\begin{bmatrix} x_1 \\\\ \\vdots \\\\ 0 \\end{bmatrix}`, a matrix of ⋱) is refused."""
        name = "".join(self.group_tokens())
        body, depth = [], 0
        while True:
            token = self.peek()
            if token is None:
                raise ExpressionError(f"`\\begin{{{name}}}` has no `\\end{{{name}}}`")
            self.take()
            if token == "\\begin":
                depth += 1
            elif token == "\\end":
                if depth == 0:
                    closing = "".join(self.group_tokens())
                    if closing != name:
                        raise ExpressionError(f"`\\begin{{{name}}}` ends with `\\end{{{closing}}}`")
                    break
                depth -= 1
            body.append(token)
        if name not in _MATRICES:
            raise ExpressionError(f"cannot read `\\begin{{{name}}}`")
        rows = [row for row in _split_tokens(body, ["\\\\"]) if row]
        cells = [_split_tokens(row, ["&"]) for row in rows]
        if self.templates is not None and cells and not any(t in _ELLIPSES for t in body):
            return self.written_in_full(cells, name)
        if len(rows) > 1 and any(len(row) > 1 for row in cells):
            raise ExpressionError(f"cannot read a matrix written out entry by entry (`\\begin{{{name}}}` with "
                                  "rows and columns); only a vector written with ⋮ or … is read")
        entries = [cell for row in cells for cell in row]
        row = len(rows) == 1 and len(entries) > 1
        if self.templates is None:
            raise ExpressionError(f"cannot read `\\begin{{{name}}}` here")
        template = self.template(entries, name)
        placeholder = f"qedwritten{chr(97 + len(self.templates) % 26) * (1 + len(self.templates) // 26)}"
        self.templates[placeholder] = Template(template[0], template[1], row)
        return f"({placeholder}).T" if row else placeholder

    def written_in_full(self, cells: list[list[list[str]]], name: str) -> str:
        """`\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}`: an explicit vector or matrix of its cells (each
        read as a number by the caller), at most MAX_WRITTEN rows and columns."""
        columns = len(cells[0])
        if any(len(row) != columns for row in cells) or any(not cell for row in cells for cell in row):
            raise ExpressionError(f"cannot read `\\begin{{{name}}}`: its rows have different numbers of entries")
        if len(cells) > MAX_WRITTEN or columns > MAX_WRITTEN:
            raise ExpressionError(f"a vector or matrix written out has at most {MAX_WRITTEN} rows and columns")
        placeholder = f"qedwritten{chr(97 + len(self.templates) % 26) * (1 + len(self.templates) // 26)}"
        written = Template((), None, len(cells) == 1 and columns > 1,
                           tuple(tuple(tuple(cell) for cell in row) for row in cells))
        self.templates[placeholder] = written
        return f"({placeholder}).T" if written.row else placeholder

    def template(self, entries: list[list[str]], name: str) -> tuple[tuple[str, ...], Any]:
        marks = [all(t in _ELLIPSES for t in cell) and bool(cell) for cell in entries]
        if not any(marks):
            raise ExpressionError(f"cannot read a vector written out without ⋮ or … (`\\begin{{{name}}}`): "
                                  "only a vector over a declared vector's entries is read")
        first, last = marks.index(True), len(marks) - 1 - marks[::-1].index(True)
        if not all(marks[first:last + 1]):
            raise ExpressionError(f"cannot read `\\begin{{{name}}}` with entries between its ellipses")
        before, after = [_braced(c) for c in entries[:first]], [_braced(c) for c in entries[last + 1:]]
        doubt = (f"cannot read `\\begin{{{name}}}`: the entries around the ellipsis are not one term in the "
                 "entry index (x_1, x_2, …, x_n)")
        if not before or not after:
            raise ExpressionError(doubt)
        template = []
        tokens = before[0]
        k = 0
        while k < len(tokens):  # `x _ { 1 }` and `) _ { 1 }` (S(x)_1): an entry subscript, numbered 1
            if tokens[k:k + 4] in (["_", "{", "1", "}"],) and k > 0 and (tokens[k - 1] in self.d.arrays
                                                                         or tokens[k - 1] == ")"):
                template += ["_", "{", INDEX, "}"]
                k += 4
                continue
            template.append(tokens[k])
            k += 1
        # n is the size of the vectors the entry mentions (x in S(x)_1 too); parse_sized checks each
        # entry's index against it again when the caller reads the entries
        mentioned = {t for t in template if t in self.d.arrays}
        sizes = {self.d.arrays[v].shape[0] for v in mentioned}
        if INDEX not in template or len(sizes) != 1 or any(self.d.arrays[v].is_matrix for v in mentioned):
            raise ExpressionError(doubt)
        size = next(iter(sizes))
        if not str(size).isidentifier():
            raise ExpressionError(doubt)

        def at(index: list[str]) -> list[str]:
            out = []
            for t in template:
                out += index if t == INDEX else [t]
            return out

        expected = [at([str(p + 1)]) for p in range(len(before))]
        expected += [at([str(size)] if q == 0 else [str(size), "-", str(q)]) for q in range(len(after))][::-1]
        if before + after != expected or len(before) + len(after) > 6:
            raise ExpressionError(doubt)
        return tuple(template), size


def _untransposed(text: str) -> str:
    """`(v).T` → `v`: the row written as a column again (outer(a, b) takes two vectors)."""
    if text.startswith("(") and text.endswith(").T"):
        depth = 0
        for k, char in enumerate(text[:-2]):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and k < len(text) - 3:
                return text
        return text[1:-3]
    return text


def _split_tokens(tokens: list[str], separator: list[str]) -> list[list[str]]:
    """`tokens` split at `separator` outside braces."""
    parts, current, depth, k = [], [], 0, 0
    while k < len(tokens):
        if depth == 0 and tokens[k:k + len(separator)] == separator:
            parts.append(current)
            current = []
            k += len(separator)
            continue
        depth += {"{": 1, "}": -1}.get(tokens[k], 0)
        current.append(tokens[k])
        k += 1
    parts.append(current)
    return parts


def _braced(tokens: list[str]) -> list[str]:
    """`x _ 1` → `x _ { 1 }`: one spelling of a one-token subscript, so entries compare token by token."""
    out, k = [], 0
    while k < len(tokens):
        if tokens[k] == "_" and k + 1 < len(tokens) and tokens[k + 1] != "{":
            out += ["_", "{", tokens[k + 1], "}"]
            k += 2
            continue
        out.append(tokens[k])
        k += 1
    return out
