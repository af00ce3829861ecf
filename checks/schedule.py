"""Where each identity of a `verify` run is decided: the cache, a worker process, or this process.

The order of the answer is always the order of the selection. The fast path comes first: when every
target is a catalogue name (or `all`) and every result is in the cache under its quick key, the run is
assembled from the cache without importing SymPy or NumPy. Otherwise the catalogue is built, the
content keys say which results are still valid, and only the rest are checked, in `jobs` workers
(workers.py) or, with `jobs = 1`, in this process under the SIGALRM budget (budget.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..results import IdentityResult, RunResult
from . import cache as result_cache


@dataclass(frozen=True)
class RunOptions:
    seed: int = 0
    rtol: float = 1e-9
    timeout: float | None = None
    jobs: int = 1
    cache_dir: Path | None = Path(result_cache.DEFAULT_DIR)  # None: no cache
    memory_limit: int | None = None  # bytes per worker; None: the workers' default
    slow: bool = False  # also the timing checks (never cached: a measurement is redone every run)

    def settings_key(self) -> dict:
        return result_cache.settings_description(self.seed, self.rtol, self.timeout)


@dataclass(frozen=True)
class Plan:
    """What a run will check: the whole answer from the cache (no SymPy needed), or the selection."""

    cached: tuple[IdentityResult, ...] | None
    identities: tuple = ()
    errors: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.cached) if self.cached is not None else len(self.identities)


def plan_targets(targets: Sequence[str], options: RunOptions) -> Plan:
    """Resolve what the command line names (`all`, catalogue names, identity files)."""
    cached = None if options.slow else _fully_cached(targets, options)
    if cached is not None:
        return Plan(cached)
    from ..derivations import catalogue, slow_catalogue
    from ..selection import select

    chosen = select(list(targets), catalogue() + (slow_catalogue() if options.slow else ()))
    return Plan(None, chosen.identities, chosen.errors)


def run_plan(plan: Plan, options: RunOptions, on_result: Callable[[IdentityResult], None] | None = None,
             input_errors: tuple[str, ...] = ()) -> RunResult:
    """Check the plan; `on_result` sees every result in selection order as soon as it is known."""
    if plan.cached is not None:
        results = plan.cached
        for result in results:
            if on_result is not None:
                on_result(result)
    else:
        results = verify_identities(plan.identities, options, on_result)
    return RunResult(results, options.seed, result_cache.versions(), tuple(input_errors) + plan.errors)


def verify_targets(targets: Sequence[str], options: RunOptions,
                   on_result: Callable[[IdentityResult], None] | None = None,
                   input_errors: tuple[str, ...] = ()) -> RunResult:
    """Check what the command line names, from the cache where it can."""
    return run_plan(plan_targets(targets, options), options, on_result, input_errors)


def verify_identities(identities: Sequence, options: RunOptions,
                      on_result: Callable[[IdentityResult], None] | None = None) -> tuple[IdentityResult, ...]:
    """Results for `identities` in order: cached ones read back, the others checked and stored."""
    store = result_cache.ResultCache(options.cache_dir) if options.cache_dir is not None else None
    settings_key = options.settings_key()
    found: dict[int, IdentityResult] = {}
    keys: dict[int, str] = {}
    measured = _measurements() if options.slow else set()
    if store is not None:
        for position, identity in enumerate(identities):
            if identity.name in measured:
                continue
            keys[position] = result_cache.content_key(identity, settings_key)
            hit = store.lookup(keys[position])
            if hit is not None:
                found[position] = hit
                _link_quick(store, identity, keys[position], settings_key)
    missing = [k for k in range(len(identities)) if k not in found]
    reporter = _InOrder(found, on_result)
    reporter.flush()

    def checked_one(offset: int, result: IdentityResult) -> None:
        position = missing[offset]
        found[position] = result
        if store is not None and position in keys:
            identity = identities[position]
            quick = result_cache.quick_key(identity.name, settings_key) if identity.origin == "catalogue" else None
            store.store(keys[position], result, quick)
        reporter.flush()

    _check([identities[k] for k in missing], options, checked_one)
    return tuple(found[k] for k in range(len(identities)))


def _measurements() -> set[str]:
    from ..derivations import slow_catalogue

    return {identity.name for identity in slow_catalogue()}


class _InOrder:
    """Calls `on_result` for results in selection order, as soon as every earlier one is known."""

    def __init__(self, found: dict[int, IdentityResult], on_result):
        self.found, self.on_result, self.next = found, on_result, 0

    def flush(self) -> None:
        while self.next in self.found:
            if self.on_result is not None:
                self.on_result(self.found[self.next])
            self.next += 1


def _check(identities: list, options: RunOptions, on_checked: Callable[[int, IdentityResult], None]) -> None:
    if not identities:
        return
    from .runner import RunSettings, verify_identity

    settings = RunSettings(seed=options.seed, rtol=options.rtol, timeout=options.timeout)
    if options.jobs <= 1:
        for offset, identity in enumerate(identities):
            on_checked(offset, verify_identity(identity, settings))
        return
    from .workers import WorkerLimits, verify_in_workers

    limits = WorkerLimits() if options.memory_limit is None else WorkerLimits(memory=options.memory_limit)
    counter = iter(range(len(identities)))
    verify_in_workers(identities, settings, options.jobs, limits,
                      on_result=lambda result: on_checked(next(counter), result))


def _fully_cached(targets: Sequence[str], options: RunOptions) -> tuple[IdentityResult, ...] | None:
    if options.cache_dir is None:
        return None
    from ..derivations.index import entries

    index = entries()
    if index is None:
        return None
    known = [e.name for e in index]
    names: list[str] = []
    for target in targets or ["all"]:
        picked = known if target == "all" else [target] if target in known else None
        if picked is None:
            return None  # an unknown name or a file: the full path reports it
        names.extend(n for n in picked if n not in names)
    store = result_cache.ResultCache(options.cache_dir)
    settings_key = options.settings_key()
    results = []
    for name in names:
        hit = store.quick_lookup(result_cache.quick_key(name, settings_key))
        if hit is None:
            return None
        results.append(hit)
    return tuple(results)


def _link_quick(store, identity, key: str, settings_key: dict) -> None:
    if identity.origin == "catalogue":
        store.link(result_cache.quick_key(identity.name, settings_key), key)
