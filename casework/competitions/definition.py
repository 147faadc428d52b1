"""A notice as data: the JSON document that every number of a competition comes from.

``parse_definition`` validates a document and returns a :class:`NoticeDefinition`; every
problem is reported with its JSON path (``fields[2].places: must be a positive integer``) so an
importer can name it. The format and its bounds are documented in docs/competitions.md.

A document is refused before anything reads it when it is hostile: nested deeper than
:data:`MAX_DEPTH`, too many values, text with control characters or bidirectional overrides (a
NUL cannot be stored by PostgreSQL), numbers that are not finite or beyond
:data:`MAX_NUMBER`, keys the format does not know.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..clock import BRUSSELS
from ..deadlines import DeadlineError, RuleSet
from .rules import Body, ExclusionGround, Recognition

LANGUAGES = ("BG", "ES", "CS", "DA", "DE", "ET", "EL", "EN", "FR", "GA", "HR", "IT", "LV",
             "LT", "HU", "MT", "NL", "PL", "PT", "RO", "SK", "SL", "FI", "SV")   # C4
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")                                      # C4
SKILLS = ("speaking", "writing", "reading", "listening")

# --- bounds (docs/competitions.md, "Input validation") ---------------------------------------
# A notice reference: segments of capital letters and digits (a hyphen inside a segment),
# separated by single slashes, 2 to 6 segments, at most 40 characters: EPSO/AD/398/22,
# EPSO/AST/151/22. No lower case, spaces, backslashes, dots or empty segments, so a reference
# is safe in a path, a URL, a file name and a terminal.
REFERENCE_PATTERN = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*(?:/[A-Z0-9]+(?:-[A-Z0-9]+)*){1,5}")
REFERENCE_MAX = 40
# Codes (fields, phases, tests, subjects, education levels, screener questions) appear in the
# CSV formats, split on spaces, ':', '+' and '=': letters, digits, '.', '_' and '-' only.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
CODE_MAX = 40               # the database columns (a field's code: 20)
FIELD_CODE_MAX = 20
TEXT_MAX = 300              # titles and names (the database columns)
MAX_PLACES = 100_000        # reserve-list places of a field: EPSO's largest lists are a few hundred
MAX_MARK = Decimal(100_000)  # a test's maximum (results are stored with 8 digits before the point)
MAX_MONTHS = 1_200          # any duration in months in a notice (100 years)
MAX_MULTIPLIER = Decimal(100)  # an invitation cap's multiplier
MAX_SCALE = 1_000           # the screener's weights and marks
EARLIEST_YEAR, LATEST_YEAR = 1950, 2199   # dates of a notice
RESERVED_TESTS = ("screener", "documents")   # lines of the results CSV that are not tests
# whole-document bounds, checked before anything else reads the document
MAX_DEPTH = 32              # a real notice is 5 levels deep
MAX_NODES = 100_000         # values in the whole document
MAX_STRING = 10_000         # characters of any string (the rule sources are a few hundred)
MAX_KEY = 100               # characters of an object key
MAX_NUMBER = 10**12         # magnitude of any number

# C0 and C1 control characters, bidirectional embeddings, overrides and isolates, line and
# paragraph separators: never in a notice's strings (tab, CR, LF only in long free texts).
_BIDI = "\u202a-\u202e\u2066-\u2069\u2028\u2029"
_CONTROL_IN_TEXT = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_IN_PROSE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


def control_character(text: str, *, prose: bool = False) -> str | None:
    """The first control or bidirectional-override character of ``text`` as ``U+XXXX``, or
    None. ``prose``: tab, CR and LF are allowed (long free texts)."""
    found = (_CONTROL_IN_PROSE if prose else _CONTROL_IN_TEXT).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def shown(value: Any, limit: int = 40) -> str:
    """``repr`` of a value for a message, shortened: a message stays one short line."""
    return cut(repr(value), limit)


def cut(text: str, limit: int = 120) -> str:
    """``text`` shortened to ``limit`` characters (a long path, a long message)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


