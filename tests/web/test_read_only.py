"""Views marked ``read_only`` (casework.web): their session runs without a transaction (no BEGIN and
COMMIT round trips: the portal's most used pages, docs/performance.md), they answer GET only, and a
change made in one is refused, never saved. On both backends."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from casework import create_app
from casework.competitions.models import Notice
from casework.db import ReadOnlyError
from casework.web import READ_ONLY, get_session, read_only
from tests.competitions import factories as f

SAFE = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def app(scratch_database):
    """The application on a database of its own (a test here commits)."""
    app = create_app({"TESTING": True, "DATABASE": scratch_database})

    @app.get("/test/in-transaction")
    @read_only
    def in_transaction():
        session = get_session()
        if session.bind.dialect.name == "postgresql":     # now() is the transaction's start, not the statement's
            session.execute(text("SELECT pg_sleep(0.02)"))
            inside = not session.execute(text("SELECT now() = statement_timestamp()")).scalar()
        else:             # pysqlite opens transactions itself unless its isolation_level is None
            inside = session.connection().connection.dbapi_connection.isolation_level is not None
        return {"inside": inside}

    @app.get("/test/rename/<int:notice_id>")
    @read_only
    def rename(notice_id: int):
        get_session().get(Notice, notice_id).title = "changed by a read-only view"
        get_session().flush()
        return "done"

    return app


def test_the_portals_reading_pages_are_read_only_and_answer_get_only(app):
    marked = {rule.endpoint: rule.methods for rule in app.url_map.iter_rules()
              if getattr(app.view_functions[rule.endpoint], READ_ONLY, False)}
    assert {"portal.index", "portal.decisions", "portal.decision", "portal.cases", "portal.case", "portal.document",
            "public.index", "public.reserve_lists"} <= set(marked)
    assert {endpoint: methods - SAFE for endpoint, methods in marked.items() if methods - SAFE} == {}
    assert "portal.file" not in marked and "auth.login" not in marked          # they change data on POST


def test_a_read_only_view_reads_outside_a_transaction_and_another_view_inside_one(app):
    client = app.test_client()
    assert client.get("/test/in-transaction").get_json() == {"inside": False}
    app.view_functions["in_transaction"].__dict__.pop(READ_ONLY)     # the same view, unmarked
    assert client.get("/test/in-transaction").get_json() == {"inside": True}


def test_a_change_in_a_read_only_view_is_refused_and_nothing_is_saved(app, scratch_database):
    database = scratch_database
    with database.session_scope() as s:
        notice = f.publish(s, only_fields=("1",))
        notice_id, title = notice.id, notice.title
    with pytest.raises(ReadOnlyError, match="read-only session changed data"):
        app.test_client().get(f"/test/rename/{notice_id}")
    with database.session_scope() as s:
        assert s.scalar(select(Notice.title).where(Notice.id == notice_id)) == title
