"""The command line against a temporary SQLite file created by `casework db upgrade`, with the
frozen clock of the tests: ``cli(*args)`` runs one command and ``cli.count(table)`` counts rows, so
that a refused command can be shown to have changed nothing."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import text

from casework.auth.models import Role
from casework.db import Database

from ..commands import on_a_sqlite_file
from ..competitions import factories as f
from ..workflows import people

REF = "EPSO/AD/398/22"
PDF = b"%PDF-1.7\nhelpdesk ticket 4711\n%%EOF\n"
TABLES = ("cases", "case_messages", "case_documents", "case_deadlines", "audit_events", "decisions",
          "stage_events")


@pytest.fixture
def cli(tmp_path, monkeypatch, frozen):
    run = on_a_sqlite_file(tmp_path, monkeypatch)

    def counts():
        return {table: run.count(table) for table in TABLES}

    def execute(sql, **params):
        with run.engine.begin() as conn:
            conn.execute(text(sql), params)

    run.counts, run.execute, run.frozen = counts, execute, frozen
    run.database = Database(run.url)
    yield run
    run.database.engine.dispose()
    run.engine.dispose()


def one_line_failure(result, *texts):
    """A refused command: non-zero exit, no traceback, one line ending "(nothing was changed)"."""
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for t in texts:
        assert t in lines[0], lines[0]
    assert lines[0].endswith("(nothing was changed)"), lines[0]
    return lines[0]


@dataclass
class World:
    """AD/398/22 field 1 closed through eligibility (22 March 2022): ``out`` excluded by the board
    (C5), ``inside`` admitted to the screener; their accounts and the legal team's."""
    inside: str            # the candidates' account e-mails
    out: str
    inside_number: str
    out_number: str
    out_email: str         # the candidate record's e-mail of ``out``
    exclusion: int         # the board's decision on ``out`` (R2)
    admission: int         # the decision admitting ``inside``
    legal: str
    epso: str


@pytest.fixture
def world(cli):
    with cli.database.session_scope() as s:
        notice = f.publish(s, only_fields=("1",), places={"1": 2})
        inside = f.apply(s, notice)
        f.apply(s, notice)
        out = f.apply(s, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
        f.after_deadline(cli.frozen, notice)
        f.close(s, notice, "application", "eligibility")
        f.refresh(s, inside, out)
        w = World(inside=people.user(s, Role.CANDIDATE, candidate_id=inside.candidate_id).email,
                  out=people.user(s, Role.CANDIDATE, candidate_id=out.candidate_id).email,
                  inside_number=inside.number, out_number=out.number, out_email=out.candidate.email,
                  exclusion=f.last_decision(s, out).id, admission=f.last_decision(s, inside).id,
                  legal=people.user(s, Role.LEGAL_OFFICER).email, epso=people.user(s, Role.EPSO_OFFICER).email)
    cli.frozen.advance(days=2)           # Thursday 24 March 2022
    return w


@pytest.fixture
def evidence(tmp_path):
    path = tmp_path / "ticket.pdf"
    path.write_bytes(PDF)
    return path
