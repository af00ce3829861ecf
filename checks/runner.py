"""Check one identity end to end, or a whole list in order: the one entry point every front end uses.

An engine failure on one identity becomes that identity's `error` verdict with the reason; it never
stops the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import __version__
from ..identity import Expect, Identity
from ..results import IdentityResult, NumericOutcome, ProofOutcome, RunResult, Verdict
from . import evaluate, finite_diff, numeric, sampling
from .budget import Deadline
from .model import merge_outcomes
from .steps import check_derivations
from .symbolic import prove
from .verdict import decide, meets


@dataclass(frozen=True)
class RunSettings:
    seed: int = 0
    rtol: float = 1e-9
    timeout: float | None = None  # overrides every identity's own budget when set
    points: int = sampling.MIN_POINTS

    def numeric_settings(self) -> numeric.NumericSettings:
        return numeric.NumericSettings(seed=self.seed, points=self.points, rtol=self.rtol)


def verify_identity(identity: Identity, settings: RunSettings = RunSettings()) -> IdentityResult:
    started = time.perf_counter()
    budget = settings.timeout if settings.timeout is not None else identity.timeout
    if identity.error:  # a user-file identity that could not be read: listed, never checked
        return _failed(identity, started, identity.error)
    try:
        outcome = _numeric(identity, settings)
        if outcome is not None and outcome.counterexample is not None:
            # Confirmed at 50 digits and again at doubled precision: the claim is false, and no
            # strategy (simplify included) needs to run out of ideas before the report says so.
            proof = ProofOutcome("unknown", tried=("numeric",))
        else:
            proof = prove(identity.lhs, identity.rhs, where=identity.where, size=identity.size,
                          indices=identity.indices, sizes=identity.sizes, deadline=Deadline(budget))
        decision = decide(proof, outcome)
        links, errata = check_derivations(identity, settings.numeric_settings(), budget)
    except Exception as failure:  # noqa: BLE001 - one broken identity must not end the run
        return _failed(identity, started, f"{type(failure).__name__}: {failure}")
    expect = identity.expect.value
    if identity.expect is Expect.FAILS:
        ok = decision.verdict is Verdict.REFUTED or any(link.verdict is Verdict.REFUTED for link in links)
    else:
        ok = (meets(decision.verdict, expect) and all(link.ok for link in links)
              and all(e.found and e.corrected_holds for e in errata))
    return IdentityResult(
        name=identity.name,
        source=identity.source,
        statement=identity.statement,
        expect=expect,
        verdict=decision.verdict,
        ok=ok,
        strategy=decision.strategy,
        scope=proof.scope if decision.verdict is Verdict.PROVED else "",
        numeric=outcome,
        counterexample=decision.counterexample,
        links=links,
        errata=errata,
        time_s=time.perf_counter() - started,
        message=decision.message,
        notes=identity.notes,
        origin=identity.origin,
        tried=proof.tried,
    )


def verify_all(identities: Iterable[Identity], settings: RunSettings = RunSettings(),
               on_result: Callable[[IdentityResult], None] | None = None,
               input_errors: tuple[str, ...] = ()) -> RunResult:
    results = []
    for identity in identities:
        result = verify_identity(identity, settings)
        if on_result is not None:
            on_result(result)
        results.append(result)
    return RunResult(tuple(results), settings.seed, versions(), input_errors)


def versions() -> dict[str, str]:
    import mpmath

    return {"qedcheck": __version__, "sympy": sp.__version__, "numpy": np.__version__, "mpmath": mpmath.__version__}


def _numeric(identity: Identity, settings: RunSettings) -> NumericOutcome | None:
    outcome = _sampled(identity, settings)
    for check in identity.model_checks:
        outcome = merge_outcomes(outcome, check(settings.seed))
    return outcome


def _sampled(identity: Identity, settings: RunSettings) -> NumericOutcome | None:
    if not identity.symbols and not identity.is_vector:
        return None  # a claim about constants: the exact evaluation is the whole story
    numeric_settings = settings.numeric_settings()
    if identity.is_vector:
        outcome = numeric.cross_check_vector(identity, identity.lhs, identity.rhs, where=identity.where,
                                             settings=numeric_settings)
        draws = sampling.vector_draws(identity.vectors, identity.symbols, (2, 3, 5, 20), settings.seed, 40)
        fd = (finite_diff.check_vector(identity.numpy_primitive, identity.numpy_rhs, str(identity.vectors[0].label),
                                       draws) if identity.numpy_primitive else None)
    else:
        outcome = numeric.cross_check_scalar(identity.lhs, identity.rhs, identity.symbols, where=identity.where,
                                             numpy_lhs=identity.numpy_lhs, numpy_rhs=identity.numpy_rhs,
                                             settings=numeric_settings)
        fd = (finite_diff.check_scalar(identity.numpy_primitive, identity.numpy_rhs, str(identity.symbols[0]),
                                       settings.seed, _where_mask(identity), identity.symbols[0])
              if identity.numpy_primitive else None)
    if fd is None:
        return outcome
    message = "; ".join(m for m in (outcome.message, fd.message) if m)
    return NumericOutcome(
        points=outcome.points, max_abs_err=outcome.max_abs_err, max_rel_err=outcome.max_rel_err,
        agrees=outcome.agrees and fd.agrees, counterexample=outcome.counterexample,
        mpmath_points=outcome.mpmath_points, float64_undecided=outcome.float64_undecided,
        finite_difference_max_rel_err=fd.max_rel_err, sizes=outcome.sizes, message=message, region=outcome.region,
    )


def _where_mask(identity: Identity):
    """The identity's `where` as a NumPy test of its one symbol (for the finite differences), or None."""
    if identity.where is None:
        return None
    holds = evaluate.float_function(identity.where, identity.symbols[:1])
    return lambda values: np.asarray(holds(values)) != 0


def _failed(identity: Identity, started: float, message: str) -> IdentityResult:
    return IdentityResult(
        name=identity.name, source=identity.source, statement=identity.statement,
        expect=identity.expect.value, verdict=Verdict.ERROR, ok=False, strategy=None, scope="",
        numeric=None, counterexample=None, links=(), errata=(), time_s=time.perf_counter() - started,
        message=message, notes=identity.notes, origin=identity.origin,
    )
