"""D6: a case's time limit moves only through a recorded decision with a reason, shown with its
computation before and after."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework.audit import AuditEvent
from casework.cases.models import CaseType
from casework.competitions import stages
from casework.workflows import MissingData, NotAllowed, apply, file_case

from ..competitions import factories as f
from . import people


@pytest.fixture
def review(session, frozen):
    """A P3 filed on Monday 4 April 2022 about an EPSO exclusion published that morning."""
    notice = f.publish(session, only_fields=("1",))
    application = f.apply(session, notice)
    frozen.set(datetime(2022, 4, 4, 8, tzinfo=UTC))
    decision = stages.exclude(session, application, ground="general_eligibility", author="epso", actor="epso",
                              published_at=frozen.now(), reason="documents show no EU citizenship")
    case = file_case(session, people.candidate(session, application), CaseType.REVIEW, application=application,
                     decision=decision, details={"grounds": "I hold a Maltese passport"})
    return case, people.team(session, notice)


def test_d6_acknowledgement_extended_by_a_recorded_decision_with_before_and_after(session, review):
    case, team = review
    ack = case.deadline("acknowledgement")
    # 15 working days from Monday 4 April 2022 in Brussels (4 April not counted): 5–8, 11–13,
    # then the Easter holidays (Maundy Thursday 14, Good Friday 15, Easter Monday 18 April) are
    # skipped, 19–22, 25–28: the 15th working day is Thursday 28 April
    assert ack.last_day == date(2022, 4, 28)
    apply(session, case, "decide_clock", team.legal, deadline="acknowledgement", kind="extend_by", period="5wd",
          reason="the file had to be obtained from the test provider")
    # five more working days after Thursday 28 April: 29 April, 2, 3, 4, 5 May
    assert case.deadline("acknowledgement").last_day == date(2022, 5, 5)
    [shown] = case.deadline("acknowledgement").computation["decisions"]       # the trace shows it (D6)
    assert (shown["kind"], shown["reason"], shown["applied"]) == (
        "extend_by", "the file had to be obtained from the test provider", True)
    event = session.query(AuditEvent).filter_by(entity="case", entity_id=case.id, action="decide_clock").one()
    assert (event.changes["clock"]["before"]["last_day"], event.changes["clock"]["after"]["last_day"]) == (
        "2022-04-28", "2022-05-05")
    assert event.reason == "the file had to be obtained from the test provider"


def test_d6_no_decision_without_a_reason_and_never_by_the_candidate(session, review):
    case, team = review
    with pytest.raises(MissingData, match="reason"):
        apply(session, case, "decide_clock", team.legal, deadline="acknowledgement", kind="extend_by",
              period="5wd", reason=" ")
    with pytest.raises(NotAllowed):
        apply(session, case, "decide_clock", people.candidate(session, case.application),
              deadline="acknowledgement", kind="extend_to", on="2022-12-31", reason="I want more time")
    assert case.deadline("acknowledgement").last_day == date(2022, 4, 28)


def test_d6_suspended_clock_has_no_deadline_until_resumed(session, review):
    case, team = review
    apply(session, case, "decide_clock", team.legal, deadline="acknowledgement", kind="suspend", on="2022-04-11",
          reason="request for clarification sent to the candidate")
    assert (case.deadline("acknowledgement").last_day, case.deadline("acknowledgement").due_at) == (None, None)
    apply(session, case, "decide_clock", team.legal, deadline="acknowledgement", kind="resume", on="2022-04-21",
          reason="clarification received")
    # 4 working days ran before the stop (5–8 April), 11 remained (11–13, 19–22, 25–28 April);
    # counted again from 21 April: 21, 22, 25, 26, 27, 28, 29 April, 2, 3, 4, 5 May
    assert case.deadline("acknowledgement").last_day == date(2022, 5, 5)
