"""Property: no change of a case exists without its audit row, and a refused step leaves none
(Non-negotiable 4; P: "every transition records who, when, from, to and why").

Random actors fire random steps, with time passing between them, on a P3 and a P4 case; the
audit trail must always replay to the case's current state, one row per step that went through.
"""
from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casework.audit import AuditEvent
from casework.cases.models import CaseType
from casework.competitions import stages
from casework.workflows import WorkflowError, apply, available, file_case
from casework.workflows.machines import STEPS

from ..competitions import factories as f
from . import people

DATA = {"reason": "stated reason", "body": "the reply", "ground": "other", "excuse": "excusable-error",
        "deadline": "reply", "kind": "extend_by", "period": "5cd", "reference": "T-1/22", "lodged_on": "2022-09-01"}
TRIGGERS = sorted({s.trigger for t in (CaseType.REVIEW, CaseType.COMPLAINT) for s in STEPS[t]} | {"no-such-step"})
ROLES = ("candidate", "legal", "head", "epso", "director", "board", "system")
OUTCOMES = ("upheld", "rejected", "granted")


def _trail(session, case):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "case",
                                                         AuditEvent.entity_id == case.id)
                                .order_by(AuditEvent.id)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case_type=st.sampled_from([CaseType.REVIEW, CaseType.COMPLAINT]),
       moves=st.lists(st.tuples(st.sampled_from(ROLES), st.sampled_from(OUTCOMES),
                                st.integers(min_value=0, max_value=60), st.booleans(), st.integers(0, 99)),
                      max_size=12),
       blind=st.sampled_from(TRIGGERS))
def test_every_change_of_a_case_has_its_audit_row_and_a_refused_step_none(session, frozen, case_type, moves,
                                                                          blind):
    frozen.set(datetime(2022, 3, 1, 12, tzinfo=UTC))
    savepoint = session.begin_nested()
    try:
        notice = f.publish(session, only_fields=("1",))
        application = f.apply(session, notice)
        f.after_deadline(frozen, notice)
        decision = stages.exclude(session, application, ground="general_eligibility", author="epso",
                                  actor="epso", published_at=frozen.now(), reason="not an EU national")
        team = people.team(session, notice)
        actors = {"candidate": people.candidate(session, application), "legal": team.legal, "head": team.head,
                  "epso": team.epso, "director": team.director, "board": team.board, "system": team.system}
        case = file_case(session, actors["candidate"], case_type, application=application, decision=decision,
                         details={"grounds": "I am an EU national"})
        went_through = 0
        for role, outcome, days, offered, pick in moves:
            frozen.advance(days=days)
            # mostly a step the actor is offered (a button), sometimes one typed blindly
            offer = [s.trigger for s in available(session, case, actors[role])]
            trigger = offer[pick % len(offer)] if offered and offer else blind
            state_before, version_before = case.state, case.version
            rows_before = len(_trail(session, case))
            try:
                apply(session, case, trigger, actors[role], outcome=outcome, **DATA)
            except WorkflowError:
                assert (case.state, case.version, len(_trail(session, case))) == (
                    state_before, version_before, rows_before)
                continue
            went_through += 1
            assert case.version > version_before
        event(f"{went_through} steps went through")
        trail = _trail(session, case)
        assert len(trail) == 1 + went_through
        assert trail[0].action == "file" and trail[0].to_state == "filed"
        for earlier, later in pairwise(trail):
            assert later.from_state == earlier.to_state
        assert trail[-1].to_state == case.state.value
    finally:
        savepoint.rollback()
        session.expunge_all()        # the next example reuses the ids this one rolled back
