"""What the booth (the answer page's encryption on the member's device) needs
from the engine, and the engine's side of checking a ballot the booth opened.

``booth_parameters`` is everything static/js/booth/crypto.js needs to make a
ballot and sealed comments that ``ballot_box.cast_encrypted`` accepts: the
survey's public key and context, the ballot questions in ballot order (the
shape each one's proofs are bound to) and each free-text question's comment
context. It holds no secret and nothing about the person answering; the page
embeds it as JSON. ``check_opening`` reads an opened ballot (Benaloh's check)
and confirms it belongs to this survey and holds the answers it shows.
"""

from __future__ import annotations

import base64
from typing import Any

from flask_babel import gettext

from crypto import ballot as ballots
from crypto.errors import DecodeError
from surveys.ballot_box import MAX_COMMENT, comment_context
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import SurveyNotOpen
from surveys.models import Survey

PARAMETERS_VERSION = 1


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def booth_parameters(survey: Survey) -> dict[str, Any]:
    """The page's parameters for this survey (see the booth's interface in
    docs/browser-crypto.md); SurveyNotOpen before the survey has a key."""
    if survey.public_key is None:
        raise SurveyNotOpen(gettext("This survey has not been launched."))
    questions = []
    for question in ballot_questions(survey):
        spec = question_spec(question)
        questions.append({"question_id": question.id, "kind": spec.kind.name.lower(), "options": spec.options,
                          "max_choices": spec.max_choices, "allows_cant_say": spec.allows_cant_say})
    return {
        "version": PARAMETERS_VERSION,
        "survey_id": survey.id,
        "public_key": _base64(survey.public_key),
        "context": _base64(survey.context),
        "questions": questions,
        "comments": [{"question_id": q.id, "context": _base64(comment_context(survey, q.id))}
                     for q in survey.questions if q.is_free_text],
        "max_comment": MAX_COMMENT,
    }


def check_opening(survey: Survey, data: bytes) -> ballots.OpeningCheck:
    """Check an opening document against this survey: it must carry this
    survey's key, context and questions (not ones the document made up), and
    its ballot must hold exactly the revealed answers. Never raises for a bad
    document; the reason says what failed, in plain words."""
    try:
        opening = ballots.read_opening(data)
    except DecodeError as bad:
        return ballots.OpeningCheck(False, reason=f"The file is not a ballot check: {bad}")
    if survey.public_key is None or not (
        opening.survey_id == survey.id
        and opening.public_key.to_bytes() == survey.public_key
        and opening.context == survey.context
        and list(opening.specs) == [question_spec(q) for q in ballot_questions(survey)]
    ):
        return ballots.OpeningCheck(False, reason="This check is for another survey, round or key.")
    return ballots.check_opening(opening)
