"""The command line: parse arguments, wire selection → checks → reports. No checking here.

Exit codes: 0 every identity matched its expectation; 1 some did not; 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys

if __package__ in (None, ""):  # `python cli.py …` from a checkout: load this directory as `qedcheck`
    import importlib.util
    import pathlib

    _root = pathlib.Path(__file__).resolve().parent
    _spec = importlib.util.spec_from_file_location("qedcheck", _root / "__init__.py",
                                                   submodule_search_locations=[str(_root)])
    _package = importlib.util.module_from_spec(_spec)
    sys.modules["qedcheck"] = _package
    _spec.loader.exec_module(_package)
    __package__ = "qedcheck"

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qedcheck",
        description="Prove identities symbolically, cross-check them numerically, check every written step.",
    )
    parser.add_argument("--version", action="version", version=f"qedcheck {__version__}")
    parser.add_argument("--no-color", action="store_true", help="plain output (NO_COLOR is honoured too)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    verify = commands.add_parser("verify", help="check identities: 'all', catalogue names")
    verify.add_argument("targets", nargs="*", metavar="TARGET", help="'all' (default) or identity names")
    verify.add_argument("--json", metavar="PATH", help="write the qedcheck-report/1 JSON report to PATH")
    verify.add_argument("--seed", type=int, default=0, help="seed of the numeric sample (default 0)")
    verify.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="symbolic budget per identity (default: each identity's own, 10 s)")
    verify.add_argument("--rtol", type=float, default=1e-9, help="relative tolerance of the numeric check")
    verify.add_argument("--slow", action="store_true",
                        help="also run the slow checks (measured cost of the softmax VJP vs the Jacobian)")
    verify.set_defaults(handler=_verify)

    listing = commands.add_parser("list", help="list the catalogue")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="explain one identity: statement, every link, numbers")
    show.add_argument("name")
    show.add_argument("--seed", type=int, default=0)
    show.set_defaults(handler=_show)

    from .audit_cli import add_audit_command

    add_audit_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args)


def _console(args):
    import os

    from rich.console import Console

    plain = args.no_color or "NO_COLOR" in os.environ
    console = Console(no_color=plain, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = max(console.width, 120)  # CI logs are wide; 80 columns folds every name
    return console


def _verify(args) -> int:
    from .checks.runner import RunSettings, verify_all
    from .derivations import catalogue, slow_catalogue
    from .report import terminal
    from .selection import select

    chosen = select(args.targets, catalogue() + (slow_catalogue() if args.slow else ()))
    settings = RunSettings(seed=args.seed, rtol=args.rtol, timeout=args.timeout)
    run = verify_all(chosen.identities, settings, input_errors=chosen.errors)
    if args.json:
        from .report.json_report import write_json

        write_json(run, args.json)
    _console(args).print(terminal.run_report(run))
    return run.exit_code


def _list(args) -> int:
    from rich.table import Table

    from .derivations import catalogue

    table = Table(title="qedcheck catalogue", title_justify="left")
    for column in ("source", "identity", "expect", "statement"):
        table.add_column(column, overflow="fold")
    for identity in catalogue():
        table.add_row(identity.source, identity.name, identity.expect.value, identity.statement)
    _console(args).print(table)
    return EXIT_OK


def _show(args) -> int:
    from .checks.runner import RunSettings, verify_identity
    from .derivations import by_name, slow_catalogue
    from .report import terminal
    from .selection import did_you_mean

    known = {**by_name(), **{identity.name: identity for identity in slow_catalogue()}}
    if args.name not in known:
        print(f"qedcheck: unknown identity '{args.name}'{did_you_mean(args.name, known)}", file=sys.stderr)
        return EXIT_USAGE
    result = verify_identity(known[args.name], RunSettings(seed=args.seed))
    _console(args).print(terminal.identity_detail(result))
    return EXIT_OK if result.ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
