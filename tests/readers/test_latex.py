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


# --- notation: subscripts, Greek letters, primes, higher derivatives, [notation] ---------------------

lam, mu, w1, zi, y = (sp.Symbol(n, real=True) for n in ("lambda", "mu", "w_1", "z_i", "y"))
NOTATION_SYMBOLS = {"x": x, "y": y, "lambda": lam, "mu": mu, "w_1": w1, "z_i": zi}


@pytest.mark.parametrize("latex, expected", [
    (r"w_1 + z_{i}", w1 + zi),
    (r"\lambda x + \mu", lam * x + mu),
    (r"\lambda(x + 1)", lam * (x + 1)),  # a symbol before parentheses multiplies
    (r"\sigma'(x)", sp.Derivative(1 / (1 + sp.exp(-x)), x)),
    (r"\frac{d^2}{dx^2} x^3", sp.Derivative(x**3, (x, 2))),
    (r"\sigma^2(x)", (1 / (1 + sp.exp(-x)))**2),
    (r"\tanh^{2}(x)", sp.tanh(x)**2),
])
def test_latex_notation_reads_as_written(latex, expected):
    assert parse_latex_expression(latex, NOTATION_SYMBOLS) == expected


def test_primes_and_partial_derivatives_of_user_functions():
    from qedcheck.readers.expression import UserFunction

    t, u = sp.Dummy("x", real=True), sp.Dummy("y", real=True)
    functions = {"f": UserFunction("f", (t, u), t**2 * u**3), "g": UserFunction("g", (t,), t**3)}
    assert parse_latex_expression(r"g''(x)", NOTATION_SYMBOLS, functions) == sp.Derivative(x**3, (x, 2))
    mixed = parse_latex_expression(r"\frac{\partial^2 f}{\partial x\,\partial y}", NOTATION_SYMBOLS, functions)
    assert mixed.doit() == 6 * x * y**2
    with pytest.raises(ExpressionError, match="order 2 but 1 variables"):
        parse_latex_expression(r"\frac{\partial^2 f}{\partial x}", NOTATION_SYMBOLS, functions)


def test_a_declared_symbol_never_silently_becomes_the_function_of_the_same_name():
    sigma = sp.Symbol("sigma", real=True)
    symbols = {"x": x, "sigma": sigma}
    with pytest.raises(ExpressionError, match=r"ambiguous.*\\sigma \\cdot.*\[notation\]"):
        parse_latex_expression(r"\sigma(x)", symbols)
    assert parse_latex_expression(r"\sigma \cdot (x)", symbols) == sigma * x
    assert parse_latex_expression(r"\sigma(x)", symbols, notation={r"\sigma": "sigma"}) == sigma * x
    as_function = parse_latex_expression(r"\sigma(x) + \sigma", symbols, notation={r"\sigma": "sigmoid"})
    assert as_function == 1 / (1 + sp.exp(-x)) + sigma


@pytest.mark.parametrize("latex, message", [
    (r"1_{x>0}", "subscript on a number"),  # the ANTLR reader alone reads this as 1
    (r"\cancel{x}", r"cannot read `\\cancel`"),
    (r"x^\top", r"cannot read `\\top`"),  # not the symbol 'top'
    (r"\vdots", r"cannot read `\\vdots`"),
    (r"\sigma", "is the function sigmoid"),
])
def test_notation_the_reader_would_misread_is_refused_by_name(latex, message):
    with pytest.raises(ExpressionError, match=message):
        parse_latex_expression(latex, SYMBOLS)


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


