"""Every catalogue statement renders: no control character, and the project's own LaTeX reader reads it.

A statement written in a non-raw string loses its backslash escapes silently: `"\\frac"` without the
`r` prefix is a form feed followed by "rac", which GitHub shows as "rac{…}" (it happened to
`neg_log_softmax_partial_eq_softmax_sub_delta`). The control-character test catches every such escape
(`\\f`, `\\t`, `\\b`, `\\a`, `\\v`, `\\r`, `\\n` inside one line) in every string of every identity.

The reader test takes each statement apart the way a reader of the report would: the annotations after
`\\quad` or `\\Rightarrow` are prose, spacing commands are dropped, `\\tfrac` is `\\frac`, and the
claim's sides are split at top-level `=`, `,`, `<`, `>`. Each side must parse with
`readers.latex.parse_latex_expression`, every name declared (a real symbol, or one of the statements'
own function names). Notation the reader cannot read yet is listed below, by reason; the list is
strict, so a statement that starts parsing must leave it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy as sp
from qedcheck.derivations import catalogue
from qedcheck.readers.expression import RESERVED, ExpressionError, UserFunction
from qedcheck.readers.latex import LATEX_FUNCTIONS, parse_latex_expression

ROOT = Path(__file__).resolve().parents[2]
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Names the reader knows as functions (\sigma, \operatorname{softplus}, …) are never symbols here.
FUNCTION_NAMES = frozenset(RESERVED) | frozenset(LATEX_FUNCTIONS) | {"sigma", "softmax", "S", "diag", "onehot",
                                                                      "R", "L"}

# Notation the project's LaTeX reader cannot read yet -> the statements that use it.
READER_CANNOT_YET: dict[str, tuple[str, ...]] = {
    "\\lim (limits)": ("relu_not_differentiable_at_zero", "abs_not_differentiable_at_zero",
                      "softmax_mul_tendsto_onehot"),
    "\\Rightarrow and a prime on a symbol (k') in a kernel-size statement": ("kernel_side_p0_d1_eq_59",
                                                                        "kernel_side_p1_d2_eq_31",
                                                                        "kernel_side_p1_d1_eq_61"),
    "\\sum (sums)": ("loss_eq_neg_log_softmax", "chain_grad_hidden_eq_sum_upstream_mul_w2",
                     "chain_grad_input_eq_sum_upstream_mul_w1"),
    "\\hat R (accents)": ("empirical_risk_eq_mean_loss", "gradient_step_deriv_eq_neg_sq_norm"),
    "\\partial of an entry (S(x)_i)": ("softmax_partial_eq_mul_delta_sub_mul",),
    "a shape list (m\\times 1)": ("mlp_grad_shapes",),
    "primes applied to an expression (\\sigma'(x))": ("sigmoid_deriv",),
    "\\begin{cases} / \\max(0, x) split at the comma": ("relu_deriv",),
    "\\mathbb{1} (indicators)": ("sign_eq_indicator_sub_indicator",),
    "\\nabla and norms \\|x\\| (vectors, issue 12)": ("grad_sq_norm_eq_two_mul", "grad_l1_norm_eq_sign"),
    "\\top and \\odot (matrix notation, issue 12)": (
        "softmax_jacobian_eq_diag_sub_outer", "sigmoid_vjp_eq_mul", "softmax_vjp_eq_mul_sub",
        "chain_grad_output_act_eq_softmax_sub_onehot", "loss_grad_w2_eq_grad_output_act_mul_hidden_transpose",
        "loss_grad_hidden_eq_w2_transpose_mul", "loss_grad_hidden_act_eq_mul_cos",
        "chain_grad_w1_eq_upstream_mul_input_transpose", "loss_grad_w1_eq_grad_hidden_act_mul_input_transpose",
        "loss_grad_input_eq_w1_transpose_mul", "loss_grad_w2_matrix_all_sizes", "loss_grad_w1_matrix_all_sizes",
        "loss_grad_b1_matrix_all_sizes"),
    "\\in \\mathbb{R}^{…} (shapes, issue 12)": ("mlp_hidden_layer_shapes", "mlp_output_layer_shapes"),
    "\\text{…} prose inside a claim": ("conv2_weight_card_eq_2400",),
    "\\ (a space) between a claim and its parenthesised remark": ("softmax_pos_and_sum_eq_one",),
}
CANNOT_YET = {name: reason for reason, names in READER_CANNOT_YET.items() for name in names}


class _EveryName(dict):
    """Every name that is not a function is a declared real symbol: a statement's letters are its
    variables. (A name that is both would be ambiguous, and the reader says so.)"""

    def __contains__(self, name) -> bool:
        # \sigma is the sigmoid in the statements: a name that is both a symbol and a function is
        # ambiguous to the reader (an input error), so it is not declared as a symbol here.
        return isinstance(name, str) and name not in FUNCTION_NAMES

    def __getitem__(self, name: str) -> sp.Symbol:
        return sp.Symbol(name, real=True)


_T, _U = sp.Dummy("t"), sp.Dummy("u")
# The statements' own function names, declared as a user would in [functions].
STATEMENT_FUNCTIONS = {
    **{name: UserFunction(name, (_T,), sp.Function(name)(_T))
       for name in ("S", "softmax", "diag", "onehot", "R")},
    "L": UserFunction("L", (_T, _U), sp.Function("L")(_T, _U)),
}


def claim_sides(statement: str) -> list[str]:
    prose = re.compile(r"\\q?quad|\\;?\s*\\Rightarrow|\\ \\Rightarrow")  # remarks and conclusions
    text = prose.split(statement)[0].replace(r"\tfrac", r"\frac")
    for spacing in (r"\,", r"\!", r"\;", r"\Big", r"\big"):
        text = text.replace(spacing, "")
    sides, current, depth = [], "", 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and char in "=,<>":
            sides.append(current)
            current = ""
        else:
            current += char
    sides.append(current)
    return [side for side in sides if side.strip()]


def reads(statement: str) -> str | None:
    """None when every side of `statement` parses; otherwise the reader's message."""
    for side in claim_sides(statement):
        try:
            parse_latex_expression(side, _EveryName(), STATEMENT_FUNCTIONS)
        except ExpressionError as failure:
            return f"{side.strip()!r}: {failure}"
    return None


