"""A light index of the catalogue (name, source, expectation, statement) readable without SymPy.

`qedcheck list` and a fully cached `verify` must start in a blink, and building the catalogue imports
SymPy and NumPy. `index.json` holds what they need, stamped with the digest of the catalogue's source
files: when any `derivations/*.py` changes the stamp no longer matches, `entries()` returns None and
the callers fall back to the real catalogue, so a stale index can slow a run down but never hide an
identity. Regenerate it with `python -m qedcheck.derivations.index` (a test checks it is current).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

INDEX_FILE = Path(__file__).with_name("index.json")


@dataclass(frozen=True)
class Entry:
    name: str
    source: str
    expect: str
    statement: str


def sources_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def entries() -> tuple[Entry, ...] | None:
    """The catalogue's entries in order, or None when the index is missing or out of date."""
    try:
        stored = json.loads(INDEX_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("sources") != sources_digest():
        return None
    return tuple(Entry(**e) for e in stored["identities"])


def build() -> dict:
    from . import catalogue

    return {
        "sources": sources_digest(),
        "identities": [{"name": i.name, "source": i.source, "expect": i.expect.value, "statement": i.statement}
                       for i in catalogue()],
    }


def write() -> None:
    INDEX_FILE.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
