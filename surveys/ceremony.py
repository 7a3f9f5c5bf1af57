"""Key ceremonies: trustees make a survey key together, and nobody, the server
included, ever holds the whole of it.

The protocol is Pedersen's distributed key generation with Feldman commitments
(`crypto.dkg`, whose docstring gives the mathematics); each trustee's part of
it runs in their own browser. This module is the relay between them. It keeps
only what is public or sealed, checks every message before keeping it, and
moves the ceremony on when the last trustee of a step has acted:

1. JOINING. Each trustee posts a personal public key, a proof that they hold
   its secret (bound to this ceremony and their number), and that secret
   sealed with a passphrase typed only into their browser.
2. DEALING. Once all have joined the ceremony's context is fixed. Each trustee
   posts a dealing: commitments to a random polynomial, a proof of its constant
   term, and one piece sealed to each trustee's personal key, signed with
   their personal key (so the server could not deal in their place). Its
   shape, proofs and signature are checked here; the pieces can only be
   checked by their recipients.
3. CHECKING. Each trustee's browser opens the pieces sealed to them and
   either acknowledges (signs) that all match the dealers' commitments, or complains
   against one dealer, revealing enough (with a proof) for anyone to open that
   one piece. The complaint is judged here before it is kept: a justified one
   fails the ceremony naming the dealer; an unfounded one is refused.
4. DONE when everyone has acknowledged: the joint key is a
   `crypto.threshold.ThresholdKey`, and the transcript of everything public
   goes into every election record made with it.

Every post takes the ceremony's row lock, so two trustees acting at the same
moment are taken one after the other and the last of a step always sees the
others' (as `surveys.tally` does for trustees' partial decryptions).

What the server stores can open nothing alone: the personal secrets are
sealed with passphrases it never receives, and each piece is sealed to a
personal key. A trustee's final share exists only in their browser, for the
moment of a decryption.

Callers name ceremonies by scope ("union:3"); the engine knows no unions.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, ngettext

from core.clock import today
from core.extensions import db
from crypto import ballot as ballots
from crypto import dkg
from crypto.elgamal import CIPHERTEXT_SIZE
from crypto.errors import CryptoError, DecodeError
from crypto.group import POINT_SIZE, Point
from crypto.sealing import PASSPHRASE_SEAL_VERSION, ScryptParams
from crypto.threshold import ThresholdKey
from surveys.definitions import MAX_TRUSTEES, MIN_TRUSTEE_QUORUM, ballot_questions, question_spec
from surveys.errors import SurveyError, TrusteeError
from surveys.models import (
    Ballot,
    CeremonyFailure,
    CeremonyState,
    CeremonyTrustee,
    KeyCeremony,
    RecordEvidence,
    Survey,
    SurveyState,
    SurveyTrustee,
)

__all__ = ["CeremonyError", "CeremonyFailure", "CeremonyState", "CeremonyStatus", "DecryptionCheck",
           "TrusteeMaterial"]

log = logging.getLogger(__name__)

#: A personal secret sealed with a passphrase (crypto.sealing's format): a
#: 4-byte header, salt, nonce, the 32-byte scalar and the AES-GCM tag.
SEALED_SECRET_SIZE = 4 + 16 + 12 + 32 + 16
#: What a departed trustee's ref becomes (as in surveys.keys.forget_trustee).
GONE = "gone:"
#: A possession proof (Schnorr: commitment and response).
POSSESSION_PROOF_SIZE = 64


class CeremonyError(SurveyError):
    """A ceremony message refused: out of turn, malformed or not proven."""


class OutOfTurn(CeremonyError):
    """A step the ceremony is not at, or one the trustee has already taken."""

    status = 409


# -- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrusteeProgress:
    """One trustee of a ceremony, as pages may see them."""

    trustee_ref: str
    trustee_index: int
    joined_on: date | None
    dealt_on: date | None
    acknowledged_on: date | None

    def has_done(self, state: CeremonyState) -> bool:
        """Whether the trustee has taken the step the ceremony is at."""
        return {
            CeremonyState.JOINING: self.joined_on is not None,
            CeremonyState.DEALING: self.dealt_on is not None,
            CeremonyState.CHECKING: self.acknowledged_on is not None,
        }.get(state, True)


@dataclass(frozen=True)
class CeremonyStatus:
    """A ceremony as callers may see it: who, where it stands, and why it stopped."""

    id: int
    public_id: str
    scope: str
    state: CeremonyState
    threshold: int
    trustee_count: int
    started_on: date
    step_started_on: date
    finished_on: date | None
    failure: CeremonyFailure | None
    #: The trustee at fault, when a failure names one (a bad dealer, a trustee who left).
    blamed_index: int | None
    #: The trustee whose complaint was upheld.
    accuser_index: int | None
    trustees: tuple[TrusteeProgress, ...]
    #: Once everyone has joined: a short code of the ceremony (its id, t and every
    #: personal key) for trustees to compare with one another; the same code on every
    #: screen means the server showed them all the same ceremony.
    fingerprint: str | None

    @property
    def done_in_step(self) -> int:
        """How many trustees have taken the current step."""
        return sum(t.has_done(self.state) for t in self.trustees)

    @property
    def waiting(self) -> tuple[TrusteeProgress, ...]:
        """Who the ceremony waits for, in the current step (none unless it is running)."""
        if not self.state.is_running:
            return ()
        return tuple(t for t in self.trustees if not t.has_done(self.state))

    def trustee(self, trustee_ref: str) -> TrusteeProgress | None:
        return next((t for t in self.trustees if t.trustee_ref == trustee_ref), None)

    def by_index(self, index: int | None) -> TrusteeProgress | None:
        return next((t for t in self.trustees if t.trustee_index == index), None)

    @property
    def trustee_refs(self) -> tuple[str, ...]:
        return tuple(t.trustee_ref for t in self.trustees)


def _status(ceremony: KeyCeremony) -> CeremonyStatus:
    return CeremonyStatus(
        id=ceremony.id, public_id=ceremony.public_id, scope=ceremony.scope, state=ceremony.state,
        threshold=ceremony.threshold, trustee_count=ceremony.trustee_count, started_on=ceremony.started_on,
        step_started_on=ceremony.step_started_on, finished_on=ceremony.finished_on, failure=ceremony.failure,
        blamed_index=ceremony.blamed_index, accuser_index=ceremony.accuser_index,
        trustees=tuple(TrusteeProgress(t.trustee_ref, t.trustee_index, t.joined_on, t.dealt_on, t.acknowledged_on)
                       for t in ceremony.trustees),
        fingerprint=dkg.ceremony_fingerprint(bytes(ceremony.context)) if ceremony.context is not None else None)


def _find(ceremony_id: int) -> KeyCeremony:
    ceremony = db.session.get(KeyCeremony, ceremony_id)
    if ceremony is None:
        raise CeremonyError(gettext("There is no such key ceremony."))
    return ceremony


def status(ceremony_id: int) -> CeremonyStatus | None:
    ceremony = db.session.get(KeyCeremony, ceremony_id)
    return _status(ceremony) if ceremony is not None else None


def ceremonies_of(scope: str) -> list[CeremonyStatus]:
    """Every ceremony of the scope, newest first."""
    return [_status(c) for c in db.session.scalars(
        sa.select(KeyCeremony).where(KeyCeremony.scope == scope).order_by(KeyCeremony.id.desc()))]


def running(scope: str) -> CeremonyStatus | None:
    """The ceremony of the scope under way, if there is one (there is at most one)."""
    return next((c for c in ceremonies_of(scope) if c.state.is_running), None)


def current(scope: str) -> CeremonyStatus | None:
    """The scope's survey key: its newest finished ceremony. New surveys use it
    until a newer ceremony finishes."""
    return next((c for c in ceremonies_of(scope) if c.state == CeremonyState.DONE), None)


def ceremonies_of_trustee(trustee_ref: str) -> list[CeremonyStatus]:
    """Every ceremony the trustee is part of, newest first."""
    return [_status(c) for c in db.session.scalars(
        sa.select(KeyCeremony).join(CeremonyTrustee).where(CeremonyTrustee.trustee_ref == trustee_ref)
        .order_by(KeyCeremony.id.desc()))]


def surveys_using(ceremony_id: int) -> list[Survey]:
    """The surveys launched with the ceremony's key, newest first."""
    return list(db.session.scalars(
        sa.select(Survey).where(Survey.key_ceremony_id == ceremony_id).order_by(Survey.id.desc())))


