"""qedcheck benchmark: one command, one machine, every figure next to the baseline it is compared with.

    python benchmarks/run.py [--repeat 3] [--cli-only]

Prints: `verify all` cold (empty cache) and warm (full cache) as whole processes, `verify FILE.toml` cold and
warm (examples/identities.toml), `--help`, the naive
baseline `sympy.simplify(lhs - rhs) == 0` on the same catalogue, numeric throughput of vectorised NumPy
against SymPy `evalf` point by point, and the softmax-Jacobian proof time as n grows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(ROOT.parent)) if p)}
CLI = [sys.executable, "-m", "qedcheck.cli", "--no-color"]
EXAMPLE = ROOT / "examples" / "identities.toml"


def wall(argv, **kwargs) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, **kwargs)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # timing a command that did not run would be a made-up figure
        raise SystemExit(f"benchmark: {' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def cli_figures(repeat: int) -> dict:
    cold, warm, ok = [], [], None
    file_cold, file_warm = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as cache:
            report = Path(cache) / "report.json"
            cold.append(wall(CLI + ["verify", "all", "--cache-dir", cache, "--json", str(report)]))
            if ok is None and report.exists():
                summary = json.loads(report.read_text())["summary"]
                ok = f"{summary['ok']}/{summary['total']}"
            warm.extend(wall(CLI + ["verify", "all", "--cache-dir", cache]) for _ in range(2))
            file_cold.append(wall(CLI + ["verify", str(EXAMPLE), "--cache-dir", cache]))
            file_warm.extend(wall(CLI + ["verify", str(EXAMPLE), "--cache-dir", cache]) for _ in range(2))
    single = wall(CLI + ["verify", "all", "--no-cache", "--jobs", "1"])
    helps = [wall(CLI + ["--help"]) for _ in range(5)]
    return {"cold": statistics.median(cold), "warm": statistics.median(warm), "single": single,
            "help": statistics.median(helps), "ok": ok or "no report",
            "file_cold": statistics.median(file_cold), "file_warm": statistics.median(file_warm)}


class _Late(Exception):
    pass


def baseline(limit: float = 10.0) -> tuple[int, int, float]:
    """`simplify(lhs - rhs) == 0` (or a nonzero number for a false claim), `limit` s per identity."""
    import sympy as sp
    from qedcheck.derivations import catalogue

    def late(signum, frame):
        raise _Late()

    signal.signal(signal.SIGALRM, late)
    decided, started = 0, time.perf_counter()
    identities = catalogue()
    for identity in identities:
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            difference = sp.simplify(identity.lhs - identity.rhs)
            if identity.expect.value == "holds":
                decided += difference == 0
            else:
                decided += bool(difference.is_number and difference != 0)
        except Exception:  # noqa: BLE001, S110 - the baseline simply does not decide this one
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return decided, len(identities), time.perf_counter() - started


def throughput() -> tuple[float, float]:
    """Points per second for sigmoid_deriv: vectorised NumPy versus SymPy evalf point by point."""
    import numpy as np
    import sympy as sp
    from qedcheck.derivations import by_name

    identity = by_name()["sigmoid_deriv"]
    (x,) = identity.symbols
    difference = identity.lhs.doit() - identity.rhs
    f = sp.lambdify((x,), difference, "numpy")
    points = np.random.default_rng(0).uniform(-30, 30, 1_000_000)
    started = time.perf_counter()
    f(points)
    fast = points.size / (time.perf_counter() - started)
    started = time.perf_counter()
    for value in points[:300]:
        difference.subs(x, float(value)).evalf()
    slow = 300 / (time.perf_counter() - started)
    return fast, slow


def jacobian_proofs() -> dict[str, float]:
    from qedcheck.checks import indexed
    from qedcheck.checks.run.budget import Deadline
    from qedcheck.checks.symbolic import prove
    from qedcheck.derivations import by_name
    from qedcheck.results import ProofStatus

    identity = by_name()["softmax_jacobian_eq_diag_sub_outer"]
    figures = {}
    for size_value in (2, 4, 8, 16):
        started = time.perf_counter()
        for assignment in indexed.index_assignments(identity.indices, size_value, None):
            a = indexed.explicit_instance(indexed.entry_form(identity.lhs, identity.indices), identity.size,
                                          size_value, assignment)
            b = indexed.explicit_instance(indexed.entry_form(identity.rhs, identity.indices), identity.size,
                                          size_value, assignment)
            outcome = prove(a, b, deadline=Deadline(60))
            assert outcome.status == "proved", (size_value, assignment, outcome)
        figures[f"n = {size_value}"] = time.perf_counter() - started
    started = time.perf_counter()
    outcome = prove(identity.lhs, identity.rhs, where=identity.where, size=identity.size, indices=identity.indices,
                    sizes=identity.sizes, deadline=Deadline(60))
    figures[f"all n ({ProofStatus(outcome.status).value}, scope \"{outcome.scope}\")"] = time.perf_counter() - started
    return figures


def machine() -> str:
    import numpy
    import sympy

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return (f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, SymPy {sympy.__version__}, "
            f"NumPy {numpy.__version__}; load average {os.getloadavg()[0]:.2f} at start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs (each followed by two warm runs)")
    parser.add_argument("--cli-only", action="store_true", help="only the whole-command figures (no baseline)")
    args = parser.parse_args()
    print(machine())
    cli = cli_figures(args.repeat)
    file_rows = [
        (f"verify {EXAMPLE.name}, cold (empty cache)", f"{cli['file_cold']:.2f} s", ""),
        (f"verify {EXAMPLE.name}, warm (full cache)", f"{cli['file_warm']:.3f} s", "SymPy not imported"),
    ]
    if args.cli_only:
        rows = [("verify all, cold (empty cache, default --jobs)", f"{cli['cold']:.2f} s", ""),
                ("verify all, warm (full cache)", f"{cli['warm']:.3f} s", ""), *file_rows,
                ("verify all, --jobs 1 --no-cache", f"{cli['single']:.2f} s", ""),
                ("qedcheck --help", f"{cli['help']:.3f} s", "")]
        width = max(len(r[0]) for r in rows)
        for label, value, ratio in rows:
            print(f"{label:<{width}}  {value:>22}  {ratio}")
        return
    decided, total, naive = baseline()
    fast, slow = throughput()
    rows = [
        ("verify all, cold (empty cache, default --jobs)", f"{cli['cold']:.2f} s", f"{cli['cold'] / naive:.2f}× baseline"),
        ("verify all, warm (full cache)", f"{cli['warm']:.3f} s", f"{cli['warm'] / naive:.4f}× baseline"),
        *file_rows,
        ("verify all, --jobs 1 --no-cache", f"{cli['single']:.2f} s", f"{cli['single'] / naive:.2f}× baseline"),
        ("qedcheck --help", f"{cli['help']:.3f} s", ""),
        ("baseline simplify(lhs - rhs) == 0", f"{naive:.2f} s", f"decides {decided}/{total} (qedcheck, cold run: {cli['ok']} as expected)"),
        ("numeric, vectorised NumPy", f"{fast:,.0f} points/s", f"{fast / slow:,.0f}× evalf"),
        ("numeric, SymPy evalf point by point", f"{slow:,.0f} points/s", ""),
    ]
    rows += [(f"softmax Jacobian proof, {label}", f"{seconds:.2f} s", "")
             for label, seconds in jacobian_proofs().items()]
    width = max(len(r[0]) for r in rows)
    for label, value, ratio in rows:
        print(f"{label:<{width}}  {value:>22}  {ratio}")


if __name__ == "__main__":
    main()
