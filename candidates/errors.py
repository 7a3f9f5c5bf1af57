"""Refusals of candidates' services, turned into messages by the views (through
core.views.unit_of_work, like every `Refused`)."""

from core.refusals import Refused


class CandidateRefused(Refused):
    """A request the candidates' rules refuse, with words fit for whoever asked."""


class NotYours(CandidateRefused):
    """The actor is not the candidate this belongs to (loaders answer 404 before it comes to this)."""

    status = 404


class LinkGone(CandidateRefused):
    """A card link that expired or was revoked: it worked once, and no longer does."""

    status = 410


class AlreadyAnswered(CandidateRefused):
    """The employer already answered this item through this link."""

    status = 409
