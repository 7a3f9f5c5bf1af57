"""The one root of every refusal a service raises: a request the rules do not
allow, with a message fit for the person who asked and, when there is one, the
form field it belongs beside. The union domain's `DomainError` and the survey
engine's `SurveyError` both derive from it, so the edge (a view, a job, a CLI
command) handles one kind of error whichever package refused."""

from __future__ import annotations


class Refused(Exception):
    """A request refused by a rule, not a fault of the program."""

    #: The HTTP status a view answers with when no form can carry the message.
    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        # A lazily translated message (a module's constant) becomes words now, in the
        # language of the request that refused: a flash or a log needs a plain string.
        message = str(message)
        super().__init__(message)
        #: Words for the person who asked; they name no one else's data.
        self.message = message
        #: The form field the message belongs beside, when there is one.
        self.field = field
