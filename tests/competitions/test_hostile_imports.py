"""Hostile files (issue 10 §6): whatever the bytes, the importers answer with a documented error —
``DefinitionError`` (a notice's JSON path), ``ImportFileError`` (a file's line and column) or
``CompetitionError`` (a rule) — never a bare KeyError, TypeError, RecursionError, UnicodeError or
IntegrityError; the message is one line; and a refused import leaves the database as it was.

Hostile here: random bytes, valid content in other encodings (latin-1, cp1250, UTF-16, UTF-32),
random JSON shapes, a valid notice with one value replaced by anything, nesting up to 200,000
levels, numbers of hundreds of digits, NaN and infinities, cells with NUL, control characters,
bidirectional overrides, formulas and very long text.
"""
from __future__ import annotations

import copy
import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from casework.competitions import files
from casework.competitions.definition import DefinitionError, parse_definition
from casework.competitions.errors import CompetitionError
from casework.competitions.models import (
    Application,
    Candidate,
    Decision,
    Field,
    Notice,
    NoticeVersion,
    Question,
    Score,
)
from casework.models import AuditEvent

from . import factories as f
from .test_files import AFTER_THE_TESTS, APP_HEADER, RESULT_HEADER, application_row, mcq_row

DOCUMENTED = (DefinitionError, files.ImportFileError, CompetitionError)
TABLES = (Notice, NoticeVersion, Field, Candidate, Application, Score, Question, Decision, AuditEvent)
DB_SETTINGS = settings(max_examples=40, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PURE_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "cp1250", "utf-16", "utf-16-le", "utf-16-be", "utf-32")


def _refused_in_one_line(exc: BaseException) -> None:
    assert isinstance(exc, DOCUMENTED), f"{type(exc).__name__}: {exc}"
    message = str(exc)
    assert message and "\n" not in message and "\r" not in message, repr(message)
    assert len(message) < 1000, len(message)


def _snapshot(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in TABLES)


def _import_or_refuse(session, run, personal: tuple[str, ...] = ()) -> bool:
    """Run an import inside a savepoint: refused → only a documented one-line error that does
    not repeat the ``personal`` data of the file, and after the caller's rollback the database
    is what it was (nothing committed behind its back, the session still usable: no
    IntegrityError left it broken). Returns whether it was accepted."""
    before = _snapshot(session)
    savepoint = session.begin_nested()
    accepted = True
    try:
        run()
    except Exception as exc:        # noqa: BLE001 - the point is to see every kind of failure
        _refused_in_one_line(exc)
        assert not [p for p in personal if p in str(exc)], str(exc)
        event(f"refused: {type(exc).__name__}")
        accepted = False
    savepoint.rollback()
    session.expunge_all()           # the next example must not see this one's rolled-back objects
    assert _snapshot(session) == before
    event("accepted" if accepted else "refused")
    return accepted


# --- strategies ----------------------------------------------------------------------------

HOSTILE_CHARACTERS = st.sampled_from(["\x00", "\x1b", "\x07", "\t", "\r", "\n", "\x85", "\u202e", "\u2066",
                                      "\u2028", "\ufeff", "\ud7ff", "=", "+", "-", "@", '"', ",", "\\", "/",
                                      "..", "ø", "ř", "€", "𝔘"])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(HOSTILE_CHARACTERS, st.text(max_size=5)), max_size=10).map("".join),
    st.sampled_from(["NaN", "-NaN", "sNaN", "Infinity", "-inf", "1e999999", "-1", "0", "1" * 400, "²",
                     "=HYPERLINK(\"http://x\")", "2999-12-31", "0001-01-01", "2022-02-30",
                     "9999-12-31T23:59:59+14:00", "", " ", "yes", "no", "A-1", "EN", "C2"]),
    st.integers(1, 20_000).map(lambda n: "x" * n),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), HOSTILE_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(st.text(max_size=12), HOSTILE_TEXT), children, max_size=4)),
    max_leaves=25,
)


