"""Markdown and LaTeX documents: every chain of equalities in display math, link by link, located.

People write derivations in solution sets and notes, not in TOML. This reader finds the display math
of a document (Markdown: `$$…$$`, `\\[…\\]` and top-level `align`-like environments, found by
markdown-it-py with the dollarmath/amsmath plugins, whose tokens carry their source lines; LaTeX:
`equation`, `align`, `gather`, `\\[…\\]`, `$$…$$`, found by pylatexenc's LatexWalker, whose nodes carry
their offsets) and turns each `=` into one `Identity` record located at `FILE:LINE`, the line where
the link's right side is written. Inline `$…$` is not checked.

Reading a display:

* Layout is blanked out in place (replaced by spaces, so every offset still points into the file):
  `\\quad`, `\\,`, `\\left`/`\\right`, `\\boxed{…}` (content kept), `\\tag{…}`, `\\textcircled{…}`, a
  leading question label (`b)`), trailing punctuation, `\\text{…}` at the start of a row, and
  `\\text{…}` with all the prose after it elsewhere, unless the glossary's [notation] names it.
* A trailing condition (`\\quad (x \\neq 0)`, `, \\; x > 0`) becomes the `where` of that row's links.
* Rows (`\\\\`) of `aligned`/`align` continue one chain; a display starting with `=` continues the
  previous display's chain, unless a question label (`b)`, `Q3.a)`) stands between them.
* `NAME(args) = …` with a new NAME over declared symbols defines NAME for the rest of the document.

Everything is accounted for: each equality is an identity, a definition, or unread with the reason;
each other relation (≠, ≈, ≤, ⇒, →, :=) is listed as not checked. Nothing here compiles, samples or
simplifies: the records go to the checks like any other identity.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import sympy as sp

from ..checks.run.budget import Deadline, WallLimitExceeded, interrupt_after
from ..identity import Expect, Identity
from ..input_errors import InputError
from ..results import DocumentCoverage, EquationNote
from .expression import BUILTINS, ExpressionError, UserFunction
from .files import FileRefused, read_limited
from .glossary import Glossary, front_matter, glossary_error, load_glossary, written_key
from .identity_file import READ_FILE_SECONDS
from .index_latex import mentions_vector
from .latex import LATEX_FUNCTIONS, notation_names, parse_latex_expression, plain_name

MAX_FILE_BYTES = 2_000_000
MAX_DISPLAYS = 2000
_ENVIRONMENTS_READ = ("aligned", "align", "align*", "gather", "gather*", "gathered", "split", "equation",
                      "equation*", "multline", "multline*", "alignat", "alignat*")
_RELATION = re.compile(
    r":=|\\(?:neq|ne|approx|leqslant|geqslant|leq|le|geq|ge|Rightarrow|rightarrow|Leftrightarrow|implies|iff"
    r"|longrightarrow|to|leftarrow|equiv|sim|simeq|propto|mapsto|lt|gt)(?![A-Za-z])|=|<|>")
_RELATION_NAMES = {":=": ":=", "\\neq": "≠", "\\ne": "≠", "\\approx": "≈", "\\leq": "≤", "\\le": "≤",
                   "\\leqslant": "≤", "\\geq": "≥", "\\ge": "≥", "\\geqslant": "≥", "<": "<", ">": ">",
                   "\\lt": "<", "\\gt": ">", "\\Rightarrow": "⇒", "\\implies": "⇒", "\\rightarrow": "→",
                   "\\longrightarrow": "→", "\\to": "→", "\\Leftrightarrow": "⇔", "\\iff": "⇔", "\\leftarrow": "←",
                   "\\equiv": "≡", "\\sim": "∼", "\\simeq": "≃", "\\propto": "∝", "\\mapsto": "↦"}
_COMPARISONS = {"\\neq": sp.Ne, "\\ne": sp.Ne, "<": sp.Lt, ">": sp.Gt, "\\lt": sp.Lt, "\\gt": sp.Gt,
                "\\leq": sp.Le, "\\le": sp.Le, "\\leqslant": sp.Le, "\\geq": sp.Ge, "\\ge": sp.Ge,
                "\\geqslant": sp.Ge}
_LABEL = re.compile(r"^(\s*)(\(?[A-Za-z]{1,2}\)|\([ivx]{1,4}\)|Q\d*(?:\.[a-z])?\))(?=\s|\\|$)")
_PROSE_LABEL = re.compile(r"^\s*(?:\(?[A-Za-z]{1,2}\)|\([ivx]{1,4}\)|Q\d*(?:\.[a-z])?\)|Q\w*\s+[a-z]\))(?:\s|$)"
                          r"|\\(?:section|subsection|subsubsection|paragraph|item)\b")
_BLANKED_COMMANDS = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big|displaystyle|nonumber|notag)"
                               r"(?![A-Za-z])\.?")
_SPACING = re.compile(r"\\(?:quad|qquad)(?![A-Za-z])|\\[,;!: ]|~")
_NAMING_LABEL = re.compile(r"\(\s*\\text\s*\{([^{}]*)\}\s*\)(?=\s*\\?[A-Za-z])")
_VALUE_ENVIRONMENT = re.compile(r"\\begin\s*\{(cases|matrix|pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix)\}.*?"
                                r"\\end\s*\{\1\}", re.DOTALL)
_WRITTEN_IN_FULL = re.compile(r"\\begin\s*\{[pbB]?matrix\}")
_DERIVATIVE_OPERATOR_END = re.compile(r"\\frac\s*\{\s*(?:d|\\partial)\s*\}\s*\{[^{}]*\}$")
_CIRCLED = re.compile("[\u2460-\u2473\u24ea]")
_TEXT = re.compile(r"\\(?:text|textrm|textit|textbf|mbox)\s*\{")
_PROSE_CONDITION = re.compile(r"\\text\s*\{\s*(?:for|if|when|whenever|where|with|unless|provided|assuming|"
                              r"except|only|as long as)\b|<|>|\\(?:neq|ne|leq?|geq?|in|notin)(?![A-Za-z])", re.IGNORECASE)
_CASE = re.compile(r"\$\s*([a-z]\s*(?:=|\\neq|\\ne)\s*[a-z])\s*\$")
_DEFINITION = re.compile(r"^\s*\\?([A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?)\s*\(\s*([^()]*?)\s*\)\s*$")


@dataclass(frozen=True)
class DocumentLoad:
    identities: tuple[Identity, ...]
    errors: tuple[InputError, ...]
    coverage: DocumentCoverage | None


def load_document(path: str | Path, glossary: str | None = None) -> DocumentLoad:
    """Every display equation of the document at `path`, read with its front matter and `glossary`."""
    shown = str(path)
    try:
        raw = read_limited(path, MAX_FILE_BYTES)  # a regular file, at most MAX_FILE_BYTES (files.py)
    except FileRefused as refusal:
        return DocumentLoad((), (InputError(str(refusal), file=shown),), None)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as failure:
        line = raw[: failure.start].count(b"\n") + 1
        return DocumentLoad((), (InputError(f"not valid UTF-8 (byte {failure.start})", file=shown, line=line),), None)
    latex = shown.lower().endswith((".tex", ".latex"))
    front, front_line = (None, 0) if latex else front_matter(text)
    terms = load_glossary(shown, front, front_line, glossary)
    try:
        displays = latex_displays(text) if latex else markdown_displays(text)
    except Exception as failure:  # noqa: BLE001 - a reader failure is a located input error, not a traceback
        return DocumentLoad((), terms.errors + (InputError(f"cannot read the document: {failure}", file=shown),),
                            None)
    reader = _Reader(shown, text, terms, glossary or "")
    try:  # reading runs in the parent, outside every worker's limits: a backstop (identity_file.py)
        with interrupt_after(Deadline(READ_FILE_SECONDS), WallLimitExceeded):
            for display in displays[:MAX_DISPLAYS]:
                reader.read_display(display)
    except WallLimitExceeded:
        reader.errors.append(InputError(f"reading stopped after {READ_FILE_SECONDS:g} s; the displays after "
                                        "the last one listed are not read", file=shown))
    return reader.result()


# --- finding display math ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Display:
    """The math of one display, exactly as in the file: `text` starts at offset `start`."""

    text: str
    start: int
    after_label: bool = False  # a question label stands between the previous display and this one
    prose: str = ""  # the text between the previous display and this one


def markdown_displays(text: str) -> list[Display]:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    parser = MarkdownIt("commonmark").use(dollarmath_plugin, double_inline=True).use(amsmath_plugin)
    front, _ = front_matter(text)
    if front is not None:  # the front matter is not prose: blank it, keeping every line where it was
        end = text.find("+++", text.find("+++") + 3) + 3
        text = re.sub(r"[^\n]", " ", text[:end]) + text[end:]
    starts = _line_starts(text)
    found: list[tuple[int, int, str, int]] = []  # (start offset, first line, math text, last line)
    for token in parser.parse(text):
        if token.map is None:
            continue
        first, last = token.map
        block = text[starts[first]: starts[last] if last < len(starts) else len(text)]
        base = starts[first]
        if token.type == "math_block":
            opening, closing = block.find("$$"), block.rfind("$$")
            if 0 <= opening < closing:
                found.append((base + opening + 2, first, block[opening + 2: closing], last))
        elif token.type == "amsmath":
            found.append((base, first, block, last))
        elif token.type == "paragraph_open":  # `\[…\]`, and `$$…$$` written inside a paragraph
            block = _without_code_spans(block)
            for match in re.finditer(r"\\\[(.*?)\\\]|\$\$(.+?)\$\$", block, re.DOTALL):
                group = 1 if match.group(1) is not None else 2
                found.append((base + match.start(group), first, match.group(group), last))
    found.sort()
    displays, previous_end = [], 0
    for start, first, math, last in found:
        between = text[previous_end: start]
        displays.append(Display(math, start, _has_label(between), between))
        previous_end = start + len(math)
    return displays


def latex_displays(text: str) -> list[Display]:
    from pylatexenc.latexwalker import LatexEnvironmentNode, LatexMathNode, LatexWalker

    walker = LatexWalker(text, tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    found: list[tuple[int, str]] = []

    def visit(items) -> None:
        for node in items or ():
            if node is None:
                continue
            if isinstance(node, LatexMathNode):
                if node.displaytype == "display":
                    raw = text[node.pos: node.pos + node.len]
                    opening = 2  # `$$` and `\[` have two characters each
                    found.append((node.pos + opening, raw[opening: len(raw) - 2]))
            elif isinstance(node, LatexEnvironmentNode):
                name = node.environmentname
                if name.rstrip("*") in ("equation", "align", "gather", "multline", "displaymath", "eqnarray",
                                        "alignat"):
                    raw = text[node.pos: node.pos + node.len]
                    begin = re.match(r"\\begin\s*\{[^}]*\}(\s*\{[^}]*\})?", raw)
                    end = raw.rfind("\\end")
                    offset = begin.end() if begin else 0
                    found.append((node.pos + offset, raw[offset: end if end > offset else len(raw)]))
                else:
                    visit(node.nodelist)
            elif hasattr(node, "nodelist"):
                visit(node.nodelist)

    visit(nodes)
    found.sort()
    displays, previous_end = [], 0
    for start, math in found:
        between = text[previous_end: start]
        displays.append(Display(math, start, _has_label(between), between))
        previous_end = start + len(math)
    return displays


def _without_code_spans(block: str) -> str:
    """`` `$$x = 1$$` `` is code, not math: blank code spans (same length, so offsets stay)."""
    return re.sub(r"(`+)(.+?)\1", lambda m: " " * len(m.group(0)), block, flags=re.DOTALL)


def _has_label(prose: str) -> bool:
    return any(_PROSE_LABEL.search(line) for line in prose.splitlines())


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


# --- blanking layout in place ------------------------------------------------------------------------


def _blank(chars: list[str], start: int, end: int) -> None:
    for k in range(max(start, 0), min(end, len(chars))):
        if chars[k] != "\n":
            chars[k] = " "


def _closing_brace(text: str, opening: int) -> int:
    """The index of the `}` matching the `{` at `opening`, or -1."""
    depth = 0
    for k in range(opening, len(text)):
        char = text[k]
        if char == "\\":
            continue
        if char == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif char == "}" and (k == 0 or text[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k
    return -1


def _depths(text: str) -> list[int]:
    """The brace-and-parenthesis depth before each character (escaped braces do not count)."""
    depth, result = 0, []
    for k, char in enumerate(text):
        result.append(depth)
        escaped = k > 0 and text[k - 1] == "\\"
        if char in "{(" and not escaped:
            depth += 1
        elif char in "})" and not escaped:
            depth = max(depth - 1, 0)  # a stray `)` (a label such as `d)`) must not hide the rest
    return result


@dataclass
class _Row:
    """One row of a display after layout was blanked: text (same length as the display), its span."""

    start: int
    end: int
    condition: tuple[str, int] | None = None  # the trailing condition's text and its offset
    prose: list[tuple[str, int]] = field(default_factory=list)  # equalities dropped with prose
    prose_left: str = ""  # `\text{Output Dimension} = …`: the left side is prose
    prose_condition: str = ""  # `… \text{ for } x > 0`: a condition only prose states


@dataclass
class _Element:
    """One side of a link: what is written, where, and what it means (or why it cannot be read)."""

    written: str
    offset: int
    expr: sp.Expr | None = None
    reason: str = ""
    unparsed: bool = False  # read by the scalar LaTeX reader only when a scalar link needs it (_read)


class _Reader:
    def __init__(self, path: str, text: str, terms: Glossary, glossary: str = ""):
        self.path = path
        self.glossary = glossary
        self.text = text
        self.terms = terms
        self.starts = _line_starts(text)
        self.functions: dict[str, UserFunction] = dict(terms.functions)
        self.names = notation_names(terms.notation)
        self.identities: list[Identity] = []
        self.notes: list[EquationNote] = []
        self.errors: list[InputError] = list(terms.errors)
        self.equalities = 0
        self.previous: _Element | None = None  # the last element of the current chain
        self.used_errata: set[int] = set()
        self.names_used: dict[str, int] = {}
        self.stem = re.sub(r"[^a-z0-9]+", "_", Path(path).stem.lower()).strip("_") or "document"
        self.parsed: dict[str, tuple[sp.Expr | None, str]] = {}
        self.case = ""  # an index case stated in prose (`i \neq j`), until the next question label
        self.masked: dict[str, str] = {}  # placeholder -> the `\begin{cases}` block it stands for

    # --- the document, display by display

    def read_display(self, display: Display) -> None:
        if display.after_label:
            self.case = ""
        case = _CASE.search(display.prose)
        if case:  # `Case 2 : $i \neq j$`: what follows holds under it, which prose alone says
            self.case = _squash(case.group(1))
        if _unbalanced(display.text):
            self._display_unread(display, "unbalanced braces { }", anywhere=True)
            return
        display = self._mask_cases(display)
        chars = list(display.text)
        unread = self._blank_layout(display.text, chars)
        if unread:
            self._display_unread(display, unread)
            return
        blanked = "".join(chars)
        rows = self._rows(blanked, chars)
        if not any(self._split(blanked, row)[1] for row in rows) and "=" in self._chars:
            # `\underbrace{x + x = 2x}_{…}`: an equality, but inside a group this reader does not open
            self._display_unread(display, "its '=' is inside a group `{…}` that is not read", anywhere=True)
            return
        continued = False
        for number, row in enumerate(rows):
            segments, relations = self._split(blanked, row)
            for prose, offset in row.prose:
                for _ in range(_top_level_equals(prose)):
                    self.equalities += 1
                    self.notes.append(EquationNote(self._location(display.start + offset), _squash(prose),
                                                   "unread", "in prose after `\\text{…}`"))
            if not relations and (row.prose or not "".join(s for s, _ in segments).strip()):
                continue
            first_text, first_offset = segments[0]
            starts_with_relation = not first_text.strip() and relations
            if row.prose_left and starts_with_relation:
                self.previous = _Element(row.prose_left, display.start + first_offset,
                                         reason=f"the left side is prose: `{row.prose_left}`")
                continued = True
            elif number == 0 and starts_with_relation and not display.after_label and self.previous is not None:
                continued = True
            if number == 0 and not continued:
                self.previous = None
            if not relations:
                if self.previous is None or number == 0:
                    self.previous = self._element(first_text, display.start + first_offset)
                    if number == 0 and len(rows) == 1:
                        self._note(self.previous, "not checked", "no relation in this display")
                continue
            current = self.previous if starts_with_relation else self._element(first_text,
                                                                               display.start + first_offset)
            if starts_with_relation and current is None:
                current = _Element("", display.start + first_offset, reason="continues no chain: nothing stands "
                                                                              "before its first '='")
            where = self._condition(row.condition, display.start) if row.condition else (None, "")
            if row.prose_condition:  # checked without it, a true claim could be refuted
                where = (None, (f"it is stated in prose (`{row.prose_condition[:60]}`); write it as "
                                "`\\quad (x \\geq 0)` to check this row"))
            for k, relation in enumerate(relations):
                text, offset = segments[k + 1]
                element = self._element(text, display.start + offset)
                self._link(current, relation, element, where, first=(k == 0 and not starts_with_relation))
                current = element
            self.previous = current

    def _display_unread(self, display: Display, reason: str, anywhere: bool = False) -> None:
        count = (sum(m.group(0) == "=" for m in _RELATION.finditer(display.text)) if anywhere
                 else _top_level_equals(display.text))
        location = self._location(display.start + len(display.text) - len(display.text.lstrip()))
        if count == 0:
            self.notes.append(EquationNote(location, _squash(display.text), "not checked", reason))
        for _ in range(count):
            self.equalities += 1
            self.notes.append(EquationNote(location, _squash(display.text), "unread", reason))
        self.previous = None

    # --- layout

    def _blank_layout(self, text: str, chars: list[str]) -> str:
        """Blank the layout of the whole display in `chars`; a reason when the display cannot be read."""
        for match in re.finditer(r"\\(begin|end)\s*\{([^}]*)\}", text):
            if match.group(2) in _ENVIRONMENTS_READ:
                _blank(chars, match.start(), match.end())
            else:
                return f"cannot read `\\begin{{{match.group(2)}}}`"
        for match in re.finditer(r"\\(?:tag\*?|label|textcircled)\s*\{", text):
            closing = _closing_brace(text, match.end() - 1)
            _blank(chars, match.start(), closing + 1 if closing > 0 else match.end())
        for match in re.finditer(r"\\boxed\s*\{", text):
            closing = _closing_brace(text, match.end() - 1)
            if closing > 0:
                _blank(chars, match.start(), match.end())
                _blank(chars, closing, closing + 1)
        for match in _BLANKED_COMMANDS.finditer(text):
            _blank(chars, match.start(), match.end())
        for match in _NAMING_LABEL.finditer(text):  # `\frac{d}{dx}(\text{ReLU})g(x)`: names what follows
            before = text[: match.start()].rstrip()
            # only where nothing could take it as an argument (`f(\text{input}) x` is f of prose, unread)
            opens = not before or before[-1] in "=+-*/(,&" or _DERIVATIVE_OPERATOR_END.search(before)
            if opens and self.names.get(match.group(1).strip()) not in self.terms.symbols:
                _blank(chars, match.start(), match.end())
        for match in _CIRCLED.finditer(text):
            _blank(chars, match.start(), match.end())
        return ""

    def _rows(self, blanked: str, chars: list[str]) -> list[_Row]:
        depths = _depths(blanked)
        bounds, start = [], 0
        for match in re.finditer(r"\\\\", blanked):
            if depths[match.start()] == 0:
                bounds.append((start, match.start()))
                _blank(chars, match.start(), match.end())
                start = match.end()
        bounds.append((start, len(blanked)))
        rows = []
        for start, end in bounds:
            row = _Row(start, end)
            self._blank_row(blanked, chars, row)
            rows.append(row)
        # the row texts are read from `chars` from here on
        self._chars = "".join(chars)
        return rows

    def _blank_row(self, blanked: str, chars: list[str], row: _Row) -> None:
        segment = blanked[row.start: row.end]
        label = _LABEL.match(segment.replace("&", " "))
        if label:
            _blank(chars, row.start + label.start(2), row.start + label.end(2))
        for match in _TEXT.finditer(segment):
            closing = _closing_brace(segment, match.end() - 1)
            if closing < 0:
                continue
            content = segment[match.end(): closing]
            if self.terms.names_text(content):
                continue
            if re.fullmatch(r"[A-Za-z]+", content) and segment[closing + 1:].startswith("("):
                continue  # `\text{diag}(…)`: a function's name; the expression reader says if it is unknown
            before = "".join(chars[row.start: row.start + match.start()]).replace("&", " ")
            if not before.strip():
                _blank(chars, row.start + match.start(), row.start + closing + 1)
                if _RELATION.match(segment[closing + 1:].lstrip()):
                    row.prose_left = _squash(segment[match.start(): closing + 1])
                continue
            tail = segment[closing + 1:]
            if tail.strip():
                row.prose.append((tail, row.start + closing + 1))
            if _PROSE_CONDITION.search(segment[match.start():]):
                row.prose_condition = _squash(segment[match.start():])
            _blank(chars, row.start + match.start(), row.end)
            break
        current = "".join(chars[row.start: row.end])
        condition = re.search(r"(?:,\s*\\[;,: ]|,?\s*\\q?quad(?![A-Za-z]))\s*\(?([^()]*?)\)?[\s.,;]*$", current)
        if condition and _is_condition(condition.group(1)):
            row.condition = (condition.group(1), row.start + condition.start(1))
            _blank(chars, row.start + condition.start(), row.end)
        current = "".join(chars[row.start: row.end])
        for match in _SPACING.finditer(current):
            _blank(chars, row.start + match.start(), row.start + match.end())
        current = "".join(chars[row.start: row.end])
        stripped = current.rstrip()
        if stripped and stripped[-1] in ".,;":
            _blank(chars, row.start + len(stripped) - 1, row.start + len(stripped))
        for k in range(row.start, row.end):
            if chars[k] == "&" and (k == 0 or chars[k - 1] != "\\"):
                chars[k] = " "

    def _split(self, _blanked: str, row: _Row) -> tuple[list[tuple[str, int]], list[str]]:
        text = self._chars[row.start: row.end]
        depths = _depths(text)
        segments, relations, start = [], [], 0
        for match in _RELATION.finditer(text):
            if depths[match.start()] != 0:
                continue
            segments.append((text[start: match.start()], row.start + start))
            relations.append(match.group(0))
            start = match.end()
        segments.append((text[start:], row.start + start))
        return segments, relations

    # --- elements and links

    def _mask_cases(self, display: Display) -> Display:
        """A `\\begin{cases}…\\end{cases}` or a `\\begin{bmatrix}…\\end{bmatrix}` is one value (a Piecewise, a
        vector): its rows, `&` and comparisons are not the display's. It is masked by a placeholder of the same length
        while the display is cut into rows and links, and put back before each side is read."""
        self.masked = {}
        if "\\begin" not in display.text:
            return display
        text = display.text
        for number, match in enumerate(_VALUE_ENVIRONMENT.finditer(display.text)):
            placeholder = f"\\qedcases{chr(97 + number % 26) * (1 + number // 26)}"
            if len(placeholder) > match.end() - match.start() or "=" in match.group(0):
                continue  # an '=' inside is an equality this reader does not open: the display says so
            self.masked[placeholder] = match.group(0)
            text = text[:match.start()] + placeholder.ljust(match.end() - match.start()) + text[match.end():]
        return replace(display, text=text)

    def _element(self, written: str, offset: int) -> _Element:
        for placeholder, block in self.masked.items():
            written = re.sub(re.escape(placeholder) + r"(?![a-z])", lambda _, block=block: block, written)
        lead = len(written) - len(written.lstrip())
        element = _Element(_squash(written), offset + lead)
        if not element.written:
            element.reason = "nothing readable is written there (prose or layout only)"
            return element
        element.unparsed = True  # most links of a vector document never need the scalar reading
        return element

    def _read(self, *elements: _Element) -> None:
        for element in elements:
            if element.unparsed:
                element.expr, element.reason = self._parse(element.written)
                element.unparsed = False

    @property
    def declarations(self):
        """The glossary's vectors and matrices, or none but its scalars (a matrix written out in full needs
        no declared vector)."""
        if self.terms.declarations is not None:
            return self.terms.declarations
        from ..sized import Declarations

        return Declarations({}, dict(self.terms.symbols), {})

    def _meant(self, written: str) -> str:
        """`written` with the glossary's phrases (`'\\nabla_y L' = "g"`) replaced by the names they mean."""
        for phrase, name in self.terms.phrases.items():
            pattern = r"\s*".join(re.escape(part) for part in phrase.split())
            written = re.sub(pattern + r"(?![A-Za-z])", f" {name} ", written)
        return written

    def _parse(self, written: str) -> tuple[sp.Expr | None, str]:
        if written not in self.parsed:
            try:
                self.parsed[written] = (parse_latex_expression(self._meant(written), self.terms.symbols, self.functions,
                                                               self.terms.notation), "")
            except ExpressionError as failure:
                self.parsed[written] = (None, self._reason(written, str(failure)))
            except Exception as failure:  # noqa: BLE001 - any reader failure is an unread reason
                self.parsed[written] = (None, f"cannot read it ({type(failure).__name__})")
        return self.parsed[written]

    def _reason(self, written: str, message: str) -> str:
        for vector in sorted(self.terms.vectors) if self.terms.declarations is None else ():
            if re.search(rf"(?<![A-Za-z\\]){re.escape(vector)}(?![A-Za-z])", written):
                return f"uses the vector '{vector}': vector equations are not read in documents yet"
        reused = re.search(r"the summation index '(\w+)' is already in use", message)
        if reused:  # `\frac{1}{\sum_j e^{x_j}} \frac{\partial e^{x_i}}{\partial x_j}`: which j is which?
            return f"the index {reused.group(1)} is both summed over and free: rename the summation index"
        undeclared = re.match(r"undeclared symbol '([^']+)'", message)
        if undeclared and undeclared.group(1) == "partial":
            return "cannot read this `\\partial` (only \\frac{\\partial}{\\partial x} of declared symbols)"
        if undeclared:
            return f"unknown symbol {undeclared.group(1)}: declare it in the glossary"
        return message

    def _link(self, left: _Element, relation: str, right: _Element, where, first: bool) -> None:
        location = self._location(right.offset)
        written = f"{left.written} {relation} {right.written}".strip()
        if relation != "=":
            self.notes.append(EquationNote(location, written, "not checked",
                                           f"'{_RELATION_NAMES.get(relation, relation)}' is not an equality"))
            return
        self.equalities += 1
        if first and self._define(left, right, location, written):
            return
        declarations = self.declarations
        if left.written and right.written and (
                (self.terms.declarations is not None and any(mentions_vector(self._meant(side.written), declarations,
                                                                             self.terms.symbols)
                                                             for side in (left, right)))
                or any(_WRITTEN_IN_FULL.search(side.written) for side in (left, right))):
            self._sized_link(left, right, where, location, written)
            return
        self._read(left, right)
        if left.expr is None or right.expr is None:
            reason = left.reason if left.expr is None else right.reason
            self.notes.append(EquationNote(location, written, "unread", reason))
            return
        condition, problem = where
        if problem:
            self.notes.append(EquationNote(location, written, "unread", f"the condition: {problem}"))
            return
        self._identity(left, right, condition, location, written)

    def _sized_link(self, left: _Element, right: _Element, where, location: str, written: str) -> None:
        """A link in index notation (`S(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}`): both sides spelled in
        NumPy notation and read by the shape-checking parser, one MatrixClaim over the free indices."""
        from ..sized import MatrixClaim
        from .entrywise import mentions, push_entries
        from .index_latex import index_latex_to_numpy
        from .matrix_expression import parse_sized

        declarations = self.declarations
        if where[0] is not None or where[1]:
            self.notes.append(EquationNote(location, written, "unread", "a condition on a vector equation is not "
                                                                        "read yet"))
            return
        indices: dict = {}
        templates: dict = {}
        cases: list = []
        try:
            texts = [index_latex_to_numpy(self._meant(side.written), declarations, self.names, templates,
                                          self.terms.layout, cases) for side in (left, right)]
            lhs, rhs = (parse_sized(text, _with_placeholders(declarations, templates), indices) for text in texts)
            context = _EntryContext(self, templates, texts, indices)
            lhs, rhs = push_entries(lhs, context.entries), push_entries(rhs, context.entries)
            if lhs.shape or rhs.shape:  # whole vectors: compared entry by entry (entrywise.py)
                whole = lhs, rhs
                lhs, rhs, letters = context.at_free_indices(lhs, rhs)
                if not templates and not cases:  # read entry by entry (so refused alike), but checked whole:
                    lhs, rhs = whole  # the engines evaluate whole vectors and matrices far faster than entries
                    indices = {letter: index for letter, index in indices.items() if letter not in letters}
            elif mentions(lhs, templates) or mentions(rhs, templates):
                raise ExpressionError("a vector written out inside a number (other than a row times a column) is "
                                      "not read")
            texts += context.texts_read
            lhs, rhs = _with_index_cases(lhs, rhs, cases, indices)
        except ExpressionError as failure:
            self.notes.append(EquationNote(location, written, "unread", self._reason(written, str(failure))))
            return
        except Exception as failure:  # noqa: BLE001 - any reader failure is an unread reason
            self.notes.append(EquationNote(location, written, "unread", f"cannot read it ({type(failure).__name__})"))
            return
        summed = {str(node.value[0]) for side in (lhs, rhs) for node in side.walk() if node.op == "isum"}
        clash = sorted(summed & set(indices))
        if clash:  # `\frac{1}{\sum_j e^{x_j}} \frac{\partial e^{x_i}}{\partial x_j}`: which j is which?
            self.notes.append(EquationNote(location, written, "unread", f"the index {clash[0]} is both summed over "
                                                                        "and free: rename the summation index"))
            return
        letters = re.findall(r"(?<![\\a-z])[a-z](?![a-z])", self.case)
        stated = {(a, b) for a, _, b in cases} | {(b, a) for a, _, b in cases}  # `_{i \neq j}` states its case
        if self.case and len(indices) > 1 and all(letter in indices for letter in letters) \
                and tuple(letters) not in stated:
            self.notes.append(EquationNote(location, written, "unread", f"it holds under the case `{self.case}` "
                                                                        "stated in prose, which is not read"))
            return
        claim = MatrixClaim(lhs=lhs, rhs=rhs, declarations=declarations,
                            written=(left.written, right.written),
                            free_indices=tuple((symbol, size) for symbol, size in indices.values()))
        scalars = tuple(symbol for name, symbol in self.terms.symbols.items()
                        if any(re.search(rf"\b{re.escape(name)}\b", text) for text in texts))
        self._add_identity(left, right, location, written, lhs=lhs, rhs=rhs, symbols=scalars, where=None,
                           matrix=claim)

    def _define(self, left: _Element, right: _Element, location: str, written: str) -> bool:
        match = _DEFINITION.match(left.written)
        if not match:
            return False
        self._read(right)
        if right.expr is None:
            return False
        name = plain_name(match.group(1))
        args = [plain_name(a.strip().lstrip("\\")) for a in match.group(2).split(",")]
        defined_here = name in self.functions and name not in self.terms.functions
        known = (name in self.functions or name in LATEX_FUNCTIONS or name in BUILTINS or name in self.names
                 or name in self.terms.symbols) and not defined_here  # a document may define f again
        if known or not args or not all(a in self.terms.symbols for a in args) or len(set(args)) != len(args):
            return False
        placeholders = [sp.Dummy(a, real=True) for a in args]
        body = right.expr.xreplace({self.terms.symbols[a]: p for a, p in zip(args, placeholders)})
        self.functions[name] = UserFunction(name, tuple(placeholders), body)
        self.parsed.clear()  # a name that was unknown may be known now
        verb = "redefines" if defined_here else "defines"
        self.notes.append(EquationNote(location, written, "definition",
                                       f"{verb} {name}({', '.join(args)}) for the rest of the document"))
        return True

    def _identity(self, left: _Element, right: _Element, where, location: str, written: str) -> None:
        free = set(left.expr.free_symbols) | set(right.expr.free_symbols)
        if where is not None:
            free |= set(where.free_symbols)
        symbols = tuple(sorted((s for s in free if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy)),
                               key=lambda s: s.name))
        self._add_identity(left, right, location, written, lhs=left.expr, rhs=right.expr, symbols=symbols,
                           where=where)

    def _add_identity(self, left: _Element, right: _Element, location: str, written: str, **record) -> None:
        line = location.rsplit(":", 1)[1]
        base = f"{self.stem}_line_{line}"
        count = self.names_used.get(base, 0) + 1
        self.names_used[base] = count
        name = base if count == 1 else f"{base}_{count}"
        expect, notes = Expect.HOLDS, ()
        keys = (written_key(right.written), written_key(f"{left.written}={right.written}"))
        for number, erratum in enumerate(self.terms.errata):
            if erratum.key in keys:
                self.used_errata.add(number)
                expect = Expect.FAILS
                notes = (f"known erratum ({erratum.origin}): {erratum.message}" if erratum.message
                         else f"known erratum ({erratum.origin})",)
        self.identities.append(Identity(name=name, source=self.path, statement=written, expect=expect, notes=notes,
                                        origin=self.path, location=location, glossary=self.glossary, **record))

    def _condition(self, condition: tuple[str, int], base: int):
        text, _ = condition
        parts = [p for p in re.split(r",|\\text\s*\{\s*and\s*\}", text) if p.strip()]
        built = []
        for part in parts:
            depths = _depths(part)
            found = [m for m in _RELATION.finditer(part) if depths[m.start()] == 0]
            if len(found) != 1 or found[0].group(0) not in _COMPARISONS:
                return None, f"cannot read `{_squash(part)}` (one comparison such as x \\neq 0)"
            match = found[0]
            sides = []
            for side in (part[: match.start()], part[match.end():]):
                expr, reason = self._parse(_squash(side))
                if expr is None:
                    return None, reason
                sides.append(expr)
            built.append(_COMPARISONS[match.group(0)](*sides, evaluate=False))
        return (sp.And(*built) if len(built) > 1 else built[0]) if built else None, ""

    def _note(self, element: _Element, status: str, reason: str) -> None:
        self.notes.append(EquationNote(self._location(element.offset), element.written, status, reason))

    def _location(self, offset: int) -> str:
        return f"{self.path}:{bisect.bisect_right(self.starts, offset)}"

    def result(self) -> DocumentLoad:
        for number, erratum in enumerate(self.terms.errata):
            if number not in self.used_errata:
                self.errors.append(glossary_error(erratum.origin, f"erratum '{erratum.written}' matches no "
                                                   f"equality of {self.path} (corrected? then remove the erratum)"))
        unread = sum(n.status == "unread" for n in self.notes)
        definitions = sum(n.status == "definition" for n in self.notes)
        notes = tuple(sorted(self.notes, key=lambda n: int(n.location.rsplit(":", 1)[1])))
        coverage = DocumentCoverage(self.path, self.equalities, len(self.identities), definitions, unread, notes)
        return DocumentLoad(tuple(self.identities), tuple(self.errors), coverage)


