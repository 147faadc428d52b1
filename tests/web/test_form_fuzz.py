"""Hostile input (issue 11, Tests): hypothesis drives every form through the Flask test client with CSRF
on — the account pages (log in, register, confirm, reset request, reset with a token, password change)
and each portal filing form (P1–P5, its detail fields and documents).

What is sent: oversized text (100 000 characters), control characters and NUL, bidirectional
overrides, malformed dates, text in the scripts of the 24 official languages, HTML/JS payloads, wrong
or missing CSRF tokens, documents over the filing limit (``filing.MAX_UPLOAD_BYTES``) and over the
request limit (``MAX_CONTENT_LENGTH``), mislabelled documents (a program named .pdf, a PDF sent as
text). What must come back, for every example:

- never a 500 (nor any 5xx);
- a refusal (4xx) says why on the page, and leaves the rows of ``cases``, ``case_documents``,
  ``pending_registrations`` and ``users`` as they were (never partial data);
- an acceptance (2xx/3xx) stores what was sent (the details, the documents, the registration's names)
  and every page afterwards shows it escaped: ``<script>alert(1)</script>`` never appears raw.

SQLite (a fresh database per test); the NUL bytes again on PostgreSQL when it is configured (its text
columns cannot hold them: they must be refused before any query).
"""
from __future__ import annotations

import io
import os
import re
import uuid
import warnings
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy import text as sql

from casework import create_app
from casework.auth import passwords, registration
from casework.auth.models import PendingRegistration, User
from casework.cases.models import CaseType
from casework.cases.queries import find_case
from casework.web.security import MAX_REQUEST_BYTES
from casework.workflows import filing
from casework.workflows.requests import FILEABLE
from tests.conftest import BACKENDS, fresh_database

from . import portal_world as w
from .test_auth import PASSWORD, make_user

# CASEWORK_FUZZ_EXAMPLES: more examples when hunting (the suite keeps 30 per form, under a minute on SQLite)
FUZZ = settings(max_examples=int(os.environ.get("CASEWORK_FUZZ_EXAMPLES", "30")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])
# the fuzzing runs on SQLite; CASEWORK_FUZZ_BACKENDS=sqlite,postgresql runs it on PostgreSQL too (the NUL
# bytes and the longest values run on every configured backend whatever it says)
FUZZ_BACKENDS = tuple(os.environ.get("CASEWORK_FUZZ_BACKENDS", "sqlite").split(","))
# every table a filing, a registration or a password change writes (login_attempts changes on a refusal)
TABLES = ("cases", "case_deadlines", "case_documents", "case_messages", "due_events", "audit_events", "outbox",
          "pending_registrations", "users")

# --- what is sent ------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = (SCRIPT, "<img src=x onerror=")                  # never in a page as it was sent
HTML = (SCRIPT, IMG, f"grounds {SCRIPT} and {IMG}", "</textarea><script>alert(1)</script>",
        "javascript:alert(1)", "{{ 7*7 }} {% raw %}", "' OR 1=1 --", "&lt;script&gt;&amp;")
