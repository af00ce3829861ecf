"""Start-up: help, list and argument errors answer without importing SymPy or NumPy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("argv, code", [(["--help"], 0), (["list"], 0), (["verify", "--seed", "x"], 2),
                                         (["frobnicate"], 2), (["cache"], 2)])
def test_no_heavy_import(argv, code):
    program = ("import sys; from qedcheck.cli import main\n"
               f"try:\n    rc = main({argv!r})\nexcept SystemExit as e:\n    rc = e.code\n"
               "heavy = [m for m in ('sympy', 'numpy', 'mpmath') if m in sys.modules]\n"
               "assert not heavy, heavy\nsys.exit(rc)")
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False,
                               env={**os.environ, "COLUMNS": "200"})
    assert completed.returncode == code, completed.stderr
    if argv == ["list"]:
        assert "softmax_jacobian_eq_diag_sub_outer" in completed.stdout
