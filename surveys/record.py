"""The election record of a closed survey, built from the database.

The format and its verifier are `crypto.record`; `docs/election-record.md`
describes the JSON field by field and argues what it reveals. This module
keeps, at close, what only the close knows (which ballots lie in which part of
the released groups, before the mix forgets every ballot's cell; the digest of
the record's parameters that every later decryption is proven under), keeps
the server key's decryption proofs at release, and writes the record.

Parts. Anyone recomputing each released group's sum from the ballots must be
told, for each ballot, which released groups it counts in: its *part*, the
class of ballots lying in exactly the same released groups. Nothing less
allows the recomputation, and the record says nothing more (no cell, no group
that was withheld, no order). A part of fewer than k ballots would tie those
ballots to fewer than k people (whoever could later decrypt one ballot, with a
leaked key or a trustee quorum gone bad, would know whose it is), so a group
whose release would make one is withheld at close (`withhold_unlistable`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from core.extensions import db
from core.i18n import DEFAULT_LANGUAGE
from crypto import record as crypto_record
from crypto.elgamal import PublicKey, SecretKey
from crypto.group import Point
from crypto.threshold import PARTIAL_SIZE, ThresholdKey
from surveys import ceremony
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import SurveyError, SurveyNotOpen
from surveys.models import (
    Ballot,
    KeyMode,
    RecordEvidence,
    ReleasedComment,
    SealedComment,
    Survey,
    SurveyState,
    SurveyTrustee,
    TallyGroup,
)
from surveys.release import Decision

#: Why a group is withheld when listing its ballots would set apart too few.
NOT_LISTABLE = ("withheld so that the published list of ballots never puts fewer than {k} people's "
                "ballots in a group of their own")
#: Ballots read from the database at a time while the record is written.
BALLOT_CHUNK = 500


# -- at close and at release ------------------------------------------------------------------------

def _parts_of(groups: Sequence[frozenset[str]], cells: Iterable[str]) -> list[frozenset[str]]:
    """The cells, classed by which of `groups` they lie in."""
    classes: dict[tuple[bool, ...], set[str]] = {}
    for cell in cells:
        classes.setdefault(tuple(cell in group for group in groups), set()).add(cell)
    return [frozenset(cells) for cells in classes.values()]


def withhold_unlistable(decisions: Sequence[Decision], respondents_by_cell: Mapping[str, Iterable[str]],
                        k: int) -> None:
    """Withhold, in order, each approved group beside which some part of the
    shown groups would hold 1..k-1 respondents. Withholding more than the
    release rules asked never lets more be worked out (what is shown is a
    subset of what they judged safe)."""
    sizes = {cell: len(set(refs)) for cell, refs in respondents_by_cell.items()}
    shown: list[frozenset[str]] = []
    for decision in decisions:
        if not decision.approved:
            continue
        trial = [*shown, frozenset(decision.group.cells)]
        if any(0 < sum(sizes[cell] for cell in part) < k for part in _parts_of(trial, sizes)):
            decision.withhold(NOT_LISTABLE.format(k=k))
        else:
            shown = trial


def keep_evidence(survey: Survey, payloads_by_cell: Mapping[str, Sequence[bytes]],
                  comment_order: Sequence[str]) -> RecordEvidence:
    """At close, once the groups are decided: the parts with their ballots'
    trackers, and the digest of the parameters. `comment_order` is the digests
    of the comments that will be opened, in decryption order."""
    approved = [frozenset(g.cells) for g in survey.groups if g.is_approved]
    parts = []
    for cells in _parts_of(approved, payloads_by_cell):
        trackers = sorted(hashlib.sha256(p).hexdigest() for cell in cells for p in payloads_by_cell[cell])
        if trackers:
            parts.append({"cells": sorted(cells), "trackers": trackers})
    parts.sort(key=lambda part: part["cells"])
    evidence = RecordEvidence(survey_id=survey.id, parts=parts, comment_order=list(comment_order),
                              parameters_digest=bytes(32))
    db.session.add(evidence)
    evidence.parameters_digest = crypto_record.parameters_digest(parameters(survey, evidence))
    db.session.flush()
    return evidence


def _evidence(survey: Survey) -> RecordEvidence | None:
    return db.session.get(RecordEvidence, survey.id)


def decryption_context_of(survey: Survey) -> bytes:
    """What the survey's sums and comments are decrypted under (see crypto.record)."""
    evidence = _evidence(survey)
    return crypto_record.decryption_context(survey.context, evidence.parameters_digest if evidence else None)


def keep_server_proofs(survey: Survey, secret_key: SecretKey, targets: Sequence[Point]) -> None:
    """At a server-key release: a proven decryption of each target, in order."""
    evidence = _evidence(survey)
    if evidence is None:
        return
    context = crypto_record.decryption_context(survey.context, evidence.parameters_digest)
    evidence.server_proofs = b"".join(crypto_record.prove_server_decryption(secret_key, target, context)
                                      for target in targets)
    db.session.flush()


