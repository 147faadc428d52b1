"""The candidate portal through the Flask test client (issue 11): My competitions, My decisions with
"What can I do about this?", the filing forms generated from filing.DETAILS, My cases, the case page
and document downloads — on SQLite, and on PostgreSQL when it is configured.

The world (tests/web/portal_world.py): alice, excluded by the board, has a review walked to its reply;
bob, admitted, has a complaint; a legal officer.
"""
from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from casework.cases.models import Case
from casework.workflows import filing
from tests.conftest import BACKENDS, fresh_database

from . import portal_world as w


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path, frozen):
    with fresh_database(request.param, tmp_path) as db:
        world = w.build(db, frozen)
        world.app = w.app_for(db)
        world.db = db
        yield world


@pytest.fixture
def alice(world):
    client = world.app.test_client()
    w.login(client, world.alice)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def cases(world) -> int:
    with world.db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(Case))


# --- the pages -------------------------------------------------------------------------------------

def test_my_competitions_shows_stage_status_and_history(world, alice):
    page = text(alice.get("/portal/"))
    assert "EPSO/AD/398/22" in page and "My competitions" in page
    assert "eligibility check" in page                # the stage, in words (C16)
    assert "excluded" in page
    assert f"/portal/decisions/{world.exclusion}" in page      # the history links its decision


def test_my_decisions_gives_the_reasons_and_what_can_be_done(world, alice):
    page = text(alice.get("/portal/decisions"))
    assert "What can I do about this?" in page
    assert "Request for review" in page and "Complaint under Article 90(2)" in page
    assert "Action before the General Court" in page          # P6, for information
    assert "the selection board" in page                      # the review is decided by the board (R1)
    assert "Before you file: this complaint cannot change the decision." in page     # P4 against the board
    assert f"/portal/file/review?decision={world.exclusion}" in page
    assert "Date to act by" in page and "How this date was computed" in page
    assert "The day of the event itself is not counted" in page                    # D6 in plain words


def test_a_decision_page_never_shows_the_english_reason(world, alice):
    with world.db.session_scope() as session:
        from casework.competitions.models import Decision
        reason = session.get(Decision, world.exclusion).reason
    page = text(alice.get(f"/portal/decisions/{world.exclusion}"))
    assert reason and reason not in page


def test_the_case_page_shows_state_body_correspondence_and_documents_not_the_analysis(world, alice):
    page = text(alice.get(f"/portal/cases/{world.alice_case}"))
    assert world.alice_case in page
    assert "the selection board" in page                      # the deciding body, never the member
    assert w.REPLY in page                                    # the reply, readable in the browser
    assert w.GROUNDS in page                                  # what she filed
    assert f"/portal/documents/{world.alice_document}" in page
    assert f"/portal/documents/{world.alice_reply_document}" in page
    assert "What happens next" in page
    for secret in (w.INTERNAL, w.BOARD_REASON, "board-member", "value-judgment"):
        assert secret not in page, secret


def test_my_cases_lists_her_case_only(world, alice):
    page = text(alice.get("/portal/cases"))
    assert world.alice_case in page and world.bob_case not in page


def test_a_document_downloads_as_an_attachment_with_its_type_and_nosniff(world, alice):
    response = alice.get(f"/portal/documents/{world.alice_document}")
    assert response.status_code == 200 and response.data == w.PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "diploma.pdf" in response.headers["Content-Disposition"]
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_dates_are_in_brussels_time_with_the_zone_named(world, alice):
    page = text(alice.get(f"/portal/cases/{world.alice_case}"))
    assert "Brussels time" in page and re.search(r"\b(CET|CEST)\b", page)


def test_the_page_is_in_the_candidates_language(world):
    with world.db.session_scope() as session:
        from casework.auth.models import User
        session.get(User, world.alice).language = "FR"
    client = world.app.test_client()
    w.login(client, world.alice)
    page = text(client.get("/portal/decisions"))
    assert "exclusion du concours" in page                   # the decision and its reasons in French
    assert "le jury de sélection" in page and "22 mars 2022" in page
    assert "Décision : exclusion du concours" in page


# --- filing ----------------------------------------------------------------------------------------

