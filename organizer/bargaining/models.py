"""What is stored about a unit's bargaining summary: its ranked items, prepared
whenever the demands they are made of change, and its PDF, prepared by a job.

Both hold what the summary shows (demands' words, the names members allowed,
the employer's answers), so both are sealed whole under the application key,
as the demands and answers they are made from are (PRIVACY.md invariant 6).
Nothing about them is in the clear but the unit they belong to and, for a
download, its format: not when it was made, nor whether anyone asked for it,
nor what it was made from. They hold nothing the demands' own tables do not."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.sealing import SealedBytes


class PreparedSummary(db.Model):
    """A unit's bargaining summary, ranked and ready to show (`organizer.bargaining.prepared`)."""

    __tablename__ = "prepared_summaries"

    #: The unit whose summary it is.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"),
                                         primary_key=True)
    #: The ranked items and the counts per tier, one line of JSON each. Sealed.
    items: Mapped[bytes] = mapped_column(SealedBytes("prepared_summary.items"))


class PreparedDownload(db.Model):
    """A download of a unit's summary that takes long to make (the PDF), made ahead and
    served ready (`organizer.bargaining.downloads`)."""

    __tablename__ = "prepared_downloads"

    #: The unit whose summary it is.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"),
                                         primary_key=True)
    #: "pdf".
    format: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    #: What it was made from, the day it was made, and whether a new one was asked for, as JSON. Sealed.
    about: Mapped[bytes] = mapped_column(SealedBytes("prepared_download.about"))
    #: The file (empty until the first one is made). Sealed; loaded only to be sent.
    content: Mapped[bytes] = mapped_column(SealedBytes("prepared_download.content"), deferred=True)
