"""Checking a written derivation link by link, and the errata it is known to contain.

A derivation `e0 = e1 = … = ek` is k claims, each handed to the core exactly as the identity's own
claim is. A link listed in an erratum is expected to be refuted; the erratum's corrected step must
make its neighbouring links hold, so the report can show the fix, not only the fault.
"""

from __future__ import annotations

import sympy as sp

from ..identity import Derivation, Erratum, Identity
from ..results import ErratumFinding, LinkResult, Verdict
from .core import Claim, Engines, check_claim, meets


def check_derivations(identity: Identity, settings, budget: float, accept_numeric: bool = False,
                      engines: Engines | None = None):
    if engines is None:
        from .runner import ENGINES as engines
    links: list[LinkResult] = []
    for number, derivation in enumerate(identity.derivations):
        wrong = {w for e in identity.errata if e.derivation == number for w in e.wrong_links}
        for index, (a, b) in enumerate(zip(derivation.chain, derivation.chain[1:])):
            decision = check_claim(link_claim(identity, derivation, a, b, budget), settings, engines)
            expect = "fails" if index in wrong else "holds"
            links.append(LinkResult(
                derivation=number,
                index=index,
                lhs=written_step(derivation, index),
                rhs=written_step(derivation, index + 1),
                verdict=decision.verdict,
                expect=expect,
                ok=meets(decision.verdict, expect, accept_numeric),
                strategy=decision.strategy,
                label=derivation.label,
                counterexample=decision.counterexample,
                message=decision.message,
                location=derivation.locations[index + 1] if index + 1 < len(derivation.locations) else "",
            ))
    findings = tuple(_check_erratum(identity, e, links, settings, budget, accept_numeric, engines)
                     for e in identity.errata)
    return tuple(links), findings


def link_claim(identity: Identity, derivation: Derivation, a, b, budget: float) -> Claim:
    """`a = b` under the identity's and the derivation's domain, judged by its SymPy sides alone."""
    return Claim(lhs=a, rhs=b, symbols=identity.symbols, where=_conjoin(identity.where, derivation.where),
                 budget=budget, size=identity.size, indices=identity.indices, sizes=identity.sizes,
                 context=identity, independent=False, label=derivation.label)


def _check_erratum(identity: Identity, erratum: Erratum, links, settings, budget, accept_numeric,
                   engines) -> ErratumFinding:
    derivation = identity.derivations[erratum.derivation]
    wrong = [link for link in links if link.derivation == erratum.derivation and link.index in erratum.wrong_links]
    found = bool(wrong) and all(link.verdict is Verdict.REFUTED for link in wrong)
    fixed = list(derivation.chain)
    for correction in erratum.corrections:
        fixed[correction.step] = correction.expr
    touched = sorted({p for c in erratum.corrections for p in (c.step - 1, c.step) if 0 <= p < len(fixed) - 1})
    corrected_holds = all(
        meets(check_claim(link_claim(identity, derivation, fixed[p], fixed[p + 1], budget), settings,
                          engines).verdict, "holds", accept_numeric)
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


def written_step(derivation: Derivation, position: int) -> str:
    """Step `position` of the chain as its author wrote it (the chain's own expression otherwise)."""
    if position < len(derivation.written) and derivation.written[position]:
        return derivation.written[position]
    return sp.sstr(derivation.chain[position])


def _conjoin(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return sp.And(a, b)
