"""[tool.qedcheck]: found upward from the working directory, validated with located errors, flags win."""

import pytest
from qedcheck.cli import main
from qedcheck.config import find_pyproject, load_config


def write(folder, body):
    path = folder / "pyproject.toml"
    path.write_text(body)
    return path


def test_the_nearest_pyproject_is_found_upward(tmp_path):
    path = write(tmp_path, "[tool.qedcheck]\nseed = 7\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_pyproject(deep) == path.resolve()
    assert load_config(deep).seed == 7


def test_no_table_means_nothing_pinned(tmp_path):
    write(tmp_path, "[project]\nname = 'x'\n")
    config = load_config(tmp_path)
    assert not config.present and config.errors == ()
    assert config.targets([]) == ["all"]


def test_keys_settings_and_flags_override(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ids").mkdir()
    for name in ("b.toml", "a.toml"):
        (tmp_path / "ids" / name).write_text("")
    write(tmp_path, '[tool.qedcheck]\nfiles = ["ids/*.toml", "extra.toml"]\nseed = 3\ntimeout = 2\ntolerance = 1e-6\n')
    config = load_config(tmp_path)
    assert config.errors == ()
    assert config.files == ("ids/a.toml", "ids/b.toml", "extra.toml")
    assert config.targets([]) == list(config.files)
    assert config.targets(["sigmoid_deriv"]) == ["sigmoid_deriv"]
    settings = config.run_settings()
    assert (settings.seed, settings.timeout, settings.rtol) == (3, 2.0, 1e-6)
    settings = config.run_settings(seed=0, rtol=1e-9)
    assert (settings.seed, settings.timeout, settings.rtol) == (0, 2.0, 1e-9)


@pytest.mark.parametrize("body, message", [
    ('seed = "0"', ("[tool.qedcheck] seed: the seed must be an integer from 0 to 9223372036854775807, "
                    "got '0'")),
    ("timeout = -1", ("[tool.qedcheck] timeout: the timeout must be a number of seconds greater than 0 and at "
                      "most 3600, got -1")),
    ("rtol = true", ("[tool.qedcheck] rtol: the relative tolerance must be a number from 1e-15 to 1e-06, "
                     "got True")),
    ("files = [1]", "[tool.qedcheck] files: expected a list of paths (strings), got [1]"),
    ("sed = 1", "[tool.qedcheck] unknown key 'sed' (did you mean 'seed'?)"),
    ("cache-dir = 3", "[tool.qedcheck] cache-dir: expected a directory (a string), got 3"),
])
def test_a_wrong_key_is_one_located_error_and_the_rest_is_kept(tmp_path, body, message):
    path = write(tmp_path, f"[tool.qedcheck]\ntimeout = 4\n{body}\n" if "timeout" not in body
                 else f"[tool.qedcheck]\nseed = 5\n{body}\n")
    config = load_config(tmp_path)
    (error,) = map(str, config.errors)
    assert error.startswith(f"{path.resolve()}: ") and message in error
    assert config.timeout == 4 or config.seed == 5


def test_the_cli_reads_the_table_and_reports_its_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, '[tool.qedcheck]\nfiles = ["sign_eq_indicator_sub_indicator"]\nseed = 11\nsed = 1\n')
    assert main(["--no-color", "verify", "-q"]) == 2  # the typo is an input error; the identity still ran
    out = capsys.readouterr().out
    assert "unknown key 'sed'" in out
    assert "1/1 identities as expected (1 proved); 0 known errata; seed 11; 1 input error(s)" in out
    assert main(["--no-color", "verify", "-q", "--seed", "2", "relu_deriv"]) == 2
    assert "seed 2" in capsys.readouterr().out


@pytest.mark.parametrize("line, message", [
    ("seed = -1", "seed: the seed must be an integer from 0"),
    ("seed = 1.5", "seed: the seed must be an integer"),
    ("timeout = -5", "timeout: the timeout must be a number of seconds greater than 0"),
    ("timeout = nan", "timeout: the timeout must be"),
    ("timeout = inf", "timeout: the timeout must be"),
    ("rtol = 0.5", "rtol: the relative tolerance must be a number from 1e-15 to 1e-06"),
    ("tolerance = 0", "tolerance: the relative tolerance"),
    ("rtol = true", "rtol: the relative tolerance"),
])
def test_out_of_range_settings_are_located_errors_and_not_used(tmp_path, line, message):
    config = load_config(write(tmp_path, f"[tool.qedcheck]\n{line}\n").parent)
    (error,) = map(str, config.errors)
    assert f"[tool.qedcheck] {message}" in error
    assert (config.seed, config.timeout, config.rtol) == (None, None, None)


def test_cache_dir_is_relative_to_the_pyproject_that_names_it(tmp_path):
    write(tmp_path, '[tool.qedcheck]\ncache-dir = ".cache/qc"\n')
    deep = tmp_path / "sub"
    deep.mkdir()
    assert load_config(deep).cache_dir == tmp_path.resolve() / ".cache" / "qc"