def review_form(world, **extra):
    return {"decision": str(world.exclusion), "detail_grounds": "the board counted the wrong diploma", **extra}


def test_the_review_form_is_generated_from_the_details_and_prefilled_with_the_decision(world, alice):
    page = text(alice.get(f"/portal/file/review?decision={world.exclusion}"))
    assert 'name="detail_grounds"' in page and 'name="detail_technical_issue"' in page
    assert 'type="radio"' in page                                     # a yes/no flag
    assert re.search(rf'<option[^>]*selected[^>]*value="{world.exclusion}"|<option[^>]*value="{world.exclusion}"'
                     r'[^>]*selected', page)
    assert "(required)" in page and "value judgments" in page          # marker and help text
    assert 'type="file"' in page


def test_filing_a_review_against_the_board_exclusion_end_to_end(world, alice, frozen):
    before = cases(world)
    response = alice.post("/portal/file/review", data=review_form(world, evidence=(io.BytesIO(w.PDF), "proof.pdf",
                                                                                    "application/pdf")),
                          content_type="multipart/form-data")
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    assert cases(world) == before + 1 and reference.startswith("REV-")
    page = text(alice.get(f"/portal/cases/{reference}"))
    assert f"Your request was filed as {reference}." in page           # the flash
    assert "proof.pdf" in page and "the board counted the wrong diploma" in page
    assert "Time limit for filing the request" in page and "How this date was computed" in page
    assert "Filed after the time limit" not in page
    listed = text(alice.get("/portal/cases"))      # My cases: the next date is what EPSO owes her now
    assert reference in listed and "the acknowledgement of receipt:" in listed


def test_the_acknowledgement_deadline_is_shown_with_its_explanation(world, alice):
    response = alice.post("/portal/file/review", data=review_form(world))
    page = text(alice.get(response.headers["Location"]))
    assert "the acknowledgement of receipt" in page


def test_filing_late_is_recorded_and_said(world, alice, frozen):
    frozen.set(datetime(2022, 4, 20, 10, tzinfo=UTC))
    page = text(alice.get("/portal/decisions"))
    assert "This date has passed. You can still file" in page
    response = alice.post("/portal/file/review", data=review_form(world))
    assert response.status_code == 302
    page = text(alice.get(response.headers["Location"]))
    assert "Filed after the time limit" in page and "days late" in page


def test_a_holiday_in_a_computation_is_named_in_the_pages_language(world, alice, frozen):
    """Filed on Wednesday 13 April 2022: the acknowledgement's 15 working days skip Maundy Thursday,
    Good Friday and Easter Monday, named in French on a French page (D2, D6)."""
    frozen.set(datetime(2022, 4, 13, 10, tzinfo=UTC))
    response = alice.post("/portal/file/review?lang=fr", data=review_form(world))
    assert response.status_code == 302
    page = text(alice.get(response.headers["Location"]))
    assert "Jeudi saint" in page and "Vendredi saint" in page and "Lundi de Pâques" in page
    assert "Easter Monday" not in page and "Good Friday" not in page
    alice.get("/portal/?lang=en")


def test_the_p4_warning_must_be_confirmed(world, alice):
    form = {"decision": str(world.exclusion), "detail_grounds": "the exclusion breaches the notice"}
    page = text(alice.get(f"/portal/file/complaint?decision={world.exclusion}"))
    assert f'value="{filing.BOARD_WARNING_CODE}"' in page and "Before you file" in page
    before = cases(world)
    refused = alice.post("/portal/file/complaint", data=form)
    assert refused.status_code == 422 and cases(world) == before
    assert "Your request was not filed" in text(refused)
    accepted = alice.post("/portal/file/complaint", data={**form, "confirmed": filing.BOARD_WARNING_CODE})
    assert accepted.status_code == 302 and cases(world) == before + 1


