"""Tables of the anonymous survey engine.

The engine knows nothing of unions: a survey belongs to an opaque *scope* its
caller names ("unit:3"), and people are opaque *voter refs* ("account:12").

Unlinkability (PRIVACY.md invariant 1) is a property of these tables and of
how they are written: `ballots` and `sealed_comments` hold no voter ref, no
session, no time and no sequential id (their keys are random), and nothing in
them points to the participation ledger. The storage engine itself stamps and
orders rows (SQLite rowids and pages, PostgreSQL transaction ids and heap
positions), so no ballot is ever written as a row of its own at the moment it
is cast: it waits in the survey's pool, moves out in random batches, and the
mix at close rewrites every row in random order. The argument, what it costs
and what remains are in `surveys.pool`.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.columns import enum_column
from core.extensions import db
from core.i18n import DEFAULT_LANGUAGE
from core.labels import LabelledEnum
from core.sealing import SealedBytes, SealedText


def random_id() -> bytes:
    """A 16-byte random key: unguessable, and ordering by it says nothing of arrival."""
    return secrets.token_bytes(16)


#: Free-text comments open only when this many answered, unless a survey asks
#: for more (PRIVACY.md, invariant 10: one sentence can name its writer, so
#: comments need more answers than figures).
DEFAULT_COMMENT_THRESHOLD = 10


class SurveyKind(enum.StrEnum):
    PULSE = "pulse"
    ENDORSEMENT = "endorsement"
    BARGAINING = "bargaining"
    VOTE = "vote"
    #: Pay by role, in bands (organizer.unit_surveys.pay, surveys.pay).
    PAY = "pay"

    @property
    def default_threshold(self) -> int:
        return 3 if self is SurveyKind.ENDORSEMENT else 5


class SurveyState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    RELEASED = "released"


class KeyMode(enum.StrEnum):
    TRUSTEES = "trustees"
    SERVER_KEY = "server_key"


class QuestionType(enum.StrEnum):
    SCALE = "scale"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    FREE_TEXT = "free_text"
    #: Put up to `max_ranked` of the options in order (crypto.rank).
    RANK = "rank"


class SurveyStateError(Exception):
    """A lifecycle step that the survey's state does not allow."""


