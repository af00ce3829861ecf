"""What a `verify` command line names: `all`, catalogue identities, (later) identity files.

Unknown names become located input errors; the rest of the selection is still checked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .identity import Identity


@dataclass(frozen=True)
class Selection:
    identities: tuple[Identity, ...]
    errors: tuple[str, ...]


def select(targets: list[str], catalogue: tuple[Identity, ...]) -> Selection:
    by_name = {identity.name: identity for identity in catalogue}
    chosen: list[Identity] = []
    errors: list[str] = []
    for target in targets or ["all"]:
        if target == "all":
            picked = list(catalogue)
        elif target in by_name:
            picked = [by_name[target]]
        else:
            errors.append(f"command line: unknown identity '{target}'{did_you_mean(target, by_name)}")
            continue
        chosen.extend(i for i in picked if i not in chosen)
    return Selection(tuple(chosen), tuple(errors))


def did_you_mean(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
