"""The baseline of ``bench/web.py``: a minimal Flask + SQLAlchemy application with one endpoint that
reads one row by key (``GET /row/<id>``: a user's id, e-mail and name) from the same PostgreSQL
database, served by the same gunicorn settings as casework.

    gunicorn -w 2 -k sync -b 127.0.0.1:PORT 'baseline_app:create_app()'   # BENCH_DATABASE_URL set
"""
from __future__ import annotations

import os

from flask import Flask, abort, jsonify
from sqlalchemy import create_engine, text

ROW = text("SELECT id, email, name FROM users WHERE id = :id")


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_pre_ping=False)

    @app.get("/row/<int:row_id>")
    def row(row_id: int):
        with engine.connect() as conn:
            found = conn.execute(ROW, {"id": row_id}).first()
        if found is None:
            abort(404)
        return jsonify(id=found.id, email=found.email, name=found.name)

    return app
