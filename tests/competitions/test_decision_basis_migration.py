"""Migration 0007 (R2, R3): decisions stored before structured decisions get their basis, read
once from the old reason text (the only source), checked against the notice version they were
taken under; what cannot be read says so, and reinstatement then refuses rather than guess.
Tested from revision 0006 on both backends."""
from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from casework import clock
from casework.competitions import selection
from casework.competitions.errors import CompetitionError
from casework.competitions.models import Application, Decision, PhaseClosure, Status
from casework.competitions.notices import definition
from casework.migrate import differences, upgrade

from ..conftest import BACKENDS, fresh_database
from . import factories as f

REASONING = ["verbal", "numerical", "abstract"]
COMPETENCIES = [f"competency-{i}" for i in range(1, 9)]
SUM_COMPETENCIES = " + ".join(COMPETENCIES)
ABSENT = ("no mark for interview: the test was not booked or not taken (unless circumstances beyond "
          "the candidate's control or force majeure are proven)")
MIGRATED = {"migrated": "0007"}
UNPARSED = {"legacy_reason_unparsed": True, "migrated": "0007"}

# decisions as the code wrote them before 0007 (one application each, unless said otherwise)
OLD = sa.table("decisions", *(sa.column(c) for c in (
    "application_id", "notice_version_id", "kind", "author", "phase", "outcome", "ground", "admits",
    "reason", "published_at", "source")))


def _migration():
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0007_decision_basis.py"
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _old_decision(s, application, kind, outcome, reason, *, phase="assessment", author="board",
                  ground=None, admits=None, source=None) -> int:
    return s.execute(sa.insert(OLD).values(
        application_id=application.id, notice_version_id=application.notice.current.id, kind=kind,
        author=author, phase=phase, outcome=outcome, ground=ground, admits=admits, reason=reason,
        published_at=clock.now(), source=source).returning(sa.literal_column("id"))).scalar_one()


def _at_assessment(s, notice, application, status, **marks):
    f.marks(s, application, **marks)
    application.phase, application.status = "assessment", status