EU = (  # one sample in each of the 24 official languages
    "Съдебна практика на Общия съд",                 # BG
    "Žalba na odluku, čćđšž",                        # HR
    "Příliš žluťoučký kůň úpěl ďábelské ódy",        # CS
    "Æblegrød på øen, Århus",                        # DA
    "Één ijsbeer, coördinatie",                      # NL
    "The board counted the wrong diploma",           # EN
    "Jää õõnes ööbik, Pärnu",                        # ET
    "Hääyöaie, Äänekoski",                           # FI
    "Œuvre à côté de l'hôpital, ça",                 # FR
    "Größe der Straße, Übermaß",                     # DE
    "Ελληνική γλώσσα: ΑΒΓΔ αβγδ ΐΰ",                # EL
    "Árvíztűrő tükörfúrógép",                        # HU
    "Tá mé go maith, Dún na nGall, Éire",            # GA
    "Perché la città è già là",                      # IT
    "Ģērbšanās ķēniņš, Rīga",                        # LV
    "Ąžuolas ėjo į šventę, Vilnius",                 # LT
    "Ħaġar Qim, ċirasa u żebbuġ, Għawdex",           # MT
    "Zażółć gęślą jaźń",                             # PL
    "Ação do coração, São João",                     # PT
    "Științele și țara, Brașov",                     # RO
    "Ďateľ ľúbi ŕ a ô, Košice",                      # SK
    "Čšž, Šentjur pri Celju",                        # SL
    "Año del niño, ¿qué pasó?",                      # ES
    "Räksmörgås på Åland",                           # SV
)
DATES = ("31/12/2022", "2022-02-30", "2022-13-01", "0000-00-00", "0001-01-01", "0001-01-02", "9999-12-31",
         "99999-01-01", "-2022-01-01", "２０２２-０２-２０", "2022-02-20T25:00", "2022-W07", "yesterday", "1e9",
         " 2022-02-20 ", "2022-02-20\x00", "")
CONTROL = st.characters(categories=["Cc"])
BIDI = st.sampled_from("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
OVERSIZED = "x" * 100_000


def _wrapped(inner):
    return st.builds(lambda a, c, b: a + c + b, st.sampled_from(EU), inner, st.sampled_from(EU))


HOSTILE = st.one_of(
    st.sampled_from(EU),
    st.sampled_from(HTML),
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(EU), st.sampled_from(HTML)),
    _wrapped(st.just("\x00")), _wrapped(CONTROL), _wrapped(BIDI),
    st.sampled_from(DATES),
    st.just(OVERSIZED), st.just(SCRIPT * 5_000),
    st.text(max_size=40),
)

PDF = w.PDF
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 This program cannot be run in DOS mode."
BINARY_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
UPLOADS = {        # name: (content, filename, content type, accepted?)
    "pdf": (PDF, "proof.pdf", "application/pdf", True),
    "text": ("Ħaġar Qim — Zażółć gęślą jaźń".encode(), "note.txt", "text/plain", True),
    "html-as-text": (SCRIPT.encode(), "note.txt", "text/plain", True),   # a download, never a page
    "hostile-name": (PDF, f'{IMG}{SCRIPT}.pdf', "application/pdf", True),
    "greek-name": (PDF, "Απόφαση επιτροπής.pdf", "application/pdf", True),
    "traversal-name": (PDF, "../../../etc/passwd.pdf", "application/pdf", True),
    "long-name": (PDF, "scan-" + "0123456789" * 40 + ".pdf", "application/pdf", True),
    "program-as-pdf": (PROGRAM, "cv.pdf", "application/pdf", False),
    "program-no-type": (PROGRAM, "cv.pdf", "application/octet-stream", False),
    "program": (PROGRAM, "setup.exe", "application/x-msdownload", False),
    "pdf-as-text": (BINARY_PDF, "scan.txt", "text/plain", False),
    "svg": (b"<svg onload=alert(1)>", "x.svg", "image/svg+xml", False),
    "empty": (b"", "empty.pdf", "application/pdf", False),
    "over-filing-limit": (b"%PDF-" + b"0" * filing.MAX_UPLOAD_BYTES, "big.pdf", "application/pdf", False),
    "over-request-limit": (b"%PDF-" + b"0" * MAX_REQUEST_BYTES, "huge.pdf", "application/pdf", False),
}
CSRF = ("good", "good", "good", "good", "missing", "empty", "wrong", "other-session")
# what a refusal shows: a field's error, the error summary, the portal's refusal, an error page
MESSAGES = ('class="errors"', 'class="error-summary"', "Your request was not filed", "This form could not be accepted",
            "Too large", "This link", "Too many attempts", "not found", "Not found", "could not be understood")


# --- checking what came back -------------------------------------------------------------------------

