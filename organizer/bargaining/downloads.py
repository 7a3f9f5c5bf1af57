"""The summary's PDF, made ahead and served ready.

Laying out a summary of 600 demands as a PDF takes seconds (fpdf2 shapes every
line in four embedded fonts), so no page waits for it. A steward or organizer
asks for it once; the job `prepare_bargaining_pdfs` makes it and, from then on,
makes it again whenever what it shows has changed: the ranked items (their
digest, `prepared.digest`, which covers the members' priorities they were
ranked with), the unit's strength as the card words it, the pay beside its pay
items, or the counts of members' reports released since. A small
summary (at most AT_ONCE_ITEMS items, a second or so) is made in the request
that asks for it. Markdown and CSV are made from the prepared items in a few
milliseconds, so they are always made as they are sent, never stored.

Never older without saying so. The summary page says whether the PDF on file
is as new as the demands and the strength, and the day it was made. The PDF
link sends it only when it is; a PDF that is older is sent only when asked for
as such (`?outdated=yes`, offered beside the words saying so), under a file
name that says "outdated", and the PDF itself carries the day it was made.

In the reader's language. A PDF is written in the language of whoever asked for
it: the request carries its code (and nothing else of who asked) to the job,
which writes the file inside `core.i18n.in_language`. Each language read has a
file of its own, and a reader is offered, sent and told about only the one in
their language: a steward who reads Spanish never gets the English file, nor
the English file's state. What a file shows is fingerprinted in its own
language, since the strength card's words are part of it.

What is stored: the file and, sealed beside it, a digest of what it was made
from, its day, whether a new one was asked for and its language's code (see
`models`). The rows of a unit's files are named by slot ("pdf", "pdf-2"), never
by language: which languages a unit's officers read stays inside the seal."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core import i18n
from core.clock import today
from core.extensions import db
from organizer.accounts.models import Account
from organizer.bargaining import exports, prepared, summary
from organizer.bargaining.models import PreparedDownload
from organizer.bargaining.ranking import StoredRanking
from organizer.charting.models import BargainingUnit
from organizer.strength import metrics

PDF = "pdf"

#: The rows a unit's PDFs are stored in, one per language read: the first keeps the name a
#: unit's single PDF always had; which language is in which is known only inside the seal.
SLOTS = [PDF] + [f"{PDF}-{number}" for number in range(2, len(i18n.LANGUAGES) + 1)]

#: A summary with at most this many items has its PDF made in the request that asks for it.
AT_ONCE_ITEMS = 60


@dataclass(frozen=True)
class PdfState:
    """Where a unit's PDF in one language stands."""

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
    #: The language the file is written in, or is to be: its code, and nothing else of who asked.
    language: str = i18n.DEFAULT_LANGUAGE

    def to_bytes(self) -> bytes:
        return json.dumps({"fingerprint": self.fingerprint, "requested": self.requested, "language": self.language,
                           "prepared_on": self.prepared_on.isoformat() if self.prepared_on else None}).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> _About:
        try:
            raw = json.loads(data)
            day = raw.get("prepared_on")
            # A file stored before files had a language was made in English, the only one then.
            language = raw.get("language", i18n.DEFAULT_LANGUAGE)
            if not i18n.is_language(language):
                return cls()
            return cls(raw.get("fingerprint"), date.fromisoformat(day) if day else None, bool(raw.get("requested")),
                       language)
        except (ValueError, TypeError, AttributeError):
            return cls()  # unreadable: as if none was made, so the job makes one


def fingerprint(stored: StoredRanking, strength: metrics.UnitStrength, language: str) -> str:
    """What a PDF in `language` shows that can change: the ranked items (the priorities they were
    ranked with included), the strength, as the card words it in that language, and what is read
    as drawn: the pay beside its pay items and the released counts of members' reports."""
    with i18n.in_language(language):
        card = repr([(str(label), str(text)) for label, text in strength.card.lines()])
        pay = repr(sorted((demand_id, context.text_lines())
                          for demand_id, context in summary.pay_of_stored(strength.unit, stored).items()))
        reported = summary.reported_of(strength.unit)
        counted = repr(exports.reported_lines(reported) + [exports.reported_note(reported)])
    return hashlib.sha256((prepared.digest(stored) + card + pay + counted).encode()).hexdigest()


def _files_of(unit_id: int) -> dict[str, tuple[str, _About]]:
    """The unit's PDFs: language -> (slot, what is known of it). A slot whose language is read
    twice (two writers at once) counts once, the first."""
    files: dict[str, tuple[str, _About]] = {}
    for slot, stored in db.session.execute(sa.select(PreparedDownload.format, PreparedDownload.about).where(
            PreparedDownload.unit_id == unit_id, PreparedDownload.format.in_(SLOTS))
            .order_by(PreparedDownload.format)).all():
        about = _About.from_bytes(stored)
        files.setdefault(about.language, (slot, about))
    return files


def _about_of(unit: BargainingUnit, language: str) -> _About | None:
    found = _files_of(unit.id).get(language)
    return found[1] if found is not None else None


