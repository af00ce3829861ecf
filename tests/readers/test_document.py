"""Documents: every display equation accounted for, each link located at the line of its right side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.cli import main
from qedcheck.readers.document import load_document
from qedcheck.report.annotations import annotation, annotations
from qedcheck.results import Verdict

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# CI has shared/ beside the clone; a git worktree (wt/NAME) finds it one level further up.
HOMEWORK = next((p for p in (ROOT.parent / "shared" / "homework" / "hw3-solutions.md",
                             ROOT.parent.parent / "shared" / "homework" / "hw3-solutions.md") if p.exists()),
                ROOT.parent / "shared" / "homework" / "hw3-solutions.md")
HOMEWORK_GLOSSARY = EXAMPLES / "hw3-glossary.toml"


def checked(load):
    run = verify_all(load.identities, RunSettings())
    return {r.location.rsplit(":", 1)[1]: r for r in run.results}


def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("document, glossary, wrong_line", [
    ("derivation.md", None, "21"),
    ("derivation.tex", "derivation-glossary.toml", "16"),
])
def test_the_wrong_step_of_the_example_is_reported_at_its_line(document, glossary, wrong_line):
    load = load_document(EXAMPLES / document, str(EXAMPLES / glossary) if glossary else None)
    assert load.errors == ()
    results = checked(load)
    refuted = sorted(line for line, r in results.items() if r.verdict is Verdict.REFUTED)
    assert refuted == [wrong_line]
    assert all(r.verdict is Verdict.PROVED for line, r in results.items() if line != wrong_line)
    coverage = load.coverage
    assert coverage.definitions == 1 and coverage.unread == 1 and coverage.not_checked == 1
    assert coverage.checked == len(results)
    assert coverage.equalities == coverage.checked + coverage.definitions + coverage.unread
    statuses = {n.status: n for n in coverage.notes}
    assert "defines ell(z)" in statuses["definition"].reason
    assert "cannot read `\\sum`" in statuses["unread"].reason
    assert "≈" in statuses["not checked"].reason


def test_a_trailing_condition_becomes_the_where_of_its_link(tmp_path):
    path = write(tmp_path, "c.md", "+++\nsymbols = { x = \"real\" }\n+++\n\n"
                                   "$$\\frac{x^2 - 1}{x - 1} = x + 1 \\quad (x \\neq 1)$$\n\n"
                                   "$$\\frac{|x|}{x} = 1, \\; x > 0$$\n")
    load = load_document(path)
    assert [str(i.where) for i in load.identities] == ["Ne(x, 1)", "x > 0"]
    assert {r.verdict for r in checked(load).values()} == {Verdict.PROVED}


def test_chains_continue_across_rows_and_displays_but_not_across_a_question_label(tmp_path):
    text = ("+++\nsymbols = { x = \"real\" }\n+++\n"
            "$$x + x = 2x$$\n"            # line 4
            "\n$$= x \\cdot 2$$\n"          # line 6: continues
            "\nb) another question\n"
            "\n$$= 3x$$\n"                  # line 10: after a label, continues nothing
            "\n$$\n\\begin{aligned}\nx^2 &= x \\cdot x \\\\\n&= x x\n\\end{aligned}\n$$\n")
    load = load_document(write(tmp_path, "chain.md", text))
    assert [(i.location.rsplit(":", 1)[1], i.statement) for i in load.identities] == [
        ("4", "x + x = 2x"), ("6", "2x = x \\cdot 2"), ("14", "x^2 = x \\cdot x"), ("15", "x \\cdot x = x x")]
    unread = [n for n in load.coverage.notes if n.status == "unread"]
    assert [(n.location.rsplit(":", 1)[1], n.reason.split(":")[0]) for n in unread] == [("10", "continues no chain")]


def test_layout_is_ignored_and_prose_is_not_read(tmp_path):
    text = ("+++\nsymbols = { x = \"real\" }\n[notation]\n'\\text{Softplus}' = \"softplus\"\n+++\n"
            "$$e) \\boxed{\\text{Softplus}(x) - \\text{Softplus}(-x) = x} \\quad \\text{--- } \\textcircled{1}$$\n"
            "$$\\text{Output width} = \\frac{28 - 2}{2} + 1 \\tag{2}$$\n"
            "$$\\left(x + 1\\right)^2 = x^2 + 2x + 1, \\text{ and } x = x.$$\n")
    load = load_document(write(tmp_path, "layout.md", text))
    assert [i.statement for i in load.identities] == ["\\text{Softplus}(x) - \\text{Softplus}(-x) = x",
                                                      "(x + 1 )^2 = x^2 + 2x + 1"]
    reasons = sorted(n.reason for n in load.coverage.notes)
    assert reasons == ["in prose after `\\text{…}`", "the left side is prose: `\\text{Output width}`"]


def test_unread_equations_say_why_and_are_never_reported_wrong(tmp_path):
    text = ("+++\nsymbols = { x = \"real\" }\nvectors = { v = \"n\" }\n+++\n"
            "$$N = x$$\n"
            "$$\\begin{bmatrix} x \\\\ \\vdots \\end{bmatrix} = x$$\n"
            "$$1_{x>0}(x) = x$$\n"
            "$$v_1 = x$$\n")
    load = load_document(write(tmp_path, "unread.md", text))
    assert load.identities == ()
    reasons = [n.reason for n in load.coverage.notes]
    assert reasons == ["unknown symbol N: declare it in the glossary",
                       ("cannot read `\\begin{bmatrix}`: the entries around the ellipsis are not one term in the "
                       "entry index (x_1, x_2, …, x_n)"),
                       "cannot read a subscript on a number (`1_{x>0}(…`)",
                       "`v_{1}`: an entry is written with one index letter (x_i); numbered entries (x_1) are not read"]
    assert load.coverage.summary() == "0 of 4 equalities checked, 0 definitions, 4 unread"


def test_a_symbol_that_is_also_a_function_is_an_unread_reason_not_a_silent_choice(tmp_path):
    text = "+++\nsymbols = { x = \"real\", sigma = \"positive\" }\n+++\n$$\\sigma(x) = \\sigma x$$\n"
    load = load_document(write(tmp_path, "ambiguous.md", text))
    assert load.identities == ()
    (note,) = load.coverage.notes
    assert "ambiguous" in note.reason and "[notation]" in note.reason


def test_a_known_erratum_keeps_ci_green_while_it_stands_and_fails_when_it_disappears(tmp_path):
    erratum = "[[errata]]\nwritten = '-\\sigma(z)'\nmessage = \"sigma(z) - 1 = -sigma(-z)\"\n"
    glossary = write(tmp_path, "g.toml", (EXAMPLES / "derivation-glossary.toml").read_text() + erratum)
    load = load_document(EXAMPLES / "derivation.tex", str(glossary))
    results = checked(load)
    assert results["16"].expect == "fails" and results["16"].ok
    assert all(r.ok for r in results.values())
    fixed = write(tmp_path, "fixed.md", (EXAMPLES / "derivation.md").read_text().replace(
        "$$= -\\sigma(z)$$", "$$= \\sigma(z) - 1$$"))
    load = load_document(fixed, str(glossary))
    assert any("matches no equality" in e for e in map(str, load.errors))


def test_reader_problems_are_located_errors_not_tracebacks(tmp_path):
    assert tuple(map(str, load_document(tmp_path / "missing.md").errors)) == (f"{tmp_path / 'missing.md'}: no such file",)
    bad = write(tmp_path, "bad.md", "+++\nsymbols = { x = 3 }\nfoo = 1\n+++\n$$\\frac{ = x$$\n")
    load = load_document(bad)
    assert any("unknown glossary key 'foo'" in e for e in map(str, load.errors))
    assert any("assumptions of 'x'" in e for e in map(str, load.errors))
    assert load.coverage.unread == 1


def test_a_greek_symbol_may_be_declared_and_subscripts_name_symbols(tmp_path):
    text = ("+++\nsymbols = { lambda = \"real\", w_1 = \"real\", z_i = \"real\" }\n+++\n"
            "$$\\lambda (w_1 + z_{i}) = \\lambda w_1 + \\lambda z_i$$\n")
    load = load_document(write(tmp_path, "greek.md", text))
    assert load.errors == ()
    assert checked(load)["4"].verdict is Verdict.PROVED


def test_cli_reports_locations_in_json_junit_and_markdown(tmp_path):
    report, junit, markdown = tmp_path / "r.json", tmp_path / "r.xml", tmp_path / "r.md"
    code = main(["--no-color", "verify", str(EXAMPLES / "derivation.md"), "--no-cache", "--jobs", "1",
                 "--json", str(report), "--junit", str(junit), "--markdown", str(markdown)])
    assert code == 1
    data = json.loads(report.read_text())
    wrong = [i for i in data["identities"] if i["verdict"] == "refuted"]
    assert [i["location"] for i in wrong] == [f"{EXAMPLES / 'derivation.md'}:21"]
    (document,) = data["documents"]
    assert document["summary"] == "6 of 8 equalities checked, 1 definition, 1 unread; 1 other relation not checked"
    assert 'line="21"' in junit.read_text()
    assert "derivation.md:21" in markdown.read_text()


def test_github_annotations_mark_the_wrong_line(tmp_path, capsys):
    load = load_document(EXAMPLES / "derivation.md")
    run = verify_all(load.identities, RunSettings())
    (line,) = annotations(run)
    assert line.startswith(f"::error file={EXAMPLES / 'derivation.md'},line=21,title=qedcheck%3A refuted::")
    assert "\n" not in line and "counterexample" in line
    wrong = next(r for r in run.results if not r.ok)
    assert annotation(wrong) == line
    main(["--no-color", "verify", str(EXAMPLES / "derivation.md"), "--jobs", "1", "--no-cache", "-q",
          "--annotations", "github"])
    assert "::error file=" in capsys.readouterr().out


def test_annotation_escapes_follow_the_workflow_command_format():
    from qedcheck.report.annotations import _message, _property

    assert _message("50%\nnext\r") == "50%25%0Anext%0D"
    assert _property("a:b,c") == "a%3Ab%2Cc"


@pytest.mark.skipif(not HOMEWORK.exists(), reason=f"the homework is not beside the clone ({HOMEWORK})")
def test_the_homework_as_written():
    load = load_document(HOMEWORK, str(HOMEWORK_GLOSSARY))
    assert load.errors == ()
    results = checked(load)
    refuted = {line: r for line, r in results.items() if r.verdict is Verdict.REFUTED}
    # Q1(e): ln((1+e^x)/(1+1/e^x)) = ln(e^x) = x, but the homework writes ln(e^x(1+e^{-x})/(1+e^x)) = ln 1 = 0
    assert "97" in refuted and "\\ln" in refuted["97"].statement
    # each listed with why in docs/documents.md; 25 and 31: ReLU has no derivative at 0, where they say 1
    assert set(refuted) == {"25", "31", "97", "99", "228", "236"}
    for line in ("25", "31"):  # relu'(0) is no value, never Heaviside's 0.5 (issue 11)
        assert refuted[line].counterexample.lhs == "undefined", refuted[line].message
        assert "no derivative at x = 0" in refuted[line].message
    # line 21, d/dx max(0, x) = d/dx of the cases: proved (as every link not refuted), 0 outside the domain
    assert 'where = "x != 0"' in results["21"].message and "hw3_solutions_line_21_2" == results["21"].name
    assert all(r.ok for r in results.values())  # the six are recorded errata of the glossary
    assert all(r.verdict is Verdict.PROVED for line, r in results.items() if line not in refuted)
    coverage = load.coverage  # docs/documents.md gives these figures
    assert coverage.equalities == 174 and coverage.checked >= 62
    assert coverage.equalities == coverage.checked + coverage.definitions + coverage.unread
    q1 = [r for r in load.identities if int(r.location.rsplit(":", 1)[1]) <= 215]  # Q1: lines 13-215
    q1_unread = [n for n in coverage.notes if n.status == "unread" and int(n.location.rsplit(":", 1)[1]) <= 215]
    assert len(q1) + len(q1_unread) == 89 and len(q1) >= 59  # 66 %


def test_a_warm_run_of_documents_is_answered_from_the_cache_without_reading_them(tmp_path, monkeypatch):
    import qedcheck.readers.document as reader
    from qedcheck.checks.run.schedule import RunOptions, plan_targets, run_plan

    document = write(tmp_path, "d.md", (EXAMPLES / "derivation.md").read_text())
    options = RunOptions(cache_dir=tmp_path / "cache")
    cold = run_plan(plan_targets([str(document)], options), options)
    monkeypatch.setattr(reader, "load_document", None)  # reading it again would fail loudly
    plan = plan_targets([str(document)], options)
    assert plan.cached is not None
    warm = run_plan(plan, options)
    assert [(r.location, r.verdict) for r in warm.results] == [(r.location, r.verdict) for r in cold.results]
    assert warm.documents == cold.documents and warm.input_errors == cold.input_errors
    monkeypatch.undo()
    document.write_text(document.read_text().replace("= -\\sigma(z)", "= \\sigma(z) - 1"))
    assert plan_targets([str(document)], options).cached is None  # edited: read again


def test_a_condition_stated_in_prose_makes_its_row_unread_not_refuted(tmp_path):
    text = ("+++\nsymbols = { x = \"real\" }\n+++\n"
            "$$\\sqrt{x^2} = x \\text{ for } x \\geq 0$$\n"
            "$$\\sqrt{x^2} = x \\quad \\text{when x is positive}$$\n"
            "$$\\sqrt{x^2} = x \\quad (x \\geq 0)$$\n")
    load = load_document(write(tmp_path, "prose.md", text))
    assert [i.location.rsplit(":", 1)[1] for i in load.identities] == ["6"]
    assert checked(load)["6"].verdict is Verdict.PROVED
    reasons = [n.reason for n in load.coverage.notes]
    assert len(reasons) == 2 and all("stated in prose" in r for r in reasons)


def test_code_is_not_math(tmp_path):
    text = ("+++\nsymbols = { x = \"real\" }\n+++\n"
            "Write `$$x = 2x$$` in a paragraph, or\n\n```\n$$x = 3x$$\n```\n\n    $$x = 4x$$\n\n"
            "but $$x + x = 2x$$ is math.\n")
    load = load_document(write(tmp_path, "code.md", text))
    assert [i.statement for i in load.identities] == ["x + x = 2x"]
    assert load.coverage.summary() == "1 of 1 equalities checked, 0 definitions, 0 unread"


def test_a_document_may_define_a_name_again_but_a_glossary_function_is_a_claim(tmp_path):
    text = ("+++\nsymbols = { x = \"real\" }\n[functions.g]\nargs = [\"t\"]\nbody = \"t**2\"\n+++\n"
            "$$f(x) = x^2$$\n\n$$f(3) = 9$$\n\n"       # lines 7, 9
            "$$f(x) = x^3$$\n\n$$f(2) = 8$$\n\n"       # lines 11, 13: a new exercise reuses f
            "$$g(x) = x^3$$\n")                        # line 15: g is the glossary's: a claim, refuted
    load = load_document(write(tmp_path, "redefine.md", text))
    notes = [(n.location.rsplit(":", 1)[1], n.reason) for n in load.coverage.notes]
    assert notes == [("7", "defines f(x) for the rest of the document"),
                     ("11", "redefines f(x) for the rest of the document")]
    verdicts = {line: r.verdict for line, r in checked(load).items()}
    assert verdicts == {"9": Verdict.PROVED, "13": Verdict.PROVED, "15": Verdict.REFUTED}


def test_an_equality_inside_a_group_is_counted_unread_not_lost(tmp_path):
    text = "+++\nsymbols = { x = \"real\" }\n+++\n$$\\underbrace{x + x = 2x}_{\\text{doubling}}$$\n"
    load = load_document(write(tmp_path, "group.md", text))
    assert load.coverage.summary() == "0 of 1 equalities checked, 0 definitions, 1 unread"
    assert "inside a group" in load.coverage.notes[0].reason


def test_a_wrong_step_of_an_identity_file_is_located_and_annotated(tmp_path):
    from qedcheck.readers.identity_file import load_identity_file

    path = write(tmp_path, "steps.toml", "[[identity]]\nname = \"square\"\nsymbols = { x = \"real\" }\n"
                                         "lhs = \"(x + 1)**2\"\nsteps = [\n    \"x**2 + 2*x + 1\",\n"
                                         "    \"x**2 + 3*x + 1\",\n]\nrhs = \"x**2 + 2*x + 1\"\n")
    run = verify_all(load_identity_file(path).identities, RunSettings())
    (result,) = run.results
    assert [link.location.rsplit(":", 1)[1] for link in result.links] == ["6", "7", "9"]
    lines = annotations(run)
    assert [line.split("::")[1].split(",")[1] for line in lines] == ["line=7", "line=9"]


def test_vectors_in_index_notation_are_read_as_entries(tmp_path):
    text = ("+++\nsymbols = { c = \"real\" }\nvectors = { x = \"n\" }\n[notation]\nS = \"softmax\"\n+++\n"
            "$$S(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}$$\n"                                   # 7
            "$$S(x+c)_i = \\frac{e^{x_i} e^c}{\\sum_{j=1}^{n} e^{x_j + c}}$$\n"                 # 8
            "$$\\frac{\\partial S(x)_i}{\\partial x_j} = S(x)_i \\delta_{ij} - S(x)_i S(x)_j$$\n"  # 9
            "$$\\frac{\\partial \\|x\\|_2^2}{\\partial x_i} = 2x_i$$\n"                          # 10
            "$$\\frac{\\partial S(x)_i}{\\partial x_i} = S(x)_i$$\n"                             # 11: wrong
            "$$\\frac{1}{\\sum_j e^{x_j}} \\frac{\\partial e^{x_i}}{\\partial x_j} = 0$$\n"         # 12: j twice
            "$$x_1 = x_i$$\n")                                                                  # 13
    load = load_document(write(tmp_path, "vectors.md", text))
    assert load.errors == ()
    verdicts = {line: r.verdict for line, r in checked(load).items()}
    assert verdicts == {"7": Verdict.PROVED, "8": Verdict.PROVED, "9": Verdict.PROVED, "10": Verdict.PROVED,
                        "11": Verdict.REFUTED}
    reasons = {n.location.rsplit(":", 1)[1]: n.reason for n in load.coverage.notes}
    assert "both summed over and free" in reasons["12"] and "numbered entries (x_1) are not read" in reasons["13"]


def test_an_index_case_stated_in_prose_makes_links_that_depend_on_it_unread(tmp_path):
    text = ("+++\nvectors = { x = \"n\" }\n[notation]\nS = \"softmax\"\n+++\n"
            "Case 2: $i \\neq j$\n\n"
            "$$\\frac{\\partial S(x)_i}{\\partial x_j} = - S(x)_i S(x)_j$$\n\n"   # true only when i != j
            "$$\\frac{\\partial S(x)_i}{\\partial x_i} = S(x)_i - S(x)_i^2$$\n")  # one index: checked
    load = load_document(write(tmp_path, "case.md", text))
    assert [i.location.rsplit(":", 1)[1] for i in load.identities] == ["10"]
    (note,) = load.coverage.notes
    assert note.location.endswith(":8") and "case `i \\neq j`" in note.reason


@pytest.mark.parametrize("make, kind", [
    (lambda path: path.symlink_to("/dev/zero"), "a device"),
    (lambda path: __import__("os").mkfifo(path), "a FIFO"),
    (lambda path: path.mkdir(), "a directory"),
])
def test_only_a_regular_document_or_glossary_is_read(tmp_path, make, kind):
    """Issue 11: a document linked to /dev/zero filled the memory; a FIFO blocked the run."""
    path = tmp_path / "notes.md"
    make(path)
    load = load_document(path)
    assert load.identities == () and str(load.errors[0]).startswith(f"{path}: not a regular file ({kind}")
    glossary = tmp_path / "glossary.toml"
    make(glossary)
    (tmp_path / "plain.md").write_text("$$x = x$$\n")
    load = load_document(tmp_path / "plain.md", str(glossary))
    assert any(error.startswith(f"{glossary}: cannot read the glossary: not a regular file ({kind}")
               for error in map(str, load.errors))


def test_reading_a_document_is_bounded_in_time(tmp_path, monkeypatch):
    from qedcheck.readers import document

    def endless(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(document, "READ_FILE_SECONDS", 0.2)
    monkeypatch.setattr(document, "parse_latex_expression", endless)
    (tmp_path / "slow.md").write_text("$$x + 1 = 1 + x$$\n\n$$2x = x + x$$\n")
    load = load_document(tmp_path / "slow.md")
    assert any("reading stopped after 0.2 s" in error for error in map(str, load.errors))


def test_the_replay_of_a_wrong_link_names_the_glossary_and_show_reads_it(capsys):
    from qedcheck.report.describe import replay_command

    document, glossary = EXAMPLES / "derivation.tex", str(EXAMPLES / "derivation-glossary.toml")
    load = load_document(document, glossary)
    wrong = next(r for r in verify_all(load.identities, RunSettings()).results if not r.ok)
    command = replay_command(wrong, 0)
    assert command == f"qedcheck show {document} derivation_line_16 --glossary {glossary} --seed 0"
    assert main(["--no-color", "show", str(document), "derivation_line_16", "--glossary", glossary]) == 1
    out = capsys.readouterr().out
    assert "derivation.tex:16" in out and "refuted" in out


def test_a_function_by_cases_is_read_and_a_wrong_case_is_refuted_at_its_line(tmp_path):
    path = write(tmp_path, "cases.md", "+++\nsymbols = { x = \"real\" }\n[notation]\ng = \"relu\"\n+++\n"
                 "$$\\max(0, x) = \\begin{cases} 0, & x < 0 \\\\ x, & x \\geq 0 \\end{cases}$$\n\n"
                 "$$|x| = \\begin{cases} -x, & x < 0 \\\\ x, & x \\geq 0 \\end{cases}$$\n\n"
                 "$$(\\text{ReLU}) g(x) = \\begin{cases} 0, & x < 0 \\\\ -x, & x \\geq 0 \\end{cases}$$\n\n"
                 "$$\\operatorname{sign}(x) = \\begin{cases} 1, & x > 0 \\\\ -1, & x < 0 \\end{cases}$$\n")
    load = load_document(path)
    assert load.errors == ()
    results = checked(load)
    assert {line: r.verdict for line, r in results.items()} == {"6": Verdict.PROVED, "8": Verdict.PROVED,
                                                                 "10": Verdict.REFUTED}
    (unread,) = [n for n in load.coverage.notes if n.status == "unread"]
    assert unread.location.endswith(":12") and "leave values uncovered" in unread.reason


def test_a_vector_written_out_with_an_ellipsis_is_compared_entry_by_entry(tmp_path):
    text = ("+++\nvectors = { x = \"n\" }\n[notation]\n'\\sigma' = \"sigmoid\"\nS = \"softmax\"\n+++\n"
            "$$\\frac{\\partial \\|x\\|_2^2}{\\partial x} = \\begin{bmatrix} 2x_1 \\\\ 2x_2 \\\\ \\vdots \\\\ 2x_n "
            "\\end{bmatrix} = \\mathbf{2x}$$\n\n"                                                          # line 7
            "$$\\sigma(x) = \\begin{pmatrix} \\sigma(x_1) \\\\ \\vdots \\\\ \\sigma(x_n) \\end{pmatrix}$$\n\n"  # 9
            "$$\\frac{\\partial \\|x\\|_2^2}{\\partial x} = \\begin{bmatrix} x_1 \\\\ x_2 \\\\ \\vdots \\\\ x_n "
            "\\end{bmatrix}$$\n\n"                                                       # 11: wrong (2x, not x)
            "$$\\frac{\\partial S(x)_i}{\\partial x_j} = S(x)_i \\cdot 1_{i=j} - S(x)_i S(x)_j$$\n\n"        # 13
            "$$\\begin{bmatrix} x_1 \\\\ \\vdots \\\\ 0 \\end{bmatrix} = x$$\n\n"                          # 15
            "$$\\begin{bmatrix} x_1 \\\\ x_3 \\\\ \\vdots \\\\ x_n \\end{bmatrix} = x$$\n\n"                # 17
            "$$x = \\begin{bmatrix} x_1 & x_2 \\\\ \\vdots & \\vdots \\end{bmatrix}$$\n\n"                 # 19
            "$$\\begin{bmatrix} 2x_1 \\\\ \\vdots \\\\ 2x_n \\end{bmatrix} = \\|x\\|$$\n\n"                 # 21
            "$$x \\cdot x = \\begin{bmatrix} x_1 x_1 \\\\ \\vdots \\\\ x_n x_n \\end{bmatrix}$$\n")          # 23
    load = load_document(write(tmp_path, "written.md", text))
    assert load.errors == ()
    verdicts = {}
    for r in verify_all(load.identities, RunSettings()).results:
        verdicts.setdefault(r.location.rsplit(":", 1)[1], []).append(r.verdict)
    assert verdicts == {"7": [Verdict.PROVED, Verdict.PROVED], "9": [Verdict.PROVED], "11": [Verdict.REFUTED],
                        "13": [Verdict.PROVED]}
    reasons = {n.location.rsplit(":", 1)[1]: n.reason for n in load.coverage.notes if n.status == "unread"}
    assert "not one term in the entry index" in reasons["15"]  # the last entry is 0, not x_n
    assert "not one term in the entry index" in reasons["17"]  # x_3 second: which term?
    assert "matrix written out entry by entry" in reasons["19"]
    assert "a vector of size n on the left and a scalar on the right" in reasons["21"]
    assert "two vectors side by side" in reasons["23"]  # x · x: an inner or an elementwise product?


@pytest.mark.parametrize("layout, proved, refuted", [
    ("numerator", "6", "8"),  # ∂(Ax)/∂x has entry (i, j) ∂(Ax)_i/∂x_j = A_ij
    ("denominator", "8", "6"),  # entry (i, j) ∂(Ax)_j/∂x_i = A_ji
])
def test_the_jacobian_of_a_vector_is_laid_out_as_the_glossary_says(tmp_path, layout, proved, refuted):
    text = (f"+++\nvectors = {{ x = \"n\" }}\nmatrices = {{ A = \"n x n\" }}\nlayout = \"{layout}\"\n+++\n"
            "$$\\frac{\\partial A x}{\\partial x} = A$$\n\n"
            "$$\\frac{\\partial A x}{\\partial x} = A^T$$\n")
    load = load_document(write(tmp_path, "layout.md", text))
    assert load.errors == ()
    verdicts = {line: r.verdict for line, r in checked(load).items()}
    assert verdicts == {proved: Verdict.PROVED, refuted: Verdict.REFUTED}
    unlaid = load_document(write(tmp_path, "unlaid.md", text.replace(f"layout = \"{layout}\"\n", "")))
    assert unlaid.identities == ()
    assert all("say in the glossary how the document lays it out" in n.reason for n in unlaid.coverage.notes)


def test_matrices_of_vectors_written_side_by_side_are_products_and_a_wrong_one_is_refuted(tmp_path):
    text = ("+++\nvectors = { x = \"n\", v = \"n\" }\nlayout = \"numerator\"\n[notation]\nS = \"softmax\"\n"
            "'\\nabla_y L' = \"v\"\n+++\n"
            "$$\\frac{\\partial S(x)}{\\partial x} = \\text{diag}(S(x)) - \\begin{bmatrix} S(x)_1 \\\\ \\vdots \\\\ "
            "S(x)_n \\end{bmatrix} \\begin{bmatrix} S(x)_1 & \\dots & S(x)_n \\end{bmatrix}$$\n\n"          # line 8
            "$$\\frac{\\partial S(x)}{\\partial x} = \\text{diag}(S(x)) + S(x)S(x)^T$$\n\n"               # 10: wrong
            "$$\\left(\\text{diag}(S(x)) - S(x)S(x)^T\\right) \\nabla_y L = \\text{diag}(S(x)) \\nabla_y L "
            "- S(x)(S(x)^T \\nabla_y L)$$\n\n"                                                             # 12
            "$$\\text{diag}(S(x)) - \\begin{bmatrix} S(x)_1 & \\dots & S(x)_n \\end{bmatrix}\\begin{bmatrix} "
            "S(x)_1 \\\\ \\vdots \\\\ S(x)_n \\end{bmatrix} = \\frac{\\partial S(x)}{\\partial x}$$\n\n"      # 14
            "$$S(x) S(x) = \\text{diag}(S(x)) S(x)$$\n\n"                                                  # 16
            "$$\\nabla_y L \\text{diag}(S(x)) = S(x)$$\n")                                                 # 18
    load = load_document(write(tmp_path, "products.md", text))
    assert load.errors == ()
    verdicts = {line: r.verdict for line, r in checked(load).items()}
    assert verdicts == {"8": Verdict.PROVED, "10": Verdict.REFUTED, "12": Verdict.PROVED}
    reasons = {n.location.rsplit(":", 1)[1]: n.reason for n in load.coverage.notes if n.status == "unread"}
    assert "plus a number" in reasons["14"]  # a row times a column is a number: diag(S) minus a number?
    assert "two vectors side by side" in reasons["16"]
    assert "the shapes do not match" in reasons["18"]  # a column times a matrix


def test_a_symbol_may_also_be_a_size_and_the_glossary_checks_layout_and_phrases(tmp_path):
    text = ("+++\nsymbols = { x = \"real\", n = \"integer\" }\nvectors = { x = \"n\" }\n+++\n"
            "$$\\frac{d}{dx} x^n = n x^{n-1}$$\n\n"                         # line 5: n the exponent, x the scalar
            "$$\\sum_{j=1}^{n} x_j^2 = \\|x\\|^2$$\n")                       # line 7: n the size, x the vector
    load = load_document(write(tmp_path, "sizes.md", text))
    assert load.errors == ()
    assert {line: r.verdict for line, r in checked(load).items()} == {"5": Verdict.PROVED, "7": Verdict.PROVED}
    bad = write(tmp_path, "bad.md", "+++\nvectors = { x = \"n\" }\nlayout = \"rows\"\n[notation]\n"
                                    "'\\nabla_y L' = \"nothing\"\n+++\n$$x_i = x_i$$\n")
    messages = [str(e) for e in load_document(bad).errors]
    assert any("'layout' must be \"numerator\"" in m for m in messages)
    assert any("a short phrase such as '\\nabla_y L' naming a declared vector" in m for m in messages)


def test_an_entry_on_or_off_the_diagonal_is_checked_there_only(tmp_path):
    text = ("+++\nvectors = { x = \"n\" }\nlayout = \"numerator\"\n[notation]\nS = \"softmax\"\n+++\n"
            "$$\\left(\\frac{\\partial S(x)}{\\partial x}\\right)_{i=j} = S(x)_i - S(x)_i S(x)_j$$\n\n"       # 7
            "$$\\left(\\frac{\\partial S(x)}{\\partial x}\\right)_{i \\neq j} = -S(x)_i S(x)_j$$\n\n"         # 9
            "$$\\left(\\frac{\\partial S(x)}{\\partial x}\\right)_{ij} = S(x)_i - S(x)_i S(x)_j$$\n\n"        # 11: wrong
            "$$\\left(\\frac{\\partial S(x)}{\\partial x}\\right)_{i \\neq j} = S(x)_i - S(x)_i S(x)_j$$\n\n"  # 13: wrong
            "$$\\left(\\frac{\\partial S(x)}{\\partial x}\\right)_{i=j} = -S(x)_i S(x)_j$$\n\n"               # 15: wrong
            "$$\\left(\\frac{\\partial S(x)}{\\partial x}\\right)_{i<j} = 0$$\n")                            # 17
    load = load_document(write(tmp_path, "diagonal.md", text))
    assert load.errors == ()
    verdicts = {line: r.verdict for line, r in checked(load).items()}
    assert verdicts == {"7": Verdict.PROVED, "9": Verdict.PROVED, "11": Verdict.REFUTED, "13": Verdict.REFUTED,
                        "15": Verdict.REFUTED}
    (unread,) = [n for n in load.coverage.notes if n.status == "unread"]
    assert unread.location.endswith(":17") and "cannot read the subscript" in unread.reason


def test_a_vector_or_matrix_written_out_in_full_is_read_entry_by_entry(tmp_path):
    text = ("+++\nsymbols = { a = \"real\", b = \"real\", c = \"real\", d = \"real\", t = \"real\" }\n+++\n"
            "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}^T = \\begin{pmatrix} a & c \\\\ b & d \\end{pmatrix}$$\n\n"
            "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} \\begin{pmatrix} 1 \\\\ 0 \\end{pmatrix} = "
            "\\begin{pmatrix} a \\\\ c \\end{pmatrix}$$\n\n"                                                 # 6
            "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} \\begin{pmatrix} 1 \\\\ 0 \\end{pmatrix} = "
            "\\begin{pmatrix} a \\\\ b \\end{pmatrix}$$\n\n"                                                 # 8: wrong
            "$$2 \\begin{bmatrix} \\sin t \\\\ \\cos t \\end{bmatrix} = \\begin{bmatrix} 2\\sin t \\\\ 2 \\cos t "
            "\\end{bmatrix}$$\n\n"                                                                          # 10
            "$$\\begin{pmatrix} a & b \\\\ c \\end{pmatrix} = a$$\n\n"                                       # 12
            "$$\\begin{pmatrix} a & b \\end{pmatrix} = \\begin{pmatrix} a \\\\ b \\\\ c \\end{pmatrix}$$\n")  # 14
    load = load_document(write(tmp_path, "full.md", text))
    assert load.errors == ()
    verdicts = {line: r.verdict for line, r in checked(load).items()}
    assert verdicts == {"4": Verdict.PROVED, "6": Verdict.PROVED, "8": Verdict.REFUTED, "10": Verdict.PROVED}
    reasons = {n.location.rsplit(":", 1)[1]: n.reason for n in load.coverage.notes if n.status == "unread"}
    assert "rows have different numbers of entries" in reasons["12"]
    assert "on the left and a vector of size 3 on the right" in reasons["14"]


def test_a_prose_label_in_parentheses_is_layout_only_where_nothing_takes_it_as_an_argument(tmp_path):
    text = ("+++\nsymbols = { x = \"real\" }\n[notation]\ng = \"relu\"\n+++\n"
            "$$\\frac{d}{dx}(\\text{ReLU})g(x) = \\frac{d}{dx} \\max(0, x)$$\n\n"
            "$$\\sigma(\\text{input}) x = \\sigma(x)$$\n")  # σ of prose, not σ(x): unread
    load = load_document(write(tmp_path, "label.md", text))
    assert {line: r.verdict for line, r in checked(load).items()} == {"6": Verdict.PROVED}
    (unread,) = [n for n in load.coverage.notes if n.status == "unread"]
    assert unread.location.endswith(":8")


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=8, max_size=8), st.integers(0, 3), st.integers(1, 2), st.booleans())
def test_written_out_matrix_products_are_never_misjudged(tmp_path_factory, values, entry, shift, transpose):
    """A product of two 2×2 matrices written out in full, against SymPy's own product: the true one is
    proved, one with an entry off by `shift` refuted."""
    a, b = sp.Matrix(2, 2, values[:4]), sp.Matrix(2, 2, values[4:])
    product = (a.T if transpose else a) * b
    wrong = product.copy()
    wrong[entry // 2, entry % 2] += shift

    def written(m):
        return "\\begin{pmatrix} " + " \\\\ ".join(" & ".join(str(v) for v in m.row(r)) for r in range(2)) + \
            " \\end{pmatrix}"

    left = written(a) + ("^T " if transpose else " ") + written(b)
    text = f"$${left} = {written(product)}$$\n\n$${left} = {written(wrong)}$$\n"
    load = load_document(write(tmp_path_factory.mktemp("m"), "products.md", text))
    assert {line: r.verdict for line, r in checked(load).items()} == {"1": Verdict.PROVED, "3": Verdict.REFUTED}


@settings(max_examples=5, deadline=None)
@given(st.integers(-4, 4), st.integers(-4, 4), st.integers(1, 3))
def test_vectors_written_out_with_an_ellipsis_are_never_misjudged(tmp_path_factory, p, q, shift):
    """p x + q σ(x) against its entries written out with ⋮: proved; with one coefficient off, refuted."""
    entry = "{p} x_{k} + {q} \\sigma(x_{k})"
    column = " \\\\ ".join([entry.format(p=p, q=q, k=1), entry.format(p=p, q=q, k=2), "\\vdots",
                            entry.format(p=p, q=q, k="n")])
    wrong = column.replace(f"{q} \\sigma", f"{q + shift} \\sigma")
    text = ("+++\nvectors = { x = \"n\" }\n[notation]\n'\\sigma' = \"sigmoid\"\n+++\n"
            f"$${p} x + {q} \\sigma(x) = \\begin{{bmatrix}} {column} \\end{{bmatrix}}$$\n\n"
            f"$${p} x + {q} \\sigma(x) = \\begin{{bmatrix}} {wrong} \\end{{bmatrix}}$$\n")
    load = load_document(write(tmp_path_factory.mktemp("v"), "vectors.md", text))
    assert {line: r.verdict for line, r in checked(load).items()} == {"6": Verdict.PROVED, "8": Verdict.REFUTED}


def test_a_derivative_of_a_function_by_cases_is_not_refuted_where_no_side_has_one(tmp_path):
    """d/dx max(0, x) against d/dx of the same function by cases: at 0 neither side has a derivative
    (SymPy's formulas give Heaviside(0) = 1/2 and the cases' 1 there, conventions, not derivatives), so 0
    is outside the claim's domain: proved, and the `where` that states the domain is suggested. The
    derivative written by cases with 1 at 0 (ReLU's subgradient convention) is refuted at 0."""
    path = write(tmp_path, "kink.md", "+++\nsymbols = { x = \"real\" }\n+++\n"
                 "$$\\frac{d}{dx} \\max(0, x) = \\frac{d}{dx} \\begin{cases} 0, & x < 0 \\\\ x, & x \\geq 0 "
                 "\\end{cases}$$\n\n"
                 "$$\\frac{d}{dx} \\max(0, x) = \\frac{d}{dx} \\begin{cases} 0, & x < 0 \\\\ x, & x \\geq 0 "
                 "\\end{cases}, \\quad x \\neq 0$$\n\n"
                 "$$\\frac{d}{dx} \\max(0, x) = \\begin{cases} 0, & x < 0 \\\\ 1, & x \\geq 0 \\end{cases}$$\n")
    results = checked(load_document(path))
    assert results["4"].verdict is Verdict.PROVED, results["4"].message
    assert 'where = "x != 0"' in results["4"].message
    assert results["6"].verdict is Verdict.PROVED, results["6"].message
    assert results["8"].verdict is Verdict.REFUTED and "no derivative at x = 0" in results["8"].message


def test_written_out_matrices_in_a_latex_document_are_located_at_their_line(tmp_path):
    glossary = write(tmp_path, "g.toml", "symbols = { a = \"real\", b = \"real\" }\n")
    text = ("\\documentclass{article}\n\\begin{document}\n"
            "\\begin{equation}\n"
            "  \\begin{pmatrix} a & b \\end{pmatrix} \\begin{pmatrix} a \\\\ b \\end{pmatrix} = a^2 + b^2\n"   # 4
            "\\end{equation}\n"
            "\\begin{align}\n"
            "  \\begin{pmatrix} a \\\\ b \\end{pmatrix} \\begin{pmatrix} a & b \\end{pmatrix}\n"
            "  &= \\begin{pmatrix} a^2 & ab \\\\ ab & b^2 \\end{pmatrix} \\\\\n"                               # 8
            "  &= \\begin{pmatrix} a^2 & ab \\\\ ab & a^2 \\end{pmatrix}\n"                                     # 9: wrong
            "\\end{align}\n\\end{document}\n")
    load = load_document(write(tmp_path, "m.tex", text), str(glossary))
    assert load.errors == ()
    assert {line: r.verdict for line, r in checked(load).items()} == {"4": Verdict.PROVED, "8": Verdict.PROVED,
                                                                       "9": Verdict.REFUTED}


_PIECES = ["\\begin{bmatrix}", "\\end{bmatrix}", "\\begin{cases}", "\\end{cases}", "\\begin{pmatrix}",
           "\\end{pmatrix}", "\\\\", "&", "\\vdots", "\\dots", "x_1", "x_2", "x_n", "x_i", "x", "S(x)", "^T", "=",
           "+", "-", "\\frac{\\partial", "}{\\partial x}", "{", "}", "(", ")", "_{i=j}", "_{i \\neq j}", "0",
           "1_{i=j}", "\\text{diag}", "\\sigma(x_1)", ",", "x < 0", "\\geq", "\\mathbf{", "2"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
def test_no_arrangement_of_the_new_constructs_escapes_the_reader(tmp_path_factory, pieces):
    """Matrices, cases, ellipses and entries in any order: every '=' is accounted for, nothing raises."""
    text = ("+++\nsymbols = { c = \"real\" }\nvectors = { x = \"n\" }\nlayout = \"numerator\"\n[notation]\n"
            "S = \"softmax\"\n'\\sigma' = \"sigmoid\"\n+++\n$$" + " ".join(pieces) + "$$\n")
    load = load_document(write(tmp_path_factory.mktemp("f"), "fuzz.md", text))
    coverage = load.coverage
    assert coverage.equalities == coverage.checked + coverage.definitions + coverage.unread
