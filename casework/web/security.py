"""Security of every page (issue 11): CSRF on every form, security headers on every response, a
bound on the size of a request, and error pages without stack traces (docs/portal.md).

- CSRF: Flask-WTF's ``CSRFProtect`` for the whole application: every POST, PUT, PATCH and DELETE
  needs the session's token (``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``,
  or a FlaskForm's ``{{ form.csrf_token }}``); a request without it gets the 400 page saying so.
- Headers: a Content-Security-Policy without ``unsafe-inline`` (styles and scripts are files in
  casework/static), no framing, no MIME sniffing, no referrer outside the site; ``no-store`` for
  the pages of a logged-in user.
- Behind ``TRUSTED_PROXIES`` reverse proxies, the client's address and scheme are the ones they
  forwarded (werkzeug's ``ProxyFix``, that many hops; the default, 0, believes no header: a client
  could name any address in ``X-Forwarded-For``).
- Errors: templates/errors/<code>.html for 400, 403, 404, 405, 413, 422, 429 and 500, in the page's
  language; a 500 shows a reference that is logged with the traceback, never the traceback.
"""
from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from ..workflows.filing import MAX_UPLOAD_BYTES

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# a request may carry one document of the largest size filing accepts, with the form around it
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 2 * 1024 * 1024
ERROR_PAGES = (400, 403, 404, 405, 413, 422, 429)        # and 500, with its reference

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:         # the per-address login limit counts the client, not the proxy (web/auth.py)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    # a token valid for the session rather than an hour: a candidate may spend longer than that
    # writing a complaint, and the session is what the token guards (SameSite=Lax cookies too)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    app.after_request(_headers)
    for code in ERROR_PAGES:
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(InternalServerError, _server_error)
    # Flask logs an unhandled exception with its traceback before the 500 page is made: the log line
    # carries the page's reference, so one record holds both (Flask.log_exception is the hook)
    app.log_exception = _log_exception


def _authenticated() -> bool:
    """Whether a user is logged in (Flask-Login); when that cannot be told (the user's row cannot be
    loaded while an error page is made) the page is treated as private."""
    if not hasattr(current_app, "login_manager"):
        return False
    from flask_login import current_user
    try:
        return bool(getattr(current_user, "is_authenticated", False))
    except Exception:        # noqa: BLE001 — whatever failed, the page must not be cached
        return True


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static" and _authenticated():
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def _kept_headers(error: HTTPException) -> list[tuple[str, str]]:
    """What the error itself says besides its body (``Allow`` of a 405, ``Retry-After`` of a 429)."""
    return [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]


def _error_page(error: HTTPException):
    return render_template(f"errors/{error.code}.html", error=error), error.code, _kept_headers(error)


def _csrf_refused(error: CSRFError):
    current_app.logger.info("CSRF refused on %s %s: %s", request.method, request.path, error.description)
    return render_template("errors/400.html", error=error, csrf=True), 400


def error_reference() -> str:
    """The reference of this request's internal error, shown to the user and logged."""
    if "error_reference" not in g:
        g.error_reference = secrets.token_hex(5).upper()
    return g.error_reference


def _log_exception(exc_info) -> None:
    current_app.logger.error("Exception on %s [%s], reference %s", request.path, request.method,
                             error_reference(), exc_info=exc_info)


def _server_error(error: InternalServerError):
    reference = error_reference()
    if error.original_exception is None:            # abort(500): nothing was logged
        current_app.logger.error("Internal server error on %s [%s], reference %s", request.path,
                                 request.method, reference)
    try:
        return render_template("errors/500.html", reference=reference), 500
    except Exception:        # the page itself failed (a database down …): still a page, plain
        current_app.logger.exception("The error page failed, reference %s", reference)
        return Response(f"Internal server error. Reference: {reference}\n", 500, mimetype="text/plain")
