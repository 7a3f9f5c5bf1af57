"""The ballot pool: how an accepted ballot is stored so that nothing on disk
pairs it with the person who cast it (PRIVACY.md invariant 1).

The threat. Someone holds a copy of the database — the SQLite file, or read
access to PostgreSQL including its system columns — and the list of who took
part. Every row a transaction writes is stamped by the storage engine: SQLite
allocates rowids, pages and overflow pages in arrival order, PostgreSQL stamps
each row version with its transaction id (`xmin`) and places it at the end of
the heap (`ctid`). A ballot written as its own row at the moment it is cast is
therefore dated, and so is everything else its voter wrote around then: their
ledger row, and even the sign-in that preceded the answer. No choice of key
or column hides that, because the stamp is on the row itself.

The defence. A ballot is never written as its own row while voting is open.
Each survey has one *pool* row holding every pending ballot (with its cell),
every pending sealed comment (apart from its ballot) and every pending
respondent, in freshly shuffled order, sealed as a whole by the application
key. Each answer rewrites the
whole pool in one statement, so what the storage engine stamps is "the pool
changed", never "this ballot arrived"; which entry is new is not visible, not
even to someone who can open the pool. When the pool holds twice its
anonymity size, a random half of its ballots moves into `survey_ballots`, an
independently chosen random half of its respondents into the participation
ledger and of its comments into `survey_sealed_comments`, in one transaction,
in random order: a moved batch is a random sample of the pool, unrelated to the
respondents and comments moved beside it. At close, the mix
(`surveys.tally.prepare_release`) rewrites every ballot, comment and ledger row
of the survey in one transaction, in random order, under new random keys, and
deletes the pool: afterwards every row of the survey carries the same stamp.

What it costs, and what remains. Each answer rewrites at most twice the
anonymity size in ballots (see `anonymity_size`: 32 ballots of the standard
4 KB pulse ballot, 8 of a 20-question one, so a rewrite stays near 256 KiB); the
size trades the cost of every answer against how many a waiting ballot hides
among, and the figures are in bench/load.py's output. While voting is
open a ballot hides among the pool's entries or, once moved, among a batch and
the pool it came from: a reader who also knows exactly when each person
answered can narrow a moved ballot to about three times the anonymity size of
voters; until more than twice that many have answered, and after close, it
hides among everyone who answered. On SQLite, `secure_delete` (see
`core.models`) zeroes what each rewrite frees; PostgreSQL keeps dead row
versions out of SQL's sight until VACUUM and recycles its WAL, which only
someone with the server's raw disk can read. Someone who can open the pool
(the application key) and holds the server-held key of a survey could decrypt
the pool's ballots, but not tell whose they are.

Counts reconcile by this rule, at every instant: stored ballots equal stored
ledger rows (each move takes the same number of each), and the pool holds as
many entries as respondents; after the mix the pool is empty.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FORMAT_VERSION = 1
#: Most ballots a pool keeps once enough people answered.
MAX_ANONYMITY = 32
#: Fewest, however long the ballot.
MIN_ANONYMITY = 8
#: The pool is kept under about this size in bytes (see `anonymity_size`): every
#: answer rewrites it whole, and on PostgreSQL with fsync the commit of that
#: write is what answers wait for, one at a time (bench/load.py measures it).
TARGET_POOL_BYTES = 256 * 1024
#: A cell is padded to this many bytes before it is sealed, so its length says nothing.
CELL_WIDTH = 16


class PoolFormatError(ValueError):
    """A stored pool that does not decode: altered, or from another version."""


@dataclass(frozen=True)
class PendingBallot:
    """One accepted ballot waiting in the pool."""

    #: The declared cell of its voter, decided at launch; never stored in the clear.
    cell: str
    #: The serialized encrypted answers with their proofs.
    payload: bytes

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


@dataclass(frozen=True)
class PendingComment:
    """A sealed free-text answer. It waits and moves apart from its ballot, so a
    comment that gives its author away does not point to their ballot either."""

    question_id: int
    sealed: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.sealed).hexdigest()


@dataclass
class Pool:
    """Pending ballots, comments and respondents of one open survey, unrelated by order."""

    survey_id: int
    ballots: list[PendingBallot] = field(default_factory=list)
    comments: list[PendingComment] = field(default_factory=list)
    respondents: list[str] = field(default_factory=list)

    def has_respondent(self, voter_ref: str) -> bool:
        return voter_ref in self.respondents

    def fingerprints(self) -> set[str]:
        return {ballot.fingerprint for ballot in self.ballots}

    def comment_digests(self) -> set[str]:
        return {comment.digest for comment in self.comments}

    def add(self, ballot: PendingBallot, comments: Iterable[PendingComment], voter_ref: str) -> None:
        self.ballots.append(ballot)
        self.comments.extend(comments)
        self.respondents.append(voter_ref)

    def take_random_half(self, size: int) -> tuple[list[PendingBallot], list[PendingComment], list[str]]:
        """Remove `size` ballots, `size` respondents and half the comments, each
        chosen at random and independently of the others, so what moves together
        says nothing of who cast what."""
        return (_take_random(self.ballots, size), _take_random(self.comments, len(self.comments) // 2),
                _take_random(self.respondents, size))

    def shuffle(self) -> None:
        for items in (self.ballots, self.comments, self.respondents):
            _shuffle(items)

    def to_bytes(self) -> bytes:
        """Shuffle, then serialize: every rewrite of the pool has a fresh order."""
        self.shuffle()
        parts = [struct.pack(">BIIII", FORMAT_VERSION, self.survey_id, len(self.ballots), len(self.comments),
                             len(self.respondents))]
        for ballot in self.ballots:
            cell = ballot.cell.encode()
            parts.append(struct.pack(">B", len(cell)) + cell)
            parts.append(struct.pack(">I", len(ballot.payload)) + ballot.payload)
        for comment in self.comments:
            parts.append(struct.pack(">II", comment.question_id, len(comment.sealed)) + comment.sealed)
        for ref in self.respondents:
            encoded = ref.encode()
            parts.append(struct.pack(">H", len(encoded)) + encoded)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes, survey_id: int) -> Pool:
        reader = _Reader(data)
        version, stored_survey, ballot_count, comment_count, respondent_count = reader.unpack(">BIIII")
        if version != FORMAT_VERSION:
            raise PoolFormatError(f"unknown pool version {version}")
        if stored_survey != survey_id:
            raise PoolFormatError("this pool belongs to another survey")
        pool = cls(survey_id)
        for _ in range(ballot_count):
            cell = reader.take(reader.unpack(">B")[0]).decode()
            payload = reader.take(reader.unpack(">I")[0])
            pool.ballots.append(PendingBallot(cell, payload))
        for _ in range(comment_count):
            question_id, length = reader.unpack(">II")
            pool.comments.append(PendingComment(question_id, reader.take(length)))
        for _ in range(respondent_count):
            pool.respondents.append(reader.take(reader.unpack(">H")[0]).decode())
        reader.finish()
        return pool


def anonymity_size(payload_size: int) -> int:
    """How many ballots the pool keeps once it has had that many: as many as fit
    twice in `TARGET_POOL_BYTES`, within [MIN_ANONYMITY, MAX_ANONYMITY]."""
    fitting = TARGET_POOL_BYTES // (2 * max(payload_size, 1))
    return max(MIN_ANONYMITY, min(MAX_ANONYMITY, fitting))


def pad_cell(cell: str) -> bytes:
    encoded = cell.encode()
    if len(encoded) >= CELL_WIDTH:
        raise ValueError("cell ids are short")
    return encoded + b"\0" * (CELL_WIDTH - len(encoded))


def unpad_cell(padded: bytes) -> str:
    return padded.rstrip(b"\0").decode()


def shuffled(items: Iterable) -> list:
    result = list(items)
    _shuffle(result)
    return result


def _shuffle(items: list) -> None:
    secrets.SystemRandom().shuffle(items)


def _take_random(items: list, size: int) -> list:
    _shuffle(items)
    taken = items[:size]
    del items[:size]
    return taken


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, length: int) -> bytes:
        end = self.offset + length
        if end > len(self.data):
            raise PoolFormatError("pool truncated")
        chunk = self.data[self.offset:end]
        self.offset = end
        return chunk

    def unpack(self, shape: str) -> Sequence[int]:
        return struct.unpack(shape, self.take(struct.calcsize(shape)))

    def finish(self) -> None:
        if self.offset != len(self.data):
            raise PoolFormatError("trailing bytes after the pool")
