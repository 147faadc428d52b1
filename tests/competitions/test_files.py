"""Imports through casework.competitions.files: notices (JSON), applications, answer keys and
results (CSV). A bad line is named with its line and column."""
from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from casework.competitions import files
from casework.competitions.models import ApplicationState, Question, Status

from . import factories as f

APP_HEADER = list(files.APPLICATION_COLUMNS)


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def application_row(number, *, field="1", diplomas="degree-3y:2020-06-30", experience="",
                    validated="yes", surname=None, publish="yes", language_2="FR"):
    return [number, f"{number.lower()}@example.eu", f"ID-{number}", surname or f"Name{number}", "Alex", "EN",
            field, "DE", language_2, f"DE=C2/C2/C2/C2 {language_2}=B2/B2/B2/B2", diplomas, experience,
            publish, validated]


# AD/402/23's tests: October 2023, after the application deadline (11 July 2023); results are
# imported once the clock is past them (AFTER_THE_TESTS)
TESTS_TAKEN_ON = "2023-10-02"
AFTER_THE_TESTS = datetime(2023, 10, 9, 9, tzinfo=UTC)


def mcq_keys(tmp_path):
    """AD/402/23 answer keys: every correct answer is 'A'."""
    rows = [(test, f"{test[:1].upper()}{i}", "A", "1")
            for test, n in (("numerical", 10), ("verbal", 20), ("abstract", 10), ("field-mcq", 30))
            for i in range(1, n + 1)]
    return write_csv(tmp_path / "keys.csv", ["test", "question", "correct", "points"], rows)


def mcq_row(number, test, n, right, taken_on=TESTS_TAKEN_ON):
    """``right`` correct answers out of ``n`` (the rest 'B', the last one unanswered '-'), taken on
    ``taken_on``: a day in the past of the clock that imports them (a later day is refused)."""
    refs = [f"{test[:1].upper()}{i}" for i in range(1, n + 1)]
    answers = ["A"] * right + ["B"] * (n - right)
    if right < n:
        answers[-1] = "-"
    return [number, test, "", " ".join(refs), " ".join(answers), taken_on]


RESULT_HEADER = ["application", "test", "value", "questions", "answers", "taken_on"]


def test_import_notice_json(session, tmp_path):
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(f.document(f.AST151)), encoding="utf-8")
    notice = files.import_notice(session, path, actor=f.ACTOR)
    assert (notice.reference, [x.code for x in notice.fields]) == ("EPSO/AST/151/22", ["1", "2", "3", "4"])


def test_import_notice_bad_json_names_line_and_column(session, tmp_path):
    path = tmp_path / "notice.json"
    path.write_text('{\n "reference": "X",\n "title": oops\n}', encoding="utf-8")
    with pytest.raises(files.ImportFileError, match=r"line 3, column 11: invalid JSON"):
        files.import_notice(session, path, actor=f.ACTOR)


def test_import_notice_bad_definition_names_the_path(session, tmp_path):
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(f.document(f.AD398, places={"3": 0})), encoding="utf-8")
    with pytest.raises(files.ImportFileError, match=r"^fields\[2\]\.places: must be a positive integer$"):
        files.import_notice(session, path, actor=f.ACTOR)


def test_import_applications_csv(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [
        application_row("A-1", experience="2020-09-01/2021-08-31@0.5+field 2021-09-01/@1"),
        application_row("A-2", field="2", validated="no", publish="no"),
    ])
    assert files.import_applications(session, notice, path, actor=f.ACTOR) == 2
    from casework.competitions.models import Application
    a1 = session.query(Application).filter_by(number="A-1").one()
    a2 = session.query(Application).filter_by(number="A-2").one()
    assert (a1.state, a1.field.code, a1.language_2, a1.publish_name) == (ApplicationState.VALIDATED, "1", "FR", True)
    assert a1.profile["experience"][0] == {"start": "2020-09-01", "end": "2021-08-31", "fraction": "0.5",
                                          "in_field": True}
    assert a1.profile["experience"][1]["end"] is None
    assert (a2.state, a2.field.code, a2.publish_name) == (ApplicationState.DRAFT, "2", False)


@pytest.mark.parametrize("row, message", [
    (application_row("A-2", diplomas="degree-3y:2020-13-01"),
     r"^line 3, column diplomas: '2020-13-01' is not a date YYYY-MM-DD$"),
    (application_row("A-2", field="7"), r"^line 3, column field: EPSO/AD/402/23 has no field '7'$"),
    (application_row("A-2", experience="2020-01-01/@1+volunteer"),
     r"^line 3, column experience: .*unknown flag 'volunteer'"),
    (application_row("A-2", publish="maybe"), r"^line 3, column publish_name: 'maybe': expected yes or no$"),
    (application_row("A-2", language_2="IT"), r"^line 3: language 2 IT is not allowed by the notice"),
])
def test_import_applications_bad_line_named(session, frozen, tmp_path, row, message):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1"), row])
    with pytest.raises(files.ImportFileError, match=message):
        files.import_applications(session, notice, path, actor=f.ACTOR)


