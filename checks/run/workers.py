"""Checking identities in worker processes: a wall limit the parent enforces, a memory cap, `--jobs N`.

SymPy offers no cancellation, and the in-process SIGALRM budget (budget.py) cannot interrupt C code
or a handler that never returns, so a student's identity could still stall a CI pipeline. Here
identities are checked in forked worker processes, which live for the whole run and take one
identity after another (what one check cached serves the next). Inside a worker the usual symbolic budget still applies (a
proof that runs out reports `timeout` with the strategies it tried); the parent also gives the whole
identity a generous wall limit,

    wall limit = budget × (1 + number of links checked) + margin,

because the numeric cross-checks and every derivation link run after the symbolic budget of the
claim. A worker over its wall limit is killed (SIGKILL) and replaced, the identity reports
`timeout`, and the others go on. The worker's address space is capped with `resource.setrlimit(RLIMIT_AS)`, so a runaway
expansion ends as an `error` naming the cap rather than swapping the machine.

Forking (not spawning) lets the child inherit the identities: catalogue entries hold NumPy lambdas
and are not picklable, so only the results (plain dataclasses) travel back through a pipe. Results
come back in the order of the input whatever the completion order.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Self

from ...identity import Identity
from ...results import ErrorKind, IdentityResult, Verdict
from .process import freeze_before_fork, thaw

DEFAULT_MEMORY_LIMIT = 4 * 2**30  # bytes of address space per worker
DEFAULT_MARGIN = 30.0  # seconds on top of the symbolic budgets, for numeric checks and start-up


@dataclass(frozen=True)
class IdentityRef:
    """How a worker finds an identity: its origin (`catalogue` or a file path) and its name.

    Forked workers resolve it in the table they inherit; a catalogue identity can also be rebuilt by
    name, which is what a spawned worker would do.
    """

    origin: str
    name: str

    @classmethod
    def of(cls, identity: Identity) -> IdentityRef:
        return cls(identity.origin, identity.name)

    def resolve(self, inherited: dict[IdentityRef, Identity]) -> Identity:
        if self in inherited:
            return inherited[self]
        if self.origin == "catalogue":
            from ...derivations import by_name

            return by_name()[self.name]
        raise LookupError(f"{self.origin}: identity '{self.name}' is not available in this worker")


@dataclass(frozen=True)
class WorkerLimits:
    """What a worker may spend: the wall margin on top of the budgets and its address space."""

    margin: float = DEFAULT_MARGIN
    memory: int | None = DEFAULT_MEMORY_LIMIT


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def links_checked(identity: Identity) -> int:
    """Links of every derivation, plus the ones each erratum's corrected steps re-check."""
    links = sum(max(len(d.chain) - 1, 0) for d in identity.derivations)
    return links + sum(2 * len(e.corrections) for e in identity.errata)


def wall_limit(identity: Identity, budget: float, margin: float) -> float:
    return budget * (1 + links_checked(identity)) + margin


def verify_with_wall_limit(identity: Identity, settings, margin: float = DEFAULT_MARGIN) -> IdentityResult:
    """Check `identity` in this process (`--jobs 1`, the pytest plugin) under the wall limit a worker
    would have: no fork to kill, so the timer of budget.py interrupts the check instead. (No memory
    cap here: it would cap the caller too.)"""
    from ..runner import verify_identity
    from .budget import Deadline, WallLimitExceeded, interrupt_after

    limit = wall_limit(identity, _budget(identity, settings), margin)
    try:
        with interrupt_after(Deadline(limit), WallLimitExceeded):
            return verify_identity(identity, settings)
    except WallLimitExceeded:
        return _result(identity, Verdict.TIMEOUT, f"the check exceeded its wall limit of {limit:g} s and was "
                                                  "stopped; the strategies it was trying are not known", limit)


_INHERITED: dict[IdentityRef, Identity] = {}
LOOKAHEAD = 4  # identities queued per worker while the parent builds the next ones (1 afterwards)


