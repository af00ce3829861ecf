"""Identity files: valid files check like the catalogue; every bad input gets one located message."""

from pathlib import Path

import pytest
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.cli import main
from qedcheck.readers.identity_file import MAX_FILE_BYTES, MAX_IDENTITIES, load_identity_file
from qedcheck.results import Verdict
from qedcheck.selection import select

ROOT = Path(__file__).resolve().parents[2]


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
    assert message in str(loaded.identities[0].error) and "field 'errata'" in str(loaded.identities[0].error)


def test_assumptions_and_where_restrict_the_claim(tmp_path):
    body = (one("pos", lhs='"sqrt(x**2)"', rhs='"x"', extra='where = "x > 0"')
            + one("nonneg", lhs='"Abs(y)"', rhs='"y"').replace('x = "real"', 'y = "nonnegative"'))
    results = run(write(tmp_path, body)).results
    assert [r.verdict for r in results] == [Verdict.PROVED, Verdict.PROVED]


def test_user_functions_may_use_earlier_ones_but_not_later_ones(tmp_path):
    body = ('[functions.f]\nargs = ["t"]\nbody = "g(t)"\n[functions.g]\nargs = ["t"]\nbody = "t**2"\n'
            '[functions.h]\nargs = ["t", "u"]\nbody = "g(t) + u"\n' + one(lhs='"h(x, 1)"', rhs='"x**2 + 1"'))
    loaded = load_identity_file(write(tmp_path, body))
    assert tuple(map(str, loaded.errors)) == ((f"{tmp_path / 'ids.toml'}:3: function 'f', field 'body': unknown function 'g' "
                             "(a function may only call built-ins and functions defined above it)"),)
    assert run(write(tmp_path, body)).results[0].verdict is Verdict.PROVED


