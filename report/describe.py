"""Plain-text sentences about a result, shared by every CI format (JUnit, Markdown, the pytest plugin).

One wording for "what went wrong" keeps the formats from drifting apart: a CI user reads the same
verdict, wrong link and counterexample whether the failure shows up in a JUnit viewer, a step summary
or a pytest traceback. Nothing here decides a verdict; it only reads `IdentityResult`.
"""

from __future__ import annotations

from ..checks.core import meets
from ..results import IdentityResult, LinkResult, RunResult, Verdict

# The verdicts that mean "could not be checked" rather than "checked and wrong": CI tools call the
# first an error and the second a failure.
UNCHECKED = (Verdict.ERROR, Verdict.TIMEOUT)


def group_of(r: IdentityResult) -> str:
    """Where an identity comes from: its homework source for the catalogue, its file otherwise."""
    return r.source if r.origin == "catalogue" else r.origin


def groups(run: RunResult) -> dict[str, list[IdentityResult]]:
    """Results by `group_of`, groups in order of first appearance (catalogue order is homework order)."""
    grouped: dict[str, list[IdentityResult]] = {}
    for r in run.results:
        grouped.setdefault(group_of(r), []).append(r)
    return grouped


def is_unchecked(r: IdentityResult) -> bool:
    return not r.ok and r.verdict in UNCHECKED


def headline(r: IdentityResult) -> str:
    """One line: what was expected and what was found."""
    if r.ok:
        return f"{r.name}: {r.verdict.value}, as expected ({r.expect})"
    if meets(r.verdict, r.expect):
        return (f"{r.name} ({r.location or r.source}): the claim is {r.verdict.value} as expected, "
                "but a written step or a recorded erratum does not check")
    return f"{r.name} ({r.location or r.source}): expected {r.expect}, got {r.verdict.value}"


def wrong_links(r: IdentityResult) -> list[LinkResult]:
    return [link for link in r.links if not link.ok]


def link_line(link: LinkResult) -> str:
    case = f" [{link.label}]" if link.label else ""
    where = f" at {link.location}" if link.location else ""
    text = (f"link {link.derivation}.{link.index}{case}{where}: {link.lhs} = {link.rhs}: "
            f"{link.verdict.value}, expected {link.expect}")
    if link.message:
        text += f". {link.message}"
    if link.counterexample is not None:
        text += f"; counterexample {link.counterexample.describe()}"
    return text


def failure_lines(r: IdentityResult) -> list[str]:
    """Why an identity missed its expectation: the verdict, the counterexample, every wrong link,
    every erratum that disappeared or whose correction stopped holding."""
    lines = [headline(r)]
    if r.statement:
        lines.append(f"statement: {r.statement}")
    if r.counterexample is not None:
        lines.append(f"counterexample: {r.counterexample.describe()}")
    if r.message:
        lines.append(f"message: {r.message}")
    if r.tried and r.verdict in UNCHECKED:
        lines.append(f"strategies tried: {', '.join(r.tried)}")
    lines.extend(link_line(link) for link in wrong_links(r))
    for e in r.errata:
        if not e.found:
            lines.append(f"erratum at link {e.link} NOT FOUND: the step {e.lhs} = {e.rhs} now checks ({e.message})")
        if not e.corrected_holds:
            lines.append(f"erratum at link {e.link}: the correction {e.corrected} does NOT hold")
    return lines


def failure_text(r: IdentityResult) -> str:
    return "\n".join(failure_lines(r))


def verdict_counts(run: RunResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in run.results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    return counts


def summary_sentence(run: RunResult) -> str:
    """The terminal's summary line, as plain text."""
    detail = ", ".join(f"{n} {v}" for v, n in verdict_counts(run).items())
    errata = sum(len(r.errata) for r in run.results)
    text = f"{run.ok_count}/{run.total} identities as expected ({detail}); {errata} known errata; seed {run.seed}"
    if run.input_errors:
        text += f"; {len(run.input_errors)} input error(s)"
    return text


def coverage_sentences(run: RunResult) -> list[str]:
    """One sentence per document: how many of its equalities were checked, defined, left unread."""
    return [f"{c.path}: {c.summary()}" for c in run.documents]


def note_line(note) -> str:
    """An equation that produced no verdict: where, what it is, why."""
    written = note.written if len(note.written) <= 90 else note.written[:87] + "…"
    return f"{note.location}: {note.status}: {note.reason} — {written}"
