"""Documents from the cache: a warm `verify notes.md` reads neither the document nor SymPy.

Reading a document (markdown-it, the LaTeX parser for every display, SymPy) costs seconds; the
answer depends only on the documents' bytes, the glossary's, the reader and engine files and the run's
settings. `cache.document_key` hashes exactly those, and its authenticated entry holds what the
documents yielded: the content key of each identity in order, each document's coverage and the input
errors. When every content key still has its result, the run is assembled from the cache; otherwise
the documents are read and checked as usual, and the entry is written afterwards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ...input_errors import InputError, input_error
from ...results import DocumentCoverage, EquationNote, IdentityResult
from . import cache as result_cache


def documents_key(targets: Sequence[str], glossary: str | None, settings: dict) -> str | None:
    """The key of these documents with this glossary; None when a file is not a readable regular file
    (the full path reports it)."""
    named = [target for target in targets] + ([glossary] if glossary is not None else [])
    digests = [result_cache.file_digest(path) for path in named]
    if any(digest is None for digest in digests):
        return None
    pairs = list(zip(named, digests))
    return result_cache.document_key(pairs[:len(targets)], pairs[len(targets)] if glossary is not None else None,
                                     settings)


def cached(store: result_cache.ResultCache, key: str):
    """(results, input errors, coverages) from the cache, or None when anything is missing."""
    entry = store.document(key)
    if entry is None:
        return None
    results: list[IdentityResult] = []
    for content in entry["keys"]:
        hit = store.lookup(str(content))
        if hit is None:
            return None
        results.append(hit)
    try:
        coverages = tuple(_coverage(data) for data in entry.get("documents", []))
        errors = tuple(InputError.from_dict(e) if isinstance(e, dict) else input_error(str(e))
                       for e in entry.get("errors", []))
    except (TypeError, KeyError, ValueError):
        return None
    return tuple(results), errors, coverages


def remember(store: result_cache.ResultCache, key: str, identities: Sequence, errors: Sequence[InputError],
             coverages: Sequence[DocumentCoverage], settings: dict) -> None:
    """Write the entry of a run just checked (its results are stored by then, or are not cacheable)."""
    keys = [result_cache.content_key(identity, settings) for identity in identities]
    store.store_document(key, {"keys": keys, "errors": [dataclasses.asdict(input_error(e)) for e in errors],
                               "documents": [dataclasses.asdict(c) for c in coverages]})


def _coverage(data: dict) -> DocumentCoverage:
    notes = tuple(EquationNote(**{f: str(n[f]) for f in ("location", "written", "status", "reason")})
                  for n in data["notes"])
    return DocumentCoverage(str(data["path"]), int(data["equalities"]), int(data["checked"]),
                            int(data["definitions"]), int(data["unread"]), notes)