def located(tmp_path, body, name="ids.toml"):
    """The one message a bad file produces: an error identity's message, or a file error."""
    path = write(tmp_path, body, name) if body is not None else str(tmp_path / name)
    run_result = run(path)
    assert run_result.exit_code == 2
    messages = list(map(str, run_result.input_errors)) + [r.message for r in run_result.results
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
    assert tuple(map(str, chosen.errors)) == ((f"{path}: identity 'sigmoid_deriv', field 'name': duplicate name "
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


# --- issue 11: no traceback, no unbounded work while a file is read ----------------------------------

NESTED_DIFF = "diff(diff(diff(diff(diff(x**x, x, 5), x, 5), x, 5), x, 5), x, 5)"


@pytest.mark.parametrize("body, expected", [
    (one(extra='where = "diff(x**2, x) > 0"'), "{path}:6: identity 'claim', field 'where': derivatives are not allowed"),
    (one(lhs='"Max(x, sqrt(-1))"'), "{path}:4: identity 'claim', field 'lhs': 'Max(x, sqrt(-1))' cannot be built"),
    (one(lhs=f'"{NESTED_DIFF}"'), "{path}:4: identity 'claim', field 'lhs': "),
    (one(lhs='"diff(diff(x**3, x, 5), x, 5)"'), "field 'lhs': 'diff(diff(x**3, x, 5), x, 5)' differentiates 10 times"),
    (one(lhs='"(x**200)**200"'), "field 'lhs': '(x**200)**200' makes the exponent 40000"),
    (one(lhs='"(x + 1)**200*(x + 1)**200"'), "field 'lhs': '(x + 1)**200*(x + 1)**200' makes the exponent 400"),
    ('[functions.f]\nargs = ["t"]\nbody = "t**200"\n' + one(lhs='"f(x**200)"'), "field 'lhs': 'f(x**200)'"),
    ('[functions.f]\nargs = ["t"]\nbody = "diff(t**3, t, 5)"\n' + one(lhs='"diff(f(x), x, 5)"'),
     "field 'lhs': 'diff(f(x), x, 5)' differentiates 10 times"),
    ('[functions.f]\nargs = ["t"]\nbody = "1/(t - 1)"\n' + one(lhs='"f(1)"'), "field 'lhs': 'f(1)' is undefined"),
    (one(extra='steps = ["Min(x, 2*sqrt(-1))"]'), "field 'steps': step 0: 'Min(x, 2*sqrt(-1))' cannot be built"),
])
def test_what_sympy_refuses_or_what_would_grow_is_a_located_input_error(tmp_path, body, expected):
    messages, path = located(tmp_path, body)
    assert any(expected.replace("{path}", path) in m for m in messages), messages


def test_an_unexpected_failure_while_reading_is_that_identitys_located_error(tmp_path, monkeypatch):
    from qedcheck.readers import identity_file

    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(identity_file, "parse_condition", broken)
    body = one("first", extra='where = "x > 0"') + one("second")
    run_result = run(write(tmp_path, body))
    assert [(r.name, r.verdict) for r in run_result.results] == [("first", Verdict.ERROR), ("second", Verdict.PROVED)]
    assert "ids.toml:6: identity 'first', field 'where': cannot be read (KeyError: 'surprise')" in \
        run_result.results[0].message


def test_reading_never_compiles_samples_or_simplifies(tmp_path, monkeypatch):
    """Work on user input belongs to the checks, under the identity's budget, not to the reader."""
    from qedcheck.checks import evaluate, sampling, symbolic

    def forbidden(*args, **kwargs):
        raise AssertionError("the reader did work on user input")

    for module, name in ((evaluate, "compile_numpy"), (evaluate, "float_function"), (sampling, "scalar_sample"),
                         (symbolic, "prepare"), (sp_module(), "simplify")):
        monkeypatch.setattr(module, name, forbidden)
    body = one(lhs=f'"{NESTED_DIFF.replace(", x, 5)", ", x)")}"', extra='where = "x > 1 & x < -1"')
    body += one("slope", lhs='"diff(x**3, x)"', rhs='"3*x**2"')
    loaded = load_identity_file(write(tmp_path, body))
    assert [identity.error for identity in loaded.identities] == [None, None]
    assert loaded.identities[1].finite_differences


def sp_module():
    import sympy

    return sympy


def test_an_empty_domain_is_found_by_the_checks_with_its_location(tmp_path):
    body = one(extra='where = "x > 1 & x < -1"')
    (identity,) = load_identity_file(write(tmp_path, body)).identities
    assert identity.error is None  # nothing computed while reading
    (result,) = run(write(tmp_path, body)).results
    assert result.verdict is Verdict.ERROR
    assert result.message.endswith("ids.toml:6: identity 'claim', field 'where': the condition holds at none of "
                                   "the sampled points")


def test_a_derivative_in_a_function_body_is_taken_at_the_argument(tmp_path):
    body = ('[functions.g]\nargs = ["t"]\nbody = "diff(t**3, t)"\n'
            '[functions.h]\nargs = ["t", "s"]\nbody = "diff(t*s, t)"\n'
            + one("cube", lhs='"g(2*x)"', rhs='"12*x**2"') + one("same_point", lhs='"h(x, x)"', rhs='"x"'))
    results = run(write(tmp_path, body)).results
    assert [(r.name, r.verdict) for r in results] == [("cube", Verdict.PROVED), ("same_point", Verdict.PROVED)]


def test_every_report_is_written_when_identities_are_broken(tmp_path):
    body = (one("where_diff", extra='where = "diff(x**2, x) > 0"') + one("not_real", lhs='"Max(x, sqrt(-1))"')
            + one("huge_where", extra='where = "10**256*10**256*x > 0"') + one("fine"))
    path = write(tmp_path, body)
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    assert main(["--no-color", "verify", path, "--no-cache", "--json", str(report), "--junit", str(junit)]) == 2
    import json

    verdicts = {entry["name"]: entry["verdict"] for entry in json.loads(report.read_text())["identities"]}
    assert verdicts["where_diff"] == verdicts["not_real"] == "error" and verdicts["fine"] == "proved"
    assert "huge_where" in verdicts and junit.exists()


def test_reading_one_identity_is_bounded_in_time(tmp_path, monkeypatch):
    from qedcheck.readers import identity_file

    def endless(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(identity_file, "READ_SECONDS", 1.0)  # a loaded machine still reads "quick" in time
    monkeypatch.setattr(identity_file, "parse_condition", endless)
    loaded = load_identity_file(write(tmp_path, one("slow", extra='where = "x > 0"') + one("quick")))
    assert "identity 'slow', field 'identity': reading it took longer than 1 s" in str(loaded.identities[0].error)
    assert loaded.identities[1].name == "quick" and loaded.identities[1].error is None


# --- issue 11: only regular files, read up to the size limit ------------------------------------------

@pytest.mark.parametrize("make, kind", [
    (lambda path: path.symlink_to("/dev/zero"), "a device"),  # read whole, it would fill the memory
    (lambda path: __import__("os").mkfifo(path), "a FIFO"),  # opened for reading, it would block forever
    (lambda path: path.mkdir(), "a directory"),
])
def test_only_a_regular_file_is_read(tmp_path, make, kind):
    path = tmp_path / "ids.toml"
    make(path)
    loaded = load_identity_file(path)
    assert loaded.identities == ()
    (error,) = map(str, loaded.errors)
    assert error.startswith(f"{path}: not a regular file ({kind}") and error.endswith("only regular files are read")


def test_a_symbolic_link_to_a_regular_file_is_read(tmp_path):
    target = write(tmp_path, one(), "real.toml")
    (tmp_path / "link.toml").symlink_to(target)
    assert [i.name for i in load_identity_file(tmp_path / "link.toml").identities] == ["claim"]


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_read(tmp_path):
    text = one()
    at_limit = text + "#" * (MAX_FILE_BYTES - len(text))
    assert load_identity_file(write(tmp_path, at_limit)).errors == ()
    over = at_limit + "#"
    assert str(load_identity_file(write(tmp_path, over)).errors[0]).endswith(f"larger than {MAX_FILE_BYTES} bytes")


def test_a_fifo_target_is_an_input_error_and_the_run_goes_on(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.toml")
    good = write(tmp_path, one())
    assert main(["--no-color", "verify", str(tmp_path / "pipe.toml"), good, "--no-cache", "--jobs", "1"]) == 2


def test_an_unexpected_failure_in_a_function_is_that_functions_located_error(tmp_path, monkeypatch):
    from qedcheck.readers import identity_file

    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(identity_file, "UserFunction", broken)
    body = '[functions.f]\nargs = ["t"]\nbody = "t + 1"\n' + one()
    loaded = load_identity_file(write(tmp_path, body))
    assert tuple(map(str, loaded.errors)) == ((f"{tmp_path / 'ids.toml'}:3: function 'f', field 'body': "
                              "cannot be read (KeyError: 'surprise')"),)
    assert [i.name for i in loaded.identities] == ["claim"]


def test_reading_a_whole_file_is_bounded_in_time(tmp_path, monkeypatch):
    from qedcheck.readers import identity_file

    def endless(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(identity_file, "READ_FILE_SECONDS", 0.1)
    monkeypatch.setattr(identity_file, "parse_condition", endless)
    body = "".join(one(f"slow_{k}", extra='where = "x > 0"') for k in range(3))
    errors = [str(identity.error) for identity in load_identity_file(write(tmp_path, body)).identities]
    assert len(errors) == 3 and all("not read: reading this file took longer than 0.1 s" in e for e in errors[1:])


def test_the_read_backstop_is_not_mistaken_for_a_latex_syntax_error(tmp_path, monkeypatch):
    """The LaTeX reader turns every Exception of its parser into 'cannot read the LaTeX'."""
    from qedcheck.readers import identity_file, latex

    def endless(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(identity_file, "READ_SECONDS", 0.5)
    monkeypatch.setattr(latex, "_two_stage_parse", endless)  # the ANTLR parse (readers/latex.py)
    (identity,) = load_identity_file(write(tmp_path, one(lhs='"2*x"', rhs='"x + x"').replace(
        'lhs = "2*x"', 'lhs_latex = "2x"'))).identities
    assert "field 'identity': reading it took longer than 0.5 s" in str(identity.error)
