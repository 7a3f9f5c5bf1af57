"""The election record of a survey, and its independent verification.

A record is one JSON document (``docs/election-record.md`` describes it field
by field) from which anyone can check a survey's result without trusting the
server: every ballot's proofs, that no tracker repeats, that every released
sum is the sum of its ballots, that every decryption of a sum (and of each
released comment) is proven, and that the released figures are what the sums
decrypt to. ``verify_record`` does all of it and raises ``RecordError`` naming
the first thing that fails, in plain words; it needs only this package.

Binding the parameters. Ballots' proofs are bound to the survey's context and
question specs only. Everything else the record states (k, the groups and
their parts, the wording of the questions...) is fixed when voting ends, and
its digest, ``parameters_digest``, is part of the context under which every
decryption after that is proven, by the trustees and by the server key alike
(``decryption_context``). So once results are released, a change to any
parameter makes every decryption proof fail. A record of a survey closed but
not yet released has no decryption yet: there only the ballots and sums are
checked.

The server key's decryptions are proven like a trustee's partial: S = x·A with
a Chaum–Pedersen proof that log_G(public key) = log_A(S), under
frame(SERVER_DECRYPTION_DOMAIN, decryption context).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from crypto.ballot import (
    KIND_NAMES,
    QuestionSpec,
    deserialize,
    tally_serialized,
    verify_serialized,
)
from crypto.dkg import Transcript, verify_transcript
from crypto.dlog import discrete_log
from crypto.elgamal import CIPHERTEXT_SIZE, Ciphertext, PublicKey, SecretKey
from crypto.errors import CryptoError, DecodeError, DiscreteLogError, DkgError, SealError
from crypto.group import POINT_SIZE, Point, frame
from crypto.proofs import DLEQ_PROOF_SIZE, DleqProof, prove_dleq, verify_dleq
from crypto.sealing import open_text_with_shared_point, sealed_text_ephemeral, verify_sealed_text
from crypto.threshold import (
    PARTIAL_SIZE,
    InvalidPartialError,
    NotEnoughPartialsError,
    PartialDecryption,
    ThresholdKey,
    combine_partials,
)

RECORD_FORMAT: Final = "leverage-election-record"
RECORD_VERSION: Final = 1
PARAMETERS_DOMAIN: Final = b"leverage/election-record/parameters/v1"
SERVER_DECRYPTION_DOMAIN: Final = b"leverage/election-record/server-decryption/v1"
#: S (the decrypted point) and its Chaum–Pedersen proof.
SERVER_SHARE_SIZE: Final = POINT_SIZE + DLEQ_PROOF_SIZE
#: How the key of a trustee survey was made: dealt at launch ("ceremony" is
#: None), or by the trustees together in a key ceremony, whose transcript
#: (crypto.dkg.Transcript JSON) is then under "ceremony".
KEY_MADE_BY_DEALER: Final = "dealer"
KEY_MADE_BY_CEREMONY: Final = "ceremony"
#: Ballots checked per task handed to a worker.
BALLOT_BATCH: Final = 25


class RecordError(CryptoError):
    """The first thing in a record that does not check out, in plain words."""


# -- writing: what the producer and the verifier share ---------------------------------------------


def canonical_json(value: object) -> bytes:
    """RFC 8785 (JCS) for what a record holds (integers, strings, booleans,
    null, lists, objects with ASCII keys): sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def parameters_digest(parameters: Mapping[str, Any]) -> bytes:
    """SHA-256 of the domain tag and the canonical parameters (framed)."""
    return hashlib.sha256(frame(PARAMETERS_DOMAIN, canonical_json(parameters))).digest()


def decryption_context(survey_context: bytes, digest: bytes | None) -> bytes:
    """What every decryption of the survey's sums and comments is proven under.

    Surveys closed before election records existed have no digest: their
    trustees decrypted under the survey context and ":tally" alone."""
    if digest is None:
        return survey_context + b":tally"
    return survey_context + b":tally:record:" + digest.hex().encode()


def survey_context(survey_id: int, round_number: int) -> bytes:
    """The context a survey's ballots are proven under (surveys.models.Survey.context)."""
    return f"leverage-survey:{survey_id}:round:{round_number}".encode()


def comment_context(context: bytes, question_id: int) -> bytes:
    """What a sealed comment is bound to (surveys.ballot_box.comment_context)."""
    return context + f":comment:{question_id}".encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def spec_to_json(question_id: int, spec: QuestionSpec) -> dict[str, Any]:
    return {
        "question_id": question_id,
        "kind": spec.kind.name.lower(),
        "options": spec.options,
        "max_choices": spec.max_choices,
        "allows_cant_say": spec.allows_cant_say,
    }


