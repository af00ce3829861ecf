"""Identity files: valid files check like the catalogue; every bad input gets one located message."""

from pathlib import Path

import pytest
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.cli import main
from qedcheck.readers.identity_file import MAX_FILE_BYTES, MAX_IDENTITIES, load_identity_file
from qedcheck.results import Verdict
from qedcheck.selection import select

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, body: str | bytes, name="ids.toml") -> str:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return str(path)


def one(name="claim", lhs='"2*x"', rhs='"x + x"', extra="") -> str:
    return f'[[identity]]\nname = "{name}"\nsymbols = {{ x = "real" }}\nlhs = {lhs}\nrhs = {rhs}\n{extra}\n'


def run(path):
    loaded = load_identity_file(path)
    return verify_all(loaded.identities, RunSettings(seed=0), input_errors=loaded.errors)


def test_the_example_file_holds_as_expected_and_covers_every_feature():
    run_result = run(ROOT / "examples" / "identities.toml")
    assert run_result.exit_code == 0, [(r.name, r.verdict, r.message) for r in run_result.results]
    by_name = {r.name: r for r in run_result.results}
    assert by_name["softsign_deriv"].verdict is Verdict.PROVED
    assert by_name["softsign_deriv"].numeric.finite_difference_max_rel_err is not None  # diff claims get FD
    assert by_name["sqrt_sq_eq_self"].verdict is Verdict.REFUTED and by_name["sqrt_sq_eq_self"].ok
    assert len(by_name["softplus_deriv_eq_sigmoid"].links) == 4
    assert by_name["swish_deriv"].source == "lecture 7, slide 12"


def test_a_false_claim_expected_to_hold_is_refuted(tmp_path):
    result, = run(write(tmp_path, one(lhs='"diff(sigmoid(x), x)"', rhs='"sigmoid(x)**2"'))).results
    assert result.verdict is Verdict.REFUTED and not result.ok and result.counterexample is not None


def test_a_wrong_step_fails_the_identity_and_names_the_link(tmp_path):
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"', extra='steps = ["x**2 + 1"]')
    result, = run(write(tmp_path, body)).results
    assert result.verdict is Verdict.PROVED and not result.ok
    assert [link.verdict for link in result.links] == [Verdict.REFUTED, Verdict.REFUTED]


def test_expect_fails_concerns_the_claim_not_a_refuted_link(tmp_path):
    """A true claim expected to fail is not rescued by a wrong step (once a green "proved (expected
    refuted)")."""
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"', extra='steps = ["x**2 + 1"]\nexpect = "fails"')
    result, = run(write(tmp_path, body)).results
    assert result.verdict is Verdict.PROVED and not result.ok


def test_a_false_claim_expected_to_fail_is_ok(tmp_path):
    result, = run(write(tmp_path, one(lhs='"(x + 1)**2"', rhs='"x**2 + 1"', extra='expect = "fails"'))).results
    assert result.verdict is Verdict.REFUTED and result.ok


ERRATUM = 'steps = ["x**2 + 1", "x**2 + 2*x + 1"]\nerrata = [{ links = [1], step = 1, corrected = "%s" }]'


def test_a_recorded_erratum_keeps_the_identity_green_while_the_finding_stands(tmp_path):
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"', extra=ERRATUM % "x**2 + 2*x + 1")
    result, = run(write(tmp_path, body)).results
    assert [link.verdict for link in result.links] == [Verdict.REFUTED, Verdict.REFUTED, Verdict.PROVED]
    assert [link.expect for link in result.links] == ["fails", "holds", "holds"]
    assert result.errata[0].found and result.errata[0].corrected_holds
    assert not result.ok  # link 2 (step 1 = step 2) is refuted too and is not recorded
    result, = run(write(tmp_path, body.replace("links = [1]", "links = [1, 2]"))).results
    assert result.verdict is Verdict.PROVED and result.ok


def test_an_erratum_whose_correction_does_not_hold_fails(tmp_path):
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"',
               extra='steps = ["x**2 + 1"]\nerrata = [{ links = [1, 2], step = 1, corrected = "x**2 + 3" }]')
    result, = run(write(tmp_path, body)).results
    assert result.errata[0].found and not result.errata[0].corrected_holds and not result.ok
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"',
               extra='steps = ["x**2 + 1"]\nerrata = [{ links = [1, 2], step = 1, corrected = "(x+1)**2" }]')
    result, = run(write(tmp_path, body)).results
    assert result.errata[0].found and result.errata[0].corrected_holds and result.ok


def test_an_erratum_that_no_longer_stands_fails(tmp_path):
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"',
               extra='steps = ["(x+1)*(x+1)"]\nerrata = [{ links = [1], step = 1, corrected = "(x+1)**2" }]')
    result, = run(write(tmp_path, body)).results
    assert not result.errata[0].found and not result.ok


