"""Plain-text sentences about a result, shared by every CI format (JUnit, Markdown, the pytest plugin).

One wording for "what went wrong" keeps the formats from drifting apart: a CI user reads the same
verdict, wrong link and counterexample whether the failure shows up in a JUnit viewer, a step summary
or a pytest traceback. Nothing here decides a verdict; it only reads `IdentityResult`.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

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


ACCEPTED = " (accepted without proof)"


def accepted_label(verdict: Verdict, ok: bool) -> str:
    """What every report adds to a `numeric-only` verdict that passed because numeric was accepted
    (`accept = "numeric"`, `--accept-numeric`): the reader must see the claim is not proved."""
    return ACCEPTED if ok and verdict is Verdict.NUMERIC_ONLY else ""


def numeric_note(r: IdentityResult) -> str:
    """What the numeric check adds to a failure that its message does not already say (points
    excluded where a side has no real value, with the `where` that would state the domain)."""
    if r.numeric is None or not r.numeric.message or r.numeric.message in r.message:
        return ""
    return r.numeric.message


def shown_rel_err(r: IdentityResult) -> float | None:
    """The numeric check's largest relative error, where it means something: not for a refuted claim,
    whose counterexample is the finding (the error there only measures how false the claim is)."""
    if r.numeric is None or r.verdict is Verdict.REFUTED:
        return None
    return r.numeric.max_rel_err


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


def replay_command(r: IdentityResult, seed: int, options: Sequence[str] = ()) -> str:
    """The command that checks `r` again on its own and explains it, counterexample and links included:
    `qedcheck show NAME --seed S` for the catalogue, `qedcheck show FILE NAME --seed S` for a file, then
    the run's command-line settings (`RunResult.replay_options`: `show` reads [tool.qedcheck] as
    `verify` does, so the flags that overrode it are all a replay needs)."""
    target = [] if r.origin == "catalogue" else [r.origin]
    glossary = ["--glossary", r.glossary] if r.glossary and "--glossary" not in options else []
    return shlex.join(["qedcheck", "show", *target, r.name, *glossary, "--seed", str(seed), *options])


def needs_replay(r: IdentityResult) -> bool:
    """Whether a report should end `r` with its replay command: a counterexample, a failing link, a miss."""
    return not r.ok or r.counterexample is not None or bool(wrong_links(r))


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


def failure_lines(r: IdentityResult, seed: int | None = None, options: Sequence[str] = ()) -> list[str]:
    """Why an identity missed its expectation: the verdict, the counterexample, every wrong link,
    every erratum that disappeared or whose correction stopped holding; then, given the run's seed,
    the command that replays it."""
    lines = [headline(r)]
    if r.statement:
        lines.append(f"statement: {r.statement}")
    if r.counterexample is not None:
        lines.append(f"counterexample: {r.counterexample.describe()}")
    if r.message:
        lines.append(f"message: {r.message}")
    if numeric_note(r):
        lines.append(f"numeric: {numeric_note(r)}")
    if r.tried and r.verdict in UNCHECKED:
        lines.append(f"strategies tried: {', '.join(r.tried)}")
    lines.extend(link_line(link) for link in wrong_links(r))
    for e in r.errata:
        if not e.found:
            lines.append(f"erratum at link {e.link} NOT FOUND: the step {e.lhs} = {e.rhs} now checks ({e.message})")
        if not e.corrected_holds:
            lines.append(f"erratum at link {e.link}: the correction {e.corrected} does NOT hold")
    if seed is not None:
        lines.append(f"replay: {replay_command(r, seed, options)}")
    return lines


def failure_text(r: IdentityResult, seed: int | None = None, options: Sequence[str] = ()) -> str:
    return "\n".join(failure_lines(r, seed, options))


def verdict_counts(run: RunResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in run.results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    return counts


def summary_sentence(run: RunResult) -> str:
    """The terminal's summary line, as plain text."""
    detail = ", ".join(f"{n} {v}" for v, n in verdict_counts(run).items())
    errata = sum(len(r.errata) for r in run.results) + known_document_errata(run)
    text = f"{run.ok_count}/{run.total} identities as expected ({detail}); {errata} known errata; seed {run.seed}"
    if run.input_errors:
        text += f"; {len(run.input_errors)} input error(s)"
    return text


def known_document_errata(run: RunResult) -> int:
    """Links of documents recorded as wrong in a glossary (each is its own result, expected refuted)."""
    return sum(1 for r in run.results if r.location and r.expect == "fails")


def coverage_sentences(run: RunResult) -> list[str]:
    """One sentence per document: how many of its equalities were checked, defined, left unread."""
    return [f"{c.path}: {c.summary()}" for c in run.documents]


def note_line(note) -> str:
    """An equation that produced no verdict: where, what it is, why."""
    written = note.written if len(note.written) <= 90 else note.written[:87] + "…"
    return f"{note.location}: {note.status}: {note.reason} — {written}"
