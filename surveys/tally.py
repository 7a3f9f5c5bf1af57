"""Closing, tallying and releasing.

At close the mix (`prepare_release`, argued in `surveys.pool`) rewrites every
ballot, comment and ledger row in random order and forms the sums per declared
cell in memory, so no stored ballot ever carries a cell. Sums are formed on
ciphertexts, per declared cell and then per approved group;
only approved group sums are ever decrypted (PRIVACY.md invariants 3 and 8),
by the server-held key or by t trustees' proven partial decryptions: made
here with a share dealt at launch, or, for a key made in a key ceremony, in
each trustee's browser and checked here against the approved targets. Comments
open only past the comment threshold, in a shuffled batch dated by the round's
end (invariant 9).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext

from core.clock import today, utcnow
from core.extensions import db
from crypto import ballot as ballots
from crypto import sealing
from crypto.elgamal import CIPHERTEXT_SIZE, Ciphertext, PublicKey
from crypto.errors import CryptoError, InvalidPartialError, NotEnoughPartialsError, SealError
from crypto.group import Point
from crypto.dlog import discrete_log
from crypto.threshold import (
    PARTIAL_SIZE,
    PartialDecryption,
    ThresholdKey,
    combine_partials,
    decrypt_with_server_key,
    partial_decrypt,
    verify_partial,
)
from surveys import ballot_box, keys, record
from surveys import ceremony as ceremonies
from surveys.ballot_box import comment_context
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import DecryptionRefused, SurveyError, TrusteeError
from surveys.models import (
    Ballot,
    BallotPool,
    DecryptionRefusal,
    EligibleVoter,
    KeyMode,
    ParticipationEntry,
    Question,
    ReleasedComment,
    SealedComment,
    Survey,
    SurveyKind,
    SurveyState,
    SurveyTrustee,
    TallyGroup,
    random_id,
)
from surveys.pool import Pool, shuffled, unpad_cell
from surveys.release import SegmentPlan, candidate_groups, decide_release

log = logging.getLogger(__name__)
BATCH = 2000


def respondents_by_cell(survey: Survey, answered: set[str] | None = None) -> dict[str, set[str]]:
    """Who answered, by declared cell. Two range scans joined here rather than a
    SQL join: with statistics that predate a large survey, PostgreSQL's planner
    picked a nested loop that took tens of seconds at 20,000 respondents."""
    if answered is None:
        answered = set(db.session.scalars(
            sa.select(ParticipationEntry.voter_ref).where(ParticipationEntry.survey_id == survey.id)))
    cells: dict[str, set[str]] = defaultdict(set)
    for cell, ref in db.session.execute(
            sa.select(EligibleVoter.cell, EligibleVoter.voter_ref).where(EligibleVoter.survey_id == survey.id)):
        if ref in answered:
            cells[cell].add(ref)
    return cells


def _earlier_released_sets(survey: Survey) -> list[frozenset[str]]:
    """Respondent sets of every approved group of every other survey that shares
    a respondent with this one and could measure the same thing (PRIVACY.md
    invariant 8: differencing across everything, not only one series). A closed
    survey counts as much as a released one: its approved groups are fixed at
    close and will be shown once its trustees decrypt, whenever that is.

    "Could measure the same thing" is read pessimistically for questions that
    whoever runs the surveys writes (pulse, bargaining, vote): any of them may
    be a rewording of another, across kinds and series. Endorsement surveys
    ask coworkers about one member's own words, so they are set against the
    endorsement surveys that asked about the same claim or demand again, not
    against a pulse: subtracting agreement with a demand from union support
    isolates nobody, and comparing them would withhold nearly every small
    endorsement survey. What this leaves is stated in surveys/release.py."""
    mine = sa.select(ParticipationEntry.voter_ref).where(ParticipationEntry.survey_id == survey.id)
    query = sa.select(Survey).where(
        Survey.id != survey.id, Survey.state.in_([SurveyState.CLOSED, SurveyState.RELEASED]),
        Survey.groups.any(),
        Survey.id.in_(sa.select(ParticipationEntry.survey_id).where(ParticipationEntry.voter_ref.in_(mine))))
    if survey.kind == SurveyKind.ENDORSEMENT:
        subjects = [q.subject_ref for q in survey.questions if q.subject_ref]
        query = query.where(Survey.kind == SurveyKind.ENDORSEMENT, Survey.questions.any(Question.subject_ref.in_(subjects)))
    else:
        query = query.where(Survey.kind != SurveyKind.ENDORSEMENT)
    others = list(db.session.scalars(query.order_by(Survey.id)))
    sets = []
    for other in others:
        by_cell = respondents_by_cell(other)
        for group in other.groups:
            if group.is_approved:
                sets.append(frozenset().union(*(by_cell.get(cell, set()) for cell in group.cells)))
    return sets


def close(survey: Survey) -> None:
    """End voting and prepare the approved encrypted sums, in one transaction.

    Idempotent. For large surveys callers commit between `end_voting` and
    `prepare_release` instead, so the survey's row is not held while summing."""
    end_voting(survey)
    prepare_release(survey)


