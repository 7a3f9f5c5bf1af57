"""A survey for the booth's tests: one question of every kind, launched to a
unit through the organizer's service, and ballots made as a browser makes
them (encrypted and proven outside the server, then posted)."""

from __future__ import annotations

import base64
import hashlib

from core.extensions import db
from crypto import ballot as ballots
from crypto import sealing
from crypto.elgamal import PublicKey
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, definitions
from surveys.definitions import ballot_questions, question_spec
from surveys.models import KeyMode, QuestionType, Survey, SurveyKind

#: Every kind of question the booth asks, in the order the survey asks them.
QUESTIONS = (
    dict(type=QuestionType.SCALE, prompt="How safe do you feel on the loading dock?"),
    dict(type=QuestionType.YES_NO, prompt="Would you sign a petition about the heat?", allows_cant_say=True),
    dict(type=QuestionType.SINGLE_CHOICE, prompt="Which shift is hardest?", options=["Early", "Late", "Night"]),
    dict(type=QuestionType.MULTIPLE_CHOICE, prompt="What should we raise first?",
         options=["Heat", "Breaks", "Pay", "Scanners"], max_choices=2, allows_cant_say=True),
    dict(type=QuestionType.FREE_TEXT, prompt="Anything else?"),
)
#: One answer per ballot question, in the engine's terms: 4 on the scale, yes, the late shift, breaks and pay.
ANSWERS = [4, True, 1, [1, 2]]


def open_booth_survey(unit: BargainingUnit, organizer_email: str, *, kind: SurveyKind = SurveyKind.PULSE,
                      device_encryption_required: bool | None = None, title: str = "Heat check") -> Survey:
    """Launched to the unit's members with accounts (the unit needs at least k of them)."""
    organizer = accounts.find_account_by_email(organizer_email)
    survey = unit_surveys.create(organizer, unit, definitions.SurveySettings(
        kind=kind, title=title, key_mode=KeyMode.SERVER_KEY, release_threshold=unit.union.floor_for(kind),
        comment_threshold=unit.union.comment_threshold), standard_questions=False)
    for question in QUESTIONS:
        definitions.add_question(survey, **question)
    unit_surveys.launch_for_unit(organizer, survey, device_encryption_required=device_encryption_required)
    db.session.flush()
    return survey


def device_ballot(survey: Survey, answers=ANSWERS, comment: str | None = None) -> dict:
    """The JSON body the booth page posts: a ballot and comments sealed outside the server."""
    key = PublicKey.from_bytes(survey.public_key)
    payload = ballots.serialize(ballots.encrypt_ballot(
        key, survey.context, [question_spec(q) for q in ballot_questions(survey)], list(answers)))
    comments = {}
    if comment is not None:
        text_question = next(q for q in survey.questions if q.is_free_text)
        comments[str(text_question.id)] = base64.b64encode(sealing.seal_text(
            key, comment, ballot_box.comment_context(survey, text_question.id))).decode()
    return {"payload": base64.b64encode(payload).decode(), "comments": comments}


def tracker_of(body: dict) -> str:
    """The ballot's tracker, as the booth shows it: the SHA-256 of its bytes."""
    return hashlib.sha256(base64.b64decode(body["payload"])).hexdigest()