def test_each_link_shows_its_own_two_expressions_as_written(tmp_path):
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"', extra='steps = ["(x+1)*(x+1)", "x*x + 2*x + 1"]')
    result, = run(write(tmp_path, body)).results
    assert [(link.lhs, link.rhs) for link in result.links] == [
        ("(x + 1)**2", "(x+1)*(x+1)"), ("(x+1)*(x+1)", "x*x + 2*x + 1"), ("x*x + 2*x + 1", "x**2 + 2*x + 1")]


@pytest.mark.parametrize("errata, message", [
    ('[{ links = [3], step = 1, corrected = "x" }]', "'links' must list link numbers from 1 to 2"),
    ('[{ links = [1], step = 2, corrected = "x" }]', "'step' must be the number of the wrong step, from 1 to 1"),
    ('[{ links = [1], step = 1 }]', "'corrected' must be the expression"),
    ('[{ links = [1], step = 1, corrected = "y" }]', "undeclared symbol 'y'"),
    ('[{ link = [1], step = 1, corrected = "x" }]', "unknown key 'link'"),
])
def test_errata_entries_are_validated_with_located_messages(tmp_path, errata, message):
    body = one(lhs='"(x + 1)**2"', rhs='"x**2 + 2*x + 1"', extra=f'steps = ["x**2 + 1"]\nerrata = {errata}')
    loaded = load_identity_file(write(tmp_path, body))
    assert message in loaded.identities[0].error and "field 'errata'" in loaded.identities[0].error


def test_assumptions_and_where_restrict_the_claim(tmp_path):
    body = (one("pos", lhs='"sqrt(x**2)"', rhs='"x"', extra='where = "x > 0"')
            + one("nonneg", lhs='"Abs(y)"', rhs='"y"').replace('x = "real"', 'y = "nonnegative"'))
    results = run(write(tmp_path, body)).results
    assert [r.verdict for r in results] == [Verdict.PROVED, Verdict.PROVED]


def test_user_functions_may_use_earlier_ones_but_not_later_ones(tmp_path):
    body = ('[functions.f]\nargs = ["t"]\nbody = "g(t)"\n[functions.g]\nargs = ["t"]\nbody = "t**2"\n'
            '[functions.h]\nargs = ["t", "u"]\nbody = "g(t) + u"\n' + one(lhs='"h(x, 1)"', rhs='"x**2 + 1"'))
    loaded = load_identity_file(write(tmp_path, body))
    assert loaded.errors == ((f"{tmp_path / 'ids.toml'}:3: function 'f', field 'body': unknown function 'g' "
                             "(a function may only call built-ins and functions defined above it)"),)
    assert run(write(tmp_path, body)).results[0].verdict is Verdict.PROVED


def located(tmp_path, body, name="ids.toml"):
    """The one message a bad file produces: an error identity's message, or a file error."""
    path = write(tmp_path, body, name) if body is not None else str(tmp_path / name)
    run_result = run(path)
    assert run_result.exit_code == 2
    messages = list(run_result.input_errors) + [r.message for r in run_result.results
                                                if r.verdict is Verdict.ERROR]
    return messages, path


