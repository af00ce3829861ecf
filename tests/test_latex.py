"""LaTeX input: the vocabulary is recognised, and LaTeX and plain forms give the same verdicts."""

import pytest
import sympy as sp
from qedcheck.checks.runner import RunSettings, verify_all
from qedcheck.readers.expression import ExpressionError, parse_expression
from qedcheck.readers.identity_file import load_identity_file
from qedcheck.readers.latex import parse_latex_expression

x = sp.Symbol("x", real=True)
SYMBOLS = {"x": x}


@pytest.mark.parametrize("latex, plain", [
    (r"\frac{1}{1+e^{-x}}", "1/(1 + exp(-x))"),
    (r"\sigma(x)\left(1-\sigma(x)\right)", "sigmoid(x)*(1 - sigmoid(x))"),
    (r"\tanh\left(\frac{x}{2}\right)", "tanh(x/2)"),
    (r"\ln\left(1+e^{x}\right)", "log(1 + exp(x))"),
    (r"\operatorname{softplus}(x)", "softplus(x)"),
    (r"\mathrm{ReLU}(x)", "relu(x)"),
    (r"\max(0, x)", "Max(0, x)"),
    (r"\frac{d}{dx}\sigma(x)", "diff(sigmoid(x), x)"),
    (r"\frac{d}{dx}\left(x^{2}\right)", "diff(x**2, x)"),
    (r"\mathrm{e}^{x} + \pi", "exp(x) + pi"),
    (r"\sqrt{x^2} + |x|", "sqrt(x**2) + Abs(x)"),
])
def test_latex_and_plain_forms_build_the_same_expression(latex, plain):
    assert parse_latex_expression(latex, SYMBOLS) == parse_expression(plain, SYMBOLS)


@pytest.mark.parametrize("latex, message", [
    (r"y + 1", "undeclared symbol 'y'"),
    (r"\foo(x)", "unknown function 'foo'"),
    (r"10^{10^{10}}", "too large"),
    (r"\frac{1}{0}", "undefined"),
    (r"x = 1", "one side per field"),
    (r"\int x\,dx", "not supported"),
    (r"\frac{d}{dy} x", "not a declared symbol"),
    (r"\frac{", "cannot read the LaTeX"),
    ("x" * 3000, "characters"),
    ("", "empty"),
])
def test_bad_latex_gets_the_parsers_error(latex, message):
    with pytest.raises(ExpressionError, match=message):
        parse_latex_expression(latex, SYMBOLS)


PAIRS = [
    ("sigmoid_deriv", r"\frac{d}{dx}\sigma(x)", r"\sigma(x)(1-\sigma(x))",
     "diff(sigmoid(x), x)", "sigmoid(x)*(1 - sigmoid(x))"),
    ("softplus_odd_part", r"\operatorname{softplus}(x) - \operatorname{softplus}(-x)", "x",
     "softplus(x) - softplus(-x)", "x"),
    ("sigmoid_even_wrong", r"\sigma(-x)", r"\sigma(x)", "sigmoid(-x)", "sigmoid(x)"),
    ("relu_deriv_wrong", r"\frac{d}{dx}\mathrm{ReLU}(x)", "1", "diff(relu(x), x)", "1"),
]


def test_latex_and_plain_files_give_the_same_verdicts(tmp_path):
    latex_body, plain_body = "", ""
    for name, ll, lr, pl, pr in PAIRS:
        latex_body += f"[[identity]]\nname = \"{name}\"\nsymbols = {{ x = \"real\" }}\nlhs_latex = '{ll}'\nrhs_latex = '{lr}'\n"
        plain_body += f"[[identity]]\nname = \"{name}\"\nsymbols = {{ x = \"real\" }}\nlhs = \"{pl}\"\nrhs = \"{pr}\"\n"
    (tmp_path / "latex.toml").write_text(latex_body)
    (tmp_path / "plain.toml").write_text(plain_body)
    verdicts = []
    for file in ("latex.toml", "plain.toml"):
        loaded = load_identity_file(tmp_path / file)
        assert loaded.errors == ()
        verdicts.append([(r.name, r.verdict.value) for r in verify_all(loaded.identities, RunSettings()).results])
    assert verdicts[0] == verdicts[1]
    assert dict(verdicts[0]) == {"sigmoid_deriv": "proved", "softplus_odd_part": "proved",
                                 "sigmoid_even_wrong": "refuted", "relu_deriv_wrong": "refuted"}


@pytest.mark.parametrize("latex, expected", [
    (r"x \cdot 1.00000000000000000001", x * sp.Rational(10**20 + 1, 10**20)),
    ("0.99999999999999999999", sp.Rational(10**20 - 1, 10**20)),  # SymPy's Float holds 0.99999999999999999998984…
    ("0.000001", sp.Rational(1, 10**6)),
])
def test_latex_decimals_are_exact_as_written(latex, expected):
    assert parse_latex_expression(latex, SYMBOLS) == expected


# --- issue 11: LaTeX passes the checks plain input passes ----------------------------------------------

@pytest.mark.parametrize("latex, message", [
    (r"\log_{0} x", "base of a logarithm must be a positive number other than 1, not '0'"),
    (r"\log_{1} x", "other than 1, not '1'"),
    (r"\log_{-2} x", "not '-2'"),
    (r"\log_{x} 2", "not 'x'"),
    (r"\infty", r"cannot read `\\infty`"),
    (r"x + \infty", r"cannot read `\\infty`"),
    (r"-\infty", r"cannot read `\\infty`"),
    (r"\sqrt[0]{x}", "complex infinity"),
    (r"\frac{x}{\log 0}", "undefined"),  # log 0 is zoo, and x/zoo would be 0
    (r"\max(x, \sqrt{-1})", "cannot be built"),
])
def test_latex_refuses_what_plain_input_refuses(latex, message):
    with pytest.raises(ExpressionError, match=message):
        parse_latex_expression(latex, SYMBOLS)


def test_plain_input_refuses_a_zoo_that_later_arithmetic_would_hide():
    with pytest.raises(ExpressionError, match="undefined"):
        parse_expression("x/log(0)", SYMBOLS)


def test_a_log_base_zero_claim_is_an_input_error_not_a_proof(tmp_path):
    path = tmp_path / "log.toml"
    path.write_text('[[identity]]\nname = "log_base_zero"\nsymbols = { x = "positive" }\n'
                    'lhs_latex = "\\\\log_{0} x"\nrhs_latex = "\\\\log_{0}(2x)"\n')
    (result,) = verify_all(load_identity_file(path).identities, RunSettings()).results
    assert result.verdict.value == "error" and "field 'lhs_latex': the base of a logarithm" in result.message


def test_a_log_with_a_valid_base_still_reads():
    assert parse_latex_expression(r"\log_{2} x", SYMBOLS) == sp.log(x) / sp.log(2)