class DefinitionError(ValueError):
    """A notice document that does not hold together; ``path`` says where."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class TestSpec:
    code: str
    name: str
    max: Decimal
    min: Decimal
    kind: str            # "mcq" (per-question answers) or "marked"
    language: str        # "1" or "2": which of the candidate's languages (C4)


@dataclass(frozen=True)
class PassMarkSpec:
    """Σ marks of ``tests`` ≥ ``min`` (C8, C9); ``eliminatory`` failures cancel the phase (C10)."""
    tests: tuple[str, ...]
    min: Decimal
    eliminatory: bool


@dataclass(frozen=True)
class InvitationCap:
    """At most ``multiplier`` × places per field go through, ranked by ``ranking`` (C7).

    ``ties``: everyone tied with the last invited score goes through too (003 Annex II: "på et
    hvilket som helst trin"); ``False``: the cap is strict (004 4.3.3 a has no tie rule)."""
    multiplier: Decimal
    ranking: str          # a test code, or "screener"
    ties: bool = True


@dataclass(frozen=True)
class PhaseSpec:
    code: str
    name: str
    kind: str             # application | eligibility | screener | tests | document-check | reserve-list
    author: str           # who decides at this phase: "board" or "epso" (R2)
    tests: tuple[TestSpec, ...] = ()
    pass_marks: tuple[PassMarkSpec, ...] = ()
    invitation_cap: InvitationCap | None = None
    # C13: the phase's marked tests make the competency passport, never for an excluded
    # candidate (003 Annex II 3.2.1: "hvis ansøgeren ikke er udelukket"; 002 3.2)
    competency_passport: bool = False


@dataclass(frozen=True)
class EligibilityAlternative:
    label: str
    education: str
    experience_months: int
    field_experience_months: int
    subject: str | None = None    # C5: the diploma must be in this subject (a key of ``subjects``)


@dataclass(frozen=True)
class EligibilityOptions:
    """C5 rule-set data (002 1.3, 003 Annex II 1.1) that a notice may change."""
    volunteering_min_fraction: Decimal = Decimal(1)     # paid volunteering: full working hours
    military_service_before_diploma: bool = True        # "medmindre andet fremgår af meddelelsen"
    recognition: str = Recognition.OUTSIDE_EU.value     # which diplomas need recognition
    identity_document: bool = True                      # valid at the application deadline


@dataclass(frozen=True)
class FieldSpec:
    code: str
    name: str
    places: int
    eligibility: tuple[EligibilityAlternative, ...]
    screener_weights: dict[str, int]


@dataclass(frozen=True)
class NoticeDefinition:
    reference: str
    title: str
    grades: tuple[str, ...]
    published_on: date
    application_deadline: datetime      # aware, Brussels (C3, D4)
    deadline_wording: str
    language_1: tuple[str, ...]
    language_2: tuple[str, ...]
    language_1_min: str
    language_2_min: str
    rule_set: dict[str, Any]            # handed to the deadline engine (D9)
    results: str                        # "per-phase" or "at-end" (C13)
    reserve_list_validity_months: int
    doctorate_max_months: int
    education_levels: tuple[str, ...]   # lowest first (C5)
    screener_weights: tuple[int, int]   # C6: 1–3
    screener_marks: tuple[int, int]     # C6: 0–4
    final_score: tuple[str, ...]        # tests summed for the final ranking (C9, C11, C12)
    fields: tuple[FieldSpec, ...]
    phases: tuple[PhaseSpec, ...]
    # C5: subjects a diploma may be required to be in, code -> the notice's words
    subjects: dict[str, str] = dc_field(default_factory=dict)
    eligibility_rules: EligibilityOptions = dc_field(default_factory=lambda: EligibilityOptions())
    # C5, C15, R2: who decides an exclusion on a ground, where the notice departs from the
    # defaults of rules.DEFAULT_DECIDING_BODY (ground value -> "epso" or "board")
    deciding_bodies: dict[str, str] = dc_field(default_factory=dict)
    screener_language: str = "2"        # C4: the talent screener is filled in language 2 (003)

    def deciding_body(self, ground: str) -> str:
        """C5, C15, R2: the body that decides an exclusion on ``ground`` under this notice."""
        from .rules import deciding_body
        return deciding_body(ExclusionGround(ground), {ExclusionGround(g): Body(b) for g, b in
                                                       self.deciding_bodies.items()}).value

    def field(self, code: str) -> FieldSpec:
        for spec in self.fields:
            if spec.code == code:
                return spec
        raise KeyError(code)

    def phase(self, code: str) -> PhaseSpec:
        for spec in self.phases:
            if spec.code == code:
                return spec
        raise KeyError(code)

    def phase_index(self, code: str) -> int:
        return [p.code for p in self.phases].index(code)

    def test(self, code: str) -> tuple[PhaseSpec, TestSpec]:
        for phase in self.phases:
            for test in phase.tests:
                if test.code == code:
                    return phase, test
        raise KeyError(code)


PHASE_KINDS = ("application", "eligibility", "screener", "tests", "document-check", "reserve-list")


class _Reader:
    """Small typed accessors that raise DefinitionError with the path."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise DefinitionError(path or "(top)", "must be an object")
        self.data, self.path = data, path

    def _p(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def only(self, known: tuple[str, ...]) -> None:
        """Refuse keys the format does not know (a typo would otherwise be silently ignored)."""
        unknown = sorted(set(self.data) - set(known))
        if unknown:
            raise DefinitionError(self._p(unknown[0]),
                                  f"unknown key (known here: {', '.join(sorted(known))})")

    def get(self, key: str, default: Any = ..., types: type | tuple = object) -> Any:
        if key not in self.data:
            if default is ...:
                raise DefinitionError(self._p(key), "is required")
            return default
        value = self.data[key]
        if not isinstance(value, types) or isinstance(value, bool) and types is not bool:
            raise DefinitionError(self._p(key), f"has the wrong type ({type(value).__name__})")
        return value

    def text(self, key: str, default: Any = ..., *, most: int = TEXT_MAX) -> str:
        value = self.get(key, default, str)
        if isinstance(value, str):
            if not value.strip():
                raise DefinitionError(self._p(key), "must not be empty")
            if len(value) > most:
                raise DefinitionError(self._p(key), f"is longer than {most} characters")
            bad = control_character(value)
            if bad:
                raise DefinitionError(self._p(key), f"holds a control character ({bad})")
        return value

    def code(self, key: str, default: Any = ..., *, most: int = CODE_MAX) -> str:
        """A code used in the CSV formats (docs/competitions.md): ``CODE_PATTERN``."""
        value = self.text(key, default, most=most)
        if isinstance(value, str) and not CODE_PATTERN.fullmatch(value):
            raise DefinitionError(self._p(key), "must be a code: letters, digits, '.', '_', '-'")
        return value

    def positive_int(self, key: str, default: Any = ..., *, most: int = MAX_PLACES) -> int:
        value = self.get(key, default, int)
        if value <= 0:
            raise DefinitionError(self._p(key), "must be a positive integer")
        if value > most:
            raise DefinitionError(self._p(key), f"must be at most {most}")
        return value

    def count(self, key: str, default: Any = ..., *, most: int = MAX_MONTHS) -> int:
        """A whole number from 0 to ``most``."""
        value = self.get(key, default, int)
        if not 0 <= value <= most:
            raise DefinitionError(self._p(key), f"must be a whole number from 0 to {most}")
        return value

    def decimal(self, key: str, default: Any = ..., *, least: Decimal | int | None = None,
                most: Decimal | int | None = None) -> Decimal:
        """A finite number (JSON number or numeric text), within [least, most] when given."""
        value = self.get(key, default, (int, float, str))
        try:
            number = Decimal(str(value)) if len(str(value)) <= 50 else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise DefinitionError(self._p(key), f"is not a finite number: {shown(value)}")
        if least is not None and number < least:
            raise DefinitionError(self._p(key), f"must be at least {least}")
        if most is not None and number > most:
            raise DefinitionError(self._p(key), f"must be at most {most}")
        return number

    def codes(self, key: str, default: Any = ..., *, unique: bool = True) -> tuple[str, ...]:
        """A list of codes (``CODE_PATTERN``), unique unless told."""
        values = self.list(key, default)
        for i, value in enumerate(values):
            if not isinstance(value, str) or not CODE_PATTERN.fullmatch(value) or len(value) > CODE_MAX:
                raise DefinitionError(f"{self._p(key)}[{i}]",
                                      "must be a code: letters, digits, '.', '_', '-'")
            if unique and value in values[:i]:
                raise DefinitionError(f"{self._p(key)}[{i}]", f"{value!r} is listed twice")
        return tuple(values)

    def list(self, key: str, default: Any = ...) -> list:
        return self.get(key, default, list)

    def child(self, key: str) -> _Reader:
        return _Reader(self.get(key), self._p(key))

    def item(self, key: str, i: int) -> _Reader:
        return _Reader(self.data[key][i], f"{self._p(key)}[{i}]")


def _date(r: _Reader, key: str, default: Any = ...) -> date:
    raw = r.text(key, default)
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise DefinitionError(r._p(key), f"is not a date YYYY-MM-DD: {shown(raw)}") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise DefinitionError(r._p(key), f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return day


def _deadline(r: _Reader, key: str) -> datetime:
    """A Brussels-local date and time (C3, D4): '2022-03-22T12:00'."""
    raw = r.text(key)
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        raise DefinitionError(r._p(key), f"is not a date and time YYYY-MM-DDTHH:MM: {shown(raw)}") from None
    if local.tzinfo is not None:
        raise DefinitionError(r._p(key), "is Brussels local time: give it without an offset")
    if not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        raise DefinitionError(r._p(key), f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return local.replace(tzinfo=BRUSSELS)


def _languages(r: _Reader, key: str) -> tuple[str, ...]:
    value = r.get(key)
    if value == "any":
        return LANGUAGES
    if not isinstance(value, list) or not value:
        raise DefinitionError(r._p(key), 'must be "any" or a non-empty list of language codes')
    for i, code in enumerate(value):
        if code not in LANGUAGES:
            raise DefinitionError(f"{r._p(key)}[{i}]", f"unknown language {shown(code)} "
                                  f"(the 24 official languages: {' '.join(LANGUAGES)}, C4)")
        if code in value[:i]:
            raise DefinitionError(f"{r._p(key)}[{i}]", f"{code} is listed twice")
    return tuple(value)


def _reference(r: _Reader) -> str:
    """The notice's reference: ``REFERENCE_PATTERN`` (EPSO/AD/398/22)."""
    value = r.get("reference", types=str)
    bad = control_character(value)
    if bad:
        raise DefinitionError("reference", f"holds a control character ({bad})")
    if len(value) > REFERENCE_MAX or not REFERENCE_PATTERN.fullmatch(value):
        raise DefinitionError("reference", "must be capital letters and digits in 2 to 6 segments "
                              f"separated by '/', at most {REFERENCE_MAX} characters "
                              "(e.g. EPSO/AD/398/22)")
    return value


def _level(r: _Reader, key: str) -> str:
    value = r.text(key)
    if value not in CEFR:
        raise DefinitionError(r._p(key), f"must be a CEFR level ({', '.join(CEFR)})")
    return value


TEST_KEYS = ("code", "name", "kind", "language", "min", "max")
PASS_MARK_KEYS = ("tests", "min", "eliminatory")
CAP_KEYS = ("multiplier", "ranking", "ties")
PHASE_KEYS = ("code", "name", "kind", "author", "tests", "pass_marks", "invitation_cap",
              "competency_passport")
FIELD_KEYS = ("code", "name", "places", "eligibility", "screener")
ALTERNATIVE_KEYS = ("label", "education", "experience_months", "field_experience_months", "subject")
SCREENER_QUESTION_KEYS = ("question", "weight")
LANGUAGE_KEYS = ("language_1", "language_2", "language_1_min", "language_2_min")
SCALE_KEYS = ("weight", "mark")
RULE_SET_KEYS = ("base", "overrides", "rules", "source")
AMENDMENT_KEYS = ("reference", "published_on", "reopens_applications", "revalidation_required",
                  "cancelled_test_events")
TOP_KEYS = ("reference", "title", "grades", "published_on", "application_deadline",
            "deadline_wording", "languages", "rule_set", "results", "reserve_list_validity_months",
            "doctorate_max_months", "education_levels", "subjects", "eligibility_rules",
            "deciding_bodies", "screener_scale", "screener_language", "final_score", "fields",
            "phases", "amendment")


def _test(r: _Reader) -> TestSpec:
    r.only(TEST_KEYS)
    code = r.code("code")
    if code in RESERVED_TESTS:
        raise DefinitionError(r._p("code"), f"{code!r} is reserved (a line of the results CSV)")
    kind = r.text("kind", "marked")
    if kind not in ("mcq", "marked"):
        raise DefinitionError(r._p("kind"), 'must be "mcq" or "marked"')
    language = str(r.get("language", "2", (str, int)))
    if language not in ("1", "2"):
        raise DefinitionError(r._p("language"), 'must be "1" or "2"')
    low = r.decimal("min", 0, least=0, most=MAX_MARK)
    high = r.decimal("max", least=0, most=MAX_MARK)
    if high <= low:
        raise DefinitionError(r._p("max"), "must be above min")
    return TestSpec(code, r.text("name", code), high, low, kind, language)


def _pass_mark(m: _Reader, tests: dict[str, TestSpec]) -> PassMarkSpec:
    """C8, C9: Σ of ``tests`` ≥ ``min``, which must be reachable: from 0 to Σ of their maxima."""
    m.only(PASS_MARK_KEYS)
    names = m.list("tests")
    if not names:
        raise DefinitionError(m._p("tests"), "names at least one test")
    for j, name in enumerate(names):
        if not isinstance(name, str) or name not in tests:
            raise DefinitionError(f"{m._p('tests')}[{j}]", f"no test {shown(name)} in this phase")
        if name in names[:j]:
            raise DefinitionError(f"{m._p('tests')}[{j}]", f"{name!r} is listed twice")
    most = sum((tests[name].max for name in names), Decimal(0))
    minimum = m.decimal("min", least=0)
    if minimum > most:
        raise DefinitionError(m._p("min"), f"must be at most {most} (the maximum of "
                              f"{' + '.join(names)})")
    return PassMarkSpec(tuple(names), minimum, m.get("eliminatory", False, bool))


def _phase(r: _Reader) -> PhaseSpec:
    r.only(PHASE_KEYS)
    code = r.code("code")
    kind = r.text("kind", code if code in PHASE_KINDS else ...)
    if kind not in PHASE_KINDS:
        raise DefinitionError(r._p("kind"), f"must be one of {', '.join(PHASE_KINDS)}")
    author = r.text("author", "board")
    if author not in ("board", "epso"):
        raise DefinitionError(r._p("author"), 'must be "board" or "epso"')
    tests = tuple(_test(r.item("tests", i)) for i in range(len(r.list("tests", []))))
    codes = [t.code for t in tests]
    if len(set(codes)) != len(codes):
        raise DefinitionError(r._p("tests"), "test codes must be unique")
    by_code = {t.code: t for t in tests}
    marks = tuple(_pass_mark(r.item("pass_marks", i), by_code)
                  for i in range(len(r.list("pass_marks", []))))
    cap = None
    if "invitation_cap" in r.data:
        c = r.child("invitation_cap")
        c.only(CAP_KEYS)
        multiplier = c.decimal("multiplier", most=MAX_MULTIPLIER)
        if multiplier <= 0:
            raise DefinitionError(c._p("multiplier"), "must be positive")
        cap = InvitationCap(multiplier, c.code("ranking"), c.get("ties", True, bool))
    return PhaseSpec(code, r.text("name", code), kind, author, tests, marks, cap,
                     r.get("competency_passport", False, bool))


def _range(r: _Reader, key: str) -> tuple[int, int]:
    value = r.list(key)
    if (len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 0 <= value[0] <= value[1] <= MAX_SCALE):
        raise DefinitionError(r._p(key), f"must be [lowest, highest], whole numbers from 0 to {MAX_SCALE}")
    return value[0], value[1]


def _field(r: _Reader, levels: tuple[str, ...], weights_range: tuple[int, int],
           subjects: dict[str, str]) -> FieldSpec:
    r.only(FIELD_KEYS)
    alternatives = []
    for i in range(len(r.list("eligibility"))):
        a = r.item("eligibility", i)
        a.only(ALTERNATIVE_KEYS)
        education = a.text("education")
        if education not in levels:
            raise DefinitionError(a._p("education"), f"unknown education level {shown(education)} "
                                  f"(the notice's education_levels: {', '.join(levels)})")
        subject = a.text("subject", None)
        if subject is not None and subject not in subjects:
            raise DefinitionError(a._p("subject"), f"unknown subject {shown(subject)} "
                                  f"(the notice's subjects: {', '.join(subjects) or 'none'})")
        alternatives.append(EligibilityAlternative(
            a.text("label"), education, a.count("experience_months", 0),
            a.count("field_experience_months", 0), subject))
    weights: dict[str, int] = {}
    for i in range(len(r.list("screener", []))):
        q = r.item("screener", i)
        q.only(SCREENER_QUESTION_KEYS)
        weight = q.get("weight", types=int)
        if not weights_range[0] <= weight <= weights_range[1]:   # C6
            raise DefinitionError(q._p("weight"), f"must be within {list(weights_range)}")
        question = q.code("question")
        if question in weights:
            raise DefinitionError(q._p("question"), f"{question!r} is listed twice")
        weights[question] = weight
    return FieldSpec(r.code("code", most=FIELD_CODE_MAX), r.text("name"), r.positive_int("places"),
                     tuple(alternatives), weights)


def check_document(data: Any) -> None:
    """Refuse a hostile document before anything reads it (iteratively: no recursion, whatever
    the depth): too deep, too many values, strings too long or holding control characters (NUL,
    which PostgreSQL cannot store) or bidirectional overrides, numbers not finite or too large,
    values that are not JSON."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    nodes = 0
    while stack:
        value, path, depth = stack.pop()
        where = cut(path) if path else "(top)"
        nodes += 1
        if nodes > MAX_NODES:
            raise DefinitionError("(top)", f"holds more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise DefinitionError(where, f"is nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            children = []
            for key, item in value.items():
                if not isinstance(key, str):
                    raise DefinitionError(where, f"has a key that is not text: {shown(key)}")
                if len(key) > MAX_KEY or control_character(key):
                    raise DefinitionError(where, f"has a key longer than {MAX_KEY} characters or "
                                          "holding control characters")
                children.append((item, f"{path}.{key}" if path else key, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, list | tuple):
            stack.extend(reversed([(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]))
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                raise DefinitionError(where, f"is longer than {MAX_STRING} characters")
            bad = control_character(value, prose=True)
            if bad:
                raise DefinitionError(where, f"holds a control character ({bad})")
        elif value is None or isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_NUMBER:
                raise DefinitionError(where, f"is beyond ±{MAX_NUMBER}")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise DefinitionError(where, "is not a finite number (NaN or infinite)")
            if abs(value) > MAX_NUMBER:
                raise DefinitionError(where, f"is beyond ±{MAX_NUMBER}")
        else:
            raise DefinitionError(where, f"is not a JSON value ({type(value).__name__})")


def _education_levels(r: _Reader) -> tuple[str, ...]:
    levels = r.codes("education_levels")
    if not levels:
        raise DefinitionError("education_levels", "names at least one level")
    return levels


def _rule_set(r: _Reader, reference: str) -> dict[str, Any]:
    """D9: the notice's time limits, checked now by building them (a bad rule set would
    otherwise only fail when a deadline is computed)."""
    value = r.get("rule_set", {"base": "2022"}, dict)
    _Reader(value, "rule_set").only(RULE_SET_KEYS)
    try:
        RuleSet.from_dict({"name": reference, "version": "check", **value})
    except (DeadlineError, KeyError, TypeError, ValueError, AttributeError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DefinitionError("rule_set", f"is not a rule set the deadline engine can use: "
                              f"{cut(first)}") from None
    return value


def _amendment(r: _Reader, published_on: date) -> None:
    """The record of an amendment (C14): only known keys; its date not before the notice's."""
    if "amendment" not in r.data:
        return
    a = r.child("amendment")
    a.only(AMENDMENT_KEYS)
    if "reference" in a.data:
        a.text("reference", most=REFERENCE_MAX)
    day = _date(a, "published_on", None)
    if day is not None and day < published_on:
        raise DefinitionError("amendment.published_on", "is before the notice's published_on")
    for key in ("reopens_applications", "revalidation_required"):
        a.get(key, False, bool)
    events = a.list("cancelled_test_events", [])
    for i in range(len(events)):
        if not isinstance(events[i], str):
            raise DefinitionError(f"amendment.cancelled_test_events[{i}]", "must be a date YYYY-MM-DD")
        _date(_Reader({"d": events[i]}, f"amendment.cancelled_test_events[{i}]"), "d")


