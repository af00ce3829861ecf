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
