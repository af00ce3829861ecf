"""The safe parser: valid expressions build the right SymPy objects; hostile ones are refused, and
refusing them runs nothing."""

import builtins
import re
import string

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qedcheck.derivations.vocabulary import relu, sigmoid, softplus
from qedcheck.readers import expression as parse_expr
from qedcheck.readers.expression import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    ExpressionError,
    UserFunction,
    parse_condition,
    parse_expression,
)
from sympy.parsing import sympy_parser

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", positive=True)
SYMBOLS = {"x": x, "y": y}


def parse(text, functions=None):
    return parse_expression(text, SYMBOLS, functions)


@pytest.mark.parametrize("text, expected", [
    ("x + 1", x + 1),
    ("x**2", x**2),
    ("x^2 + 1", x**2 + 1),  # ^ is power and binds like **
    ("2^3^2", sp.Integer(512)),
    ("-x", -x),
    ("+x", x),
    ("x/2", x / 2),
    ("0.1*x", sp.Rational(1, 10) * x),  # exact: one tenth
    ("pi + E", sp.pi + sp.E),
    ("exp(x) + log(y) + sqrt(y)", sp.exp(x) + sp.log(y) + sp.sqrt(y)),
    ("sin(x) + cos(x) + tan(x)", sp.sin(x) + sp.cos(x) + sp.tan(x)),
    ("sinh(x) + cosh(x) + tanh(x) + atan(x)", sp.sinh(x) + sp.cosh(x) + sp.tanh(x) + sp.atan(x)),
    ("Abs(x) + sign(x) + Heaviside(x)", sp.Abs(x) + sp.sign(x) + sp.Heaviside(x)),
    ("Max(x, 0) + Min(x, y, 1)", sp.Max(x, 0) + sp.Min(x, y, 1)),
    ("sigmoid(x)", sigmoid(x)),
    ("softplus(x)", softplus(x)),
    ("relu(x)", relu(x)),
    ("diff(sigmoid(x), x)", sp.Derivative(sigmoid(x), x)),
    ("diff(x**3, x, 2)", sp.Derivative(x**3, (x, 2))),
])
def test_valid_expressions_build_the_expected_sympy_objects(text, expected):
    assert parse(text) == expected


def test_user_functions_are_substituted_at_each_call():
    t = sp.Dummy("t", real=True)
    softsign = UserFunction("softsign", (t,), t / (1 + sp.Abs(t)))
    assert parse("softsign(2*x)", {"softsign": softsign}) == 2 * x / (1 + sp.Abs(2 * x))


def test_conditions_join_comparisons_with_and_or_parentheses():
    assert parse_condition("x != 0", SYMBOLS) == sp.Ne(x, 0)
    assert parse_condition("x > 0 & y < 1", SYMBOLS) == sp.And(x > 0, y < 1)
    assert parse_condition("(x > 0 & y > 1) | x < -1", SYMBOLS) == sp.Or(sp.And(x > 0, y > 1), x < -1)
    assert parse_condition("0 < x <= 1", SYMBOLS) == sp.And(sp.Lt(0, x), sp.Le(x, 1))
    with pytest.raises(ExpressionError, match="not a comparison"):
        parse_condition("x", SYMBOLS)
    with pytest.raises(ExpressionError, match="unbalanced"):
        parse_condition("(x > 0", SYMBOLS)


def test_unknown_function_suggests_the_closest_name():
    with pytest.raises(ExpressionError, match=r"unknown function 'sigmod' \(did you mean 'sigmoid'\?\)"):
        parse("sigmod(x)")


def test_undeclared_symbol_is_named():
    with pytest.raises(ExpressionError, match="undeclared symbol 'z'"):
        parse("x + z")


SENTINEL_ATTRIBUTE = "QEDCHECK_INJECTED"

