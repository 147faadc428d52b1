"""C5, C14 eligibility at a phase closure and who decides it (R2); C15 absence and the
force-majeure claim (R3); C12 the request not to publish the name; C13 the competency passport;
C4 the talent screener's language; the import formats for all of it."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from casework.audit import AuditEvent
from casework.competitions import applications as apps
from casework.competitions import claims, files, results, selection
from casework.competitions.definition import DefinitionError, parse_definition
from casework.competitions.errors import CompetitionError
from casework.competitions.models import Application, ScoreState, Status
from casework.competitions.notices import amend_notice, definition
from casework.competitions.queries import candidate_results

from . import factories as f
from .test_files import APP_HEADER, RESULT_HEADER, application_row, write_csv

# --- C5 / R2: who decides eligibility is data of the notice ---------------------------------

def test_c5_r2_ad398_expired_identity_document_is_a_general_condition_decided_by_epso(session, frozen):
    expired = f.profile(identity_document_valid_until="2022-03-21")      # the day before 22.3.2022
    valid = f.profile(identity_document_valid_until="2022-03-22")
    _, [out, ok] = f.through_eligibility(session, frozen, expired, valid)
    assert (out.phase, out.status) == ("eligibility", Status.EXCLUDED)
    d = f.last_decision(session, out)
    assert (d.author.value, d.ground, d.admits) == ("epso", "general_eligibility", None)
    assert d.reason == ("the identity document expired on 2022-03-21, before the application "
                        "deadline (2022-03-22)")
    assert (ok.phase, ok.status) == ("screener", Status.ACTIVE)


def test_c5_r2_ad398_specific_conditions_decided_by_the_board(session, frozen):
    _, [law] = f.through_eligibility(session, frozen, f.profile(subjects=["law"]))
    d = f.last_decision(session, law)
    assert (d.author.value, d.ground) == ("board", "specific_eligibility")
    assert d.reason.startswith("(a) no diploma of level degree-4y or higher in subject ict")


def test_c5_both_failed_the_general_ground_with_every_reason(session, frozen):
    _, [a] = f.through_eligibility(session, frozen, f.profile(subjects=[], identity_document_valid_until="2020-01-01"))
    d = f.last_decision(session, a)
    assert (d.author.value, d.ground) == ("epso", "general_eligibility")
    assert "identity document expired on 2020-01-01" in d.reason and "(b) no diploma" in d.reason


def test_c5_military_service_and_contract_leave_counted_at_the_phase(session, frozen):
    # degree 30.9.2016; service 1.9.2015-31.8.2016 (12 months, paid or not); ICT job in the field
    # from 1.10.2016 with 6 months of parental leave under that contract: 12 + 65 22/31 months.
    profile = f.profile("degree-4y", "2016-09-30",
                        f.job("2015-09-01", "2016-08-31", in_field=False, kind="military_service", paid=False),
                        f.job("2016-10-01", "2019-12-31"),
                        f.job("2020-01-01", "2020-06-30", kind="parental_leave", under_contract=True,
                              paid=False),
                        f.job("2020-07-01"))
    without_service = {**profile, "experience": profile["experience"][1:]}
    _, [ok, short] = f.through_eligibility(session, frozen, profile, without_service)
    assert (ok.phase, ok.status) == ("screener", Status.ACTIVE)
    assert (short.phase, short.status) == ("eligibility", Status.EXCLUDED)
    assert "(a) experience 65.71 months < 72 required" in f.last_decision(session, short).reason


def test_c5_r2_ad402_board_decides_all_eligibility_conditions(session, frozen):
    """004 4.3.3 b: at the marking and eligibility phase the board decides section 3 as a whole,
    the identity document too, so a review goes to the board (R1)."""
    frozen.set(datetime(2024, 6, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402_AMENDMENT, only_fields=("1",), places={"1": 2})
    expired = f.apply(session, notice, language_1="DE", language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                      profile=f.profile("degree-3y", "2020-06-30", identity_document_valid_until="2024-07-01"))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    f.marks(session, expired, numerical=8, verbal=10, abstract=10, field_mcq=25)
    f.close(session, notice, "tests")
    f.marks(session, expired, written=7)
    f.close(session, notice, "marking-eligibility")
    f.refresh(session, expired)
    d = f.last_decision(session, expired)
    assert (expired.status, d.phase, d.ground, d.author.value) == (
        Status.EXCLUDED, "marking-eligibility", "general_eligibility", "board")


# --- C14: eligibility at the new deadline ---------------------------------------------------

def test_c14_eligibility_judged_at_the_deadline_of_the_amendment(session, frozen):
    """AD/402/23: applied before the original deadline (11.7.2023) with an identity document
    valid until 31.1.2024; the amendment moves the deadline to 9.7.2024 (004): the document has
    expired by then. A newcomer whose degree came on 30.6.2024 is eligible at the new one."""
    frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402, only_fields=("1",), places={"1": 10})
    kw = {"language_1": "DE", "language_2": "FR", "levels": f.levels(DE="C2", FR="B2")}
    early = f.apply(session, notice, profile=f.profile("degree-3y", "2020-06-30",
                                                       identity_document_valid_until="2024-01-31"), **kw)
    frozen.set(datetime(2024, 5, 28, 10, tzinfo=UTC))
    amend_notice(session, f.document(f.AD402_AMENDMENT, only_fields=("1",), places={"1": 10}), actor=f.ACTOR,
                 reason="C/2024/3223", published_on=date(2024, 5, 28), reopens_applications=True)
    apps.validate_application(session, early, actor=f.ACTOR)                 # revalidated (C14)
    newcomer = f.apply(session, notice, profile=f.profile("degree-3y", "2024-06-30"), **kw)
    f.after_deadline(frozen, notice)
    assert definition(notice.current).application_deadline.date() == date(2024, 7, 9)
    f.close(session, notice, "application")
    for a in (early, newcomer):
        f.marks(session, a, numerical=8, verbal=10, abstract=10, field_mcq=25)
    f.close(session, notice, "tests")
    for a in (early, newcomer):
        f.marks(session, a, written=7)
    f.close(session, notice, "marking-eligibility")
    f.refresh(session, early, newcomer)
    assert early.status is Status.EXCLUDED
    assert "before the application deadline (2024-07-09)" in f.last_decision(session, early).reason
    assert (newcomer.phase, newcomer.status) == ("reserve-list", Status.ACTIVE)


# --- C15: absence and the force-majeure claim -----------------------------------------------

def _absent_from_interview(session, frozen, places=10):
    """AD/398/22: passed the eliminatory reasoning tests, competencies marked, no interview mark."""
    notice = f.publish(session, only_fields=("1",), places={"1": places})
    [a, other] = f.scored_through_screener(session, notice, frozen, [40, 40])
    f.marks(session, a, verbal=14, numerical=7, abstract=7, competencies=60)
    f.assessment(session, other, competencies=60, interview=70)
    f.close(session, notice, "assessment")
    f.refresh(session, a, other)
    return notice, a, other


def test_c15_no_mark_for_a_later_non_eliminatory_test_is_an_absence_decided_by_epso(session, frozen):
    _, a, other = _absent_from_interview(session, frozen)
    assert (a.phase, a.status) == ("assessment", Status.EXCLUDED)        # not "eliminated" by the board
    d = f.last_decision(session, a)
    assert (d.kind, d.author.value, d.ground, d.admits) == (
        "excluded", "epso", "no_booking_or_absence", "force-majeure")
    assert d.reason.startswith("no mark for interview: the test was not booked or not taken")
    assert (other.phase, other.status) == ("document-check", Status.ACTIVE)


def test_c15_a_real_failure_still_decides_over_a_missing_later_mark(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, verbal=14, numerical=7, abstract=7, competencies=30)   # 30 < 40/80, no interview
    f.close(session, notice, "assessment")
    session.refresh(a)
    d = f.last_decision(session, a)
    assert (a.status, d.kind, d.author.value, d.ground) == (Status.ELIMINATED, "failed", "board", None)


def test_c15_force_majeure_accepted_reinstates_at_the_stage_with_an_audit_row(session, frozen):
    _, a, _ = _absent_from_interview(session, frozen, places=1)
    exclusion = f.last_decision(session, a)
    assert claims.open_force_majeure_claim(session, a).id == exclusion.id
    d = claims.decide_force_majeure(session, a, accepted=True, actor="epso-officer",
                                    published_at=frozen.now(), reason="hospitalised on the day of the interview")
    session.refresh(a)
    assert (d.kind, d.author.value, d.phase, d.source) == (
        "reinstatement", "epso", "assessment", f"force-majeure:{exclusion.id}")
    assert (a.phase, a.status, a.reinstated) == ("assessment", Status.ACTIVE, True)  # waits for a new slot
    audit = session.query(AuditEvent).filter_by(entity="application", entity_id=a.id, action="reinstate").one()
    assert audit.changes["source"] == f"force-majeure:{exclusion.id}"
    assert claims.open_force_majeure_claim(session, a) is None
    # the interview taken at a new slot: carried through beyond the one place (R3)
    f.marks(session, a, interview=65)
    selection.catch_up(session, a, actor="epso", published_at=frozen.now(), source=d.source)
    session.refresh(a)
    assert (a.phase, a.status) == ("document-check", Status.ACTIVE)


def test_c15_force_majeure_refused_the_exclusion_stands_and_is_decided_once(session, frozen):
    _, a, _ = _absent_from_interview(session, frozen)
    exclusion = f.last_decision(session, a)
    d = claims.decide_force_majeure(session, a, accepted=False, actor="epso-officer",
                                    published_at=frozen.now(), reason="no evidence of the circumstances")
    session.refresh(a)
    assert (a.status, d.kind, d.author.value, d.ground, d.phase) == (
        Status.EXCLUDED, "force-majeure-refused", "epso", "no_booking_or_absence", "assessment")
    assert d.reason.endswith("no evidence of the circumstances")
    assert session.query(AuditEvent).filter_by(entity_id=a.id, action="force-majeure-refused").count() == 1
    with pytest.raises(CompetitionError, match="no exclusion open to a force-majeure claim"):
        claims.decide_force_majeure(session, a, accepted=True, actor="x", published_at=frozen.now(),
                                    reason="again")
    assert exclusion.id != d.id


def test_c15_r1_only_the_body_that_excluded_decides_the_claim(session, frozen):
    _, a, _ = _absent_from_interview(session, frozen)
    with pytest.raises(CompetitionError, match="epso decides on the force-majeure claim, not board"):
        claims.decide_force_majeure(session, a, accepted=True, actor="x", published_at=frozen.now(),
                                    reason="r", author="board")


def test_c15_other_exclusions_admit_no_force_majeure_claim(session, frozen):
    _, [a] = f.through_eligibility(session, frozen, f.profile(subjects=["law"]))
    with pytest.raises(CompetitionError, match="no exclusion open to a force-majeure claim"):
        claims.decide_force_majeure(session, a, accepted=True, actor="x", published_at=frozen.now(), reason="r")


# --- C13: no competency passport for an excluded candidate ----------------------------------

def test_c13_competency_passport_only_for_candidates_not_excluded(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 1})
    people = f.at_document_check(session, notice, frozen, [150, 140])
    top, second = people
    top.documents_supported, second.documents_supported = False, True   # top excluded (C11)
    session.flush()
    f.close(session, notice, "document-check")
    f.refresh(session, top, second)
    assert top.status is Status.EXCLUDED
    shown = candidate_results(session, top)
    assert "competency_passport" not in shown
    assert {t["test"] for t in shown["tests"]} == {"verbal", "numerical", "abstract"}
    passport = candidate_results(session, second)["competency_passport"]
    assert [p["test"] for p in passport] == [f"competency-{i}" for i in range(1, 9)] + ["interview"]
    assert sum(int(float(p["score"])) for p in passport) == 140


# --- C12: the request not to publish the name -----------------------------------------------

def test_c12_name_request_within_two_weeks_of_the_results_withholds_the_name(session, frozen):
    _, [a, b] = f.reserve_list_published(session, frozen, [150, 140])
    # the listed decision (R2) was published on Tuesday 22 March 2022 (the frozen clock); 2 weeks
    # (002 fn 18) = 14 calendar days from the day after: last day Tuesday 5 April 2022, to 24:00
    # Brussels (CEST), i.e. 22:00 UTC (D1, D4)
    assert f.last_decision(session, a).published_at.astimezone(UTC).date() == date(2022, 3, 22)
    deadline = claims.name_withholding_deadline(session, a)
    assert deadline == datetime(2022, 4, 5, 22, 0, tzinfo=UTC)
    frozen.set(datetime(2022, 4, 8, 9, tzinfo=UTC))          # the requests are recorded once received
    request = claims.withhold_name(session, a, received_at=deadline, actor="epso")
    assert (request.late, request.applied, a.publish_name) == (False, True, False)
    late = claims.withhold_name(session, b, received_at=deadline + timedelta(seconds=1), actor="epso")
    assert (late.late, late.applied, b.publish_name) == (True, False, True)
    event = session.query(AuditEvent).filter_by(entity_id=b.id, action="name-withholding-request").one()
    assert event.changes["late"] is True and event.changes["applied"] is False
    accepted = claims.withhold_name(session, b, received_at=deadline + timedelta(days=1), actor="epso",
                                    accept_late=True, reason="the account was unreachable")
    assert (accepted.applied, b.publish_name) == (True, False)


def test_c12_name_request_time_limit_is_rule_set_data(session, frozen):
    doc = f.document(f.AD398, only_fields=("1",), places={"1": 2})
    doc["rule_set"]["overrides"]["name-withholding"]["period"] = "7cd"
    notice = f.publish(session, rule_set=doc["rule_set"], only_fields=("1",), places={"1": 2})
    people = f.at_document_check(session, notice, frozen, [150])
    people[0].documents_supported = True
    session.flush()
    f.close(session, notice, "document-check", "reserve-list")
    session.refresh(people[0])
    # published 22 March 2022: 7 calendar days -> Tuesday 29 March, 24:00 Brussels (CEST)
    assert claims.name_withholding_deadline(session, people[0]) == datetime(2022, 3, 29, 22, 0, tzinfo=UTC)


def test_c12_name_request_before_the_results_is_in_time(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    request = claims.withhold_name(session, a, received_at=frozen.now(), actor="epso")
    assert (request.deadline, request.late, a.publish_name) == (None, False, False)


# --- C4: the talent screener in language 2 --------------------------------------------------

def test_c4_screener_is_filled_in_language_2(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)                                       # DE / EN
    assert definition(notice.current).screener_language == "2"
    marks = f.screener_marks(notice, "1", 30)
    with pytest.raises(CompetitionError, match=r"filled in language 2 \(EN\), not DE \(C4\)"):
        results.record_screener(session, a, marks, language="DE")
    results.record_screener(session, a, marks, language="EN")
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility", "screener")
    assert candidate_results(session, a)["screener"]["language"] == "EN"


# --- notice JSON and import formats ---------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    (lambda d: d["fields"][0]["eligibility"][0].update(subject="law"), r"^fields\[0\]\.eligibility\[0\]\.subject: unknown subject 'law'"),
    (lambda d: d.update(deciding_bodies={"general_eligibility": "court"}), r'^deciding_bodies\.general_eligibility: must be "epso" or "board"$'),
    (lambda d: d.update(deciding_bodies={"eligibility": "board"}), r"^deciding_bodies\.eligibility: unknown exclusion ground"),
    (lambda d: d.update(eligibility_rules={"volunteering_min_fraction": 2}), r"^eligibility_rules\.volunteering_min_fraction: must be a share"),
    (lambda d: d.update(eligibility_rules={"recognition": "some"}), r"^eligibility_rules\.recognition: must be one of"),
    (lambda d: d.update(eligibility_rules={"military": True}), r"^eligibility_rules\.military: unknown eligibility rule$"),
    (lambda d: d["phases"][3]["invitation_cap"].update(ties="yes"), r"^phases\[3\]\.invitation_cap\.ties: has the wrong type"),
    (lambda d: d.update(screener_language="3"), r'^screener_language: must be "1" or "2"$'),
])
def test_c5_c7_notice_definition_errors_name_the_path(change, message):
    doc = f.document(f.AD398)
    change(doc)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(doc)


def test_c5_import_applications_reads_subjects_recognition_leave_service_and_identity(session, frozen, tmp_path):
    notice = f.publish(session, only_fields=("1",))
    header = [*APP_HEADER, "identity_valid_until"]
    row = application_row("A-1", diplomas="degree-4y:2010-06-30+ict+outside-eu+recognised",
                          experience="2008-01-01/2008-12-31@1+military+statutory=9 "
                                     "2011-01-01/2011-06-30@1+leave+contract 2011-07-01/@1+field "
                                     "2012-01-01/2012-03-31@1+volunteering",
                          language_2="EN")
    path = write_csv(tmp_path / "apps.csv", header, [[*row, "2030-01-31"]])
    files.import_applications(session, notice, path, actor=f.ACTOR)
    a = session.query(Application).filter_by(number="A-1").one()
    assert a.profile["diplomas"] == [{"level": "degree-4y", "awarded_on": "2010-06-30", "subjects": ["ict"],
                                      "outside_eu": True, "recognised": True}]
    kinds = [(e.get("kind"), e.get("statutory_months"), e.get("under_contract")) for e in a.profile["experience"]]
    assert kinds == [("military_service", 9, None), ("parental_leave", None, True), (None, None, None),
                     ("volunteering", None, None)]
    assert a.profile["identity_document_valid_until"] == "2030-01-31"


@pytest.mark.parametrize("diplomas, experience, message", [
    ("degree-4y:2010-06-30+law", "", r"^line 2, column diplomas: 'degree-4y:2010-06-30\+law': unknown flag 'law' \(known: outside-eu, recognised, ict\)$"),
    ("master:2010-06-30", "", r"^line 2, column diplomas: 'master:2010-06-30': unknown education level 'master'"),
    ("degree-4y:2010-06-30", "2011-01-01/@1+statutory=x", r"statutory=MONTHS needs a whole number"),
    ("degree-4y:2010-06-30", "2011-01-01/@1+statutory=12", r"statutory=MONTHS is for military service only"),
    ("degree-4y:2010-06-30", "2011-01-01/@1+contract", r"the flag contract is for leave only"),
])
def test_c5_import_applications_bad_eligibility_cells_named(session, frozen, tmp_path, diplomas, experience, message):
    notice = f.publish(session, only_fields=("1",))
    path = write_csv(tmp_path / "apps.csv", APP_HEADER,
                     [application_row("A-1", diplomas=diplomas, experience=experience, language_2="EN")])
    with pytest.raises(files.ImportFileError, match=message):
        files.import_applications(session, notice, path, actor=f.ACTOR)


def test_c4_import_results_screener_language_checked(session, frozen, tmp_path):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    header = [*RESULT_HEADER, "language"]
    bad = write_csv(tmp_path / "r.csv", header, [[a.number, "screener", "Q1=4 Q2=3 Q3=0 Q4=2 Q5=1 Q6=4", "", "", "", "DE"]])
    with pytest.raises(files.ImportFileError, match=r"^line 2: .*not DE \(C4\)$"):
        files.import_results(session, notice, bad)
    ok = write_csv(tmp_path / "ok.csv", header, [[a.number, "screener", "Q1=4 Q2=3 Q3=0 Q4=2 Q5=1 Q6=4", "", "", "", "EN"]])
    assert files.import_results(session, notice, ok) == 1
    assert f.score_row(session, a, "screener").state is ScoreState.RECORDED


def test_c5_demo_notices_parse_with_their_eligibility_data():
    from tests.conftest import NOTICES
    for path in sorted(NOTICES.glob("*.json")):
        spec = parse_definition(json.loads(path.read_text(encoding="utf-8")))
        for field in spec.fields:
            for alt in field.eligibility:
                assert alt.subject is None or alt.subject in spec.subjects
