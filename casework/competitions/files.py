"""Files in and out: notices (JSON), applications, question keys and results (CSV), and
exports of rankings, invitation lists and reserve lists (CSV, JSON). Formats: docs/competitions.md.

Imports are all or nothing: the first bad line stops the import with an :class:`ImportFileError`
naming the line and the column, and the caller rolls the whole file back.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .applications import file_application, register_candidate, validate_application
from .definition import LANGUAGES, SKILLS, DefinitionError, NoticeDefinition
from .errors import CompetitionError
from .models import Application, Candidate, Notice, Question
from .notices import definition
from .results import answer_key, record_mark, record_mcq, record_screener


class ImportFileError(ValueError):
    """A bad file: ``where`` is 'file.csv, line 7, column score'."""


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def fail(self, column: str, message: str) -> ImportFileError:
        return ImportFileError(f"line {self.line}, column {column}: {message}")


def read_csv(path: Path, required: Iterable[str]) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"cannot read {path}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(f"line 1: missing column(s) {', '.join(missing)}")
    rows = [Row(i, values) for i, values in enumerate(reader, start=2)]
    if not rows:
        raise ImportFileError("the file has no data rows")
    for row in rows:
        if None in row.values:
            raise ImportFileError(f"line {row.line}: more cells than columns")
    return rows


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})") from None


def import_notice(session: Session, path: Path, *, actor: str) -> Notice:
    from .notices import publish_notice
    try:
        return publish_notice(session, read_json(path), actor=actor)
    except DefinitionError as exc:
        raise ImportFileError(str(exc)) from None


# --- cells ---------------------------------------------------------------------------------

def _date(row: Row, column: str, text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise row.fail(column, f"{text!r} is not a date YYYY-MM-DD") from None


def _levels(row: Row) -> dict[str, dict[str, str]]:
    """'EN=C2/C2/C1/C2 FR=B2/B2/B2/B2' (speaking/writing/reading/listening)."""
    out = {}
    for item in row["levels"].split():
        lang, _, levels = item.partition("=")
        parts = levels.split("/")
        if lang not in LANGUAGES or len(parts) != len(SKILLS):
            raise row.fail("levels", f"{item!r} is not LANG=speaking/writing/reading/listening")
        out[lang] = dict(zip(SKILLS, parts))
    return out


DIPLOMA_FLAGS = {"outside-eu": ("outside_eu", True), "recognised": ("recognised", True)}


def _diplomas(row: Row, spec: NoticeDefinition) -> list[dict[str, Any]]:
    """'degree-4y:2010-06-30+ict doctorate:2015-01-31+outside-eu+recognised' (C5): flags are
    subject codes of the notice, ``outside-eu`` and ``recognised`` (by a Member State)."""
    out = []
    for item in row["diplomas"].split():
        level, _, rest = item.partition(":")
        awarded, *flags = rest.split("+")
        if level not in spec.education_levels:
            raise row.fail("diplomas", f"{item!r}: unknown education level {level!r} "
                           f"(known: {', '.join(spec.education_levels)})")
        entry: dict[str, Any] = {"level": level, "awarded_on": _date(row, "diplomas", awarded)}
        subjects = []
        for flag in flags:
            if flag in DIPLOMA_FLAGS:
                key, value = DIPLOMA_FLAGS[flag]
                entry[key] = value
            elif flag in spec.subjects:
                subjects.append(flag)
            else:
                raise row.fail("diplomas", f"{item!r}: unknown flag {flag!r} (known: "
                               f"{', '.join([*DIPLOMA_FLAGS, *spec.subjects])})")
        if subjects:
            entry["subjects"] = subjects
        out.append(entry)
    return out


EXPERIENCE_FLAGS = {"field": ("in_field", True), "unpaid": ("paid", False),
                    "other": ("relevant", False), "doctorate": ("kind", "doctorate"),
                    "traineeship": ("kind", "traineeship"),
                    "military": ("kind", "military_service"), "leave": ("kind", "parental_leave"),
                    "contract": ("under_contract", True), "volunteering": ("kind", "volunteering")}


def _experience(row: Row) -> list[dict[str, Any]]:
    """'2010-09-01/2016-08-31@0.5+field 2017-01-01/@1' (empty end: ongoing); C5 flags, and
    ``statutory=12`` for the statutory months of compulsory military service."""
    out = []
    for item in row["experience"].split():
        period, _, rest = item.partition("@")
        start, _, end = period.partition("/")
        fraction, *flags = rest.split("+") if rest else ["1"]
        entry: dict[str, Any] = {"start": _date(row, "experience", start),
                                 "end": _date(row, "experience", end) if end else None,
                                 "fraction": fraction or "1"}
        try:
            if not 0 < Decimal(entry["fraction"]) <= 1:
                raise InvalidOperation
        except InvalidOperation:
            raise row.fail("experience", f"{item!r}: the share of full time must be in (0, 1]") from None
        for flag in flags:
            if flag.startswith("statutory="):
                months = flag.partition("=")[2]
                if not months.isdigit():
                    raise row.fail("experience", f"{item!r}: statutory=MONTHS needs a whole number")
                entry["statutory_months"] = int(months)
                continue
            if flag not in EXPERIENCE_FLAGS:
                raise row.fail("experience", f"{item!r}: unknown flag {flag!r} "
                               f"(known: {', '.join(EXPERIENCE_FLAGS)}, statutory=MONTHS)")
            key, value = EXPERIENCE_FLAGS[flag]
            entry[key] = value
        if "statutory_months" in entry and entry.get("kind") != "military_service":
            raise row.fail("experience", f"{item!r}: statutory=MONTHS is for military service only")
        if entry.get("under_contract") and entry.get("kind") != "parental_leave":
            raise row.fail("experience", f"{item!r}: the flag contract is for leave only")
        if entry.get("kind") == "doctorate" and entry["end"]:
            entry["degree_awarded_on"] = entry["end"]
        out.append(entry)
    return out


def _yes(row: Row, column: str, default: bool) -> bool:
    value = row[column].lower()
    if not value:
        return default
    if value in ("yes", "no"):
        return value == "yes"
    raise row.fail(column, f"{row[column]!r}: expected yes or no")


def _decimal(row: Row, column: str) -> Decimal:
    try:
        value = Decimal(row[column])
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise row.fail(column, f"{row[column]!r} is not a number")
    return value


def _each(rows: list[Row], work: Callable[[Row], None],
          progress: Callable[[int], None] | None) -> int:
    for row in rows:
        try:
            work(row)
        except CompetitionError as exc:
            raise ImportFileError(f"line {row.line}: {exc}") from None
        if progress:
            progress(1)
    return len(rows)


# --- imports -------------------------------------------------------------------------------

APPLICATION_COLUMNS = ("application", "email", "identity_key", "surname", "given_names",
                       "correspondence_language", "field", "language_1", "language_2", "levels",
                       "diplomas", "experience", "publish_name", "validated")


def import_applications(session: Session, notice: Notice, path: Path, *, actor: str,
                        progress: Callable[[int], None] | None = None) -> int:
    rows = read_csv(path, APPLICATION_COLUMNS)
    codes = {f.code for f in notice.fields}
    spec = definition(notice.current)

    def one(row: Row) -> None:
        for column in ("application", "email", "identity_key", "surname", "field"):
            if not row[column]:
                raise row.fail(column, "is empty")
        if row["field"] not in codes:
            raise row.fail("field", f"{notice.reference} has no field {row['field']!r}")
        candidate = session.scalar(select(Candidate).where(Candidate.identity_key == row["identity_key"]))
        if candidate is None:
            candidate = register_candidate(session, email=row["email"], identity_key=row["identity_key"],
                                           surname=row["surname"], given_names=row["given_names"],
                                           correspondence_language=row["correspondence_language"] or row["language_2"])
        elif candidate.email != row["email"]:
            raise row.fail("email", "this identity holds an account under another e-mail address (C1)")
        application = file_application(
            session, candidate, notice, number=row["application"], field_code=row["field"],
            language_1=row["language_1"], language_2=row["language_2"], language_levels=_levels(row),
            profile=_profile(row, spec),
            publish_name=_yes(row, "publish_name", True))
        if _yes(row, "validated", False):
            validate_application(session, application, actor=actor)

    return _each(rows, one, progress)


def _profile(row: Row, spec: NoticeDefinition) -> dict[str, Any]:
    """C5: the declared profile; the optional column ``identity_valid_until`` is the validity of
    the identity document (002 1.3 a)."""
    profile: dict[str, Any] = {"diplomas": _diplomas(row, spec), "experience": _experience(row)}
    if row["identity_valid_until"]:
        profile["identity_document_valid_until"] = _date(row, "identity_valid_until",
                                                          row["identity_valid_until"])
    return profile


def import_questions(session: Session, notice: Notice, path: Path) -> int:
    """The answer key: test, question, correct, points."""
    rows = read_csv(path, ("test", "question", "correct", "points"))
    spec = definition(notice.current)

    def one(row: Row) -> None:
        try:
            _, test = spec.test(row["test"])
        except KeyError:
            raise row.fail("test", f"{notice.reference} has no test {row['test']!r}") from None
        if test.kind != "mcq":
            raise row.fail("test", f"{row['test']} is not a multiple-choice test")
        if not row["question"] or not row["correct"]:
            raise row.fail("question" if not row["question"] else "correct", "is empty")
        points = _decimal(row, "points") if row["points"] else Decimal(1)
        if points <= 0:
            raise row.fail("points", "must be more than 0")
        session.add(Question(notice_id=notice.id, test=row["test"], ref=row["question"],
                             correct=row["correct"], points=points, neutralised=False))

    count = _each(rows, one, None)
    session.flush()
    return count


RESULT_COLUMNS = ("application", "test", "value")


def import_results(session: Session, notice: Notice, path: Path, *,
                   progress: Callable[[int], None] | None = None) -> int:
    """Results as a test provider or the board delivers them, one test per line.

    ``value`` is a mark for a marked test; ``Q1=4 Q2=3`` for the screener; ``yes``/``no`` for
    ``documents``; for an MCQ the columns ``questions`` and ``answers`` (space-separated, aligned).
    """
    rows = read_csv(path, RESULT_COLUMNS)
    spec = definition(notice.current)
    keys: dict[str, dict] = {}
    apps = {a.number: a for a in session.scalars(select(Application).where(Application.notice_id == notice.id))}

    def one(row: Row) -> None:
        application = apps.get(row["application"])
        if application is None:
            raise row.fail("application", f"no application {row['application']!r} in {notice.reference}")
        test = row["test"]
        taken_on = date.fromisoformat(_date(row, "taken_on", row["taken_on"])) if row["taken_on"] else None
        if test == "documents":
            application.documents_supported = _yes(row, "value", False) if row["value"] else None
            return
        if test == "screener":
            marks = {}
            for item in row["value"].split():
                q, _, mark = item.partition("=")
                if not mark.isdigit():
                    raise row.fail("value", f"{item!r} is not QUESTION=MARK")
                marks[q] = int(mark)
            record_screener(session, application, marks, language=row["language"] or None)
            return
        try:
            _, test_spec = spec.test(test)
        except KeyError:
            raise row.fail("test", f"{notice.reference} has no test {test!r}") from None
        if test_spec.kind == "mcq":
            given, answers = row["questions"].split(), row["answers"].split()
            if not given or len(given) != len(answers):
                raise row.fail("answers", "questions and answers must be aligned lists of the same length")
            if test not in keys:
                keys[test] = answer_key(session, notice.id, test)
            record_mcq(session, application, test, given,
                       {q: a for q, a in zip(given, answers) if a != "-"}, taken_on, key=keys[test])
        else:
            record_mark(session, application, test, _decimal(row, "value"), taken_on)

    count = _each(rows, one, progress)
    session.flush()
    return count


# --- exports -------------------------------------------------------------------------------

def write_rows(rows: list[dict[str, Any]], fmt: str, out: io.TextIOBase) -> None:
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return
    if not rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

