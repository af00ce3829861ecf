"""The catalogue: the homework's identities as data, one module per topic, in homework order."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from ..identity import Identity

# In the order of the homework. Each module builds its identities when it is first imported; the
# groups are what `verify all` hands to the workers at once (a module that builds in milliseconds
# goes with the one before it, so the workers are not left waiting on the next).
MODULE_GROUPS = (("activations", "norms"), ("softmax", "cnn"), ("mlp",), ("mlp_matrix",))


def catalogue() -> tuple[Identity, ...]:
    """Every catalogue identity, in the order of the homework."""
    return tuple(identity for batch in catalogue_modules() for identity in batch)


def catalogue_modules() -> Iterator[tuple[Identity, ...]]:
    """The catalogue one module at a time, each built only when it is reached: a run can start
    checking the first modules while the later ones (the network's gradients) are still being built."""
    from ..checks import sympy_tuning  # noqa: F401 - SymPy tuned before the catalogue's expressions are built
    for group in MODULE_GROUPS:
        yield tuple(i for name in group for i in importlib.import_module(f"{__name__}.{name}").IDENTITIES)


def slow_catalogue() -> tuple[Identity, ...]:
    """Identities whose checks take seconds (timing measurements): run by `qedcheck verify --slow`."""
    from . import complexity

    return complexity.IDENTITIES


def by_name() -> dict[str, Identity]:
    return {identity.name: identity for identity in catalogue()}
