"""The glossary of a document: what its notation means, in TOML.

A Markdown file may start with TOML front matter between `+++` lines; `--glossary FILE.toml` gives the
same for any document and overrides it (key by key: a symbol, function or notation entry of the file
replaces the front matter's; errata add up). Keys are those of identity files plus two:

    symbols = { x = "real", lambda = "positive" }   # Greek names are allowed: \\lambda is `lambda`
    vectors = { x = "n" }                           # a vector of size n: x_i, \\sum_j e^{x_j} are read
    [functions.ell]                                 # plain-text body over its arguments
    args = ["z"]
    body = "log(1 + exp(-z))"
    [notation]                                      # what the document writes -> what it means
    '\\sigma' = "sigmoid"
    '\\text{Softplus}' = "softplus"
    [[errata]]                                      # a known wrong step, matched by what is written:
    written = '\\ln\\left(\\frac{e^x(1+e^{-x})}{1+e^x}\\right)'   # its right side, or the whole link
    message = "…"                                    # 'A = B' when the right side alone is ambiguous

The glossary is data: TOML read by `tomllib`, function bodies through the whitelisting parser.
Every problem is a located `InputError`; a broken entry is left out and the rest is used.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..input_errors import InputError
from .expression import BUILTINS, RESERVED, ExpressionError, UserFunction, did_you_mean, parse_expression
from .files import FileRefused, read_limited
from .latex import notation_names

KEYS = ("symbols", "vectors", "matrices", "functions", "notation", "errata", "layout")
LAYOUTS = ("numerator", "denominator")  # ∂F/∂x of a vector F: rows follow F (numerator) or x (denominator)
ASSUMPTIONS = ("real", "positive", "nonnegative", "negative", "nonzero", "integer")
MAX_SYMBOLS = 64
MAX_GLOSSARY_BYTES = 1_000_000
MAX_FUNCTIONS = 100
MAX_ARGS = 32
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,23}$")
_PHRASE = re.compile(r"\s*\\?[A-Za-z]+(?:\s*[_^]\s*(?:\{[A-Za-z0-9]{1,6}\}|[A-Za-z0-9]))*(?:\s+[A-Za-z])?\s*")


@dataclass(frozen=True)
class KnownErratum:
    """A step the document writes that does not follow, recorded without editing the document."""

    written: str
    message: str
    origin: str

    @property
    def key(self) -> str:
        return written_key(self.written)


@dataclass(frozen=True)
class Glossary:
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    vectors: frozenset[str] = frozenset()
    functions: dict[str, UserFunction] = field(default_factory=dict)
    notation: dict[str, str] = field(default_factory=dict)
    errata: tuple[KnownErratum, ...] = ()
    errors: tuple[InputError, ...] = ()
    declarations: Any = None  # sized.Declarations of the vectors and matrices, when some are declared
    layout: str = ""  # "numerator" or "denominator": how ∂F/∂x of a vector F is laid out; "" unsaid
    phrases: dict[str, str] = field(default_factory=dict)  # `\\nabla_y L` -> a declared vector or symbol

    def names_text(self, content: str) -> bool:
        """Whether `\\text{content}` is named by the notation (then it is read, not dropped as prose)."""
        return content.strip() in self._named_texts

    @property
    def _named_texts(self) -> frozenset[str]:
        named = set()
        for written in self.notation:
            match = re.fullmatch(r"\s*\\(?:text|textrm|mathrm|operatorname)\s*\{\s*([^{}]*?)\s*\}\s*", written)
            if match:
                named.add(match.group(1))
        return frozenset(named)


def written_key(text: str) -> str:
    """What two writings of one step share: no spaces, no \\left/\\right, no spacing commands."""
    text = re.sub(r"\\(?:left|right)(?![A-Za-z])|\\[,;!: ]|\\q?quad(?![A-Za-z])", "", text)
    return re.sub(r"\s+", "", text).rstrip(".,;")


def front_matter(text: str) -> tuple[str | None, int]:
    """The TOML between a first line `+++` and the next `+++` line, and the line where it starts."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        return None, 0
    for k in range(1, len(lines)):
        if lines[k].strip() == "+++":
            return "\n".join(lines[1:k]), 1
    return None, 0


