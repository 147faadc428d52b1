"""C1–C4: accounts, one field per notice, validation and its deadline, language choices."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casework.audit import AuditEvent
from casework.competitions import applications as apps
from casework.competitions.errors import CompetitionError
from casework.competitions.models import ApplicationState, Status

from . import factories as f


def test_c1_second_account_for_same_identity_refused(session):
    f.register(session, "Dupont", identity_key="BE-1234")
    with pytest.raises(CompetitionError, match=r"already holds an account \(C1"):
        f.register(session, "Dupont", identity_key="BE-1234", email="other@example.eu")


def test_c1_same_email_refused(session):
    f.register(session, email="same@example.eu")
    with pytest.raises(CompetitionError, match="same@example.eu exists already"):
        f.register(session, email="same@example.eu")


def test_c2_one_field_per_notice(session, frozen):
    notice = f.publish(session)
    application = f.apply(session, notice, field="2")
    with pytest.raises(CompetitionError, match=r"applied to EPSO/AD/398/22 already \(C2"):
        apps.file_application(session, application.candidate, notice, number="APP-X", field_code="3",
                              language_1="DE", language_2="EN", language_levels=f.levels(DE="C2", EN="C1"),
                              profile=f.profile())
    assert application.field.code == "2"


def test_c2_field_cannot_be_changed_even_in_a_draft(session, frozen):
    notice = f.publish(session)
    draft = f.apply(session, notice, validate=False)
    with pytest.raises(CompetitionError, match=r"field cannot be changed \(C2\)"):
        apps.amend_draft(draft, field_code="2")


def test_c2_unknown_field_refused(session, frozen):
    notice = f.publish(session)
    with pytest.raises(CompetitionError, match="has no field '9'"):
        f.apply(session, notice, field="9")


def test_c3_validation_locks_the_application(session, frozen):
    notice = f.publish(session)
    application = f.apply(session, notice, validate=False)
    apps.amend_draft(application, language_2="FR", language_levels=f.levels(DE="C2", FR="B2"))
    apps.validate_application(session, application, actor=f.ACTOR)
    assert application.state is ApplicationState.VALIDATED
    assert application.validated_at == frozen.now()
    assert application.validated_version_id == notice.current.id
    with pytest.raises(CompetitionError, match=r"is validated: it cannot be changed \(C3\)"):
        apps.amend_draft(application, language_2="EN")
    with pytest.raises(CompetitionError, match="is validated: it cannot be validated"):
        apps.validate_application(session, application, actor=f.ACTOR)
    assert application.language_2 == "FR"
    event = session.query(AuditEvent).filter_by(entity="application", entity_id=application.id,
                                                action="validate").one()
    assert (event.from_state, event.to_state, event.changes) == ("draft", "validated", {"notice_version": 1})


@pytest.mark.parametrize("instant, accepted", [
    (datetime(2022, 3, 22, 10, 59, 59, tzinfo=UTC), True),    # 11:59:59 Brussels (CET)
    (datetime(2022, 3, 22, 11, 0, 0, tzinfo=UTC), True),      # 12:00:00 noon exactly
    (datetime(2022, 3, 22, 11, 0, 1, tzinfo=UTC), False),     # 12:00:01 Brussels
])
def test_c3_validation_deadline_is_noon_brussels_time(session, frozen, instant, accepted):
    notice = f.publish(session)
    application = f.apply(session, notice, validate=False)
    frozen.set(instant)
    if accepted:
        apps.validate_application(session, application, actor=f.ACTOR)
        assert application.state is ApplicationState.VALIDATED
    else:
        with pytest.raises(CompetitionError, match=r"deadline \(22\. marts 2022 kl\. 12\.00.*has passed"):
            apps.validate_application(session, application, actor=f.ACTOR)
        assert application.state is ApplicationState.DRAFT


def test_c3_draft_not_validated_by_deadline_drops_out_when_application_phase_closes(session, frozen):
    notice = f.publish(session)
    validated = f.apply(session, notice)
    draft = f.apply(session, notice, validate=False)
    f.after_deadline(frozen, notice)
    [report] = f.close(session, notice, "application")[:1]
    f.refresh(session, validated, draft)
    assert (validated.phase, validated.status) == ("eligibility", Status.ACTIVE)
    assert (draft.phase, draft.status) == ("application", Status.ELIMINATED)
    decision = f.last_decision(session, draft)
    assert (decision.kind, decision.author.value, decision.phase) == ("not-validated", "epso", "application")
    assert report.outcomes["admitted"] == 1 and report.outcomes["not-validated"] == 1


def test_c3_application_phase_cannot_close_before_the_deadline(session, frozen):
    notice = f.publish(session)
    f.apply(session, notice)
    frozen.set(datetime(2022, 3, 22, 11, 0, tzinfo=UTC))
    with pytest.raises(CompetitionError, match="applications are open until 2022-03-22T12:00:00"):
        f.close(session, notice, "application")


@pytest.mark.parametrize("language_2, levels, message", [
    ("DE", f.levels(IT="C2", DE="C2"), r"language 2 DE is not allowed by the notice \(allowed: EN, FR\)"),
    ("IT", f.levels(IT="C2"), "language 2 must differ from language 1"),
    ("EN", f.levels(IT="C2", EN="B1"), "language 2 EN: speaking must be at least B2 \\(declared B1\\)"),
    ("EN", {"IT": f.levels(IT="C2")["IT"], "EN": {"speaking": "C1", "writing": "C1", "reading": "C1"}},
     "language 2 EN: listening must be at least B2 \\(declared nothing\\)"),
])
def test_c4_language_2_checks(session, frozen, language_2, levels, message):
    notice = f.publish(session)
    application = f.apply(session, notice, language_1="IT", language_2=language_2, levels=levels,
                          validate=False)
    with pytest.raises(CompetitionError, match=message):
        apps.validate_application(session, application, actor=f.ACTOR)
    assert application.state is ApplicationState.DRAFT


def test_c4_language_1_below_c1_refused(session, frozen):
    notice = f.publish(session)
    application = f.apply(session, notice, levels=f.levels(DE="B2", EN="C1"), validate=False)
    with pytest.raises(CompetitionError, match="language 1 DE: speaking must be at least C1 \\(declared B2\\)"):
        apps.validate_application(session, application, actor=f.ACTOR)


def test_c4_exactly_the_minimum_levels_accepted(session, frozen):
    notice = f.publish(session)
    application = f.apply(session, notice, language_1="GA", language_2="FR",
                          levels=f.levels(GA="C1", FR="B2"))
    assert application.state is ApplicationState.VALIDATED


def test_withdrawal_recorded_as_epso_decision(session, frozen):
    notice = f.publish(session)
    application = f.apply(session, notice)
    apps.withdraw(session, application, actor="candidate")
    assert application.status is Status.WITHDRAWN
    decision = f.last_decision(session, application)
    assert (decision.kind, decision.author.value, decision.reason) == (
        "withdrawal", "epso", "withdrawn by the candidate")
    with pytest.raises(CompetitionError, match="is withdrawn: only a candidate still in the competition"):
        apps.withdraw(session, application, actor="candidate")
