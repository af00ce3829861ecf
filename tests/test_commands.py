"""Commands know your files (issue 14): `python -m qedcheck`, replay commands in every report,
`show`/`list`/`verify` on a file's identities, pinned files that match nothing, warm file runs
without SymPy."""

import json
import os
import shlex
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from qedcheck.cli import main
from qedcheck.report.describe import failure_text
from qedcheck.report.json_report import report_dict
from qedcheck.report.junit import junit_string
from qedcheck.report.markdown import markdown_report

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[1]
FILE = """
[[identity]]
name = "plus_one"
symbols = { x = "real" }
lhs = "x + 1"
rhs = "x"

[[identity]]
name = "tanh_deriv"
symbols = { x = "real" }
lhs = "diff(tanh(x), x)"
rhs = "1 - tanh(x)**2"

[[identity]]
name = "square"
symbols = { x = "real" }
lhs = "(x + 1)**2"
rhs = "x**2 + 2*x + 1"
steps = ["x**2 + 2*x + 2"]
"""


@pytest.fixture
def ids():
    Path("ids.toml").write_text(FILE)
    return "ids.toml"


def _subprocess(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False,
                          env={**os.environ}, **kwargs)


def test_python_dash_m_qedcheck_is_the_qedcheck_command():
    version = _subprocess(["-m", "qedcheck", "--version"])
    assert version.returncode == 0 and version.stdout.startswith("qedcheck ")
    listing = _subprocess(["-m", "qedcheck", "--no-color", "list"])
    assert listing.returncode == 0, listing.stderr
    assert "relu_not_differentiable_at_zero" in listing.stdout
    assert _subprocess(["-m", "qedcheck", "verify", "--seed"]).returncode == 2


def test_every_failure_ends_with_the_command_that_replays_it(ids, capsys):
    assert main(["--no-color", "verify", ids, "--seed", "3", "--json", "r.json", "--junit", "r.xml",
                 "--markdown", "r.md"]) == 1
    out = capsys.readouterr().out
    assert "replay: qedcheck show ids.toml plus_one --seed 3" in out
    assert "replay: qedcheck show ids.toml square --seed 3" in out
    report = json.loads(Path("r.json").read_text())
    replays = {i["name"]: (i["replay"], [s["replay"] for s in i["steps"]]) for i in report["identities"]}
    assert replays == {
        "plus_one": ("qedcheck show ids.toml plus_one --seed 3", []),
        "tanh_deriv": (None, []),
        "square": ("qedcheck show ids.toml square --seed 3", ["qedcheck show ids.toml square --seed 3"] * 2),
    }
    assert "replay: qedcheck show ids.toml plus_one --seed 3" in Path("r.xml").read_text()
    assert "replay: `qedcheck show ids.toml plus_one --seed 3`" in Path("r.md").read_text()


def test_the_replay_command_reproduces_the_counterexample(ids, capsys):
    main(["--no-color", "verify", ids, "--seed", "5", "--json", "r.json"])
    plus_one = json.loads(Path("r.json").read_text())["identities"][0]
    capsys.readouterr()
    command = shlex.split(plus_one["replay"])
    assert command[:2] == ["qedcheck", "show"]
    assert main(["--no-color", *command[1:]]) == 1
    out = capsys.readouterr().out
    point = ", ".join(f"{k} = {v}" for k, v in plus_one["counterexample"]["point"].items())
    assert f"at {point}:" in out


def test_a_catalogue_failure_replays_by_name(failing_run):
    (identity,) = report_dict(failing_run)["identities"]
    assert identity["replay"] == "qedcheck show sigmoid_deriv_eq_sq --seed 0"
    assert failure_text(failing_run.results[0], 0).endswith("replay: qedcheck show sigmoid_deriv_eq_sq --seed 0")
    assert "replay: qedcheck show sigmoid_deriv_eq_sq --seed 0" in junit_string(failing_run)
    assert "replay: `qedcheck show sigmoid_deriv_eq_sq --seed 0`" in markdown_report(failing_run)


