"""Identity files: TOML written by students, TAs and authors, read into `Identity` records.

The file may come from an untrusted pull request: TOML is read by `tomllib` (data only), every
expression goes through the whitelisting parsers of `readers/expression.py` and
`readers/latex.py`, and sizes are capped. Each problem becomes one located record, an `InputError` that reads
`file:line: identity 'name', field 'rhs': …`. A broken identity is still returned, as a record
carrying its `error`, so it is listed in every report with the verdict `error`; the others are
checked as usual. Problems with the file as a whole (missing, not UTF-8, not TOML) are file errors.

`tomllib` gives no line numbers, so lines are found by scanning the raw text: the k-th
`[[identity]]` header starts the k-th identity, and `field =` inside its table gives the field's
line (the header's line when the field is not written on a line of its own).
"""

from __future__ import annotations

import dataclasses
import hashlib
import keyword
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import sympy as sp

from ..checks.run.budget import Deadline, WallLimitExceeded, interrupt_after
from ..identity import NAME_PATTERN, Correction, Derivation, Erratum, Expect, Identity
from ..input_errors import InputError
from ..sized import MATRIX_ASSUMPTIONS, VECTOR_ASSUMPTIONS, Array, Declarations, MatrixClaim, shape_text
from .expression import (
    BUILTINS,
    IDENTIFIER,
    RESERVED,
    ExpressionError,
    UserFunction,
    did_you_mean,
    parse_condition,
    parse_expression,
)
from .files import FileRefused, read_limited
from .latex import notation_names, parse_latex_expression
from .matrix_expression import FUNCTIONS as MATRIX_FUNCTIONS
from .matrix_expression import parse_sized, parse_sized_condition
from .matrix_latex import latex_to_numpy

MAX_FILE_BYTES = 1_000_000
MAX_IDENTITIES = 500
MAX_FUNCTIONS = 100
MAX_SYMBOLS = 16
MAX_STEPS = 50
MAX_ARGS = 32
MAX_TIMEOUT = 60.0
READ_SECONDS = 5.0  # reading one identity (or function) takes milliseconds; this is the backstop
READ_FILE_SECONDS = 30.0  # and all of one file's
ASSUMPTIONS = ("real", "positive", "nonnegative", "negative", "nonzero", "integer")
IDENTITY_FIELDS = ("name", "statement", "source", "symbols", "lhs", "rhs", "lhs_latex", "rhs_latex", "where",
                   "expect", "steps", "steps_latex", "timeout", "errata", "vectors", "matrices", "accept")
ERRATUM_FIELDS = ("links", "step", "corrected", "message")
FUNCTION_FIELDS = ("args", "body")


@dataclass(frozen=True)
class FileLoad:
    """What one file yields: its identities (broken ones carry `error`) and file-level errors."""

    identities: tuple[Identity, ...]
    errors: tuple[InputError, ...]
    digest: str = ""  # SHA-256 of the bytes read (the result cache's file key)


