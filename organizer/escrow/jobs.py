"""The escrow's job, `open_due_stories` (registered in core/app.py, with the
registry's `coalesce` and `max_instances=1`): it opens each server-key story on
its day and tells, by email, the trustees a due story waits for and the
readers of a story that opened. Idempotent: a story opens once (its state,
under its row lock), and each notice is sent once (a flag on the story, set
in the same savepoint as the sending, so a mail server that is down leaves it
for the next run)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

import sqlalchemy as sa

from core import mail
from core.clock import utcnow
from core.extensions import db
from organizer.accounts.models import Account
from organizer.escrow import services
from organizer.escrow.models import Story, StoryKey, StoryOpening, StoryState
from organizer.notifications import services as notifications
from organizer.unit_surveys import services as unit_surveys

log = logging.getLogger(__name__)

#: The notices, by whom they concern.
TRUSTEES_NOTICE = "escrow/email_trustee_needed.txt"
READERS_NOTICE = "escrow/email_story_opened.txt"


def _possibly_due(mode: StoryKey) -> list[Story]:
    # No zone is more than a day ahead of UTC: a story dated after tomorrow (UTC) is due nowhere yet.
    soon = utcnow().date() + timedelta(days=1)
    return list(db.session.scalars(sa.select(Story).where(
        Story.state == StoryState.SEALED, Story.key_mode == mode,
        sa.or_(Story.opening == StoryOpening.RECOGNISED, Story.opens_on <= soon)).order_by(Story.id)))


def open_due_stories() -> int:
    """Open the server-key stories whose day has come; email their readers, and the trustees of the others."""
    opened = sum(services.open_with_server_key(story) for story in _possibly_due(StoryKey.SERVER))
    _tell_trustees()
    _tell_readers()
    return opened


def _tell(stories: Iterable[Story], flag: str, concerned: Callable[[Story], list[Account]], template: str) -> None:
    for story in stories:
        try:
            # As the survey notices: the flag first, in its own savepoint, so that a
            # mail server that cannot be reached undoes it, for the next run.
            with db.session.begin_nested():
                setattr(story, flag, True)
                db.session.flush()
                notifications.notify(concerned(story), template)
        except mail.MailNotSent as failed:
            log.warning("story %s: its notices wait for the next run (%s)", story.id, failed)


def _waiting_trustees(story: Story) -> list[Account]:
    status = services.key_ceremony_of(story)
    given = {part.trustee_index for part in story.parts}
    refs = [t.trustee_ref for t in status.trustees if t.trustee_index not in given] if status is not None else []
    return list(unit_surveys.accounts_by_ref(refs).values())


def _tell_trustees() -> None:
    due = [s for s in _possibly_due(StoryKey.TRUSTEES) if not s.trustees_told and services.is_due(s)]
    _tell(due, "trustees_told", _waiting_trustees, TRUSTEES_NOTICE)


def _tell_readers() -> None:
    opened = list(db.session.scalars(sa.select(Story).where(
        Story.state == StoryState.OPENED, Story.readers_told.is_(False)).order_by(Story.id)))
    _tell(opened, "readers_told", services.readers_of, READERS_NOTICE)