def counts(db) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {t: connection.execute(sql(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def rows_of_newest_case(db) -> dict[str, int]:
    """The rows of the case filed last, table by table (its deadlines, documents, messages, due events,
    mail and audit rows): what an accepted filing may add, and nothing else."""
    with db.engine.connect() as connection:
        case_id = connection.execute(sql("SELECT max(id) FROM cases")).scalar_one()
        rows = {t: connection.execute(sql(f"SELECT count(*) FROM {t} WHERE case_id = :c"), {"c": case_id}).scalar_one()
                for t in ("case_deadlines", "case_documents", "case_messages", "due_events", "outbox")}
        rows["audit_events"] = connection.execute(sql(
            "SELECT count(*) FROM audit_events WHERE entity = 'case' AND entity_id = :c"), {"c": case_id}).scalar_one()
    return {"cases": 1, **rows}


def body(response) -> str:
    return response.get_data(as_text=True)


def escaped(page: str) -> None:
    for raw in RAW:
        assert raw not in page, f"{raw!r} unescaped in the page"


def settle(response, db, before: dict[str, int]) -> dict[str, int]:
    """Never a 5xx; the page escapes what was sent; a refusal says why and leaves the rows as they were."""
    assert response.status_code < 500, (response.status_code, body(response)[:2000])
    page = body(response)
    escaped(page)
    after = counts(db)
    if response.status_code >= 400:
        assert after == before, f"partial data on a {response.status_code}: {before} -> {after}"
        assert any(m in page for m in MESSAGES), (response.status_code, page[:3000])
    return after


def token_of(client, url: str) -> str:
    page = body(client.get(url))
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def csrf_value(kind: str, client, url: str, other: str) -> str | None:
    return {"good": lambda: token_of(client, url), "missing": lambda: None, "empty": lambda: "",
            "wrong": lambda: "IjEyMzQ1Ig.wrong.token", "other-session": lambda: other}[kind]()


def with_token(data: dict, token: str | None) -> dict:
    return data if token is None else {**data, "csrf_token": token}


def other_token(app, url: str) -> str:
    """A valid token of another browser's session."""
    return token_of(app.test_client(), url)


# --- the account pages -------------------------------------------------------------------------------

LIMITS = {f"{p}_{k}": 10_000 for p in ("LOGIN", "REGISTER", "RESET") for k in ("MAX_PER_ACCOUNT", "MAX_PER_ADDRESS")}


@pytest.fixture(params=FUZZ_BACKENDS)
def accounts(request, tmp_path, frozen):
    with fresh_database(request.param, tmp_path) as db:
        app = create_app({"TESTING": True, "DATABASE": db, "SECRET_KEY": "fuzz", **LIMITS})
        yield app, db


def _text_or(valid: str):
    return st.one_of(st.just(valid), HOSTILE)


@pytest.fixture
def known(accounts):
    """An account with PASSWORD (made once per test: hypothesis runs every example in one fixture)."""
    return make_user(accounts[1])


@FUZZ
@given(email=st.one_of(st.just("known"), HOSTILE), password=_text_or(PASSWORD), csrf=st.sampled_from(CSRF))
def test_login_fuzz(accounts, known, email, password, csrf):
    app, db = accounts
    client = app.test_client()
    before = counts(db)
    data = with_token({"email": known if email == "known" else email, "password": password},
                      csrf_value(csrf, client, "/login", other_token(app, "/login")))
    response = client.post("/login", data=data)
    after = settle(response, db, before)
    assert after == before
    logged_in = client.get("/account/password").status_code == 200
    assert logged_in == (response.status_code == 302)
    if logged_in:
        assert email == "known" and password == PASSWORD and csrf == "good"


REGISTRATION = {"surname": "Candidate", "given_names": "Alex", "birth_date": "1990-04-23",
                "identity_document": "AB123456", "language": "EN", "password": PASSWORD,
                "password_again": PASSWORD}


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(["email", *REGISTRATION]), HOSTILE, max_size=3),
       csrf=st.sampled_from(CSRF))
def test_register_fuzz(accounts, changes, csrf):
    app, db = accounts
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.1.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    fields = {"email": f"fuzz-{uuid.uuid4().hex[:10]}@example.org", **REGISTRATION, **changes}
    before = counts(db)
    response = client.post("/register", data=with_token(fields, csrf_value(csrf, client, "/register",
                                                                            other_token(app, "/register"))))
    after = settle(response, db, before)
    if response.status_code < 400:
        assert response.status_code == 200 and after["pending_registrations"] == before["pending_registrations"] + 1
        with db.session_scope() as s:
            row = s.scalar(select(PendingRegistration).order_by(PendingRegistration.id.desc()).limit(1))
            assert row.email == fields["email"].strip().lower()
            assert (row.surname, row.given_names) == (" ".join(fields["surname"].split()),
                                                      " ".join(fields["given_names"].split()))
            assert row.language == fields["language"].strip().upper()
    else:
        assert after == before


@FUZZ
@given(email=HOSTILE, csrf=st.sampled_from(CSRF))
def test_reset_request_fuzz(accounts, email, csrf):
    app, db = accounts
    client = app.test_client()
    before = counts(db)
    response = client.post("/reset", data=with_token({"email": email}, csrf_value(csrf, client, "/reset",
                                                                                   other_token(app, "/reset"))))
    assert settle(response, db, before) == before
    assert response.status_code in (200, 400, 422, 429)


@FUZZ
@given(token=st.one_of(st.just("valid"), HOSTILE.filter(bool)), password=st.one_of(st.just("new"), HOSTILE),
       again=st.one_of(st.just("same"), HOSTILE), csrf=st.sampled_from(CSRF))
def test_reset_with_token_fuzz(accounts, token, password, again, csrf):
    app, db = accounts
    email = make_user(db)
    with db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == email))
        valid = registration.reset_token("fuzz", user)
    url = f"/reset/{valid if token == 'valid' else quote(token, safe='')}"
    new = "a new password that is long enough" if password == "new" else password
    client = app.test_client()
    before = counts(db)
    assert client.get(url).status_code < 500
    data = {"password": new, "password_again": new if again == "same" else again}
    token_value = csrf_value(csrf, client, url, "") if token == "valid" else "x"
    response = client.post(url, data=with_token(data, token_value))
    after = settle(response, db, before)
    assert after == {**before, "audit_events": before["audit_events"] + (response.status_code == 302)}
    with db.session_scope() as s:
        stored = s.scalar(select(User).where(User.email == email)).password_hash
    changed = not passwords.verify(stored, PASSWORD, passwords.hasher(**passwords.TESTING))
    assert changed == (response.status_code == 302)
    if changed:
        assert passwords.verify(stored, new, passwords.hasher(**passwords.TESTING))