def verify_in_workers(identities: Sequence[Identity], settings, jobs: int,
                      limits: WorkerLimits = WorkerLimits(),
                      on_result: Callable[[IdentityResult], None] | None = None) -> tuple[IdentityResult, ...]:
    """Check `identities` with at most `jobs` workers at a time; results in input order."""
    done: dict[int, IdentityResult] = {}
    reported = 0
    with WorkerPool(settings, jobs, limits) as pool:
        for position, identity in enumerate(identities):
            pool.submit(position, identity)
        for position, result in pool.results():
            done[position] = result
            while reported in done:  # report in input order as soon as the prefix is complete
                if on_result is not None:
                    on_result(done[reported])
                reported += 1
    return tuple(done[k] for k in range(len(identities)))


class WorkerPool:
    """At most `jobs` workers checking the identities submitted, longest first.

    Workers live for the whole run and take one identity after another, so what one check compiled
    and cached (SymPy's cache, compiled functions, numeric draws) serves the next; a worker that is
    killed for its wall limit, or runs out of memory, is replaced by a fresh one and what it had
    queued goes back to the others. Identities may be submitted while others are being checked (the
    catalogue is built module by module): a worker knows the identities that existed when it was
    forked, so one that knows none of those still to check is replaced by a fresh fork.
    """

    def __init__(self, settings, jobs: int, limits: WorkerLimits = WorkerLimits()):
        from ..evaluate import warm_up
        from ..runner import verify_identity

        warm_up()  # once here rather than once in every fork
        self.settings, self.jobs, self.limits = settings, max(jobs, 1), limits
        self._verify = verify_identity
        self._context = multiprocessing.get_context("fork")
        self._pending: list[tuple[int, Identity]] = []
        self._workers: list[_Worker] = []
        _INHERITED.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers.clear()
        _INHERITED.clear()
        thaw()

    def submit(self, position: int, identity: Identity) -> None:
        _INHERITED[IdentityRef.of(identity)] = identity
        self._pending.append((position, identity))
        self._pending.sort(key=lambda entry: _cost(entry[1]), reverse=True)  # stable: input order on ties

    def ready(self) -> list[tuple[int, IdentityResult]]:
        """The results already in, without waiting. More identities are still to come, and the
        parent is busy building them: each worker is sent up to LOOKAHEAD identities to go on with."""
        return self._collect(timeout=0, lookahead=LOOKAHEAD)

    def results(self):
        """Every remaining (position, result), in completion order, until nothing is left."""
        self._dispatch(lookahead=1)
        while self._pending or self._busy():
            nearest = min(worker.deadline for worker in self._busy())
            yield from self._collect(timeout=max(nearest - time.monotonic(), 0), lookahead=1)

    def _busy(self) -> list[_Worker]:
        return [worker for worker in self._workers if worker.queue]

    def _collect(self, timeout: float, lookahead: int) -> list[tuple[int, IdentityResult]]:
        found = []
        busy = {worker.connection: worker for worker in self._busy()}
        if busy:
            for connection in multiprocessing.connection.wait(list(busy), timeout=timeout):
                worker = busy[connection]
                position, result = worker.collect()
                found.append((position, result))
                if not worker.reusable:
                    self._retire(worker)
            now = time.monotonic()
            for worker in self._busy():
                if now >= worker.deadline:
                    position, identity, limit = worker.queue.popleft()
                    found.append((position, _timed_out(identity, limit)))
                    self._retire(worker)
        self._dispatch(lookahead)
        return found

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker; what it had queued goes back to be checked by another."""
        worker.stop()
        self._workers.remove(worker)
        for position, identity, _ in worker.queue:
            self.submit(position, identity)
        worker.queue.clear()

    def _dispatch(self, lookahead: int) -> None:
        for worker in [w for w in self._workers if not w.queue]:
            if self._pending and not any(IdentityRef.of(i) in worker.known for _, i in self._pending):
                self._retire(worker)  # it knows none of what is left: a fresh fork knows all
        while self._pending and len(self._workers) < self.jobs:
            self._workers.append(_Worker(self._context, self.settings, self.limits.memory, self._verify))
        assigned = True
        while self._pending and assigned:  # the longest first, each to the least loaded worker
            assigned = False
            for worker in sorted(self._workers, key=lambda w: len(w.queue)):
                choice = next((k for k, (_, i) in enumerate(self._pending) if IdentityRef.of(i) in worker.known),
                              None)
                if len(worker.queue) >= lookahead or choice is None:
                    continue
                position, identity = self._pending.pop(choice)
                worker.assign(position, identity, wall_limit(identity, _budget(identity, self.settings),
                                                             self.limits.margin))
                assigned = True


class _Worker:
    """One forked process that checks the identities it is sent, one at a time, in order."""

    def __init__(self, context, settings, memory: int | None, verify_identity):
        self.known = frozenset(_INHERITED)  # what a forked child can resolve
        freeze_before_fork()
        self.queue: deque[tuple[int, Identity, float]] = deque()  # sent, not yet answered
        self.deadline = 0.0  # of the identity at the head of the queue
        self.connection, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child, settings, memory, verify_identity), daemon=True)
        self.process.start()
        child.close()
        self.memory = memory
        self.reusable = True

    def assign(self, position: int, identity: Identity, limit: float) -> None:
        if not self.queue:
            self.deadline = time.monotonic() + limit
        self.queue.append((position, identity, limit))
        self.connection.send(IdentityRef.of(identity))

    def collect(self) -> tuple[int, IdentityResult]:
        """The answer for the head of the queue; the next identity's wall limit starts now."""
        position, identity, _ = self.queue.popleft()
        try:
            sent = self.connection.recv()
        except (EOFError, OSError):
            sent = None
        if self.queue:
            self.deadline = time.monotonic() + self.queue[0][2]
        if isinstance(sent, IdentityResult):
            return position, sent
        self.reusable = False  # it died, ran out of memory or failed: start afresh
        if sent is None:
            self.process.join(timeout=1)
            sent = f"the worker died without a result (exit code {self.process.exitcode})"
        return position, _result(identity, Verdict.ERROR, sent)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _budget(identity: Identity, settings) -> float:
    return settings.timeout if settings.timeout is not None else identity.timeout


