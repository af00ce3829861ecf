"""A Markdown report for GitHub: math as `$…$`, a table per source, the errata, the summary.

Written for `$GITHUB_STEP_SUMMARY` and pull-request comments. The catalogue's statements are LaTeX
(and so are a document's), so they render as math on GitHub. A statement from an identity file is
text in which `$…$` marks math (an identity written in LaTeX without a statement gets `$lhs = rhs$`
from the reader): wrapped whole in `$…$`, prose would render as squashed italics. Inside a table cell
a `|` would end the cell, so bars in LaTeX are written `\\vert` / `\\Vert`, which render the same.
No times and no dates: the report is identical for the same seed and can be diffed.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..results import IdentityResult, RunResult, Verdict
from .describe import (
    accepted_label,
    coverage_sentences,
    groups,
    numeric_note,
    replay_command,
    shown_rel_err,
    summary_sentence,
    wrong_links,
)

MARK = {True: "✅", False: "❌"}
_STEP = re.compile(r"^(step \d+): (.*)$")
_DOLLAR = re.compile(r"(?<!\\)\$")
# What Markdown would read as markup in prose; a backslash makes each one literal (CommonMark, GFM).
_MARKUP = re.compile(r"([\\`*_\[\]<>|~#!])")


def markdown_report(run: RunResult) -> str:
    ok = run.failed_count == 0 and not run.input_errors
    lines = ["# qedcheck verify", "", f"{MARK[ok]} **{summary_sentence(run)}**", ""]
    if run.input_errors:
        lines += ["## Input errors", ""] + [f"- {_inline(str(e))}" for e in run.input_errors] + [""]
    failed = [r for r in run.results if not r.ok]
    if failed:
        lines += ["## Failures", ""]
        for r in failed:
            lines += _failure(r, run.seed, run.replay_options)
        lines.append("")
    for group, results in groups(run).items():
        lines += [f"## {_inline(group)}", "",
                  "| identity | statement | expect | verdict | strategy | steps | max rel err |",
                  "|---|---|---|---|---|---|---|"]
        lines += [_row(r) for r in results]
        lines.append("")
    errata = [e for r in run.results for e in r.errata]
    if errata:
        lines += ["## Errata in the written derivations", ""]
        for e in errata:
            status = "found" if e.found else "**NOT FOUND** (the finding disappeared)"
            fix = "the correction holds" if e.corrected_holds else "the correction does **NOT** hold"
            lines += [f"- **{_inline(e.source)}** `{e.identity}`, link {e.link}: {status}",
                      f"  - written: {math(e.lhs + ' = ' + e.rhs)} does not follow",
                      f"  - {_inline(e.message)}",
                      f"  - corrected: {_corrected(e.corrected)} ({fix})"]
        lines.append("")
    for coverage in run.documents:
        lines += [f"## Document {_inline(coverage.path)}", "", _inline(coverage.summary()), ""]
        if coverage.notes:
            lines += ["| location | status | reason | written |", "|---|---|---|---|"]
            lines += [f"| {_inline(n.location)} | {n.status} | {_inline(n.reason)} | {math(n.written)} |"
                      for n in coverage.notes]
            lines.append("")
    lines += ["## Summary", "", summary_sentence(run), ""]
    lines += [_inline(sentence) for sentence in coverage_sentences(run)]
    return "\n".join(lines)


def write_markdown(run: RunResult, path: str | Path) -> None:
    """Append when the file exists: `$GITHUB_STEP_SUMMARY` is shared by every step of a job."""
    target = Path(path)
    with target.open("a", encoding="utf-8") as handle:
        if target.stat().st_size:
            handle.write("\n")
        handle.write(markdown_report(run))


def math(latex: str) -> str:
    """Inline GitHub math, safe inside a table cell."""
    body = latex.strip().replace("\\|", "\\Vert ").replace("|", "\\vert ")
    body = re.sub(r"(?<!\\)\$", r"\\$", body)  # a bare $ would end the math early
    body = " ".join(body.split())  # one line: a newline would end the cell
    return f"${body}$" if body else ""


def statement(r: IdentityResult) -> str:
    """The statement as Markdown: an identity file's statement is text with its own `$…$` math; the
    catalogue's and a document's are the LaTeX of the claim."""
    return prose(r.statement) if r.origin.endswith(".toml") else math(r.statement)


def prose(text: str) -> str:
    """Text with `$…$` math, safe inside a table cell: markup escaped outside the math, each math
    span through `math`. An unpaired `$` is a dollar sign."""
    pieces = _DOLLAR.split(" ".join(text.split()))
    if len(pieces) % 2 == 0:  # an odd number of $: the last one opens nothing
        pieces[-2:] = [pieces[-2] + "$" + pieces[-1]]
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append(math(piece) or "")
        else:
            out.append(_MARKUP.sub(r"\\\1", piece.replace("\\$", "$")).replace("$", "\\$"))
    return "".join(out)


def _row(r: IdentityResult) -> str:
    verdict = f"{MARK[r.ok]} {r.verdict.value}"
    if r.expect == "fails" and r.verdict is Verdict.REFUTED:
        verdict += " (expected)"
    verdict += accepted_label(r.verdict, r.ok)
    strategy = f"{r.strategy} ({r.scope})" if r.strategy and r.scope else (r.strategy or "—")
    steps = f"{sum(link.ok for link in r.links)}/{len(r.links)}" if r.links else "—"
    error = shown_rel_err(r)
    name = f"`{r.name}`" + (f" ({_inline(r.location)})" if r.location else "")
    cells = [name, statement(r), r.expect, verdict, _inline(strategy), steps,
             "—" if error is None else f"{error:.1e}"]
    return "| " + " | ".join(cells) + " |"


def _failure(r: IdentityResult, seed: int, options: tuple[str, ...] = ()) -> list[str]:
    lines = [f"- ❌ `{r.name}` ({_inline(r.location or r.source)}): expected {r.expect}, got **{r.verdict.value}**"]
    if r.statement:
        lines.append(f"  - statement: {statement(r)}")
    if r.counterexample is not None:
        lines.append(f"  - counterexample: `{r.counterexample.describe()}`")
    if r.message:
        lines.append(f"  - {_inline(r.message)}")
    if numeric_note(r):
        lines.append(f"  - numeric: {_inline(numeric_note(r))}")
    for link in wrong_links(r):
        lines.append(f"  - link {link.derivation}.{link.index}: `{link.lhs} = {link.rhs}` is {link.verdict.value}, "
                     f"expected {link.expect}" + (f". {_inline(link.message)}" if link.message else ""))
    lines.append(f"  - replay: `{replay_command(r, seed, options)}`")
    return lines


def _corrected(text: str) -> str:
    parts = []
    for piece in text.split("; "):
        step = _STEP.match(piece)
        parts.append(f"{step.group(1)}: {math(step.group(2))}" if step else _inline(piece))
    return "; ".join(parts)


def _inline(text: str) -> str:
    """Plain prose: keep it on one line and keep a stray `|` from splitting a table."""
    return " ".join(text.split()).replace("|", "\\|")
