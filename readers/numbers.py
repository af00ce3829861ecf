"""Numbers exactly as written: a decimal literal is the rational number its digits say, never a float.

`x*1.00000000000000000001 = x` is false, and `0.99999999999999999999` is not 1; a float64 (or a
binary SymPy Float) in between would make both true. So the plain parser reads a literal's own text
(`exact_decimal`), and the LaTeX reader turns the reader's Float back into the decimal it was made
from (`exact_latex_float`). Sizes are capped so that a literal cannot make a number too large to
handle: at most MAX_LITERAL_DIGITS digits and a decimal exponent of at most MAX_DECIMAL_EXPONENT.
"""

from __future__ import annotations

import re

import sympy as sp
from mpmath.libmp import prec_to_dps, to_str

from .errors import ExpressionError

MAX_LITERAL_DIGITS = 100  # digits of a number written in the text
MAX_DECIMAL_EXPONENT = 1000  # |e| of a literal written 1.5e-400 (1e-400 is exactly 1/10**400)
MAX_NUMBER_DIGITS = 1000  # digits of an exact number built by arithmetic on numbers

_DECIMAL = re.compile(r"^(?P<whole>[0-9_]*)(?:\.(?P<fraction>[0-9_]*))?(?:[eE](?P<exponent>[+-]?[0-9_]+))?$")


def exact_decimal(literal: str) -> sp.Rational:
    """`1.00000000000000000001` → 100000000000000000001/10**20; `1e-400` → 1/10**400."""
    match = _DECIMAL.match(literal.strip())
    if match is None or not (match["whole"] + (match["fraction"] or "")).replace("_", ""):
        raise ExpressionError(f"cannot read the number '{_short(literal)}'")
    whole = match["whole"].replace("_", "")
    fraction = (match["fraction"] or "").replace("_", "")
    exponent_text = (match["exponent"] or "0").replace("_", "")
    digits = (whole + fraction).lstrip("0") or "0"
    if len(whole + fraction) > MAX_LITERAL_DIGITS:
        raise ExpressionError(f"the number '{_short(literal)}' has more than {MAX_LITERAL_DIGITS} digits")
    if len(exponent_text.lstrip("+-").lstrip("0")) > len(str(MAX_DECIMAL_EXPONENT)) or \
            abs(int(exponent_text)) > MAX_DECIMAL_EXPONENT:
        raise ExpressionError(f"the exponent of '{_short(literal)}' is too large (at most {MAX_DECIMAL_EXPONENT})")
    scale = int(exponent_text) - len(fraction)
    value = sp.Integer(int(digits))
    return value * sp.Integer(10) ** scale if scale >= 0 else sp.Rational(value, sp.Integer(10) ** -scale)


def exact_latex_float(number: sp.Float) -> sp.Rational:
    """The decimal a LaTeX Float was read from, exactly.

    SymPy's LaTeX reader builds `Float(text)` with enough binary digits to hold every decimal digit
    written (mpmath's dps_to_prec), so rounding it back to that many decimal digits gives the text
    again; the binary value itself (0.99999999999999999998984…) is not what was written.
    """
    if not number.is_finite:
        raise ExpressionError("the number is not finite")
    text = to_str(number._mpf_, prec_to_dps(number._prec), strip_zeros=False)
    return exact_decimal(text.replace("e+", "e"))


def check_number_size(built: sp.Expr, shown: str) -> None:
    """The rationals arithmetic just built must stay small: x*10**256*10**256*… grows without bound
    otherwise. SymPy merges numbers into the coefficient of a sum or product, a direct argument."""
    for number in (built, *built.args):
        if number.is_Rational:
            digits = max(len_digits(number.p), len_digits(number.q))
            if digits > MAX_NUMBER_DIGITS:
                raise ExpressionError(f"'{_short(shown)}' has a number of about {digits} digits "
                                      f"(at most {MAX_NUMBER_DIGITS})")


def len_digits(integer) -> int:
    """Decimal digits of an integer, from its bit length (text conversion is refused past 4300 digits)."""
    value = abs(int(integer))
    estimate = int(value.bit_length() * 0.30102999566398120) + 1  # exact or one too many
    return estimate - 1 if estimate > 1 and value < 10 ** (estimate - 1) else estimate


def _short(text: str) -> str:
    text = str(text)
    return text if len(text) <= 40 else text[:37] + "…"
