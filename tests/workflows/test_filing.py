"""Filing rules common to every case type: a late filing is recorded with its lateness and never
refused (D6); the filing time limit runs from the recorded decision or test sitting, never from what
the candidate types (R2), under the rule set of the notice version the decision was taken under
(D9); uploads are checked before anything is recorded; the flags the legal team decides on (P2,
P4); who may file at all.

Also the two helpers the other scenario files of this folder use: :func:`trail` and :func:`refused`.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEvent
from casework.auth.models import Role
from casework.cases.models import Case, CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions import results, stages
from casework.competitions.notices import amend_notice
from casework.workflows import MissingData, NotAllowed, Upload, WarningRequired, apply, file_case, filing
from casework.workflows.filing import MAX_UPLOAD_BYTES

from ..competitions import factories as f
from . import people

PDF = Upload("helpdesk-ticket.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def trail(session, case):
    """The case's audit trail as (action, from, to, actor) rows, oldest first."""
    rows = session.scalars(select(AuditEvent).where(AuditEvent.entity == "case", AuditEvent.entity_id == case.id)
                           .order_by(AuditEvent.id))
    return [(e.action, e.from_state, e.to_state, e.actor) for e in rows]


def refused(session, case, error, trigger, actor, **data):
    """``trigger`` fails with ``error`` and leaves no trace: same state and version, same audit trail."""
    before = (case.state, case.version, trail(session, case))
    with pytest.raises(error) as failure:
        apply(session, case, trigger, actor, **data)
    session.refresh(case)
    assert (case.state, case.version, trail(session, case)) == before
    return failure.value


def at(*args):
    return datetime(*args, tzinfo=UTC)


def cases_of(session, application):
    return session.scalar(select(func.count()).select_from(Case).where(Case.candidate_id == application.candidate_id))


