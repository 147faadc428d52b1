"""C14: EPSO/AD/402/23 amended by C/2024/3223 — applications reopened, test events cancelled."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework.audit import AuditEvent
from casework.competitions import applications as apps
from casework.competitions.errors import CompetitionError
from casework.competitions.models import ApplicationState, ScoreState, Status
from casework.competitions.notices import amend_notice, definition

from . import factories as f

CANCELLED = ("numerical", "verbal", "abstract", "field-mcq")
PASSING = {"numerical": 8, "verbal": 12, "abstract": 7, "field_mcq": 22}


def _apply(session, notice, language_2="FR"):
    return f.apply(session, notice, language_1="DE", language_2=language_2,
                   levels=f.levels(DE="C2", FR="B2", EN="B2"), profile=f.profile("degree-3y", "2020-06-30"))


def _amend(session, frozen):
    frozen.set(datetime(2024, 5, 28, 10, tzinfo=UTC))
    return amend_notice(session, f.document(f.AD402_AMENDMENT, only_fields=("1",)), actor=f.ACTOR,
                        reason="C/2024/3223", published_on=date(2024, 5, 28),
                        reopens_applications=True, cancelled_tests=CANCELLED)


@pytest.fixture
def amended(session, frozen):
    """Two validated candidates sat the October 2023 tests; then the notice was amended."""
    frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402, only_fields=("1",))
    first = notice.current
    renewer, sleeper = _apply(session, notice), _apply(session, notice, "EN")
    f.after_deadline(frozen, notice)                         # 11 July 2023, 12:01 Brussels
    f.close(session, notice, "application")
    for a in (renewer, sleeper):
        f.marks(session, a, **PASSING)
    version = _amend(session, frozen)
    f.refresh(session, renewer, sleeper)
    return notice, first, version, renewer, sleeper


def test_c14_amendment_is_a_new_version_and_asks_for_revalidation(session, amended):
    notice, first, version, renewer, sleeper = amended
    assert [v.number for v in notice.versions] == [1, 2]
    assert (version.reason, version.published_on) == ("C/2024/3223", date(2024, 5, 28))
    assert definition(notice.current).application_deadline.isoformat() == "2024-07-09T12:00:00+02:00"
    assert definition(first).application_deadline.isoformat() == "2023-07-11T12:00:00+02:00"
    for a in (renewer, sleeper):
        assert a.state is ApplicationState.REVALIDATION_REQUIRED
        assert a.validated_version_id == first.id
        assert {s.test: s.state for s in a.scores} == dict.fromkeys(CANCELLED, ScoreState.CANCELLED)
    event = session.query(AuditEvent).filter_by(entity="notice", entity_id=notice.id, action="amend").one()
    assert (event.from_state, event.to_state) == ("version 1", "version 2")
    assert event.changes["revalidation_required"] == 2 and event.changes["cancelled_marks"] == 8


def test_c14_revalidation_with_a_language_only_the_new_version_allows(session, frozen, amended):
    _notice, first, version, renewer, _sleeper = amended
    assert "language 2 IT is not allowed" in apps.check_languages(
        definition(first), "DE", "IT", f.levels(DE="C2", IT="B2"))[0]
    apps.amend_draft(renewer, language_2="IT", language_levels=f.levels(DE="C2", IT="B2"))
    apps.validate_application(session, renewer, actor=f.ACTOR)
    assert (renewer.state, renewer.validated_version_id, renewer.language_2) == (
        ApplicationState.VALIDATED, version.id, "IT")
    with pytest.raises(CompetitionError, match="cannot be changed"):
        apps.amend_draft(renewer, language_2="FR")


def test_c14_who_revalidates_goes_on_who_does_not_drops_out(session, frozen, amended):
    notice, first, version, renewer, sleeper = amended
    apps.validate_application(session, renewer, actor=f.ACTOR)
    f.after_deadline(frozen, notice)                          # 9 July 2024, 12:01 Brussels
    with pytest.raises(CompetitionError, match="has passed"):
        apps.validate_application(session, sleeper, actor=f.ACTOR)
    f.close(session, notice, "application")
    f.refresh(session, renewer, sleeper)
    assert (renewer.phase, renewer.status) == ("tests", Status.ACTIVE)
    assert (sleeper.phase, sleeper.status, sleeper.state) == (
        "application", Status.ELIMINATED, ApplicationState.REVALIDATION_REQUIRED)
    d = f.last_decision(session, sleeper)
    assert (d.kind, d.author.value, d.phase, d.notice_version_id) == (
        "not-validated", "epso", "application", version.id)
    assert "not revalidated, C14" in d.reason
    # everyone re-sits the cancelled tests; the new marks count, under version 2
    f.marks(session, renewer, **PASSING)
    f.close(session, notice, "tests")
    session.refresh(renewer)
    assert (renewer.phase, renewer.status) == ("marking-eligibility", Status.ACTIVE)
    assert {s.state for s in renewer.scores} == {ScoreState.RECORDED}
    assert {s.notice_version_id for s in renewer.scores} == {version.id}
    # each decision records the version it was taken under
    assert [(d.kind, d.phase, d.notice_version_id) for d in f.decisions(session, renewer)] == [
        ("admitted", "application", first.id),
        ("reopened", "tests", version.id),
        ("admitted", "application", version.id),
        ("invited", "tests", version.id),
    ]


def test_c14_amendment_before_the_application_phase_closed(session, frozen):
    frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402, only_fields=("1",))
    renewer, sleeper = _apply(session, notice), _apply(session, notice)
    version = _amend(session, frozen)
    apps.validate_application(session, renewer, actor=f.ACTOR)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    f.refresh(session, renewer, sleeper)
    assert [(a.phase, a.status) for a in (renewer, sleeper)] == [
        ("tests", Status.ACTIVE), ("application", Status.ELIMINATED)]
    assert f.last_decision(session, sleeper).notice_version_id == version.id


def test_c14_amendment_cannot_add_or_remove_fields(session, frozen):
    f.publish(session, f.AD402)
    with pytest.raises(CompetitionError, match="cannot add or remove fields"):
        amend_notice(session, f.document(f.AD402_AMENDMENT, only_fields=("1", "2")), actor=f.ACTOR,
                     reason="x", published_on=date(2024, 5, 28))


def test_c14_reopening_needs_a_later_deadline_in_the_future(session, frozen):
    frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402, only_fields=("1",))
    same_deadline = f.document(f.AD402_AMENDMENT, only_fields=("1",),
                               application_deadline=f.document(f.AD402)["application_deadline"])
    frozen.set(datetime(2024, 5, 28, 10, tzinfo=UTC))
    with pytest.raises(CompetitionError, match="needs a new application deadline"):
        amend_notice(session, same_deadline, actor=f.ACTOR, reason="x", published_on=date(2024, 5, 28),
                     reopens_applications=True)
    assert len(notice.versions) == 1


def test_c14_everyone_re_sits_cancelled_tests_and_drafts_may_validate(session, frozen):
    """Failed at the cancelled October 2023 tests, or dropped for not validating: after the
    amendment both are back at the application phase and can go on (004 4.3.1, 4.3.2 a)."""
    frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402, only_fields=("1",))
    failed, draft = _apply(session, notice), f.apply(session, notice, validate=False, language_1="DE",
                                                     language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                                                     profile=f.profile("degree-3y", "2020-06-30"))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    f.marks(session, failed, numerical=2, verbal=15, abstract=8, field_mcq=20)
    f.close(session, notice, "tests")
    f.refresh(session, failed, draft)
    assert [a.status for a in (failed, draft)] == [Status.ELIMINATED, Status.ELIMINATED]
    _amend(session, frozen)
    f.refresh(session, failed, draft)
    assert [(a.phase, a.status) for a in (failed, draft)] == [("application", Status.ACTIVE)] * 2
    assert {s.state for s in failed.scores} == {ScoreState.CANCELLED}     # incl. the unprocessed
    for a in (failed, draft):
        apps.validate_application(session, a, actor=f.ACTOR)
    assert f.last_decision(session, failed).kind == "reopened"


def test_a_definition_is_read_by_its_content_never_by_an_id_another_database_gave_another_text():
    """``definition()`` keeps parsed definitions for the process by their content: the same text is
    parsed once, and a version with the id and number of another database's (tests, a restored
    copy) but another text gets its own (C14: the places and dates of the version in force)."""
    from casework.competitions.models import NoticeVersion
    one, other = f.document(f.AD398, places={"1": 3}), f.document(f.AD398, places={"1": 7})
    same_id = [NoticeVersion(id=1, notice_id=1, number=1, published_on=date(2022, 1, 1), definition=doc)
               for doc in (one, other, f.document(f.AD398, places={"1": 3}))]
    first, second, again = (definition(version) for version in same_id)
    assert (first.field("1").places, second.field("1").places, again.field("1").places) == (3, 7, 3)
    assert again is first and second is not first