def end_voting(survey: Survey) -> bool:
    """Close an open survey; False when there was nothing to close."""
    if survey.state != SurveyState.OPEN:
        return False
    # Wait for ballots being stored to commit, and keep new ones out, so the
    # pool and the rows read by `prepare_release` hold the same people. The
    # pool first, in the order every answer takes the same two locks.
    ballot_box.hold_pool(survey)
    _lock(survey)
    if survey.state != SurveyState.OPEN:
        return False
    survey.mark_closed()
    survey.closed_on = today()
    if survey.closes_at is None or survey.closes_at > utcnow():
        survey.closes_at = utcnow()
    db.session.flush()
    return True


def prepare_release(survey: Survey) -> bool:
    """Mix the closed survey's ballots, apply the release rules and form the
    approved sums, once, in one transaction; False when there is nothing to do."""
    if survey.state != SurveyState.CLOSED or survey.groups:
        return False
    mixed = _mix(survey)
    plan = SegmentPlan.from_json(survey.segment_plan)
    by_cell = respondents_by_cell(survey, mixed.respondents)
    decisions = decide_release(candidate_groups(plan), by_cell, survey.release_threshold,
                               _earlier_released_sets(survey))
    # The election record lists each ballot under its part of the shown groups: none of fewer than k.
    record.withhold_unlistable(decisions, by_cell, survey.release_threshold)
    cell_sums = _cell_sums(survey, mixed.payloads_by_cell,
                           {cell for d in decisions if d.approved for cell in d.group.cells})
    for position, decision in enumerate(decisions):
        group = decision.group
        sums = None
        if decision.approved:
            sums = _add_tallies([cell_sums[cell] for cell in sorted(group.cells) if cell in cell_sums],
                                survey)
        db.session.add(TallyGroup(
            survey=survey, position=position, key=group.key, dimension=group.dimension, label=group.label,
            cells=sorted(group.cells), respondents=len(decision.respondents), is_approved=decision.approved,
            withheld_reason=decision.reason, encrypted_sums=sums,
        ))
    db.session.flush()
    comment_order = [comment.digest for comment, _ in _sealed_comments(survey)] if _comments_releasable(survey) else []
    record.keep_evidence(survey, mixed.payloads_by_cell, comment_order)
    return True


@dataclass(frozen=True)
class _Mixed:
    #: Every accepted ballot's payload, by the declared cell of its voter (held only in memory).
    payloads_by_cell: dict[str, list[bytes]]
    #: Everyone who answered.
    respondents: set[str]