def unreleased_surveys_using(ceremony_id: int) -> list[Survey]:
    """Launched with the ceremony's key and not yet released: they still need its trustees."""
    return [s for s in surveys_using(ceremony_id) if s.state != SurveyState.RELEASED]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class TrusteeMaterial:
    """What one trustee's browser needs for its next step, all public or sealed
    to that trustee: the ceremony's name and numbers, the personal keys, the
    dealings, and the trustee's own sealed personal secret."""

    ceremony_id: str
    trustee_index: int
    threshold: int
    trustee_count: int
    #: Fixed once everyone has joined.
    context: bytes | None
    #: Everyone's personal keys in trustee order, once everyone has joined.
    personal_keys: tuple[bytes, ...] | None
    #: Every dealing (crypto.dkg.Dealing JSON) in dealer order, once everyone has dealt.
    dealings: tuple[dict[str, Any], ...] | None
    #: The trustee's personal secret, sealed with their passphrase, once they joined.
    sealed_secret: bytes | None

    def to_json(self) -> dict[str, Any]:
        return {
            "ceremony_id": self.ceremony_id, "trustee_index": self.trustee_index, "threshold": self.threshold,
            "trustee_count": self.trustee_count,
            "context": _b64(self.context) if self.context is not None else None,
            "personal_keys": [_b64(k) for k in self.personal_keys] if self.personal_keys is not None else None,
            "dealings": list(self.dealings) if self.dealings is not None else None,
            "sealed_secret": _b64(self.sealed_secret) if self.sealed_secret is not None else None,
        }