@FUZZ
@given(token=st.one_of(HOSTILE.filter(bool), st.sampled_from(["/x", "//", "a/b", "..", "%2F"])), csrf=st.sampled_from(CSRF))
def test_confirm_with_a_hostile_link_fuzz(accounts, token, csrf):
    app, db = accounts
    client = app.test_client()
    url = f"/confirm/{quote(token, safe='')}"
    before = counts(db)
    settle(client.get(url), db, before)
    response = client.post(url, data=with_token({}, csrf_value(csrf, client, "/login", "")))
    assert settle(response, db, before) == before
    assert response.status_code in (308, 400, 404)      # 308: "/confirm//x" goes to "/confirm/x" (merged slashes)


@FUZZ
@given(current=st.one_of(st.just("right"), HOSTILE), password=st.one_of(st.just("new"), HOSTILE),
       again=st.one_of(st.just("same"), HOSTILE), csrf=st.sampled_from(CSRF))
def test_password_change_fuzz(accounts, current, password, again, csrf):
    app, db = accounts
    email = make_user(db)
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD,
                                "csrf_token": token_of(client, "/login")})
    new = "another password long enough" if password == "new" else password
    data = {"current": PASSWORD if current == "right" else current, "password": new,
            "password_again": new if again == "same" else again}
    before = counts(db)
    response = client.post("/account/password", data=with_token(data, csrf_value(
        csrf, client, "/account/password", other_token(app, "/login"))))
    after = settle(response, db, before)
    assert after == {**before, "audit_events": before["audit_events"] + (response.status_code == 302)}
    with db.session_scope() as s:
        stored = s.scalar(select(User).where(User.email == email)).password_hash
    changed = not passwords.verify(stored, PASSWORD, passwords.hasher(**passwords.TESTING))
    assert changed == (response.status_code == 302)
    if changed:
        escaped(body(client.get(response.headers["Location"], follow_redirects=True)))


