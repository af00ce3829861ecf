"""The plain-text parser for vector and matrix expressions in NumPy notation, shapes checked as it goes.

`A.T @ (A @ x - b)`, `grad(x @ A @ x, x)`, `trace(inv(X) @ A)`: the text is parsed by `ast.parse`
only (never `eval` or `sympify`), and a whitelist walk builds the typed tree of `sized.py`, every
node carrying its shape. A shape mismatch (`A @ x` with the wrong sizes, `A + x`) is an
`ExpressionError` quoting the offending part and naming both shapes; nothing is evaluated here.

Numbers are read by the scalar parser (`parse_expression` of the literal's own text), so both
parsers accept exactly the same numbers.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

import sympy as sp

from ..sized import ELEMENTWISE, Condition, Declarations, Node, shape_text
from .expression import (
    MAX_DEPTH,
    ExpressionError,
    _check_length,
    _closing,
    _python_form,
    _split_top_level,
    did_you_mean,
    parse_expression,
    syntax_tree,
)

FUNCTIONS = ("sum", "trace", "det", "inv", "diag", "outer", "eye", "ones", "zeros", "norm", "softmax",
             "logsumexp", "grad", "jacobian", "delta", *ELEMENTWISE)
CONSTANTS = {"pi": sp.pi, "E": sp.E}
_ARITHMETIC = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow",
               ast.BitXor: "pow"}
_RELATIONS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.NotEq: "!=", ast.Eq: "=="}


def parse_sized(text: str, declarations: Declarations, indices: dict | None = None) -> Node:
    """The typed tree of `text`. `indices` collects free index symbols (name -> (symbol, size))."""
    tree = syntax_tree(text)
    return _Builder(text, declarations, indices if indices is not None else {}).expr(tree.body, 1, {})


def parse_sized_condition(text: str, declarations: Declarations) -> Condition:
    """`det(X) != 0 & 1 + v @ inv(A) @ u != 0`: scalar comparisons joined by & and | (and parentheses).

    As in the scalar parser, the connectives are split off the text first: Python binds `&` tighter
    than `!=`, so `det(X) != 0 & t > 0` would otherwise mean `det(X) != (0 & t) > 0`.
    """
    if not isinstance(text, str):
        raise ExpressionError("a condition must be a string")
    _check_length(text)
    return _condition(text, declarations, 1)


def _condition(text: str, declarations: Declarations, depth: int) -> Condition:
    if depth > MAX_DEPTH:
        raise ExpressionError(f"the condition is nested more than {MAX_DEPTH} levels deep")
    stripped = text.strip()
    if not stripped:
        raise ExpressionError("an empty comparison in the condition")
    for connective, kind in (("|", "or"), ("&", "and")):
        pieces = _split_top_level(stripped, connective)
        if len(pieces) > 1:
            return Condition(kind, parts=tuple(_condition(p, declarations, depth + 1) for p in pieces))
    if stripped.startswith("(") and _closing(stripped, 0) == len(stripped) - 1:
        return _condition(stripped[1:-1], declarations, depth + 1)
    return _Builder(stripped, declarations, {}).condition(syntax_tree(stripped).body, depth)


def _same(a, b) -> bool:
    return len(a) == len(b) and all(sp.simplify(p - q) == 0 for p, q in zip(a, b))


class _Builder:
    def __init__(self, text: str, declarations: Declarations, indices: dict):
        self.text = text
        self.d = declarations
        self.indices = indices  # free index name -> (symbol, size)

    # --- expressions ------------------------------------------------------------------------------

    def expr(self, node: ast.AST, depth: int, bound: dict) -> Node:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant):
            return Node("num", (), (), self._number(node))
        if isinstance(node, ast.Name):
            return self._name(node, bound)
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand, depth + 1, bound)
            if isinstance(node.op, ast.USub):
                return Node("neg", (operand,), operand.shape)
            if isinstance(node.op, ast.UAdd):
                return operand
            raise ExpressionError(f"the operator in '{self._quote(node)}' is not allowed")
        if isinstance(node, ast.BinOp):
            left = self.expr(node.left, depth + 1, bound)
            right = self.expr(node.right, depth + 1, bound)
            if isinstance(node.op, ast.MatMult):
                return self._matmul(node, left, right)
            op = _ARITHMETIC.get(type(node.op))
            if op is None:
                raise ExpressionError(f"the operator in '{self._quote(node)}' is not allowed")
            return Node(op, (left, right), self._broadcast(node, left, right))
        if isinstance(node, ast.Attribute):
            if node.attr != "T":
                raise ExpressionError(f"'.T' is the only attribute allowed: '{self._quote(node)}'")
            inner = self.expr(node.value, depth + 1, bound)
            shape = inner.shape[::-1] if len(inner.shape) == 2 else inner.shape
            return Node("T", (inner,), shape)
        if isinstance(node, ast.Subscript):
            return self._entry(node, depth, bound)
        if isinstance(node, ast.Call):
            return self._call(node, depth, bound)
        if isinstance(node, ast.Compare):
            raise ExpressionError(f"comparisons belong in 'where', not in an expression: '{self._quote(node)}'")
        raise ExpressionError(f"'{type(node).__name__}' is not allowed in an expression: '{self._quote(node)}'")

    def _number(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExpressionError(f"only numbers are allowed as constants: '{self._quote(node)}'")
        return parse_expression(self._quote(node, cut=False), {})

    def _name(self, node: ast.Name, bound: dict) -> Node:
        name = node.id
        if name.startswith("_"):
            raise ExpressionError(f"names starting with '_' such as '{name}' are not allowed")
        if name in bound:
            return Node("index", (), (), bound[name][0])
        if name in self.indices:
            return Node("index", (), (), self.indices[name][0])
        if name in self.d.scalars:
            return Node("scalar", (), (), self.d.scalars[name])
        if name in self.d.sizes:
            return Node("size", (), (), self.d.sizes[name])
        if name in self.d.arrays:
            array = self.d.arrays[name]
            return Node("matrix" if array.is_matrix else "vector", (), array.shape, name)
        if name in CONSTANTS:
            return Node("num", (), (), CONSTANTS[name])
        if name in FUNCTIONS:
            raise ExpressionError(f"'{name}' is a function: call it as {name}(…)")
        known = [*self.d.scalars, *self.d.arrays, *self.d.sizes]
        raise ExpressionError(f"undeclared name '{name}'{did_you_mean(name, known)} (declare it in 'symbols', "
                              "'vectors' or 'matrices')")

    def _broadcast(self, node, left: Node, right: Node):
        if left.is_scalar:
            return right.shape
        if right.is_scalar or _same(left.shape, right.shape):
            return left.shape
        raise ExpressionError(f"'{self._quote(node)}': cannot combine a {shape_text(left.shape)} and a "
                              f"{shape_text(right.shape)} elementwise (only scalars broadcast; use @, outer or "
                              "diag)")

    def _matmul(self, node, left: Node, right: Node) -> Node:
        if left.is_scalar or right.is_scalar:
            raise ExpressionError(f"'{self._quote(node)}': @ needs vectors or matrices (use * with a scalar)")
        inner_left = left.shape[-1]
        inner_right = right.shape[0]
        if not _same((inner_left,), (inner_right,)):
            raise ExpressionError(f"'{self._quote(node)}': shapes do not match for @: {shape_text(left.shape)} "
                                  f"@ {shape_text(right.shape)} ({inner_left} ≠ {inner_right})")
        shape = tuple(left.shape[:-1]) + tuple(right.shape[1:])
        return Node("matmul", (left, right), shape)

    # --- entries and index sums ---------------------------------------------------------------------

    def _entry(self, node: ast.Subscript, depth: int, bound: dict) -> Node:
        array = self.expr(node.value, depth + 1, bound)
        if array.is_scalar:
            raise ExpressionError(f"'{self._quote(node)}': a scalar has no entries")
        raw = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if len(raw) != len(array.shape):
            raise ExpressionError(f"'{self._quote(node)}': a {shape_text(array.shape)} takes {len(array.shape)} "
                                  f"index{'es' if len(array.shape) > 1 else ''}, got {len(raw)}")
        indices = tuple(self._index(r, size, node, bound) for r, size in zip(raw, array.shape))
        return Node("entry", (array, *indices), ())

    def _index(self, raw, size, node, bound: dict) -> Node:
        if isinstance(raw, ast.Constant) and type(raw.value) is int:
            if raw.value < 0:
                raise ExpressionError(f"'{self._quote(node)}': indices start at 0")
            return Node("num", (), (), sp.Integer(raw.value))
        if not isinstance(raw, ast.Name):
            raise ExpressionError(f"'{self._quote(node)}': an index must be a name such as i or a number")
        name = raw.id
        if name in bound:
            symbol, low, high = bound[name]
            if size is not None and not (sp.simplify(size - 1 - high).is_nonnegative and low.is_nonnegative):
                raise ExpressionError(f"'{self._quote(node)}': {name} runs over {low}..{high}, outside 0..{size} - 1")
            return Node("index", (), (), symbol)
        if name in self.d.scalars or name in self.d.arrays or name in self.d.sizes or name in FUNCTIONS \
                or name.startswith("_"):
            raise ExpressionError(f"'{name}' cannot be an index: it is already a declared name")
        if name in self.indices:
            symbol, known = self.indices[name]
            if not _same((known,), (size,)):
                raise ExpressionError(f"'{self._quote(node)}': index {name} ranges over 0..{known} - 1 "
                                      f"elsewhere, here over 0..{size} - 1")
            return Node("index", (), (), symbol)
        symbol = sp.Symbol(name, integer=True, nonnegative=True)
        self.indices[name] = (symbol, size)
        return Node("index", (), (), symbol)

    def _known_index(self, raw, node, bound: dict) -> Node:
        if isinstance(raw, ast.Constant) and type(raw.value) is int and raw.value >= 0:
            return Node("num", (), (), sp.Integer(raw.value))
        if isinstance(raw, ast.Name) and raw.id in bound:
            return Node("index", (), (), bound[raw.id][0])
        if isinstance(raw, ast.Name) and raw.id in self.indices:
            return Node("index", (), (), self.indices[raw.id][0])
        raise ExpressionError(f"'{self._quote(node)}': delta(i, j) takes indices used as entries x[i] or "
                              "summation indices")

    def _index_sum(self, node: ast.Call, depth: int, bound: dict) -> Node:
        limits = node.args[1]
        if not (isinstance(limits, ast.Tuple) and len(limits.elts) == 3 and isinstance(limits.elts[0], ast.Name)):
            raise ExpressionError(f"'{self._quote(node)}': write sum(expr, (i, 0, n - 1))")
        name = limits.elts[0].id
        if name in self.d.scalars or name in self.d.arrays or name in self.d.sizes or name in bound \
                or name in self.indices:
            raise ExpressionError(f"'{self._quote(node)}': the summation index '{name}' is already in use")
        low, high = (self._bound(e, node) for e in limits.elts[1:])
        symbol = sp.Symbol(name, integer=True, nonnegative=True)
        body = self.expr(node.args[0], depth + 1, {**bound, name: (symbol, low, high)})
        if not body.is_scalar:
            raise ExpressionError(f"'{self._quote(node)}': sum(expr, (i, a, b)) adds scalars; "
                                  f"the summand is a {shape_text(body.shape)}")
        return Node("isum", (body,), (), (symbol, low, high))

    def _bound(self, raw, node) -> sp.Expr:
        """A summation bound: integers and size names with + and -."""
        if isinstance(raw, ast.Constant) and type(raw.value) is int:
            return sp.Integer(raw.value)
        if isinstance(raw, ast.Name) and raw.id in self.d.sizes:
            return self.d.sizes[raw.id]
        if isinstance(raw, ast.BinOp) and isinstance(raw.op, (ast.Add, ast.Sub)):
            a, b = self._bound(raw.left, node), self._bound(raw.right, node)
            return a + b if isinstance(raw.op, ast.Add) else a - b
        raise ExpressionError(f"'{self._quote(node)}': a summation bound is built from integers and sizes")

    # --- calls --------------------------------------------------------------------------------------

    def _call(self, node: ast.Call, depth: int, bound: dict) -> Node:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"only named functions can be called: '{self._quote(node)}'")
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(f"keyword and starred arguments are not allowed: '{self._quote(node)}'")
        if name not in FUNCTIONS:
            if name in self.d.arrays or name in self.d.scalars:
                raise ExpressionError(f"'{name}' is not a function")
            raise ExpressionError(f"unknown function '{name}'{did_you_mean(name, FUNCTIONS)} in vector and "
                                  "matrix claims")
        count = len(node.args)
        if name == "sum" and count == 2:
            return self._index_sum(node, depth, bound)
        if name in ("eye", "ones", "zeros"):
            return self._constant_array(node, name)
        if name == "delta":
            self._arity(node, name, 2, 2)
            return Node("delta", tuple(self._known_index(a, node, bound) for a in node.args), ())
        if name in ("grad", "jacobian"):
            return self._derivative(node, name, depth, bound)
        if name == "norm":
            self._arity(node, name, 1, 2)
            if count == 2 and not (isinstance(node.args[1], ast.Constant) and node.args[1].value in (1, 2)
                                   and type(node.args[1].value) is int):
                raise ExpressionError(f"'{self._quote(node)}': norm(x) or norm(x, 2) is Euclidean, norm(x, 1) "
                                      "the sum of absolute values; no other norms")
        else:
            self._arity(node, name, 1, 2 if name == "outer" else 1)
            if name == "outer":
                self._arity(node, name, 2, 2)
        args = [self.expr(a, depth + 1, bound) for a in node.args[:1 if name == "norm" else None]]
        return self._function(node, name, args)

    def _function(self, node, name: str, args: list[Node]) -> Node:
        (a, *rest) = args
        if name in ELEMENTWISE:
            return Node("fn", (a,), a.shape, name)
        if name == "sum":
            return Node("sum", (a,), ())
        if name in ("trace", "det", "inv"):
            if len(a.shape) != 2 or not _same(a.shape[:1], a.shape[1:]):
                raise ExpressionError(f"'{self._quote(node)}': {name} needs a square matrix, "
                                      f"not a {shape_text(a.shape)}")
            return Node(name, (a,), a.shape if name == "inv" else ())
        if name == "diag":
            if len(a.shape) == 1:
                return Node("diag", (a,), (a.shape[0], a.shape[0]))
            if len(a.shape) == 2 and _same(a.shape[:1], a.shape[1:]):
                return Node("diag", (a,), (a.shape[0],))
            raise ExpressionError(f"'{self._quote(node)}': diag takes a vector or a square matrix, "
                                  f"not a {shape_text(a.shape)}")
        if name == "outer":
            b = rest[0]
            if len(a.shape) != 1 or len(b.shape) != 1:
                raise ExpressionError(f"'{self._quote(node)}': outer takes two vectors, not a "
                                      f"{shape_text(a.shape)} and a {shape_text(b.shape)}")
            return Node("outer", (a, b), (a.shape[0], b.shape[0]))
        if name == "norm":
            one = len(node.args) == 2 and node.args[1].value == 1
            if a.is_scalar or (one and len(a.shape) != 1):
                raise ExpressionError(f"'{self._quote(node)}': norm takes a vector (or a matrix for the "
                                      "Frobenius norm)")
            return Node("norm1" if one else "norm", (a,), ())
        if name in ("softmax", "logsumexp"):
            if len(a.shape) != 1:
                raise ExpressionError(f"'{self._quote(node)}': {name} takes a vector, not a {shape_text(a.shape)}")
            return Node(name, (a,), a.shape if name == "softmax" else ())
        raise ExpressionError(f"'{name}' cannot be used here")  # pragma: no cover - FUNCTIONS is covered above

    def _constant_array(self, node, name: str) -> Node:
        self._arity(node, name, 1, 1 if name == "eye" else 2)
        sizes = []
        for raw in node.args:
            if isinstance(raw, ast.Name) and raw.id in self.d.sizes:
                sizes.append(self.d.sizes[raw.id])
            elif isinstance(raw, ast.Constant) and type(raw.value) is int and 1 <= raw.value <= 1000:
                sizes.append(sp.Integer(raw.value))
            else:
                raise ExpressionError(f"'{self._quote(node)}': {name} takes sizes (declared size names or "
                                      "integers from 1 to 1000)")
        shape = (sizes[0], sizes[0]) if name == "eye" else tuple(sizes)
        return Node(name, (), shape)

    def _derivative(self, node, name: str, depth: int, bound: dict) -> Node:
        self._arity(node, name, 2, 2)
        target = node.args[1]
        if not (isinstance(target, ast.Name) and (target.id in self.d.arrays or target.id in self.d.scalars)):
            raise ExpressionError(f"'{self._quote(node)}': {name}(f, X): X must be a declared vector, matrix "
                                  "or scalar")
        variable = self._name(target, {})
        body = self.expr(node.args[0], depth + 1, bound)
        if name == "grad":
            if not body.is_scalar:
                raise ExpressionError(f"'{self._quote(node)}': grad(f, X) needs a scalar f, not a "
                                      f"{shape_text(body.shape)} (use jacobian)")
            return Node("grad", (body, variable), variable.shape)
        if len(body.shape) != 1 or len(variable.shape) != 1:
            raise ExpressionError(f"'{self._quote(node)}': jacobian(F, x) takes a vector F and a vector x, not a "
                                  f"{shape_text(body.shape)} and a {shape_text(variable.shape)}")
        return Node("jacobian", (body, variable), (body.shape[0], variable.shape[0]))

    def _arity(self, node, name: str, low: int, high: int) -> None:
        count = len(node.args)
        if not low <= count <= high:
            wanted = f"{low}" if low == high else f"{low} to {high}"
            raise ExpressionError(f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, got {count}: "
                                  f"'{self._quote(node)}'")

    # --- conditions ---------------------------------------------------------------------------------

    def condition(self, node: ast.AST, depth: int) -> Condition:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the condition is nested more than {MAX_DEPTH} levels deep")
        if not isinstance(node, ast.Compare):
            raise ExpressionError(f"'{self._quote(node)}' is not a comparison (use <, <=, >, >=, ==, !=; "
                                  "join them with & and |)")
        terms = [node.left, *node.comparators]
        parts = []
        for op, a, b in zip(node.ops, terms, terms[1:]):
            relation = _RELATIONS.get(type(op))
            if relation is None:
                raise ExpressionError(f"'{self._quote(node)}': only <, <=, >, >=, ==, != compare")
            left, right = self.expr(a, depth + 1, {}), self.expr(b, depth + 1, {})
            for side in (left, right):
                if not side.is_scalar:
                    raise ExpressionError(f"'{self._quote(node)}': a condition compares scalars, not a "
                                          f"{shape_text(side.shape)}")
            parts.append(Condition("cmp", relation, left, right))
        return parts[0] if len(parts) == 1 else Condition("and", parts=tuple(parts))

    def _quote(self, node: ast.AST, cut: bool = True) -> str:
        segment = ast.get_source_segment(_python_form(self.text), node) or type(node).__name__
        return segment if not cut or len(segment) <= 60 else segment[:57] + "…"


def size_symbols(names: Mapping[str, object]) -> dict[str, sp.Symbol]:
    return {name: sp.Symbol(name, integer=True, positive=True) for name in names}