def _mix(survey: Survey) -> _Mixed:
    """The mix at close (see `surveys.pool`): every ballot, comment and ledger
    row of the survey, stored or still in the pool, is deleted and written again
    in one transaction, in random order, under new random keys, with no cell;
    the pool goes. Afterwards nothing in storage dates one ballot against
    another, nor ties any ballot to a cell. Ballots' cells are read once, here,
    to form the sums by cell in memory."""
    pool_row = db.session.get(BallotPool, survey.id, with_for_update=True, populate_existing=True)
    pool = Pool.from_bytes(pool_row.sealed, survey.id) if pool_row is not None else Pool(survey.id)
    ballots: list[tuple[str, bytes]] = [(b.cell, b.payload) for b in pool.ballots]
    for sealed_cell, cell, payload in db.session.execute(
            sa.select(Ballot.sealed_cell, Ballot.cell, Ballot.payload).where(Ballot.survey_id == survey.id)):
        ballots.append((unpad_cell(sealed_cell) if sealed_cell is not None else cell, bytes(payload)))
    comments = [(c.question_id, c.sealed) for c in pool.comments] + [
        (question_id, bytes(sealed)) for question_id, sealed in db.session.execute(
            sa.select(SealedComment.question_id, SealedComment.sealed).where(SealedComment.survey_id == survey.id))]
    respondents = list(pool.respondents) + list(db.session.scalars(
        sa.select(ParticipationEntry.voter_ref).where(ParticipationEntry.survey_id == survey.id)))
    if len(ballots) != len(respondents) or len(set(respondents)) != len(respondents):
        # The rule of surveys.pool was broken: refuse to tally rather than count wrongly.
        raise SurveyError(gettext("Survey %(id)d: %(ballots)d ballots for %(respondents)d respondents; the tally "
                                  "is refused until this is explained.", id=survey.id, ballots=len(ballots),
                                  respondents=len(set(respondents))))
    for model in (Ballot, SealedComment, ParticipationEntry):
        db.session.execute(sa.delete(model).where(model.survey_id == survey.id))
    if pool_row is not None:
        db.session.delete(pool_row)
    db.session.flush()
    for chunk in _chunks(shuffled(ballots), 500):
        db.session.execute(sa.insert(Ballot), [
            {"id": random_id(), "survey_id": survey.id, "payload": payload,
             "fingerprint": hashlib.sha256(payload).hexdigest()} for _, payload in chunk])
    for chunk in _chunks(shuffled(comments), 500):
        db.session.execute(sa.insert(SealedComment), [
            {"id": random_id(), "survey_id": survey.id, "question_id": question_id, "sealed": sealed,
             "digest": hashlib.sha256(sealed).hexdigest()} for question_id, sealed in chunk])
    for chunk in _chunks(shuffled(respondents), 2000):
        db.session.execute(sa.insert(ParticipationEntry), [
            {"survey_id": survey.id, "voter_ref": ref} for ref in chunk])
    db.session.flush()
    log.info("survey %s: mixed %s ballots, %s comments", survey.id, len(ballots), len(comments))
    payloads_by_cell: dict[str, list[bytes]] = defaultdict(list)
    for cell, payload in ballots:
        payloads_by_cell[cell].append(payload)
    return _Mixed(dict(payloads_by_cell), set(respondents))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _specs(survey: Survey):
    return [question_spec(q) for q in ballot_questions(survey)]


def _cell_sums(survey: Survey, payloads_by_cell: dict[str, list[bytes]], cells: set[str]) -> dict[str, bytes]:
    """Encrypted slot sums per cell, in batches (20,000 ballots fit easily)."""
    specs = _specs(survey)
    sums: dict[str, bytes] = {}
    done = 0
    for cell in sorted(cells):
        payloads = payloads_by_cell.get(cell, [])
        partial = []
        for batch in _chunks(payloads, BATCH):
            partial.append(_serialize_tally(ballots.tally_serialized(specs, batch)))
            done += len(batch)
            log.info("survey %s: summed %s ballots", survey.id, done)
        if partial:
            sums[cell] = _add_tallies(partial, survey)
    return sums


