"""Opening a file a user names: a regular file, read up to a size limit, never a device or a pipe.

A path can point anywhere: `ids.toml -> /dev/zero` would fill the memory if read whole, a FIFO would
block the run forever, a directory cannot be read at all. So the kind of file is checked before it is
opened (`os.stat`, which follows symbolic links to what they name), it is opened without blocking,
checked again on the open descriptor (the path may have been swapped in between), and at most
`limit + 1` bytes are read, enough to tell that a file is too large.
"""

from __future__ import annotations

import os
import stat


class FileRefused(Exception):
    """The file cannot be read as asked: one sentence, without the path (the caller adds it)."""


def read_limited(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at `path`, which must hold at most `limit` bytes."""
    try:
        _require_regular(os.stat(path).st_mode)
    except FileNotFoundError:
        raise FileRefused("no such file") from None
    except OSError as failure:
        raise FileRefused(f"cannot read the file: {failure.strerror or failure}") from None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as failure:
        raise FileRefused(f"cannot read the file: {failure.strerror or failure}") from None
    try:
        _require_regular(os.fstat(descriptor).st_mode)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as failure:
        raise FileRefused(f"cannot read the file: {failure.strerror or failure}") from None
    finally:
        os.close(descriptor)
    if size > limit:
        raise FileRefused(f"the file is larger than {limit} bytes")
    return b"".join(chunks)


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "not a regular file")
    raise FileRefused(f"not a regular file ({kind}): only regular files are read")
