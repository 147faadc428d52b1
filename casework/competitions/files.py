"""Files in and out: notices (JSON), applications, question keys and results (CSV), and
exports of rankings, invitation lists and reserve lists (CSV, JSON). Formats: docs/competitions.md.

Imports are all or nothing: the first bad line stops the import with an :class:`ImportFileError`
naming the line and the column, and the caller rolls the whole file back. A file is refused
before any line is read when it is not what the formats say: larger than the bound, not UTF-8
(a latin-1, cp1250 or UTF-16 export), a NUL byte (PostgreSQL stores no NUL), control characters
or bidirectional overrides in a cell, columns the format does not know. Messages name the place
(line, column), never the personal data in it.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from .applications import (
    file_application,
    register_candidate,
    validate_application,
    validation_instant_problem,
)
from .definition import (
    CEFR,
    CODE_PATTERN,
    EARLIEST_YEAR,
    LANGUAGES,
    LATEST_YEAR,
    SKILLS,
    DefinitionError,
    NoticeDefinition,
    control_character,
    cut,
)
from .errors import CompetitionError
from .models import Application, Candidate, Notice, Question
from .notices import definition
from .results import answer_key, record_mark, record_mcq, record_screener

MAX_CSV_BYTES = 256 * 2**20     # 256 MiB: every application of several years of competitions
MAX_JSON_BYTES = 4 * 2**20      # 4 MiB: a notice is a few tens of kilobytes
MAX_CELL = 10_000               # characters in one CSV cell
EARLIEST_CSV_YEAR = 1900        # dates in the CSV files (diplomas, experience, tests)
UTF8 = "the file must be encoded in UTF-8 (export it as 'CSV UTF-8')"
UTF8_JSON = "the file must be encoded in UTF-8 (save the JSON file as UTF-8)"


class ImportFileError(ValueError):
    """A bad file: the message names the place ('line 7, column score: ...'); ``line`` and
    ``column`` give it to a caller that wants it as data."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        super().__init__(message)
        self.line, self.column = line, column


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def fail(self, column: str, message: str) -> ImportFileError:
        return ImportFileError(f"line {self.line}, column {column}: {message}",
                               line=self.line, column=column)


# --- reading files -------------------------------------------------------------------------

def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ImportFileError(f"{path.name}: larger than {limit // 2**20} MiB, refused")
    return data


