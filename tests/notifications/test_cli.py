"""`casework outbox list|retry`: what an administrator sees of the outbox and how failed messages
go out again (the group is registered in casework.cli by the scheduler's work)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from casework import create_app
from casework.cli.outbox import outbox_group
from casework.notifications import OutboxMessage, OutboxStatus, enqueue

STEP = {"reference": "REV-2022-000042", "step": "decide", "state": "decided"}


@pytest.fixture
def outbox(scratch_database, frozen):
    db = scratch_database
    with db.session_scope() as s:
        for n in range(3):
            enqueue(s, key=f"cli/{n}", to=f"c{n}@example.eu", language="DE", template="case-step", context=STEP)
        failed = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "cli/1"))
        failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, 8, "ConnectionRefusedError: [Errno 111]"
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: create_app({"DATABASE": db, "TESTING": True}))

    def run(*args, ok=True):
        result = runner.invoke(outbox_group, list(args), obj=info, catch_exceptions=False)
        assert (result.exit_code == 0) is ok, result.output
        return result.output

    return run


def test_list_shows_the_backlog_and_the_failed_message_with_its_error(outbox):
    out = outbox("list")
    assert out.splitlines()[0] == "2 pending (2 due now, oldest 2022-03-01T12:00:00+00:00), 1 failed"
    assert "failed" in out and "cli/1" in out and "last error: ConnectionRefusedError: [Errno 111]" in out
    data = json.loads(outbox("list", "--status", "failed", "--json"))
    assert [(m["key"], m["status"], m["attempts"], m["language"]) for m in data["messages"]] == [
        ("cli/1", "failed", 8, "DE")]
    assert data["failed"] == 1 and data["oldest_pending"] == "2022-03-01T12:00:00+00:00"


def test_retry_by_id_or_all_failed(outbox):
    failed_id = json.loads(outbox("list", "--status", "failed", "--json"))["messages"][0]["id"]
    assert outbox("retry", str(failed_id)) == "1 failed message(s) pending again\n"
    assert outbox("retry", "--all-failed") == "0 failed message(s) pending again\n"
    assert json.loads(outbox("list", "--json"))["pending"] == 3
    assert "give the ids of failed messages, or --all-failed" in outbox("retry", ok=False)