def test_import_applications_missing_column(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER[:-1], [application_row("A-1")[:-1]])
    with pytest.raises(files.ImportFileError, match=r"^line 1: missing column\(s\) validated$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)


def test_import_keys_and_mcq_results_then_close_tests(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402, only_fields=("1",))
    write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1"), application_row("A-2")])
    files.import_applications(session, notice, tmp_path / "apps.csv", actor=f.ACTOR)
    assert files.import_questions(session, notice, mcq_keys(tmp_path)) == 70
    assert session.query(Question).filter_by(notice_id=notice.id, test="verbal").count() == 20
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    frozen.set(AFTER_THE_TESTS)
    rows = [mcq_row("A-1", "numerical", 10, 6), mcq_row("A-1", "verbal", 20, 8),
            mcq_row("A-1", "abstract", 10, 7), mcq_row("A-1", "field-mcq", 30, 20),
            mcq_row("A-2", "numerical", 10, 5), mcq_row("A-2", "verbal", 20, 15),
            mcq_row("A-2", "abstract", 10, 10), mcq_row("A-2", "field-mcq", 30, 20)]
    assert files.import_results(session, notice, write_csv(tmp_path / "r.csv", RESULT_HEADER, rows)) == 8
    from casework.competitions.models import Application
    a1 = session.query(Application).filter_by(number="A-1").one()
    a2 = session.query(Application).filter_by(number="A-2").one()
    numerical = f.score_row(session, a1, "numerical")
    assert numerical.score == Decimal(6) and numerical.taken_on.isoformat() == TESTS_TAKEN_ON
    assert "N10" not in numerical.detail["answers"]          # '-': not answered
    f.close(session, notice, "tests")
    f.refresh(session, a1, a2)
    assert (a1.phase, a1.status) == ("marking-eligibility", Status.ACTIVE)     # 6 and 8 + 7 = 15
    assert (a2.phase, a2.status) == ("tests", Status.ELIMINATED)              # 5 and 25


@pytest.mark.parametrize("row, message", [
    (["NOPE", "numerical", "", "N1", "A", ""], r"^line 3, column application: no application 'NOPE'"),
    (["A-1", "case-study", "11", "", "", ""], r"^line 3: case-study: mark 11 outside 0–10$"),
    (["A-1", "case-study", "seven", "", "", ""], r"^line 3, column value: 'seven' is not a number$"),
    (["A-1", "case-study", "NaN", "", "", ""], r"^line 3, column value: 'NaN' is not a number$"),
    (["A-1", "numerical", "", "N1 N2", "A", ""], r"^line 3, column answers: questions and answers must be aligned"),
    (["A-1", "numerical", "", "N1 N99", "A A", ""], r"^line 3: numerical: unknown question\(s\) N99$"),
    (["A-1", "interview", "50", "", "", ""], r"^line 3, column test: EPSO/AD/402/23 has no test 'interview'$"),
    (["A-1", "numerical", "", "N1", "A", "2024-02-30"], r"^line 3, column taken_on: '2024-02-30' is not a date"),
])
def test_import_results_bad_line_named(session, frozen, tmp_path, row, message):
    notice = f.publish(session, f.AD402, only_fields=("1",))
    write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1")])
    files.import_applications(session, notice, tmp_path / "apps.csv", actor=f.ACTOR)
    files.import_questions(session, notice, mcq_keys(tmp_path))
    frozen.set(AFTER_THE_TESTS)
    path = write_csv(tmp_path / "r.csv", RESULT_HEADER, [mcq_row("A-1", "verbal", 20, 10), row])
    with pytest.raises(files.ImportFileError, match=message):
        files.import_results(session, notice, path)


def test_import_screener_and_documents_results(session, frozen, tmp_path):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    rows = [[a.number, "screener", "Q1=4 Q2=3 Q3=0 Q4=2 Q5=1 Q6=4", "", "", ""],
            [a.number, "documents", "no", "", "", ""]]
    files.import_results(session, notice, write_csv(tmp_path / "r.csv", RESULT_HEADER, rows))
    session.refresh(a)
    assert f.score_row(session, a, "screener").score == 31
    assert a.documents_supported is False
    bad = write_csv(tmp_path / "bad.csv", RESULT_HEADER, [[a.number, "screener", "Q1=9 Q2=3 Q3=0 Q4=2 Q5=1 Q6=4", "", "", ""]])
    with pytest.raises(files.ImportFileError, match=r"^line 2: application .*mark for question Q1 must be 0-4"):
        files.import_results(session, notice, bad)
