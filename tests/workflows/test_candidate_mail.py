"""Issue 10 §5: every candidate-facing step a person takes mails the candidate — one outbox message per
step, in the step's transaction, in the candidate's language (C4, English fallback), with the date to
act by where a time limit of theirs runs (D2, D7, D8) — and internal steps (analysis, routing,
assignment) mail nobody. The letters sent via the account are in the case's language too."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import Case, CaseState, CaseType, DecidingBody
from casework.competitions import stages
from casework.notifications import OutboxMessage
from casework.workflows import MissingData, NotAllowed, apply, file_case, timelimits
from casework.workflows.machines import MAILED, STEPS, mailed

from ..competitions import factories as f
from . import people
from .test_filing import refused


def at(*args):
    return datetime(*args, tzinfo=UTC)


def mails(session, case) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)
                                .order_by(OutboxMessage.id)))


def speaks(session, application, language):
    """The candidate behind ``application`` corresponds in ``language`` (C4)."""
    application.candidate.correspondence_language = language
    session.flush()


def court_until(session, case):
    """The date to act by of the court window opened after ``case`` (D2, D7)."""
    window = session.scalar(select(Case).where(Case.parent_id == case.id, Case.type == CaseType.REMEDY)
                            .order_by(Case.id.desc()).limit(1))
    return timelimits.act_by(window.deadline("court-action"))


def file(session, application, case_type):
    return file_case(session, people.candidate(session, application), case_type, application=application,
                     decision=f.last_decision(session, application), details={"grounds": "the exclusion is wrong"})


# --- P3: a request for review, walked by people -------------------------------------------------------

def test_p3_each_candidate_facing_step_mails_a_french_candidate_once_in_french(session, frozen, excluded_by_board):
    notice, out, _ = excluded_by_board
    speaks(session, out, "FR")
    frozen.set(f.last_decision(session, out).published_at + timedelta(days=3))
    case = file(session, out, CaseType.REVIEW)
    team = people.team(session, notice)
    assert (case.deciding_body, case.language) == (DecidingBody.BOARD, "FR")
    assert mails(session, case) == []                    # the candidate filed it: nothing to tell them

    apply(session, case, "acknowledge", team.legal)
    assert len(mails(session, case)) == 1
    apply(session, case, "analyse", team.legal)          # internal: the legal team's analysis
    apply(session, case, "refer", team.legal)            # internal: routing to the deciding body (R1)
    assert len(mails(session, case)) == 1
    apply(session, case, "decide", team.board, outcome="rejected", reason="the diploma was awarded in 2018")
    apply(session, case, "reply", team.legal, body="Votre demande est rejetée : le diplôme date de 2018.")

    acknowledged, decided, replied = mails(session, case)
    ref = case.reference
    assert [(m.template, m.subject) for m in (acknowledged, decided, replied)] == [
        ("case-step", f"Votre dossier {ref} : réception confirmée"),
        ("case-decided", f"Votre dossier {ref} : décision prise"),
        ("case-reply", f"Votre dossier {ref} : réponse envoyée")]
    for message in (acknowledged, decided, replied):
        assert (message.recipient, message.language, message.text_language) == (out.candidate.email, "FR", "FR")
    assert "la réception de votre demande a été confirmée" in acknowledged.body
    assert "le jury de sélection a statué sur votre demande" in decided.body
    assert "Résultat : demande rejetée" in replied.body
    # D7: the court window runs from the board's decision on the review; the candidate is told the date to
    # act by, in French
    until = court_until(session, case)
    assert f"expire le {until.day} " in replied.body and str(until.year) in replied.body
    assert "Motif" not in replied.body                   # decided on the merits: no ground of inadmissibility
    # the letter of acknowledgement in the account is French too
    [letter] = [m for m in case.messages if m.kind == "acknowledgement"]
    assert letter.body.startswith(f"Votre demande {ref} du ") and letter.language == "FR"


def test_p3_rerouting_and_assignment_mail_nobody(session, frozen, excluded_by_board):
    notice, _, (application, _) = excluded_by_board
    decision = stages.exclude(session, application, ground="general_eligibility", author="epso", actor="epso",
                              published_at=frozen.now(), reason="no proof of citizenship")
    case = file_case(session, people.candidate(session, application), CaseType.REVIEW, application=application,
                     decision=decision, details={"grounds": "the proof was uploaded"})
    team = people.team(session, notice)
    apply(session, case, "acknowledge", team.legal)
    apply(session, case, "analyse", team.legal)
    apply(session, case, "assign", team.head, officer=str(team.legal.user_id))
    apply(session, case, "reroute", team.legal, body="board", reason="the documents were assessed by the board")
    assert case.deciding_body is DecidingBody.BOARD
    assert [m.template for m in mails(session, case)] == ["case-step"]       # the acknowledgement only


def referred_complaint(session, frozen, notice, out):
    """A complaint lodged on Wednesday 13 April 2022, acknowledged, analysed and referred to the
    Director by the legal team: (case, team)."""
    frozen.set(at(2022, 4, 13, 9))
    case = file(session, out, CaseType.COMPLAINT)
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    return case, team


# --- P4: a complaint, walked by people ----------------------------------------------------------------

def test_p4_each_candidate_facing_step_mails_a_french_candidate_once_in_french(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    speaks(session, out, "FR")
    frozen.set(at(2022, 4, 13, 9))
    case = file(session, out, CaseType.COMPLAINT)
    team = people.team(session, notice)
    assert case.deciding_body is DecidingBody.APPOINTING_AUTHORITY
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    apply(session, case, "decide", team.director, outcome="rejected", reason="the declaration was missing")
    frozen.set(at(2022, 6, 10, 9))                        # the reply is notified on Friday 10 June 2022
    apply(session, case, "reply", team.legal, body="Votre réclamation est rejetée.")

    messages = mails(session, case)
    ref = case.reference
    assert [(m.template, m.subject, m.text_language) for m in messages] == [
        ("case-step", f"Votre dossier {ref} : réception confirmée", "FR"),
        ("case-decided", f"Votre dossier {ref} : décision prise", "FR"),
        ("case-reply", f"Votre dossier {ref} : réponse envoyée", "FR")]
    assert "l'autorité investie du pouvoir de nomination a statué" in messages[1].body
    # D7: the court window runs from the notification of the reply; the mail gives its date to act by
    until = court_until(session, case)
    assert until > at(2022, 6, 10).date()
    french_months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                     "octobre", "novembre", "décembre")
    assert f"Le délai pour ce faire expire le {until.day} {french_months[until.month - 1]} {until.year}." \
        in messages[2].body
    # one key per case, step and version: no step mailed twice
    assert len({m.key for m in messages}) == 3 and all(m.key.startswith(f"case-{case.id}/") for m in messages)


def test_p4_an_inadmissible_complaint_is_told_its_ground_in_the_candidates_language(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    speaks(session, out, "DE")
    case, team = referred_complaint(session, frozen, notice, out)
    apply(session, case, "decide", team.director, outcome="inadmissible", ground="no-adverse-act",
          reason="the act does not affect the candidate")
    apply(session, case, "reply", team.legal, body="Ihre Beschwerde ist unzulässig.")
    replied = mails(session, case)[-1]
    assert (replied.template, replied.subject) == ("case-reply", f"Ihr Verfahren {case.reference}: Antwort übermittelt")
    assert "Ergebnis: Antrag unzulässig\nGrund: es liegt keine Sie beschwerende Maßnahme vor\n" in replied.body
    assert "Die Frist dafür endet am" in replied.body             # D7: inadmissible is adverse: the window opens


def test_an_upheld_complaint_offers_no_court_window(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    case, team = referred_complaint(session, frozen, notice, out)
    apply(session, case, "decide", team.director, outcome="upheld", reason="the declaration was in the file")
    apply(session, case, "reply", team.legal, body="Your complaint is upheld.")
    replied = mails(session, case)[-1]
    assert (replied.subject, replied.text_language) == (f"Your case {case.reference}: reply sent", "EN")
    assert "Outcome: upheld\n" in replied.body and "General Court" not in replied.body


# --- languages, refusals, who takes the step -----------------------------------------------------------

def test_a_candidate_writing_in_a_language_without_templates_gets_english(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    speaks(session, out, "PL")
    frozen.set(at(2022, 4, 13, 9))
    case = file(session, out, CaseType.COMPLAINT)
    apply(session, case, "acknowledge", people.team(session, notice).legal)
    [message] = mails(session, case)
    assert (message.language, message.text_language) == ("PL", "EN")
    assert message.subject == f"Your case {case.reference}: acknowledged"
    [letter] = [m for m in case.messages if m.kind == "acknowledgement"]
    assert letter.language == "EN" and letter.body.startswith(f"Your request {case.reference} of 2022-04-13 ")


def test_a_refused_step_mails_nothing(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    case, team = referred_complaint(session, frozen, notice, out)
    refused(session, case, NotAllowed, "decide", team.board, outcome="upheld", reason="x")
    refused(session, case, MissingData, "decide", team.director, outcome="upheld")
    assert [m.template for m in mails(session, case)] == ["case-step"]


def test_the_candidates_own_withdrawal_and_a_reopening_are_mailed(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    case, team = referred_complaint(session, frozen, notice, out)
    apply(session, case, "decide", team.director, outcome="rejected", reason="x")
    apply(session, case, "reply", team.legal, body="Rejected.")
    apply(session, case, "reopen", team.head, reason="a judgment annulled the reply")
    apply(session, case, "withdraw", people.candidate(session, out))
    steps = [m.key.split("/")[1] for m in mails(session, case)]
    assert steps == ["acknowledge", "decide", "reply", "reopen", "withdraw"]
    assert mails(session, case)[-1].subject == f"Your case {case.reference}: withdrawn"


@pytest.fixture
def documents(session, frozen, excluded_by_board):
    notice, application, _ = excluded_by_board
    speaks(session, application, "FR")
    frozen.set(at(2022, 4, 5, 8))
    case = file_case(session, people.candidate(session, application), CaseType.ACCESS_DOCUMENTS,
                     details={"documents": "the board's minutes on the eligibility of candidates in field 1"})
    return case, people.team(session, notice), application


def test_d8_a_partly_negative_reply_tells_the_date_to_act_by_of_the_confirmatory_application(session, frozen,
                                                                                           documents):
    case, team, _ = documents
    frozen.set(at(2022, 4, 20, 9))
    apply(session, case, "reply", team.legal, body="Accès partiel.", outcome="partial")
    [replied] = mails(session, case)
    until = timelimits.act_by(case.deadline("confirmatory-filing"))
    assert "Résultat : accès partiel accordé" in replied.body
    assert f"Le dernier jour pour le faire est le {until.day} mai {until.year}." in replied.body
    assert "Tribunal" not in replied.body


def test_d8_steps_the_scheduler_takes_are_not_mailed_twice(session, frozen, documents):
    """The scheduler mails what it does itself (keyed by its due row): the step's hook leaves it alone."""
    case, team, application = documents
    frozen.set(at(2022, 4, 20, 9))
    apply(session, case, "reply", team.legal, body="Refusé.", outcome="refused")
    frozen.set(at(2022, 5, 2, 9))
    apply(session, case, "confirm", people.candidate(session, application))
    apply(session, case, "extend", team.legal, reason="consultation du jury nécessaire")
    frozen.set(at(2022, 6, 18, 9))         # the extended confirmatory reply period ended on 17 June (D8)
    apply(session, case, "implied_refusal", team.system)
    assert case.state is CaseState.IMPLIED_REJECTION
    assert [m.key.split("/")[1] for m in mails(session, case)] == ["reply", "confirm", "extend"]
    assert [m.subject for m in mails(session, case)][1:] == [
        f"Votre dossier {case.reference} : demande confirmative en cours d'examen"] * 2
    # the letters in the account are French
    [extension] = [m for m in case.messages if m.kind == "extension"]
    assert extension.body.startswith("Le délai de réponse est prolongé jusqu'au ") and extension.language == "FR"
    assert "règlement (CE) n° 1049/2001" in [m.body for m in case.messages if m.kind == "notice"][-1]


def test_every_mailed_step_exists_and_no_internal_step_is_mailed():
    triggers = {st.trigger for steps in STEPS.values() for st in steps}
    assert MAILED <= triggers
    for internal in ("analyse", "refer", "reroute", "assign", "decide_clock"):
        assert not any(mailed(case_type, internal) for case_type in CaseType)
    for tracked in ("lodge", "judge", "lapse", "decide_clock"):       # P6: followed by the legal team
        assert not mailed(CaseType.REMEDY, tracked)
    assert mailed(CaseType.REVIEW, "acknowledge") and mailed(CaseType.COMPLAINT, "reply")
