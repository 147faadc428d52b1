"""`casework case file`: every case type P1–P5 filed from the command line by the candidate, a
request received by post registered by the legal team on the candidate's behalf (D6), and wrong
input refused in one line with nothing changed."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from casework.cases.models import CaseType

from .conftest import PDF, REF, one_line_failure


def shown(cli, reference):
    return json.loads(cli("case", "show", reference, "--json").stdout)


def _file(cli, *args):
    result = cli("case", "file", *args)
    reference = result.stdout.strip()
    assert "\n" not in reference                      # the reference alone on stdout, for scripts
    return reference


def _filings(w, evidence):
    """For each case type: who files, the arguments, the deciding body (R1), the rule (D9)."""
    about_test = ("--notice", REF, "--test", "verbal", "--sat-on", "2022-03-23")
    return {
        CaseType.NEUTRALISATION: (w.inside, (*about_test, "-d", "question=the question on the 1998 budget",
                                             "-d", "explanation=two answers are correct"), "board", "neutralisation"),
        CaseType.TECHNICAL_ISSUE: (w.inside, (*about_test, "-d", "description=the screen froze at question 12",
                                              "--attach", evidence), "epso", "technical-issue"),
        CaseType.REVIEW: (w.out, ("--decision", w.exclusion, "-d", "grounds=my diploma dates from 2008"),
                          "board", "review"),
        CaseType.COMPLAINT: (w.out, ("--decision", w.exclusion, "--confirm", "p4-board-decision",
                                     "-d", "grounds=the notice was misapplied"), "appointing-authority",
                             "art90-complaint"),
        CaseType.ACCESS_INFO: (w.out, ("--decision", w.exclusion, "-d", "items=results,marked-copy"), "epso",
                               "info-request"),
        CaseType.ACCESS_DOCUMENTS: (w.inside, ("-d", "documents=the minutes of the board's meetings"), "epso", None),
    }


@pytest.mark.parametrize("case_type", [t for t in CaseType if t is not CaseType.REMEDY], ids=lambda t: t.value)
def test_every_case_type_is_filed_from_the_command_line(cli, world, evidence, case_type):
    """P1–P5: the candidate files; the reference is printed; the case is routed (R1) and its filing
    limit computed under the notice's rule set (D9), in time here."""
    email, args, body, rule = _filings(world, evidence)[case_type]
    reference = _file(cli, case_type.value, "--as", email, *args)
    assert reference.startswith(f"{case_type.code}-2022-")
    data = shown(cli, reference)
    assert (data["type"], data["rule"], data["state"], data["deciding_body"]) == (
        case_type.value, case_type.rule, "filed", body)
    assert data["filed_by"] == f"candidate:{email}" and data["registered_by_legal_team"] is False
    assert [m["kind"] for m in data["messages"]][:1] == ["filing"]
    if rule is None:                                   # Reg 1049/2001: no filing limit (D8)
        assert data["lateness"] is None
    else:
        [filing] = [d for d in data["deadlines"] if d["name"] == "filing"]
        assert filing["rule"] == rule and filing["status"] == "met" and filing["steps"]
        assert data["lateness"]["late"] is False and data["lateness"]["days"] == 0
    if case_type is CaseType.TECHNICAL_ISSUE:
        [document] = data["documents"]
        assert (document["name"], document["size"], document["media_type"]) == ("ticket.pdf", len(PDF),
                                                                               "application/pdf")
    if case_type is CaseType.ACCESS_INFO:
        assert data["details"]["items"] == ["results", "marked-copy"]        # P5: item by item
    if case_type in (CaseType.NEUTRALISATION, CaseType.TECHNICAL_ISSUE):
        assert (data["details"]["test"], data["details"]["sat_on"]) == ("verbal", "2022-03-23")
        assert "sitting-not-on-record" in data["flags"]


def test_p4_against_a_board_decision_needs_the_warning_confirmed(cli, world):
    """P4, D7: the candidate is told the Director cannot overturn the board and the court window keeps
    running; without --confirm nothing is filed."""
    before = cli.counts()
    result = cli("case", "file", "complaint", "--as", world.out, "--decision", world.exclusion,
                 "-d", "grounds=x", ok=False)
    line = one_line_failure(result, "General Court", "add --confirm p4-board-decision")
    assert "Traceback" not in line and cli.counts() == before


