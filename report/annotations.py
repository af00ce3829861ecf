"""GitHub workflow annotations: `::error file=…,line=…::…` lines, so a wrong step is marked on the
pull request's diff next to the line that is wrong.

GitHub reads these commands from a step's standard output (see "Workflow commands for GitHub
Actions": `error`, with `file`, `line` and `title`). Property values escape `%`, `\\r`, `\\n`, `:` and
`,`; the message escapes `%`, `\\r` and `\\n`. Only located results (document links) are annotated:
a catalogue identity has no line in the pull request to point at.
"""

from __future__ import annotations

from ..results import IdentityResult, RunResult
from .describe import failure_lines


def annotations(run: RunResult) -> list[str]:
    """One `::error` per located result that missed its expectation, in report order."""
    return [annotation(r) for r in run.results if not r.ok and r.location]


def annotation(r: IdentityResult) -> str:
    path, _, line = r.location.rpartition(":")
    title = f"qedcheck: {r.verdict.value}" + (" (a known erratum now checks)" if r.expect == "fails" else "")
    message = "\n".join(failure_lines(r)[1:]) or f"expected {r.expect}, got {r.verdict.value}"
    return f"::error file={_property(path)},line={_property(line)},title={_property(title)}::{_message(message)}"


def _message(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _message(text).replace(":", "%3A").replace(",", "%2C")
