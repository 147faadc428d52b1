"""Exact number handling shared by the rule modules.

Marks, pass marks, multipliers and fractions of full time are data coming from
notices, forms and the database. Floats would drift (0.1 + 0.2 != 0.3), so every
rule converts its inputs to ``int`` or ``fractions.Fraction`` first; a float is
read through its shortest decimal representation (``0.1`` -> ``1/10``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from numbers import Rational

Number = int | Fraction | Decimal | float | str
Exact = int | Fraction


def exact(value: Number, *, what: str = "value") -> Exact:
    """Return ``value`` as an int or Fraction; ValueError if it is not a number."""
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected a number, got a boolean")  # noqa: TRY004 (one error for every bad value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite():   # the database's numbers: the fast path
        n, d = value.as_integer_ratio()
        return n if d == 1 else Fraction(n, d)
    if isinstance(value, Rational):
        f = Fraction(value)
    elif isinstance(value, (float, Decimal, str)):
        try:
            f = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"{what}: not a finite number: {value!r}") from exc
    else:
        raise ValueError(f"{what}: expected a number, got {type(value).__name__}")  # noqa: TRY004 (as above)
    return f.numerator if f.denominator == 1 else f


def show(value: Number) -> str:
    """Human-readable form of an exact number (at most 2 decimals, no trailing zeros)."""
    v = exact(value)
    if isinstance(v, int):
        return str(v)
    text = f"{float(v):.2f}".rstrip("0").rstrip(".")
    return text
