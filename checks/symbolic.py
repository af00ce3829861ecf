"""The symbolic proof pipeline: try the strategies in order under the identity's budget.

This is the one place that decides the order of strategies (as `sympy.simplify` is for its helpers).
A claim is proved only when a strategy reduces `lhs - rhs` exactly to 0, and refuted here only when
the difference reduces to a nonzero constant; anything else is left to the numeric check.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import sympy as sp

from ..results import ProofOutcome
from . import indexed, kinks, memo, strategies
from .run.budget import BudgetExceeded, Deadline, interrupt_after


def prove(
    lhs,
    rhs,
    *,
    where=None,
    size=None,
    indices=(),
    sizes=tuple(range(1, 9)),
    deadline: Deadline | None = None,
) -> ProofOutcome:
    """Prove `lhs = rhs` (on `where`), for all n when the claim is a vector claim."""
    deadline = deadline or Deadline(10.0)
    tried: list[str] = []
    try:
        indexed.check_shapes(lhs, rhs)
    except indexed.ShapeMismatch as mismatch:
        return ProofOutcome("refuted", strategy="shape", tried=("shape",), message=str(mismatch))
    try:
        with interrupt_after(deadline):
            if size is None:
                return _prove_scalar(lhs, rhs, where, tried)
            return _prove_vector(lhs, rhs, where, size, tuple(indices), tuple(sizes), tried)
    except BudgetExceeded:
        return ProofOutcome(
            "timeout",
            tried=tuple(tried),
            message=f"symbolic budget of {deadline.seconds:g} s spent",
        )
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError) as failure:
        # SymPy giving up inside the pipeline (`cos(5) - cos(5/2)**2 + sin(5/2)**2` "is not comparable")
        # is no proof and no fault of the claim: the numbers still decide what they can
        return ProofOutcome("unknown", tried=(*tried, f"(stopped: SymPy raised {type(failure).__name__})"),
                            message=f"SymPy failed: {type(failure).__name__}: {failure}")


def prepare(expr, size=None):
    """Evaluate derivatives, sums and limits, and drop conditions the index range implies.

    Memoised: a chain's middle step is prepared for two links and for their numeric checks, and
    SymPy expressions are immutable, so the answer for the same (expr, size) never changes.
    """
    try:
        key = memo.key(expr, size)
        if key in _PREPARED:
            return _PREPARED[key]
    except TypeError:  # unhashable (a mutable matrix): nothing to reuse
        return _prepare_uncached(expr, size)
    result = _prepare_uncached(expr, size)
    _PREPARED[key] = result
    return result


_PREPARED: dict = {}


def _prepare_uncached(expr, size=None):
    if size is None and isinstance(expr, sp.Derivative) and isinstance(expr.expr, sp.Add):
        # d(a + b) = da + db, each term prepared (and memoised) on its own: the network's loss
        # −oᵃ_y + log Σ e^{oᵃ_k} is differentiated for every class y, and its second term is the same
        # for all of them.
        return sp.Add(*[prepare(sp.Derivative(term, *expr.variable_count)) for term in expr.expr.args])
    if size is not None and isinstance(expr, sp.Basic):  # all n: only what can be evaluated
        evaluated = indexed.targeted_doit(expr)
    else:
        evaluated = _full_doit(expr)
    evaluated = indexed.resolve_index_range(evaluated, size)
    evaluated = _without_dirac(evaluated)
    if size is None:
        return evaluated
    return indexed.canonical_sums(indexed.expand_sums(evaluated, size))


def _without_dirac(expr):
    """DiracDelta (SymPy's derivative of Heaviside and sign) is 0 off the kink points, the only
    points where the formulas it comes from are the derivative; the kinks themselves are decided
    exactly by kinks.py before any proof. Numbers never see a distribution."""
    if isinstance(expr, sp.Basic) and expr.has(sp.DiracDelta):
        return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    if isinstance(expr, sp.MatrixBase) and any(e.has(sp.DiracDelta) for e in expr):
        return expr.applyfunc(_without_dirac)
    return expr


def _split_integrals(expr):
    """∫(f + g) as ∫f + ∫g, each term of the integrand (products distributed over sums) on its own:
    SymPy's integrate is far faster on the terms (the KL divergence of two Gaussians: 12 s instead of over
    40 s). An integrand with no sum as a factor is integrated whole (expanding (x − μ)² in the Gaussian's
    variance makes it 10 times slower). Sound: a term
    whose integral diverges makes the sum undefined (oo − oo is nan), never a wrong finite value."""
    if not (isinstance(expr, sp.Basic) and expr.has(sp.Integral)):
        return expr

    def split(integral):
        if sp.count_ops(integral.function) > 200:
            return integral
        function = integral.function
        if not (isinstance(function, sp.Add) or (isinstance(function, sp.Mul) and any(
                isinstance(factor, sp.Add) for factor in function.args))):
            return integral  # a product of powers and functions, integrated whole
        terms = sp.Add.make_args(sp.expand(function))
        return sp.Add(*[sp.Integral(term, *integral.limits) for term in terms]) if len(terms) > 1 else integral

    return expr.replace(lambda e: isinstance(e, sp.Integral), split)


def _full_doit(expr):
    expr = _split_integrals(expr)
    evaluated = expr
    for _ in range(3):  # a derivative of a Sum yields a Sum that needs its own doit
        if not hasattr(evaluated, "doit"):
            break
        again = evaluated.doit()
        if again == evaluated:
            break
        evaluated = again
    return evaluated


def _prove_scalar(lhs, rhs, where, tried) -> ProofOutcome:
    differentiated = _has_derivative(lhs) or _has_derivative(rhs)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return _prove_matrix(sp.Matrix(lhs), sp.Matrix(rhs), where, differentiated, tried)
    prepared = prepare(lhs), prepare(rhs)
    covered: list = []
    at_kinks = _kink_outcome(lhs, rhs, where, tried, prepared=prepared, covered=covered)
    if at_kinks is not None:
        return at_kinks
    at_point = kinks.exact_point_counterexample(lhs, rhs, where)
    if at_point is not None:
        tried.append("exact-point")
        return ProofOutcome("refuted", at_point.strategy, tuple(dict.fromkeys(tried)), message=at_point.message,
                            point=tuple((str(s), str(v)) for s, v in at_point.point.items()), values=at_point.values)
    # The kinks of the derivatives are decided exactly (the claim holds there, or neither side has a value):
    # the formulas give conventions there (Heaviside(0) = 1/2 against the cases' 1), so the strategies
    # need the claim only off them.
    verdict = covered[0] if covered else None
    off_kinks = [sp.Ne(x, p) for x, p in (verdict.decided if verdict else ()) if p.is_number]
    strategies_where = sp.And(where, *off_kinks) if where is not None else sp.And(*off_kinks)
    strategies_where = strategies_where if off_kinks else where
    refined = refinement(strategies_where)
    difference = _refined(prepared[0] - prepared[1], refined)
    outcome = _run_strategies(difference, _refined(strategies_where, refined), differentiated, tried, scope="")
    if outcome.status == "proved" and verdict is not None and verdict.excluded:
        outcome = replace(outcome, message=_outside(verdict))
    return outcome


def _outside(verdict) -> str:
    """What a proof says of the points the kink analysis put outside the claim's domain."""
    reasons = "; ".join(dict.fromkeys(reason for _, _, reason in verdict.excluded))
    suggested = " & ".join(f"{x} != {p}" for x, p, _ in verdict.excluded)
    return f"{reasons}: outside the claim's domain (state it with where = \"{suggested}\")"