# (text, a fragment of the expected message). Each would do harm, or exhaust resources, if evaluated.
MALICIOUS = [
    ("__import__('os').system('touch {sentinel}')", "only named functions"),
    ("__import__('pathlib').Path('{sentinel}').touch()", "only named functions"),
    ("__import__('builtins').setattr(__import__('builtins'), 'QEDCHECK_INJECTED', 1)", "only named functions"),
    ("__import__('os')", "names starting with '_'"),
    ("open('{sentinel}', 'w')", "unknown function 'open'"),
    ("exec('open(\"{sentinel}\", \"w\")')", "unknown function 'exec'"),
    ("eval('1')", "unknown function 'eval'"),
    ("compile('1', 'f', 'eval')", "unknown function 'compile'"),
    ("globals()", "unknown function 'globals'"),
    ("locals()", "unknown function 'locals'"),
    ("getattr(x, '__class__')", "unknown function 'getattr'"),
    ("setattr(x, 'a', 1)", "unknown function 'setattr'"),
    ("breakpoint()", "unknown function 'breakpoint'"),
    ("print(x)", "unknown function 'print'"),
    ("Symbol('x')", "unknown function 'Symbol'"),
    ("sympify('x')", "unknown function 'sympify'"),
    ("x.__class__", "attribute access"),
    ("x.__class__.__mro__[1].__subclasses__()", "only named functions"),
    ("().__class__.__bases__[0]", "subscripts"),
    ("sin.__globals__", "attribute access"),
    ("pi.__class__", "attribute access"),
    ("os.system", "attribute access"),
    ("x[0]", "subscripts"),
    ("x[1:2]", "subscripts"),
    ("lambda: 0", "lambdas"),
    ("(lambda: __import__('os'))()", "only named functions"),
    ("[i for i in x]", "comprehensions"),
    ("{i: i for i in x}", "comprehensions"),
    ("(i for i in x)", "comprehensions"),
    ("{x, 1}", "sets"),
    ("[x]", "lists"),
    ("(x, 1)", "tuples"),
    ("{'a': 1}", "dicts"),
    ("'abc'", "strings"),
    ("b'abc'", "strings"),
    ("f'{{x}}'", "strings"),
    ("x if x else 1", "conditional"),
    ("(z := 1)", "assignments"),
    ("*x", "invalid syntax"),
    ("sin(*[x])", "starred"),
    ("sin(x=1)", "keyword arguments"),
    ("x and 1", "'and'/'or'"),
    ("not x", "operator"),
    ("~x", "operator"),
    ("x @ x", "operator"),
    ("x % 2", "operator"),
    ("x // 2", "operator"),
    ("x << 2", "operator"),
    ("x & 1", "joins comparisons"),
    ("x == 1", "comparisons belong in 'where'"),
    ("import os", "invalid syntax"),
    ("x; import os", "invalid syntax"),
    ("await x", "'await' is not allowed"),
    ("yield x", "invalid syntax"),
    ("10**10**10", "too large"),
    ("9**9**9**9", "too large"),
    ("2**1000000", "too large"),
    ("x**100000", "too large"),
    ("(10**99)**99", "digits"),
    ("2^2^2^2^2", "too large"),
    ("(" * 500 + "x" + ")" * 500, "nest"),
    ("-" * 100 + "x", "nested more than"),
    ("sin(" * 60 + "x" + ")" * 60, "nested more than"),
    ("x+" * 1200 + "x", "characters (at most"),
    ("1" * 200, "digits"),
    ("1e1001", "exponent of .1e1001. is too large"),
    ("1." + "0" * 120, "digits"),
    ("1j", "complex constants"),
    ("True", "bool constants"),
    ("None", "NoneType constants"),
    ("...", "ellipsis constants"),
    ("x\x00", "NUL"),
    ("", "empty"),
    ("   ", "empty"),
    ("diff(x, 1)", "declared symbol"),
    ("diff(x, x, 100)", "diff order"),
    ("diff(x, x, x)", "diff order"),
    ("1/0", "undefined"),
    ("_x", "names starting with '_'"),
    ("x(1)", "is a symbol, not a function"),
    ("sigmoid", "is a function"),
    ("sigmoid(x, x)", "takes 1 argument"),
    ("Max(x)", "takes 2 to 16"),
]


def test_the_corpus_is_large():
    assert len(MALICIOUS) >= 50


@pytest.fixture
def no_eval(monkeypatch):
    """Record every eval/exec/parse_expr call; the parser must make none with user text."""
    calls = []
    for owner, name in ((builtins, "eval"), (builtins, "exec"), (sympy_parser, "parse_expr"),
                        (sp, "parse_expr"), (sp, "sympify")):
        original = getattr(owner, name)

        def recorder(*args, _original=original, **kwargs):
            calls.append(args)
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, recorder)
    return calls