# -- the record -------------------------------------------------------------------------------------

def _comments_released(survey: Survey) -> bool:
    # The release's rule (surveys.tally), which the verifier checks as well.
    whole = survey.groups[0] if survey.groups else None
    return bool(whole and whole.is_approved and whole.respondents >= survey.comment_threshold)


def _value_in(cells: frozenset[str], dimension: str, approved: Sequence[TallyGroup]) -> str | None:
    return next((g.label for g in approved if g.dimension == dimension and cells <= set(g.cells)), None)


def _key_parameters(survey: Survey) -> dict[str, Any]:
    if survey.key_mode == KeyMode.SERVER_KEY:
        return crypto_record.server_key_parameters(PublicKey.from_bytes(survey.public_key))
    key = crypto_record.trustee_key_parameters(ThresholdKey.from_bytes(survey.threshold_key))
    if survey.key_ceremony_id is not None:
        # The transcript shows how the trustees made the key with no dealer; the
        # verifier checks it and that it makes exactly this key (crypto.dkg).
        key["made_by"] = crypto_record.KEY_MADE_BY_CEREMONY
        key["ceremony"] = ceremony.transcript_of(survey.key_ceremony_id)
    return key


def _group_parameters(group: TallyGroup) -> dict[str, Any]:
    entry: dict[str, Any] = {"dimension": group.dimension, "value": group.label if group.dimension else None,
                             "released": group.is_approved}
    if group.is_approved:
        entry["respondents"] = group.respondents
    else:
        entry["withheld"] = group.withheld_reason or "withheld"
    return entry


def _description(survey: Survey) -> dict[str, Any]:
    """The survey's words, for people: in its own language and, when it was written
    again in others, in those too. The wording in other languages is added only
    then, so that the parameters of a survey written in English alone (every one
    closed before surveys had languages) stay exactly what they were: their digest
    binds every decryption since their close. Only words vary with the language;
    the questions' ids and shapes, which the ballots are bound to, are one."""
    questions = [{"question_id": q.id, "type": q.type.value, "prompt": q.prompt, "options": list(q.options)}
                 for q in survey.questions]
    description: dict[str, Any] = {"title": survey.title, "kind": survey.kind.value, "questions": questions}
    if survey.language != DEFAULT_LANGUAGE or survey.translations or any(q.translations for q in survey.questions):
        description["language"] = survey.language
        description["translations"] = dict(survey.translations or {})
        for entry, question in zip(questions, survey.questions, strict=True):
            entry["translations"] = dict(question.translations or {})
    return description


def parameters(survey: Survey, evidence: RecordEvidence) -> dict[str, Any]:
    """The record's parameters: everything fixed by the close, bound by its digest."""
    approved = [g for g in survey.groups if g.is_approved]
    dimensions = sorted({g.dimension for g in approved if g.dimension})
    return {
        "survey_id": survey.id,
        "round": survey.round_number,
        "context": crypto_record.b64(survey.context),
        "description": _description(survey),
        "release_threshold": survey.release_threshold,
        "comment_threshold": survey.comment_threshold,
        "key": _key_parameters(survey),
        "questions": [crypto_record.spec_to_json(q.id, question_spec(q)) for q in ballot_questions(survey)],
        "comment_questions": [q.id for q in survey.questions if q.is_free_text],
        "parts": [{"of": {d: _value_in(frozenset(part["cells"]), d, approved) for d in dimensions},
                   "ballots": len(part["trackers"])} for part in evidence.parts],
        "groups": [_group_parameters(g) for g in survey.groups],
        "comments": {"released": _comments_released(survey), "sealed": sorted(evidence.comment_order)},
    }


def published_trackers(survey: Survey) -> list[str]:
    """Every ballot's tracker, sorted: the list the record holds, for receipts to be found in."""
    return list(db.session.scalars(
        sa.select(Ballot.fingerprint).where(Ballot.survey_id == survey.id).order_by(Ballot.fingerprint)))


def _ballots(survey: Survey, evidence: RecordEvidence) -> Iterator[dict[str, Any]]:
    part_of = {tracker: index for index, part in enumerate(evidence.parts) for tracker in part["trackers"]}
    query = (sa.select(Ballot.fingerprint, Ballot.payload).where(Ballot.survey_id == survey.id)
             .order_by(Ballot.fingerprint).execution_options(yield_per=BALLOT_CHUNK))
    for tracker, payload in db.session.execute(query):
        # A ballot in no part cannot be: the verifier refuses the record, naming it.
        yield {"tracker": tracker, "part": part_of.get(tracker, -1), "ballot": crypto_record.b64(bytes(payload))}


