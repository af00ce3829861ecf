"""Time budgets for symbolic work.

SymPy offers no cancellation, so the budget interrupts it with a timer signal (SIGALRM) when it is
running on the main thread of a POSIX process. Elsewhere the deadline is still checked between
strategies, so no strategy *starts* after the budget is spent. Deadlines nest: when identities are
checked in this process (`--jobs 1`, the pytest plugin) the identity's wall limit (workers.py) is
enforced around its proof's budget by the same timer.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time


class BudgetExceeded(Exception):
    """The identity's symbolic time budget is spent."""


class Deadline:
    """A point in time after which symbolic work must stop."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0


class WallLimitExceeded(BaseException):
    """An identity's whole wall limit is spent (checks run in this process: `--jobs 1`, the pytest
    plugin). A BaseException, so that no `except Exception` on the way can mistake it for a failure
    of the check it interrupts."""


# The deadlines being enforced, outermost first, with what each raises. One timer serves them all:
# the wall limit of a whole identity and, inside it, the budget of its proof.
_ACTIVE: list[tuple[Deadline, type[BaseException]]] = []


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum, frame):
    for deadline, exception in _ACTIVE:  # the outermost first: a spent wall limit beats a proof budget
        if deadline.expired():
            raise exception()
    _arm()  # woken before any deadline (a timer left by someone else): sleep again


def _arm() -> None:
    # The timer repeats every 50 ms after the deadline: an exception raised while Python runs a
    # weakref callback or __del__ is swallowed, and a single alarm would then be lost.
    nearest = min(deadline.remaining() for deadline, _ in _ACTIVE)
    signal.setitimer(signal.ITIMER_REAL, max(nearest, 1e-3), 0.05)


@contextlib.contextmanager
def interrupt_after(deadline: Deadline, exception: type[BaseException] = BudgetExceeded):
    """Run the body, raising `exception` inside it if the deadline passes. Nests: an inner deadline
    (a proof's budget) never cancels an outer one (the identity's wall limit)."""
    if deadline.expired():
        raise exception()
    if not _can_interrupt():
        yield
        return
    outermost = not _ACTIVE
    if outermost:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    _ACTIVE.append((deadline, exception))
    _arm()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _ACTIVE.remove((deadline, exception))
        if _ACTIVE:
            _arm()
        elif outermost:
            signal.signal(signal.SIGALRM, previous)
