"""`casework user …` and `casework case …`: a case handled from the command line goes through the
same entry point, permission checks and audit as from the web."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from casework.cases.models import CaseType
from casework.cli import main
from casework.competitions import applications as apps
from casework.db import Database
from casework.workflows import file_case

from . import people


@pytest.fixture
def cli(tmp_path, monkeypatch):
    url = "sqlite:///" + str(tmp_path / "cases.sqlite")
    monkeypatch.setenv("DATABASE_URL", url)
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) is ok, result.output
        return result

    run("db", "upgrade")
    db = Database(url)
    with db.session_scope() as s:
        candidate = apps.register_candidate(s, email="cand@example.eu", identity_key="ID-1", surname="Kowalska",
                                            given_names="Anna", correspondence_language="PL")
        me = people.actor(s, people.Role.CANDIDATE, candidate_id=candidate.id)
        run.reference = file_case(s, me, CaseType.ACCESS_DOCUMENTS,
                                  details={"documents": "the minutes of the board's meeting"}).reference
    db.engine.dispose()
    return run


def test_officer_acts_on_a_case_and_the_trail_shows_it(cli):
    cli("user", "add", "officer@epso.eu", "--name", "Legal officer", "--role", "legal-officer")
    shown = json.loads(cli("case", "show", cli.reference, "--as", "officer@epso.eu", "--json").output)
    assert (shown["state"], shown["deciding_body"]) == ("filed", "epso")
    assert "reply" in shown["may"] and "confirm" not in shown["may"]
    [reply] = [d for d in shown["deadlines"] if d["name"] == "reply"]
    assert reply["rule"] == "access-initial" and reply["computation"]["steps"]          # D6: with its trace
    out = cli("case", "apply", cli.reference, "reply", "--as", "officer@epso.eu", "-d", "outcome=refused",
              "-d", "body=Refused: the minutes are covered by board secrecy.").output
    assert "filed -> replied" in out
    trail = json.loads(cli("case", "show", cli.reference, "--json").output)["trail"]
    assert [(t["action"], t["actor"]) for t in trail][-1] == ("reply", "legal-officer:officer@epso.eu")


def test_refused_step_is_one_line_and_changes_nothing(cli):
    cli("user", "add", "member@board.eu", "--name", "Board member", "--role", "epso-officer")
    result = cli("case", "apply", cli.reference, "reply", "--as", "member@board.eu", "-d", "outcome=granted",
                 "-d", "body=x", ok=False)
    assert "may not reply" in result.output and "(nothing was changed)" in result.output
    assert json.loads(cli("case", "show", cli.reference, "--json").output)["state"] == "filed"
    assert "no case" in cli("case", "show", "REV-2022-999999", ok=False).output
