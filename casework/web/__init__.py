"""The web layer: blueprints by audience on top of the domain packages (docs/architecture.md).

A view loads, authorises (404 for what the user may not see), runs its form, calls one domain
operation and renders or redirects; the request commits once, at the end (a view that only reads,
marked :func:`read_only`, runs without a transaction).
"""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from ..db import get_db

READ_ONLY = "casework_read_only"      # the attribute :func:`read_only` sets on a view


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
    """The request's session: opened on first use, committed once at the end of the request; without
    a transaction for a view marked :func:`read_only`."""
    if "db_session" not in g:
        view = current_app.view_functions.get(request.endpoint) if has_request_context() else None
        if getattr(view, READ_ONLY, False):
            g.db_session = get_db().ReadSession()
        else:
            g.db_session = get_db().Session()
    return g.db_session


def read_only(view):
    """Mark a view that only reads: its session runs each statement on its own (autocommit), which
    spares the BEGIN and COMMIT round trips of a transaction; under PostgreSQL's READ COMMITTED each
    statement sees what was committed before it either way. A change there is a programming error
    (``db.ReadOnlyError``), never saved half-way."""
    setattr(view, READ_ONLY, True)
    return view
