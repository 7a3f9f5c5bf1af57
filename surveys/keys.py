"""Survey keys: trustees' personal keys, and a survey's key given at launch:
the joint key of a key ceremony (`surveys.ceremony`: made by the trustees
together, with no dealer), a key dealt t-of-n at launch (surveys launched
before ceremonies, or in a scope that has none), or a key held by the server."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext, ngettext

from core.clock import today
from core.extensions import db
from crypto import sealing
from crypto.elgamal import PublicKey, SecretKey, generate_keypair
from crypto.errors import CryptoError, SealError
from crypto.threshold import KeyShare, ThresholdKey, check_share, deal_shares
from surveys import ceremony
from surveys.definitions import MIN_TRUSTEE_QUORUM, TRUSTEE_QUORUM_TOO_SMALL
from surveys.errors import SurveyError, TrusteeError
from surveys.models import KeyMode, Survey, SurveyState, SurveyTrustee, TrusteeKey

MIN_PASSPHRASE = 12


def _key_aad(trustee_ref: str) -> bytes:
    return b"leverage/trustee-key/" + trustee_ref.encode()


def _share_context(survey: Survey, trustee_index: int) -> bytes:
    return survey.context + f":share:{trustee_index}".encode()


def trustee_key(trustee_ref: str) -> TrusteeKey | None:
    return db.session.get(TrusteeKey, trustee_ref)


@dataclass(frozen=True)
class TrusteeStatus:
    """One trustee of a survey as callers may see it: who, which share, and whether they have decrypted."""

    trustee_ref: str
    share_index: int
    has_decrypted: bool


def trustees_of(survey: Survey) -> list[TrusteeStatus]:
    """The survey's trustees in share order (none for a server-key survey)."""
    return [TrusteeStatus(t.trustee_ref, t.trustee_index, t.partials is not None) for t in survey.trustees]


def surveys_held(trustee_ref: str) -> list[Survey]:
    """Every survey of which this trustee holds a key share, newest first."""
    return list(db.session.scalars(
        sa.select(Survey).join(SurveyTrustee).where(SurveyTrustee.trustee_ref == trustee_ref)
        .order_by(Survey.id.desc())))


def unreleased_surveys_held(trustee_ref: str) -> list[Survey]:
    """Surveys not yet released of which this trustee holds a key share (their results need it)."""
    return list(db.session.scalars(
        sa.select(Survey).join(SurveyTrustee)
        .where(SurveyTrustee.trustee_ref == trustee_ref, Survey.state != SurveyState.RELEASED)
        .order_by(Survey.id)))


def forget_trustee(trustee_ref: str) -> None:
    """Remove a departing trustee's personal key, and their name from the shares
    of released surveys (which no longer need them). Refused while a survey
    still needs their share."""
    if unreleased_surveys_held(trustee_ref):
        raise TrusteeError(gettext("This trustee holds a key share of a survey not yet released."))
    for trustee in db.session.scalars(sa.select(SurveyTrustee).where(SurveyTrustee.trustee_ref == trustee_ref)):
        trustee.trustee_ref = f"{ceremony.GONE}{secrets.token_hex(8)}"
    ceremony.forget_trustee(trustee_ref)
    existing = trustee_key(trustee_ref)
    if existing is not None:
        db.session.delete(existing)
    db.session.flush()


