"""Encrypted ballots: answers as proven ciphertext vectors, checked and serialized.

A question is described by a ``QuestionSpec`` (no group knowledge needed). Its
answer becomes one ciphertext per slot, holding 1 in the chosen slot(s) and 0
elsewhere, with proofs that every slot holds 0 or 1 and that the slots add up
as the question allows:

* scale (1..points), yes/no, single choice: exactly one slot is 1;
* multiple choice up to m: at most m option slots are 1;
* "can't say", when allowed, is one more slot after the options. For multiple
  choice it weighs m in the sum proof, so choosing it forces every option to 0.
* rank up to m of n options: an n×m matrix of 0/1 cells (option i in place j),
  proven a ranking by ``crypto.rank`` (each option in at most one place, each
  place holding at most one option, places filled in order); its "can't say"
  is the empty matrix, with no slot of its own.

Slot order: scale slot i is the value i+1; yes/no slot 0 is yes, slot 1 is no;
choice slot i is option i; "can't say" is the last slot; rank slot i·m + j is
option i in place j. Summing ballots slot by slot (``tally``) gives encrypted
counts per slot.

Serialized ballot (version 2), all fields fixed-size, integers big-endian::

    version:1  answer_count:2
    per answer: slot_count:1  sum_branches:1
                ciphertexts: slot_count * 64    (alpha:32 beta:32 each)
                slot proofs: slot_count * 128   (0/1 proof per slot)
                sum proof:   sum_branches * 64  (a rank answer's line proofs,
                                                 one after another: crypto.rank)
    (each proof branch: challenge:32 response:32, canonical scalars)

Decoding is strict (canonical points and scalars, no trailing bytes), so
``serialize(deserialize(b)) == b`` and the fingerprint of a ballot is unique.

Binding every proof to the whole ballot (version 2)
---------------------------------------------------
Version 1 bound each answer's proofs to the survey, the question list and the
question's position, but not to the rest of the ballot, so an answer copied
with its proofs from someone else's ballot into one's own still verified (the
Cortier–Smyth ballot-copying attack on Helios: in a small group, the copied
answer counts twice and the result gives away what the copied voter chose).
Since version 2 every proof also covers a digest of *all* the ciphertexts of
the ballot, computed after every answer is encrypted and before anything is
proven. Moving an answer into another ballot changes that digest and breaks
every proof of both; re-proving the copied ciphertexts needs their nonces.
Copying a whole ballot unchanged remains possible and is a replay: the ballot
box refuses a second ballot with the same fingerprint. Version 1 ballots are
still summed by ``tally_serialized`` (same layout; they were verified when
cast) but no longer decode, so they are never verified again.

Transcript. ``frame`` is crypto.group.frame (each part preceded by its length,
8 bytes big-endian); spec_i is the 4 bytes kind, options, max_choices (a
rank's number of places), allows_cant_say; context is the caller's survey context::

    D   = SHA-256(frame(spec_0, ..., spec_{n-1}))
    B   = SHA-256(frame(b"ballot-ciphertexts", C_0, ..., C_{n-1}))
          C_i = answer i's ciphertexts concatenated (64 bytes each, slot order)
    Q_i = frame(b"ballot-question", context, D, B, i as 2 bytes, spec_i)

Answer i is proven with ``crypto.proofs.prove_vector`` under context Q_i: the
0/1 proof of slot j under frame(b"slot", Q_i, j as 4 bytes), and the sum proof
under frame(b"weighted-sum", Q_i, weights as 8 bytes each, C_i), each a
disjunctive Chaum–Pedersen proof whose challenge is hash_to_scalar over
MEMBERSHIP_DOMAIN, the public key, that context, the allowed values, the
ciphertext and every branch's commitments (see crypto.proofs). A rank answer
is proven with ``crypto.rank.prove_rank`` under the same Q_i instead.

Opening a ballot (Benaloh's challenge)
--------------------------------------
A voter may ask the device that encrypted their ballot to reveal every slot's
nonce r instead of casting it; anyone can then confirm that each ciphertext is
(r·G, v·G + r·h) with v the 0 or 1 the shown answers give (``open_ballot``).
The device then encrypts afresh: an opened ballot is never cast. The opening
travels as one JSON document (``read_opening``, ``check_opening``)::

    {"format": "leverage-ballot-opening", "version": 1,
     "parameters": {"survey_id": int, "public_key": base64, "context": base64,
                    "questions": [{"kind": "scale" | "yes_no" | "single_choice"
                                           | "multiple_choice" | "rank",
                                   "options": int, "max_choices": int,
                                   "allows_cant_say": bool, ...}, ...], ...},
     "payload": base64 (the serialized ballot),
     "reveal": {"version": 1, "survey_id": int, "tracker": hex SHA-256 of payload,
                "answers": [per question: scale value 1..n, true/false, option
                            index, list of option indices (a rank's in its
                            order, first place first), or "cant_say"],
                "nonces": [[base64 32-byte scalar per slot] per question]}}

Other keys (the page's question ids, comment contexts) are allowed and ignored.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import json
import os
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final, TypeAlias

from crypto import rank as rank_proofs
from crypto.elgamal import (
    CIPHERTEXT_SIZE,
    PARALLEL_MIN_CIPHERTEXTS,
    Ciphertext,
    PublicKey,
    encrypt,
)
from crypto.errors import DecodeError, InvalidAnswerError
from crypto.group import (
    IDENTITY_ENCODING,
    POINT_SIZE,
    Point,
    Scalar,
    add_encodings,
    frame,
    is_canonical_point_encoding,
)
from crypto.proofs import (
    DisjunctiveProof,
    ScalarSource,
    VectorProof,
    prove_vector,
    verify_vector,
    verify_vector_encoded,
)

BALLOT_VERSION: Final = 2
#: Versions ``tally_serialized`` sums: version 1 has the same layout and was
#: verified when cast, under the transcript without the ballot digest.
TALLIED_BALLOT_VERSIONS: Final = (1, 2)
MAX_OPTIONS: Final = 64
MAX_SCALE_POINTS: Final = 11
MAX_QUESTIONS: Final = 1000
_SLOT_PROOF_SIZE: Final = DisjunctiveProof.size(2)
_SUM_BRANCH_SIZE: Final = DisjunctiveProof.size(1)


class QuestionKind(enum.Enum):
    SCALE = 1
    YES_NO = 2
    SINGLE_CHOICE = 3
    MULTIPLE_CHOICE = 4
    RANK = 5


class CantSay(enum.Enum):
    """The "can't say" answer, for questions that allow it."""

    CANT_SAY = "can't say"


CANT_SAY: Final = CantSay.CANT_SAY


class Ranking(tuple):
    """A rank answer read back from its slots: option indices, the first place
    first. Any sequence of indices is taken as a ranking when encrypting; this
    type tells ``answer_to_json`` to keep the order (a multiple choice's
    indices are written sorted)."""

    __slots__ = ()


#: An answer: scale value (int), yes/no (bool), option index (int), a
#: collection of option indices (multiple choice), a sequence of option
#: indices in order (rank), or CANT_SAY.
Answer: TypeAlias = "int | bool | Collection[int] | CantSay"


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What a question accepts. ``options`` is the number of scale points or
    choices (2 for yes/no); ``max_choices`` matters for multiple choice (at
    most this many chosen) and rank (this many places) only."""

    kind: QuestionKind
    options: int
    max_choices: int = 1
    allows_cant_say: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.kind, QuestionKind):
            raise ValueError("kind must be a QuestionKind")
        if type(self.options) is not int or type(self.max_choices) is not int:
            raise ValueError("options and max_choices must be integers")
        if type(self.allows_cant_say) is not bool:
            raise ValueError("allows_cant_say must be a bool")
        if not 2 <= self.options <= MAX_OPTIONS:
            raise ValueError(f"a question has 2..{MAX_OPTIONS} options")
        if self.kind is QuestionKind.YES_NO and self.options != 2:
            raise ValueError("a yes/no question has exactly 2 options")
        if self.kind is QuestionKind.SCALE and self.options > MAX_SCALE_POINTS:
            raise ValueError(f"a scale has at most {MAX_SCALE_POINTS} points")
        if self.kind is QuestionKind.MULTIPLE_CHOICE:
            if not 1 <= self.max_choices <= self.options:
                raise ValueError("max_choices must be between 1 and the number of options")
        elif self.kind is QuestionKind.RANK:
            rank_proofs.check_shape(self.options, self.max_choices)
        elif self.max_choices != 1:
            raise ValueError("only multiple-choice and rank questions take max_choices")

    @classmethod
    def scale(cls, points: int = 5, *, allows_cant_say: bool = False) -> QuestionSpec:
        return cls(QuestionKind.SCALE, points, 1, allows_cant_say)

    @classmethod
    def yes_no(cls, *, allows_cant_say: bool = False) -> QuestionSpec:
        return cls(QuestionKind.YES_NO, 2, 1, allows_cant_say)

    @classmethod
    def single_choice(cls, options: int, *, allows_cant_say: bool = False) -> QuestionSpec:
        return cls(QuestionKind.SINGLE_CHOICE, options, 1, allows_cant_say)

    @classmethod
    def multiple_choice(
        cls, options: int, max_choices: int, *, allows_cant_say: bool = False
    ) -> QuestionSpec:
        return cls(QuestionKind.MULTIPLE_CHOICE, options, max_choices, allows_cant_say)

    @classmethod
    def rank(cls, options: int, places: int, *, allows_cant_say: bool = False) -> QuestionSpec:
        """Put up to ``places`` of ``options`` in order (at least one, unless
        "can't say" is offered)."""
        return cls(QuestionKind.RANK, options, places, allows_cant_say)

    @property
    def is_rank(self) -> bool:
        return self.kind is QuestionKind.RANK

    @property
    def slot_count(self) -> int:
        if self.is_rank:
            return self.options * self.max_choices
        return self.options + (1 if self.allows_cant_say else 0)

    @property
    def cant_say_slot(self) -> int | None:
        return self.options if self.allows_cant_say and not self.is_rank else None

    @property
    def weights(self) -> tuple[int, ...]:
        """Weight of each slot in the sum proof (a rank has line proofs instead)."""
        if self.is_rank:
            raise ValueError("a rank answer is proven line by line (crypto.rank), not by one sum")
        if self.kind is QuestionKind.MULTIPLE_CHOICE and self.allows_cant_say:
            return (1,) * self.options + (self.max_choices,)
        return (1,) * self.slot_count

    @property
    def allowed_sums(self) -> tuple[int, ...]:
        if self.is_rank:
            raise ValueError("a rank answer is proven line by line (crypto.rank), not by one sum")
        if self.kind is QuestionKind.MULTIPLE_CHOICE:
            return tuple(range(self.max_choices + 1))
        return (1,)

    @property
    def proof_branches(self) -> int:
        """(challenge, response) pairs after the slot proofs: the sum proof's, or a rank's line proofs'."""
        if self.is_rank:
            return rank_proofs.line_branches(self.options, self.max_choices, self.allows_cant_say)
        return len(self.allowed_sums)

    def to_bytes(self) -> bytes:
        return bytes([self.kind.value, self.options, self.max_choices, int(self.allows_cant_say)])

    def slot_values(self, answer: Answer) -> tuple[int, ...]:
        """The 0/1 vector for ``answer``; InvalidAnswerError if it does not fit."""
        values = [0] * self.slot_count
        if answer is CANT_SAY:
            if not self.allows_cant_say:
                raise InvalidAnswerError('this question does not allow "can\'t say"')
            if not self.is_rank:
                values[self.options] = 1
            return tuple(values)
        kind = self.kind
        if kind is QuestionKind.RANK:
            # An empty ranking is refused even where the blank matrix stands for "can't say":
            # that answer is named, so that no member leaves a ranking empty by mistake.
            return rank_proofs.cells_of(self.options, self.max_choices, answer, False)
        if kind is QuestionKind.YES_NO:
            if type(answer) is not bool:
                raise InvalidAnswerError("a yes/no answer is True or False")
            values[0 if answer else 1] = 1
        elif kind is QuestionKind.SCALE:
            if type(answer) is not int or not 1 <= answer <= self.options:
                raise InvalidAnswerError(f"a scale answer is an integer from 1 to {self.options}")
            values[answer - 1] = 1
        elif kind is QuestionKind.SINGLE_CHOICE:
            if type(answer) is not int or not 0 <= answer < self.options:
                raise InvalidAnswerError(
                    f"a choice is an option index from 0 to {self.options - 1}"
                )
            values[answer] = 1
        else:
            if isinstance(answer, (int, str, bytes)) or not isinstance(answer, Collection):
                raise InvalidAnswerError(
                    "a multiple-choice answer is a collection of option indices"
                )
            chosen = list(answer)
            if any(type(i) is not int or not 0 <= i < self.options for i in chosen):
                raise InvalidAnswerError(f"options are indices from 0 to {self.options - 1}")
            if len(set(chosen)) != len(chosen):
                raise InvalidAnswerError("an option is chosen twice")
            if len(chosen) > self.max_choices:
                raise InvalidAnswerError(f"at most {self.max_choices} options may be chosen")
            for index in chosen:
                values[index] = 1
        return tuple(values)

    def answer_of(self, values: Sequence[int]) -> Answer:
        """The answer a 0/1 slot vector stands for (a multiple choice as a sorted
        tuple of indices); InvalidAnswerError if no answer gives this vector."""
        values = tuple(values)
        if len(values) != self.slot_count or any(v not in (0, 1) for v in values):
            raise InvalidAnswerError("not a 0/1 vector of this question's slots")
        if self.is_rank:
            order = rank_proofs.ranking_of(self.options, self.max_choices, values)
            if order is None:
                raise InvalidAnswerError("these cells are not a ranking")
            ranked: Answer = Ranking(order) if order else CANT_SAY
            if self.slot_values(ranked) != values:
                raise InvalidAnswerError("no answer to this question gives these slots")
            return ranked
        ones = tuple(i for i, v in enumerate(values) if v == 1)
        if self.allows_cant_say and ones == (self.options,):
            answer: Answer = CANT_SAY
        elif self.kind is QuestionKind.MULTIPLE_CHOICE:
            answer = ones
        elif len(ones) != 1:
            raise InvalidAnswerError("exactly one slot of this question holds 1")
        elif self.kind is QuestionKind.YES_NO:
            answer = ones[0] == 0
        elif self.kind is QuestionKind.SCALE:
            answer = ones[0] + 1
        else:
            answer = ones[0]
        if self.slot_values(answer) != values:
            raise InvalidAnswerError("no answer to this question gives these slots")
        return answer


