"""The documentation site builds without a broken link, and what its examples say is what qedcheck does.

Convention (docs/internals.md, "Checked examples in these pages"): every ```console block of docs/ is
run, in one temporary directory. `$ qedcheck ARGS  # exit N` is a command (exit code 0 unless
`# exit N`), `$ cat FILE` shows a report an earlier command wrote; the lines after each, up to the next
`$`, must appear in its output, spaces collapsed, `…` standing for any text.
"""

import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sympy as sp
from qedcheck.cli import main
from qedcheck.readers.expression import UserFunction, parse_condition, parse_expression
from qedcheck.report import terminal

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
# The pages of the site, read from mkdocs.yml's nav (`  - Title: page.md`): every page in docs/ must be
# listed there, and the build must produce each one.
NAV_PAGES = tuple(re.findall(r"^\s*-\s*[^:\n]+:\s*(\S+\.md)\s*$",
                             (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.MULTILINE))


@dataclass
class ConsoleCommand:
    page: str
    line: int
    program: str  # "qedcheck", or "cat" to show a file an earlier command of the block wrote
    argv: list[str]
    exit_code: int
    expected: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.program} {shlex.join(self.argv)}"


@dataclass
class ConsoleBlock:
    """One ```console block: its commands run in order, in one temporary directory."""

    page: str
    line: int
    commands: list[ConsoleCommand]

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def fenced_blocks(text: str):
    """(info string, first line number, lines) of every fenced code block of a Markdown page."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        opening = re.match(r"^(```+)\s*(\S*)", lines[i])
        if opening:
            fence, info, start = opening.group(1), opening.group(2), i + 1
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith(fence):
                body.append(lines[i])
                i += 1
            yield info, start + 1, body
        i += 1


def console_blocks(page: Path) -> list[ConsoleBlock]:
    blocks: list[ConsoleBlock] = []
    for info, first, body in fenced_blocks(page.read_text(encoding="utf-8")):
        if info != "console":
            continue
        commands: list[ConsoleCommand] = []
        for offset, line in enumerate(body):
            where = f"{page.name}:{first + offset}"
            if line.startswith("$ "):
                command, _, comment = line[2:].partition("  #")
                words = shlex.split(command)
                assert words and words[0] in ("qedcheck", "cat"), \
                    f"{where}: a console block may only run qedcheck and cat (use ```bash otherwise)"
                exit_match = re.fullmatch(r"\s*exit (\d)\s*", comment) if comment else None
                assert not comment or exit_match, f"{where}: write '  # exit N' or nothing"
                commands.append(ConsoleCommand(page.name, first + offset, words[0], words[1:],
                                               int(exit_match.group(1)) if exit_match else 0))
            elif line.strip():
                assert commands, f"{where}: output before any '$' line"
                commands[-1].expected.append(line.strip())
        blocks.append(ConsoleBlock(page.name, first, commands))
    return blocks


BLOCKS = [block for page in PAGES for block in console_blocks(page)]
COMMANDS = [command for block in BLOCKS for command in block.commands]


def _squash(text: str) -> str:
    return " ".join(text.split())


def appears(expected: str, output: str) -> bool:
    """`expected` occurs in `output` (whitespace collapsed), with `…` matching any text."""
    pattern = ".*?".join(re.escape(part) for part in _squash(expected).split("…"))
    return re.search(pattern, output) is not None


def test_the_site_builds_strictly_with_every_page_in_the_nav(tmp_path):
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert {page.name for page in PAGES} == set(NAV_PAGES)
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in NAV_PAGES:
        assert (tmp_path / "site" / (name[:-3] if name != "index.md" else "")).exists()
        assert name in nav


def test_the_docs_have_checked_examples():
    pages = {command.page for command in COMMANDS}
    assert {"getting-started.md", "catalogue.md", "identity-files.md", "ci.md", "verdicts.md"} <= pages
    assert all(command.expected for command in COMMANDS), "a checked command says what it prints"


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_console_example_prints_what_the_page_says(block, tmp_path, monkeypatch, capsys, request):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    for command in block.commands:
        if command.program == "cat":
            code, output = 0, _squash((tmp_path / command.argv[0]).read_text(encoding="utf-8"))
        elif command.argv == ["verify", "all"]:
            # The session's one catalogue run (conftest.catalogue_run, the same pipeline) answers for
            # it: checking the catalogue a second time would double the suite's slowest part.
            run = request.getfixturevalue("catalogue_run")
            code = 0 if run.failed_count == 0 and not run.input_errors else 1
            output = _squash(terminal.summary_line(run).plain)
        else:
            code = main(["--no-color", *command.argv])
            captured = capsys.readouterr()
            output = _squash(captured.out + "\n" + captured.err)
        said = f"{command}: exit {code}, the page says {command.exit_code}\n{output}"
        assert code == command.exit_code, said
        for line in command.expected:
            assert appears(line, output), f"{command}: the page says {line!r}; it printed:\n{output}"


def test_appears_matches_a_line_with_an_ellipsis_and_collapsed_spaces():
    printed = "x 9/9 identities as expected (8 proved, 1 refuted); y"
    assert appears("9/9 identities as   expected (… proved, 1 refuted)", printed)
    assert not appears("9/9 identities as expected (8 proved)", "9/9 identities as expected (7 proved)")


def _operator_examples() -> list[str]:
    text = (DOCS / "identity-files.md").read_text(encoding="utf-8")
    section = text.split("## Every function and operator", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.split("\n") if line.startswith("| ") and not line.startswith("| name")]
    return [re.findall(r"`([^`]*)`", row.rsplit("|", 2)[1])[0] for row in rows]


def test_every_key_function_and_constant_is_in_the_reference():
    from qedcheck.readers.expression import BUILTINS, CONSTANTS
    from qedcheck.readers.identity_file import ERRATUM_FIELDS, FUNCTION_FIELDS, IDENTITY_FIELDS

    text = (DOCS / "identity-files.md").read_text(encoding="utf-8")
    keys = {line.split("|")[1] for line in text.split("\n") if line.startswith("| `")}
    documented = {name for cell in keys for name in re.findall(r"`([a-z_]+)`", cell)}
    assert set(IDENTITY_FIELDS) | set(FUNCTION_FIELDS) <= documented, "a key with no row in identity-files.md"
    assert all(f"{field} =" in text for field in ERRATUM_FIELDS)
    section = text.split("## Every function and operator", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in [*BUILTINS, *CONSTANTS]
               if f"`{name}`" not in section and f"`{name}(" not in section]
    assert not missing, f"functions without a row in identity-files.md: {missing}"


def test_every_function_and_operator_example_parses():
    examples = _operator_examples()
    assert len(examples) >= 20 and "diff(sigmoid(x), x)" in examples
    symbols = {"x": sp.Symbol("x", real=True), "y": sp.Symbol("y", real=True),
               "n": sp.Symbol("n", positive=True, integer=True)}
    t = sp.Dummy("t")
    functions = {"softsign": UserFunction("softsign", (t,), t / (1 + sp.Abs(t)))}
    for example in examples:
        assert isinstance(parse_expression(example, symbols, functions), sp.Expr), example
    text = (DOCS / "identity-files.md").read_text(encoding="utf-8")
    for condition in re.findall(r'`where = "([^"]*)"`', text):
        parse_condition(condition, symbols)


def test_the_readme_examples_are_checked_and_its_commands_are_the_ci_ones(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && qedcheck verify all" in readme
    assert 'pip install ".[test]" && pytest' in readme
    assert len(readme.encode()) < 8000, "the README is a front page; the manual is docs/"
    blocks = ["\n".join(body) for info, _, body in fenced_blocks(readme) if info == "toml"]
    assert len(blocks) == 2 and any("lhs_latex" in block for block in blocks)
    (tmp_path / "readme.toml").write_text("\n\n".join(blocks), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--no-color", "verify", "readme.toml", "--quiet"]) == 0
    assert "2/2 identities as expected (2 proved)" in capsys.readouterr().out
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).exists(), link


def test_the_readme_document_example_is_checked(tmp_path, monkeypatch, capsys):
    """The README's Markdown example is a document qedcheck reads: both links of its chain proved."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = ["\n".join(body) for info, _, body in fenced_blocks(readme) if info == "markdown"]
    (tmp_path / "notes.md").write_text(block + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--no-color", "verify", "notes.md", "--no-cache", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2/2 identities as expected (2 proved)" in out and "2 of 2 equalities checked" in out