def server_key_parameters(public_key: PublicKey) -> dict[str, Any]:
    return {"mode": "server_key", "public_key": b64(public_key.to_bytes())}


def trustee_key_parameters(key: ThresholdKey) -> dict[str, Any]:
    """The public side of a dealt t-of-n key: what anyone needs to check a
    trustee's partial decryption, and a place for the ceremony's transcript."""
    return {
        "mode": "trustees",
        "public_key": b64(key.public_key.to_bytes()),
        "threshold": key.threshold,
        "trustees": key.trustee_count,
        "commitments": [b64(c.to_bytes()) for c in key.commitments],
        "verification_keys": [
            b64(key.verification_key(i).to_bytes()) for i in range(1, key.trustee_count + 1)
        ],
        "made_by": KEY_MADE_BY_DEALER,
        "ceremony": None,
    }


def _server_proof_context(context: bytes) -> bytes:
    return frame(SERVER_DECRYPTION_DOMAIN, context)


def prove_server_decryption(secret_key: SecretKey, target: Point, context: bytes) -> bytes:
    """S = x·target and a proof that it used the survey's key: SERVER_SHARE_SIZE bytes.
    ``context`` is ``decryption_context(...)``."""
    shared = target * secret_key.scalar
    proof = prove_dleq(
        secret_key.scalar,
        secret_key.public_key().point,
        target,
        shared,
        _server_proof_context(context),
    )
    return shared.to_bytes() + proof.to_bytes()


def check_server_decryption(
    public_key: PublicKey, target: Point, share: bytes, context: bytes
) -> Point | None:
    """S from a server share, or None unless its proof verifies for this target."""
    if type(share) is not bytes or len(share) != SERVER_SHARE_SIZE:
        return None
    try:
        shared = Point.from_bytes(share[:POINT_SIZE])
        proof = DleqProof.from_bytes(share[POINT_SIZE:])
    except DecodeError:
        return None
    if not verify_dleq(public_key.point, target, shared, proof, _server_proof_context(context)):
        return None
    return shared


# -- reading --------------------------------------------------------------------------------------

ProgressCallback = Callable[[str, int, int], None]


