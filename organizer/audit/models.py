"""The audit log's table. It names accounts, units and unions by foreign key only,
so this, the lowest feature package, imports no other."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import today
from core.columns import enum_column
from core.extensions import db
from core.labels import LabelledEnum
from core.sealing import SealedText


# -- audit log ------------------------------------------------------------------------------------

class AuditAction(LabelledEnum):
    """What an officer did that the other officers should be able to see (PRIVACY.md invariant 10:
    puppets, gerrymandered segments and timed closes leave a trace)."""

    PERSON_CHARTED = "person_charted", lazy_gettext("Charted")
    PERSON_EDITED = "person_edited", lazy_gettext("Edited")
    PERSON_MOVED = "person_moved", lazy_gettext("Moved")
    PERSON_REMOVED = "person_removed", lazy_gettext("Removed from the chart")
    SEGMENT_CREATED = "segment_created", lazy_gettext("Segment added")
    SEGMENT_RENAMED = "segment_renamed", lazy_gettext("Segment renamed")
    SEGMENT_REMOVED = "segment_removed", lazy_gettext("Segment removed")
    INVITATION_SENT = "invitation_sent", lazy_gettext("Invited")
    INVITATION_REVOKED = "invitation_revoked", lazy_gettext("Invitation revoked")
    INVITATION_ACCEPTED = "invitation_accepted", lazy_gettext("Invitation accepted")
    SURVEY_LAUNCHED = "survey_launched", lazy_gettext("Survey launched")
    SURVEY_CLOSED = "survey_closed", lazy_gettext("Survey closed")
    FLOORS_CHANGED = "floors_changed", lazy_gettext("Privacy floors changed")
    # What the strength card rests on: a window or a chosen pulse could flatter it.
    EVIDENCE_WINDOW_CHANGED = "evidence_window_changed", lazy_gettext("Strength window changed")
    TEMPERATURE_CHECK_MARKED = "temperature_check_marked", lazy_gettext("Temperature check chosen")
    TIME_ZONE_CHANGED = "time_zone_changed", lazy_gettext("Time zone changed")
    # Counts only, never names: the whole chart passes through these at once.
    CHART_IMPORTED = "chart_imported", lazy_gettext("Chart imported")
    CHART_EXPORTED = "chart_exported", lazy_gettext("Chart downloaded")
    # Union cards: words a card is signed under, cards an organizer vouches for, files that list signers.
    CARD_TEXT_CHANGED = "card_text_changed", lazy_gettext("Union card words changed")
    CARD_RECORDED_ON_PAPER = "card_recorded_on_paper", lazy_gettext("Paper union card recorded")
    CARDS_EXPORTED = "cards_exported", lazy_gettext("Union cards exported")
    # Who holds the union's survey key: the other officers must see a change of trustees.
    KEY_CEREMONY_STARTED = "key_ceremony_started", lazy_gettext("Survey key ceremony started")
    KEY_CEREMONY_STOPPED = "key_ceremony_stopped", lazy_gettext("Survey key ceremony stopped")
    # One-on-ones: that a talk was held and a step set, never with whom or what was said.
    CONVERSATION_RECORDED = "conversation_recorded", lazy_gettext("Conversation recorded")
    FOLLOW_UP_ADDED = "follow_up_added", lazy_gettext("Follow-up set")
    FOLLOW_UP_DONE = "follow_up_done", lazy_gettext("Follow-up done")
    # Who charts which department: a committee member named for one sees its coworkers.
    COMMITTEE_NAMED = "committee_named", lazy_gettext("Named to the organizing committee")
    COMMITTEE_REMOVED = "committee_removed", lazy_gettext("Removed from the organizing committee")
    # Stories in escrow that wait for the union's recognition open once an organizer records it.
    UNION_RECOGNISED = "union_recognised", lazy_gettext("Union recognised")


class AuditEntry(db.Model):
    """One thing an officer did, for the union's other officers to see. Written by the
    services, never edited or removed by them. The description names coworkers, so it
    is sealed; it never holds an assessment, a note or contact details, because the
    unit's stewards read it too. Days only, never times."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The union whose officers may read it.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: The unit concerned, if any; its stewards may read it too.
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bargaining_units.id", ondelete="SET NULL"), index=True)
    #: The account that acted; None once that account is deleted.
    actor_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    #: What kind of change it was.
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    #: What happened, in plain words ("Moved Jordan from Loading to Cranes"). Sealed.
    description: Mapped[str] = mapped_column(SealedText("audit.description"))
    #: Day it happened; days only, never times.
    recorded_on: Mapped[date] = mapped_column(default=today)

    actor: Mapped[Account | None] = relationship("Account")  # noqa: F821 - by name: accounts sits above audit
