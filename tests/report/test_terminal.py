"""The terminal report shows user strings exactly as written: never rich markup, never a live link."""

import io

import pytest
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.cli import main
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.report import links, progress, terminal
from rich.console import Console

HOSTILE = ["[/]", "[link=https://example.com/phish]click[/link]", "[bold red]x[/]", "[red"]


def identity(source: str, name: str = "double", steps: str = 'steps = ["x*2"]') -> str:
    return (f'[[identity]]\nname = "{name}"\nsource = {source!r}\nstatement = {source!r}\n'
            f'symbols = {{ x = "real" }}\nlhs = "2*x"\nrhs = "x + x"\n{steps}\n')


def rendered(renderable) -> str:
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=300, color_system="truecolor").print(renderable)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.toml"
    path.write_text("".join(identity(source, f"claim_{k}") for k, source in enumerate(HOSTILE))
                    + identity("[/]", "broken", 'where = "y > 0"'))
    loaded = load_identity_file(path)
    return verify_all(loaded.identities, RunSettings(), input_errors=("[/] an input error [link=https://x]",))


@pytest.mark.parametrize("render", [
    lambda run: terminal.run_report(run),
    lambda run: terminal.quiet_report(run),
    lambda run: links.links_report(run),
    lambda run: terminal.identity_detail(run.results[1]),
    lambda run: progress.line(run.results[0], 1, 5),
])
def test_user_strings_are_shown_verbatim_and_never_as_links(hostile_run, render):
    text = rendered(render(hostile_run))
    assert "\x1b]8;" not in text  # the OSC 8 sequence of a terminal hyperlink
    plain = rendered_plain(render(hostile_run))
    assert any(source in plain for source in HOSTILE)


def rendered_plain(renderable) -> str:
    out = io.StringIO()
    Console(file=out, width=300, no_color=True).print(renderable)
    return out.getvalue()


def test_the_report_shows_every_hostile_source_exactly(hostile_run):
    plain = rendered_plain(terminal.run_report(hostile_run))
    for source in HOSTILE:
        assert source in plain
    assert "[/] an input error [link=https://x]" in plain


def test_a_passing_run_with_a_markup_source_prints_its_report(tmp_path, capsys):
    """Issue 11: `source = "[/]"` crashed the terminal report after the run had passed."""
    (tmp_path / "ids.toml").write_text(identity("[/]"))
    assert main(["--no-color", "verify", "ids.toml", "--no-cache", "--jobs", "1", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "[/]" in out and "1/1 identities as expected" in out