def _serialize_tally(tally: ballots.Tally) -> bytes:
    return b"".join(c.to_bytes() for row in tally for c in row)


def _ciphertexts(blob: bytes) -> list[Ciphertext]:
    return [Ciphertext.from_bytes(blob[i:i + CIPHERTEXT_SIZE]) for i in range(0, len(blob), CIPHERTEXT_SIZE)]


def _add_tallies(blobs: Sequence[bytes], survey: Survey) -> bytes:
    width = sum(spec.slot_count for spec in _specs(survey))
    totals = [Ciphertext.zero()] * width
    for blob in blobs:
        totals = [a + b for a, b in zip(totals, _ciphertexts(blob), strict=True)]
    return b"".join(c.to_bytes() for c in totals)


# -- decryption ---------------------------------------------------------------------------------

def _comments_releasable(survey: Survey) -> bool:
    whole = next((g for g in survey.groups if g.dimension is None), None)
    return bool(whole and whole.is_approved and whole.respondents >= survey.comment_threshold)


def _sealed_comments(survey: Survey) -> list[tuple[SealedComment, Point]]:
    """The comments that may be opened, each with its proven key point, ordered by
    random id (a batch in no particular order, never the order of answering).

    Only a comment whose sender proved they made its key point is ever opened
    or handed to trustees: any other point could be someone's ballot
    ciphertext, and decrypting it would answer for them (PRIVACY.md invariant
    8). The ballot box refuses such comments; one found in storage anyway is
    left out here, by every caller alike, so trustees' partials and the release
    walk the same list."""
    public_key = PublicKey.from_bytes(survey.public_key)
    proven = []
    for comment in db.session.scalars(
            sa.select(SealedComment).where(SealedComment.survey_id == survey.id).order_by(SealedComment.id)):
        try:
            point = sealing.proven_sealed_text_ephemeral(public_key, comment.sealed,
                                                         comment_context(survey, comment.question_id))
        except (SealError, CryptoError):
            log.warning("survey %s: a stored comment without a valid proof is left out", survey.id)
            continue
        proven.append((comment, point))
    return proven


def decryption_targets(survey: Survey) -> list[Point]:
    """Exactly what may be decrypted: the alphas of approved sums, then the proven comment ephemerals."""
    targets = [c.alpha for group in survey.groups if group.is_approved for c in _ciphertexts(group.encrypted_sums)]
    if _comments_releasable(survey):
        targets += [point for _, point in _sealed_comments(survey)]
    return targets


def _partials_context(survey: Survey) -> bytes:
    # Bound to the election record's parameters (fixed at close), so that no
    # parameter of a released record can be changed without breaking the proofs.
    return record.decryption_context_of(survey)


def release_with_server_key(survey: Survey) -> bool:
    """Decrypt the approved sums with the server-held key and release. Idempotent."""
    if survey.state != SurveyState.CLOSED or survey.key_mode != KeyMode.SERVER_KEY:
        return False
    # The release job and a person closing the survey by hand may both get here.
    _lock(survey)
    if survey.state != SurveyState.CLOSED or not survey.groups:
        return False  # released already, or its sums are not prepared yet
    secret = keys.server_secret_key(survey)
    for group in survey.groups:
        if group.is_approved:
            values = [decrypt_with_server_key(secret, c, max_value=group.respondents).value
                      for c in _ciphertexts(_approved_sums(survey, group))]
            group.counts = _counts_by_question(survey, values)
    texts = []
    if _comments_releasable(survey):
        for comment, _ in _sealed_comments(survey):
            texts.append(_open_comment(survey, comment, lambda sealed, context: sealing.open_text_with_secret_key(
                secret, sealed, context)))
    record.keep_server_proofs(survey, secret, decryption_targets(survey))
    _finish_release(survey, texts)
    return True


