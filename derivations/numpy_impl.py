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
    """σ(x)(1 − σ(x)) computed as σ(x)σ(−x): no cancellation in 1 − σ(x) for large x."""
    return sigmoid(x) * sigmoid(-np.asarray(x, dtype=float))


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


def softmax(x):
    """Softmax of a vector with the max shift, so large entries never overflow."""
    x = np.asarray(x, dtype=float)
    shifted = np.exp(x - np.max(x))
    return shifted / shifted.sum()


def log_softmax(x):
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x)
    return shifted - np.log(np.sum(np.exp(shifted)))


def softmax_jacobian(x):
    s = softmax(x)
    return np.diag(s) - np.outer(s, s)


def softmax_vjp(x, g):
    """Jᵀg for the softmax Jacobian in O(n): s ⊙ g − s (sᵀg)."""
    s = softmax(x)
    return s * g - s * np.dot(s, g)


# Complex-step differentiation: f'(x) = Im f(x + ih) / h with no subtractive cancellation, so the
# derivative side of a claim is computed to machine precision without using the claimed formula.
COMPLEX_STEP = 1e-30


def sigmoid_analytic(z):
    """σ on complex input, branching on the real part so exp never overflows (each branch analytic)."""
    z = np.asarray(z, dtype=complex)
    positive = z.real >= 0
    safe_pos = np.where(positive, z, 0)
    safe_neg = np.where(positive, 0, z)
    return np.where(positive, 1.0 / (1.0 + np.exp(-safe_pos)), np.exp(safe_neg) / (1.0 + np.exp(safe_neg)))


def softmax_analytic(z):
    """Softmax on complex input, shifted by the (constant) largest real part."""
    z = np.asarray(z, dtype=complex)
    e = np.exp(z - np.max(z.real))
    return e / e.sum()


def complex_step_derivative(f, x):
    x = np.asarray(x, dtype=float)
    return np.imag(f(x + 1j * COMPLEX_STEP)) / COMPLEX_STEP


def complex_step_jacobian(f, v):
    """J[i, j] = ∂f_i/∂v_j of a vector function f (scalar f gives the gradient)."""
    v = np.asarray(v, dtype=float)
    columns = [np.imag(f(v + 1j * COMPLEX_STEP * unit)) / COMPLEX_STEP for unit in np.eye(len(v))]
    return np.array(columns).T
