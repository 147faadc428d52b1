"""The portal's filing forms, generated from what each case type takes (``filing.DETAILS``).

Each detail of a case type becomes one field: a text (a text area, or a choice where the rules read
one value), a yes/no flag as two radio buttons, a list (the P5 items) as checkboxes of
``disclosure.CATEGORIES``. Every field has a label and a help text (below, through the catalogues:
lazy strings for labels and choices only, flask-babel #121); a required detail is marked and checked
here, so the message is tied to its field in the candidate's language. Everything else is the
domain's to check (``requests.check_filing``, ``filing.file_case``): a detail posted that the type
does not take reaches it and is refused there, as is a file whose content is not what it says.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileSize, MultipleFileField
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...cases.models import CaseType
from ...workflows import disclosure
from ...workflows.errors import SittingNotOnRecord, UploadRefused
from ...workflows.filing import LIST, MAX_UPLOAD_BYTES, YES_NO, Detail, Upload, details_of
from ...workflows.requests import ABOUT_A_TEST, DayRefused, FilingRequest
from ..security import MAX_REQUEST_BYTES

PREFIX = "detail_"                 # a detail's field: detail_<key>
SITTING = "::"                     # a test as one choice: "<notice reference>::<test code>"
TEXT_AREAS = frozenset({"question", "explanation", "description", "preparatory_steps_claim", "grounds", "documents"})

LABELS: dict[str, Any] = {
    "question": _l("The question"),
    "explanation": _l("The error you see in it"),
    "error_type": _l("What kind of error"),
    "description": _l("What went wrong"),
    "about": _l("What the problem is about"),
    "preparatory_steps_done": _l("Did you do the preparatory steps (connectivity test, system check)?"),
    "preparatory_steps_claim": _l("Why you could not do them"),
    "grounds": _l("Your grounds"),
    "technical_issue": _l("Do your grounds rest on a technical or organisational issue during a test?"),
    "omission_date": _l("The date by which a decision should have been taken"),
    "items": _l("The information you ask for"),
    "documents": _l("The documents you ask for"),
    "test": _l("The test"),                             # P1, P2: recorded with the filing
    "sat_on": _l("The day you sat the test"),
}
HELP: dict[str, Any] = {
    "question": _l("Identify the question by its content (its subject, the words it starts with): a request "
                   "that does not identify it is not considered. The question's reference in your answer "
                   "table helps."),
    "explanation": _l("Explain what is wrong with the question or its answers: a request without an "
                      "explanation is not considered."),
    "error_type": _l("A translation problem must be explained: a request that only says the translation "
                     "is wrong is not accepted."),
    "description": _l("Say what happened, when, and what you did to fix it (the proctor, the helpdesk). "
                      "Add your evidence below: helpdesk ticket numbers, chat transcripts, screenshots."),
    "about": _l("Problems with the application form must be reported before the application deadline."),
    "preparatory_steps_done": _l("A candidate who skipped them is rejected unless they prove circumstances "
                                 "beyond their control or force majeure."),
    "preparatory_steps_claim": _l("Only if you did not do them: the circumstances beyond your control or the "
                                  "force majeure that prevented you, with evidence below."),
    "review:grounds": _l("A material irregularity in the procedure, or a breach of the Staff Regulations, the "
                         "notice, its annexes or case law. The selection board's value judgments (how well you "
                         "did, how relevant your qualifications and experience are) cannot be contested."),
    "complaint:grounds": _l("How the act adversely affects you and which rule of the procedure it clearly "
                            "breaches."),
    "technical_issue": _l("Claims that rest on an issue that was not reported in time as a technical issue are "
                          "rejected."),
    "omission_date": _l("Only for a complaint against a failure to act, when there is no decision to contest "
                        "(YYYY-MM-DD)."),
    "items": _l("Some categories are excluded by the rules; you may still ask, and the reply gives the rule "
                "that excludes them."),
    "documents": _l("Public access to documents is generally excluded for competition files; such a request "
                    "is handled on its own time limits."),
}
CHOICES: dict[str, list[SelectChoice]] = {
    "error_type": [SelectChoice("", _l("Not said")), SelectChoice("content", _l("An error in the question or its answers")),
                   SelectChoice("translation", _l("A translation problem"))],
    "about": [SelectChoice("", _l("A test")), SelectChoice("application-form", _l("The application form"))],
}
# a coded detail as the case page words it: the label of the choice that was made
CHOSEN = {key: {choice.value: choice.label for choice in choices if choice.value} for key, choices in CHOICES.items()}
YES_NO_CHOICES = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class WarningChoice(SelectChoice):
    """A warning to confirm (P4): a choice of the ``confirmed`` field that the filing page also reads as
    ``(code, text)`` (``{% for code, text in form.confirmed.choices %}``)."""

    def __iter__(self):
        return iter((self.value, self.label))


def options(pairs: Iterable[tuple[str, Any]], kind: type[SelectChoice] = SelectChoice) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (``SelectChoice``: tuples are deprecated in WTForms 3.3 and
    refused from 3.4)."""
    return [kind(value, label) for value, label in pairs]


def label(case_type: CaseType, key: str) -> Any:
    return LABELS[key]


