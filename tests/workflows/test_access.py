"""P5 access: the candidate's specific rights (003 Annex II 3.2), answered item by item with the rule
that excludes what cannot be given, and a request under Regulation 1049/2001 with its own chain (D8):
reply within 15 working days of registration, extended once, confirmatory application after a
(partly) negative or a missed reply, confirmatory reply, and silence counting as a refusal.

Working days are counted by hand in the comments on the Commission's Brussels calendar (D2).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.auth.models import Role
from casework.cases.models import CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.workflows import InvalidTransition, MissingData, NotAllowed, Upload, apply, file_case

from ..competitions import factories as f
from . import people
from .test_filing import refused, trail

RESULTS_PDF = Upload("results.pdf", b"%PDF-1.7\nscreener marks per answer\n%%EOF\n")


def at(*args):
    return datetime(*args, tzinfo=UTC)


def sent(case, kind):
    return [m.body for m in case.messages if m.direction == "out" and m.kind == kind]


@pytest.fixture
def admitted(session, frozen):
    """An AD/398/22 candidate whose eligibility result was published on Tuesday 22 March 2022."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    application = f.apply(session, notice)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    session.refresh(application)
    return notice, application, people.team(session, notice)


# --- P5: the candidate's specific rights -------------------------------------------------------------

def ask(session, application, *items):
    return file_case(session, people.candidate(session, application), CaseType.ACCESS_INFO, application=application,
                     decision=f.last_decision(session, application), details={"items": list(items)})


def test_p5_excluded_categories_are_answered_with_the_rule_that_excludes_them(session, frozen, admitted):
    _, application, team = admitted
    frozen.set(at(2022, 3, 28, 9))
    case = ask(session, application, "results", "case-study-answers", "e-tray-answers", "marked-copy",
               "marking-details", "board-member-views", "comparisons", "questions-and-answers", "others-marks")
    assert (case.deciding_body, case.late) == (DecidingBody.EPSO, False)
    # results published Tuesday 22 March + 10 calendar days = Friday 1 April
    assert case.deadline("filing").last_day == date(2022, 4, 1)
    apply(session, case, "analyse", team.legal)
    refused(session, case, MissingData, "reply", team.legal)                       # the reply needs a text
    refused(session, case, NotAllowed, "reply", team.epso, body="x")
    apply(session, case, "reply", team.legal, body="Our answer to your request, item by item:",
          attachments=[RESULTS_PDF])
    assert (case.state, case.outcome) == (CaseState.REPLIED, "partial")
    [answer] = sent(case, "reply")
    lines = dict(line[2:].split(": ", 1) for line in answer.splitlines()[1:])
    assert lines["results"].startswith("given")
    for expressly in ("case-study-answers", "e-tray-answers"):                    # 2022 rules, 3.2.2
        assert "expressly excluded" in lines[expressly] and "Annex II 3.2.2" in lines[expressly]
    for confidential in ("marked-copy", "marking-details", "board-member-views", "comparisons"):
        assert "Staff Regulations Annex III Art 6" in lines[confidential]        # board confidentiality
    assert "Annex II 3.2.1" in lines["questions-and-answers"]
    assert "Reg 1049/2001" in lines["others-marks"]                               # not a specific right
    assert [(d.kind, d.filename, d.content) for d in case.documents] == [("reply", "results.pdf",
                                                                         RESULTS_PDF.content)]
    assert trail(session, case)[-1][:3] == ("reply", "analysis", "replied")


@pytest.mark.parametrize(("items", "confirmed", "outcome"), [
    (["uncorrected-written-answers"], [], "refused"),
    (["uncorrected-written-answers"], ["uncorrected-written-answers"], "granted"),
    (["uncorrected-written-answers", "competency-passport"], [], "partial"),
    (["results", "competency-passport"], [], "granted"),
    (["marked-copy"], ["marked-copy"], "refused"),               # confirming cannot lift an exclusion
], ids=["written-answers-unconfirmed", "written-answers-confirmed", "partial", "granted", "excluded-stays-excluded"])
def test_p5_uncorrected_written_answers_only_when_the_legal_team_confirms_the_condition(
        session, frozen, admitted, items, confirmed, outcome):
    _, application, team = admitted
    frozen.set(at(2022, 3, 28, 9))
    case = ask(session, application, *items)
    apply(session, case, "analyse", team.legal)
    apply(session, case, "reply", team.legal, body="Our answer:", confirmed=confirmed)
    assert case.outcome == outcome
    answer = sent(case, "reply")[0]
    if "uncorrected-written-answers" in items:
        given = "uncorrected-written-answers" in confirmed
        assert ("given: an uncorrected copy" in answer) is given
        assert ("will not be reused in later competitions" in answer) is not given


