"""What a `verify` command line names: `all`, catalogue identities, identity files (`*.toml`), documents
(`*.md`, `*.tex`, read with an optional glossary).

Unknown names, unreadable files and names used twice in one run become located input errors; the
rest of the selection is still checked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .identity import Identity
from .readers.document import is_document
from .readers.identity_file import is_identity_file, load_identity_file
from .results import DocumentCoverage


@dataclass(frozen=True)
class Selection:
    identities: tuple[Identity, ...]
    errors: tuple[str, ...]
    documents: tuple[DocumentCoverage, ...] = ()


def select(targets: list[str], catalogue: tuple[Identity, ...], glossary: str | None = None) -> Selection:
    by_name = {identity.name: identity for identity in catalogue}
    chosen: list[Identity] = []
    errors: list[str] = []
    documents: list[DocumentCoverage] = []
    if glossary is not None and not any(is_document(t) for t in targets):
        errors.append(f"command line: --glossary {glossary} applies to documents (FILE.md, FILE.tex), and none "
                      "is named")
    for target in targets or ["all"]:
        if target == "all":
            picked = list(catalogue)
        elif is_document(target):
            from .readers.document import load_document

            document = load_document(target, glossary)
            errors.extend(document.errors)
            documents.extend([document.coverage] if document.coverage is not None else [])
            picked = list(document.identities)
        elif is_identity_file(target):
            loaded = load_identity_file(target)
            errors.extend(loaded.errors)
            picked = list(loaded.identities)
        elif target in by_name:
            picked = [by_name[target]]
        else:
            errors.append(f"command line: unknown identity '{target}'{did_you_mean(target, by_name)}")
            continue
        chosen.extend(i for i in picked if i not in chosen)
    return Selection(*_without_duplicate_names(chosen, errors), tuple(documents))


def _without_duplicate_names(chosen: list[Identity], errors: list[str]):
    """A name is unique in a run: a second identity of the same name is an input error, not checked."""
    kept: dict[str, Identity] = {}
    for identity in chosen:
        first = kept.get(identity.name)
        if first is None:
            kept[identity.name] = identity
        else:
            errors.append(f"{identity.origin}: identity '{identity.name}', field 'name': duplicate name "
                          f"(already defined in {first.origin})")
    return tuple(kept.values()), tuple(errors)


def did_you_mean(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
