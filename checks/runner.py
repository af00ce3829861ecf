"""Check one identity end to end, or a whole list in order: the one entry point every front end uses.

The identity's claim, each link of its written derivations and each erratum correction become a
`Claim` and go through the core (checks/core.py), which alone produces verdicts and decides `ok`.
An engine failure on one identity becomes that identity's `error` verdict, marked as the engine's
fault (exit 1); an identity the reader could not read is the user's to fix (exit 2). Neither stops
the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from .. import __version__
from ..identity import Identity
from ..input_errors import InputError, input_error
from ..results import ErrorKind, IdentityResult, NumericOutcome, ProofOutcome, RunResult, Verdict
from ..sized import Node
from . import constraints, domain, evaluate, finite_diff, numeric, sampling, sympy_tuning  # noqa: F401
from .core import Claim, Decision, Engines, check_claim, identity_ok
from .matrix import matrices
from .model import merge_outcomes
from .run.budget import Deadline
from .steps import check_derivations
from .symbolic import prove


@dataclass(frozen=True)
class RunSettings:
    seed: int = 0
    rtol: float = 1e-9
    timeout: float | None = None  # overrides every identity's own budget when set
    points: int = sampling.MIN_POINTS
    accept_numeric: bool = False  # a run that accepts `numeric-only` for claims expected to hold

    def numeric_settings(self) -> numeric.NumericSettings:
        return numeric.NumericSettings(seed=self.seed, points=self.points, rtol=self.rtol)


def verify_identity(identity: Identity, settings: RunSettings = RunSettings()) -> IdentityResult:
    started = time.perf_counter()
    budget = settings.timeout if settings.timeout is not None else identity.timeout
    if identity.error:  # a user-file identity that could not be read: listed, never checked
        return _failed(identity, started, identity.error, ErrorKind.INPUT)
    if constraints.has_equalities(identity.where) and not identity.is_vector and identity.matrix is None:
        return _on_constraint_set(identity, settings, started)
    accept_numeric = settings.accept_numeric or getattr(identity, "accept_numeric", False)
    try:
        empty = domain.empty_domain(identity)  # the user's `where` leaves nothing to check: theirs to fix
        if empty:
            return _failed(identity, started, empty, ErrorKind.INPUT)
        decision = check_claim(identity_claim(identity, budget), settings.numeric_settings(), ENGINES)
        links, errata = check_derivations(identity, settings.numeric_settings(), budget, accept_numeric, ENGINES)
    except MemoryError:
        raise  # the worker knows its memory cap and says so
    except Exception as failure:  # noqa: BLE001 - one broken identity must not end the run
        return _failed(identity, started, f"engine fault ({type(failure).__name__}: {failure}); "
                                          "the input was read correctly, please report it", ErrorKind.ENGINE)
    expect = identity.expect.value
    return IdentityResult(
        name=identity.name,
        source=identity.source,
        statement=identity.statement,
        expect=expect,
        verdict=decision.verdict,
        ok=identity_ok(expect, decision, links, errata, accept_numeric),
        strategy=decision.strategy,
        scope=decision.scope,
        numeric=decision.numeric,
        counterexample=decision.counterexample,
        links=links,
        errata=errata,
        time_s=time.perf_counter() - started,
        message=decision.message,
        notes=identity.notes,
        origin=identity.origin,
        tried=decision.proof.tried,
        error_kind=ErrorKind.ENGINE if decision.verdict is Verdict.ERROR else ErrorKind.NONE,
        location=identity.location, glossary=identity.glossary,
    )


def _on_constraint_set(identity: Identity, settings: RunSettings, started: float) -> IdentityResult:
    """An identity whose `where` has equalities, checked on each branch of its constraint set with the
    solved symbols substituted (checks/constraints.py): proved only if every branch is, refuted if one
    is (the counterexample names the solved symbols too)."""
    try:
        chains = [e for d in identity.derivations for e in d.chain]
        pieces = constraints.branches(identity.where, identity.symbols,
                                      constraints.bound_symbols(identity.lhs, identity.rhs, *chains))
    except constraints.Unsolvable as reason:
        return _failed(identity, started, identity.field_error("where", str(reason)), ErrorKind.INPUT)
    except Exception as failure:  # noqa: BLE001 - SymPy failing on a condition: not proved, and said so
        return _failed(identity, started, identity.field_error("where", f"cannot solve the equalities "
                                                                         f"({type(failure).__name__})"),
                       ErrorKind.INPUT)
    if not pieces:
        return _failed(identity, started, identity.field_error("where", "the condition holds at no real point"),
                       ErrorKind.INPUT)
    results = []
    for piece in pieces:
        result = verify_identity(constraints.branch_identity(identity, piece), settings)
        results.append(_with_solved(result, piece))
    order = [Verdict.REFUTED, Verdict.ERROR, Verdict.TIMEOUT, Verdict.NUMERIC_ONLY, Verdict.PROVED]
    worst = min(results, key=lambda r: (r.ok, order.index(r.verdict)))  # a result that is not ok first
    if identity.expect.value == "fails":  # one refuted branch refutes the claim
        worst = min(results, key=lambda r: order.index(r.verdict))
    return replace(worst, time_s=time.perf_counter() - started)


def _with_solved(result: IdentityResult, piece) -> IdentityResult:
    """The counterexample of a branch names the solved symbols' values at its point as well."""
    if result.counterexample is None:
        return result
    point = result.counterexample.point
    values = {}
    for symbol, value in piece.solved:
        try:
            at = {s: sp.Float(str(point[str(s)]), 30) for s in value.free_symbols if str(s) in point}
            values[str(symbol)] = str(sp.N(value.xreplace(at), 17))
        except (TypeError, ValueError, KeyError):
            values[str(symbol)] = str(value)
    counterexample = replace(result.counterexample, point={**point, **values})
    return replace(result, counterexample=counterexample,
                   message=result.message.replace(result.counterexample.describe(), counterexample.describe()))


