"""Texts for candidates and staff, one Jinja template per language (C4; docs/notifications.md).

- mail: ``templates/mail/<LANG>/<name>.txt``, first line ``Subject: …``, then the body;
- letters, the correspondence sent via the candidate's account (``CaseMessage`` bodies):
  ``templates/letters/<LANG>/<name>.txt``, the text alone.

Jinja2 with ``StrictUndefined``: a template that names a variable the caller did not give fails
at enqueue time, in the caller's transaction, instead of sending a message with a hole in it.
Plain text, so no autoescaping. A language without its own template falls back to English.
Callers pass codes and ISO dates; the templates' filters put them in words from the message
catalogues (:mod:`.catalogue`): ``{{ x|term("step") }}``, ``{{ d|day }}``; and exact numbers as the
language writes them: ``{{ mark|number(pass_mark) }}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from functools import cache
from typing import Any

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from ..competitions.definition import LANGUAGES
from ..resources import path
from . import catalogue

MAIL = path("mail")
LETTERS = path("templates") / "letters"
FALLBACK = "EN"


class TemplateError(ValueError):
    """A template that does not exist or does not start with its ``Subject:`` line."""


@dataclass(frozen=True)
class Rendered:
    language: str      # the language the text is written in
    subject: str
    body: str


def official_language(code: str | None) -> str | None:
    """``code`` as one of the 24 official languages (C4), or None when it is not one."""
    code = (code or "").strip().upper()
    return code if code in LANGUAGES else None


@cache
def _environment(folder: str, language: str) -> Environment:
    base = MAIL if folder == "mail" else LETTERS
    # mail keeps its layout line for line; letters are mostly one paragraph with optional sentences,
    # so their block tags take no line of their own
    env = Environment(loader=FileSystemLoader(str(base / language)), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=folder == "mail",
                      trim_blocks=folder == "letters", lstrip_blocks=folder == "letters")
    env.filters["day"] = lambda value: catalogue.day(value, language)
    env.filters["term"] = lambda value, context: catalogue.term(language, context, value)
    env.filters["number"] = lambda value, *others: number(value, language, *others)
    return env


def _exact(value: object) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a number: {value!r}")
    return Fraction(str(value).strip())


def _rounded(value: Fraction, places: int) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def number(value: object, language: str, *others: object) -> str:
    """An exact number as decisions keep it (``"19"``, ``"280/19"``, ``"65.5"``, ``72``) written as people
    of ``language`` write numbers ("65,5" in French): at most two decimals, more where two decimals
    would show it equal to one of ``others`` it differs from (a mark of 19.996 is never shown as the
    pass mark of 20 it missed). A None among ``others`` (a number the data lacks) is left out."""
    exact = _exact(value)
    against = [o for o in (_exact(v) for v in others if v is not None) if o != exact]
    places = 2
    while places < 12 and any(_rounded(o, places) == _rounded(exact, places) for o in against):
        places += 1
    return format_decimal(_rounded(exact, places), format="#,##0." + "#" * places,
                          locale=catalogue.locale_of(language))


def _first(folder: str, template: str, language: str | None, context: dict[str, Any]) -> tuple[str, str] | None:
    """(language, text) of ``template`` in ``language``, else in English; None when neither has it."""
    wanted = official_language(language) or FALLBACK
    for lang in dict.fromkeys((wanted, FALLBACK)):
        try:
            return lang, _environment(folder, lang).get_template(f"{template}.txt").render(context)
        except TemplateNotFound:
            continue
    return None


def render(template: str, language: str | None, context: dict[str, Any]) -> Rendered:
    """Mail ``template`` in ``language`` (English when there is none in that language), rendered."""
    found = _first("mail", template, language, context)
    if found is not None:
        lang, text = found
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:") or not first[len("Subject:"):].strip():
            raise TemplateError(f"mail template {lang}/{template}.txt must start with 'Subject: …'")
        return Rendered(lang, first[len("Subject:"):].strip(), body.lstrip("\n"))
    raise TemplateError(f"no mail template {template!r} (looked in {MAIL})")


@dataclass(frozen=True)
class Letter:
    language: str      # the language the text is written in
    text: str


def letter(template: str, language: str | None, context: dict[str, Any]) -> Letter:
    """Letter ``template`` (sent via the candidate's account) in ``language``, else English, rendered."""
    found = _first("letters", template, language, context)
    if found is None:
        raise TemplateError(f"no letter template {template!r} (looked in {LETTERS})")
    return Letter(*found)


def available(kind: str = "mail") -> dict[str, list[str]]:
    """The templates (``"mail"`` or ``"letters"``) of each language that has a folder:
    ``{"EN": ["case-step", …], …}``."""
    base = MAIL if kind == "mail" else LETTERS
    return {folder.name: sorted(p.stem for p in folder.glob("*.txt"))
            for folder in sorted(base.iterdir()) if folder.is_dir()}