class _Problem(Exception):
    """One located problem with one field; turned into a message by the caller."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def is_identity_file(target: str) -> bool:
    return target.endswith(".toml")


def load_identity_file(path: str | Path) -> FileLoad:
    shown = str(path)
    try:
        raw = read_limited(path, MAX_FILE_BYTES)  # a regular file, at most MAX_FILE_BYTES (files.py)
    except FileRefused as refusal:
        return FileLoad((), (InputError(str(refusal), file=shown),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as failure:
        line = raw[: failure.start].count(b"\n") + 1
        return FileLoad((), (InputError(f"not valid UTF-8 (byte {failure.start})", file=shown, line=line),))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as failure:
        return FileLoad((), (_toml_error(shown, text, failure),))
    try:
        return dataclasses.replace(_Reader(shown, text).read(data), digest=hashlib.sha256(raw).hexdigest())
    except Exception as failure:  # noqa: BLE001 - every identity's failure is its own; this is a last resort
        return FileLoad((), (InputError(f"cannot read the file: {_unexpected(failure)}", file=shown),))


def _toml_error(shown: str, text: str, failure: tomllib.TOMLDecodeError) -> InputError:
    """`file: invalid TOML: …`; the record also carries the line tomllib names (`at line 3, column 5`)."""
    match = re.search(r"\(at line (\d+), column \d+\)", str(failure))
    line = int(match.group(1)) if match else (len(text.splitlines()) or None)
    return InputError(f"invalid TOML: {failure}", file=shown, line=line, where=shown)


class _Lines:
    """Where things are in the raw text (see the module docstring)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = [k for k, line in enumerate(self.lines) if re.match(r"^\s*\[", line)]
        self.identities = [k for k, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*identity\s*\]\]", line)]

    def of_identity(self, index: int, field: str | None = None) -> int | None:
        if index >= len(self.identities):
            return None
        return self._in_table(self.identities[index], field)

    def of_key(self, key: str) -> int | None:
        """The first line that writes the top-level key: `key = …`, `[key…]` or `[[key]]`."""
        pattern = re.compile(rf"^\s*(?:\[\[?\s*)?\"?{re.escape(key)}\"?\s*[\].=]")
        return next((k + 1 for k, line in enumerate(self.lines) if pattern.match(line)), None)

    def of_function(self, name: str, field: str | None = None) -> int | None:
        pattern = re.compile(rf"^\s*\[\s*functions\s*\.\s*\"?{re.escape(name)}\"?\s*\]")
        for k, line in enumerate(self.lines):
            if pattern.match(line):
                return self._in_table(k, field)
        return None

    def _in_table(self, start: int, field: str | None) -> int:
        end = next((h for h in self.headers if h > start), len(self.lines))
        if field:
            pattern = re.compile(rf"^\s*\"?{re.escape(field)}\"?\s*=")
            for k in range(start + 1, end):
                if pattern.match(self.lines[k]):
                    return k + 1
        return start + 1