def register_trustee_key(trustee_ref: str, passphrase: str) -> TrusteeKey:
    """Make (or replace) a trustee's personal key, sealed with their passphrase.

    Replacing a key makes shares sealed to the old one unreadable, so it is
    refused while the trustee holds a share of a survey not yet released."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise TrusteeError(gettext("Use a passphrase of at least %(min)d characters.", min=MIN_PASSPHRASE),
                           field="passphrase")
    existing = trustee_key(trustee_ref)
    if existing is not None:
        if unreleased_surveys_held(trustee_ref):
            raise TrusteeError(gettext("You hold a key share of a survey not yet released; keep your current "
                                       "passphrase."))
        db.session.delete(existing)
        db.session.flush()
    pair = generate_keypair()
    key = TrusteeKey(
        trustee_ref=trustee_ref,
        public_key=pair.public_key.to_bytes(),
        sealed_secret=sealing.seal_with_passphrase(pair.secret_key.to_bytes(), passphrase,
                                                   associated_data=_key_aad(trustee_ref)),
        created_on=today(),
    )
    db.session.add(key)
    db.session.flush()
    return key


def create_survey_key(survey: Survey, trustee_refs: list[str], key_ceremony_id: int | None = None) -> None:
    """Give a survey its key at launch. Trustee mode with a finished key
    ceremony: its joint key, whose trustees are the ceremony's (nothing is
    dealt, and the server never holds the whole key). Trustee mode without one:
    deal t-of-n shares, seal each to its trustee's personal key, keep none.
    Server mode: keep the secret sealed by the application key."""
    if survey.key_mode == KeyMode.SERVER_KEY:
        pair = generate_keypair()
        survey.public_key = pair.public_key.to_bytes()
        survey.server_secret = pair.secret_key.to_bytes().hex()
        return
    if key_ceremony_id is not None:
        ceremony.use_for_survey(survey, key_ceremony_id)
        return
    refs = list(dict.fromkeys(trustee_refs))
    t = survey.trustee_threshold or 0
    # Checked again here, where the key is made: a survey stored before the rule, or
    # settings changed behind the definitions' back, must not get a quorum of one.
    if t < MIN_TRUSTEE_QUORUM:
        raise SurveyError(TRUSTEE_QUORUM_TOO_SMALL, field="trustees")
    if len(refs) < t:
        raise SurveyError(ngettext("Choose at least %(t)d trustees: %(t)d of them must take part to decrypt, "
                                   "and only %(num)d is chosen.",
                                   "Choose at least %(t)d trustees: %(t)d of them must take part to decrypt, "
                                   "and only %(num)d are chosen.", len(refs), t=t), field="trustees")
    keys = {ref: trustee_key(ref) for ref in refs}
    missing = [ref for ref, key in keys.items() if key is None]
    if missing:
        raise SurveyError(gettext("Every trustee must set a trustee passphrase before launch."), field="trustees")
    threshold_key, shares = deal_shares(t, len(refs))
    survey.threshold_key = threshold_key.to_bytes()
    survey.public_key = threshold_key.public_key.to_bytes()
    for ref, share in zip(refs, shares, strict=True):
        personal = PublicKey.from_bytes(keys[ref].public_key)
        sealed = sealing.seal_text(personal, share.to_bytes().hex(), _share_context(survey, share.index))
        survey.trustees.append(SurveyTrustee(trustee_index=share.index, trustee_ref=ref, sealed_share=sealed))


def open_share(survey: Survey, trustee: SurveyTrustee, passphrase: str) -> KeyShare:
    """The trustee's share, opened with their passphrase and checked against the commitments.
    Only for a key dealt at launch: a ceremony's shares open only in the trustee's browser."""
    if trustee.sealed_share is None:
        raise TrusteeError(gettext("This survey's key was made by its trustees together: your part opens only in "
                                   "your own browser, on the survey's decryption page. Your passphrase is never "
                                   "sent."))
    key = trustee_key(trustee.trustee_ref)
    if key is None:
        raise TrusteeError(gettext("You have no trustee key."))
    try:
        secret = SecretKey.from_bytes(sealing.open_with_passphrase(
            key.sealed_secret, passphrase, associated_data=_key_aad(trustee.trustee_ref)))
    except SealError:
        raise TrusteeError(gettext("That passphrase does not open your key."), field="passphrase") from None
    except (CryptoError, ValueError):
        raise TrusteeError(gettext("Your trustee key could not be read; tell the other trustees.")) from None
    # The passphrase was right: from here on, a failure is the share's, not the person's.
    try:
        share_hex = sealing.open_text_with_secret_key(secret, trustee.sealed_share,
                                                      _share_context(survey, trustee.trustee_index))
        share = KeyShare.from_bytes(bytes.fromhex(share_hex))
        check_share(ThresholdKey.from_bytes(survey.threshold_key), share)
    except (CryptoError, ValueError):
        raise TrusteeError(gettext("Your key share does not open or does not match this survey's key; "
                                   "tell the other trustees.")) from None
    return share


def server_secret_key(survey: Survey) -> SecretKey:
    if survey.key_mode != KeyMode.SERVER_KEY or survey.server_secret is None:
        raise SurveyError(gettext("This survey has no server-held key."))
    return SecretKey.from_bytes(bytes.fromhex(survey.server_secret))
