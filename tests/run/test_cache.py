"""The result cache: results survive JSON exactly, keys change with content, only changed identities rerun."""

import json
import os
import subprocess
import sys
from pathlib import Path

import sympy as sp
from conftest import make_identity
from qedcheck.checks import runner
from qedcheck.checks.run import cache
from qedcheck.checks.run.cache import (
    ResultCache,
    content_key,
    result_from_dict,
    result_to_dict,
    settings_description,
)
from qedcheck.checks.run.schedule import RunOptions, verify_identities
from qedcheck.cli import main
from qedcheck.derivations import catalogue
from qedcheck.derivations.index import entries
from qedcheck.results import Verdict

ROOT = Path(__file__).resolve().parents[2]
x, y = sp.symbols("x y", real=True)
SETTINGS = settings_description(0, 1e-9, None)


def test_every_catalogue_result_survives_the_json_round_trip(catalogue_run):
    for result in catalogue_run.results:
        assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result


def test_the_key_changes_with_expressions_assumptions_numpy_code_and_settings():
    base = make_identity(sp.exp(x) * sp.exp(y), sp.exp(x + y), [x, y], numpy_lhs=lambda x, y: x + y)
    key = content_key(base, SETTINGS)
    assert content_key(base, SETTINGS) == key
    p = sp.Symbol("x", positive=True)
    assert content_key(make_identity(sp.exp(p) * sp.exp(y), sp.exp(p + y), [p, y],
                                     numpy_lhs=base.numpy_lhs), SETTINGS) != key
    assert content_key(make_identity(base.lhs, base.rhs, [x, y], numpy_lhs=lambda x, y: y + x), SETTINGS) != key
    assert content_key(base, settings_description(1, 1e-9, None)) != key
    assert content_key(base, settings_description(0, 1e-9, 5.0)) != key


def test_the_key_is_the_same_in_another_process():
    code = ("from qedcheck.derivations import by_name; from qedcheck.checks.run.cache import content_key, "
            "settings_description as s; print(content_key(by_name()['softmax_vjp_eq_mul_sub'], s(0, 1e-9, None)))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(keys) == 1


def test_changing_one_identity_rechecks_only_that_one(tmp_path, monkeypatch):
    checked = []
    real_verify = runner.verify_identity
    monkeypatch.setattr(runner, "verify_identity", lambda identity, settings: checked[-1].append(identity.name)
                        or real_verify(identity, settings))
    options = RunOptions(jobs=1, cache_dir=tmp_path / "cache")
    first = (make_identity((x + 1) ** 2, x**2 + 2 * x + 1, [x], name="square"),
             make_identity(sp.exp(x + y), sp.exp(x) + sp.exp(y), [x, y], name="exp_add_wrong"))
    checked.append([])
    cold = verify_identities(first, options)
    checked.append([])
    warm = verify_identities(first, options)
    changed = (first[0], make_identity(sp.exp(x + y), sp.exp(x) * sp.exp(y), [x, y], name="exp_add_wrong"))
    checked.append([])
    again = verify_identities(changed, options)
    assert checked == [["square", "exp_add_wrong"], [], ["exp_add_wrong"]]
    assert warm == cold
    assert [r.verdict for r in cold] == [Verdict.PROVED, Verdict.REFUTED]
    assert [r.verdict for r in again] == [Verdict.PROVED, Verdict.PROVED]


def test_timeouts_are_not_cached(tmp_path):
    store = ResultCache(tmp_path / "c")
    result = result_from_dict({**result_to_dict(_any_result()), "verdict": "timeout"})
    assert not store.store("0" * 64, result)
    assert store.lookup("0" * 64) is None


def test_a_damaged_entry_is_a_miss(tmp_path):
    store = ResultCache(tmp_path / "c")
    assert store.store("0" * 64, _any_result())
    (tmp_path / "c" / "results" / f"{'0' * 64}.json").write_text("{not json")
    assert store.lookup("0" * 64) is None
    assert store.rejected == 1


def test_a_fully_cached_run_does_not_import_sympy_or_numpy(tmp_path):
    names = ["relu_not_differentiable_at_zero", "abs_not_differentiable_at_zero"]
    assert main(["--no-color", "verify", *names, "--jobs", "1", "--cache-dir", str(tmp_path / "c")]) == 0
    code = ("import sys; from qedcheck.cli import main; "
            f"rc = main(['--no-color', 'verify', *{names!r}, '--cache-dir', {str(tmp_path / 'c')!r}]); "
            "assert 'sympy' not in sys.modules and 'numpy' not in sys.modules, 'imported'; sys.exit(rc)")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                               env={**os.environ})
    assert completed.returncode == 0, completed.stderr
    assert "2/2 identities as expected" in completed.stdout


def test_no_cache_writes_nothing_and_cache_clear_removes_the_directory(tmp_path, capsys):
    default = cache.default_dir()
    assert main(["--no-color", "verify", "abs_not_differentiable_at_zero", "--jobs", "1", "--no-cache"]) == 0
    assert not default.exists()
    assert main(["--no-color", "verify", "abs_not_differentiable_at_zero", "--jobs", "1"]) == 0
    assert len(list((default / "results").glob("*.json"))) == 1
    assert main(["cache", "clear"]) == 0
    assert not default.exists()
    assert "1 cached results" in capsys.readouterr().out


def test_the_light_index_matches_the_catalogue():
    listed = entries()
    assert listed is not None, "derivations/index.json is out of date: python -m qedcheck.derivations.index"
    assert [(e.name, e.source, e.expect, e.statement) for e in listed] == [
        (i.name, i.source, i.expect.value, i.statement) for i in catalogue()]


def _any_result():
    return verify_identities((make_identity((x + 1) ** 2, x**2 + 2 * x + 1, [x]),), RunOptions(cache_dir=None))[0]


def test_the_code_digest_follows_what_a_function_does_not_where_it_is_written():
    from qedcheck.checks.run.cache import code_digest

    def plus(k):
        return lambda x: x + k

    one = lambda x: x + 1
    same = lambda x: x + 1  # another line, another object, the same code
    assert code_digest(one) == code_digest(same)
    assert code_digest(one) != code_digest(lambda x: x + 2)
    assert code_digest(one) != code_digest(lambda x: x - 1)
    assert code_digest(plus(1)) != code_digest(plus(2))  # a captured value counts too
