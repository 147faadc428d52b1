"""Demo data: the three notices of the seeds with synthetic candidates at every stage.

The notices come from ``notices/*.json`` (AD/402/23 with its 2024 amendment); candidates get
names in the scripts of the 24 official languages (``names.json``), profiles that are mostly
eligible, screener marks, MCQ answer sheets and marks. Phases are then closed through the real
operations at the dates they would have run, so the data shows every stage and status: ties at
cut-offs, eliminations, exclusions with their grounds, withdrawals, revalidation after the
amendment, and published reserve lists.
"""
from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..competitions import applications as apps
from ..competitions import results, selection, stages
from ..competitions.definition import LANGUAGES, SKILLS
from ..competitions.models import Application, Notice, Question, Status
from ..competitions.notices import amend_notice, definition, publish_notice
from ..resources import path

HERE = path("demo")
DONE = "done"    # a field whose every phase has run
ACTOR = "demo"


def _load(name: str) -> dict[str, Any]:
    return json.loads((HERE / "notices" / f"{name}.json").read_text(encoding="utf-8"))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class _Maker:
    """Synthetic candidates, deterministic for a seed."""

    def __init__(self, session: Session, seed: int):
        self.session, self.rnd = session, random.Random(seed)
        names = json.loads((HERE / "names.json").read_text(encoding="utf-8"))
        self.names = {k: v for k, v in names.items() if k in LANGUAGES}
        self.count = session.scalar(select(func.count(Application.id))) or 0

    def candidate(self, notice: Notice, field_code: str, spec, *, eligible: bool = True):
        rnd = self.rnd
        self.count += 1
        lang1 = rnd.choice(LANGUAGES)
        lang2 = rnd.choice([lang for lang in spec.language_2 if lang != lang1])
        parts = self.names[lang1]
        candidate = apps.register_candidate(
            self.session, email=f"candidate{self.count}@example.org", identity_key=f"ID-{self.count:06d}",
            surname=rnd.choice(parts["surnames"]), given_names=rnd.choice(parts["given"]),
            correspondence_language=lang2)
        level = {lang1: dict.fromkeys(SKILLS, "C2"), lang2: dict.fromkeys(SKILLS, rnd.choice(["B2", "C1"]))}
        top = spec.education_levels[-1]
        start_year = rnd.randint(2000, 2010) if eligible else rnd.randint(2018, 2019)
        profile = {"diplomas": [{"level": top, "awarded_on": f"{start_year}-06-30",
                                 "subjects": list(spec.subjects)}],   # C5: in the notice's subjects
                   "experience": [{"start": f"{start_year}-09-01", "end": "2021-12-31",
                                   "fraction": rnd.choice(["1", "1", "1", "0.8"]), "in_field": True}]}
        return apps.file_application(
            self.session, candidate, notice, number=f"{notice.reference.split('/')[1]}-{self.count:06d}",
            field_code=field_code, language_1=lang1, language_2=lang2, language_levels=level,
            profile=profile, publish_name=rnd.random() > 0.05)

    def keys(self, notice: Notice, spec) -> dict[str, list[str]]:
        """Question pools 1.5 × the test length, so that candidates get different questions."""
        pools = {}
        for phase in spec.phases:
            for test in phase.tests:
                if test.kind != "mcq":
                    continue
                n = int(test.max) * 3 // 2
                refs = [f"{test.code[:3].upper()}-{i:03d}" for i in range(1, n + 1)]
                existing = set(self.session.scalars(select(Question.ref).where(
                    Question.notice_id == notice.id, Question.test == test.code)))
                for ref in refs:
                    if ref not in existing:
                        self.session.add(Question(notice_id=notice.id, test=test.code, ref=ref,
                                                  correct=self.rnd.choice("ABCD"), points=Decimal(1),
                                                  neutralised=False))
                pools[test.code] = refs
        self.session.flush()
        return pools

    def sit(self, application: Application, spec, phase_code: str, pools, ability: float) -> None:
        """Results of every test of a phase for one candidate."""
        rnd = self.rnd
        key = {}
        for test in spec.phase(phase_code).tests:
            if test.kind == "mcq":
                key.setdefault(test.code, results.answer_key(self.session, application.notice_id, test.code))
                given = rnd.sample(pools[test.code], int(test.max))
                answers = {q: (key[test.code][q].correct if rnd.random() < ability else rnd.choice("ABCD"))
                           for q in given}
                results.record_mcq(self.session, application, test.code, given, answers, key=key[test.code])
            else:
                span = int(test.max - test.min)
                mark = test.min + round(span * min(1.0, max(0.0, rnd.gauss(ability, 0.15))))
                results.record_mark(self.session, application, test.code, Decimal(mark))

    def screener(self, application: Application, spec) -> None:
        weights = spec.field(application.field.code).screener_weights
        low, high = spec.screener_marks
        results.record_screener(self.session, application, {q: self.rnd.randint(low, high) for q in weights})


