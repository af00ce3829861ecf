"""The catalogue: the homework's identities as data, one module per topic, in homework order."""

from __future__ import annotations

from ..identity import Identity


def catalogue() -> tuple[Identity, ...]:
    """Every catalogue identity, in the order of the homework."""
    from . import activations, cnn, mlp, norms, softmax

    return activations.IDENTITIES + norms.IDENTITIES + softmax.IDENTITIES + cnn.IDENTITIES + mlp.IDENTITIES


def slow_catalogue() -> tuple[Identity, ...]:
    """Identities whose checks take seconds (timing measurements): run by `qedcheck verify --slow`."""
    from . import complexity

    return complexity.IDENTITIES


def by_name() -> dict[str, Identity]:
    return {identity.name: identity for identity in catalogue()}
