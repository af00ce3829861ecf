"""GitHub workflow annotations: `::error file=…,line=…::…` lines, so a wrong step is marked on the
pull request's diff next to the line that is wrong.

GitHub reads these commands from a step's standard output (see "Workflow commands for GitHub
Actions": `error`, with `file`, `line` and `title`). Property values escape `%`, `\\r`, `\\n`, `:` and
`,`; the message escapes `%`, `\\r` and `\\n`. Only what has a location is annotated (a document's
link, a step of an identity file, an input error that names its file): a catalogue identity has no line
in the pull request to point at.
"""

from __future__ import annotations

from ..input_errors import InputError, input_error
from ..results import IdentityResult, LinkResult, RunResult
from .describe import failure_lines, link_line


def annotations(run: RunResult) -> list[str]:
    """One `::error` per located result that missed its expectation (a document's link), one per
    located wrong link of any other result (a step of an identity file), in report order, then one per
    input error that names its file (an identity that could not be read among them)."""
    lines = []
    for r in run.results:
        if r.ok:
            continue
        if r.input_error is not None:
            lines.extend([input_annotation(r.input_error)] if r.input_error.file else [])
        elif r.location:
            lines.append(annotation(r))
        else:
            lines.extend(link_annotation(r, link) for link in r.links if not link.ok and link.location)
    lines.extend(input_annotation(e) for e in map(input_error, run.input_errors) if e.file)
    return lines


def input_annotation(error: InputError) -> str:
    place = f"file={_property(error.file)}" + (f",line={error.line}" if error.line else "")
    return f"::error {place},title={_property('qedcheck: input error')}::{_message(str(error))}"


def link_annotation(r: IdentityResult, link: LinkResult) -> str:
    path, _, line = link.location.rpartition(":")
    title = f"qedcheck: {r.name}, link {link.index + 1} {link.verdict.value}"
    return (f"::error file={_property(path)},line={_property(line)},title={_property(title)}::"
            f"{_message(link_line(link))}")


def annotation(r: IdentityResult) -> str:
    path, _, line = r.location.rpartition(":")
    title = f"qedcheck: {r.verdict.value}" + (" (a known erratum now checks)" if r.expect == "fails" else "")
    lines = [line for line in failure_lines(r)[1:]
             if not (r.counterexample is not None and line.startswith("message: counterexample"))]
    message = "\n".join([f"expected {r.expect}, got {r.verdict.value}", *lines])
    return f"::error file={_property(path)},line={_property(line)},title={_property(title)}::{_message(message)}"


def _message(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _message(text).replace(":", "%3A").replace(",", "%2C")
