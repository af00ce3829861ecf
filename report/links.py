"""`verify --verbose`: every link of every identity's written derivation, one table per identity."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..results import RunResult
from .terminal import plain, verdict_text


def links_report(run: RunResult) -> Group:
    tables = []
    for r in run.results:
        if not r.links:
            continue
        table = Table(title=Text(f"{r.source} {r.name}: written derivation"), title_justify="left")
        for column in ("link", "case", "from", "to", "verdict", "strategy"):
            table.add_column(column, overflow="fold")
        for link in r.links:  # Text cells: user strings are never read as rich markup (terminal.py)
            table.add_row(*map(plain, (f"{link.derivation}.{link.index}", link.label, link.lhs, link.rhs,
                                       verdict_text(link.verdict, link.ok, link.expect), link.strategy or "—")))
        tables.append(table)
        for link in r.links:
            if link.counterexample is not None:
                tables.append(Text(f"  link {link.derivation}.{link.index}: counterexample "
                                   f"{link.counterexample.describe()}"))
    return Group(*tables)