def load_record(data: bytes) -> dict[str, Any]:
    """Parse a record file (UTF-8 JSON); RecordError if it is not one."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RecordError("the file is not a JSON document") from None
    if not isinstance(document, dict) or document.get("record") != RECORD_FORMAT:
        raise RecordError("this is not an election record")
    return document


def _field(mapping: object, name: str, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(mapping, dict) or name not in mapping:
        raise RecordError(f"the record has no {what}")
    value = mapping[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    is_bool = isinstance(value, bool)
    if not isinstance(value, kinds) or (is_bool and bool not in kinds):
        raise RecordError(f"the record's {what} has the wrong type")
    return value


def _count(mapping: object, name: str, what: str, minimum: int = 0) -> int:
    value = _field(mapping, name, int, what)
    if value < minimum:
        raise RecordError(f"the record's {what} is below {minimum}")
    return value


def _bytes(value: object, what: str) -> bytes:
    """Strict base64: the text must be the one canonical encoding of its bytes,
    so that no two texts stand for the same value."""
    if not isinstance(value, str):
        raise RecordError(f"the record's {what} is not base64 text")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RecordError(f"the record's {what} is not valid base64") from None
    if base64.b64encode(data).decode("ascii") != value:
        raise RecordError(f"the record's {what} is not canonical base64")
    return data


def _point(value: object, what: str) -> Point:
    try:
        return Point.from_bytes(_bytes(value, what))
    except DecodeError:
        raise RecordError(f"the record's {what} is not a valid group element") from None


@dataclass(frozen=True)
class _Group:
    index: int
    dimension: str | None
    value: str | None
    released: bool
    respondents: int
    parts: tuple[int, ...]

    @property
    def name(self) -> str:
        if self.dimension is None:
            return "the whole survey"
        return f"the group {self.dimension} {self.value!r}"


@dataclass(frozen=True)
class _Parameters:
    survey_id: int
    context: bytes
    k: int
    comment_threshold: int
    public_key: PublicKey
    threshold_key: ThresholdKey | None
    question_ids: tuple[int, ...]
    specs: tuple[QuestionSpec, ...]
    comment_questions: tuple[int, ...]
    part_sizes: tuple[int, ...]
    groups: tuple[_Group, ...]
    comments_released: bool
    comment_digests: tuple[str, ...]
    digest: bytes

    @property
    def released_groups(self) -> tuple[_Group, ...]:
        return tuple(g for g in self.groups if g.released)

    @property
    def width(self) -> int:
        return sum(spec.slot_count for spec in self.specs)

    def slot_name(self, slot: int) -> str:
        for question_id, spec in zip(self.question_ids, self.specs):
            if slot < spec.slot_count:
                return f"question {question_id}, slot {slot + 1}"
            slot -= spec.slot_count
        return f"slot {slot}"


def _read_key(key: object) -> tuple[PublicKey, ThresholdKey | None]:
    mode = _field(key, "mode", str, "key mode")
    public = _point(_field(key, "public_key", str, "public key"), "public key")
    try:
        public_key = PublicKey(public)
    except DecodeError:
        raise RecordError("the record's public key is the identity: it hides nothing") from None
    if mode == "server_key":
        if set(key) != {"mode", "public_key"}:
            raise RecordError("a server key is described by its mode and public key only")
        return public_key, None
    if mode != "trustees":
        raise RecordError(f"the record names an unknown key mode {mode!r}")
    expected = {"mode", "public_key", "threshold", "trustees", "commitments", "verification_keys",
                "made_by", "ceremony"}
    if set(key) != expected:
        raise RecordError("the trustees' key is not described by exactly the expected fields")
    commitments = tuple(
        _point(c, "dealer's commitment") for c in _field(key, "commitments", list, "commitments")
    )
    try:
        threshold_key = ThresholdKey(
            _count(key, "threshold", "trustee threshold", 1),
            _count(key, "trustees", "number of trustees", 1),
            commitments,
        )
    except DecodeError as bad:
        raise RecordError(f"the trustees' key is impossible: {bad}") from None
    if threshold_key.public_key != public_key:
        raise RecordError("the public key is not the one the dealer's commitments make")
    verification_keys = _field(key, "verification_keys", list, "trustees' verification keys")
    if len(verification_keys) != threshold_key.trustee_count:
        raise RecordError("the record gives a verification key for a different number of trustees")
    for index, value in enumerate(verification_keys, start=1):
        if _point(value, f"verification key of trustee {index}") != threshold_key.verification_key(index):
            raise RecordError(f"trustee {index}'s verification key is not the one the commitments make")
    if key["made_by"] == KEY_MADE_BY_CEREMONY:
        _check_ceremony(key["ceremony"], threshold_key)
    elif key["made_by"] != KEY_MADE_BY_DEALER or key["ceremony"] is not None:
        raise RecordError("the record says the key was made in a way this verifier does not know")
    return public_key, threshold_key


def _check_ceremony(transcript: object, threshold_key: ThresholdKey) -> None:
    """The key ceremony's transcript verifies, and makes exactly the record's key."""
    try:
        made = verify_transcript(Transcript.from_json(transcript))
    except DkgError as failure:
        raise RecordError(f"the key ceremony's transcript does not check out: {failure}") from None
    if made != threshold_key:
        raise RecordError("the trustees' key is not the one their key ceremony made")


def _read_questions(entries: object) -> tuple[tuple[int, ...], tuple[QuestionSpec, ...]]:
    if not isinstance(entries, list) or not entries:
        raise RecordError("the record lists no ballot questions")
    ids, specs = [], []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {
            "question_id", "kind", "options", "max_choices", "allows_cant_say"}:
            raise RecordError("a question is not described by exactly its id and spec")
        kind = KIND_NAMES.get(_field(entry, "kind", str, "question kind"))
        if kind is None:
            raise RecordError(f"the record names an unknown question kind {entry['kind']!r}")
        try:
            spec = QuestionSpec(
                kind,
                _field(entry, "options", int, "number of options"),
                _field(entry, "max_choices", int, "max_choices"),
                _field(entry, "allows_cant_say", bool, "allows_cant_say"),
            )
        except ValueError as bad:
            raise RecordError(f"question {entry['question_id']} is impossible: {bad}") from None
        ids.append(_field(entry, "question_id", int, "question id"))
        specs.append(spec)
    if len(set(ids)) != len(ids):
        raise RecordError("a question id appears twice")
    return tuple(ids), tuple(specs)


def _read_parts(entries: object, k: int) -> tuple[tuple[dict[str, str | None], ...], tuple[int, ...]]:
    if not isinstance(entries, list):
        raise RecordError("the record's parts are not a list")
    coordinates, sizes = [], []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"of", "ballots"}:
            raise RecordError(f"part {index} is not described by exactly its groups and size")
        of = _field(entry, "of", dict, f"groups of part {index}")
        if not all(isinstance(v, str) or v is None for v in of.values()):
            raise RecordError(f"part {index} names its groups wrongly")
        coordinates.append(dict(of))
        sizes.append(_count(entry, "ballots", f"size of part {index}", 1))
    if len({canonical_json(c) for c in coordinates}) != len(coordinates):
        raise RecordError("two parts lie in the same released groups: the record splits "
                          "ballots more finely than the released groups need")
    if len({frozenset(c) for c in coordinates}) > 1:
        raise RecordError("the parts do not all name the same breakdowns")
    if len(sizes) > 1:
        for index, size in enumerate(sizes):
            if size < k:
                raise RecordError(
                    f"part {index} holds {size} ballots, fewer than k = {k}: the record "
                    f"would set apart fewer than {k} people's ballots")
    return tuple(coordinates), tuple(sizes)


def _read_groups(entries: object, coordinates: Sequence[dict[str, str | None]],
                 sizes: Sequence[int], k: int) -> tuple[_Group, ...]:
    if not isinstance(entries, list) or not entries:
        raise RecordError("the record lists no groups")
    groups = []
    seen = set()
    for index, entry in enumerate(entries):
        dimension = _field(entry, "dimension", (str, type(None)), f"dimension of group {index}")
        value = _field(entry, "value", (str, type(None)), f"value of group {index}")
        released = _field(entry, "released", bool, f"release of group {index}")
        if (dimension is None) != (index == 0) or (value is None) != (dimension is None):
            raise RecordError("the first group, and only it, is the whole survey")
        if (dimension, value) in seen:
            raise RecordError(f"the group {dimension} {value!r} appears twice")
        seen.add((dimension, value))
        if released:
            if set(entry) != {"dimension", "value", "released", "respondents"}:
                raise RecordError(f"released group {index} is not described by exactly its fields")
            parts = tuple(i for i, of in enumerate(coordinates)
                          if dimension is None or of.get(dimension) == value)
            group = _Group(index, dimension, value, True,
                           _count(entry, "respondents", f"respondents of group {index}"), parts)
            if not parts:
                raise RecordError(f"{group.name} is released but no part lies in it")
            if group.respondents != sum(sizes[i] for i in parts):
                raise RecordError(f"{group.name} says {group.respondents} answered, but its parts "
                                  f"hold {sum(sizes[i] for i in parts)} ballots")
            if group.respondents < k:
                raise RecordError(f"{group.name} is released with {group.respondents} behind it, "
                                  f"fewer than k = {k}")
        else:
            if set(entry) != {"dimension", "value", "released", "withheld"}:
                raise RecordError(f"withheld group {index} is not described by exactly its fields")
            _field(entry, "withheld", str, f"reason group {index} is withheld")
            group = _Group(index, dimension, value, False, 0, ())
        groups.append(group)
    released = [g for g in groups if g.released]
    if released and not groups[0].released:
        raise RecordError("a group is released although the whole survey is withheld")
    dimensions = {g.dimension for g in released if g.dimension is not None}
    if any(set(of) != dimensions for of in coordinates):
        raise RecordError("the parts name other breakdowns than the released groups")
    released_values = {(g.dimension, g.value) for g in released}
    for index, of in enumerate(coordinates):
        for dimension, value in of.items():
            if value is not None and (dimension, value) not in released_values:
                raise RecordError(f"part {index} names {dimension} {value!r}, which is no released group")
    return tuple(groups)


def _read_parameters(parameters: object) -> _Parameters:
    if not isinstance(parameters, dict):
        raise RecordError("the record has no parameters")
    expected = {"survey_id", "round", "context", "description", "release_threshold",
                "comment_threshold", "key", "questions", "comment_questions", "parts", "groups",
                "comments"}
    if set(parameters) != expected:
        raise RecordError("the parameters do not hold exactly the expected fields")
    survey_id = _count(parameters, "survey_id", "survey id", 1)
    round_number = _count(parameters, "round", "round number", 1)
    context = _bytes(_field(parameters, "context", str, "context"), "context")
    if context != survey_context(survey_id, round_number):
        raise RecordError("the context is not the one of this survey and round")
    description = _field(parameters, "description", dict, "description")
    _field(description, "title", str, "title")
    _field(description, "questions", list, "question wording")
    k = _count(parameters, "release_threshold", "release threshold k", 1)
    comment_threshold = _count(parameters, "comment_threshold", "comment threshold", k)
    public_key, threshold_key = _read_key(_field(parameters, "key", dict, "key"))
    question_ids, specs = _read_questions(parameters["questions"])
    comment_questions = _field(parameters, "comment_questions", list, "free-text questions")
    if not all(type(q) is int for q in comment_questions) or len(set(comment_questions)) != len(
            comment_questions) or set(comment_questions) & set(question_ids):
        raise RecordError("the free-text questions are not distinct question ids of their own")
    coordinates, sizes = _read_parts(parameters["parts"], k)
    groups = _read_groups(parameters["groups"], coordinates, sizes, k)
    if groups[0].released and groups[0].respondents != sum(sizes):
        raise RecordError("the whole survey's respondents are not every ballot")
    comments = _field(parameters, "comments", dict, "comment release")
    if set(comments) != {"released", "sealed"}:
        raise RecordError("the comment release is not described by exactly its fields")
    comments_released = _field(comments, "released", bool, "comment release")
    digests = _field(comments, "sealed", list, "comments' digests")
    if comments_released != (groups[0].released and groups[0].respondents >= comment_threshold):
        raise RecordError("comments are released if and only if the whole survey is released "
                          f"with at least {comment_threshold} answers; the record says otherwise")
    if not comments_released and digests:
        raise RecordError("the record lists comments that are not released")
    if digests != sorted(set(digests)) or not all(isinstance(d, str) for d in digests):
        raise RecordError("the comments' digests are not sorted and distinct")
    return _Parameters(
        survey_id, context, k, comment_threshold, public_key, threshold_key, question_ids, specs,
        tuple(comment_questions), sizes, groups, comments_released, tuple(digests),
        parameters_digest(parameters),
    )


# -- checking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedRecord:
    """What a record was found to hold, once every check passed."""

    survey_id: int
    ballots: int
    released: bool
    #: Released groups whose sums were recomputed from their ballots.
    groups: int
    #: Proven decryptions checked (sum slots and comments).
    decryptions: int
    comments_opened: int
    tracker: str | None


def _progress(on_progress: ProgressCallback | None, step: str, done: int, total: int) -> None:
    if on_progress is not None:
        on_progress(step, done, total)


def _read_ballots(entries: object, parameters: _Parameters) -> list[tuple[str, int, bytes]]:
    if not isinstance(entries, list):
        raise RecordError("the record's ballots are not a list")
    ballots = []
    previous = ""
    counts = [0] * len(parameters.part_sizes)
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"tracker", "part", "ballot"}:
            raise RecordError(f"ballot {position + 1} is not described by exactly its tracker, part and bytes")
        tracker = _field(entry, "tracker", str, f"tracker of ballot {position + 1}")
        if tracker == previous:
            raise RecordError(f"the tracker {tracker} appears twice")
        if tracker < previous:
            raise RecordError(f"the ballots are not sorted by tracker (at {tracker})")
        previous = tracker
        payload = _bytes(entry["ballot"], f"ballot {tracker}")
        if hashlib.sha256(payload).hexdigest() != tracker:
            raise RecordError(f"ballot {tracker} is not the ballot its tracker names")
        part = _field(entry, "part", int, f"part of ballot {tracker}")
        if not 0 <= part < len(counts):
            raise RecordError(f"ballot {tracker} lies in part {part}, which the parameters do not list")
        counts[part] += 1
        ballots.append((tracker, part, payload))
    for index, (found, stated) in enumerate(zip(counts, parameters.part_sizes)):
        if found != stated:
            raise RecordError(f"part {index} should hold {stated} ballots; the record lists {found}")
    return ballots


def _check_batch(
    public_key: PublicKey,
    context: bytes,
    specs: tuple[QuestionSpec, ...],
    part_count: int,
    batch: Sequence[tuple[str, int, bytes]],
) -> tuple[str | None, list[bytes | None]]:
    """One worker's share: each ballot's proofs, and the batch's slot sums per part
    (None for a part with no ballot here). Returns the first failure in words."""
    by_part: list[list[bytes]] = [[] for _ in range(part_count)]
    for tracker, part, payload in batch:
        # One pass over the bytes, as the ballot box checks a ballot cast; only a
        # ballot that fails is decoded again, to say whether it decodes at all.
        if not verify_serialized(public_key, context, specs, payload):
            try:
                deserialize(payload)
            except DecodeError as bad:
                return f"ballot {tracker} does not decode: {bad}", []
            return f"ballot {tracker}'s proofs do not verify", []
        by_part[part].append(payload)
    sums: list[bytes | None] = []
    for index, payloads in enumerate(by_part):
        if not payloads:
            sums.append(None)
            continue
        try:
            tally = tally_serialized(specs, payloads, workers=1)
        except DecodeError as bad:
            return f"a ballot of part {index} does not fit the questions: {bad}", []
        sums.append(b"".join(c.to_bytes() for row in tally for c in row))
    return None, sums


def _pool(workers: int, ballots: int) -> ThreadPoolExecutor | None:
    """Threads, since libsodium runs outside the GIL; not processes, which would
    re-import the caller's main module (a script without a main guard would
    start over) for a gain of a fifth on two cores. None with one worker."""
    if workers < 2 or ballots < 2:
        return None
    return ThreadPoolExecutor(max_workers=workers)


def _checked_part_sums(
    parameters: _Parameters,
    ballots: Sequence[tuple[str, int, bytes]],
    on_progress: ProgressCallback | None,
    workers: int | None,
) -> list[list[Ciphertext]]:
    """Every ballot's proofs checked, and each part's slot sums formed from its
    ballots, on ``workers`` (one per core by default); RecordError naming the
    first ballot, in record order, that fails."""
    batches = [ballots[i:i + BALLOT_BATCH] for i in range(0, len(ballots), BALLOT_BATCH)]
    total = len(ballots)
    width = parameters.width
    part_sums = [[Ciphertext.zero()] * width for _ in parameters.part_sizes]
    _progress(on_progress, "ballot proofs", 0, total)
    pool = _pool(workers or os.cpu_count() or 1, total)
    arguments = ([parameters.public_key] * len(batches), [parameters.context] * len(batches),
                 [parameters.specs] * len(batches), [len(part_sums)] * len(batches), batches)
    results = map(_check_batch, *arguments) if pool is None else pool.map(_check_batch, *arguments)
    try:
        done = 0
        for batch, (failure, sums) in zip(batches, results):
            if failure is not None:
                raise RecordError(failure)
            for index, blob in enumerate(sums):
                if blob is not None:
                    part_sums[index] = [
                        a + Ciphertext.from_bytes(blob[i * CIPHERTEXT_SIZE:(i + 1) * CIPHERTEXT_SIZE])
                        for i, a in enumerate(part_sums[index])]
            done += len(batch)
            _progress(on_progress, "ballot proofs", done, total)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return part_sums


def _group_sums(parameters: _Parameters, part_sums: Sequence[Sequence[Ciphertext]]) -> dict[int, list[Ciphertext]]:
    """Each released group's slot sums, from its parts'."""
    sums = {}
    for group in parameters.released_groups:
        total = [Ciphertext.zero()] * parameters.width
        for part in group.parts:
            total = [a + b for a, b in zip(total, part_sums[part])]
        sums[group.index] = total
    return sums


def _read_sums(entries: object, parameters: _Parameters) -> dict[int, list[Ciphertext]]:
    released = parameters.released_groups
    if not isinstance(entries, list) or len(entries) != len(released):
        raise RecordError("the record does not give one entry of sums per released group")
    sums = {}
    for group, entry in zip(released, entries):
        if not isinstance(entry, dict) or set(entry) != {"group", "ciphertexts"}:
            raise RecordError(f"the sums of {group.name} are not described by exactly their fields")
        if _field(entry, "group", int, "group of a sum") != group.index:
            raise RecordError("the sums are not given in the order of the released groups")
        data = _bytes(entry["ciphertexts"], f"sums of {group.name}")
        if len(data) != parameters.width * CIPHERTEXT_SIZE:
            raise RecordError(f"the sums of {group.name} do not have one ciphertext per slot")
        try:
            sums[group.index] = [Ciphertext.from_bytes(data[i:i + CIPHERTEXT_SIZE])
                                 for i in range(0, len(data), CIPHERTEXT_SIZE)]
        except DecodeError:
            raise RecordError(f"the sums of {group.name} hold an invalid group element") from None
    return sums


@dataclass(frozen=True)
class _Comment:
    question_id: int
    sealed: bytes
    digest: str


def _read_comments(entries: object, parameters: _Parameters) -> list[_Comment]:
    if not isinstance(entries, list):
        raise RecordError("the record's comments are not a list")
    comments = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"question_id", "sealed"}:
            raise RecordError("a comment is not described by exactly its question and sealed bytes")
        question_id = _field(entry, "question_id", int, "question of a comment")
        sealed = _bytes(entry["sealed"], "sealed comment")
        digest = hashlib.sha256(sealed).hexdigest()
        if question_id not in parameters.comment_questions:
            raise RecordError(f"comment {digest} answers no free-text question of this survey")
        if not verify_sealed_text(parameters.public_key, sealed,
                                  comment_context(parameters.context, question_id)):
            raise RecordError(f"comment {digest}'s proof of its key does not verify for its question")
        comments.append(_Comment(question_id, sealed, digest))
    if tuple(c.digest for c in comments) != parameters.comment_digests:
        raise RecordError("the sealed comments are not the ones the parameters list, in their order")
    return comments


def _shared_point(
    parameters: _Parameters, target: Point, shares: object, context: bytes, what: str
) -> Point:
    """x·target from the shares the record gives: the server's proven one, or t trustees'."""
    if not isinstance(shares, list) or not shares:
        raise RecordError(f"the record gives no decryption of {what}")
    data = [_bytes(share, f"decryption of {what}") for share in shares]
    if parameters.threshold_key is None:
        if len(data) != 1:
            raise RecordError(f"the server key's decryption of {what} should be one share")
        shared = check_server_decryption(parameters.public_key, target, data[0], context)
        if shared is None:
            raise RecordError(f"the server's proof of decrypting {what} does not verify for this "
                              "record (a parameter, the sum or the proof was changed)")
        return shared
    partials = []
    for share in data:
        if len(share) != PARTIAL_SIZE:
            raise RecordError(f"a trustee's decryption of {what} has the wrong length")
        try:
            partials.append(PartialDecryption.from_bytes(share))
        except DecodeError as bad:
            raise RecordError(f"a trustee's decryption of {what} does not decode: {bad}") from None
    indices = [p.trustee_index for p in partials]
    if indices != sorted(set(indices)):
        # One way to write each record: the partials in the order of their trustees.
        raise RecordError(f"the trustees' decryptions of {what} are not given once each, in the order of "
                          "their trustees")
    try:
        shared, _ = combine_partials(parameters.threshold_key, target, partials, context)
    except InvalidPartialError as bad:
        raise RecordError(f"trustee {bad.trustee_index}'s decryption of {what} is refused: {bad.reason} "
                          "(for this record's parameters and sums)") from None
    except NotEnoughPartialsError as short:
        raise RecordError(f"too few trustees decrypted {what}: {short}") from None
    return shared


def _check_release(
    release: object,
    parameters: _Parameters,
    sums: Mapping[int, Sequence[Ciphertext]],
    comments: Sequence[_Comment],
    on_progress: ProgressCallback | None,
) -> tuple[int, int]:
    """Every decryption and every released figure; (decryptions checked, comments opened)."""
    if not isinstance(release, dict) or set(release) != {"decryptions", "counts", "comments"}:
        raise RecordError("the release is not described by exactly its decryptions, counts and comments")
    context = decryption_context(parameters.context, parameters.digest)
    decryptions = _field(release, "decryptions", dict, "decryptions")
    if set(decryptions) != {"sums", "comments"}:
        raise RecordError("the decryptions are not given for exactly the sums and the comments")
    released = parameters.released_groups
    sum_shares = _field(decryptions, "sums", list, "decryptions of the sums")
    counts = _field(release, "counts", list, "released counts")
    if len(sum_shares) != len(released) or len(counts) != len(released):
        raise RecordError("the release does not decrypt and count every released group")
    total = sum(parameters.width for _ in released) + len(comments)
    done = 0
    for group, shares, stated in zip(released, sum_shares, counts):
        values = []
        if not isinstance(shares, list) or len(shares) != parameters.width:
            raise RecordError(f"the release does not decrypt every slot of {group.name}")
        for slot, (ciphertext, slot_shares) in enumerate(zip(sums[group.index], shares)):
            what = f"{group.name}, {parameters.slot_name(slot)}"
            shared = _shared_point(parameters, ciphertext.alpha, slot_shares, context, what)
            try:
                values.append(discrete_log(ciphertext.beta - shared, group.respondents))
            except DiscreteLogError:
                raise RecordError(f"the decrypted sum of {what} is not a count between 0 and "
                                  f"{group.respondents}") from None
            done += 1
            _progress(on_progress, "decryptions", done, total)
        _check_counts(parameters, group, stated, values)
    opened = _check_comments(release, decryptions, parameters, comments, context)
    _progress(on_progress, "decryptions", total, total)
    return total, opened


def _check_counts(parameters: _Parameters, group: _Group, stated: object, values: list[int]) -> None:
    if not isinstance(stated, dict) or set(stated) != {"group", "questions"} or stated["group"] != group.index:
        raise RecordError(f"the counts of {group.name} are not described by exactly their group and questions")
    questions = _field(stated, "questions", dict, f"counts of {group.name}")
    if set(questions) != {str(q) for q in parameters.question_ids}:
        raise RecordError(f"the counts of {group.name} are not given for exactly the ballot questions")
    cursor = 0
    for question_id, spec in zip(parameters.question_ids, parameters.specs):
        decrypted = values[cursor:cursor + spec.slot_count]
        cursor += spec.slot_count
        if questions[str(question_id)] != decrypted:
            raise RecordError(f"the released counts of question {question_id} in {group.name} are not "
                              f"what its sums decrypt to ({decrypted})")


def _check_comments(release: dict[str, Any], decryptions: dict[str, Any], parameters: _Parameters,
                    comments: Sequence[_Comment], context: bytes) -> int:
    shares = _field(decryptions, "comments", list, "decryptions of the comments")
    texts = _field(release, "comments", dict, "released comments")
    if len(shares) != len(comments):
        raise RecordError("the release does not decrypt every listed comment")
    expected_questions = {str(q) for q in parameters.comment_questions} if parameters.comments_released else set()
    if set(texts) != expected_questions:
        raise RecordError("the released comments are not given for exactly the free-text questions")
    opened: dict[str, list[str]] = {key: [] for key in expected_questions}
    for comment, comment_shares in zip(comments, shares):
        what = f"comment {comment.digest}"
        ephemeral = sealed_text_ephemeral(comment.sealed)
        shared = _shared_point(parameters, ephemeral, comment_shares, context, what)
        try:
            text = open_text_with_shared_point(
                parameters.public_key, comment.sealed, shared,
                comment_context(parameters.context, comment.question_id))
        except SealError:
            continue  # sealed by its writer so that it cannot open: the release leaves it out too
        opened[str(comment.question_id)].append(text)
    for key in sorted(expected_questions):
        stated = texts[key]
        if not isinstance(stated, list) or stated != sorted(stated):
            raise RecordError(f"the released comments of question {key} are not a sorted list")
        if stated != sorted(opened[key]):
            raise RecordError(f"the released comments of question {key} are not the ones the sealed "
                              "comments open to")
    return sum(len(v) for v in opened.values())


def verify_record(
    record: Mapping[str, Any],
    *,
    tracker: str | None = None,
    on_progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> VerifiedRecord:
    """Check everything a record states; RecordError naming the first thing that fails.

    Order: the parameters and the ballot list (cheap, so a missing ``tracker``
    or a malformed record is told at once), the comments, the released
    decryptions of the stated sums, then every ballot's proofs with the sums
    recomputed from the ballots (the long part: ``on_progress`` is told how it
    goes, and the ballots are shared among ``workers`` threads, one per core
    by default, libsodium running outside the GIL)."""
    if not isinstance(record, Mapping) or record.get("record") != RECORD_FORMAT:
        raise RecordError("this is not an election record")
    if record.get("version") != RECORD_VERSION:
        raise RecordError(f"this verifier reads records of version {RECORD_VERSION}, not {record.get('version')!r}")
    if set(record) != {"record", "version", "parameters", "ballots", "sums", "comments", "release"}:
        raise RecordError("the record does not hold exactly the expected sections")
    parameters = _read_parameters(record["parameters"])
    ballots = _read_ballots(record["ballots"], parameters)
    if tracker is not None and tracker.strip().lower() not in {t for t, _, _ in ballots}:
        raise RecordError(f"the tracker {tracker.strip()} is not in this record")
    sums = _read_sums(record["sums"], parameters)
    comments = _read_comments(record["comments"], parameters)
    release = record["release"]
    decryptions = opened = 0
    if release is not None:
        decryptions, opened = _check_release(release, parameters, sums, comments, on_progress)
    recomputed = _group_sums(parameters, _checked_part_sums(parameters, ballots, on_progress, workers))
    for group in parameters.released_groups:
        for slot, (stated, actual) in enumerate(zip(sums[group.index], recomputed[group.index])):
            if stated != actual:
                raise RecordError(f"the sum of {group.name}, {parameters.slot_name(slot)}, is not the "
                                  "sum of its ballots")
    return VerifiedRecord(
        parameters.survey_id, len(ballots), release is not None, len(parameters.released_groups),
        decryptions, opened, tracker.strip().lower() if tracker is not None else None,
    )
