"""An independent NumPy evaluation of sized expressions, and the random draws it is evaluated at.

Every value is an array whose trailing axes are the node's shape and whose leading axes are a batch:
many sample points are evaluated in one call, and a gradient is the batch of all perturbed points.
`grad` and `jacobian` are computed by complex steps (h = 1e-20, exact to rounding) when the function is
analytic, by central differences otherwise (abs, relu, nested derivatives); SymPy is never used, so
a wrong symbolic derivative cannot agree with itself here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...sized import NON_ANALYTIC, Declarations, Node, size_value

COMPLEX_STEP = 1e-20
CENTRAL_STEP = 1e-6


def _sigmoid(z):
    if np.iscomplexobj(z):
        return 1 / (1 + np.exp(-z))
    with np.errstate(over="ignore"):
        return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def _softplus(z):
    return np.log1p(np.exp(z)) if np.iscomplexobj(z) else np.logaddexp(0.0, z)


ELEMENTWISE = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "atan": np.arctan, "abs": np.abs, "Abs": np.abs,
    "sign": np.sign, "sigmoid": _sigmoid, "softplus": _softplus, "relu": lambda z: np.maximum(z, 0.0),
    "Heaviside": lambda z: np.heaviside(z, 0.5),
}


def uses_central_differences(node: Node) -> bool:
    """Whether some derivative in `node` is taken by central differences (a looser tolerance)."""
    return any(n.op in ("grad", "jacobian") and not _analytic(n.args[0]) for n in node.walk())


def _analytic(body: Node) -> bool:
    for n in body.walk():
        if n.op in ("grad", "jacobian") or n.op in NON_ANALYTIC or (n.op == "fn" and n.value in NON_ANALYTIC):
            return False
    return True


class Evaluator:
    """Evaluate trees at one batch of points: `arrays` name -> array, `scalars` name -> array, `sizes`."""

    def __init__(self, arrays: dict, scalars: dict, sizes: dict, indices: dict | None = None):
        self.arrays = arrays
        self.scalars = scalars
        self.sizes = sizes  # size symbol -> int
        self.indices = indices or {}

    def __call__(self, node: Node):
        return getattr(self, f"_{node.op}")(node)

    def _num(self, node):
        return float(node.value)

    def _scalar(self, node):
        return self.scalars[node.value.name]

    def _size(self, node):
        return float(self.sizes[node.value])

    def _vector(self, node):
        return self.arrays[node.value]

    _matrix = _vector

    def _index(self, node):
        return float(self.indices[node.value])

    def _lifted(self, node: Node, child: Node):
        value = np.asarray(self(child))
        if child.is_scalar and not node.is_scalar:
            return value[(..., *([None] * len(node.shape)))]
        return value

    def _add(self, node):
        return self._lifted(node, node.args[0]) + self._lifted(node, node.args[1])

    def _sub(self, node):
        return self._lifted(node, node.args[0]) - self._lifted(node, node.args[1])

    def _mul(self, node):
        return self._lifted(node, node.args[0]) * self._lifted(node, node.args[1])

    def _div(self, node):
        return self._lifted(node, node.args[0]) / self._lifted(node, node.args[1])

    def _pow(self, node):
        with np.errstate(all="ignore"):
            return self._lifted(node, node.args[0]) ** self._lifted(node, node.args[1])

    def _neg(self, node):
        return -self(node.args[0])

    def _matmul(self, node):
        a, b = node.args
        left, right = self(a), self(b)
        if len(a.shape) == 2 and len(b.shape) == 2:
            return np.matmul(left, right)
        if len(a.shape) == 2:
            return np.einsum("...ij,...j->...i", left, right)
        if len(b.shape) == 2:
            return np.einsum("...i,...ij->...j", left, right)
        return np.einsum("...i,...i->...", left, right)

    def _T(self, node):
        value = self(node.args[0])
        return np.swapaxes(value, -1, -2) if len(node.shape) == 2 else value

    def _fn(self, node):
        with np.errstate(all="ignore"):
            return ELEMENTWISE[node.value](self(node.args[0]))

    def _sum(self, node):
        value = self(node.args[0])
        return value.sum(axis=tuple(range(-len(node.args[0].shape), 0))) if node.args[0].shape else value

    def _trace(self, node):
        return np.trace(self(node.args[0]), axis1=-2, axis2=-1)

    def _det(self, node):
        return np.linalg.det(self(node.args[0]))

    def _inv(self, node):
        return np.linalg.inv(self(node.args[0]))

    def _diag(self, node):
        value = self(node.args[0])
        if len(node.args[0].shape) == 1:
            return value[..., :, None] * np.eye(value.shape[-1])
        return np.diagonal(value, axis1=-2, axis2=-1)

    def _outer(self, node):
        return self(node.args[0])[..., :, None] * self(node.args[1])[..., None, :]

    def _eye(self, node):
        return np.eye(self._dim(node.shape[0]))

    def _ones(self, node):
        return np.ones(tuple(self._dim(s) for s in node.shape))

    def _zeros(self, node):
        return np.zeros(tuple(self._dim(s) for s in node.shape))

    def _dim(self, size) -> int:
        return size_value(size, self.sizes)

    def _norm(self, node):
        value = self(node.args[0])
        axes = tuple(range(-len(node.args[0].shape), 0))
        return np.sqrt((value * value).sum(axis=axes))  # not |v|²: complex steps pass through

    def _norm1(self, node):
        return np.abs(self(node.args[0])).sum(axis=-1)

    def _softmax(self, node):
        value = self(node.args[0])
        shifted = value - np.max(np.real(value), axis=-1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)

    def _logsumexp(self, node):
        value = self(node.args[0])
        top = np.max(np.real(value), axis=-1, keepdims=True)
        return top[..., 0] + np.log(np.exp(value - top).sum(axis=-1))

    def _entry(self, node):
        value = self(node.args[0])
        positions = tuple(int(self(i)) for i in node.args[1:])
        return value[(..., *positions)]

    def _delta(self, node):
        return float(self(node.args[0]) == self(node.args[1]))

    def _isum(self, node):
        symbol, low, high = node.value
        first, last = self._dim(low), self._dim(high)
        total = 0.0
        saved = self.indices.get(symbol)
        for position in range(first, last + 1):
            self.indices[symbol] = position
            total = total + self(node.args[0])
        if saved is None:
            self.indices.pop(symbol, None)
        else:
            self.indices[symbol] = saved
        return total

    # --- derivatives --------------------------------------------------------------------------------

    def _grad(self, node):
        body, variable = node.args
        values = self._perturbed(body, variable)
        moved = np.moveaxis(values, 0, -1)
        return moved.reshape(*moved.shape[:-1], *[self._dim(s) for s in variable.shape])

    def _jacobian(self, node):
        body, variable = node.args
        values = self._perturbed(body, variable)  # (N, batch..., m)
        return np.moveaxis(values, 0, -1)

    def _perturbed(self, body: Node, variable: Node):
        """f at x + h e_k for every entry k, stacked on a new leading axis, turned into derivatives."""
        name = variable.value if variable.op in ("vector", "matrix") else variable.value.name
        store = self.arrays if variable.op in ("vector", "matrix") else self.scalars
        point = np.asarray(store[name])
        shape = tuple(self._dim(s) for s in variable.shape)
        count = int(np.prod(shape)) if shape else 1
        batch = point.ndim - len(shape)
        directions = np.eye(count).reshape(count, *([1] * batch), *shape)
        try:
            if _analytic(body):
                store[name] = point + 1j * COMPLEX_STEP * directions
                return np.imag(self(body)) / COMPLEX_STEP
            step = CENTRAL_STEP * np.maximum(1.0, np.abs(point))
            store[name] = point + step * directions
            upper = self(body)
            store[name] = point - step * directions
            lower = self(body)
            widths = (2 * step * directions).sum(axis=tuple(range(-len(shape), 0))) if shape else 2 * step
            widths = widths.reshape(widths.shape + (1,) * (np.ndim(upper) - np.ndim(widths)))
            return (upper - lower) / widths
        finally:
            store[name] = point


# --- draws ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draw:
    """Values of every declared name at `points` points (leading axis), at the sizes `sizes`."""

    sizes: dict  # size symbol -> int
    arrays: dict  # name -> array (points, *shape)
    scalars: dict  # name -> array (points,)
    points: int


def draw(declarations: Declarations, sizes: dict, points: int, rng: np.random.Generator) -> Draw:
    arrays = {name: _array(array, sizes, points, rng) for name, array in declarations.arrays.items()}
    scalars = {name: _scalar(symbol, points, rng) for name, symbol in declarations.scalars.items()}
    return Draw(dict(sizes), arrays, scalars, points)


def _dims(array, sizes) -> tuple[int, ...]:
    return tuple(size_value(s, sizes) for s in array.shape)


def _scalar(symbol, points: int, rng) -> np.ndarray:
    if symbol.is_positive:
        return rng.uniform(0.2, 3.0, points)
    if symbol.is_negative:
        return -rng.uniform(0.2, 3.0, points)
    if symbol.is_nonnegative:
        return rng.uniform(0.0, 3.0, points)
    values = rng.normal(0.0, 1.5, points)
    if symbol.is_nonzero:
        values = np.where(np.abs(values) < 0.1, 0.5, values)
    return values


def _array(array, sizes, points: int, rng) -> np.ndarray:
    dims = _dims(array, sizes)
    kinds = set(array.assumptions)
    if len(dims) == 1:
        (n,) = dims
        if "positive" in kinds:
            return rng.uniform(0.2, 2.0, (points, n))
        if "negative" in kinds:
            return -rng.uniform(0.2, 2.0, (points, n))
        if "nonnegative" in kinds:
            return rng.uniform(0.0, 2.0, (points, n))
        values = rng.normal(0.0, 1.0, (points, n))
        if "nonzero" in kinds:
            values = np.where(np.abs(values) < 0.05, 0.5, values)
        return values
    rows, cols = dims
    scale = 1.0 / math.sqrt(max(cols, 1))
    if "diagonal" in kinds:
        values = rng.uniform(0.5, 2.0, (points, rows)) * rng.choice([-1.0, 1.0], (points, rows))
        if "spd" in kinds:
            values = np.abs(values)
        return values[..., :, None] * np.eye(rows)
    if kinds & {"spd", "invertible"}:
        # M = I + 0.4 G/√n has singular values in about [0.2, 1.8] (the largest of G/√n is about 2):
        # invertible with a condition number below about 10, drawn without a factorisation.
        m = np.eye(rows) + 0.4 * rng.normal(size=(points, rows, rows)) / math.sqrt(rows)
        if "spd" in kinds:
            return np.einsum("...ij,...kj->...ik", m, m)
        signs = rng.choice([-1.0, 1.0], (points, rows))
        if "symmetric" in kinds:
            return np.einsum("...ij,...j,...kj->...ik", m, signs, m)
        return signs[..., :, None] * m
    values = rng.normal(0.0, 1.0, (points, rows, cols)) * (scale if rows > 4 else 1.0)
    if "symmetric" in kinds:
        values = (values + np.swapaxes(values, -1, -2)) / 2
    return values