def test_the_p4_warning_is_about_the_decision_chosen_in_the_form_not_the_one_in_the_address(world, alice):
    """A complaint form opened for one board decision (?decision=A) and sent for another (B), unconfirmed:
    the warning shown again gives B's court window (D7), never A's."""
    from casework.competitions.models import Decision
    with world.db.session_scope() as session:
        first = session.get(Decision, world.exclusion)
        second = Decision(**{c: getattr(first, c) for c in ("application_id", "notice_version_id", "kind", "author",
                                                            "phase", "outcome", "ground", "reason")},
                          published_at=datetime(2022, 6, 1, 10, tzinfo=UTC))
        session.add(second)
        session.flush()
        second_id = second.id
    refused = alice.post(f"/portal/file/complaint?decision={world.exclusion}",
                         data={"decision": str(second_id), "detail_grounds": "the second exclusion breaches the notice"})
    page = html.unescape(text(refused))
    assert refused.status_code == 422
    first_window = re.findall(r"it ends on (\S+ \S+ \S+)", text(alice.get(f"/portal/file/complaint?decision={world.exclusion}")))
    again = re.findall(r"it ends on (\S+ \S+ \S+)", page)
    assert first_window and again and set(again).isdisjoint(first_window), (first_window, again)


def test_the_p4_warning_a_complaint_was_sent_without_is_said_again_in_the_pages_language(world, alice):
    """Posted without confirming, the P4 warning comes back in French on a French page, as the form
    first showed it, never in the domain's English."""
    french, english = "La décision que vous contestez a été prise par le jury", "The decision you contest was taken"
    form = {"decision": str(world.exclusion), "detail_grounds": "l'exclusion méconnaît l'avis"}
    assert french in text(alice.get(f"/portal/file/complaint?decision={world.exclusion}&lang=fr"))
    refused = alice.post(f"/portal/file/complaint?decision={world.exclusion}&lang=fr", data=form)
    page = text(refused)
    assert refused.status_code == 422 and "Votre demande n" in page
    assert page.count(french) == 2 and english not in page        # the refusal and the box to tick
    alice.get("/portal/?lang=en")


def test_the_form_states_the_limits_the_application_enforces(world, alice):
    """The Documents field says how large each file and the whole sending may be: the figures that
    filing.checked and the request bound (the 413 page) apply, not others."""
    mb = 1024 * 1024
    page = text(alice.get(f"/portal/file/review?decision={world.exclusion}"))
    each, total = filing.MAX_UPLOAD_BYTES // mb, world.app.config["MAX_CONTENT_LENGTH"] // mb
    assert f"at most {each} MB each, {total} MB in all." in page


def test_an_unknown_detail_is_refused_with_the_domains_message(world, alice):
    before = cases(world)
    response = alice.post("/portal/file/review", data=review_form(world, detail_grond="x"))
    assert response.status_code == 422 and cases(world) == before
    assert "unknown detail &#39;grond&#39; for review (P3)" in text(response)


def test_a_required_detail_is_asked_for_at_its_field(world, alice):
    response = alice.post("/portal/file/review", data={"decision": str(world.exclusion)})
    assert response.status_code == 422
    assert 'id="detail_grounds-errors"' in text(response) and "This is required." in text(response)


def test_a_fake_pdf_is_refused(world, alice):
    before = cases(world)
    response = alice.post("/portal/file/review", data=review_form(
        world, evidence=(io.BytesIO(b"MZ\x90\x00 not a pdf at all"), "cv.pdf", "application/pdf")),
        content_type="multipart/form-data")
    assert response.status_code == 422 and cases(world) == before
    assert "is not a real application/pdf file" in text(response)


@pytest.mark.parametrize("upload, says", [
    ((b"MZ\x90\x00 not a pdf at all", "cv.pdf", "application/pdf"),
     "cv.pdf n’est pas un vrai fichier application/pdf : son contenu ne correspond pas à son type."),
    ((b"#!/bin/sh\nrm -rf /\n", "run.sh", "application/x-sh"),
     "run.sh : les fichiers de ce type ne sont pas acceptés (acceptés : PDF, PNG, JPEG, texte brut)."),
    ((b"caf\xe9 latin-1", "note.txt", "text/plain"),
     "note.txt n’est pas un texte en UTF-8 : enregistrez-le en UTF-8, ou en PDF."),
])
def test_a_refused_file_is_said_at_the_documents_field_in_the_candidates_language(world, alice, upload, says):
    """The domain's refusal of a file (filing.checked) is shown in the page's language, tied to the
    Documents field by the error summary; nothing is filed."""
    before = cases(world)
    content, name, kind = upload
    response = alice.post("/portal/file/review?lang=fr", data=review_form(
        world, evidence=(io.BytesIO(content), name, kind)), content_type="multipart/form-data")
    page = html.unescape(text(response))
    assert response.status_code == 422 and cases(world) == before
    assert says in page and 'href="#evidence"' in page
    assert "not a real" not in page and "are not accepted" not in page                # no English left


