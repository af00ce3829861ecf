"""Checking a written derivation link by link, and the errata it is known to contain.

A derivation `e0 = e1 = … = ek` is checked as k separate claims, each with the same engines as a
whole identity. A link listed in an erratum is expected to be refuted; the erratum's corrected step
must make its neighbouring links hold, so the report can show the fix, not only the fault.
"""

from __future__ import annotations

import sympy as sp

from ..identity import Derivation, Erratum, Identity
from ..results import ErratumFinding, LinkResult, ProofOutcome, Verdict
from . import numeric
from .budget import Deadline
from .symbolic import prove
from .verdict import decide, meets


def check_derivations(identity: Identity, settings: numeric.NumericSettings, timeout: float):
    links: list[LinkResult] = []
    for number, derivation in enumerate(identity.derivations):
        wrong = {w for e in identity.errata if e.derivation == number for w in e.wrong_links}
        for index, (a, b) in enumerate(zip(derivation.chain, derivation.chain[1:])):
            links.append(_check_link(identity, derivation, number, index, a, b, wrong, settings, timeout))
    findings = tuple(_check_erratum(identity, e, links, settings, timeout) for e in identity.errata)
    return tuple(links), findings


def link_claim(identity: Identity, derivation: Derivation, a, b, settings, timeout):
    """The verdict on `a = b` under the identity's and the derivation's domain.

    The cheap engine goes first: float64 at every point, with mpmath wherever float64 disagrees. A
    difference confirmed there refutes the link outright, so a wrong step never waits for
    `simplify` to give up. Otherwise the proof decides; a proved link keeps that float64 check,
    and an unproved one gets the full numeric check (agreeing points at 50 digits as well).
    """
    where = _conjoin(identity.where, derivation.where)
    probe = _numeric_check(identity, a, b, where, settings.confirming())
    if probe.counterexample is not None:
        return decide(ProofOutcome("unknown", tried=("numeric",)), probe)
    proof = prove(a, b, where=where, size=identity.size, indices=identity.indices, sizes=identity.sizes,
                  deadline=Deadline(timeout))
    if proof.status == "proved":
        return decide(proof, probe)
    return decide(proof, _numeric_check(identity, a, b, where, settings))


def _numeric_check(identity, a, b, where, settings):
    if identity.is_vector:
        return numeric.cross_check_vector(identity, a, b, where=where, with_numpy=False, settings=settings)
    return numeric.cross_check_scalar(a, b, identity.symbols, where=where, settings=settings)


def _check_link(identity, derivation, number, index, a, b, wrong, settings, timeout) -> LinkResult:
    decision = link_claim(identity, derivation, a, b, settings, timeout)
    expect = "fails" if index in wrong else "holds"
    return LinkResult(
        derivation=number,
        index=index,
        lhs=_written(derivation, index, a),
        rhs=_written(derivation, index + 1, b),
        verdict=decision.verdict,
        expect=expect,
        ok=meets(decision.verdict, expect),
        strategy=decision.strategy,
        label=derivation.label,
        counterexample=decision.counterexample,
        message=decision.message,
    )


def _check_erratum(identity: Identity, erratum: Erratum, links, settings, timeout) -> ErratumFinding:
    derivation = identity.derivations[erratum.derivation]
    wrong = [link for link in links if link.derivation == erratum.derivation and link.index in erratum.wrong_links]
    found = bool(wrong) and all(link.verdict is Verdict.REFUTED for link in wrong)
    fixed = list(derivation.chain)
    for correction in erratum.corrections:
        fixed[correction.step] = correction.expr
    touched = sorted({p for c in erratum.corrections for p in (c.step - 1, c.step) if 0 <= p < len(fixed) - 1})
    corrected_holds = all(
        link_claim(identity, derivation, fixed[p], fixed[p + 1], settings, timeout).verdict is Verdict.PROVED
        for p in touched
    )
    first = wrong[0] if wrong else None
    return ErratumFinding(
        identity=identity.name,
        source=identity.source,
        derivation=erratum.derivation,
        link=first.index if first else erratum.wrong_links[0],
        lhs=first.lhs if first else "",
        rhs=first.rhs if first else "",
        message=erratum.message,
        corrected="; ".join(f"step {c.step}: {c.written or sp.sstr(c.expr)}" for c in erratum.corrections),
        corrected_holds=corrected_holds,
        found=found,
    )


def _written(derivation: Derivation, position: int, expr) -> str:
    if position < len(derivation.written) and derivation.written[position]:
        return derivation.written[position]
    return sp.sstr(expr)


def _conjoin(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return sp.And(a, b)
