"""Model-check outcomes: exact comparisons, array comparisons, and how two outcomes merge."""

import numpy as np
from qedcheck.checks.model import compare_arrays, compare_bool, compare_exact, merge_outcomes


def test_exact_comparison_of_shapes():
    assert compare_exact("shape", (28, 28, 6), (28, 28, 6)).agrees
    wrong = compare_exact("shape", (28, 28, 6), (27, 27, 6))
    assert not wrong.agrees and "28×28×6 ≠ claimed 27×27×6" in wrong.message
    assert not compare_exact("shape", (28, 28), (28, 28, 1)).agrees


def test_array_comparison_is_relative_to_the_reference():
    assert compare_arrays("a", [1.0, 2.0], [1.0, 2.0 + 1e-12], rtol=1e-9).agrees
    outcome = compare_arrays("a", [1.0, 2.0], [1.0, 2.1], rtol=1e-9, finite_difference=True)
    assert not outcome.agrees and outcome.finite_difference_max_rel_err > 0.04
    assert not compare_arrays("a", np.ones(2), np.ones(3), rtol=1.0).agrees
    assert not compare_arrays("a", [np.nan], [1.0], rtol=1.0).agrees


def test_merge_keeps_the_worst_and_needs_both_to_agree():
    good = compare_arrays("a", [1.0], [1.0], rtol=1e-9)
    bad = compare_bool("step", False, "R̂ went up")
    merged = merge_outcomes(merge_outcomes(None, good), bad)
    assert not merged.agrees and merged.points == 2
    assert "R̂ went up" in merged.message and "a:" in merged.message
