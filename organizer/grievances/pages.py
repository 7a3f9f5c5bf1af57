"""What the report pages show and hand their script: one presenter for the
member's pages and the steward's, so that what a steward's page carries is
written in one place and can be checked to hold nothing of who filed.

Each page's script gets its material as JSON (static/js/grievances/page.js):
the envelopes of the thread with the contexts they are bound to, the sealed
secrets the reader's passphrase opens (with their contexts), and the stewards
a new message is sealed to, each by name and public key (then the member's
key). The script seals to exactly those keys, and shows beside each name the
code it computes from that key itself: the server writes no code, so a key
swapped here shows a code the steward will not recognise. A steward's pages
also carry the further copies of a message's key made for them, and which
messages newer stewards cannot open yet (organizer/grievances/copies.py).
Nothing in it opens without the passphrase, which the page keeps on the
device."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from core.clock import today
from crypto import reports
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.grievances import copies, keys, rules, services
from organizer.grievances.keys import StewardOnKey
from organizer.grievances.models import Grievance, GrievanceMessage, MessageKind, Referral, StepTaken
from organizer.grievances.rules import Deadlines


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass(frozen=True)
class ThreadEntry:
    """One message as a page lists it before it is opened."""

    index: int
    kind: MessageKind
    sent_on: date
    #: What it is and who wrote it, as this reader may know: "Your report", "Answer from Rosa", "The member added".
    title: Markup


@dataclass(frozen=True)
class StepEntry:
    step: str
    began_on: date
    due_on: date | None
    #: The steward who took it, for the member's page; "the member" when they filed or withdrew.
    by: str


@dataclass(frozen=True)
class ReportPage:
    """A report, for the member who sent it or a steward of its unit."""

    grievance: Grievance
    entries: tuple[ThreadEntry, ...]
    steps: tuple[StepEntry, ...]
    stewards: tuple[StewardOnKey, ...]
    material: dict
    referrals: tuple[Referral, ...]

    @property
    def is_overdue(self) -> bool:
        return self.grievance.due_on is not None and self.grievance.due_on < today()


#: Reports one visit to a unit's page passes on at most: the rest on the next visit.
MOST_REPORTS_PASSED_ON = 25


def stewards_material(stewards) -> list[dict]:
    """The stewards a message is sealed to, in order: a name and a key each (the page computes the code)."""
    return [{"name": s.name, "key": b64(s.public_key)} for s in stewards]


def _message_material(grievance: Grievance, reader: Account | None = None) -> list[dict]:
    mine = copies.own_keys(reader) if reader is not None else None
    entries = []
    for m in grievance.messages:
        entry = {"kind": m.kind.value, "sealed": b64(m.envelope), "context": b64(services.context_of(grievance, m.kind))}
        if mine is not None:
            entry["copies"] = [b64(copy) for copy in copies.copies_for(mine, m)]
        entries.append(entry)
    return entries


def _missing_material(grievance: Grievance, reader: Account) -> list[dict]:
    return [{"message": found.index, "to": [b64(key) for key in found.keys]}
            for found in copies.missing(grievance, reader)]


def _title(message: GrievanceMessage, *, for_member: bool) -> Markup:
    """The message's heading; a steward's name is their own words, marked so that no translator changes it."""
    if message.kind == MessageKind.REPORT:
        return escape(gettext("Your report") if for_member else gettext("The report"))
    if message.kind == MessageKind.ADDITION:
        return escape(gettext("You added") if for_member else gettext("The member added"))
    name = services.name_of(message.author_id)
    if name is None:
        return escape(gettext("Answer from a steward whose account has closed"))
    # The catalogue is trusted; the name is escaped inside its span.
    return Markup(gettext("Answer from %(name)s", name=Markup('<span translate="no">%s</span>') % name))


def _steps(grievance: Grievance, *, for_member: bool) -> tuple[StepEntry, ...]:
    def by(taken: StepTaken) -> str:
        if taken.by_id is None:
            return gettext("you") if for_member else gettext("the member")
        return services.name_of(taken.by_id) or gettext("a steward whose account has closed")
    return tuple(StepEntry(str(t.step.label), t.began_on, t.due_on, by(t)) for t in grievance.steps)


def member_page(actor: Account, grievance: Grievance) -> ReportPage:
    """The member's own report: its steps, its thread sealed to them, and what an addition is sealed to."""
    material = {
        "report_id": grievance.public_id,
        "unlock": [{"sealedSecret": b64(grievance.member_sealed_secret),
                    "context": b64(reports.member_key_context(grievance.public_id))}],
        "messages": _message_material(grievance),
        "member_key": b64(grievance.member_key),
        "stewards": stewards_material(keys.stewards_on_key(grievance.unit)),
        "new_key_context": b64(reports.member_key_context(grievance.public_id)),
        "context": b64(services.context_of(grievance, MessageKind.ADDITION)),
    }
    entries = tuple(ThreadEntry(i, m.kind, m.sent_on, _title(m, for_member=True))
                    for i, m in enumerate(grievance.messages))
    return ReportPage(grievance, entries, _steps(grievance, for_member=True),
                      tuple(keys.stewards_on_key(grievance.unit)), material, tuple(rules.referrals_of(grievance.unit.union)))