def test_p5_a_reply_with_an_invalid_attachment_changes_nothing(session, frozen, admitted):
    _, application, team = admitted
    frozen.set(at(2022, 3, 28, 9))
    case = apply(session, ask(session, application, "results"), "analyse", team.legal)
    refused(session, case, MissingData, "reply", team.legal, body="Here are your results.",
            attachments=[RESULTS_PDF, Upload("results.pdf", b"not a pdf")])
    assert (case.outcome, case.documents, sent(case, "reply")) == (None, [], [])


def test_p5_d6_late_request_is_decided_by_epso_excused_or_inadmissible_never_by_the_legal_team(
        session, frozen, admitted):
    _, application, team = admitted
    frozen.set(at(2022, 4, 1, 22) + timedelta(seconds=1))       # 1 April 24:00 CEST = 22:00 UTC, plus 1 s
    excused, unexcused = ask(session, application, "results"), ask(session, application, "competency-passport")
    assert (excused.late, excused.lateness_seconds, excused.flags) == (True, 1, ["late"])
    apply(session, excused, "analyse", team.legal)                # D6: no excuse asked of the legal team
    why = refused(session, excused, InvalidTransition, "reply", team.legal, body="Here are your results.")
    assert "EPSO decides on its lateness" in str(why)             # a late request is not answered by-passing EPSO
    refused(session, excused, InvalidTransition, "declare_inadmissible", team.legal, ground="late", reason="x")
    apply(session, excused, "refer", team.legal, recommendation="excuse-lateness",
          reason="the account was unavailable on 1 April (helpdesk ticket)")
    assert excused.details["analysis"]["recommendation"] == "excuse-lateness"
    refused(session, excused, NotAllowed, "decide", team.legal, outcome="admissible", excuse="excusable-error",
            reason="x")                                           # R1: EPSO decides, not its legal team
    refused(session, excused, MissingData, "decide", team.epso, outcome="admissible", reason="x")   # no excuse
    apply(session, excused, "decide", team.epso, outcome="admissible", excuse="excusable-error",
          reason="the account was unavailable")
    assert (excused.state, excused.excuse) == (CaseState.DECIDED, "excusable-error")
    apply(session, excused, "reply", team.legal, body="Here are your results.")
    assert (excused.state, excused.outcome) == (CaseState.REPLIED, "granted")

    for trigger in ("analyse", "refer"):
        apply(session, unexcused, trigger, team.legal)
    refused(session, unexcused, MissingData, "decide", team.epso, outcome="inadmissible", reason="late")  # ground
    apply(session, unexcused, "decide", team.epso, outcome="inadmissible", ground="late", reason="filed after 1 April")
    apply(session, unexcused, "reply", team.legal, body="Your request reached us after 1 April: it is inadmissible.")
    assert (unexcused.state, unexcused.outcome) == (CaseState.REPLIED, "inadmissible")
    assert sent(unexcused, "reply") == ["Your request reached us after 1 April: it is inadmissible."]   # no items
    refused(session, unexcused, MissingData, "reopen", team.legal)
    apply(session, unexcused, "reopen", team.legal, reason="the results were shown late in the account")
    assert (unexcused.state, unexcused.outcome, "reopened" in unexcused.flags) == (CaseState.ANALYSIS, None, True)


def test_p5_withdrawn_by_the_candidate_of_the_case_only(session, frozen, admitted):
    _, application, team = admitted
    frozen.set(at(2022, 3, 28, 9))
    case = ask(session, application, "results")
    stranger = people.actor(session, Role.CANDIDATE, candidate_id=f.register(session).id)
    refused(session, case, NotAllowed, "withdraw", stranger)
    refused(session, case, NotAllowed, "analyse", people.candidate(session, application))
    apply(session, case, "withdraw", people.candidate(session, application))
    assert (case.state, case.outcome) == (CaseState.WITHDRAWN, "withdrawn")
    refused(session, case, InvalidTransition, "reply", team.legal, body="too late")