def material_for(ceremony_id: int, trustee_ref: str) -> TrusteeMaterial:
    """What the trustee's browser needs now; refused to anyone not a trustee of it."""
    ceremony = _find(ceremony_id)
    trustee = _trustee_of(ceremony, trustee_ref)
    joined = all(t.personal_key is not None for t in ceremony.trustees)
    dealt = all(t.dealing is not None for t in ceremony.trustees)
    return TrusteeMaterial(
        ceremony_id=ceremony.public_id, trustee_index=trustee.trustee_index, threshold=ceremony.threshold,
        trustee_count=ceremony.trustee_count, context=ceremony.context,
        personal_keys=tuple(bytes(t.personal_key) for t in ceremony.trustees) if joined else None,
        dealings=tuple(t.dealing for t in ceremony.trustees) if dealt else None,
        sealed_secret=bytes(trustee.sealed_secret) if trustee.sealed_secret is not None else None)


def joint_key(ceremony_id: int) -> ThresholdKey:
    """The key of a finished ceremony."""
    ceremony = _find(ceremony_id)
    if ceremony.state != CeremonyState.DONE or ceremony.joint_key is None:
        raise CeremonyError(gettext("This key ceremony has not finished: its survey key is not ready."))
    return ThresholdKey.from_bytes(bytes(ceremony.joint_key))


def transcript_of(ceremony_id: int) -> dict[str, Any]:
    """The transcript of a finished ceremony (crypto.dkg.Transcript JSON), for election records."""
    ceremony = _find(ceremony_id)
    if ceremony.state != CeremonyState.DONE or ceremony.transcript is None:
        raise CeremonyError(gettext("This key ceremony has not finished: it has no transcript yet."))
    return ceremony.transcript


