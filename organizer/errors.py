"""Domain errors raised by organizer services and turned into messages by views
(through core.views.unit_of_work, which handles every `Refused`)."""

from core.refusals import Refused


class DomainError(Refused):
    """A request the domain refuses, with a message fit to show the person who asked."""


class NotAllowed(DomainError):
    """The actor may not do this to this object."""

    #: Forbidden, not malformed: the request was understood and refused for who asked.
    status = 403


class LoginRefused(DomainError):
    """Unknown email, wrong password or a locked account: deliberately one error."""


class InvitationInvalid(DomainError):
    """The invitation link is unknown, expired or already used."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        #: One of "unknown", "expired", "used".
        self.reason = reason
