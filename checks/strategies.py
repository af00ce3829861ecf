"""Symbolic strategies: each a small function from a difference `lhs - rhs` to a simpler expression.

A strategy returns the expression it reached (zero when it proved the identity) or None when it does
not apply. It never decides a verdict: the pipeline in `symbolic.py` does. Every transformation here
is an equivalence on the claim's domain (real symbols), so reaching 0 is a proof.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import sympy as sp

from . import memo

Strategy = Callable[[sp.Expr], "sp.Expr | None"]

NON_SMOOTH = (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise)


def expand_atoms(expr):
    """Every function application (exp, cos, log, …) as an opaque symbol, then expand and cancel.

    What is identically 0 as a rational function of those symbols is 0 whatever values they take,
    the real ones included. A gradient written out by the chain rule is usually of this kind, and
    leaving exp(a + b) whole halves the expansion `expand-cancel` does; where an identity between
    the functions themselves is needed (exp(a + b) = exp(a) exp(b)) it does not apply.

    Expansion is linear, so each term of the difference is expanded on its own and remembered: the
    entries of a network's gradient share terms (∂ log Σ e^{oᵃ} / ∂P is the same for every class y),
    and `cancel` of the sum of the expanded terms decides exactly what it decided before.
    """
    if len(_EXPANDED) > _MAX_REMEMBERED or len(_OPAQUE) > 10 * _MAX_REMEMBERED:
        _EXPANDED.clear()
        _OPAQUE.clear()
    expanded = [_expanded_term(term) for term in sp.Add.make_args(expr)]
    if not any(found for _, found in expanded):
        return None
    reached = sp.cancel(sp.together(sp.Add(*[term for term, _ in expanded])))
    return reached if reached == 0 or not reached.free_symbols else None


# Each subexpression seen with its opaque form (a function application: the one Dummy that stands for
# it, so that equal applications in two terms, expanded apart, are the same symbol), and each term's
# expansion with the flag "had an application". Keys are SymPy expressions (immutable) with their
# type. The Dummies never leave expand_atoms (it returns only 0 or a constant). Both are emptied
# together when large, between two calls.
_OPAQUE: dict = {}
_EXPANDED: dict = {}
_MAX_REMEMBERED = 20000


def _expanded_term(term):
    found = memo.key(term)
    known = _EXPANDED.get(found)
    if known is None:
        opaque = _opaque(term)
        known = _EXPANDED[found] = (sp.expand(opaque), opaque is not term)
    return known


def _opaque(expr):
    """`expr` with each outermost function application replaced by its symbol (as xreplace would),
    remembered per subexpression: the terms of one gradient share most of their tree."""
    found = memo.key(expr)
    known = _OPAQUE.get(found)
    if known is not None:
        return known
    if isinstance(expr, sp.Function):
        known = sp.Dummy(f"f{len(_OPAQUE)}")
    elif not expr.args:
        return expr
    else:
        args = [_opaque(arg) for arg in expr.args]
        known = expr if all(new is old for new, old in zip(args, expr.args)) else expr.func(*args)
    _OPAQUE[found] = known
    return known


def expand_cancel(expr):
    """Rational functions of the atoms: expand, put over one denominator, cancel."""
    return sp.cancel(sp.together(sp.expand(expr)))


def plain_simplify(expr):
    return sp.simplify(expr)


def rewrite_exp(expr):
    """Hyperbolic and trigonometric functions as exponentials, then simplify (the tanh form of σ).

    The exponentials of a real symbol are first tried as a rational function (exp_to_rational, exact
    and about ten times faster than simplify); simplify only when that does not reach 0."""
    if not expr.has(sp.tanh, sp.sinh, sp.cosh, sp.coth, sp.sech, sp.csch):
        return None
    if exp_to_rational(expr) == 0:
        return sp.S.Zero
    return sp.simplify(sp.powsimp(expr.rewrite(sp.exp)))


def rewrite_special(expr):
    """erfc as 1 − erf and acos as π/2 − asin (identities on all of ℂ, principal branches), and gamma,
    digamma, binomial with integer shifts expanded (Γ(x + 1) = xΓ(x), ψ(x + 1) = ψ(x) + 1/x), then
    simplify. loggamma is left alone: its shifts hold only on part of the plane."""
    if not expr.has(sp.erfc, sp.acos, sp.gamma, sp.polygamma, sp.binomial) or expr.has(sp.loggamma):
        return None
    return sp.simplify(sp.expand_func(expr.rewrite(sp.erf).rewrite(sp.asin)))


def exp_to_rational(expr):
    """Substitute x = L·log(t) for every real symbol found only in exponents: the difference becomes a
    rational function of the t's, which `cancel` decides exactly.
    """
    expr = sp.powsimp(sp.expand_power_exp(expr.rewrite(sp.exp)), combine="exp")
    exps = expr.atoms(sp.exp)
    if not exps:
        return None
    substitutions = {}
    for sym in sorted(expr.free_symbols, key=str):
        if not isinstance(sym, sp.Symbol) or not sym.is_real:
            return None
        coefficients = []
        for e in exps:
            arg = sp.expand(e.args[0])
            if not arg.has(sym):
                continue
            coeff = arg.coeff(sym)
            if coeff.has(sym) or not coeff.is_Rational:
                return None
            coefficients.append(coeff)
        without = expr.replace(sp.exp, lambda a: sp.S.One)
        if without.has(sym):
            return None  # the symbol also appears outside exponentials
        if coefficients:
            scale = sp.ilcm(*[q.q for q in coefficients]) if len(coefficients) > 1 else coefficients[0].q
            t = sp.Dummy(f"t_{sym}", positive=True)  # fresh: a user symbol named t_x is another symbol
            substitutions[sym] = scale * sp.log(t)
    if not substitutions:
        return None
    rational = sp.expand_power_exp(sp.expand(expr.subs(substitutions)))
    rational = sp.powsimp(rational, force=False)
    return sp.cancel(sp.together(rational))


def expand_logs(expr):
    """Split logarithms of products and quotients; SymPy splits only where the arguments are positive."""
    if not expr.has(sp.log):
        return None
    return sp.simplify(sp.expand_log(sp.expand(expr), deep=True))


def exponentiate(expr):
    """For a real difference d: exp(d) = 1 implies d = 0 (exp is injective on the reals)."""
    if not expr.has(sp.log) or expr.is_real is not True:
        return None
    lifted = sp.simplify(sp.cancel(sp.exp(expr)))
    if lifted == 1:
        return sp.S.Zero
    return None


def piecewise_rewrite(expr):
    """Max, Min, Abs, sign and Heaviside as Piecewise, then fold and simplify the branches."""
    if not expr.has(*NON_SMOOTH):
        return None
    folded = sp.piecewise_fold(expr.rewrite(sp.Piecewise))
    return folded if folded == 0 else sp.simplify(folded)  # folding alone often settles it


BASIC: tuple[tuple[str, Strategy], ...] = (
    ("expand-cancel", expand_cancel),
    ("rewrite-exp", rewrite_exp),
    ("exp-rational", exp_to_rational),
    ("expand-log", expand_logs),
    ("exponentiate", exponentiate),
    ("rewrite-special", rewrite_special),
    ("simplify", plain_simplify),
)


# Entries of explicit matrices (a network's gradients, entry by entry) are large chain-rule
# expressions: the opaque expansion goes first there, and saves a third of their proof time.
ENTRYWISE: tuple[tuple[str, Strategy], ...] = (("expand-atoms", expand_atoms),) + BASIC


def kink_symbols(expr) -> list[sp.Symbol]:
    """Real symbols that appear inside a non-smooth function: the ones worth a case split."""
    found: set[sp.Symbol] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, NON_SMOOTH):
            found |= {s for s in node.free_symbols if isinstance(s, sp.Symbol) and s.is_real}
    return sorted(found, key=str)


def sign_cases(symbols, where=None):
    """Each symbol positive, negative or zero, skipping the cases `where` or its assumptions exclude.

    The case symbol is a fresh Dummy: a named one (`x_pos`) would be the very symbol a user who
    declares `x_pos = "positive"` writes, and the split would then prove claims about that symbol.
    """
    options = []
    for sym in symbols:
        p = sp.Dummy(f"{sym}_pos", positive=True)
        cases = [(sym, p)] if sym.is_nonpositive is not True else []
        cases += [(sym, -p)] if sym.is_nonnegative is not True else []
        cases += [(sym, sp.S.Zero)] if sym.is_nonzero is not True else []
        options.append(tuple(cases))
    for combo in itertools.product(*options):
        case = dict(combo)
        if where is not None and where.subs(case) is sp.false:
            continue
        yield case


def sign_split(expr, where=None, differentiated=()):
    """Prove the difference zero on each sign case of the symbols inside Abs/sign/Max/Piecewise.

    `differentiated` lists symbols the claim differentiates with respect to: at zero such a function
    may have no derivative, so that case cannot be proved by substituting into a derivative formula.
    """
    symbols = kink_symbols(expr)
    if not symbols or len(symbols) > 3:
        return None
    for case in sign_cases(symbols, where):
        if any(case[s] == 0 for s in symbols if s in differentiated):
            return None
        branch = expr.subs(case)
        if branch == 0:
            continue
        if not any(reduce_with(strategy, branch) == 0 for _, strategy in BASIC):
            return None
    return sp.S.Zero


def reduce_with(strategy, expr):
    """Run one strategy; SymPy failing inside it means "does not apply", never a verdict."""
    from .run.budget import BudgetExceeded

    try:
        return strategy(expr)
    except BudgetExceeded:
        raise
    except Exception:  # noqa: BLE001 - SymPy raises almost anything from deep inside simplify
        return None