class Survey(db.Model):
    """One round of a survey. A recurring pulse is a series of rounds."""

    __tablename__ = "surveys"
    __table_args__ = (sa.UniqueConstraint("series_id", "round_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The caller's opaque scope, e.g. "unit:3"; the engine never interprets it.
    scope: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: pulse, endorsement, bargaining or vote.
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    #: Title shown to respondents.
    title: Mapped[str] = mapped_column(sa.String(200))
    #: A short introduction shown above the questions.
    intro: Mapped[str | None] = mapped_column(sa.String(2000))
    #: The language the title, the intro and the questions are written in (a code of
    #: `core.i18n.LANGUAGES`): what a reader of any language the survey was not
    #: written again in reads.
    language: Mapped[str] = mapped_column(sa.String(8), default=DEFAULT_LANGUAGE)
    #: The title and intro written again in other languages, by code:
    #: {"es": {"title": "...", "intro": "..."}}. Written whole, never changed in place.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict)
    #: Lifecycle: draft -> open -> closed -> released.
    state: Mapped[SurveyState] = mapped_column(enum_column(SurveyState), default=SurveyState.DRAFT)
    #: How sums are decrypted: a trustee quorum or a server-held key.
    key_mode: Mapped[KeyMode] = mapped_column(enum_column(KeyMode))
    #: k: no figure is shown unless at least k respondents stand behind it.
    release_threshold: Mapped[int]
    #: Free-text comments open only when at least this many answered.
    comment_threshold: Mapped[int] = mapped_column(default=DEFAULT_COMMENT_THRESHOLD)
    #: t of the trustees' t-of-n (trustee mode only).
    trustee_threshold: Mapped[int | None]
    #: When a scheduled draft opens by itself (UTC).
    opens_at: Mapped[datetime | None]
    #: When the open survey closes by itself (UTC).
    closes_at: Mapped[datetime | None]
    #: For a recurring pulse: weeks between rounds.
    recurrence_weeks: Mapped[int | None]
    #: The first round of this survey's series (itself for the first round).
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("surveys.id", ondelete="SET NULL"), index=True)
    #: 1 for the first round of a series.
    round_number: Mapped[int] = mapped_column(default=1)
    #: The survey's ElGamal public key, set at launch.
    public_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32))
    #: Trustee mode: the key ceremony whose joint key this survey uses, when its
    #: trustees made the key together (no dealer); None for a key dealt at launch.
    key_ceremony_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_key_ceremonies.id"), index=True)
    #: Set at launch: answers are taken only encrypted and proven on the member's
    #: own device, and the form the server would encrypt is refused. Which path a
    #: ballot took is never stored; this says only which paths the survey accepts.
    device_encryption_required: Mapped[bool] = mapped_column(default=False)
    # The next three are deferred: loaded only when the tally or release reads
    # them, never on the answer path, so answering a survey does not unseal its
    # secret key (a joined load of the questions would even do it once per row).
    #: Trustee mode: the t-of-n public key with its Feldman commitments.
    threshold_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    #: Server-key mode: the secret key, sealed by the application key outside the database.
    server_secret: Mapped[str | None] = mapped_column(SealedText("survey.server_secret"), deferred=True)
    #: The breakdown declared at launch: dimensions kept, the cells, and what was merged or dropped.
    segment_plan: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, deferred=True)
    #: How many people could answer (snapshot at launch).
    eligible_count: Mapped[int] = mapped_column(default=0)
    #: Day the survey opened.
    opened_on: Mapped[date | None]
    #: Day the survey closed: the only date comments ever carry.
    closed_on: Mapped[date | None]
    #: Day results were released.
    released_on: Mapped[date | None]

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )
    trustees: Mapped[list[SurveyTrustee]] = relationship(
        back_populates="survey", order_by="SurveyTrustee.trustee_index", cascade="all, delete-orphan"
    )
    groups: Mapped[list[TallyGroup]] = relationship(
        back_populates="survey", order_by="TallyGroup.position", cascade="all, delete-orphan"
    )

    def _move(self, expected: SurveyState, target: SurveyState) -> None:
        if self.state != expected:
            raise SurveyStateError(f"a {self.state.value} survey cannot become {target.value}")
        self.state = target

    def mark_open(self) -> None:
        self._move(SurveyState.DRAFT, SurveyState.OPEN)

    def mark_closed(self) -> None:
        self._move(SurveyState.OPEN, SurveyState.CLOSED)

    def mark_released(self) -> None:
        self._move(SurveyState.CLOSED, SurveyState.RELEASED)

    @property
    def is_launched(self) -> bool:
        """Launch fixed the key, the eligible people and the breakdown (a scheduled
        survey stays a draft until it opens, but is launched all the same)."""
        return self.public_key is not None

    @property
    def is_editable(self) -> bool:
        return self.state == SurveyState.DRAFT and not self.is_launched

    @property
    def key_made_in_ceremony(self) -> bool:
        """Its trustees made its key together in a key ceremony (each decrypts in their own browser)."""
        return self.key_ceremony_id is not None

    @property
    def context(self) -> bytes:
        """What every proof and sealed comment of this survey is bound to."""
        return f"leverage-survey:{self.id}:round:{self.round_number}".encode()

    # -- its words, in the reader's language ------------------------------------------------------
    # Only the wording changes with the language: the questions, their types, their
    # number of options and their ids are one, so every ballot has the same shape
    # whatever language its member read (nothing in it tells the language), and one
    # tally counts them all.

    def title_in(self, language: str | None) -> str:
        """The title in `language`, or in the survey's own language when it was not written in it."""
        return (self.translations or {}).get(language or "", {}).get("title") or self.title

    def title_language(self, language: str | None) -> str:
        """The language `title_in(language)` is written in."""
        return language if (self.translations or {}).get(language or "", {}).get("title") else self.language

    def intro_in(self, language: str | None) -> str | None:
        """The introduction in `language`, or in the survey's own language."""
        return (self.translations or {}).get(language or "", {}).get("intro") or self.intro

    def missing_wording(self, language: str) -> list[Question]:
        """The questions not written in `language` (none in the survey's own)."""
        if language == self.language:
            return []
        return [question for question in self.questions if not question.is_written_in(language)]