def _sealed_comments(survey: Survey, evidence: RecordEvidence) -> list[SealedComment]:
    if not evidence.comment_order:
        return []
    # Only released comments are kept past the release, so reading them all reads
    # no more than the record needs (and no list of thousands of digests in one query).
    rows = {c.digest: c for c in db.session.scalars(sa.select(SealedComment).where(
        SealedComment.survey_id == survey.id))}
    return [rows[digest] for digest in sorted(evidence.comment_order) if digest in rows]


def _shares_per_target(survey: Survey, evidence: RecordEvidence, count: int) -> list[list[str]]:
    """For each decryption target, in decryption order, the shares that decrypt it."""
    if survey.key_mode == KeyMode.SERVER_KEY:
        blob = evidence.server_proofs
        if blob is None or len(blob) != count * crypto_record.SERVER_SHARE_SIZE:
            raise SurveyError(gettext("This survey's release holds no proof of its decryption, so no record can be "
                                      "made."))
        size = crypto_record.SERVER_SHARE_SIZE
        return [[crypto_record.b64(blob[i * size:(i + 1) * size])] for i in range(count)]
    shares: list[list[str]] = [[] for _ in range(count)]
    for trustee in db.session.scalars(sa.select(SurveyTrustee).where(SurveyTrustee.survey_id == survey.id)
                                      .order_by(SurveyTrustee.trustee_index)):
        if trustee.partials is None or len(trustee.partials) != count * PARTIAL_SIZE:
            continue
        for i in range(count):
            shares[i].append(crypto_record.b64(trustee.partials[i * PARTIAL_SIZE:(i + 1) * PARTIAL_SIZE]))
    return shares


def _release(survey: Survey, evidence: RecordEvidence, comments: Sequence[SealedComment]) -> dict[str, Any] | None:
    if survey.state != SurveyState.RELEASED:
        return None
    approved = [g for g in survey.groups if g.is_approved]
    width = sum(question_spec(q).slot_count for q in ballot_questions(survey))
    shares = _shares_per_target(survey, evidence, width * len(approved) + len(evidence.comment_order))
    position = {digest: width * len(approved) + i for i, digest in enumerate(evidence.comment_order)}
    texts: dict[str, list[str]] = {}
    if _comments_released(survey):
        texts = {str(q.id): [] for q in survey.questions if q.is_free_text}
        for question_id, text in db.session.execute(
                sa.select(ReleasedComment.question_id, ReleasedComment.text)
                .where(ReleasedComment.survey_id == survey.id)):
            texts[str(question_id)].append(text)
        texts = {key: sorted(values) for key, values in texts.items()}
    return {
        "decryptions": {
            "sums": [shares[n * width:(n + 1) * width] for n in range(len(approved))],
            "comments": [shares[position[c.digest]] for c in comments],
        },
        "counts": [{"group": survey.groups.index(g), "questions": g.counts} for g in approved],
        "comments": texts,
    }


def _require_record(survey: Survey) -> RecordEvidence:
    if survey.state in (SurveyState.DRAFT, SurveyState.OPEN):
        raise SurveyNotOpen(gettext("A survey has an election record only once voting has ended: there is none "
                                    "while it is a draft or open."))
    if not survey.groups:
        raise SurveyNotOpen(gettext("The totals are still being prepared; the record will be ready in a minute."))
    evidence = _evidence(survey)
    if evidence is None:
        raise SurveyNotOpen(gettext("This survey closed before election records were kept: its ballot "
                                    "fingerprints are listed, but there is no record to check."))
    return evidence


def is_available(survey: Survey) -> bool:
    """Whether `stream` would write a record (and not refuse) for this survey."""
    try:
        _require_record(survey)
    except SurveyError:
        return False
    return True


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def stream(survey: Survey) -> Iterator[str]:
    """The record as JSON text, in pieces (ballots read a chunk at a time).
    Refused (SurveyNotOpen, 409) for a survey that has none; checked at once,
    before the first piece is asked for."""
    evidence = _require_record(survey)
    head = parameters(survey, evidence)
    comments = _sealed_comments(survey, evidence)
    release = _release(survey, evidence, comments)

    def pieces() -> Iterator[str]:
        yield (f'{{"record":{_dumps(crypto_record.RECORD_FORMAT)},"version":{crypto_record.RECORD_VERSION},'
               f'"parameters":{_dumps(head)},"ballots":[')
        separator = ""
        for entry in _ballots(survey, evidence):
            yield separator + _dumps(entry)
            separator = ","
        sums = [{"group": survey.groups.index(g), "ciphertexts": crypto_record.b64(g.encrypted_sums)}
                for g in survey.groups if g.is_approved]
        sealed = [{"question_id": c.question_id, "sealed": crypto_record.b64(c.sealed)} for c in comments]
        yield f'],"sums":{_dumps(sums)},"comments":{_dumps(sealed)},"release":{_dumps(release)}}}'

    return pieces()


def build(survey: Survey) -> dict[str, Any]:
    """The whole record as one value (the same JSON `stream` writes)."""
    return json.loads("".join(stream(survey)))
