"""Question 3: every shape and count is proved exactly and matches a real NumPy convolution or pooling."""

import numpy as np
import pytest
import sympy as sp
from conftest import make_identity
from qedcheck.checks.runner import verify_identity
from qedcheck.derivations import cnn, numpy_cnn
from qedcheck.identity import Expect, Identity
from qedcheck.results import Verdict

Q3_NAMES = [identity.name for identity in cnn.IDENTITIES]


def test_every_item_of_question_three_is_covered():
    assert {i.source for i in cnn.IDENTITIES} == {f"Q3({item})" for item in "abcde"}


@pytest.mark.parametrize("name", Q3_NAMES)
def test_q3_identity_is_proved_and_its_model_check_agrees(name, catalogue_results):
    result = catalogue_results[name]
    assert result.ok and result.verdict is Verdict.PROVED
    assert result.numeric is not None and result.numeric.agrees
    assert "claimed" in result.numeric.message


def test_model_checks_report_the_numpy_shapes(catalogue_results):
    assert "28×28×6 = claimed 28×28×6" in catalogue_results["conv1_output_side_eq_28"].numeric.message
    assert "14×14×6 = claimed 14×14×6" in catalogue_results["pool1_output_side_eq_14"].numeric.message
    assert "10×10×16 = claimed 10×10×16" in catalogue_results["conv2_output_side_eq_10"].numeric.message
    assert "1600 = claimed 1600" in catalogue_results["conv2_output_card_eq_1600"].numeric.message
    assert "2416 = claimed 2416" in catalogue_results["conv2_param_card_eq_2416"].numeric.message
    assert any("2416" in note for note in catalogue_results["conv2_weight_card_eq_2400"].notes)


@pytest.mark.parametrize(("p", "d", "k"), [(0, 1, 59), (1, 2, 31), (1, 1, 61)])
def test_kernel_sizes_are_solved_by_sympy(p, d, k):
    assert cnn.solved_kernel(64, 6, s=1, p=p, d=d) == k
    assert cnn.output_side(64, k, p=p, d=d) == 6
    assert cnn.output_side(64, k + 1, p=p, d=d) != 6


def test_a_wrong_shape_answer_is_refuted():
    result = verify_identity(make_identity(cnn.output_side(32, 5), sp.Integer(27), (), expect=Expect.FAILS))
    assert result.verdict is Verdict.REFUTED


def test_a_model_check_that_disagrees_fails_the_identity():
    wrong = Identity(name="conv1_wrong_shape", source="test", statement="", lhs=cnn.output_side(32, 5),
                     rhs=sp.Integer(28), model_checks=(cnn._shape_check("conv1", (27, 27, 6)),))
    result = verify_identity(wrong)
    assert not result.ok and result.verdict is Verdict.ERROR
    assert "≠ claimed 27×27×6" in result.message


def _naive_conv(x, w, stride, padding, dilation):
    k = w.shape[0]
    xp = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    span = k + (k - 1) * (dilation - 1)
    side = (xp.shape[0] - span) // stride + 1
    out = np.zeros((side, side, w.shape[3]))
    for r in range(side):
        for c in range(side):
            for a in range(k):
                for b in range(k):
                    out[r, c] += xp[r * stride + a * dilation, c * stride + b * dilation] @ w[a, b]
    return out


@pytest.mark.parametrize(("stride", "padding", "dilation"), [(1, 0, 1), (2, 1, 1), (1, 1, 2), (3, 2, 2)])
def test_numpy_convolution_matches_a_naive_loop(stride, padding, dilation):
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((11, 11, 2)), rng.standard_normal((3, 3, 2, 4))
    got = numpy_cnn.conv2d(x, w, stride, padding, dilation)
    assert got.shape[0] == cnn.output_side(11, 3, s=stride, p=padding, d=dilation)
    np.testing.assert_allclose(got, _naive_conv(x, w, stride, padding, dilation), rtol=1e-12, atol=1e-12)


def test_max_pool_takes_the_largest_of_each_window():
    x = np.arange(16.0).reshape(4, 4, 1)
    np.testing.assert_array_equal(numpy_cnn.max_pool(x)[..., 0], [[5.0, 7.0], [13.0, 15.0]])
