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

    verify = commands.add_parser("verify", help="check identities: 'all', catalogue names, FILE.toml, FILE.md, FILE.tex")
    verify.add_argument("targets", nargs="*", metavar="TARGET",
                        help="'all' (default), identity names, identity files FILE.toml, documents FILE.md/FILE.tex")
    verify.add_argument("--glossary", metavar="G.toml", default=None,
                        help="the notation of the documents named (overrides their +++ front matter)")
    verify.add_argument("--annotations", choices=["github", "none"], default=None,
                        help="print GitHub workflow annotations for wrong steps (default: under GITHUB_ACTIONS)")
    verify.add_argument("--json", metavar="PATH", help="write the qedcheck-report/1 JSON report to PATH")
    verify.add_argument("--seed", type=_setting(int, "seed_problem"), default=None,
                        help="seed of the numeric sample (default 0)")
    verify.add_argument("--timeout", type=_setting(float, "timeout_problem"), default=None, metavar="SECONDS",
                        help="symbolic budget per identity (default: each identity's own, 10 s)")
    verify.add_argument("--rtol", type=_setting(float, "rtol_problem"), default=None,
                        help="relative tolerance of the numeric check (1e-9; from 1e-15 to 1e-6)")
    verify.add_argument("--junit", metavar="PATH", help="write a JUnit XML report to PATH")
    verify.add_argument("--markdown", metavar="PATH", help="append a Markdown report to PATH ($GITHUB_STEP_SUMMARY)")
    verify.add_argument("--no-color", action="store_true", default=argparse.SUPPRESS, help="plain output")
    loudness = verify.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="the summary line only (and what failed)")
    loudness.add_argument("-v", "--verbose", action="store_true", help="also every link of every derivation")
    verify.add_argument("--jobs", "-j", type=_setting(int, "jobs_problem"), default=None, metavar="N",
                        help="worker processes (default: the number of cores; 1 checks in this process)")
    verify.add_argument("--no-cache", action="store_true", help="check everything again; read and write no cache")
    verify.add_argument("--cache-dir", default=None, metavar="DIR",
                        help="where results are cached (default: $QEDCHECK_CACHE_DIR, [tool.qedcheck] "
                             "cache-dir, else the user's cache directory; see docs/cache.md)")
    verify.add_argument("--memory-limit", type=_setting(float, "memory_problem"), default=4.0, metavar="GIB",
                        help="address-space cap of each worker process in GiB (default 4)")
    verify.add_argument("--accept-numeric", action=argparse.BooleanOptionalAction, default=None,
                        help="let a claim expected to hold pass as numeric-only when no proof is found "
                             "(still reported as numeric-only; default: [tool.qedcheck] accept-numeric, "
                             "else no)")
    verify.add_argument("--slow", action="store_true",
                        help="also run the slow checks (measured cost of the softmax VJP vs the Jacobian)")
    verify.set_defaults(handler=_verify)

    cache = commands.add_parser("cache", help="the result cache: 'clear' it, or print its 'path'")
    cache.add_argument("action", choices=["clear", "path"])
    cache.add_argument("--cache-dir", default=None, metavar="DIR")
    cache.set_defaults(handler=_cache)

    listing = commands.add_parser("list", help="list identities: the catalogue, or those of FILE.toml")
    listing.add_argument("targets", nargs="*", metavar="FILE.toml",
                         help="identity files (default: [tool.qedcheck] files, else the catalogue)")
    listing.add_argument("--glossary", metavar="G.toml", default=None,
                         help="the notation of the documents named (as for verify)")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="explain one identity: statement, every link, numbers",
                               description="qedcheck show NAME (the catalogue) or qedcheck show FILE NAME "
                                           "(an identity of FILE.toml, FILE.md or FILE.tex)")
    show.add_argument("first", metavar="FILE|NAME",
                      help="an identity file or document (FILE.toml, FILE.md, FILE.tex), or a catalogue name")
    show.add_argument("name", nargs="?", metavar="NAME", help="the identity of FILE")
    show.add_argument("--seed", type=_setting(int, "seed_problem"), default=None,
                      help="seed of the numeric sample (default 0)")
    show.add_argument("--timeout", type=_setting(float, "timeout_problem"), default=None, metavar="SECONDS",
                      help="symbolic budget (default: [tool.qedcheck] timeout, else the identity's own)")
    show.add_argument("--rtol", type=_setting(float, "rtol_problem"), default=None,
                      help="relative tolerance of the numeric check (default: [tool.qedcheck] rtol, else 1e-9)")
    show.add_argument("--accept-numeric", action=argparse.BooleanOptionalAction, default=None,
                      help="as for verify (default: [tool.qedcheck] accept-numeric, else no)")
    show.add_argument("--glossary", metavar="G.toml", default=None, help="the notation of a document")
    show.set_defaults(handler=_show)

    from .audit_cli import add_audit_command

    add_audit_command(commands)
    return parser


