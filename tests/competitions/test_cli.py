"""The ``casework`` command line on a temporary SQLite file: imports all or nothing with a one-line
error, phase closing, exports in CSV and JSON; and the migrations match the models."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner

from casework.cli import main
from casework.migrate import differences

from ..commands import on_a_sqlite_file
from . import factories as f
from .test_files import AFTER_THE_TESTS, APP_HEADER, RESULT_HEADER, application_row, mcq_keys, mcq_row, write_csv


def test_migrations_match_the_models(database):
    assert differences(database.engine) == []


@pytest.fixture
def cli(tmp_path, monkeypatch, frozen):
    run = on_a_sqlite_file(tmp_path, monkeypatch)
    run.frozen = frozen
    yield run
    run.engine.dispose()


def _assert_one_line_failure(result, *texts):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip() and not line.startswith("applications")
             and not line.startswith("results")]
    assert len(lines) == 1, result.output
    for t in texts:
        assert t in lines[0]
    assert lines[0].endswith("(nothing was changed)")


def _notice_file(tmp_path, name=f.AD402, **tweaks):
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(f.document(name, **tweaks)), encoding="utf-8")
    return path


def test_cli_bad_application_line_changes_nothing(cli, tmp_path):
    cli.frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    cli("notice", "import", _notice_file(tmp_path))
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [
        application_row("A-1"), application_row("A-2"), application_row("A-3", diplomas="degree-3y:2020-02-30")])
    result = cli("applications", "import", "EPSO/AD/402/23", path, ok=False)
    _assert_one_line_failure(result, "line 4, column diplomas: '2020-02-30' is not a date YYYY-MM-DD")
    assert (cli.count("applications"), cli.count("candidates")) == (0, 0)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1250", "utf-16"])
def test_cli_csv_in_another_encoding_is_one_line_naming_the_file_and_utf8(cli, tmp_path, encoding):
    cli.frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    cli("notice", "import", _notice_file(tmp_path))
    good = write_csv(tmp_path / "good.csv", APP_HEADER, [application_row("A-1", surname="Müller-Größe")])
    path = tmp_path / f"apps-{encoding}.csv"
    path.write_bytes(good.read_text(encoding="utf-8").encode(encoding))
    result = cli("applications", "import", "EPSO/AD/402/23", path, ok=False)
    _assert_one_line_failure(result, f"apps-{encoding}.csv: ", "UTF-8")
    assert "Müller" not in result.output and cli.count("applications") == 0


def test_cli_bad_notice_changes_nothing(cli, tmp_path):
    result = cli("notice", "import", _notice_file(tmp_path, places={"2": -1}), ok=False)
    _assert_one_line_failure(result, "fields[1].places: must be a positive integer")
    assert cli.count("notices") == 0
    result = cli("notice", "import", tmp_path / "missing.json", ok=False)
    _assert_one_line_failure(result, "cannot read")


def test_cli_bad_results_line_changes_nothing(cli, tmp_path):
    cli.frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    cli("notice", "import", _notice_file(tmp_path, only_fields=("1",)))
    cli("applications", "import", "EPSO/AD/402/23",
        write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1"), application_row("A-2")]))
    cli("results", "keys", "EPSO/AD/402/23", mcq_keys(tmp_path))
    path = write_csv(tmp_path / "r.csv", RESULT_HEADER, [
        mcq_row("A-1", "numerical", 10, 7, taken_on=""), ["A-2", "case-study", "12", "", "", ""]])
    result = cli("results", "import", "EPSO/AD/402/23", path, ok=False)
    _assert_one_line_failure(result, "line 3: case-study: mark 12 outside 0–10")
    assert cli.count("scores") == 0
    result = cli("phase", "close", "EPSO/AD/402/23", "application", ok=False)   # before the deadline
    _assert_one_line_failure(result, "applications are open until 2023-07-11T12:00:00+02:00")
    assert cli.count("decisions") == 0 and cli.count("phase_closures") == 0
    result = cli("notice", "show", "EPSO/AD/402/99", ok=False)
    _assert_one_line_failure(result, "no notice 'EPSO/AD/402/99'")


def _csv(text_):
    return list(csv.DictReader(io.StringIO(text_)))


def test_cli_full_competition_and_exports(cli, tmp_path):
    ref = "EPSO/AD/402/23"
    cli.frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    out = cli("notice", "import", _notice_file(tmp_path, only_fields=("1",), places={"1": 2})).output
    assert "EPSO/AD/402/23: version 1, 1 field(s)" in out
    cli("applications", "import", ref, write_csv(tmp_path / "apps.csv", APP_HEADER, [
        application_row("A-1", surname="Zeller"), application_row("A-2", surname="Andersen", publish="no"),
        application_row("A-3", surname="Berg"), application_row("A-4", surname="Costa")]))
    cli("results", "keys", ref, mcq_keys(tmp_path))
    cli.frozen.set(datetime(2023, 7, 11, 10, 1, tzinfo=UTC))
    assert "field 1: 4 considered, 4 through (admitted 4)" in cli("phase", "close", ref, "application").output
    cli.frozen.set(AFTER_THE_TESTS)
    rows = []
    for number, field_mcq in (("A-1", 28), ("A-2", 25), ("A-3", 25), ("A-4", 20)):
        rows += [mcq_row(number, "numerical", 10, 8), mcq_row(number, "verbal", 20, 10),
                 mcq_row(number, "abstract", 10, 6), mcq_row(number, "field-mcq", 30, field_mcq)]
    assert "16 result(s) imported" in cli("results", "import", ref,
                                          write_csv(tmp_path / "r.csv", RESULT_HEADER, rows)).output
    out = cli("phase", "close", ref, "tests").output                 # cap 1.5 × 2 = 3
    assert "field 1: 4 considered" in out and "(invited 3, not-invited 1, cut-off 25)" in out

    invitations = _csv(cli("export", "invitations", ref, "--field", "1", "--phase", "marking-eligibility").output)
    assert [(r["application"], r["surname"], r["decision"]) for r in invitations] == [
        ("A-1", "Zeller", "invited"), ("A-2", "Andersen", "invited"), ("A-3", "Berg", "invited")]
    ranking = json.loads(cli("export", "ranking", ref, "--field", "1", "--format", "json").output)
    assert [(r["rank"], r["application"], Decimal(r["score"]), r["status"]) for r in ranking] == [
        (1, "A-1", 28, "active"), (2, "A-2", 25, "active"), (2, "A-3", 25, "active"),
        (4, "A-4", 20, "eliminated")]

    cli("results", "import", ref, write_csv(tmp_path / "cs.csv", RESULT_HEADER, [
        [n, "case-study", "6", "", "", ""] for n in ("A-1", "A-2", "A-3")]))
    cli("phase", "close", ref, "marking-eligibility")
    cli.frozen.set(datetime(2024, 1, 15, 10, tzinfo=UTC))
    assert "listed 3" in cli("phase", "close", ref, "reserve-list").output   # ties at the 2nd place

    listed = _csv(cli("export", "reserve-list", ref, "--field", "1").output)
    assert [(r["application"], r["surname"], r["name_published"], Decimal(r["final_score"]), r["valid_until"])
            for r in listed] == [
        ("A-3", "Berg", "True", 25, "2025-01-15"), ("A-1", "Zeller", "True", 28, "2025-01-15"),
        ("A-2", "", "False", 25, "2025-01-15")]
    as_json = json.loads(cli("export", "reserve-list", ref, "--field", "1", "--format", "json").output)
    assert [r["application"] for r in as_json] == ["A-3", "A-1", "A-2"]
    assert as_json[2]["given_names"] == "" and as_json[2]["name_published"] is False

    result = cli("export", "reserve-list", ref, "--field", "9", ok=False)
    _assert_one_line_failure(result, "has no field '9'")
    result = cli("export", "invitations", ref, "--field", "1", ok=False)
    _assert_one_line_failure(result, "--phase is required for invitations")


def test_cli_on_a_database_without_schema_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "empty.sqlite"))
    result = CliRunner().invoke(main, ["notice", "show", "EPSO/AD/398/22"], catch_exceptions=False)
    _assert_one_line_failure(result, "database error", "casework db upgrade")


def test_c15_cli_force_majeure_claim_decided_with_wrong_input_refused(cli):
    """C15, R3: the competent body decides an absent candidate's force-majeure claim from the CLI."""
    import os

    from sqlalchemy import select

    from casework.competitions.models import Application, Status
    from casework.db import Database

    from .test_eligibility_claims import _absent_from_interview
    db = Database(os.environ["DATABASE_URL"])
    with db.session_scope() as session:
        notice, absent, present = _absent_from_interview(session, cli.frozen)
        reference, number, other = notice.reference, absent.number, present.number
    wrong = cli("force-majeure", reference, number, "--accept", "--reason", "  ", ok=False)
    _assert_one_line_failure(wrong, "needs its reasons")
    wrong = cli("force-majeure", reference, "NO-SUCH-NUMBER", "--refuse", "--reason", "x", ok=False)
    _assert_one_line_failure(wrong, "has no application 'NO-SUCH-NUMBER'")
    wrong = cli("force-majeure", reference, other, "--refuse", "--reason", "x", ok=False)   # never excluded
    _assert_one_line_failure(wrong, "no exclusion open to a force-majeure claim")
    result = cli("force-majeure", reference, number, "--accept", "--reason", "hospitalised on the day")
    assert result.output.strip() == f"{number}: reinstatement (accepted: reinstated at assessment)"
    with db.session_scope() as session:
        application = session.scalar(select(Application).where(Application.number == number))
        assert (application.phase, application.status, application.reinstated) == ("assessment", Status.ACTIVE, True)
    again = cli("force-majeure", reference, number, "--refuse", "--reason", "x", ok=False)       # decided once
    _assert_one_line_failure(again, "no exclusion open to a force-majeure claim")
    db.engine.dispose()


