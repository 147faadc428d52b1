"""Mail templates: ``templates/mail/<LANG>/<name>.txt``, first line ``Subject: …``, then the body.

Jinja2 with ``StrictUndefined``: a template that names a variable the caller did not give fails
at enqueue time, in the caller's transaction, instead of sending a message with a hole in it.
Plain text, so no autoescaping. A language without its own template falls back to English.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from ..competitions.definition import LANGUAGES
from ..resources import path
from .terms import MONTHS, TERMS

MAIL = path("mail")
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


def _day(value: str | date, language: str) -> str:
    """An ISO date as people of ``language`` write it (``2022-03-01`` → "1er mars 2022")."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))   # str(): undefined raises
    months = MONTHS.get(language)
    if months is None:
        return day.isoformat()
    month = months[day.month - 1]
    if language == "FR":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    if language == "DE":
        return f"{day.day}. {month} {day.year}"
    return f"{day.day} {month} {day.year}"


@cache
def _environment(language: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(MAIL / language)), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["day"] = lambda value: _day(value, language)
    env.filters["term"] = lambda value, kind: TERMS[kind].get(language, {}).get(value, value)
    return env


def render(template: str, language: str | None, context: dict[str, Any]) -> Rendered:
    """``template`` in ``language`` (English when there is none in that language), rendered."""
    wanted = official_language(language) or FALLBACK
    for lang in dict.fromkeys((wanted, FALLBACK)):
        try:
            text = _environment(lang).get_template(f"{template}.txt").render(context)
        except TemplateNotFound:
            continue
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:") or not first[len("Subject:"):].strip():
            raise TemplateError(f"mail template {lang}/{template}.txt must start with 'Subject: …'")
        return Rendered(lang, first[len("Subject:"):].strip(), body.lstrip("\n"))
    raise TemplateError(f"no mail template {template!r} (looked in {MAIL})")


def available() -> dict[str, list[str]]:
    """The templates of each language that has a folder: ``{"EN": ["case-step", …], …}``."""
    return {folder.name: sorted(p.stem for p in folder.glob("*.txt"))
            for folder in sorted(MAIL.iterdir()) if folder.is_dir()}