def _active(session: Session, notice: Notice, phase: str, field_code: str | None = None) -> list[Application]:
    q = select(Application).where(Application.notice_id == notice.id, Application.phase == phase,
                                  Application.status == Status.ACTIVE)
    apps_ = session.scalars(q).all()
    return [a for a in apps_ if field_code is None or a.field.code == field_code]


def _close(session, notice, phase, when, fields=None):
    with clock.use_clock(clock.FrozenClock(_at(when))):
        selection.close_phase(session, notice, phase, actor=ACTOR, field_codes=fields)


def _ict_competition(session: Session, maker: _Maker, name: str, scale: int,
                     plan: dict[str, str], when: dict[str, str]) -> list[str]:
    """AD/398/22 or AST/151/22: run each field up to the phase ``plan`` gives for it."""
    with clock.use_clock(clock.FrozenClock(_at("2022-02-20T09:00"))):
        notice = publish_notice(session, _load(name), actor=ACTOR)
    spec = definition(notice.current)
    pools = maker.keys(notice, spec)
    order = [p.code for p in spec.phases]
    ability = {}
    with clock.use_clock(clock.FrozenClock(_at("2022-03-10T10:00"))):
        for field in spec.fields:
            for _ in range(int(field.places * 3.3) * scale + 5):
                a = maker.candidate(notice, field.code, spec, eligible=maker.rnd.random() > 0.06)
                if maker.rnd.random() < 0.97:          # a few never validate (C3)
                    apps.validate_application(session, a, actor=ACTOR)
                ability[a.id] = maker.rnd.uniform(0.35, 0.95)
    stop = {code: len(order) if target == DONE else order.index(target) for code, target in plan.items()}
    for phase in order:
        fields = [f.code for f in spec.fields if stop[f.code] > order.index(phase)]
        if not fields:
            break
        for f in fields:
            for a in _active(session, notice, phase, f):
                if phase == "screener":
                    maker.screener(a, spec)
                elif spec.phase(phase).tests and maker.rnd.random() > 0.02:   # 2%: did not attend
                    maker.sit(a, spec, phase, pools, ability[a.id])
                elif phase == "document-check":
                    a.documents_supported = maker.rnd.random() > 0.04
        _close(session, notice, phase, when[phase], fields)
    _extras(session, notice, maker)
    return [f"{notice.reference}: " + ", ".join(
        f"field {f.code} {'reserve list published' if plan[f.code] == DONE else 'at ' + plan[f.code]}"
        for f in spec.fields)]


def _extras(session: Session, notice: Notice, maker: _Maker) -> None:
    """A withdrawal and an EPSO exclusion (C15) among the active candidates."""
    active = [a for a in session.scalars(select(Application).where(
        Application.notice_id == notice.id, Application.status == Status.ACTIVE)).all()]
    if len(active) < 2:
        return
    with clock.use_clock(clock.FrozenClock(_at("2022-12-20T10:00"))):
        apps.withdraw(session, active[0], actor=ACTOR)
        stages.exclude(session, active[1], ground="multiple_accounts", author="epso", actor=ACTOR,
                       published_at=clock.now(), reason="a second account held by the same person (C1)")


