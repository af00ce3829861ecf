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
            key = tuple(_frozen(arg) for arg in args)
            hash(key)
        except TypeError:
            return build(*args)
        if key not in cache:
            cache[key] = build(*args)
        return cache[key]

    return cached


def _frozen(value):
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(sorted(value.items(), key=str))
    return value
