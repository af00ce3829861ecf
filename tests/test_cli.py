"""The command line: exit codes mean something, errors are located, reports are written."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from conftest import make_identity, replace_catalogue
from qedcheck.cli import main
from qedcheck.derivations.vocabulary import sigmoid, x

ROOT = Path(__file__).resolve().parents[1]


def test_verify_one_identity_exits_zero(capsys):
    assert main(["--no-color", "verify", "sigmoid_deriv"]) == 0
    out = capsys.readouterr().out
    assert "sigmoid_deriv" in out and "proved" in out
    assert "1/1 identities as expected" in out


def test_unknown_name_is_a_located_input_error_and_the_rest_still_runs(capsys):
    assert main(["--no-color", "verify", "sigmoid_deriv", "sigmoid_derv"]) == 2
    out = capsys.readouterr().out
    assert "unknown identity 'sigmoid_derv' (did you mean 'sigmoid_deriv'?)" in out
    assert "1/1 identities as expected" in out


def test_an_identity_that_misses_its_expectation_exits_one(monkeypatch, capsys):
    wrong = make_identity(sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2, [x], name="sigmoid_deriv_eq_sq")
    replace_catalogue(monkeypatch, (wrong,))
    assert main(["--no-color", "verify", "all"]) == 1
    out = capsys.readouterr().out
    assert "refuted" in out and "counterexample" in out


def test_json_report_has_the_documented_shape(tmp_path):
    path = tmp_path / "report.json"
    assert main(["--no-color", "verify", "softplus_sub_softplus_neg", "--json", str(path)]) == 0
    report = json.loads(path.read_text())
    assert report["schema"] == "qedcheck-report/1"
    assert set(report["summary"]) == {"total", "ok", "failed"}
    (identity,) = report["identities"]
    assert identity["verdict"] == "proved" and identity["ok"] is True
    assert identity["numeric"]["points"] >= 1000
    assert {"index", "lhs", "rhs", "verdict", "expect", "ok"} <= set(identity["steps"][0])
    (erratum,) = report["errata"]
    assert erratum["identity"] == "softplus_sub_softplus_neg" and erratum["step"] == 3


def test_show_explains_an_erratum(capsys):
    assert main(["--no-color", "show", "softplus_sub_softplus_neg"]) == 0
    out = capsys.readouterr().out
    assert "erratum" in out and "corrected" in out.lower()


def test_list_names_every_identity(capsys):
    assert main(["--no-color", "list"]) == 0
    out = capsys.readouterr().out
    assert "softmax_jacobian_eq_diag_sub_outer" in out


def test_usage_error_exits_two():
    completed = subprocess.run([sys.executable, str(ROOT / "cli.py"), "frobnicate"], capture_output=True, text=True, check=False)
    assert completed.returncode == 2


def test_cli_runs_from_a_checkout():
    completed = subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", "sign_eq_indicator_sub_indicator"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "sign_eq_indicator_sub_indicator" in completed.stdout


FALSE_DECIMAL_CLAIMS = '''
[[identity]]
name = "times_almost_one"
symbols = { x = "real" }
lhs = "x*1.00000000000000000001"
rhs = "x"

[[identity]]
name = "almost_one"
lhs = "0.99999999999999999999"
rhs = "1"

[[identity]]
name = "plus_tiny"
symbols = { x = "real" }
lhs = "x + 1e-400"
rhs = "x"

[[identity]]
name = "latex_almost_one"
lhs_latex = "0.99999999999999999999"
rhs = "1"
'''


def test_false_claims_hidden_in_decimal_digits_are_refuted_end_to_end(tmp_path):
    """Issue 11: each of these was `proved` while literals went through float64."""
    (tmp_path / "decimals.toml").write_text(FALSE_DECIMAL_CLAIMS)
    report = tmp_path / "report.json"
    assert main(["--no-color", "verify", "decimals.toml", "--no-cache", "--jobs", "1", "--json", str(report)]) == 1
    verdicts = {entry["name"]: entry["verdict"] for entry in json.loads(report.read_text())["identities"]}
    assert verdicts == dict.fromkeys(("times_almost_one", "almost_one", "plus_tiny", "latex_almost_one"), "refuted")


def test_a_step_that_changes_a_far_decimal_digit_is_refuted(tmp_path):
    (tmp_path / "step.toml").write_text('[[identity]]\nname = "double"\nsymbols = { x = "real" }\n'
                                        'lhs = "2*x"\nrhs = "x + x"\nsteps = ["x*2.00000000000000000001"]\n')
    report = tmp_path / "report.json"
    assert main(["--no-color", "verify", "step.toml", "--no-cache", "--jobs", "1", "--json", str(report)]) == 1
    (identity,) = json.loads(report.read_text())["identities"]
    assert identity["ok"] is False
    assert "refuted" in [step["verdict"] for step in identity["steps"]]


@pytest.mark.parametrize("flags, message", [
    (["--seed", "-1"], "argument --seed: the seed must be an integer from 0"),
    (["--memory-limit", "0"], "argument --memory-limit: the memory limit must be a number of GiB"),
    (["--timeout", "-5"], "argument --timeout: the timeout must be a number of seconds greater than 0"),
    (["--timeout", "nan"], "argument --timeout: the timeout must be"),
    (["--timeout", "inf"], "argument --timeout: the timeout must be"),
    (["--jobs", "0"], "argument --jobs/-j: the number of jobs must be an integer from 1"),
    (["--rtol", "0.5"], "argument --rtol: the relative tolerance must be a number from 1e-15 to 1e-06"),
    (["--rtol", "0"], "argument --rtol: the relative tolerance"),
    (["--seed", "x"], "argument --seed: 'x' is not an integer"),
])
def test_out_of_range_options_are_usage_errors_before_anything_runs(flags, message, capsys, monkeypatch):
    from qedcheck.checks.run import schedule

    monkeypatch.setattr(schedule, "plan_targets", lambda *a, **k: pytest.fail("the run started"))
    with pytest.raises(SystemExit) as exited:
        main(["--no-color", "verify", "sigmoid_deriv", *flags])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