# -- starting and stopping -----------------------------------------------------------------------

def start(scope: str, trustee_refs: Sequence[str], threshold: int) -> CeremonyStatus:
    """Start a ceremony among `trustee_refs` (in that order: trustee 1 first), t of them to decrypt.

    At most one runs per scope: a change of trustees while one runs is a stop and a new start."""
    refs = list(dict.fromkeys(trustee_refs))
    if type(threshold) is not int or threshold < MIN_TRUSTEE_QUORUM:
        raise CeremonyError(gettext("At least %(min)d trustees must take part to open the results: with one, a "
                                    "single person could read them alone.", min=MIN_TRUSTEE_QUORUM), field="threshold")
    if len(refs) < threshold:
        raise CeremonyError(ngettext(
            "Choose at least %(t)d trustees: %(t)d must take part to open the results, and only %(num)d is chosen.",
            "Choose at least %(t)d trustees: %(t)d must take part to open the results, and only %(num)d are chosen.",
            len(refs), t=threshold), field="trustees")
    if len(refs) > MAX_TRUSTEES:
        raise CeremonyError(gettext("At most %(max)d trustees can share a key.", max=MAX_TRUSTEES), field="trustees")
    _lock_scope(scope)
    if running(scope) is not None:
        raise OutOfTurn(gettext("A key ceremony is already under way. Stop it first to start again with other "
                                "trustees."))
    on = today()
    ceremony = KeyCeremony(public_id=secrets.token_hex(16), scope=scope, threshold=threshold,
                           trustee_count=len(refs), state=CeremonyState.JOINING, started_on=on, step_started_on=on)
    ceremony.trustees = [CeremonyTrustee(trustee_index=index, trustee_ref=ref)
                         for index, ref in enumerate(refs, start=1)]
    db.session.add(ceremony)
    db.session.flush()
    return _status(ceremony)


def _lock_scope(scope: str) -> None:
    # Two organizers starting at once: the second waits here and then sees the
    # first's. A scope's very first ceremony has no row to wait on here, so the
    # caller that owns the scope locks its own row first (the union side locks
    # the union's: organizer.ceremony.services).
    db.session.execute(sa.select(KeyCeremony.id).where(KeyCeremony.scope == scope).with_for_update())


def stop(ceremony_id: int) -> CeremonyStatus:
    """An organizer stops a ceremony under way (to start again with other trustees, say)."""
    ceremony = _locked(ceremony_id)
    if not ceremony.state.is_running:
        raise OutOfTurn(gettext("This key ceremony is not under way: there is nothing to stop."))
    ceremony.mark_failed(CeremonyFailure.STOPPED, today())
    db.session.flush()
    return _status(ceremony)


def forget_trustee(trustee_ref: str) -> None:
    """A trustee's account goes: ceremonies under way with them can never finish,
    so they fail naming them; their name leaves every ceremony (their public parts stay)."""
    for ceremony in db.session.scalars(sa.select(KeyCeremony).join(CeremonyTrustee).where(
            CeremonyTrustee.trustee_ref == trustee_ref)):
        trustee = next(t for t in ceremony.trustees if t.trustee_ref == trustee_ref)
        if ceremony.state.is_running:
            ceremony.mark_failed(CeremonyFailure.TRUSTEE_LEFT, today(), blamed=trustee.trustee_index)
        trustee.trustee_ref = f"{GONE}{secrets.token_hex(8)}"
    db.session.flush()


# -- the trustees' steps -------------------------------------------------------------------------

