"""`qedcheck audit --plot DIR`: one PNG per function, error in ULPs against x, naive versus stable.

matplotlib is an optional extra (`pip install "qedcheck[plot]"`), imported only here and only when
plotting, so the rest of qedcheck never pays for it. Figures are drawn on `matplotlib.figure.Figure`
directly (no pyplot), which renders with Agg and leaves the global backend alone.
"""

from __future__ import annotations

from pathlib import Path

from ..checks.audit import AuditReport, AuditRow

INSTALL_HINT = 'pip install "qedcheck[plot]"'
X_LINTHRESH = 1e-2  # |x| below this is drawn linearly: nothing changes there but rounding
FAILURE_Y = 1e18  # failures are drawn on a band above every finite error (at most ~2^53 ULP)


X_TICKS = (-1e4, -1e3, -1e2, -10.0, -1.0, -0.1, 0.0, 0.1, 1.0, 10.0, 1e2, 1e3, 1e4)
Y_TICKS = (0.0, 1.0, 4.0, 1e2, 1e4, 1e8, 1e12, 1e16)


def _tick_label(value: float) -> str:
    return f"{value:g}" if 1e-3 <= abs(value) < 1e4 or value == 0 else f"{value:.0e}".replace("e+0", "e").replace("e+", "e")


class PlotUnavailable(RuntimeError):
    """matplotlib is missing; the message says how to get it."""


def require_matplotlib() -> None:
    """Fail early (before the audit runs) when plotting cannot work."""
    _figure_class()


def _figure_class():
    try:
        from matplotlib.figure import Figure
    except ImportError as missing:
        raise PlotUnavailable(
            f"--plot needs matplotlib, which is not installed; install the plot extra: {INSTALL_HINT}"
        ) from missing
    return Figure


def _style(row: AuditRow) -> dict[str, object]:
    if row.catalogue:
        return {"color": "tab:green", "linewidth": 1.6, "zorder": 3}
    if row.implementation == "naive":
        return {"color": "tab:red", "linewidth": 1.2, "zorder": 2}
    return {"color": "tab:blue", "linewidth": 1.0, "alpha": 0.8, "zorder": 1}


def _plot_function(figure_class, report: AuditReport, function: str, path: Path) -> Path:
    rows = report.rows_for(function)
    figure = figure_class(figsize=(9, 4.8))
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.11, top=0.93)
    axes = figure.add_subplot()
    for row in rows:
        style = _style(row)
        label = f"{row.implementation}{' (catalogue)' if row.catalogue else ''}: {row.code}"
        axes.plot(row.x, row.ulp, label=label, **style)
        failed_x = [x for x, kind in zip(row.x, row.kinds) if kind]
        if failed_x:
            axes.scatter(failed_x, [FAILURE_Y] * len(failed_x), marker="|", s=30, color=style["color"])
    axes.axhline(report.stable_max_ulp, color="black", linestyle="--", linewidth=0.8,
                 label=f"stable threshold: {report.stable_max_ulp:g} ULP")
    axes.axhline(FAILURE_Y, color="grey", linewidth=0.4)
    axes.text(0.005, FAILURE_Y, "fails (inf / nan / 0)", transform=axes.get_yaxis_transform(),
              va="bottom", fontsize=8, color="grey")
    for threshold, _ in report.thresholds:
        for x in (-threshold, threshold):
            axes.axvline(x, color="grey", linewidth=0.4, linestyle=":")
    axes.set_xscale("symlog", linthresh=X_LINTHRESH)
    axes.set_yscale("symlog", linthresh=1.0)
    axes.set_ylim(0, FAILURE_Y * 30)
    # Explicit plain-text ticks: the default symlog locator labels every decade in mathtext, which
    # is most of the drawing time.
    axes.set_xticks(X_TICKS, labels=[_tick_label(t) for t in X_TICKS])
    axes.set_yticks(Y_TICKS, labels=[_tick_label(t) for t in Y_TICKS])
    axes.minorticks_off()
    axes.set_xlabel(f"x (symlog; linear for |x| < {X_LINTHRESH:g}; dotted: float64 thresholds)")
    axes.set_ylabel("error in ULPs (normal range)")
    axes.set_title(f"{function}: float64 error against a {report.digits}-digit mpmath reference")
    axes.legend(loc="center left", fontsize=8)
    figure.savefig(path, dpi=110)
    return path


def write_audit_plots(report: AuditReport, directory: Path | str) -> tuple[Path, ...]:
    """Write `audit_<function>.png` for every function of the report into `directory` (created)."""
    figure_class = _figure_class()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    functions = list(dict.fromkeys(row.function for row in report.rows))
    return tuple(
        _plot_function(figure_class, report, function, directory / f"audit_{function}.png")
        for function in functions
    )
