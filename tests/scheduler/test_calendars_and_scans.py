"""D2/D6: an administrator records a holiday calendar year; the scheduler recomputes the open
deadlines that consulted it and tells the officers and the candidate what moved. And: a candidate
who opted in is told when the time to contest a decision is about to run out."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from casework.agenda.calendars import record_year
from casework.audit import AuditEvent
from casework.deadlines import CalendarYear, Holiday, default_calendars
from casework.notifications.models import OutboxMessage
from casework.scheduler.scans import scan_filing_windows
from casework.scheduler.sweeps import sweep

from ..competitions import factories as f
from . import scenes


def _mails(db, template):
    with db.session_scope() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.template == template)))


def test_d2_a_new_holiday_moves_the_open_deadlines_that_counted_that_day_and_says_so(scratch_database, frozen):
    db = scratch_database
    frozen.set(datetime(2022, 4, 5, 9, tzinfo=UTC))
    case_id, _ = scenes.documents_request(db, frozen.now())
    with db.session_scope() as s:
        # registered Tuesday 5 April 2022: 15 working days across Easter end on Friday 29 April
        assert scenes.case_of(s, case_id).deadline("reply").last_day == date(2022, 4, 29)
        shipped = default_calendars()["brussels"].year(2022)
        extra = Holiday(date(2022, 4, 22), "exceptional closure of the buildings")
        record_year(s, CalendarYear("brussels", 2022, (*shipped.holidays, extra), "confirmed",
                                    "Commission decision (fictitious test data)"),
                    actor="admin:calendar@example.eu", reason="official list of 2022 published")
    frozen.advance(seconds=1)
    assert sweep(db, worker="w").counts == {"done": 1}
    with db.session_scope() as s:
        case = scenes.case_of(s, case_id)
        # one more day off inside the period: the 15th working day is now Monday 2 May
        assert case.deadline("reply").last_day == date(2022, 5, 2)
        [trail] = s.scalars(select(AuditEvent).where(AuditEvent.entity == "case", AuditEvent.entity_id == case_id,
                                                     AuditEvent.action == "recompute")).all()
        assert trail.changes["deadline"]["after"]["last_day"] == "2022-05-02"
    told = {m.recipient: m for m in _mails(db, "deadline-moved")}
    assert "docs@example.eu" in told and len(told) == 2          # the candidate and the head of unit
    assert told["docs@example.eu"].language == "DE"
    # the reminders planned for 29 April are skipped when they fall due; those for 2 May act
    frozen.set(datetime(2022, 4, 30, 9, tzinfo=UTC))
    assert sweep(db, worker="w").counts["skipped"] == 2


def test_a_candidate_who_opted_in_is_told_once_before_the_review_window_closes(scratch_database, frozen):
    db = scratch_database
    with db.session_scope() as s:
        _, out = scenes.epso_exclusion(s, frozen)                # published Tuesday 22 March 2022
        out.candidate.filing_reminders = True
    frozen.set(datetime(2022, 3, 25, 9, tzinfo=UTC))              # window ends 1 April: too early to warn
    assert scan_filing_windows(db) == 0
    frozen.set(datetime(2022, 3, 30, 9, tzinfo=UTC))              # within 3 days of the end
    assert scan_filing_windows(db) == 1
    assert scan_filing_windows(db) == 0                           # once only
    [mail] = _mails(db, "filing-window-closing")
    assert "1 April 2022" in mail.body


def test_a_french_candidate_is_told_in_french_which_decision_and_stage_the_window_is_about(scratch_database, frozen):
    """C4, R2: the decision's kind, the kind of stage it concerns and the day it was published are passed
    as codes and said in the candidate's language, never as the English codes ("exclusion (eligibility)")."""
    db = scratch_database
    with db.session_scope() as s:
        _, out = scenes.epso_exclusion(s, frozen)       # published Tuesday 22 March 2022, stage "application"
        out.candidate.filing_reminders = True
        out.candidate.correspondence_language = "FR"
    frozen.set(datetime(2022, 3, 30, 9, tzinfo=UTC))
    assert scan_filing_windows(db) == 1
    [mail] = _mails(db, "filing-window-closing")
    assert mail.language == "FR"
    assert ("Le 22 mars 2022, la décision suivante a été publiée dans votre compte EPSO : exclusion du concours "
            "(étape : candidature).") in mail.body
    assert "1er avril 2022" in mail.body and "une demande de réexamen" in mail.body
    assert "(application)" not in mail.body and "exclusion (" not in mail.body


def test_the_stage_is_named_by_its_kind_in_the_notice_the_decision_was_taken_under(scratch_database, frozen):
    """A notice names its stages freely ("assessment" in AD/398/22 is a stage of tests): the mail says
    the kind of stage, from the notice version of the decision; a code that version lacks is shown as it is."""
    db = scratch_database
    with db.session_scope() as s:
        _, out = scenes.epso_exclusion(s, frozen)
        out.candidate.filing_reminders = True
        out.candidate.correspondence_language = "DE"
        f.last_decision(s, out).phase = "assessment"
    frozen.set(datetime(2022, 3, 30, 9, tzinfo=UTC))
    assert scan_filing_windows(db) == 1
    [mail] = _mails(db, "filing-window-closing")
    assert ("Am 22. März 2022 wurde folgende Entscheidung in Ihrem EPSO-Konto veröffentlicht: Ausschluss vom "
            "Auswahlverfahren (Phase: Tests).") in mail.body
    assert "1. April 2022" in mail.body
