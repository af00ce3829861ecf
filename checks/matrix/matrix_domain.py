"""Special points of a sized claim: where a side may be undefined, or a derivative may not exist.

The scalar path decides a claim exactly at its special points before any proof (kinks.py): the kinks
of the functions it differentiates, and the zeros of its denominators and logarithms' arguments,
including those SymPy cancelled while building a side (x·y/y is x). A sized claim has the same points,
entry by entry, and they move with the sizes; so the all-sizes proof, which sees one generic entry
through SymPy's cancellations and derivative conventions, is only sound for a claim that has none.

`special_reason` reads the tree of the claim and says why it may have special points ("" when it
cannot have any); it is deliberately conservative: a division counts unless its divisor is provably
never 0 (a nonzero number, exp, a softmax of a real vector, a declared positive or nonzero array, the
determinant of a declared invertible matrix, a quantity `where` states is nonzero, ...). A claim with a
reason is proved size by size only, and each entry of each size goes through `kinks.analyse`, built by
`Explicit` in its domain-keeping mode (every denominator SymPy cancels is kept as a condition of the
entry, and derivatives are left unevaluated for the kink analysis).

`domain_condition` is the SymPy condition the analysis holds a refuting point to: the `where`, and
what the declarations assume (an invertible matrix has det ≠ 0, an spd one positive leading minors).
"""

from __future__ import annotations

import sympy as sp

from ...sized import Condition, Declarations, Node

# Elementwise functions defined and smooth everywhere on ℂ.
_ENTIRE = ("exp", "sin", "cos", "sinh", "cosh")
# Defined and smooth on the reals, with poles or branch points off them (sigmoid(iπ), tanh(iπ/2)).
_REAL_SMOOTH = ("sigmoid", "softplus", "tanh", "atan")
# Defined everywhere on the reals, not differentiable at 0 of their argument (or with no derivative there).
_KINKED = ("abs", "Abs", "sign", "relu", "Heaviside")
_NONZERO_FACTS = ("!=", ">", "<")