def _setting(kind, problem: str):
    """An argparse type: parse the text as `kind`, then apply config.py's rule for that setting, so
    that a bad value (--seed -1, --timeout nan, --jobs 0) is a usage error before anything runs."""
    def convert(text: str):
        from . import config

        try:
            value = kind(text)
        except ValueError:
            wanted = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"'{text}' is not {wanted}") from None
        reason = getattr(config, problem)(value)
        if reason:
            raise argparse.ArgumentTypeError(f"{reason}, not {text}")
        return value

    convert.__name__ = kind.__name__  # argparse names the type in its own messages
    return convert


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
    from dataclasses import replace

    from .checks.run.cache import resolve_dir
    from .checks.run.process import rare_collection
    from .checks.run.schedule import RunOptions, plan_targets, run_plan
    from .checks.run.workers import default_jobs
    from .config import load_config
    from .report import terminal
    from .report.progress import CheckProgress, choose_mode

    config = load_config()  # [tool.qedcheck] of the nearest pyproject.toml; flags override it
    seed, timeout, rtol = config.resolve(args.seed, args.timeout, args.rtol)
    options = RunOptions(seed=seed, rtol=rtol, timeout=timeout,
                         jobs=args.jobs if args.jobs is not None else default_jobs(),
                         cache_dir=None if args.no_cache else resolve_dir(args.cache_dir, config.cache_dir),
                         memory_limit=int(args.memory_limit * 2**30), slow=args.slow,
                         accept_numeric=config.accept_numeric_or(args.accept_numeric))
    plan = plan_targets(config.targets(args.targets), options, glossary=args.glossary)
    console = _console(args)
    progress = CheckProgress(console, plan.size, choose_mode(console, args.quiet))
    with progress, rare_collection():
        run = run_plan(plan, options, on_result=progress.advance, input_errors=config.errors)
    run = replace(run, replay_options=_replay_options(args))
    if args.json:
        from .report.json_report import write_json

        write_json(run, args.json)
    if args.junit:
        from .report.junit import write_junit

        write_junit(run, args.junit)
    if args.markdown:
        from .report.markdown import write_markdown

        write_markdown(run, args.markdown)
    if args.quiet:
        console.print(terminal.quiet_report(run))
    else:
        console.print(terminal.run_report(run, console.width))
    if args.verbose:
        from .report.links import links_report

        console.print(links_report(run))
    if _annotations_wanted(args):
        from .report.annotations import annotations

        for line in annotations(run):
            print(line)
    return run.exit_code


def _replay_options(args) -> tuple[str, ...]:
    """The settings given on the command line, as `show` takes them: with the run's seed, a replay
    reproduces the run ([tool.qedcheck] is read by both commands)."""
    options: list[str] = []
    if args.timeout is not None:
        options += ["--timeout", repr(args.timeout)]
    if args.rtol is not None:
        options += ["--rtol", repr(args.rtol)]
    if args.accept_numeric is not None:
        options.append("--accept-numeric" if args.accept_numeric else "--no-accept-numeric")
    if args.glossary is not None:
        options += ["--glossary", args.glossary]
    return tuple(options)