@pytest.mark.parametrize("template, message", MALICIOUS)
def test_malicious_input_is_refused_with_a_clear_message_and_runs_nothing(template, message, tmp_path, no_eval):
    sentinel = tmp_path / "pwned"
    text = template.replace("{sentinel}", str(sentinel))
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse(text)
    assert not sentinel.exists()
    assert not hasattr(builtins, SENTINEL_ATTRIBUTE)
    assert not any(text in str(arg) for call in no_eval for arg in call)


def test_the_sentinel_would_have_caught_an_executed_injection(tmp_path):
    """The no-side-effect check is real: evaluating the same text with Python does create the file."""
    sentinel = tmp_path / "pwned"
    eval(f"__import__('pathlib').Path({str(sentinel)!r}).touch()")  # trusted text, in the test only
    assert sentinel.exists()


def test_limits_are_named_constants():
    assert MAX_LENGTH >= 1000 and MAX_DEPTH >= 20 and MAX_EXPONENT >= 100
    assert parse("x**256") == x**256


ALPHABET = string.ascii_letters[:10] + "xy0123456789+-*/^().,_ '\"[]{}:=<>!&|~@%" + "\\\x00é"
WORDS = st.sampled_from(["x", "y", "sin", "exp", "log", "diff", "Max", "sigmoid", "__import__", "pi", "E",
                         "**", "^", "(", ")", ",", "1e308", "0", ".", "lambda", "[", "]", "'s'", "-", "/"])


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), st.text(alphabet=ALPHABET, max_size=80),
                 st.lists(WORDS, max_size=30).map("".join)))
def test_random_strings_parse_or_raise_the_parsers_own_error(text):
    try:
        result = parse(text)
    except ExpressionError:
        return
    assert isinstance(result, sp.Basic)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.one_of(st.text(max_size=60), st.lists(WORDS | st.sampled_from(["<", ">", "!=", "&", "|"]),
                                                 max_size=20).map("".join)))
def test_random_conditions_parse_or_raise_the_parsers_own_error(text):
    try:
        result = parse_condition(text, SYMBOLS)
    except ExpressionError:
        return
    assert isinstance(result, sp.Basic)


def test_module_exports_its_error_type():
    assert issubclass(parse_expr.ExpressionError, ValueError)


# --- decimals exactly as written (issue 11): a float64 in between would prove these false claims ----------

@pytest.mark.parametrize("text, expected", [
    ("x*1.00000000000000000001", x * sp.Rational(10**20 + 1, 10**20)),
    ("0.99999999999999999999", sp.Rational(10**20 - 1, 10**20)),
    ("x + 1e-400", x + sp.Rational(1, 10**400)),
    ("x*2.00000000000000000001", x * sp.Rational(2 * 10**20 + 1, 10**20)),
])
def test_decimal_literals_are_exact_from_the_source_text(text, expected):
    assert parse(text) == expected


def test_decimals_are_exact_in_conditions_and_function_bodies():
    assert parse_condition("x > 1e-400", SYMBOLS) == (x > sp.Rational(1, 10**400))
    t = sp.Dummy("t", real=True)
    body = parse_expression("t*1.00000000000000000001", {"t": t})
    scaled = UserFunction("scaled", (t,), body)
    assert parse("scaled(x)", {"scaled": scaled}) == x * sp.Rational(10**20 + 1, 10**20)


def test_numbers_built_by_arithmetic_stay_within_the_digit_limit():
    assert parse("10**256*10**256*x") == sp.Integer(10) ** 512 * x  # 513 digits: allowed
    with pytest.raises(ExpressionError, match="digits"):
        parse("x*10**256*10**256*10**256*10**256")


@pytest.mark.parametrize("text, hint", [
    ("lambda*x", "'lambda' is a Python keyword"),
    ("e^(-x)", "e^(…) is written exp(…)"),
    ("2x", "'2*x…' instead of '2x…'"),
    ("2.5 x + 1", "'2.5*x…' instead of '2.5x…'"),
    ("qqq(x)", "known functions: Abs, abs, acos, acosh, asin"),
])
def test_plain_text_mistakes_get_the_fix_they_need(text, hint):
    with pytest.raises(ExpressionError, match=re.escape(hint)):
        parse(text)