def _locked(ceremony_id: int) -> KeyCeremony:
    """The ceremony with its row held until commit, reloaded as committed, trustees included."""
    db.session.execute(sa.select(KeyCeremony.id).where(KeyCeremony.id == ceremony_id).with_for_update())
    ceremony = db.session.get(KeyCeremony, ceremony_id, populate_existing=True)
    if ceremony is None:
        raise CeremonyError(gettext("There is no such key ceremony."))
    db.session.scalars(sa.select(CeremonyTrustee).where(CeremonyTrustee.ceremony_id == ceremony_id)
                       .execution_options(populate_existing=True)).all()
    return ceremony


def _trustee_of(ceremony: KeyCeremony, trustee_ref: str) -> CeremonyTrustee:
    trustee = next((t for t in ceremony.trustees if t.trustee_ref == trustee_ref), None)
    if trustee is None:
        raise TrusteeError(gettext("You are not a trustee of this key ceremony."))
    return trustee


def _at(ceremony: KeyCeremony, state: CeremonyState) -> None:
    if ceremony.state == state:
        return
    if ceremony.state == CeremonyState.FAILED:
        raise OutOfTurn(gettext("This key ceremony has stopped; nothing more can be sent to it."))
    if ceremony.state == CeremonyState.DONE:
        raise OutOfTurn(gettext("This key ceremony is finished: the survey key is ready."))
    raise OutOfTurn(gettext("That step is not the one the ceremony is at. Reload the page to see where it stands."))


def _personal_key(data: object) -> Point:
    try:
        point = Point.from_bytes(data)
    except CryptoError:
        raise CeremonyError(gettext("The personal key is not a valid key.")) from None
    if point.is_identity():
        raise CeremonyError(gettext("The personal key is not a valid key."))
    return point


def _check_sealed_secret(sealed: object) -> bytes:
    """The shape of a passphrase-sealed personal secret (its contents only the passphrase opens)."""
    if not isinstance(sealed, bytes) or len(sealed) != SEALED_SECRET_SIZE or sealed[0] != PASSPHRASE_SEAL_VERSION:
        raise CeremonyError(gettext("Your sealed key is not in the expected form. Reload the page and try again."))
    try:
        ScryptParams(sealed[1], sealed[2], sealed[3])
    except ValueError:
        raise CeremonyError(gettext("Your sealed key is not in the expected form. Reload the page and try "
                                    "again.")) from None
    return sealed


def join(ceremony_id: int, trustee_ref: str, *, personal_key: bytes, possession_proof: bytes,
         sealed_secret: bytes) -> CeremonyStatus:
    """A trustee joins with the personal key their browser made. The last to join fixes the context."""
    ceremony = _locked(ceremony_id)
    trustee = _trustee_of(ceremony, trustee_ref)
    _at(ceremony, CeremonyState.JOINING)
    if trustee.personal_key is not None:
        raise OutOfTurn(gettext("You have joined already. The others' turn now."))
    key = _personal_key(personal_key)
    if any(t.personal_key is not None and bytes(t.personal_key) == key.to_bytes() for t in ceremony.trustees):
        raise CeremonyError(gettext("That personal key is already another trustee's. Reload the page and try "
                                    "again."))
    if not isinstance(possession_proof, bytes) or len(possession_proof) != POSSESSION_PROOF_SIZE or \
            not dkg.verify_possession(key, possession_proof, dkg.join_context(ceremony.public_id, trustee.trustee_index)):
        raise CeremonyError(gettext("The proof that goes with your personal key does not check out. Reload the page "
                                    "and try again."))
    sealed = _check_sealed_secret(sealed_secret)
    trustee.personal_key = key.to_bytes()
    trustee.possession_proof = possession_proof
    trustee.sealed_secret = sealed
    trustee.joined_on = today()
    if all(t.personal_key is not None for t in ceremony.trustees):
        keys = [Point.from_bytes(bytes(t.personal_key)) for t in ceremony.trustees]
        ceremony.mark_dealing(dkg.ceremony_context(ceremony.public_id, ceremony.threshold, keys), today())
    db.session.flush()
    return _status(ceremony)


def _dealing_of(trustee: CeremonyTrustee) -> dkg.Dealing:
    return dkg.Dealing.from_json(trustee.dealing)