def steward_page(actor: Account, grievance: Grievance) -> ReportPage:
    """A report for a steward of its unit: nothing of who filed it but what the member wrote inside."""
    material = {
        "report_id": grievance.public_id,
        "unlock": [{"sealedSecret": b64(key.sealed_secret), "context": b64(keys.key_context(actor))}
                   for key in keys.keys_of(actor)],
        "messages": _message_material(grievance, actor),
        "member_key": b64(grievance.member_key),
        "stewards": stewards_material(keys.stewards_on_key(grievance.unit)),
        "context": b64(services.context_of(grievance, MessageKind.REPLY)),
        "missing": _missing_material(grievance, actor),
        "copies_url": url_for("grievances.pass_on", public_id=grievance.public_id),
    }
    entries = tuple(ThreadEntry(i, m.kind, m.sent_on, _title(m, for_member=False))
                    for i, m in enumerate(grievance.messages))
    return ReportPage(grievance, entries, _steps(grievance, for_member=False),
                      tuple(keys.stewards_on_key(grievance.unit)), material, ())


@dataclass(frozen=True)
class NewReportPage:
    unit: BargainingUnit
    units: tuple[BargainingUnit, ...]
    stewards: tuple[StewardOnKey, ...]
    without_key: tuple[Account, ...]
    referrals: tuple[Referral, ...]
    material: dict
    #: Fewer than k members of the unit could have sent it (`services.few_can_report`).
    few_can_report: bool = False

    @property
    def can_send(self) -> bool:
        return bool(self.stewards)


def new_report_page(actor: Account, unit: BargainingUnit) -> NewReportPage:
    stewards = tuple(keys.stewards_on_key(unit))
    material = {"stewards": stewards_material(stewards), "name": actor.display_name}
    return NewReportPage(unit, tuple(services.units_to_report_to(actor)), stewards,
                         tuple(keys.stewards_without_key(unit)), tuple(rules.referrals_of(unit.union)), material,
                         services.few_can_report(unit))


@dataclass(frozen=True)
class StewardKeyPage:
    has_key: bool
    keys_made: int
    #: The context a new key is bound to; with a key, its public key and sealed secret, from which the
    #: page computes the code it shows and checks it against the steward's passphrase.
    material: dict


def steward_key_page(actor: Account) -> StewardKeyPage:
    current = keys.current_key(actor)
    material = {"context": b64(keys.key_context(actor))}
    if current is not None:
        material["public_key"] = b64(current.public_key)
        material["unlock"] = [{"sealedSecret": b64(current.sealed_secret), "context": material["context"]}]
    return StewardKeyPage(current is not None, len(keys.keys_of(actor)), material)


@dataclass(frozen=True)
class UnitPage:
    unit: BargainingUnit
    grievances: tuple[Grievance, ...]
    has_key: bool
    deadlines: Deadlines
    #: Reports this steward can pass on to newer stewards, for the page's script (empty: nothing to pass on).
    pass_on: dict

    def is_overdue(self, grievance: Grievance) -> bool:
        return grievance.due_on is not None and grievance.due_on < today()

    @property
    def to_pass_on(self) -> int:
        return len(self.pass_on.get("reports", ()))


def _pass_on_material(actor: Account, unit: BargainingUnit, grievances: tuple[Grievance, ...]) -> dict:
    """The reports (at most MOST_REPORTS_PASSED_ON) with messages newer stewards cannot open and this steward
    can: only those messages, and for each the keys to copy it to."""
    lacking = copies.missing_in(unit, grievances, actor)[:MOST_REPORTS_PASSED_ON]
    if not lacking:
        return {}
    mine = copies.own_keys(actor)
    found = [{"url": url_for("grievances.pass_on", public_id=grievance.public_id), "messages": [
        {"message": m.index, "sealed": b64(m.message.envelope),
         "context": b64(services.context_of(grievance, m.message.kind)),
         "copies": [b64(copy) for copy in copies.copies_for(mine, m.message)],
         "to": [b64(key) for key in m.keys]} for m in messages]} for grievance, messages in lacking]
    return {"reports": found, "stewards": stewards_material(keys.stewards_on_key(unit)),
            "unlock": [{"sealedSecret": b64(key.sealed_secret), "context": b64(keys.key_context(actor))}
                       for key in keys.keys_of(actor)]}


def unit_page(actor: Account, unit: BargainingUnit) -> UnitPage:
    grievances = tuple(services.unit_grievances(unit))
    has_key = keys.current_key(actor) is not None
    return UnitPage(unit, grievances, has_key, rules.deadlines_of(unit.union),
                    _pass_on_material(actor, unit, grievances) if has_key else {})
