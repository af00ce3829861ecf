"""`qedcheck audit --json PATH`: the audit rows as machine-readable JSON (no per-point curves).

Non-finite floats (a failure that returned inf or nan) are written as the strings "inf", "-inf" and
"nan", since JSON has no literal for them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..checks.audit import AuditReport, AuditRow, Failure


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


def _failure(failure: Failure) -> dict[str, object]:
    return {
        "x": _number(failure.x),
        "kind": failure.kind,
        "value": _number(failure.value),
        "reference": _number(failure.reference),
    }


def _row(row: AuditRow) -> dict[str, object]:
    first = row.first_failure
    return {
        "function": row.function,
        "implementation": row.implementation,
        "code": row.code,
        "catalogue": row.catalogue,
        "max_ulp_normal": _number(row.max_ulp_normal),
        "worst_x": _number(row.worst_x),
        "first_failure_x": None if first is None else _number(first.x),
        "failure_kind": None if first is None else first.kind,
        "failures": [_failure(f) for f in row.failures],
        "verdict": row.verdict,
        "points": row.points,
    }


def audit_to_dict(report: AuditReport) -> dict[str, object]:
    return {
        "digits": report.digits,
        "stable_max_ulp": report.stable_max_ulp,
        "x_range": list(report.x_range),
        "thresholds": [{"abs_x": t, "meaning": why} for t, why in report.thresholds],
        "rows": [_row(row) for row in report.rows],
    }


def write_audit_json(report: AuditReport, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(audit_to_dict(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
