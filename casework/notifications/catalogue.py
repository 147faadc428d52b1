"""The words around casework's codes, from the message catalogues (gettext, read through Babel).

``casework/translations/<locale>/LC_MESSAGES/messages.po`` holds them, compiled to ``messages.mo``
beside it (committed: gettext, Babel and Flask-Babel read the ``.mo``; a test keeps the two in step;
docs/notifications.md says how to extract, update and compile). An entry is a code with its context:
``msgctxt "step"`` / ``msgid "acknowledge"`` → "receipt of your request has been acknowledged". The
catalogue of the recipient's language is asked first, then the English one; a code neither knows is
shown as it is (the message still goes out). Which codes exist, and what each context means for
translators, is ``casework.workflows.vocabulary`` (the extractor that writes ``messages.pot``).

Dates are written with a pattern from the catalogue (``msgctxt "date"``) and month names from the
Unicode CLDR data Babel ships, in the grammatical form each language uses inside a date.
"""
from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from gettext import NullTranslations

from babel.dates import format_date
from babel.support import Translations

from ..resources import path

DIRECTORY = path("translations")
DOMAIN = "messages"
FALLBACK = "EN"


def locale_of(language: str) -> str:
    """The gettext locale of one of casework's language codes (``"FR"`` → ``"fr"``)."""
    return language.strip().lower()


@cache
def own(language: str) -> NullTranslations:
    """The catalogue of ``language`` alone (a NullTranslations when there is none), read once."""
    return Translations.load(str(DIRECTORY), [locale_of(language)], DOMAIN)


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language`` with the English one behind it, read once."""
    chain = Translations.load(str(DIRECTORY), [locale_of(language)], DOMAIN)   # a new object: own() stays alone
    if locale_of(language) != locale_of(FALLBACK):
        chain.add_fallback(own(FALLBACK))
    return chain


def term(language: str, context: str, code: object) -> str:
    """The words for ``code`` in ``context``: ``language``, else English, else the code as it is."""
    return translations(language).pgettext(context, str(code))


def day(value: str | date, language: str) -> str:
    """An ISO date as people of ``language`` write it (``2022-03-01`` → "1er mars 2022").

    The pattern is the catalogue's ``date``/``long`` (``date``/``long-first-of-month`` for a 1st where
    the language has one); a language whose catalogue has none gets its CLDR long date."""
    return _day(value if isinstance(value, date) else date.fromisoformat(str(value)), language)  # str(): undefined raises


@lru_cache(maxsize=8192)
def _day(day: date, language: str) -> str:
    """:func:`day`, remembered: the catalogues and CLDR data do not change while a process runs, and a
    page or a batch of mail writes the same few dates again and again."""
    catalogue = own(language)
    pattern = catalogue.pgettext("date", "long")                # "long" itself when there is no entry
    if day.day == 1:
        first = catalogue.pgettext("date", "long-first-of-month")
        pattern = pattern if first == "long-first-of-month" else first
    return format_date(day, pattern, locale=locale_of(language))
