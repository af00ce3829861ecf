"""What a command line names: `all`, catalogue identities, identity files (`*.toml`) and names of a file,
documents (`*.md`, `*.tex`, read with an optional glossary).

    qedcheck verify all sigmoid_deriv              the catalogue, one catalogue identity
    qedcheck verify ids.toml                       every identity of a file
    qedcheck verify ids.toml tanh_deriv relu_fix   those identities of that file

A name selects from the file named just before it; names before any file are catalogue names. The
catalogue is built only when a target needs it. Unknown names, unreadable files and names used twice
in one run become located input errors; the rest of the selection is still checked.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the warm path imports this module to read a command line: no records needed
    from .identity import Identity

from .input_errors import InputError, command_line_error
from .results import DocumentCoverage

# What the command line treats as a file to read (the readers know how); anything else is a name.
# Kept here, not imported from the readers: the warm path must not import them (they import SymPy).
DOCUMENT_SUFFIXES = (".md", ".markdown", ".tex", ".latex")
FILE_SUFFIXES = (".toml", *DOCUMENT_SUFFIXES)


@dataclass(frozen=True)
class LoadedFile:
    """An identity file as this run read it: the digest of the bytes parsed, whether it read cleanly
    (no file error, no broken identity), and every identity it holds, in order."""

    path: str
    digest: str
    clean: bool
    identities: tuple[Identity, ...]


@dataclass(frozen=True)
class Selection:
    identities: tuple[Identity, ...]
    errors: tuple[InputError, ...]
    files: tuple[LoadedFile, ...] = ()
    documents: tuple[DocumentCoverage, ...] = ()


def group_targets(targets: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(target, names): `all`, a catalogue name, or a file with the names that follow it."""
    groups: list[tuple[str, list[str]]] = []
    for target in targets:
        if groups and is_file_target(groups[-1][0]) and not (target == "all" or is_file_target(target)):
            groups[-1][1].append(target)
        else:
            groups.append((target, []))
    return groups


def is_file_target(target: str) -> bool:
    """Decided from the name alone: the warm path must not import the readers (they import SymPy)."""
    return target.lower().endswith(FILE_SUFFIXES)


def is_document_target(target: str) -> bool:
    return target.lower().endswith(DOCUMENT_SUFFIXES)


def select(targets: Sequence[str],
           catalogue: tuple[Identity, ...] | Callable[[], Iterable[Sequence[Identity]]],
           glossary: str | None = None) -> Selection:
    """The identities `targets` name, in order.

    `catalogue` is the catalogue itself, or a function returning it in batches (its modules, as
    `derivations.catalogue_modules` builds them): batches are built only as far as the names asked
    for require, so `verify relu_deriv` does not build the network's gradients, and a file alone
    builds nothing. `glossary` (--glossary) is the notation of the documents named.
    """
    from .readers.identity_file import load_identity_file

    source = _LazyCatalogue(catalogue)
    chosen: list[Identity] = []
    errors: list[InputError] = []
    files: list[LoadedFile] = []
    documents: list[DocumentCoverage] = []
    if glossary is not None and not any(is_document_target(t) for t in targets):
        errors.append(command_line_error(f"--glossary {glossary} applies to documents (FILE.md, FILE.tex), and "
                                         "none is named"))
    for target, names in group_targets(targets):
        if target == "all":
            picked = list(source.everything())
        elif is_document_target(target):
            from .readers.document import load_document

            document = load_document(target, glossary)
            errors.extend(document.errors)
            documents.extend([document.coverage] if document.coverage is not None else [])
            picked = _names_of_file(target, names, document.identities, errors)
        elif is_file_target(target):
            loaded = load_identity_file(target)
            errors.extend(loaded.errors)
            clean = not loaded.errors and not any(i.error for i in loaded.identities)
            files.append(LoadedFile(target, loaded.digest, clean, loaded.identities))
            picked = _names_of_file(target, names, loaded.identities, errors)
        else:
            found = source.find(target)
            if found is None:
                known = [identity.name for identity in source.everything()]
                errors.append(command_line_error(f"unknown identity '{target}'{did_you_mean(target, known)}"))
                continue
            picked = [found]
        chosen.extend(i for i in picked if i not in chosen)
    return Selection(*_without_duplicate_names(chosen, errors), files=tuple(files), documents=tuple(documents))


class _LazyCatalogue:
    """The catalogue built batch by batch, only as far as a lookup needs."""

    def __init__(self, catalogue):
        self._source = catalogue
        self._batches = None
        self._built: list[Identity] = []
        self._by_name: dict[str, Identity] = {}
        self._done = False

    def _grow(self) -> bool:
        if self._batches is None:
            self._batches = iter(self._source()) if callable(self._source) else iter([self._source])
        batch = next(self._batches, None)
        if batch is None:
            self._done = True
            return False
        for identity in batch:
            self._built.append(identity)
            self._by_name.setdefault(identity.name, identity)
        return True

    def find(self, name: str) -> Identity | None:
        while name not in self._by_name and self._grow():
            pass
        return self._by_name.get(name)

    def everything(self) -> tuple[Identity, ...]:
        while not self._done:
            self._grow()
        return tuple(self._built)


def _names_of_file(path: str, names: list[str], identities: tuple[Identity, ...],
                   errors: list[InputError]) -> list[Identity]:
    if not names:
        return list(identities)
    by_name = {identity.name: identity for identity in identities}
    picked = []
    for name in names:
        if name in by_name:
            picked.append(by_name[name])
            continue
        hint = did_you_mean(name, by_name)
        if not hint and by_name:
            hint = f" (it defines {', '.join(list(by_name)[:8])}{', …' if len(by_name) > 8 else ''})"
        errors.append(command_line_error(f"{path} has no identity '{name}'{hint}; a name after a file selects "
                                         "from that file (name catalogue identities before the first file)"))
    return picked


def _without_duplicate_names(chosen: list[Identity], errors: list[InputError]):
    """A name is unique in a run: a second identity of the same name is an input error, not checked."""
    kept: dict[str, Identity] = {}
    for identity in chosen:
        first = kept.get(identity.name)
        if first is None:
            kept[identity.name] = identity
        else:
            in_file = identity.origin != "catalogue"
            errors.append(InputError(f"duplicate name (already defined in {first.origin})",
                                     file=identity.origin if in_file else "", line=identity.lines.get("name"),
                                     identity=identity.name, field="name", where=identity.origin))
    return tuple(kept.values()), tuple(errors)


def did_you_mean(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
