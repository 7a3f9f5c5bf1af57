"""Union cards: the union's words, signing and withdrawing a card, paper cards,
the count of valid cards that density rests on, and the files organizers
export for filing.

One valid card per coworker. Sealed fields cannot be searched in SQL, so that
rule is checked in Python against the unit's cards, under the unit's roster
lock (`charting.roster.lock`), which every writer of a unit's cards takes
first: two tabs signing at once, or an organizer recording a paper card while
the coworker signs in the app, take turns, and the second is refused.

Counting a unit's valid cards (for density, on every strength card) opens two
sealed fields per card, the coworker and the withdrawal day: at 2,000 cards
about 30 ms. The organizers' list of a unit's cards opens every field: at
2,000 cards about 0.15 s. A unit without cards costs one indexed query that
finds nothing. A sealed per-unit index, as the roster is for the chart, is the
next step if units hold many more cards than that."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core import text as words
from core.clock import utcnow
from core.i18n import format_day
from core.extensions import db
from core.timezones import format_local, to_local
from crypto.fields import normalize_email
from organizer import policy
from organizer.accounts.models import Account
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.cards import exports
from organizer.cards.models import UnionCard, UnionCardText, digest_of
from organizer.charting import roster
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.charting.unions import lock_union
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role

#: The longest card text organizers may set: a card is a few sentences, not a contract.
CARD_TEXT_MAX = 3000

NAME_MAX = 120

EMAIL_MAX = 254

PHONE_MAX = 30

#: A paper card dated before this is a typing slip.
EARLIEST_PAPER_CARD = date(1950, 1, 1)

_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers handle its union cards.")

_MEMBERS_ONLY = lazy_gettext("Only members of a bargaining unit sign its union card.")


# -- the card's words -----------------------------------------------------------------------------

def clean_card_text(text: str) -> str:
    """The words as stored and signed: one kind of line break, no spaces at line ends,
    no direction overrides (which could make the card read otherwise than it says)."""
    lines = (words.without_bidi_controls(text) or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def current_text(union: Union) -> UnionCardText | None:
    """The words members sign now: the union's newest version."""
    return db.session.scalars(sa.select(UnionCardText).where(UnionCardText.union_id == union.id)
                              .order_by(UnionCardText.version.desc()).limit(1)).first()


def text_versions(union: Union) -> list[UnionCardText]:
    """Every version of the union's words, newest first."""
    return list(db.session.scalars(sa.select(UnionCardText).where(UnionCardText.union_id == union.id)
                                   .order_by(UnionCardText.version.desc())))


def set_card_text(actor: Account, union: Union, text: str) -> UnionCardText:
    """New words for the union's card. Cards already signed keep the words they were
    signed under: a new version is added, none is ever changed."""
    if not policy.keeps_union_cards(actor, union):
        raise NotAllowed(_ORGANIZERS_ONLY)
    clean = clean_card_text(text)
    if not words.has_words(clean):
        raise DomainError(gettext("Write the words a coworker signs."), field="text")
    if len(clean) > CARD_TEXT_MAX:
        raise DomainError(gettext("Keep the card to %(max)d characters or fewer: this has %(length)d.",
                                  max=CARD_TEXT_MAX, length=len(clean)), field="text")
    # Two organizers saving new words at once take turns, so neither version number is taken twice.
    lock_union(union)
    current = current_text(union)
    if current is not None and current.text == clean:
        raise DomainError(gettext("These are the card's words already: nothing changed."), field="text")
    version = UnionCardText(union_id=union.id, version=current.version + 1 if current else 1, text=clean)
    db.session.add(version)
    db.session.flush()
    audit.record(actor, AuditAction.CARD_TEXT_CHANGED,
                 f"Set the union card's words (version {version.version}). Cards signed before keep the words "
                 "they were signed under.", union_id=union.id)
    return version


# -- reading cards --------------------------------------------------------------------------------

def _card_ids_of(unit_id: int, person_ids: set[int] | None = None, *, valid_only: bool = False) -> list[int]:
    """Ids of a unit's cards (of these people, if given), opening only the two sealed fields needed."""
    rows = db.session.execute(sa.select(UnionCard.id, UnionCard.person_id, UnionCard.withdrawn_on)
                              .where(UnionCard.unit_id == unit_id))
    return [card_id for card_id, person_id, withdrawn_on in rows
            if (person_ids is None or person_id in person_ids) and not (valid_only and withdrawn_on is not None)]