def _paths(value, path=()):
    """Every path into a JSON value (keys and indexes)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, i))


def _mutate(doc, data):
    """Replace, delete or add one value somewhere in a valid notice."""
    doc = copy.deepcopy(doc)
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
    if action == "replace":
        parent[path[-1]] = data.draw(JSON_VALUES, label="value")
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(max_size=12), label="key")] = data.draw(JSON_VALUES, label="value")
    else:
        parent.append(data.draw(JSON_VALUES, label="value"))
    return doc


def _dumps(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, allow_nan=True)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


NOTICE = f.document(f.AD402, only_fields=("1",))


# --- notice JSON (no database) ---------------------------------------------------------------

@PURE_SETTINGS
@given(JSON_VALUES)
def test_any_json_shape_is_a_notice_or_a_definition_error(doc):
    try:
        parse_definition(doc)
    except Exception as exc:        # noqa: BLE001
        assert isinstance(exc, DefinitionError), f"{type(exc).__name__}: {exc}"
        _refused_in_one_line(exc)


@PURE_SETTINGS
@given(st.data())
def test_a_valid_notice_with_one_value_changed_parses_or_names_the_path(data):
    doc = _mutate(NOTICE, data)
    try:
        spec = parse_definition(doc)
    except Exception as exc:        # noqa: BLE001
        assert isinstance(exc, DefinitionError), f"{type(exc).__name__}: {exc}"
        _refused_in_one_line(exc)
        event("refused")
        return
    event("accepted")
    # what is accepted holds the documented bounds
    assert all(0 < field.places <= 100_000 for field in spec.fields)
    for phase in spec.phases:
        for test in phase.tests:
            assert test.min.is_finite() and test.max.is_finite() and 0 <= test.min < test.max <= 100_000
        for mark in phase.pass_marks:
            tests = {t.code: t for t in phase.tests}
            assert 0 <= mark.min <= sum(tests[name].max for name in mark.tests)


@PURE_SETTINGS
@given(st.data())
def test_hostile_json_files_are_read_or_refused_in_one_line(tmp_path_factory, data):
    kind = data.draw(st.sampled_from(["bytes", "deep", "number", "mutated", "encoded"]), label="kind")
    if kind == "bytes":
        content = data.draw(st.binary(max_size=3000), label="bytes")
    elif kind == "deep":
        depth = data.draw(st.integers(1, 200_000), label="depth")
        opener, closer = data.draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"reference":[', "]}")]))
        content = (opener * depth + "1" + closer * depth).encode()
    elif kind == "number":
        number = data.draw(st.one_of(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999",
                                                      "1" * 5000, "0." + "0" * 5000 + "1"]),
                                     st.integers().map(str)), label="number")
        doc = copy.deepcopy(NOTICE)
        doc["fields"][0]["places"] = "__N__"
        content = _dumps(doc).replace('"__N__"', number).encode()
    elif kind == "mutated":
        content = _dumps(_mutate(NOTICE, data)).encode("utf-8", errors="surrogatepass")
    else:
        doc = copy.deepcopy(NOTICE)
        doc["title"] = "Økonomer – Ekonomové"
        content = _encode(_dumps(doc), data.draw(st.sampled_from(ENCODINGS), label="encoding"))
    path = tmp_path_factory.mktemp("json") / "notice.json"
    path.write_bytes(content)
    try:
        parse_definition(files.read_json(path))
    except Exception as exc:        # noqa: BLE001
        _refused_in_one_line(exc)
        event(f"{kind}: refused")
    else:
        event(f"{kind}: accepted")


# --- imports into the database ---------------------------------------------------------------

@DB_SETTINGS
@given(st.data())
def test_hostile_notice_imports_change_nothing(session, frozen, tmp_path, data):
    kind = data.draw(st.sampled_from(["mutated", "encoded", "bytes"]), label="kind")
    if kind == "mutated":
        content = _dumps(_mutate(NOTICE, data)).encode("utf-8", errors="surrogatepass")
    elif kind == "encoded":
        doc = copy.deepcopy(NOTICE)
        doc["title"] = "Økonomer – Ekonomové"
        content = _encode(_dumps(doc), data.draw(st.sampled_from(ENCODINGS), label="encoding"))
    else:
        content = data.draw(st.binary(max_size=2000), label="bytes")
    path = tmp_path / "notice.json"
    path.write_bytes(content)
    _import_or_refuse(session, lambda: files.import_notice(session, path, actor=f.ACTOR))


@pytest.fixture
def open_notice(session, frozen):
    """AD/402/23 field 1, before its application deadline (11 July 2023, 12:00)."""
    frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    return f.publish(session, f.AD402, only_fields=("1",))


def _csv_text(header, rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue()


def _hostile_csv(data, header, rows) -> bytes:
    """A valid file spoiled: cells replaced by hostile text, another encoding, random bytes spliced
    in, a column renamed or a cell added."""
    rows = [list(r) for r in rows]
    header = list(header)
    for _ in range(data.draw(st.integers(0, 2), label="cells changed")):
        i = data.draw(st.integers(0, len(rows) - 1))
        j = data.draw(st.integers(0, len(header) - 1))
        rows[i][j] = data.draw(HOSTILE_TEXT, label=f"cell {header[j]}")
    if data.draw(st.integers(0, 3), label="shape changed") == 0:
        choice = data.draw(st.sampled_from(["rename", "extra cell", "duplicate row", "blank lines"]))
        if choice == "rename":
            header[data.draw(st.integers(0, len(header) - 1))] = data.draw(HOSTILE_TEXT, label="column")
        elif choice == "extra cell":
            rows[0].append("x")
        elif choice == "duplicate row":
            rows.append(list(rows[0]))
        else:
            rows.insert(1, [])
    encoding = data.draw(st.one_of(st.just("utf-8"), st.sampled_from(ENCODINGS)), label="encoding")
    content = _encode(_csv_text(header, rows), encoding)
    if data.draw(st.integers(0, 3), label="bytes spliced") == 0:
        at = data.draw(st.integers(0, len(content)))
        content = content[:at] + data.draw(st.binary(min_size=1, max_size=20), label="bytes") + content[at:]
    return content


@DB_SETTINGS
@given(st.data())
def test_hostile_application_files_change_nothing(session, frozen, open_notice, tmp_path, data):
    # before the deadline, or after it (historical data: validated_at needed, C3)
    late = data.draw(st.booleans(), label="after the deadline")
    frozen.set(datetime(2023, 7, 20, 9, tzinfo=UTC) if late else datetime(2023, 7, 1, 9, tzinfo=UTC))
    validated_at = data.draw(st.sampled_from(["", "2023-07-10T10:00:00+02:00", "2023-07-11T12:00:01+02:00"]),
                             label="validated_at")
    header = [*APP_HEADER, "identity_valid_until", "validated_at"]
    names = ("Dvořáková", "Müller", "Ó Briain")
    rows = [[*application_row(f"A-{i}", surname=name), "2030-01-31", validated_at]
            for i, name in enumerate(names, start=1)]
    path = tmp_path / "apps.csv"
    path.write_bytes(_hostile_csv(data, header, rows))
    _import_or_refuse(session, lambda: files.import_applications(session, open_notice, path, actor=f.ACTOR),
                      personal=(*names, "@example.eu"))


KEY_HEADER = ["test", "question", "correct", "points"]
KEYS = [["numerical", f"N{i}", "A", "1"] for i in range(1, 11)]


@pytest.fixture
def applied(session, open_notice, tmp_path):
    """Two applications to the open notice, imported once for every example of a test."""
    path = tmp_path / "apps.csv"
    path.write_text(_csv_text(APP_HEADER, [application_row("A-1"), application_row("A-2")]), encoding="utf-8")
    files.import_applications(session, open_notice, path, actor=f.ACTOR)
    return open_notice


@DB_SETTINGS
@given(st.data())
def test_hostile_answer_keys_change_nothing(session, applied, tmp_path, data):
    path = tmp_path / "keys.csv"
    path.write_bytes(_hostile_csv(data, KEY_HEADER, KEYS))
    _import_or_refuse(session, lambda: files.import_questions(session, applied, path))


@DB_SETTINGS
@given(st.data())
def test_hostile_results_change_nothing(session, applied, frozen, tmp_path, data):
    frozen.set(AFTER_THE_TESTS)                 # the results of tests taken (a later day is refused)
    keys = tmp_path / "keys.csv"
    keys.write_text(_csv_text(KEY_HEADER, KEYS), encoding="utf-8")
    if not session.scalar(select(func.count()).select_from(Question)):
        files.import_questions(session, applied, keys)
    rows = [mcq_row("A-1", "numerical", 10, 6), mcq_row("A-2", "numerical", 10, 4),
            ["A-1", "case-study", "7", "", "", ""]]
    path = tmp_path / "results.csv"
    path.write_bytes(_hostile_csv(data, RESULT_HEADER, rows))
    _import_or_refuse(session, lambda: files.import_results(session, applied, path))


# --- the exports ---------------------------------------------------------------------------

@PURE_SETTINGS
@given(st.lists(st.fixed_dictionaries({"rank": st.integers(), "surname": HOSTILE_TEXT,
                                       "score": st.one_of(st.decimals(allow_nan=False, allow_infinity=False).map(str),
                                                          HOSTILE_TEXT)}),
                min_size=1, max_size=5))
def test_no_exported_csv_cell_starts_a_formula_and_json_stays_raw(rows):
    out = io.StringIO()
    files.write_rows(rows, "csv", out)
    for cell in (c for row in csv.reader(io.StringIO(out.getvalue(), newline="")) for c in row):
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert files._PLAIN_NUMBER.fullmatch(cell), repr(cell)
    out = io.StringIO()
    files.write_rows(rows, "json", out)
    assert json.loads(out.getvalue()) == rows
