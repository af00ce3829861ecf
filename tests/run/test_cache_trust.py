"""A cached verdict is never more trusted than a fresh one: forged, edited, copied and linked entries
are ignored, the identity is checked again, and the report says so (issue 11)."""

import json
import stat
from pathlib import Path

import jsonschema
import platformdirs
import pytest
import sympy as sp
from conftest import make_identity
from qedcheck.checks.run import cache, machine_key
from qedcheck.checks.run.cache import ResultCache
from qedcheck.checks.run.schedule import RunOptions, verify_identities
from qedcheck.cli import main
from qedcheck.report.schema import report_schema
from qedcheck.results import Verdict

x = sp.Symbol("x", real=True)
FALSE_CLAIM = """
[[identity]]
name = "plus_one"
symbols = { x = "real" }
lhs = "x + 1"
rhs = "x"
"""


def _run(folder: Path, *extra: str) -> tuple[int, dict]:
    code = main(["--no-color", "verify", "ids.toml", "--jobs", "1", "--cache-dir", str(folder),
                 "--json", "report.json", *extra])
    return code, json.loads(Path("report.json").read_text())


def _entry(folder: Path) -> Path:
    (entry,) = (folder / "results").glob("*.json")
    return entry


def _as_proved(payload: dict) -> dict:
    result = payload["result"]
    result.update(verdict="proved", ok=True, strategy="simplify", counterexample=None)
    return payload


