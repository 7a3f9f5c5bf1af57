"""The key ceremony's JavaScript (static/js/ceremony/dkg.js) and crypto/dkg.py
make the same bytes and accept each other's, in both directions, under node.

* Python with fixed randomness made tests/crypto/vectors/ceremony.json; Python
  still makes exactly it, and the JavaScript, given the same randomness,
  reproduces the context, its fingerprint, the possession proofs, every
  dealing, acknowledgement, the complaint and the partial decryptions byte for
  byte, and a passphrase seal given its salt and nonce.
* A ceremony of JavaScript and Python trustees together verifies in Python,
  and its key decrypts with JavaScript partials.
* A bad share dealt by Python is caught by the JavaScript, whose complaint
  Python judges against the dealer; an unfounded one is refused.
* Personal keys and passphrase seals made by the JavaScript open in Python,
  and the other way round.

Node is required, never skipped. Regenerate the vectors (only when the format
is meant to change) with ``.venv/bin/python -m tests.crypto.test_ceremony_vectors``.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crypto import ballot as ballots
from crypto import dkg
from crypto.ballot import QuestionKind, QuestionSpec
from crypto.elgamal import PublicKey, encrypt, generate_keypair, sum_ciphertexts
from crypto.errors import SealError
from crypto.group import ORDER, Point, Scalar
from crypto.sealing import (
    ScryptParams,
    open_with_passphrase,
    proven_sealed_text_ephemeral,
    seal_text,
    seal_with_passphrase,
)
from crypto.threshold import (
    KeyShare,
    PartialDecryption,
    ThresholdKey,
    decrypt_with_partials,
    partial_decrypt,
    verify_partial,
)
from tests.crypto.test_browser_vectors import DeterministicScalars, node_binary
from tests.crypto.test_group import INVALID_ENCODINGS

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "crypto" / "js" / "ceremony_driver.mjs"
VECTORS = ROOT / "tests" / "crypto" / "vectors" / "ceremony.json"
CEREMONY_JS = ROOT / "static" / "js" / "ceremony"
#: Cheap scrypt for tests; one test uses the default.
FAST = ScryptParams(14, 8, 1)
PASSPHRASE = "solidarity forever, on the loading dock"
DECRYPTION_CONTEXT = b"leverage-survey:12:round:1/decryption"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def scalar_text(scalar: Scalar) -> str:
    return b64(scalar.to_bytes())


def stream(seed: str) -> DeterministicScalars:
    return DeterministicScalars(seed.encode())


def run_js(op: str, **request: Any) -> Any:
    completed = subprocess.run(
        [node_binary(), str(DRIVER)], input=json.dumps({"op": op, **request}), capture_output=True, text=True,
        timeout=300, cwd=ROOT)
    assert completed.returncode == 0, f"node failed:\n{completed.stderr}"
    return json.loads(completed.stdout)["result"]


def batch(*requests: dict[str, Any]) -> list[Any]:
    return run_js("batch", requests=list(requests))


# ------------------------------------------------------------------ the vectors

VECTOR_ID = "union-12/ceremony-3"


def vector_secrets(count: int) -> list[Scalar]:
    return [stream(f"trustee {j}")() for j in range(1, count + 1)]


def make_vectors() -> dict[str, Any]:
    """The vectors, made by crypto/ with DeterministicScalars."""
    threshold, count = 2, 3
    secrets = vector_secrets(count)
    keys = [Point.base_times(s) for s in secrets]
    proofs = [dkg.prove_possession(s, k, dkg.join_context(VECTOR_ID, j), random_scalar=stream(f"possession {j}"))
              for j, (s, k) in enumerate(zip(secrets, keys), start=1)]
    context = dkg.ceremony_context(VECTOR_ID, threshold, keys)
    dealings = [dkg.make_dealing(context, threshold, i, keys, secrets[i - 1], random_scalar=stream(f"dealing {i}"))
                for i in range(1, count + 1)]
    acknowledgements = [dkg.make_acknowledgement(context, dealings, j, secrets[j - 1],
                                                 random_scalar=stream(f"acknowledgement {j}"))
                        for j in range(1, count + 1)]
    # Dealer 2 cheats trustee 3: a share off by one, sealed and signed properly.
    good = dkg.open_share(dealings[1].sealed_shares[2], secrets[2], context, 2, 3)
    shares = list(dealings[1].sealed_shares)
    shares[2] = dkg.seal_share(good + Scalar(1), keys[2], context, 2, 3, random_scalar=stream("bad share"))
    cheat = dkg.sign_dealing(context, replace(dealings[1], sealed_shares=tuple(shares)), secrets[1],
                             random_scalar=stream("cheat signature"))
    complaint = dkg.make_complaint(context, cheat, 3, secrets[2], random_scalar=stream("complaint"))
    key = dkg.joint_key(threshold, count, dealings)
    share = dkg.final_share(context, dealings, 1, secrets[0])
    votes = sum_ciphertexts(encrypt(key.public_key, v, stream(f"vote {n}")()) for n, v in enumerate((1, 0, 1)))
    targets = [votes.alpha, Point.base_times(stream("target")())]
    partials = [partial_decrypt(key, share, target, DECRYPTION_CONTEXT, random_scalar=stream(f"partial {n}"))
                for n, target in enumerate(targets)]
    return {
        "about": "Made by tests/crypto/test_ceremony_vectors.py (python -m tests.crypto.test_ceremony_vectors); "
                 "every value is crypto.dkg's or crypto.threshold's, from DeterministicScalars(seed).",
        "ceremony_id": VECTOR_ID, "threshold": threshold,
        "secrets": [scalar_text(s) for s in secrets],
        "personal_keys": [b64(k.to_bytes()) for k in keys],
        "possession_proofs": [b64(p) for p in proofs],
        "context": b64(context), "fingerprint": dkg.ceremony_fingerprint(context),
        "dealings": [d.to_json() for d in dealings],
        "acknowledgements": [b64(a) for a in acknowledgements],
        "cheat": cheat.to_json(), "complaint": complaint.to_json(),
        "threshold_key": b64(key.to_bytes()),
        "verification_keys": [b64(key.verification_key(j).to_bytes()) for j in range(1, count + 1)],
        "final_share": {"index": share.index, "scalar": scalar_text(share.scalar)},
        "decryption_context": b64(DECRYPTION_CONTEXT),
        "targets": [b64(t.to_bytes()) for t in targets],
        "partials": [b64(p.to_bytes()) for p in partials],
    }


def make_passphrase_seals() -> list[dict[str, Any]]:
    """Seals crypto.sealing made once (its salt and nonce are fresh each time),
    stored beside the vectors: Python opens them, the JavaScript opens them and
    remakes them byte for byte from their salt and nonce."""
    seals = []
    for passphrase, secret, aad in [
        (PASSPHRASE, vector_secrets(1)[0].to_bytes(), dkg.join_context(VECTOR_ID, 1)),
        ("Él dijo: «no» — ünïcödé ✊", b"any bytes at all", b""),
    ]:
        sealed = seal_with_passphrase(secret, passphrase, associated_data=aad, params=FAST)
        seals.append({"passphrase": passphrase, "secret": b64(secret), "aad": b64(aad), "sealed": b64(sealed)})
    return seals


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    return json.loads(VECTORS.read_text())


def test_python_still_makes_the_committed_vectors(vectors):
    made = make_vectors()
    assert made == {k: v for k, v in vectors.items() if k != "passphrase_seals"}
    context = unb64(vectors["context"])
    transcript = dkg.Transcript(1, VECTOR_ID, 2, tuple(Point.from_bytes(unb64(k)) for k in vectors["personal_keys"]),
                                tuple(unb64(p) for p in vectors["possession_proofs"]),
                                tuple(dkg.Dealing.from_json(d) for d in vectors["dealings"]),
                                tuple(unb64(a) for a in vectors["acknowledgements"]))
    assert dkg.verify_transcript(transcript).to_bytes() == unb64(vectors["threshold_key"])
    cheat, complaint = dkg.Dealing.from_json(vectors["cheat"]), dkg.Complaint.from_json(vectors["complaint"])
    assert dkg.judge_complaint(context, cheat, complaint, transcript.personal_keys[2]) is True
    for seal in vectors["passphrase_seals"]:
        assert open_with_passphrase(unb64(seal["sealed"]), seal["passphrase"],
                                    associated_data=unb64(seal["aad"])) == unb64(seal["secret"])


def test_javascript_reproduces_the_python_vectors_byte_for_byte(vectors):
    count = len(vectors["personal_keys"])
    context, threshold, keys, secrets = vectors["context"], vectors["threshold"], vectors["personal_keys"], vectors["secrets"]
    requests: list[dict[str, Any]] = [{"op": "context", "ceremony_id": VECTOR_ID, "threshold": threshold,
                                       "personal_keys": keys}]
    requests += [{"op": "possession", "secret": secrets[j - 1], "ceremony_id": VECTOR_ID, "index": j,
                  "seed": f"possession {j}"} for j in range(1, count + 1)]
    requests += [{"op": "deal", "context": context, "threshold": threshold, "dealer": i, "personal_keys": keys,
                  "secret": secrets[i - 1], "seed": f"dealing {i}"} for i in range(1, count + 1)]
    requests += [{"op": "check", "context": context, "dealings": vectors["dealings"], "me": j,
                  "secret": secrets[j - 1], "seed": f"acknowledgement {j}"} for j in range(1, count + 1)]
    cheated = [vectors["dealings"][0], vectors["cheat"], vectors["dealings"][2]]
    requests.append({"op": "check", "context": context, "dealings": cheated, "me": 3, "secret": secrets[2],
                     "seed": "complaint"})
    requests.append({"op": "joint", "threshold": threshold, "trustee_count": count, "dealings": vectors["dealings"]})
    requests += [{"op": "verification_key", "key": vectors["threshold_key"], "index": j} for j in range(1, count + 1)]
    requests += [{"op": "final", "context": context, "dealings": vectors["dealings"], "me": 1, "secret": secrets[0]}]
    requests += [{"op": "partial", "key": vectors["threshold_key"], "share": vectors["final_share"], "target": target,
                  "context": vectors["decryption_context"], "seed": f"partial {n}"}
                 for n, target in enumerate(vectors["targets"])]
    for seal in vectors["passphrase_seals"]:
        sealed = unb64(seal["sealed"])
        requests.append({"op": "seal", "secret": seal["secret"], "passphrase": seal["passphrase"], "aad": seal["aad"],
                         "params": list(sealed[1:4]), "salt": b64(sealed[4:20]), "nonce": b64(sealed[20:32])})
        requests.append({"op": "open", "sealed": seal["sealed"], "passphrase": seal["passphrase"], "aad": seal["aad"]})
    results = iter(batch(*requests))

    made_context = next(results)
    assert made_context == {"context": context, "fingerprint": vectors["fingerprint"],
                            "parsed": {"ceremony_id": VECTOR_ID, "threshold": threshold, "personal_keys": keys}}
    assert [next(results) for _ in range(count)] == vectors["possession_proofs"]
    assert [next(results) for _ in range(count)] == vectors["dealings"]
    checks = [next(results) for _ in range(count)]
    assert [c["result"] for c in checks] == [{"ok": True, "acknowledgement": a} for a in vectors["acknowledgements"]]
    assert checks[0]["progress"] == [[0, 3], [1, 3], [2, 3], [3, 3]]
    assert next(results)["result"] == {"complaint": vectors["complaint"]}
    assert next(results) == vectors["threshold_key"]
    assert [next(results) for _ in range(count)] == vectors["verification_keys"]
    assert next(results) == vectors["final_share"]
    assert [next(results) for _ in vectors["targets"]] == vectors["partials"]
    for seal in vectors["passphrase_seals"]:
        assert next(results) == seal["sealed"]
        assert next(results) == seal["secret"]


# ------------------------------------------------------------------ a ceremony of both


def test_a_ceremony_of_javascript_and_python_trustees_verifies_and_decrypts():
    """Trustees 1 and 3 in JavaScript (passphrase-sealed keys opened with the
    passphrase), trustee 2 in Python."""
    ceremony_id, threshold, count = "union-31/ceremony-1", 2, 3
    params = [FAST.log2_n, FAST.r, FAST.p]
    joined = batch(*({"op": "personal", "passphrase": f"{PASSPHRASE} {j}", "ceremony_id": ceremony_id, "index": j,
                      "params": params} for j in (1, 3)))
    opened = batch(*({"op": "open_personal", "sealed": made["sealed_secret"], "passphrase": f"{PASSPHRASE} {j}",
                      "ceremony_id": ceremony_id, "index": j} for j, made in zip((1, 3), joined)))
    js_secrets = {1: opened[0], 3: opened[1]}
    python_secret = Scalar.random()
    keys = [Point.from_bytes(unb64(joined[0]["public_key"])), Point.base_times(python_secret),
            Point.from_bytes(unb64(joined[1]["public_key"]))]
    proofs = [unb64(joined[0]["possession_proof"]),
              dkg.prove_possession(python_secret, keys[1], dkg.join_context(ceremony_id, 2)),
              unb64(joined[1]["possession_proof"])]
    context = dkg.ceremony_context(ceremony_id, threshold, keys)
    key_texts = [b64(k.to_bytes()) for k in keys]

    js_dealings = batch(*({"op": "deal", "context": b64(context), "threshold": threshold, "dealer": i,
                           "personal_keys": key_texts, "secret": js_secrets[i]} for i in (1, 3)))
    dealings = [dkg.Dealing.from_json(js_dealings[0]),
                dkg.make_dealing(context, threshold, 2, keys, python_secret),
                dkg.Dealing.from_json(js_dealings[1])]
    for dealing in dealings:
        dkg.verify_dealing_shape(context, threshold, dealing.dealer, count, dealing)
    dealing_json = [d.to_json() for d in dealings]

    checks = batch(*({"op": "check", "context": b64(context), "dealings": dealing_json, "me": j,
                      "secret": js_secrets[j]} for j in (1, 3)))
    acknowledgements = [unb64(checks[0]["result"]["acknowledgement"]),
                        dkg.make_acknowledgement(context, dealings, 2, python_secret),
                        unb64(checks[1]["result"]["acknowledgement"])]
    transcript = dkg.Transcript(1, ceremony_id, threshold, tuple(keys), tuple(proofs), tuple(dealings),
                                tuple(acknowledgements))
    key = dkg.verify_transcript(dkg.Transcript.from_json(json.loads(json.dumps(transcript.to_json()))))

    votes = [1, 1, 0, 1, 0, 1, 1]
    total = sum_ciphertexts(encrypt(key.public_key, v) for v in votes)
    targets = [b64(total.alpha.to_bytes())]
    finals = batch(*({"op": "final", "context": b64(context), "dealings": dealing_json, "me": j,
                      "secret": js_secrets[j]} for j in (1, 3)))
    joint, = batch({"op": "joint", "threshold": threshold, "trustee_count": count, "dealings": dealing_json})
    assert unb64(joint) == key.to_bytes()
    js_partials = batch(*({"op": "partials", "key": b64(key.to_bytes()), "share": share, "targets": targets,
                           "context": b64(DECRYPTION_CONTEXT)} for share in finals))
    partials = {j: PartialDecryption.from_bytes(unb64(p[0])) for j, p in zip((1, 3), js_partials)}
    python_share = dkg.final_share(context, dealings, 2, python_secret)
    partials[2] = partial_decrypt(key, python_share, total.alpha, DECRYPTION_CONTEXT)
    for j, partial in partials.items():
        assert partial.trustee_index == j
        assert verify_partial(key, total.alpha, partial, DECRYPTION_CONTEXT)
    for pair in [(1, 3), (1, 2), (2, 3)]:
        result = decrypt_with_partials(key, total, [partials[j] for j in pair], DECRYPTION_CONTEXT)
        assert (result.value, result.trustees) == (sum(votes), pair)
    assert not verify_partial(key, total.alpha, partials[1], b"another context")
    js_shares = [KeyShare(f["index"], Scalar.from_bytes(unb64(f["scalar"]))) for f in finals]
    assert all(Point.base_times(s.scalar) == key.verification_key(s.index) for s in js_shares)


# ------------------------------------------------------------------ complaints and refusals


@pytest.fixture(scope="module")
def python_ceremony() -> dict[str, Any]:
    ceremony_id, threshold = "union-32/ceremony-1", 2
    secrets = [Scalar.random() for _ in range(3)]
    keys = [Point.base_times(s) for s in secrets]
    context = dkg.ceremony_context(ceremony_id, threshold, keys)
    dealings = [dkg.make_dealing(context, threshold, i, keys, secrets[i - 1]) for i in (1, 2, 3)]
    return {"id": ceremony_id, "secrets": secrets, "keys": keys, "context": context, "dealings": dealings}


def test_a_bad_share_is_caught_in_javascript_and_python_judges_against_its_dealer(python_ceremony):
    c = python_ceremony
    context, secrets, keys, dealings = c["context"], c["secrets"], c["keys"], c["dealings"]
    good = dkg.open_share(dealings[2].sealed_shares[0], secrets[0], context, 3, 1)
    shares = list(dealings[2].sealed_shares)
    shares[0] = dkg.seal_share(good + Scalar(7), keys[0], context, 3, 1)
    cheat = dkg.sign_dealing(context, replace(dealings[2], sealed_shares=tuple(shares)), secrets[2])
    cheated = [d.to_json() for d in dealings[:2]] + [cheat.to_json()]
    honest = [d.to_json() for d in dealings]
    victim, bystander, unfounded, final = batch(
        {"op": "check", "context": b64(context), "dealings": cheated, "me": 1, "secret": scalar_text(secrets[0])},
        {"op": "check", "context": b64(context), "dealings": cheated, "me": 2, "secret": scalar_text(secrets[1])},
        {"op": "complain", "context": b64(context), "dealing": honest[0], "accuser": 2,
         "secret": scalar_text(secrets[1])},
        {"op": "final", "context": b64(context), "dealings": cheated, "me": 1, "secret": scalar_text(secrets[0])},
    )
    complaint = dkg.Complaint.from_json(victim["result"]["complaint"])
    assert (complaint.dealer, complaint.accuser) == (3, 1)
    assert dkg.judge_complaint(context, cheat, complaint, keys[0]) is True
    assert dkg.judge_complaint(context, dealings[2], complaint, keys[0]) is False
    assert dkg.verify_acknowledgement(context, [dkg.Dealing.from_json(d) for d in cheated], 2,
                                      unb64(bystander["result"]["acknowledgement"]))
    assert dkg.judge_complaint(context, dealings[0], dkg.Complaint.from_json(unfounded), keys[1]) is False
    assert final == {"error": "Trustee 3's share for you does not check out.", "trustee": 3}


def test_the_javascript_refuses_the_dealings_python_refuses(python_ceremony):
    c = python_ceremony
    context, secrets, keys, dealings = c["context"], c["secrets"], c["keys"], c["dealings"]
    dealing = dealings[1]
    impostor = Scalar.random()
    forged_keys = [keys[0], Point.base_times(impostor), keys[2]]
    forged = dkg.make_dealing(dkg.ceremony_context(c["id"], 2, forged_keys), 2, 2, forged_keys, impostor)
    variants = {
        "signed by someone else": forged,
        "another dealer's signature": replace(dealing, signature=dealings[0].signature),
        "another dealer's constant proof": replace(dealing, constant_proof=dealings[0].constant_proof),
        "a share swapped": replace(dealing, sealed_shares=(dealing.sealed_shares[1], dealing.sealed_shares[0],
                                                           dealing.sealed_shares[2])),
        "a share missing": replace(dealing, sealed_shares=dealing.sealed_shares[:2]),
        "a share truncated": replace(dealing, sealed_shares=(dealing.sealed_shares[0][:-1], *dealing.sealed_shares[1:])),
        "a commitment missing": replace(dealing, commitments=dealing.commitments[:1]),
        "a commitment changed": replace(dealing, commitments=(dealing.commitments[0],
                                                              dealing.commitments[1] + Point.generator())),
    }
    # Signed again by the dealer, so that each check is what refuses it. (A
    # commitment changed and signed is a dealing nobody but the recipients can
    # fault: see the last check below.)
    signed_again = {f"{name}, signed again": dkg.sign_dealing(context, variant, secrets[1])
                    for name, variant in variants.items()
                    if name not in ("signed by someone else", "another dealer's signature", "a commitment changed")}
    variants.update(signed_again)
    recommitted = dkg.sign_dealing(context, variants["a commitment changed"], secrets[1])
    dkg.verify_dealing_shape(context, 2, 2, 3, recommitted)
    for name, variant in variants.items():
        with pytest.raises(dkg.DkgError) as refused:
            dkg.verify_dealing_shape(context, 2, 2, 3, variant)
        assert refused.value.trustee == 2, name
    names = list(variants)
    requests = [{"op": "shape", "context": b64(context), "threshold": 2, "dealer": 2, "trustee_count": 3,
                 "dealing": variants[name].to_json()} for name in names]
    requests += [{"op": "check", "context": b64(context), "me": 1, "secret": scalar_text(secrets[0]),
                  "dealings": [dealings[0].to_json(), variants[name].to_json(), dealings[2].to_json()]}
                 for name in names]
    requests.append({"op": "shape", "context": b64(context), "threshold": 2, "dealer": 2, "trustee_count": 3,
                     "dealing": dealing.to_json()})
    # A context that does not hold my key: the browser will not check (or acknowledge) in it.
    strangers = dkg.ceremony_context(c["id"], 2, [Point.base_times(Scalar.random()), keys[1], keys[2]])
    requests.append({"op": "check", "context": b64(strangers), "me": 1, "secret": scalar_text(secrets[0]),
                     "dealings": [d.to_json() for d in dealings]})
    requests.append({"op": "check", "context": b64(context), "me": 1, "secret": scalar_text(secrets[0]),
                     "dealings": [dealings[0].to_json(), recommitted.to_json(), dealings[2].to_json()]})
    results = batch(*requests)
    complaint = dkg.Complaint.from_json(results.pop()["result"]["complaint"])
    assert dkg.judge_complaint(context, recommitted, complaint, keys[0]) is True
    shapes, checks = results[:len(names)], results[len(names):2 * len(names)]
    for name, shape, check in zip(names, shapes, checks):
        assert shape.get("trustee") == 2 and shape["error"], name
        assert check["result"].get("trustee") == 2 and "acknowledgement" not in check["result"], name
    assert results[-2] == {"ok": True}
    assert results[-1]["result"]["trustee"] == 1 and "does not hold your key" in results[-1]["result"]["error"]


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def non_canonical(text: str) -> str:
    """The same bytes in base64 with a padding bit set: decoders that are not
    strict read it, and then two texts would stand for one dealing."""
    body = text.rstrip("=")
    last = ALPHABET[ALPHABET.index(body[-1]) ^ 1]
    changed = body[:-1] + last + text[len(body):]
    assert changed != text and unb64(changed) == unb64(text)
    return changed


def test_both_refuse_a_dealing_written_in_non_canonical_base64(python_ceremony):
    c = python_ceremony
    document = c["dealings"][1].to_json()
    document["signature"] = non_canonical(document["signature"])
    with pytest.raises(dkg.DkgError):
        dkg.Dealing.from_json(document)
    shape, = batch({"op": "shape", "context": b64(c["context"]), "threshold": 2, "dealer": 2, "trustee_count": 3,
                    "dealing": document})
    assert shape["trustee"] == 2 and "base64" in shape["error"]


def test_javascript_refuses_exactly_the_point_encodings_python_refuses():
    valid = [Point.base_times(Scalar.random()).to_bytes() for _ in range(10)]
    encodings = [bytes.fromhex(e) for group in INVALID_ENCODINGS.values() for e in group]
    encodings += valid + [bytes(32)] + [v[:31] + bytes([v[31] | 0x80]) for v in valid]
    verdicts = run_js("points", encodings=[e.hex() for e in encodings])
    from crypto.group import is_canonical_point_encoding
    assert verdicts == [is_canonical_point_encoding(e) for e in encodings]


def test_javascript_refuses_contexts_python_refuses(python_ceremony):
    context = python_ceremony["context"]
    bad = [context + b"\x00", context[:-1], context.replace(b"union-32", b"union-33", 1)[:-32] + bytes(32), b""]
    for data in bad:
        with pytest.raises(dkg.DkgError):
            dkg.parse_ceremony_context(data)
    results = batch(*({"op": "parse", "context": b64(data)} for data in [context, *bad]))
    assert results[0] == python_ceremony["id"]
    assert all("error" in r for r in results[1:])


# ------------------------------------------------------------------ personal keys and passphrase seals


def test_a_javascript_personal_key_opens_in_python_and_proves_its_seat():
    made, = batch({"op": "personal", "passphrase": PASSPHRASE, "ceremony_id": "union-5/ceremony-2", "index": 4,
                   "params": [FAST.log2_n, FAST.r, FAST.p]})
    sealed, public = unb64(made["sealed_secret"]), Point.from_bytes(unb64(made["public_key"]))
    secret = Scalar.from_bytes(open_with_passphrase(sealed, PASSPHRASE,
                                                    associated_data=dkg.join_context("union-5/ceremony-2", 4)))
    assert Point.base_times(secret) == public
    assert dkg.verify_possession(public, unb64(made["possession_proof"]), dkg.join_context("union-5/ceremony-2", 4))
    assert not dkg.verify_possession(public, unb64(made["possession_proof"]), dkg.join_context("union-5/ceremony-2", 3))
    assert sealed[1:4] == bytes([FAST.log2_n, FAST.r, FAST.p])
    for passphrase, index in [(PASSPHRASE + " ", 4), (PASSPHRASE, 3)]:
        with pytest.raises(SealError):
            open_with_passphrase(sealed, passphrase, associated_data=dkg.join_context("union-5/ceremony-2", index))
    assert PASSPHRASE not in json.dumps(made)


def test_a_python_sealed_personal_key_opens_in_javascript_only_with_its_passphrase_and_seat():
    secret = Scalar.random()
    context = dkg.join_context("union-5/ceremony-2", 2)
    sealed = b64(seal_with_passphrase(secret.to_bytes(), PASSPHRASE, associated_data=context, params=FAST))
    right, wrong, other_seat, composed = batch(
        {"op": "open_personal", "sealed": sealed, "passphrase": PASSPHRASE, "ceremony_id": "union-5/ceremony-2",
         "index": 2},
        {"op": "open_personal", "sealed": sealed, "passphrase": PASSPHRASE[:-1], "ceremony_id": "union-5/ceremony-2",
         "index": 2},
        {"op": "open_personal", "sealed": sealed, "passphrase": PASSPHRASE, "ceremony_id": "union-5/ceremony-2",
         "index": 3},
        {"op": "personal", "passphrase": "cafe\u0301 con leche, siempre", "ceremony_id": "c", "index": 1,
         "params": [14, 8, 1]},
    )
    assert right == scalar_text(secret)
    assert wrong == other_seat == {"error": "That passphrase does not open your key.", "trustee": None}
    # The personal key takes the passphrase in NFC, however the keyboard composed it.
    nfc = "caf\u00e9 con leche, siempre"
    assert open_with_passphrase(unb64(composed["sealed_secret"]), nfc, associated_data=dkg.join_context("c", 1))


def test_passphrase_seals_open_across_both_ways_at_the_default_parameters():
    secret = b"\x01" * 32
    aad = dkg.join_context("union-9/ceremony-1", 1)
    js_sealed, = batch({"op": "seal", "secret": b64(secret), "passphrase": PASSPHRASE, "aad": b64(aad),
                        "params": [17, 8, 1]})
    sealed = unb64(js_sealed)
    assert sealed[:4] == bytes([1, 17, 8, 1])
    assert open_with_passphrase(sealed, PASSPHRASE, associated_data=aad) == secret
    with pytest.raises(SealError):
        open_with_passphrase(sealed, PASSPHRASE, associated_data=aad + b"x")
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    python_sealed = seal_with_passphrase(secret, PASSPHRASE, associated_data=aad)
    opened, refused, bad_aad, bad_header = batch(
        {"op": "open", "sealed": b64(python_sealed), "passphrase": PASSPHRASE, "aad": b64(aad)},
        {"op": "open", "sealed": b64(bytes(tampered)), "passphrase": PASSPHRASE, "aad": b64(aad)},
        {"op": "open", "sealed": js_sealed, "passphrase": PASSPHRASE, "aad": b64(b"")},
        {"op": "open", "sealed": b64(bytes([1, 23, 8, 1]) + sealed[4:]), "passphrase": PASSPHRASE, "aad": b64(aad)},
    )
    assert opened == b64(secret)
    assert refused["error"] == bad_aad["error"] == "That passphrase does not open your key."
    assert bad_header["error"]


# ------------------------------------------------------------------ the worker


def test_the_worker_joins_deals_checks_and_decrypts_in_plain_words():
    ceremony_id, threshold = "union-40/ceremony-1", 2
    others = [Scalar.random(), Scalar.random()]
    # The worker seals with the default scrypt parameters: one join, then the key stays open in the worker.
    joined = run_js("worker", messages=[
        {"id": 1, "type": "join", "passphrase": PASSPHRASE, "ceremonyId": ceremony_id, "trusteeIndex": 1},
    ])
    *progress, done = joined
    assert done["type"] == "joined" and progress and all(m["step"] == "protect" for m in progress)
    assert PASSPHRASE not in json.dumps(joined)
    keys = [Point.from_bytes(unb64(done["publicKey"]))] + [Point.base_times(s) for s in others]
    assert dkg.verify_possession(keys[0], unb64(done["possessionProof"]), dkg.join_context(ceremony_id, 1))
    context = dkg.ceremony_context(ceremony_id, threshold, keys)
    ceremony = {"ceremonyId": ceremony_id, "trusteeIndex": 1, "threshold": threshold,
                "personalKeys": [b64(k.to_bytes()) for k in keys], "sealedSecret": done["sealedSecret"]}
    python_dealings = [dkg.make_dealing(context, threshold, i, keys, others[i - 2]) for i in (2, 3)]

    # The worker must deal first; the other dealings are added once it has.
    first = run_js("worker", messages=[
        {"id": 2, "type": "deal", **ceremony, "passphrase": PASSPHRASE},
        {"id": 3, "type": "deal", **ceremony},
        {"id": 4, "type": "forget"},
        {"id": 5, "type": "deal", **ceremony},
        {"id": 6, "type": "deal", **ceremony, "passphrase": "not the passphrase"},
        {"id": 7, "type": "fingerprint", **ceremony},
        {"id": 8, "type": "dance"},
        {"id": 12, "type": "join", "passphrase": "too short", "ceremonyId": ceremony_id, "trusteeIndex": 2},
    ])
    by_id: dict[int, list[dict[str, Any]]] = {}
    for message in first:
        by_id.setdefault(message["id"], []).append(message)
    *steps, dealt = by_id[2]
    assert {m["step"] for m in steps} == {"unlock", "deal"} and dealt["type"] == "dealt"
    assert dealt["fingerprint"] == dkg.ceremony_fingerprint(context) == by_id[7][0]["fingerprint"]
    dealing = dkg.Dealing.from_json(dealt["dealing"])
    dkg.verify_dealing_shape(context, threshold, 1, 3, dealing)
    assert by_id[3][-1]["type"] == "dealt", "the opened key stays open in the worker"
    assert by_id[5] == [{"id": 5, "type": "error", "message": "Type your passphrase.", "trustee": None}]
    assert by_id[6][-1] == {"id": 6, "type": "error", "message": "That passphrase does not open your key.",
                            "trustee": None}
    assert by_id[8][0]["type"] == "error" and by_id[8][0]["message"]
    assert by_id[12] == [{"id": 12, "type": "error", "message": "Use a passphrase of at least 12 characters.",
                          "trustee": None}]

    dealings = [dealing, *python_dealings]
    dealing_json = [d.to_json() for d in dealings]
    key = dkg.joint_key(threshold, 3, dealings)
    votes = [encrypt(key.public_key, v) for v in (1, 1, 1, 0)]
    total = sum_ciphertexts(votes)
    targets = [b64(total.alpha.to_bytes())]
    # Four one-question ballots of one slot, in one part: what the worker adds up before it decrypts.
    check = {"release_threshold": 2, "comment_threshold": 10, "width": 1, "part_sizes": [4],
             "groups": [{"parts": [0], "respondents": 4}], "comments": [],
             "alphas": b64(b"".join(v.alpha.to_bytes() for v in votes))}
    later = run_js("worker", messages=[
        {"id": 9, "type": "check", **ceremony, "passphrase": PASSPHRASE, "dealings": dealing_json},
        {"id": 10, "type": "decrypt", **ceremony, "dealings": dealing_json, "thresholdKey": b64(key.to_bytes()),
         "targets": targets, "context": b64(DECRYPTION_CONTEXT), "check": check},
        {"id": 11, "type": "decrypt", **ceremony, "dealings": dealing_json,
         "thresholdKey": b64(ThresholdKey(2, 3, (Point.generator(), Point.generator())).to_bytes()),
         "targets": targets, "context": b64(DECRYPTION_CONTEXT), "check": check},
        {"id": 13, "type": "decrypt", **ceremony, "dealings": dealing_json, "thresholdKey": b64(key.to_bytes()),
         "targets": [*targets, b64(Point.base_times(Scalar.random()).to_bytes())],
         "context": b64(DECRYPTION_CONTEXT), "check": check},
    ])
    by_id = {}
    for message in later:
        by_id.setdefault(message["id"], []).append(message)
    checked = by_id[9][-1]
    assert checked["type"] == "checked"
    assert dkg.verify_acknowledgement(context, dealings, 1, unb64(checked["acknowledgement"]))
    decrypted = by_id[10][-1]
    assert decrypted["type"] == "decrypted" and len(decrypted["partials"]) == 1
    partials = [PartialDecryption.from_bytes(unb64(p)) for p in decrypted["partials"]]
    assert [verify_partial(key, Point.from_bytes(unb64(t)), p, DECRYPTION_CONTEXT)
            for t, p in zip(targets, partials)] == [True]
    python_share = dkg.final_share(context, dealings, 3, others[1])
    partner = partial_decrypt(key, python_share, total.alpha, DECRYPTION_CONTEXT)
    assert decrypt_with_partials(key, total, [partials[0], partner], DECRYPTION_CONTEXT).value == 3
    assert by_id[11][-1]["type"] == "error" and "not made by this ceremony" in by_id[11][-1]["message"]
    assert by_id[13][-1]["type"] == "error" and "not the sums of the survey's ballots" in by_id[13][-1]["message"]
    assert PASSPHRASE not in json.dumps(first + later)


# ------------------------------------------------------------------ what the browser checks before it decrypts


def _sealed_variants() -> list[tuple[str, bytes, bytes, bytes]]:
    """(what, public key, sealed text, context): comments sealed by crypto/, and every way of spoiling one."""
    key = generate_keypair().public_key
    other = generate_keypair().public_key
    context = b"leverage-survey:5:round:1:comment:9"
    sealed = seal_text(key, "The loading bay needs heat before winter.", context, random_scalar=stream("comment"))
    long = seal_text(key, "x" * 300, context)
    variants = [("good", key.to_bytes(), sealed, context), ("long", key.to_bytes(), long, context),
                ("other key", other.to_bytes(), sealed, context),
                ("other context", key.to_bytes(), sealed, context + b"0"),
                ("version 1", key.to_bytes(), bytes([1]) + sealed[1:], context),
                ("identity", key.to_bytes(), sealed[:1] + bytes(32) + sealed[33:], context),
                ("challenge too big", key.to_bytes(), sealed[:33] + ORDER.to_bytes(32, "little") + sealed[65:],
                 context),
                ("short body", key.to_bytes(), sealed[:-64], context),
                ("body not whole blocks", key.to_bytes(), sealed + b"\0", context),
                ("empty", key.to_bytes(), b"", context)]
    for at in (1, 20, 33, 50, 65, 90, 97, len(sealed) - 17, len(sealed) - 1):
        spoiled = bytearray(sealed)
        spoiled[at] ^= 4
        variants.append((f"byte {at} changed", key.to_bytes(), bytes(spoiled), context))
    return variants


def test_the_browser_takes_a_comments_point_exactly_when_python_would():
    variants = _sealed_variants()
    answers = batch(*({"op": "comment_points", "public_key": b64(key),
                       "comments": [{"sealed": b64(sealed), "context": b64(context)}]}
                      for _, key, sealed, context in variants))
    for (what, key, sealed, context), [point] in zip(variants, answers, strict=True):
        try:
            expected = b64(proven_sealed_text_ephemeral(PublicKey.from_bytes(key), sealed, context).to_bytes())
        except SealError:
            expected = None
        assert point == expected, what
    assert answers[0][0] is not None and answers[1][0] is not None, "a good comment is accepted"
    assert sum(a[0] is None for a in answers) == len(variants) - 2


def test_the_browser_adds_up_ballots_as_python_tallies_them():
    specs = [QuestionSpec(QuestionKind.YES_NO, 2, 1, True), QuestionSpec(QuestionKind.MULTIPLE_CHOICE, 4, 2, False)]
    key = generate_keypair().public_key
    answers = [[True, [0]], [False, [1, 2]], [ballots.CANT_SAY, [3]], [True, []], [False, [0, 3]], [True, [2]],
               [True, [1]]]
    payloads = [ballots.serialize(ballots.encrypt_ballot(key, b"ctx", specs, a)) for a in answers]
    width = sum(spec.slot_count for spec in specs)
    alphas = b"".join(ballots.slot_ciphertexts(specs, p)[slot * 64:slot * 64 + 32] for p in payloads
                      for slot in range(width))
    part_sizes = [3, 4]

    def python_sums(chosen: list[bytes]) -> str:
        return b64(b"".join(c.alpha.to_bytes() for row in ballots.tally_serialized(specs, chosen) for c in row))

    stride = width * 32
    whole, tail, beyond = batch(
        {"op": "sum_ballots", "alphas": b64(alphas), "width": width, "part_sizes": part_sizes, "first": 0},
        {"op": "sum_ballots", "alphas": b64(alphas[2 * stride:]), "width": width, "part_sizes": part_sizes, "first": 2},
        {"op": "sum_ballots", "alphas": b64(alphas[:stride]), "width": width, "part_sizes": part_sizes, "first": 7})
    assert whole == [[0, python_sums(payloads[:3])], [1, python_sums(payloads[3:])]]
    assert tail == [[0, python_sums(payloads[2:3])], [1, python_sums(payloads[3:])]]
    assert "damaged or incomplete" in beyond["error"]


# ------------------------------------------------------------------ what the ceremony's scripts load


def test_the_ceremony_crypto_loads_nothing_but_its_own_files():
    for path in [CEREMONY_JS / "dkg.js", CEREMONY_JS / "worker.js", CEREMONY_JS / "approved.js",
                 CEREMONY_JS.parent / "crypto" / "common.js"]:
        text = path.read_text()
        for specifier in re.findall(r"^\s*(?:import|export)\b[^;]*?\bfrom\s+[\"']([^\"']+)[\"']", text, re.M):
            assert specifier.startswith(("./", "../")), (path.name, specifier)
            assert (path.parent / specifier).resolve().is_file(), (path.name, specifier)
        for loader in ("fetch(", "importScripts(", "XMLHttpRequest", "WebSocket", "import(", "eval(", "new Function",
                       "localStorage", "indexedDB", "document."):
            assert loader not in text, (path.name, loader)


if __name__ == "__main__":
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(VECTORS.read_text()) if VECTORS.exists() else {}
    document = make_vectors()
    # Seals are kept from the last run unless missing: their salt and nonce are fresh each time.
    document["passphrase_seals"] = previous.get("passphrase_seals") or make_passphrase_seals()
    VECTORS.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {VECTORS.relative_to(ROOT)}")
