"""The candidates' portal (issue 11): their competitions, decisions, cases, filings and documents.

Every view is for a logged-in candidate (anyone else: the login page, or 404 for another role), loads
what the address names, lets the candidate see it only if ``permissions`` says so (404 otherwise:
existence never leaks), runs its form, calls one domain operation and renders or redirects. What a
page shows is put together in :mod:`.pages` from the domain's functions.
"""
from __future__ import annotations

from functools import wraps
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user

from ...cases.models import CaseType
from ...deadlines import DeadlineError
from ...workflows import WarningRequired, WorkflowError, disclosure
from ...workflows.errors import SittingNotOnRecord, UploadRefused
from ...workflows.requests import FILEABLE, DayRefused, file_request
from .. import get_session, read_only
from . import forms, pages
from .helpers import template_helpers

bp = Blueprint("portal", __name__)
bp.context_processor(template_helpers)


def _language() -> str:
    """The page's language as casework's code ("FR"): the candidate's own unless they chose another."""
    return str(get_locale() or "en").split("_")[0].upper()


def candidate_required(view):
    """Logged in (else the login page), as a candidate (else 404: the portal is theirs alone)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not getattr(current_user, "is_authenticated", False):
            return current_app.login_manager.unauthorized()
        g.me = pages.me(get_session(), getattr(current_user, "id", None), _language())
        if g.me is None:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


@bp.get("/")
@read_only
@candidate_required
def index():
    return render_template("portal/index.html", record=pages.competitions(get_session(), g.me))


@bp.get("/decisions")
@read_only
@candidate_required
def decisions():
    return render_template("portal/decisions.html", items=pages.decisions(get_session(), g.me))


@bp.get("/decisions/<decision_id>")
@read_only
@candidate_required
def decision(decision_id: str):
    found = pages.visible_decision(get_session(), g.me, decision_id)
    if found is None:
        abort(404)
    return render_template("portal/decision.html", item=pages.decision_item(get_session(), g.me, found))


@bp.route("/file/<case_type>", methods=["GET", "POST"])
@candidate_required
def file(case_type: str):
    session, kind = get_session(), next((t for t in FILEABLE if t.value == case_type), None)
    if kind is None:
        abort(404)
    asks = "decision" in forms.subject_fields(kind)
    named = request.args.get("decision") if asks else None
    contested = pages.visible_decision(session, g.me, named) if named else None
    if named and contested is None:
        abort(404)          # a decision in the address that is not theirs; one posted is the domain's to refuse
    posted = request.form.get("decision") if asks and request.method == "POST" else None
    if posted and posted != named:      # what is contested: the decision chosen in the form, else the address's
        contested = pages.visible_decision(session, g.me, posted)
    form = forms.form_class(kind)()
    warnings = pages.warnings(session, g.me, kind, contested)        # in the page's language
    forms.prepare(form, warnings)
    status, refusal = 200, None
    if form.validate_on_submit():
        try:
            case = file_request(session, g.me.actor, forms.request_from(kind, form, request.form, request.files))
        except UploadRefused as exc:               # said at the field, in the page's language
            form.evidence.errors = [*form.evidence.errors, forms.upload_refusal(exc)]
            status = 422
        except (DayRefused, SittingNotOnRecord) as exc:
            form.sat_on.errors = [*form.sat_on.errors, forms.day_refusal(exc)]
            status = 422
        except WarningRequired as exc:             # the domain's words are English: the page's instead
            said = dict(warnings).get(exc.code) or str(exc)
            form.confirmed.choices = forms.options([(exc.code, said)], forms.WarningChoice)
            status, refusal = 422, said
        except (WorkflowError, DeadlineError) as exc:
            status, refusal = 422, str(exc)
        else:
            flash(gettext("Your request was filed as %(reference)s.", reference=case.reference), "success")
            return redirect(url_for(".case", reference=case.reference))
    elif form.is_submitted():
        status = 422
    choices, tests = pages.filing_choices(session, g.me, kind)
    forms.offer(form, decisions=choices, sittings=[(forms.sitting_value(n, t), label) for n, t, label in tests],
                prefill=request.args)
    about_form = (pages.application_form_option(session, g.me, request.args.get("notice"))
                  if kind is CaseType.TECHNICAL_ISSUE and request.args.get("about") == "application-form" else None)
    return render_template("portal/file.html", form=form, kind=kind, refusal=refusal,
                           contested=contested and pages.decision_item(session, g.me, contested),
                           application_form=about_form, asks=forms.subject_fields(kind)), status


@bp.get("/cases")
@read_only
@candidate_required
def cases():
    return render_template("portal/cases.html", cases=pages.cases(get_session(), g.me))


@bp.get("/cases/<reference>")
@read_only
@candidate_required
def case(reference: str):
    found = pages.visible_case(get_session(), g.me, reference)
    if found is None:
        abort(404)
    return render_template("portal/case.html", case=found[1], next=pages.next_deadline(found[1]),
                           labels=forms.LABELS, chosen=forms.CHOSEN, categories=disclosure.CATEGORIES)


@bp.get("/documents/<document_id>")
@read_only
@candidate_required
def document(document_id: str):
    found = pages.visible_document(get_session(), g.me, document_id)
    if found is None:
        abort(404)
    response = send_file(BytesIO(found.content), mimetype=found.media_type, as_attachment=True,
                         download_name=found.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