def deal(ceremony_id: int, trustee_ref: str, dealing: object) -> CeremonyStatus:
    """A trustee's dealing (crypto.dkg.Dealing JSON), checked in shape and proof
    before it is kept. The last dealer moves the ceremony to checking."""
    ceremony = _locked(ceremony_id)
    trustee = _trustee_of(ceremony, trustee_ref)
    _at(ceremony, CeremonyState.DEALING)
    if trustee.dealing is not None:
        raise OutOfTurn(gettext("You have sent your pieces already. The others' turn now."))
    try:
        parsed = dkg.Dealing.from_json(dealing)
        if parsed.dealer != trustee.trustee_index:
            raise CeremonyError(gettext("Those pieces are numbered for another trustee. Reload the page and try "
                                        "again."))
        dkg.verify_dealing_shape(bytes(ceremony.context), ceremony.threshold, trustee.trustee_index,
                                 ceremony.trustee_count, parsed)
    except (CryptoError, KeyError, TypeError, ValueError, AttributeError):
        raise CeremonyError(gettext("Your pieces of the key are not in the expected form, or their proof does not "
                                    "check out. Reload the page and try again.")) from None
    trustee.dealing = parsed.to_json()
    trustee.dealt_on = today()
    if all(t.dealing is not None for t in ceremony.trustees):
        ceremony.mark_checking(today())
    db.session.flush()
    return _status(ceremony)


def acknowledge(ceremony_id: int, trustee_ref: str, acknowledgement: bytes) -> CeremonyStatus:
    """A trustee's browser found that every piece sealed to them matches, and
    signed that over every dealing (so the server cannot acknowledge in their
    name). The last one finishes the ceremony."""
    ceremony = _locked(ceremony_id)
    trustee = _trustee_of(ceremony, trustee_ref)
    _at(ceremony, CeremonyState.CHECKING)
    if trustee.acknowledged_on is not None:
        raise OutOfTurn(gettext("You have checked your pieces already. The others' turn now."))
    dealings = [_dealing_of(t) for t in ceremony.trustees]
    if not isinstance(acknowledgement, bytes) or not dkg.verify_acknowledgement(
            bytes(ceremony.context), dealings, trustee.trustee_index, acknowledgement):
        raise CeremonyError(gettext("Your signature that the pieces match does not check out. Reload the page and "
                                    "check again."))
    trustee.acknowledgement = acknowledgement
    trustee.acknowledged_on = today()
    if all(t.acknowledged_on is not None for t in ceremony.trustees):
        _finish(ceremony)
    db.session.flush()
    return _status(ceremony)


def complain(ceremony_id: int, trustee_ref: str, complaint: object) -> CeremonyStatus:
    """A trustee's browser found a piece that does not match its dealer's
    commitments. Judged before it is kept: justified, the ceremony fails naming
    the dealer; unfounded, refused (a trustee cannot stop a ceremony by lying)."""
    ceremony = _locked(ceremony_id)
    trustee = _trustee_of(ceremony, trustee_ref)
    _at(ceremony, CeremonyState.CHECKING)
    if trustee.acknowledged_on is not None:
        raise OutOfTurn(gettext("You have checked your pieces already and found them good."))
    try:
        parsed = dkg.Complaint.from_json(complaint)
        dealer = next((t for t in ceremony.trustees if t.trustee_index == parsed.dealer), None)
        if parsed.accuser != trustee.trustee_index or dealer is None or dealer is trustee:
            raise CeremonyError(gettext("That complaint names the wrong trustees. Reload the page and check again."))
        justified = dkg.judge_complaint(bytes(ceremony.context), _dealing_of(dealer), parsed,
                                        Point.from_bytes(bytes(trustee.personal_key)))
    except (CryptoError, KeyError, TypeError, ValueError, AttributeError):
        raise CeremonyError(gettext("That complaint is not in the expected form. Reload the page and check "
                                    "again.")) from None
    if not justified:
        raise CeremonyError(gettext("That complaint does not hold: the piece it is about matches what its trustee "
                                    "published. Reload the page and check again."))
    trustee.complaint = parsed.to_json()
    ceremony.mark_failed(CeremonyFailure.BAD_PIECE, today(), blamed=dealer.trustee_index,
                         accuser=trustee.trustee_index)
    log.warning("key ceremony %s: trustee %s's dealing failed trustee %s's check", ceremony.id,
                dealer.trustee_index, trustee.trustee_index)
    db.session.flush()
    return _status(ceremony)