@pytest.mark.parametrize("forge", ["no_mac", "wrong_mac", "old_format", "truncated", "garbage"])
def test_a_forged_entry_does_not_make_x_plus_1_eq_x_proved(tmp_path, forge, capsys):
    Path("ids.toml").write_text(FALSE_CLAIM)
    folder = tmp_path / "c"
    code, report = _run(folder)
    assert (code, report["identities"][0]["verdict"]) == (1, "refuted")
    entry = _entry(folder)
    head, payload = entry.read_bytes().split(b"\n", 1)
    forged = json.dumps(_as_proved(json.loads(payload))).encode()
    entry.write_bytes({
        "no_mac": forged,
        "wrong_mac": head[:-8] + b"00000000\n" + forged,
        "old_format": json.dumps({"format": "qedcheck-cache/1", **_as_proved(json.loads(payload))}).encode(),
        "truncated": head + b"\n" + payload[: len(payload) // 2],
        "garbage": b"\xff\xfe not an entry",
    }[forge])
    capsys.readouterr()
    code, report = _run(folder)
    assert (code, report["identities"][0]["verdict"]) == (1, "refuted")
    assert report["cache"]["rejected"] == 1
    assert "failed authentication" in capsys.readouterr().out
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    code, report = _run(folder)  # the entry was replaced by the fresh, authentic one
    assert report["cache"] == {"rejected": 0, "notices": []}


def test_an_edited_verdict_is_rejected_even_with_the_old_mac(tmp_path):
    store = ResultCache(tmp_path / "c", key=b"k" * 32)
    result = _refuted()
    key = "a" * 64
    assert store.store(key, result)
    path = tmp_path / "c" / "results" / f"{key}.json"
    path.write_bytes(path.read_bytes().replace(b'"refuted"', b'"proved"'))
    assert store.lookup(key) is None
    assert store.rejected == 1


def test_an_entry_made_under_another_key_or_copied_to_another_name_is_rejected(tmp_path):
    result = _refuted()
    root = tmp_path / "c"
    ours, theirs = ResultCache(root, key=b"a" * 32), ResultCache(root, key=b"b" * 32)
    assert theirs.store("1" * 64, result)
    assert ours.lookup("1" * 64) is None and ours.rejected == 1
    assert ours.store("2" * 64, result)
    assert ours.lookup("2" * 64) == result
    (root / "results" / ("3" * 64 + ".json")).write_bytes((root / "results" / ("2" * 64 + ".json")).read_bytes())
    assert ours.lookup("3" * 64) is None and ours.rejected == 2
    ours.link("4" * 64, "2" * 64)  # a quick entry is bound to its own key too
    (root / "quick" / ("5" * 64)).write_bytes((root / "quick" / ("4" * 64)).read_bytes())
    assert ours.quick_lookup("4" * 64) == result
    assert ours.quick_lookup("5" * 64) is None and ours.rejected == 3


def test_the_default_cache_is_the_users_not_the_repositorys(tmp_path):
    Path("pyproject.toml").write_text("[project]\nname = 'course'\n")
    Path("ids.toml").write_text(FALSE_CLAIM.replace('"x + 1"', '"x"'))
    assert main(["--no-color", "verify", "ids.toml", "--jobs", "1"]) == 0
    expected = Path(platformdirs.user_cache_dir("qedcheck", appauthor=False))
    assert cache.default_dir() == expected
    assert len(list((expected / "results").glob("*.json"))) == 1
    assert sorted(p.name for p in Path.cwd().iterdir() if not p.name.startswith(".user-")) == [
        "ids.toml", "pyproject.toml"]
    key = machine_key.key_path()
    assert key == Path(platformdirs.user_config_dir("qedcheck", appauthor=False)) / "cache-key"
    assert not key.is_relative_to(expected)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_the_cache_directory_from_the_environment_and_from_pyproject(tmp_path, monkeypatch):
    Path("ids.toml").write_text(FALSE_CLAIM.replace('"x + 1"', '"x"'))
    Path("pyproject.toml").write_text('[tool.qedcheck]\ncache-dir = "build/qc"\n')
    assert main(["--no-color", "verify", "ids.toml", "--jobs", "1"]) == 0
    assert list((tmp_path / "build" / "qc" / "results").glob("*.json"))
    monkeypatch.setenv("QEDCHECK_CACHE_DIR", str(tmp_path / "from-env"))
    assert main(["--no-color", "verify", "ids.toml", "--jobs", "1"]) == 0
    assert list((tmp_path / "from-env" / "results").glob("*.json"))
    assert main(["--no-color", "verify", "ids.toml", "--jobs", "1", "--cache-dir", "flag"]) == 0
    assert list((tmp_path / "flag" / "results").glob("*.json"))


def test_a_linked_entry_is_not_followed_and_a_linked_folder_takes_nothing_outside(tmp_path):
    key = b"k" * 32
    root, outside = tmp_path / "c", tmp_path / "outside"
    outside.mkdir()
    store = ResultCache(root, key=key)
    assert store.store("1" * 64, _refuted())
    genuine = root / "results" / ("1" * 64 + ".json")
    (outside / "entry.json").write_bytes(genuine.read_bytes())
    genuine.unlink()
    genuine.symlink_to(outside / "entry.json")  # an authentic entry, reached through a link
    fresh = ResultCache(root, key=key)
    assert fresh.lookup("1" * 64) is None and fresh.rejected == 1
    assert fresh.store("1" * 64, _refuted())  # replaces the link, does not write through it
    assert not genuine.is_symlink() and (outside / "entry.json").is_file()

    other = tmp_path / "c2"
    other.mkdir()
    (other / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    (other / "results").symlink_to(outside, target_is_directory=True)
    linked = ResultCache(other, key=key)
    assert not linked.store("2" * 64, _refuted())
    assert sorted(p.name for p in outside.iterdir()) == ["entry.json"]
    assert "not a directory of the cache" in linked.report().notices[0]


def test_cache_clear_removes_links_and_never_what_they_point_at(tmp_path):
    root, outside = tmp_path / "c", tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    store = ResultCache(root, key=b"k" * 32)
    assert store.store("1" * 64, _refuted())
    (root / "results" / ("2" * 64 + ".json")).symlink_to(outside / "precious.txt")
    (root / "quick" / "outside").symlink_to(outside, target_is_directory=True)
    assert ResultCache(root).clear() == 1
    assert not root.exists()
    assert (outside / "precious.txt").read_text() == "keep me"


def test_cache_clear_leaves_what_qedcheck_did_not_write(tmp_path):
    root = tmp_path / "c"
    assert ResultCache(root, key=b"k" * 32).store("1" * 64, _refuted())
    (root / "notes.txt").write_text("mine")
    assert ResultCache(root).clear() == 1
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("problem", ["readable", "inside_cache", "link", "damaged"])
def test_an_unsafe_key_turns_the_cache_off_with_a_notice(tmp_path, monkeypatch, problem, capsys):
    Path("ids.toml").write_text(FALSE_CLAIM)
    folder = tmp_path / "c"
    key_file = {"inside_cache": folder / "cache-key"}.get(problem, tmp_path / "key")
    monkeypatch.setenv("QEDCHECK_CACHE_KEY_FILE", str(key_file))
    if problem == "inside_cache":
        folder.mkdir()
    machine_key.load_or_create(key_file)
    if problem == "readable":
        key_file.chmod(0o644)
    elif problem == "link":
        (tmp_path / "real-key").write_bytes(key_file.read_bytes())
        (tmp_path / "real-key").chmod(0o600)
        key_file.unlink()
        key_file.symlink_to(tmp_path / "real-key")
    elif problem == "damaged":
        key_file.write_text("short\n")
    capsys.readouterr()
    code, report = _run(folder)
    assert (code, report["identities"][0]["verdict"]) == (1, "refuted")
    assert report["cache"]["notices"][0].startswith("the cache is off for this run")
    assert "Traceback" not in capsys.readouterr().err
    assert not list(folder.glob("results/*.json"))


def test_the_key_is_made_once_private_and_reused(tmp_path):
    path = tmp_path / "cfg" / "qedcheck" / "cache-key"
    first = machine_key.load_or_create(path)
    assert machine_key.load_or_create(path) == first and len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["cache-key"]  # no temporary file left behind


def test_cache_path_names_the_directory_and_the_key(capsys):
    assert main(["cache", "path"]) == 0
    out = capsys.readouterr().out
    assert str(cache.default_dir()) in out and str(machine_key.key_path()) in out


def test_the_content_key_covers_every_setting_the_verdict_depends_on():
    identity = make_identity(x + 1, x, [x])
    base = cache.content_key(identity, cache.settings_description(0, 1e-9, None))
    for settings in ((1, 1e-9, None), (0, 1e-8, None), (0, 1e-9, 5.0)):
        assert cache.content_key(identity, cache.settings_description(*settings)) != base
    assert {"python", "qedcheck", "sympy", "numpy", "mpmath", "scipy"} <= set(cache.versions())
    assert any(p.name == "machine_key.py" for p in cache.PACKAGE_ROOT.glob(cache.ENGINE_FILES[-1]))
    assert (cache.PACKAGE_ROOT / "cli.py").is_file()  # the package itself, wherever cache.py lives in it


def _refuted():
    options = RunOptions(cache_dir=None)
    (result,) = verify_identities((make_identity(x + 1, x, [x]),), options)
    assert result.verdict is Verdict.REFUTED
    return result


def test_a_cache_dir_that_names_a_busy_directory_gets_no_files(tmp_path, monkeypatch):
    """A pull request's pyproject.toml can say `cache-dir = "."`: qedcheck must not tag the repository
    (nor overwrite its .gitignore), and the run still checks everything afresh."""
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")  # the key (in .user-config) is outside this cache-dir
    Path("ids.toml").write_text(FALSE_CLAIM)
    Path(".gitignore").write_text("build/\n")
    Path("pyproject.toml").write_text('[tool.qedcheck]\ncache-dir = "."\n')
    before = sorted(p.name for p in Path.cwd().iterdir())
    assert main(["--no-color", "verify", "ids.toml", "--jobs", "1", "--json", "report.json"]) == 1
    report = json.loads(Path("report.json").read_text())
    assert report["identities"][0]["verdict"] == "refuted"
    assert "is not empty and is not a qedcheck cache" in report["cache"]["notices"][0]
    assert sorted(p.name for p in Path.cwd().iterdir() if p.name != "report.json") == before
    assert Path(".gitignore").read_text() == "build/\n"


def test_racing_processes_end_with_one_key(tmp_path):
    import multiprocessing

    path = tmp_path / "cfg" / "cache-key"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        keys = pool.map(machine_key.load_or_create, [path] * 8)
    assert len(set(keys)) == 1 and keys[0] == machine_key.load_or_create(path)
    assert [p.name for p in path.parent.iterdir()] == ["cache-key"]


def test_the_key_never_appears_in_a_report(tmp_path):
    Path("ids.toml").write_text(FALSE_CLAIM)
    main(["--no-color", "verify", "ids.toml", "--jobs", "1", "--json", "r.json", "--junit", "r.xml",
          "--markdown", "r.md", "--cache-dir", str(tmp_path / "c")])
    main(["--no-color", "verify", "ids.toml", "--jobs", "1", "--json", "r.json", "--junit", "r.xml",
          "--markdown", "r.md", "--cache-dir", str(tmp_path / "c")])
    secret = machine_key.key_path().read_text().strip()
    for report in ("r.json", "r.xml", "r.md"):
        assert secret not in Path(report).read_text()
    assert not any(secret.encode() in p.read_bytes() for p in (tmp_path / "c").rglob("*") if p.is_file())