def _state(about: _About | None, current: str) -> PdfState:
    if about is None:
        return PdfState()
    return PdfState(about.prepared_on, about.prepared_on is not None and about.fingerprint == current,
                    about.requested)


def pdf_state(page: summary.SummaryPage, language: str = i18n.DEFAULT_LANGUAGE) -> PdfState:
    """Where the unit's PDF in `language` stands against the summary this page shows."""
    return _state(_about_of(page.unit, language), fingerprint(page.ranking, page.strength, language))


def _now(actor: Account, unit: BargainingUnit, language: str) -> tuple[StoredRanking, str]:
    """The unit's ranked items and the fingerprint of its summary as it is now, in `language`."""
    summary.require_reader(actor, unit)
    stored = prepared.stored_or_ranked(unit)
    with i18n.in_language(language):
        return stored, fingerprint(stored, metrics.unit_strength(unit), language)


def pdf_file(actor: Account, unit: BargainingUnit,
             language: str = i18n.DEFAULT_LANGUAGE) -> tuple[bytes | None, PdfState]:
    """The PDF in `language` on file (None when none was made) and where it stands against the
    summary now. A file in another language is never it."""
    _, current = _now(actor, unit, language)
    found = _files_of(unit.id).get(language)
    state = _state(found[1] if found is not None else None, current)
    if found is None or state.prepared_on is None:
        return None, state
    content = db.session.execute(sa.select(PreparedDownload.content).where(
        PreparedDownload.unit_id == unit.id, PreparedDownload.format == found[0])).scalar()
    return content, state


def _store(unit_id: int, about: _About, content: bytes | None = None) -> None:
    """Keep what is known of the unit's file in `about.language` (and the file), in its own slot."""
    # Under the unit's lock (the one its ranked items are stored under), so that two readers
    # asking at once in two languages do not take one free slot for both.
    db.session.execute(sa.select(BargainingUnit.id).where(BargainingUnit.id == unit_id)
                       .with_for_update(key_share=True))
    files = _files_of(unit_id)
    if about.language in files:
        slot = files[about.language][0]
    else:
        taken = {slot for slot, _ in files.values()}
        slot = next(slot for slot in SLOTS if slot not in taken)
    row = db.session.get(PreparedDownload, (unit_id, slot))
    if row is None:
        row = PreparedDownload(unit_id=unit_id, format=slot, content=b"")
        db.session.add(row)
    row.about = about.to_bytes()
    if content is not None:
        row.content = content
    db.session.flush()


def _make(unit: BargainingUnit, language: str) -> None:
    """Write the unit's PDF in `language`: every word of it, the strength card's and the chart's
    included, inside that language, whoever runs this (the request that asked, or the job)."""
    with i18n.in_language(language):
        stored = prepared.stored_or_ranked(unit)
        built = summary.assemble(unit, stored.ranked())
        content = exports.to_pdf(built)
    _store(unit.id, _About(fingerprint(stored, built.strength, language), built.generated_on, language=language),
           content)


def request_pdf(actor: Account, unit: BargainingUnit, language: str = i18n.DEFAULT_LANGUAGE) -> PdfState:
    """Ask for the unit's PDF in `language` (the asker's; a view passes the request's, and a
    command or a job, naming none, English) as the summary is now: made at once when the summary
    is small, else made by the job within a few minutes. Asking for one that is ready changes nothing."""
    if not i18n.is_language(language):
        language = i18n.DEFAULT_LANGUAGE
    stored, current = _now(actor, unit, language)
    about = _about_of(unit, language)
    state = _state(about, current)
    if state.is_ready or (state.is_requested and len(stored) > AT_ONCE_ITEMS):
        return state  # asked for already: the job makes it
    if len(stored) <= AT_ONCE_ITEMS:
        _make(unit, language)
        return PdfState(today(), True, False)
    _store(unit.id, _About(about.fingerprint, about.prepared_on, True, language) if about
           else _About(requested=True, language=language))
    return PdfState(state.prepared_on, False, True)


def prepare_pdfs() -> int:
    """Make the bargaining summary PDFs asked for, and again those whose summary has changed since,
    each in its own language."""
    prepared.prepare_missing()
    made = 0
    for unit_id, stored_about in db.session.execute(
            sa.select(PreparedDownload.unit_id, PreparedDownload.about).where(PreparedDownload.format.in_(SLOTS))
            .order_by(PreparedDownload.unit_id, PreparedDownload.format)).all():
        about = _About.from_bytes(stored_about)
        unit = db.session.get(BargainingUnit, unit_id)
        stored = prepared.stored_or_ranked(unit)
        with i18n.in_language(about.language):
            current = fingerprint(stored, metrics.unit_strength(unit), about.language)
        if about.prepared_on is not None and about.fingerprint == current:
            if about.requested:
                _store(unit_id, _About(about.fingerprint, about.prepared_on, False, about.language))
            continue
        _make(unit, about.language)
        made += 1
    return made