def _prove_matrix(lhs, rhs, where, differentiated, tried) -> ProofOutcome:
    if lhs.shape != rhs.shape:
        return ProofOutcome("refuted", "shape", ("shape",), message=f"shapes differ: {lhs.shape} vs {rhs.shape}")
    winners = set()
    for a, b in zip(lhs, rhs):
        prepared = prepare(a), prepare(b)
        at_kinks = _kink_outcome(a, b, where, tried, prepared=prepared)
        if at_kinks is not None:
            return at_kinks
        outcome = _run_strategies(prepared[0] - prepared[1], where, differentiated, tried, scope="",
                                  pipeline=strategies.ENTRYWISE)
        if outcome.status != "proved":
            return outcome
        winners.add(outcome.strategy)
    return ProofOutcome("proved", "+".join(sorted(winners)), tuple(dict.fromkeys(tried)))


def _prove_vector(lhs, rhs, where, size, indices, sizes, tried) -> ProofOutcome:
    kinked = kinks.has_kinked_derivative(lhs) or kinks.has_kinked_derivative(rhs)
    if kinked and not _kinks_excluded(lhs, rhs, where, indices):
        # the entry form for all n hides where each derivative's kinks are: explicit instances only
        generic = ProofOutcome("unknown", message="kinks of the derivatives are analysed entry by entry")
    else:
        generic = _prove_generic(lhs, rhs, where, size, indices, tried)
    if generic.status in ("proved", "refuted"):
        return generic
    winners: set[str] = set()
    for size_value in sizes:
        for assignment in indexed.index_assignments(indices, size_value, indexed.index_part(where, indices)):
            a = indexed.explicit_instance(indexed.entry_form(lhs, indices), size, size_value, assignment)
            b = indexed.explicit_instance(indexed.entry_form(rhs, indices), size, size_value, assignment)
            local_where = _explicit_where(where, indices, size, size_value, assignment)
            if kinked or generic.message.startswith("a side may be undefined"):
                at_kinks = _kink_outcome(_unevaluated_instance(lhs, indices, size, size_value, assignment),
                                         _unevaluated_instance(rhs, indices, size, size_value, assignment),
                                         local_where, tried, scope=f"n = {size_value}",
                                         prepared=(prepare(a), prepare(b)))
                if at_kinks is not None:
                    return replace(at_kinks, message=f"entry {assignment} at n = {size_value}: {at_kinks.message}")
            differentiated = _has_derivative(lhs) or _has_derivative(rhs)
            refined = refinement(local_where)
            difference = _refined(prepare(a) - prepare(b), refined)
            outcome = _run_strategies(difference, _refined(local_where, refined), differentiated, tried, scope="")
            if outcome.status == "refuted":
                return ProofOutcome(
                    "refuted",
                    outcome.strategy,
                    tuple(dict.fromkeys(tried)),
                    scope=f"n = {size_value}",
                    residual=outcome.residual,
                    message=f"entry {assignment} at n = {size_value} differs by {outcome.residual}",
                )
            if outcome.status != "proved":
                return ProofOutcome(
                    "unknown",
                    tried=tuple(dict.fromkeys(tried)),
                    scope=f"n ≤ {size_value - 1}" if size_value > sizes[0] else "",
                    residual=outcome.residual,
                    message=f"no proof for every n; none at n = {size_value} either",
                )
            winners.add(outcome.strategy)
    return ProofOutcome(
        "proved",
        "explicit:" + "+".join(sorted(winners)),
        tuple(dict.fromkeys(tried)),
        scope=f"n ≤ {max(sizes)}",
        message=generic.message,
    )


