"""Rank answers (crypto/rank.py, through crypto/ballot.py): a ranking becomes
its matrix and back; answers that repeat an option, skip a place or put too
many in order are refused before anything is encrypted; a prover that lies
(an option in two places, two options in one place, a gap, a cell holding 2,
an empty matrix where "can't say" is not offered) gets proofs that verify
nowhere, by objects or from bytes; a tampered cell, a swapped line proof or
another shape breaks an honest ballot; and the slot sums of hand-made ballots
are the counts by place worked out by hand."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import ballot as ballots
from crypto import rank
from crypto.ballot import CANT_SAY, QuestionSpec, Ranking
from crypto.elgamal import KeyPair, decrypt_sum, encrypt, generate_keypair
from crypto.errors import InvalidAnswerError
from crypto.group import Scalar
from crypto.proofs import VectorProof, prove_vector

CONTEXT = b"survey:rank/round:1"
TOP_THREE_OF_NINE = QuestionSpec.rank(9, 3)
FULL_ORDER_OR_CANT_SAY = QuestionSpec.rank(4, 4, allows_cant_say=True)


@pytest.fixture(scope="module")
def keypair() -> KeyPair:
    return generate_keypair()


def cells(options: int, places: int, placed: dict[tuple[int, int], int]) -> list[int]:
    """A matrix written by hand: {(option, place): value}, every other cell 0."""
    values = [0] * (options * places)
    for (option, place), value in placed.items():
        values[option * places + place] = value
    return values


def forged_ballot_of(public_key, context: bytes, specs: list[QuestionSpec], vectors: list[list[int]], *,
                     honest: bool = False) -> bytes:
    """A ballot laid out and bound exactly as encrypt_ballot makes one, holding
    the given 0/1 vectors (whatever they are), each rank answer proven for its
    vector as it is (`honest`: checked first, as encrypt_ballot would); the other
    questions' vectors must be honest."""
    nonces = [[Scalar.random() for _ in values] for values in vectors]
    ciphertexts = [tuple(encrypt(public_key, v, r) for v, r in zip(values, row)) for values, row in zip(vectors, nonces)]
    definition, digest = ballots._definition_digest(specs), ballots._ballot_digest(ciphertexts)
    answers = []
    for index, (spec, values, row, cts) in enumerate(zip(specs, vectors, nonces, ciphertexts)):
        question = ballots._question_context(context, definition, digest, index, spec)
        if spec.is_rank:
            proof = rank.prove_rank(public_key, cts, values, row, question, options=spec.options,
                                    places=spec.max_choices, allows_blank=spec.allows_cant_say, _check=honest)
        else:
            proof = prove_vector(public_key, cts, values, row, question, allowed_sums=spec.allowed_sums,
                                 weights=spec.weights)
        answers.append(ballots.EncryptedAnswer(cts, proof))
    return ballots.serialize(ballots.EncryptedBallot(tuple(answers)))


def forged_ballot(keypair: KeyPair, spec: QuestionSpec, values: list[int], *, honest: bool = False) -> bytes:
    """A one-question ballot whose rank proofs were made for `values`, whatever they are."""
    return forged_ballot_of(keypair.public_key, CONTEXT, [spec], [values], honest=honest)


def accepted(keypair: KeyPair, spec: QuestionSpec, payload: bytes) -> tuple[bool, bool]:
    """(from bytes, from objects): the ballot box's check and the decoded check."""
    return (ballots.verify_serialized(keypair.public_key, CONTEXT, [spec], payload),
            ballots.verify_ballot(keypair.public_key, CONTEXT, [spec], ballots.deserialize(payload)))


# ------------------------------------------------------------------ answers and matrices


def test_every_ranking_of_a_small_shape_becomes_its_matrix_and_back():
    options, places = 4, 3
    rankings = [order for length in range(1, places + 1) for order in itertools.permutations(range(options), length)]
    matrices = set()
    for order in rankings:
        values = rank.cells_of(options, places, order, False)
        assert sum(values) == len(order)
        assert all(values[rank.cell(option, place, places)] == 1 for place, option in enumerate(order))
        assert rank.ranking_of(options, places, values) == order
        matrices.add(values)
    assert len(matrices) == len(rankings) == 4 + 12 + 24


@pytest.mark.parametrize("placed, why", [
    ({(0, 0): 1, (0, 1): 1}, "one option in two places"),
    ({(0, 0): 1, (1, 0): 1}, "two options in one place"),
    ({(0, 0): 1, (1, 2): 1}, "the second place empty, the third taken"),
    ({(2, 1): 1}, "no first place"),
    ({(0, 0): 2}, "a cell holding 2"),
])
def test_a_matrix_that_is_no_ranking_reads_as_none(placed, why):
    assert rank.ranking_of(4, 3, cells(4, 3, placed)) is None, why


