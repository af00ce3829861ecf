"""Four changes to how SymPy runs, applied once when the engines are imported; none changes an answer.

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
- **The free symbols of any expression, remembered** the same way: `Derivative.__new__` asks for the
  free symbols of the expression it differentiates at every level of the chain rule, each time a
  walk of the whole subtree (the network's gradients repeat their large subtrees in every entry).
- **Indexed entries and their bases, built once.** `Indexed(x, k)` and `IndexedBase("x", real=True)`
  each build a new fact base from their assumptions (`deduce_all_facts`) every time they are created,
  and every `xreplace` or rebuild of an indexed expression creates them anew: about 3% of a cold
  `verify all`. They are immutable and equal when built from equal arguments (assumptions included,
  and the arguments' types: SymPy's `cacheit`, as for its own `Symbol`, `Add`, `Mul`), so the same
  object is handed out again. Unhashable arguments (a list as a shape) are built as before.
"""

from __future__ import annotations

import importlib

from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.basic import Basic
from sympy.core.cache import cacheit
from sympy.tensor.indexed import Indexed, IndexedBase

# `sympy.core.assumptions` as an attribute is a function of that name: the module is looked up by name
_assumptions = importlib.import_module("sympy.core.assumptions")

_SYMPY_FREE_SYMBOLS = ExprWithLimits.free_symbols.fget
_BASIC_FREE_SYMBOLS = Basic.free_symbols.fget
_SYMPY_NEW = {cls: cls.__new__ for cls in (Indexed, IndexedBase)}
_REMEMBERED_NEW = {cls: staticmethod(cacheit(new)) for cls, new in _SYMPY_NEW.items()}


def _keep_order(items) -> None:
    """The order SymPy listed the facts in."""


def _remembered(free_symbols):
    """SymPy's `free_symbols` getter, answered once per expression (in SymPy's cache); each caller
    gets its own set, since SymPy's callers add to it."""
    frozen = cacheit(lambda expr: frozenset(free_symbols(expr)))

    def getter(self) -> set:
        return set(frozen(self))

    return getter


_REMEMBERED_FREE_SYMBOLS = {ExprWithLimits: _remembered(_SYMPY_FREE_SYMBOLS), Basic: _remembered(_BASIC_FREE_SYMBOLS)}


def apply() -> None:
    """Idempotent: the engines' modules call it on import."""
    _assumptions.shuffle = _keep_order
    for cls, getter in _REMEMBERED_FREE_SYMBOLS.items():
        if cls.__dict__["free_symbols"].fget is not getter:
            cls.free_symbols = property(getter, doc=cls.__dict__["free_symbols"].__doc__)
    for cls, new in _REMEMBERED_NEW.items():
        if cls.__dict__["__new__"] is not new:
            cls.__new__ = new


apply()
