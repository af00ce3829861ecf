"""Where the numeric check looks: deterministic points that include the regions where float64 breaks.

Random points alone almost never land on 0, ±1e-8 or ±700, and those are exactly where a naive
implementation overflows or cancels, so every sample starts with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HARD_VALUES = (0.0, 1e-8, -1e-8, 1e-3, -1e-3, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 30.0, -30.0, 36.7, -36.7,
               700.0, -700.0, 709.5, -709.5, 745.0, -745.0, 1000.0, -1000.0)
MIN_POINTS = 1000


@dataclass(frozen=True)
class ScalarSample:
    """Columns of values, one per symbol name, all of the same length."""

    values: dict[str, np.ndarray]

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
    if assumptions.get("positive"):
        values = np.abs(values)
        return np.where(values == 0, 1.0, values)
    if assumptions.get("negative"):
        values = -np.abs(values)
        return np.where(values == 0, -1.0, values)
    if assumptions.get("nonnegative"):
        return np.abs(values)
    if assumptions.get("nonzero"):
        return np.where(values == 0, 1.0, values)
    if assumptions.get("integer"):
        return np.round(values)
    return values


def scalar_sample(symbols, seed: int, points: int = MIN_POINTS) -> ScalarSample:
    """At least `points` points; for one symbol the hard values come first, for several their grid."""
    rng = np.random.default_rng(seed)
    names = [str(s) for s in symbols]
    hard = np.array(HARD_VALUES)
    if len(names) == 1:
        column = np.concatenate([hard, _random_reals(rng, points)])
        return ScalarSample({names[0]: _restrict(column, _assumptions(symbols[0]))})
    columns = {}
    for sym, name in zip(symbols, names):
        grid_part = rng.choice(hard, size=len(hard) * 4)
        columns[name] = _restrict(np.concatenate([grid_part, _random_reals(rng, points)]), _assumptions(sym))
    return ScalarSample(columns)


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
