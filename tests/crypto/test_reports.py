"""crypto/reports.py on its own: messages sealed to several personal keys open
for each recipient and nobody else, only under their own context; any change
to any byte is refused, by the checker that holds no key and by every
recipient; and junk never raises anything but the module's own errors. A
further copy of a message's key (for a steward who made their key later)
opens the message for its recipient only, is bound to that one message and
its maker, and is refused whole or not at all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import reports
from crypto.errors import DecodeError, SealError
from crypto.group import Point, Scalar
from crypto.sealing import ScryptParams, open_with_passphrase, seal_with_passphrase

CONTEXT = reports.message_context("9f2c4e", "report")


def keypairs(count: int) -> list[tuple[Scalar, Point]]:
    secrets = [Scalar.random() for _ in range(count)]
    return [(s, Point.base_times(s)) for s in secrets]


def test_every_recipient_opens_the_text_and_nobody_else_does():
    pairs = keypairs(3)
    text = "Overtime unpaid since May. ¿Quién firma? 加班费"
    sealed = reports.seal_message([p for _, p in pairs], text, CONTEXT)
    assert [reports.open_message(s, sealed, CONTEXT) for s, _ in pairs] == [text] * 3
    outsider = Scalar.random()
    with pytest.raises(SealError, match="not addressed to this key"):
        reports.open_message(outsider, sealed, CONTEXT)


def test_a_message_opens_only_under_its_own_report_and_kind():
    (secret, key), = keypairs(1)
    sealed = reports.seal_message([key], "the forklift's brakes", CONTEXT)
    for other in (reports.message_context("9f2c4e", "reply"), reports.message_context("9f2c4f", "report")):
        assert not reports.verify_message(sealed, other)
        with pytest.raises(SealError):
            reports.open_message(secret, sealed, other)


def test_the_checker_sees_the_recipients_it_expects_in_order():
    pairs = keypairs(2)
    keys = [p for _, p in pairs]
    sealed = reports.seal_message(keys, "x", CONTEXT)
    assert reports.parse_message(sealed).recipients == tuple(k.to_bytes() for k in keys)
    assert reports.verify_message(sealed, CONTEXT, keys)
    assert not reports.verify_message(sealed, CONTEXT, list(reversed(keys)))
    assert not reports.verify_message(sealed, CONTEXT, keys[:1])


def test_a_change_to_any_byte_is_refused_by_the_checker_and_the_recipient():
    (secret, key), (_, other) = keypairs(2)
    sealed = reports.seal_message([key, other], "Safety: blocked exit by dock 4", CONTEXT)
    for at in range(len(sealed)):
        changed = bytearray(sealed)
        changed[at] ^= 0x01
        changed = bytes(changed)
        assert not reports.verify_message(changed, CONTEXT), f"byte {at}"
        with pytest.raises(SealError):
            reports.open_message(secret, changed, CONTEXT)


def test_a_recipient_cannot_be_dropped_or_swapped_without_the_proof_failing():
    (secret, key), (_, other), (_, third) = keypairs(3)
    sealed = reports.seal_message([key, other], "x", CONTEXT)
    message = reports.parse_message(sealed)
    # Someone replaces the second recipient by their own key, keeping everything else.
    swapped = (sealed[:2 + 32 + 32] + third.to_bytes() + sealed[2 + 32 + 64:])
    assert not reports.verify_message(swapped, CONTEXT)
    # ... or drops it.
    dropped = (bytes([1, 1]) + message.ephemeral + message.recipients[0] + message.wrapped_keys[0]
               + message.challenge + message.response + message.body)
    assert not reports.verify_message(dropped, CONTEXT)
    with pytest.raises(SealError):
        reports.open_message(secret, dropped, CONTEXT)


def test_sizes_hide_the_length_within_a_block_and_refuse_the_overlong():
    (_, key), = keypairs(1)
    short = reports.seal_message([key], "a", CONTEXT)
    longer = reports.seal_message([key], "a" * 200, CONTEXT)
    assert len(short) == len(longer)
    assert len(reports.seal_message([key], "a" * 300, CONTEXT)) == len(short) + reports.PADDING_BLOCK
    largest = reports.seal_message([key], "a" * reports.MAX_TEXT_BYTES, CONTEXT)
    assert reports.verify_message(largest, CONTEXT)
    with pytest.raises(ValueError):
        reports.seal_message([key], "a" * (reports.MAX_TEXT_BYTES + 1), CONTEXT)
    # A body one block longer than the largest allowed is refused by shape.
    assert not reports.verify_message(largest + bytes(reports.PADDING_BLOCK), CONTEXT)


def test_recipients_must_be_distinct_valid_and_few_enough():
    (_, key), = keypairs(1)
    with pytest.raises(ValueError):
        reports.seal_message([], "x", CONTEXT)
    with pytest.raises(ValueError):
        reports.seal_message([key, key], "x", CONTEXT)
    with pytest.raises(ValueError):
        reports.seal_message([Point.identity()], "x", CONTEXT)
    many = [p for _, p in keypairs(reports.MAX_RECIPIENTS + 1)]
    with pytest.raises(ValueError):
        reports.seal_message(many, "x", CONTEXT)
    assert reports.verify_message(reports.seal_message(many[:-1], "x", CONTEXT), CONTEXT)


def test_contexts_differ_by_kind_of_key_and_by_what_they_bind():
    contexts = {reports.steward_key_context("account:1"), reports.steward_key_context("account:2"),
                reports.member_key_context("account:1"), reports.member_key_context("abc"),
                reports.message_context("abc", "report"), reports.message_context("abc", "addition")}
    assert len(contexts) == 6
    with pytest.raises(ValueError):
        reports.message_context("", "report")


def test_a_personal_key_is_the_ceremonys_machinery_under_its_own_context():
    secret = Scalar.random()
    public = Point.base_times(secret)
    context = reports.steward_key_context("account:7")
    proof = reports.prove_possession(secret, public, context)
    assert reports.verify_possession(public, proof, context)
    assert not reports.verify_possession(public, proof, reports.steward_key_context("account:8"))
    sealed = seal_with_passphrase(secret.to_bytes(), "an injury to one, all", associated_data=context,
                                  params=ScryptParams(14, 8, 1))
    assert reports.check_sealed_secret(sealed)
    assert open_with_passphrase(sealed, "an injury to one, all", associated_data=context) == secret.to_bytes()
    for bad in (sealed[:-1], b"\x02" + sealed[1:], sealed[:1] + b"\x40" + sealed[2:], "text", None):
        assert not reports.check_sealed_secret(bad)


def test_fingerprints_are_short_stable_and_differ_by_key():
    (_, a), (_, b) = keypairs(2)
    code = reports.key_fingerprint(a)
    assert code == reports.key_fingerprint(a) != reports.key_fingerprint(b)
    assert len(code) == 19 and code.count("-") == 3


@settings(max_examples=200, deadline=None)
@given(junk=st.binary(max_size=700))
def test_junk_never_verifies_and_never_raises_anything_else(junk):
    assert reports.verify_message(junk, CONTEXT) is False
    try:
        reports.parse_message(junk)
    except DecodeError:
        pass
    with pytest.raises(SealError):
        reports.open_message(Scalar.random(), junk, CONTEXT)


def _copied(count: int = 2):
    pairs = keypairs(count)
    key = Scalar.random().to_bytes()
    sealed = reports.seal_message([p for _, p in pairs], "Unpaid overtime, Saturdays since May.", CONTEXT,
                                  content_key=key)
    (newcomer, newcomer_key), = keypairs(1)
    copy = reports.rewrap(pairs[0][0], key, sealed, CONTEXT, newcomer_key)
    return pairs, key, sealed, newcomer, newcomer_key, copy


def test_a_further_copy_opens_the_message_for_its_recipient_only():
    pairs, key, sealed, newcomer, newcomer_key, copy = _copied()
    assert len(copy) == reports.REWRAP_SIZE
    assert reports.content_key(pairs[1][0], sealed, CONTEXT) == key
    assert reports.open_rewrapped(newcomer, copy, sealed, CONTEXT) == "Unpaid overtime, Saturdays since May."
    assert reports.verify_rewrap(copy, sealed, CONTEXT)
    parsed = reports.parse_rewrap(copy)
    assert (parsed.recipient, parsed.holder) == (newcomer_key.to_bytes(), pairs[0][1].to_bytes())
    # The copy carries the key wrapped, never in the clear.
    assert key not in copy
    for outsider in (Scalar.random(), pairs[0][0], pairs[1][0]):
        with pytest.raises(SealError, match="not for this key"):
            reports.open_rewrapped(outsider, copy, sealed, CONTEXT)


def test_a_copy_is_bound_to_its_message_its_context_and_its_maker():
    pairs, key, sealed, newcomer, newcomer_key, copy = _copied()
    other = reports.seal_message([p for _, p in pairs], "Another report.", CONTEXT)
    for message, context in ((other, CONTEXT), (sealed, reports.message_context("9f2c4e", "reply"))):
        assert not reports.verify_rewrap(copy, message, context)
        with pytest.raises(SealError):
            reports.open_rewrapped(newcomer, copy, message, context)
    # Someone who swaps in another holder's name (their own) cannot sign for it.
    (_, stranger), = keypairs(1)
    renamed = copy[:65] + stranger.to_bytes() + copy[97:]
    assert not reports.verify_rewrap(renamed, sealed, CONTEXT)


def test_a_change_to_any_byte_of_a_copy_is_refused():
    _, _, sealed, newcomer, _, copy = _copied()
    for at in range(len(copy)):
        changed = bytearray(copy)
        changed[at] ^= 0x01
        changed = bytes(changed)
        assert not reports.verify_rewrap(changed, sealed, CONTEXT), f"byte {at}"
        with pytest.raises(SealError):
            reports.open_rewrapped(newcomer, changed, sealed, CONTEXT)


def test_a_holder_passes_on_only_the_real_key_and_only_to_someone_new():
    pairs, key, sealed, _, newcomer_key, _ = _copied()
    with pytest.raises(SealError):
        reports.rewrap(pairs[0][0], Scalar.random().to_bytes(), sealed, CONTEXT, newcomer_key)
    for already in (pairs[0][1], pairs[1][1], Point.identity()):
        with pytest.raises(ValueError):
            reports.rewrap(pairs[0][0], key, sealed, CONTEXT, already)


@settings(max_examples=200, deadline=None)
@given(junk=st.binary(min_size=0, max_size=300))
def test_junk_copies_never_verify_and_never_raise_anything_else(junk):
    _, _, sealed, newcomer, _, _ = _copied(1)
    assert reports.verify_rewrap(junk, sealed, CONTEXT) is False
    with pytest.raises(SealError):
        reports.open_rewrapped(newcomer, junk, sealed, CONTEXT)
