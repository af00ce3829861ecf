"""Remembering an answer per arguments, for the engines' pure functions of SymPy expressions.

SymPy expressions are immutable, so the same arguments always give the same answer: a chain's middle
step is compiled for two links, an explicit instance is asked for by the numeric check and again by
the size-by-size proof.
"""

from __future__ import annotations

import functools


def memoised(build):
    """`build` computed once per arguments. Lists and dicts among them are frozen for the key; an
    unhashable argument (a mutable matrix) is simply computed each time."""
    cache: dict = {}

    @functools.wraps(build)
    def cached(*args):
        try:
            found = key(*args)
            hash(found)
        except TypeError:
            return build(*args)
        if found not in cache:
            cache[found] = build(*args)
        return cache[found]

    return cached


def key(*args) -> tuple:
    """A dictionary key for `args` in which every value carries its type: Python's 1 and SymPy's
    Integer(1) are equal and hash alike, so a cache keyed by the values alone answers a question about
    Integer(1) with what it stored for 1 (a Python int, with none of SymPy's methods). Lists and dicts
    are frozen. Raises TypeError for an unhashable argument."""
    return tuple(_frozen(arg) for arg in args)


def _frozen(value):
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_frozen(item) for item in value))
    if isinstance(value, dict):
        return (dict, tuple(sorted(((_frozen(k), _frozen(v)) for k, v in value.items()), key=str)))
    return (type(value), value)


# (types, subexpression) -> whether the subexpression holds an instance of one of the types
_CONTAINS: dict = {}
_MAX_CONTAINS = 200_000


def contains(expr, *types) -> bool:
    """`expr.has(*types)` for classes, remembered per distinct subexpression.

    The same question (is there an Integral, a DiracDelta, a Piecewise?) is asked of every prepared
    entry of a network's gradient, and the entries share their large subtrees (e^{oᵃ_k} in every one):
    `has` walks each repetition again, this walks each distinct subtree once across all the calls.
    Anything but a SymPy expression (a matrix) is asked with `has` itself.
    """
    from sympy import Basic  # here: a fully cached run imports this module, and never SymPy

    if not isinstance(expr, Basic):
        return expr.has(*types)
    if len(_CONTAINS) > _MAX_CONTAINS:
        _CONTAINS.clear()
    return _contains(expr, types)


def _contains(expr, types) -> bool:
    found = (types, type(expr), expr)  # with its type, as `key` does
    known = _CONTAINS.get(found)
    if known is None:
        known = isinstance(expr, types) or any(_contains(arg, types) for arg in expr.args)
        _CONTAINS[found] = known
    return known
