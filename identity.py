"""The identity record: one claim `lhs = rhs`, everything needed to check it, and nothing that checks.

Every layer reads this record: the catalogue writes it (derivations/), user files parse into it,
the engines (checks/) check it, reports describe it. It is plain data.

Two shapes of claim share the record:

* scalar claims over real symbols (`sigmoid_deriv`): `lhs`, `rhs` are SymPy expressions in `symbols`;
* vector claims for every size `n` (`softmax_add_const`): `lhs`, `rhs` are *entry forms* — the entry
  `i` (or `i, j`) of a vector (matrix) written with `IndexedBase` vectors, `Sum` over `0..n-1` and
  `KroneckerDelta` — or SymPy matrix expressions of symbolic shape whose generic entry is taken.
  The indices range over `0..n-1`; `size` is `n`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .input_errors import InputError

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class Expect(str, Enum):
    """What the author claims: the identity holds, or it is a false claim the tool must refute."""

    HOLDS = "holds"
    FAILS = "fails"


@dataclass(frozen=True)
class Derivation:
    """A written chain `chain[0] = chain[1] = … = chain[-1]`, each `=` a link to check.

    `where` restricts the chain (a case of a case split, such as `i ≠ j`); `written` keeps the
    homework's own notation of each step for reports.
    """

    chain: tuple[Any, ...]
    label: str = ""
    where: Any = None
    written: tuple[str, ...] = ()
    # FILE:LINE where each element of the chain is written, when the reader knows (documents, files).
    locations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Correction:
    """Step `step` of a derivation should read `expr` (written `written` in the author's notation)."""

    step: int
    expr: Any
    written: str = ""


@dataclass(frozen=True)
class Erratum:
    """Steps the author wrote that do not follow, known in advance.

    Recording them keeps CI green while the finding stands and makes CI fail if it ever disappears:
    the links `wrong_links` (link k joins step k and step k+1) must be refuted, and with the
    `corrections` applied every link touching a corrected step must hold.
    """

    wrong_links: tuple[int, ...]
    corrections: tuple[Correction, ...]
    message: str
    derivation: int = 0


@dataclass(frozen=True)
class Identity:
    """One claim, its provenance, its independent numeric implementations and its written steps."""

    name: str
    source: str
    statement: str
    lhs: Any
    rhs: Any
    symbols: tuple[Any, ...] = ()
    where: Any = None
    expect: Expect = Expect.HOLDS
    numpy_lhs: Callable[..., Any] | None = None
    numpy_rhs: Callable[..., Any] | None = None
    derivations: tuple[Derivation, ...] = ()
    errata: tuple[Erratum, ...] = ()
    notes: tuple[str, ...] = ()
    # Vector claims: the vectors, the free indices of the entry form, the size symbol.
    vectors: tuple[Any, ...] = ()
    indices: tuple[Any, ...] = ()
    size: Any = None
    # Sizes for which the claim is proved one by one when no all-n proof is found.
    sizes: tuple[int, ...] = tuple(range(1, 9))
    # The NumPy function whose derivative `lhs` claims to be (finite-difference check).
    numpy_primitive: Callable[..., Any] | None = None
    # Sampling hints for the numeric check: symbol name -> (low, high) or a callable(rng, k).
    sample: dict[str, Any] = field(default_factory=dict)
    # Vector sizes the numeric check draws (small ones also go through the SymPy sides).
    numeric_sizes: tuple[int, ...] = (1, 2, 3, 5, 8, 100, 1000)
    timeout: float = 10.0
    origin: str = "catalogue"
    # A user-file identity that could not be read: where and why; the runner reports `error`.
    error: InputError | None = None
    # Checks on an actual model that no sampled formula can stand in for (a convolution's output
    # shape, finite differences through a 784-input network, one gradient-descent step). Each is
    # called with the run's seed and returns a NumericOutcome; the runner merges them into the
    # numeric check, which fails if any of them disagrees.
    model_checks: tuple[Callable[[int], Any], ...] = ()
    # `accept = "numeric"`: a true claim SymPy cannot prove may pass as `numeric-only` (still reported
    # as numeric-only: the verdict does not change, only whether it meets the expectation).
    accept_numeric: bool = False
    # A user claim `diff(f(x), x) = g(x)` in one symbol: the runner also checks it by finite
    # differences of f, compiled in the worker (a reader never compiles).
    finite_differences: bool = False
    # Where a user-file identity's fields were written: field -> line of `origin`.
    lines: dict[str, int] = field(default_factory=dict)
    # A claim about vectors and matrices of named sizes (sized.MatrixClaim): `lhs`, `rhs` are its sides (sized.Node).
    matrix: Any = None
    # Where a document writes this claim: FILE:LINE of the line holding its right side ("" elsewhere).
    location: str = ""
    # The glossary file a document was read with (--glossary): a replay command must name it too.
    glossary: str = ""


    @property
    def is_vector(self) -> bool:
        return self.size is not None

    def describe_location(self) -> str:
        return f"{self.origin}: identity '{self.name}'"

    def field_location(self, field_name: str) -> str:
        """`file:line: identity 'name', field 'where'`, the prefix of a located message."""
        return str(self.field_error(field_name, ""))

    def field_error(self, field_name: str, message: str) -> InputError:
        """`file:line: identity 'name', field 'where': message`, as a record (an input error the checks find)."""
        return InputError(message, file=self.origin, line=self.lines.get(field_name), identity=self.name,
                          field=field_name)
