"""Errors the survey engine raises, each with a message fit for the person who asked."""


class SurveyError(Exception):
    """A refused request about a survey."""

    #: The HTTP status a view should answer with.
    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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
