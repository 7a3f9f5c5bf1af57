"""Refusals of the brief's services, turned into messages by the views (through
core.views.unit_of_work and the error pages, like every `Refused`)."""

from core.refusals import Refused


class BriefRefused(Refused):
    """A request the brief's rules refuse, with words fit for whoever asked."""


class NotAllowed(BriefRefused):
    """The actor may not do this (coach their own brief, coach from outside the author's union)."""

    status = 403


class NotFound(BriefRefused):
    """Not there for this actor: someone else's brief, a coach no longer coaching, a used or
    expired coaching link. One answer for all, so nobody learns which."""

    status = 404
