"""Where each identity of a `verify` run is decided: the cache, a worker process, or this process.

The order of the answer is always the order of the selection. The fast path comes first: when every
target is a catalogue name (or `all`) and every result is in the cache under its quick key, the run is
assembled from the cache without importing SymPy or NumPy. Otherwise the catalogue is built, the
content keys say which results are still valid, and only the rest are checked, in `jobs` workers
(workers.py) or, with `jobs = 1`, in this process under the same wall limit, by SIGALRM (budget.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...input_errors import InputError, input_error
from ...results import IdentityResult, RunResult
from . import cache as result_cache


@dataclass(frozen=True)
class RunOptions:
    seed: int = 0
    rtol: float = 1e-9
    timeout: float | None = None
    jobs: int = 1
    cache_dir: Path | None = None  # None: no cache (the CLI passes the user's cache directory)
    memory_limit: int | None = None  # bytes per worker; None: the workers' default
    slow: bool = False  # also the timing checks (never cached: a measurement is redone every run)
    accept_numeric: bool = False  # --accept-numeric / [tool.qedcheck] accept-numeric

    def settings_key(self) -> dict:
        return result_cache.settings_description(self.seed, self.rtol, self.timeout, self.accept_numeric)


@dataclass(frozen=True)
class Plan:
    """What a run will check: the whole answer from the cache (no SymPy needed), the selection, or
    the whole catalogue built module by module while the first modules are being checked."""

    cached: tuple[IdentityResult, ...] | None
    identities: tuple = ()
    errors: tuple[InputError, ...] = ()
    batches: Callable[[], Iterable[Sequence]] | None = None  # `verify all`: the catalogue, module by module
    expected: int = 0  # how many identities the batches hold (from the light index)
    store: result_cache.ResultCache | None = None  # the run's cache (None: no cache)
    files: tuple = ()  # the identity files read (selection.LoadedFile): their names go to the cache
    documents: tuple = ()  # DocumentCoverage of each document named
    document_key: str | None = None  # documents only: where to remember what they yielded

    @property
    def size(self) -> int:
        if self.cached is not None:
            return len(self.cached)
        return self.expected if self.batches is not None else len(self.identities)


def plan_targets(targets: Sequence[str], options: RunOptions, glossary: str | None = None) -> Plan:
    """Resolve what the command line names (`all`, catalogue names, identity files and their names,
    documents read with `glossary`).

    Nothing named, nothing checked: callers that mean the catalogue say `all`.
    """
    from ...derivations.index import entries
    from ...selection import is_document_target

    store = result_cache.ResultCache(options.cache_dir) if options.cache_dir is not None else None
    documents_only = bool(targets) and all(is_document_target(target) for target in targets) and not options.slow
    document_key = None
    if documents_only and store is not None:
        from . import document_cache

        document_key = document_cache.documents_key(targets, glossary, options.settings_key())
        hit = document_cache.cached(store, document_key) if document_key is not None else None
        if hit is not None:
            results, errors, coverages = hit
            return Plan(results, errors=errors, store=store, documents=coverages)
    cached = None if options.slow or store is None else _fully_cached(targets, store, options)
    if cached is not None:
        return Plan(cached, store=store)
    if targets and not options.slow and all(target == "all" for target in targets):
        index = entries()  # None when stale: then the catalogue is built before it is checked
        if index is not None:
            from ...derivations import catalogue_modules

            return Plan(None, batches=catalogue_modules, expected=len(index), store=store)
    from ...selection import select

    chosen = select(list(targets), lambda: _catalogue_batches(options.slow), glossary)
    return Plan(None, chosen.identities, chosen.errors, store=store, files=chosen.files,
                documents=chosen.documents, document_key=document_key)


def _catalogue_batches(slow: bool):
    """The catalogue module by module (built as select reaches them), then the slow checks if asked."""
    from ...derivations import catalogue_modules, slow_catalogue

    yield from catalogue_modules()
    if slow:
        yield slow_catalogue()


def run_plan(plan: Plan, options: RunOptions, on_result: Callable[[IdentityResult], None] | None = None,
             input_errors: tuple[InputError, ...] = ()) -> RunResult:
    """Check the plan; `on_result` sees every result in selection order as soon as it is known."""
    if plan.cached is not None:
        results = plan.cached
        for result in results:
            if on_result is not None:
                on_result(result)
    elif plan.batches is not None:
        results = verify_batches(plan.batches(), options, on_result, plan.store)
    else:
        results = verify_batches((plan.identities,), options, on_result, plan.store)
    if plan.store is not None:
        _remember_files(plan.store, plan.files, options.settings_key())
    if plan.document_key is not None and plan.store is not None:
        from . import document_cache

        document_cache.remember(plan.store, plan.document_key, plan.identities, plan.errors, plan.documents,
                                options.settings_key())
    errors = tuple(input_error(e) for e in (*input_errors, *plan.errors))
    return RunResult(results, options.seed, result_cache.versions(), errors,
                     cache=plan.store.report() if plan.store is not None else None, documents=plan.documents)


def verify_targets(targets: Sequence[str], options: RunOptions,
                   on_result: Callable[[IdentityResult], None] | None = None,
                   input_errors: tuple[InputError, ...] = ()) -> RunResult:
    """Check what the command line names, from the cache where it can."""
    return run_plan(plan_targets(targets, options), options, on_result, input_errors)


def verify_identities(identities: Sequence, options: RunOptions,
                      on_result: Callable[[IdentityResult], None] | None = None) -> tuple[IdentityResult, ...]:
    """Results for `identities` in order: cached ones read back, the others checked and stored."""
    return verify_batches((identities,), options, on_result)


def verify_batches(batches: Iterable[Sequence], options: RunOptions,
                   on_result: Callable[[IdentityResult], None] | None = None,
                   store: result_cache.ResultCache | None = None) -> tuple[IdentityResult, ...]:
    """As verify_identities, for identities that arrive in batches (the catalogue's modules, as they
    are built): the workers check the first batches while the next are being built."""
    if store is None and options.cache_dir is not None:
        store = result_cache.ResultCache(options.cache_dir)
    settings_key = options.settings_key()
    measured = _measurements() if options.slow else set()
    identities: list = []
    keys: dict[int, str] = {}
    found: dict[int, IdentityResult] = {}
    reporter = _InOrder(found, on_result)

    def checked(position: int, result: IdentityResult) -> None:
        found[position] = result
        if store is not None and position in keys:
            identity = identities[position]
            quick = result_cache.quick_key(identity.name, settings_key) if identity.origin == "catalogue" else None
            store.store(keys[position], result, quick)

    with _checker(options) as checker:
        for batch in batches:
            for identity in batch:
                position = len(identities)
                identities.append(identity)
                if store is not None and identity.name not in measured:
                    keys[position] = result_cache.content_key(identity, settings_key)
                    hit = store.lookup(keys[position])
                    if hit is not None:
                        found[position] = hit
                        _link_quick(store, identity, keys[position], settings_key)
                        continue
                checker.submit(position, identity)
            for position, result in checker.ready():
                checked(position, result)
            reporter.flush()
        for position, result in checker.results():
            checked(position, result)
            reporter.flush()
    return tuple(found[k] for k in range(len(identities)))


def _measurements() -> set[str]:
    from ...derivations import slow_catalogue

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


def _checker(options: RunOptions):
    """Worker processes for `jobs` > 1; otherwise this process, under the SIGALRM budget."""
    from ..runner import RunSettings

    settings = RunSettings(seed=options.seed, rtol=options.rtol, timeout=options.timeout,
                           accept_numeric=options.accept_numeric)
    if options.jobs <= 1:
        return _InProcess(settings)
    from .workers import WorkerLimits, WorkerPool

    limits = WorkerLimits() if options.memory_limit is None else WorkerLimits(memory=options.memory_limit)
    return WorkerPool(settings, options.jobs, limits)


class _InProcess:
    """The checker of `--jobs 1`: everything submitted is checked in order when the results are asked."""

    def __init__(self, settings):
        self.settings = settings
        self.pending: list = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.pending.clear()

    def submit(self, position: int, identity) -> None:
        self.pending.append((position, identity))

    def ready(self) -> list:
        return []

    def results(self):
        from .workers import verify_with_wall_limit

        while self.pending:
            position, identity = self.pending.pop(0)
            yield position, verify_with_wall_limit(identity, self.settings)


def _fully_cached(targets: Sequence[str], store: result_cache.ResultCache,
                  options: RunOptions) -> tuple[IdentityResult, ...] | None:
    """The whole answer from the cache, without SymPy, or None: catalogue identities by quick key
    (through the light index), a file's identities by its file key. Anything else (a miss, an unknown
    name, a file that changed or was never read cleanly, a name used twice) goes the full way, which
    checks and reports it."""
    from ...selection import group_targets, is_file_target

    settings_key = options.settings_key()
    wanted: list[tuple[str, str | None, str]] = []  # (name, origin, key); origin None: the catalogue
    known: list[str] | None = None
    for target, names in group_targets(targets):
        if is_file_target(target):
            pairs = _file_names(store, target, names, settings_key)
            if pairs is None:
                return None
            wanted.extend((name, target, key) for name, key in pairs)
            continue
        if known is None:
            from ...derivations.index import entries

            index = entries()
            if index is None:
                return None
            known = [e.name for e in index]
        picked = known if target == "all" else [target] if target in known else None
        if picked is None:
            return None
        wanted.extend((name, None, result_cache.quick_key(name, settings_key)) for name in picked)
    if not wanted:
        return None
    results, seen = [], {}
    for name, origin, key in wanted:
        if name in seen:
            if origin is None and seen[name] is None:
                continue  # a catalogue identity named twice (`all` and its name) is checked once
            return None
        seen[name] = origin
        hit = store.quick_lookup(key) if origin is None else store.lookup(key)
        if hit is None:
            return None
        results.append(hit)
    return tuple(results)


def _file_names(store: result_cache.ResultCache, path: str, names: list[str],
                settings_key: dict) -> list[tuple[str, str]] | None:
    """(name, content key) of the identities of `path` a command line selects, from the cache."""
    digest = result_cache.file_digest(path)
    if digest is None:
        return None
    pairs = store.manifest(result_cache.file_key(path, digest, settings_key))
    if pairs is None or not names:
        return pairs
    by_name = dict(pairs)
    if any(name not in by_name for name in names):
        return None
    return [(name, by_name[name]) for name in names]


def _remember_files(store: result_cache.ResultCache, files, settings_key: dict) -> None:
    """Record the names and content keys of every file this run read cleanly, under its file key."""
    for loaded in files:
        if loaded.clean and loaded.digest:
            pairs = [(identity.name, result_cache.content_key(identity, settings_key))
                     for identity in loaded.identities]
            store.store_manifest(result_cache.file_key(loaded.path, loaded.digest, settings_key), pairs)


def _link_quick(store, identity, key: str, settings_key: dict) -> None:
    if identity.origin == "catalogue":
        store.link(result_cache.quick_key(identity.name, settings_key), key)
