"""Domain errors raised by organizer services and turned into messages by views."""


class DomainError(Exception):
    """A request the domain refuses, with a message fit to show the person who asked."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The form field the message belongs beside, when there is one.
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this to this object."""


class LoginRefused(DomainError):
    """Unknown email, wrong password or a locked account: deliberately one error."""


class InvitationInvalid(DomainError):
    """The invitation link is unknown, expired or already used."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        #: One of "unknown", "expired", "used".
        self.reason = reason