def load_glossary(document: str, front: str | None, front_line: int, override: str | None) -> Glossary:
    """The glossary of `document`: its front matter (TOML text or None), overridden by the file `override`."""
    errors: list[InputError] = []
    data: dict = {}
    origins: dict[str, str] = {}
    sources = []
    if front is not None:
        sources.append((f"{document}:{front_line} (front matter)", front))
    if override is not None:
        try:
            sources.append((override, read_limited(override, MAX_GLOSSARY_BYTES).decode("utf-8")))
        except (FileRefused, UnicodeDecodeError) as failure:
            errors.append(glossary_error(override, f"cannot read the glossary: {failure}"))
    for origin, text in sources:
        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError as failure:
            errors.append(glossary_error(origin, f"invalid TOML: {failure}"))
            continue
        _merge(data, table, origin, origins, errors)
    return _read(data, origins, errors)


def _merge(data: dict, table: dict, origin: str, origins: dict, errors: list[InputError]) -> None:
    for key, value in table.items():
        if key not in KEYS:
            errors.append(glossary_error(origin, f"unknown glossary key '{key}'{did_you_mean(key, KEYS)} "
                                      f"(known: {', '.join(KEYS)})"))
            continue
        origins[key] = origin
        if key == "layout":
            if value not in LAYOUTS:
                errors.append(glossary_error(origin, "'layout' must be \"numerator\" (the entry (i, j) of ∂F/∂x is "
                                             "∂F_i/∂x_j) or \"denominator\" (∂F_j/∂x_i)"))
                continue
            data["layout"] = value
        elif key == "errata":
            if not isinstance(value, list):
                errors.append(glossary_error(origin, "'errata' must be an array of tables, written [[errata]]"))
                continue
            data.setdefault("errata", []).extend((origin, v) for v in value)
        elif not isinstance(value, dict):
            errors.append(glossary_error(origin, f"'{key}' must be a table"))
        else:
            data.setdefault(key, {}).update(value)


def _read(data: dict, origins: dict, errors: list[InputError]) -> Glossary:
    symbols = _symbols(data.get("symbols", {}), origins.get("symbols", ""), errors)
    vectors = frozenset(data.get("vectors", {})) | frozenset(data.get("matrices", {}))
    declarations = None
    if vectors:
        from .identity_file import sized_declarations

        try:
            # A name may be a scalar where a document writes it plainly and a vector where it writes its
            # entries (x in Q1(b) and x_i in Q1(k)): the vector's declarations leave the scalar out.
            # Likewise a size: n is the exponent of the power rule in Q1(a) and the size of x in Q1(g).
            shapes = [(spec, 1) for spec in data.get("vectors", {}).values()] + \
                [(spec, 3) for spec in data.get("matrices", {}).values()]
            sizes = {word for spec, count in shapes if isinstance(spec, str)
                     for word in spec.replace("×", " x ").split()[:count:2]}
            scalars = {name: symbol for name, symbol in symbols.items() if name not in vectors and name not in sizes}
            declarations = sized_declarations(data.get("vectors", {}), data.get("matrices", {}), scalars)
        except Exception as failure:  # noqa: BLE001 - identity_file's located problem: one sentence here
            errors.append(glossary_error(origins.get("vectors") or origins.get("matrices", ""),
                                         str(getattr(failure, "message", failure))))
    functions = _functions(data.get("functions", {}), origins.get("functions", ""), errors)
    notation, phrases = {}, {}
    for written, meaning in data.get("notation", {}).items():
        try:
            notation_names({written: meaning})
        except ExpressionError as failure:
            if isinstance(meaning, str) and (meaning in vectors or meaning in symbols) and _PHRASE.fullmatch(written):
                phrases[written.strip()] = meaning  # `'\\nabla_y L' = "g"`: a phrase that names a declared vector
                continue
            errors.append(glossary_error(origins.get("notation", ""), f"[notation] {failure} (or a short phrase "
                                         "such as '\\nabla_y L' naming a declared vector or symbol)"))
            continue
        notation[written] = meaning
    errata = []
    for origin, table in data.get("errata", []):
        if not (isinstance(table, dict) and isinstance(table.get("written"), str) and table["written"].strip()):
            errors.append(glossary_error(origin, "each [[errata]] needs 'written', the wrong step as the document writes it"))
            continue
        unknown = set(table) - {"written", "message"}
        if unknown:
            errors.append(glossary_error(origin, f"[[errata]] has unknown field(s) {', '.join(sorted(unknown))} "
                                      "(known: written, message)"))
            continue
        errata.append(KnownErratum(table["written"], str(table.get("message", "")), origin))
    return Glossary(symbols, vectors, functions, notation, tuple(errata), tuple(errors), declarations,
                    data.get("layout", ""), phrases)


