"""Every JSON report the tests produce validates against the published qedcheck-report/1 schema."""

import json

import jsonschema
import pytest
from qedcheck.cli import main
from qedcheck.report.json_report import report_dict
from qedcheck.report.schema import report_schema


@pytest.fixture(scope="module")
def validator():
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_catalogue_report_validates(validator, catalogue_run):
    validator.validate(json.loads(json.dumps(report_dict(catalogue_run))))


def test_a_failing_report_with_input_errors_validates(validator, failing_run):
    report = json.loads(json.dumps(report_dict(failing_run)))
    validator.validate(report)
    assert report["identities"][0]["counterexample"]["point"]


def test_the_cli_report_validates(validator, tmp_path):
    path = tmp_path / "report.json"
    assert main(["--no-color", "verify", "softplus_sub_softplus_neg", "--json", str(path), "-q"]) == 0
    validator.validate(json.loads(path.read_text()))


def test_the_schema_rejects_a_report_that_drifts(validator, failing_run):
    report = json.loads(json.dumps(report_dict(failing_run)))
    report["identities"][0]["verdict"] = "probably"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)
    report = json.loads(json.dumps(report_dict(failing_run)))
    report["identities"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)
