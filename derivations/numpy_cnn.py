"""A small NumPy convolution and pooling, written out so the shape answers of Q3 meet a real layer."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x: np.ndarray, w: np.ndarray, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """x: H×W×C, w: k×k×C×F → H'×W'×F (cross-correlation, as deep-learning layers compute it)."""
    k = w.shape[0]
    span = k + (k - 1) * (dilation - 1)
    padded = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    windows = sliding_window_view(padded, (span, span), axis=(0, 1))[::stride, ::stride]
    taps = windows[..., ::dilation, ::dilation]  # H'×W'×C×k×k
    return np.einsum("hwcab,abcf->hwf", taps, w)


def max_pool(x: np.ndarray, size: int = 2, stride: int = 2) -> np.ndarray:
    """x: H×W×C → H'×W'×C, the largest value of each size×size window."""
    windows = sliding_window_view(x, (size, size), axis=(0, 1))[::stride, ::stride]
    return windows.max(axis=(-2, -1))


def lenet_front(seed: int) -> dict[str, np.ndarray]:
    """The Q3(a) stack on a random 32×32 image: conv 5×5×6, 2×2 pool stride 2, conv 5×5×16."""
    rng = np.random.default_rng(seed)
    image = rng.standard_normal((32, 32, 1))
    w1, b1 = rng.standard_normal((5, 5, 1, 6)), rng.standard_normal(6)
    w2, b2 = rng.standard_normal((5, 5, 6, 16)), rng.standard_normal(16)
    conv1 = conv2d(image, w1) + b1
    pool1 = max_pool(conv1)
    conv2 = conv2d(pool1, w2) + b2
    return {"conv1": conv1, "pool1": pool1, "conv2": conv2, "w2": w2, "b2": b2}
