"""Progress while checking: a bar on a terminal, one plain line per identity in a CI log, nothing with --quiet.

Fed by `verify_all(..., on_result=progress.advance)`; it only reads results. The plain lines carry no
times, so two runs with the same seed print the same lines and a CI log can be diffed (times are
shown only in the final table's `time` column).
"""

from __future__ import annotations

from typing import Literal, Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..results import IdentityResult
from .terminal import verdict_text

Mode = Literal["bar", "lines", "off"]


def choose_mode(console: Console, quiet: bool) -> Mode:
    if quiet:
        return "off"
    return "bar" if console.is_terminal else "lines"


class CheckProgress:
    """Use as a context manager around `verify_all`; pass `advance` as `on_result`."""

    def __init__(self, console: Console, total: int, mode: Mode):
        self.console = console
        self.total = total
        self.mode = mode
        self.done = 0
        self._bar: Progress | None = None
        self._task = None

    def __enter__(self) -> Self:
        if self.mode == "bar" and self.total:
            self._bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                                 console=self.console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, result: IdentityResult) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=result.name)
        elif self.mode == "lines":
            self.console.print(line(result, self.done, self.total))


def line(result: IdentityResult, done: int, total: int):
    """`[ 3/19] ✓ proved  Q1(b) sigmoid_deriv`: no time, so the line is the same on every run."""
    from rich.text import Text

    width = len(str(total))
    return Text.assemble(f"[{done:>{width}}/{total}] ", verdict_text(result.verdict, result.ok, result.expect),
                         f"  {result.source} {result.name}")
