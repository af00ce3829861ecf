"""The published JSON Schema of `qedcheck-report/1`, shipped in the package (schema/*.json).

Tools that consume the report can validate against the same file the test suite validates with.
"""

from __future__ import annotations

import json
from importlib import resources

SCHEMA_FILE = "qedcheck-report-1.schema.json"


def report_schema() -> dict:
    return json.loads(resources.files("qedcheck").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8"))
