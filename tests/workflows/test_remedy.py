"""P6 onward remedies, tracked not decided here: the period for an action before the General Court
(D7: 3 months + 10 days on account of distance, counted on the Court's calendar) opened by a final
rejection, lodged and judged, or lapsed; a time-limit decision recorded by hand (D6); a complaint to
the Ombudsman, which suspends no time limit.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import Case, CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions import stages
from casework.workflows import InvalidTransition, MissingData, NotAllowed, apply, available, file_case, open_remedy

from ..competitions import factories as f
from . import people
from .test_filing import refused, trail


def at(*args):
    return datetime(*args, tzinfo=UTC)


def remedies(session, case):
    return list(session.scalars(select(Case).where(Case.parent_id == case.id).order_by(Case.id)))


def reviewed(session, frozen, author):
    """An AD/398/22 candidate excluded at eligibility on 22 March 2022 by ``author`` (the board on
    specific eligibility, EPSO on general eligibility) whose request for review is rejected by that
    body on Monday 11 April 2022, the reply being sent the same day."""
    notice = f.publish(session, only_fields=("1",))
    if author == "board":
        out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
        f.after_deadline(frozen, notice)
        f.close(session, notice, "application", "eligibility")
    else:
        out = f.apply(session, notice)
        f.after_deadline(frozen, notice)
        f.close(session, notice, "application")
        stages.exclude(session, out, ground="general_eligibility", author="epso", actor="epso",
                       published_at=frozen.now(), reason="no declaration on civil rights")
    frozen.set(at(2022, 3, 25, 9))
    case = file_case(session, people.candidate(session, out), CaseType.REVIEW, application=out,
                     decision=f.last_decision(session, out), details={"grounds": "the decision is wrong"})
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    frozen.set(at(2022, 4, 11, 9))
    apply(session, case, "decide", team.board if author == "board" else team.epso, outcome="rejected",
          reason="the decision stands")
    apply(session, case, "reply", team.legal, body="Your request for review is rejected.")
    return case, out, team


# 11 April 2022 + 3 months = 11 July, + 10 days = Thursday 21 July 2022. That is Belgian National Day, a
# holiday in Brussels, but the act (lodging an action) is done at the General Court in Luxembourg,
# whose calendar counts 21 July as a working day (D2): no roll-forward. 24:00 CEST = 22:00 UTC.
COURT_LAST_DAY = date(2022, 7, 21)
COURT_END = at(2022, 7, 21, 22)


def test_p6_d7_a_review_rejected_by_the_board_opens_the_court_window_on_the_courts_calendar(session, frozen):
    review, out, _ = reviewed(session, frozen, "board")
    [remedy] = remedies(session, review)
    window = remedy.deadline("court-action")
    assert (remedy.type, remedy.state, remedy.deciding_body) == (CaseType.REMEDY, CaseState.WINDOW_OPEN,
                                                                  DecidingBody.GENERAL_COURT)
    assert (remedy.candidate_id, remedy.application_id, remedy.decision_id) == (
        out.candidate_id, out.id, review.decision_id)
    assert (window.last_day, window.due_at, window.spec["rule"]["place"]) == (COURT_LAST_DAY, COURT_END, "court")
    assert date(2022, 7, 21).weekday() == 3
    assert "until 2022-07-21" in [m.body for m in review.messages if m.kind == "notice"][-1]
    assert [row[:3] for row in trail(session, remedy)] == [("open", None, "window-open")]


def test_p6_d7_a_review_rejected_by_epso_opens_no_court_window(session, frozen):
    """EPSO's own decisions go to court only after an Article 90(2) complaint (P4, D7)."""
    review, _, _ = reviewed(session, frozen, "epso")
    assert (review.state, review.outcome, review.deciding_body) == (CaseState.REPLIED, "rejected", DecidingBody.EPSO)
    assert remedies(session, review) == []


def test_p6_lapses_only_after_the_last_day_of_the_court_window(session, frozen):
    review, out, team = reviewed(session, frozen, "board")
    [remedy] = remedies(session, review)
    frozen.set(COURT_END - timedelta(seconds=1))
    assert available(session, remedy, team.system) == []
    refused(session, remedy, InvalidTransition, "lapse", team.system)
    frozen.set(COURT_END + timedelta(seconds=1))
    refused(session, remedy, NotAllowed, "lapse", people.candidate(session, out))
    apply(session, remedy, "lapse", team.system)
    assert (remedy.state, remedy.outcome, remedy.closed_at) == (CaseState.LAPSED, "lapsed", frozen.now())
    assert remedy.deadline("court-action").status is DeadlineStatus.EXPIRED
    refused(session, remedy, InvalidTransition, "lodge", team.legal, reference="T-1/22", lodged_on="2022-07-22")