def _transcript(ceremony: KeyCeremony) -> dkg.Transcript:
    return dkg.Transcript(
        version=dkg.CEREMONY_VERSION, ceremony_id=ceremony.public_id, threshold=ceremony.threshold,
        personal_keys=tuple(Point.from_bytes(bytes(t.personal_key)) for t in ceremony.trustees),
        possession_proofs=tuple(bytes(t.possession_proof) for t in ceremony.trustees),
        dealings=tuple(_dealing_of(t) for t in ceremony.trustees),
        acknowledgements=tuple(bytes(t.acknowledgement) for t in ceremony.trustees))


def _finish(ceremony: KeyCeremony) -> None:
    transcript = _transcript(ceremony)
    key = dkg.joint_key(ceremony.threshold, ceremony.trustee_count, transcript.dealings)
    # The engine checks the transcript as any auditor will: a record whose
    # transcript fails the verifier must never be started.
    if dkg.verify_transcript(transcript) != key:
        raise CeremonyError(gettext("The key ceremony's transcript does not check out; tell the organizers."))
    ceremony.mark_done(key.to_bytes(), transcript.to_json(), today())


# -- surveys made with the key -------------------------------------------------------------------

def use_for_survey(survey: Survey, ceremony_id: int) -> None:
    """At launch: give a trustee survey the ceremony's joint key. No dealing, no
    share: each trustee's part is the sum of the pieces sealed to them in the
    ceremony, opened only in their browser."""
    ceremony = _find(ceremony_id)
    key = joint_key(ceremony_id)
    # The key is taken from the transcript, checked again as the election record's
    # verifier will check it: a stored key changed since the ceremony is refused.
    try:
        made = dkg.verify_transcript(dkg.Transcript.from_json(transcript_of(ceremony_id)))
    except CryptoError:
        made = None
    if made != key:
        raise CeremonyError(gettext("This survey key does not match its ceremony's record; run a new key ceremony."))
    if ceremony.threshold < MIN_TRUSTEE_QUORUM:
        raise CeremonyError(gettext("This survey key needs too few trustees to be used."))
    if sum(not t.trustee_ref.startswith(GONE) for t in ceremony.trustees) < ceremony.threshold:
        raise CeremonyError(gettext("Too few of this survey key's trustees remain to open any results: run a new "
                                    "key ceremony first."), field="trustees")
    survey.key_ceremony_id = ceremony.id
    survey.threshold_key = key.to_bytes()
    survey.public_key = key.public_key.to_bytes()
    survey.trustee_threshold = ceremony.threshold
    for trustee in ceremony.trustees:
        survey.trustees.append(SurveyTrustee(trustee_index=trustee.trustee_index, trustee_ref=trustee.trustee_ref,
                                             sealed_share=None))


# -- what a trustee's browser checks before it decrypts ------------------------------------------

#: Ballots read from the database at a time while a check is put together.
BALLOT_CHUNK = 500