def _open_comment(survey: Survey, comment: SealedComment,
                  open_text: Callable[[bytes, bytes], str]) -> tuple[int, str | None]:
    """A comment that does not open (sealed for another survey or question, or
    altered) is left out rather than blocking the whole release: the ballot box
    cannot check a comment sealed elsewhere without the key."""
    try:
        return comment.question_id, open_text(comment.sealed, comment_context(survey, comment.question_id))
    except SealError:
        log.warning("survey %s: a sealed comment did not open and is left out", survey.id)
        return comment.question_id, None


def _trustee_waiting(survey: Survey, trustee_ref: str) -> SurveyTrustee:
    """The trustee's row, once it is their turn: the survey closed, its sums formed, their part not given."""
    if survey.state != SurveyState.CLOSED or survey.key_mode != KeyMode.TRUSTEES:
        raise SurveyError(gettext("This survey is not waiting for trustees."))
    if not survey.groups:
        raise SurveyError(gettext("The totals are still being prepared; try again in a minute."))
    trustee = next((t for t in survey.trustees if t.trustee_ref == trustee_ref), None)
    if trustee is None:
        raise TrusteeError(gettext("You are not a trustee of this survey."))
    if trustee.partials is not None:
        raise TrusteeError(gettext("You have already decrypted your part of this survey."))
    return trustee


def contribute(survey: Survey, trustee_ref: str, passphrase: str) -> int:
    """A trustee's proven partial decryptions of the approved targets only, made
    here with a share dealt at launch (surveys launched without a key ceremony).
    Returns how many trustees have contributed; releases at t."""
    _take_turn(survey)
    trustee = _trustee_waiting(survey, trustee_ref)
    share = keys.open_share(survey, trustee, passphrase)
    key = ThresholdKey.from_bytes(survey.threshold_key)
    context = _partials_context(survey)
    trustee.partials = b"".join(partial_decrypt(key, share, target, context).to_bytes()
                                for target in decryption_targets(survey))
    return _release_at_quorum(survey)


def _release_at_quorum(survey: Survey) -> int:
    db.session.flush()
    given = [t for t in survey.trustees if t.partials is not None]
    if len(given) >= (survey.trustee_threshold or 0):
        release_with_partials(survey)
    return len(given)


@dataclass(frozen=True)
class BrowserDecryption:
    """What a trustee's browser needs to give its part of a decryption, for a
    survey whose key a ceremony made: every value is public, or sealed to the
    trustee (their personal secret, with their passphrase; their pieces of the
    key, to their personal key). The browser returns one partial decryption per
    target, in this order (`contribute_partials`)."""

    survey_id: int
    trustee_index: int
    #: crypto.threshold.ThresholdKey bytes: the joint key, with every trustee's verification key.
    threshold_key: bytes
    #: Exactly what may be decrypted (`decryption_targets`): the approved sums, then the released comments.
    targets: tuple[bytes, ...]
    #: What every partial is proven under (bound to the election record's parameters).
    context: bytes
    #: The ceremony's public parts and the trustee's sealed secret.
    ceremony: ceremonies.TrusteeMaterial
    #: The approved ballots and the released comments, from which the browser
    #: recomputes every target before it decrypts any (`ceremonies.DecryptionCheck`).
    check: ceremonies.DecryptionCheck

    def to_json(self) -> dict:
        encode = record.crypto_record.b64
        return {"survey_id": self.survey_id, "trustee_index": self.trustee_index,
                "threshold_key": encode(self.threshold_key), "targets": [encode(t) for t in self.targets],
                "context": encode(self.context), "ceremony": self.ceremony.to_json(), "check": self.check.to_json()}


def browser_decryption(survey: Survey, trustee_ref: str) -> BrowserDecryption:
    """The trustee's decryption task, for their browser. Refused unless it is their turn."""
    trustee = _trustee_waiting(survey, trustee_ref)
    if survey.key_ceremony_id is None:
        raise TrusteeError(gettext("This survey's key was dealt at launch: your part is given with your trustee "
                                   "passphrase on the decryption page."))
    return BrowserDecryption(
        survey_id=survey.id, trustee_index=trustee.trustee_index, threshold_key=bytes(survey.threshold_key),
        targets=tuple(target.to_bytes() for target in decryption_targets(survey)),
        context=_partials_context(survey),
        ceremony=ceremonies.material_for(survey.key_ceremony_id, trustee_ref),
        check=ceremonies.decryption_check(survey, [
            (comment.sealed, comment_context(survey, comment.question_id)) for comment, _ in _sealed_comments(survey)
        ] if _comments_releasable(survey) else []))