def test_c12_cli_withhold_name_in_time_late_and_accepted_late(cli):
    """C12, D6: the request not to publish a name, registered from the CLI with its receipt instant."""
    import os

    from sqlalchemy import select

    from casework.competitions.models import Application
    from casework.db import Database

    db = Database(os.environ["DATABASE_URL"])
    with db.session_scope() as session:
        notice, [a, b] = f.reserve_list_published(session, cli.frozen, [150, 140])
        reference, first, second = notice.reference, a.number, b.number
    cli.frozen.set(datetime(2022, 4, 8, 9, tzinfo=UTC))        # the requests are recorded once received
    # published Tuesday 22 March 2022: last day Tuesday 5 April, 24:00 Brussels = 22:00 UTC
    out = cli("withhold-name", reference, first, "--received-at", "2022-04-05T23:59:00+02:00").output
    assert out.strip() == f"{first}: name withheld (in time; limit 2022-04-05T22:00:00+00:00)"
    out = cli("withhold-name", reference, second, "--received-at", "2022-04-06T00:00:01+02:00").output
    assert out.strip() == f"{second}: recorded, not applied (late; limit 2022-04-05T22:00:00+00:00)"
    _assert_one_line_failure(cli("withhold-name", reference, second, "--received-at", "2022-04-06", ok=False),
                             "give the instant")
    _assert_one_line_failure(cli("withhold-name", reference, second, "--received-at", "yesterday", ok=False),
                             "malformed date or instant")
    _assert_one_line_failure(cli("withhold-name", reference, second, "--received-at", "2022-04-06T10:00:00+02:00",
                                 "--accept-late", ok=False), "needs a reason")
    out = cli("withhold-name", reference, second, "--received-at", "2022-04-06T10:00:00+02:00",
              "--accept-late", "--reason", "the account was unreachable").output
    assert out.strip().startswith(f"{second}: name withheld (late")
    with db.session_scope() as session:
        published = dict(session.execute(select(Application.number, Application.publish_name)).all())
        assert (published[first], published[second]) == (False, False)
    db.engine.dispose()


