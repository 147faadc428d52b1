"""Languages of the web pages (C4): Flask-Babel with the catalogues in casework/translations."""
from __future__ import annotations

from flask import Flask
from flask_babel import Babel

from ..resources import path


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(path("translations")))
    Babel(app)
