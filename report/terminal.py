"""The terminal report: rich renderables built from results, printed once by the CLI.

Every string that comes from a user (names, sources, statements, expressions, messages, counterexamples)
is handed to rich as a `Text`, never as a str: rich reads `[...]` in a str as markup, so a source
`"[/]"` would crash the report after the run and `"[link=https://…]"` would render a live link.
"""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..results import IdentityResult, RunResult, Verdict
from .describe import accepted_label, known_document_errata, numeric_note, replay_command, shown_rel_err

VERDICT_STYLE = {
    Verdict.PROVED: "green",
    Verdict.REFUTED: "red",
    Verdict.NUMERIC_ONLY: "yellow",
    Verdict.TIMEOUT: "magenta",
    Verdict.ERROR: "bold red",
}


def verdict_text(result_verdict: Verdict, ok: bool, expect: str = "holds") -> Text:
    """✓/✗ says whether the verdict is the expected one; a refuted false claim is a success."""
    label = ("✓ " if ok else "✗ ") + result_verdict.value
    if expect == "fails":
        label += " (expected)" if result_verdict is Verdict.REFUTED else " (expected refuted)"
    elif not ok and result_verdict is Verdict.PROVED:
        label += " (a step or erratum fails)"
    label += accepted_label(result_verdict, ok)
    style = "green" if ok else VERDICT_STYLE[result_verdict]
    if not ok and result_verdict is Verdict.PROVED:
        style = "bold red"
    return Text(label, style=style)


COLUMNS = ("source", "identity", "verdict", "strategy", "steps", "rel err", "time")
# What a narrow terminal drops first: identity names and verdicts are never cut.
DROP_ORDER = ("time", "rel err", "steps", "strategy", "source")


