"""Ballots: answers to vectors, proofs, strict serialization, receipts, tallies."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.ballot import (
    BALLOT_VERSION,
    CANT_SAY,
    EncryptedAnswer,
    EncryptedBallot,
    QuestionKind,
    QuestionSpec,
    deserialize,
    encrypt_ballot,
    fingerprint,
    serialize,
    tally,
    tally_serialized,
    verify_ballot,
    verify_serialized,
)
from crypto.elgamal import (
    PARALLEL_MIN_CIPHERTEXTS,
    Ciphertext,
    KeyPair,
    decrypt_sum,
    encrypt,
    generate_keypair,
)
from crypto.errors import DecodeError, InvalidAnswerError
from crypto.group import Scalar, frame
from crypto.proofs import VectorProof, prove_vector, verify_vector

SURVEY = b"survey:9f2c/round:1"

SPECS = (
    QuestionSpec.scale(5),
    QuestionSpec.yes_no(allows_cant_say=True),
    QuestionSpec.single_choice(3),
    QuestionSpec.multiple_choice(4, 2, allows_cant_say=True),
)


@pytest.fixture(scope="module")
def keypair() -> KeyPair:
    return generate_keypair()


def answers_for(spec: QuestionSpec) -> st.SearchStrategy[object]:
    cant_say = [st.just(CANT_SAY)] if spec.allows_cant_say else []
    if spec.kind is QuestionKind.SCALE:
        own = st.integers(1, spec.options)
    elif spec.kind is QuestionKind.YES_NO:
        own = st.booleans()
    elif spec.kind is QuestionKind.SINGLE_CHOICE:
        own = st.integers(0, spec.options - 1)
    else:
        own = st.sets(st.integers(0, spec.options - 1), max_size=spec.max_choices)
    return st.one_of(own, *cant_say)


ballot_answers = st.tuples(*(answers_for(spec) for spec in SPECS))


@pytest.mark.parametrize(
    ("spec", "answer", "expected"),
    [
        (QuestionSpec.scale(5), 1, (1, 0, 0, 0, 0)),
        (QuestionSpec.scale(5), 5, (0, 0, 0, 0, 1)),
        (QuestionSpec.scale(5, allows_cant_say=True), CANT_SAY, (0, 0, 0, 0, 0, 1)),
        (QuestionSpec.yes_no(), True, (1, 0)),
        (QuestionSpec.yes_no(), False, (0, 1)),
        (QuestionSpec.single_choice(3), 2, (0, 0, 1)),
        (QuestionSpec.multiple_choice(4, 2), {0, 3}, (1, 0, 0, 1)),
        (QuestionSpec.multiple_choice(4, 2), [], (0, 0, 0, 0)),
        (QuestionSpec.multiple_choice(4, 2, allows_cant_say=True), CANT_SAY, (0, 0, 0, 0, 1)),
    ],
)
def test_answers_map_to_slots(
    spec: QuestionSpec, answer: object, expected: tuple[int, ...]
) -> None:
    assert spec.slot_values(answer) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        (QuestionSpec.scale(5), 0),
        (QuestionSpec.scale(5), 6),
        (QuestionSpec.scale(5), True),
        (QuestionSpec.scale(5), CANT_SAY),
        (QuestionSpec.yes_no(), 1),
        (QuestionSpec.single_choice(3), 3),
        (QuestionSpec.single_choice(3), -1),
        (QuestionSpec.multiple_choice(4, 2), {0, 1, 2}),
        (QuestionSpec.multiple_choice(4, 2), [1, 1]),
        (QuestionSpec.multiple_choice(4, 2), 1),
        (QuestionSpec.multiple_choice(4, 2), "01"),
        (QuestionSpec.multiple_choice(4, 2), {4}),
    ],
)
def test_answers_that_do_not_fit_are_refused(spec: QuestionSpec, answer: object) -> None:
    with pytest.raises(InvalidAnswerError):
        spec.slot_values(answer)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "arguments",
    [
        (QuestionKind.YES_NO, 3, 1, False),
        (QuestionKind.SCALE, 1, 1, False),
        (QuestionKind.SCALE, 12, 1, False),
        (QuestionKind.SINGLE_CHOICE, 65, 1, False),
        (QuestionKind.SINGLE_CHOICE, 3, 2, False),
        (QuestionKind.MULTIPLE_CHOICE, 3, 0, False),
        (QuestionKind.MULTIPLE_CHOICE, 3, 4, False),
        ("scale", 5, 1, False),
        (QuestionKind.SCALE, 5, 1, 1),
    ],
)
def test_impossible_question_specs_are_refused(arguments: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        QuestionSpec(*arguments)  # type: ignore[arg-type]


@settings(max_examples=12, deadline=None)
@given(ballot_answers)
def test_ballots_round_trip_verify_and_tally_to_their_answers(answers: tuple[object, ...]) -> None:
    keys = generate_keypair()
    ballot = encrypt_ballot(keys.public_key, SURVEY, SPECS, answers)  # type: ignore[arg-type]
    data = serialize(ballot)
    decoded = deserialize(data)
    assert decoded == ballot
    assert serialize(decoded) == data
    assert verify_ballot(keys.public_key, SURVEY, SPECS, decoded)
    assert verify_serialized(keys.public_key, SURVEY, SPECS, data)
    counts = [[decrypt_sum(keys.secret_key, c) for c in row] for row in tally(SPECS, [decoded])]
    assert counts == [list(spec.slot_values(a)) for spec, a in zip(SPECS, answers)]  # type: ignore[arg-type]


def test_ballot_is_bound_to_survey_key_and_question_list(keypair: KeyPair) -> None:
    ballot = encrypt_ballot(keypair.public_key, SURVEY, SPECS, [3, True, 0, {1}])
    assert verify_ballot(keypair.public_key, SURVEY, SPECS, ballot)
    assert not verify_ballot(keypair.public_key, b"survey:other/round:1", SPECS, ballot)
    assert not verify_ballot(generate_keypair().public_key, SURVEY, SPECS, ballot)
    # Same shapes, different question list: a 5-choice question is not a scale.
    other_specs = (QuestionSpec.single_choice(5),) + SPECS[1:]
    assert not verify_ballot(keypair.public_key, SURVEY, other_specs, ballot)
    assert not verify_ballot(keypair.public_key, SURVEY, SPECS[:3], ballot)
    # An answer moved to another question of the same shape does not verify.
    twin_specs = (QuestionSpec.scale(5), QuestionSpec.scale(5))
    twin = encrypt_ballot(keypair.public_key, SURVEY, twin_specs, [1, 5])
    swapped = EncryptedBallot(twin.answers[::-1])
    assert verify_ballot(keypair.public_key, SURVEY, twin_specs, twin)
    assert not verify_ballot(keypair.public_key, SURVEY, twin_specs, swapped)


def test_answer_cannot_be_moved_to_a_different_question_list(keypair: KeyPair) -> None:
    # Same context, same first question: the proofs still cover the whole list.
    # (Since version 2 the ballot digest refuses this transplant as well; the
    # question-list binding on its own is checked by re-verifying one ballot
    # under another list in test_ballot_is_bound_to_survey_key_and_question_list.)
    ballot = encrypt_ballot(keypair.public_key, SURVEY, SPECS, [3, True, 0, {1}])
    other_specs = (SPECS[0], QuestionSpec.yes_no())
    donor = encrypt_ballot(keypair.public_key, SURVEY, other_specs, [2, False])
    transplanted = EncryptedBallot((ballot.answers[0], donor.answers[1]))
    assert verify_ballot(keypair.public_key, SURVEY, other_specs, donor)
    assert not verify_ballot(keypair.public_key, SURVEY, other_specs, transplanted)


def test_forged_answer_vectors_are_refused(keypair: KeyPair) -> None:
    # Two "yes" slots on a yes/no question, proven as at most 2: not one-hot.
    specs = (QuestionSpec.yes_no(),)
    values = [1, 1]
    nonces = [Scalar.random() for _ in values]
    ciphertexts = tuple(encrypt(keypair.public_key, v, r) for v, r in zip(values, nonces))
    proof = prove_vector(
        keypair.public_key, ciphertexts, values, nonces, SURVEY, allowed_sums=(0, 1, 2)
    )
    forged = EncryptedBallot((EncryptedAnswer(ciphertexts, proof),))
    assert not verify_ballot(keypair.public_key, SURVEY, specs, forged)
    assert not verify_ballot(keypair.public_key, SURVEY, specs, "junk")  # type: ignore[arg-type]
    assert not verify_ballot(keypair.public_key, SURVEY, [], forged)
    assert not verify_ballot(
        keypair.public_key,
        SURVEY,
        specs,
        EncryptedBallot(
            (EncryptedAnswer(ciphertexts[:1], VectorProof(proof.slot_proofs[:1], proof.sum_proof)),)
        ),
    )


def test_encrypt_ballot_refuses_answers_before_encrypting(keypair: KeyPair) -> None:
    with pytest.raises(InvalidAnswerError):
        encrypt_ballot(keypair.public_key, SURVEY, SPECS, [3, True, 0])
    with pytest.raises(InvalidAnswerError):
        encrypt_ballot(keypair.public_key, SURVEY, SPECS, [3, True, 0, {0, 1, 2}])


def test_flipping_any_byte_breaks_decoding_or_verification(keypair: KeyPair) -> None:
    specs = (QuestionSpec.yes_no(allows_cant_say=True),)
    data = serialize(encrypt_ballot(keypair.public_key, SURVEY, specs, [CANT_SAY]))
    for position in range(len(data)):
        for mask in (0x01, 0x80):
            altered = bytearray(data)
            altered[position] ^= mask
            assert not verify_serialized(keypair.public_key, SURVEY, specs, bytes(altered)), (position, mask)
            try:
                ballot = deserialize(bytes(altered))
            except DecodeError:
                continue
            assert not verify_ballot(keypair.public_key, SURVEY, specs, ballot), (position, mask)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_corruption_of_a_full_ballot_is_caught(data: st.DataObject) -> None:
    keys = _shared_keys()
    blob = _shared_ballot()
    position = data.draw(st.integers(0, len(blob) - 1))
    mask = data.draw(st.integers(1, 255))
    altered = bytearray(blob)
    altered[position] ^= mask
    try:
        ballot = deserialize(bytes(altered))
    except DecodeError:
        return
    assert not verify_ballot(keys.public_key, SURVEY, SPECS, ballot)


_SHARED: dict[str, object] = {}


def _shared_keys() -> KeyPair:
    if "keys" not in _SHARED:
        _SHARED["keys"] = generate_keypair()
    return _SHARED["keys"]  # type: ignore[return-value]


def _shared_ballot() -> bytes:
    if "ballot" not in _SHARED:
        keys = _shared_keys()
        _SHARED["ballot"] = serialize(
            encrypt_ballot(keys.public_key, SURVEY, SPECS, [4, False, 1, {0, 2}])
        )
    return _SHARED["ballot"]  # type: ignore[return-value]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b[:-1],
        lambda b: b + b"\x00",
        lambda b: b"\x01" + b[1:],  # version 1: summed when stored, never decoded again
        lambda b: b"\x03" + b[1:],
        lambda b: b[:1] + (0).to_bytes(2, "big") + b[3:],
        lambda b: b[:1] + (5).to_bytes(2, "big") + b[3:],
        lambda b: b"",
    ],
)
def test_structural_damage_is_a_decode_error(mutate) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DecodeError):
        deserialize(mutate(_shared_ballot()))


def test_fingerprint_is_sha256_of_the_serialized_ballot(keypair: KeyPair) -> None:
    ballot = encrypt_ballot(keypair.public_key, SURVEY, SPECS, [1, True, 2, set()])
    data = serialize(ballot)
    assert fingerprint(ballot) == fingerprint(data) == hashlib.sha256(data).hexdigest()
    again = encrypt_ballot(keypair.public_key, SURVEY, SPECS, [1, True, 2, set()])
    assert fingerprint(again) != fingerprint(ballot)


@settings(max_examples=5, deadline=None)
@given(st.lists(ballot_answers, min_size=1, max_size=6))
def test_tallies_count_every_slot(all_answers: list[tuple[object, ...]]) -> None:
    keys = _shared_keys()
    ballots = [encrypt_ballot(keys.public_key, SURVEY, SPECS, a) for a in all_answers]  # type: ignore[arg-type]
    expected = [
        [sum(spec.slot_values(a[q])[s] for a in all_answers) for s in range(spec.slot_count)]  # type: ignore[arg-type]
        for q, spec in enumerate(SPECS)
    ]
    from_objects = tally(SPECS, ballots)
    from_bytes = tally_serialized(SPECS, [serialize(b) for b in ballots])
    assert from_objects == from_bytes
    assert [[decrypt_sum(keys.secret_key, c) for c in row] for row in from_bytes] == expected


def test_parallel_tally_matches_serial(keypair: KeyPair) -> None:
    specs = (QuestionSpec.scale(5), QuestionSpec.yes_no())
    distinct = [
        serialize(encrypt_ballot(keypair.public_key, SURVEY, specs, [v, v % 2 == 0]))
        for v in range(1, 6)
    ]
    count = PARALLEL_MIN_CIPHERTEXTS // 7 + 11
    blobs = [distinct[i % 5] for i in range(count)]
    serial = tally_serialized(specs, blobs, workers=1)
    assert tally_serialized(specs, blobs, workers=2) == serial
    counts = [[decrypt_sum(keypair.secret_key, c) for c in row] for row in serial]
    expected_scale = [sum(1 for i in range(count) if i % 5 == v - 1) for v in range(1, 6)]
    assert counts[0] == expected_scale
    assert sum(counts[1]) == count


def test_tally_of_stored_bytes_refuses_ballots_of_another_shape(keypair: KeyPair) -> None:
    blob = serialize(encrypt_ballot(keypair.public_key, SURVEY, SPECS, [1, True, 2, set()]))
    with pytest.raises(DecodeError, match="ballot 1"):
        tally_serialized(SPECS, [blob, blob[:-1]])
    corrupted = bytearray(blob)
    corrupted[3] ^= 1  # the first answer's slot count
    with pytest.raises(DecodeError, match="ballot 0"):
        tally_serialized(SPECS, [bytes(corrupted)])
    bad_point = bytearray(blob)
    bad_point[5:37] = b"\xff" * 32  # first slot's alpha
    with pytest.raises(DecodeError, match="ballot 0"):
        tally_serialized(SPECS, [bytes(bad_point)])


# --- Ballot copying (Cortier–Smyth) and the version 2 transcript -------------

COPY_SPECS = (QuestionSpec.yes_no(), QuestionSpec.scale(5))


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def documented_question_context(
    context: bytes,
    specs: tuple[QuestionSpec, ...],
    answers: list[tuple[Ciphertext, ...]] | None,
    index: int,
) -> bytes:
    """Q_i as the module docstring of crypto.ballot states it; ``answers=None``
    gives the version 1 transcript, which had no ballot digest."""
    definition = _sha256(frame(*(spec.to_bytes() for spec in specs)))
    parts = [b"ballot-question", context, definition]
    if answers is not None:
        parts.append(
            _sha256(frame(b"ballot-ciphertexts", *(b"".join(c.to_bytes() for c in a) for a in answers)))
        )
    return frame(*parts, index.to_bytes(2, "big"), specs[index].to_bytes())


def encrypt_answers(keypair: KeyPair, specs: tuple[QuestionSpec, ...], answers: list[object]):  # type: ignore[no-untyped-def]
    """Ciphertexts with their values and nonces, not yet proven."""
    result = []
    for spec, answer in zip(specs, answers):
        values = spec.slot_values(answer)  # type: ignore[arg-type]
        nonces = [Scalar.random() for _ in values]
        result.append(
            (tuple(encrypt(keypair.public_key, v, r) for v, r in zip(values, nonces)), values, nonces)
        )
    return result


def prove_answer(keypair: KeyPair, spec: QuestionSpec, encrypted, question_context: bytes) -> EncryptedAnswer:  # type: ignore[no-untyped-def]
    ciphertexts, values, nonces = encrypted
    proof = prove_vector(
        keypair.public_key, ciphertexts, values, nonces, question_context,
        allowed_sums=spec.allowed_sums, weights=spec.weights,
    )
    return EncryptedAnswer(ciphertexts, proof)


def verify_answer(keypair: KeyPair, spec: QuestionSpec, answer: EncryptedAnswer, question_context: bytes) -> bool:
    return verify_vector(
        keypair.public_key, answer.ciphertexts, answer.proof, question_context,
        allowed_sums=spec.allowed_sums, weights=spec.weights,
    )


def test_an_answer_copied_between_ballots_of_the_same_survey_is_refused(keypair: KeyPair) -> None:
    # Before version 2 this verified: same survey, same questions, same
    # position, and the copied proofs named nothing else of the ballot.
    victim = encrypt_ballot(keypair.public_key, SURVEY, COPY_SPECS, [True, 2])
    copier = encrypt_ballot(keypair.public_key, SURVEY, COPY_SPECS, [False, 4])
    assert verify_ballot(keypair.public_key, SURVEY, COPY_SPECS, victim)
    assert verify_ballot(keypair.public_key, SURVEY, COPY_SPECS, copier)
    for index in range(len(COPY_SPECS)):
        answers = list(copier.answers)
        answers[index] = victim.answers[index]
        transplanted = EncryptedBallot(tuple(answers))
        assert not verify_ballot(keypair.public_key, SURVEY, COPY_SPECS, transplanted), index
        assert not verify_ballot(
            keypair.public_key, SURVEY, COPY_SPECS, deserialize(serialize(transplanted))
        ), index


def test_a_copied_answer_fails_even_when_the_copier_proves_its_own_answers_honestly(
    keypair: KeyPair,
) -> None:
    # The strongest copier: it takes the victim's yes/no answer as it is,
    # encrypts its own scale answer, computes the digest of the ballot it
    # builds and proves its own answer correctly over that digest. Its own
    # answer verifies; the copied one is bound to the victim's ballot and
    # cannot be proven again without the victim's nonces.
    victim = encrypt_ballot(keypair.public_key, SURVEY, COPY_SPECS, [True, 2])
    own = encrypt_answers(keypair, COPY_SPECS, [False, 4])[1]
    mixed = [victim.answers[0].ciphertexts, own[0]]
    own_answer = prove_answer(
        keypair, COPY_SPECS[1], own, documented_question_context(SURVEY, COPY_SPECS, mixed, 1)
    )
    forged = EncryptedBallot((victim.answers[0], own_answer))
    assert verify_answer(
        keypair, COPY_SPECS[1], own_answer, documented_question_context(SURVEY, COPY_SPECS, mixed, 1)
    )
    assert not verify_answer(
        keypair, COPY_SPECS[0], victim.answers[0],
        documented_question_context(SURVEY, COPY_SPECS, mixed, 0),
    )
    assert not verify_ballot(keypair.public_key, SURVEY, COPY_SPECS, forged)


def test_ballot_proofs_follow_the_documented_transcript(keypair: KeyPair) -> None:
    ballot = encrypt_ballot(keypair.public_key, SURVEY, SPECS, [3, CANT_SAY, 1, {0, 3}])
    answers = [a.ciphertexts for a in ballot.answers]
    for index, (spec, answer) in enumerate(zip(SPECS, ballot.answers)):
        assert verify_answer(
            keypair, spec, answer, documented_question_context(SURVEY, SPECS, answers, index)
        )
        # The digest is really in the transcript: the version 1 one fails.
        assert not verify_answer(
            keypair, spec, answer, documented_question_context(SURVEY, SPECS, None, index)
        )


def test_an_exact_copy_of_a_whole_ballot_is_a_replay_with_the_same_fingerprint(
    keypair: KeyPair,
) -> None:
    # Not refused here: the ballot box refuses a repeated fingerprint.
    ballot = encrypt_ballot(keypair.public_key, SURVEY, COPY_SPECS, [True, 5])
    copy = deserialize(serialize(ballot))
    assert verify_ballot(keypair.public_key, SURVEY, COPY_SPECS, copy)
    assert fingerprint(copy) == fingerprint(ballot)


def _stored_version_1_ballot(keypair: KeyPair, answers: list[object]) -> bytes:
    """A ballot as version 1 made it: same layout, proofs without the digest."""
    encrypted = encrypt_answers(keypair, COPY_SPECS, answers)
    ballot = EncryptedBallot(tuple(
        prove_answer(keypair, spec, e, documented_question_context(SURVEY, COPY_SPECS, None, i))
        for i, (spec, e) in enumerate(zip(COPY_SPECS, encrypted))
    ))
    return b"\x01" + serialize(ballot)[1:]


def test_version_2_is_the_only_version_decoded_but_version_1_is_still_counted(
    keypair: KeyPair,
) -> None:
    current = serialize(encrypt_ballot(keypair.public_key, SURVEY, COPY_SPECS, [True, 3]))
    stored = _stored_version_1_ballot(keypair, [False, 3])
    assert current[0] == BALLOT_VERSION == 2 and stored[0] == 1
    with pytest.raises(DecodeError, match="version 1"):
        deserialize(stored)
    # Relabelled as version 2, the old proofs do not verify: it cannot be cast again.
    assert not verify_ballot(keypair.public_key, SURVEY, COPY_SPECS, deserialize(b"\x02" + stored[1:]))
    counts = [
        [decrypt_sum(keypair.secret_key, c) for c in row]
        for row in tally_serialized(COPY_SPECS, [stored, current, stored])
    ]
    assert counts == [[1, 2], [0, 0, 3, 0, 0]]
    for version in (0, 3, 255):
        with pytest.raises(DecodeError, match="ballot 1"):
            tally_serialized(COPY_SPECS, [current, bytes([version]) + current[1:]])


def _decodes_and_verifies(public_key, context: bytes, specs, data: object) -> bool:
    try:
        return verify_ballot(public_key, context, specs, deserialize(data))  # type: ignore[arg-type]
    except DecodeError:
        return False


def test_the_one_pass_check_agrees_with_decoding_then_verifying(keypair: KeyPair) -> None:
    """verify_serialized (what the ballot box runs) against deserialize + verify_ballot, on
    ballots that pass and on every way this module's other tests make one fail."""
    ballot = encrypt_ballot(keypair.public_key, SURVEY, SPECS, [3, CANT_SAY, 1, {0, 3}])
    data = serialize(ballot)
    twin_specs = (QuestionSpec.scale(5), QuestionSpec.scale(5))
    twin = encrypt_ballot(keypair.public_key, SURVEY, twin_specs, [1, 5])
    values = [1, 1]
    nonces = [Scalar.random() for _ in values]
    ciphertexts = tuple(encrypt(keypair.public_key, v, r) for v, r in zip(values, nonces))
    two_yes = EncryptedBallot((EncryptedAnswer(ciphertexts, prove_vector(
        keypair.public_key, ciphertexts, values, nonces, SURVEY, allowed_sums=(0, 1, 2))),))
    cases = [
        (keypair.public_key, SURVEY, SPECS, data, True),
        (keypair.public_key, b"survey:other/round:1", SPECS, data, False),
        (generate_keypair().public_key, SURVEY, SPECS, data, False),
        (keypair.public_key, SURVEY, (QuestionSpec.single_choice(5),) + SPECS[1:], data, False),
        (keypair.public_key, SURVEY, SPECS[:3], data, False),
        (keypair.public_key, SURVEY, SPECS + SPECS[:1], data, False),
        (keypair.public_key, SURVEY, (), data, False),
        (keypair.public_key, SURVEY, twin_specs, serialize(twin), True),
        (keypair.public_key, SURVEY, twin_specs, serialize(EncryptedBallot(twin.answers[::-1])), False),
        (keypair.public_key, SURVEY, (QuestionSpec.yes_no(),), serialize(two_yes), False),
        (keypair.public_key, SURVEY, SPECS, data + b"\0", False),
        (keypair.public_key, SURVEY, SPECS, data[:-1], False),
        (keypair.public_key, SURVEY, SPECS, b"\x01" + data[1:], False),
        (keypair.public_key, SURVEY, SPECS, data[:3], False),
        (keypair.public_key, SURVEY, SPECS, b"", False),
        (keypair.public_key, SURVEY, SPECS, bytearray(data), True),
        (keypair.public_key, SURVEY, SPECS, "not bytes", False),
        (None, SURVEY, SPECS, data, False),
        (keypair.public_key, "not bytes", SPECS, data, False),
    ]
    for key, context, specs, blob, expected in cases:
        assert verify_serialized(key, context, specs, blob) is expected, (context, specs, blob[:8])
        if isinstance(key, type(keypair.public_key)) and isinstance(context, bytes) and specs:
            assert _decodes_and_verifies(key, context, specs, blob) is expected