def help_text(case_type: CaseType, key: str) -> Any:
    return HELP.get(f"{case_type.value}:{key}", HELP.get(key))


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (the P5 items, the warnings confirmed)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _at_least_one(form: FlaskForm, field: Field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one."))


def _with_the_day(form: FlaskForm, field: Field) -> None:
    """P1, P2: a day the test was sat needs the test (``requests.check_filing`` refuses it too, in English:
    the form says it first, at the test's field, in the page's language)."""
    if not field.data and getattr(form, "sat_on", None) is not None and form.sat_on.data:
        raise ValidationError(_l("Choose the test you sat on that day."))


def _the_decision(form: FlaskForm, field: Field) -> None:
    """P3, P4, P5: the contested decision, or for a complaint against a failure to act the date by which
    one should have been taken (``filing`` refuses a filing without, in English: the form says it first,
    at the decision's field, in the page's language)."""
    if field.data or "decision" not in subject_fields(form.case_type):
        return
    omission = getattr(form, PREFIX + "omission_date", None)
    if omission is None:
        raise ValidationError(_l("Choose the decision you contest."))
    if not omission.data:
        raise ValidationError(_l("Choose the decision you contest, or give the date by which a decision should "
                                 "have been taken."))


def _a_day(form: FlaskForm, field: Field) -> None:
    """A date typed where the browser gives no date picker: year-month-day."""
    if field.data:
        try:
            date.fromisoformat(field.data)          # as filing reads it: no space around
        except ValueError:
            raise ValidationError(_l("Give the day as year-month-day, for example 2022-03-25.")) from None


class FilingForm(FlaskForm):
    """What every filing asks besides its details: the subject, the evidence, the warnings confirmed."""
    case_type: CaseType                  # set by form_class
    decision = SelectField(_l("The decision you contest"), choices=[], validate_choice=False,
                           validators=[_the_decision],
                           description=_l("Decisions published in your account, with the date of publication."))
    sitting = SelectField(_l("The test"), choices=[], validate_choice=False, validators=[_with_the_day],
                          description=_l("The competition and the test the request is about."))
    sat_on = StringField(_l("The day you sat the test"), validators=[Optional()],
                         description=_l("Only if the test is not on record with its date (YYYY-MM-DD)."),
                         render_kw={"type": "date"})
    evidence = MultipleFileField(_l("Documents"), validators=[FileSize(
        MAX_UPLOAD_BYTES, message=_l("A file is larger than the limit of %(size)s MB.",
                                     size=MAX_UPLOAD_BYTES // (1024 * 1024)))],
        description=_l("PDF, PNG, JPEG or plain text: at most %(size)s MB each, %(total)s MB in all.",
                       size=MAX_UPLOAD_BYTES // (1024 * 1024), total=MAX_REQUEST_BYTES // (1024 * 1024)))
    confirmed = CheckboxesField(_l("I have read this and want to file all the same"), choices=[],
                                description=_l("The rules want you to know this before you file: the request is "
                                               "filed once you have ticked the box."))
    submit = SubmitField(_l("File"))

    def detail_fields(self) -> list[Field]:
        return [field for field in self if field.name.startswith(PREFIX)]


def _detail_field(case_type: CaseType, detail: Detail) -> Field:
    text = {"label": label(case_type, detail.key), "description": help_text(case_type, detail.key)}
    required = [InputRequired(message=_l("This is required."))] if detail.required else [Optional()]
    if detail.kind == YES_NO:
        return RadioField(choices=YES_NO_CHOICES, validators=[Optional()], **text)
    if detail.kind == LIST:
        choices = [SelectChoice(code, lazy_pgettext("disclosure", category.label))
                   for code, category in disclosure.CATEGORIES.items()]
        return CheckboxesField(choices=choices, validators=[_at_least_one] if detail.required else [], **text)
    if detail.key in CHOICES:
        return SelectField(choices=CHOICES[detail.key], validators=[Optional()], **text)
    if detail.key in TEXT_AREAS:
        return TextAreaField(validators=required, **text)
    if detail.key == "omission_date":
        return StringField(validators=[*required, _a_day], render_kw={"type": "date"}, **text)
    return StringField(validators=required, **text)


def form_class(case_type: CaseType) -> type[FilingForm]:
    """The form of ``case_type``: the common fields and one field per detail it takes."""
    fields = {PREFIX + detail.key: _detail_field(case_type, detail) for detail in details_of(case_type)}
    return type(f"{case_type.name.title().replace('_', '')}Form", (FilingForm,), {"case_type": case_type, **fields})


def subject_fields(case_type: CaseType) -> tuple[str, ...]:
    """Which of the subject fields the type asks: a test (P1, P2), a decision (P3, P4, P5), none."""
    if case_type in ABOUT_A_TEST:
        return ("sitting", "sat_on")
    if case_type is CaseType.ACCESS_DOCUMENTS:
        return ()
    return ("decision",)


def sitting_value(notice: str, test: str) -> str:
    return f"{notice}{SITTING}{test}"


def _details(case_type: CaseType, form: FilingForm, posted: MultiDict) -> dict[str, str | list[str]]:
    """The details as filed: the form's fields given, and any other ``detail_`` key posted (which the
    domain refuses, naming the details the type takes)."""
    out: dict[str, str | list[str]] = {}
    for field in form.detail_fields():
        value = field.data
        if value in (None, "", []):
            continue
        out[field.name[len(PREFIX):]] = list(value) if isinstance(value, list | tuple) else str(value)
    known = {field.name for field in form.detail_fields()}
    for name in posted:
        if name.startswith(PREFIX) and name not in known:
            values = posted.getlist(name)
            out[name[len(PREFIX):]] = values if len(values) > 1 else values[0]
    return out


def _uploads(files: Iterable[FileStorage] | None) -> tuple[Upload, ...]:
    """The files as the domain checks them (``filing.checked``): read up to one byte past the limit, so a
    larger file is refused without being held whole; the browser's type, or the name's when it gives none.

    Every part of the file field that carries something is a document, with a name or without one (a
    client may send ``filename=""``, or a name the parser cannot read): only an empty part with no name
    (a file input left empty) is nothing. The form's own data leaves nameless parts out, which would
    file the case without the document sent."""
    out = []
    for storage in files or ():
        content = storage.stream.read(MAX_UPLOAD_BYTES + 1)
        if not content and not storage.filename:
            continue
        given = (storage.mimetype or "").strip()
        out.append(Upload(storage.filename or "", content,
                          None if given in ("", "application/octet-stream") else given))
    return tuple(out)


def request_from(case_type: CaseType, form: FilingForm, posted: MultiDict,
                 files: MultiDict | None = None) -> FilingRequest:
    """The :class:`~casework.workflows.requests.FilingRequest` of a submitted form (plain strings);
    ``files``: the request's files (every part of the evidence field), else the form's."""
    asks = subject_fields(case_type)
    notice = test = None
    if "sitting" in asks and form.sitting.data and SITTING in form.sitting.data:
        notice, test = form.sitting.data.split(SITTING, 1)
    return FilingRequest(case_type=case_type.value,
                         decision=form.decision.data or None if "decision" in asks else None,
                         notice=notice, test=test,
                         sat_on=form.sat_on.data or None if "sat_on" in asks else None,
                         details=_details(case_type, form, posted),
                         documents=_uploads(form.evidence.data if files is None else files.getlist(form.evidence.name)),
                         confirmed=tuple(form.confirmed.data or ()))


def prepare(form: FilingForm, warnings: Sequence[tuple[str, str]]) -> None:
    """What checking a submitted form needs: the warnings it may confirm (P4). The decisions and tests
    are offered (:func:`offer`) only to show the form: the domain checks the subject of a filing
    (``check_filing``), so a successful filing does not build those lists."""
    form.confirmed.choices = options(warnings, WarningChoice)


def offer(form: FilingForm, *, decisions: Sequence[tuple[str, str]], sittings: Sequence[tuple[str, str]],
          prefill: Mapping[str, str]) -> None:
    """What showing the form needs: the choices (the candidate's decisions and tests) and, on a first
    display, the subject given in the address (``?decision=ID``, ``?notice=REF&test=CODE``,
    ``?notice=REF&about=application-form``)."""
    form.decision.choices = options([("", _l("Choose a decision")), *decisions])
    form.sitting.choices = options([("", _l("Choose a test")), *sittings])
    if form.is_submitted():
        return
    if prefill.get("decision"):
        form.decision.data = prefill["decision"]
    if prefill.get("notice") and prefill.get("test"):
        form.sitting.data = sitting_value(prefill["notice"], prefill["test"])
    if prefill.get("notice") and prefill.get("about") == "application-form" and hasattr(form, PREFIX + "about"):
        form.sitting.data = sitting_value(prefill["notice"], "")           # P2: no test, the form itself
        getattr(form, PREFIX + "about").data = "application-form"


def upload_refusal(refused: UploadRefused) -> str:
    """Why a file was not kept (``filing.checked``), in the page's language, for the evidence field."""
    values = {"file": refused.filename, "type": refused.media_type, "size": refused.limit_mb}
    if refused.reason == "type":
        return gettext("%(file)s: files of this type are not accepted (accepted: PDF, PNG, JPEG, plain text).",
                       **values)
    if refused.reason == "empty":
        return gettext("%(file)s is empty.", **values)
    if refused.reason == "size":
        return gettext("%(file)s is larger than the limit of %(size)s MB.", **values)
    if refused.reason == "content":
        return gettext("%(file)s is not a real %(type)s file: its content does not match its type.", **values)
    return gettext("%(file)s is not text in UTF-8: save it as UTF-8, or as a PDF.", **values)


def day_refusal(refused: DayRefused | SittingNotOnRecord) -> str:
    """Why the day a test was sat was not taken, or why it is needed, in the page's language, for its field."""
    if refused.reason == "not-on-record":
        return gettext("This test is not on record with the day you sat it: give that day.")
    if refused.reason == "future":
        return gettext("%(day)s is in the future: give the day you sat the test.", day=refused.day.isoformat())
    return gettext("Give the day as year-month-day, for example 2022-03-25.")
