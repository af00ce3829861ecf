"""Hand-written NumPy implementations, as a practitioner writes them: the independent side of every
numeric cross-check (never produced by lambdify from the SymPy expressions they are checked against).

These are the numerically stable forms; they must stay finite and accurate over the whole float64
range, since the cross-check samples ±700 and ±1000 on purpose.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """σ(x), split on the sign of x so that exp never overflows."""
    x = np.asarray(x, dtype=float)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def sigmoid_from_tanh(x):
    return 0.5 * (np.tanh(0.5 * np.asarray(x, dtype=float)) + 1.0)


def sigmoid_deriv(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def softplus(x):
    """log(1 + e^x) without overflow: log1p(e^{-|x|}) + max(x, 0)."""
    x = np.asarray(x, dtype=float)
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0)


def log_sigmoid(x):
    """log σ(x) = -softplus(-x), written directly so it never takes log(0)."""
    x = np.asarray(x, dtype=float)
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def relu_grad(x):
    """ReLU′ with the common convention ReLU′(0) = 1 (the homework's choice)."""
    return np.where(np.asarray(x, dtype=float) >= 0, 1.0, 0.0)


def sign(x):
    return np.sign(np.asarray(x, dtype=float))


def softmax(v):
    """Softmax of a vector with the max shift, so large entries never overflow."""
    v = np.asarray(v, dtype=float)
    shifted = np.exp(v - np.max(v))
    return shifted / shifted.sum()


def log_softmax(v):
    v = np.asarray(v, dtype=float)
    shifted = v - np.max(v)
    return shifted - np.log(np.sum(np.exp(shifted)))


def softmax_jacobian(v):
    s = softmax(v)
    return np.diag(s) - np.outer(s, s)


def softmax_vjp(v, g):
    """Jᵀg for the softmax Jacobian in O(n): s ⊙ g − s (sᵀg)."""
    s = softmax(v)
    return s * g - s * np.dot(s, g)
