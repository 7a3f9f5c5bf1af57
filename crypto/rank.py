"""Rank answers: "put up to m of these n options in order", encrypted as an
n×m matrix of 0/1 ciphertexts, with proofs that the matrix is a ranking.

Cell (i, j) holds 1 when option i is in place j (place 0 is the first). In a
ballot the cells are the answer's slots, option by option: cell (i, j) is slot
i·m + j. Summing ballots slot by slot (``crypto.ballot.tally``) therefore gives,
for each option, how many people put it first, second, ... m-th, which is all
a count by points needs; no single ballot is ever decrypted.

What is proven, every proof a disjunctive Chaum–Pedersen proof of
``crypto.proofs`` under the question's context Q (``crypto.ballot``):

* every cell holds 0 or 1: the ballot's slot proofs, under frame(b"slot", Q, slot);
* every option's row sums to 0 or 1, so no option takes two places:
  under frame(b"rank-option", Q, i as 4 bytes);
* the first place's column sums to 1 (to 0 or 1 where "can't say" is offered:
  the empty matrix *is* "can't say", there is no slot of its own), and for each
  later place j, column j-1 minus column j holds 0 or 1:
  under frame(b"rank-place", Q, j as 4 bytes).

Since every cell is 0 or 1, a column sums to a whole number from 0 to n, far
below the group's order, so nothing wraps around. Column 0 at most 1, and each
column at most the one before, give 1 ≥ c_0 ≥ c_1 ≥ ... ≥ c_{m-1} ≥ 0: every
place holds at most one option, and places are filled in order, with no gap.

Why no gaps. Proving each column in {0, 1} would cost the same m proofs but
accept a ballot with a third place and no second; such a ballot has no clear
meaning for a count by points (is its "3rd" worth the third place's points, or
the second's?), and would let one member push an option down without saying
what stands above it. With the order proven, place j is always the (j+1)-th
preference of whoever filled it, so "m points for a first place, ..., 1 for the
m-th" (a Borda count, ``surveys.results``) reads every ballot alike.

Layout (``crypto.ballot``'s, unchanged): the answer's ciphertexts and their 0/1
proofs as for any question, then, where other questions put their sum proof,
the n + m line proofs one after another: the rows in option order (2 branches
each), the first place (1 branch, or 2 with "can't say"), then places 1..m-1
(2 branches each); ``line_branches`` counts them. A ballot's header gives a
slot count in one byte, so n·m is at most 255.

Randomness (for test vectors): after the nonces, the cell proofs in slot order,
then the row proofs, then the place proofs, each drawing as
``crypto.proofs.prove_membership`` does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Final

from crypto.elgamal import CIPHERTEXT_SIZE, Ciphertext, PublicKey
from crypto.errors import InvalidAnswerError
from crypto.group import (
    IDENTITY_ENCODING,
    POINT_SIZE,
    SCALAR_SIZE,
    Scalar,
    add_encodings,
    frame,
    sub_encodings,
)
from crypto.proofs import (
    ZERO_OR_ONE,
    DisjunctiveProof,
    ScalarSource,
    VectorProof,
    _canonical_scalar,
    _membership_verifies,
    _prove_membership_unchecked,
    _slot_context,
    _zero_or_one_verifies_unchecked_points,
    prove_membership,
    prove_zero_or_one,
    verify_membership,
    verify_zero_or_one,
)

#: A ballot's header states an answer's slot count in one byte.
MAX_CELLS: Final = 255
OPTION_LABEL: Final = b"rank-option"
PLACE_LABEL: Final = b"rank-place"
_FIRST_PLACE_FILLED: Final = (1,)


def check_shape(options: int, places: int) -> None:
    """ValueError unless a ranking of ``places`` out of ``options`` fits a ballot."""
    if not 1 <= places <= options:
        raise ValueError("a ranking has between 1 place and as many places as options")
    if options * places > MAX_CELLS:
        raise ValueError(f"a ranking has at most {MAX_CELLS} cells (options × places)")


def cell(option: int, place: int, places: int) -> int:
    """The slot of cell (option, place)."""
    return option * places + place


def line_allowed(options: int, places: int, allows_blank: bool) -> tuple[tuple[int, ...], ...]:
    """The values each line proof allows, in proof order: every row, then every place."""
    first = ZERO_OR_ONE if allows_blank else _FIRST_PLACE_FILLED
    return (ZERO_OR_ONE,) * options + (first,) + (ZERO_OR_ONE,) * (places - 1)


def line_branches(options: int, places: int, allows_blank: bool) -> int:
    """How many (challenge, response) pairs the line proofs hold together."""
    return sum(len(allowed) for allowed in line_allowed(options, places, allows_blank))


def cells_of(options: int, places: int, ranking: object, allows_blank: bool) -> tuple[int, ...]:
    """The 0/1 matrix of a ranking (option indices, the first place first);
    InvalidAnswerError, saying why, for anything that is not a ranking. An empty
    ranking is the blank matrix, which only a question offering "can't say" takes."""
    if isinstance(ranking, (int, str, bytes)) or not isinstance(ranking, Collection):
        raise InvalidAnswerError("a ranking is a list of option indices, the first place first")
    order = list(ranking)
    if any(type(i) is not int or not 0 <= i < options for i in order):
        raise InvalidAnswerError(f"options are indices from 0 to {options - 1}")
    if len(set(order)) != len(order):
        raise InvalidAnswerError("an option is put in two places")
    if len(order) > places:
        raise InvalidAnswerError(f"at most {places} options can be put in order")
    if not order and not allows_blank:
        raise InvalidAnswerError("put at least one option first")
    values = [0] * (options * places)
    for place, option in enumerate(order):
        values[cell(option, place, places)] = 1
    return tuple(values)


def ranking_of(options: int, places: int, values: Sequence[int]) -> tuple[int, ...] | None:
    """The ranking a 0/1 matrix stands for, or None when it is no ranking (a
    place used twice or skipped, an option placed twice, not 0/1)."""
    if len(values) != options * places or any(v not in (0, 1) for v in values):
        return None
    order = []
    for place in range(places):
        held = [i for i in range(options) if values[cell(i, place, places)] == 1]
        if len(held) > 1:
            return None
        if not held:
            if any(values[cell(i, later, places)] for i in range(options) for later in range(place, places)):
                return None
            break
        order.append(held[0])
    return tuple(order) if len(set(order)) == len(order) else None


def _option_context(context: bytes, option: int) -> bytes:
    return frame(OPTION_LABEL, context, option.to_bytes(4, "big"))


def _place_context(context: bytes, place: int) -> bytes:
    return frame(PLACE_LABEL, context, place.to_bytes(4, "big"))


def _line_contexts(context: bytes, options: int, places: int) -> list[bytes]:
    return [_option_context(context, i) for i in range(options)] + [
        _place_context(context, j) for j in range(places)]


def _lines(cells: Sequence, options: int, places: int, add, subtract, zero) -> list:
    """The n row sums and the m place lines (place 0's column, then each column
    minus the next), of anything that adds: ciphertexts, nonces, values."""
    rows = []
    for i in range(options):
        total = zero
        for j in range(places):
            total = add(total, cells[cell(i, j, places)])
        rows.append(total)
    columns = []
    for j in range(places):
        total = zero
        for i in range(options):
            total = add(total, cells[cell(i, j, places)])
        columns.append(total)
    return rows + [columns[0]] + [subtract(columns[j - 1], columns[j]) for j in range(1, places)]


def prove_rank(
    public_key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    values: Sequence[int],
    nonces: Sequence[Scalar],
    context: bytes,
    *,
    options: int,
    places: int,
    allows_blank: bool,
    random_scalar: ScalarSource | None = None,
    _check: bool = True,
) -> VectorProof:
    """Prove the matrix ``ciphertexts`` (made with ``nonces``) holds the ranking
    ``values``: the cells' 0/1 proofs, and the line proofs as one run of
    branches in the sum proof's place (see the module docstring). Raises
    ValueError for a matrix that is no ranking (tests of lying provers pass
    ``_check=False`` and get proofs that do not verify)."""
    check_shape(options, places)
    if not (len(ciphertexts) == len(values) == len(nonces) == options * places):
        raise ValueError("a ranking's ciphertexts, values and nonces are one per cell")
    if _check and ranking_of(options, places, values) is None:
        raise ValueError("cannot prove a matrix that is not a ranking")
    prove_cell = prove_zero_or_one if _check else (
        lambda key, c, v, r, ctx, random_scalar=None: _prove_membership_unchecked(
            key, c, v, r, ZERO_OR_ONE, ctx, random_scalar))
    cell_proofs = tuple(
        prove_cell(public_key, c, v, r, _slot_context(context, s), random_scalar=random_scalar)
        for s, (c, v, r) in enumerate(zip(ciphertexts, values, nonces)))
    line_ciphertexts = _lines(ciphertexts, options, places, lambda a, b: a + b, lambda a, b: a - b,
                              Ciphertext.zero())
    line_values = _lines(values, options, places, lambda a, b: a + b, lambda a, b: a - b, 0)
    line_nonces = _lines(nonces, options, places, lambda a, b: a + b, lambda a, b: a - b, Scalar(0))
    challenges: list[bytes] = []
    responses: list[bytes] = []
    for ciphertext, value, nonce, allowed, line_context in zip(
            line_ciphertexts, line_values, line_nonces, line_allowed(options, places, allows_blank),
            _line_contexts(context, options, places)):
        if _check:
            proof = prove_membership(public_key, ciphertext, value, nonce, allowed, line_context,
                                     random_scalar=random_scalar)
        else:
            proof = _prove_membership_unchecked(public_key, ciphertext, value, nonce, allowed, line_context,
                                                random_scalar)
        challenges += proof.challenges
        responses += proof.responses
    return VectorProof(cell_proofs, DisjunctiveProof(tuple(challenges), tuple(responses)))


def verify_rank(
    public_key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    proof: VectorProof,
    context: bytes,
    *,
    options: int,
    places: int,
    allows_blank: bool,
) -> bool:
    """True only if ``proof`` shows the matrix holds a ranking (module
    docstring); False, never an exception, for anything else."""
    try:
        check_shape(options, places)
        ciphertexts = tuple(ciphertexts)
        allowed_sets = line_allowed(options, places, allows_blank)
        if not (
            isinstance(public_key, PublicKey)
            and isinstance(proof, VectorProof)
            and isinstance(proof.sum_proof, DisjunctiveProof)
            and isinstance(context, bytes)
            and len(ciphertexts) == len(proof.slot_proofs) == options * places
            and all(isinstance(c, Ciphertext) for c in ciphertexts)
            and len(proof.sum_proof.challenges) == len(proof.sum_proof.responses)
            == sum(len(a) for a in allowed_sets)
        ):
            return False
    except (TypeError, ValueError):
        return False
    for slot, (ciphertext, cell_proof) in enumerate(zip(ciphertexts, proof.slot_proofs)):
        if not verify_zero_or_one(public_key, ciphertext, cell_proof, _slot_context(context, slot)):
            return False
    lines = _lines(ciphertexts, options, places, lambda a, b: a + b, lambda a, b: a - b, Ciphertext.zero())
    at = 0
    for ciphertext, allowed, line_context in zip(lines, allowed_sets, _line_contexts(context, options, places)):
        branch = DisjunctiveProof(proof.sum_proof.challenges[at:at + len(allowed)],
                                  proof.sum_proof.responses[at:at + len(allowed)])
        at += len(allowed)
        if not verify_membership(public_key, ciphertext, branch, allowed, line_context):
            return False
    return True


def verify_rank_encoded(
    public_key: PublicKey,
    ciphertexts: bytes,
    cell_proofs: bytes,
    line_proofs: bytes,
    context: bytes,
    *,
    options: int,
    places: int,
    allows_blank: bool,
) -> bool:
    """``verify_rank`` on the bytes as a ballot lays them out: True exactly when
    decoding them would succeed and ``verify_rank`` would accept, each point
    decoded once (by the cell proof that first uses it, then trusted)."""
    try:
        check_shape(options, places)
        allowed_sets = line_allowed(options, places, allows_blank)
    except (TypeError, ValueError):
        return False
    cells = options * places
    cell_proof_size = DisjunctiveProof.size(2)
    if not (
        isinstance(public_key, PublicKey)
        and isinstance(context, bytes)
        and type(ciphertexts) is bytes and len(ciphertexts) == cells * CIPHERTEXT_SIZE
        and type(cell_proofs) is bytes and len(cell_proofs) == cells * cell_proof_size
        and type(line_proofs) is bytes
        and len(line_proofs) == DisjunctiveProof.size(sum(len(a) for a in allowed_sets))
    ):
        return False
    key = public_key.to_bytes()
    pairs = []
    for slot in range(cells):
        at = slot * CIPHERTEXT_SIZE
        alpha, beta = ciphertexts[at:at + POINT_SIZE], ciphertexts[at + POINT_SIZE:at + CIPHERTEXT_SIZE]
        if not _zero_or_one_verifies_unchecked_points(
                key, alpha, beta, cell_proofs[slot * cell_proof_size:(slot + 1) * cell_proof_size],
                _slot_context(context, slot)):
            return False
        pairs.append((alpha, beta))
    scalars = [line_proofs[i:i + SCALAR_SIZE] for i in range(0, len(line_proofs), SCALAR_SIZE)]
    if not all(_canonical_scalar(s) for s in scalars):
        return False
    # Every point has been decoded and checked by its cell proof: the sums may use the unchecked operations.
    identity = (IDENTITY_ENCODING, IDENTITY_ENCODING)
    lines = _lines(pairs, options, places,
                   lambda a, b: (add_encodings(a[0], b[0]), add_encodings(a[1], b[1])),
                   lambda a, b: (sub_encodings(a[0], b[0]), sub_encodings(a[1], b[1])), identity)
    at = 0
    for (alpha, beta), allowed, line_context in zip(lines, allowed_sets, _line_contexts(context, options, places)):
        branch = scalars[2 * at:2 * (at + len(allowed))]
        at += len(allowed)
        if not _membership_verifies(key, alpha, beta, branch[0::2], branch[1::2], allowed, line_context):
            return False
    return True