# --- Regulation 1049/2001 (D8) -----------------------------------------------------------------------

# Registered on Tuesday 5 April 2022. 15 working days from the day after (Art 7(1); D2): 6, 7, 8, 11, 12,
# 13 April (6); Maundy Thursday 14, Good Friday 15 and Easter Monday 18 April are Commission holidays;
# 19, 20, 21, 22 (10), 25, 26, 27, 28, 29 April (15) -> Friday 29 April 2022, 24:00 CEST = 22:00 UTC.
REGISTERED = at(2022, 4, 5, 8)
REPLY_DUE = at(2022, 4, 29, 22)
# Extended once by 15 more working days (Art 7(3)): 2-6 May (5); Monday 9 May is Europe Day; 10-13 (9),
# 16-20 (14), 23 May (15) -> Monday 23 May 2022.
EXTENDED_TO = date(2022, 5, 23)


def request_documents(session, frozen, application):
    frozen.set(REGISTERED)
    return file_case(session, people.candidate(session, application), CaseType.ACCESS_DOCUMENTS,
                     details={"documents": "the board's minutes on the eligibility of candidates in field 1"})


def test_d8_reply_due_in_15_working_days_extended_once_only(session, frozen, admitted):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    assert (date(2022, 4, 14).weekday(), date(2022, 5, 9).weekday()) == (3, 0)
    assert (case.state, case.deciding_body, case.application_id) == (CaseState.FILED, DecidingBody.EPSO, None)
    reply = case.deadline("reply")
    assert (reply.last_day, reply.due_at, reply.rule) == (date(2022, 4, 29), REPLY_DUE, "access-initial")
    assert case.deadline("filing") is None                       # anyone may ask at any time

    frozen.set(at(2022, 4, 27, 9))
    refused(session, case, MissingData, "extend", team.legal)                       # reasons are required
    refused(session, case, NotAllowed, "extend", people.candidate(session, application), reason="x")
    apply(session, case, "extend", team.legal, reason="the minutes of 14 meetings must be consulted")
    assert case.deadline("reply").last_day == EXTENDED_TO
    assert sent(case, "extension") == [("The reply period is extended to 2022-05-23: the minutes of 14 meetings "
                                        "must be consulted")]
    why = refused(session, case, InvalidTransition, "extend", team.legal, reason="more minutes")
    assert "already been extended once" in str(why)
    assert case.deadline("reply").last_day == EXTENDED_TO

    frozen.set(at(2022, 5, 16, 9))
    refused(session, case, InvalidTransition, "confirm", people.candidate(session, application))   # not yet
    refused(session, case, MissingData, "reply", team.legal, body="Please find the minutes attached.",
            outcome="maybe")
    apply(session, case, "reply", team.legal, body="Please find the minutes attached.", outcome="granted",
          attachments=[Upload("minutes.pdf", b"%PDF-1.7\nminutes\n%%EOF\n")])
    assert (case.state, case.outcome) == (CaseState.REPLIED, "granted")
    assert case.deadline("reply").status is DeadlineStatus.MET
    assert [d.filename for d in case.documents if d.kind == "reply"] == ["minutes.pdf"]
    why = refused(session, case, InvalidTransition, "confirm", people.candidate(session, application))
    assert "granted in full" in str(why)


def test_d8_no_extension_once_the_reply_period_has_run_out(session, frozen, admitted):
    """Art 7(3): the applicant is told of an extension *in advance*; after the 15 days the applicant
    may already make a confirmatory application, which an extension cannot take away."""
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    frozen.set(REPLY_DUE + timedelta(seconds=1))
    refused(session, case, InvalidTransition, "extend", team.legal, reason="we forgot")
    assert case.deadline("reply").last_day == date(2022, 4, 29)
    apply(session, case, "confirm", people.candidate(session, application))
    assert case.state is CaseState.CONFIRMATORY