def _line_of(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of a byte offset, both from 1 (the column counts bytes)."""
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def decode_utf8(data: bytes, advice: str = UTF8) -> str:
    """The text of a file that must be UTF-8 (a UTF-8 byte-order mark is accepted); anything
    else is refused naming the line: UTF-16/32 (byte-order mark or NUL bytes between the
    characters), a NUL byte, bytes that are not UTF-8 (latin-1, cp1250). ``advice``: how to
    save the file as UTF-8 (a CSV export by default; :data:`UTF8_JSON` for a JSON file)."""
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            raise ImportFileError(f"line 1: the file is {name}: {advice}", line=1)
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _line_of(data, nul)
        head = data[:200]
        if head.count(b"\0") * 4 >= len(head):
            raise ImportFileError(f"line {line}: NUL bytes between the characters: the file looks "
                                  f"like UTF-16; {advice}", line=line)
        raise ImportFileError(f"line {line}: a NUL byte at byte {column} of the line: not allowed "
                              "in a text file", line=line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_of(data, exc.start)
        raise ImportFileError(f"line {line}: not UTF-8 at byte {column} of the line (a latin-1, "
                              f"cp1250 or other Windows export?); {advice}", line=line) from None


def count_lines(path: Path) -> int:
    """The number of lines of a file, whatever its encoding (for a progress bar: never fails
    on a file that the import itself will refuse with a clear message)."""
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0


def read_csv(path: Path, required: Iterable[str], optional: Iterable[str] = ()) -> list[Row]:
    """The data rows of a CSV file with a header line: the ``required`` columns, any of the
    ``optional`` ones, no other, each once. Every cell is checked (length, control characters)."""
    text = decode_utf8(_read_bytes(path, MAX_CSV_BYTES))
    required, optional = tuple(required), tuple(optional)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[Row] = []
    consumed = 0
    try:
        for record in reader:
            line, consumed = consumed + 1, reader.line_num
            if not record:
                continue                                # a blank line
            if header is None:
                header = _header(record, line, required, optional)
                continue
            if len(record) > len(header):
                raise ImportFileError(f"line {line}: more cells than columns", line=line)
            values = dict(zip(header, record))
            for column, value in values.items():
                _check_cell(line, column, value)
            rows.append(Row(line, values))
    except csv.Error as exc:
        raise ImportFileError(f"line {consumed + 1}: not a CSV line ({exc})", line=consumed + 1) from None
    if header is None:
        raise ImportFileError(f"line 1: missing column(s) {', '.join(required)}", line=1)
    if not rows:
        raise ImportFileError("the file has no data rows")
    return rows


def _header(record: list[str], line: int, required: tuple[str, ...], optional: tuple[str, ...]) -> list[str]:
    names = [name.strip() for name in record]
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:]
    for name in names:
        if len(name) > 100 or control_character(name):
            raise ImportFileError(f"line {line}: a column name is too long or holds control "
                                  "characters", line=line)
    missing = [c for c in required if c not in names]
    if missing:
        raise ImportFileError(f"line {line}: missing column(s) {', '.join(missing)}", line=line)
    unknown = [n for n in names if n not in required and n not in optional]
    if unknown:
        raise ImportFileError(f"line {line}: unknown column {cut(repr(unknown[0]), 60)} (known: "
                              f"{', '.join((*required, *optional))})", line=line, column=unknown[0])
    twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if twice is not None:
        raise ImportFileError(f"line {line}: the column {twice} appears twice", line=line, column=twice)
    return names


def _check_cell(line: int, column: str, value: str) -> None:
    if len(value) > MAX_CELL:
        raise ImportFileError(f"line {line}, column {column}: longer than {MAX_CELL} characters",
                              line=line, column=column)
    bad = control_character(value)
    if bad in ("U+000A", "U+000D"):
        raise ImportFileError(f"line {line}, column {column}: a line break inside the cell (a quote "
                              "not closed?) is not allowed", line=line, column=column)
    if bad:
        raise ImportFileError(f"line {line}, column {column}: a control character ({bad}) is not "
                              "allowed", line=line, column=column)


class _JsonRefusal(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonRefusal(f"the key {cut(repr(key), 60)} appears twice in an object")
        out[key] = value
    return out


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 30:
        raise _JsonRefusal("a number with more than 30 digits")
    return int(text)


def read_json(path: Path) -> Any:
    """A JSON document (a notice, an administrator's calendar year): UTF-8, at most
    ``MAX_JSON_BYTES``, no key twice in an object, no number of more than 30 digits; nesting too
    deep for the parser is refused in one line (the caller checks the shape: parse_definition
    bounds the depth and checks every value, CalendarYear.from_dict the keys and types)."""
    text = decode_utf8(_read_bytes(path, MAX_JSON_BYTES), UTF8_JSON)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})",
                              line=exc.lineno) from None
    except _JsonRefusal as exc:
        raise ImportFileError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ImportFileError("invalid JSON: nested too deeply (a notice or a calendar is a few levels "
                              "deep)") from None
    except ValueError as exc:
        raise ImportFileError(f"invalid JSON: {cut(str(exc))}") from None


def import_notice(session: Session, path: Path, *, actor: str) -> Notice:
    from .notices import publish_notice
    try:
        return publish_notice(session, read_json(path), actor=actor)
    except DefinitionError as exc:
        raise ImportFileError(str(exc)) from None


# --- cells ---------------------------------------------------------------------------------

def _day(row: Row, column: str, text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise row.fail(column, f"{cut(repr(text), 40)} is not a date YYYY-MM-DD") from None
    if not EARLIEST_CSV_YEAR <= day.year <= LATEST_YEAR:
        raise row.fail(column, f"{text!r}: the year must be between {EARLIEST_CSV_YEAR} and {LATEST_YEAR}")
    return day


def _date(row: Row, column: str, text: str) -> str:
    return _day(row, column, text).isoformat()


def _past(row: Row, column: str, item: str, day: date, what: str) -> None:
    """``what`` must have happened by now (a diploma awarded, experience gained)."""
    if day > clock.today_brussels():
        raise row.fail(column, f"{cut(repr(item), 60)}: {what} is in the future")


def _text(row: Row, column: str, most: int) -> str:
    value = row[column]
    if len(value) > most:
        raise row.fail(column, f"longer than {most} characters")
    return value


# One '@', a local part, a domain with a dot, no spaces, at most 254 characters: a sound check,
# not RFC 5322 (the account system has verified the address; this catches what is not one).
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.][^@\s]*\.[^@\s.]+")


def _email(row: Row) -> str:
    value = row["email"]
    if len(value) > 254 or not _EMAIL.fullmatch(value) or ".." in value.partition("@")[2]:
        raise row.fail("email", "not an e-mail address")
    return value


def _language(row: Row, column: str, *, required: bool) -> str:
    value = row[column]
    if not value and not required:
        return value
    if value not in LANGUAGES:
        raise row.fail(column, f"unknown language {cut(repr(value), 20)} (the 24 official "
                       f"languages: {' '.join(LANGUAGES)}, C4)")
    return value


def _levels(row: Row) -> dict[str, dict[str, str]]:
    """'EN=C2/C2/C1/C2 FR=B2/B2/B2/B2' (speaking/writing/reading/listening)."""
    out = {}
    for item in row["levels"].split():
        lang, _, levels = item.partition("=")
        parts = levels.split("/")
        if lang not in LANGUAGES or len(parts) != len(SKILLS):
            raise row.fail("levels", f"{cut(repr(item), 40)} is not LANG=speaking/writing/reading/listening")
        if any(part not in CEFR for part in parts):
            raise row.fail("levels", f"{cut(repr(item), 40)}: levels are CEFR levels ({', '.join(CEFR)})")
        if lang in out:
            raise row.fail("levels", f"{lang} is given twice")
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
            raise row.fail("diplomas", f"{cut(repr(item), 60)}: unknown education level "
                           f"{cut(repr(level), 30)} (known: {', '.join(spec.education_levels)})")
        day = _day(row, "diplomas", awarded)
        _past(row, "diplomas", item, day, "the award")
        entry: dict[str, Any] = {"level": level, "awarded_on": day.isoformat()}
        subjects = []
        for flag in flags:
            if flag in DIPLOMA_FLAGS:
                key, value = DIPLOMA_FLAGS[flag]
                entry[key] = value
            elif flag in spec.subjects:
                subjects.append(flag)
            else:
                raise row.fail("diplomas", f"{item!r}: unknown flag {cut(repr(flag), 30)} (known: "
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
_SHARE = re.compile(r"(?:0|1)(?:\.[0-9]{1,4})?|\.[0-9]{1,4}")
_MONTHS = re.compile(r"[0-9]{1,3}")


def _experience(row: Row) -> list[dict[str, Any]]:
    """'2010-09-01/2016-08-31@0.5+field 2017-01-01/@1' (empty end: ongoing); C5 flags, and
    ``statutory=12`` for the statutory months of compulsory military service. A period starts
    and ends in the past (an ongoing one has no end) and does not end before it starts."""
    out = []
    for item in row["experience"].split():
        period, _, rest = item.partition("@")
        start, _, end = period.partition("/")
        fraction, *flags = rest.split("+") if rest else ["1"]
        first = _day(row, "experience", start)
        last = _day(row, "experience", end) if end else None
        _past(row, "experience", item, first, "the start")
        if last is not None:
            _past(row, "experience", item, last, "the end (leave END empty for ongoing experience)")
            if last < first:
                raise row.fail("experience", f"{cut(repr(item), 60)}: ends before it starts")
        entry: dict[str, Any] = {"start": first.isoformat(), "end": last and last.isoformat(),
                                 "fraction": fraction or "1"}
        try:
            if not _SHARE.fullmatch(entry["fraction"]) or not 0 < Decimal(entry["fraction"]) <= 1:
                raise InvalidOperation
        except InvalidOperation:
            raise row.fail("experience", f"{cut(repr(item), 60)}: the share of full time must be "
                           "in (0, 1], e.g. 0.5") from None
        for flag in flags:
            if flag.startswith("statutory="):
                months = flag.partition("=")[2]
                if not _MONTHS.fullmatch(months):
                    raise row.fail("experience", f"{cut(repr(item), 60)}: statutory=MONTHS needs a whole number")
                entry["statutory_months"] = int(months)
                continue
            if flag not in EXPERIENCE_FLAGS:
                raise row.fail("experience", f"{cut(repr(item), 60)}: unknown flag {cut(repr(flag), 30)} "
                               f"(known: {', '.join(EXPERIENCE_FLAGS)}, statutory=MONTHS)")
            key, value = EXPERIENCE_FLAGS[flag]
            entry[key] = value
        if "statutory_months" in entry and entry.get("kind") != "military_service":
            raise row.fail("experience", f"{cut(repr(item), 60)}: statutory=MONTHS is for military service only")
        if entry.get("under_contract") and entry.get("kind") != "parental_leave":
            raise row.fail("experience", f"{cut(repr(item), 60)}: the flag contract is for leave only")
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
    raise row.fail(column, f"{cut(repr(row[column]), 30)}: expected yes or no")


def _decimal(row: Row, column: str) -> Decimal:
    try:
        value = Decimal(row[column]) if len(row[column]) <= 40 else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise row.fail(column, f"{cut(repr(row[column]), 40)} is not a number")
    return value


def _instant(row: Row, column: str) -> datetime | None:
    """An ISO 8601 instant with its offset ('2022-03-21T09:15:00+01:00', 'Z' for UTC)."""
    text = row[column]
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None or value.utcoffset() is None:
        raise row.fail(column, f"{cut(repr(text), 40)} is not a date and time with its offset "
                       "(e.g. 2022-03-21T09:15:00+01:00)")
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise row.fail(column, f"the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def _code(row: Row, column: str, most: int = 40) -> str:
    """A code that the results CSV splits on spaces (a question reference, an answer)."""
    value = row[column]
    if not value:
        raise row.fail(column, "is empty")
    if len(value) > most or not CODE_PATTERN.fullmatch(value):
        raise row.fail(column, f"{cut(repr(value), 50)} is not a code (letters, digits, '.', '_', "
                       f"'-'; at most {most} characters)")
    return value


def _each(rows: list[Row], work: Callable[[Row], None],
          progress: Callable[[int], None] | None) -> int:
    for row in rows:
        try:
            work(row)
        except CompetitionError as exc:
            raise ImportFileError(f"line {row.line}: {exc}", line=row.line) from None
        if progress:
            progress(1)
    return len(rows)


# --- imports -------------------------------------------------------------------------------

APPLICATION_COLUMNS = ("application", "email", "identity_key", "surname", "given_names",
                       "correspondence_language", "field", "language_1", "language_2", "levels",
                       "diplomas", "experience", "publish_name", "validated")
APPLICATION_OPTIONAL = ("identity_valid_until", "validated_at")
# the database columns (models.Candidate, models.Application)
APPLICATION_NUMBER_MAX, IDENTITY_KEY_MAX, NAME_MAX = 40, 100, 200
# An application number (AD-000001, AST-001216, A-1): ASCII letters and digits, '-', '_', '.', 1 to 40
# characters, starting with a letter or a digit. Safe in a file name, a URL, a spreadsheet cell (no
# formula: '=', '+', '-', '@' cannot start it) and a terminal; it never holds '@', so a key with one is
# an e-mail address (history.find_candidate).
APPLICATION_NUMBER_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def import_applications(session: Session, notice: Notice, path: Path, *, actor: str,
                        progress: Callable[[int], None] | None = None) -> int:
    """Applications as the account system exports them (C1-C5). ``validated_at``: the
    validation instant the account system recorded (historical data, issue 10 §5), needed once
    the application deadline has passed; checked against it (C3)."""
    rows = read_csv(path, APPLICATION_COLUMNS, APPLICATION_OPTIONAL)
    codes = {f.code for f in notice.fields}
    spec = definition(notice.current)
    numbers: dict[str, int] = {}
    emails: dict[str, tuple[int, str]] = {}

    def one(row: Row) -> None:
        for column in ("application", "email", "identity_key", "surname", "field"):
            if not row[column]:
                raise row.fail(column, "is empty")
        number = _text(row, "application", APPLICATION_NUMBER_MAX)
        if not APPLICATION_NUMBER_PATTERN.fullmatch(number):
            raise row.fail("application", "not an application number (letters, digits, '-', '_', '.', at "
                           f"most {APPLICATION_NUMBER_MAX} characters, starting with a letter or a digit)")
        identity_key = _text(row, "identity_key", IDENTITY_KEY_MAX)
        surname, given_names = _text(row, "surname", NAME_MAX), _text(row, "given_names", NAME_MAX)
        email = _email(row)
        if number in numbers:
            raise row.fail("application", f"the same application number as line {numbers[number]}")
        numbers[number] = row.line
        if session.scalar(select(Application.id).where(Application.number == number)):
            raise row.fail("application", "this application number exists already")
        if email in emails and emails[email][1] != identity_key:
            raise row.fail("email", f"the same e-mail address as line {emails[email][0]}, for "
                           "another identity (C1)")
        emails.setdefault(email, (row.line, identity_key))
        if row["field"] not in codes:
            raise row.fail("field", f"{notice.reference} has no field {cut(repr(row['field']), 30)}")
        language_1 = _language(row, "language_1", required=False)
        language_2 = _language(row, "language_2", required=False)
        correspondence = _language(row, "correspondence_language", required=False) or language_2
        if not correspondence:
            raise row.fail("correspondence_language", "is empty (and so is language_2)")
        levels, profile = _levels(row), _profile(row, spec)
        publish_name = _yes(row, "publish_name", True)
        validated_at = _instant(row, "validated_at")
        validated = _yes(row, "validated", validated_at is not None)
        if validated_at is not None and not validated:
            raise row.fail("validated_at", "a validation instant for an application that is not "
                           "validated (validated: no)")
        if validated_at is not None:
            problem = validation_instant_problem(spec, validated_at)
            if problem:
                raise row.fail("validated_at", problem)
        elif validated and clock.now() > spec.application_deadline:
            raise row.fail("validated", "the application deadline has passed: to load a "
                           "competition from the account system's files, give the validation "
                           "instant it recorded in the column validated_at (ISO 8601 with "
                           "offset, e.g. 2022-03-21T09:15:00+01:00)")
        candidate = session.scalar(select(Candidate).where(Candidate.identity_key == identity_key))
        if candidate is None:
            if session.scalar(select(Candidate.id).where(Candidate.email == email)):
                raise row.fail("email", "an account with this e-mail address exists already, for "
                               "another identity (C1)")
            candidate = register_candidate(session, email=email, identity_key=identity_key,
                                           surname=surname, given_names=given_names,
                                           correspondence_language=correspondence)
        elif candidate.email != email:
            raise row.fail("email", "this identity holds an account under another e-mail address (C1)")
        elif session.scalar(select(Application.id).where(Application.candidate_id == candidate.id,
                                                         Application.notice_id == notice.id)):
            raise row.fail("identity_key", f"this person has applied to {notice.reference} "
                           "already (C2: one field per notice)")
        application = file_application(
            session, candidate, notice, number=number, field_code=row["field"],
            language_1=language_1, language_2=language_2, language_levels=levels,
            profile=profile, publish_name=publish_name)
        if validated:
            validate_application(session, application, actor=actor, validated_at=validated_at)

    return _each(rows, one, progress)


def _profile(row: Row, spec: NoticeDefinition) -> dict[str, Any]:
    """C5: the declared profile; the optional column ``identity_valid_until`` is the validity of
    the identity document (002 1.3 a)."""
    profile: dict[str, Any] = {"diplomas": _diplomas(row, spec), "experience": _experience(row)}
    if row["identity_valid_until"]:
        profile["identity_document_valid_until"] = _date(row, "identity_valid_until",
                                                          row["identity_valid_until"])
    return profile


MAX_POINTS = Decimal(1000)     # a question's points (stored with 4 digits after the point)


def import_questions(session: Session, notice: Notice, path: Path) -> int:
    """The answer key: test, question, correct, points. A key is imported once: a question
    already in the database (or twice in the file) is refused; a key is corrected by
    neutralisation (P1), never by a second import."""
    rows = read_csv(path, ("test", "question", "correct", "points"))
    spec = definition(notice.current)
    seen: dict[tuple[str, str], int] = {}
    stored: dict[str, set[str]] = {}

    def one(row: Row) -> None:
        try:
            _, test = spec.test(row["test"])
        except KeyError:
            raise row.fail("test", f"{notice.reference} has no test {cut(repr(row['test']), 40)}") from None
        if test.kind != "mcq":
            raise row.fail("test", f"{row['test']} is not a multiple-choice test")
        ref = _code(row, "question")
        correct = _code(row, "correct", 10)
        if (test.code, ref) in seen:
            raise row.fail("question", f"{test.code} {ref} is on line {seen[test.code, ref]} already")
        seen[test.code, ref] = row.line
        if test.code not in stored:
            stored[test.code] = set(session.scalars(select(Question.ref).where(
                Question.notice_id == notice.id, Question.test == test.code)))
        if ref in stored[test.code]:
            raise row.fail("question", f"{test.code} {ref} has a key already: a key is imported "
                           "once (a wrong question is neutralised, P1)")
        points = _decimal(row, "points") if row["points"] else Decimal(1)
        if points <= 0 or points > MAX_POINTS or points != points.quantize(Decimal("0.0001")):
            raise row.fail("points", f"must be more than 0 and at most {MAX_POINTS}, with at "
                           "most 4 decimals")
        session.add(Question(notice_id=notice.id, test=test.code, ref=ref,
                             correct=correct, points=points, neutralised=False))

    count = _each(rows, one, None)
    session.flush()
    return count


RESULT_COLUMNS = ("application", "test", "value")
RESULT_OPTIONAL = ("questions", "answers", "taken_on", "language")
_MARK = re.compile(r"[0-9]{1,6}")


def import_results(session: Session, notice: Notice, path: Path, *,
                   progress: Callable[[int], None] | None = None) -> int:
    """Results as a test provider or the board delivers them, one test per line.

    ``value`` is a mark for a marked test; ``Q1=4 Q2=3`` for the screener; ``yes``/``no`` for
    ``documents``; for an MCQ the columns ``questions`` and ``answers`` (space-separated, aligned).
    """
    rows = read_csv(path, RESULT_COLUMNS, RESULT_OPTIONAL)
    spec = definition(notice.current)
    keys: dict[str, dict] = {}
    apps = {a.number: a for a in session.scalars(select(Application).where(Application.notice_id == notice.id))}

    def one(row: Row) -> None:
        application = apps.get(row["application"])
        if application is None:
            raise row.fail("application", f"no application {cut(repr(row['application']), 50)} "
                           f"in {notice.reference}")
        test = row["test"]
        taken_on = _day(row, "taken_on", row["taken_on"]) if row["taken_on"] else None
        if taken_on is not None:
            _past(row, "taken_on", row["taken_on"], taken_on, "the day the test was taken")
        if test == "documents":
            application.documents_supported = _yes(row, "value", False) if row["value"] else None
            return
        if test == "screener":
            marks: dict[str, int] = {}
            for item in row["value"].split():
                q, _, mark = item.partition("=")
                if not _MARK.fullmatch(mark) or not q:
                    raise row.fail("value", f"{cut(repr(item), 40)} is not QUESTION=MARK")
                if q in marks:
                    raise row.fail("value", f"question {cut(repr(q), 40)} is marked twice")
                marks[q] = int(mark)
            record_screener(session, application, marks, language=row["language"] or None)
            return
        try:
            _, test_spec = spec.test(test)
        except KeyError:
            raise row.fail("test", f"{notice.reference} has no test {cut(repr(test), 40)}") from None
        if test_spec.kind == "mcq":
            given, answers = row["questions"].split(), row["answers"].split()
            if not given or len(given) != len(answers):
                raise row.fail("answers", "questions and answers must be aligned lists of the same length")
            if len(set(given)) != len(given):
                raise row.fail("questions", "a question is listed twice")
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

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection): text starting
    with '=', '+', '-', '@', a tab or a carriage return gets a leading single quote, unless it
    is a plain number ('-1.5' stays a number). Other values are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_rows(rows: list[dict[str, Any]], fmt: str, out: io.TextIOBase) -> None:
    """Rows as JSON (raw values) or CSV (cells made spreadsheet-safe: :func:`spreadsheet_safe`)."""
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return
    if not rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