def _cards(ids: list[int]) -> list[UnionCard]:
    """The cards, newest first."""
    if not ids:
        return []
    return list(db.session.scalars(sa.select(UnionCard).where(UnionCard.id.in_(ids)).order_by(UnionCard.id.desc())))


def standing_card(unit: BargainingUnit, person_id: int) -> UnionCard | None:
    """The coworker's card that counts now, if they have one."""
    return next(iter(_cards(_card_ids_of(unit.id, {person_id}, valid_only=True))), None)


def valid_card_count(unit: BargainingUnit) -> int | None:
    """Coworkers on the unit's chart now who hold a valid card; None while the unit has
    no card at all (signed or withdrawn), so that its density still reads the chart."""
    rows = db.session.execute(sa.select(UnionCard.person_id, UnionCard.withdrawn_on)
                              .where(UnionCard.unit_id == unit.id)).all()
    if not rows:
        return None
    charted = set(roster.of(unit).person_ids())
    return len({person_id for person_id, withdrawn_on in rows if withdrawn_on is None and person_id in charted})


# -- a member's own card --------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberCards:
    """What a member's card page shows."""

    unit: BargainingUnit
    #: The member on the chart; None for an account no coworker is linked to.
    person: Person | None
    #: The words they would sign now.
    text: UnionCardText | None
    #: Their card that counts, if any.
    standing: UnionCard | None
    #: Their withdrawn cards, newest first.
    withdrawn: list[UnionCard]
    #: The versions of the words their cards name, by id.
    texts: dict[int, UnionCardText]

    @property
    def can_sign(self) -> bool:
        return self.person is not None and self.text is not None and self.standing is None


def member_unit(actor: Account) -> BargainingUnit:
    """The unit a member signs a card in (a member belongs to one unit)."""
    unit_ids = sorted(actor.unit_ids_as(Role.MEMBER))
    if not unit_ids:
        raise NotAllowed(_MEMBERS_ONLY)
    return db.session.get(BargainingUnit, unit_ids[0])


def signer_of(actor: Account, unit: BargainingUnit) -> Person | None:
    """The coworker on the unit's chart that the account belongs to."""
    person = db.session.get(Person, actor.person_id) if actor.person_id is not None else None
    return person if person is not None and person.unit_id == unit.id else None


def member_cards(actor: Account) -> MemberCards:
    unit = member_unit(actor)
    person = signer_of(actor, unit)
    cards = _cards(_card_ids_of(unit.id, {person.id})) if person is not None else []
    standing = next((card for card in cards if card.is_valid), None)
    return MemberCards(unit, person, current_text(unit.union), standing,
                       [card for card in cards if not card.is_valid], texts_of(cards))


def texts_of(cards: Iterable[UnionCard]) -> dict[int, UnionCardText]:
    ids = {card.text_id for card in cards}
    if not ids:
        return {}
    return {text.id: text for text in db.session.scalars(sa.select(UnionCardText).where(UnionCardText.id.in_(ids)))}


@dataclass(frozen=True)
class Signature:
    """What a member gives to sign: their details, their typed signature, and the words
    they were shown (version and digest), so that words changed meanwhile are not signed."""

    legal_name: str
    email: str
    phone: str
    typed_signature: str
    text_id: int
    text_digest: str


def signature_matches(typed: str, legal_name: str) -> bool:
    """The typed signature is the legal name: capitals and runs of spaces do not count;
    letters and accents do."""
    def folded(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())
    return bool(folded(typed)) and folded(typed) == folded(legal_name)