def identity_claim(identity: Identity, budget: float) -> Claim:
    """The identity's own claim: its sides, judged by its independent implementations as well."""
    return Claim(lhs=identity.lhs, rhs=identity.rhs, symbols=identity.symbols, where=identity.where,
                 budget=budget, size=identity.size, indices=identity.indices, sizes=identity.sizes,
                 context=identity, independent=True)


def verify_all(identities: Iterable[Identity], settings: RunSettings = RunSettings(),
               on_result: Callable[[IdentityResult], None] | None = None,
               input_errors: tuple[InputError, ...] = ()) -> RunResult:
    results = []
    for identity in identities:
        result = verify_identity(identity, settings)
        if on_result is not None:
            on_result(result)
        results.append(result)
    return RunResult(tuple(results), settings.seed, versions(), tuple(input_error(e) for e in input_errors))


def versions() -> dict[str, str]:
    import mpmath

    return {"qedcheck": __version__, "sympy": sp.__version__, "numpy": np.__version__, "mpmath": mpmath.__version__}


def _prove(claim: Claim, deadline: Deadline) -> ProofOutcome:
    if isinstance(claim.lhs, Node):  # vectors and matrices of named sizes: checks/matrix/matrices.py
        return matrices.prove(_sized_sides(claim), deadline)
    return prove(claim.lhs, claim.rhs, where=claim.where, size=claim.size, indices=claim.indices,
                 sizes=claim.sizes, deadline=deadline)


def _numeric(claim: Claim, settings: numeric.NumericSettings) -> NumericOutcome | None:
    """The numeric proposer: the SymPy sides sampled, plus, for the identity's own claim, its
    hand-written NumPy sides, finite differences and model checks."""
    if isinstance(claim.lhs, Node):
        return matrices.numeric_check(_sized_sides(claim), settings.seed)
    outcome = _sampled(claim, settings)
    if claim.independent:
        for check in claim.context.model_checks:
            outcome = merge_outcomes(outcome, check(settings.seed))
    return outcome


