"""Bad input on the command line (issue 10 §6), on SQLite and PostgreSQL: each is one line on stderr,
a non-zero exit, no traceback, and not one row of the database changed."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casework import create_app
from casework.auth import accounts
from casework.auth.actors import actor_for
from casework.cases.models import CaseType
from casework.cli import main
from casework.competitions import applications as apps
from casework.competitions.models import Candidate, Notice
from casework.config import InsecureConfiguration
from casework.workflows import file_case

from ..competitions import factories as f
from .backends import command, refused  # noqa: F401  (fixture)


@pytest.fixture
def scene(command):  # noqa: F811
    """A notice, a legal officer, a candidate with an account and a Reg 1049/2001 request filed."""
    with command.db.session_scope() as s:
        command.notice = f.publish(s).reference
        apps.register_candidate(s, email="cand@example.eu", identity_key="ID-1", surname="Kowalska",
                                given_names="Anna", correspondence_language="PL")
        apps.register_candidate(s, email="other@example.eu", identity_key="ID-2", surname="Nowak",
                                given_names="Jan", correspondence_language="PL")
        accounts.create_user(s, email="cand@portal.eu", name="Anna", role="candidate",
                             candidate_email="cand@example.eu", actor="test")
        accounts.create_user(s, email="officer@epso.eu", name="Officer", role="legal-officer", actor="test")
        me = actor_for(s, accounts.find_user(s, "cand@portal.eu"))
        command.case = file_case(s, me, CaseType.ACCESS_DOCUMENTS,
                                 details={"documents": "the minutes of the board"}).reference
    command.before = command.dump()
    return command


def unchanged(scene, result, *texts):
    line = refused(result, *texts)
    assert scene.dump() == scene.before
    return line


# --- accounts --------------------------------------------------------------------------------

def test_an_existing_address_in_any_case(scene):
    unchanged(scene, scene("user", "add", "Officer@EPSO.eu", "--name", "X", "--role", "epso-officer", ok=False),
              "an account with the e-mail address 'officer@epso.eu' exists already")


def test_a_candidate_record_already_linked(scene):
    unchanged(scene, scene("user", "add", "anna2@portal.eu", "--name", "A", "--role", "candidate",
                           "--candidate", "cand@example.eu", ok=False),
              "the candidate record 'cand@example.eu' already has an account (C1")


def test_a_second_declaration_of_the_same_conflict(scene):
    scene("user", "conflict", "officer@epso.eu", "other@example.eu", "--reason", "cousin")
    scene.before = scene.dump()
    unchanged(scene, scene("user", "conflict", "officer@epso.eu", "Other@example.eu", "--reason", "cousin",
                           ok=False), "officer@epso.eu already declared a conflict of interest with this candidate")


@pytest.mark.parametrize("args, words", [
    (("--role", "board-member"), "a board member sits on at least one selection board"),
    (("--role", "candidate"), "a candidate's account belongs to their candidate record"),
    (("--role", "legal-officer", "--board", "EPSO/AD/398/22"), "only a board member sits on a selection board"),
    (("--role", "epso-officer", "--candidate", "other@example.eu"), "only a candidate's account is linked"),
    (("--role", "board-member", "--board", "EPSO/AD/999/99"), "no notice 'EPSO/AD/999/99'"),
    (("--role", "candidate", "--candidate", "nobody@example.eu"), "no candidate 'nobody@example.eu'"),
    (("--role", "legal-officer", "--language", "XX"), "unknown language 'XX'"),
])
def test_an_account_without_what_its_role_needs(scene, args, words):
    unchanged(scene, scene("user", "add", "new@epso.eu", "--name", "New", *args, ok=False), words)


@pytest.mark.parametrize("args, words", [
    (("a\x00b@x.eu", "--name", "N"), "the e-mail address contains a control character (U+0000)"),
    (("new@epso.eu", "--name", "N\x00"), "the name contains a control character (U+0000)"),
    (("new@epso.eu", "--name", "Ann\u202eevil"), "the name contains a control character (U+202E)"),
    (("not-an-address", "--name", "N"), "'not-an-address' is not an e-mail address"),
])
def test_user_add_with_a_nul_or_control_character_or_no_address(scene, args, words):
    unchanged(scene, scene("user", "add", *args, "--role", "legal-officer", ok=False), words)


def test_a_conflict_reason_or_a_board_reference_with_nul(scene):
    unchanged(scene, scene("user", "conflict", "officer@epso.eu", "other@example.eu", "--reason", "a\x00b",
                           ok=False), "the reason contains a control character (U+0000)")
    unchanged(scene, scene("user", "add", "m@board.eu", "--name", "M", "--role", "board-member",
                           "--board", "EPSO/AD\x00", ok=False), "the notice reference contains a control character")


# --- case apply --------------------------------------------------------------------------------

def _apply(scene, *args):
    return scene("case", "apply", scene.case, *args, ok=False)


def test_a_key_the_step_does_not_take_lists_those_it_does(scene):
    unchanged(scene, _apply(scene, "reply", "--as", "officer@epso.eu", "-d", "outcome=granted", "-d", "body=x",
                            "-d", "reasn=typo"),
              "reply takes no 'reasn' (it takes attachments, body, outcome, reason)")


@pytest.mark.parametrize("key", ["trigger", "actor"])
def test_a_key_that_names_a_parameter(scene, key):
    unchanged(scene, _apply(scene, "reply", "--as", "officer@epso.eu", "-d", "outcome=granted", "-d", "body=x",
                            "-d", f"{key}=close"), f"{key} cannot be given as data")


def test_expected_version_as_data(scene):
    unchanged(scene, _apply(scene, "reply", "--as", "officer@epso.eu", "-d", "outcome=granted", "-d", "body=x",
                            "-d", "expected_version=1"), "expected_version cannot be given as data")


def test_a_misspelt_step_lists_the_valid_ones(scene):
    line = unchanged(scene, _apply(scene, "replly", "--as", "officer@epso.eu", "-d", "outcome=granted"),
                     "has no step 'replly' (did you mean 'reply'?)",
                     "its steps: extend, reply, confirm, reply_confirmatory, implied_refusal, close, withdraw, "
                     "assign")
    assert "legal-officer:officer@epso.eu may take now: extend, reply, withdraw, assign" in line


def test_a_reason_with_nul(scene):
    unchanged(scene, _apply(scene, "reply", "--as", "officer@epso.eu", "-d", "outcome=granted",
                            "-d", "body=minutes\x00attached"), "body contains a control character (U+0000)")


# --- the development secret key ------------------------------------------------------------------

def test_the_development_secret_key_is_refused_by_the_web_app_but_not_by_the_command_line(command, monkeypatch):  # noqa: F811
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY is not set"):
        create_app()
    with pytest.raises(InsecureConfiguration):
        create_app({"SECRET_KEY": "dev-only-change-me"})
    assert create_app({"TESTING": True}).config["TESTING"] and create_app({"DEBUG": True})
    result = CliRunner().invoke(main, ["user", "add", "ops@epso.eu", "--name", "Ops", "--role", "admin"])
    assert result.exit_code == 0 and result.output == "user ops@epso.eu (admin) created\n", result.output


# --- calendar record (D2, D6) --------------------------------------------------------------------

CALENDAR_2027 = {"place": "brussels", "year": 2027, "source": "Commission decision (fictitious test data)",
                 "holidays": [{"date": "2027-01-01", "name": "New Year"}, {"date": "2027-05-10", "name": "extra day"}]}


def _calendar_file(tmp_path, content):
    path = tmp_path / "2027.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


@pytest.mark.parametrize("content, reason, words", [
    ("[" * 100_000 + "]" * 100_000, "x", "2027.json: invalid JSON: nested too deeply"),
    (b"\xff" + json.dumps(CALENDAR_2027).encode(), "x",
     ("2027.json: line 1: not UTF-8 at byte 1 of the line (a latin-1, cp1250 or other Windows export?); the file "
     "must be encoded in UTF-8 (save the JSON file as UTF-8)")),
    (json.dumps(CALENDAR_2027).encode("utf-16"), "x", "the file is UTF-16"),
    ('{"place": "brussels", "place": "court"}', "x", "the key 'place' appears twice in an object"),
    ({**CALENDAR_2027, "extra": 1}, "x", "'extra': unknown key (known here: holidays, place, source, status, year)"),
    ({**CALENDAR_2027, "holidays": [{"date": "2027-05-10", "name": "Europe\u202eyaD"}]}, "x",
     "the name of the holiday of 2027-05-10 holds a control character (U+202E)"),
    ({**CALENDAR_2027, "holidays": [{"date": "2027-05-10", "name": " "}]}, "x", "is empty"),
    ({**CALENDAR_2027, "source": "decision\x1b[2J"}, "x", "the source holds a control character (U+001B)"),
    (CALENDAR_2027, "official list\x1b]0;pwned\x07", "the reason holds a control character (U+001B)"),
    (CALENDAR_2027, "official\x00list", "the reason holds a control character (U+0000)"),
    (CALENDAR_2027, "   ", "a calendar change needs a reason (D6)"),
    (CALENDAR_2027, "x" * 2001, "the reason is longer than 2000 characters"),
    ({**CALENDAR_2027, "place": "strasbourg"}, "x", "unknown calendar place 'strasbourg'"),
    ({**CALENDAR_2027, "year": 1999, "holidays": []}, "x", "1999"),
])
def test_calendar_record_refuses_a_hostile_file_or_reason_in_one_line(command, tmp_path, content, reason, words):  # noqa: F811
    before = command.dump()
    refused(command("calendar", "record", _calendar_file(tmp_path, content), "--reason", reason, ok=False), words)
    assert command.dump() == before


def test_calendar_record_keeps_a_multi_line_reason(command, tmp_path):  # noqa: F811
    out = command("calendar", "record", _calendar_file(tmp_path, CALENDAR_2027), "--reason",
                  "Commission decision C(2026) 1234\nchecked by the legal team").output
    assert "brussels 2027: 2 holidays, confirmed, version 1" in out


# --- instants at the edge of what a date can hold ------------------------------------------------

@pytest.mark.parametrize("args", [
    ("withhold-name", "EPSO/AD/398/22", "A-1", "--received-at", "9999-12-31T23:59:00-12:00"),
    ("case", "file", "access-documents", "--as", "officer@epso.eu", "--candidate", "cand@example.eu",
     "--received-at", "9999-12-31T23:59:00-12:00", "-d", "documents=the minutes"),
    ("case", "file", "access-documents", "--as", "officer@epso.eu", "--candidate", "cand@example.eu",
     "--received-at", "0001-01-01", "-d", "documents=the minutes"),
])
def test_a_receipt_at_the_edge_of_the_dates_is_one_line(scene, args):
    unchanged(scene, scene(*args, ok=False), "is outside the dates a deadline can be counted from: the calendars "
                                             "cover 2000-2050")


# --- results keys: the refusal names the file, as the other imports do ---------------------------

@pytest.mark.parametrize("content, words", [
    (b"test,question,correct\nverbal,V1,A\n", "keys.csv: line 1: missing column(s) points"),
    ("test,question,correct,points\nverbal,V1,Å,1\n".encode("latin-1"), "keys.csv: line 2: not UTF-8 at byte"),
    (b"test,question,correct,points\nnope,V1,A,1\n", "keys.csv: line 2, column test: EPSO/AD/398/22 has no test 'nope'"),
])
def test_results_keys_names_the_file(scene, tmp_path, content, words):
    path = tmp_path / "keys.csv"
    path.write_bytes(content)
    line = unchanged(scene, scene("results", "keys", scene.notice, path, ok=False), words)
    assert line.startswith("Error: keys.csv: ")


# --- dates that have not happened yet --------------------------------------------------------------

def test_an_amendment_published_after_today_is_one_line(scene, tmp_path):
    path = tmp_path / "amended.json"
    path.write_text(json.dumps(f.document(f.AD398)), encoding="utf-8")
    unchanged(scene, scene("notice", "amend", path, "--reason", "x", "--published-on", "2099-01-01", ok=False),
              "the amendment's publication date 2099-01-01 is after today (2022-03-01)")


@pytest.mark.parametrize("received_at, words", [
    ("2099-12-01T10:00:00+01:00", "the request's receipt 2099-12-01T10:00:00+01:00 is in the future"),
    ("1900-01-01T10:00:00+01:00", ("the request's receipt 1900-01-01T10:00:00+01:00 is before the notice was "
                                   "published (2022-02-17)")),
])
def test_a_name_request_received_in_the_future_or_before_the_notice_is_one_line(scene, received_at, words):
    with scene.db.session_scope() as s:             # Anna files an application
        p = f.Person()
        apps.file_application(s, s.scalar(select(Candidate).where(Candidate.email == "cand@example.eu")),
                              s.scalar(select(Notice).where(Notice.reference == scene.notice)), number="A-1",
                              field_code=p.field, language_1=p.language_1, language_2=p.language_2,
                              language_levels=p.levels, profile=p.profile, publish_name=True)
    scene.before = scene.dump()
    unchanged(scene, scene("withhold-name", scene.notice, "A-1", "--received-at", received_at, ok=False), words)
