"""Stories in escrow: writing and sealing one, the union's archive, reading one
once it opens, the trustees' parts in opening it, the server's opening of the
stories it holds the key to, and the union's recognition.

How a story is kept (`crypto.escrow` gives the cryptography):

* A union with a survey key (a finished key ceremony) seals every story to
  that joint key. Nobody holds it whole: a story opens when enough of the
  ceremony's trustees each give their part, computed in their own browser
  (static/js/escrow/), and only once its day has come. This module refuses
  to hand a trustee anything to decrypt before that day, and refuses a part
  given before it; the trustee's browser checks the day itself, by its own
  clock, against the terms the story was sealed with.
* A union without one seals the story to a key made for it alone, whose
  secret the server keeps, sealed with the application key. The job
  `open_due_stories` (`jobs`) opens it on its day. Nobody should be able to
  open it before, but the server's operator, holding both, could: every page
  says so.

The server sees a story as it is saved and seals it at once; it keeps no copy
and no means of opening it (in trustee mode). After it opens, its words are
kept sealed with the application key, for its readers: the author, and whom
the author chose. Readers other than the author never receive the names the
author hid (`redaction`).

Every refusal raises a `DomainError` before anything is written, so a view's
unit of work stores nothing.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.clock import utcnow
from core.extensions import db
from core.i18n import format_day, format_number
from core.text import has_visible_text, has_words
from core.timezones import to_local
from crypto import escrow
from crypto.elgamal import SecretKey, generate_keypair
from crypto.errors import CryptoError, InvalidPartialError, NotEnoughPartialsError, SealError
from crypto.threshold import PartialDecryption, ThresholdKey
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref, count_holders
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting.models import BargainingUnit, Union
from organizer.charting.unions import lock_union
from organizer.errors import DomainError, NotAllowed
from organizer.escrow import redaction
from organizer.escrow.models import (
    MAX_NAMED_READERS,
    Story,
    StoryKey,
    StoryOpening,
    StoryPart,
    StoryReaders,
    StoryState,
    UnionRecognition,
)
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ceremony
from surveys.ceremony import CeremonyStatus

log = logging.getLogger(__name__)

TITLE_MAX = 120
TEXT_MAX = 20_000
HIDDEN_NAMES_MAX = 30
#: How far ahead a story may be set to open.
YEARS_AHEAD_MAX = 30
#: A recognition recorded before this day is a typing slip.
EARLIEST_RECOGNITION = date(2000, 1, 1)
#: The payload is padded to a multiple of this before sealing, as its seal pads it.
PAYLOAD_BLOCK = escrow.STORY_PADDING_BLOCK
#: Organizers may name any account of a union this size or smaller; in a larger one,
#: its officers only (a list of thousands of checkboxes helps nobody).
NAMEABLE_ACCOUNTS_MAX = 500
#: A story opened in the last this many days is "new" on its readers' home pages.
NEW_FOR_DAYS = 14

_IN_THE_UNION = lazy_gettext("Only people in this union can keep stories in its archive.")
#: What a page says of each key mode.
KEY_WORDS = {
    StoryKey.TRUSTEES: lazy_gettext(
        "Locked with the union's survey key. Nobody can open it before its day, not even the server: on the day, "
        "the union's trustees open it together, each on their own phone or computer."),
    StoryKey.SERVER: lazy_gettext(
        "Locked with a key the server keeps, because this union has no survey key yet. The server can open this "
        "on the day; nobody should be able to before, but the server's operator could."),
}


# -- when -------------------------------------------------------------------------------------------

def union_today(time_zone: str) -> date:
    """Today where the union works (the day of a story is counted in the union's zone)."""
    return to_local(utcnow(), time_zone).date()


def recognition_of(union_id: int) -> UnionRecognition | None:
    return db.session.get(UnionRecognition, union_id)


def terms_of(story: Story) -> escrow.StoryTerms:
    """The terms the story's seal is bound to."""
    return escrow.StoryTerms(story.public_id, story.union_id, story.opens_on,
                             story.opening == StoryOpening.RECOGNISED, story.time_zone)


def is_due(story: Story) -> bool:
    """Whether the story's day has come (its date in its zone, or the union's recognition)."""
    recognition = recognition_of(story.union_id)
    return terms_of(story).is_due(union_today(story.time_zone),
                                  recognition.recognised_on if recognition is not None else None)


# -- who ----------------------------------------------------------------------------------------------

def in_union(actor: Account, union: Union) -> bool:
    """Its organizers, and the members, stewards and committee members of its units."""
    return policy.organizes(actor, union) or any(
        unit.id in actor.unit_ids_as(role) for unit in union.units for role in Role if role != Role.ORGANIZER)


def writing_places(actor: Account, union: Union) -> list[BargainingUnit]:
    """The units a person writes a story in: an organizer, any of the union's; anyone else, their own."""
    return [unit for unit in union.units if policy.organizes(actor, union) or policy.belongs_to(actor, unit)]


def _union_accounts(union: Union) -> list[Account]:
    units = sa.select(BargainingUnit.id).where(BargainingUnit.union_id == union.id)
    return list(db.session.scalars(sa.select(Account).join(RoleAssignment).where(sa.or_(
        RoleAssignment.unit_id.in_(units),
        sa.and_(RoleAssignment.role == Role.ORGANIZER, RoleAssignment.union_id == union.id))).distinct()))


def nameable_readers(actor: Account, union: Union) -> list[Account]:
    """Whom the actor may name as a story's readers, the actor left out. Anyone may
    name the union's stewards and organizers, whom its members know; only organizers,
    who see who has an account, may name other members too."""
    officers = unit_surveys.trustee_candidates(union)
    found = officers
    if policy.organizes(actor, union):
        everyone = _union_accounts(union)
        if len(everyone) <= NAMEABLE_ACCOUNTS_MAX:
            found = everyone
    return sorted((a for a in found if a.id != actor.id), key=lambda a: a.display_name.casefold())


def _admits(actor: Account, union: Union, unit: BargainingUnit | None, readers: StoryReaders,
            named: tuple[int, ...]) -> bool:
    """Whether the kind of readers a story is for takes in the actor (who must be in the union)."""
    if not in_union(actor, union):
        return False
    if readers == StoryReaders.UNION:
        return True
    if readers == StoryReaders.UNIT:
        return unit is not None and policy.belongs_to(actor, unit)
    if readers == StoryReaders.OFFICERS:
        return policy.organizes(actor, union) or any(policy.stewards(actor, u) for u in union.units)
    return actor.id in named


def _admitted(union: Union, unit: BargainingUnit | None, readers: StoryReaders,
              named: tuple[int, ...]) -> list[Account]:
    """Every account that the kind of readers takes in, now."""
    return [a for a in _union_accounts(union) if _admits(a, union, unit, readers, named)]


def _existed_then(account: Account, story: Story) -> bool:
    # An account made after the story was saved cannot be its author or a reader it named:
    # a deleted account's id, given again to a new one, does not pass the story on. Both
    # days are UTC days (Account.created_on's, and `saved_on`'s as save_story sets it).
    return account.created_on <= story.saved_on


def is_author(actor: Account, story: Story) -> bool:
    return actor.id == story.author_id and _existed_then(actor, story)


def is_among_readers(actor: Account, story: Story) -> bool:
    """The author, and the readers the author chose, whether or not the story is open yet."""
    if is_author(actor, story):
        return True
    if story.readers == StoryReaders.NAMED and not _existed_then(actor, story):
        return False
    return _admits(actor, story.union, story.unit, story.readers, story.named_reader_ids)


def may_read(actor: Account, story: Story) -> bool:
    """The author, and the readers the author chose, once it is open; nobody before."""
    return story.is_open and is_among_readers(actor, story)


def readers_of(story: Story) -> list[Account]:
    """Everyone who may read the story once open, the author included (if their account remains)."""
    found = {a.id: a for a in _admitted(story.union, story.unit, story.readers, story.named_reader_ids)
             if story.readers != StoryReaders.NAMED or _existed_then(a, story)}
    author = db.session.get(Account, story.author_id)
    if author is not None and is_author(author, story):
        found[author.id] = author
    return sorted(found.values(), key=lambda a: a.id)


# -- writing --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoryDetails:
    """What an author writes (the form's input, cleaned)."""

    title: str
    text: str
    #: Names to hide besides those in square brackets, one each.
    hidden_names: tuple[str, ...]
    #: The unit it is written in; None for the whole union (organizers only).
    unit_id: int | None
    readers: StoryReaders
    #: The accounts named, when `readers` is NAMED.
    reader_ids: tuple[int, ...]
    opening: StoryOpening
    opens_on: date | None


def _require_in_union(actor: Account, union: Union) -> None:
    if not in_union(actor, union):
        raise NotAllowed(_IN_THE_UNION)


def _checked_words(details: StoryDetails) -> tuple[str, str, tuple[str, ...]]:
    title, text = details.title.strip(), details.text.strip()
    if not text or not has_visible_text(text):
        raise DomainError(gettext("Write the story: it is empty."), field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(gettext("Keep the story to %(max)s characters or fewer: this has %(length)s.",
                                  max=format_number(TEXT_MAX), length=format_number(len(text))), field="text")
    if not title or not has_words(title):
        raise DomainError(gettext("Give the story a title, in words."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(gettext("Keep the title to %(max)d characters or fewer.", max=TITLE_MAX), field="title")
    names = tuple(name.strip() for name in details.hidden_names if name.strip())
    if len(names) > HIDDEN_NAMES_MAX:
        raise DomainError(gettext("List at most %(max)d names to hide.", max=HIDDEN_NAMES_MAX), field="hidden_names")
    if any(len(name) > redaction.NAME_MAX or not has_words(name) for name in names):
        raise DomainError(gettext("Each name to hide is a name, in words, of at most %(max)d characters.",
                                  max=redaction.NAME_MAX), field="hidden_names")
    return title, text, names


def _checked_unit(actor: Account, union: Union, details: StoryDetails) -> BargainingUnit | None:
    if details.unit_id is None:
        if not policy.organizes(actor, union):
            raise DomainError(gettext("Choose the unit the story is from."), field="unit_id")
        if details.readers == StoryReaders.UNIT:
            raise DomainError(gettext("Choose the unit whose people may read it."), field="unit_id")
        return None
    unit = next((u for u in writing_places(actor, union) if u.id == details.unit_id), None)
    if unit is None:
        raise NotAllowed(gettext("You can write a story only in your own unit."))
    return unit


def _said_unit(union: Union, unit: BargainingUnit | None, details: StoryDetails) -> BargainingUnit | None:
    """The unit the story is kept under: its own where at least the union's k accounts are in it,
    else none, so that the story is the union's. A unit of fewer would name its author to
    everyone in the archive, and to anyone with a copy of the database; and a story for its
    readers alone would tell them, and everyone else that they are not among them, where its
    author works. Decided once, as it is saved: a unit that grows later must not make an older
    story's place finer than it was (whoever saw it then would learn the author was one of few)."""
    if unit is None or _Groups().in_unit(unit.id) >= union.release_threshold:
        return unit
    if details.readers == StoryReaders.UNIT:
        raise DomainError(gettext(
            "Fewer than %(k)d people of %(unit)s are on Leverage, so a story for them alone would tell them who "
            "wrote it. Choose everyone in the union, the stewards and organizers, or the people you name.",
            k=union.release_threshold, unit=unit.name), field="readers")
    return None


def _checked_opening(union: Union, details: StoryDetails) -> date | None:
    if details.opening == StoryOpening.RECOGNISED:
        recognised = recognition_of(union.id)
        if recognised is not None:
            raise DomainError(gettext("The union was recognised on %(day)s: choose a day instead.",
                                      day=format_day(recognised.recognised_on)), field="opening")
        return None
    if details.opens_on is None:
        raise DomainError(gettext("Choose the day it may be told."), field="opens_on")
    today = union_today(union.time_zone)
    if details.opens_on < today:
        raise DomainError(gettext("That day is already past: choose today or a later day."), field="opens_on")
    if details.opens_on > today + timedelta(days=365 * YEARS_AHEAD_MAX):
        raise DomainError(gettext("Choose a day within %(years)d years.", years=YEARS_AHEAD_MAX), field="opens_on")
    return details.opens_on


def _checked_readers(actor: Account, union: Union, unit: BargainingUnit | None,
                     details: StoryDetails) -> tuple[int, ...]:
    named: tuple[int, ...] = ()
    if details.readers == StoryReaders.NAMED:
        allowed = {a.id for a in nameable_readers(actor, union)}
        named = tuple(sorted(set(details.reader_ids) - {actor.id}))
        if len(named) > MAX_NAMED_READERS:
            raise DomainError(gettext("Name at most %(max)d readers.", max=MAX_NAMED_READERS), field="reader_ids")
        if any(i not in allowed for i in named):
            raise DomainError(gettext("Name readers from the list."), field="reader_ids")
    if not [a for a in _admitted(union, unit, details.readers, named) if a.id != actor.id]:
        raise DomainError(gettext("Nobody but you could read it: choose readers who are in the union."),
                          field="reader_ids" if details.readers == StoryReaders.NAMED else "readers")
    return named


def _payload(title: str, text: str, names: tuple[str, ...]) -> str:
    """The story as its seal holds it: JSON, padded with spaces (which JSON ignores) so
    that the sealed words, once opened and kept, tell their length no better than the seal."""
    raw = json.dumps({"title": title, "text": text, "hidden": list(names)}, ensure_ascii=True)
    return raw + " " * (-len(raw) % PAYLOAD_BLOCK)


def _union_key(union: Union) -> tuple[CeremonyStatus, ThresholdKey] | None:
    """The union's survey key, when it has one that enough of its trustees still hold."""
    status = unit_surveys.union_key(union)
    if status is None:
        return None
    remaining = sum(not ref.startswith(ceremony.GONE) for ref in status.trustee_refs)
    if remaining < status.threshold:
        raise DomainError(gettext("Too few of the union's survey key trustees remain to open a story: the "
                                  "organizers must make a new survey key first."))
    return status, ceremony.joint_key(status.id)


def save_story(actor: Account, union: Union, details: StoryDetails) -> Story:
    """Seal a story in the union's archive (see the module's docstring). Refused,
    with nothing stored, for an empty or too long story, a day already past,
    readers that take in nobody but the author, or someone outside the union."""
    _require_in_union(actor, union)
    title, text, names = _checked_words(details)
    unit = _said_unit(union, _checked_unit(actor, union, details), details)
    opens_on = _checked_opening(union, details)
    named = _checked_readers(actor, union, unit, details)
    story = Story(public_id=secrets.token_hex(16), union_id=union.id, unit_id=unit.id if unit else None,
                  author_id=actor.id, readers=details.readers,
                  named_reader_ids=named, opening=details.opening, opens_on=opens_on,
                  time_zone=union.time_zone, saved_on=utcnow().date())
    payload = _payload(title, text, names).encode("ascii")
    terms = terms_of(story)
    held = _union_key(union)
    if held is not None:
        status, key = held
        story.key_mode, story.key_ceremony_id, story.threshold_key = StoryKey.TRUSTEES, status.id, key.to_bytes()
        story.sealed = escrow.seal_story(key.public_key, payload, terms)
    else:
        pair = generate_keypair()
        story.key_mode, story.server_secret = StoryKey.SERVER, pair.secret_key.to_bytes()
        story.sealed = escrow.seal_story(pair.public_key, payload, terms)
    db.session.add(story)
    db.session.flush()
    return story


# -- the archive --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Byline:
    """Where the archive says a story comes from, and never who wrote it: not even a role, as
    "a steward of Drivers" names the one steward of a unit that has one, and leaving the role
    out only where it would name someone says as much. The unit is said where the story kept
    one (`_said_unit`) and it still has at least the union's k accounts; else the union, if it
    has k; else nothing. The author sees "Your story", with their unit."""

    #: The unit's or the union's name; None where neither is said.
    place: str | None
    #: Whether the story's unit is said (its readers are then worded by it too: "for everyone in Drivers").
    unit_said: bool = False
    mine: bool = False


class _Groups:
    """How many accounts are in a unit or a union, counted once for a whole archive."""

    def __init__(self) -> None:
        self._counted: dict[tuple, int] = {}

    def _count(self, key: tuple, *where: sa.ColumnElement[bool]) -> int:
        if key not in self._counted:
            self._counted[key] = count_holders(*where)
        return self._counted[key]

    def in_unit(self, unit_id: int) -> int:
        return self._count(("unit", unit_id), RoleAssignment.unit_id == unit_id)

    def in_union(self, union_id: int) -> int:
        units = sa.select(BargainingUnit.id).where(BargainingUnit.union_id == union_id)
        return self._count(("union", union_id), sa.or_(RoleAssignment.union_id == union_id,
                                                       RoleAssignment.unit_id.in_(units)))


def _byline(story: Story, mine: bool, groups: _Groups) -> Byline:
    k = story.union.release_threshold
    if story.unit is not None and (mine or groups.in_unit(story.unit_id) >= k):
        return Byline(story.unit.name, True, mine)
    if mine or groups.in_union(story.union_id) >= k:
        return Byline(story.union.name, False, mine)
    return Byline(None, False, mine)


@dataclass(frozen=True)
class Entry:
    """A story as the archive lists it: where it comes from, never who wrote it (`Byline`), when
    it opens and for whom (templates/escrow/_entry.html words it)."""

    story: Story
    is_mine: bool
    #: Whether the story is for the actor (its author, or among its readers), open or not.
    is_for_me: bool
    can_read: bool
    #: The day it opens or opened: its date, or the union's recognition (None: not recognised yet).
    opens_on: date | None
    byline: Byline

    @property
    def key_words(self) -> str:
        return str(KEY_WORDS[self.story.key_mode])


def _entry(actor: Account, story: Story, recognition: UnionRecognition | None, groups: _Groups) -> Entry:
    opens_on = story.opens_on
    if story.opening == StoryOpening.RECOGNISED:
        opens_on = recognition.recognised_on if recognition is not None else None
    mine = is_author(actor, story)
    return Entry(story, mine, is_among_readers(actor, story), may_read(actor, story), opens_on,
                 _byline(story, mine, groups))


def entry_of(actor: Account, story: Story) -> Entry:
    return _entry(actor, story, recognition_of(story.union_id), _Groups())


@dataclass(frozen=True)
class Archive:
    union: Union
    #: Stories not yet open, soonest first (those that wait for recognition last); then opened ones, newest first.
    sealed: list[Entry]
    opened: list[Entry]
    recognition: UnionRecognition | None
    is_organizer: bool
    #: What new stories are sealed to.
    key_mode: StoryKey

    @property
    def key_words(self) -> str:
        return str(KEY_WORDS[self.key_mode])


def _stories_of(union: Union) -> list[Story]:
    return list(db.session.scalars(sa.select(Story).where(Story.union_id == union.id).order_by(Story.id)))


def archive(actor: Account, union: Union) -> Archive:
    _require_in_union(actor, union)
    recognition = recognition_of(union.id)
    groups = _Groups()
    entries = [_entry(actor, story, recognition, groups) for story in _stories_of(union)]
    sealed = sorted((e for e in entries if not e.story.is_open),
                    key=lambda e: (e.opens_on is None, e.opens_on or date.max, e.story.id))
    opened = sorted((e for e in entries if e.story.is_open), key=lambda e: (e.story.opened_on, e.story.id),
                    reverse=True)
    key_mode = StoryKey.TRUSTEES if unit_surveys.union_key(union) is not None else StoryKey.SERVER
    return Archive(union, sealed, opened, recognition, policy.organizes(actor, union), key_mode)


# -- reading ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoryPage:
    """A story's page: its archive entry, and once open, for a reader, its words."""

    entry: Entry
    #: The title and the paragraphs, cut into pieces, hidden names taken out unless the reader is the author.
    title: list[redaction.Piece] | None = None
    paragraphs: list[list[redaction.Piece]] | None = None
    #: For the author: how many names are hidden from the other readers.
    hidden_count: int = 0


def story_page(actor: Account, story: Story) -> StoryPage:
    """What the actor sees of a story: before it opens, its entry only (author included);
    after, its words. Only for its author and the readers the author chose: anyone else
    in the union is refused (the archive tells them as much as there is to tell)."""
    _require_in_union(actor, story.union)
    entry = entry_of(actor, story)
    if not entry.is_for_me:
        raise NotAllowed(gettext("This story is for the readers its author chose."))
    if not story.is_open:
        return StoryPage(entry)
    payload = json.loads(story.opened_payload)
    names = redaction.hidden_names(payload["text"], payload["hidden"])
    mine = entry.is_mine
    return StoryPage(
        entry, title=redaction.for_reader(redaction.pieces(payload["title"], names), mine),
        paragraphs=[redaction.for_reader(p, mine) for p in redaction.paragraphs(payload["text"], names)],
        hidden_count=len(names) if mine else 0)


# -- opening, by the trustees -----------------------------------------------------------------------------

def key_ceremony_of(story: Story) -> CeremonyStatus | None:
    return ceremony.status(story.key_ceremony_id) if story.key_ceremony_id is not None else None


def trustee_index(actor: Account, story: Story) -> int | None:
    """The actor's number among the trustees who can open the story, or None."""
    status = key_ceremony_of(story) if story.key_mode == StoryKey.TRUSTEES else None
    mine = status.trustee(account_ref(actor)) if status is not None else None
    return mine.trustee_index if mine is not None else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _terms_json(terms: escrow.StoryTerms) -> dict[str, Any]:
    return {"story_id": terms.story_id, "union_id": terms.union_id,
            "opens_on": terms.opens_on.isoformat() if terms.opens_on else None,
            "when_recognised": terms.when_recognised, "time_zone": terms.time_zone}


@dataclass(frozen=True)
class TrusteeScreen:
    """A trustee's page for a story: whether it is due, who has given their part, and
    (when it is the trustee's turn) what their browser needs, all public or sealed to them."""

    entry: Entry
    threshold: int
    given: int
    has_given: bool
    is_due: bool
    recognition: UnionRecognition | None
    #: static/js/escrow/worker.js's task: the terms, the sealed story, the key and the ceremony's parts.
    task: dict[str, Any] | None


def trustee_screen(actor: Account, story: Story) -> TrusteeScreen:
    index = trustee_index(actor, story)
    if index is None:
        raise NotAllowed(gettext("You are not one of the trustees who can open this story."))
    status = key_ceremony_of(story)
    given = {part.trustee_index for part in story.parts}
    due = is_due(story)
    recognition = recognition_of(story.union_id)
    task = None
    if due and not story.is_open and index not in given:
        task = {"terms": _terms_json(terms_of(story)),
                "recognised_on": recognition.recognised_on.isoformat() if recognition is not None else None,
                "sealed": _b64(story.sealed), "threshold_key": _b64(story.threshold_key),
                "ceremony": ceremony.material_for(status.id, account_ref(actor)).to_json()}
    return TrusteeScreen(entry_of(actor, story), status.threshold, len(given), index in given, due, recognition,
                         task)


def _locked(story: Story) -> Story:
    """The story's row held until commit, reloaded as committed with its parts: two
    trustees giving their parts at once are taken one after the other, and the last
    of the quorum always sees the others'."""
    db.session.execute(sa.select(Story.id).where(Story.id == story.id).with_for_update())
    db.session.refresh(story)
    db.session.scalars(sa.select(StoryPart).where(StoryPart.story_id == story.id)
                       .execution_options(populate_existing=True)).all()
    db.session.refresh(story, ["parts"])
    return story


def give_part(actor: Account, story: Story, partial: bytes) -> int:
    """A trustee's part, computed in their browser: refused before the story's day,
    twice, from anyone not its trustee, or unless it is a proven partial decryption
    of this story's own sealed point. Opens the story once the quorum has given
    theirs; returns how many have."""
    story = _locked(story)
    index = trustee_index(actor, story)
    if index is None:
        raise NotAllowed(gettext("You are not one of the trustees who can open this story."))
    if story.is_open:
        raise DomainError(gettext("This story is open already: there is nothing left to do."))
    if not is_due(story):
        raise DomainError(gettext("This story's day has not come: nobody can open it before then."))
    if any(part.trustee_index == index for part in story.parts):
        raise DomainError(gettext("You have given your part already. The story opens when enough trustees have."))
    key = ThresholdKey.from_bytes(story.threshold_key)
    try:
        parsed = PartialDecryption.from_bytes(partial)
    except (CryptoError, ValueError, TypeError):
        raise DomainError(gettext("Your part is not in the expected form. Reload the page and try again.")) from None
    if parsed.trustee_index != index or not escrow.verify_story_partial(key, story.sealed, terms_of(story), parsed):
        raise DomainError(gettext("Your part does not check out for this story. Reload the page and try again."))
    story.parts.append(StoryPart(trustee_index=index, partial=parsed.to_bytes(),
                                 given_on=union_today(story.time_zone)))
    db.session.flush()
    if len(story.parts) >= key.threshold:
        _open_with_parts(story, key)
    return len(story.parts)


def _open_with_parts(story: Story, key: ThresholdKey) -> None:
    partials = [PartialDecryption.from_bytes(bytes(part.partial)) for part in story.parts]
    try:
        payload = escrow.open_story_with_partials(key, story.sealed, partials, terms_of(story))
    except (InvalidPartialError, NotEnoughPartialsError, SealError) as failed:
        log.warning("story %s: its trustees' parts did not open it (%s)", story.id, type(failed).__name__)
        raise DomainError(gettext("The trustees' parts did not open this story; tell the organizers.")) from None
    _mark_open(story, payload)


def _mark_open(story: Story, payload: bytes) -> None:
    story.opened_payload = payload.decode("ascii")
    story.state = StoryState.OPENED
    story.opened_on = union_today(story.time_zone)
    # A server-held key has done its work: nobody needs it any more.
    story.server_secret = None
    db.session.flush()


def stories_waiting_for(actor: Account) -> list[Story]:
    """Stories whose day has come that wait for the actor's part as trustee."""
    ref = account_ref(actor)
    ceremony_ids = [c.id for c in ceremony.ceremonies_of_trustee(ref)]
    if not ceremony_ids:
        return []
    found = db.session.scalars(sa.select(Story).where(
        Story.state == StoryState.SEALED, Story.key_mode == StoryKey.TRUSTEES,
        Story.key_ceremony_id.in_(ceremony_ids)).order_by(Story.id))
    return [s for s in found if is_due(s) and trustee_index(actor, s) not in {p.trustee_index for p in s.parts}]


# -- opening, by the server -------------------------------------------------------------------------------

def open_with_server_key(story: Story) -> bool:
    """Open a server-key story whose day has come. Idempotent: False when it is not
    due, is open already, or is not the server's to open."""
    if story.key_mode != StoryKey.SERVER or story.is_open:
        return False
    story = _locked(story)
    if story.is_open or not is_due(story) or story.server_secret is None:
        return False
    secret = SecretKey.from_bytes(bytes(story.server_secret))
    _mark_open(story, escrow.open_story_with_secret_key(secret, story.sealed, terms_of(story)))
    return True


# -- recognition ------------------------------------------------------------------------------------------

def record_recognition(actor: Account, union: Union, recognised_on: date) -> UnionRecognition:
    """An organizer records the day the union was recognised: stories that wait for it
    may open from then on. Recorded once, and never undone (a story opened stays open)."""
    policy.require_organizer(actor, union, gettext("Only the union's organizers can record that it was recognised."))
    lock_union(union)
    if recognition_of(union.id) is not None:
        raise DomainError(gettext("The union's recognition is recorded already."))
    if recognised_on > union_today(union.time_zone):
        raise DomainError(gettext("That day has not come yet: record the recognition once it has happened."),
                          field="recognised_on")
    if recognised_on < EARLIEST_RECOGNITION:
        raise DomainError(gettext("Check the day: it is long past."), field="recognised_on")
    recognition = UnionRecognition(union_id=union.id, recognised_on=recognised_on,
                                   recorded_on=union_today(union.time_zone))
    db.session.add(recognition)
    # The audit log stores its sentences in English (docs/translating.md).
    waiting = sum(s.opening == StoryOpening.RECOGNISED and not s.is_open for s in _stories_of(union))
    audit.record(actor, AuditAction.UNION_RECOGNISED,
                 f"Recorded that the union was recognised on {recognised_on.isoformat()}: {waiting} "
                 f"{'story' if waiting == 1 else 'stories'} waiting for it can now be opened.", union_id=union.id)
    db.session.flush()
    return recognition


# -- home -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HomeStories:
    """What the home page shows of the archives: stories waiting for the person's part
    as trustee, stories opened lately that they may read, and their unions' archives."""

    waiting: list[Entry]
    new: list[Entry]
    unions: list[Union]


def home_stories(actor: Account) -> HomeStories:
    union_ids = set(actor.organizer_union_ids())
    union_ids |= {a.unit.union_id for a in actor.roles if a.unit is not None}
    unions = sorted((db.session.get(Union, i) for i in union_ids), key=lambda u: u.name.casefold())
    since = utcnow().date() - timedelta(days=NEW_FOR_DAYS)
    new = []
    for union in unions:
        recent = db.session.scalars(sa.select(Story).where(
            Story.union_id == union.id, Story.state == StoryState.OPENED, Story.opened_on >= since)
            .order_by(Story.opened_on.desc(), Story.id.desc()))
        new += [entry_of(actor, s) for s in recent if may_read(actor, s)]
    return HomeStories([entry_of(actor, s) for s in stories_waiting_for(actor)], new, unions)