def test_a_path_with_a_space_is_quoted_in_the_replay(capsys):
    Path("my notes").mkdir()
    Path("my notes/ids.toml").write_text(FILE)
    main(["--no-color", "verify", "my notes/ids.toml", "plus_one", "-q"])
    assert "replay: qedcheck show 'my notes/ids.toml' plus_one --seed 0" in capsys.readouterr().out


def test_show_explains_an_identity_of_a_file(ids, capsys):
    assert main(["--no-color", "show", ids, "tanh_deriv"]) == 0
    out = capsys.readouterr().out
    assert "tanh_deriv" in out and "✓ proved" in out and "ids.toml" in out
    assert main(["--no-color", "show", ids, "square"]) == 1
    assert "x**2 + 2*x + 2" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["show", "ids.toml", "tanh_derv"], "ids.toml has no identity 'tanh_derv' (did you mean 'tanh_deriv'?)"),
    (["show", "ids.toml"], "which identity of ids.toml?"),
    (["show", "relu_deriv", "tanh_deriv"], "'relu_deriv' is not an identity file"),
    (["show", "missing.toml", "x"], "missing.toml: no such file"),
    (["show", "tanh_deriv"], "unknown identity 'tanh_deriv'"),
])
def test_show_says_what_is_wrong_with_its_arguments(ids, capsys, argv, message):
    assert main(["--no-color", *argv]) == 2
    assert message in capsys.readouterr().err


def test_list_lists_the_identities_of_a_file(ids, capsys):
    assert main(["--no-color", "list", ids]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("plus_one", "tanh_deriv", "square"))
    assert "relu_deriv" not in out
    Path("broken.toml").write_text('[[identity]]\nname = "bad"\nlhs = "x +"\nrhs = "x"\n')
    assert main(["--no-color", "list", "broken.toml"]) == 2
    assert "identity 'bad', field 'lhs'" in capsys.readouterr().err


def test_list_without_arguments_lists_the_pinned_files(ids, capsys):
    Path("pyproject.toml").write_text('[tool.qedcheck]\nfiles = ["ids*.toml"]\n')
    assert main(["--no-color", "list"]) == 0
    out = capsys.readouterr().out
    assert "tanh_deriv" in out and "relu_deriv" not in out


def test_verify_selects_identities_of_a_file(ids, capsys):
    assert main(["--no-color", "verify", "relu_deriv", ids, "tanh_deriv", "--json", "r.json", "-q"]) == 0
    assert [i["name"] for i in json.loads(Path("r.json").read_text())["identities"]] == ["relu_deriv", "tanh_deriv"]
    assert main(["--no-color", "verify", ids, "tanh_deriv", "relu_deriv", "-q"]) == 2
    out = capsys.readouterr().out
    assert "ids.toml has no identity 'relu_deriv'" in out and "before the first file" in out


def test_a_pinned_pattern_that_matches_nothing_is_an_input_error_not_the_catalogue(capsys):
    Path("pyproject.toml").write_text('[tool.qedcheck]\nfiles = ["identities/*.toml"]\n')
    assert main(["--no-color", "verify", "--json", "r.json"]) == 2
    out = capsys.readouterr().out
    assert "[tool.qedcheck] files: the pattern 'identities/*.toml' matches no file" in out
    report = json.loads(Path("r.json").read_text())
    assert report["identities"] == [] and len(report["input_errors"]) == 1
    Path("pyproject.toml").write_text("[tool.qedcheck]\nfiles = []\n")
    assert main(["--no-color", "verify", "-q"]) == 2
    assert "files: the list is empty" in capsys.readouterr().out


def test_the_plugin_reports_a_pinned_pattern_that_matches_nothing(pytester):
    pytester.makepyprojecttoml('[tool.qedcheck]\nfiles = ["identities/*.toml"]\n')
    installed = any(ep.name == "qedcheck" for ep in entry_points(group="pytest11"))
    result = pytester.runpytest(*([] if installed else ["-p", "qedcheck.pytest_plugin"]))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the pattern 'identities/*.toml' matches no file*"])


WARM = """
import sys
from qedcheck.cli import main
code = main(["--no-color", "verify", *sys.argv[1:], "-q"])
print("imported:", sorted(m for m in ("sympy", "numpy", "qedcheck.readers.identity_file") if m in sys.modules))
sys.exit(code)
"""