IDENTITIES = catalogue()


def _strings(identity) -> list[tuple[str, str]]:
    found = [("statement", identity.statement), ("source", identity.source)]
    found += [("note", note) for note in identity.notes]
    for erratum in identity.errata:
        found.append(("erratum message", erratum.message))
        found += [("correction", correction.written) for correction in erratum.corrections]
    found += [("written step", text) for derivation in identity.derivations for text in derivation.written]
    return found


def test_no_string_of_any_identity_contains_a_control_character():
    damaged = [f"{identity.name} {what}: {text!r}" for identity in IDENTITIES
               for what, text in _strings(identity) if CONTROL.search(text)]
    assert not damaged


def test_the_light_index_has_no_control_character_either():
    index = json.loads((ROOT / "derivations" / "index.json").read_text(encoding="utf-8"))
    damaged = [entry["name"] for entry in index["identities"] if CONTROL.search(entry["statement"])]
    assert not damaged


def test_every_statement_has_balanced_braces_and_math_delimiters():
    for identity in IDENTITIES:
        text = identity.statement.replace(r"\{", "").replace(r"\}", "")
        depth = 0
        for char in text:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, identity.name
        assert depth == 0, identity.name
        assert "$" not in identity.statement, f"{identity.name}: statements are math already, no $"


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda identity: identity.name)
def test_every_statement_parses_with_the_projects_latex_reader(identity):
    problem = reads(identity.statement)
    if identity.name in CANNOT_YET:
        assert problem is not None, (f"{identity.name} now parses: remove it from READER_CANNOT_YET "
                                     f"({CANNOT_YET[identity.name]})")
    else:
        assert problem is None, f"{identity.name}: {problem}"


def test_the_allow_list_names_catalogue_identities_once():
    listed = [name for names in READER_CANNOT_YET.values() for name in names]
    assert len(listed) == len(set(listed))
    assert set(listed) <= {identity.name for identity in IDENTITIES}


def test_a_statement_in_a_non_raw_string_is_caught():
    from conftest import make_identity

    # What "\frac{1}{2} = x (\text{all } x)" becomes without the r prefix.
    lost = make_identity(sp.S.Zero, sp.S.Zero, [], statement="\x0crac{1}{2} = x (\x09ext{all } x)")
    damaged = [what for what, text in _strings(lost) if CONTROL.search(text)]
    assert damaged == ["statement"]
    # The reader alone would not notice: it reads "rac{1}{2}" as three letters and a group.
    assert reads("rac{1}{2} = x") is None
    assert reads(r"\frac{1}{2} = x") is None
