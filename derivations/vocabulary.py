"""The ML vocabulary as SymPy expressions, shared by the catalogue, user files and tests.

Functions are written out (σ(x) = 1/(1+e^{-x})) rather than kept as opaque symbols, so that every
engine sees the real mathematics; the LaTeX statement of each identity keeps the reader's notation.
Vectors are `IndexedBase` objects indexed from 0 to n-1.
"""

from __future__ import annotations

import sympy as sp

x = sp.Symbol("x", real=True)
c = sp.Symbol("c", real=True)
n = sp.Symbol("n", integer=True, positive=True)
i, j, k, m = sp.symbols("i j k m", integer=True, nonnegative=True)
X = sp.IndexedBase("x", real=True)
G = sp.IndexedBase("g", real=True)


def sigmoid(z):
    return 1 / (1 + sp.exp(-z))


def softplus(z):
    return sp.log(1 + sp.exp(z))


def relu(z):
    return sp.Max(0, z)


def vector_sum(term, index=k, size=n):
    """Σ_{index=0}^{size-1} term."""
    return sp.Sum(term, (index, 0, size - 1))


def softmax_entry(vec, at, size=n, scale=1, shift=0, dummy=k):
    """Entry `at` of softmax(scale·vec + shift) for a vector of length `size`."""
    return sp.exp(scale * vec[at] + shift) / vector_sum(sp.exp(scale * vec[dummy] + shift), dummy, size)
