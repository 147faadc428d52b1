"""casework: case management for complaints and legal review around EU open competitions."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g

from .config import Config, from_environment
from .db import Database

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def database_url(app: Flask) -> str:
    """``DATABASE_URL`` if set, else a SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        return url
    os.makedirs(app.instance_path, exist_ok=True)
    return "sqlite:///" + os.path.join(app.instance_path, "casework.sqlite")


def create_app(config: dict | None = None) -> Flask:
    """The Flask application factory (starts no background work: see ``casework scheduler``)."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(TEMPLATES))
    app.config.from_object(Config)
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    app.extensions["casework.db"] = app.config.get("DATABASE") or Database(database_url(app))

    from .web import public
    app.register_blueprint(public.bp)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            if exc is None:
                session.commit()
            else:
                session.rollback()
            session.close()

    return app


def get_db(app: Flask | None = None) -> Database:
    from flask import current_app
    return (app or current_app).extensions["casework.db"]


def get_session():
    """The request's session: opened on first use, committed once at the end of the request."""
    if "db_session" not in g:
        g.db_session = get_db().Session()
    return g.db_session