def parse_definition(data: Any) -> NoticeDefinition:
    """Validate a notice document; raise :class:`DefinitionError` naming the first bad path."""
    check_document(data)
    r = _Reader(data, "")
    r.only(TOP_KEYS)
    reference = _reference(r)
    lang = r.child("languages")
    lang.only(LANGUAGE_KEYS)
    levels = _education_levels(r)
    scale = r.child("screener_scale")
    scale.only(SCALE_KEYS)
    weights_range, marks_range = _range(scale, "weight"), _range(scale, "mark")
    subjects = _subjects(r)
    fields = tuple(_field(r.item("fields", i), levels, weights_range, subjects)
                   for i in range(len(r.list("fields"))))
    if not fields:
        raise DefinitionError("fields", "a notice has at least one field")
    if len({f.code for f in fields}) != len(fields):
        raise DefinitionError("fields", "field codes must be unique")
    phases = tuple(_phase(r.item("phases", i)) for i in range(len(r.list("phases"))))
    if not phases or phases[0].kind != "application":
        raise DefinitionError("phases", "the first phase must be the application")
    if len({p.code for p in phases}) != len(phases):
        raise DefinitionError("phases", "phase codes must be unique")
    all_tests = [t.code for p in phases for t in p.tests]
    if len(set(all_tests)) != len(all_tests):
        raise DefinitionError("phases", "test codes must be unique across phases")
    for i, p in enumerate(phases):
        if p.invitation_cap and p.invitation_cap.ranking not in (*all_tests, "screener"):
            raise DefinitionError(f"phases[{i}].invitation_cap.ranking",
                                  f"no test {p.invitation_cap.ranking!r} in this notice")
    final = r.codes("final_score")
    for j, name in enumerate(final):
        if name not in all_tests:
            raise DefinitionError(f"final_score[{j}]", f"no test {name!r} in this notice")
    results = r.text("results", "per-phase")
    if results not in ("per-phase", "at-end"):
        raise DefinitionError("results", 'must be "per-phase" or "at-end"')
    rule_set = _rule_set(r, reference)
    screener_language = str(r.get("screener_language", "2", (str, int)))
    if screener_language not in ("1", "2"):
        raise DefinitionError("screener_language", 'must be "1" or "2"')
    grades = r.list("grades")
    for i, grade in enumerate(grades):
        if not isinstance(grade, str) or not grade.strip() or len(grade) > TEXT_MAX or control_character(grade):
            raise DefinitionError(f"grades[{i}]", "must be a grade in words (e.g. \"AD 7\")")
    published_on = _date(r, "published_on")
    deadline = _deadline(r, "application_deadline")
    if deadline.date() < published_on:      # a period that ends before it starts
        raise DefinitionError("application_deadline", "is before published_on")
    _amendment(r, published_on)
    return NoticeDefinition(
        reference=reference, title=r.text("title"),
        grades=tuple(grades), published_on=published_on,
        application_deadline=deadline,
        deadline_wording=r.text("deadline_wording", ""),
        language_1=_languages(lang, "language_1"), language_2=_languages(lang, "language_2"),
        language_1_min=_level(lang, "language_1_min"), language_2_min=_level(lang, "language_2_min"),
        rule_set=rule_set, results=results,
        reserve_list_validity_months=r.positive_int("reserve_list_validity_months", most=MAX_MONTHS),
        doctorate_max_months=r.count("doctorate_max_months", 36),
        education_levels=levels, screener_weights=weights_range, screener_marks=marks_range,
        final_score=final, fields=fields, phases=phases, subjects=subjects,
        eligibility_rules=_eligibility_options(r), deciding_bodies=_deciding_bodies(r),
        screener_language=screener_language,
    )


