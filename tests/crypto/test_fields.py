"""Field encryption with key ids and rotation, and the blind index."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto.fields import BlindIndex, FieldCipher, FieldCipherError, normalize_email

K1, K2 = os.urandom(32), os.urandom(32)


@given(st.binary(max_size=512), st.binary(min_size=1, max_size=32))
def test_round_trip(plaintext, purpose):
    cipher = FieldCipher({"k1": K1}, "k1")
    assert cipher.decrypt(cipher.encrypt(plaintext, purpose), purpose) == plaintext


def test_same_value_seals_differently_each_time():
    cipher = FieldCipher({"k1": K1}, "k1")
    assert cipher.encrypt(b"Maria", b"name") != cipher.encrypt(b"Maria", b"name")


def test_wrong_purpose_fails():
    cipher = FieldCipher({"k1": K1}, "k1")
    with pytest.raises(FieldCipherError, match="authentication"):
        cipher.decrypt(cipher.encrypt(b"Maria", b"person.name"), b"person.notes")


@given(st.data())
def test_any_flipped_byte_fails(data):
    cipher = FieldCipher({"k1": K1}, "k1")
    blob = bytearray(cipher.encrypt(b"a secret note", b"notes"))
    position = data.draw(st.integers(0, len(blob) - 1))
    blob[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(FieldCipherError):
        cipher.decrypt(bytes(blob), b"notes")


def test_wrong_key_fails_with_a_clear_error():
    blob = FieldCipher({"k1": K1}, "k1").encrypt(b"x", b"p")
    with pytest.raises(FieldCipherError, match="authentication"):
        FieldCipher({"k1": K2}, "k1").decrypt(blob, b"p")
    with pytest.raises(FieldCipherError, match="unknown data key 'k1'"):
        FieldCipher({"k2": K2}, "k2").decrypt(blob, b"p")


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x02\x02k1" + b"\x00" * 40, b"\x01\x02k1" + b"\x00" * 5])
def test_malformed_blobs_fail_cleanly(blob):
    with pytest.raises(FieldCipherError):
        FieldCipher({"k1": K1}, "k1").decrypt(blob, b"p")


def test_rotation_re_encrypts_under_the_new_key_id():
    old = FieldCipher({"k1": K1}, "k1")
    blob = old.encrypt(b"assessment 1", b"person.assessment")
    both = FieldCipher({"k1": K1, "k2": K2}, "k2")
    assert both.needs_rotation(blob)
    rotated = both.rotate(blob, b"person.assessment")
    assert both.key_id_of(rotated) == "k2" and not both.needs_rotation(rotated)
    assert both.rotate(rotated, b"person.assessment") is rotated
    new_only = FieldCipher({"k2": K2}, "k2")
    assert new_only.decrypt(rotated, b"person.assessment") == b"assessment 1"
    with pytest.raises(FieldCipherError):
        new_only.decrypt(blob, b"person.assessment")


@pytest.mark.parametrize("keys, current", [({"k1": b"short"}, "k1"), ({"k1": K1}, "k2"), ({"": K1}, "")])
def test_bad_keys_are_refused(keys, current):
    with pytest.raises(ValueError):
        FieldCipher(keys, current)


def test_blind_index_is_keyed_and_stable():
    index, other = BlindIndex(K1), BlindIndex(K2)
    email = normalize_email("  Ana.Garcia@Example.ORG ")
    assert email == "ana.garcia@example.org"
    assert index(email) == index("ana.garcia@example.org")
    assert index(email) != other(email)
    assert index(email) != index(email, purpose=b"phone")
    assert index.matches(email, index(email)) and not index.matches("x@example.org", index(email))
    with pytest.raises(ValueError):
        BlindIndex(b"short")