def _cost(identity: Identity) -> tuple:
    """Longest first keeps both cores busy to the end: matrix and vector claims and long derivations
    dominate (a matrix claim is proved for every size and checked at random sizes up to 200)."""
    return (identity.matrix is not None or identity.is_vector, links_checked(identity))


def _serve(connection, settings, memory: int | None, verify_identity) -> None:
    """The worker: cap the address space, then check each identity sent until the pipe closes."""
    try:
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        while True:
            try:
                ref = connection.recv()
            except (EOFError, OSError):
                break
            try:
                result = verify_identity(ref.resolve(_INHERITED), settings)
                connection.send(result)
            except MemoryError:
                connection.send(_memory_message(memory))
                break
            except BaseException as failure:  # noqa: BLE001 - the parent turns this into the identity's error
                connection.send(f"worker failed: {type(failure).__name__}: {failure}")
                break
    finally:
        connection.close()
        os._exit(0)  # no atexit handlers or inherited finalizers of the parent in the child


def _memory_message(memory: int | None) -> str:
    cap = f"{memory / 2**30:g} GiB" if memory else "the machine's memory"
    return f"out of memory: the worker's memory cap of {cap} was exceeded (raise it with --memory-limit)"


def _timed_out(identity: Identity, limit: float) -> IdentityResult:
    return _result(identity, Verdict.TIMEOUT,
                   f"the worker exceeded its wall limit of {limit:g} s and was killed; "
                   "the strategies it was trying are not known", limit)


def _result(identity: Identity, verdict: Verdict, message: str, time_s: float = 0.0) -> IdentityResult:
    return IdentityResult(
        name=identity.name, source=identity.source, statement=identity.statement,
        expect=identity.expect.value, verdict=verdict, ok=False, strategy=None, scope="",
        numeric=None, counterexample=None, links=(), errata=(), time_s=time_s,
        message=message, notes=identity.notes, origin=identity.origin,
        error_kind=ErrorKind.ENGINE if verdict is Verdict.ERROR else ErrorKind.NONE,
    )