# --- the portal's filing forms -----------------------------------------------------------------------

@pytest.fixture(params=FUZZ_BACKENDS)
def portal(request, tmp_path, frozen):
    with fresh_database(request.param, tmp_path) as db:
        world = w.build(db, frozen)
        world.app = w.app_for(db, WTF_CSRF_ENABLED=True)
        world.db = db
        client = world.app.test_client()
        w.login(client, world.alice)
        world.client = client
        page = body(client.get("/portal/file/neutralisation"))
        world.sitting = re.search(r'<option value="([^"]*::[^"]+)"', page).group(1)
        yield world


def base_form(world, kind: CaseType) -> dict[str, str | list[str]]:
    """What a candidate fills in for a filing of ``kind`` that is accepted."""
    decision = str(world.exclusion)
    return {
        CaseType.NEUTRALISATION: {"sitting": world.sitting, "sat_on": "2022-02-25",
                                  "detail_question": "the question on the merger of two agencies",
                                  "detail_explanation": "answers A and C are both right",
                                  "detail_error_type": "content"},
        CaseType.TECHNICAL_ISSUE: {"sitting": world.sitting, "sat_on": "2022-02-27",
                                   "detail_description": "the screen froze for ten minutes",
                                   "detail_preparatory_steps_done": "no",
                                   "detail_preparatory_steps_claim": "the power was cut in the whole town"},
        CaseType.REVIEW: {"decision": decision, "detail_grounds": "the board counted the wrong diploma",
                          "detail_technical_issue": "no"},
        CaseType.COMPLAINT: {"decision": decision, "detail_grounds": "the exclusion breaches the notice",
                             "confirmed": filing.BOARD_WARNING_CODE},
        CaseType.ACCESS_INFO: {"decision": decision, "detail_items": ["results", "marked-copy"]},
        CaseType.ACCESS_DOCUMENTS: {"detail_documents": "the minutes of the board's meeting"},
    }[kind]


EXTRA_FIELDS = ("decision", "sitting", "sat_on", "confirmed", "detail_omission_date", "detail_grond",
                "detail_test", "detail_items", "detail_about", "detail_error_type")


