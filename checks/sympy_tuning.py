"""Two changes to how SymPy runs, applied once when the engines are imported; neither changes an answer.

- **Assumption queries in a fixed order.** SymPy's `_ask` shuffles the prerequisite facts it tries
  (`random.shuffle`, Python's global generator, seeded from the OS), to flush out handlers whose
  answer depends on the order. For a verifier that order is a hidden source of irreproducibility, and
  the shuffling alone is about 4% of a cold `verify all`. Every fixed order is one of the orders SymPy
  itself may pick, so every answer is one SymPy can give.
- **The free symbols of a sum, remembered.** `Sum.free_symbols` rebuilds the body (an `xreplace` of
  the whole tree) on every call and is not cached, and SymPy asks for it in every sign query on an
  expression holding a sum (`is_number`): a sized claim's entry forms (sums of sums of indexed
  entries, differentiated) spent a third of their proof there. Expressions are immutable, so the
  answer is remembered in SymPy's own cache, keyed by the expression; each caller gets its own copy
  of the set (SymPy's callers add to it).
"""

from __future__ import annotations

import importlib

from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.cache import cacheit

# `sympy.core.assumptions` as an attribute is a function of that name: the module is looked up by name
_assumptions = importlib.import_module("sympy.core.assumptions")

_SYMPY_FREE_SYMBOLS = ExprWithLimits.free_symbols.fget


def _keep_order(items) -> None:
    """The order SymPy listed the facts in."""


@cacheit
def _free_symbols(expr) -> frozenset:
    return frozenset(_SYMPY_FREE_SYMBOLS(expr))


def _remembered_free_symbols(self) -> set:
    return set(_free_symbols(self))


def apply() -> None:
    """Idempotent: the engines' modules call it on import."""
    _assumptions.shuffle = _keep_order
    if ExprWithLimits.free_symbols.fget is not _remembered_free_symbols:
        ExprWithLimits.free_symbols = property(_remembered_free_symbols, doc=ExprWithLimits.free_symbols.__doc__)


apply()