def test_a_warm_file_run_answers_from_the_cache_without_sympy(ids):
    cold = _subprocess(["-c", WARM, ids])
    assert cold.returncode == 1 and "imported: ['numpy', 'qedcheck.readers.identity_file', 'sympy']" in cold.stdout
    warm = _subprocess(["-c", WARM, ids])
    assert warm.returncode == 1, warm.stderr
    assert "imported: []" in warm.stdout
    assert "1/3 identities as expected" in warm.stdout and "replay: qedcheck show ids.toml plus_one" in warm.stdout
    selected = _subprocess(["-c", WARM, ids, "tanh_deriv"])
    assert selected.returncode == 0 and "imported: []" in selected.stdout
    assert "1/1 identities as expected" in selected.stdout


def test_an_edited_file_is_read_again_never_answered_from_its_old_entries(ids, capsys):
    assert main(["--no-color", "verify", ids, "-q"]) == 1
    Path(ids).write_text(FILE.replace('rhs = "x"\n', 'rhs = "1 + x"\n', 1))
    assert main(["--no-color", "verify", ids, "-q"]) == 1
    assert "2/3 identities as expected" in capsys.readouterr().out.splitlines()[-1]


def test_a_file_with_a_broken_identity_is_always_read_and_reported(capsys):
    Path("ids.toml").write_text(FILE + '\n[[identity]]\nname = "bad"\nlhs = "x +"\nrhs = "x"\n')
    assert main(["--no-color", "verify", "ids.toml", "-q"]) == 2
    run = _subprocess(["-c", WARM, "ids.toml"])
    assert run.returncode == 2 and "field 'lhs'" in run.stdout and "'sympy'" in run.stdout


def test_a_forged_file_entry_cannot_swap_verdicts(ids, tmp_path):
    folder = tmp_path / "c"
    assert main(["--no-color", "verify", ids, "--cache-dir", str(folder), "-q"]) == 1
    manifests = [p for p in (folder / "quick").iterdir() if b'"plus_one"' in p.read_bytes()]
    (manifest,) = manifests
    head, payload = manifest.read_bytes().split(b"\n", 1)
    pairs = json.loads(payload)
    pairs[0][1] = pairs[1][1]  # plus_one -> the proved tanh_deriv's entry
    manifest.write_bytes(head + b"\n" + json.dumps(pairs).encode())
    assert main(["--no-color", "verify", ids, "--cache-dir", str(folder), "--json", "r.json", "-q"]) == 1
    report = json.loads(Path("r.json").read_text())
    assert report["identities"][0]["verdict"] == "refuted" and report["cache"]["rejected"] == 1


def test_only_what_is_asked_is_built():
    code = ("import sys; from qedcheck.cli import main; "
            "rc = main(['--no-color', 'verify', sys.argv[1], '-q', '--no-cache', '--jobs', '1']); "
            "print('built:', sorted(m for m in ('qedcheck.derivations.activations', 'qedcheck.derivations.mlp') "
            "if m in sys.modules)); sys.exit(rc)")
    Path("ids.toml").write_text(FILE)
    by_name = _subprocess(["-c", code, "relu_deriv"])
    assert by_name.returncode == 0 and "built: ['qedcheck.derivations.activations']" in by_name.stdout
    by_file = _subprocess(["-c", code, "ids.toml"])
    assert by_file.returncode == 1 and "built: []" in by_file.stdout


def test_the_replay_repeats_the_settings_given_on_the_command_line(ids, capsys):
    Path("pyproject.toml").write_text("[tool.qedcheck]\nrtol = 1e-8\n")
    main(["--no-color", "verify", ids, "plus_one", "--seed", "2", "--timeout", "4", "--no-accept-numeric",
          "--json", "r.json", "-q"])
    replay = json.loads(Path("r.json").read_text())["identities"][0]["replay"]
    assert replay == "qedcheck show ids.toml plus_one --seed 2 --timeout 4.0 --no-accept-numeric"
    capsys.readouterr()
    assert main(["--no-color", *shlex.split(replay)[1:]]) == 1
    assert "counterexample" in capsys.readouterr().out