def contribute_partials(survey: Survey, trustee_ref: str, partials: Sequence[bytes]) -> int:
    """A trustee's partial decryptions, made in their browser: one for each of
    `decryption_targets`, in order, each carrying the trustee's own number and a
    proof against their verification key. Anything else is refused, and a part
    that does not decrypt exactly the approved target it stands for is recorded
    as a refused decryption (PRIVACY.md invariant 8: nothing but the approved
    sums is ever decrypted, whoever asks). Returns how many trustees have
    contributed; releases at t."""
    _take_turn(survey)
    trustee = _trustee_waiting(survey, trustee_ref)
    if survey.key_ceremony_id is None:
        raise TrusteeError(gettext("This survey's key was dealt at launch: give your part with your trustee "
                                   "passphrase."))
    key = ThresholdKey.from_bytes(survey.threshold_key)
    context = _partials_context(survey)
    targets = decryption_targets(survey)
    if len(partials) != len(targets):
        _refuse(survey, f"{len(partials)} partial decryptions for {len(targets)} approved targets",
                requested_by=trustee_ref)
    checked = []
    for position, (target, blob) in enumerate(zip(targets, partials, strict=True)):
        try:
            partial = PartialDecryption.from_bytes(blob)
        except (CryptoError, ValueError, TypeError):
            raise TrusteeError(gettext("Your part of the decryption is not in the expected form. Reload the page "
                                       "and try again.")) from None
        if partial.trustee_index != trustee.trustee_index:
            raise TrusteeError(gettext("That part of the decryption is numbered for another trustee."))
        if not verify_partial(key, target, partial, context):
            _refuse(survey, f"a partial decryption (position {position}) that is not of the approved target",
                    requested_by=trustee_ref)
        checked.append(partial.to_bytes())
    trustee.partials = b"".join(checked)
    return _release_at_quorum(survey)


def _lock(survey: Survey) -> None:
    """Hold the survey's row exclusively until commit, and reload it as committed."""
    db.session.execute(sa.select(Survey.id).where(Survey.id == survey.id).with_for_update())
    db.session.refresh(survey)


def _take_turn(survey: Survey) -> None:
    """Trustees of one survey contribute one at a time, each seeing the others'
    committed partials: otherwise the last t trustees, decrypting at the same
    moment, would each count fewer than t and nobody would ever release."""
    _lock(survey)
    db.session.scalars(sa.select(SurveyTrustee).where(SurveyTrustee.survey_id == survey.id)
                       .execution_options(populate_existing=True)).all()


def release_with_partials(survey: Survey) -> None:
    key = ThresholdKey.from_bytes(survey.threshold_key)
    context = _partials_context(survey)
    targets = decryption_targets(survey)
    contributions: list[list[PartialDecryption]] = [[] for _ in targets]
    for trustee in survey.trustees:
        if trustee.partials is None:
            continue
        for i, partial in enumerate(_stored_partials(trustee, len(targets))):
            contributions[i].append(partial)
    shared = []
    try:
        for target, partials in zip(targets, contributions, strict=True):
            shared.append(combine_partials(key, target, partials, context)[0])
    except InvalidPartialError as bad:
        raise TrusteeError(gettext("Trustee %(number)d's partial decryption was refused.",
                                   number=bad.trustee_index)) from None
    except NotEnoughPartialsError as short:
        raise TrusteeError(str(short)) from None
    cursor = 0
    for group in survey.groups:
        if not group.is_approved:
            continue
        values = []
        for ciphertext in _ciphertexts(_approved_sums(survey, group)):
            values.append(discrete_log(ciphertext.beta - shared[cursor], group.respondents))
            cursor += 1
        group.counts = _counts_by_question(survey, values)
    texts = []
    if _comments_releasable(survey):
        for comment, _ in _sealed_comments(survey):
            point = shared[cursor]
            texts.append(_open_comment(survey, comment, lambda sealed, context, shared_point=point: sealing.open_text_with_shared_point(
                key.public_key, sealed, shared_point, context)))
            cursor += 1
    _finish_release(survey, texts)


