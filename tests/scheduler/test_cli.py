"""`casework scheduler --once` and `casework scheduler status` on a database of their own."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from casework import clock
from casework.cli import main
from casework.scheduler import process

from . import scenes


@pytest.fixture
def cli(scratch_database, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", scratch_database.url)
    monkeypatch.delenv("SMTP_HOST", raising=False)
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output
    return run


def test_status_shows_the_lag_then_once_drains_it_and_the_process_reports_its_next_runs(cli, scratch_database):
    db = scratch_database
    _, deadline_id = scenes.documents_request(db, clock.now())
    scenes.bulk_reminders(db, deadline_id, 40, clock.now() - timedelta(minutes=10))
    before = json.loads(cli("scheduler", "status", "--json"))
    assert before["due"]["overdue"] == 40 and before["due"]["lag_seconds"] >= 600
    assert before["workers"] == [] and {row["kind"] for row in before["due"]["next"]} == {"due-soon", "overdue"}

    ran = json.loads(cli("scheduler", "--once", "--worker", "cron").strip().splitlines()[-1])
    assert ran["events"] == {"done": 40} and ran["mail"] is None        # no SMTP_HOST: mail waits

    scheduler = process.build(db, worker="box-1", interval=5, smtp=None, kind=BackgroundScheduler)
    scheduler.start(paused=True)                      # the jobs get their next run times, none runs
    process.heartbeat(db, "box-1", scheduler, clock.now())
    scheduler.shutdown(wait=False)
    after = json.loads(cli("scheduler", "status", "--json"))
    assert after["due"]["overdue"] == 0 and after["due"]["lag_seconds"] == 0
    assert after["outbox"]["pending"] == 40
    [worker] = after["workers"]
    assert worker["name"] == "box-1" and set(worker["next_runs"]) == {"sweep-due-events", "scan-filing-windows",
                                                                     "heartbeat"}
    assert "process box-1" in cli("scheduler", "status")


def test_calendar_record_stores_the_year_and_plans_the_recomputation(cli, scratch_database, tmp_path):
    year = {"place": "brussels", "year": 2027, "source": "Commission decision (fictitious test data)",
            "holidays": [{"date": "2027-01-01", "name": "New Year"}, {"date": "2027-05-10", "name": "extra day"}]}
    (tmp_path / "2027.json").write_text(json.dumps(year), encoding="utf-8")
    out = cli("calendar", "record", str(tmp_path / "2027.json"), "--reason", "official list for 2027")
    assert "brussels 2027: 2 holidays, confirmed, version 1" in out
    status = json.loads(cli("scheduler", "status", "--json"))
    assert status["due"]["overdue"] == 1                  # the recomputation, due at once
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**year, "holidays": [{"date": "2026-12-31", "name": "wrong year"}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["calendar", "record", str(bad), "--reason", "x"])
    assert result.exit_code != 0 and "not in year 2027" in result.output


@pytest.fixture
def mail_server():
    from tests.notifications.conftest import SmtpServer
    server = SmtpServer().start()
    yield server
    server.stop()


def test_once_acts_at_the_end_of_the_period_and_the_candidate_gets_the_mail(cli, scratch_database, frozen,
                                                                           mail_server, monkeypatch):
    from datetime import UTC, datetime
    case_id = scenes.complaint(scratch_database, frozen, datetime(2022, 4, 13, 9, tzinfo=UTC))
    monkeypatch.setenv("SMTP_HOST", mail_server.host)
    monkeypatch.setenv("SMTP_PORT", str(mail_server.port))
    frozen.set(datetime(2022, 8, 16, 22, 0, 1, tzinfo=UTC))      # just after 24:00 Brussels, 16 August
    ran = json.loads(cli("scheduler", "--once", "--worker", "cron").strip().splitlines()[-1])
    assert ran["events"]["done"] >= 1 and ran["mail"]["sent"] >= 1
    [mail] = [r.message for r in mail_server.inbox.received if "implied" in r.message["Subject"].lower()]
    with scratch_database.session_scope() as s:
        assert mail["To"] == scenes.case_of(s, case_id).candidate.email
    assert "25 November 2022" in mail.get_content()     # the date to act by (D2; see test_sweeps)
    assert str(mail["Message-ID"]).strip() == f"<implied-rejection/case-{case_id}/reply/20220816T220000Z/candidate@casework>"