@pytest.mark.parametrize("answer, words", [
    ([1, 1], "two places"),
    ([0, 1, 2, 3], "at most 3"),
    ([9], "from 0 to 8"),
    ([-1], "from 0 to 8"),
    ([True], "from 0 to 8"),
    ([], "at least one"),
    ("012", "list of option indices"),
    (3, "list of option indices"),
    (CANT_SAY, "can't say"),
])
def test_answers_that_are_no_ranking_are_refused_before_encrypting(keypair, answer, words):
    with pytest.raises(InvalidAnswerError, match=words):
        TOP_THREE_OF_NINE.slot_values(answer)
    with pytest.raises(InvalidAnswerError):
        ballots.encrypt_ballot(keypair.public_key, CONTEXT, [TOP_THREE_OF_NINE], [answer])


def test_cant_say_is_the_empty_matrix_and_reads_back():
    assert FULL_ORDER_OR_CANT_SAY.slot_values(CANT_SAY) == (0,) * 16
    assert FULL_ORDER_OR_CANT_SAY.answer_of((0,) * 16) is CANT_SAY
    with pytest.raises(InvalidAnswerError):
        TOP_THREE_OF_NINE.answer_of((0,) * 27)
    # An empty list is refused even where "can't say" is offered: that answer is named.
    with pytest.raises(InvalidAnswerError, match="at least one"):
        FULL_ORDER_OR_CANT_SAY.slot_values([])


def test_a_ranking_reads_back_in_its_order_and_is_written_so():
    values = TOP_THREE_OF_NINE.slot_values([7, 0, 3])
    answer = TOP_THREE_OF_NINE.answer_of(values)
    assert answer == (7, 0, 3) and isinstance(answer, Ranking)
    assert ballots.answer_to_json(answer) == [7, 0, 3], "a ranking keeps its order"
    assert ballots.answer_to_json((7, 0, 3)) == [0, 3, 7], "a multiple choice is written sorted"


@pytest.mark.parametrize("options, places", [(3, 4), (3, 0), (64, 4), (2, -1)])
def test_impossible_shapes_are_refused(options, places):
    with pytest.raises(ValueError):
        QuestionSpec.rank(options, places)


def test_the_shape_fixes_the_slots_and_the_line_proofs():
    assert (TOP_THREE_OF_NINE.slot_count, TOP_THREE_OF_NINE.proof_branches) == (27, 2 * 9 + 1 + 2 * 2)
    assert (FULL_ORDER_OR_CANT_SAY.slot_count, FULL_ORDER_OR_CANT_SAY.proof_branches) == (16, 2 * 4 + 2 + 2 * 3)
    assert TOP_THREE_OF_NINE.cant_say_slot is None
    assert QuestionSpec.rank(63, 4).slot_count == 252
    with pytest.raises(ValueError):
        TOP_THREE_OF_NINE.allowed_sums  # a ranking has no single sum to prove


# ------------------------------------------------------------------ proofs


@pytest.mark.parametrize("spec, answer", [
    (TOP_THREE_OF_NINE, [2, 0, 7]), (TOP_THREE_OF_NINE, [8]), (FULL_ORDER_OR_CANT_SAY, [3, 1, 0, 2]),
    (FULL_ORDER_OR_CANT_SAY, CANT_SAY), (QuestionSpec.rank(2, 1), [1]),
])
def test_an_honest_ranking_verifies_from_bytes_and_from_objects(keypair, spec, answer):
    payload = ballots.serialize(ballots.encrypt_ballot(keypair.public_key, CONTEXT, [spec], [answer]))
    assert accepted(keypair, spec, payload) == (True, True)
    assert forged_ballot(keypair, spec, list(spec.slot_values(answer)), honest=True)  # the builder is honest too
    assert accepted(keypair, spec, forged_ballot(keypair, spec, list(spec.slot_values(answer)), honest=True)) == (
        True, True)


@pytest.mark.parametrize("spec, placed, why", [
    (TOP_THREE_OF_NINE, {(0, 0): 1, (0, 1): 1}, "an option in two places: its row sums to 2"),
    (TOP_THREE_OF_NINE, {(0, 0): 1, (1, 0): 1}, "two options first: the first column sums to 2"),
    (TOP_THREE_OF_NINE, {(0, 0): 1, (1, 1): 1, (2, 1): 1}, "two options second: a column sums to 2"),
    (TOP_THREE_OF_NINE, {(0, 0): 1, (4, 2): 1}, "the second place skipped"),
    (TOP_THREE_OF_NINE, {(3, 1): 1}, "no first place"),
    (TOP_THREE_OF_NINE, {(0, 0): 2}, "a cell holding 2"),
    (TOP_THREE_OF_NINE, {}, "an empty matrix, with no \u201ccan't say\u201d offered"),
    (FULL_ORDER_OR_CANT_SAY, {(0, 0): 1, (0, 3): 1}, "an option first and last"),
    (FULL_ORDER_OR_CANT_SAY, {(1, 1): 1}, "a second place with no first"),
])
def test_a_lying_prover_is_refused(keypair, spec, placed, why):
    values = cells(spec.options, spec.max_choices, placed)
    with pytest.raises(ValueError):
        forged_ballot(keypair, spec, values, honest=True)
    assert accepted(keypair, spec, forged_ballot(keypair, spec, values)) == (False, False), why


