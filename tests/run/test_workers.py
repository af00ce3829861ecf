"""Worker processes: a pathological identity times out and the run goes on; order is kept; memory is capped."""

import signal

import numpy as np
import sympy as sp
from conftest import make_identity
from qedcheck.checks.run.workers import IdentityRef, WorkerLimits, WorkerPool, verify_in_workers, wall_limit
from qedcheck.checks.runner import RunSettings
from qedcheck.derivations import by_name
from qedcheck.results import Verdict

x, y = sp.symbols("x y", real=True)
_base = x + y + 1
# True, but every strategy starts by expanding a degree-400 polynomial in two variables.
PATHOLOGICAL = make_identity(_base**400, _base**399 * x + _base**399 * (y + 1), [x, y], name="pathological",
                             sample={"x": (-0.5, 0.5), "y": (-0.5, 0.5)})
QUICK = make_identity((x + 1) ** 2, x**2 + 2 * x + 1, [x], name="square")
WRONG = make_identity(sp.exp(x + y), sp.exp(x) + sp.exp(y), [x, y], name="exp_add_wrong")


def _stubborn(x):
    """A NumPy side that blocks the in-process alarm and never returns: only a kill stops it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    while True:
        pass


def test_a_pathological_identity_reports_timeout_and_the_run_goes_on():
    results = verify_in_workers((PATHOLOGICAL, QUICK), RunSettings(timeout=0.5), jobs=2)
    assert [r.name for r in results] == ["pathological", "square"]
    assert results[0].verdict is Verdict.TIMEOUT and not results[0].ok
    assert "expand-cancel" in results[0].tried
    assert results[1].verdict is Verdict.PROVED


def test_a_worker_over_its_wall_limit_is_killed_and_reports_timeout():
    stuck = make_identity(x, x, [x], name="stuck", numpy_lhs=_stubborn, numpy_rhs=lambda x: x)
    results = verify_in_workers((stuck, QUICK), RunSettings(timeout=0.2), jobs=1, limits=WorkerLimits(margin=1.0))
    assert results[0].verdict is Verdict.TIMEOUT
    assert "killed" in results[0].message
    assert results[1].verdict is Verdict.PROVED


def test_results_come_back_in_input_order_and_match_the_in_process_verdicts(catalogue_results):
    chosen = [by_name()[n] for n in ("softmax_add_const", "relu_deriv", "abs_not_differentiable_at_zero",
                                      "softplus_sub_softplus_neg")]
    results = verify_in_workers(chosen + [WRONG], RunSettings(), jobs=2)
    assert [r.name for r in results] == [i.name for i in chosen] + ["exp_add_wrong"]
    for result in results[:-1]:
        expected = catalogue_results[result.name]
        assert (result.verdict, result.ok, result.strategy, result.links) == (
            expected.verdict, expected.ok, expected.strategy, expected.links)
    assert results[-1].verdict is Verdict.REFUTED and results[-1].counterexample is not None


def test_exhausting_the_memory_cap_is_an_error_that_names_the_cap():
    hungry = make_identity(x, x, [x], name="hungry", numpy_lhs=lambda x: x + 0 * np.ones(2**31).sum(),
                           numpy_rhs=lambda x: x)
    results = verify_in_workers((hungry, QUICK), RunSettings(), jobs=2, limits=WorkerLimits(memory=2**30))
    assert results[0].verdict is Verdict.ERROR
    assert "memory cap of 1 GiB" in results[0].message
    assert results[1].verdict is Verdict.PROVED


def test_the_wall_limit_grows_with_the_links_checked():
    jacobian = by_name()["softmax_jacobian_eq_diag_sub_outer"]
    assert wall_limit(QUICK, 10, 30) == 40
    assert wall_limit(jacobian, 10, 30) > 40


def test_catalogue_refs_resolve_by_name_without_the_inherited_table():
    assert IdentityRef("catalogue", "relu_deriv").resolve({}) is by_name()["relu_deriv"]


def test_identities_made_after_the_workers_were_forked_are_still_checked():
    with WorkerPool(RunSettings(), jobs=2) as pool:
        pool.submit(0, QUICK)
        early = pool.ready()  # forks the workers: they know only QUICK
        later = make_identity(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1), [x], name="pythagoras")
        pool.submit(1, later)
        pool.submit(2, WRONG)
        results = dict(early + list(pool.results()))
    assert sorted(results) == [0, 1, 2]
    assert [results[k].verdict for k in range(3)] == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_what_a_killed_worker_had_queued_is_checked_by_another():
    stuck = make_identity(x, x, [x], name="stuck", numpy_lhs=_stubborn, numpy_rhs=lambda x: x)
    with WorkerPool(RunSettings(timeout=0.2), jobs=1, limits=WorkerLimits(margin=1.0)) as pool:
        pool.submit(0, stuck)
        pool.submit(1, QUICK)
        queued = pool.ready()  # one worker, two identities sent ahead: QUICK waits behind the stuck one
        results = dict(queued + list(pool.results()))
    assert results[0].verdict is Verdict.TIMEOUT and results[1].verdict is Verdict.PROVED
