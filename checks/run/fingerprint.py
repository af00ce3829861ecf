"""A canonical fingerprint of a SymPy expression, for the result cache's content key.

`srepr` spells the same structure but orders every sum's terms for printing, which costs more than
checking most identities (1.3 s for the catalogue). SymPy already keeps the arguments of `Add` and
`Mul` in a canonical order (sorted by `Basic.compare`, which depends on the structure, not on
`hash`), so walking `.args` gives a canonical form directly. Each node is spelled with its class
name; each atom with everything that makes it what it is: a symbol's name and assumptions, a
number's exact value, a dummy's index. Subtrees shared within or between records are digested once.
"""

from __future__ import annotations

import hashlib

import sympy as sp

# id(node) -> (node, digest); the node is kept so that its id is never reused for another object.
_DIGESTS: dict[int, tuple[object, str]] = {}


def fingerprint(expr) -> str:
    """SHA-256 of the structure of `expr` (a SymPy expression or matrix)."""
    if isinstance(expr, sp.MatrixBase):
        parts = ["Matrix", repr(expr.shape)] + [fingerprint(entry) for entry in expr]
        return _sha("\0".join(parts))
    entry = _DIGESTS.get(id(expr))
    if entry is not None and entry[0] is expr:
        return entry[1]
    digest = _sha(_spell(expr))
    _DIGESTS[id(expr)] = (expr, digest)
    return digest


def _spell(expr) -> str:
    kind = type(expr).__name__
    if not isinstance(expr, sp.Basic):
        return f"{kind}:{expr!r}"
    if expr.args:
        head = kind if not isinstance(expr, sp.core.function.AppliedUndef) else f"Undef:{expr.func.__name__}"
        return "(" + "\0".join([head] + [fingerprint(arg) for arg in expr.args]) + ")"
    return _spell_atom(expr, kind)


def _spell_atom(atom, kind: str) -> str:
    if isinstance(atom, sp.Symbol):  # Symbol, Dummy, Wild: the name and every assumption
        assumptions = sorted((k, v) for k, v in atom.assumptions0.items())
        extra = f":{atom.dummy_index}" if isinstance(atom, sp.Dummy) else ""
        return f"{kind}:{atom.name}{extra}:{assumptions}"
    if isinstance(atom, sp.Rational):
        return f"{kind}:{atom.p}/{atom.q}"
    if isinstance(atom, sp.Float):
        return f"{kind}:{atom._mpf_}:{atom._prec}"
    return f"{kind}:{sp.srepr(atom)}"  # anything else (Str, singletons, …): srepr of an atom is cheap


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