class _Reader:
    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = _Lines(text)
        self.errors: list[InputError] = []
        self.functions: dict[str, UserFunction] = {}
        self.notation: dict[str, str] = {}
        self.file_deadline = Deadline(READ_FILE_SECONDS)

    def read(self, data: dict) -> FileLoad:
        for key in data:
            if key not in ("functions", "identity", "notation"):
                self.errors.append(self._at(f"unknown top-level key '{key}'"
                                            f"{did_you_mean(key, ('functions', 'identity', 'notation'))} "
                                            "(expected [functions.NAME], [notation] and [[identity]] tables)",
                                            self.lines.of_key(key)))
        self._read_functions(data.get("functions", {}))
        self._read_notation(data.get("notation", {}))
        tables = data.get("identity")
        if tables is None:
            self.errors.append(self._at("no [[identity]] tables"))
            return FileLoad((), tuple(self.errors))
        if not isinstance(tables, list):
            self.errors.append(self._at("'identity' must be an array of tables, written [[identity]]",
                                        self.lines.of_key("identity")))
            return FileLoad((), tuple(self.errors))
        if len(tables) > MAX_IDENTITIES:
            self.errors.append(self._at(f"{len(tables)} identities (at most {MAX_IDENTITIES}); "
                                        f"only the first {MAX_IDENTITIES} are read"))
            tables = tables[:MAX_IDENTITIES]
        identities, seen = [], {}
        for index, table in enumerate(tables):
            identity = self._guarded(partial(self._identity, index, table), partial(self._unreadable, index, table))
            if identity.name in seen:
                self.errors.append(self._located(index, "name", identity.name,
                                                 f"duplicate name (first used at line {seen[identity.name]})"))
                continue
            seen[identity.name] = self.lines.of_identity(index, "name") or "?"
            identities.append(identity)
        return FileLoad(tuple(identities), tuple(self.errors))

    # --- [notation]: what the LaTeX fields write -> the function or symbol it means -----------------

    def _read_notation(self, table) -> None:
        if not isinstance(table, dict):
            self.errors.append(self._at("'notation' must be a table such as [notation] '\\sigma' = \"sigmoid\"",
                                        self.lines.of_key("notation")))
            return
        for written, meaning in table.items():
            try:
                notation_names({written: meaning})
            except ExpressionError as failure:
                line = next((k + 1 for k, text in enumerate(self.lines.lines) if written in text), None)
                self.errors.append(InputError(f"[notation] {failure}", file=self.path, line=line))
                continue
            self.notation[written] = meaning

    def _step_locations(self, index: int, table: dict, written: tuple[str, ...]) -> tuple[str, ...]:
        """FILE:LINE of lhs, of each step (the line of the steps list that holds its text, else the
        list's first line) and of rhs: each link of a written derivation is reported where it ends."""
        field = "steps_latex" if "steps_latex" in table else "steps"
        first = self.lines.of_identity(index, field) or 0
        side = {name: self.lines.of_identity(index, name) for name in ("lhs", "rhs", "lhs_latex", "rhs_latex")}
        found, line = [], first
        for text in written[1:-1]:
            at = next((k + 1 for k in range(max(line - 1, 0), len(self.lines.lines)) if text and text in
                       self.lines.lines[k]), first)
            found.append(at)
            line = at
        ends = [side["lhs"] or side["lhs_latex"], *found, side["rhs"] or side["rhs_latex"]]
        return tuple(f"{self.path}:{k}" if k else self.path for k in ends)

    def _latex(self, text: str, symbols, functions) -> sp.Expr:
        return parse_latex_expression(text, symbols, functions, self.notation)

    # --- [functions.NAME] -------------------------------------------------------------------------

    def _read_functions(self, tables) -> None:
        if not isinstance(tables, dict):
            self.errors.append(self._at("'functions' must be tables written [functions.NAME]",
                                        self.lines.of_key("functions")))
            return
        for count, (name, table) in enumerate(tables.items()):
            if count >= MAX_FUNCTIONS:
                self.errors.append(self._at(f"more than {MAX_FUNCTIONS} functions; the rest are ignored"))
                return
            try:
                try:
                    self.functions[name] = self._guarded(partial(self._function, name, table))
                except _Problem:
                    raise
                except Exception as failure:  # noqa: BLE001 - never a traceback: this function's error
                    raise _Problem("body", _unexpected(failure)) from None
            except _Problem as problem:
                self.errors.append(InputError(problem.message, file=self.path,
                                              line=self.lines.of_function(name, problem.field),
                                              function=name, field=problem.field))

    def _guarded(self, read, on_timeout=None):
        """Read one function or identity within READ_SECONDS, and the whole file within
        READ_FILE_SECONDS: the limits keep reading cheap, and this stops whatever SymPy might still do
        when it builds an expression (in the parent process, where no worker's wall limit applies)."""
        try:
            # WallLimitExceeded is a BaseException: no `except Exception` in a parser can swallow it
            with interrupt_after(Deadline(min(READ_SECONDS, self.file_deadline.remaining())), WallLimitExceeded):
                return read()
        except WallLimitExceeded:
            if on_timeout is None:  # a function: its body is what takes long
                raise _Problem("body", self._too_long()) from None
            return on_timeout()

    def _too_long(self) -> str:
        if self.file_deadline.expired():
            return f"not read: reading this file took longer than {READ_FILE_SECONDS:g} s"
        return f"reading it took longer than {READ_SECONDS:g} s"

    def _function(self, name: str, table) -> UserFunction:
        if not IDENTIFIER.match(name) or keyword.iskeyword(name):
            raise _Problem("name", "a function name must be a letter followed by letters, digits or _")
        if name in RESERVED:
            raise _Problem("name", f"'{name}' is a built-in and cannot be redefined")
        if not isinstance(table, dict):
            raise _Problem("name", "must be a table with 'args' and 'body'")
        _require_known_fields(table, FUNCTION_FIELDS)
        args = table.get("args")
        if not (isinstance(args, list) and all(isinstance(a, str) for a in args) and 1 <= len(args) <= MAX_ARGS):
            raise _Problem("args", f"must be a list of 1 to {MAX_ARGS} argument names, such as [\"t\"]")
        if len(set(args)) != len(args):
            raise _Problem("args", "an argument name is repeated")
        for arg in args:
            if not IDENTIFIER.match(arg) or keyword.iskeyword(arg) or arg in RESERVED:
                raise _Problem("args", f"'{arg}' cannot be an argument name")
        body = table.get("body")
        if not isinstance(body, str):
            raise _Problem("body", "missing or not a string")
        placeholders = {a: sp.Dummy(a, real=True) for a in args}
        try:
            built = _parsed("body", parse_expression, body, placeholders, self.functions)
        except _Problem as problem:
            if "unknown function" in problem.message:
                unknown = problem.message.split(" (known functions:")[0]
                raise _Problem("body", f"{unknown} (a function may only call built-ins and functions "
                                       "defined above it)") from None
            raise
        return UserFunction(name, tuple(placeholders.values()), built)

    # --- [[identity]] -----------------------------------------------------------------------------

    def _identity(self, index: int, table) -> Identity:
        name = table.get("name") if isinstance(table, dict) else None
        shown = name if isinstance(name, str) and NAME_PATTERN.match(name) else f"#{index + 1}"
        try:
            return self._build(index, shown, table)
        except _Problem as problem:
            return self._broken(index, table, shown, problem)
        except Exception as failure:  # noqa: BLE001 - whatever goes wrong, it is this identity's input error
            return self._broken(index, table, shown, _Problem("identity", _unexpected(failure)))

    def _unreadable(self, index: int, table) -> Identity:
        name = table.get("name") if isinstance(table, dict) else None
        shown = name if isinstance(name, str) and NAME_PATTERN.match(name) else f"#{index + 1}"
        return self._broken(index, table, shown,
                            _Problem("identity", self._too_long()))

    def _broken(self, index: int, table, shown: str, problem: _Problem) -> Identity:
        """A record carrying its located message: listed in every report with the verdict `error`."""
        error = self._located(index, problem.field, shown, problem.message)
        statement = table.get("statement", "") if isinstance(table, dict) else ""
        return Identity(name=shown, source=self.path, statement=statement if isinstance(statement, str) else "",
                        lhs=sp.S.Zero, rhs=sp.S.Zero, origin=self.path, error=error)

    def _located(self, index: int, field: str, name: str, message: str) -> InputError:
        """`file:line: identity 'name', field 'rhs': message`, as a record."""
        return InputError(message, file=self.path, line=self.lines.of_identity(index, field), identity=name,
                          field=field)

    def _at(self, message: str, line: int | None = None) -> InputError:
        """A problem with the file as a whole: the sentence names the file; the record also knows the
        line of the offending key when there is one (for CI annotations)."""
        return InputError(message, file=self.path, line=line, where=self.path)

    def _build(self, index: int, shown: str, table) -> Identity:
        if not isinstance(table, dict):
            raise _Problem("identity", "must be a table")
        _require_known_fields(table, IDENTITY_FIELDS)
        name = table.get("name")
        if not isinstance(name, str):
            raise _Problem("name", "missing or not a string")
        if not NAME_PATTERN.match(name):
            raise _Problem("name", f"'{name[:40]}' is not a valid name: lowercase letters, digits and _, "
                                   "starting with a letter")
        statement = _string(table, "statement", "") or _latex_statement(table)
        source = _string(table, "source", self.path)
        expect = _string(table, "expect", "holds")
        if expect not in ("holds", "fails"):
            raise _Problem("expect", f"must be \"holds\" or \"fails\", not \"{expect[:20]}\"")
        accept = _string(table, "accept", "proof")
        if accept not in ("proof", "numeric"):
            raise _Problem("accept", f"must be \"proof\" (the default) or \"numeric\", not \"{accept[:20]}\"")
        if accept == "numeric" and expect == "fails":
            raise _Problem("accept", "\"numeric\" lets a claim expected to hold pass without a proof; "
                                     "a claim expected to fail must still be refuted")
        timeout = table.get("timeout", 10.0)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
            raise _Problem("timeout", f"must be a number of seconds in (0, {MAX_TIMEOUT:g}]")
        symbols = _symbols(table.get("symbols", {}))
        if "vectors" in table or "matrices" in table:
            return replace(self._sized(table, name, statement, source, expect, float(timeout), symbols),
                           accept_numeric=accept == "numeric")
        lhs = self._side(table, "lhs", symbols)
        rhs = self._side(table, "rhs", symbols)
        steps, written = self._steps(table, symbols)
        where = None
        if "where" in table:
            text = _string(table, "where", "")
            where = _parsed("where", parse_condition, text, symbols, self.functions)
            _check_condition(where)
        ordered = tuple(symbols.values())
        # Each link shows its own two expressions as written: the chain's ends are the sides.
        written = (_side_text(table, "lhs"), *written, _side_text(table, "rhs"))
        derivations = (Derivation(chain=(lhs, *steps, rhs), written=written,
                                  locations=self._step_locations(index, table, written)),) if steps else ()
        lines = {field: self.lines.of_identity(index, field) for field in table}
        parse = self._latex if "steps_latex" in table else parse_expression
        errata = self._errata(table, len(steps), lambda text: parse(text, symbols, self.functions))
        return Identity(
            name=name, source=source, statement=statement, lhs=lhs, rhs=rhs, symbols=ordered, where=where,
            expect=Expect(expect), derivations=derivations, errata=errata,
            finite_differences=_first_derivative(lhs, ordered),
            timeout=float(timeout), origin=self.path, lines={k: v for k, v in lines.items() if v},
            accept_numeric=accept == "numeric",
        )

    def _errata(self, table: dict, steps: int, parse) -> tuple[Erratum, ...]:
        """`errata = [{ links = [2], step = 1, corrected = "…", message = "…" }]`: known wrong steps.

        The chain `lhs = steps[0] = … = rhs` is numbered step 0 (lhs), 1, …, steps + 1 (rhs); link k
        is the `=` between step k − 1 and step k. The listed links must stay refuted, and with step
        `step` replaced by `corrected` every link touching it must hold.
        """
        entries = table.get("errata", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise _Problem("errata", "must be an array of tables such as "
                                     "{ links = [1], step = 1, corrected = \"…\" }")
        if entries and not steps:
            raise _Problem("errata", "errata need written 'steps' to refer to")
        errata = []
        for number, entry in enumerate(entries, 1):
            where = f"erratum {number}"
            for key in entry:
                if key not in ERRATUM_FIELDS:
                    raise _Problem("errata", f"{where}: unknown key '{key}'{did_you_mean(key, ERRATUM_FIELDS)}")
            links = entry.get("links")
            links = [links] if isinstance(links, int) and not isinstance(links, bool) else links
            if (not isinstance(links, list) or not links
                    or not all(isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= steps + 1 for k in links)):
                raise _Problem("errata", f"{where}: 'links' must list link numbers from 1 to {steps + 1} "
                                         "(link k is the '=' between step k-1 and step k; step 0 is lhs)")
            step = entry.get("step")
            if not isinstance(step, int) or isinstance(step, bool) or not 1 <= step <= steps:
                raise _Problem("errata", f"{where}: 'step' must be the number of the wrong step, from 1 to {steps}")
            corrected = entry.get("corrected")
            if not isinstance(corrected, str):
                raise _Problem("errata", f"{where}: 'corrected' must be the expression step {step} should read")
            try:
                expr = parse(corrected)
            except ExpressionError as failure:
                raise _Problem("errata", f"{where}, 'corrected': {failure}") from None
            message = entry.get("message", "")
            if not isinstance(message, str):
                raise _Problem("errata", f"{where}: 'message' must be a string")
            errata.append(Erratum(wrong_links=tuple(k - 1 for k in links),
                                  corrections=(Correction(step, expr, corrected),),
                                  message=message or f"step {step} does not follow"))
        return tuple(errata)

    def _sized(self, table: dict, name, statement, source, expect, timeout, symbols) -> Identity:
        """An identity over vectors and matrices (`vectors`, `matrices`): a sized.MatrixClaim."""
        for symbol in symbols:
            if symbol in MATRIX_FUNCTIONS:
                raise _Problem("symbols", f"'{symbol}' is a function in vector and matrix claims")
        declarations = sized_declarations(table.get("vectors", {}), table.get("matrices", {}), symbols)
        indices: dict = {}

        def numpy(text, _declarations, _indices):
            return parse_sized(text, declarations, indices)

        def latex(text, _declarations, _indices):
            return parse_sized(latex_to_numpy(text, declarations), declarations, indices)

        sides, shown = {}, {}
        for side in ("lhs", "rhs"):
            field = f"{side}_latex"
            if side in table and field in table:
                raise _Problem(field, f"give '{side}' or '{field}', not both")
            if side not in table and field not in table:
                raise _Problem(side, f"missing (give '{side}' or '{field}')")
            field = field if field in table else side
            shown[side] = _string(table, field, "")
            sides[side] = _parsed(field, latex if field.endswith("_latex") else numpy, shown[side], None, None)
        lhs, rhs = sides["lhs"], sides["rhs"]
        if not _same_shape(lhs.shape, rhs.shape):
            raise _Problem("rhs", f"the two sides have different shapes: lhs is a {shape_text(lhs.shape)}, "
                                  f"rhs is a {shape_text(rhs.shape)}")
        if "steps" in table and "steps_latex" in table:
            raise _Problem("steps_latex", "give 'steps' or 'steps_latex', not both")
        steps_field = "steps_latex" if "steps_latex" in table else "steps"
        reading = latex if steps_field == "steps_latex" else numpy
        texts = table.get(steps_field, [])
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise _Problem(steps_field, "must be a list of strings")
        if len(texts) > MAX_STEPS:
            raise _Problem(steps_field, f"{len(texts)} steps (at most {MAX_STEPS})")
        steps = []
        for number, text in enumerate(texts):
            try:
                step = reading(text, None, None)
            except ExpressionError as failure:
                raise _Problem(steps_field, f"step {number}: {failure}") from None
            if not _same_shape(step.shape, lhs.shape):
                raise _Problem(steps_field, f"step {number} is a {shape_text(step.shape)}, the sides are a "
                                            f"{shape_text(lhs.shape)}")
            steps.append(step)
        where = None
        if "where" in table:
            where = _parsed("where", lambda text, d, _: parse_sized_condition(text, d), _string(table, "where", ""),
                            declarations, None)
        if indices and lhs.shape:
            raise _Problem("lhs", "a claim written entry-wise (x[i]) compares scalars: take the entry of "
                                  "both sides")
        written = (shown["lhs"], *texts, shown["rhs"])
        claim = MatrixClaim(lhs=lhs, rhs=rhs, declarations=declarations, where=where, steps=tuple(steps),
                            written=written, free_indices=tuple((symbol, size) for symbol, size in indices.values()))
        derivations = (Derivation(chain=(lhs, *steps, rhs), written=written),) if steps else ()

        def corrected(text: str):
            step = reading(text, None, None)
            if not _same_shape(step.shape, lhs.shape):
                raise ExpressionError(f"it is a {shape_text(step.shape)}, the sides are a {shape_text(lhs.shape)}")
            return step

        errata = self._errata(table, len(steps), corrected)
        return Identity(name=name, source=source, statement=statement, lhs=lhs, rhs=rhs,
                        symbols=tuple(symbols.values()), where=where, expect=Expect(expect),
                        derivations=derivations, errata=errata, timeout=timeout, origin=self.path, matrix=claim)

    def _side(self, table: dict, side: str, symbols: Mapping[str, sp.Symbol]) -> sp.Expr:
        latex = f"{side}_latex"
        if side in table and latex in table:
            raise _Problem(latex, f"give '{side}' or '{latex}', not both")
        if latex in table:
            return _parsed(latex, self._latex, _string(table, latex, ""), symbols, self.functions)
        if side not in table:
            raise _Problem(side, f"missing (give '{side}' or '{latex}')")
        return _parsed(side, parse_expression, _string(table, side, ""), symbols, self.functions)

    def _steps(self, table: dict, symbols) -> tuple[tuple, tuple[str, ...]]:
        if "steps" in table and "steps_latex" in table:
            raise _Problem("steps_latex", "give 'steps' or 'steps_latex', not both")
        field = "steps_latex" if "steps_latex" in table else "steps"
        texts = table.get(field, [])
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise _Problem(field, "must be a list of strings")
        if len(texts) > MAX_STEPS:
            raise _Problem(field, f"{len(texts)} steps (at most {MAX_STEPS})")
        parse = self._latex if field == "steps_latex" else parse_expression
        built = []
        for number, text in enumerate(texts):
            try:
                built.append(_parsed(field, parse, text, symbols, self.functions))
            except _Problem as problem:
                raise _Problem(field, f"step {number}: {problem.message}") from None
        return tuple(built), tuple(texts)


def _latex_statement(table: dict) -> str:
    """An identity written in LaTeX states itself: `$lhs = rhs$` (a statement is text with `$…$` math)."""
    sides = table.get("lhs_latex"), table.get("rhs_latex")
    if all(isinstance(side, str) and side.strip() for side in sides):
        return f"${sides[0].strip()} = {sides[1].strip()}$"
    return ""


def _require_known_fields(table: dict, known: tuple[str, ...]) -> None:
    """A misspelt key is a located error with the nearest known one, never silently ignored."""
    for key in table:
        if key not in known:
            raise _Problem(key, f"unknown field '{key}'{did_you_mean(key, known)}")


def _side_text(table: dict, side: str) -> str:
    return str(table.get(side, table.get(f"{side}_latex", "")))
def _same_shape(a, b) -> bool:
    return len(a) == len(b) and all(sp.simplify(p - q) == 0 for p, q in zip(a, b))


def sized_declarations(vectors, matrices, symbols: Mapping[str, sp.Symbol]) -> Declarations:
    """`vectors = { x = "n" }`, `matrices = { A = "m x n symmetric" }` → sizes and arrays."""
    sizes: dict[str, sp.Symbol] = {}
    arrays: dict[str, Array] = {}
    for field, table in (("vectors", vectors), ("matrices", matrices)):
        if not isinstance(table, dict):
            raise _Problem(field, "must be a table such as { x = \"n\" }" if field == "vectors" else
                           "must be a table such as { A = \"m x n\" }")
        for name, spec in table.items():
            if len(arrays) >= MAX_SYMBOLS:
                raise _Problem(field, f"more than {MAX_SYMBOLS} vectors and matrices")
            if not IDENTIFIER.match(name) or keyword.iskeyword(name) or len(name) > 16 or name.startswith("_"):
                raise _Problem(field, f"'{name[:20]}' is not a valid name")
            if name in symbols or name in arrays or name in MATRIX_FUNCTIONS or name in ("pi", "E"):
                raise _Problem(field, f"'{name}' is already used (a symbol, another array or a function)")
            if not isinstance(spec, str):
                raise _Problem(field, f"the shape of '{name}' must be a string such as "
                                      + ("\"n\"" if field == "vectors" else "\"m x n\""))
            words = spec.replace("×", " x ").split()
            count = 1 if field == "vectors" else 3
            if len(words) < count or (field == "matrices" and words[1] != "x"):
                raise _Problem(field, f"the shape of '{name}' must read " + ("\"n\" (a size name)" if field ==
                                      "vectors" else "\"m x n\" (two size names), then any assumptions"))
            dims = [words[0]] if field == "vectors" else [words[0], words[2]]
            shape = tuple(_size(field, name, word, sizes, symbols, arrays) for word in dims)
            known = VECTOR_ASSUMPTIONS if field == "vectors" else MATRIX_ASSUMPTIONS
            assumptions = tuple(words[count:])
            for word in assumptions:
                if word not in known:
                    raise _Problem(field, f"unknown assumption '{word}' for '{name}'{did_you_mean(word, known)} "
                                          f"(known: {', '.join(known)})")
            if assumptions and field == "matrices" and shape[0] != shape[1]:
                raise _Problem(field, f"'{name}' is {assumptions[0]} but not square ({words[0]} x {words[2]})")
            arrays[name] = Array(name, shape, tuple(sorted(set(assumptions))))
    for name in sizes:
        if name in arrays:
            raise _Problem("vectors", f"'{name}' is both a size and a vector or matrix")
    return Declarations(sizes=sizes, scalars=dict(symbols), arrays=arrays)


def _size(field, name, word, sizes, symbols, arrays):
    if word.isdigit():
        value = int(word)
        if not 1 <= value <= 1000:
            raise _Problem(field, f"the size of '{name}' must be from 1 to 1000")
        return sp.Integer(value)
    if not IDENTIFIER.match(word) or keyword.iskeyword(word) or word in MATRIX_FUNCTIONS or word.startswith("_"):
        raise _Problem(field, f"'{word[:20]}' in the shape of '{name}' is not a valid size name")
    if word in symbols:
        raise _Problem(field, f"'{word}' is a scalar symbol and cannot also be a size")
    return sizes.setdefault(word, sp.Symbol(word, integer=True, positive=True))


def _string(table: dict, field: str, default: str) -> str:
    value = table.get(field, default)
    if not isinstance(value, str):
        raise _Problem(field, f"must be a string, not {_toml_type(value)}")
    return value


def _toml_type(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a float", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


def _parsed(field: str, parse, text: str, symbols, functions):
    """Whatever goes wrong while one field is read is that field's problem, never a traceback."""
    try:
        return parse(text, symbols, functions)
    except ExpressionError as failure:
        raise _Problem(field, str(failure)) from None
    except RecursionError:
        raise _Problem(field, "the expression is nested too deeply to read") from None
    except Exception as failure:  # noqa: BLE001 - SymPy refusing a construction, an unforeseen case
        raise _Problem(field, _unexpected(failure)) from None


def _unexpected(failure: Exception) -> str:
    reason = " ".join(str(failure).split())[:200] or "no detail"
    return f"cannot be read ({type(failure).__name__}: {reason})"


def _symbols(table) -> dict[str, sp.Symbol]:
    """`{ x = "real", n = "positive integer" }` → SymPy symbols, every one real."""
    if not isinstance(table, dict):
        raise _Problem("symbols", "must be a table such as { x = \"real\" }")
    if len(table) > MAX_SYMBOLS:
        raise _Problem("symbols", f"{len(table)} symbols (at most {MAX_SYMBOLS})")
    symbols = {}
    for name, spec in table.items():
        if not IDENTIFIER.match(name) or keyword.iskeyword(name) or len(name) > 16:
            raise _Problem("symbols", f"'{name[:20]}' is not a valid symbol name")
        if name in RESERVED or name in BUILTINS or hasattr(np, name) or name == "e":
            raise _Problem("symbols", f"'{name}' is a reserved name and cannot be a symbol")
        if not isinstance(spec, str):
            raise _Problem("symbols", f"the assumptions of '{name}' must be a string such as \"real\"")
        words = spec.split() or ["real"]
        for word in words:
            if word not in ASSUMPTIONS:
                raise _Problem("symbols", f"unknown assumption '{word}' for '{name}'"
                                          f"{did_you_mean(word, ASSUMPTIONS)} (known: {', '.join(ASSUMPTIONS)})")
        try:
            symbols[name] = sp.Symbol(name, **{"real": True, **{word: True for word in words}})
        except Exception as failure:  # noqa: BLE001 - SymPy's InconsistentAssumptions
            raise _Problem("symbols", f"the assumptions of '{name}' contradict each other: {failure}") from None
    return symbols


def _check_condition(where) -> None:
    """What can be said of a condition without computing: whether points are left is the checks' job
    (checks/domain.py, in the worker, under the identity's budget)."""
    if where is sp.false:
        raise _Problem("where", "the condition is always false")
    if where.has(sp.Derivative):
        raise _Problem("where", "derivatives are not allowed in a condition: write the derivative out "
                                "(2*x > 0, not diff(x**2, x) > 0)")


def _first_derivative(lhs, symbols) -> bool:
    """A claim `diff(f(x), x) = g(x)` in one symbol, which the checks also test by finite differences."""
    return isinstance(lhs, sp.Derivative) and len(symbols) == 1 and lhs.variable_count == ((symbols[0], 1),)