def test_a_tampered_rank_answer_fails(keypair):
    spec = TOP_THREE_OF_NINE
    payload = ballots.serialize(ballots.encrypt_ballot(keypair.public_key, CONTEXT, [spec], [[2, 0, 7]]))
    cells_at, proofs_at = 5, 5 + 27 * 64
    lines_at = proofs_at + 27 * 128
    swapped_cells = (payload[:cells_at] + payload[cells_at + 64:cells_at + 128] + payload[cells_at:cells_at + 64]
                     + payload[cells_at + 128:])
    first_line, second_line = payload[lines_at:lines_at + 128], payload[lines_at + 128:lines_at + 256]
    swapped_lines = payload[:lines_at] + second_line + first_line + payload[lines_at + 256:]
    flipped = bytearray(payload)
    flipped[cells_at + 6 * 64 + 40] ^= 0x04  # the beta of option 2's first place
    tampered = {"two cells swapped": swapped_cells, "two line proofs swapped": swapped_lines,
                "a cell's bytes changed": bytes(flipped)}
    for name, changed in tampered.items():
        assert not ballots.verify_serialized(keypair.public_key, CONTEXT, [spec], changed), name
    # Read as another shape (top 4 of 9, or with "can't say"), the same bytes are refused.
    for other in (QuestionSpec.rank(9, 4), QuestionSpec.rank(9, 3, allows_cant_say=True)):
        assert not ballots.verify_serialized(keypair.public_key, CONTEXT, [other], payload)
    assert not ballots.verify_serialized(keypair.public_key, b"another survey", [spec], payload)


def test_the_object_verifier_refuses_wrong_lengths(keypair):
    spec = TOP_THREE_OF_NINE
    answer = ballots.encrypt_ballot(keypair.public_key, CONTEXT, [spec], [[1]]).answers[0]
    short = VectorProof(answer.proof.slot_proofs[:-1], answer.proof.sum_proof)
    assert not rank.verify_rank(keypair.public_key, answer.ciphertexts, short, CONTEXT, options=9, places=3,
                                allows_blank=False)
    assert not rank.verify_rank(keypair.public_key, answer.ciphertexts[:-1], answer.proof, CONTEXT, options=9,
                                places=3, allows_blank=False)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_random_rankings_encrypt_verify_and_decrypt_to_themselves(keypair, data):
    options = data.draw(st.integers(2, 7))
    places = data.draw(st.integers(1, options))
    spec = QuestionSpec.rank(options, places)
    order = data.draw(st.lists(st.integers(0, options - 1), min_size=1, max_size=places, unique=True))
    payload = ballots.serialize(ballots.encrypt_ballot(keypair.public_key, CONTEXT, [spec], [order]))
    assert ballots.verify_serialized(keypair.public_key, CONTEXT, [spec], payload)
    decrypted = [decrypt_sum(keypair.secret_key, c, 1) for c in ballots.deserialize(payload).answers[0].ciphertexts]
    assert spec.answer_of(decrypted) == tuple(order)
    repeated = data.draw(st.lists(st.integers(0, options - 1), min_size=2, max_size=places + 1).filter(
        lambda given: len(set(given)) < len(given)))
    with pytest.raises(InvalidAnswerError):
        spec.slot_values(repeated)


# ------------------------------------------------------------------ sums


def test_slot_sums_are_the_counts_by_place_worked_out_by_hand(keypair):
    # Four options (Pay, Safety, Breaks, Respect), three places, "can't say" offered.
    spec = QuestionSpec.rank(4, 3, allows_cant_say=True)
    answers = [[0, 1, 2], [1, 0], [2], [0, 2, 3], CANT_SAY, [1, 3, 0]]
    payloads = [ballots.serialize(ballots.encrypt_ballot(keypair.public_key, CONTEXT, [spec], [a])) for a in answers]
    summed = ballots.tally_serialized([spec], payloads)[0]
    counts = [decrypt_sum(keypair.secret_key, c, len(answers)) for c in summed]
    by_option = [counts[i * 3:(i + 1) * 3] for i in range(4)]
    assert by_option == [[2, 1, 1],   # Pay: first on 2 ballots, second on 1, third on 1
                         [2, 1, 0],   # Safety
                         [1, 1, 1],   # Breaks
                         [0, 1, 1]]   # Respect
    # Those who put something first, and so "can't say": 5 and 1.
    assert sum(row[0] for row in by_option) == 5
