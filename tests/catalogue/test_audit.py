"""The float64 audit, checked against facts known independently of it (where exp overflows, where
1 + tiny rounds to 1), plus the table, JSON, plots and the subcommand's exit codes."""

from __future__ import annotations

import argparse
import json
import math
import sys

import mpmath
import numpy as np
import pytest
from qedcheck import audit_cli
from qedcheck.checks import audit
from qedcheck.checks.audit import STABLE_MAX_ULP, AuditedFunction, Implementation, run_audit
from qedcheck.derivations import numpy_impl, numpy_naive
from qedcheck.report.audit_plot import PlotUnavailable, write_audit_plots
from qedcheck.report.audit_table import render_audit
from rich.console import Console

LN_DOUBLE_MAX = math.log(sys.float_info.max)  # 709.782712893384: e^x overflows above it
ONE_PLUS_TINY_ROUNDS = 53 * math.log(2.0)  # 36.74: 1 + e^-x rounds to 1 above it


@pytest.fixture(scope="module")
def report():
    return run_audit()


def kinds_where(row, condition):
    xs = np.array(row.x)
    return {kind for kind, keep in zip(row.kinds, condition(xs)) if keep}


def failure_on_side(row, sign):
    return next(f for f in row.failures if np.sign(f.x) == sign)


# --- known facts ---------------------------------------------------------------------------------


def test_naive_softplus_overflows_at_ln_double_max(report):
    row = report.row("softplus", "naive")
    overflow = failure_on_side(row, +1)
    assert overflow.kind == "inf"
    assert 709.7 < overflow.x < 709.9
    assert overflow.x == pytest.approx(LN_DOUBLE_MAX, abs=1e-9)
    assert row.verdict == "unstable"


def test_naive_softplus_returns_zero_once_one_plus_tiny_rounds(report):
    zero = failure_on_side(report.row("softplus", "naive"), -1)
    assert zero.kind == "zero"
    assert zero.x == pytest.approx(-ONE_PLUS_TINY_ROUNDS, abs=0.05)


@pytest.mark.parametrize("implementation", ["log1p", "logaddexp"])
def test_stable_softplus_stays_within_a_few_ulp(report, implementation):
    row = report.row("softplus", implementation)
    assert row.max_ulp_normal <= STABLE_MAX_ULP
    assert row.failures == ()
    assert row.verdict == "stable"


def test_naive_sigmoid_underflows_to_zero_while_true_value_is_subnormal(report):
    zero = failure_on_side(report.row("sigmoid", "naive"), -1)
    assert zero.kind == "zero" and zero.value == 0.0
    assert zero.x == pytest.approx(-LN_DOUBLE_MAX, abs=1e-9)
    assert 0 < zero.reference < sys.float_info.min  # σ(x) there is a nonzero subnormal
    stable = report.row("sigmoid", "sign-split")
    assert stable.max_ulp_normal <= STABLE_MAX_ULP and stable.failures == ()


def test_naive_log_sigmoid_is_minus_inf_below_minus_745_stable_is_finite(report):
    naive = report.row("log_sigmoid", "naive")
    assert kinds_where(naive, lambda xs: xs <= -745.2) == {"inf"}
    assert failure_on_side(naive, -1).x == pytest.approx(-LN_DOUBLE_MAX, abs=1e-9)
    assert failure_on_side(naive, +1).x == pytest.approx(ONE_PLUS_TINY_ROUNDS, abs=0.05)
    with np.errstate(all="ignore"):
        assert numpy_naive.log_sigmoid(-746.0) == -np.inf
    assert numpy_impl.log_sigmoid(-746.0) == pytest.approx(-746.0, rel=1e-15)
    for implementation in ("log1p", "logaddexp"):
        stable = report.row("log_sigmoid", implementation)
        assert stable.verdict == "stable" and stable.max_ulp_normal <= STABLE_MAX_ULP