def test_d8_confirmatory_application_after_a_refusal_and_its_reply(session, frozen, admitted):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    frozen.set(at(2022, 4, 20, 9))                  # reply notified on Wednesday 20 April
    apply(session, case, "reply", team.legal, body="Refused: Staff Regulations Annex III Art 6.", outcome="refused")
    assert (case.state, case.outcome, case.closed_at) == (CaseState.REPLIED, "refused", None)
    # 15 working days from 20 April: 21, 22, 25-29 April (7), 2-6 May (12), 9 May is Europe Day, 10, 11,
    # 12 May (15) -> Thursday 12 May 2022
    assert case.deadline("confirmatory-filing").last_day == date(2022, 5, 12)
    # D8: counted from receipt of the reply = the moment it was made available in the account
    assert case.deadline("confirmatory-filing").spec["event"] == at(2022, 4, 20, 9).isoformat()
    stranger = people.actor(session, Role.CANDIDATE, candidate_id=f.register(session).id)
    refused(session, case, NotAllowed, "confirm", stranger)

    frozen.set(at(2022, 5, 2, 9))                   # Monday 2 May: in time
    apply(session, case, "confirm", people.candidate(session, application))
    assert (case.state, case.outcome, case.flags) == (CaseState.CONFIRMATORY, None, [])
    assert case.deadline("confirmatory-filing").status is DeadlineStatus.MET
    # the confirmatory reply is due 15 working days after 2 May: 3-6 May (4), 10-13 (8), 16-20 (13),
    # 23, 24 May (15) -> Tuesday 24 May 2022
    assert case.deadline("confirmatory-reply").last_day == date(2022, 5, 24)
    refused(session, case, MissingData, "reply_confirmatory", team.legal, body="Partly granted.")   # outcome
    refused(session, case, InvalidTransition, "implied_refusal", team.system)
    apply(session, case, "reply_confirmatory", team.legal, body="Partly granted: the minutes with the names "
          "of other candidates blacked out.", outcome="partial")
    assert (case.state, case.outcome, case.closed_at) == (CaseState.DECIDED, "partial", frozen.now())
    assert case.deadline("confirmatory-reply").status is DeadlineStatus.MET
    assert [row[0] for row in trail(session, case)] == ["file", "reply", "confirm", "reply_confirmatory"]


def test_d8_confirmatory_application_after_a_missed_reply(session, frozen, admitted):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    me = people.candidate(session, application)
    frozen.set(REPLY_DUE - timedelta(seconds=1))
    why = refused(session, case, InvalidTransition, "confirm", me)
    assert "has not run out" in str(why)
    frozen.set(at(2022, 5, 2, 9))
    apply(session, case, "confirm", me)
    assert case.state is CaseState.CONFIRMATORY
    assert case.deadline("reply").status is DeadlineStatus.EXPIRED
    # Art 7(4): 15 working days from the missed reply of 29 April -> 23 May, so 2 May is in time
    assert (case.deadline("confirmatory-filing").last_day, case.flags) == (date(2022, 5, 23), [])
    refused(session, case, InvalidTransition, "reply", team.legal, body="late initial reply", outcome="granted")


def test_d8_d6_a_late_confirmatory_application_is_recorded_and_flagged(session, frozen, admitted):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    frozen.set(at(2022, 4, 20, 9))
    apply(session, case, "reply", team.legal, body="Partly granted.", outcome="partial")
    frozen.set(at(2022, 5, 12, 22) + timedelta(seconds=1))       # 12 May ended at 22:00 UTC
    apply(session, case, "confirm", people.candidate(session, application))
    assert (case.state, case.flags) == (CaseState.CONFIRMATORY, ["confirmatory-late"])


def test_d8_confirmatory_reply_extended_once_then_silence_is_a_refusal(session, frozen, admitted):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    frozen.set(at(2022, 4, 20, 9))
    apply(session, case, "reply", team.legal, body="Refused.", outcome="refused")
    frozen.set(at(2022, 5, 2, 9))
    apply(session, case, "confirm", people.candidate(session, application))
    frozen.set(at(2022, 5, 20, 9))
    apply(session, case, "extend", team.legal, reason="consultation of the board needed (Art 8(2))")
    # the confirmatory reply, due 24 May, extended by 15 working days: 25 May (1); Ascension 26 and the day
    # after 27 May; 30, 31 May, 1-3 June (6); Whit Monday 6 June; 7-10 (10), 13-17 June (15) -> 17 June
    assert (date(2022, 5, 26).weekday(), date(2022, 6, 6).weekday()) == (3, 0)
    assert case.deadline("confirmatory-reply").last_day == date(2022, 6, 17)
    refused(session, case, InvalidTransition, "extend", team.legal, reason="again")
    assert case.deadline("reply").last_day == date(2022, 4, 29)   # the initial period was never extended

    frozen.set(at(2022, 6, 17, 22) - timedelta(seconds=1))
    refused(session, case, InvalidTransition, "implied_refusal", team.system)
    frozen.set(at(2022, 6, 17, 22) + timedelta(seconds=1))
    refused(session, case, NotAllowed, "implied_refusal", people.candidate(session, application))
    apply(session, case, "implied_refusal", team.system)
    assert (case.state, case.outcome) == (CaseState.IMPLIED_REJECTION, "refused")
    assert case.deadline("confirmatory-reply").status is DeadlineStatus.EXPIRED
    assert "negative reply (Reg 1049/2001 Art 8(3))" in sent(case, "notice")[-1]
    refused(session, case, InvalidTransition, "reply_confirmatory", team.legal, body="late", outcome="granted")