def _sampled(claim: Claim, settings: numeric.NumericSettings) -> NumericOutcome | None:
    identity = claim.context
    if not claim.symbols and not claim.is_sized:
        if any(getattr(side, "free_symbols", None) for side in (claim.lhs, claim.rhs)):
            return None  # sizes the catalogue's shape claims leave to their model checks
        return numeric.cross_check_constants(claim.lhs, claim.rhs)  # numbers: compared at high precision
    if claim.is_sized:
        outcome = numeric.cross_check_vector(identity, claim.lhs, claim.rhs, where=claim.where,
                                             with_numpy=claim.independent, settings=settings)
    elif claim.independent:
        outcome = numeric.cross_check_scalar(claim.lhs, claim.rhs, claim.symbols, where=claim.where,
                                             numpy_lhs=identity.numpy_lhs, numpy_rhs=identity.numpy_rhs,
                                             settings=settings)
    else:
        outcome = numeric.cross_check_scalar(claim.lhs, claim.rhs, claim.symbols, where=claim.where,
                                             settings=settings)
    wanted = identity.numpy_primitive is not None or identity.finite_differences
    fd = _finite_difference(claim, settings) if claim.independent and wanted else None
    if fd is None:
        return outcome
    message = "; ".join(m for m in (outcome.message, fd.message) if m)
    return NumericOutcome(
        points=outcome.points, max_abs_err=outcome.max_abs_err, max_rel_err=outcome.max_rel_err,
        agrees=outcome.agrees and fd.agrees, counterexample=outcome.counterexample,
        mpmath_points=outcome.mpmath_points, float64_undecided=outcome.float64_undecided,
        finite_difference_max_rel_err=fd.max_rel_err, sizes=outcome.sizes, message=message, region=outcome.region,
    )


def _finite_difference(claim: Claim, settings: numeric.NumericSettings):
    identity = claim.context
    if claim.is_sized:
        draws = sampling.vector_draws(identity.vectors, identity.symbols, (2, 3, 5, 20), settings.seed, 40)
        return finite_diff.check_vector(identity.numpy_primitive, identity.numpy_rhs,
                                        str(identity.vectors[0].label), draws)
    primitive, derivative, claimed_terms, claimed_exact = identity.numpy_primitive, identity.numpy_rhs, None, None
    primitive_exact = None
    if primitive is None:  # a user file's diff claim: compiled here, in the worker, under the budget
        primitive, derivative, claimed_terms = finite_diff.sympy_sides(identity.lhs, identity.rhs, identity.symbols)
        claimed_exact = finite_diff.exact_claimed(identity.rhs, identity.symbols[:1])
        primitive_exact = finite_diff.exact_primitive(identity.lhs.expr, identity.symbols[:1])
    return finite_diff.check_scalar(primitive, derivative, str(identity.symbols[0]), settings.seed,
                                    _where_mask(identity), identity.symbols[0], claimed_terms, claimed_exact,
                                    primitive_exact)


def _where_mask(identity: Identity):
    """The identity's `where` as a NumPy test of its one symbol (for the finite differences), or None."""
    if identity.where is None:
        return None
    holds = evaluate.float_function(identity.where, identity.symbols[:1])
    return lambda values: np.asarray(holds(values)) != 0


def _sized_sides(claim: Claim) -> matrices.Sides:
    return matrices.sides(claim.context.matrix, claim.lhs, claim.rhs, claim.where)


ENGINES = Engines(numeric=_numeric, prove=_prove)


def _failed(identity: Identity, started: float, message: str | InputError, kind: ErrorKind) -> IdentityResult:
    return IdentityResult(
        name=identity.name, source=identity.source, statement=identity.statement,
        expect=identity.expect.value, verdict=Verdict.ERROR, ok=False, strategy=None, scope="",
        numeric=None, counterexample=None, links=(), errata=(), time_s=time.perf_counter() - started,
        message=str(message), notes=identity.notes, origin=identity.origin, error_kind=kind,
        location=identity.location, input_error=message if isinstance(message, InputError) else None,
        glossary=identity.glossary,
    )


__all__ = ["ENGINES", "Decision", "RunSettings", "identity_claim", "verify_all", "verify_identity", "versions"]