def check_signature(actor: Account, unit: BargainingUnit, signature: Signature) -> Signature:
    """The signature cleaned, or the reason it cannot be signed: for the first screen
    (nothing is written) and again, under the lock, when the member confirms."""
    if not policy.may_sign_union_card(actor, unit):
        raise NotAllowed(_MEMBERS_ONLY)
    person = signer_of(actor, unit)
    if person is None:
        raise DomainError(gettext("Your account is not linked to anyone on your unit's chart, so a card cannot "
                                  "be matched to you. Ask an organizer."))
    text = current_text(unit.union)
    if text is None:
        raise DomainError(gettext("Your union has not written its card yet. Ask an organizer."))
    if signature.text_id != text.id or signature.text_digest != text.digest:
        raise DomainError(gettext("The card's words changed while you were signing. Read the new words below, "
                                  "then sign again."))
    clean = replace(signature, legal_name=_one_line(signature.legal_name), email=_email(signature.email),
                    phone=_one_line(signature.phone), typed_signature=_one_line(signature.typed_signature))
    _require_name(clean.legal_name)
    if not clean.email:
        raise DomainError(gettext("Give your personal email."), field="email")
    if not clean.phone:
        raise DomainError(gettext("Give your personal phone number."), field="phone")
    if len(clean.phone) > PHONE_MAX:
        raise DomainError(gettext("Keep the phone number to %(max)d characters.", max=PHONE_MAX), field="phone")
    if not signature_matches(clean.typed_signature, clean.legal_name):
        raise DomainError(gettext("Your signature must be your full legal name, typed the same as above "
                                  "(capitals do not matter)."), field="typed_signature")
    standing = standing_card(unit, person.id)
    if standing is not None:
        raise DomainError(gettext("You already signed a union card on %(day)s, and it still counts. There is "
                                  "nothing more to sign.", day=format_day(standing.signed_on)))
    return clean


def sign(actor: Account, unit: BargainingUnit, signature: Signature) -> UnionCard:
    """Sign the member's card: the server sets the day and time; the member gave the rest."""
    if not policy.may_sign_union_card(actor, unit):
        raise NotAllowed(_MEMBERS_ONLY)
    roster.lock(unit)
    clean = check_signature(actor, unit, signature)
    now = utcnow().replace(microsecond=0)
    card = UnionCard(unit_id=unit.id, person_id=actor.person_id, text_id=clean.text_id,
                     text_digest=clean.text_digest, legal_name=clean.legal_name, email=clean.email,
                     phone=clean.phone, typed_signature=clean.typed_signature, on_paper=False,
                     signed_on=to_local(now, unit.union.time_zone).date(), signed_at=now)
    db.session.add(card)
    db.session.flush()
    return card


def is_signer(actor: Account, card: UnionCard) -> bool:
    """The card is the actor's own: it belongs to the coworker their account is linked to."""
    return actor.person_id is not None and actor.person_id == card.person_id


def withdraw(actor: Account, card: UnionCard) -> UnionCard:
    """Withdraw the member's own card: dated and kept, it no longer counts."""
    if not is_signer(actor, card):
        raise NotAllowed(gettext("Only the coworker who signed a card can withdraw it."))
    roster.lock(card.unit)
    db.session.refresh(card)
    if card.withdrawn_on is not None:
        raise DomainError(gettext("This card was already withdrawn on %(day)s.", day=format_day(card.withdrawn_on)))
    card.withdrawn_on = _union_today(card.unit.union)
    db.session.flush()
    return card


# -- paper cards ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaperCard:
    """What an organizer copies from a signed paper card."""

    legal_name: str
    signed_on: date
    #: The version of the union's words printed on the card.
    text_id: int
    email: str | None = None
    phone: str | None = None


