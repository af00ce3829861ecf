"""Where each identity of a `verify` run is decided: the cache, a worker process, or this process.

The order of the answer is always the order of the selection. The fast path comes first: when every
target is a catalogue name (or `all`) and every result is in the cache under its quick key, the run is
assembled from the cache without importing SymPy or NumPy. Otherwise the catalogue is built, the
content keys say which results are still valid, and only the rest are checked, in `jobs` workers
(workers.py) or, with `jobs = 1`, in this process under the SIGALRM budget (budget.py).
"""

from __future__ import annotations

from collections.abc import Sequence
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

    def settings_key(self) -> dict:
        return result_cache.settings_description(self.seed, self.rtol, self.timeout)


def verify_targets(targets: Sequence[str], options: RunOptions) -> RunResult:
    """Check what the command line names (`all` or catalogue names)."""
    cached = _fully_cached(targets, options)
    if cached is not None:
        return RunResult(cached, options.seed, result_cache.versions(), ())
    from ..derivations import catalogue
    from ..selection import select

    chosen = select(list(targets), catalogue())
    results = verify_identities(chosen.identities, options)
    return RunResult(results, options.seed, result_cache.versions(), chosen.errors)


def verify_identities(identities: Sequence, options: RunOptions) -> tuple[IdentityResult, ...]:
    """Results for `identities` in order: cached ones read back, the others checked and stored."""
    store = result_cache.ResultCache(options.cache_dir) if options.cache_dir is not None else None
    settings_key = options.settings_key()
    found: dict[int, IdentityResult] = {}
    keys: dict[int, str] = {}
    if store is not None:
        for position, identity in enumerate(identities):
            keys[position] = result_cache.content_key(identity, settings_key)
            hit = store.lookup(keys[position])
            if hit is not None:
                found[position] = hit
                _link_quick(store, identity, keys[position], settings_key)
    missing = [k for k in range(len(identities)) if k not in found]
    checked = _check([identities[k] for k in missing], options)
    for position, result in zip(missing, checked):
        found[position] = result
        if store is not None:
            identity = identities[position]
            quick = result_cache.quick_key(identity.name, settings_key) if identity.origin == "catalogue" else None
            store.store(keys[position], result, quick)
    return tuple(found[k] for k in range(len(identities)))


def _check(identities: list, options: RunOptions) -> list[IdentityResult]:
    if not identities:
        return []
    from .runner import RunSettings, verify_identity

    settings = RunSettings(seed=options.seed, rtol=options.rtol, timeout=options.timeout)
    if options.jobs <= 1:
        return [verify_identity(identity, settings) for identity in identities]
    from .workers import WorkerLimits, verify_in_workers

    limits = WorkerLimits() if options.memory_limit is None else WorkerLimits(memory=options.memory_limit)
    return list(verify_in_workers(identities, settings, options.jobs, limits))


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
