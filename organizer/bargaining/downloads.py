"""The summary's PDF, made ahead and served ready.

Laying out a summary of 600 demands as a PDF takes seconds (fpdf2 shapes every
line in four embedded fonts), so no page waits for it. A steward or organizer
asks for it once; the job `prepare_bargaining_pdfs` makes it and, from then on,
makes it again whenever what it shows has changed: the ranked items (their
digest, `prepared.digest`) or the unit's strength as the card words it. A small
summary (at most AT_ONCE_ITEMS items, a second or so) is made in the request
that asks for it. Markdown and CSV are made from the prepared items in a few
milliseconds, so they are always made as they are sent, never stored.

Never older without saying so. The summary page says whether the PDF on file
is as new as the demands and the strength, and the day it was made. The PDF
link sends it only when it is; a PDF that is older is sent only when asked for
as such (`?outdated=yes`, offered beside the words saying so), under a file
name that says "outdated", and the PDF itself carries the day it was made.

What is stored: the file and, sealed beside it, a digest of what it was made
from, its day and whether a new one was asked for (see `models`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from organizer.accounts.models import Account
from organizer.bargaining import exports, prepared, summary
from organizer.bargaining.models import PreparedDownload
from organizer.bargaining.ranking import StoredRanking
from organizer.charting.models import BargainingUnit
from organizer.strength import metrics

PDF = "pdf"

#: A summary with at most this many items has its PDF made in the request that asks for it.
AT_ONCE_ITEMS = 60


@dataclass(frozen=True)
class PdfState:
    """Where a unit's PDF stands."""

    #: The day the PDF on file was made; None when none has been.
    prepared_on: date | None = None
    #: Whether the PDF on file shows what the summary shows now.
    is_current: bool = False
    #: Whether a new one was asked for, for the job to make.
    is_requested: bool = False

    @property
    def is_ready(self) -> bool:
        return self.prepared_on is not None and self.is_current

    @property
    def is_outdated(self) -> bool:
        return self.prepared_on is not None and not self.is_current


@dataclass(frozen=True)
class _About:
    fingerprint: str | None = None
    prepared_on: date | None = None
    requested: bool = False

    def to_bytes(self) -> bytes:
        return json.dumps({"fingerprint": self.fingerprint, "requested": self.requested,
                           "prepared_on": self.prepared_on.isoformat() if self.prepared_on else None}).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> _About:
        try:
            raw = json.loads(data)
            day = raw.get("prepared_on")
            return cls(raw.get("fingerprint"), date.fromisoformat(day) if day else None, bool(raw.get("requested")))
        except (ValueError, TypeError, AttributeError):
            return cls()  # unreadable: as if none was made, so the job makes one


def fingerprint(stored: StoredRanking, strength: metrics.UnitStrength) -> str:
    """What a PDF shows that can change: the ranked items and the strength, as the card words it."""
    return hashlib.sha256((prepared.digest(stored) + repr(strength.card.lines())).encode()).hexdigest()


def _about_of(unit: BargainingUnit) -> _About | None:
    stored = db.session.execute(sa.select(PreparedDownload.about).where(
        PreparedDownload.unit_id == unit.id, PreparedDownload.format == PDF)).scalar()
    return _About.from_bytes(stored) if stored is not None else None


def _state(about: _About | None, current: str) -> PdfState:
    if about is None:
        return PdfState()
    return PdfState(about.prepared_on, about.prepared_on is not None and about.fingerprint == current,
                    about.requested)


def pdf_state(page: summary.SummaryPage) -> PdfState:
    """Where the unit's PDF stands against the summary this page shows."""
    return _state(_about_of(page.unit), fingerprint(page.ranking, page.strength))


def _now(actor: Account, unit: BargainingUnit) -> tuple[StoredRanking, str]:
    """The unit's ranked items and the fingerprint of its summary as it is now."""
    summary.require_reader(actor, unit)
    stored = prepared.stored_or_ranked(unit)
    return stored, fingerprint(stored, metrics.unit_strength(unit))


def pdf_file(actor: Account, unit: BargainingUnit) -> tuple[bytes | None, PdfState]:
    """The PDF on file (None when none was made) and where it stands against the summary now."""
    _, current = _now(actor, unit)
    state = _state(_about_of(unit), current)
    if state.prepared_on is None:
        return None, state
    content = db.session.execute(sa.select(PreparedDownload.content).where(
        PreparedDownload.unit_id == unit.id, PreparedDownload.format == PDF)).scalar()
    return content, state


def _store(unit_id: int, about: _About, content: bytes | None = None) -> None:
    row = db.session.get(PreparedDownload, (unit_id, PDF))
    if row is None:
        row = PreparedDownload(unit_id=unit_id, format=PDF, content=b"")
        db.session.add(row)
    row.about = about.to_bytes()
    if content is not None:
        row.content = content
    db.session.flush()


def _make(unit: BargainingUnit) -> None:
    stored = prepared.stored_or_ranked(unit)
    built = summary.assemble(unit, stored.ranked())
    _store(unit.id, _About(fingerprint(stored, built.strength), built.generated_on), exports.to_pdf(built))


def request_pdf(actor: Account, unit: BargainingUnit) -> PdfState:
    """Ask for the unit's PDF as the summary is now: made at once when the summary is small,
    else made by the job within a few minutes. Asking for one that is ready changes nothing."""
    stored, current = _now(actor, unit)
    about = _about_of(unit)
    state = _state(about, current)
    if state.is_ready or (state.is_requested and len(stored) > AT_ONCE_ITEMS):
        return state  # asked for already: the job makes it
    if len(stored) <= AT_ONCE_ITEMS:
        _make(unit)
        return PdfState(today(), True, False)
    _store(unit.id, _About(about.fingerprint, about.prepared_on, True) if about else _About(requested=True))
    return PdfState(state.prepared_on, False, True)


def prepare_pdfs() -> int:
    """Make the bargaining summary PDFs asked for, and again those whose summary has changed since."""
    prepared.prepare_missing()
    made = 0
    for unit_id, stored_about in db.session.execute(
            sa.select(PreparedDownload.unit_id, PreparedDownload.about).where(PreparedDownload.format == PDF)
            .order_by(PreparedDownload.unit_id)).all():
        about = _About.from_bytes(stored_about)
        unit = db.session.get(BargainingUnit, unit_id)
        stored = prepared.stored_or_ranked(unit)
        if about.prepared_on is not None and about.fingerprint == fingerprint(stored, metrics.unit_strength(unit)):
            if about.requested:
                _store(unit_id, _About(about.fingerprint, about.prepared_on, False))
            continue
        _make(unit)
        made += 1
    return made
