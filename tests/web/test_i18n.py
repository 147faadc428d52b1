"""The pages' language (C4): chosen with ?lang=, remembered, else the user's, else the browser's, else
English; the portal in English, French and German from the "web" catalogues, kept extracted,
translated and compiled (docs/portal.md, "Languages and security")."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_login import LoginManager, UserMixin, login_user, logout_user

from casework import create_app
from casework.db import Database
from casework.migrate import upgrade
from casework.notifications.catalogue import term
from casework.resources import path
from casework.web import i18n

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = path("translations")
TRANSLATED = ("fr", "de")           # the portal in EN (the msgids), FR and DE (issue 11)


class Someone(UserMixin):
    def __init__(self, language):
        self.id, self.language = "someone", language


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = Database("sqlite:///" + str(tmp_path_factory.mktemp("i18n") / "web.sqlite"))
    upgrade(db.engine)
    app = create_app({"TESTING": True, "DATABASE": db})
    if not hasattr(app, "login_manager"):          # before the accounts work wires Flask-Login
        LoginManager(app).user_loader(lambda user_id: None)

    @app.get("/test/as/<language>")
    def as_user(language):
        """A page seen by a logged-in user whose language is ``language`` (logged out at its end)."""
        login_user(Someone(language))
        shown = render_template_string("{{ page_language() }}")
        logout_user()
        return shown

    @app.get("/test/term")
    def words():
        return render_template_string("{{ 'acknowledged'|term('state') }}|{{ 'no-such'|term('state') }}")

    yield app
    db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def _lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def _get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.get_data(as_text=True)


def test_english_without_any_choice(client):
    response, page = _get(client, "/")
    assert response.status_code == 200
    assert _lang(page) == "en" and "<h1>Competitions</h1>" in page
    assert "Skip to main content" in page


def test_lang_parameter_renders_french_and_is_remembered(client):
    _, page = _get(client, "/?lang=fr")
    assert _lang(page) == "fr" and "<h1>Concours</h1>" in page
    assert "Aller au contenu principal" in page
    # remembered in the session: the next page without ?lang, whatever the browser prefers
    _, page = _get(client, "/notices/EPSO/AD/1/reserve-lists", **{"Accept-Language": "de"})
    assert _lang(page) == "fr" and "Page introuvable" in page
    _, page = _get(client, "/?lang=DE")                          # the language's code, as C4 writes it
    assert _lang(page) == "de" and "<h1>Auswahlverfahren</h1>" in page
    _, page = _get(client, "/")
    assert _lang(page) == "de"


def test_accept_language_picks_an_offered_language(client):
    response, page = _get(client, "/", **{"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"})
    assert _lang(page) == "de" and "<h1>Auswahlverfahren</h1>" in page
    assert "Accept-Language" in response.headers["Vary"]
    _, page = _get(client, "/", **{"Accept-Language": "pl,fr;q=0.8"})      # no Polish portal yet: French
    assert _lang(page) == "fr"
    _, page = _get(client, "/", **{"Accept-Language": "pl,ja"})
    assert _lang(page) == "en"


@pytest.mark.parametrize("value", ["xx", "pl", "", "fr-FR-x", "../fr", "<script>"])
def test_an_unknown_or_unoffered_language_is_ignored(client, value):
    _, page = _get(client, "/?lang=" + value, **{"Accept-Language": "fr"})
    assert _lang(page) == "fr"                                    # the browser's choice, not the parameter
    with client.session_transaction() as session:
        assert "lang" not in session
    assert "&lt;script&gt;" not in page and "<script>" not in page


def test_the_logged_in_users_language_comes_after_an_explicit_choice(client):
    assert client.get("/test/as/DE", headers={"Accept-Language": "fr"}).get_data(as_text=True) == "de"
    assert client.get("/test/as/PL", headers={"Accept-Language": "fr"}).get_data(as_text=True) == "fr"
    assert client.get("/test/as/DE?lang=fr").get_data(as_text=True) == "fr"
    assert client.get("/test/as/DE").get_data(as_text=True) == "fr"               # remembered


def test_the_language_switcher_keeps_the_page_and_marks_each_language(client):
    _, page = _get(client, "/notices/EPSO/AD/1/reserve-lists?x=1&lang=de")
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="(\w+)"( aria-current="true")?>([^<]+)</a>', page)
    assert [(url, lang, current) for url, lang, _, current, _ in links] == [
        ("/notices/EPSO/AD/1/reserve-lists?x=1&amp;lang=de", "de", ' aria-current="true"'),
        ("/notices/EPSO/AD/1/reserve-lists?x=1&amp;lang=en", "en", ""),
        ("/notices/EPSO/AD/1/reserve-lists?x=1&amp;lang=fr", "fr", "")]
    assert [name for *_, name in links] == ["Deutsch", "English", "Français"]
    assert all(lang == hreflang for _, lang, hreflang, _, _ in links)


def test_codes_are_shown_with_the_notifications_words_in_the_pages_language(client):
    assert client.get("/test/term?lang=fr").get_data(as_text=True) == (
        f"{term('FR', 'state', 'acknowledged')}|no-such")
    assert client.get("/test/term?lang=en").get_data(as_text=True) == f"{term('EN', 'state', 'acknowledged')}|no-such"
    assert term("FR", "state", "acknowledged") != term("EN", "state", "acknowledged")


# --- the catalogues ---------------------------------------------------------------------------

def _read(file: Path, locale: str | None = None):
    with open(file, "rb") as f:
        return read_po(f, locale=locale)


def _keywords() -> dict:
    """The keywords scripts/i18n extracts with (its -k options) besides Babel's defaults."""
    script = (ROOT / "scripts" / "i18n").read_text()
    line = re.search(r"^KEYWORDS=\((.*)\)$", script, re.MULTILINE).group(1)
    return {**DEFAULT_KEYWORDS, **parse_keywords(re.findall(r'-k "?([^"\s]+)"?', line))}