class _EntryContext:
    """Entries for one link: fresh index letters (named in no side), and the entries of its vectors
    written out with ⋮ read at any index (entrywise.py asks for them)."""

    def __init__(self, reader: _Reader, templates: dict, texts: list[str], indices: dict):
        from .entrywise import Entries

        self.reader, self.templates, self.indices = reader, templates, indices
        declarations = reader.declarations
        taken = set(re.findall(r"[A-Za-z]", " ".join(texts))) | set(indices) | set(declarations.scalars) | \
            set(declarations.arrays) | set(declarations.sizes) | {"e"}
        self.letters = iter(c for c in "klmpqrstuvwabcdfgh" if c not in taken)
        self.symbols: dict = {}
        self.texts_read: list[str] = []
        self.entries = Entries(self.template, self.new_index, set(templates))

    def new_index(self, size):
        from ..sized import Node

        letter = next(self.letters, None)
        if letter is None:
            raise ExpressionError("no letter is left for an entry index")
        symbol = sp.Symbol(letter, integer=True, nonnegative=True)
        self.symbols[symbol] = (letter, size)
        return Node("index", (), (), symbol)

    def template(self, name: str, index: tuple):
        from ..sized import Node
        from .index_latex import index_latex_to_numpy
        from .matrix_expression import parse_sized

        declarations = self.reader.declarations
        written = self.templates[name]
        if written.cells:  # written out in full: Σ δ(k, r) δ(l, c) cell(r, c), exactly
            cells = [cell for row in written.cells for cell in row] if len(index) == 1 else None
            terms = []
            for position, cell in (enumerate(cells) if cells is not None else
                                   (((r, c), cell) for r, row in enumerate(written.cells) for c, cell in enumerate(row))):
                text = index_latex_to_numpy(" ".join(cell), declarations, self.reader.names)
                seen = dict(self.indices)
                value = parse_sized(text, declarations, seen)
                if not value.is_scalar or set(seen) - set(self.indices):
                    raise ExpressionError("an entry of a vector or matrix written out is not a number")
                self.texts_read.append(text)
                picks = (position,) if cells is not None else position
                factors = [Node("delta", (i, Node("num", (), (), sp.Integer(p))), ()) for i, p in zip(index, picks)]
                for factor in factors:
                    value = Node("mul", (factor, value), ())
                terms.append(value)
            total = terms[0]
            for term in terms[1:]:
                total = Node("add", (total, term), ())
            return total
        index = index[0]
        letter, size = self.symbols.get(index.value) or next(
            (k, v[1]) for k, v in self.indices.items() if v[0] == index.value)
        text = index_latex_to_numpy(written.entry_text(letter), declarations, self.reader.names)
        seen = {**self.indices, letter: (index.value, size)}
        entry = parse_sized(text, declarations, seen)
        if not entry.is_scalar or set(seen) - set(self.indices) - {letter}:
            raise ExpressionError("an entry of a vector written out with ⋮ is not a number of its index")
        self.texts_read.append(text)
        return entry

    def at_free_indices(self, lhs, rhs):
        """Both sides at fresh free indices (one for vectors, two for matrices), and those letters."""
        from ..sized import shape_text
        from .entrywise import entry_of, mentions

        if len(lhs.shape) != len(rhs.shape) or any(sp.simplify(a - b) != 0 for a, b in zip(lhs.shape, rhs.shape)):
            raise ExpressionError(f"a {shape_text(lhs.shape)} on the left and a {shape_text(rhs.shape)} on the "
                                  "right")
        free = tuple(self.new_index(size) for size in lhs.shape)
        for node in free:
            letter, size = self.symbols[node.value]
            self.indices[letter] = (node.value, size)
        lhs, rhs = entry_of(lhs, free, self.entries), entry_of(rhs, free, self.entries)
        if mentions(lhs, self.templates) or mentions(rhs, self.templates):
            raise ExpressionError("a vector written out inside a number (other than a row times a column) is "
                                  "not read")
        return lhs, rhs, {self.symbols[node.value][0] for node in free}