def _stored_partials(trustee: SurveyTrustee, count: int) -> list[PartialDecryption]:
    """A trustee's stored partials, decoded. Each must carry the index of the
    trustee row it is stored on: the index inside the bytes could be altered,
    and a refusal must name the trustee whose contribution is at fault."""
    blob = trustee.partials
    if len(blob) != PARTIAL_SIZE * count:
        raise TrusteeError(gettext("Trustee %(number)d's decryption does not match this survey.",
                                   number=trustee.trustee_index))
    partials = []
    for i in range(count):
        try:
            partial = PartialDecryption.from_bytes(blob[i * PARTIAL_SIZE:(i + 1) * PARTIAL_SIZE])
        except (CryptoError, ValueError):
            partial = None
        if partial is None or partial.trustee_index != trustee.trustee_index:
            raise TrusteeError(gettext("Trustee %(number)d's partial decryption was refused.",
                                       number=trustee.trustee_index))
        partials.append(partial)
    return partials


def _approved_sums(survey: Survey, group: TallyGroup) -> bytes:
    """The one gate every decryption passes: only sums the release rules approved."""
    if not group.is_approved or group.encrypted_sums is None or group.survey_id != survey.id:
        _refuse(survey, f"group {group.key!r} was not approved for release", requested_by=None)
    return group.encrypted_sums


def request_decryption(survey: Survey, cells: Sequence[str], requested_by: str | None) -> TallyGroup:
    """Asking for the sum of any set of ballots: granted only if it is exactly an
    approved group; anything else is refused and recorded."""
    wanted = sorted(set(cells))
    group = next((g for g in survey.groups if sorted(g.cells) == wanted and g.is_approved), None)
    if group is None:
        _refuse(survey, f"sum over cells {','.join(wanted) or '(none)'}", requested_by)
    return group


def _refuse(survey: Survey, description: str, requested_by: str | None):
    # Recorded in its own savepoint-free flush: the caller commits the refusal even as it reports it.
    db.session.add(DecryptionRefusal(survey_id=survey.id, requested_by=requested_by,
                                     description=description[:500], refused_on=today()))
    db.session.flush()
    log.warning("survey %s: refused decryption of %s", survey.id, description)
    raise DecryptionRefused(gettext("Only sums approved by the release rules can be decrypted; this request is "
                                    "recorded."))


def _counts_by_question(survey: Survey, values: list[int]) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    cursor = 0
    for question in ballot_questions(survey):
        width = question_spec(question).slot_count
        counts[str(question.id)] = values[cursor:cursor + width]
        cursor += width
    return counts


def _finish_release(survey: Survey, opened: list[tuple[int, str | None]]) -> None:
    texts = [(question_id, text) for question_id, text in opened if text is not None]
    secrets.SystemRandom().shuffle(texts)
    for position, (question_id, text) in enumerate(texts):
        db.session.add(ReleasedComment(survey_id=survey.id, question_id=question_id, position=position, text=text))
    # Below the comment threshold the survey-key copies must never open at all:
    # they go. Released ones stay, sealed to the survey key, as the election
    # record's evidence that the released batch is exactly what was written.
    if not _comments_releasable(survey):
        db.session.execute(sa.delete(SealedComment).where(SealedComment.survey_id == survey.id))
    survey.mark_released()
    survey.released_on = today()
    db.session.flush()
