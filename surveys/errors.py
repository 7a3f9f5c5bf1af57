"""Errors the survey engine raises, each with a message fit for the person who asked."""

from core.refusals import Refused


class SurveyError(Refused):
    """A refused request about a survey (status 400 unless a subclass says otherwise)."""


class NotEligible(SurveyError):
    status = 403


class AlreadyAnswered(SurveyError):
    status = 409


class SurveyNotOpen(SurveyError):
    status = 409


class BallotRejected(SurveyError):
    """Malformed, tampered, replayed or not matching the survey's questions."""

    status = 400


class DecryptionRefused(SurveyError):
    """A request to decrypt sums the release rules did not approve."""

    status = 403


class TrusteeError(SurveyError):
    """A trustee's passphrase, share or partial decryption was refused."""

    status = 400
