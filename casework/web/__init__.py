"""The web layer: blueprints by audience on top of the domain packages (docs/architecture.md)."""
from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from ..db import get_db


def init_app(app: Flask) -> None:
    """Register the blueprints and the request's session (committed once, at the end)."""
    from . import public
    app.register_blueprint(public.bp)
    app.teardown_appcontext(_close_session)


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