def _economists(session: Session, maker: _Maker, scale: int) -> list[str]:
    """AD/402/23: tests of October 2023 cancelled by the 2024 amendment, revalidation, new tests."""
    with clock.use_clock(clock.FrozenClock(_at("2023-06-22T09:00"))):
        notice = publish_notice(session, _load("EPSO-AD-402-23"), actor=ACTOR)
    spec = definition(notice.current)
    pools = maker.keys(notice, spec)
    ability = {}
    with clock.use_clock(clock.FrozenClock(_at("2023-07-05T10:00"))):
        for field in spec.fields:
            for _ in range(int(field.places * 2) * scale):
                a = maker.candidate(notice, field.code, spec)
                apps.validate_application(session, a, actor=ACTOR)
                ability[a.id] = maker.rnd.uniform(0.35, 0.95)
    for a in _active(session, notice, "application"):
        maker.sit(a, spec, "tests", pools, ability[a.id])         # the cancelled events (004)
    amendment = _load("EPSO-AD-402-23-amendment-2024")
    info = amendment["amendment"]
    with clock.use_clock(clock.FrozenClock(_at("2024-05-28T09:00"))):
        amend_notice(session, amendment, actor=ACTOR, reason=f"amendment {info['reference']}",
                     published_on=datetime.fromisoformat(info["published_on"]).date(),
                     reopens_applications=True, cancelled_tests=("numerical", "verbal", "abstract", "field-mcq"))
    spec = definition(notice.current)
    with clock.use_clock(clock.FrozenClock(_at("2024-07-01T10:00"))):
        for a in _active(session, notice, "application"):
            if maker.rnd.random() < 0.92:                       # the rest drop out (C14)
                if maker.rnd.random() < 0.3:
                    new = maker.rnd.choice([lang for lang in LANGUAGES if lang not in (a.language_1, a.language_2)])
                    apps.amend_draft(a, language_2=new,
                                     language_levels={**a.language_levels, new: dict.fromkeys(SKILLS, "B2")})
                apps.validate_application(session, a, actor=ACTOR)
    _close(session, notice, "application", "2024-07-10T10:00")
    pools = maker.keys(notice, spec)
    for a in _active(session, notice, "tests"):
        maker.sit(a, spec, "tests", pools, ability[a.id])
    _close(session, notice, "tests", "2024-10-15T10:00")
    for a in _active(session, notice, "marking-eligibility"):
        if a.field.code in ("1", "2"):
            maker.sit(a, spec, "marking-eligibility", pools, ability[a.id])
    _close(session, notice, "marking-eligibility", "2024-12-10T10:00", ["1", "2"])
    _close(session, notice, "reserve-list", "2025-01-20T10:00", ["1"])
    return [(f"{notice.reference}: amended (version 2); field 1 reserve list published, field 2 at reserve-list "
             "(not yet published), field 3 at marking-eligibility")]


ICT_DATES = {"application": "2022-03-23T10:00", "eligibility": "2022-04-20T10:00",
             "screener": "2022-05-25T10:00", "assessment": "2022-10-05T10:00",
             "document-check": "2022-11-16T10:00", "reserve-list": "2022-12-14T10:00"}


def load_demo(session: Session, *, scale: int = 1, seed: int = 2022) -> list[str]:
    """Load the demo competitions; refuses to load twice."""
    if session.scalar(select(func.count(Notice.id))):
        from ..competitions.errors import CompetitionError
        raise CompetitionError("the database holds notices already: the demo loads into an empty one")
    maker = _Maker(session, seed)
    summary = _ict_competition(session, maker, "EPSO-AD-398-22", scale,
                               {"1": DONE, "2": DONE, "3": "document-check", "4": "assessment",
                                "5": "screener"}, ICT_DATES)
    summary += _ict_competition(session, maker, "EPSO-AST-151-22", scale,
                                {"1": DONE, "2": DONE, "3": DONE, "4": "assessment"}, ICT_DATES)
    summary += _economists(session, maker, scale)
    total = session.scalar(select(func.count(Application.id)))
    summary.append(f"{total} applications")
    return summary