def _unevaluated_instance(expr, indices, size, size_value, assignment):
    """An explicit instance with its derivatives left to take: the kink analysis needs them whole."""
    concrete = indexed.entry_form(expr, indices).xreplace(
        {size: sp.Integer(size_value), **{k: sp.Integer(v) for k, v in assignment.items()}})
    concrete = concrete.replace(lambda e: isinstance(e, sp.Sum), lambda e: e.doit())
    return indexed.as_symbols(concrete)


def _kinks_excluded(lhs, rhs, where, indices) -> bool:
    """Does the domain (as assumptions) put every kink of every derivative out of reach, for all n?

    True when each argument of Abs, sign and Heaviside, and each difference of two arguments of Max
    and Min, inside a derivative is nonzero by the facts `where` states (x[k] ≠ 0 for |x[k]|).
    """
    replacements = refinement(where, indices)
    for side in (lhs, rhs):
        side = _refined(indexed.entry_form(side, indices), replacements)
        for node in side.atoms(sp.Derivative):
            for inner in sp.preorder_traversal(node.expr):
                if not isinstance(inner, kinks.NON_SMOOTH):
                    continue
                if isinstance(inner, (sp.Max, sp.Min)):
                    gaps = [a - b for a, b in itertools.combinations(inner.args, 2)]
                elif isinstance(inner, (sp.Abs, sp.sign, sp.Heaviside, sp.DiracDelta)):
                    gaps = [inner.args[0]]
                else:
                    return False
                if any(gap.is_zero is not False for gap in gaps):
                    return False
    return True


