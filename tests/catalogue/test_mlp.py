"""Question d: every gradient and shape of the sine network, the homework's wrong steps found as errata,
and false gradients refuted."""

import numpy as np
import pytest
import sympy as sp
from conftest import make_identity
from qedcheck.checks.runner import RunSettings, verify_identity
from qedcheck.derivations import catalogue, mlp, mlp_checks, mlp_steps
from qedcheck.derivations import mlp_network as net_sym
from qedcheck.derivations import numpy_mlp as npm
from qedcheck.identity import Expect
from qedcheck.results import Verdict

GRADIENTS = [identity.name for identity in mlp.GRADIENT_IDENTITIES]
STEPS = [mlp_steps.grad_output_act_steps, mlp_steps.grad_w2_b2_steps, mlp_steps.grad_hidden_steps,
         mlp_steps.grad_hidden_act_steps, mlp_steps.grad_w1_b1_steps, mlp_steps.grad_w1_b1_matrix_steps,
         mlp_steps.grad_input_steps]


def test_every_item_of_question_d_is_covered():
    assert {i.source for i in mlp.IDENTITIES} == {f"Qd({item})" for item in "abcdefghijklmnop"}


def test_catalogue_is_in_homework_order():
    questions = [i.source.split("(")[0] for i in catalogue()]
    first = {q: questions.index(q) for q in ("Q1", "Q3", "Qd")}
    last = {q: len(questions) - 1 - questions[::-1].index(q) for q in ("Q1", "Q3", "Qd")}
    assert last["Q1"] < first["Q3"] and last["Q3"] < first["Qd"]


@pytest.mark.parametrize("name", [i.name for i in mlp.IDENTITIES])
def test_question_d_identity_is_proved(name, catalogue_results):
    result = catalogue_results[name]
    assert result.ok, result.message
    assert result.verdict is Verdict.PROVED


@pytest.mark.parametrize("name", GRADIENTS)
def test_gradient_is_proved_at_both_sizes_for_every_class(name, catalogue_results):
    identity = {i.name: i for i in mlp.GRADIENT_IDENTITIES}[name]
    assert "(2, 3, 2), (3, 2, 4), every class y (6 cases" in identity.notes[0]
    result = catalogue_results[name]
    assert result.verdict is Verdict.PROVED and result.numeric.agrees
    assert result.numeric.finite_difference_max_rel_err < 1e-6
    assert "d = 784, d_h = 64, m = 10 (40 of" in result.numeric.message or "(10 of 10" in result.numeric.message
    assert "NumPy backward vs SymPy" in result.numeric.message


def _refuted(target, wrong, sizes=((2, 2, 2),)):
    lhs, rhs, _ = net_sym.stacked_claim(target, sizes=sizes, wrong=wrong)
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
    return verify_identity(make_identity(lhs, rhs, symbols, expect=Expect.FAILS), RunSettings(timeout=2))


@pytest.mark.parametrize(("target", "wrong"), [("oa", "neg_g"), ("ha", "no_cos"), ("x", "no_transpose")])
def test_wrong_gradients_are_refuted(target, wrong):
    result = _refuted(target, wrong)
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample is not None


def test_a_transpose_missing_at_a_non_square_size_is_a_shape_error():
    net = net_sym.network(2, 3, 2)
    with pytest.raises(sp.ShapeError):
        net.W2 * net_sym.closed_forms(net, 0, "x")["oa"]


def test_wrong_backward_pass_is_caught_by_finite_differences(monkeypatch):
    right = npm.backward

    def without_cos(params, cache, y):
        grads = right(params, cache, y)
        g_ha = params["W2"].T @ grads["oa"]  # the cos(hᵃ) factor dropped
        return {**grads, "ha": g_ha, "W1": np.outer(g_ha, cache["x"])}

    monkeypatch.setattr(npm, "backward", without_cos)
    mlp_checks._realistic.cache_clear()
    try:
        outcome = mlp_checks.finite_difference("W1")(7)
        assert not outcome.agrees and outcome.finite_difference_max_rel_err > 1e-3
        assert not mlp_checks.symbolic_vs_numpy("ha")(7).agrees
    finally:
        mlp_checks._realistic.cache_clear()


