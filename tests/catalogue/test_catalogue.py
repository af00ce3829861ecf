"""Every catalogue identity gets its expected verdict from the real pipeline, and the false variants
of the catalogue are refuted, never proved."""

import numpy as np
import pytest
import sympy as sp
from conftest import make_identity
from qedcheck.checks.runner import verify_identity
from qedcheck.derivations import by_name, catalogue
from qedcheck.derivations import numpy_impl as npi
from qedcheck.derivations.vocabulary import X, i, n, sigmoid, softmax_entry, softplus, x
from qedcheck.identity import NAME_PATTERN, Expect
from qedcheck.results import Verdict

HOMEWORK_Q1 = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"}


def test_every_item_of_question_one_is_covered():
    sources = {identity.source for identity in catalogue()}
    assert {f"Q1({item})" for item in HOMEWORK_Q1} <= sources


def test_names_are_unique_snake_case():
    names = [identity.name for identity in catalogue()]
    assert len(names) == len(set(names))
    assert all(NAME_PATTERN.match(name) for name in names)


@pytest.mark.parametrize("name", [identity.name for identity in catalogue()])
def test_catalogue_identity_meets_its_expectation(name, catalogue_results):
    result = catalogue_results[name]
    assert result.ok, result.message
    expected = Verdict.PROVED if by_name()[name].expect is Expect.HOLDS else Verdict.REFUTED
    assert result.verdict is expected


def test_numeric_side_covers_a_thousand_points(catalogue_results):
    sampled = {i.name for i in catalogue() if i.symbols or i.is_vector}  # exact claims have model checks only
    for result in catalogue_results.values():
        if result.numeric is not None and result.name in sampled:
            assert result.numeric.points >= 1000, result.name


def test_vector_identities_say_for_which_n(catalogue_results):
    assert catalogue_results["softmax_partial_eq_mul_delta_sub_mul"].scope == "all n"
    assert catalogue_results["softmax_vjp_eq_mul_sub"].scope == "all n"
    assert catalogue_results["softmax_mul_tendsto_onehot"].scope == "n ≤ 3"
    assert max(catalogue_results["softmax_add_const"].numeric.sizes) == 1000


def test_softmax_scaling_claim_has_a_counterexample(catalogue_results):
    result = catalogue_results["softmax_mul_const"]
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample is not None


def test_question_e_erratum_is_found_with_its_correction(catalogue_results):
    (erratum,) = catalogue_results["softplus_sub_softplus_neg"].errata
    assert erratum.found and erratum.corrected_holds
    links = catalogue_results["softplus_sub_softplus_neg"].links
    assert [link.verdict for link in links if link.expect == "fails"] == [Verdict.REFUTED, Verdict.REFUTED]
    assert all(link.verdict is Verdict.PROVED for link in links if link.expect == "holds")


def test_softmax_partial_index_typo_is_found(catalogue_results):
    (erratum,) = catalogue_results["softmax_partial_eq_mul_delta_sub_mul"].errata
    assert erratum.found and erratum.corrected_holds


def test_relu_convention_at_zero_is_reported(catalogue_results):
    assert any("convention" in note for note in catalogue_results["relu_deriv"].notes)
    assert catalogue_results["relu_not_differentiable_at_zero"].verdict is Verdict.REFUTED


FALSE_VARIANTS = [
    ("sigmoid_deriv_eq_sq", sp.Derivative(sigmoid(x), x), sigmoid(x) ** 2),
    ("sigmoid_eq_half_tanh_add_one", sigmoid(x), (sp.tanh(x) + 1) / 2),
    ("softplus_sub_softplus_neg_eq_neg", softplus(x) - softplus(-x), -x),
    ("log_sigmoid_eq_neg_softplus", sp.log(sigmoid(x)), -softplus(x)),
    ("sigmoid_deriv_eq_sigmoid", sp.Derivative(sigmoid(x), x), sigmoid(x)),
]


@pytest.mark.parametrize("name, lhs, rhs", FALSE_VARIANTS, ids=[v[0] for v in FALSE_VARIANTS])
def test_false_scalar_variants_are_refuted(name, lhs, rhs):
    result = verify_identity(make_identity(lhs, rhs, [x], name=name))
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample is not None
    assert not result.ok


def test_softmax_of_doubled_input_is_refuted():
    identity = make_identity(
        softmax_entry(X, i, scale=2), softmax_entry(X, i), [], name="softmax_two_mul",
        vectors=(X,), indices=(i,), size=n,
        numpy_lhs=lambda x: npi.softmax(2 * x), numpy_rhs=lambda x: npi.softmax(x),
    )
    result = verify_identity(identity)
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample is not None


def test_wrong_softmax_jacobian_sign_is_refuted():
    identity = make_identity(
        sp.Derivative(softmax_entry(X, i), X[sp.Symbol("j", integer=True, nonnegative=True)]),
        softmax_entry(X, i) * sp.KroneckerDelta(i, sp.Symbol("j", integer=True, nonnegative=True))
        + softmax_entry(X, i) * softmax_entry(X, sp.Symbol("j", integer=True, nonnegative=True)),
        [], name="softmax_jacobian_plus", vectors=(X,),
        indices=(i, sp.Symbol("j", integer=True, nonnegative=True)), size=n,
        numpy_lhs=lambda x: npi.complex_step_jacobian(npi.softmax_analytic, x),
        numpy_rhs=lambda x: np.diag(npi.softmax(x)) + np.outer(npi.softmax(x), npi.softmax(x)),
    )
    assert verify_identity(identity).verdict is Verdict.REFUTED