@dataclass(frozen=True)
class DecryptionCheck:
    """What a trustee's browser adds up and checks itself before it decrypts
    anything (static/js/ceremony/approved.js), so that it never has to take the
    server's word for what it is asked to decrypt (PRIVACY.md invariant 8).

    A partial decryption of a sum uses only the sum's alpha, the sum of the
    ballots' alphas. So the browser is given every approved ballot's alphas,
    grouped by the election record's parts (the classes of ballots lying in
    exactly the same released groups), and which parts make each approved
    group. It adds them up itself and refuses to decrypt unless each sum it is
    asked for is exactly one it made: of at least k ballots, every part of at
    least k (so that no difference of two released sums stands for fewer), no
    ciphertext counted twice. The released comments come with their sealed
    bytes, so that it checks each comment's proof itself before it decrypts
    its point: a point whose sender proved nothing could be someone's ballot.

    What the browser cannot check alone is that these are the ballots members
    cast rather than ones the server made up: that is the election record's
    part (each member finds their tracker in it; its ballots are the ones
    listed here, and the verifier sums them the same way)."""

    release_threshold: int
    comment_threshold: int
    #: Ciphertexts per ballot: the survey's slots, question after question.
    width: int
    #: How many ballots each part holds, in the record's order of parts.
    part_sizes: tuple[int, ...]
    #: Each approved group in decryption order: the parts it is made of, and how many answered.
    groups: tuple[tuple[tuple[int, ...], int], ...]
    #: Every ballot's slot alphas (32 bytes each), ballot after ballot, part after part.
    alphas: bytes
    #: The released comments in decryption order: (sealed text, its context) each.
    comments: tuple[tuple[bytes, bytes], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "release_threshold": self.release_threshold, "comment_threshold": self.comment_threshold,
            "width": self.width, "part_sizes": list(self.part_sizes),
            "groups": [{"parts": list(parts), "respondents": respondents} for parts, respondents in self.groups],
            "alphas": _b64(self.alphas),
            "comments": [{"sealed": _b64(sealed), "context": _b64(context)} for sealed, context in self.comments],
        }


def decryption_check(survey: Survey, comments: Sequence[tuple[bytes, bytes]]) -> DecryptionCheck:
    """What the browser of a trustee of this closed survey checks before it
    decrypts: its approved ballots, read as the election record lists them,
    and the `comments` (sealed text, context) that will be opened, in order."""
    evidence = db.session.get(RecordEvidence, survey.id)
    if evidence is None:
        raise TrusteeError(gettext("This survey closed before election records were kept, so your device "
                                   "cannot check its totals; it cannot be unlocked in the browser."))
    specs = [question_spec(q) for q in ballot_questions(survey)]
    width = sum(spec.slot_count for spec in specs)
    part_of = {tracker: index for index, part in enumerate(evidence.parts) for tracker in part["trackers"]}
    by_part: list[list[bytes]] = [[] for _ in evidence.parts]
    query = (sa.select(Ballot.fingerprint, Ballot.payload).where(Ballot.survey_id == survey.id)
             .order_by(Ballot.fingerprint).execution_options(yield_per=BALLOT_CHUNK))
    for tracker, payload in db.session.execute(query):
        try:
            vector = ballots.slot_ciphertexts(specs, bytes(payload))
        except DecodeError:
            vector = None
        if tracker not in part_of or vector is None:
            # As the record's verifier would: a ballot in no part, or of another layout, is never summed.
            raise SurveyError(gettext("A ballot of this survey does not fit its election record; tell the "
                                      "organizers. Nothing can be unlocked until this is explained."))
        by_part[part_of[tracker]].append(b"".join(
            vector[slot * CIPHERTEXT_SIZE:slot * CIPHERTEXT_SIZE + POINT_SIZE] for slot in range(width)))
    groups = tuple(
        (tuple(index for index, part in enumerate(evidence.parts) if set(part["cells"]) <= set(group.cells)),
         group.respondents)
        for group in survey.groups if group.is_approved)
    return DecryptionCheck(
        release_threshold=survey.release_threshold, comment_threshold=survey.comment_threshold, width=width,
        part_sizes=tuple(len(alphas) for alphas in by_part), groups=groups,
        alphas=b"".join(alpha for alphas in by_part for alpha in alphas), comments=tuple(comments))
