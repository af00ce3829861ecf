"""The secret this machine authenticates its cache entries with (HMAC-SHA256, see cache.py).

A cached verdict may be trusted no more than a fresh one, so an entry counts only if it was written
by someone who holds this key: 32 random bytes made on first use and kept, with mode 0600, in the
user's configuration directory (`platformdirs.user_config_dir("qedcheck")/cache-key`). Never in the
repository (a pull request could bring its own), never in the cache directory (a CI cache of that
directory may be saved to and restored from a shared store: the key must not travel with it).
`QEDCHECK_CACHE_KEY_FILE` names another file, for a user who does want several runners to share one
key (docs/cache.md says when that is safe).

A key file that is a symbolic link, not a regular file, owned by another user, or readable or
writable by others is refused (KeyUnavailable): the run then goes on without the cache, and says why.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

KEY_ENV = "QEDCHECK_CACHE_KEY_FILE"
KEY_NAME = "cache-key"
KEY_BYTES = 32


class KeyUnavailable(Exception):
    """The key cannot be read or made safely; the message says what to do."""


def key_path() -> Path:
    """Where the key lives: QEDCHECK_CACHE_KEY_FILE, else the user's configuration directory."""
    chosen = os.environ.get(KEY_ENV)
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("qedcheck", appauthor=False)) / KEY_NAME


def load_or_create(path: Path) -> bytes:
    """The key at `path`, made there first (atomically: racing processes all end with one key)."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        _create(path)
    except OSError as failure:
        raise KeyUnavailable(f"cannot create the cache key {path}: {failure.strerror or failure}") from None
    try:
        return _read(path)
    except FileNotFoundError:
        raise KeyUnavailable(f"the cache key {path} disappeared as it was made") from None


def _read(path: Path) -> bytes:
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if path.is_symlink():  # a dangling link: following it would create a file wherever it points
            raise KeyUnavailable(f"the cache key {path} is a symbolic link; remove it") from None
        raise
    except OSError as failure:
        if path.is_symlink():
            raise KeyUnavailable(f"the cache key {path} is a symbolic link; remove it") from None
        raise KeyUnavailable(f"cannot read the cache key {path}: {failure.strerror or failure}") from None
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        _check_status(path, status)
        text = stream.read(4 * KEY_BYTES).decode("ascii", "replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(f"the cache key {path} is damaged (expected {2 * KEY_BYTES} hexadecimal digits); "
                             "remove it and a new one is made")
    return key


def _check_status(path: Path, status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise KeyUnavailable(f"the cache key {path} is not a regular file")
    if os.name == "posix":
        if status.st_uid != os.geteuid():
            raise KeyUnavailable(f"the cache key {path} belongs to another user")
        if status.st_mode & 0o077:
            raise KeyUnavailable(f"the cache key {path} can be read or written by other users "
                                 f"(mode {stat.S_IMODE(status.st_mode):o}); run: chmod 600 {path}")


def _create(path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: the link fails if another
    process got there first, and nobody ever reads a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".cache-key-")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as stream:
            stream.write(secrets.token_hex(KEY_BYTES) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made the key: use theirs
        except OSError:  # a file system without hard links: exclusive creation instead
            _create_exclusive(path, Path(temporary).read_text(encoding="ascii"))
    finally:
        Path(temporary).unlink(missing_ok=True)


def _create_exclusive(path: Path, text: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "w", encoding="ascii") as stream:
        stream.write(text)
