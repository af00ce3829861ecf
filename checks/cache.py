"""The result cache under `.qedcheck_cache/`: a check is redone only when something it depends on changed.

Two keys, both SHA-256:

* the **content key** of an identity is the canonical form of everything the verdict depends on: the
  structural fingerprint of every SymPy expression of the record (sides, domain, derivation chains,
  errata; fingerprint.py spells each symbol's assumptions), the compiled code of its NumPy
  implementations and of the functions they call, the files of the modules they name, the
  expectation, the sizes, the run's seed, tolerance and budget, the versions of qedcheck, SymPy,
  NumPy and mpmath, and the bytes of every engine file (`checks/*.py`,
  `identity.py`, `results.py`, `__init__.py`): editing any engine invalidates every entry. Computing
  it needs SymPy.
* the **quick key** of a catalogue identity is its name, the same settings and versions, the engine
  files and the bytes of every catalogue module (`derivations/*.py`). It is computed without
  importing SymPy or NumPy and points at a content key, so a run whose every result is cached never
  imports them. Editing one catalogue module changes every quick key; the content keys then show
  which identities really changed, and only those are checked again.

Timeouts and errors are not stored: they depend on the machine's load or on a crash, not on the
identity. Results are stored as JSON, one file per content key, written atomically.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import os
import shutil
import tempfile
import types
import typing
from importlib import metadata
from pathlib import Path

from .. import __version__
from .. import results as results_module
from ..results import IdentityResult, Verdict

DEFAULT_DIR = ".qedcheck_cache"
FORMAT = "qedcheck-cache/1"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ENGINE_FILES = ("__init__.py", "identity.py", "results.py", "sized.py", "checks/*.py")
CATALOGUE_FILES = ("derivations/*.py",)
CACHEABLE = (Verdict.PROVED, Verdict.REFUTED, Verdict.NUMERIC_ONLY)


def versions() -> dict[str, str]:
    """The versions of the engines' libraries (read once per process: every key includes them)."""
    return dict(_versions())


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    """Read from package metadata: nothing is imported."""
    found = {"qedcheck": __version__}
    for package in ("sympy", "numpy", "mpmath"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "absent"
    return tuple(found.items())


@functools.cache
def files_digest(patterns: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(PACKAGE_ROOT.glob(pattern)):
            digest.update(str(path.relative_to(PACKAGE_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def settings_description(seed: int, rtol: float, timeout: float | None) -> dict:
    return {"seed": seed, "rtol": repr(rtol), "timeout": None if timeout is None else repr(timeout)}


def quick_key(name: str, settings: dict) -> str:
    """The key of a catalogue identity that needs no SymPy: name, settings, versions, source files."""
    return _sha({"kind": "quick", "name": name, "settings": settings, "versions": versions(),
                 "engine": files_digest(ENGINE_FILES), "catalogue": files_digest(CATALOGUE_FILES)})


def content_key(identity, settings: dict) -> str:
    """The key of any identity: the canonical form of its record (this imports SymPy)."""
    return _sha({"kind": "content", "identity": canonical(identity), "settings": settings,
                 "versions": versions(), "engine": files_digest(ENGINE_FILES)})


def canonical(value, _seen=None):
    """A JSON-able description of a record field that changes whenever its meaning can change."""
    import sympy as sp

    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        from .fingerprint import fingerprint

        return {"sympy": fingerprint(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__,
                **{f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, (tuple, list)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if callable(value):
        return {"code": code_digest(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return repr(value)


@functools.cache
def code_digest(function) -> str:
    """What a NumPy implementation does and what it calls: the function or lambda itself (its compiled
    code, see _behaviour), the functions it names, and the whole file of every module it names."""
    digest = hashlib.sha256()
    seen: set[int] = set()

    def visit(fn, depth: int) -> None:
        if id(fn) in seen or depth > 3:
            return
        seen.add(id(fn))
        digest.update(_behaviour(fn))
        code = getattr(fn, "__code__", None)
        scope = getattr(fn, "__globals__", {})
        for name in sorted(_names(code)) if code else ():
            target = scope.get(name)
            if isinstance(target, types.ModuleType):
                digest.update(_module_bytes(target))
            elif isinstance(target, types.FunctionType):
                visit(target, depth + 1)
        for cell in getattr(fn, "__closure__", None) or ():
            value = cell.cell_contents
            if isinstance(value, types.FunctionType):
                visit(value, depth + 1)
            else:
                digest.update(_constant(value))

    visit(function, 0)
    return digest.hexdigest()


def _behaviour(fn) -> bytes:
    """A function's compiled code: bytecode, constants (nested code included), names and defaults.

    Unlike its source text it ignores comments and line numbers, and reading it costs nothing
    (inspect.getsource re-tokenises the file for every lambda: a sixth of the parent's run).
    """
    code = getattr(fn, "__code__", None)
    if code is None:  # a builtin or a ufunc: its name is all there is
        return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}".encode()
    defaults = (getattr(fn, "__defaults__", None), getattr(fn, "__kwdefaults__", None))
    return _code_bytes(code) + _constant(defaults)


def _code_bytes(code) -> bytes:
    parts = [code.co_code, repr((code.co_names, code.co_varnames, code.co_freevars)).encode()]
    parts += [_code_bytes(c) if isinstance(c, types.CodeType) else _constant(c) for c in code.co_consts]
    return b"\0".join(parts)


def _constant(value) -> bytes:
    """A deterministic spelling (a frozenset's repr follows string hashing, which varies by process)."""
    if isinstance(value, (frozenset, set)):
        return repr(sorted(map(repr, value))).encode()
    if isinstance(value, (tuple, list)):
        return b"(" + b",".join(_constant(v) for v in value) + b")"
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value).encode()
    return f"<{type(value).__module__}.{type(value).__qualname__}>".encode()


@functools.cache
def _module_bytes(module) -> bytes:
    path = getattr(module, "__file__", None)
    if path and Path(path).resolve().is_relative_to(PACKAGE_ROOT):
        return Path(path).read_bytes()
    return f"module {module.__name__}".encode()


def _names(code) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names


class ResultCache:
    """Results on disk under `root`: `results/<content key>.json` and `quick/<quick key>`."""

    def __init__(self, root: str | os.PathLike = DEFAULT_DIR):
        self.root = Path(root)

    def quick_lookup(self, key: str) -> IdentityResult | None:
        try:
            content = (self.root / "quick" / key).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return self.lookup(content)

    def lookup(self, key: str) -> IdentityResult | None:
        try:
            stored = json.loads((self.root / "results" / f"{key}.json").read_text(encoding="utf-8"))
            if stored.get("format") != FORMAT:
                return None
            return result_from_dict(stored["result"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a missing or damaged entry is a miss: the identity is checked again

    def store(self, key: str, result: IdentityResult, quick: str | None = None) -> bool:
        if result.verdict not in CACHEABLE:
            return False
        self._prepare()
        _write_atomic(self.root / "results" / f"{key}.json",
                      json.dumps({"format": FORMAT, "result": result_to_dict(result)}, ensure_ascii=False))
        if quick is not None:
            _write_atomic(self.root / "quick" / quick, key)
        return True

    def link(self, quick: str, key: str) -> None:
        """Point a quick key at a content key already stored."""
        self._prepare()
        _write_atomic(self.root / "quick" / quick, key)

    def clear(self) -> int:
        """Remove the cache directory; returns the number of stored results removed."""
        if not self.root.exists():
            return 0
        if not (self.root / "CACHEDIR.TAG").exists():
            raise ValueError(f"{self.root}: not a qedcheck cache directory (no CACHEDIR.TAG); not removing it")
        count = len(list((self.root / "results").glob("*.json")))
        shutil.rmtree(self.root)
        return count

    def _prepare(self) -> None:
        for sub in ("results", "quick"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# qedcheck result cache\n")
            (self.root / ".gitignore").write_text("*\n")


def _write_atomic(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def _sha(description: dict) -> str:
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()


def result_to_dict(result: IdentityResult) -> dict:
    return _encode(result)


def result_from_dict(data: dict) -> IdentityResult:
    return _decode(IdentityResult, data)


def _encode(value):
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(kind, data):
    """Rebuild a value of the annotated type `kind` from its JSON form (the results dataclasses)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return None if data is None else _decode(options[0], data)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_decode(item, v) for v in data)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind, vars(results_module))
        return kind(**{f.name: _decode(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)
                       if f.name in data})
    if kind is float and data is not None:
        return float(data)
    return data