def test_the_legal_team_registers_a_request_received_by_post(cli, world):
    """D6: a request for review received by post on 5 April, after the 10 days that ended on 1 April,
    is registered by the legal team on the candidate's behalf: never refused, its lateness counted
    from the receipt instant (not from the day it is registered), the candidate the applicant."""
    cli.frozen.set(datetime(2022, 4, 8, 9, tzinfo=UTC))
    result = cli("case", "file", "review", "--as", world.legal, "--decision", world.exclusion,
                 "--received-at", "2022-04-05T10:30:00+02:00", "-d", "grounds=sent by registered letter")
    reference = result.stdout.strip()
    assert "late by 4 day(s) after the last day 2022-04-01" in result.stderr
    data = shown(cli, reference)
    assert data["candidate"]["email"] == world.out_email                       # the applicant, not the officer
    assert data["application"]["number"] == world.out_number
    assert data["filed_by"] == f"legal-officer:{world.legal}" and data["registered_by_legal_team"] is True
    assert data["filed_at"] == "2022-04-05T08:30:00+00:00"
    late = data["lateness"]
    assert (late["late"], late["days"], late["last_day"]) == (True, 4, "2022-04-01")
    assert late["seconds"] == (datetime(2022, 4, 5, 8, 30, tzinfo=UTC) - datetime(2022, 4, 1, 22, tzinfo=UTC)).seconds \
        + 3 * 86400
    assert late["hours"] is None                       # a limit ending at 24:00: counted in days only
    text = cli("case", "show", reference).stdout
    assert "received by post or e-mail, registered by the legal team" in text
    assert "late by 4 day(s) after the last day 2022-04-01; excuse: none yet" in text


def test_a_legal_team_filing_names_the_candidate_with_a_notice(cli, world):
    """P1 received by e-mail: --notice and --candidate (an e-mail or an application number)."""
    reference = _file(cli, "neutralisation", "--as", world.legal, "--notice", REF, "--candidate",
                      world.inside_number, "--test", "verbal", "--sat-on", "2022-03-23",
                      "--received-at", "2022-03-24", "-d", "question=q", "-d", "explanation=e")
    data = shown(cli, reference)
    assert data["application"]["number"] == world.inside_number and data["registered_by_legal_team"]
    assert data["filed_at"] == "2022-03-23T23:00:00+00:00"       # a date alone: its start, Brussels time


