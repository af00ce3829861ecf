"""The one exception the expression readers raise: what is wrong, in one sentence; the caller adds where."""

from __future__ import annotations


class ExpressionError(ValueError):
    """An expression the parser will not build: one sentence saying why (the caller adds the location)."""