def test_identity_files_take_the_same_notation_table(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text("[notation]\n'\\text{Softplus}' = \"softplus\"\n'\\sigma' = \"sigma\"\n"
                    "[[identity]]\nname = \"odd_part\"\nsymbols = { x = \"real\", sigma = \"positive\" }\n"
                    "lhs_latex = '\\text{Softplus}(x) - \\text{Softplus}(-x)'\nrhs_latex = 'x'\n"
                    "[[identity]]\nname = \"product\"\nsymbols = { x = \"real\", sigma = \"positive\" }\n"
                    "lhs_latex = '\\sigma(x + 1)'\nrhs_latex = '\\sigma x + \\sigma'\n")
    loaded = load_identity_file(path)
    assert loaded.errors == () and all(not i.error for i in loaded.identities)
    results = verify_all(loaded.identities, RunSettings()).results
    assert [r.verdict.value for r in results] == ["proved", "proved"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[notation]\n'\\frac{a}{b}' = \"x\"\n[[identity]]\nname = \"a\"\nlhs = \"1\"\nrhs = \"1\"\n")
    assert any("[notation]" in e and "one command" in e for e in map(str, load_identity_file(bad).errors))


@pytest.mark.parametrize("latex, message", [
    # The ANTLR reader substitutes, then differentiates: this would read as d/dx 1 = 0 and refute 2.
    (r"\frac{d}{dx} x^2 |_{x=1}", "evaluation bar"),
    (r"\left.\frac{d}{dx} x^2\right|_{x=1}", "evaluation bar"),
    # It differentiates x^2 only; many authors mean the sum: refused rather than guessed.
    (r"\frac{d}{dx} x^2 + x", "scope of `\\\\frac{d}{dx}` is ambiguous"),
    (r"\frac{d}{dx}(x + 1)^2 - 1", "ambiguous"),
])
def test_derivative_notation_that_could_be_misread_is_refused(latex, message):
    with pytest.raises(ExpressionError, match=message):
        parse_latex_expression(latex, SYMBOLS)


def test_a_grouped_derivative_operand_is_read():
    assert parse_latex_expression(r"\frac{d}{dx}(x^2) + x", SYMBOLS) == sp.Derivative(x**2, x) + x
    assert parse_latex_expression(r"\frac{d}{dx}\left(x^2 + x\right)", SYMBOLS) == sp.Derivative(x**2 + x, x)


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


@pytest.mark.parametrize("latex, message", [
    (r"x^{200} \cdot x^{200}", "makes the exponent 400"),
    (r"(x^{200})^{200}", "makes the exponent 40000"),
    (r"x \cdot 10^{256} \cdot 10^{256} \cdot 10^{256} \cdot 10^{256}", "digits"),
    ("1" * 150 + "x", "more than 100 digits"),
])
def test_latex_limits_hold_after_sympy_merges(latex, message):
    with pytest.raises(ExpressionError, match=message):
        parse_latex_expression(latex, SYMBOLS)


# --- functions by cases (issue 13) ---------------------------------------------------------------------

@pytest.mark.parametrize("latex, expected", [
    (r"\begin{cases} 0, & x < 0 \\ x, & x \geq 0 \end{cases}", sp.Piecewise((0, x < 0), (x, True))),
    (r"\begin{cases} 1 & \text{if } 0 < x \\ -1 & \text{otherwise} \end{cases}", sp.Piecewise((1, x > 0), (-1, True))),
    (r"2 \begin{cases} x, & x \leq 1 \\ 1, & x > 1 \end{cases} + 1",
     2 * sp.Piecewise((x, x <= 1), (1, True)) + 1),
])
def test_a_function_by_cases_is_a_piecewise(latex, expected):
    built = parse_latex_expression(latex, SYMBOLS)
    assert sp.simplify(built - expected) == 0
    for point in (-2, 0, sp.Rational(1, 2), 1, 3):
        assert built.subs(x, point) == expected.subs(x, point)


@pytest.mark.parametrize("latex, message", [
    (r"\begin{cases} 1, & x > 0 \\ -1, & x < 0 \end{cases}", "leave values uncovered"),  # the value at 0?
    (r"\begin{cases} 1, & x \geq 0 \\ 2, & x \leq 0 \end{cases}", "overlap"),  # 1 or 2 at 0?
    (r"\begin{cases} 1, & x^2 > 1 \\ 0, & \text{otherwise} \end{cases}", "cannot read the case condition"),
    (r"\begin{cases} 1, & \text{otherwise} \\ 0, & x > 0 \end{cases}", "must be the last"),
    (r"\begin{cases} 1 \\ 0 \end{cases}", "value, & condition"),
])
def test_cases_that_are_not_a_function_without_doubt_are_refused(latex, message):
    with pytest.raises(ExpressionError, match=message):
        parse_latex_expression(latex, SYMBOLS)


@pytest.mark.parametrize("latex", [
    r"\frac{d}{dx}\left(x^{2}\right) + \sigma(x)(1-\sigma(x))",
    r"\ln\left(\frac{e^x(1+e^{-x})}{1+e^x}\right)",
    r"\frac{1}{2}(\tanh\left(\frac{x}{2}\right) + 1)",
    r"((28 - 2 + 2(0)) / 2) + 1",
    r"-1 \times (1+e^{-x})^{-2} \times e^{-x} \times (-1)",
    r"\frac{\partial^2 f}{\partial x \partial y}", r"x^{n-1} n", r"\max(0, x) - |x|", r"a < b",
    r"\frac{e^{\frac{x}{2}}}{e^{\frac{x}{2}} \left(1 + \frac{e^{-\frac{x}{2}}}{e^{\frac{x}{2}}}\right)}",
])
def test_the_two_stage_parse_builds_sympys_tree(latex):
    """SLL prediction first (readers/latex.py) gives the tree SymPy's own parse_latex gives."""
    from qedcheck.readers.latex import _two_stage_parse
    from sympy.parsing.latex import parse_latex

    assert sp.srepr(_two_stage_parse(latex)) == sp.srepr(parse_latex(latex, backend="antlr"))