def _bad_inputs(w, tmp_path):
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:                     # 10 MB + 1 byte, sparse
        handle.truncate(10 * 1024 * 1024 + 1)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    program = tmp_path / "tool.exe"
    program.write_bytes(b"MZ\x90\x00")
    review = ("review", "--as", w.out, "--decision", w.exclusion, "-d", "grounds=g")
    return {
        "unknown type": (("appeal", "--as", w.out, "--decision", w.exclusion), "unknown case type 'appeal'"),
        "remedy is not filed": (("remedy", "--as", w.legal, "--decision", w.exclusion), "unknown case type"),
        "unknown decision": (("review", "--as", w.out, "--decision", "999999", "-d", "grounds=g"),
                             "no decision '999999' on your applications"),
        "decision not a number": (("review", "--as", w.legal, "--decision", "12a", "-d", "grounds=g"),
                                  "no decision '12a'"),
        "someone else's decision": (("review", "--as", w.inside, "--decision", w.exclusion, "-d", "grounds=g"),
                                    f"no decision '{w.exclusion}' on your applications"),
        "decision not of the named candidate": (
            ("review", "--as", w.legal, "--candidate", w.inside_number, "--decision", w.exclusion,
             "-d", "grounds=g"), f"decision #{w.exclusion} is not on an application of"),
        "neutralisation without notice": (("neutralisation", "--as", w.inside, "-d", "question=q",
                                           "-d", "explanation=e"), "say which application and which test"),
        "neutralisation without test": (("neutralisation", "--as", w.inside, "--notice", REF, "-d", "question=q",
                                         "-d", "explanation=e"), "say which application and which test"),
        "unknown notice": (("neutralisation", "--as", w.inside, "--notice", "EPSO/XX/1/22", "--test", "verbal",
                            "--sat-on", "2022-03-23", "-d", "question=q", "-d", "explanation=e"),
                           "no notice 'EPSO/XX/1/22'"),
        "test on a review": ((*review, "--test", "verbal"), "--test and --sat-on are for"),
        "attachment not found": ((*review, "--attach", tmp_path / "missing.pdf"), "missing.pdf' is not a file"),
        "attachment too big": ((*review, "--attach", big), "big.pdf is larger than 10 MB"),
        "attachment not what it says": ((*review, "--attach", fake), "fake.pdf is not a real application/pdf file"),
        "attachment of a refused type": ((*review, "--attach", program), "are not accepted"),
        "received in the future": (("review", "--as", w.legal, "--decision", w.exclusion, "-d", "grounds=g",
                                    "--received-at", "2022-03-25T10:00:00+01:00"), "received in the future"),
        "received-at unreadable": (("review", "--as", w.legal, "--decision", w.exclusion, "-d", "grounds=g",
                                    "--received-at", "last Tuesday"), "--received-at: malformed date"),
        "received-at without offset": (("review", "--as", w.legal, "--decision", w.exclusion, "-d", "grounds=g",
                                        "--received-at", "2022-03-23T10:00"), "--received-at:"),
        "received-at by the candidate": ((*review, "--received-at", "2022-03-23"), "only the legal team"),
        "data not KEY=VALUE": (("review", "--as", w.out, "--decision", w.exclusion, "-d", "grounds"),
                               "-d: 'grounds' is not KEY=VALUE"),
        "reserved data": ((*review, "-d", "sat_on=2022-03-01"), "use --sat-on"),
        "grounds missing": (("review", "--as", w.out, "--decision", w.exclusion),
                            "the grounds of the request (P3) are required"),
        "unknown detail": (("review", "--as", w.out, "--decision", w.exclusion, "-d", "grond=x"),
                           "unknown detail 'grond' for review (P3): it takes grounds (required), technical_issue"),
        "unknown user": (("review", "--as", "nobody@example.eu", "--decision", w.exclusion, "-d", "grounds=g"),
                         "no active user 'nobody@example.eu'"),
        "not one who files": (("review", "--as", w.epso, "--decision", w.exclusion, "-d", "grounds=g"),
                              "only the candidate, or the legal team"),
        "legal team without a candidate": (("access-documents", "--as", w.legal, "-d", "documents=d"),
                                           "give --decision ID, or --notice REF with --candidate"),
    }


def test_wrong_input_is_one_line_and_changes_nothing(cli, world, tmp_path):
    for label, (args, message) in _bad_inputs(world, tmp_path).items():
        before = cli.counts()
        result = cli("case", "file", *args, ok=False)
        assert result.exit_code != 0, label
        one_line_failure(result, message)
        assert cli.counts() == before, label


def test_lateness_in_hours_where_the_limit_ends_at_an_hour(cli, world):
    """P2 about the application form (003 4.1): the limit is the application deadline, 22 March 2022
    at 12:00 (noon) Brussels time (D4); a report received by e-mail at 14:30 that day is late by
    0 days and 2 h 30 min — recorded, not refused (D6)."""
    result = cli("case", "file", "technical-issue", "--as", world.legal, "--notice", REF, "--candidate",
                 world.inside_number, "--received-at", "2022-03-22T14:30:00+01:00",
                 "-d", "about=application-form", "-d", "description=the form would not save my diploma")
    assert "2 h 30 min after the 12:00 limit" in result.stderr
    data = shown(cli, result.stdout.strip())
    late = data["lateness"]
    assert (late["late"], late["days"], late["hours"], late["minutes"], late["hour_limit"]) == (
        True, 0, 2, 30, "12:00")
    assert "application-form" in data["flags"]
    assert "late by 0 day(s) after the last day 2022-03-22, 2 h 30 min after the 12:00 limit" in \
        cli("case", "show", data["reference"]).stdout