class Question(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (sa.UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The survey asking it.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: Order on the form, from 0.
    position: Mapped[int]
    #: scale, yes_no, single_choice, multiple_choice, free_text or rank.
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType))
    #: The question as asked.
    prompt: Mapped[str] = mapped_column(sa.String(500))
    #: Option labels (choices), or the scale's labels from 1 up.
    options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Multiple choice: at most this many options. Rank: this many places (`max_ranked`).
    max_choices: Mapped[int] = mapped_column(default=1)
    #: Whether "can't say" is offered.
    allows_cant_say: Mapped[bool] = mapped_column(default=False)
    #: The caller's opaque reference to what is being asked about ("claim:7").
    subject_ref: Mapped[str | None] = mapped_column(sa.String(64))
    #: The prompt and options written again in other languages, by code:
    #: {"es": {"prompt": "...", "options": [...]}}, with exactly as many options as
    #: `options` (the ballot has one shape). Written whole, never changed in place.
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(sa.JSON, default=dict)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    @property
    def is_free_text(self) -> bool:
        return self.type == QuestionType.FREE_TEXT

    @property
    def max_ranked(self) -> int:
        """A rank question's number of places, m: a member puts up to m options in order."""
        return self.max_choices

    def is_written_in(self, language: str | None) -> bool:
        """Whether its prompt (and options) exist in `language`, its survey's own included."""
        return language == self.survey.language or bool(self._wording(language).get("prompt"))

    def _wording(self, language: str | None) -> dict[str, Any]:
        return (self.translations or {}).get(language or "", {})

    def prompt_in(self, language: str | None) -> str:
        """The prompt in `language`, or in the survey's own language when it was not written in it."""
        return self._wording(language).get("prompt") or self.prompt

    def options_in(self, language: str | None) -> list[str]:
        """The options in `language`, slot for slot the same as `options`, or `options` themselves."""
        given = self._wording(language).get("options") if self._wording(language).get("prompt") else None
        return list(given) if given and len(given) == len(self.options) else list(self.options)

    def language_in(self, language: str | None) -> str:
        """The language `prompt_in(language)` and `options_in(language)` are written in."""
        return language if self._wording(language).get("prompt") else self.survey.language


class EligibleVoter(db.Model):
    """Who may answer, snapshotted at launch, with the cell of the breakdown they count in."""

    __tablename__ = "survey_eligible_voters"

    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: The caller's opaque reference to the person.
    voter_ref: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: The declared cell (every cell holds at least k eligible people).
    cell: Mapped[str] = mapped_column(sa.String(16))


class ParticipationEntry(db.Model):
    """The participation ledger: who took part, never what they answered or when.

    A respondent waits in the survey's pool first and is written here in a
    random batch, apart from the ballots moved beside it, and again by the mix
    at close (see `surveys.pool`); the primary key still makes a second row for
    one person impossible."""

    __tablename__ = "survey_participation"

    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: The person who answered (indexed: the overlap rule finds every survey a person answered).
    voter_ref: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)


class Ballot(db.Model):
    """One encrypted ballot. No person, session, time or sequence: see `surveys.pool`."""

    __tablename__ = "survey_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    #: Random key.
    id: Mapped[bytes] = mapped_column(sa.LargeBinary(16), primary_key=True, default=random_id)
    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: Only ballots stored before the pool existed carry their cell in the clear; it is
    #: cleared when their survey is mixed. New ballots never have one.
    cell: Mapped[str | None] = mapped_column(sa.String(16))
    #: While voting is open: the ballot's cell, padded and sealed by the application
    #: key, so no stored tag narrows a ballot to the few who answered in its cell.
    #: Cleared by the mix at close, which sums by cell and keeps no tag at all.
    sealed_cell: Mapped[bytes | None] = mapped_column(SealedBytes("survey.ballot_cell"))
    #: The serialized encrypted answers with their validity proofs.
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: SHA-256 of the payload: the respondent's receipt, and unique so no ballot can be replayed.
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)


