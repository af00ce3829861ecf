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


def sigmoid_logaddexp(x):
    """σ(x) = exp(−log(1 + e^{−x})): a second stable σ, through NumPy's own log-sum-exp."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))


def sigmoid_from_tanh(x):
    """½(tanh(x/2) + 1), written as e^{x/2} / (2 cosh(x/2)) for x < 0 (the homework's middle step).

    For x < 0 the literal `tanh(x/2) + 1` cancels (thousands of ULPs by x = −20) and is exactly 0
    once tanh rounds to −1 (x ≲ −38), while σ(x) is still a normal double down to x ≈ −708; the
    quotient form has no subtraction. The literal form lives in `numpy_naive`.
    """
    x = np.asarray(x, dtype=float)
    half = 0.5 * x
    with np.errstate(over="ignore"):  # cosh(x/2) overflows only where σ(x) underflows to 0 anyway
        negative_side = 0.5 * np.exp(np.minimum(half, 0.0)) / np.cosh(np.minimum(half, 0.0))
    return np.where(x >= 0, 0.5 * (np.tanh(half) + 1.0), negative_side)


def sigmoid_deriv(x):
    """σ(x)(1 − σ(x)) computed as σ(x)σ(−x): no cancellation in 1 − σ(x) for large x."""
    return sigmoid(x) * sigmoid(-np.asarray(x, dtype=float))


def softplus(x):
    """log(1 + e^x) without overflow: log1p(e^{-|x|}) + max(x, 0)."""
    x = np.asarray(x, dtype=float)
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0)


def softplus_logaddexp(x):
    """log(1 + e^x) as NumPy's log-sum-exp of (0, x)."""
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


def log_sigmoid(x):
    """log σ(x) = -softplus(-x), written directly so it never takes log(0)."""
    x = np.asarray(x, dtype=float)
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def log_sigmoid_logaddexp(x):
    """log σ(x) = −log(1 + e^{−x}) as NumPy's log-sum-exp of (0, −x)."""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=float))


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
    """log softmax by log-sum-exp: (x − m) − log1p(Σ_{j≠top} e^{x_j − m}).

    The max shift alone is not enough: `log(Σ e^{x_j − m})` is `log(1 + tiny)`, which rounds to 0 and
    returns log-probability 0 for the top entry of [0, −40] (true value −4.2e-18); log1p keeps it.
    """
    x = np.asarray(x, dtype=float)
    top = np.argmax(x)
    shifted = x - x[top]
    others = np.exp(shifted)
    others[top] = 0.0
    return shifted - np.log1p(np.sum(others))


def softmax_jacobian(x):
    s = softmax(x)
    return np.diag(s) - np.outer(s, s)


def softmax_vjp(x, g):
    """Jᵀg for the softmax Jacobian in O(n): s ⊙ g − s (sᵀg)."""
    s = softmax(x)
    return s * g - s * np.dot(s, g)


# Complex-step differentiation: f'(x) = Im f(x + ih) / h with no subtractive cancellation, so the
# derivative side of a claim is computed to machine precision without using the claimed formula.
# The truncation error is h^2 f'''(x) / (6 f'(x)) relative: about 1e-30 for the functions here at
# h = 1e-15, far below float64's 1e-16. A smaller h only makes h f'(x) subnormal sooner: at h = 1e-30
# a derivative of 1e-290 kept three digits (checks/numeric.ENCODING_FLOOR says where none are left).
COMPLEX_STEP = 1e-15


def sigmoid_analytic(z):
    """σ on complex input, branching on the real part so exp never overflows (each branch analytic)."""
    z = np.asarray(z, dtype=complex)
    positive = z.real >= 0
    safe_pos = np.where(positive, z, 0)
    safe_neg = np.where(positive, 0, z)
    return np.where(positive, 1.0 / (1.0 + np.exp(-safe_pos)), np.exp(safe_neg) / (1.0 + np.exp(safe_neg)))


def softmax_analytic(z):
    """Softmax on complex input (of each row), shifted by the (constant) largest real part."""
    z = np.asarray(z, dtype=complex)
    e = np.exp(z - np.max(z.real, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def complex_step_derivative(f, x):
    x = np.asarray(x, dtype=float)
    return np.imag(f(x + 1j * COMPLEX_STEP)) / COMPLEX_STEP


def complex_step_jacobian(f, v, rowwise: bool = False):
    """J[i, j] = ∂f_i/∂v_j of a vector function f (scalar f gives the gradient).

    With `rowwise`, f maps each row of a matrix on its own (elementwise functions, softmax over the
    last axis), and all n perturbed points go through f in one call.
    """
    v = np.asarray(v, dtype=float)
    if rowwise:
        return np.imag(f(v[None, :] + 1j * COMPLEX_STEP * np.eye(len(v)))).T / COMPLEX_STEP
    columns = [np.imag(f(v + 1j * COMPLEX_STEP * unit)) / COMPLEX_STEP for unit in np.eye(len(v))]
    return np.array(columns).T
