"""Run fuzzer pairs through the real front door and sort each verdict.

Pairs are written to identity files and checked by `qedcheck verify FILE.toml --json … --no-cache`
in a subprocess, exactly as a user's file would be: the real reader, the real pipeline, its worker
processes, wall limits and memory cap (a pair that hangs the engine ends as `timeout`, not as a hung
test run).

Each pair gets one outcome:
    unsound    a false pair `proved` or `numeric-only`, or a true pair `refuted`
    decided    a true pair `proved`, a false pair `refuted`
    undecided  `timeout`, `error`, or `numeric-only` on a true pair (fine, but counted)
    unjudged   the independent judge could not settle the pair (left out of the soundness count)
    mismatch   the judge contradicts the construction: a bug in the generator, reported as such
    invalid    the reader refused the generated text: a bug in the generator
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .generator import Pair, toml_file
from .judge import Judgement, judge

MAX_PER_FILE = 100  # the reader allows 500, but reading is capped at 30 s per file: on a loaded machine 500
                    # generated identities overrun it and the rest are "not read"


@dataclass(frozen=True)
class Outcome:
    pair: Pair
    verdict: str
    message: str
    judgement: Judgement
    kind: str  # unsound | decided | undecided | unjudged | mismatch | invalid


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def of_kind(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == kind]

    def by_category(self) -> dict[str, Counter]:
        table: dict[str, Counter] = defaultdict(Counter)
        for outcome in self.outcomes:
            table[outcome.pair.category][outcome.kind] += 1
        return dict(table)

    def unsound_categories(self) -> set[str]:
        return {o.pair.category for o in self.of_kind("unsound")}


def classify(pair: Pair, verdict: str, judgement: Judgement, message: str = "") -> str:
    if verdict == "error" and "field '" in message:
        return "invalid"
    if judgement.truth is None:
        return "unjudged"
    if judgement.truth != pair.truth:
        return "mismatch"
    if pair.truth:
        return {"refuted": "unsound", "proved": "decided"}.get(verdict, "undecided")
    return {"proved": "unsound", "numeric-only": "unsound", "refuted": "decided"}.get(verdict, "undecided")


def run_cli(pairs: list[Pair], jobs: int = 2, timeout: float = 5.0, seed: int = 0,
            workdir: Path | None = None) -> dict[str, dict]:
    """name → the JSON report's entry for that identity (its links under "steps"), checked by the real CLI."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        for start in range(0, len(pairs), MAX_PER_FILE):
            chunk = pairs[start:start + MAX_PER_FILE]
            source = Path(scratch) / f"fuzz_{start}.toml"
            report = Path(scratch) / f"fuzz_{start}.json"
            source.write_text(toml_file(chunk), encoding="utf-8")
            command = [sys.executable, "-m", "qedcheck.cli", "--no-color", "verify", str(source), "--json",
                       str(report), "--no-cache", "--jobs", str(jobs), "--timeout", str(timeout),
                       "--seed", str(seed), "-q"]
            done = subprocess.run(command, capture_output=True, text=True, cwd=scratch,
                                  env={**os.environ, "COLUMNS": "200"}, check=False)
            if not report.exists():
                raise RuntimeError(f"qedcheck wrote no report (exit {done.returncode}): {done.stderr[-2000:]}")
            for entry in json.loads(report.read_text(encoding="utf-8"))["identities"]:
                results[entry["name"]] = entry
    return results


def run(pairs: list[Pair], jobs: int = 2, timeout: float = 5.0, seed: int = 0,
        retry_timeout: float | None = None) -> Report:
    """Judge and check every pair. With `retry_timeout`, the pairs that ended in `timeout` are checked
    once more with that budget: on a loaded machine a strategy that normally gives up in a second
    can run out of time, and the verdict should not depend on the load."""
    import time

    started = time.perf_counter()
    judged = {p.name: judge(p) for p in pairs}
    judged.update({link.name: judge(link) for p in pairs for link in p.links()})
    entries = run_cli(pairs, jobs=jobs, timeout=timeout, seed=seed)
    if retry_timeout:
        again = [p for p in pairs if entries.get(p.name, {}).get("verdict") == "timeout"]
        if again:
            entries.update(run_cli(again, jobs=jobs, timeout=retry_timeout, seed=seed))
    report = Report()
    for pair in pairs:
        entry = entries.get(pair.name)
        verdict = entry["verdict"] if entry else "missing"
        message = (entry or {}).get("message") or ""
        kind = classify(pair, verdict, judged[pair.name], message)
        report.outcomes.append(Outcome(pair, verdict, message, judged[pair.name], kind))
        steps = [s for s in (entry or {}).get("steps", []) if s.get("derivation", 0) == 0]
        for link, step in zip(pair.links(), steps):
            link_message = step.get("message") or ""
            report.outcomes.append(Outcome(link, step["verdict"], link_message, judged[link.name],
                                           classify(link, step["verdict"], judged[link.name], link_message)))
    report.seconds = time.perf_counter() - started
    return report


def describe(outcome: Outcome) -> str:
    """One finding as a reader (or the lead) wants it: the claim, the truth, the verdict, why."""
    pair = outcome.pair
    where = f"  where {pair.where}" if pair.where else ""
    point = ""
    if outcome.judgement.point:
        point = " at " + ", ".join(f"{k} = {v}" for k, v in outcome.judgement.point.items())
    return (f"{pair.name} [{pair.category}] {'TRUE' if pair.truth else 'FALSE'} but {outcome.verdict}: "
            f"{pair.lhs_text} = {pair.rhs_text}{where}  symbols {dict(pair.symbols)}\n"
            f"    why: {pair.why}; judge: {outcome.judgement.label}{point} {outcome.judgement.detail}\n"
            f"    qedcheck: {outcome.message[:300]}")