@pytest.mark.parametrize("identity", STEPS, ids=lambda i: i.name)
def test_written_steps_hold_or_are_known_errata(identity, catalogue_results):
    result = catalogue_results[identity.name]
    assert all(link.ok for link in result.links)
    assert all(e.found and e.corrected_holds for e in result.errata)


def test_the_homeworks_mlp_mistakes_are_listed(catalogue_results):
    findings = [e for i in STEPS for e in catalogue_results[i.name].errata]
    assert len(findings) == 8
    messages = " ".join(e.message for e in findings)
    for mistake in ("−1/oˢ − onehot(y)", "lost its minus sign", "not by ① = h^s_j", "k and j swapped",
                    "the factor ∂L/∂hᵃ_k is dropped", "written as ∂L/∂W⁽¹⁾"):
        assert mistake in messages


def test_a_wrong_shape_claim_is_refuted():
    claimed = dict(mlp._CLAIMED_GRADIENT_SHAPES, W1=(mlp.d, mlp.dh))  # rows and columns swapped
    identity = make_identity(mlp._shape_rows(mlp._GRADIENT_SHAPES.values()), mlp._shape_rows(claimed.values()),
                             (mlp.d, mlp.dh, mlp.m), expect=Expect.FAILS)
    assert verify_identity(identity).verdict is Verdict.REFUTED


def test_shapes_match_the_numpy_model(catalogue_results):
    message = catalogue_results["mlp_grad_shapes"].numeric.message
    assert "64×784" in message and "= claimed" in message


def test_parameter_count_matches_the_numpy_model(catalogue_results):
    result = catalogue_results["param_card_eq_mul_add_mul"]
    assert "50890 = claimed 50890" in result.numeric.message
    assert npm.parameter_count(npm.init(784, 64, 10, 0)) == 64 * 785 + 10 * 65


def test_a_gradient_step_lowers_the_risk(catalogue_results):
    result = catalogue_results["gradient_step_deriv_eq_neg_sq_norm"]
    assert result.numeric.agrees and "R̂" in result.numeric.message


def test_numpy_backward_matches_finite_differences_on_every_coordinate_at_small_size():
    params = npm.init(3, 4, 5, 11)
    x, y = np.random.default_rng(1).standard_normal(3), 2
    grads = npm.backward(params, npm.forward(params, x, y), y)
    for name in npm.PARAMETERS:
        array = params[name]
        fd = [npm.central_difference(lambda: npm.loss_of(params, x, y), array, c) for c in range(array.size)]
        np.testing.assert_allclose(grads[name].reshape(-1), fd, rtol=1e-6, atol=1e-9)


def test_show_explains_an_mlp_erratum(capsys):
    from qedcheck.cli import main

    assert main(["show", "chain_grad_w1_b1_eq_upstream_mul_input"]) == 0
    out = capsys.readouterr().out
    assert "k and j swapped" in out and "refuted (expected)" in out and "(holds)" in out


def test_output_gradient_is_proved_for_every_number_of_classes(catalogue_results):
    assert catalogue_results["neg_log_softmax_partial_eq_softmax_sub_delta"].scope == "all n"


def test_onehot_minus_softmax_is_refuted_for_the_entry_form():
    import dataclasses

    right = mlp.loss_grad_output_act_all_m
    wrong = dataclasses.replace(right, name="wrong_sign", rhs=-right.rhs, expect=Expect.FAILS,
                                numpy_rhs=lambda x: np.eye(len(x)) - npm_softmax_columns(x))
    assert verify_identity(wrong).verdict is Verdict.REFUTED


def npm_softmax_columns(x):
    from qedcheck.derivations import numpy_impl as npi

    return npi.softmax(x)[:, None]
