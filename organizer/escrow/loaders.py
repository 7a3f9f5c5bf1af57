"""Loaders of stories and their unions (see charting.loaders): anyone outside the
union gets the same 404 as for a story or union that does not exist. Whether a
reader may see a story's words is the service's to say, after the page loads."""

from __future__ import annotations

from flask_login import current_user

from organizer.charting.loaders import allowed_or_404, get_or_404
from organizer.charting.models import Union
from organizer.escrow import services
from organizer.escrow.models import Story


def get_union_for_its_people_or_404(union_id: int) -> Union:
    union = get_or_404(Union, union_id)
    return allowed_or_404(union, services.in_union(current_user, union))


def get_story_for_its_union_or_404(story_id: int) -> Story:
    story = get_or_404(Story, story_id)
    return allowed_or_404(story, services.in_union(current_user, story.union))


def get_story_for_trustee_or_404(story_id: int) -> Story:
    """A story the signed-in account can help open as trustee."""
    story = get_or_404(Story, story_id)
    return allowed_or_404(story, services.trustee_index(current_user, story) is not None)
