"""An independent judge: is a pair true or false, by mpmath alone?

The judge shares nothing with qedcheck: it evaluates the fuzzer's own trees (`terms.py`) at the
pair's hinted points (where the construction says it fails, or where it is delicate) and at random
points of the declared domain, each at increasing precision until the difference settles:

- *differs* when two precisions agree on a nonzero difference to 8 digits, or one side is
  undefined (or complex) where the other is not, at two precisions;
- *equal* when the difference has fallen below half the working digits, relative to the sides;
- otherwise the point is not judged (a value too large to evaluate, precision exhausted).

A pair is FALSE with one differing point, TRUE when at least `MIN_EQUAL` points are equal and none
differs, UNKNOWN otherwise. The base precision covers every literal's digits (1e-400 needs 430), so
a tiny constant is never lost below the working precision.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

import mpmath as mp

from . import terms as t

RANDOM_POINTS = 24
MIN_EQUAL = 6
MAX_DIGITS = 2400


@dataclass(frozen=True)
class Judgement:
    truth: bool | None  # None: UNKNOWN
    point: dict | None = None  # where it differs, for a FALSE one
    detail: str = ""

    @property
    def label(self) -> str:
        return {True: "TRUE", False: "FALSE", None: "UNKNOWN"}[self.truth]


def judge(pair) -> Judgement:
    base = min(30 + max(t.literal_digits(pair.lhs), t.literal_digits(pair.rhs)), MAX_DIGITS // 2)
    specs = dict(pair.symbols)
    equal, unjudged_hints = 0, 0
    for point, hinted in _points(pair, specs):
        verdict, detail = _compare(pair, point, base)
        if verdict == "differs":
            return Judgement(False, point, detail)
        if verdict == "equal":
            equal += 1
        elif verdict == "unjudged" and hinted:
            unjudged_hints += 1
    if unjudged_hints:  # the delicate points were out of reach: agreement elsewhere proves nothing
        return Judgement(None, None, f"{unjudged_hints} hinted points could not be judged")
    if equal >= MIN_EQUAL:
        return Judgement(True, None, f"{equal} points agree")
    return Judgement(None, None, f"only {equal} points could be judged")


def _points(pair, specs: dict) -> list[tuple[dict, bool]]:
    """The hinted points first, then random ones (more of them when `where` rejects many)."""
    rng = random.Random(pair.name)
    points = []
    for hint in pair.hints:
        points.append(({name: hint.get(name, _draw(rng, spec)) for name, spec in specs.items()}, True))
    for _ in range(RANDOM_POINTS * (4 if pair.where_node is not None else 1)):
        points.append(({name: _draw(rng, spec) for name, spec in specs.items()}, False))
    return points


def _draw(rng: random.Random, spec: str) -> Fraction:
    words = spec.split()
    if "integer" in words:
        value = Fraction(rng.choice((rng.randrange(-6, 7), rng.randrange(-60, 61))))
    else:
        kind = rng.randrange(4)
        if kind == 0:
            value = Fraction(rng.uniform(-3, 3))
        elif kind == 1:
            value = Fraction(rng.gauss(0, 20))
        elif kind == 2:
            value = Fraction(10 ** rng.uniform(-6, 4)) * rng.choice((1, -1))
        else:
            value = Fraction(rng.randrange(-8, 9), rng.choice((1, 2, 3, 4, 7)))
    if "positive" in words:
        value = abs(value) or Fraction(1)
    elif "negative" in words:
        value = -abs(value) or Fraction(-1)
    elif "nonnegative" in words:
        value = abs(value)
    elif "nonzero" in words and value == 0:
        value = Fraction(1)
    return value


def _env(point: dict) -> dict:
    return {name: mp.mpf(value.numerator) / value.denominator for name, value in point.items()}


def _side(node, env):
    try:
        return t.evaluate(node, env)
    except t.Undefined as failure:
        return failure


def _compare(pair, point: dict, base: int) -> tuple[str, str]:
    derivative = pair.lhs[0] == "diff" or pair.rhs[0] == "diff"
    previous = None
    digits = base
    while digits <= MAX_DIGITS:
        t.MAGNITUDE[0] = 0
        with mp.workdps(digits):
            env = _env(point)
            try:
                if not t.holds(pair.where_node, env):
                    return "outside", ""
            except t.Undefined:
                return "outside", ""
            except t.TooLarge:
                return "unjudged", ""
            try:
                lhs, rhs = _side(pair.lhs, env), _side(pair.rhs, env)
            except t.TooLarge:
                return "unjudged", "too large"
            state = _state(lhs, rhs, digits, derivative)
        needed = base + int(t.MAGNITUDE[0] * 0.30103) + 10  # digits lost to cancellation of large terms
        if digits < needed:
            previous, digits = None, needed
            continue
        if previous is not None:
            decided = _decide(previous, state, digits)
            if decided:
                return decided
        previous = state
        digits *= 2
    return "unjudged", "precision exhausted"


def _state(lhs, rhs, digits: int, derivative: bool):
    """('undefined', which side, why) or ('number', lhs − rhs, scale, lhs, rhs, tolerance digits).

    A derivative is a difference quotient good to about a third of the digits (less beside a kink,
    where it is first-order), so it is called equal to a quarter of them; plain values to half.
    """
    lhs_bad, rhs_bad = isinstance(lhs, Exception), isinstance(rhs, Exception)
    if lhs_bad or rhs_bad:
        return ("undefined", (lhs_bad, rhs_bad), f"lhs: {lhs}" if lhs_bad else f"rhs: {rhs}")
    difference = lhs - rhs
    scale = max(mp.mpf(1), abs(lhs), abs(rhs))
    return ("number", difference, scale, lhs, rhs, digits // 4 if derivative else digits // 2 + 5)


def _decide(before, now, digits: int) -> tuple[str, str] | None:
    if before[0] == "undefined" and now[0] == "undefined":
        if before[1] == now[1]:
            if now[1] == (True, True):
                return "outside", "both undefined"
            return "differs", f"one side undefined ({now[2]})"
        return None
    if before[0] != now[0]:
        return None
    d1 = before[1]
    _, d2, scale, lhs, rhs, tolerance = now
    if abs(d2) <= mp.mpf(10) ** (-tolerance) * scale:
        return "equal", ""
    if d2 != 0 and abs(d1 - d2) <= abs(d2) * mp.mpf(10) ** -8 and abs(d2) > mp.mpf(10) ** (-(digits // 2)) * scale:
        return "differs", f"lhs = {mp.nstr(lhs, 12)}, rhs = {mp.nstr(rhs, 12)}, difference {mp.nstr(d2, 6)}"
    return None
