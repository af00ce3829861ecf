"""The Markdown report: rendered with markdown-it (GFM tables) and checked structurally."""

import dataclasses

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
