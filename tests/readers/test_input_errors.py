"""Input errors are records: file, line, identity and field travel into the JSON report, JUnit and the
GitHub annotations, while every report still prints the same sentence."""

import json
import xml.etree.ElementTree as ET

import jsonschema
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.cli import main
from qedcheck.config import load_config
from qedcheck.input_errors import InputError, command_line_error, input_error
from qedcheck.readers.document import load_document
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.report.annotations import annotations
from qedcheck.report.json_report import report_dict
from qedcheck.report.junit import junit_string
from qedcheck.report.schema import report_schema
from qedcheck.results import ErrorKind, Verdict

GOOD = '[[identity]]\nname = "double"\nsymbols = { x = "real" }\nlhs = "2*x"\nrhs = "x + x"\n\n'
BROKEN = '[[identity]]\nname = "broken"\nsymbols = { x = "real" }\nlhs = "x"\nrhs = "y"\n'


def test_the_sentence_is_built_from_the_fields():
    error = InputError("unknown symbol 'y'", file="ids.toml", line=12, identity="tanh_deriv", field="rhs")
    assert str(error) == "ids.toml:12: identity 'tanh_deriv', field 'rhs': unknown symbol 'y'"
    assert str(InputError("no such file", file="a.toml")) == "a.toml: no such file"
    assert str(InputError("missing", file="a.toml", line=3, function="f", field="body")) == \
        "a.toml:3: function 'f', field 'body': missing"
    assert str(command_line_error("unknown identity 'nope'")) == "command line: unknown identity 'nope'"
    assert input_error("a bare sentence") == InputError("a bare sentence")
    record = InputError("bad", file="a.toml", line=2, identity="n", field="rhs", where="a.toml")
    assert InputError.from_dict(record.as_dict()) == InputError("bad", file="a.toml", line=2, identity="n",
                                                               field="rhs")


def test_a_broken_identity_carries_its_place_as_fields(tmp_path):
    path = tmp_path / "ids.toml"
    path.write_text(GOOD + BROKEN, encoding="utf-8")
    loaded = load_identity_file(path)
    error = loaded.identities[1].error
    assert (error.file, error.line, error.identity, error.field) == (str(path), 11, "broken", "rhs")
    assert str(error).startswith(f"{path}:11: identity 'broken', field 'rhs': ") and "'y'" in error.message
    run = verify_all(loaded.identities, RunSettings(seed=0))
    result = run.results[1]
    assert result.verdict is Verdict.ERROR and result.error_kind is ErrorKind.INPUT
    assert result.input_error == error and result.message == str(error)
    assert run.results[0].input_error is None


def test_file_level_errors_know_the_line_the_sentence_does_not_show(tmp_path):
    path = tmp_path / "ids.toml"
    path.write_text("title = 3\n" + GOOD, encoding="utf-8")
    (error,) = load_identity_file(path).errors
    assert str(error).startswith(f"{path}: unknown top-level key 'title'") and error.line == 1
    path.write_text(GOOD + "[[identity]\nname = 1\n", encoding="utf-8")
    (error,) = load_identity_file(path).errors
    assert str(error).startswith(f"{path}: invalid TOML: ") and error.line == 7 and error.file == str(path)


def test_a_function_error_names_the_function_and_field(tmp_path):
    path = tmp_path / "ids.toml"
    path.write_text('[functions.f]\nargs = ["t"]\nbody = "g(t)"\n\n' + GOOD, encoding="utf-8")
    (error,) = load_identity_file(path).errors
    assert (error.file, error.line, error.function, error.field, error.identity) == (str(path), 3, "f", "body", "")


def test_config_errors_are_located_at_their_key(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[tool.qedcheck]\ntimeout = 4\nseed = -1\n', encoding="utf-8")
    (error,) = load_config(tmp_path).errors
    assert str(error).startswith(f"{pyproject.resolve()}: [tool.qedcheck] seed: ")
    assert (error.file, error.line) == (str(pyproject.resolve()), 6)


def test_glossary_errors_point_into_the_front_matter(tmp_path):
    document = tmp_path / "notes.md"
    document.write_text("+++\nsymbols = { x = \"blue\" }\n+++\n\n$$x = x$$\n", encoding="utf-8")
    (error,) = load_document(document).errors
    assert str(error).startswith(f"{document}:1 (front matter): symbols: the assumptions of 'x'")
    assert (error.file, error.line) == (str(document), 1)


def broken_run(tmp_path):
    path = tmp_path / "ids.toml"
    path.write_text(GOOD + BROKEN, encoding="utf-8")
    loaded = load_identity_file(path)
    errors = (command_line_error("unknown identity 'nope'"),
              InputError("[tool.qedcheck] seed: bad", file="pyproject.toml", line=4, where="pyproject.toml"))
    return verify_all(loaded.identities, RunSettings(seed=0), input_errors=errors), path


def test_the_json_report_writes_the_records_and_keeps_the_sentences(tmp_path):
    run, path = broken_run(tmp_path)
    report = json.loads(json.dumps(report_dict(run)))
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["input_errors"] == ["command line: unknown identity 'nope'",
                                      "pyproject.toml: [tool.qedcheck] seed: bad"]
    first, second = report["input_error_records"]
    assert first == {"text": "command line: unknown identity 'nope'", "file": None, "line": None,
                     "identity": None, "function": None, "field": None, "message": "unknown identity 'nope'"}
    assert (second["file"], second["line"], second["text"]) == ("pyproject.toml", 4, report["input_errors"][1])
    broken = report["identities"][1]["input_error"]
    assert (broken["file"], broken["line"], broken["identity"], broken["field"]) == (str(path), 11, "broken", "rhs")
    assert broken["text"] == report["identities"][1]["message"]
    assert report["identities"][0]["input_error"] is None


def test_junit_cases_point_at_the_file_and_line(tmp_path):
    run, path = broken_run(tmp_path)
    root = ET.fromstring(junit_string(run))
    (broken,) = [case for case in root.iter("testcase") if case.get("name") == "broken"]
    assert (broken.get("file"), broken.get("line")) == (str(path), "11") and broken.find("error") is not None
    first, second = root.find("testsuite[@name='qedcheck input']").findall("testcase")
    assert first.get("file") is None and first.find("error").get("message") == "command line: unknown identity 'nope'"
    assert (second.get("file"), second.get("line")) == ("pyproject.toml", "4")


def test_github_annotations_mark_input_errors_that_name_a_file(tmp_path):
    run, path = broken_run(tmp_path)
    lines = annotations(run)
    assert len(lines) == 2  # the command line has no file to mark
    assert lines[0].startswith(f"::error file={str(path).replace(':', '%3A')},line=11,title=qedcheck%3A input error::")
    assert lines[1].startswith("::error file=pyproject.toml,line=4,")


def test_the_cli_json_report_carries_a_located_file_error(tmp_path):
    path = tmp_path / "ids.toml"
    path.write_text(GOOD + BROKEN, encoding="utf-8")
    out = tmp_path / "report.json"
    assert main(["--no-color", "verify", str(path), "--json", str(out), "-q"]) == 2
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["identities"][1]["input_error"]["line"] == 11