def _extract(directory: Path) -> set[tuple[str | None, str]]:
    with open(ROOT / "babel-web.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            directory, method_map, options_map, keywords=_keywords()):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def _ids(catalogue) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue if m.id}


def test_the_portal_is_offered_in_english_french_and_german():
    assert {"en", *TRANSLATED} <= set(i18n.offered())
    assert set(i18n.LOCALES) == set(i18n.LANGUAGES) and len(i18n.LOCALES) == 24 and i18n.LOCALES["EL"] == "el"


def test_the_template_holds_every_string_of_the_pages():
    """A string added to a template or to casework/web without running scripts/i18n fails here."""
    missing = _extract(ROOT) - _ids(_read(DIRECTORY / "web.pot"))
    assert not missing, f"run scripts/i18n and translate the new entries: {sorted(missing, key=str)[:20]}"


def test_extraction_picks_up_new_pages_forms_and_views(tmp_path):
    """The mapping reaches every template folder and every module of the web layer, lazy labels included."""
    (tmp_path / "templates" / "portal").mkdir(parents=True)
    (tmp_path / "templates" / "auth" / "deep").mkdir(parents=True)
    (tmp_path / "casework" / "web" / "portal").mkdir(parents=True)
    (tmp_path / "templates" / "portal" / "new.html").write_text(
        "{{ _('A new page') }}{{ ngettext('%(num)d case', '%(num)d cases', n) }}{% trans %}Block text{% endtrans %}")
    (tmp_path / "templates" / "auth" / "deep" / "login.html").write_text("{{ pgettext('button', 'Log in') }}")
    (tmp_path / "casework" / "web" / "portal" / "forms.py").write_text(
        "from flask_babel import lazy_gettext as _l, lazy_gettext, lazy_pgettext, gettext\n"
        "LABEL = _l('A label')\nHELP = lazy_gettext('Some help')\nCHOICE = lazy_pgettext('kind', 'review')\n"
        "def view():\n    return gettext('Saved.')\n")
    (tmp_path / "casework" / "cases").mkdir()
    (tmp_path / "casework" / "cases" / "rules.py").write_text("def f():\n    return _('Not a page')\n")
    assert _extract(tmp_path) == {(None, "A new page"), (None, "%(num)d case"), (None, "Block text"),
                                  ("button", "Log in"), (None, "A label"), (None, "Some help"),
                                  ("kind", "review"), (None, "Saved.")}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_each_web_catalogue_is_up_to_date_and_french_and_german_are_fully_translated(locale):
    catalogue = _read(DIRECTORY / locale / "LC_MESSAGES" / "web.po", locale)
    assert not catalogue.obsolete, "run scripts/i18n (obsolete entries)"
    assert _ids(catalogue) == _ids(_read(DIRECTORY / "web.pot")), "run scripts/i18n (update)"
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        elif not all(strings):
            problems.append(("untranslated", message.id))
    assert not problems, problems


def test_every_offered_language_is_translated():
    """A language is offered as soon as it has a compiled web catalogue: never half translated."""
    for locale in i18n.offered():
        if locale != "en":
            catalogue = _read(DIRECTORY / locale / "LC_MESSAGES" / "web.po", locale)
            assert all(m.string and (not isinstance(m.string, tuple) or all(m.string))
                       for m in catalogue if m.id), locale


def _translated(catalogue) -> dict:
    """What gettext reads: an entry without words is left out, an untranslated plural form is the
    English one (as Babel compiles it)."""
    found = {}
    for m in catalogue:
        if not m.id or not m.string or m.fuzzy:
            continue
        if isinstance(m.id, str):
            found[m.context, m.id] = m.string
        else:
            found[m.context, tuple(m.id)] = tuple(s or m.id[min(i, 1)] for i, s in enumerate(m.string))
    return found


@pytest.mark.parametrize("po", sorted(DIRECTORY.glob("*/LC_MESSAGES/web.po")), ids=lambda p: p.parts[-3])
def test_each_compiled_web_catalogue_is_in_step_with_its_source(po: Path):
    expected = _read(po)
    with open(po.with_suffix(".mo"), "rb") as compiled:
        assert _translated(read_mo(compiled)) == _translated(expected), "run scripts/i18n compile"
    buffer = io.BytesIO()
    write_mo(buffer, expected)
    buffer.seek(0)
    assert _translated(read_mo(buffer)) == _translated(expected)


def test_the_two_domains_do_not_mix():
    """The pages' sentences are not in the catalogue of codes that mail and letters read, and the other
    way round (docs/portal.md): every entry of the messages domain has a context, so merged for a page
    they never shadow a sentence."""
    web = _ids(_read(DIRECTORY / "web.pot"))
    messages = _ids(_read(DIRECTORY / "messages.pot"))
    assert not web & messages
    assert all(context for context, _ in messages)


def test_newstyle_gettext_escapes_values_in_translated_strings(app):
    with app.test_request_context("/?lang=fr"):
        rendered = render_template_string("{{ _('Field %(code)s. %(name)s', code='1', name='<b>x</b>') }}")
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered and "<b>" not in rendered