def test_another_candidates_decision_cannot_be_filed_against(world, alice):
    before = cases(world)
    assert alice.get(f"/portal/file/review?decision={world.admission}").status_code == 404
    response = alice.post("/portal/file/review", data=review_form(world, decision=str(world.admission)))
    assert response.status_code == 422 and cases(world) == before
    assert "no decision" in text(response)


def test_the_p5_form_lists_the_categories_as_checkboxes(world, alice):
    page = text(alice.get(f"/portal/file/access-info?decision={world.exclusion}"))
    assert page.count('name="detail_items"') == len(filing_categories())
    assert 'type="checkbox"' in page


def filing_categories():
    from casework.workflows.disclosure import CATEGORIES
    return CATEGORIES


def test_an_unknown_case_type_is_404(world, alice):
    assert alice.get("/portal/file/remedy").status_code == 404
    assert alice.get("/portal/file/nonsense").status_code == 404


def test_the_passed_limit_warning_appears_on_the_form_too(world, alice, frozen):
    frozen.advance(days=30)
    page = text(alice.get(f"/portal/file/review?decision={world.exclusion}"))
    assert "This date has passed" in page


def test_anonymous_goes_to_the_login_page(world):
    response = world.app.test_client().get("/portal/")
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


def test_a_huge_id_is_404_not_an_error(world, alice):
    for url in ("/portal/decisions/99999999999999999999999", "/portal/documents/99999999999999999999999",
                "/portal/decisions/-1", "/portal/documents/abc"):
        assert alice.get(url).status_code == 404, url


# --- results and the tests sat (C13, P1, P2) -------------------------------------------------------

@pytest.fixture
def tested(tmp_path, frozen):
    """AD/398/22 field 1: carla through the screener, then the assessment centre: she sat the verbal MCQ
    on Monday 13 June 2022 (20 questions, 5 wrong); the phase was closed on Tuesday 14 June."""
    from casework.auth.models import Role
    from casework.competitions import results
    from tests.competitions import factories as f
    from tests.competitions.test_neutralisation import VERBAL, _key, _sheet
    with fresh_database("sqlite", tmp_path) as db:
        with db.session_scope() as session:
            notice = f.publish(session, only_fields=("1",), places={"1": 10})
            (carla,) = f.scored_through_screener(session, notice, frozen, [40])
            _key(session, notice, "verbal", VERBAL)
            _sheet(session, carla, "verbal", VERBAL[:20], wrong=VERBAL[:5])
            results.record_sitting(session, carla, "verbal", datetime(2022, 6, 13).date())
            f.marks(session, carla, numerical=7, abstract=7, competencies=60, interview=70)
            frozen.set(datetime(2022, 6, 14, 10, tzinfo=UTC))
            f.close(session, notice, "assessment")
            user = w._user(session, Role.CANDIDATE, carla.candidate_id)
            ids = {"user": user.id, "notice": notice.reference}
        app = w.app_for(db)
        client = app.test_client()
        w.login(client, ids["user"])
        yield client, ids, db


def test_results_show_the_screener_the_mcq_answers_by_reference_and_the_passport(tested):
    client, _, _ = tested
    page = text(client.get("/portal/"))
    assert "Talent screener" in page and "Weight" in page
    assert "VER-001" in page and "Correct answer" in page                 # by question reference (C13)
    assert "Your score: 15 out of 20." in page
    assert "Competency passport" in page and "competency" in page.lower()
    assert "About the tests you sat" in page and "Request to neutralise a test question" in page
    assert "You sat this test on 13 June 2022." in page