def _prove_generic(lhs, rhs, where, size, indices, tried) -> ProofOutcome:
    try:
        a = indexed.entry_form(lhs, indices)
        b = indexed.entry_form(rhs, indices)
        difference = prepare(a, size) - prepare(b, size)
        difference = indexed.resolve_index_range(
            indexed.apply_index_condition(difference, indexed.index_part(where, indices), indices), size
        )
        replacements = refinement(where, indices)
        difference = _refined(difference, replacements)
        prepared = [_refined(prepare(side, size), replacements) for side in (a, b)]
    except BudgetExceeded:
        raise
    except Exception as failure:  # noqa: BLE001 - SymPy cannot always evaluate the general form
        return ProofOutcome("unknown", message=f"no entry form for all n ({type(failure).__name__})")
    if prepared[0] != prepared[1] and kinks.singular_bases(*prepared):
        # a denominator that may be 0 for some entries: its points are decided entry by entry
        return ProofOutcome("unknown", message="a side may be undefined for some entries: checked entry by entry")
    outcome = _run_strategies(difference, None, False, tried, scope="all n", generic=True)
    if outcome.status == "refuted" and difference.free_symbols & {size}:
        return ProofOutcome("unknown", message="difference depends on n")
    return outcome


def _kink_outcome(lhs, rhs, where, tried, scope="", prepared=None, covered=None) -> ProofOutcome | None:
    """The verdict of the analysis of special points when it settles the claim or forbids a proof,
    else None.

    Runs before any strategy: the strategies see SymPy's derivative formulas, which are the
    derivative only off the kink points, and cancel factors, which changes a side only where that
    factor is 0 (see kinks.py).
    """
    verdict = kinks.analyse(lhs, rhs, where, prepared)
    if verdict.status in ("smooth", "covered"):
        if verdict.status == "covered":
            tried.append("kink")
            if covered is not None:
                covered.append(verdict)
        return None
    tried.append("kink")
    if verdict.status == "refuted":
        point = tuple((str(s), str(v)) for s, v in verdict.point.items())
        return ProofOutcome("refuted", verdict.strategy, tuple(dict.fromkeys(tried)), scope=scope,
                            message=verdict.message, point=point, values=verdict.values)
    return ProofOutcome("unknown", tried=tuple(dict.fromkeys(tried)), scope=scope, message=verdict.message)


def _run_strategies(difference, where, differentiated, tried, scope, generic=False,
                    pipeline=strategies.BASIC) -> ProofOutcome:
    if difference == 0:
        tried.append("doit")
        return ProofOutcome("proved", "doit", tuple(dict.fromkeys(tried)), scope=scope)
    residual = difference
    piecewise = ("piecewise", strategies.piecewise_rewrite)
    if not generic and difference.has(*strategies.NON_SMOOTH):
        # cases written out first: simplify on Heaviside, sign or Abs as they stand costs 0.1 s or more
        # and does not decide them, while folding the cases settles most in milliseconds
        pipeline = tuple(step for s in pipeline for step in ((piecewise, s) if s[0] == "simplify" else (s,)))
    for name, strategy in pipeline:
        if generic and name in ("exp-rational", "exponentiate"):
            continue
        tried.append(name)
        reached = strategies.reduce_with(strategy, difference)
        if reached is None:
            continue
        if reached == 0:
            return ProofOutcome("proved", name, tuple(dict.fromkeys(tried)), scope=scope)
        if name == "piecewise":
            continue  # it proves or says nothing, wherever it runs
        if _is_nonzero_constant(reached):
            return ProofOutcome("refuted", name, tuple(dict.fromkeys(tried)), scope=scope, residual=str(reached))
        if sp.count_ops(reached) < sp.count_ops(residual):
            residual = reached
    if not generic:
        if piecewise not in pipeline:
            tried.append("piecewise")
            reached = strategies.reduce_with(piecewise[1], difference)
            if reached is not None and reached == 0:
                return ProofOutcome("proved", "piecewise", tuple(dict.fromkeys(tried)), scope=scope)
        tried.append("sign-split")
        split = strategies.sign_split(difference, where, _kinks_if(differentiated, difference))
        if split is not None and split == 0:
            return ProofOutcome("proved", "sign-split", tuple(dict.fromkeys(tried)), scope=scope)
    return ProofOutcome("unknown", tried=tuple(dict.fromkeys(tried)), scope=scope, residual=str(residual))