def test_r3_cli_restate_basis_of_an_unreadable_old_decision_then_reinstate(cli):
    """R3: an old "failed" decision whose reason migration 0007 could not read blocks reinstatement
    until a person states, from the command line, the pass marks it failed (checked against its phase)."""
    import os

    from casework.competitions import selection
    from casework.competitions.models import Application, Decision, Status
    from casework.db import Database

    from .test_decision_basis import REASONING, _failed_reasoning
    db = Database(os.environ["DATABASE_URL"])
    with db.session_scope() as session:
        application, failed = _failed_reasoning(session, cli.frozen)
        failed.basis = {"legacy_reason_unparsed": True, "migrated": "0007"}
        decision_id, application_id = failed.id, application.id
    wrong = cli("decision", "restate-basis", decision_id, "--failed", "interview,verbal", "--reason", "minutes",
                ok=False)
    _assert_one_line_failure(wrong, "has no pass mark on interview + verbal", "pass marks: ")
    wrong = cli("decision", "restate-basis", decision_id, "--missed", "karaoke", "--reason", "minutes", ok=False)
    _assert_one_line_failure(wrong, "has no test karaoke")
    _assert_one_line_failure(cli("decision", "restate-basis", decision_id, "--reason", "minutes", ok=False),
                             "say what the decision rests on")
    _assert_one_line_failure(cli("decision", "restate-basis", 999999, "--failed", "verbal", "--reason", "x", ok=False),
                             "no decision 999999")
    out = cli("decision", "restate-basis", decision_id, "--failed", ",".join(REASONING),
              "--reason", "the board's minutes of 14 June 2022").output
    assert out.strip() == f"decision #{decision_id}: basis recorded (1 pass mark(s) failed, 0 test(s) missed)"
    again = cli("decision", "restate-basis", decision_id, "--failed", ",".join(REASONING), "--reason", "x", ok=False)
    _assert_one_line_failure(again, "has a structured basis already")
    with db.session_scope() as session:
        assert session.get(Decision, decision_id).basis["pass_marks_failed"][0]["tests"] == REASONING
        application = session.get(Application, application_id)
        selection.reinstate(session, application, author="board", actor="legal-team", published_at=cli.frozen.now(),
                            reason="request for review upheld", source="P3/2022/0099")
        assert (application.phase, application.status) == ("document-check", Status.ACTIVE)
    db.engine.dispose()


def test_cli_export_names_an_unknown_test_or_phase_and_leaves_the_output_file_alone(cli, tmp_path):
    cli.frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    cli("notice", "import", _notice_file(tmp_path, only_fields=("1",)))
    out = tmp_path / "ranking.csv"
    out.write_text("an earlier export\n", encoding="utf-8")
    result = cli("export", "ranking", "EPSO/AD/402/23", "--field", "1", "--tests", "verbal,bogus", "-o", out, ok=False)
    _assert_one_line_failure(result, "has no test bogus (tests: ")
    assert out.read_text(encoding="utf-8") == "an earlier export\n"
    result = cli("export", "invitations", "EPSO/AD/402/23", "--field", "1", "--phase", "bogus", ok=False)
    _assert_one_line_failure(result, "has no phase 'bogus' (phases: ")
    assert cli("export", "ranking", "EPSO/AD/402/23", "--field", "1", "--tests", "verbal").exit_code == 0   # no marks yet