@pytest.mark.parametrize("when", ["initial", "confirmatory"])
def test_d8_withdrawn_by_the_candidate(session, frozen, admitted, when):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    me = people.candidate(session, application)
    if when == "confirmatory":
        frozen.set(at(2022, 5, 2, 9))
        apply(session, case, "confirm", me)
    refused(session, case, NotAllowed, "withdraw", people.actor(session, Role.CANDIDATE,
                                                                candidate_id=f.register(session).id))
    apply(session, case, "withdraw", me, reason="no longer needed")
    assert (case.state, case.outcome) == (CaseState.WITHDRAWN, "withdrawn")
    assert all(d.status is not DeadlineStatus.OPEN for d in case.deadlines)
    frozen.set(at(2022, 7, 1, 9))
    refused(session, case, InvalidTransition, "implied_refusal", team.system)


def test_d8_no_confirmatory_application_in_time_closes_the_file(session, frozen, admitted):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    frozen.set(at(2022, 4, 20, 9))
    apply(session, case, "reply", team.legal, body="Refused.", outcome="refused")
    # the confirmatory window ends on Thursday 12 May 2022 (worked out above) at 24:00 Brussels time
    frozen.set(at(2022, 5, 12, 21, 59))
    refused(session, case, InvalidTransition, "close", team.system)
    frozen.set(at(2022, 5, 12, 22, 1))
    apply(session, case, "close", team.system)
    assert (case.state, case.closed_at, case.deadline("confirmatory-filing").status) == (
        CaseState.REPLIED, frozen.now(), DeadlineStatus.EXPIRED)


def test_d8_a_reply_granting_everything_closes_the_file(session, frozen, admitted):
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    apply(session, case, "reply", team.legal, body="Granted.", outcome="granted")
    assert (case.closed_at, case.deadline("confirmatory-filing")) == (frozen.now(), None)


def test_d8_confirmatory_application_counted_from_receipt_of_the_reply_in_the_account(session, frozen, admitted):
    """D8: 15 working days "of receiving the reply". The reply is sent via the account, where it is
    available at once: the project's cautious reading takes that moment as receipt (never a later day,
    D2), on its Brussels day (D4) — not the day the candidate happens to open it."""
    _, application, team = admitted
    case = request_documents(session, frozen, application)
    frozen.set(at(2022, 4, 20, 22, 30))             # 00:30 on Thursday 21 April in Brussels (CEST)
    apply(session, case, "reply", team.legal, body="Refused.", outcome="refused")
    # received 21 April: 22 April (1), 25-29 April (6), 2-6 May (11), 9 May is Europe Day, 10-13 May (15)
    # -> Friday 13 May 2022 (from the UTC date, 20 April, it would be Thursday 12 May)
    assert date(2022, 5, 13).weekday() == 4
    window = case.deadline("confirmatory-filing")
    assert (window.last_day, window.spec["event"]) == (date(2022, 5, 13), at(2022, 4, 20, 22, 30).isoformat())
    [event] = [e for e in _audit(session, case) if e.action == "reply"]
    assert event.changes["confirmatory_from"]["received"] == at(2022, 4, 20, 22, 30).isoformat()


def _audit(session, case):
    from casework.audit import AuditEvent
    return session.query(AuditEvent).filter_by(entity="case", entity_id=case.id).order_by(AuditEvent.id).all()