def test_naive_softmax_is_nan_above_ln_double_max_max_shift_is_exact(report):
    naive = report.row("softmax", "naive")
    assert kinds_where(naive, lambda xs: xs > LN_DOUBLE_MAX + 0.01) == {"nan"}
    assert failure_on_side(naive, +1).x < LN_DOUBLE_MAX  # the sum overflows before any single entry
    shifted = report.row("softmax", "max-shift")
    assert shifted.verdict == "stable" and shifted.max_ulp_normal <= STABLE_MAX_ULP
    np.testing.assert_array_equal(numpy_impl.softmax([0.0, 1000.0]), [0.0, 1.0])


def test_log_softmax_needs_log1p_as_well_as_the_max_shift(report):
    assert report.row("log_softmax", "naive").verdict == "unstable"
    max_shift = report.row("log_softmax", "max-shift")
    assert failure_on_side(max_shift, +1).kind == "zero"  # top entry of [0, x] is 0 instead of −e^{−x}
    assert report.row("log_softmax", "log-sum-exp").verdict == "stable"


def test_tanh_form_of_sigmoid_cancels_for_negative_x(report):
    naive = report.row("sigmoid_tanh", "naive")
    assert failure_on_side(naive, -1).kind == "zero"
    assert -39 < failure_on_side(naive, -1).x < -36
    assert naive.max_ulp_normal > 1e6
    assert report.row("sigmoid_tanh", "quotient").verdict == "stable"


@pytest.mark.parametrize("function", ["sign", "relu_grad"])
def test_x_over_abs_x_is_nan_at_zero(report, function):
    naive = report.row(function, "naive")
    assert [(f.x, f.kind) for f in naive.failures] == [(0.0, "nan")]
    assert naive.max_ulp_normal == 0


def test_every_catalogue_implementation_is_stable(report):
    catalogue = [row for row in report.rows if row.catalogue]
    assert {row.function for row in catalogue} == {row.function for row in report.rows}
    assert [(row.function, row.verdict) for row in catalogue if row.verdict != "stable"] == []
    assert audit_cli.exit_code(report) == 0


# --- the measurement itself ----------------------------------------------------------------------


def test_ulp_error_of_a_value_three_doubles_off_is_three():
    def three_up(x):
        with mpmath.workdps(audit.DIGITS):  # correctly rounded σ, then three doubles up
            value = np.array([float(audit._ref_sigmoid(float(t))[0]) for t in x])
        for _ in range(3):
            value = np.nextafter(value, np.inf)
        return value

    function = AuditedFunction(
        "sigmoid", "σ", "scalar", audit._ref_sigmoid, "test",
        (Implementation("three-up", "nextafter³", three_up, False),),
    )
    row = run_audit([function], xs=np.linspace(-5, 5, 101)).rows[0]
    assert 2.5 <= row.max_ulp_normal <= 3.5
    assert row.verdict == "stable"


LITERAL_DIGITS = 400  # enough for e^{±700} next to 1 without log1p


@pytest.mark.parametrize("x", [-700.0, -150.0, -40.0, -1e-300, 0.3, 40.0, 150.0, 700.0])
def test_scalar_references_match_the_literal_definitions_at_400_digits(x):
    with mpmath.workdps(LITERAL_DIGITS):
        mx = mpmath.mpf(x)
        literal = {
            "sigmoid": 1 / (1 + mpmath.exp(-mx)),
            "softplus": mpmath.log(1 + mpmath.exp(mx)),
            "log_sigmoid": mpmath.log(1 / (1 + mpmath.exp(-mx))),
        }
    with mpmath.workdps(audit.DIGITS):
        ours = {
            "sigmoid": audit._ref_sigmoid(x)[0],
            "softplus": audit._ref_softplus(x)[0],
            "log_sigmoid": audit._ref_log_sigmoid(x)[0],
        }
    for name, value in literal.items():
        assert abs(ours[name] - value) <= mpmath.mpf(10) ** -45 * abs(value), name


