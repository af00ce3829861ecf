"""The result cache: a check is redone only when something it depends on changed.

Where: the user's cache directory (`platformdirs.user_cache_dir("qedcheck")`), or QEDCHECK_CACHE_DIR,
`cache-dir` in [tool.qedcheck], `--cache-dir`; never the repository by default. Every entry is
authenticated with a key only this machine holds (machine_key.py): a cached verdict is never more
trusted than a fresh one, whoever could write to the directory (docs/cache.md).

Three keys, all SHA-256:

* the **content key** of an identity is the canonical form of everything the verdict depends on: the
  structural fingerprint of every SymPy expression of the record (sides, domain, derivation chains,
  errata; fingerprint.py spells each symbol's assumptions), the compiled code of its NumPy
  implementations and of the functions they call, the files of the modules they name, the
  expectation, the sizes, the run's seed, tolerance and budget, the versions of Python, qedcheck,
  SymPy, NumPy, SciPy and mpmath, and the bytes of every engine file (`checks/**/*.py`,
  `identity.py`, `results.py`, `__init__.py`): editing any engine invalidates every entry. Computing
  it needs SymPy.
* the **quick key** of a catalogue identity is its name, the same settings and versions, the engine
  files and the bytes of every catalogue module (`derivations/*.py`). It is computed without
  importing SymPy or NumPy and points at a content key, so a run whose every result is cached never
  imports them. Editing one catalogue module changes every quick key; the content keys then show
  which identities really changed, and only those are checked again.
* the **file key** of an identity file is its path as named, its bytes, the same settings, versions
  and engine files, and the bytes of every module that reads user input (`readers/**/*.py`,
  `derivations/*.py`, `selection.py`). It points at the file's names and content keys, so a warm
  `verify FILE.toml` needs neither SymPy nor the file's parsing.

Timeouts and errors are not stored: they depend on the machine's load or on a crash, not on the
identity. Entries are written atomically.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import hmac
import json
import os
import re
import stat
import sys
import tempfile
import types
import typing
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from ... import __version__
from ... import results as results_module
from ...results import CacheReport, IdentityResult, Verdict

CACHE_DIR_ENV = "QEDCHECK_CACHE_DIR"
FORMAT = "qedcheck-cache/2"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # checks/run/cache.py -> the package
ENGINE_FILES = ("__init__.py", "identity.py", "results.py", "sized.py", "checks/**/*.py")
CATALOGUE_FILES = ("derivations/*.py",)
READER_FILES = ("readers/**/*.py", "derivations/*.py", "selection.py")
CACHEABLE = (Verdict.PROVED, Verdict.REFUTED, Verdict.NUMERIC_ONLY)


def versions() -> dict[str, str]:
    """The versions of the engines' libraries (read once per process: every key includes them)."""
    return dict(_versions())


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    """Read from package metadata: nothing is imported."""
    found = {"qedcheck": __version__, "python": ".".join(map(str, sys.version_info[:3]))}
    for package in ("sympy", "numpy", "mpmath", "scipy"):
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


def settings_description(seed: int, rtol: float, timeout: float | None, accept_numeric: bool = False) -> dict:
    """The run settings a result depends on (`accept_numeric` decides its `ok`)."""
    return {"seed": seed, "rtol": repr(rtol), "timeout": None if timeout is None else repr(timeout),
            "accept_numeric": accept_numeric}


def quick_key(name: str, settings: dict) -> str:
    """The key of a catalogue identity that needs no SymPy: name, settings, versions, source files."""
    return _sha({"kind": "quick", "name": name, "settings": settings, "versions": versions(),
                 "engine": files_digest(ENGINE_FILES), "catalogue": files_digest(CATALOGUE_FILES)})


def file_key(path: str, digest: str, settings: dict) -> str:
    """The key of an identity file as named on the command line: the SHA-256 of its bytes, how it is
    read, the run's settings."""
    return _sha({"kind": "file", "path": path, "bytes": digest, "settings": settings,
                 "versions": versions(), "engine": files_digest(ENGINE_FILES),
                 "readers": files_digest(READER_FILES)})


def document_key(documents: Sequence[tuple[str, str]], glossary: tuple[str, str] | None, settings: dict) -> str:
    """The key of the documents a command line names, as (path, file_digest) pairs, and of its glossary
    file: how they are read and the run. It points at everything the documents yielded, so a warm run
    reads nothing else."""
    return _sha({"kind": "document", "documents": [list(pair) for pair in documents],
                 "glossary": None if glossary is None else list(glossary), "settings": settings,
                 "versions": versions(), "engine": files_digest(ENGINE_FILES), "readers": files_digest(READER_FILES)})