def _symbols(table: dict, origin: str, errors: list[InputError]) -> dict[str, sp.Symbol]:
    symbols = {}
    for count, (name, spec) in enumerate(table.items()):
        if count >= MAX_SYMBOLS:
            errors.append(glossary_error(origin, f"more than {MAX_SYMBOLS} symbols; the rest are ignored"))
            break
        if not _NAME.match(name) or name in RESERVED or name in BUILTINS or name == "e":
            errors.append(glossary_error(origin, f"symbols: '{name[:24]}' cannot be a symbol name"))
            continue
        words = spec.split() if isinstance(spec, str) else None
        if words is None or any(w not in ASSUMPTIONS for w in words):
            errors.append(glossary_error(origin, f"symbols: the assumptions of '{name}' must be words among "
                                      f"{', '.join(ASSUMPTIONS)}"))
            continue
        try:
            symbols[name] = sp.Symbol(name, **{"real": True, **{w: True for w in words}})
        except Exception as failure:  # noqa: BLE001 - SymPy's InconsistentAssumptions
            errors.append(glossary_error(origin, f"symbols: the assumptions of '{name}' contradict each other: {failure}"))
    return symbols


def _functions(tables: dict, origin: str, errors: list[InputError]) -> dict[str, UserFunction]:
    functions: dict[str, UserFunction] = {}
    for count, (name, table) in enumerate(tables.items()):
        if count >= MAX_FUNCTIONS:
            errors.append(glossary_error(origin, f"more than {MAX_FUNCTIONS} functions; the rest are ignored"))
            break
        if not _NAME.match(name) or name in RESERVED:
            errors.append(glossary_error(origin, "not a valid function name", function=name))
            continue
        args = table.get("args") if isinstance(table, dict) else None
        body = table.get("body") if isinstance(table, dict) else None
        if not (isinstance(args, list) and 1 <= len(args) <= MAX_ARGS and all(isinstance(a, str) and _NAME.match(a)
                                                                              for a in args)):
            errors.append(glossary_error(origin, f"a list of 1 to {MAX_ARGS} argument names, such as [\"t\"]", function=name,
                              field="args"))
            continue
        if not isinstance(body, str):
            errors.append(glossary_error(origin, "missing or not a string", function=name, field="body"))
            continue
        placeholders = {a: sp.Dummy(a, real=True) for a in args}
        try:
            functions[name] = UserFunction(name, tuple(placeholders.values()),
                                           parse_expression(body, placeholders, functions))
        except ExpressionError as failure:
            errors.append(glossary_error(origin, str(failure), function=name, field="body"))
    return functions


def glossary_error(origin: str, message: str, function: str = "", field: str = "") -> InputError:
    """A glossary problem, named as the sentence always named it (`doc.md:1 (front matter)`, or the
    glossary file); the record's file and line are that origin's."""
    front = re.fullmatch(r"(.*):(\d+) \(front matter\)", origin)
    file, line = (front.group(1), int(front.group(2))) if front else (origin, None)
    return InputError(message, file=file, line=line, function=function, field=field, where=origin)
