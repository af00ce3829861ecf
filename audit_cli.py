"""The `qedcheck audit` subcommand: argument parsing and wiring only.

`cli.py` owns the top-level parser and calls `add_audit_command(subparsers)`; the parsed namespace
carries `handler`, which returns the exit code:

* 0: the audit ran and every catalogue implementation (the ones the numeric cross-check uses) is stable;
* 1: a catalogue implementation is no longer stable (the naive ones are expected to fail);
* 2: `--plot` was asked for but matplotlib is missing, or an output path could not be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine imports NumPy and mpmath: only when the command runs
    from rich.console import Console

    from .checks.audit import AuditReport


def add_audit_command(subparsers) -> None:
    """Register `audit` on the subparsers of the main `qedcheck` parser."""
    parser = subparsers.add_parser(
        "audit",
        help="float64 accuracy audit of naive versus stable activations",
        description=(
            "Evaluate naive and stable NumPy implementations of every catalogue activation, softmax and "
            "log-softmax against a 50-digit mpmath reference on a grid covering |x| from 1e-300 to 1e4, "
            "and report the largest error in ULPs, the first x where each one fails, and a verdict."
        ),
    )
    parser.add_argument(
        "--plot",
        metavar="DIR",
        type=Path,
        help='write one PNG per function into DIR (needs matplotlib: pip install "qedcheck[plot]")',
    )
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the rows as JSON to PATH")
    parser.set_defaults(handler=audit_command)


def exit_code(report: AuditReport) -> int:
    return 0 if all(row.verdict == "stable" for row in report.rows if row.catalogue) else 1


def audit_command(args: argparse.Namespace, console: Console | None = None) -> int:
    from rich.console import Console

    from .checks.audit import run_audit
    from .report.audit_json import write_audit_json
    from .report.audit_plot import PlotUnavailable, require_matplotlib, write_audit_plots
    from .report.audit_table import render_audit, wide_enough_for_code

    console = console or Console()
    errors = Console(stderr=True)
    if args.plot is not None:
        try:
            require_matplotlib()
        except PlotUnavailable as missing:
            errors.print(f"qedcheck audit: {missing}", markup=False, highlight=False)
            return 2
    report = run_audit()
    console.print(render_audit(report, show_code=wide_enough_for_code(console.width)))
    try:
        if args.json is not None:
            console.print(f"JSON rows written to {write_audit_json(report, args.json)}", markup=False)
        if args.plot is not None:
            for path in write_audit_plots(report, args.plot):
                console.print(f"plot written to {path}", markup=False)
    except OSError as failure:
        errors.print(f"qedcheck audit: cannot write output: {failure}", markup=False, highlight=False)
        return 2
    return exit_code(report)