def record_paper_card(actor: Account, person: Person, paper: PaperCard) -> UnionCard:
    """Record a card a coworker signed on paper, marked as such, with who recorded it."""
    unit = person.unit
    if not policy.keeps_union_cards(actor, unit):
        raise NotAllowed(_ORGANIZERS_ONLY)
    if roster.lock(unit).entry(person.id) is None:
        raise DomainError(gettext("This coworker is no longer on the chart."))
    text = db.session.get(UnionCardText, paper.text_id)
    if text is None or text.union_id != unit.union_id:
        raise DomainError(gettext("Choose the words printed on the paper card."), field="text_id")
    legal_name, email, phone = _one_line(paper.legal_name), _email(paper.email), _one_line(paper.phone or "")
    _require_name(legal_name)
    if not email and not phone:
        raise DomainError(gettext("Copy the email or the phone written on the card: the labour board may check "
                                  "with the signer."), field="email")
    if len(phone) > PHONE_MAX:
        raise DomainError(gettext("Keep the phone number to %(max)d characters.", max=PHONE_MAX), field="phone")
    if not EARLIEST_PAPER_CARD <= paper.signed_on <= _union_today(unit.union):
        raise DomainError(gettext("Give the day written on the card: it cannot be a day still to come."),
                          field="signed_on")
    standing = standing_card(unit, person.id)
    if standing is not None:
        day = format_day(standing.signed_on)
        raise DomainError(gettext("%(name)s already has a union card that counts, signed %(day)s (on paper).",
                                  name=person.name, day=day) if standing.on_paper else
                          gettext("%(name)s already has a union card that counts, signed %(day)s (in the app).",
                                  name=person.name, day=day))
    card = UnionCard(unit_id=unit.id, person_id=person.id, text_id=text.id, text_digest=text.digest,
                     legal_name=legal_name, email=email or None, phone=phone or None, on_paper=True,
                     signed_on=paper.signed_on, recorded_by_id=actor.id)
    db.session.add(card)
    db.session.flush()
    # Who signed stays out of the log, which the unit's stewards read: the entry says that an
    # organizer vouched for a card, which is what the other officers need to see.
    audit.record(actor, AuditAction.CARD_RECORDED_ON_PAPER, f"Recorded a paper union card in {unit.name}.",
                 unit=unit)
    return card


# -- organizers' view of the cards ----------------------------------------------------------------

@dataclass(frozen=True)
class UnitCards:
    """A unit's cards, for its organizers."""

    unit: BargainingUnit
    valid: list[UnionCard]
    withdrawn: list[UnionCard]
    #: Valid cards of coworkers on the chart now: what density counts.
    counted: int
    headcount: int
    texts: dict[int, UnionCardText]
    #: Who recorded each paper card, by account id.
    recorders: dict[int, str]

    def version_of(self, card: UnionCard) -> int | None:
        text = self.texts.get(card.text_id)
        return text.version if text is not None else None


def unit_cards(actor: Account, unit: BargainingUnit) -> UnitCards:
    if not policy.keeps_union_cards(actor, unit):
        raise NotAllowed(_ORGANIZERS_ONLY)
    cards = _cards(_card_ids_of(unit.id))
    listed = roster.of(unit)
    charted = set(listed.person_ids())
    valid = [card for card in cards if card.is_valid]
    return UnitCards(unit, valid, [card for card in cards if not card.is_valid],
                     len({card.person_id for card in valid if card.person_id in charted}), len(listed),
                     texts_of(cards), _recorders(cards))


@dataclass(frozen=True)
class UnitCardCount:
    unit: BargainingUnit
    valid: int
    withdrawn: int


def union_card_counts(actor: Account, union: Union) -> list[UnitCardCount]:
    """Valid and withdrawn cards of each of the union's units: one query for them all."""
    if not policy.keeps_union_cards(actor, union):
        raise NotAllowed(_ORGANIZERS_ONLY)
    counts = {unit.id: [0, 0] for unit in union.units}
    for unit_id, withdrawn_on in db.session.execute(sa.select(UnionCard.unit_id, UnionCard.withdrawn_on)
                                                    .where(UnionCard.unit_id.in_(list(counts)))):
        counts[unit_id][withdrawn_on is not None] += 1
    return [UnitCardCount(unit, *counts[unit.id]) for unit in union.units]


@dataclass(frozen=True)
class Coworker:
    """A coworker found on the chart to record a paper card for."""

    person: Person
    #: Their card that counts, if any (a second one is refused).
    standing: UnionCard | None


#: How many coworkers a search for a paper card lists.
SEARCH_RESULTS = 20


def find_coworkers(actor: Account, unit: BargainingUnit, search: str) -> list[Coworker]:
    """Coworkers on the chart whose name holds `search` (capitals and accents do not count)."""
    if not policy.keeps_union_cards(actor, unit):
        raise NotAllowed(_ORGANIZERS_ONLY)
    ids = roster.of(unit).matching(search=search)[:SEARCH_RESULTS] if search else []
    if not ids:
        return []
    people = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    standing: dict[int, UnionCard] = {}
    for card in _cards(_card_ids_of(unit.id, set(ids), valid_only=True)):
        standing.setdefault(card.person_id, card)
    return [Coworker(people[pid], standing.get(pid)) for pid in ids if pid in people]


