"""Loaders of one-on-ones (see charting.loaders): a coworker only for those who chart
their department, a unit only for those who hold its one-on-ones, a follow-up only
for those who chart its coworker; 404 for anyone else, so a changed id says
nothing of who was spoken to."""

from __future__ import annotations

from flask_login import current_user

from organizer import policy
from organizer.charting.loaders import allowed_or_404, get_or_404
from organizer.charting.models import BargainingUnit, Person
from organizer.conversations import services
from organizer.conversations.models import FollowUp


def get_person_to_talk_with_or_404(person_id: int) -> Person:
    person = get_or_404(Person, person_id)
    return allowed_or_404(person, services.talks_with(current_user, person))


def get_unit_for_one_on_ones_or_404(unit_id: int) -> BargainingUnit:
    unit = get_or_404(BargainingUnit, unit_id)
    return allowed_or_404(unit, policy.holds_one_on_ones(current_user, unit))


def get_follow_up_or_404(follow_up_id: int) -> FollowUp:
    follow_up = get_or_404(FollowUp, follow_up_id)
    return allowed_or_404(follow_up, services.may_mark_done(current_user, follow_up))