class _Analysis:
    def __init__(self, declarations: Declarations, where: Condition | None):
        self.declarations = declarations
        self.nonzero_facts: set[Node] = set()
        self.positive_facts: set[Node] = set()
        for part in _conjuncts(where):
            if part.kind != "cmp" or part.relation not in _NONZERO_FACTS:
                continue
            for side, other, positive in ((part.left, part.right, part.relation == ">"),
                                          (part.right, part.left, part.relation == "<")):
                if _is_zero(other):
                    self.nonzero_facts.add(side)
                    if positive:
                        self.positive_facts.add(side)

    # --- facts about values, each true at every point of the domain --------------------------------

    def _assumptions(self, node: Node) -> set:
        if node.op in ("vector", "matrix"):
            return set(self.declarations.arrays[node.value].assumptions)
        return set()

    def real(self, node: Node) -> bool:
        """Every entry is real wherever it is defined (no logarithm or root of a negative number)."""
        if node.op == "fn" and node.value in ("log", "sqrt"):
            return self.positive(node.args[0]) and self.real(node.args[0])
        if node.op == "pow":
            base, exponent = node.args
            integer = exponent.op == "num" and exponent.value.is_integer
            return self.real(base) and self.real(exponent) and (integer or self.positive(base))
        if node.op in ("norm",):
            return self.real(node.args[0])
        if node.op == "logsumexp":
            return self.real(node.args[0])
        return all(self.real(arg) for arg in node.args)

    def positive(self, node: Node) -> bool:
        """Every entry is a positive real wherever it is defined."""
        op, args = node.op, node.args
        if op == "num":
            return bool(node.value.is_positive)
        if op == "scalar":
            return bool(node.value.is_positive)
        if op in ("vector", "matrix"):
            return "positive" in self._assumptions(node)
        if node in self.positive_facts:
            return True
        if op == "fn" and node.value in ("exp", "sigmoid"):
            return self.real(args[0])
        if op == "fn" and node.value in ("abs", "Abs"):
            return self.nonzero(args[0])
        if op == "softmax":
            return self.real(args[0])
        if op in ("add", "mul", "div", "T"):
            return all(self.positive(a) for a in args)
        if op == "sub":  # 1 − σ(u) = σ(−u)
            one, right = args
            return (one.op == "num" and one.value >= 1 and right.op == "fn" and right.value == "sigmoid"
                    and self.real(right.args[0]))
        if op == "pow":
            return self.positive(args[0]) and self.real(args[1])
        if op == "det":
            return self._invertible(args[0], spd=True)
        if op == "sum":
            return self.positive(args[0])
        return False

    def nonzero(self, node: Node) -> bool:
        """No entry is ever 0 where it is defined."""
        op, args = node.op, node.args
        if node in self.nonzero_facts or self.positive(node):
            return True
        if op == "num":
            return node.value != 0
        if op == "scalar":
            return bool(node.value.is_nonzero)
        if op in ("vector", "matrix"):
            return bool(self._assumptions(node) & {"positive", "negative", "nonzero"})
        if op == "fn" and node.value == "exp":
            return True  # e^z ≠ 0 for every complex z
        if op in ("neg", "T") or (op == "fn" and node.value in ("abs", "Abs")):
            return self.nonzero(args[0])
        if op in ("mul", "div"):
            return all(self.nonzero(a) for a in args)
        if op == "pow":
            return self.nonzero(args[0])  # a ≠ 0: aᵇ = e^{b log a} ≠ 0
        if op == "det":
            return self._invertible(args[0])
        if op == "norm":
            u = args[0]
            return self.real(u) and (self.nonzero(u) or Node("matmul", (u, u), ()) in self.nonzero_facts)
        return False

    def _invertible(self, node: Node, spd: bool = False) -> bool:
        """The matrix is invertible at every point of the domain (spd: its determinant is positive)."""
        op, args = node.op, node.args
        if op == "matrix":
            kinds = self._assumptions(node)
            return "spd" in kinds if spd else bool(kinds & {"invertible", "spd"})
        if op == "eye":
            return True
        if op in ("T", "inv"):
            return self._invertible(args[0], spd)
        if op == "matmul" and not spd:
            return all(len(a.shape) == 2 and self._invertible(a) for a in args)
        if not spd and Node("det", (node,), ()) in self.nonzero_facts:
            return True
        return spd and Node("det", (node,), ()) in self.positive_facts

    # --- the special points -----------------------------------------------------------------------

    def reason(self, node: Node, derivative: bool, squared: bool = False) -> str:
        """Why `node` may have special points ("" when it has none): `derivative` when it is
        differentiated (inside grad or jacobian), `squared` when it is raised to an even power."""
        op, args = node.op, node.args
        if op in ("grad", "jacobian"):
            return self.reason(args[0], True)
        if op == "div" and not self.nonzero(args[1]):
            return "a division by something that may be 0"
        if op == "pow":
            base, exponent = args
            integer = exponent.op == "num" and exponent.value.is_integer
            if not (integer and exponent.value >= 0) and not self.nonzero(base):
                return "a power that may be undefined at 0 or not differentiable there"
            even = integer and exponent.value > 0 and exponent.value % 2 == 0
            return self.reason(base, derivative, even) or self.reason(exponent, derivative)
        if op == "inv" and not self._invertible(args[0]):
            return "the inverse of a matrix that may be singular"
        if op == "fn":
            name, u = node.value, args[0]
            if name == "log" and not self.nonzero(u):
                return "a logarithm of something that may be 0"
            if name == "tan":
                return "tan, undefined where cos is 0"
            if name in _REAL_SMOOTH and not self.real(u):
                return f"{name} of something that may be complex"
            if name in _KINKED:
                if not self.real(u):
                    return f"{name} of something that may be complex"
                if derivative and not self.nonzero(u):
                    return f"a derivative of {name}, which has a kink at 0"
            if name == "sqrt" and derivative and not self.nonzero(u):
                return "a derivative of sqrt, which has none at 0"
            if name not in (*_ENTIRE, *_REAL_SMOOTH, *_KINKED, "log", "sqrt", "tan"):
                return f"the function {name}"
        if op in ("softmax", "logsumexp") and not self.real(args[0]):
            return f"{op} of something that may be complex"
        if op == "norm" and derivative and not squared and not self.nonzero(node):
            return "a derivative of a norm, which has none at 0"
        if op == "norm1" and derivative:
            return "a derivative of a 1-norm, which has kinks"
        for arg in args:
            found = self.reason(arg, derivative)
            if found:
                return found
        return ""


def special_reason(lhs: Node, rhs: Node, declarations: Declarations, where: Condition | None) -> str:
    """Why the claim may have special points (a side undefined, a derivative that may not exist), or ""."""
    analysis = _Analysis(declarations, where)
    return analysis.reason(lhs, False) or analysis.reason(rhs, False)


def domain_condition(declarations: Declarations, where: Condition | None, evaluate, values: dict):
    """The domain as a SymPy condition: `where` (evaluated by `evaluate`, an Explicit) and what the
    declared matrices assume (invertible: det ≠ 0; spd: every leading principal minor > 0)."""
    parts = []
    for name, array in declarations.arrays.items():
        kinds = set(array.assumptions)
        matrix = values.get(name)
        if not isinstance(matrix, sp.MatrixBase) or not array.is_matrix:
            continue
        if "spd" in kinds:
            parts += [matrix[:k, :k].det(method="berkowitz") > 0 for k in range(1, matrix.rows + 1)]
        elif "invertible" in kinds:
            parts.append(sp.Ne(matrix.det(method="berkowitz"), 0))
    if where is not None:
        parts.append(_condition(where, evaluate))
    condition = sp.And(*parts) if parts else None
    return None if condition is sp.true else condition


_RELATIONS = {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge, "==": sp.Eq, "!=": sp.Ne}


def _condition(condition: Condition, evaluate):
    if condition.kind == "and":
        return sp.And(*[_condition(p, evaluate) for p in condition.parts])
    if condition.kind == "or":
        return sp.Or(*[_condition(p, evaluate) for p in condition.parts])
    return _RELATIONS[condition.relation](evaluate(condition.left), evaluate(condition.right))


def _conjuncts(condition: Condition | None):
    if condition is None:
        return
    if condition.kind == "and":
        for part in condition.parts:
            yield from _conjuncts(part)
    elif condition.kind == "cmp":
        yield condition


def _is_zero(node: Node | None) -> bool:
    return node is not None and node.op == "num" and node.value == 0