class SealedComment(db.Model):
    """A free-text answer sealed to the survey key, stored apart from its ballot."""

    __tablename__ = "survey_sealed_comments"
    __table_args__ = ({"sqlite_with_rowid": False},)

    #: Random key.
    id: Mapped[bytes] = mapped_column(sa.LargeBinary(16), primary_key=True, default=random_id)
    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: The free-text question it answers.
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questions.id", ondelete="CASCADE"))
    #: ElGamal-KEM + AES-GCM sealed text (opened only in a released batch).
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: SHA-256 of the sealed bytes, unique: a replayed comment is refused.
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)


class BallotPool(db.Model):
    """The ballots and respondents of an open survey not yet moved into storage,
    as one sealed value rewritten whole on every answer (see `surveys.pool`)."""

    __tablename__ = "survey_ballot_pools"

    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: The pending entries and respondents in shuffled order, sealed by the application key.
    sealed: Mapped[bytes] = mapped_column(SealedBytes("survey.ballot_pool"))


class TrusteeKey(db.Model):
    """A trustee's personal key pair; the secret is sealed with their passphrase."""

    __tablename__ = "survey_trustee_keys"

    #: The caller's opaque reference to the trustee.
    trustee_ref: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: Public key that key shares are sealed to.
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    #: Secret key sealed with the trustee's passphrase (scrypt + AES-GCM).
    sealed_secret: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: Day the key was made.
    created_on: Mapped[date]


class SurveyTrustee(db.Model):
    """A trustee of one survey, holding one share of its key."""

    __tablename__ = "survey_trustees"
    __table_args__ = (sa.UniqueConstraint("survey_id", "trustee_ref"),)

    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: Share index, 1..n.
    trustee_index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The caller's opaque reference to the trustee.
    trustee_ref: Mapped[str] = mapped_column(sa.String(64))
    #: A key dealt at launch: the share, sealed to the trustee's personal public key.
    #: None for a key made in a key ceremony: the trustee's share is the sum of the
    #: pieces the ceremony's dealers sealed to them, opened only in their browser.
    sealed_share: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: The trustee's proven partial decryptions of the approved sums, once given.
    partials: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    survey: Mapped[Survey] = relationship(back_populates="trustees")