def _recorders(cards: Iterable[UnionCard]) -> dict[int, str]:
    ids = {card.recorded_by_id for card in cards if card.recorded_by_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Account.id, Account.display_name).where(Account.id.in_(ids))).all())


# -- exports --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardFile:
    filename: str
    mimetype: str
    content: bytes
    count: int


#: format -> (what the audit log and the page call it, mimetype)
FORMATS = {"pdf": ("a PDF", "application/pdf"), "csv": ("a CSV spreadsheet", "text/csv")}


def valid_card_total(actor: Account, unit: BargainingUnit) -> int:
    """How many cards an export of the unit would list (its valid cards)."""
    if not policy.keeps_union_cards(actor, unit):
        raise NotAllowed(_ORGANIZERS_ONLY)
    return len(_card_ids_of(unit.id, valid_only=True))


def export_cards(actor: Account, unit: BargainingUnit, file_format: str) -> CardFile:
    """The unit's valid cards as a file for filing, and an audit entry that counts them
    (never naming anyone: the unit's stewards read the log)."""
    if not policy.keeps_union_cards(actor, unit):
        raise NotAllowed(_ORGANIZERS_ONLY)
    if file_format not in FORMATS:
        raise DomainError(gettext("Choose a PDF or a CSV file."))
    cards = sorted(_cards(_card_ids_of(unit.id, valid_only=True)), key=lambda card: (card.signed_on, card.id))
    if not cards:
        raise DomainError(gettext("No valid card to export yet."))
    filed = _filed(unit, cards)
    content = exports.to_pdf(unit, filed) if file_format == "pdf" else exports.to_csv(filed).encode("utf-8")
    what, mimetype = FORMATS[file_format]
    audit.record(actor, AuditAction.CARDS_EXPORTED,
                 f"Exported {_cards_phrase(len(cards))} of {unit.name} as {what}.", unit=unit)
    day = _union_today(unit.union)
    return CardFile(f"union-cards-unit-{unit.id}-{day}.{file_format}", mimetype, content, len(cards))


def _cards_phrase(count: int) -> str:
    return "the 1 valid union card" if count == 1 else f"the {count} valid union cards"


def _filed(unit: BargainingUnit, cards: list[UnionCard]) -> list[exports.FiledCard]:
    texts, recorders, zone = texts_of(cards), _recorders(cards), unit.union.time_zone
    filed = []
    for card in cards:
        text = texts[card.text_id]
        # The file's words are in the language of whoever exports it (this request's).
        if card.on_paper:
            signed = gettext("%(day)s, the day written on the paper card", day=format_day(card.signed_on))
            recorder = recorders.get(card.recorded_by_id)
            how = (gettext("On paper, signed by hand. Copied into Leverage by %(name)s, an organizer, from the "
                           "paper card, which the union keeps.", name=recorder) if recorder is not None else
                   gettext("On paper, signed by hand. Copied into Leverage by an organizer whose account has "
                           "since closed, from the paper card, which the union keeps."))
        else:
            signed = format_local(card.signed_at, zone)
            how = gettext("Electronically, in Leverage, by the coworker signed in to their own account: they "
                          "typed their full legal name as their signature, then pressed “I sign this card” on a "
                          "second screen that showed these words. The server set the date and time.")
        filed.append(exports.FiledCard(
            number=card.id, legal_name=card.legal_name, email=card.email or "", phone=card.phone or "",
            signed=signed, signed_on=card.signed_on, how=how, typed_signature=card.typed_signature or "",
            on_paper=card.on_paper, text=text.text, text_version=text.version, text_digest=card.text_digest,
            text_matches=digest_of(text.text) == card.text_digest, union_name=unit.union.name,
            unit_name=unit.name))
    return filed


# -- small helpers --------------------------------------------------------------------------------

def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def _email(value: str | None) -> str:
    return normalize_email(value) if value else ""


def _require_name(legal_name: str) -> None:
    if not words.has_words(legal_name):
        raise DomainError(gettext("Give the full legal name."), field="legal_name")
    if len(legal_name) > NAME_MAX:
        raise DomainError(gettext("Keep the name to %(max)d characters.", max=NAME_MAX), field="legal_name")


def _union_today(union: Union) -> date:
    """Today where the union works: a card signed late in the evening carries that evening's date."""
    return to_local(utcnow(), union.time_zone).date()
