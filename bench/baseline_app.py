"""The baseline of ``bench/web.py``: a minimal Flask + SQLAlchemy application on the same PostgreSQL
database, served by the same gunicorn settings as casework.

- ``GET /row/<id>``: reads one row by key (a user's id, e-mail and name): the baseline itself;
- ``POST /floor``: the floor under any filing, a reference rather than a target. It parses the same
  multipart body as the portal's filing (text fields and a small PDF), then writes in one transaction,
  with plain Core inserts, the rows a request for review leaves (its case, two time limits, their two
  due events, the document, the filing message, the audit row), copied from the newest case of the
  scene. No session, login, CSRF check, read of the decision or computation of a time limit: whatever
  the portal does for a filing costs at least this on the same machine.

    gunicorn -w 2 -k sync -b 127.0.0.1:PORT 'baseline_app:create_app()'   # BENCH_DATABASE_URL set
"""
from __future__ import annotations

import os
import secrets
from functools import cache

from flask import Flask, abort, jsonify, request
from sqlalchemy import MetaData, create_engine, func, insert, select, text

ROW = text("SELECT id, email, name FROM users WHERE id = :id")
WRITTEN = ("cases", "case_deadlines", "due_events", "case_documents", "case_messages", "audit_events")


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

    @cache
    def template() -> tuple[dict, dict[str, list[dict]]]:
        """The tables (reflected, not casework's models) and the rows of the newest case, ids dropped."""
        meta = MetaData()
        meta.reflect(engine, only=WRITTEN)
        t = meta.tables
        with engine.connect() as conn:
            case_id = conn.scalar(select(func.max(t["cases"].c.id)))

            def rows(table, where):
                return [dict(r._mapping) for r in conn.execute(select(table).where(where).order_by(table.c.id))]

            return t, {"cases": rows(t["cases"], t["cases"].c.id == case_id),
                       "case_deadlines": rows(t["case_deadlines"], t["case_deadlines"].c.case_id == case_id),
                       "due_events": rows(t["due_events"], t["due_events"].c.case_id == case_id),
                       "case_documents": rows(t["case_documents"], t["case_documents"].c.case_id == case_id),
                       "case_messages": rows(t["case_messages"], t["case_messages"].c.case_id == case_id),
                       "audit_events": rows(t["audit_events"], (t["audit_events"].c.entity == "case")
                                            & (t["audit_events"].c.entity_id == case_id))}

    @app.post("/floor")
    def floor():
        grounds, content = request.form["detail_grounds"], request.files["evidence"].read()
        t, rows = template()

        def copy(row: dict, **changed) -> dict:
            return {**{k: v for k, v in row.items() if k != "id"}, **changed}

        with engine.begin() as conn:
            case = rows["cases"][0]
            case_id = conn.execute(insert(t["cases"]).returning(t["cases"].c.id),
                                   copy(case, details={**case["details"], "grounds": grounds})).scalar_one()
            deadline_ids = {d["id"]: conn.execute(insert(t["case_deadlines"]).returning(t["case_deadlines"].c.id),
                                                  copy(d, case_id=case_id)).scalar_one()
                            for d in rows["case_deadlines"]}
            conn.execute(insert(t["due_events"]), [
                copy(e, case_id=case_id, deadline_id=deadline_ids.get(e["deadline_id"]), key=secrets.token_hex(16))
                for e in rows["due_events"]])
            conn.execute(insert(t["case_documents"]), [copy(d, case_id=case_id, content=content)
                                                       for d in rows["case_documents"]])
            conn.execute(insert(t["case_messages"]), [copy(m, case_id=case_id) for m in rows["case_messages"]])
            conn.execute(insert(t["audit_events"]), [copy(a, entity_id=case_id) for a in rows["audit_events"]])
        return "", 303, {"Location": f"/case/{case_id}"}

    return app