def test_p6_an_action_lodged_is_tracked_to_its_judgment(session, frozen):
    review, out, team = reviewed(session, frozen, "board")
    [remedy] = remedies(session, review)
    frozen.set(at(2022, 7, 18, 9))
    assert available(session, remedy, people.candidate(session, out)) == []
    refused(session, remedy, NotAllowed, "lodge", people.candidate(session, out), reference="T-1/22",
            lodged_on="2022-07-15")
    refused(session, remedy, MissingData, "lodge", team.legal, reference="T-1/22")          # no date
    apply(session, remedy, "lodge", team.legal, reference="T-456/22", lodged_on=date(2022, 7, 15))
    assert (remedy.state, remedy.details["reference"], remedy.details["lodged_on"]) == (
        CaseState.LODGED, "T-456/22", "2022-07-15")
    assert remedy.deadline("court-action").status is DeadlineStatus.MET
    frozen.set(COURT_END + timedelta(days=1))
    refused(session, remedy, InvalidTransition, "lapse", team.system)           # lodged: nothing lapses
    frozen.set(at(2023, 11, 8, 9))
    refused(session, remedy, MissingData, "judge", team.legal, outcome="upheld")
    apply(session, remedy, "judge", team.legal, outcome="annulled", reason="judgment of 8 November 2023")
    assert (remedy.state, remedy.outcome, remedy.closed_at) == (CaseState.JUDGED, "annulled", frozen.now())
    assert [row[0] for row in trail(session, remedy)] == ["open", "lodge", "judge"]


def test_p6_d6_d7_a_restart_recorded_by_hand_moves_the_window(session, frozen):
    """An express rejection notified outside casework (a registered letter of Monday 2 May 2022):
    the legal team records the restart with a reason; 2 May + 3 months = 2 August, + 10 days =
    Friday 12 August 2022, a working day at the Court."""
    review, _, team = reviewed(session, frozen, "board")
    [remedy] = remedies(session, review)
    frozen.set(at(2022, 5, 3, 9))
    refused(session, remedy, MissingData, "decide_clock", team.legal, deadline="court-action", kind="restart",
            on="2022-05-02")                                                    # a reason is required (D6)
    refused(session, remedy, MissingData, "decide_clock", team.legal, deadline="court-action", kind="forget",
            reason="x")
    apply(session, remedy, "decide_clock", team.legal, deadline="court-action", kind="restart", on="2022-05-02",
          reason="rejection notified by registered letter of 2 May 2022")
    assert remedy.deadline("court-action").last_day == date(2022, 8, 12)
    assert trail(session, remedy)[-1] == ("decide_clock", "window-open", "window-open", team.legal.name)


def test_p6_an_ombudsman_complaint_is_tracked_and_suspends_no_time_limit(session, frozen):
    review, _, team = reviewed(session, frozen, "board")
    [court] = remedies(session, review)
    with pytest.raises(MissingData, match="forum"):
        open_remedy(session, review, team.legal, forum="tribunal")
    ombudsman = open_remedy(session, review, team.legal, forum="ombudsman", details={"reference": "1234/2022/ABC"})
    assert (ombudsman.state, ombudsman.deciding_body) == (CaseState.LODGED, DecidingBody.OMBUDSMAN)
    assert "suspends no time limit" in ombudsman.details["note"] and ombudsman.deadlines == []
    session.refresh(court)
    assert court.deadline("court-action").last_day == COURT_LAST_DAY     # the court window runs on
    apply(session, ombudsman, "judge", team.legal, outcome="maladministration")
    assert (ombudsman.state, ombudsman.outcome) == (CaseState.JUDGED, "maladministration")


def test_p6_d7_no_second_court_window_once_an_action_is_lodged(session, frozen):
    review, _, team = reviewed(session, frozen, "board")
    [remedy] = remedies(session, review)
    apply(session, remedy, "lodge", team.legal, reference="T-456/22", lodged_on=date(2022, 7, 15))
    apply(session, review, "reopen", team.legal, reason="new evidence of a marking error")
    for trigger in ("refer",):
        apply(session, review, trigger, team.legal)
    apply(session, review, "decide", team.board, outcome="rejected", reason="no error found")
    apply(session, review, "reply", team.legal, body="Rejected again.")
    assert [r.id for r in remedies(session, review)] == [remedy.id]      # the action already lodged


def test_p6_only_the_legal_team_opens_a_remedy(session, frozen):
    from casework.workflows import open_remedy
    review, out, _team = reviewed(session, frozen, "board")
    with pytest.raises(NotAllowed):
        open_remedy(session, review, people.candidate(session, out), forum="ombudsman")