_SIGN_FACTS = {
    sp.Ne: "nonzero",
    sp.StrictGreaterThan: "positive",
    sp.GreaterThan: "nonnegative",
    sp.StrictLessThan: "negative",
    sp.LessThan: "nonpositive",
}


def refine_by_where(expr, where):
    """Give symbols (and vectors) the sign facts that `where` states, e.g. x ≠ 0 → x nonzero.

    The claim is only made on that domain, so proving it for symbols with those assumptions is the
    claim itself; it lets SymPy see that x/|x| = sign(x) there.
    """
    return _refined(expr, refinement(where))


def refinement(where, free_indices=()) -> dict:
    """The replacements `refine_by_where` makes: each symbol by one carrying the facts `where` states.

    Apply it to `where` too (`_refined`) before a strategy reads the domain: a `where` that still
    names the old symbols says nothing about the new ones, and a case split would not skip the points
    it excludes.

    A fact about a vector's entry holds for every entry (the whole IndexedBase is refined) only when
    its index is not one of the claim's `free_indices`: `x[k] > 0` with k bound speaks of every k,
    but `x[i] > 0` with i free speaks of entry i alone, and Σ_k |x_k| = Σ_k x_k does not follow.
    """
    if where is None:
        return {}
    parts = where.args if isinstance(where, sp.And) else (where,)
    facts: dict = {}
    for part in parts:
        fact = _SIGN_FACTS.get(type(part))
        if fact is None or part.rhs != 0:
            continue
        target = part.lhs
        if isinstance(target, sp.Indexed):
            if not any(index.free_symbols & set(free_indices) for index in target.indices):
                facts.setdefault(target.base, {})[fact] = True
        elif isinstance(target, sp.Symbol):
            facts.setdefault(target, {})[fact] = True
    replacements = {}
    for target, stated in facts.items():
        try:
            if isinstance(target, sp.IndexedBase):
                replacements[target] = sp.IndexedBase(target.label.name, **{**_assumptions_of(target.label), **stated})
            else:
                replacements[target] = sp.Symbol(target.name, **{**_assumptions_of(target), **stated})
        except Exception:  # noqa: BLE001, S112 - contradictory facts (an empty domain): prove nothing from them
            continue
    return replacements


def _refined(expr, replacements: dict):
    if expr is None or not replacements:
        return expr
    return expr.xreplace(replacements)


def _assumptions_of(symbol) -> dict:
    keep = ("real", "integer", "positive", "negative", "nonzero", "nonnegative", "nonpositive")
    return {key: value for key, value in getattr(symbol, "assumptions0", {}).items() if key in keep and value}


def _kinks_if(differentiated: bool, expr):
    return tuple(strategies.kink_symbols(expr)) if differentiated else ()


def _is_nonzero_constant(expr) -> bool:
    """A refutation by an exact difference: a finite nonzero number (zoo, ∞ and nan are not values:
    a side that reduced to one of them is undefined, which is no difference)."""
    if expr.free_symbols or not expr.is_number or expr.has(sp.AccumBounds):
        return False
    return expr.is_finite is True and expr.is_zero is False


def _has_derivative(expr) -> bool:
    return hasattr(expr, "has") and expr.has(sp.Derivative)


def _explicit_where(where, indices, size, size_value, assignment):
    """The non-index part of `where` for a fixed n: conditions on x[i] hold for every entry."""
    if where is None:
        return None
    parts = where.args if isinstance(where, sp.And) else (where,)
    explicit = []
    for part in parts:
        if part.free_symbols and part.free_symbols <= set(indices):
            continue
        free_indices = sorted(
            (s for s in part.free_symbols if s.is_integer and s != size and s not in assignment), key=str
        )
        for values in indexed.index_assignments(free_indices, size_value):
            explicit.append(indexed.explicit_instance(part, size, size_value, {**assignment, **values}))
    return sp.And(*explicit) if explicit else None
