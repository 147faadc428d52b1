"""The web layer: blueprints by audience on top of the domain packages (docs/architecture.md).

A view loads, authorises (404 for what the user may not see), runs its form, calls one domain
operation and renders or redirects; the request commits once, at the end.
"""
from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from ..db import get_db


def init_app(app: Flask) -> None:
    """Sessions, login, languages, security headers, error pages and the blueprints."""
    from . import auth, i18n, public, security
    from .portal import views as portal
    app.teardown_appcontext(_close_session)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(portal.bp, url_prefix="/portal")


def _close_session(exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        if exc is None:
            session.commit()
        else:
            session.rollback()
        session.close()


def get_session() -> Session:
    """The request's session: opened on first use, committed once at the end of the request."""
    if "db_session" not in g:
        g.db_session = get_db().Session()
    return g.db_session