@pytest.mark.parametrize("body, expected", [
    (None, "{path}: no such file"),
    (b"name = \"\xff\xfe\"\n", "{path}:1: not valid UTF-8 (byte 8)"),
    ("[[identity]\nname = 1", "{path}: invalid TOML: "),
    ("title = 3\n" + one(), "{path}: unknown top-level key 'title'"),
    ("x = 1\n", "{path}: no [[identity]] tables"),
    ("identity = 3\n", "{path}: 'identity' must be an array of tables"),
    (one(rhs='"x + x"', lhs='"sigmod(x)"'),
     "{path}:4: identity 'claim', field 'lhs': unknown function 'sigmod' (did you mean 'sigmoid'?)"),
    (one(rhs='"x + y"'), "{path}:5: identity 'claim', field 'rhs': undeclared symbol 'y'"),
    (one(lhs="3"), "{path}:4: identity 'claim', field 'lhs': must be a string, not an integer"),
    (one(lhs='["x"]'), "{path}:4: identity 'claim', field 'lhs': must be a string, not an array"),
    (one(extra="expect = true"), "{path}:6: identity 'claim', field 'expect': must be a string, not a boolean"),
    (one(extra='expect = "maybe"'), "field 'expect': must be \"holds\" or \"fails\""),
    (one(extra='steps = "x"'), "{path}:6: identity 'claim', field 'steps': must be a list of strings"),
    (one(extra='steps = ["x +"]'), "field 'steps': step 0: invalid syntax"),
    (one(extra='stpes = ["x"]'), "field 'stpes': unknown field 'stpes' (did you mean 'steps'?)"),
    (one(extra='where = "x > 1 & x < -1"'),
     "{path}:6: identity 'claim', field 'where': the condition holds at none of the sampled points"),
    (one(extra='where = "x"'), "field 'where': 'x' is not a comparison"),
    (one(extra='timeout = 1e9'), "field 'timeout': must be a number of seconds"),
    (one(extra='lhs_latex = "x"'), "field 'lhs_latex': give 'lhs' or 'lhs_latex', not both"),
    (one().replace('lhs = "2*x"\n', ""), "{path}:1: identity 'claim', field 'lhs': missing"),
    (one().replace('"claim"', '"Bad-Name"'), "identity '#1', field 'name': 'Bad-Name' is not a valid name"),
    (one().replace('"claim"', "7"), "identity '#1', field 'name': missing or not a string"),
    (one().replace('x = "real"', 'x = "positive negative"'), "field 'symbols': the assumptions of 'x' contradict"),
    (one().replace('x = "real"', 'x = "postive"'), "unknown assumption 'postive' for 'x' (did you mean 'positive'?)"),
    (one().replace('x = "real"', 'x = 1'), "the assumptions of 'x' must be a string"),
    (one().replace('x = "real"', 'exp = "real"'), "'exp' is a reserved name"),
    (one().replace('symbols = { x = "real" }', 'symbols = "x"'), "field 'symbols': must be a table"),
    (one() + one(), "{path}:8: identity 'claim', field 'name': duplicate name (first used at line 2)"),
    (one(lhs="\"__import__('os').system('true')\""), "field 'lhs': only named functions can be called"),
    (one(lhs='"10**10**10"'), "field 'lhs': exponent 10000000000 is too large"),
    (one(lhs='"' + "(" * 300 + "x" + ")" * 300 + '"'), "field 'lhs': "),
    ('[functions.exp]\nargs = ["t"]\nbody = "t"\n' + one(), "function 'exp', field 'name': 'exp' is a built-in"),
    ('[functions.f]\nargs = "t"\nbody = "t"\n' + one(), "{path}:2: function 'f', field 'args': must be a list"),
    ('[functions.f]\nargs = ["t"]\nbody = "f(t)"\n' + one(), "function 'f', field 'body': unknown function 'f'"),
    ("[[identity]]\n" * (MAX_IDENTITIES + 1), f"only the first {MAX_IDENTITIES} are read"),
    ("# " + "x" * MAX_FILE_BYTES, f"{{path}}: the file is larger than {MAX_FILE_BYTES} bytes"),
])
def test_bad_input_gets_one_located_message(tmp_path, body, expected):
    messages, path = located(tmp_path, body)
    wanted = expected.replace("{path}", path)
    assert any(wanted in m for m in messages), messages


def test_bad_identities_are_listed_as_errors_and_the_others_still_checked(tmp_path):
    body = one("good") + one("bad", lhs='"sigmod(x)"')
    run_result = run(write(tmp_path, body))
    assert [(r.name, r.verdict) for r in run_result.results] == [("good", Verdict.PROVED), ("bad", Verdict.ERROR)]
    assert run_result.exit_code == 2


def test_a_name_used_by_the_catalogue_and_a_file_in_one_run_is_an_input_error(tmp_path):
    from qedcheck.derivations import catalogue

    path = write(tmp_path, one("sigmoid_deriv"))
    chosen = select(["sigmoid_deriv", path], catalogue())
    assert [i.name for i in chosen.identities] == ["sigmoid_deriv"]
    assert chosen.errors == ((f"{path}: identity 'sigmoid_deriv', field 'name': duplicate name "
                             "(already defined in catalogue)"),)


def test_cli_exit_codes_for_files(tmp_path, capsys):
    assert main(["--no-color", "verify", str(ROOT / "examples" / "latex.toml")]) == 0
    assert main(["--no-color", "verify", write(tmp_path, one(rhs='"3*x"'), "false.toml")]) == 1
    assert main(["--no-color", "verify", str(ROOT / "examples" / "broken.toml")]) == 2
    out = capsys.readouterr().out
    assert "sigmod" in out and "code_injection" in out
    assert main(["--no-color", "verify", "sigmoid_deriv", write(tmp_path, one("mine"), "mixed.toml")]) == 0
    assert "2/2 identities as expected" in capsys.readouterr().out
    assert main(["--no-color", "verify", str(tmp_path / "missing.toml")]) == 2


def test_json_report_lists_file_identities_and_errors(tmp_path):
    import json

    report = tmp_path / "report.json"
    assert main(["--no-color", "verify", str(ROOT / "examples" / "broken.toml"), "--json", str(report)]) == 2
    identities = json.loads(report.read_text())["identities"]
    assert {i["name"]: i["verdict"] for i in identities}["misspelt_function"] == "error"
    assert {i["name"]: i["verdict"] for i in identities}["checked_anyway"] == "proved"
