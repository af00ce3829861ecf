"""Accepting `numeric-only`: CI stays green for a true claim SymPy cannot prove, and every report says
the verdict is numeric; nothing else ever passes because of it.

The claim used is the Gudermannian identity atan(sinh x) = 2 atan(eˣ) − π/2, true for every real x,
which none of the symbolic strategies proves (if one ever does, pick another unproved true claim).
"""

import json

import pytest
from qedcheck.cli import main
from qedcheck.config import parse_table
from qedcheck.readers.identity_file import load_identity_file

GUDERMANNIAN = """
[[identity]]
name = "gudermannian"
symbols = { x = "real" }
lhs = "atan(sinh(x))"
rhs = "2*atan(exp(x)) - pi/2"
"""
ACCEPTED = GUDERMANNIAN + 'accept = "numeric"\n'
FALSE = """
[[identity]]
name = "false_claim"
symbols = { x = "real" }
lhs = "atan(sinh(x))"
rhs = "2*atan(exp(x))"
accept = "numeric"
"""


def verify(tmp_path, capsys, text: str, *flags: str) -> tuple[int, str]:
    (tmp_path / "ids.toml").write_text(text, encoding="utf-8")
    code = main(["--no-color", "verify", "ids.toml", "--jobs", "1", *flags])
    return code, capsys.readouterr().out


def test_without_acceptance_an_unproved_true_claim_fails(tmp_path, capsys):
    code, out = verify(tmp_path, capsys, GUDERMANNIAN, "--no-cache")
    assert code == 1
    assert "0/1 identities as expected (1 numeric-only)" in out and "accepted" not in out


def test_accept_numeric_in_the_file_passes_and_says_so(tmp_path, capsys):
    code, out = verify(tmp_path, capsys, ACCEPTED, "--no-cache", "--json", "r.json", "--markdown", "r.md",
                       "--junit", "r.xml")
    assert code == 0
    assert "✓ numeric-only (accepted without proof)" in out
    assert "1/1 identities as expected (1 numeric-only)" in out
    (identity,) = json.loads((tmp_path / "r.json").read_text())["identities"]
    assert identity["verdict"] == "numeric-only" and identity["ok"] is True
    assert "✅ numeric-only (accepted without proof)" in (tmp_path / "r.md").read_text()
    assert "verdict: numeric-only (accepted without proof)" in (tmp_path / "r.xml").read_text()


def test_the_run_flag_and_the_config_key_accept_it_too(tmp_path, capsys):
    code, out = verify(tmp_path, capsys, GUDERMANNIAN, "--no-cache", "--accept-numeric")
    assert code == 0 and "(accepted without proof)" in out
    (tmp_path / "pyproject.toml").write_text("[tool.qedcheck]\naccept-numeric = true\n", encoding="utf-8")
    code, out = verify(tmp_path, capsys, GUDERMANNIAN, "--no-cache")
    assert code == 0 and "(accepted without proof)" in out
    code, out = verify(tmp_path, capsys, GUDERMANNIAN, "--no-cache", "--no-accept-numeric")
    assert code == 1


def test_acceptance_never_lets_a_false_claim_pass(tmp_path, capsys):
    code, out = verify(tmp_path, capsys, FALSE, "--no-cache", "--accept-numeric")
    assert code == 1 and "refuted" in out and "accepted" not in out


def test_a_cached_result_is_not_reused_across_acceptance(tmp_path, capsys):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert verify(tmp_path, capsys, GUDERMANNIAN, *cache)[0] == 1
    assert verify(tmp_path, capsys, GUDERMANNIAN, *cache, "--accept-numeric")[0] == 0
    assert verify(tmp_path, capsys, GUDERMANNIAN, *cache)[0] == 1


@pytest.mark.parametrize(("line", "message"), [
    ('accept = "numbers"', 'field \'accept\': must be "proof" (the default) or "numeric", not "numbers"'),
    ('accept = "numeric"\nexpect = "fails"', "a claim expected to fail must still be refuted"),
])
def test_a_wrong_accept_is_a_located_input_error(tmp_path, line, message):
    path = tmp_path / "ids.toml"
    path.write_text(GUDERMANNIAN + line + "\n", encoding="utf-8")
    (identity,) = load_identity_file(path).identities
    assert str(identity.error).startswith(f"{path}:7: identity 'gudermannian', field 'accept': ")
    assert message in str(identity.error)


def test_the_reader_sets_the_identitys_acceptance(tmp_path):
    path = tmp_path / "ids.toml"
    path.write_text(ACCEPTED + GUDERMANNIAN.replace("gudermannian", "plain"), encoding="utf-8")
    accepted, plain = load_identity_file(path).identities
    assert accepted.accept_numeric is True and plain.accept_numeric is False


def test_the_config_key_is_a_boolean(tmp_path):
    pinned = parse_table({"accept-numeric": True}, tmp_path / "pyproject.toml")
    assert pinned.accept_numeric is True
    assert pinned.run_settings().accept_numeric is True  # what the pytest plugin runs with
    assert pinned.accept_numeric_or(False) is False and pinned.accept_numeric_or(None) is True
    wrong = parse_table({"accept-numeric": "yes"}, tmp_path / "pyproject.toml")
    assert wrong.accept_numeric is None
    assert tuple(map(str, wrong.errors)) == ((f"{tmp_path / 'pyproject.toml'}: [tool.qedcheck] accept-numeric: "
                            "expected true or false, got 'yes'"),)
