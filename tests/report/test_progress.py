"""Progress and loudness: plain lines off a terminal (no times, same for the same seed), a bar on one,
--quiet prints the summary only, --verbose every link."""

import io

from qedcheck.cli import main
from qedcheck.report.progress import CheckProgress, choose_mode
from rich.console import Console


def run_cli(capsys, *args):
    code = main(["--no-color", "verify", *args])
    return code, capsys.readouterr().out


def test_plain_lines_off_a_terminal_and_they_repeat_exactly(capsys):
    code, first = run_cli(capsys, "sign_eq_indicator_sub_indicator", "relu_not_differentiable_at_zero")
    assert code == 0
    lines = first.splitlines()
    assert lines[0] == "[1/2] ✓ proved  Q1(f) sign_eq_indicator_sub_indicator"
    assert lines[1] == "[2/2] ✓ refuted (expected)  Q1(a) relu_not_differentiable_at_zero"
    _, second = run_cli(capsys, "sign_eq_indicator_sub_indicator", "relu_not_differentiable_at_zero")
    assert second.splitlines()[:2] == lines[:2]


def test_quiet_prints_the_summary_only(capsys):
    code, out = run_cli(capsys, "sign_eq_indicator_sub_indicator", "-q")
    assert code == 0
    assert out.strip() == "1/1 identities as expected (1 proved); 0 known errata; seed 0"


def test_verbose_prints_every_link(capsys):
    code, out = run_cli(capsys, "sigmoid_deriv", "--verbose")
    assert code == 0
    assert "Q1(b) sigmoid_deriv: written derivation" in out
    assert all(f"│ {link} " in out for link in ("0.0", "1.0", "1.1", "2.0", "2.1", "2.2", "2.3", "2.4"))


def test_a_bar_on_a_terminal_and_nothing_when_quiet(failing_run):
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100)
    plain = Console(file=io.StringIO(), force_terminal=False, width=100)
    assert choose_mode(terminal, quiet=False) == "bar"
    assert choose_mode(plain, quiet=False) == "lines"
    assert choose_mode(terminal, quiet=True) == "off"
    with CheckProgress(terminal, 1, "bar") as progress:
        progress.advance(failing_run.results[0])
    assert progress.done == 1
    assert "[1/1]" not in terminal.file.getvalue()  # a bar, not the plain lines
    quiet = Console(file=io.StringIO(), force_terminal=False)
    with CheckProgress(quiet, 1, "off") as progress:
        progress.advance(failing_run.results[0])
    assert quiet.file.getvalue() == ""


def test_no_color_flag_after_the_command_and_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["verify", "sign_eq_indicator_sub_indicator", "--no-color", "-q"]) == 0
    assert "\x1b[" not in capsys.readouterr().out
