"""A filing request as a form or the command line receives it (plain strings), checked by one domain
function that the portal and `casework case file` both call (issue 10): the details each case type
takes, as data (and what filing.py reads, checked against it), yes/no flags and lists, who files for
whom, the contested decision (R2) and the notice, the receipt instant (D6), the day of a test
(P1, P2), the P4 warning shown before filing (D7) — each refusal one line, nothing recorded."""
from __future__ import annotations

import ast
import inspect
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from casework.auth.models import Role
from casework.cases.models import Case, CaseMessage, CaseType
from casework.workflows import MissingData, NotAllowed, Upload, WarningRequired, filing, requests
from casework.workflows.filing import DETAILS, details_of
from casework.workflows.requests import FIELDS, FILEABLE, FilingRequest, check_filing, file_request, fileable
from casework.workflows.steps import InvalidData

from ..competitions import factories as f
from . import people

REF = "EPSO/AD/398/22"
CLI = {"decision": "--decision ID", "notice": "--notice REF", "candidate": "--candidate", "test": "--test",
       "sat_on": "--sat-on", "received_at": "--received-at", "decision_ids": "`casework candidate show` lists them"}


@pytest.fixture
def w(session, frozen):
    """AD/398/22 field 1 closed through eligibility on Tuesday 22 March 2022: ``out`` excluded by the
    board (C5), ``inside`` admitted; their accounts, the legal team's, an EPSO officer's; Thursday 24 March."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    inside = f.apply(session, notice)
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    f.refresh(session, inside, out)
    frozen.advance(days=2)
    return SimpleNamespace(notice=notice, inside=inside, out=out, exclusion=f.last_decision(session, out),
                           admission=f.last_decision(session, inside), me=people.candidate(session, out),
                           other=people.candidate(session, inside), legal=people.actor(session, Role.LEGAL_OFFICER),
                           epso=people.actor(session, Role.EPSO_OFFICER))


def review(w, **kw):
    return FilingRequest("review", **{"decision": str(w.exclusion.id), "details": {"grounds": "g"}, **kw})


def refused(session, actor, request, error, words, fields=None):
    """``request`` is refused with ``error`` saying ``words``, on one line, and nothing is recorded."""
    before = session.scalar(select(func.count()).select_from(Case))
    with pytest.raises(error) as refusal:
        file_request(session, actor, request, fields)
    message = str(refusal.value)
    assert words in message and "\n" not in message, message
    assert session.scalar(select(func.count()).select_from(Case)) == before
    return message


# --- the details each case type takes, as data ---------------------------------------------------

def _keys_filing_reads() -> set[str]:
    """The detail keys filing.py reads: ``details.get("key")`` and ``details["key"]`` (not the keys it writes)."""
    keys = set()
    for node in ast.walk(ast.parse(inspect.getsource(filing))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "details"
                and node.args and isinstance(node.args[0], ast.Constant)):
            keys.add(node.args[0].value)
        if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name)
                and node.value.id == "details" and isinstance(node.slice, ast.Constant)):
            keys.add(node.slice.value)
    return keys


def test_every_detail_filing_reads_is_declared_and_every_declared_detail_is_read():
    """What is required is read through the declaration itself (the refusal names it); every other
    declared detail is read by a rule of filing.py (a flag, the event, the application form)."""
    declared = {d.key for details in DETAILS.values() for d in details}
    optional = {d.key for details in DETAILS.values() for d in details if not d.required}
    reads = _keys_filing_reads()
    assert reads - declared == set(), "filing.py reads details no case type declares (filing.DETAILS)"
    assert optional - reads == set(), "filing.DETAILS declares optional details filing.py never reads"
    assert not declared & set(requests.RESERVED_DETAILS)
    assert set(DETAILS) == set(FILEABLE) and CaseType.REMEDY not in FILEABLE
    for case_type, details in DETAILS.items():
        assert [d.key for d in details if d.required], case_type        # each type requires something (P1-P5)
        assert len({d.key for d in details}) == len(details)
        assert {d.kind for d in details} <= {filing.TEXT, filing.YES_NO, filing.LIST}


def test_the_details_of_each_type():
    assert [d.key for d in details_of(CaseType.REVIEW)] == ["grounds", "technical_issue"]
    assert [d.key for d in details_of(CaseType.TECHNICAL_ISSUE)] == [
        "description", "about", "preparatory_steps_done", "preparatory_steps_claim"]
    assert details_of(CaseType.REMEDY) == ()


@pytest.mark.parametrize("case_type, details, words", [
    ("review", {"grond": "x"}, "unknown detail 'grond' for review (P3): it takes grounds (required), technical_issue"),
    ("review", {"grounds": "g", "items": "results", "question": "q"},
     "unknown details 'items', 'question' for review (P3): it takes grounds (required), technical_issue"),
    ("access-info", {"item": "results"}, "unknown detail 'item' for access-info (P5): it takes items (required)"),
    ("neutralisation", {"technical_issue": "maybe"}, ("unknown detail 'technical_issue' for neutralisation (P1): "
                                                      "it takes question (required), explanation (required), error_type")),
])
def test_a_detail_the_type_does_not_take_is_refused_naming_those_it_takes(session, w, case_type, details, words):
    refused(session, w.me, FilingRequest(case_type, decision=str(w.exclusion.id), details=details), InvalidData, words)


@pytest.mark.parametrize("case_type, details, words", [
    ("review", {}, "the grounds of the request (P3) are required"),
    ("review", {"grounds": "  "}, "the grounds of the request (P3) are required"),
    ("complaint", {}, "the grounds of the complaint (P4) are required"),
    ("access-info", {"items": " , "}, "the information requested (P5) is required"),
    ("access-documents", {}, "the documents requested (Reg 1049/2001 Art 6) are required"),
    ("technical-issue", {}, "a description of the problem (P2) is required"),
    ("neutralisation", {"question": "q"}, "an explanation of the alleged error (P1) is required"),
])
def test_what_the_rules_require_is_asked_for_in_a_sentence(session, w, case_type, details, words):
    message = refused(session, w.me, FilingRequest(case_type, decision=str(w.exclusion.id), details=details),
                      MissingData, words)
    assert message == words


def test_yes_no_flags_become_booleans_and_items_a_list(session, w):
    check = check_filing(session, w.me, review(w, details={"grounds": "g", "technical_issue": " Yes "}))
    assert check.details == {"grounds": "g", "technical_issue": True}
    for word, value in (("no", False), ("FALSE", False), ("0", False), ("true", True), ("1", True)):
        details = check_filing(session, w.me, review(w, details={"grounds": "g", "technical_issue": word})).details
        assert details["technical_issue"] is value, word
    typed = FilingRequest("access-info", decision=str(w.exclusion.id), details={"items": "results, marked-copy,"})
    ticked = FilingRequest("access-info", decision=str(w.exclusion.id), details={"items": ["results", " marked-copy"]})
    assert check_filing(session, w.me, typed).details == check_filing(session, w.me, ticked).details == {
        "items": ["results", "marked-copy"]}


@pytest.mark.parametrize("details, words", [
    ({"grounds": "g", "technical_issue": "maybe"}, "technical_issue takes yes or no, not 'maybe'"),
    ({"grounds": "g", "technical_issue": ""}, "technical_issue takes yes or no, not ''"),
    ({"grounds": ["a", "b"]}, "grounds takes one text, not a list"),
    ({"grounds": "a\x00b"}, "grounds contains a control character (U+0000)"),
    ({"grounds": "a\u202eb"}, "grounds contains a control character (U+202E)"),
    ({"grounds": "g", "decision": "upheld"}, "the detail decision cannot be given: it is recorded by the deciding body"),
    ({"grounds": "g", "sat_on": "2022-03-01"}, "the detail sat_on cannot be given: use the day the test was sat"),
])
def test_a_detail_that_is_not_what_it_should_be_is_refused(session, w, details, words):
    refused(session, w.me, review(w, details=details), InvalidData, words)


def test_line_breaks_in_a_detail_are_text(session, w):
    assert check_filing(session, w.me, review(w, details={"grounds": "first,\r\n\tsecond"})).details == {
        "grounds": "first,\r\n\tsecond"}


def test_refusals_name_the_fields_as_the_caller_does(session, w):
    refused(session, w.me, review(w, details={"grounds": "g", "test": "verbal"}), InvalidData,
            "the detail test cannot be given: use --test", CLI)
    refused(session, w.me, review(w, received_at="last Tuesday"), InvalidData,
            "the date of receipt: malformed date or instant 'last Tuesday'")
    refused(session, w.me, review(w, received_at="last Tuesday"), InvalidData, "--received-at: malformed date", CLI)


def test_the_case_types_that_can_be_filed(session, w):
    assert [t.value for t in FILEABLE] == ["neutralisation", "technical-issue", "review", "complaint", "access-info",
                                           "access-documents"]
    assert fileable("review") is CaseType.REVIEW
    for name in ("remedy", "appeal", "Review", ""):
        with pytest.raises(InvalidData, match=rf"unknown case type '{name}' \(one of neutralisation, technical-issue, "
                                              r"review, complaint, access-info, access-documents\)"):
            fileable(name)


# --- when a request sent by other means was received (D6), the day of a test (P1, P2) -------------

@pytest.mark.parametrize("text, instant", [
    ("2022-03-23", datetime(2022, 3, 22, 23, tzinfo=UTC)),              # a date alone: its start, Brussels (CET)
    ("2022-03-28", datetime(2022, 3, 27, 22, tzinfo=UTC)),              # after the change to summer time (CEST)
    ("2022-03-23T10:30:00+01:00", datetime(2022, 3, 23, 9, 30, tzinfo=UTC)),
    (" 2022-03-23T09:30:00Z ", datetime(2022, 3, 23, 9, 30, tzinfo=UTC)),
])
def test_the_receipt_instant_and_a_date_alone(session, w, text, instant):
    assert check_filing(session, w.legal, review(w, received_at=text)).filed_at == instant


@pytest.mark.parametrize("text, words", [
    ("2022-03-23T10:30", "the date of receipt: "),                     # an instant without its offset
    ("23/03/2022", "the date of receipt: malformed date or instant '23/03/2022'"),
    ("2022-03-23\x00", "the date of receipt contains a control character (U+0000)"),
])
def test_a_receipt_instant_that_cannot_be_read(session, w, text, words):
    refused(session, w.legal, review(w, received_at=text), InvalidData, words)


def test_a_receipt_instant_is_for_the_legal_team_and_never_in_the_future(session, w):
    refused(session, w.me, review(w, received_at="2022-03-23"), NotAllowed, "only the legal team records when")
    refused(session, w.legal, review(w, received_at="2022-03-25"), MissingData,
            "a request cannot have been received in the future")


def test_the_day_of_a_test(session, w):
    me = people.candidate(session, w.inside)
    about = {"notice": REF, "test": "verbal", "details": {"question": "q", "explanation": "e"}}
    assert check_filing(session, me, FilingRequest("neutralisation", sat_on="2022-03-23", **about)).sat_on == date(
        2022, 3, 23)
    for sat_on, error, words in (
            ("23 March", InvalidData, "the day the test was sat: '23 March' is not a date (YYYY-MM-DD)"),
            ("2022-03-25", InvalidData, "the day the test was sat: 2022-03-25 is in the future")):
        refused(session, me, FilingRequest("neutralisation", sat_on=sat_on, **about), error, words)
    refused(session, me, FilingRequest("neutralisation", sat_on="2022-03-23", **{**about, "test": " "}),
            MissingData, "--sat-on is given without --test", CLI)
    refused(session, w.me, review(w, test="verbal"), InvalidData,
            "the test and the day the test was sat are for a neutralisation or a technical issue (P1, P2)")
    refused(session, w.me, review(w, sat_on="2022-03-23"), InvalidData, "--test and --sat-on are for", CLI)


# --- who files for whom, about what (R2) ----------------------------------------------------------

def test_a_candidate_files_about_their_own_decision(session, w):
    check = check_filing(session, w.me, review(w, decision=f" {w.exclusion.id} "))
    assert (check.case_type, check.application, check.decision) == (CaseType.REVIEW, w.out, w.exclusion)
    assert (check.filed_at, check.test, check.sat_on) == (None, None, None)


def test_a_candidate_learns_nothing_of_other_candidates_decisions(session, w):
    """The same answer for a decision of someone else and for one that does not exist."""
    someone_elses = refused(session, w.other, review(w), MissingData, "on your applications")
    missing = refused(session, w.other, review(w, decision="999999"), MissingData, "on your applications")
    assert someone_elses == f"no decision '{w.exclusion.id}' on your applications"
    assert missing == "no decision '999999' on your applications"
    assert refused(session, w.other, review(w), MissingData, "", CLI) == (
        f"no decision '{w.exclusion.id}' on your applications (`casework candidate show` lists them)")


def test_a_candidate_files_for_themselves_only(session, w):
    refused(session, w.me, review(w, candidate=w.inside.number), NotAllowed,
            "a candidate files for themselves: the candidate is for the legal team registering a request "
            "received by post or e-mail")
    refused(session, w.me, review(w, candidate=w.inside.number), NotAllowed, "--candidate is for the legal team", CLI)


def test_only_the_candidate_or_the_legal_team_files(session, w):
    for actor in (w.epso, people.actor(session, Role.BOARD_MEMBER, boards=(w.notice,)),
                  people.actor(session, Role.APPOINTING_AUTHORITY)):
        assert refused(session, actor, review(w), NotAllowed, "") == filing.NOT_A_FILER


def test_an_account_without_a_candidate_record(session, w):
    orphan = people.actor(session, Role.CANDIDATE)
    refused(session, orphan, FilingRequest("access-documents", details={"documents": "d"}), MissingData,
            "is linked to no candidate record")


def test_the_legal_team_registers_a_request_for_a_candidate(session, w):
    by_decision = check_filing(session, w.legal, review(w))
    assert (by_decision.application, by_decision.decision) == (w.out, w.exclusion)       # the decision's applicant
    for key in (w.inside.number, w.inside.candidate.email.upper()):
        by_notice = check_filing(session, w.legal, FilingRequest(
            "technical-issue", notice=REF, candidate=key, details={"description": "the form froze",
                                                                   "about": "application-form"}))
        assert (by_notice.application, by_notice.decision) == (w.inside, None)
    case = file_request(session, w.legal, review(w, received_at="2022-03-23"))
    assert (case.candidate_id, case.application_id, case.filed_at) == (
        w.out.candidate_id, w.out.id, datetime(2022, 3, 22, 23, tzinfo=UTC))
    assert "registered-by-legal-team" in case.flags


@pytest.mark.parametrize("kw, error, words", [
    ({"decision": "999999"}, MissingData, "no decision '999999'"),
    ({"decision": "12a"}, MissingData, "no decision '12a'"),
    ({"decision": "\u00b2"}, MissingData, "no decision '\u00b2'"),                 # a digit, not a number
    ({"decision": "9" * 40}, MissingData, "no decision '9999"),                    # beyond any database integer
    ({"decision": "1\x00"}, InvalidData, "the contested decision contains a control character (U+0000)"),
    ({"decision": None}, MissingData, ("the legal team registers a request about an application: give the "
                                       "contested decision, or the notice with the candidate")),
    ({"decision": None, "notice": REF}, MissingData, ("say on whose behalf the request is registered: give the "
                                                      "candidate (an e-mail address or an application number)")),
    ({"decision": None, "notice": "EPSO/XX/1/22", "candidate": "x@example.eu"}, MissingData,
     "the candidate: no candidate with the e-mail or application number 'x@example.eu'"),
    ({"decision": None, "notice": "EPSO/XX/1/22"}, MissingData, "no notice 'EPSO/XX/1/22'"),
    ({"notice": REF}, InvalidData, "give the contested decision or the notice, not both (a decision names its notice)"),
])
def test_what_the_legal_team_names_must_exist_and_fit(session, w, kw, error, words):
    refused(session, w.legal, review(w, **kw), error, words)


def test_the_decision_must_be_the_named_candidates(session, w):
    refused(session, w.legal, review(w, candidate=w.inside.number), MissingData,
            f"decision #{w.exclusion.id} is not on an application of the candidate of application {w.inside.number}")
    refused(session, w.legal, review(w, decision=None, notice=REF, candidate="nobody@example.eu"), MissingData,
            "--candidate: no candidate with the e-mail or application number 'nobody@example.eu'", CLI)
    refused(session, w.legal, review(w, decision=None), MissingData,
            "give --decision ID, or --notice REF with --candidate", CLI)


def test_a_candidate_without_an_application_to_the_notice(session, w):
    other = f.publish(session, f.AST151)
    refused(session, w.legal, FilingRequest("technical-issue", notice=other.reference, candidate=w.out.number,
                                            details={"description": "d"}), MissingData,
            f"the candidate of application {w.out.number} has no application to {other.reference}")


def test_empty_fields_of_a_form_are_not_given(session, w):
    check = check_filing(session, w.me, FilingRequest("review", decision=str(w.exclusion.id), notice="", candidate="",
                                                      test=" ", sat_on="", received_at="", details={"grounds": "g"}))
    assert (check.decision, check.test, check.sat_on, check.filed_at) == (w.exclusion, None, None, None)


def test_evidence_is_checked_with_the_request(session, w):
    refused(session, w.me, review(w, documents=[Upload("ticket.pdf", b"MZ\x90\x00")]), MissingData,
            "ticket.pdf is not a real application/pdf file")
    good = Upload("ticket.pdf", b"%PDF-1.7\n%%EOF\n")
    assert check_filing(session, w.me, review(w, documents=[good])).documents == (good,)


# --- the warning before filing, the notice after it (P4 against a board decision, D7) -------------

def test_p4_against_a_board_decision_shows_its_warning_and_files_only_once_confirmed(session, w):
    """D7: the board decision of 22 March 2022 can go to court until 4 July 2022 (3 months + 10 days,
    rolled forward from Saturday 2 July); the complaint does not stop that."""
    complaint = FilingRequest("complaint", decision=str(w.exclusion.id), details={"grounds": "the notice was misread"})
    check = check_filing(session, w.me, complaint)
    [(code, text)] = check.warnings(session)
    assert code == "p4-board-decision" and "ends on 2022-07-04" in text and "\n" not in text
    assert filing.board_warning(session, w.exclusion) == {"until": "2022-07-04", "ended": False,
                                                          "review_count": 10, "review_unit": "cd"}
    assert "(10 calendar days from the decision)" in text
    [(_, french)] = check.warnings(session, "FR")
    assert "il expire le 4 juillet 2022" in french and "(10 jours calendaires à compter de la décision)" in french
    [(_, german)] = check.warnings(session, "DE")
    assert "Sie endet am 4. Juli 2022" in german
    refused(session, w.me, complaint, WarningRequired, "keeps running: it ends on 2022-07-04")
    case = file_request(session, w.me, FilingRequest(**{**vars(complaint), "confirmed": ["p4-board-decision"]}))
    assert case.flags == ["board-decision"]
    [notice] = [m for m in case.messages if m.kind == "notice"]
    assert (notice.language, notice.author) == ("EN", "system:filing")
    assert notice.body == ("Your complaint does not stop the period for bringing an action before the General "
                           "Court against the board's decision: it ends on 2022-07-04 (Staff Regulations Art 91, "
                           "TFEU Art 270).")


def test_the_notice_at_filing_is_in_the_candidates_language(session, w):
    w.out.candidate.correspondence_language = "FR"
    case = file_request(session, w.me, FilingRequest("complaint", decision=str(w.exclusion.id),
                                                     details={"grounds": "g"}, confirmed=["p4-board-decision"]))
    [notice] = session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id,
                                                         CaseMessage.kind == "notice"))
    assert notice.language == "FR" and "expire le 4 juillet 2022" in notice.body


def test_the_default_words_name_every_field():
    assert set(FIELDS) == {"decision", "notice", "candidate", "test", "sat_on", "received_at", "decision_ids"}
    assert set(CLI) == set(FIELDS)


def test_a_refusal_names_the_candidate_by_application_number_never_by_name_or_address(session, w):
    """Issue 10 §6: a refusal is printed, logged and shown on a form: no name, no e-mail address."""
    other = f.publish(session, f.AST151)
    person = w.inside.candidate
    for request in (review(w, candidate=w.inside.number), review(w, candidate=person.email),
                    FilingRequest("technical-issue", notice=other.reference, candidate=w.inside.number,
                                  details={"description": "d"})):
        message = refused(session, w.legal, request, MissingData, f"the candidate of application {w.inside.number}")
        for private in (person.surname, person.given_names, person.email, person.email.partition("@")[0]):
            assert private not in message, message


@pytest.mark.parametrize("given", ["99999999999999999999999", str(2**63), "0", "00", "-1", "+1", "1e3", "١٢",
                                   " 1 2 ", "9" * 10_000])
def test_a_decision_id_outside_a_database_integer_never_reaches_the_database(session, w, given, monkeypatch):
    from casework.competitions import history
    asked = []
    monkeypatch.setattr(history, "find_decision", lambda s, i: asked.append(i))
    refused(session, w.legal, review(w, decision=given), MissingData, "no decision")
    assert asked == []


def test_a_decision_id_up_to_the_largest_database_integer_is_looked_up(session, w, monkeypatch):
    from casework.competitions import history
    asked = []
    monkeypatch.setattr(history, "find_decision", lambda s, i: asked.append(i))
    for given in (str(2**63 - 1), "0" * 18 + "7"):
        refused(session, w.legal, review(w, decision=given), MissingData, "no decision")
    assert asked == [2**63 - 1, 7]          # leading zeros: the same number