@pytest.fixture
def scene(session, frozen):
    """AD/398/22 field 1: EPSO excludes one candidate on Tuesday 22 March 2022 (Brussels); another
    is active and sat the verbal reasoning test on Thursday 2 June 2022."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    out, active = f.apply(session, notice), f.apply(session, notice)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    stages.exclude(session, out, ground="general_eligibility", author="epso", actor="epso",
                   published_at=frozen.now(), reason="no declaration on civil rights")
    results.record_sitting(session, active, "verbal", date(2022, 6, 2))
    return notice, out, active


def _file(session, case_type, application, **kw):
    details = {CaseType.NEUTRALISATION: {"question": "the question on the tariff table", "explanation": "two "
                                         "answers are correct"},
               CaseType.TECHNICAL_ISSUE: {"description": "the screen froze for 10 minutes"},
               CaseType.REVIEW: {"grounds": "I made the declaration"},
               CaseType.COMPLAINT: {"grounds": "I made the declaration"},
               CaseType.ACCESS_INFO: {"items": ["results"]}}[case_type]
    on_sitting = case_type in (CaseType.NEUTRALISATION, CaseType.TECHNICAL_ISSUE)
    kw.setdefault("test", "verbal" if on_sitting else None)
    kw.setdefault("decision", None if on_sitting else f.last_decision(session, application))
    kw.setdefault("details", details)
    return file_case(session, kw.pop("actor", None) or people.candidate(session, application), case_type,
                     application=application, **kw)


# Each limit worked out by hand (Reg 1182/71 Art 3, D1-D5); every period ends at 24:00 Brussels summer
# time (UTC+2 since 27 March 2022) = 22:00 UTC on its last day (D4).
LIMITS = {
    # decision of Tuesday 22 March + 10 calendar days = Friday 1 April, a working day
    CaseType.REVIEW: date(2022, 4, 1),
    CaseType.ACCESS_INFO: date(2022, 4, 1),
    # decision of 22 March + 3 months = Wednesday 22 June
    CaseType.COMPLAINT: date(2022, 6, 22),
    # test of Thursday 2 June + 3 calendar days = Sunday 5 June, the date to act by: a notice's limit
    # does not roll forward (D5); past Whit Monday 6 June, Tuesday 7 June is the outer limit (D6)
    CaseType.NEUTRALISATION: date(2022, 6, 5),
    CaseType.TECHNICAL_ISSUE: date(2022, 6, 5),
}


@pytest.mark.parametrize("case_type", list(LIMITS), ids=lambda t: t.value)
def test_d6_a_late_filing_is_recorded_with_its_lateness_never_refused(session, frozen, scene, case_type):
    _, out, active = scene
    application = active if case_type in (CaseType.NEUTRALISATION, CaseType.TECHNICAL_ISSUE) else out
    end = datetime.combine(LIMITS[case_type], datetime.min.time(), tzinfo=UTC) + timedelta(hours=22)
    frozen.set(end - timedelta(seconds=1))
    in_time = _file(session, case_type, application)
    frozen.set(end + timedelta(seconds=90))
    late = _file(session, case_type, application)
    assert in_time.deadline("filing").last_day == late.deadline("filing").last_day == LIMITS[case_type]
    assert (in_time.late, in_time.lateness_seconds, "late" in in_time.flags) == (False, None, False)
    assert (late.state, late.late, late.lateness_seconds, "late" in late.flags) == (CaseState.FILED, True, 90, True)
    # filed by the outer limit: flagged for the deciding body, which weighs it (D6)
    by_outer_limit = case_type in (CaseType.NEUTRALISATION, CaseType.TECHNICAL_ISSUE)
    assert ("within-outer-limit" in late.flags) == by_outer_limit
    assert late.deadline("filing").status is DeadlineStatus.MET           # the filing itself was made
    assert trail(session, late)[0][:3] == ("file", None, "filed")


def two_candidates(session, frozen):
    """Two candidates of AD/398/22 field 1 at eligibility, the application deadline just past."""
    notice = f.publish(session, only_fields=("1",))
    pair = f.apply(session, notice), f.apply(session, notice)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    return pair


def test_r2_d4_the_time_limit_runs_from_the_recorded_decision_in_brussels_days(session, frozen):
    out, other = two_candidates(session, frozen)
    # published at 22:30 UTC on Monday 28 March = 00:30 on Tuesday 29 March in Brussels (D4): the
    # 10 days run from the 29th and end on Friday 8 April (from the UTC date it would be 7 April)
    decision = stages.exclude(session, out, ground="general_eligibility", author="epso", actor="epso",
                              published_at=at(2022, 3, 28, 22, 30), reason="no declaration")
    frozen.set(at(2022, 4, 5, 9))
    case = _file(session, CaseType.REVIEW, out, details={"grounds": "x", "published_on": "2022-04-04"})
    assert case.deadline("filing").last_day == date(2022, 4, 8)           # not from what the candidate typed
    assert (case.decision_id, case.deciding_body) == (decision.id, DecidingBody.EPSO)     # R1 from the author
    with pytest.raises(MissingData, match="not one on this application"):
        _file(session, CaseType.REVIEW, out, decision=f.last_decision(session, other))
    with pytest.raises(MissingData, match="contested decision"):
        file_case(session, people.candidate(session, out), CaseType.COMPLAINT, application=out,
                  details={"grounds": "x"})


def test_d9_the_limit_is_the_one_of_the_notice_version_the_decision_was_taken_under(session, frozen):
    first, second = two_candidates(session, frozen)
    old = stages.exclude(session, first, ground="general_eligibility", author="epso", actor="epso",
                         published_at=frozen.now(), reason="no declaration")      # Tuesday 22 March, version 1
    amended = f.document(f.AD398, only_fields=("1",), rule_set={"base": "2022",
                                                                "overrides": {"review": {"period": "5cd"}}})
    frozen.set(at(2022, 3, 24, 9))                 # an amendment is recorded once published
    amend_notice(session, amended, actor="epso", reason="review period shortened", published_on=date(2022, 3, 24))
    frozen.set(at(2022, 3, 25, 9))
    new = stages.exclude(session, second, ground="general_eligibility", author="epso", actor="epso",
                         published_at=frozen.now(), reason="no declaration")      # Friday 25 March, version 2
    frozen.set(at(2022, 3, 28, 9))
    under_old = _file(session, CaseType.REVIEW, first, decision=old)
    under_new = _file(session, CaseType.REVIEW, second, decision=new)
    # version 1 (2022 rules): 22 March + 10 days = Friday 1 April; version 2: 25 March + 5 days =
    # Wednesday 30 March
    assert under_old.deadline("filing").last_day == date(2022, 4, 1)
    assert under_new.deadline("filing").last_day == date(2022, 3, 30)
    assert [c.deadline("filing").spec["rule_set_version"] for c in (under_old, under_new)] == ["version 1",
                                                                                               "version 2"]
    assert under_new.deadline("filing").spec["rule"]["period"] == "5cd"


BAD_UPLOADS = {
    "type-not-accepted": (Upload("tool.exe", b"MZ\x90\x00"), "not accepted"),
    "pretends-to-be-pdf": (Upload("ticket.pdf", b"<html>not a pdf</html>"), "not a real application/pdf"),
    "pretends-to-be-png": (Upload("shot.png", b"\xff\xd8\xffJPEG", "image/png"), "not a real image/png"),
    "empty": (Upload("ticket.pdf", b""), "empty"),
    "too-large": (Upload("ticket.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES), "larger than 10 MB"),
    "text-not-utf8": (Upload("chat.txt", "Brüssel".encode("latin-1")), "not UTF-8"),
}


@pytest.mark.parametrize("bad", list(BAD_UPLOADS))
def test_an_invalid_upload_is_refused_before_anything_is_recorded(session, frozen, scene, bad):
    _, _, active = scene
    frozen.set(at(2022, 6, 3, 9))
    upload, says = BAD_UPLOADS[bad]
    files_before = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "file"))
    with pytest.raises(MissingData, match=says):
        _file(session, CaseType.TECHNICAL_ISSUE, active, documents=[PDF, upload])
    assert cases_of(session, active) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "file")) == files_before


def test_a_valid_upload_is_stored_under_a_safe_name_with_its_fingerprint(session, frozen, scene):
    _, _, active = scene
    frozen.set(at(2022, 6, 3, 9))
    chat = Upload("../../etc/chat transcript.txt", "Hallo, Brüssel".encode())
    case = _file(session, CaseType.TECHNICAL_ISSUE, active, documents=[PDF, chat])
    assert [(d.kind, d.filename, d.media_type, d.size) for d in case.documents] == [
        ("evidence", "helpdesk-ticket.pdf", "application/pdf", len(PDF.content)),
        ("evidence", "etc_chat_transcript.txt", "text/plain", len(chat.content))]
    assert case.documents[1].sha256 == hashlib.sha256(chat.content).hexdigest()
    assert "no-evidence" not in case.flags


def test_a_file_is_stored_under_a_name_that_ends_as_its_type(session, frozen, scene):
    """A PDF named notes.html would open as a web page on whoever downloads it: the stored name ends as
    the type it was checked to be; a name that does already is kept."""
    _, _, active = scene
    frozen.set(at(2022, 6, 3, 9))
    uploads = [Upload("notes.html", PDF.content, "application/pdf"), Upload("Scan.JPEG", b"\xff\xd8\xff\xe0 jfif"),
               Upload("README", b"what happened", "text/plain"), Upload("log.txt.exe", b"plain words", "text/plain")]
    case = _file(session, CaseType.TECHNICAL_ISSUE, active, documents=uploads)
    assert [(d.filename, d.media_type) for d in case.documents] == [
        ("notes.html.pdf", "application/pdf"), ("Scan.JPEG", "image/jpeg"), ("README.txt", "text/plain"),
        ("log.txt.exe.txt", "text/plain")]
    assert all(endings for _, endings in filing.UPLOAD_TYPES.values())   # every accepted type has its endings


def test_p4_board_warning_before_anything_is_recorded_and_only_for_a_complaint(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")          # the board excludes (C5)
    frozen.set(at(2022, 3, 25, 9))
    for confirmed in ((), ("some-other-warning",)):
        with pytest.raises(WarningRequired) as warning:
            _file(session, CaseType.COMPLAINT, out, confirmed_warnings=confirmed)
        assert warning.value.code == "p4-board-decision"
        assert "ask the board for a review" in str(warning.value)
        assert "declared inadmissible" not in str(warning.value)
    assert cases_of(session, out) == 0
    review = _file(session, CaseType.REVIEW, out)                    # a review of the board's decision: no warning
    assert (review.deciding_body, review.flags) == (DecidingBody.BOARD, [])
    complaint = _file(session, CaseType.COMPLAINT, out, confirmed_warnings=["p4-board-decision"])
    assert complaint.flags == ["board-decision"]


def test_p2_a_review_resting_on_an_unreported_technical_issue_is_flagged(session, frozen, scene):
    _, _, active = scene
    frozen.set(at(2022, 6, 10, 9))                                  # the P2 limit ended on 7 June
    late_report = _file(session, CaseType.TECHNICAL_ISSUE, active)
    assert late_report.late
    decision = stages.exclude(session, active, ground="no_booking_or_absence", author="epso", actor="epso",
                              published_at=frozen.now(), reason="absent from the verbal test")
    claim = {"grounds": "I was not absent: the test platform crashed", "technical_issue": True}
    unreported = _file(session, CaseType.REVIEW, active, decision=decision, details=claim)
    assert "unreported-technical-issue" in unreported.flags          # only a late report is on record
    plain = _file(session, CaseType.REVIEW, active, decision=decision, details={"grounds": "I was there"})
    assert "unreported-technical-issue" not in plain.flags


def test_p2_a_technical_issue_reported_in_time_clears_the_flag(session, frozen, scene):
    _, _, active = scene
    frozen.set(at(2022, 6, 3, 9))
    assert not _file(session, CaseType.TECHNICAL_ISSUE, active, documents=[PDF]).late
    decision = stages.exclude(session, active, ground="no_booking_or_absence", author="epso", actor="epso",
                              published_at=frozen.now(), reason="absent from the verbal test")
    claim = {"grounds": "the test platform crashed", "technical_issue": True}
    assert _file(session, CaseType.COMPLAINT, active, decision=decision, details=claim).flags == []


def test_r2_a_sitting_on_record_beats_the_declared_date_and_a_missing_one_is_flagged(session, frozen, scene):
    _, _, active = scene
    frozen.set(at(2022, 6, 3, 9))
    recorded = _file(session, CaseType.TECHNICAL_ISSUE, active, sat_on=date(2022, 6, 1))
    assert recorded.sitting.sat_on == date(2022, 6, 2) and "sitting-not-on-record" not in recorded.flags
    assert recorded.deadline("filing").last_day == date(2022, 6, 5)     # from the provider's record
    # no sitting of the numerical test is on record: the declared date is used and flagged for checking
    # (Wednesday 1 June + 3 calendar days = Saturday 4 June, no roll-forward, D5)
    declared = _file(session, CaseType.TECHNICAL_ISSUE, active, test="numerical", sat_on=date(2022, 6, 1))
    assert (declared.sitting, set(declared.flags)) == (None, {"no-evidence", "sitting-not-on-record"})
    assert declared.deadline("filing").last_day == date(2022, 6, 4)
    with pytest.raises(MissingData, match="say on which day"):
        _file(session, CaseType.TECHNICAL_ISSUE, active, test="abstract")
    # a test the notice did not have on that day: recorded all the same (D6), flagged for the legal team
    unknown = _file(session, CaseType.TECHNICAL_ISSUE, active, test="field-mcq", sat_on=date(2022, 6, 1))
    assert "test-not-in-notice" in unknown.flags
    assert cases_of(session, active) == 3


def test_r1_a_candidate_files_only_on_their_own_application_the_legal_team_for_them(session, frozen, scene):
    notice, out, active = scene
    frozen.set(at(2022, 3, 25, 9))
    intruder = people.candidate(session, active)
    with pytest.raises(NotAllowed, match="their own applications"):
        _file(session, CaseType.REVIEW, out, actor=intruder)
    for role in (Role.EPSO_OFFICER, Role.BOARD_MEMBER, Role.APPOINTING_AUTHORITY):
        with pytest.raises(NotAllowed):
            _file(session, CaseType.REVIEW, out, actor=people.actor(session, role, boards=(notice,)))
    assert cases_of(session, out) == 0
    # the legal team registers a request received by post, on the candidate's behalf
    legal = people.team(session, notice).legal
    case = _file(session, CaseType.REVIEW, out, actor=legal)
    assert (case.candidate_id, trail(session, case)[0][3]) == (out.candidate_id, legal.name)


def test_p1_to_p5_what_each_type_needs_is_asked_for_before_anything_is_recorded(session, frozen, scene):
    _, out, active = scene
    frozen.set(at(2022, 6, 3, 9))
    for case_type, application in ((CaseType.NEUTRALISATION, active), (CaseType.TECHNICAL_ISSUE, active),
                                   (CaseType.REVIEW, out), (CaseType.COMPLAINT, out), (CaseType.ACCESS_INFO, out)):
        with pytest.raises(MissingData, match="required"):
            _file(session, case_type, application, details={"grounds": " ", "items": []})
    with pytest.raises(MissingData, match="documents requested"):
        file_case(session, people.candidate(session, out), CaseType.ACCESS_DOCUMENTS, details={})
    with pytest.raises(MissingData, match="open_remedy"):
        file_case(session, people.candidate(session, out), CaseType.REMEDY, application=out)
    assert cases_of(session, out) == cases_of(session, active) == 0


def test_r1_a_board_member_with_a_declared_conflict_may_not_decide(session, frozen):
    """People and bodies: a member with a family or hierarchical link must not handle the file; the
    others on the same board may (P3 on a board decision)."""
    notice = f.publish(session, only_fields=("1",))
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    case = _file(session, CaseType.REVIEW, out)
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    conflicted = people.declare_conflict(session, team.board, out)
    refused(session, case, NotAllowed, "decide", conflicted, outcome="rejected", reason="experience too short")
    outsider = people.actor(session, Role.BOARD_MEMBER, boards=(f.publish(session, f.AST151),))
    refused(session, case, NotAllowed, "decide", outsider, outcome="rejected", reason="not my board")
    colleague = people.actor(session, Role.BOARD_MEMBER, boards=(notice,))
    apply(session, case, "decide", colleague, outcome="rejected", reason="experience too short")
    assert (case.state, trail(session, case)[-1][3]) == (CaseState.DECIDED, colleague.name)


def test_d6_d9_a_notice_whose_rules_set_no_day_count_records_the_filing_without_a_limit(session, frozen):
    """The 2015 general rules say to report a technical issue "at once" (3.4.1) and give no time limit
    for information requests: under a notice on those rules such filings are recorded, with no filing
    limit, never refused; a review keeps its 10 days (3.4.3)."""
    notice = f.publish(session, only_fields=("1",), rule_set={"base": "2015"})
    application = f.apply(session, notice)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    results.record_sitting(session, application, "verbal", date(2022, 6, 2))
    frozen.set(at(2022, 6, 20, 9))
    for case_type in (CaseType.TECHNICAL_ISSUE, CaseType.ACCESS_INFO):
        case = _file(session, case_type, application)
        assert (case.state, case.late, case.deadline("filing")) == (CaseState.FILED, False, None)
    review = _file(session, CaseType.REVIEW, application)
    # excluded on Tuesday 22 March 2022 + 10 calendar days = Friday 1 April
    assert (review.deadline("filing").last_day, review.late) == (date(2022, 4, 1), True)
    assert review.deadline("filing").spec["rule"]["source"].startswith("General rules 3.4.3 (2015")


def test_r2_a_decision_of_another_application_is_refused_for_every_type(session, frozen, scene):
    _notice, out, active = scene
    foreign = f.last_decision(session, out)
    frozen.set(at(2022, 6, 3, 9))
    with pytest.raises(MissingData, match="not one on this application"):
        _file(session, CaseType.NEUTRALISATION, active, decision=foreign)
    assert cases_of(session, active) == 0


def test_d6_only_the_legal_team_records_an_earlier_receipt_date(session, frozen, scene):
    notice, out, _ = scene
    frozen.set(at(2022, 5, 20, 9))                   # 7 weeks after the 1 April limit
    with pytest.raises(NotAllowed, match="only the legal team"):
        _file(session, CaseType.REVIEW, out, filed_at=at(2022, 3, 23, 9))
    legal = people.team(session, notice).legal
    by_post = _file(session, CaseType.REVIEW, out, actor=legal, filed_at=at(2022, 3, 30, 9))
    assert (by_post.late, "registered-by-legal-team" in by_post.flags) == (False, True)
    assert trail(session, by_post)[0][0] == "file"


def test_p2_a_withdrawn_report_does_not_count_and_a_late_one_excused_by_epso_does(session, frozen, scene):
    notice, _, active = scene
    team = people.team(session, notice)
    frozen.set(at(2022, 6, 3, 9))
    withdrawn = _file(session, CaseType.TECHNICAL_ISSUE, active, documents=[PDF])
    apply(session, withdrawn, "withdraw", people.candidate(session, active))
    decision = stages.exclude(session, active, ground="no_booking_or_absence", author="epso", actor="epso",
                              published_at=frozen.now(), reason="absent from the verbal test")
    claim = {"grounds": "the test platform crashed", "technical_issue": True}
    assert "unreported-technical-issue" in _file(session, CaseType.REVIEW, active, decision=decision,
                                                 details=claim).flags
    frozen.set(at(2022, 6, 10, 9))                                  # late, then excused (D6)
    late = _file(session, CaseType.TECHNICAL_ISSUE, active, documents=[PDF])
    apply(session, late, "analyse", team.legal)                    # EPSO decides on the lateness (D6)
    apply(session, late, "decide", team.epso, outcome="new-slot", excuse="force-majeure",
          reason="hospitalised on 3-9 June")
    assert "unreported-technical-issue" not in _file(session, CaseType.REVIEW, active, decision=decision,
                                                     details=claim).flags