@pytest.mark.parametrize("backend", BACKENDS)
def test_r3_0007_fills_the_basis_of_old_decisions_and_reinstatement_reads_it(backend, tmp_path, frozen):
    with fresh_database(backend, tmp_path, revision="0006") as db:
        ids: dict[str, int] = {}
        with db.session_scope() as s:
            notice = f.publish(s, only_fields=("1",))
            people = {name: f.apply(s, notice) for name in (
                "reasoning", "mixed", "old-bug", "reworded", "wrong-min", "absent", "ineligible",
                "not-invited", "mystery")}
            frozen.set(datetime(2022, 9, 30, 9, tzinfo=UTC))
            for field in notice.fields:
                for phase in ("application", "eligibility", "screener", "assessment"):
                    s.add(PhaseClosure(field_id=field.id, phase=phase, notice_version_id=notice.current.id,
                                       closed_at=clock.now(), actor="test"))
            p = people
            _at_assessment(s, notice, p["reasoning"], Status.ELIMINATED, verbal=9, numerical=5, abstract=5)
            ids["reasoning"] = _old_decision(s, p["reasoning"], "failed", "eliminated",
                                             "verbal + numerical + abstract = 19 < 20 required")
            ids["reinstatement"] = _old_decision(s, p["reasoning"], "reinstatement", "active",
                                                 "request for review upheld", source="P3/2022/0001")
            _at_assessment(s, notice, p["mixed"], Status.ELIMINATED, verbal=14, numerical=7, abstract=7,
                           competencies=30)
            ids["mixed"] = _old_decision(s, p["mixed"], "failed", "eliminated",
                                         f"{SUM_COMPETENCIES} = 30 < 40 required; no mark for interview "
                                         "(interview >= 60)")
            _at_assessment(s, notice, p["old-bug"], Status.ELIMINATED, verbal=14, numerical=7, abstract=7,
                           competencies=60)
            ids["old-bug"] = _old_decision(s, p["old-bug"], "failed", "eliminated",      # really an absence
                                           "no mark for interview (interview >= 60)")
            _at_assessment(s, notice, p["reworded"], Status.ELIMINATED, verbal=9, numerical=5, abstract=5)
            ids["reworded"] = _old_decision(s, p["reworded"], "failed", "eliminated",
                                            "verbal + numerisk + abstrakt = 19 < 20 krævet")
            ids["reworded-reinstatement"] = _old_decision(s, p["reworded"], "reinstatement", "active", "upheld")
            ids["wrong-min"] = _old_decision(s, p["wrong-min"], "failed", "eliminated",
                                             "interview = 50 < 55 required")          # not the notice's 60
            ids["absent"] = _old_decision(s, p["absent"], "excluded", "excluded", ABSENT, author="epso",
                                          ground="no_booking_or_absence", admits="force-majeure")
            ids["refused"] = _old_decision(s, p["absent"], "force-majeure-refused", "excluded", "not proven",
                                           author="epso", ground="no_booking_or_absence",
                                           source=f"force-majeure:{ids['absent']}")
            ground, reason, runtime = selection.judge_eligibility(   # today's wording, unchanged by 0007
                definition(notice.current), "1",
                f.profile(subjects=["law"], identity_document_valid_until="2020-01-01"))
            ids["ineligible"] = _old_decision(s, p["ineligible"], "excluded", "excluded", reason,
                                              phase="eligibility", author="epso", ground=ground)
            ids["not-invited"] = _old_decision(s, p["not-invited"], "not-invited", "eliminated",
                                               "not among the 3 best by screener (cut-off 32, C7)", phase="screener")
            ids["invited"] = _old_decision(s, p["not-invited"], "invited", "active", None, phase="eligibility")
            ids["mystery"] = _old_decision(s, p["mystery"], "mystery", "eliminated", "why not")
        upgrade(db.engine)
        assert differences(db.engine) == []          # `casework db check`: models and migrations agree
        with db.session_scope() as s:
            basis = {name: s.get(Decision, i).basis for name, i in ids.items()}
            failed_reasoning = {"tests": REASONING, "min": "20", "eliminatory": True, "achieved": "19"}
            assert basis["reasoning"] == {"pass_marks_failed": [failed_reasoning], **MIGRATED}
            assert basis["reinstatement"] == {"annuls": ids["reasoning"], "pass_marks_waived": [REASONING],
                                              "tests_missed_standing": [], **MIGRATED}
            assert basis["mixed"] == {"pass_marks_failed": [{"tests": COMPETENCIES, "min": "40",
                                                             "eliminatory": False, "achieved": "30"}],
                                      "tests_missed": ["interview"], **MIGRATED}
            assert basis["old-bug"] == {"pass_marks_failed": [], "tests_missed": ["interview"], **MIGRATED}
            assert basis["reworded"] == UNPARSED and basis["wrong-min"] == UNPARSED
            assert basis["reworded-reinstatement"] == {"annuls": ids["reworded"], **UNPARSED}
            assert basis["absent"] == {"tests_missed": ["interview"], **MIGRATED}
            assert basis["refused"] == {"claim": "force-majeure", "accepted": False, "exclusion": ids["absent"],
                                        **MIGRATED}
            assert basis["ineligible"] == {**runtime, **MIGRATED}      # the same data as a new decision's
            assert basis["not-invited"] == {"invitation_cap": {"phase": "assessment", "ranking": "screener",
                                                               "cap": 3, "ties": True, "cutoff": "32"}, **MIGRATED}
            assert basis["invited"] == MIGRATED
            assert basis["mystery"] == UNPARSED

            # R3 from the migrated data: the failure annulled, the interview missed beside it stands
            mixed = s.get(Application, p["mixed"].id)
            selection.reinstate(s, mixed, author="board", actor="legal-team", published_at=clock.now(),
                                reason="upheld", source="P3/2022/0002")
            s.refresh(mixed)
            last = s.scalar(select(Decision).where(Decision.application_id == mixed.id).order_by(Decision.id.desc()))
            assert (mixed.status, last.kind, last.author.value, last.ground) == (
                Status.EXCLUDED, "excluded", "epso", "no_booking_or_absence")
            # the old bug's victim: the "failure" rested on the missing mark only; annulled, it waits
            victim = s.get(Application, p["old-bug"].id)
            selection.reinstate(s, victim, author="board", actor="legal-team", published_at=clock.now(),
                                reason="upheld", source="P3/2022/0003")
            s.refresh(victim)
            assert (victim.phase, victim.status) == ("assessment", Status.ACTIVE)
            # unreadable: refused, never guessed
            reworded = s.get(Application, p["wrong-min"].id)
            reworded.status = Status.ELIMINATED
            with pytest.raises(CompetitionError, match="its reason could not be read"):
                selection.reinstate(s, reworded, author="board", actor="legal-team", published_at=clock.now(),
                                    reason="upheld", source="P3/2022/0004")


