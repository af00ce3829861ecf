"""Where the numeric check looks: deterministic points that include the regions where float64 breaks
and where the claim changes character.

Random points alone almost never land on 0, ±1e-8 or ±700, and those are exactly where a naive
implementation overflows or cancels, so every sample starts with them. Nor do they land on x = 3 in
sign(x - 3), inside (2, 2.001), or beyond 2000 in Min(x, 2000): special_points finds the zeros, kinks
and constants of the claim, and the sample includes them and points just beside them. Every value
honours its symbol's assumptions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

HARD_VALUES = (0.0, 1e-8, -1e-8, 1e-3, -1e-3, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 30.0, -30.0, 36.7, -36.7,
               700.0, -700.0, 709.5, -709.5, 745.0, -745.0, 1000.0, -1000.0, 1e4, -1e4, 1e6, -1e6, 1e-12, -1e-12)
MIN_POINTS = 1000


@dataclass(frozen=True)
class ScalarSample:
    """Columns of values, one per symbol name, all of the same length."""

    values: dict[str, np.ndarray]
    specials: Specials | None = None

    @property
    def size(self) -> int:
        return len(next(iter(self.values.values()))) if self.values else 0


@dataclass(frozen=True)
class VectorDraw:
    """One point of a vector claim: vectors of length `size` and scalars."""

    size: int
    values: dict[str, np.ndarray | float]


def _random_reals(rng: np.random.Generator, count: int) -> np.ndarray:
    """A mixture: unit normals, wide normals and log-uniform magnitudes from 1e-8 to 1e3, both signs."""
    third = count // 3
    normals = rng.normal(0.0, 1.0, third)
    wide = rng.normal(0.0, 20.0, third)
    magnitudes = 10.0 ** rng.uniform(-8, 3, count - 2 * third)
    signed = magnitudes * rng.choice([-1.0, 1.0], count - 2 * third)
    return np.concatenate([normals, wide, signed])


def _restrict(values: np.ndarray, assumptions: dict) -> np.ndarray:
    """Every value made to satisfy the symbol's assumptions, in every combination: integer (even, odd)
    rounds, a sign assumption folds, nonzero moves 0 to the nearest allowed value. Values already
    allowed are kept, so special points survive where the assumptions allow them."""
    values = np.asarray(values, dtype=float)
    if assumptions.get("even"):
        values = 2 * np.round(values / 2)
    elif assumptions.get("odd"):
        values = 2 * np.floor(values / 2) + 1
    elif assumptions.get("integer"):
        values = np.round(values)
    if assumptions.get("positive") or assumptions.get("nonnegative"):
        values = np.abs(values)
    elif assumptions.get("negative") or assumptions.get("nonpositive"):
        values = -np.abs(values)
    nonzero = assumptions.get("nonzero") or assumptions.get("positive") or assumptions.get("negative")
    if nonzero:
        step = 2.0 if assumptions.get("even") else 1.0
        replacement = -step if assumptions.get("negative") or assumptions.get("nonpositive") else step
        if not assumptions.get("integer") and not assumptions.get("even"):
            replacement = replacement * 1e-8  # the smallest magnitude sampled: near 0 is where things break
        values = np.where(values == 0, replacement, values)
    return values


def scalar_sample(symbols, seed: int, points: int = MIN_POINTS, exprs=()) -> ScalarSample:
    """At least `points` points; for one symbol the hard values come first, for several their grid.

    With `exprs` (the sides and the domain condition), the special points of each symbol follow: where
    the expressions change character (see special_points), and the scale of their constants.
    """
    rng = np.random.default_rng(seed)
    names = [str(s) for s in symbols]
    hard = np.array(HARD_VALUES)
    specials = special_points(exprs, symbols) if exprs else Specials()
    if len(names) == 1:
        column = np.concatenate([hard, specials.get(names[0], np.zeros(0)), _random_reals(rng, points)])
        return ScalarSample({names[0]: _restrict(column, _assumptions(symbols[0]))}, specials)
    columns = {}
    blocks = {name: specials.get(name, np.zeros(0)) for name in names}
    for sym, name in zip(symbols, names):
        grid_part = rng.choice(hard, size=len(hard) * 4)
        # each symbol's special points, the other symbols at hard values meanwhile
        special_part = np.concatenate([blocks[name] if other == name else rng.choice(hard, size=len(blocks[other]))
                                       for other in names])
        columns[name] = _restrict(np.concatenate([grid_part, special_part, _random_reals(rng, points)]),
                                  _assumptions(sym))
    if specials.surfaces:
        extra = _surface_rows(specials, symbols, columns, rng)
        columns = {name: np.concatenate([columns[name], _restrict(extra[name], _assumptions(sym))])
                   for sym, name in zip(symbols, names)}
    finite = np.all([np.isfinite(column) for column in columns.values()], axis=0)
    return ScalarSample({name: column[finite] for name, column in columns.items()}, specials)


def vector_draws(vectors, scalars, sizes, seed: int, points: int = MIN_POINTS) -> list[VectorDraw]:
    """Draws of every size in `sizes`; small sizes get most of them, a few reach n = 1000.

    Every tenth draw plants hard values (±30, ±700, 0) among the entries. The same request gives the
    same draws, so they are made once and shared; their arrays are read-only, so no implementation
    can change what the next identity sees.
    """
    key = (tuple((str(v.label), tuple(sorted(_assumptions(v.label).items()))) for v in vectors),
           tuple((str(s), tuple(sorted(_assumptions(s).items()))) for s in scalars),
           tuple(sizes), seed, points)
    if key not in _DRAWS:
        _DRAWS[key] = _make_vector_draws(vectors, scalars, sizes, seed, points)
    return list(_DRAWS[key])


_DRAWS: dict = {}


def _make_vector_draws(vectors, scalars, sizes, seed: int, points: int) -> list[VectorDraw]:
    """The draws themselves (see vector_draws), made a size at a time: one (draws × n) array per vector,
    its entries a shuffled mixture (see _random_reals), every tenth row with hard values planted."""
    rng = np.random.default_rng(seed)
    large = [s for s in sizes if s > 8]
    small = [s for s in sizes if s <= 8] or [2]
    per_large = 3
    per_small = max(1, (points - per_large * len(large)) // len(small) + 1)
    draws = []
    for size in small + large:
        count = per_small if size in small else per_large
        rows: dict[str, np.ndarray] = {}
        for vec in vectors:
            entries = _random_reals(rng, count * size)
            rng.shuffle(entries)
            entries = entries.reshape(count, size)
            planted = np.arange(9, count, 10)
            width = max(1, size // 3)
            entries[planted, :width] = rng.choice(np.array(HARD_VALUES), size=(len(planted), width))
            entries = _restrict(entries, _assumptions(vec.label))
            entries.setflags(write=False)  # each draw is a view of these rows: no implementation can write
            rows[str(vec.label)] = entries
        columns = {str(sym): _restrict(rng.normal(0.0, 3.0, count), _assumptions(sym)) for sym in scalars}
        for number in range(count):
            values: dict[str, np.ndarray | float] = {name: block[number] for name, block in rows.items()}
            values.update({name: float(column[number]) for name, column in columns.items()})
            draws.append(VectorDraw(size, values))
    return draws


def _assumptions(symbol) -> dict:
    return getattr(symbol, "assumptions0", {}) or {}


# Relative offsets of the points placed beside each special point, on both sides.
BESIDE = (1e-12, 1e-9, 1e-6, 1e-3)
MAX_SPECIAL = 400  # special points per symbol (a claim with hundreds of kinks keeps the first ones)
_MAX_CRITICAL = 24  # expressions whose zeros are looked for, per claim
_MAX_DEGREE = 8
_MAX_EXACT_OPS = 60


def special_points(exprs, symbols) -> Specials:
    """Per symbol name, the points where the expressions change character, and points just beside.

    Zeros of the arguments of Abs, sign, Heaviside, DiracDelta, of the differences of Max/Min
    arguments, of Piecewise and `where` conditions (lhs − rhs), of denominators and of the arguments
    of log and fractional powers: solved exactly where the expression is a polynomial in one symbol
    (numerator and denominator of a rational function), by sign changes on a fine grid otherwise.
    Beside each zero, points at relative offsets BESIDE on both sides and midpoints between
    neighbouring zeros (a claim false only on (2, 2.001) is sampled inside). And the scale of the
    expressions' constants: ±c, ±10c, ±c/10, c(1 ± 1e-9).
    """
    import sympy as sp

    by_name = {str(s): s for s in symbols}
    # per symbol: the zeros found exactly (a rational function's: few, each a point where the claim may
    # change character on a tiny interval) and those found by sign changes on a grid (tan(sin x) has
    # one every π: an unbounded family, which must not crowd the others out of the MAX_SPECIAL points)
    found: dict[str, list[float]] = {name: [] for name in by_name}
    grid_found: dict[str, list[float]] = {name: [] for name in by_name}
    critical = _critical_expressions(exprs)
    surfaces: list = []
    exact: list = []
    for expr in critical[:_MAX_CRITICAL]:
        for factor in sp.Mul.make_args(expr):
            free = [s for s in symbols if s in factor.free_symbols]  # in the claim's order: deterministic
            if factor.free_symbols - set(free) or not free:
                continue
            if len(free) > 1:
                surfaces.extend(_linear_solutions(factor, free))
                continue
            symbol = free[0]
            roots, solved = _real_zeros(factor, symbol)
            (found if solved else grid_found)[str(symbol)].extend(roots)
            exact.extend((str(symbol), root) for root in _rational_zeros(factor, symbol))
    constant_values = _constant_values(exprs)
    constants = _constant_points(constant_values)
    points, named = {}, {}
    for name, solved in found.items():
        roots = _usable(solved)
        grid = [r for r in sorted(_usable(grid_found[name]), key=abs) if r not in roots]
        small = [c for c in constant_values if c < 1e-3][:4]
        # ranked, so that the cap drops the least telling points: the solved zeros with the points beside
        # and between them, the constants' scale, then the grid's zeros (nearest 0 first) with theirs
        column = _around(roots, small) + constants + _around(grid, small, between=False)
        column += [(a + b) / 2 for a, b in itertools.pairwise(sorted(roots + grid))]
        column = [p for p in column if np.isfinite(p) and abs(p) < 1e300]
        if column:
            points[name] = np.array(list(dict.fromkeys(column))[:MAX_SPECIAL], dtype=float)
            named[name] = (tuple(roots + grid), tuple(constant_values))
    return Specials(points, named, tuple(surfaces[:_MAX_SURFACES]), tuple(dict.fromkeys(exact))[:_MAX_EXACT_ROOTS])


_MAX_EXACT_ROOTS = 12


def _rational_zeros(factor, symbol) -> list:
    """Zeros of a factor linear in the symbol with rational coefficients, as exact Rationals: sign(x + 13/7)
    is 0 only at -13/7, which no float64 is; the high-precision check evaluates there exactly."""
    import sympy as sp

    if sp.count_ops(factor) > _MAX_EXACT_OPS:
        return []
    try:
        poly = sp.Poly(factor, symbol)
    except sp.PolynomialError:
        return []
    if poly.degree() != 1:
        return []
    a, b = poly.all_coeffs()
    root = -b / a
    return [root] if isinstance(root, sp.Rational) and not root.is_Integer else []


_MAX_SURFACES = 6
_SURFACE_ROWS = 24


def _linear_solutions(factor, free) -> list:
    """For a zero set in several symbols (x − y = 0 in Abs(x − y)): each symbol the factor is linear in,
    solved for it, as (symbol name, solution expression in the others)."""
    import sympy as sp

    solutions = []
    for symbol in free:
        try:
            poly = sp.Poly(factor, symbol)
        except sp.PolynomialError:
            continue
        if poly.degree() != 1:
            continue
        a, b = poly.all_coeffs()
        solutions.append((symbol, -b / a))
    return solutions[:1]


def _surface_rows(specials, symbols, columns: dict, rng) -> dict:
    """Rows on (and beside) each multi-symbol zero set: the other symbols at sampled values, the solved
    symbol at the solution and at relative offsets BESIDE on both sides."""
    from .evaluate import float_function

    names = [str(s) for s in symbols]
    blocks: dict[str, list] = {name: [] for name in names}
    for symbol, solution in specials.surfaces:
        others = [s for s in symbols if s != symbol]
        rows = rng.choice(len(columns[names[0]]), size=_SURFACE_ROWS, replace=False)
        try:
            at = np.real(float_function(solution, others)(*[columns[str(s)][rows] for s in others]))
        except Exception:  # noqa: BLE001, S112 - a solution NumPy cannot evaluate adds no rows
            continue
        with np.errstate(all="ignore"):
            width = np.maximum(1.0, np.abs(at))
            solved = np.concatenate([at] + [at + sign * offset * width for offset in BESIDE for sign in (-1, 1)])
        repeat = len(solved) // len(rows)
        for name in names:
            blocks[name].append(solved if name == str(symbol) else np.tile(columns[name][rows], repeat))
    return {name: np.concatenate(parts) if parts else np.zeros(0) for name, parts in blocks.items()}


@dataclass(frozen=True)
class Specials:
    """Special points per symbol name (points: every one sampled; named: the zeros and the constants
    they were placed around, for a report)."""

    points: dict = field(default_factory=dict)
    named: dict = field(default_factory=dict)
    surfaces: tuple = ()  # (symbol, its solution in the other symbols) of zero sets in several symbols
    exact: tuple = ()  # (symbol name, Rational zero) no float64 represents: evaluated exactly at high precision

    def get(self, name, default=None):
        return self.points.get(name, default)

    def describe(self, limit: int = 6) -> str:
        """`x: zeros at 3, 2.001; constants 2000` (the points beside them are not listed)."""
        parts = []
        for name, (roots, constants) in self.named.items():
            bits = []
            if roots:
                bits.append("zeros/kinks at " + _listed(roots, limit))
            if constants:
                bits.append("the scale of the constants " + _listed(constants, limit))
            parts.append(f"{name}: " + " and ".join(bits) + " (and points beside them)")
        parts.extend(f"{symbol} = {solution} (and beside)" for symbol, solution in self.surfaces)
        return "; ".join(parts)


def _listed(values, limit: int) -> str:
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(f"{v:.10g}" for v in values[:limit]) + more


def _usable(roots) -> list[float]:
    return sorted({float(r) for r in roots if np.isfinite(r) and abs(r) < 1e300})


def _around(roots: list[float], small: list[float] = (), between: bool = True) -> list[float]:
    """Each root, midpoints of neighbouring roots (`between`: a claim false only on (2, 2.001)), points
    beside each root at relative offsets BESIDE and at the absolute scale of the claim's small constants
    (Max(|x - a|, 1e-12) differs from |x - a| only within 1e-12 of a). In that order, so that a cap on
    the number of points drops the points beside before the roots and the gaps between them."""
    points = list(roots)
    if between:
        points.extend((a + b) / 2 for a, b in itertools.pairwise(roots))
    for r in roots:
        width = max(1.0, abs(r))
        for offset in BESIDE:
            points.extend((r - offset * width, r + offset * width))
        for c in small:
            points.extend((r - c / 2, r + c / 2))
    return points


def _critical_expressions(exprs) -> list:
    import sympy as sp

    critical: list = []
    for expr in exprs:
        if expr is None or not isinstance(expr, sp.Basic):
            continue
        for node in sp.preorder_traversal(expr):
            if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside, sp.DiracDelta, sp.log)):
                critical.append(node.args[0])
            elif isinstance(node, (sp.Max, sp.Min)) and len(node.args) <= 6:
                args = node.args
                critical.extend(a - b for k, a in enumerate(args) for b in args[k + 1:])
            elif isinstance(node, sp.core.relational.Relational):
                critical.append(node.lhs - node.rhs)
            elif isinstance(node, sp.Pow) and node.exp.is_number and not (node.exp.is_integer and node.exp > 0):
                critical.append(node.base)
            else:
                critical.extend(node.args[-1] - k for k in _breaks(node))
            if len(critical) > 4 * _MAX_CRITICAL:
                break
    unique = list(dict.fromkeys(c for c in critical if not c.is_number))
    return unique


def _breaks(node) -> tuple[int, ...]:
    """Where a function of the vocabulary changes character, as values of its (last) argument: the
    jumps of floor and ceiling (the integers near 0), the poles of gamma and digamma and the branch
    points of loggamma (0, −1, −2, …), the ends of the real domains of asin, acos, atanh and acosh
    (beyond them the values are complex)."""
    import sympy as sp

    if isinstance(node, (sp.floor, sp.ceiling, sp.frac)):
        return tuple(range(-4, 5))
    if isinstance(node, (sp.gamma, sp.loggamma, sp.polygamma)):
        return tuple(range(-4, 1))
    if isinstance(node, (sp.asin, sp.acos, sp.atanh)):
        return (-1, 1)
    if isinstance(node, sp.acosh):
        return (-1, 1)
    return ()


def _real_zeros(expr, symbol) -> tuple[list[float], bool]:
    """Real zeros (and poles) of a function of one symbol, and whether they were solved for: exactly for
    rational functions of low degree (True), by sign changes and bisection on a grid for the rest."""
    import sympy as sp

    if sp.count_ops(expr) > _MAX_EXACT_OPS:  # together/Poly on a large expression costs more than it finds
        return _sign_changes(expr, symbol), False
    try:
        numerator, denominator = sp.together(expr).as_numer_denom()
        roots = []
        for part in (numerator, denominator):
            if part.is_number:
                continue
            poly = sp.Poly(part, symbol)
            if poly.degree() > _MAX_DEGREE or not all(c.is_number for c in poly.all_coeffs()):
                raise sp.PolynomialError
            if poly.degree() == 1:
                roots.append(float(sp.Rational(-1) * poly.all_coeffs()[1] / poly.all_coeffs()[0]))
                continue
            roots.extend(_polynomial_roots(poly.all_coeffs()))
        return roots, True
    except (sp.PolynomialError, sp.GeneratorsNeeded, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return _sign_changes(expr, symbol), False


def _polynomial_roots(coefficients) -> list[float]:
    """Real roots to float64 accuracy: mpmath at 60 digits from the exact coefficients (NumPy's roots
    of 1e12(x - 3)² - 1 are off by 3e-9, a thousand times the distance a kink needs)."""
    import mpmath

    with mpmath.workdps(60):
        try:
            found = mpmath.polyroots([mpmath.mpmathify(complex(c)) if not c.is_real else mpmath.mpf(c.evalf(70))
                                      for c in coefficients], maxsteps=200, extraprec=200)
        except (mpmath.libmp.NoConvergence, ZeroDivisionError, ValueError, TypeError):
            found = [complex(r) for r in np.roots([complex(c) for c in coefficients])]
        return [float(mpmath.re(r)) for r in found if abs(mpmath.im(r)) <= 1e-12 * max(1, abs(r))]


_GRID = np.unique(np.concatenate([np.linspace(-50, 50, 2001), -np.logspace(-12, 6, 400), np.logspace(-12, 6, 400),
                                  [0.0]]))


def _sign_changes(expr, symbol) -> list[float]:
    """Zeros of `expr` on the grid: where its sign changes, and grid points where it is 0 between
    neighbours that are not. A value within float64's rounding of its terms (x(sin² + cos²) − x, which
    is 0 everywhere) has no sign: its "sign changes" are noise, dozens of them near 0, and would crowd
    out the kinks that matter."""
    from .evaluate import float_function, magnitude

    try:
        f = float_function(expr, [symbol])
        values = np.real(f(_GRID))
        terms = np.abs(np.real(float_function(magnitude(expr), [symbol])(_GRID)))
    except Exception:  # noqa: BLE001 - a zero finder that fails finds nothing; the sample stays
        return []
    with np.errstate(all="ignore"):
        confident = np.isfinite(values) & (np.abs(values) > 1e3 * np.finfo(float).eps * np.nan_to_num(terms))
        isolated = np.zeros_like(confident)
        isolated[1:-1] = (values[1:-1] == 0) & confident[:-2] & confident[2:]
        zeros = list(_GRID[isolated])
        sign = np.sign(values)
        change = np.flatnonzero((sign[:-1] * sign[1:] < 0) & confident[:-1] & confident[1:])
        lo, hi = _GRID[change].copy(), _GRID[change + 1].copy()
        flo = values[change]
        for _ in range(60):
            mid = (lo + hi) / 2
            fm = np.real(f(mid))
            left = np.sign(fm) == np.sign(flo)
            lo, hi, flo = np.where(left, mid, lo), np.where(left, hi, mid), np.where(left, fm, flo)
    return sorted(zeros + list((lo + hi) / 2), key=abs)[:50]  # an unbounded family: the zeros nearest 0


def _constant_values(exprs) -> list[float]:
    import sympy as sp

    values: list[float] = []
    for expr in exprs:
        if expr is None or not isinstance(expr, sp.Basic):
            continue
        for atom in expr.atoms(sp.Number):
            try:
                c = abs(float(atom))
            except (TypeError, OverflowError):
                continue
            if c in (0.0, 1.0) or not 1e-300 < c < 1e300 or c in values:
                continue
            values.append(c)
    return sorted(values)[:20]


def _constant_points(values) -> list[float]:
    points = []
    for c in values:
        points.extend((c, -c, 10 * c, -10 * c, c / 10, -c / 10, c * (1 + 1e-9), c * (1 - 1e-9)))
    return points
