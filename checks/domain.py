"""Is there anything to check? A `where` that excludes every sampled point leaves nothing.

This used to run while the identity file was read, in the parent process and outside every limit
(compiling a user's condition is work on user input). It runs here, in the worker, under the
identity's budget, and says where the condition was written.
"""

from __future__ import annotations

import numpy as np

from ..input_errors import InputError
from . import evaluate, sampling


def empty_domain(identity) -> InputError | None:
    """A located input error when `where` holds at none of the sampled points; None otherwise."""
    if identity.origin == "catalogue":  # authored with the code; its numeric check says the same, unlocated
        return None
    if identity.where is None or identity.is_vector or identity.matrix is not None or not identity.symbols:
        return None
    symbols = list(identity.symbols)
    columns = list(sampling.scalar_sample(symbols, 0).values.values())
    try:
        with np.errstate(all="ignore"):
            mask = np.asarray(evaluate.compile_numpy(symbols, identity.where)(*columns), dtype=bool)
    except (ArithmeticError, TypeError, ValueError):  # float64 cannot evaluate it: the numeric check will say
        return None
    if np.any(mask):
        return None
    return identity.field_error("where", "the condition holds at none of the sampled points")