def file_digest(path: str, limit: int = 16 * 2**20) -> str | None:
    """SHA-256 of a regular file's bytes, read without the readers (no SymPy); None for anything else
    (missing, a FIFO, a device, too large): the full path then reports it."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        data = stream.read(limit + 1)
    return None if len(data) > limit else hashlib.sha256(data).hexdigest()


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
    """Results on disk under `root`, each entry authenticated with this machine's key.

    `results/<content key>.json` holds a result, `quick/<quick key>` a content key, and
    `quick/<file key>` the names and content keys of an identity file. Every entry is one line
    `qedcheck-cache/2 <HMAC>` followed by its payload; the HMAC covers the format, the entry's kind, its
    key and the payload, so an entry neither forged nor copied under another key, nor edited, passes.
    An entry that does not pass (or is not a regular file) is ignored and counted in `rejected`: the
    identity is checked again as if the entry were missing, and the report says so. Without a usable
    key (machine_key.py) the cache is off for the run and `notices` says why.
    """

    def __init__(self, root: str | os.PathLike | None = None, key: bytes | None = None,
                 key_file: Path | None = None):
        self.root = Path(root) if root is not None else default_dir()
        self._key = key
        self._key_file = key_file
        self._off = False
        self._rejected: set[str] = set()
        self._notices: list[str] = []

    # --- reading -------------------------------------------------------------------------------

    def quick_lookup(self, key: str) -> IdentityResult | None:
        content = self._read("quick", key)
        if content is None:
            return None
        return self.lookup(content.decode("ascii", "replace"))

    def lookup(self, key: str) -> IdentityResult | None:
        payload = self._read("result", key)
        if payload is None:
            return None
        try:
            return result_from_dict(json.loads(payload)["result"])
        except (ValueError, KeyError, TypeError) as failure:
            self._reject(self._path("result", key), f"unreadable result ({type(failure).__name__})")
            return None

    def manifest(self, key: str) -> list[tuple[str, str]] | None:
        """The (name, content key) pairs of an identity file stored under its file key."""
        payload = self._read("file", key)
        if payload is None:
            return None
        try:
            pairs = [(str(name), str(content)) for name, content in json.loads(payload)]
        except (ValueError, TypeError) as failure:
            self._reject(self._path("file", key), f"unreadable file entry ({type(failure).__name__})")
            return None
        return pairs

    def document(self, key: str) -> dict | None:
        """What a document yielded, stored under its document key: content keys, coverage, errors."""
        payload = self._read("document", key)
        if payload is None:
            return None
        try:
            entry = json.loads(payload)
            if not (isinstance(entry, dict) and isinstance(entry.get("keys"), list)):
                raise TypeError("not a document entry")
        except (ValueError, TypeError) as failure:
            self._reject(self._path("document", key), f"unreadable document entry ({type(failure).__name__})")
            return None
        return entry

    # --- writing -------------------------------------------------------------------------------

    def store(self, key: str, result: IdentityResult, quick: str | None = None) -> bool:
        if result.verdict not in CACHEABLE:
            return False
        payload = json.dumps({"result": result_to_dict(result)}, ensure_ascii=False).encode()
        if not self._write("result", key, payload):
            return False
        if quick is not None:
            self._write("quick", quick, key.encode("ascii"))
        return True

    def link(self, quick: str, key: str) -> None:
        """Point a quick key at a content key already stored."""
        self._write("quick", quick, key.encode("ascii"))

    def store_document(self, key: str, entry: dict) -> None:
        self._write("document", key, json.dumps(entry, ensure_ascii=False).encode())

    def store_manifest(self, key: str, pairs: Sequence[tuple[str, str]]) -> None:
        self._write("file", key, json.dumps([list(pair) for pair in pairs]).encode())

    # --- what the report says about the cache ----------------------------------------------------

    @property
    def rejected(self) -> int:
        return len(self._rejected)

    def report(self) -> CacheReport:
        notices = list(self._notices)
        if self._rejected:
            count = len(self._rejected)
            entries = "1 cache entry" if count == 1 else f"{count} cache entries"
            notices.insert(0, f"{entries} in {self.root} failed authentication (forged, edited, copied from "
                              "another machine or key, or damaged) and " + ("was" if count == 1 else "were")
                           + " ignored: what they held was checked again")
        return CacheReport(rejected=len(self._rejected), notices=tuple(notices))

    # --- removing --------------------------------------------------------------------------------

    def clear(self) -> int:
        """Remove what qedcheck wrote under the cache directory, and the directory if nothing else is
        left; returns the number of stored results removed. Links are removed, never followed."""
        if not self.root.exists():
            return 0
        if not (self.root / "CACHEDIR.TAG").is_file():
            raise ValueError(f"{self.root}: not a qedcheck cache directory (no CACHEDIR.TAG); not removing it")
        count = 0
        for sub, pattern in (("results", "*"), ("quick", "*")):
            folder = self.root / sub
            if folder.is_symlink():
                folder.unlink()
                continue
            if not folder.is_dir():
                continue
            for entry in folder.glob(pattern):
                if entry.is_symlink() or entry.is_file():
                    count += sub == "results" and entry.name.endswith(".json") and not entry.is_symlink()
                    entry.unlink()
            _remove_empty(folder)
        for name in ("CACHEDIR.TAG", ".gitignore"):
            (self.root / name).unlink(missing_ok=True)
        _remove_empty(self.root)
        return count

    # --- the entries themselves --------------------------------------------------------------------

    def _path(self, kind: str, key: str) -> Path:
        if kind == "result":
            return self.root / "results" / f"{key}.json"
        return self.root / "quick" / key

    def _read(self, kind: str, key: str) -> bytes | None:
        """The authenticated payload of an entry; None when it is missing, or rejected."""
        if not _KEY_NAME.match(key):
            return None
        secret = self._secret()
        if secret is None:
            return None
        path = self._path(kind, key)
        problem = self._unsafe_folder(path.parent)
        if problem:
            return None
        try:
            raw = _read_regular(path)
        except FileNotFoundError:
            return None
        except OSError as failure:
            self._reject(path, f"not a regular file ({failure.strerror or failure})")
            return None
        head, newline, payload = raw.partition(b"\n")
        fields = head.split(b" ")
        expected = _mac(secret, kind, key, payload)
        if not newline or len(fields) != 2 or fields[0] != FORMAT.encode() or \
                not hmac.compare_digest(fields[1], expected.encode()):
            self._reject(path, "authentication failed")
            return None
        return payload

    def _write(self, kind: str, key: str, payload: bytes) -> bool:
        secret = self._secret()
        if secret is None or not _KEY_NAME.match(key):
            return False
        path = self._path(kind, key)
        try:
            self._prepare()
            if self._unsafe_folder(path.parent):
                return False
            _write_atomic(path, FORMAT.encode() + b" " + _mac(secret, kind, key, payload).encode() + b"\n" + payload)
        except _NotACache as refusal:
            self._turn_off(str(refusal))
            return False
        except OSError as failure:
            self._turn_off(f"cannot write to the cache directory {self.root}: {failure.strerror or failure}")
            return False
        return True

    def _secret(self) -> bytes | None:
        if self._off:
            return None
        if self._key is None:
            from . import machine_key

            key_file = self._key_file or machine_key.key_path()
            if _inside(key_file, self.root):
                self._turn_off(f"the cache key {key_file} is inside the cache directory {self.root}: a copied "
                               "or restored cache would bring its own key. Keep the key elsewhere "
                               f"({machine_key.KEY_ENV})")
                return None
            try:
                self._key = machine_key.load_or_create(key_file)
            except machine_key.KeyUnavailable as problem:
                self._turn_off(str(problem))
                return None
        return self._key

    def _unsafe_folder(self, folder: Path) -> bool:
        """`results/` and `quick/` must be real directories: a link there would send reads and
        writes outside the cache directory."""
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            self._turn_off(f"{folder} is not a directory of the cache (a symbolic link or a file); "
                           "run `qedcheck cache clear`")
            return True
        return False

    def _turn_off(self, reason: str) -> None:
        if not self._off:
            self._off = True
            self._notices.append(f"the cache is off for this run: {reason}")

    def _reject(self, path: Path, reason: str) -> None:
        self._rejected.add(str(path))

    def _prepare(self) -> None:
        """Make the directory a cache: only a new or empty directory is tagged, so a `cache-dir` that
        names the repository, a home directory or ~/.ssh gets no files (and no `.gitignore` of ours)."""
        tag = self.root / "CACHEDIR.TAG"
        if not tag.is_file():
            if self.root.is_dir() and any(self.root.iterdir()):
                raise _NotACache(f"{self.root} is not empty and is not a qedcheck cache (no CACHEDIR.TAG); "
                                 "choose an empty or new directory")
            self.root.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.root / ".gitignore", b"*\n")
            _write_atomic(tag, b"Signature: 8a477f597d28d172789f06886806bc55\n# qedcheck result cache\n")
        for sub in ("results", "quick"):
            folder = self.root / sub
            if not folder.is_symlink():
                folder.mkdir(exist_ok=True)


class _NotACache(Exception):
    """The chosen directory holds other things: qedcheck writes nothing there."""


_KEY_NAME = re.compile(r"^[0-9a-f]{64}$")
MAX_ENTRY_BYTES = 64 * 2**20


def _mac(secret: bytes, kind: str, key: str, payload: bytes) -> str:
    message = b"\0".join((FORMAT.encode(), kind.encode(), key.encode("ascii"), payload))
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _read_regular(path: Path) -> bytes:
    """The bytes of `path` if it is a regular file (a symbolic link is not followed)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return stream.read(MAX_ENTRY_BYTES + 1)


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # something qedcheck did not write is still there: leave it


def default_dir() -> Path:
    """QEDCHECK_CACHE_DIR, else the user's cache directory: never the repository being checked."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("qedcheck", appauthor=False))


def resolve_dir(flag: str | None, configured: Path | None = None) -> Path:
    """The cache directory of a run: --cache-dir, else QEDCHECK_CACHE_DIR, else `cache-dir` of
    [tool.qedcheck], else the user's cache directory."""
    if flag:
        return Path(flag).expanduser()
    if os.environ.get(CACHE_DIR_ENV) or configured is None:
        return default_dir()
    return configured


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
        hints = _hints(kind)
        return kind(**{f.name: _decode(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)
                       if f.name in data})
    if kind is float and data is not None:
        return float(data)
    return data


@functools.cache
def _hints(kind: type) -> dict:
    """The field types of a results dataclass (resolving them is most of the cost of reading an entry)."""
    return typing.get_type_hints(kind, vars(results_module))
