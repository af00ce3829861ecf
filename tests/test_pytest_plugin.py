"""The pytest plugin, run with pytester: off unless asked, -k / -x / --junitxml work, a wrong identity fails
with the verdict and the counterexample. Only fast identities run here; tests/catalogue/test_catalogue.py checks
the whole catalogue once."""

import xml.etree.ElementTree as ET
from importlib.metadata import entry_points

import pytest
import sympy as sp
from conftest import make_identity, replace_catalogue
from qedcheck.derivations.vocabulary import sigmoid, x

pytest_plugins = ["pytester"]

FAST = "sign_eq or relu_not or abs_not"


def plugin_args() -> list[str]:
    """`-p` only when the entry point has not loaded the plugin already (an installed qedcheck)."""
    installed = any(ep.name == "qedcheck" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "qedcheck.pytest_plugin"]


@pytest.fixture
def project(pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    return pytester


def wrong(name):
    return make_identity(sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2, [x], name=name, source="Q1(b)")


def test_off_unless_asked(project):
    result = project.runpytest(*plugin_args())
    result.assert_outcomes(passed=1)


def test_catalogue_items_with_k(project):
    result = project.runpytest(*plugin_args(), "--qedcheck", "-k", FAST, "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*qedcheck::Q1(a)::relu_not_differentiable_at_zero PASSED*",
                                 "*qedcheck::Q1(f)::sign_eq_indicator_sub_indicator PASSED*"])


def test_tool_table_naming_files_turns_it_on(project):
    project.makepyprojecttoml('[tool.qedcheck]\nfiles = ["sign_eq_indicator_sub_indicator"]\n')
    result = project.runpytest(*plugin_args(), "-m", "qedcheck", "-v")
    result.assert_outcomes(passed=1, deselected=1)


def test_a_wrong_identity_fails_readably_and_x_stops(project, monkeypatch):
    replace_catalogue(monkeypatch, (wrong("sigmoid_deriv_eq_sq"), wrong("second_wrong")))
    result = project.runpytest(*plugin_args(), "--qedcheck", "-k", "wrong or sq")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*sigmoid_deriv_eq_sq (Q1(b)): expected holds, got refuted*",
                                 "counterexample: at x = *"])
    stopped = project.runpytest(*plugin_args(), "--qedcheck", "-x", "-k", "wrong or sq")
    stopped.assert_outcomes(failed=1)


def test_junitxml_and_input_errors(project, monkeypatch):
    replace_catalogue(monkeypatch, (wrong("sigmoid_deriv_eq_sq"),))
    project.makepyprojecttoml('[tool.qedcheck]\nfiles = ["sigmoid_deriv_eq_sq", "nope"]\n')
    result = project.runpytest(*plugin_args(), "--junitxml", "out.xml")
    result.assert_outcomes(passed=1, failed=2)
    root = ET.parse(project.path / "out.xml").getroot()
    failed = {case.get("name"): case.find("failure") for case in root.iter("testcase") if case.find("failure") is not None}
    assert set(failed) == {"sigmoid_deriv_eq_sq", "input_error_1"}
    assert "expected holds, got refuted" in failed["sigmoid_deriv_eq_sq"].text
    assert "unknown identity 'nope'" in failed["input_error_1"].text


def test_an_endless_check_stops_at_its_wall_limit_in_this_process(project, monkeypatch):
    """Issue 11: the plugin checks in pytest's own process, under the wall limit a worker would have."""
    from qedcheck.checks.run import workers

    def spin(seed):
        while True:
            pass

    endless = make_identity(x, x, [x], name="endless", source="test", timeout=0.1, model_checks=(spin,))
    replace_catalogue(monkeypatch, (endless,))
    monkeypatch.setattr(workers, "DEFAULT_MARGIN", 0.3)
    monkeypatch.setattr(workers.verify_with_wall_limit, "__defaults__", (0.3,))
    result = project.runpytest_inprocess(*plugin_args(), "--qedcheck", "-k", "endless")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*endless (test): expected holds, got timeout*"])
