"""The Markdown report: rendered with markdown-it (GFM tables) and checked structurally."""

import dataclasses
import io

from markdown_it import MarkdownIt
from qedcheck.report.markdown import markdown_report, math, write_markdown
from qedcheck.results import RunResult


def tables(text: str) -> list[list[list[str]]]:
    """Every rendered table as rows of cell texts (header first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    found, rows, row = [], None, None
    for token in tokens:
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close":
            rows.append(row)
            row = None
        elif token.type == "table_close":
            found.append(rows)
    return found


def headings(text: str) -> list[str]:
    return [line[3:] for line in text.splitlines() if line.startswith("## ")]


def test_a_table_per_source_with_every_identity(catalogue_run):
    text = markdown_report(catalogue_run)
    sources = list(dict.fromkeys(r.source for r in catalogue_run.results))
    assert headings(text) == [*sources, "Errata in the written derivations", "Summary"]
    rendered = tables(text)
    assert len(rendered) == len(sources)
    names = [row[0] for table in rendered for row in table[1:]]
    assert names == [f"`{r.name}`" for r in catalogue_run.results]
    assert all(len(row) == 7 for table in rendered for row in table)


def test_statements_are_github_math_that_survives_the_table(catalogue_run):
    text = markdown_report(catalogue_run)
    rows = {row[0]: row for table in tables(text) for row in table[1:]}
    norm = rows["`grad_sq_norm_eq_two_mul`"][1]
    assert norm == r"$\nabla_x \Vert x\Vert _2^2 = 2x$"
    for row in rows.values():
        assert row[1].startswith("$") and row[1].endswith("$") and row[1].count("$") == 2


def test_errata_and_summary(catalogue_run):
    text = markdown_report(catalogue_run)
    errata = text.split("## Errata in the written derivations")[1].split("## Summary")[0]
    assert errata.count("\n- **") == sum(len(r.errata) for r in catalogue_run.results)
    assert "`softplus_sub_softplus_neg`, link 3: found" in errata
    assert "corrected: step 4: $" in errata
    total = len(catalogue_run.results)
    assert text.splitlines()[2].startswith(f"✅ **{total}/{total} identities as expected")


def test_a_failing_identity_is_marked_with_its_counterexample(failing_run):
    text = markdown_report(failing_run)
    assert text.splitlines()[2].startswith("❌ **0/1 identities as expected")
    failures = text.split("## Failures")[1].split("## Q1(b)")[0]
    assert "❌ `sigmoid_deriv_eq_sq` (Q1(b)): expected holds, got **refuted**" in failures
    assert "counterexample: `at x = " in failures
    assert "## Input errors" in text and "unknown identity 'nope'" in text
    ((_header, row),) = tables(text)
    assert row[3] == "❌ refuted"


def test_same_seed_same_markdown_whatever_the_times(catalogue_run):
    shifted = RunResult(tuple(dataclasses.replace(r, time_s=r.time_s * 3 + 1) for r in catalogue_run.results),
                        catalogue_run.seed, catalogue_run.versions)
    assert markdown_report(shifted) == markdown_report(catalogue_run)


def test_write_appends_like_a_step_summary(tmp_path, failing_run):
    path = tmp_path / "summary.md"
    path.write_text("# earlier step\n")
    write_markdown(failing_run, path)
    assert path.read_text().startswith("# earlier step\n\n# qedcheck verify")


def test_math_escapes_bars_dollars_and_newlines():
    assert math(r"|h| + \|x\| = \$1 + $2" + "\n") == r"$\vert h\vert + \Vert x\Vert = \$1 + \$2$"


def _file_results(tmp_path, text: str):
    from qedcheck.checks.runner import RunSettings, verify_all
    from qedcheck.readers.identity_file import load_identity_file

    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_identity_file(path)
    assert not loaded.errors
    return verify_all(list(loaded.identities), RunSettings(seed=0))


FILE = r"""
[[identity]]
name = "plain"
statement = "d/dx x*sigmoid(x) = sigmoid_x + x σ(1 − σ) for |x| < 2, costs $5"
symbols = { x = "real" }
lhs = "diff(x*sigmoid(x), x)"
rhs = "sigmoid(x) + x*sigmoid(x)*(1 - sigmoid(x))"

[[identity]]
name = "mixed"
statement = 'refuted: $\sigma(-x) = |\sigma(x)|$, as it should be'
symbols = { x = "real" }
lhs = "sigmoid(-x)"
rhs = "sigmoid(x)"
expect = "fails"

[[identity]]
name = "latex_only"
symbols = { x = "real" }
lhs_latex = '\sigma(x)'
rhs_latex = '\frac{1}{2}\left(\tanh\left(\frac{x}{2}\right)+1\right)'
"""


def test_a_file_statement_is_text_with_its_own_math_and_a_latex_identity_states_itself(tmp_path):
    run = _file_results(tmp_path, FILE)
    rows = {row[0]: row for table in tables(markdown_report(run)) for row in table[1:]}
    plain = rows["`plain`"][1]
    assert not plain.startswith("$")
    # Markup is escaped (no italics from * or _, no cell split by |), the lone $ is a dollar sign.
    assert plain == r"d/dx x\*sigmoid(x) = sigmoid\_x + x σ(1 − σ) for |x| \< 2, costs \$5"  # cell text
    rendered = MarkdownIt("commonmark").enable("table").render(markdown_report(run))
    assert "<em>" not in rendered
    assert rows["`mixed`"][1] == r"refuted: $\sigma(-x) = \vert \sigma(x)\vert$, as it should be"
    latex = rows["`latex_only`"][1]
    assert latex == r"$\sigma(x) = \frac{1}{2}\left(\tanh\left(\frac{x}{2}\right)+1\right)$"
    assert run.results[2].statement == latex  # the terminal and the JSON report show it too


def test_a_refuted_row_shows_no_relative_error(tmp_path, failing_run):
    run = _file_results(tmp_path, FILE)
    rows = {row[0]: row for table in tables(markdown_report(run)) for row in table[1:]}
    assert rows["`mixed`"][3] == "✅ refuted (expected)" and rows["`mixed`"][6] == "—"
    assert rows["`plain`"][6] != "—"
    ((_header, row),) = tables(markdown_report(failing_run))
    assert row[3] == "❌ refuted" and row[6] == "—"


def test_the_terminal_table_and_junit_show_no_relative_error_for_a_refuted_claim(failing_run, catalogue_run):
    from qedcheck.report import junit, terminal
    from rich.console import Console

    console = Console(width=200, no_color=True, record=True, file=io.StringIO())
    console.print(terminal.results_table(failing_run))
    (row,) = [line for line in console.export_text().splitlines() if "sigmoid_deriv_eq_sq" in line]
    assert "refuted" in row and "e-" not in row and "e+" not in row and "—" in row
    assert "max rel err" not in junit._summary(failing_run.results[0])
    proved = next(r for r in catalogue_run.results if r.name == "sigmoid_deriv")
    assert "max rel err" in junit._summary(proved)