def results_table(run: RunResult, width: int = 120) -> Table:
    shown = _columns_for(run, width)
    table = Table(title="qedcheck verify", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in shown:
        numeric = column in ("steps", "rel err", "time")
        table.add_column(column, no_wrap=True, justify="right" if numeric else "left",
                         overflow="ellipsis" if column == "strategy" else "fold")
    for r in run.results:
        cells = {
            "source": r.location or r.source,
            "identity": r.name,
            "verdict": verdict_text(r.verdict, r.ok, r.expect),
            "strategy": _strategy(r),
            "steps": _steps(r),
            "rel err": _error(r),
            "time": f"{r.time_s:.2f}s",
        }
        table.add_row(*[plain(cells[column]) for column in shown])
    return table


def plain(value) -> Text:
    """A cell or line shown exactly as written: a Text stays as it is, anything else is never markup."""
    return value if isinstance(value, Text) else Text(str(value))


def _columns_for(run: RunResult, width: int) -> list[str]:
    """The columns that fit in `width`, dropping the least important first."""
    def longest(texts, floor):
        return max([floor, *(len(t) for t in texts)])

    needed = {
        "source": longest((r.location or r.source for r in run.results), 6),
        "identity": longest((r.name for r in run.results), 8),
        "verdict": longest((verdict_text(r.verdict, r.ok, r.expect).plain for r in run.results), 7),
        "strategy": min(26, longest((_strategy(r) for r in run.results), 8)),
        "steps": 5,
        "rel err": 7,
        "time": 6,
    }
    shown = list(COLUMNS)
    for column in DROP_ORDER:
        if sum(needed[c] + 2 for c in shown) <= width:
            break
        shown.remove(column)
    return shown


def errata_panel(run: RunResult) -> Panel | None:
    rows = [(r, e) for r in run.results for e in r.errata]
    if not rows:
        return None
    lines = []
    for r, e in rows:
        status = "found" if e.found else "NOT FOUND (the finding disappeared)"
        fix = "the correction holds" if e.corrected_holds else "the correction does NOT hold"
        lines.append(Text.assemble((f"{e.source} {e.identity}", "bold"), f", link {e.derivation}.{e.link}: ", (status, "red" if not e.found else "")))
        lines.append(Text(f"    {e.lhs}  =  {e.rhs}   does not follow"))
        lines.append(Text(f"    {e.message}"))
        lines.append(Text(f"    corrected: {e.corrected} ({fix})", style="green" if e.corrected_holds else "red"))
    return Panel(Group(*lines), title="errata in the written derivations", title_align="left")


def failures_panel(run: RunResult) -> Panel | None:
    failed = [r for r in run.results if not r.ok]
    if not failed:
        return None
    lines = []
    for r in failed:
        lines.append(Text.assemble((f"{r.name}", "bold red"),
                                   f" ({r.location or r.source}): expected {r.expect}, got {r.verdict.value}"))
        if r.location and r.statement:
            lines.append(Text(f"    {r.statement}"))
        if r.message:
            lines.append(Text(f"    {r.message}"))
        if numeric_note(r):
            lines.append(Text(f"    numeric: {numeric_note(r)}"))
        for link in r.links:
            if not link.ok:
                where = f" ({link.location})" if link.location else ""
                lines.append(Text(f"    link {link.derivation}.{link.index}{where} {link.lhs} = {link.rhs}: "
                                  f"{link.verdict.value}, expected {link.expect}. {link.message}"))
        lines.append(Text(f"    replay: {replay_command(r, run.seed, run.replay_options)}", style="cyan"))
    return Panel(Group(*lines), title="failures", title_align="left", border_style="red")


def summary_line(run: RunResult) -> Text:
    counts: dict[str, int] = {}
    for r in run.results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    detail = ", ".join(f"{n} {v}" for v, n in counts.items())
    errata = sum(len(r.errata) for r in run.results) + known_document_errata(run)
    style = "bold green" if run.failed_count == 0 and not run.input_errors else "bold red"
    text = f"{run.ok_count}/{run.total} identities as expected ({detail}); {errata} known errata; seed {run.seed}"
    if run.input_errors:
        text += f"; {len(run.input_errors)} input error(s)"
    return Text(text, style=style)


def documents_panel(run: RunResult, quiet: bool = False) -> Panel | None:
    """Every display equation of each document that produced no verdict, and each document's coverage."""
    from .describe import note_line

    if not run.documents:
        return None
    lines = []
    for coverage in run.documents:
        lines.append(Text.assemble((coverage.path, "bold"), f": {coverage.summary()}"))
        if not quiet:
            lines.extend(Text(f"    {note_line(note)}", style="dim" if note.status == "unread" else "")
                         for note in coverage.notes)
    return Panel(Group(*lines), title="documents: equations without a verdict", title_align="left")


def document_errata_panel(run: RunResult) -> Panel | None:
    """Wrong steps of documents recorded as known errata in their glossary: found, or gone."""
    lines = []
    for r in run.results:
        if r.expect != "fails" or not r.location:
            continue
        status = Text("found", style="yellow") if r.ok else Text("NOT FOUND (the step now checks)", style="red")
        lines.append(Text.assemble((r.location, "bold"), ": ", status, f"  {r.statement}"))
        lines.extend(Text(f"    {note}") for note in r.notes)
        if r.counterexample is not None:
            lines.append(Text(f"    counterexample {r.counterexample.describe()}"))
    if not lines:
        return None
    return Panel(Group(*lines), title="known errata in the documents", title_align="left")


def input_errors_panel(run: RunResult) -> Panel | None:
    if not run.input_errors:
        return None
    return Panel(Group(*[Text(str(e)) for e in run.input_errors]), title="input errors", title_align="left",
                 border_style="red")


def cache_panel(run: RunResult) -> Panel | None:
    """Cache entries that failed authentication (ignored, checked again), or why the cache was off."""
    if run.cache is None or not run.cache.notices:
        return None
    return Panel(Group(*[Text(notice) for notice in run.cache.notices]), title="cache", title_align="left",
                 border_style="yellow")


def run_report(run: RunResult, width: int = 120) -> Group:
    parts = [results_table(run, width)]
    for panel in (documents_panel(run), document_errata_panel(run), errata_panel(run), failures_panel(run),
                  input_errors_panel(run), cache_panel(run)):
        if panel is not None:
            parts.append(panel)
    parts.append(summary_line(run))
    parts.extend(coverage_lines(run))
    return Group(*parts)


def coverage_lines(run: RunResult) -> list[Text]:
    """Under the summary: each document's coverage ("41 of 57 equalities checked, …")."""
    from .describe import coverage_sentences

    return [Text(sentence, style="bold") for sentence in coverage_sentences(run)]


def quiet_report(run: RunResult) -> Group:
    """`verify --quiet`: only what needs attention, then the summary line."""
    panels = (documents_panel(run, quiet=True), failures_panel(run), input_errors_panel(run), cache_panel(run))
    parts = [panel for panel in panels if panel is not None]
    return Group(*parts, summary_line(run), *coverage_lines(run))


def identity_detail(r: IdentityResult) -> Group:
    """`qedcheck show NAME`: the statement, every link, the numeric detail, the counterexample."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    rows = [("identity", r.name), ("source", r.source)]
    if r.location:
        rows.append(("location", r.location))
    rows += [("statement", r.statement), ("expect", r.expect),
             ("verdict", verdict_text(r.verdict, r.ok, r.expect)), ("strategy", _strategy(r))]
    if r.tried:
        rows.append(("tried", ", ".join(r.tried)))
    if r.numeric is not None:
        n = r.numeric
        rows.append(("numeric", f"{n.points} points, max abs err {n.max_abs_err:.3g}, max rel err "
                     f"{n.max_rel_err:.3g}" + (f", sizes n = {', '.join(map(str, n.sizes))}" if n.sizes else "")))
        rows.append(("high precision", (f"{n.mpmath_points} points re-evaluated with mpmath (≥ 50 digits); "
                     f"{n.float64_undecided} that float64 could not decide")))
        if n.finite_difference_max_rel_err is not None:
            rows.append(("finite differences", f"max rel err {n.finite_difference_max_rel_err:.3g}"))
        if n.message:
            rows.append(("numeric detail", n.message))
    if r.counterexample is not None:
        rows.append(("counterexample", r.counterexample.describe()))
    if r.message:
        rows.append(("message", r.message))
    rows += [("note", note) for note in r.notes]
    for label, value in rows:
        head.add_row(label, plain(value))
    parts = [head]
    if r.links:
        parts.append(Text("\nwritten derivation, link by link", style="bold"))
        for link in r.links:
            case = f" ({link.label})" if link.label else ""
            parts.append(Text.assemble(f"  link {link.derivation}.{link.index}{case}: ",
                                       verdict_text(link.verdict, link.ok, link.expect),
                                       f"  [{link.strategy}]" if link.strategy else ""))
            parts.append(Text(f"      {link.lhs}"))
            parts.append(Text(f"    = {link.rhs}"))
            if link.counterexample is not None:
                parts.append(Text(f"      counterexample {link.counterexample.describe()}", style="red"))
    for e in r.errata:
        parts.append(Text(f"erratum, link {e.derivation}.{e.link}: {e.message}. Corrected: {e.corrected} "
                          f"({'holds' if e.corrected_holds else 'does NOT hold'})"))
    return Group(*parts)


def _strategy(r: IdentityResult) -> str:
    if r.strategy is None:
        return "—"
    return f"{r.strategy} ({r.scope})" if r.scope else r.strategy


def _steps(r: IdentityResult) -> str:
    if not r.links:
        return "—"
    return f"{sum(link.ok for link in r.links)}/{len(r.links)}"


def _error(r: IdentityResult) -> str:
    error = shown_rel_err(r)
    return "—" if error is None else f"{error:.1e}"
