"""Languages of the web pages (C4): Flask-Babel with the catalogues in casework/translations.

A page reads two gettext domains (docs/portal.md, "Languages and security"):

- ``web``: the pages' own sentences, msgid the English text (``{{ _('My cases') }}`` in
  templates/**.html, ``gettext``/``lazy_gettext`` in casework/web/**.py), extracted by babel-web.cfg;
- ``messages``: the words for casework's codes that mail and letters share (docs/notifications.md),
  shown in a page with ``{{ code|term("state") }}``.

The page's language: ``?lang=xx`` (then remembered in the session), else the one remembered, else
the logged-in user's language, else the browser's Accept-Language, else English — always one of
the languages the portal is translated into (:func:`offered`: those with a compiled ``web``
catalogue, English always), so that ``<html lang>`` never claims a language the page is not in.

Flask-Babel's lazy strings render as safe HTML in Jinja (flask-babel #121): a value put into a lazy
string is not escaped. Use ``lazy_gettext`` for labels and choices only, ``gettext`` with values.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from ..competitions.definition import LANGUAGES
from ..notifications import catalogue
from ..resources import path

DEFAULT = "en"
SESSION_KEY = "lang"
PARAMETER = "lang"
WEB_DOMAIN = "web"
# the 24 official languages (C4) as gettext locales: "GA" -> "ga"
LOCALES: dict[str, str] = {language: language.lower() for language in LANGUAGES}
TIMEZONE = "Europe/Brussels"          # dates and times of the pages (issue 11)


def offered(directory: Path | None = None) -> tuple[str, ...]:
    """The locales the portal is translated into: those with a compiled ``web`` catalogue, English
    always, in the EU's order of the languages (C4)."""
    directory = directory or path("translations")
    return tuple(locale for locale in LOCALES.values()
                 if locale == DEFAULT or (directory / locale / "LC_MESSAGES" / f"{WEB_DOMAIN}.mo").is_file())


def init_app(app: Flask) -> None:
    directory = str(path("translations"))
    app.config.setdefault("WEB_LANGUAGES", offered())
    # the page's own sentences first, the words for codes merged over them (they never share a key:
    # every entry of the messages domain has a context)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{directory};{directory}"
    app.config["BABEL_DOMAIN"] = f"{WEB_DOMAIN};{catalogue.DOMAIN}"
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(_=_page_gettext, gettext=_page_gettext)
    app.before_request(_remember_choice)
    app.after_request(_vary)
    app.jinja_env.globals.update(has_endpoint=has_endpoint, page_language=page_language,
                                 language_links=language_links)
    app.jinja_env.filters["term"] = term


def _translations():
    """The catalogue of this request's language, looked up once per request: Flask-Babel's own
    callables look it up again for every string, and a page has dozens (docs/performance.md). Kept
    where Flask-Babel keeps its request state, under the name its ``refresh()`` clears."""
    state = g.get("_flask_babel")
    found = getattr(state, "babel_translations", None)
    if found is None:
        found = get_translations()
        g._flask_babel.babel_translations = found
    return found


@pass_context
def _page_gettext(context, string: str, **variables) -> str:
    """``{{ _('…', name=value) }}`` as Jinja's newstyle gettext does it (the values escaped, the text
    always a format string), without its two indirect calls per string (a page has dozens)."""
    text = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def _offered(value: object) -> str | None:
    """``value`` as one of the offered locales (``"FR"``, ``" fr "`` → ``"fr"``), else None."""
    if not isinstance(value, str):
        value = getattr(value, "value", value)        # an enum of languages
        if not isinstance(value, str):
            return None
    locale = value.strip().lower().replace("_", "-")
    return locale if locale in current_app.config["WEB_LANGUAGES"] else None


def _remember_choice() -> None:
    """``?lang=xx`` on any page: remembered in the session (an unknown language is ignored)."""
    chosen = _offered(request.args.get(PARAMETER))
    if chosen and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def _user_language() -> object:
    """The logged-in user's language, if Flask-Login is set up and the user has one."""
    if not hasattr(current_app, "login_manager"):
        return None
    from flask_login import current_user
    if not getattr(current_user, "is_authenticated", False):
        return None
    return getattr(current_user, "language", None)


def select_locale() -> str:
    """Flask-Babel's locale selector (see the module's docstring for the order)."""
    if not has_request_context():                      # e.g. a command with an application context
        return DEFAULT
    for candidate in (request.args.get(PARAMETER), session.get(SESSION_KEY), _user_language()):
        chosen = _offered(candidate)
        if chosen:
            return chosen
    g.language_negotiated = True
    return request.accept_languages.best_match(current_app.config["WEB_LANGUAGES"]) or DEFAULT


def _vary(response):
    """A page chosen by Accept-Language says so, for caches."""
    if g.get("language_negotiated"):
        response.vary.add("Accept-Language")
    return response


def page_language() -> str:
    """The page's language as a BCP 47 tag, for ``<html lang>``."""
    return str(get_locale() or DEFAULT).replace("_", "-")


def has_endpoint(endpoint: str) -> bool:
    """Whether a view is registered under ``endpoint`` (links to pages that may not exist yet)."""
    return endpoint in current_app.view_functions


@cache
def _name(locale: str) -> str:
    """A language's name in itself ("Deutsch", "Français"), worked out once per process (every page
    names the offered languages)."""
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


def language_links() -> list[dict[str, object]]:
    """The language switcher: this page (path and other parameters kept) in each offered language."""
    current = page_language()
    others = [(k, v) for k, v in request.args.items(multi=True) if k != PARAMETER]
    return [{"locale": locale, "name": _name(locale), "current": locale == current,
             "url": request.path + "?" + urlencode([*others, (PARAMETER, locale)])}
            for locale in current_app.config["WEB_LANGUAGES"]]


def term(code: object, context: str) -> str:
    """``{{ code|term("state") }}``: the words for one of casework's codes in the page's language,
    else English, else the code as it is (the catalogue mail and letters use)."""
    return catalogue.term(page_language(), context, code)
