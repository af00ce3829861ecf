"""The machine-readable report, schema `qedcheck-report/1`: other tools read this, so its shape is a
promise (see docs/ci.md, "JSON report")."""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..input_errors import input_error
from ..results import Counterexample, IdentityResult, RunResult
from .describe import needs_replay, replay_command

SCHEMA = "qedcheck-report/1"


def report_dict(run: RunResult) -> dict:
    return {
        "schema": SCHEMA,
        "versions": dict(run.versions),
        "seed": run.seed,
        "summary": {"total": run.total, "ok": run.ok_count, "failed": run.failed_count},
        "identities": [_identity(r, run.seed, run.replay_options) for r in run.results],
        "errata": [
            {
                "identity": e.identity,
                "source": e.source,
                "step": e.link,
                "lhs": e.lhs,
                "rhs": e.rhs,
                "message": e.message,
                "corrected": e.corrected,
                "found": e.found,
                "corrected_holds": e.corrected_holds,
            }
            for r in run.results
            for e in r.errata
        ],
        "input_errors": [str(e) for e in run.input_errors],
        "input_error_records": [input_error(e).as_dict() for e in run.input_errors],
        "cache": None if run.cache is None else {"rejected": run.cache.rejected,
                                                 "notices": list(run.cache.notices)},
        "documents": [
            {
                "path": c.path,
                "equalities": c.equalities,
                "checked": c.checked,
                "definitions": c.definitions,
                "unread": c.unread,
                "summary": c.summary(),
                "equations": [{"location": n.location, "written": n.written, "status": n.status,
                               "reason": n.reason} for n in c.notes],
            }
            for c in run.documents
        ],
    }


def write_json(run: RunResult, path: str | Path) -> None:
    Path(path).write_text(json.dumps(report_dict(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _identity(r: IdentityResult, seed: int, options: tuple[str, ...] = ()) -> dict:
    replay = replay_command(r, seed, options)
    numeric = None
    if r.numeric is not None:
        numeric = {
            "points": r.numeric.points,
            "max_abs_err": _finite(r.numeric.max_abs_err),
            "max_rel_err": _finite(r.numeric.max_rel_err),
            "mpmath_points": r.numeric.mpmath_points,
            "float64_undecided": r.numeric.float64_undecided,
            "finite_difference_max_rel_err": _finite(r.numeric.finite_difference_max_rel_err),
            "sizes": list(r.numeric.sizes),
            "detail": r.numeric.message,  # what the model checks compared, with their figures
            "region": r.numeric.region,  # where the sample lay, and its special points
        }
    return {
        "name": r.name,
        "source": r.source,
        "origin": r.origin,
        "location": r.location or None,
        "statement": r.statement,
        "expect": r.expect,
        "verdict": r.verdict.value,
        "ok": r.ok,
        "strategy": r.strategy,
        "scope": r.scope or None,
        "numeric": numeric,
        "counterexample": _counterexample(r.counterexample),
        "steps": [
            {
                "derivation": link.derivation,
                "label": link.label,
                "index": link.index,
                "location": link.location or None,
                "lhs": link.lhs,
                "rhs": link.rhs,
                "verdict": link.verdict.value,
                "expect": link.expect,
                "ok": link.ok,
                "strategy": link.strategy,
                "counterexample": _counterexample(link.counterexample),
                "replay": replay if not link.ok or link.counterexample is not None else None,
            }
            for link in r.links
        ],
        "notes": list(r.notes),
        "time_s": round(r.time_s, 4),
        "message": r.message,
        "input_error": r.input_error.as_dict() if r.input_error is not None else None,
        "replay": replay if needs_replay(r) else None,
    }


def _counterexample(c: Counterexample | None) -> dict | None:
    if c is None:
        return None
    return {"point": c.point, "lhs": c.lhs, "rhs": c.rhs, "difference": c.difference,
            "confirmed_digits": c.confirmed_digits}


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return value
