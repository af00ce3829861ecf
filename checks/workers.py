"""Checking identities in worker processes: a wall limit the parent enforces, a memory cap, `--jobs N`.

SymPy offers no cancellation, and the in-process SIGALRM budget (budget.py) cannot interrupt C code
or a handler that never returns, so a student's identity could still stall a CI pipeline. Here every
identity is checked in its own forked process. Inside it the usual symbolic budget still applies (a
proof that runs out reports `timeout` with the strategies it tried); the parent also gives the whole
identity a generous wall limit,

    wall limit = budget × (1 + number of links checked) + margin,

because the numeric cross-checks and every derivation link run after the symbolic budget of the
claim. A worker over its wall limit is killed (SIGKILL) and the identity reports `timeout`; the
others go on. The worker's address space is capped with `resource.setrlimit(RLIMIT_AS)`, so a runaway
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..identity import Identity
from ..results import IdentityResult, Verdict

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
            from ..derivations import by_name

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


_INHERITED: dict[IdentityRef, Identity] = {}


def verify_in_workers(identities: Sequence[Identity], settings, jobs: int,
                      limits: WorkerLimits = WorkerLimits(),
                      on_result: Callable[[IdentityResult], None] | None = None) -> tuple[IdentityResult, ...]:
    """Check `identities` with at most `jobs` workers at a time; results in input order."""
    from .runner import verify_identity

    context = multiprocessing.get_context("fork")
    _INHERITED.clear()
    _INHERITED.update({IdentityRef.of(i): i for i in identities})
    pending = sorted(range(len(identities)), key=lambda k: _cost(identities[k]), reverse=True)
    running: dict = {}  # connection -> (position, process, deadline)
    done: dict[int, IdentityResult] = {}
    reported = 0
    try:
        while pending or running:
            while pending and len(running) < max(jobs, 1):
                position = pending.pop(0)
                identity = identities[position]
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(IdentityRef.of(identity), settings, limits.memory,
                                                              sender, verify_identity), daemon=True)
                process.start()
                sender.close()
                limit = wall_limit(identity, _budget(identity, settings), limits.margin)
                running[receiver] = (position, process, time.monotonic() + limit, limit)
            nearest = min(deadline for _, _, deadline, _ in running.values())
            ready = multiprocessing.connection.wait(list(running), timeout=max(nearest - time.monotonic(), 0))
            for receiver in ready:
                position, process, _, _ = running.pop(receiver)
                done[position] = _receive(receiver, process, identities[position])
            now = time.monotonic()
            for receiver, (position, process, deadline, limit) in list(running.items()):
                if now >= deadline:
                    process.kill()
                    process.join()
                    receiver.close()
                    del running[receiver]
                    done[position] = _timed_out(identities[position], limit)
            while reported in done:  # report in input order as soon as the prefix is complete
                if on_result is not None:
                    on_result(done[reported])
                reported += 1
    finally:
        for receiver, (_, process, _, _) in running.items():
            process.kill()
            process.join()
            receiver.close()
        _INHERITED.clear()
    return tuple(done[k] for k in range(len(identities)))


def _budget(identity: Identity, settings) -> float:
    return settings.timeout if settings.timeout is not None else identity.timeout


def _cost(identity: Identity) -> tuple:
    """Longest first keeps both cores busy to the end: vector claims and long derivations dominate."""
    return (identity.is_vector, links_checked(identity))


def _work(ref: IdentityRef, settings, memory: int | None, sender, verify_identity) -> None:
    """The worker: cap the address space, check one identity, send the result, exit."""
    try:
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        identity = ref.resolve(_INHERITED)
        result = verify_identity(identity, settings)
        if result.verdict is Verdict.ERROR and result.message.startswith("MemoryError"):
            result = replace(result, message=_memory_message(memory))
        sender.send(result)
    except MemoryError:
        sender.send(_memory_message(memory))
    except BaseException as failure:  # noqa: BLE001 - the parent turns this into the identity's error
        sender.send(f"worker failed: {type(failure).__name__}: {failure}")
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers or inherited finalizers of the parent in the child


def _memory_message(memory: int | None) -> str:
    cap = f"{memory / 2**30:g} GiB" if memory else "the machine's memory"
    return f"out of memory: the worker's memory cap of {cap} was exceeded (raise it with --memory-limit)"


def _receive(receiver, process, identity: Identity) -> IdentityResult:
    try:
        sent = receiver.recv()
    except (EOFError, OSError):
        sent = None
    finally:
        receiver.close()
        process.join()
    if isinstance(sent, IdentityResult):
        return sent
    if sent is None:
        sent = f"the worker died without a result (exit code {process.exitcode})"
    return _result(identity, Verdict.ERROR, sent)


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
    )