def _annotations_wanted(args) -> bool:
    import os

    if args.annotations is not None:
        return args.annotations == "github"
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _list(args) -> int:
    from rich.table import Table
    from rich.text import Text

    from .config import load_config

    config = load_config()
    targets = config.targets(args.targets)
    errors: list = list(config.errors)
    if targets == ["all"]:
        title, listed = "qedcheck catalogue", _catalogue_rows()
    else:
        from .derivations import catalogue_modules
        from .selection import select

        chosen = select(targets, catalogue_modules, args.glossary)
        errors += [*chosen.errors, *(i.error for i in chosen.identities if i.error)]
        title = "qedcheck identities"
        listed = [(i.source if i.origin == "catalogue" else i.origin, i.name,
                   "error" if i.error else i.expect.value, i.statement) for i in chosen.identities]
    table = Table(title=title, title_justify="left")
    for column in ("source", "identity", "expect", "statement"):
        table.add_column(column, overflow="fold")
    for row in listed:
        table.add_row(*map(Text, row))  # never read as markup: `[…]` is common in LaTeX statements
    _console(args).print(table)
    for error in errors:
        print(f"qedcheck: {error}", file=sys.stderr)
    return EXIT_USAGE if errors else EXIT_OK


def _catalogue_rows() -> list[tuple[str, str, str, str]]:
    from .derivations.index import entries

    listed = entries()  # the light index; the catalogue itself (SymPy) only when it is out of date
    if listed is None:
        from .derivations import catalogue

        return [(i.source, i.name, i.expect.value, i.statement) for i in catalogue()]
    return [(e.source, e.name, e.expect, e.statement) for e in listed]


def _cache(args) -> int:
    from .checks.run.cache import ResultCache, resolve_dir
    from .checks.run.machine_key import key_path
    from .config import load_config

    folder = resolve_dir(args.cache_dir, load_config().cache_dir)
    if args.action == "path":
        print(f"cache directory: {folder}\nkey file (keep it private; never in a CI cache or artifact): "
              f"{key_path()}")
        return EXIT_OK
    try:
        removed = ResultCache(folder).clear()
    except (ValueError, OSError) as refusal:
        print(f"qedcheck: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    print(f"removed {folder} ({removed} cached results)")
    return EXIT_OK


def _show(args) -> int:
    """One identity, checked in this process with the settings `verify` would use ([tool.qedcheck],
    then the flags): the command every replay line of a report names."""
    from dataclasses import replace

    from .checks.run.workers import verify_with_wall_limit
    from .config import load_config
    from .derivations import catalogue_modules, slow_catalogue
    from .report import terminal
    from .results import RunResult
    from .selection import is_file_target, select

    if args.name is not None and not is_file_target(args.first):
        print(f"qedcheck show: '{args.first}' is not an identity file or document (FILE.toml, FILE.md, "
              "FILE.tex); use `qedcheck show NAME` for the catalogue or `qedcheck show FILE NAME`", file=sys.stderr)
        return EXIT_USAGE
    if args.name is None and is_file_target(args.first):
        print(f"qedcheck show: which identity of {args.first}? `qedcheck show {args.first} NAME` "
              f"(`qedcheck list {args.first}` lists them)", file=sys.stderr)
        return EXIT_USAGE
    targets = [args.first] if args.name is None else [args.first, args.name]

    def batches():  # the catalogue module by module, then the slow checks: built only as far as needed
        yield from catalogue_modules()
        yield slow_catalogue()

    chosen = select(targets, batches, args.glossary)
    for error in chosen.errors:
        print(f"qedcheck: {error}", file=sys.stderr)
    if not chosen.identities:
        return EXIT_USAGE
    config = load_config()
    settings = replace(config.run_settings(seed=args.seed, timeout=args.timeout, rtol=args.rtol),
                       accept_numeric=config.accept_numeric_or(args.accept_numeric))
    result = verify_with_wall_limit(chosen.identities[0], settings)
    _console(args).print(terminal.identity_detail(result))
    return RunResult((result,), config.resolve(args.seed, None, None)[0]).exit_code


def entry() -> None:
    """The `qedcheck` command: main(), then a quick exit (checks/process.py says why)."""
    from .checks.run.process import exit_now

    exit_now(main())


if __name__ == "__main__":
    entry()
