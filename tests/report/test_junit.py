"""JUnit XML: parsed back with a real XML parser; a wrong identity is a <failure>, a broken check an <error>."""

import dataclasses
import xml.etree.ElementTree as ET

from qedcheck.cli import main
from qedcheck.report.junit import junit_string
from qedcheck.results import RunResult, Verdict


def parse(run) -> ET.Element:
    return ET.fromstring(junit_string(run))


def test_one_suite_per_source_and_one_case_per_identity(catalogue_run):
    root = parse(catalogue_run)
    assert root.tag == "testsuites"
    assert int(root.get("tests")) == catalogue_run.total
    assert root.get("failures") == "0" and root.get("errors") == "0"
    sources = list(dict.fromkeys(r.source for r in catalogue_run.results))
    assert [suite.get("name") for suite in root.findall("testsuite")] == sources
    cases = root.findall("testsuite/testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [(r.source, r.name) for r in catalogue_run.results]
    assert all(float(c.get("time")) >= 0 for c in cases)
    assert not root.findall(".//failure") and not root.findall(".//error")


def test_suite_counts_add_up(catalogue_run):
    for suite in parse(catalogue_run).findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))


def test_a_refuted_claim_that_should_hold_is_a_failure_with_the_counterexample(failing_run):
    root = parse(failing_run)
    (case,) = [c for c in root.iter("testcase") if c.get("name") == "sigmoid_deriv_eq_sq"]
    failure = case.find("failure")
    assert failure is not None and case.find("error") is None
    assert failure.get("type") == "refuted"
    assert failure.get("message").startswith("expected holds, got refuted: counterexample at x = ")
    assert "counterexample" in failure.text and "\\sigma'(x) = \\sigma(x)^2" in failure.text
    assert root.get("failures") == "1"


def test_input_errors_are_errors_in_their_own_suite(failing_run):
    root = parse(failing_run)
    suite = root.find("testsuite[@name='qedcheck input']")
    (error,) = suite.findall("testcase/error")
    assert error.get("message") == "command line: unknown identity 'nope'"
    assert root.get("errors") == "1"


def test_error_and_timeout_verdicts_are_errors_not_failures(failing_run):
    result = failing_run.results[0]
    broken = dataclasses.replace(result, verdict=Verdict.ERROR, counterexample=None, links=(),
                                 message="ZeroDivisionError: <boom> & \x00 \"quoted\"")
    slow = dataclasses.replace(result, name="slow", verdict=Verdict.TIMEOUT, counterexample=None, links=(),
                               message="budget ran out", tried=("expand-cancel", "simplify"))
    root = parse(RunResult((broken, slow), seed=0))
    errors = root.findall(".//error")
    assert [e.get("type") for e in errors] == ["error", "timeout"]
    assert not root.findall(".//failure")
    assert errors[0].get("message") == "expected holds, got error: ZeroDivisionError: <boom> & \ufffd \"quoted\""
    assert "strategies tried: expand-cancel, simplify" in errors[1].text


def test_cli_writes_junit_and_a_failing_identity_fails_it(tmp_path, monkeypatch):
    from conftest import replace_catalogue

    path = tmp_path / "junit.xml"
    assert main(["--no-color", "verify", "sign_eq_indicator_sub_indicator", "--junit", str(path), "-q"]) == 0
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite.get("name") == "Q1(f)" and suite.find("testcase").get("name") == "sign_eq_indicator_sub_indicator"

    replace_catalogue(monkeypatch, (wrong_identity(),))
    assert main(["--no-color", "verify", "all", "--junit", str(path), "-q"]) == 1
    assert ET.parse(path).getroot().find(".//testcase[@name='sigmoid_deriv_eq_sq']/failure") is not None


def wrong_identity():
    import sympy as sp
    from conftest import make_identity
    from qedcheck.derivations.vocabulary import sigmoid, x

    return make_identity(sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2, [x], name="sigmoid_deriv_eq_sq")


def test_same_seed_same_xml_apart_from_times(catalogue_run):
    def untimed(run):
        root = parse(run)
        for element in root.iter():
            element.attrib.pop("time", None)
        return ET.tostring(root)

    shifted = RunResult(tuple(dataclasses.replace(r, time_s=r.time_s + 1) for r in catalogue_run.results),
                        catalogue_run.seed, catalogue_run.versions)
    assert untimed(catalogue_run) == untimed(shifted)