def _stored_ok(world, kind: CaseType, reference: str, fields: dict, uploads: list[str]) -> None:
    """The case as filed: its text details as sent, one document per file sent, and its pages escaped."""
    text_details = {d.key for d in filing.details_of(kind) if d.kind == filing.TEXT}
    with world.db.session_scope() as s:
        case = find_case(s, reference)
        assert case is not None and case.type is kind
        for name, value in fields.items():
            key = name.removeprefix("detail_")
            if name.startswith("detail_") and key in text_details and isinstance(value, str) and value:
                assert case.details[key] == value, key
        assert len(case.documents) == len(uploads)
        for document, name in zip(sorted(case.documents, key=lambda d: d.id), uploads, strict=True):
            content, _, _, _ = UPLOADS[name]
            assert document.content == content and document.size == len(content)
            assert "/" not in document.filename and "<" not in document.filename
    for url in (f"/portal/cases/{reference}", "/portal/cases"):
        page = world.client.get(url)
        assert page.status_code == 200
        escaped(body(page))
    for name, value in fields.items():
        if isinstance(value, str) and SCRIPT in value and name.startswith("detail_"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body(world.client.get(f"/portal/cases/{reference}"))


@pytest.mark.parametrize("kind", FILEABLE, ids=lambda k: k.value)
@FUZZ
@given(data=st.data())
def test_filing_form_fuzz(portal, kind, data):
    world, client = portal, portal.client
    url = f"/portal/file/{kind.value}"
    fields: dict = dict(base_form(world, kind))
    for name in data.draw(st.sets(st.sampled_from(sorted({*fields, *EXTRA_FIELDS})), max_size=3), label="hostile"):
        fields[name] = data.draw(HOSTILE, label=name)
    uploads = data.draw(st.lists(st.sampled_from(sorted(UPLOADS)), max_size=2), label="uploads")
    csrf = data.draw(st.sampled_from(CSRF), label="csrf")
    files = [(io.BytesIO(UPLOADS[u][0]), UPLOADS[u][1], UPLOADS[u][2]) for u in uploads]
    payload = with_token({**fields, **({"evidence": files} if files else {})},
                         csrf_value(csrf, client, url, other_token(world.app, "/login")))
    before = counts(world.db)
    response = client.post(url, data=payload, content_type="multipart/form-data")
    after = settle(response, world.db, before)
    if response.status_code < 400:
        assert response.status_code == 302, response.status_code
        assert csrf == "good" and all(UPLOADS[u][3] for u in uploads)
        added = rows_of_newest_case(world.db)
        assert added["case_documents"] == len(uploads) and added["case_messages"] >= 1 and added["audit_events"] >= 1
        assert after == {t: before[t] + added.get(t, 0) for t in TABLES}
        _stored_ok(world, kind, response.headers["Location"].rsplit("/", 1)[-1], fields, uploads)
    else:
        if csrf != "good":
            assert response.status_code in (400, 413)
        if "over-request-limit" in uploads:
            assert response.status_code in (400, 413)


@FUZZ
@given(kind=st.sampled_from(FILEABLE), query=st.dictionaries(
    st.sampled_from(["decision", "notice", "test", "about", "lang", "next"]),
    st.one_of(HOSTILE, st.just("application-form"), st.just("EPSO/AD/398/22")), max_size=4))
def test_filing_form_addresses_fuzz(portal, kind, query):
    """What the address prefills (``?decision=``, ``?notice=&test=``, ``?notice=&about=application-form``):
    the form or the 404 page, escaped, never an error."""
    before = counts(portal.db)
    response = portal.client.get(f"/portal/file/{kind.value}", query_string=query)
    assert response.status_code in (200, 404)
    assert settle(response, portal.db, before) == before
    anonymous = portal.app.test_client()
    assert anonymous.get("/login", query_string=query).status_code == 200


@pytest.mark.parametrize("kind", FILEABLE, ids=lambda k: k.value)
def test_every_filing_form_accepts_its_base_example(portal, kind):
    """The fuzzing starts from a filing that is accepted: each form, as a candidate fills it in."""
    url = f"/portal/file/{kind.value}"
    before = counts(portal.db)
    response = portal.client.post(url, data={**base_form(portal, kind), "csrf_token": token_of(portal.client, url)})
    assert response.status_code == 302, body(response)[:3000]
    assert counts(portal.db)["cases"] == before["cases"] + 1


@pytest.mark.parametrize("name", [n for n, spec in UPLOADS.items() if not spec[3]])
def test_each_refused_upload_is_a_4xx_with_a_message_and_nothing_stored(portal, name):
    content, filename, media_type, _ = UPLOADS[name]
    url = "/portal/file/review"
    before = counts(portal.db)
    response = portal.client.post(url, data={**base_form(portal, CaseType.REVIEW),
                                             "csrf_token": token_of(portal.client, url),
                                             "evidence": [(io.BytesIO(content), filename, media_type)]},
                                  content_type="multipart/form-data")
    assert 400 <= response.status_code < 500
    settle(response, portal.db, before)


def test_the_forms_use_no_deprecated_wtforms_choices(portal):
    """WTForms 3.3 deprecates choices given as tuples (removed in 3.4): no form gives them so."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=DeprecationWarning, module=r"wtforms(\.|$)")
        warnings.filterwarnings("error", message=".*choices.*", category=DeprecationWarning)
        for kind in FILEABLE:
            assert portal.client.get(f"/portal/file/{kind.value}").status_code == 200
        complaint = f"/portal/file/complaint?decision={portal.exclusion}"
        assert filing.BOARD_WARNING_CODE in body(portal.client.get(complaint))
        response = portal.client.post(complaint, data={"decision": str(portal.exclusion), "detail_grounds": "g",
                                                       "csrf_token": token_of(portal.client, complaint)})
        assert response.status_code == 422
        anonymous = portal.app.test_client()
        assert anonymous.get("/register").status_code == 200


# --- NUL on PostgreSQL -------------------------------------------------------------------------------

NUL_TEXT = _wrapped(st.just("\x00"))


@pytest.fixture(params=BACKENDS)
def any_backend(request, tmp_path, frozen):
    with fresh_database(request.param, tmp_path) as db:
        world = w.build(db, frozen)
        world.app = w.app_for(db, **LIMITS)
        world.db = db
        world.client = world.app.test_client()
        w.login(world.client, world.alice)
        world.sitting = None
        yield world


@settings(FUZZ, max_examples=10)
@given(field=st.sampled_from(["decision", "detail_grounds", "detail_technical_issue", "detail_x\x00",
                              "confirmed", "register", "login", "reset", "filename"]),
       value=NUL_TEXT)
def test_nul_is_refused_before_any_query_on_every_backend(any_backend, field, value):
    world = any_backend
    before = counts(world.db)
    anonymous = world.app.test_client()
    if field == "register":
        response = anonymous.post("/register", data={"email": "nul@example.org", **REGISTRATION, "surname": value})
    elif field in ("login", "reset"):
        response = anonymous.post(f"/{field}", data={"email": value, "password": value})
    elif field == "filename":
        response = world.client.post("/portal/file/review", data={
            **base_form(world, CaseType.REVIEW), "evidence": [(io.BytesIO(b"text\x00with nul"), value, "text/plain")]},
            content_type="multipart/form-data")
    else:
        response = world.client.post("/portal/file/review", data={**base_form(world, CaseType.REVIEW), field: value})
    settle(response, world.db, before)
    if field != "filename":
        assert 400 <= response.status_code < 500


# --- what the fuzzing found ----------------------------------------------------------------------------

@pytest.mark.parametrize("content, media_type", [(PDF, "application/pdf"), (PROGRAM, "application/pdf"),
                                                 (b"%PDF-" + b"0" * filing.MAX_UPLOAD_BYTES, "application/pdf")],
                         ids=["pdf", "program", "over-the-limit"])
def test_a_document_sent_without_a_name_is_stored_or_refused_never_dropped(portal, content, media_type):
    """A file part with ``filename=""`` (or a name the parser cannot read: an unescaped quote) and content
    was left out by the form: the case was filed without the document sent."""
    url = "/portal/file/review"
    before = counts(portal.db)
    response = portal.client.post(url, data={**base_form(portal, CaseType.REVIEW),
                                             "csrf_token": token_of(portal.client, url),
                                             "evidence": [(io.BytesIO(content), "", media_type)]},
                                  content_type="multipart/form-data")
    after = settle(response, portal.db, before)
    if content == PDF:
        assert response.status_code == 302
        assert after["case_documents"] == before["case_documents"] + 1
        page = body(portal.client.get(response.headers["Location"]))
        assert "document" in page
    else:
        assert response.status_code == 422 and "a file without a name" in body(response)


def test_a_document_with_a_long_name_is_stored_on_every_backend(any_backend):
    """A file name longer than the column (200 characters) was a 500 on PostgreSQL (stored whole on
    SQLite): it is shortened, its extension kept."""
    world, name = any_backend, "scan-" + "0123456789" * 40 + ".pdf"
    before = counts(world.db)
    response = world.client.post("/portal/file/review", data={
        **base_form(world, CaseType.REVIEW), "evidence": [(io.BytesIO(PDF), name, "application/pdf")]},
        content_type="multipart/form-data")
    settle(response, world.db, before)
    assert response.status_code == 302
    with world.db.session_scope() as s:
        (document,) = find_case(s, response.headers["Location"].rsplit("/", 1)[-1]).documents
        assert len(document.filename) == filing.MAX_FILENAME and document.filename.endswith(".pdf")
        assert document.filename.startswith("scan-0123") and document.content == PDF


@pytest.fixture(params=BACKENDS)
def accounts_anywhere(request, tmp_path, frozen):
    with fresh_database(request.param, tmp_path) as db:
        yield create_app({"TESTING": True, "DATABASE": db, "SECRET_KEY": "fuzz", **LIMITS}), db


def test_the_longest_names_and_address_the_form_accepts_make_an_account_on_every_backend(accounts_anywhere):
    """Surname and given names of 200 characters each and a 254-character address pass the form; confirming
    was a 500 on PostgreSQL (the account's name, both names, and the audit row's actor, the address, are
    longer than their columns). The account is made; its name is shortened, the candidate record keeps
    both names whole."""
    from casework.competitions.models import Candidate
    from casework.notifications.models import OutboxMessage
    app, db = accounts_anywhere
    email = "l" * 64 + "@" + "d" * 60 + "." + "e" * 60 + "." + "f" * 59 + ".example"
    assert len(email) == 254
    surname, given = "Ħ" * 199 + "a", "Ż" * 199 + "b"
    client = app.test_client()
    before = counts(db)
    response = client.post("/register", data={**REGISTRATION, "email": email, "surname": surname,
                                              "given_names": given, "csrf_token": token_of(client, "/register")})
    settle(response, db, before)
    assert response.status_code == 200, body(response)[:2000]
    with db.session_scope() as s:
        message = s.scalar(select(OutboxMessage).where(OutboxMessage.template == "account-confirm"))
        link = re.search(r"http://localhost(/confirm/[A-Za-z0-9_.\-]+)", message.body).group(1)
    before = counts(db)
    response = client.post(link, data={"csrf_token": token_of(client, link)})
    settle(response, db, before)
    assert response.status_code == 302
    with db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == email))
        candidate = s.get(Candidate, user.candidate_id)
        assert (candidate.surname, candidate.given_names) == (surname, given)
        assert len(user.name) == 200 and user.name.startswith(given)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token_of(client, "/login")})
    assert response.status_code == 302
    response = client.post("/account/password", data={"current": PASSWORD, "password": "another long password",
                                                      "password_again": "another long password",
                                                      "csrf_token": token_of(client, "/account/password")})
    assert response.status_code == 302


def test_a_candidate_with_the_longest_address_files_on_every_backend(any_backend):
    """A candidate's account with a 254-character address (the most registration accepts) files a request:
    what records them (the audit actor, the document's and the message's author) fits its column."""
    world = any_backend
    email = "l" * 64 + "@" + "d" * 60 + "." + "e" * 60 + "." + "f" * 59 + ".example"
    with world.db.session_scope() as s:
        s.get(User, world.alice).email = email
    before = counts(world.db)
    response = world.client.post("/portal/file/review", data={
        **base_form(world, CaseType.REVIEW), "evidence": [(io.BytesIO(PDF), "proof.pdf", "application/pdf")]},
        content_type="multipart/form-data")
    settle(response, world.db, before)
    assert response.status_code == 302
