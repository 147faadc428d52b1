"""Security of every page (issue 11, "Security"): headers on every response (a CSP without
unsafe-inline), CSRF on every form, a bound on a request's size, and error pages in the page's
language that never show a stack trace (docs/portal.md, "Languages and security")."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import abort, render_template_string
from flask_login import LoginManager, UserMixin, login_user

from casework import create_app
from casework.db import Database
from casework.migrate import upgrade
from casework.web import security
from casework.workflows.filing import MAX_UPLOAD_BYTES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SECRET = "a secret the view must never show"


class Someone(UserMixin):
    id = "someone"
    language = "EN"


def _app(db, **config):
    app = create_app({"TESTING": True, "DATABASE": db, "PROPAGATE_EXCEPTIONS": False, **config})
    if not hasattr(app, "login_manager"):          # before the accounts work wires Flask-Login
        LoginManager(app).user_loader(lambda user_id: None)

    @app.get("/test/boom")
    def boom():
        raise RuntimeError(SECRET)

    @app.get("/test/abort/<int:code>")
    def aborting(code):
        abort(code)

    @app.route("/test/form", methods=["GET", "POST"])
    def form():
        return render_template_string("{{ csrf_token() }}")

    @app.get("/test/private")
    def private():
        login_user(Someone())                      # logged in for this response (a fresh client each test)
        return render_template_string("private")

    return app


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = Database("sqlite:///" + str(tmp_path_factory.mktemp("security") / "web.sqlite"))
    upgrade(db.engine)
    yield db
    db.engine.dispose()


@pytest.fixture(scope="module")
def app(db):
    return _app(db)


@pytest.fixture
def client(app):
    return app.test_client()


def _headers_are_set(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(("url", "status"), [
    ("/", 200), ("/?lang=fr", 200), ("/notices/EPSO/AD/1/reserve-lists", 404), ("/no/such/page", 404),
    ("/static/casework.css", 200), ("/test/abort/403", 403), ("/test/boom", 500)])
def test_security_headers_on_every_response(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    _headers_are_set(response)


def test_the_style_sheet_is_a_file_of_the_site(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/casework.css">' in page
    css = client.get("/static/casework.css")
    assert css.mimetype == "text/css" and b":focus-visible" in css.data and b".skip-link" in css.data


def _pages() -> list[Path]:
    """Every template of a page (mail and letters are text, not pages)."""
    return [p for p in TEMPLATES.rglob("*.html") if not {"mail", "letters"} & set(p.relative_to(TEMPLATES).parts)]


@pytest.mark.parametrize("template", _pages(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_an_inline_style_or_script(template):
    """The CSP forbids them (no unsafe-inline): a style attribute or an inline script would be ignored."""
    source = template.read_text()
    assert not re.search(r"<style\b", source, re.IGNORECASE), "a <style> element: put it in casework/static/casework.css"
    for script in re.findall(r"<script\b[^>]*>", source, re.IGNORECASE):
        assert re.search(r"\ssrc\s*=", script), "an inline <script>: serve it from casework/static"
    for tag in re.findall(r"<[a-z][a-z0-9-]*\b[^>]*>", source, re.IGNORECASE):
        assert not re.search(r"\son[a-z]+\s*=", tag, re.IGNORECASE), f"an inline event handler: {tag}"
        assert not re.search(r"\sstyle\s*=", tag, re.IGNORECASE), f"a style attribute (use a class of casework.css): {tag}"
    assert "javascript:" not in source.lower()


def test_no_store_for_a_logged_in_users_pages_only(app):
    private = app.test_client().get("/test/private")
    assert private.headers["Cache-Control"] == "no-store" and "Cookie" in private.headers["Vary"]
    assert "no-store" not in app.test_client().get("/").headers.get("Cache-Control", "")


# --- error pages ------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "english", "french"), [
    (400, "The request could not be understood", "La demande n'a pas pu être comprise"),
    (403, "Not allowed", "Action non autorisée"),
    (404, "Page not found", "Page introuvable"),
    (405, "This page cannot be used this way", "Cette page ne peut pas être utilisée ainsi"),
    (413, "Too large", "Trop volumineux"),
    (422, "What you sent could not be processed", "Ce que vous avez envoyé n'a pas pu être traité"),
    (429, "Too many attempts", "Trop de tentatives"),
])
def test_each_error_has_its_page_in_the_pages_language(client, code, english, french):
    response = client.get(f"/test/abort/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == code and response.mimetype == "text/html"
    assert f"<h1>{english}</h1>" in page and '<html lang="en">' in page
    assert '<main id="main"' in page and 'href="#main"' in page          # the site's layout
    page = client.get(f"/test/abort/{code}?lang=fr").get_data(as_text=True)
    assert f"<h1>{french}</h1>" in page and '<html lang="fr">' in page


def test_a_view_that_raises_gets_a_page_with_a_reference_and_no_traceback(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/test/boom?lang=de")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in page and SECRET not in page and "RuntimeError" not in page
    assert "<h1>Etwas ist schiefgelaufen</h1>" in page
    reference = re.search(r'<span class="error-reference">([0-9A-F]{10})</span>', page).group(1)
    # one log record holds the reference and the traceback
    records = [r for r in caplog.records if reference in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info and records[0].exc_info[0] is RuntimeError
    assert "/test/boom" in records[0].getMessage()
    other = re.search(r'class="error-reference">([0-9A-F]{10})<', client.get("/test/boom").get_data(as_text=True))
    assert other.group(1) != reference


def test_abort_500_is_logged_with_its_reference(client, caplog):
    with caplog.at_level(logging.ERROR):
        page = client.get("/test/abort/500").get_data(as_text=True)
    reference = re.search(r'class="error-reference">([0-9A-F]{10})<', page).group(1)
    assert any(reference in r.getMessage() for r in caplog.records)


def test_a_500_whose_page_fails_too_is_still_a_page_without_traceback(db, monkeypatch):
    app = _app(db)

    def broken(*args, **kwargs):
        raise RuntimeError("the page itself failed")
    monkeypatch.setattr(security, "render_template", broken)
    response = app.test_client().get("/test/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and text.startswith("Internal server error. Reference: ")
    assert SECRET not in text and "Traceback" not in text
    _headers_are_set(response)


def test_a_method_not_allowed_keeps_its_allow_header(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


# --- CSRF and the size of a request -----------------------------------------------------------

def test_a_post_without_the_csrf_token_is_refused_with_a_clear_page(client):
    response = client.post("/test/form", data={"x": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<h1>This form could not be accepted</h1>" in page and "send the form again" in page
    _headers_are_set(response)
    page = client.post("/test/form?lang=de", data={"csrf_token": "forged"}).get_data(as_text=True)
    assert "<h1>Dieses Formular konnte nicht angenommen werden</h1>" in page


def test_a_post_with_the_sessions_token_is_accepted(client):
    token = client.get("/test/form").get_data(as_text=True)
    assert client.post("/test/form", data={"csrf_token": token}).status_code == 200
    assert client.post("/test/form", data={"csrf_token": token + "x"}).status_code == 400
    # a token is the session's: another client's is refused
    stranger = client.application.test_client()
    assert stranger.post("/test/form", data={"csrf_token": token}).status_code == 400


def test_the_logout_form_of_the_layout_carries_the_token(client):
    """base.html posts logout with the session's token when the accounts' logout exists."""
    source = (TEMPLATES / "base.html").read_text()
    form = re.search(r"<form[^>]*auth\.logout.*?</form>", source, re.DOTALL).group(0)
    assert 'method="post"' in form and "csrf_token()" in form


def test_a_request_larger_than_the_bound_gets_the_413_page(db):
    app = _app(db, MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/test/form", data={"text": "x" * 4096})
    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.get_data(as_text=True)
    _headers_are_set(response)


def test_the_default_bound_leaves_room_for_the_largest_document(app):
    assert app.config["MAX_CONTENT_LENGTH"] == security.MAX_REQUEST_BYTES > MAX_UPLOAD_BYTES
    assert app.config["WTF_CSRF_ENABLED"] is True
