"""Naive NumPy implementations: each activation written straight from its formula on paper.

They are kept, not fixed, because they are the point of `qedcheck audit`: each is algebraically equal
to its stable counterpart in `numpy_impl` and still goes wrong in float64 (an `exp` that overflows, a
`1 + tiny` that rounds to 1, a `log` of an underflowed 0, a `0/0`). The catalogue's numeric
cross-check must never use them.

They do not silence floating-point warnings; callers that expect them (the audit) wrap the call in
`np.errstate`.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """σ(x) = 1/(1 + e^{-x}): e^{-x} overflows for x ≲ -709.78 and the result underflows to 0."""
    x = np.asarray(x, dtype=float)
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_from_tanh(x):
    """σ(x) = ½(tanh(x/2) + 1): tanh(x/2) + 1 cancels for x < 0 and is exactly 0 once tanh rounds to -1."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def softplus(x):
    """log(1 + e^x): e^x overflows for x ≳ 709.78, and 1 + e^x rounds to 1 for x ≲ -36.7."""
    x = np.asarray(x, dtype=float)
    return np.log(1.0 + np.exp(x))


def log_sigmoid(x):
    """log σ(x) as the log of the naive σ: 0 once σ rounds to 1, -inf once σ underflows to 0."""
    return np.log(sigmoid(x))


def relu_grad(x):
    """ReLU′(x) = ½(1 + x/|x|), the homework's x/|x| form: 0/0 = nan at x = 0."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + x / np.abs(x))


def sign(x):
    """sign(x) = x/|x|, as the homework writes it: 0/0 = nan at x = 0."""
    x = np.asarray(x, dtype=float)
    return x / np.abs(x)


def softmax(v):
    """e^{v_i} / Σ_j e^{v_j} without the max shift: inf/inf = nan once an entry exceeds ≈ 709.78."""
    v = np.asarray(v, dtype=float)
    e = np.exp(v)
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(v):
    """v_i − log Σ_j e^{v_j} without the max shift: the sum overflows to inf or underflows to 0."""
    v = np.asarray(v, dtype=float)
    return v - np.log(np.sum(np.exp(v), axis=-1, keepdims=True))


def log_softmax_max_shift(v):
    """The textbook (v − m) − log Σ e^{v_j − m}: never overflows, but for a dominant entry the sum is
    1 + tiny, its log rounds to 0, and the top entry's log-probability is 0 instead of −tiny."""
    v = np.asarray(v, dtype=float)
    shifted = v - np.max(v)
    return shifted - np.log(np.sum(np.exp(shifted)))
