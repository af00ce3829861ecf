"""Input errors as records: the place a user must fix travels as fields, the sentence is built from them.

Every reader (identity files, documents, glossaries, `[tool.qedcheck]`, the command line) says what is
wrong with what a user wrote as an `InputError`. Reports print `str(error)`, one sentence such as

    ids.toml:12: identity 'tanh_deriv', field 'rhs': unknown symbol 'y'

and the machine-readable formats (JSON, JUnit) also write the fields, so a CI tool can point at the file
and line without parsing the sentence. This module imports nothing heavy: the warm path reads it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputError:
    """One problem with user input, located as precisely as the reader knows.

    `file` and `line` (1-based) say where; `identity` or `function` names the record it belongs to and
    `field` the key whose value is wrong; `message` says what is wrong. `where` replaces `file:line`
    in the sentence when the place is not a plain file line ("command line", "doc.md:1 (front matter)").
    """

    message: str
    file: str = ""
    line: int | None = None
    identity: str = ""
    field: str = ""
    function: str = ""
    where: str = ""

    def __str__(self) -> str:
        place = self.where or (f"{self.file}:{self.line}" if self.file and self.line else self.file)
        subject = ", ".join(part for part in (
            f"identity '{self.identity}'" if self.identity else "",
            f"function '{self.function}'" if self.function else "",
            f"field '{self.field}'" if self.field else "") if part)
        return ": ".join(part for part in (place, subject, self.message) if part)

    def as_dict(self) -> dict:
        """The JSON form (docs/ci.md): the sentence as `text`, then every field (null when unknown)."""
        return {"text": str(self), "file": self.file or None, "line": self.line, "identity": self.identity or None,
                "function": self.function or None, "field": self.field or None, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict) -> InputError:
        """The inverse of `as_dict` (the document cache stores errors this way)."""
        line = data.get("line")
        return cls(message=str(data.get("message", "")), file=str(data.get("file") or ""),
                   line=line if isinstance(line, int) and not isinstance(line, bool) else None,
                   identity=str(data.get("identity") or ""), field=str(data.get("field") or ""),
                   function=str(data.get("function") or ""), where=str(data.get("where") or ""))


def input_error(error: InputError | str) -> InputError:
    """A record for an error that may still be a bare sentence (an older reader, a test): unlocated."""
    return error if isinstance(error, InputError) else InputError(message=str(error))


def command_line_error(message: str) -> InputError:
    """A mistake in the command line itself (a target that names nothing): no file to point at."""
    return InputError(message=message, where="command line")