class TallyGroup(db.Model):
    """A group of respondents whose sums the release rules approved, or refused.

    Approved groups are the only sums that can ever be decrypted (invariant 8).
    Counts are stored here only once released."""

    __tablename__ = "survey_tally_groups"
    __table_args__ = (sa.UniqueConstraint("survey_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: Display order.
    position: Mapped[int]
    #: "all", or "dimension=value".
    key: Mapped[str] = mapped_column(sa.String(120))
    #: The breakdown dimension, or None for the whole survey.
    dimension: Mapped[str | None] = mapped_column(sa.String(40))
    #: The group's label, e.g. "Night".
    label: Mapped[str] = mapped_column(sa.String(120))
    #: The declared cells it sums.
    cells: Mapped[list[str]] = mapped_column(sa.JSON)
    #: How many respondents stand behind it (counts of people, never of answers).
    respondents: Mapped[int]
    #: Whether the rules let it be decrypted and shown.
    is_approved: Mapped[bool]
    #: Why not, when not.
    withheld_reason: Mapped[str | None] = mapped_column(sa.String(200))
    #: The encrypted sums (approved groups only), as decrypted by trustees or the server key.
    encrypted_sums: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Released counts per question id, slot by slot.
    counts: Mapped[dict[str, list[int]] | None] = mapped_column(sa.JSON)

    survey: Mapped[Survey] = relationship(back_populates="groups")


class ReleasedComment(db.Model):
    """A comment released in a shuffled batch; sealed again with the application key at rest."""

    __tablename__ = "survey_released_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: The question it answers.
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questions.id", ondelete="CASCADE"))
    #: Position in the shuffled batch (the id follows it, not the order of answering).
    position: Mapped[int]
    #: The comment.
    text: Mapped[str] = mapped_column(SealedText("survey.comment"))


class DecryptionRefusal(db.Model):
    """A request to decrypt sums the release rules did not approve: refused and recorded."""

    __tablename__ = "survey_decryption_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The survey concerned.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: Who asked (an opaque ref), if known.
    requested_by: Mapped[str | None] = mapped_column(sa.String(64))
    #: What was asked for.
    description: Mapped[str] = mapped_column(sa.String(500))
    #: Day of the request.
    refused_on: Mapped[date]


class RecordEvidence(db.Model):
    """What a survey's election record needs that only its close and its release
    know (`surveys.record`); one row per survey closed since records are kept.

    The record lists every ballot under the part of the released groups it counts
    in, so that anyone can recompute each released sum; this is the one place
    storage ties a ballot (by tracker) to anything after the mix, and the close
    withholds any group that would make a part of fewer than k ballots, so no
    part narrows a ballot below k respondents. The argument is in
    docs/election-record.md."""

    __tablename__ = "survey_record_evidence"

    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: SHA-256 of the record's parameters, fixed at close: every decryption after close is proven under it.
    parameters_digest: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    #: The parts of the released groups: each its declared cells and the sorted trackers of its ballots.
    parts: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    #: Digests of the comments to be opened, in the order they are decrypted (none below the comment threshold).
    comment_order: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Server-key mode, once released: each decryption target's x·A with its proof, in decryption order.
    server_proofs: Mapped[bytes | None] = mapped_column(sa.LargeBinary)


# -- key ceremonies -------------------------------------------------------------------------------

class CeremonyState(LabelledEnum):
    """Where a key ceremony stands. Each trustee acts once per step; the last one
    to act moves the ceremony on."""

    JOINING = "joining", lazy_gettext("Trustees are joining")
    DEALING = "dealing", lazy_gettext("Trustees are making their pieces of the key")
    CHECKING = "checking", lazy_gettext("Trustees are checking the pieces they received")
    DONE = "done", lazy_gettext("The survey key is ready")
    FAILED = "failed", lazy_gettext("Stopped")

    @property
    def is_running(self) -> bool:
        return self in (CeremonyState.JOINING, CeremonyState.DEALING, CeremonyState.CHECKING)


class CeremonyFailure(LabelledEnum):
    """Why a ceremony stopped, in words that follow the trustee they name."""

    BAD_PIECE = "bad_piece", "sent a piece of the key that does not match what they published"
    TRUSTEE_LEFT = "trustee_left", "left: their account was deleted before the key was ready"
    STOPPED = "stopped", "stopped by an organizer"


class CeremonyStateError(Exception):
    """A ceremony step that the ceremony's state does not allow."""


class KeyCeremony(db.Model):
    """Trustees making a survey key together, with no dealer (Pedersen's
    distributed key generation, see crypto.dkg).

    The engine relays and keeps only public parts and sealed bytes: each
    trustee's personal public key, its proof, and its personal secret sealed
    with a passphrase the server never sees; each dealer's commitments and the
    pieces it sealed to each trustee's personal key. Nothing here, nor all of it
    together, opens a survey key: that takes t trustees' passphrases, typed in
    their own browsers."""

    __tablename__ = "survey_key_ceremonies"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random name every message of the ceremony is bound to (crypto.dkg's ceremony_id).
    public_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: The caller's opaque scope whose surveys may use the key, e.g. "union:3".
    scope: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: t: how many trustees must take part to decrypt.
    threshold: Mapped[int]
    #: n: how many trustees hold a part.
    trustee_count: Mapped[int]
    #: joining -> dealing -> checking -> done, or failed.
    state: Mapped[CeremonyState] = mapped_column(enum_column(CeremonyState), default=CeremonyState.JOINING)
    #: Day it started.
    started_on: Mapped[date]
    #: Day the current step began: who has not acted since is late.
    step_started_on: Mapped[date]
    #: Day it finished (done or failed).
    finished_on: Mapped[date | None]
    #: Fixed when the last trustee joins: what every dealing is bound to (crypto.dkg.ceremony_context).
    context: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Once done: the joint key (crypto.threshold.ThresholdKey), public.
    joint_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Once done: the transcript (crypto.dkg.Transcript) every election record made with the key carries.
    transcript: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, deferred=True)
    #: Why it failed, when it did.
    failure: Mapped[CeremonyFailure | None] = mapped_column(enum_column(CeremonyFailure))
    #: The trustee at fault, when one is (their index).
    blamed_index: Mapped[int | None]
    #: The trustee whose complaint was upheld, when one was (their index).
    accuser_index: Mapped[int | None]

    trustees: Mapped[list[CeremonyTrustee]] = relationship(
        back_populates="ceremony", order_by="CeremonyTrustee.trustee_index", cascade="all, delete-orphan")

    def _move(self, expected: CeremonyState, target: CeremonyState, on: date) -> None:
        if self.state != expected:
            raise CeremonyStateError(f"a {self.state.value} ceremony cannot become {target.value}")
        self.state = target
        self.step_started_on = on

    def mark_dealing(self, context: bytes, on: date) -> None:
        self._move(CeremonyState.JOINING, CeremonyState.DEALING, on)
        self.context = context

    def mark_checking(self, on: date) -> None:
        self._move(CeremonyState.DEALING, CeremonyState.CHECKING, on)

    def mark_done(self, joint_key: bytes, transcript: dict[str, Any], on: date) -> None:
        self._move(CeremonyState.CHECKING, CeremonyState.DONE, on)
        self.joint_key = joint_key
        self.transcript = transcript
        self.finished_on = on

    def mark_failed(self, failure: CeremonyFailure, on: date, *, blamed: int | None = None,
                    accuser: int | None = None) -> None:
        if not self.state.is_running:
            raise CeremonyStateError(f"a {self.state.value} ceremony cannot fail")
        self.state = CeremonyState.FAILED
        self.failure, self.blamed_index, self.accuser_index = failure, blamed, accuser
        self.finished_on = self.step_started_on = on


class CeremonyTrustee(db.Model):
    """One trustee of a key ceremony: what they published, and what they sealed.

    Days only, never times: a trustee's steps need no more to be nudged."""

    __tablename__ = "survey_ceremony_trustees"
    __table_args__ = (sa.UniqueConstraint("ceremony_id", "trustee_ref"),)

    #: The ceremony.
    ceremony_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_key_ceremonies.id", ondelete="CASCADE"), primary_key=True)
    #: The trustee's number in the ceremony, 1..n (their share is F(index)).
    trustee_index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The caller's opaque reference to the trustee.
    trustee_ref: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: Joining: the trustee's personal public key, that dealers seal pieces to.
    personal_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32))
    #: Joining: proof that the trustee holds the personal secret (bound to the ceremony and index).
    possession_proof: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Joining: the personal secret, sealed in the browser with the trustee's passphrase (never seen here).
    sealed_secret: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Dealing: the trustee's commitments, proof and the pieces sealed to each trustee (crypto.dkg.Dealing).
    dealing: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Checking: the trustee's signature that every piece they received matched (crypto.dkg).
    acknowledgement: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Checking: the complaint the engine upheld, when a piece this trustee received did not match.
    complaint: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Day the trustee joined.
    joined_on: Mapped[date | None]
    #: Day the trustee dealt.
    dealt_on: Mapped[date | None]
    #: Day the trustee said every piece they received matched.
    acknowledged_on: Mapped[date | None]

    ceremony: Mapped[KeyCeremony] = relationship(back_populates="trustees")
