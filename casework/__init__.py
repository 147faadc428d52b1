"""casework: case management for complaints and legal review around EU open competitions."""
from __future__ import annotations

from flask import Flask

from .config import Config, check_public_url, check_secret_key, database_url, from_environment
from .db import Database
from .resources import path


def create_app(config: dict | None = None) -> Flask:
    """The Flask application factory (starts no background work: see ``casework scheduler``)."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(path("templates")))
    app.config.from_object(Config)
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    check_secret_key(app.config)
    check_public_url(app.config)
    app.extensions["casework.db"] = app.config.get("DATABASE") or Database(
        database_url(app.config, app.instance_path))

    from . import web
    web.init_app(app)
    return app
