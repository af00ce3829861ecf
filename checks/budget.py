"""Time budgets for symbolic work.

SymPy offers no cancellation, so the budget interrupts it with a timer signal (SIGALRM) when it is
running on the main thread of a POSIX process. Elsewhere the deadline is still checked between
strategies, so no strategy *starts* after the budget is spent.
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


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def interrupt_after(deadline: Deadline):
    """Run the body, raising BudgetExceeded inside it if the deadline passes."""
    if deadline.expired():
        raise BudgetExceeded()
    if not _can_interrupt():
        yield
        return

    def _on_alarm(signum, frame):
        raise BudgetExceeded()

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    # The timer repeats every 50 ms after the deadline: an exception raised while Python runs a
    # weakref callback or __del__ is swallowed, and a single alarm would then be lost.
    signal.setitimer(signal.ITIMER_REAL, max(deadline.remaining(), 1e-3), 0.05)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
