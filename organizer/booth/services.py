"""The booth's rules: which path a survey's answers may take, casting a ballot
made on the member's device (verified, never read), casting through the
server's form where the survey allows it, and opening a ballot for checking so
that it can never be cast.

On the device path the server holds no answer in the clear at any moment: the
ballot arrives encrypted with its proofs, and `surveys.ballot_box.cast_encrypted`
only decodes it strictly, verifies every proof, and stores it through the same
checks as every other ballot (eligibility, one answer each, replay, the pool).
Nothing records which path a ballot took."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.extensions import db
from organizer.accounts.models import Account
from organizer.accounts.services import account_ref
from organizer.booth.models import CheckedBallot
from organizer.errors import DomainError
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box
from surveys.models import Survey

#: How many ballots of a survey may be opened for checking, per person it asks:
#: far more than anyone checks by hand, and a bound on what one member could add.
CHECKS_PER_ELIGIBLE = 10

DEVICE_ONLY = lazy_gettext("This survey takes answers only when they are locked (encrypted) on your own phone or "
                           "computer, so that nobody running the server can ever read them. Turn JavaScript on, or "
                           "use an up-to-date browser, and open the survey again.")


class DeviceEncryptionRequired(DomainError):
    """The server's form was used on a survey that takes device-encrypted ballots only."""

    status = 403


class BallotWasChecked(DomainError):
    """A ballot opened for checking was sent to be counted."""

    status = 409


class TooManyChecks(DomainError):
    status = 429


def server_path_allowed(survey: Survey) -> bool:
    """Whether a member whose browser cannot encrypt may answer through the server's form."""
    return not survey.device_encryption_required


def require_server_path(survey: Survey) -> None:
    if not server_path_allowed(survey):
        raise DeviceEncryptionRequired(DEVICE_ONLY)


def cast_through_server(actor: Account, survey: Survey, answers: Mapping[int, object]) -> ballot_box.Receipt:
    """The server encrypts the answers on arrival (only where the survey allows it)."""
    require_server_path(survey)
    return ballot_box.cast(survey, account_ref(actor), answers)


def cast_from_device(actor: Account, survey: Survey, payload: bytes,
                     sealed_comments: Mapping[int, bytes]) -> ballot_box.Receipt:
    """Verify and store a ballot encrypted and proven on the member's device.

    The ballot box holds the survey's pool exclusively from before it looks for
    this ballot's tracker among the ones opened for checking (`_OPENED`, in its
    own statement under that lock) until the commit, and `record_checked` takes
    the same lock before it records a tracker: so a ballot is either recorded
    as opened before this looks, and refused, or stored first, and then it
    cannot be opened (its sender has answered)."""
    return ballot_box.cast_encrypted(survey, account_ref(actor), payload, sealed_comments, also=_OPENED)


def _opened_for_checking() -> BallotWasChecked:
    return BallotWasChecked(gettext("This ballot was opened for checking, so it can never be counted: its "
                                    "randomness shows what it holds. Lock your answers again and send the new "
                                    "ballot."))


def record_checked(actor: Account, survey: Survey, tracker: str) -> str:
    """Remember that the ballot with this tracker is being opened, before the page
    opens it: from now on the cast endpoint refuses it."""
    ballot_box.hold_pool(survey)
    unit_surveys.require_answerable(survey, account_ref(actor))
    if _was_checked(survey, tracker):
        return tracker
    opened = db.session.scalar(sa.select(sa.func.count()).select_from(CheckedBallot)
                               .where(CheckedBallot.survey_id == survey.id))
    if opened >= CHECKS_PER_ELIGIBLE * max(survey.eligible_count, 1):
        raise TooManyChecks(gettext("Too many ballots of this survey have been opened for checking. Send your "
                                    "answers without checking, or ask an organizer."))
    db.session.add(CheckedBallot(survey_id=survey.id, tracker=tracker))
    db.session.flush()
    return tracker


def _was_checked(survey: Survey, tracker: str) -> bool:
    return db.session.get(CheckedBallot, (survey.id, tracker)) is not None


_CHECKED = CheckedBallot.__table__
#: Asked by the ballot box of every ballot cast, in its statement under the pool's lock.
_OPENED = ballot_box.Refusal(
    sa.exists().where(_CHECKED.c.survey_id == sa.bindparam("survey_id"),
                      _CHECKED.c.tracker == sa.bindparam("fingerprint")),
    _opened_for_checking)