def _subjects(r: _Reader) -> dict[str, str]:
    """C5: ``"subjects": {"ict": "IKT og/eller relaterede områder"}``."""
    value = r.get("subjects", {}, dict)
    for code, words in value.items():
        if not CODE_PATTERN.fullmatch(code) or len(code) > CODE_MAX:
            raise DefinitionError(f"subjects.{code}", "must be a code: letters, digits, '.', '_', '-'")
        if (not isinstance(words, str) or not words.strip() or len(words) > TEXT_MAX
                or control_character(words)):
            raise DefinitionError(f"subjects.{code}", "must be the notice's words for the subject")
    return dict(value)


def _eligibility_options(r: _Reader) -> EligibilityOptions:
    """C5: ``"eligibility_rules": {"volunteering_min_fraction": 1, "recognition": "all", ...}``."""
    if "eligibility_rules" not in r.data:
        return EligibilityOptions()
    e = r.child("eligibility_rules")
    unknown = set(e.data) - {"volunteering_min_fraction", "military_service_before_diploma",
                             "recognition", "identity_document"}
    if unknown:
        raise DefinitionError(e._p(min(unknown)), "unknown eligibility rule")
    share = e.decimal("volunteering_min_fraction", 1)
    if not 0 < share <= 1:
        raise DefinitionError(e._p("volunteering_min_fraction"), "must be a share of full time in (0, 1]")
    recognition = e.text("recognition", Recognition.OUTSIDE_EU.value)
    if recognition not in {x.value for x in Recognition}:
        raise DefinitionError(e._p("recognition"),
                              f"must be one of {', '.join(x.value for x in Recognition)}")
    return EligibilityOptions(share, e.get("military_service_before_diploma", True, bool),
                              recognition, e.get("identity_document", True, bool))


def _deciding_bodies(r: _Reader) -> dict[str, str]:
    """C5, C15, R2: ``"deciding_bodies": {"general_eligibility": "board"}``."""
    value = r.get("deciding_bodies", {}, dict)
    grounds = {g.value for g in ExclusionGround}
    for ground, body in value.items():
        if ground not in grounds:
            raise DefinitionError(f"deciding_bodies.{ground}", f"unknown exclusion ground {ground!r}")
        if body not in ("epso", "board"):
            raise DefinitionError(f"deciding_bodies.{ground}", 'must be "epso" or "board"')
    return dict(value)