def test_a_neutralisation_request_about_the_test_sat_end_to_end(tested):
    client, ids, _ = tested
    url = f"/portal/file/neutralisation?notice={ids['notice']}&test=verbal"
    page = text(client.get(url))
    assert f'value="{ids["notice"]}::verbal"' in page and 'name="detail_question"' in page
    response = client.post(url, data={"sitting": f"{ids['notice']}::verbal",
                                      "detail_question": "the question on the merger of two agencies (VER-020)",
                                      "detail_explanation": "answers A and C are both right"})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Request to neutralise a test question" in page and "the selection board" in page
    assert "16 June 2022" in page                    # 3 calendar days after the test (2022 rules)
    assert "Filed after the time limit" not in page
    filed = page[page.index('id="filed"'):page.index('id="correspondence"')]      # what was filed, in words
    assert "<dt>The test</dt>" in filed and "<dt>The day you sat the test</dt>" in filed
    assert "13 June 2022" in filed and "sat_on" not in filed and "2022-06-13" not in filed


@pytest.mark.parametrize("extra", [
    {"detail_grounds": "nul\x00byte"},
    {"detail_grounds": "x" * 200_000},
    {"detail_grounds": "<script>alert(1)</script>"},
    {"detail_technical_issue": "maybe"},
    {"decision": "0"},
    {"decision": "9" * 40},
    {"decision": "1; DROP TABLE cases"},
    {"confirmed": "not-a-warning"},
    {"detail_decision": "granted"},
])
def test_hostile_input_is_a_4xx_with_a_message_or_escaped(world, alice, extra):
    response = alice.post("/portal/file/review", data=review_form(world, **extra))
    assert response.status_code in (302, 422), response.status_code
    body = text(response)
    assert "<script>alert(1)</script>" not in body
    if response.status_code == 302:
        page = text(alice.get(response.headers["Location"]))
        assert "<script>alert(1)</script>" not in page
        if "<script>" in str(extra):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("url, data", [
    ("/portal/file/neutralisation", {"sitting": "EPSO/XX/1/22::verbal", "detail_question": "q", "detail_explanation": "e"}),
    ("/portal/file/neutralisation", {"sitting": "nonsense", "detail_question": "q", "detail_explanation": "e"}),
    ("/portal/file/technical-issue", {"sitting": "EPSO/AD/398/22::verbal", "sat_on": "1900-01-01",
                                      "detail_description": "d"}),
    ("/portal/file/technical-issue", {"sitting": "EPSO/AD/398/22::verbal", "sat_on": "31/12/2022",
                                      "detail_description": "d"}),
    ("/portal/file/complaint", {"detail_grounds": "g", "detail_omission_date": "yesterday"}),
])
def test_malformed_subjects_are_refused_with_a_message(world, alice, url, data):
    before = cases(world)
    response = alice.post(url, data=data)
    assert response.status_code == 422 and cases(world) == before
    assert "Your request was not filed" in text(response)


@pytest.mark.parametrize("data, field, says", [
    ({"sitting": "EPSO/AD/398/22::verbal", "sat_on": "31/12/2022"}, "sat_on",
     "Indiquez le jour sous la forme année-mois-jour, par exemple 2022-03-25."),
    ({"sitting": "EPSO/AD/398/22::verbal", "sat_on": "2099-01-01"}, "sat_on",
     "2099-01-01 est dans le futur : indiquez le jour où vous avez passé l’épreuve."),
    ({"sat_on": "2022-03-01"}, "sitting", "Choisissez l’épreuve que vous avez passée ce jour-là."),
    ({"sitting": "EPSO/AD/398/22::verbal"}, "sat_on",           # no sitting of hers on record, no day given
     "Cette épreuve n'est pas enregistrée avec le jour où vous l'avez passée : indiquez ce jour."),
])
def test_the_day_a_test_was_sat_is_refused_at_its_field_in_the_candidates_language(world, alice, data, field,
                                                                                  says):
    """P2: a day that is not a date, in the future, given without the test, or missing for a test not on
    record: said in French at the field it is about (the error summary links to it), nothing filed."""
    before = cases(world)
    response = alice.post("/portal/file/technical-issue?lang=fr", data={**data, "detail_description": "d"})
    page = html.unescape(text(response))
    assert response.status_code == 422 and cases(world) == before
    assert says in page and f'href="#{field}"' in page
    assert "is in the future" not in page and "is not a date" not in page and "is given without" not in page
    assert "no sitting of" not in page


