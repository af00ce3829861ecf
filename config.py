"""`[tool.qedcheck]` in the nearest pyproject.toml: a repository pins its targets and its settings.

    [tool.qedcheck]
    files = ["identities/*.toml"]   # verify targets when the command line names none
    seed = 0
    timeout = 10.0                   # symbolic budget per identity, seconds
    rtol = 1e-9                      # relative tolerance ("tolerance" is accepted as well)
    accept-numeric = false           # true: a claim expected to hold may pass as numeric-only
    cache-dir = "/var/cache/qedcheck"  # where results are cached (default: the user's cache directory)

Flags on the command line override these. A wrong key or type is a located input error
("pyproject.toml: [tool.qedcheck] seed: …"); the rest of the table is still used and the run goes on.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .input_errors import InputError

KEYS = ("files", "seed", "timeout", "rtol", "tolerance", "cache-dir", "accept-numeric")
MAX_PYPROJECT_BYTES = 1_000_000


@dataclass(frozen=True)
class Config:
    """What `[tool.qedcheck]` pins; None where it says nothing. `path` is the pyproject.toml read."""

    path: Path | None = None
    files: tuple[str, ...] = ()
    names_files: bool = False  # `files` was given, even if its patterns matched nothing
    seed: int | None = None
    timeout: float | None = None
    rtol: float | None = None
    cache_dir: Path | None = None
    accept_numeric: bool | None = None
    errors: tuple[InputError, ...] = ()

    @property
    def present(self) -> bool:
        """Whether a `[tool.qedcheck]` table exists at all (an empty one counts)."""
        return self.path is not None

    def targets(self, command_line: list[str]) -> list[str]:
        """Command-line targets win; otherwise the pinned files; otherwise the whole catalogue.

        Pinned files whose patterns match nothing select nothing (their input errors say why): never
        a silent fallback to the catalogue.
        """
        if command_line:
            return list(command_line)
        return list(self.files) if self.names_files else ["all"]

    def resolve(self, seed: int | None, timeout: float | None, rtol: float | None) -> tuple:
        """(seed, timeout, rtol): the flag where given, else the pinned value, else the default.

        Plain values, no engine import: a fully cached run must not load SymPy.
        """
        return (_first(seed, self.seed, DEFAULT_SEED), _first(timeout, self.timeout, None),
                _first(rtol, self.rtol, DEFAULT_RTOL))

    def accept_numeric_or(self, flag: bool | None) -> bool:
        """`--accept-numeric` / `--no-accept-numeric` where given, else the pinned value, else no."""
        return bool(_first(flag, self.accept_numeric, False))

    def run_settings(self, seed: int | None = None, timeout: float | None = None, rtol: float | None = None):
        from .checks.runner import RunSettings

        defaults = RunSettings()
        return RunSettings(
            seed=_first(seed, self.seed, defaults.seed),
            timeout=_first(timeout, self.timeout, defaults.timeout),
            rtol=_first(rtol, self.rtol, defaults.rtol),
            accept_numeric=bool(self.accept_numeric),
        )


DEFAULT_SEED = 0
DEFAULT_RTOL = 1e-9


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml in `start` (default: the working directory) or above it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    """Read `[tool.qedcheck]` from the nearest pyproject.toml; an empty Config when there is none."""
    path = find_pyproject(start)
    if path is None:
        return Config()
    from .readers.files import FileRefused, read_limited

    try:
        text = read_limited(path, MAX_PYPROJECT_BYTES).decode("utf-8")
        document = tomllib.loads(text)
    except (FileRefused, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        return Config(errors=(InputError(f"cannot read [tool.qedcheck]: {problem}", file=str(path)),))
    table = document.get("tool", {}).get("qedcheck")
    if table is None:
        return Config()
    if not isinstance(table, dict):
        return Config(path=path, errors=(_Problems(path, text).at(None, "must be a table"),))
    return parse_table(table, path, text)


class _Problems(list):
    """The errors of one `[tool.qedcheck]` table: `pyproject.toml: [tool.qedcheck] seed: …`, each record
    also carrying the line of its key (found in `text`, when given) for CI annotations."""

    def __init__(self, path: Path, text: str = ""):
        super().__init__()
        self.path = path
        self.lines = text.splitlines()

    def at(self, key: str | None, message: str) -> InputError:
        """`[tool.qedcheck] message`; the sentence does not show the line (it never did), the record has it."""
        return InputError(f"[tool.qedcheck] {message}", file=str(self.path), line=self._line(key),
                          where=str(self.path))

    def add(self, key: str | None, message: str) -> None:
        self.append(self.at(key, message))

    def _line(self, key: str | None) -> int | None:
        header = next((k for k, line in enumerate(self.lines)
                       if line.strip().replace(" ", "") in ("[tool.qedcheck]", '[tool."qedcheck"]')), None)
        if header is None:
            return None
        if key is None:
            return header + 1
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for k in range(header + 1, len(self.lines)):
            if self.lines[k].lstrip().startswith("["):
                break
            if pattern.match(self.lines[k]):
                return k + 1
        return header + 1


def parse_table(table: dict, path: Path, text: str = "") -> Config:
    """Validate each key on its own, so one mistake costs only that key. `text`, the file's text, gives
    the errors their lines."""
    errors = _Problems(path, text)
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            errors.add(key, f"unknown key '{key}'{hint}; known keys: {', '.join(KEYS)}")
    if "rtol" in table and "tolerance" in table:
        errors.add("tolerance", "give 'rtol' or 'tolerance', not both; 'rtol' is used")
    files = _files(table.get("files"), path, errors)
    seed = _checked(table.get("seed"), seed_problem, "seed", errors)
    timeout = _checked(table.get("timeout"), timeout_problem, "timeout", errors)
    rtol_key = "rtol" if "rtol" in table else "tolerance"
    rtol = _checked(table.get(rtol_key), rtol_problem, rtol_key, errors)
    timeout = float(timeout) if timeout is not None else None
    rtol = float(rtol) if rtol is not None else None
    cache_dir = _folder(table.get("cache-dir"), path, errors)
    accept_numeric = _checked(table.get("accept-numeric"), accept_numeric_problem, "accept-numeric", errors)
    return Config(path=path, files=files, names_files="files" in table, seed=seed, timeout=timeout, rtol=rtol,
                  cache_dir=cache_dir, accept_numeric=accept_numeric, errors=tuple(errors))


def _folder(value, path: Path, errors: _Problems) -> Path | None:
    """A directory relative to the pyproject.toml that names it (`~` is the user's home)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        errors.add("cache-dir", f"cache-dir: expected a directory (a string), got {value!r}")
        return None
    return path.parent / Path(value).expanduser()


def _files(value, path: Path, errors: _Problems) -> tuple[str, ...]:
    """Paths are relative to the pyproject.toml that names them, as a reader of that file expects."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        errors.add("files", f"files: expected a list of paths (strings), got {value!r}")
        return ()
    if not value:
        errors.add("files", "files: the list is empty; name the identity files to check, or remove 'files' "
                            "to check the catalogue")
    found: list[str] = []
    for item in value:
        if any(char in item for char in "*?["):
            matches = sorted(path.parent.glob(item))
            if not matches:
                errors.add("files", f"files: the pattern '{item}' matches no file")
            found.extend(_relative(match) for match in matches)
        else:
            found.append(_relative(path.parent / item))
    return tuple(found)


def _relative(target: Path) -> str:
    """Relative to the working directory when possible, so reports do not carry this machine's paths."""
    try:
        return os.path.relpath(target)
    except ValueError:  # another drive on Windows
        return str(target)


def _checked(value, problem, key: str, errors: _Problems):
    if value is None:
        return None
    reason = problem(value)
    if reason:
        errors.add(key, f"{key}: {reason}, got {value!r}")
        return None
    return value


# --- the settings' ranges: one rule for the command line and for [tool.qedcheck] ---------------------
# Each returns the sentence a user needs, or None when the value is fine.

SEED_MAX = 2**63 - 1
TIMEOUT_MAX = 3600.0  # seconds of symbolic budget per identity
RTOL_MIN, RTOL_MAX = 1e-15, 1e-6  # below: float64 cannot resolve it; above: real errors would pass
JOBS_MAX = 1024
MEMORY_MIN_GIB, MEMORY_MAX_GIB = 0.5, 1024.0  # a worker needs about 0.2 GiB of address space to start


def accept_numeric_problem(value) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def seed_problem(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SEED_MAX:
        return f"the seed must be an integer from 0 to {SEED_MAX}"
    return None


def timeout_problem(value) -> str | None:
    if not _real(value) or not 0 < value <= TIMEOUT_MAX:
        return f"the timeout must be a number of seconds greater than 0 and at most {TIMEOUT_MAX:g}"
    return None


def rtol_problem(value) -> str | None:
    if not _real(value) or not RTOL_MIN <= value <= RTOL_MAX:
        return f"the relative tolerance must be a number from {RTOL_MIN:g} to {RTOL_MAX:g}"
    return None


def jobs_problem(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= JOBS_MAX:
        return f"the number of jobs must be an integer from 1 to {JOBS_MAX}"
    return None


def memory_problem(value) -> str | None:
    if not _real(value) or not MEMORY_MIN_GIB <= value <= MEMORY_MAX_GIB:
        return f"the memory limit must be a number of GiB from {MEMORY_MIN_GIB:g} to {MEMORY_MAX_GIB:g}"
    return None


def _real(value) -> bool:
    """A finite int or float (nan and inf compare in surprising ways, and True is not a number here)."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _first(*values):
    return next((v for v in values if v is not None), None)