def _with_index_cases(lhs, rhs, cases: list, indices: dict):
    """`(M)_{i=j}`: the link is about the diagonal, j is i everywhere; `(M)_{i \\neq j}`: about the entries
    off it, so both sides are multiplied by 1 − δ_ij (equal exactly where i ≠ j)."""
    from ..sized import Node
    from .entrywise import renamed

    for a, relation, b in cases:
        if a not in indices or b not in indices:
            raise ExpressionError(f"the case {a} {relation} {b} names an index the link does not use")
        first, second = indices[a][0], indices[b][0]
        if relation == "=":
            lhs, rhs = renamed(lhs, second, first), renamed(rhs, second, first)
            del indices[b]
        else:
            pair = (Node("index", (), (), first), Node("index", (), (), second))
            off = Node("sub", (Node("num", (), (), sp.Integer(1)), Node("delta", pair, ())), ())
            lhs, rhs = Node("mul", (off, lhs), lhs.shape), Node("mul", (off, rhs), rhs.shape)
    return lhs, rhs


def _with_placeholders(declarations, templates: dict):
    """The declarations with each vector written out with ⋮ as a placeholder vector of its size, so the
    shape-checking parser reads the whole side (its entries are put in by entrywise.py)."""
    if not templates:
        return declarations
    from ..sized import Array, Declarations

    arrays = {**declarations.arrays, **{name: Array(name, t.shape) for name, t in templates.items()}}
    return Declarations(sizes=declarations.sizes, scalars=declarations.scalars, arrays=arrays)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _unbalanced(text: str) -> bool:
    depth = 0
    for k, char in enumerate(text):
        if k and text[k - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return True
    return depth != 0


def _is_condition(text: str) -> bool:
    """`x \\neq 0`, `x > 0, y > 0`: comparisons only (an `=` or a `⇒` makes it part of the chain)."""
    found = [m.group(0) for m in _RELATION.finditer(text)]
    return bool(found) and all(r in _COMPARISONS for r in found)


def _top_level_equals(text: str) -> int:
    depths = _depths(text)
    return sum(1 for m in _RELATION.finditer(text) if m.group(0) == "=" and depths[m.start()] == 0)