@dataclass(frozen=True, slots=True)
class EncryptedAnswer:
    ciphertexts: tuple[Ciphertext, ...]
    proof: VectorProof


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    answers: tuple[EncryptedAnswer, ...]

    def to_bytes(self) -> bytes:
        return serialize(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> EncryptedBallot:
        return deserialize(data)


def _definition_digest(specs: Sequence[QuestionSpec]) -> bytes:
    return hashlib.sha256(frame(*(spec.to_bytes() for spec in specs))).digest()


def _ballot_digest(answer_ciphertexts: Sequence[Sequence[Ciphertext]]) -> bytes:
    """B: the digest of every ciphertext of every answer, in order, framed per
    answer so that no two different ballots share it."""
    return hashlib.sha256(
        frame(
            b"ballot-ciphertexts",
            *(b"".join(c.to_bytes() for c in ciphertexts) for ciphertexts in answer_ciphertexts),
        )
    ).digest()


def _question_context(
    context: bytes, definition: bytes, ballot: bytes, index: int, spec: QuestionSpec
) -> bytes:
    # Binds every proof to the survey (caller's context), the whole question
    # list, every ciphertext of this ballot (so an answer cannot be copied into
    # another ballot), and this question's position and shape.
    return frame(
        b"ballot-question", context, definition, ballot, index.to_bytes(2, "big"), spec.to_bytes()
    )


def _check_specs(specs: Sequence[QuestionSpec]) -> None:
    if not 1 <= len(specs) <= MAX_QUESTIONS:
        raise ValueError(f"a ballot has 1..{MAX_QUESTIONS} questions")
    if not all(isinstance(spec, QuestionSpec) for spec in specs):
        raise ValueError("specs must be QuestionSpec values")


def encrypt_ballot(
    public_key: PublicKey,
    context: bytes,
    specs: Sequence[QuestionSpec],
    answers: Sequence[Answer],
    *,
    random_scalar: ScalarSource | None = None,
) -> EncryptedBallot:
    """Encrypt one answer per question with its proofs.

    ``context`` must identify the survey (and round), e.g. its id; proofs made
    for one survey do not verify for another. Raises InvalidAnswerError before
    encrypting anything if an answer does not fit its question.

    ``random_scalar`` is for test vectors only (see ``crypto.proofs``): every
    slot's nonce is drawn first, question by question in slot order, then each
    question's proofs in turn.
    """
    specs = tuple(specs)
    _check_specs(specs)
    if len(answers) != len(specs):
        raise InvalidAnswerError(f"expected {len(specs)} answers, got {len(answers)}")
    all_values = [spec.slot_values(answer) for spec, answer in zip(specs, answers)]
    definition = _definition_digest(specs)
    # Encrypt everything first: every proof covers the digest of all of it.
    draw = Scalar.random if random_scalar is None else random_scalar
    all_nonces = [[draw() for _ in values] for values in all_values]
    all_ciphertexts = [
        tuple(encrypt(public_key, v, r) for v, r in zip(values, nonces))
        for values, nonces in zip(all_values, all_nonces)
    ]
    ballot_digest = _ballot_digest(all_ciphertexts)
    encrypted = []
    for index, (spec, values, nonces, ciphertexts) in enumerate(
        zip(specs, all_values, all_nonces, all_ciphertexts)
    ):
        question_context = _question_context(context, definition, ballot_digest, index, spec)
        if spec.is_rank:
            proof = rank_proofs.prove_rank(
                public_key, ciphertexts, values, nonces, question_context, options=spec.options,
                places=spec.max_choices, allows_blank=spec.allows_cant_say, random_scalar=random_scalar,
            )
        else:
            proof = prove_vector(
                public_key,
                ciphertexts,
                values,
                nonces,
                question_context,
                allowed_sums=spec.allowed_sums,
                weights=spec.weights,
                random_scalar=random_scalar,
            )
        encrypted.append(EncryptedAnswer(ciphertexts, proof))
    return EncryptedBallot(tuple(encrypted))


def verify_ballot(
    public_key: PublicKey,
    context: bytes,
    specs: Sequence[QuestionSpec],
    ballot: EncryptedBallot,
) -> bool:
    """True only if every answer is a valid vector for its question, proven
    under this key and context. Never raises for a bad ballot."""
    try:
        specs = tuple(specs)
        _check_specs(specs)
    except (TypeError, ValueError):
        return False
    if not (
        isinstance(public_key, PublicKey)
        and isinstance(context, bytes)
        and isinstance(ballot, EncryptedBallot)
        and isinstance(ballot.answers, tuple)
        and len(ballot.answers) == len(specs)
    ):
        return False
    # Every answer's shape is checked before any is hashed into the digest.
    for spec, answer in zip(specs, ballot.answers):
        if not (
            isinstance(answer, EncryptedAnswer)
            and isinstance(answer.ciphertexts, tuple)
            and len(answer.ciphertexts) == spec.slot_count
            and all(isinstance(c, Ciphertext) for c in answer.ciphertexts)
        ):
            return False
    definition = _definition_digest(specs)
    ballot_digest = _ballot_digest([answer.ciphertexts for answer in ballot.answers])
    for index, (spec, answer) in enumerate(zip(specs, ballot.answers)):
        question_context = _question_context(context, definition, ballot_digest, index, spec)
        if spec.is_rank:
            verified = rank_proofs.verify_rank(
                public_key, answer.ciphertexts, answer.proof, question_context, options=spec.options,
                places=spec.max_choices, allows_blank=spec.allows_cant_say,
            )
        else:
            verified = verify_vector(
                public_key,
                answer.ciphertexts,
                answer.proof,
                question_context,
                allowed_sums=spec.allowed_sums,
                weights=spec.weights,
            )
        if not verified:
            return False
    return True


def verify_serialized(
    public_key: PublicKey,
    context: bytes,
    specs: Sequence[QuestionSpec],
    data: bytes,
) -> bool:
    """``verify_ballot(public_key, context, specs, deserialize(data))``, False
    where ``deserialize`` would raise: the same answer for every input, in one
    pass over the bytes. What the ballot box runs on every ballot cast.

    It builds no objects and decodes each point once, by the first operation
    that uses it (``crypto.proofs.verify_vector_encoded``), where decoding then
    verifying decodes every point twice. It does not say why a ballot fails:
    for that, ``deserialize`` names what does not decode."""
    try:
        specs = tuple(specs)
        _check_specs(specs)
    except (TypeError, ValueError):
        return False
    if not (
        isinstance(public_key, PublicKey)
        and isinstance(context, bytes)
        and isinstance(data, (bytes, bytearray, memoryview))
    ):
        return False
    data = bytes(data)
    if len(data) < 3 or data[0] != BALLOT_VERSION or int.from_bytes(data[1:3], "big") != len(specs):
        return False
    # The whole layout is checked before anything is hashed into the digest.
    regions = []
    offset = 3
    for spec in specs:
        if offset + 2 > len(data):
            return False
        slots, branches = data[offset], data[offset + 1]
        if slots != spec.slot_count or branches != spec.proof_branches:
            return False
        ciphertexts_at = offset + 2
        proofs_at = ciphertexts_at + slots * CIPHERTEXT_SIZE
        sum_at = proofs_at + slots * _SLOT_PROOF_SIZE
        offset = sum_at + branches * _SUM_BRANCH_SIZE
        regions.append((ciphertexts_at, proofs_at, sum_at, offset))
    if offset != len(data):
        return False
    definition = _definition_digest(specs)
    ballot_digest = hashlib.sha256(
        frame(b"ballot-ciphertexts", *(data[c:p] for c, p, _, _ in regions))
    ).digest()
    for index, (spec, (ciphertexts_at, proofs_at, sum_at, end)) in enumerate(zip(specs, regions)):
        question_context = _question_context(context, definition, ballot_digest, index, spec)
        if spec.is_rank:
            verified = rank_proofs.verify_rank_encoded(
                public_key, data[ciphertexts_at:proofs_at], data[proofs_at:sum_at], data[sum_at:end],
                question_context, options=spec.options, places=spec.max_choices,
                allows_blank=spec.allows_cant_say,
            )
        else:
            verified = verify_vector_encoded(
                public_key,
                data[ciphertexts_at:proofs_at],
                data[proofs_at:sum_at],
                data[sum_at:end],
                question_context,
                allowed_sums=spec.allowed_sums,
                weights=spec.weights,
            )
        if not verified:
            return False
    return True


def serialize(ballot: EncryptedBallot) -> bytes:
    parts = [bytes([BALLOT_VERSION]), len(ballot.answers).to_bytes(2, "big")]
    for answer in ballot.answers:
        sum_proof = answer.proof.sum_proof
        parts.append(bytes([len(answer.ciphertexts), len(sum_proof.challenges)]))
        parts.extend(c.to_bytes() for c in answer.ciphertexts)
        parts.extend(p.to_bytes() for p in answer.proof.slot_proofs)
        parts.append(sum_proof.to_bytes())
    return b"".join(parts)


def _answer_size(slot_count: int, branches: int) -> int:
    return 2 + slot_count * (CIPHERTEXT_SIZE + _SLOT_PROOF_SIZE) + branches * _SUM_BRANCH_SIZE


def deserialize(data: bytes) -> EncryptedBallot:
    """Decode a serialized ballot; DecodeError for anything not canonical."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DecodeError("a ballot is bytes")
    data = bytes(data)
    if len(data) < 3:
        raise DecodeError("ballot too short")
    if data[0] != BALLOT_VERSION:
        # Older versions are summed (tally_serialized) but never decoded for
        # verification: their proofs lack the ballot digest.
        raise DecodeError(f"unknown or retired ballot version {data[0]}")
    count = int.from_bytes(data[1:3], "big")
    if not 1 <= count <= MAX_QUESTIONS:
        raise DecodeError("ballot answer count out of range")
    offset = 3
    answers = []
    for _ in range(count):
        if offset + 2 > len(data):
            raise DecodeError("ballot truncated")
        slot_count, branches = data[offset], data[offset + 1]
        # Each is one byte, so at most 255 (a rank's cells and line proofs reach past MAX_OPTIONS).
        if not (slot_count >= 1 and branches >= 1):
            raise DecodeError("ballot answer header out of range")
        end = offset + _answer_size(slot_count, branches)
        if end > len(data):
            raise DecodeError("ballot truncated")
        cursor = offset + 2
        ciphertexts = []
        for _ in range(slot_count):
            ciphertexts.append(Ciphertext.from_bytes(data[cursor : cursor + CIPHERTEXT_SIZE]))
            cursor += CIPHERTEXT_SIZE
        slot_proofs = []
        for _ in range(slot_count):
            slot_proofs.append(
                DisjunctiveProof.from_bytes(data[cursor : cursor + _SLOT_PROOF_SIZE], 2)
            )
            cursor += _SLOT_PROOF_SIZE
        sum_proof = DisjunctiveProof.from_bytes(data[cursor:end], branches)
        answers.append(
            EncryptedAnswer(tuple(ciphertexts), VectorProof(tuple(slot_proofs), sum_proof))
        )
        offset = end
    if offset != len(data):
        raise DecodeError("trailing bytes after ballot")
    return EncryptedBallot(tuple(answers))


def fingerprint(ballot: EncryptedBallot | bytes) -> str:
    """SHA-256 of the serialized ballot, hex: the voter's receipt."""
    data = ballot if isinstance(ballot, bytes) else serialize(ballot)
    return hashlib.sha256(data).hexdigest()


SlotVector: TypeAlias = "tuple[int, ...]"


def open_ballot(
    public_key: PublicKey,
    context: bytes,
    specs: Sequence[QuestionSpec],
    ballot: EncryptedBallot,
    nonces: Sequence[Sequence[Scalar]],
) -> list[SlotVector] | None:
    """The 0/1 slot vectors a ballot holds, read with the nonces its maker
    revealed; None unless every proof verifies, every slot's ciphertext is
    exactly (r·G, v·G + r·h) with v in {0, 1} under its revealed nonce r, and
    every vector is an answer its question allows. Never raises for a bad
    ballot or bad nonces."""
    if not verify_ballot(public_key, context, specs, ballot):
        return None
    if not (
        isinstance(nonces, Sequence)
        and len(nonces) == len(ballot.answers)
        and all(
            isinstance(row, Sequence)
            and len(row) == len(answer.ciphertexts)
            and all(isinstance(r, Scalar) for r in row)
            for row, answer in zip(nonces, ballot.answers)
        )
    ):
        return None
    key = public_key.point
    generator = Point.generator()
    vectors = []
    for spec, answer, row in zip(specs, ballot.answers, nonces):
        values = []
        for ciphertext, nonce in zip(answer.ciphertexts, row):
            if Point.base_times(nonce) != ciphertext.alpha:
                return None
            message = ciphertext.beta - key * nonce
            if message.is_identity():
                values.append(0)
            elif message == generator:
                values.append(1)
            else:
                return None
        try:
            spec.answer_of(values)
        except InvalidAnswerError:
            return None
        vectors.append(tuple(values))
    return vectors


OPENING_FORMAT: Final = "leverage-ballot-opening"
OPENING_VERSION: Final = 1
#: Largest opening document read (a ballot of MAX_QUESTIONS questions of
#: MAX_OPTIONS options, base64, with its nonces, is well below this).
MAX_OPENING_SIZE: Final = 64 << 20
KIND_NAMES: Final = {kind.name.lower(): kind for kind in QuestionKind}
#: How an opening writes "can't say".
CANT_SAY_NAME: Final = "cant_say"


@dataclass(frozen=True, slots=True)
class BallotOpening:
    """A ballot with the answers and nonces its maker revealed, as read from
    an opening document (see the module docstring), not yet checked."""

    survey_id: int
    public_key: PublicKey
    context: bytes
    specs: tuple[QuestionSpec, ...]
    payload: bytes
    tracker: str
    answers: tuple[object, ...]
    nonces: tuple[tuple[Scalar, ...], ...]


@dataclass(frozen=True, slots=True)
class OpeningCheck:
    """The outcome of checking an opening: ``answers`` (what the ballot holds)
    when ``ok``, else ``reason`` in plain words."""

    ok: bool
    answers: tuple[Answer, ...] | None = None
    reason: str | None = None


def _base64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise DecodeError(f"{what} must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise DecodeError(f"{what} is not valid base64") from None


def _field(mapping: object, name: str, kind: type, what: str) -> object:
    if not isinstance(mapping, dict) or name not in mapping:
        raise DecodeError(f"the opening has no {what}")
    value = mapping[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DecodeError(f"the opening's {what} has the wrong type")
    return value


def _spec_from_json(entry: object) -> QuestionSpec:
    kind = KIND_NAMES.get(_field(entry, "kind", str, "question kind"))  # type: ignore[arg-type]
    if kind is None:
        raise DecodeError("the opening names an unknown question kind")
    try:
        return QuestionSpec(
            kind,
            _field(entry, "options", int, "number of options"),  # type: ignore[arg-type]
            _field(entry, "max_choices", int, "max_choices"),  # type: ignore[arg-type]
            _field(entry, "allows_cant_say", bool, "allows_cant_say"),  # type: ignore[arg-type]
        )
    except ValueError as bad:
        raise DecodeError(f"the opening describes an impossible question: {bad}") from None


def _answer_from_json(value: object) -> object:
    """JSON's form of an answer to this module's: lists become tuples and
    "cant_say" becomes CANT_SAY; whether it fits its question is checked later."""
    if value == CANT_SAY_NAME:
        return CANT_SAY
    if isinstance(value, list):
        return tuple(value)
    return value


def answer_to_json(answer: Answer) -> object:
    """An answer as an opening (and the browser) writes it: a ranking in its
    order, a multiple choice's options sorted."""
    if answer is CANT_SAY:
        return CANT_SAY_NAME
    if isinstance(answer, (bool, int)):
        return answer
    if isinstance(answer, Ranking):
        return list(answer)
    return sorted(answer)


def read_opening(data: bytes) -> BallotOpening:
    """Parse an opening document (UTF-8 JSON); DecodeError, saying what is
    wrong, for anything malformed. Nothing is checked against the ballot yet:
    that is ``check_opening``."""
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_OPENING_SIZE:
        raise DecodeError("an opening is a JSON document of at most 64 MiB")
    try:
        document = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DecodeError("the opening is not a JSON document") from None
    if not isinstance(document, dict) or document.get("format") != OPENING_FORMAT:
        raise DecodeError("this is not a ballot opening")
    if document.get("version") != OPENING_VERSION:
        raise DecodeError("unknown ballot opening version")
    parameters = _field(document, "parameters", dict, "parameters")
    reveal = _field(document, "reveal", dict, "reveal")
    if reveal.get("version") != OPENING_VERSION:  # type: ignore[union-attr]
        raise DecodeError("unknown reveal version")
    survey_id = _field(parameters, "survey_id", int, "survey id")
    if _field(reveal, "survey_id", int, "reveal's survey id") != survey_id:
        raise DecodeError("the reveal names another survey than its parameters")
    questions = _field(parameters, "questions", list, "question list")
    answers = _field(reveal, "answers", list, "answers")
    nonces = []
    for row in _field(reveal, "nonces", list, "nonces"):  # type: ignore[union-attr]
        if not isinstance(row, list):
            raise DecodeError("the opening's nonces are a list per question")
        nonces.append(tuple(Scalar.from_bytes(_base64(n, "a nonce")) for n in row))
    return BallotOpening(
        survey_id=survey_id,  # type: ignore[arg-type]
        public_key=PublicKey.from_bytes(
            _base64(_field(parameters, "public_key", str, "public key"), "the public key")
        ),
        context=_base64(_field(parameters, "context", str, "context"), "the context"),
        specs=tuple(_spec_from_json(entry) for entry in questions),  # type: ignore[union-attr]
        payload=_base64(_field(document, "payload", str, "ballot"), "the ballot"),
        tracker=_field(reveal, "tracker", str, "tracker"),  # type: ignore[arg-type]
        answers=tuple(_answer_from_json(a) for a in answers),  # type: ignore[union-attr]
        nonces=tuple(nonces),
    )


def check_opening(opening: BallotOpening) -> OpeningCheck:
    """Check that the opened ballot holds exactly the revealed answers under
    its revealed nonces and that its proofs verify; never raises."""
    if not isinstance(opening, BallotOpening):
        return OpeningCheck(False, reason="not a ballot opening")
    if fingerprint(opening.payload) != opening.tracker:
        return OpeningCheck(False, reason="the tracker is not the fingerprint of this ballot")
    try:
        _check_specs(opening.specs)
        ballot = deserialize(opening.payload)
    except (DecodeError, ValueError) as bad:
        return OpeningCheck(False, reason=f"the ballot does not decode: {bad}")
    if len(opening.answers) != len(opening.specs):
        return OpeningCheck(False, reason="the opening reveals a different number of answers")
    expected = []
    for index, (spec, answer) in enumerate(zip(opening.specs, opening.answers)):
        try:
            expected.append(spec.slot_values(answer))  # type: ignore[arg-type]
        except InvalidAnswerError as bad:
            return OpeningCheck(False, reason=f"answer {index + 1} does not fit its question: {bad}")
    opened = open_ballot(
        opening.public_key, opening.context, opening.specs, ballot, opening.nonces
    )
    if opened is None:
        return OpeningCheck(
            False,
            reason="the ballot's proofs do not verify, or its ciphertexts are not "
            "encryptions under the revealed nonces",
        )
    for index, (held, shown) in enumerate(zip(opened, expected)):
        if held != shown:
            return OpeningCheck(
                False, reason=f"answer {index + 1} is not the one the ballot holds"
            )
    return OpeningCheck(
        True, answers=tuple(spec.answer_of(v) for spec, v in zip(opening.specs, opened))
    )


Tally: TypeAlias = "tuple[tuple[Ciphertext, ...], ...]"


def tally(specs: Sequence[QuestionSpec], ballots: Iterable[EncryptedBallot]) -> Tally:
    """Encrypted counts: for each question, the sum of each slot over ballots.

    Ballots must already have passed verify_ballot (checked when cast)."""
    slot_counts = [spec.slot_count for spec in specs]
    alphas = [[IDENTITY_ENCODING] * n for n in slot_counts]
    betas = [[IDENTITY_ENCODING] * n for n in slot_counts]
    for ballot in ballots:
        if len(ballot.answers) != len(slot_counts):
            raise DecodeError("ballot does not match the question list")
        for q, (answer, n) in enumerate(zip(ballot.answers, slot_counts)):
            if len(answer.ciphertexts) != n:
                raise DecodeError("ballot does not match the question list")
            qa, qb = alphas[q], betas[q]
            for s, ciphertext in enumerate(answer.ciphertexts):
                qa[s] = add_encodings(qa[s], ciphertext.alpha.to_bytes())
                qb[s] = add_encodings(qb[s], ciphertext.beta.to_bytes())
    return tuple(
        tuple(Ciphertext(Point._trusted(a), Point._trusted(b)) for a, b in zip(qa, qb))
        for qa, qb in zip(alphas, betas)
    )


def _ciphertext_regions(specs: Sequence[QuestionSpec]) -> tuple[int, list[tuple[int, int]], bytes]:
    """Expected size, (offset, length) of each answer's ciphertexts, and the
    expected header bytes after the version byte, for ballots of this question
    list (the layout is the same in every tallied version)."""
    offset = 3
    regions = []
    headers = [len(specs).to_bytes(2, "big")]
    for spec in specs:
        n, k = spec.slot_count, spec.proof_branches
        headers.append(bytes([n, k]))
        regions.append((offset + 2, n * CIPHERTEXT_SIZE))
        offset += _answer_size(n, k)
    return offset, regions, b"".join(headers)


def slot_ciphertexts(specs: Sequence[QuestionSpec], payload: bytes) -> bytes:
    """A stored ballot's ciphertexts, every slot in question order (64 bytes
    each, alpha then beta), read from its bytes as ``tally_serialized`` reads
    them: the layout is checked against ``specs`` (DecodeError if it differs),
    the proofs and points are not (the ballot was verified when cast)."""
    specs = tuple(specs)
    _check_specs(specs)
    size, regions, header = _ciphertext_regions(specs)
    if type(payload) is not bytes or len(payload) != size:
        raise DecodeError("the ballot does not match the question list")
    answer_headers = b"".join(payload[o - 2 : o] for o, _ in regions)
    if payload[0] not in TALLIED_BALLOT_VERSIONS or payload[1:3] + answer_headers != header:
        raise DecodeError("the ballot does not match the question list")
    return b"".join(payload[o : o + length] for o, length in regions)


def _sum_vectors(first_index: int, blob: bytes, width: int) -> bytes:
    """Slot-wise sum of vectors of ``width`` ciphertexts laid end to end;
    returns the summed vector. See elgamal._sum_concatenated on zero results."""
    alphas = [IDENTITY_ENCODING] * width
    betas = [IDENTITY_ENCODING] * width
    add = add_encodings
    stride = width * CIPHERTEXT_SIZE
    for start in range(0, len(blob), stride):
        for slot in range(width):
            at = start + slot * CIPHERTEXT_SIZE
            alpha_part = blob[at : at + POINT_SIZE]
            beta_part = blob[at + POINT_SIZE : at + CIPHERTEXT_SIZE]
            alpha = alphas[slot] = add(alphas[slot], alpha_part)
            beta = betas[slot] = add(betas[slot], beta_part)
            if (alpha == IDENTITY_ENCODING or beta == IDENTITY_ENCODING) and not (
                is_canonical_point_encoding(alpha_part) and is_canonical_point_encoding(beta_part)
            ):
                raise DecodeError(f"ballot {first_index + start // stride} holds an invalid point")
    return b"".join(a + b for a, b in zip(alphas, betas))


def tally_serialized(
    specs: Sequence[QuestionSpec],
    ballots: Sequence[bytes],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
) -> Tally:
    """``tally`` straight from stored ballot bytes, without decoding proofs.

    Accepts every version in TALLIED_BALLOT_VERSIONS (ballots stored before
    version 2 keep being counted). Checks each ballot's layout against
    ``specs`` (DecodeError, naming the ballot, if it differs) and splits the
    additions over ``workers`` threads
    (libsodium releases the GIL) or the given executor when there is enough
    work. Ballots must already have passed verify_ballot when cast.
    """
    specs = tuple(specs)
    _check_specs(specs)
    size, regions, header = _ciphertext_regions(specs)
    width = sum(spec.slot_count for spec in specs)
    vectors = []
    for index, data in enumerate(ballots):
        if type(data) is not bytes or len(data) != size:
            raise DecodeError(f"ballot {index} does not match the question list")
        answer_headers = b"".join(data[o - 2 : o] for o, _ in regions)
        if data[0] not in TALLIED_BALLOT_VERSIONS or data[1:3] + answer_headers != header:
            raise DecodeError(f"ballot {index} does not match the question list")
        vectors.extend(data[o : o + length] for o, length in regions)
    blob = b"".join(vectors)
    count = len(ballots)
    workers = workers or os.cpu_count() or 1
    if count * width < PARALLEL_MIN_CIPHERTEXTS or workers < 2 or count < 2:
        summed = _sum_vectors(0, blob, width)
    else:
        per_chunk = -(-count // workers)
        starts = list(range(0, count, per_chunk))
        stride = width * CIPHERTEXT_SIZE
        chunks = [blob[s * stride : (s + per_chunk) * stride] for s in starts]
        widths = [width] * len(chunks)
        if executor is None:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                partial_sums = list(pool.map(_sum_vectors, starts, chunks, widths))
        else:
            partial_sums = list(executor.map(_sum_vectors, starts, chunks, widths))
        summed = _sum_vectors(0, b"".join(partial_sums), width)
    result = []
    cursor = 0
    for spec in specs:
        row = []
        for _ in range(spec.slot_count):
            at = cursor * CIPHERTEXT_SIZE
            row.append(
                Ciphertext(
                    Point._trusted(summed[at : at + POINT_SIZE]),
                    Point._trusted(summed[at + POINT_SIZE : at + CIPHERTEXT_SIZE]),
                )
            )
            cursor += 1
        result.append(tuple(row))
    return tuple(result)