def test_r3_0007_parses_the_old_texts_it_knows_and_nothing_else():
    m = _migration()
    phase = {"code": "tests", "pass_marks": [{"tests": ["numerical"], "min": 6, "eliminatory": True},
                                             {"tests": ["verbal", "abstract"], "min": 7.5}]}
    assert m.parse_failed("numerical = 2 < 6 required; verbal + abstract = 7.33 < 7.5 required", phase) == {
        "pass_marks_failed": [{"tests": ["numerical"], "min": "6", "eliminatory": True, "achieved": "2"},
                              {"tests": ["verbal", "abstract"], "min": "15/2", "eliminatory": False,
                               "achieved": "7.33"}], **MIGRATED}
    assert m.parse_failed("numerical = 2 < 6/10 required", phase)["pass_marks_failed"][0]["min"] == "6"
    for unreadable in ("numerical = 2 < 6 krævet", "abstract = 2 < 6 required",      # not a pass mark
                       "numerical = 2 < 5 required", "", None,
                       "numerical = 2 < 6 required; and something else"):
        assert m.parse_failed(unreadable, phase) is None
    assert m.parse_failed("numerical = 2 < 6 required", None) is None            # the phase is gone
    assert m.parse_absence("no mark for verbal, numerical, abstract (verbal + numerical + abstract >= 20)") == {
        "tests_missed": ["verbal", "numerical", "abstract"], **MIGRATED}
    assert m.parse_absence("absent from the verbal test") is None
    assert m.parse_eligibility(
        "(a) experience 65.71 months < 72 required (counted from 2016-09-30 to 2022-03-22), "
        "experience in the field 30 months < 36 required; (b) no diploma of level degree-3y or higher "
        "awarded by 2022-03-22 and recognised by a Member State (1 diploma(s) from outside the EU "
        "without recorded recognition)") == {"eligibility_failed": [
            {"alternative": "a", "condition": "experience", "required": "72", "counted": "65.71",
             "counted_from": "2016-09-30", "as_at": "2022-03-22"},
            {"alternative": "a", "condition": "field-experience", "required": "36", "counted": "30"},
            {"alternative": "b", "condition": "education", "min_education": "degree-3y", "subject": None,
             "unrecognised_diplomas": 1}], "as_at": "2022-03-22", **MIGRATED}
    assert m.parse_eligibility("(a) not enough") is None
    strict = m.parse_not_invited("not among the 3 best by field-mcq (cut-off 28, C7; a strict cap: the notice "
                                 "lets no tie at the cut-off go beyond it)", {"code": "marking-eligibility"})
    assert strict["invitation_cap"] == {"phase": "marking-eligibility", "ranking": "field-mcq", "cap": 3,
                                        "ties": False, "cutoff": "28"}