@pytest.mark.parametrize("path, data, field, says", [
    ("review", {"detail_grounds": "g"}, "decision", "Choisissez la décision que vous contestez."),
    ("access-info", {"detail_items": "marks"}, "decision", "Choisissez la décision que vous contestez."),
    ("complaint", {"detail_grounds": "g"}, "decision",
     "Choisissez la décision que vous contestez, ou indiquez la date à laquelle une décision aurait dû être prise."),
    ("complaint", {"detail_grounds": "g", "detail_omission_date": "31/12/2022"}, "detail_omission_date",
     "Indiquez le jour sous la forme année-mois-jour, par exemple 2022-03-25."),
    ("complaint", {"detail_grounds": "g", "detail_omission_date": " 2022-03-25"}, "detail_omission_date",
     "Indiquez le jour sous la forme année-mois-jour, par exemple 2022-03-25."),     # as filing reads it
])
def test_a_filing_without_its_subject_is_refused_at_its_field_in_the_candidates_language(world, alice, path, data,
                                                                                       field, says):
    """P3, P4, P5 sent without the decision (or for P4 the date by which one should have been taken, or
    a date that is not one): said in French at the field, before the domain's English, nothing filed."""
    before = cases(world)
    response = alice.post(f"/portal/file/{path}?lang=fr", data=data)
    page = html.unescape(text(response))
    assert response.status_code == 422 and cases(world) == before
    assert says in page and f'href="#{field}"' in page
    assert "name the contested decision" not in page and "is not a date" not in page


@pytest.mark.parametrize("filed", ["Съдебна практика", "0001-01-01T00:00+01:00", "9999-12-31T23:59"])
def test_a_date_filed_that_is_not_one_is_shown_as_it_was_filed(world, alice, filed):
    """The domain keeps the details it is given: a complaint with its decision and an omission date that
    is no date, or an instant at the calendar's edge (irrelevant then), shows on the case page as filed,
    never as a 500 (found by the fuzzing and by review)."""
    from casework.auth.actors import actor_for
    from casework.auth.models import User
    from casework.workflows.requests import FilingRequest, file_request
    with world.db.session_scope() as session:
        case = file_request(session, actor_for(session, session.get(User, world.alice)), FilingRequest(
            "complaint", decision=str(world.exclusion), details={"grounds": "g", "omission_date": filed},
            confirmed=[filing.BOARD_WARNING_CODE]))
        reference = case.reference
    response = alice.get(f"/portal/cases/{reference}")
    assert response.status_code == 200 and filed in text(response)


def test_a_problem_with_the_application_form_while_applications_are_open_with_the_d10_warning(tmp_path, frozen):
    """1 March 2022: AD/398/22 closes on 22 March at noon; questions after 15 March may not be answered (D10)."""
    from casework.auth.models import Role
    from tests.competitions import factories as f
    with fresh_database("sqlite", tmp_path) as db:
        with db.session_scope() as session:
            notice = f.publish(session, only_fields=("1",))
            dana = f.apply(session, notice)
            user, reference = w._user(session, Role.CANDIDATE, dana.candidate_id).id, notice.reference
        client = w.app_for(db).test_client()
        w.login(client, user)
        page = text(client.get("/portal/"))
        assert "While applications are open" in page and "15 March 2022" in page
        url = f"/portal/file/technical-issue?notice={reference}&about=application-form"
        assert "about=application-form" in page
        form = text(client.get(url))
        assert "may not be answered in time" in form
        assert re.search(rf'<option[^>]*value="{reference}::"[^>]*selected|<option[^>]*selected[^>]*value="{reference}::"',
                         form)
        response = client.post(url, data={"sitting": f"{reference}::", "detail_about": "application-form",
                                          "detail_description": "the form loses my diploma"})
        assert response.status_code == 302
        page = text(client.get(response.headers["Location"]))
        assert "Report of a technical or organisational problem" in page and "Filed after the time limit" not in page
