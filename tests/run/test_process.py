"""Process settings: the collector's thresholds come back after a run; the command's quick exit
keeps its exit code and every line of its output."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from qedcheck.checks.run.process import RUN_THRESHOLDS, rare_collection

ROOT = Path(__file__).resolve().parents[2]


def test_rare_collection_restores_the_callers_thresholds():
    before = gc.get_threshold()
    with rare_collection():
        assert gc.get_threshold() == RUN_THRESHOLDS
    assert gc.get_threshold() == before


def test_the_command_exits_with_its_code_after_printing_everything():
    def run(*args):
        return subprocess.run([sys.executable, "-m", "qedcheck.cli", "--no-color", *args], capture_output=True,
                              text=True, check=False, env={**os.environ, "COLUMNS": "200"})

    ok = run("verify", "relu_not_differentiable_at_zero", "--no-cache", "--jobs", "1")
    assert ok.returncode == 0 and ok.stdout.rstrip().endswith("seed 0")
    broken = run("verify", str(ROOT / "examples" / "broken.toml"), "--no-cache", "--jobs", "2")
    assert broken.returncode == 2 and broken.stdout.rstrip().endswith("seed 0")
