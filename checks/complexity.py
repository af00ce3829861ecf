"""Measured cost: time a computation over growing n and fit the slope of log(time) against log(n).

A slope near 1 is linear cost, near 2 quadratic. The fit is a plain least-squares line on
(log₂ n, log₂ t) and is separated from the timing, so it can be tested on synthetic timings; only
`median_times` reads the clock. Timing is slow and noisy by nature, so these checks run only on
request (`qedcheck verify --slow`).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SlopeFit:
    sizes: tuple[int, ...]
    seconds: tuple[float, ...]
    slope: float


def fit_slope(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """The least-squares slope of log₂(seconds) against log₂(sizes)."""
    if len(sizes) != len(seconds) or len(sizes) < 2:
        raise ValueError("need at least two (size, time) pairs of equal length")
    slope, _intercept = np.polyfit(np.log2(np.asarray(sizes, dtype=float)), np.log2(np.asarray(seconds, dtype=float)), 1)
    return float(slope)


def median_times(setup: Callable[[int], Callable[[], object]], sizes: Sequence[int], repeats: int = 5,
                 min_seconds: float = 2e-3, clock: Callable[[], float] = time.perf_counter) -> tuple[float, ...]:
    """Median seconds per call of `setup(n)()` for each n; short calls are looped until `min_seconds`."""
    medians = []
    for n in sizes:
        run = setup(n)
        loops = 1
        while True:  # find a loop count long enough to measure (as timeit's autorange does)
            started = clock()
            for _ in range(loops):
                run()
            if clock() - started >= min_seconds or loops >= 1 << 20:
                break
            loops *= 4
        samples = []
        for _ in range(repeats):
            started = clock()
            for _ in range(loops):
                run()
            samples.append((clock() - started) / loops)
        medians.append(statistics.median(samples))
    return tuple(medians)


def measure_slope(setup: Callable[[int], Callable[[], object]], sizes: Sequence[int], repeats: int = 5,
                  clock: Callable[[], float] = time.perf_counter) -> SlopeFit:
    seconds = median_times(setup, sizes, repeats, clock=clock)
    return SlopeFit(tuple(sizes), seconds, fit_slope(sizes, seconds))
