"""The terminal view of `qedcheck audit`: one table row per implementation, then a legend that states
every threshold, so a reader can tell what "stable" meant for these numbers.

It only reads `AuditReport`; nothing here measures or decides.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..checks.audit import (
    FAILURE_MEANING,
    FLOAT64_MAX,
    FLOAT64_TINY,
    VERDICT_MEANING,
    AuditReport,
    AuditRow,
    Failure,
)

CODE_COLUMN_MIN_WIDTH = 160
VERDICT_STYLE = {"stable": "green", "inaccurate": "yellow", "unstable": "bold red"}


def format_ulp(ulp: float) -> str:
    if ulp == 0:
        return "0"
    if ulp < 1e4:
        return f"{ulp:.2f}"
    return f"{ulp:.1e}"


def format_x(x: float) -> str:
    if x == 0:
        return "0"
    if 1e-4 <= abs(x) < 1e5:
        return f"{x:.6g}" if abs(x) < 100 else f"{x:.4f}"
    return f"{x:.3g}"


def describe_failure(failure: Failure) -> str:
    """`x = 709.7827: inf (true 709.78)`: the point, what came back, and what should have."""
    return f"x = {format_x(failure.x)}: {failure.kind} (got {failure.value:.4g}, true {failure.reference:.4g})"


def wide_enough_for_code(width: int) -> bool:
    """The code column only fits on wide terminals; the plots and JSON always carry it."""
    return width >= CODE_COLUMN_MIN_WIDTH


def _failures_cell(row: AuditRow) -> Text:
    if not row.failures:
        return Text("none", style="green")
    return Text("\n".join(describe_failure(f) for f in row.failures), style="red")


def audit_table(report: AuditReport, show_code: bool = True) -> Table:
    table = Table(title=f"float64 accuracy audit ({report.digits}-digit mpmath reference)", show_lines=False)
    table.add_column("function", no_wrap=True)
    table.add_column("implementation", no_wrap=True)
    if show_code:
        table.add_column("code", style="dim")
    table.add_column("max ULP\n(normal range)", justify="right", no_wrap=True)
    table.add_column("at x", justify="right", no_wrap=True)
    table.add_column("first failure from 0 outwards (x<0, x=0, x>0)")
    table.add_column("verdict", no_wrap=True)
    previous = None
    for row in report.rows:
        name = row.function if row.function != previous else ""
        if previous is not None and row.function != previous:
            table.add_section()
        previous = row.function
        implementation = row.implementation + (" *" if row.catalogue else "")
        cells = [
            name,
            implementation,
            *([row.code] if show_code else []),
            format_ulp(row.max_ulp_normal),
            format_x(row.worst_x) if row.max_ulp_normal > 0 else "",
            _failures_cell(row),
            Text(row.verdict, style=VERDICT_STYLE[row.verdict]),
        ]
        table.add_row(*cells)
    return table


def audit_legend(report: AuditReport) -> Text:
    """The thresholds and definitions behind the table's numbers."""
    points = report.rows[0].points if report.rows else 0
    low, high = report.x_range
    lines = [
        "* = the implementation the catalogue's numeric cross-check uses (derivations/numpy_impl.py).",
        f"Verdict thresholds: stable ≤ {report.stable_max_ulp:g} ULP.",
    ]
    lines += [f"  {verdict}: {meaning}" for verdict, meaning in VERDICT_MEANING.items()]
    lines += [
        (
            "ULP error = |computed − true| / spacing(true), measured where the true value is 0 or a normal "
            f"double ({FLOAT64_TINY:.4g} ≤ |true| ≤ {FLOAT64_MAX:.4g}); vectors report their worst entry."
        ),
        "Failures (first on each side of 0, sharpened by bisection to the float64 where they start):",
    ]
    lines += [f"  {kind}: {meaning}" for kind, meaning in FAILURE_MEANING.items()]
    windows = ", ".join(f"{t:.2f}" for t, _ in report.thresholds)
    lines.append(
        f"Grid: {points} points, |x| from {low:g} to {high:g} (both signs, log-spaced) and 0, dense around "
        f"|x| = {windows}; softmax and log-softmax take [0, x] and [x, x−1, x−2]."
    )
    lines += [f"  |x| ≈ {t:.2f}: {why}" for t, why in report.thresholds]
    return Text("\n".join(lines))


def render_audit(report: AuditReport, show_code: bool = True) -> Group:
    """Table then legend, ready for `Console.print`."""
    return Group(audit_table(report, show_code=show_code), audit_legend(report))