@pytest.mark.parametrize("x", [-700.0, -40.0, 1e-300, 0.5, 40.0, 125.9, 700.0])
def test_vector_references_match_the_literal_definitions_at_400_digits(x):
    for vector in audit.vectors_at(x):
        with mpmath.workdps(LITERAL_DIGITS):
            v = [mpmath.mpf(e) for e in vector.tolist()]
            total = mpmath.fsum(mpmath.exp(e) for e in v)
            softmax = [mpmath.exp(e) / total for e in v]
            log_softmax = [e - mpmath.log(total) for e in v]
        with mpmath.workdps(audit.DIGITS):
            ours = audit._ref_softmax_vector(vector.tolist()), audit._ref_log_softmax_vector(vector.tolist())
        for literal, got in zip((softmax, log_softmax), ours):
            for a, b in zip(got, literal):
                assert abs(a - b) <= mpmath.mpf(10) ** -45 * abs(b)


def test_grid_covers_the_float64_range_that_matters():
    xs = audit.audit_grid()
    magnitudes = np.abs(xs[xs != 0])
    assert 0.0 in xs and (xs < 0).any() and (xs > 0).any()
    assert magnitudes.min() == pytest.approx(1e-300) and magnitudes.max() == pytest.approx(1e4)
    for threshold, _ in audit.THRESHOLDS:
        for side in (-1, 1):
            assert np.min(np.abs(xs - side * threshold)) < 0.05
    np.testing.assert_array_equal(xs, audit.audit_grid())  # deterministic
    assert len(xs) <= 4000  # the mpmath reference stays cheap


# --- reports and the subcommand ------------------------------------------------------------------


def test_table_renders_rows_and_thresholds(report):
    console = Console(record=True, width=220)
    console.print(render_audit(report))
    text = console.export_text()
    assert f"stable ≤ {STABLE_MAX_ULP:g} ULP" in text
    assert "x = 709.7827: inf" in text
    assert "709.78" in text and "745.13" in text and "36.74" in text
    assert "50-digit mpmath reference" in text
    for row in report.rows:
        assert row.code in text


def test_plots_are_written_with_agg(report, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    paths = write_audit_plots(report, tmp_path / "plots")
    functions = list(dict.fromkeys(row.function for row in report.rows))
    assert [p.name for p in paths] == [f"audit_{f}.png" for f in functions]
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000


def test_missing_matplotlib_says_how_to_install_it(report, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(PlotUnavailable, match=r'pip install "qedcheck\[plot\]"'):
        write_audit_plots(report, tmp_path)


def parse(argv):
    parser = argparse.ArgumentParser(prog="qedcheck")
    audit_cli.add_audit_command(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_audit_command_prints_and_writes_json(report, tmp_path, monkeypatch):
    monkeypatch.setattr("qedcheck.checks.audit.run_audit", lambda: report)
    args = parse(["audit", "--json", str(tmp_path / "audit.json")])
    console = Console(record=True, width=220)
    assert args.handler(args, console=console) == 0
    assert "verdict" in console.export_text()
    rows = json.loads((tmp_path / "audit.json").read_text())["rows"]
    naive = next(r for r in rows if r["function"] == "softplus" and r["implementation"] == "naive")
    assert naive["verdict"] == "unstable"
    assert {f["kind"] for f in naive["failures"]} == {"zero", "inf"}
    assert any(f["value"] == "inf" for f in naive["failures"])


def test_audit_command_without_matplotlib_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    monkeypatch.setattr("qedcheck.checks.audit.run_audit", lambda: pytest.fail("the audit should not run"))
    args = parse(["audit", "--plot", str(tmp_path)])
    assert args.handler(args) == 2
    assert 'pip install "qedcheck[plot]"' in capsys.readouterr().err


@pytest.mark.parametrize(
    "function",
    [numpy_impl.sigmoid, numpy_impl.sigmoid_from_tanh, numpy_impl.softplus, numpy_impl.log_sigmoid],
)
def test_catalogue_implementations_are_quiet_and_finite_where_the_cross_check_samples(function):
    xs = np.array([-1e4, -1000.0, -700.0, -40.0, 0.0, 40.0, 700.0, 1000.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is correct here
        values = function(xs)
    assert np.isfinite(values).all()


def test_catalogue_softmax_is_quiet_and_finite_for_large_entries():
    v = np.array([1000.0, -1000.0, 0.0, 999.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is correct here
        assert np.isfinite(numpy_impl.softmax(v)).all()
        assert np.isfinite(numpy_impl.log_softmax(v)).all()
