"""The booth's JavaScript (static/js/booth/crypto.js) and crypto/ make the same
bytes and accept the same ballots, in both directions, run under node.

* Python with fixed randomness made tests/crypto/vectors/booth.json; Python
  still makes exactly it (the format has not moved) and the JavaScript, given
  the same randomness, reproduces every ballot, tracker, reveal and sealed
  comment byte for byte.
* Ballots and comments the JavaScript makes with fresh randomness verify in
  Python and decrypt, with the test key, to the answers chosen.
* Ballots Python makes verify in the JavaScript; tampered ones fail in both.
* Benaloh's check: an opening the JavaScript reveals checks in Python and in
  the JavaScript; a changed answer or nonce fails in both.

Node is required, never skipped: CI installs Debian's nodejs. Regenerate the
vectors (only when the format is meant to change) with
``.venv/bin/python -m tests.crypto.test_browser_vectors``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from crypto import ballot as ballots
from crypto.ballot import CANT_SAY, QuestionKind, QuestionSpec
from crypto.elgamal import KeyPair, SecretKey, decrypt_sum, generate_keypair
from crypto.errors import DecodeError, InvalidAnswerError
from crypto.group import ORDER, Scalar, frame, is_canonical_point_encoding
from crypto.sealing import open_text_with_secret_key, seal_text, verify_sealed_text
from tests.crypto.test_group import INVALID_ENCODINGS

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "crypto" / "js" / "driver.mjs"
VECTORS = ROOT / "tests" / "crypto" / "vectors" / "booth.json"
VENDOR = ROOT / "static" / "js" / "vendor"
RANDOMNESS_TAG = b"leverage/test-vectors/randomness"
MAX_COMMENT = 2000
#: The bundled noble libraries need node 20.19 or newer (their package's engines field).
MINIMUM_NODE = (20, 19)


class DeterministicScalars:
    """The test vectors' randomness: scalar k is SHA-512(frame(tag, seed, k as
    8 bytes big-endian)) read little-endian mod the order, skipping 0. The
    node driver computes the same stream."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self.counter = 0

    def __call__(self) -> Scalar:
        while True:
            digest = hashlib.sha512(frame(RANDOMNESS_TAG, self.seed, self.counter.to_bytes(8, "big"))).digest()
            self.counter += 1
            value = int.from_bytes(digest, "little") % ORDER
            if value:
                return Scalar(value)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


# ------------------------------------------------------------------ node


def node_binary() -> str:
    found = "/usr/bin/node" if Path("/usr/bin/node").exists() else shutil.which("node")
    if found is None:
        pytest.fail("node is not installed: the booth's JavaScript cannot be checked (apt-get install nodejs)")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout
    major, minor = (int(part) for part in re.match(r"v(\d+)\.(\d+)", version).groups())
    if (major, minor) < MINIMUM_NODE:
        pytest.fail(f"node {version.strip()} is too old for the booth's JavaScript; 20.19 or newer is needed")
    return found


def run_js(op: str, **request: Any) -> Any:
    completed = subprocess.run(
        [node_binary(), str(DRIVER)], input=json.dumps({"op": op, **request}), capture_output=True, text=True,
        timeout=300, cwd=ROOT)
    assert completed.returncode == 0, f"node failed:\n{completed.stderr}"
    return json.loads(completed.stdout)["result"]


# ------------------------------------------------------------------ the vectors' surveys

EVERY_KIND = [
    QuestionSpec.scale(5),
    QuestionSpec.scale(5, allows_cant_say=True),
    QuestionSpec.yes_no(),
    QuestionSpec.yes_no(allows_cant_say=True),
    QuestionSpec.single_choice(3),
    QuestionSpec.single_choice(4, allows_cant_say=True),
    QuestionSpec.multiple_choice(4, 2),
    QuestionSpec.multiple_choice(5, 3, allows_cant_say=True),
    QuestionSpec.scale(11),
]
EVERY_KIND_ANSWERS = [
    [3, 5, True, False, 0, 3, [0, 2], [1, 3, 4], 11],
    [5, "cant_say", False, "cant_say", 2, "cant_say", [], "cant_say", 1],
    [1, 1, True, True, 1, 0, [3], [], 6],
]
VOTE = [QuestionSpec.yes_no()]
#: Rankings (crypto.rank): the top 3 of 9, a full order of 4 with "can't say", and a yes/no beside them.
RANKINGS = [QuestionSpec.rank(9, 3), QuestionSpec.rank(4, 4, allows_cant_say=True), QuestionSpec.yes_no()]
RANKING_ANSWERS = [
    [[2, 0, 7], [3, 1, 0, 2], True],
    [[8], "cant_say", False],
    [[0, 1], [2], True],
]
COMMENT_TEXTS = [
    "",
    "The break room has no windows.",
    "Él dijo: «no» — ünïcödé ✊🏭",
    "x" * 60,  # with its 4-byte length, exactly one 64-byte block
    "x" * 61,  # one byte into a second block
    "✊" * MAX_COMMENT,
]


def params_for(survey_id: int, round_number: int, public_key: bytes, specs: list[QuestionSpec],
               comment_ids: list[int]) -> dict[str, Any]:
    """What surveys.booth.booth_parameters gives the page, for a survey made up here."""
    context = f"leverage-survey:{survey_id}:round:{round_number}".encode()
    return {
        "version": 1, "survey_id": survey_id, "public_key": b64(public_key), "context": b64(context),
        "questions": [
            {"question_id": 100 + index, "kind": spec.kind.name.lower(), "options": spec.options,
             "max_choices": spec.max_choices, "allows_cant_say": spec.allows_cant_say}
            for index, spec in enumerate(specs)],
        "comments": [{"question_id": qid, "context": b64(context + f":comment:{qid}".encode())}
                     for qid in comment_ids],
        "max_comment": MAX_COMMENT,
    }


def specs_of(params: dict[str, Any]) -> list[QuestionSpec]:
    return [QuestionSpec(QuestionKind[q["kind"].upper()], q["options"], q["max_choices"], q["allows_cant_say"])
            for q in params["questions"]]


def python_answer(answer: Any) -> Any:
    """An answer as the page writes it, as crypto.ballot takes it (a list of
    options stays a list, so a repeated option is still seen)."""
    return CANT_SAY if answer == "cant_say" else answer


def python_answers(answers: list[Any]) -> list[Any]:
    return [python_answer(a) for a in answers]


def comment_context(params: dict[str, Any], question_id: int) -> bytes:
    return unb64(next(c["context"] for c in params["comments"] if c["question_id"] == question_id))


def keypair_from_seed(seed: bytes) -> KeyPair:
    secret = SecretKey(DeterministicScalars(seed)())
    return KeyPair(secret, secret.public_key())


def make_vectors() -> dict[str, Any]:
    """The vectors, made by crypto/ with DeterministicScalars."""
    cases = []
    for name, survey_id, specs, answer_sets, comment_ids in [
        ("every kind of question", 7, EVERY_KIND, EVERY_KIND_ANSWERS, [90, 91]),
        ("a vote", 8, VOTE, [[True], [False]], []),
        ("rankings", 9, RANKINGS, RANKING_ANSWERS, []),
    ]:
        keys = keypair_from_seed(f"{name}/key".encode())
        params = params_for(survey_id, 2, keys.public_key.to_bytes(), specs, comment_ids)
        context = unb64(params["context"])
        made = []
        for index, answers in enumerate(answer_sets):
            seed = f"{name}/ballot {index}".encode()
            encrypted = ballots.encrypt_ballot(keys.public_key, context, specs, python_answers(answers),
                                               random_scalar=DeterministicScalars(seed))
            payload = ballots.serialize(encrypted)
            # The nonces are the stream's first draws, one per slot, in order.
            stream = DeterministicScalars(seed)
            nonces = [[b64(stream().to_bytes()) for _ in range(spec.slot_count)] for spec in specs]
            made.append({
                "seed": b64(seed), "answers": answers, "payload": b64(payload),
                "tracker": ballots.fingerprint(payload),
                "reveal": {"version": 1, "survey_id": survey_id, "tracker": ballots.fingerprint(payload),
                           "answers": answers, "nonces": nonces}})
        comments = []
        for index, text in enumerate(COMMENT_TEXTS if comment_ids else []):
            seed = f"{name}/comment {index}".encode()
            question_id = comment_ids[index % len(comment_ids)]
            sealed = seal_text(keys.public_key, text, comment_context(params, question_id),
                               random_scalar=DeterministicScalars(seed))
            comments.append({"seed": b64(seed), "question_id": question_id, "text": text, "sealed": b64(sealed)})
        cases.append({"name": name, "secret_key": b64(keys.secret_key.to_bytes()), "params": params,
                      "ballots": made, "comments": comments})
    return {"about": "Made by tests/crypto/test_browser_vectors.py (python -m tests.crypto.test_browser_vectors); "
                     "every ballot and sealed text is crypto/'s, from DeterministicScalars(seed).",
            "cases": cases}


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    return json.loads(VECTORS.read_text())


# ------------------------------------------------------------------ Python -> JavaScript


def test_python_still_makes_the_committed_vectors(vectors):
    assert make_vectors() == vectors


def test_the_vectors_are_valid_ballots_and_comments_in_python(vectors):
    for case in vectors["cases"]:
        params, keys = case["params"], SecretKey.from_bytes(unb64(case["secret_key"]))
        for made in case["ballots"]:
            decoded = ballots.deserialize(unb64(made["payload"]))
            assert ballots.verify_ballot(keys.public_key(), unb64(params["context"]), specs_of(params), decoded)
        for comment in case["comments"]:
            context = comment_context(params, comment["question_id"])
            assert open_text_with_secret_key(keys, unb64(comment["sealed"]), context) == comment["text"]


def test_javascript_reproduces_the_python_vectors_byte_for_byte(vectors):
    for case in vectors["cases"]:
        made = run_js("reproduce", params=case["params"],
                      ballots=[{"seed": b["seed"], "answers": b["answers"]} for b in case["ballots"]],
                      comments=[{k: c[k] for k in ("seed", "question_id", "text")} for c in case["comments"]])
        for expected, got in zip(case["ballots"], made["ballots"], strict=True):
            assert got["payload"] == expected["payload"], case["name"]
            assert got["tracker"] == expected["tracker"]
            assert got["reveal"] == expected["reveal"]
        assert made["comments"] == [c["sealed"] for c in case["comments"]], case["name"]


def test_python_ballots_verify_in_javascript_and_tampered_ones_fail_in_both():
    keys = generate_keypair()
    params = params_for(31, 1, keys.public_key.to_bytes(), EVERY_KIND, [])
    context, specs = unb64(params["context"]), specs_of(params)
    payloads = [ballots.serialize(ballots.encrypt_ballot(keys.public_key, context, specs,
                                                         python_answers(answers)))
                for answers in EVERY_KIND_ANSWERS]
    tampered = list(tamperings(payloads[0]))
    verdicts = run_js("verify", params=params, payloads=[b64(p) for p in payloads + tampered])
    assert verdicts[:len(payloads)] == [True] * len(payloads)
    assert not any(verdicts[len(payloads):]), "the JavaScript verifier accepted a tampered ballot"
    for bad in tampered:
        assert not python_accepts(keys, context, specs, bad)
    # Two answers of the same shape swapped whole, proofs and all: the proofs are bound to positions.
    twins = [QuestionSpec.yes_no(), QuestionSpec.yes_no()]
    twin_params = params_for(33, 1, keys.public_key.to_bytes(), twins, [])
    honest = ballots.serialize(ballots.encrypt_ballot(keys.public_key, unb64(twin_params["context"]), twins,
                                                      [True, False]))
    size = (len(honest) - 3) // 2
    swapped = honest[:3] + honest[3 + size:] + honest[3:3 + size]
    assert run_js("verify", params=twin_params, payloads=[b64(honest), b64(swapped)]) == [True, False]
    assert not python_accepts(keys, unb64(twin_params["context"]), twins, swapped)
    # The same honest ballots under another survey's context or key fail too.
    elsewhere = dict(params, context=b64(b"leverage-survey:32:round:1"))
    other_key = dict(params, public_key=b64(generate_keypair().public_key.to_bytes()))
    assert run_js("verify", params=elsewhere, payloads=[b64(payloads[0])]) == [False]
    assert run_js("verify", params=other_key, payloads=[b64(payloads[0])]) == [False]


def tamperings(payload: bytes) -> list[bytes]:
    """The ballot with one part changed: every region of the first answer, a
    spread of single bytes over the whole ballot, truncation, a trailing byte,
    and two answers swapped."""
    out = []
    first_slots = payload[3]
    regions = {
        "version": 0, "count": 2, "slot count": 3, "branches": 4,
        "first alpha": 5, "first beta": 5 + 32, "last ciphertext": 5 + 64 * first_slots - 1,
        "slot proof challenge": 5 + 64 * first_slots, "slot proof response": 5 + 64 * first_slots + 32,
        "sum proof": 5 + 192 * first_slots, "sum proof response": 5 + 192 * first_slots + 32,
    }
    rng = random.Random(13)
    positions = sorted(set(regions.values()) | {rng.randrange(len(payload)) for _ in range(24)})
    for position in positions:
        changed = bytearray(payload)
        changed[position] ^= 1 << rng.randrange(8)
        out.append(bytes(changed))
    out += [payload[:-1], payload + b"\x00", payload[:len(payload) // 2]]
    # A proof scalar pushed to its non-canonical twin (value + order): same number mod L, other bytes.
    at = regions["slot proof challenge"]
    value = int.from_bytes(payload[at:at + 32], "little") + ORDER
    if value < 2**256:
        out.append(payload[:at] + value.to_bytes(32, "little") + payload[at + 32:])
    return out


def python_accepts(keys: KeyPair, context: bytes, specs: list[QuestionSpec], payload: bytes) -> bool:
    try:
        return ballots.verify_ballot(keys.public_key, context, specs, ballots.deserialize(payload))
    except DecodeError:
        return False


def test_javascript_refuses_exactly_the_point_encodings_python_refuses():
    rng = random.Random(5)
    valid = [generate_keypair().public_key.to_bytes() for _ in range(20)]
    encodings = [bytes.fromhex(e) for group in INVALID_ENCODINGS.values() for e in group]
    encodings += valid + [bytes(32)]
    encodings += [v[:31] + bytes([v[31] | 0x80]) for v in valid]  # top bit set: libsodium alone would accept
    encodings += [bytes(rng.randrange(256) for _ in range(32)) for _ in range(200)]
    encodings += [v[:i] + bytes([v[i] ^ 1]) + v[i + 1:] for v in valid for i in (0, 7, 31)]
    verdicts = run_js("points", encodings=[e.hex() for e in encodings])
    assert verdicts == [is_canonical_point_encoding(e) for e in encodings]
    assert any(verdicts) and not all(verdicts)


# ------------------------------------------------------------------ JavaScript -> Python


def random_answers(rng: random.Random, specs: list[QuestionSpec]) -> list[Any]:
    answers = []
    for spec in specs:
        if spec.allows_cant_say and rng.random() < 0.2:
            answers.append("cant_say")
        elif spec.kind is QuestionKind.SCALE:
            answers.append(rng.randint(1, spec.options))
        elif spec.kind is QuestionKind.YES_NO:
            answers.append(rng.random() < 0.5)
        elif spec.kind is QuestionKind.SINGLE_CHOICE:
            answers.append(rng.randrange(spec.options))
        else:
            answers.append(rng.sample(range(spec.options), rng.randint(0, spec.max_choices)))
    return answers


def decrypted_slots(keys: KeyPair, payload: bytes) -> list[tuple[int, ...]]:
    decoded = ballots.deserialize(payload)
    return [tuple(decrypt_sum(keys.secret_key, c, 1) for c in answer.ciphertexts) for answer in decoded.answers]


def test_javascript_ballots_verify_in_python_and_decrypt_to_the_answers_chosen():
    keys = generate_keypair()
    params = params_for(41, 3, keys.public_key.to_bytes(), EVERY_KIND, [])
    context, specs = unb64(params["context"]), specs_of(params)
    rng = random.Random(41)
    answer_sets = EVERY_KIND_ANSWERS + [random_answers(rng, specs) for _ in range(5)] + [EVERY_KIND_ANSWERS[0]]
    made = run_js("encrypt", params=params, answer_sets=answer_sets)
    for answers, ballot in zip(answer_sets, made, strict=True):
        payload = unb64(ballot["payload"])
        assert ballots.verify_ballot(keys.public_key, context, specs, ballots.deserialize(payload))
        assert ballot["tracker"] == ballots.fingerprint(payload) == hashlib.sha256(payload).hexdigest()
        expected = [spec.slot_values(a) for spec, a in zip(specs, python_answers(answers))]
        assert decrypted_slots(keys, payload) == expected
        assert ballot["progress"] == [[n, 2 * len(specs)] for n in range(2 * len(specs) + 1)]
    assert made[0]["payload"] != made[-1]["payload"], "the same answers twice must encrypt differently"


def test_javascript_sealed_comments_verify_and_open_in_python():
    keys = generate_keypair()
    params = params_for(42, 1, keys.public_key.to_bytes(), VOTE, [90, 91])
    comments = [{"question_id": 90 + i % 2, "text": text} for i, text in enumerate(COMMENT_TEXTS)]
    sealed = [unb64(s) for s in run_js("seal", params=params, comments=comments)]
    for comment, blob in zip(comments, sealed, strict=True):
        context = comment_context(params, comment["question_id"])
        assert verify_sealed_text(keys.public_key, blob, context)
        assert open_text_with_secret_key(keys.secret_key, blob, context) == comment["text"]
        other = comment_context(params, 181 - comment["question_id"])
        assert not verify_sealed_text(keys.public_key, blob, other), "a comment must not move to another question"
        changed = bytearray(blob)
        changed[-20] ^= 4
        assert not verify_sealed_text(keys.public_key, bytes(changed), context)
    assert len({len(b) for b in sealed[:3]}) == 1, "short comments pad to the same size"


def test_javascript_refuses_what_python_refuses():
    keys = generate_keypair()
    params = params_for(43, 1, keys.public_key.to_bytes(), EVERY_KIND, [90])
    good = EVERY_KIND_ANSWERS[0]
    bad_answers = {0: [0, 6, True, "3", "cant_say"], 2: [1, "yes", "cant_say"], 4: [3, -1, [0], 1.5],
                   6: [[0, 0], [0, 1, 2], [4], 2, "cant_say"], 7: [[1, 2, 3, 4]]}
    answer_sets = [good[:index] + [bad] + good[index + 1:] for index, bads in bad_answers.items() for bad in bads]
    answer_sets += [good[:-1], good + [1]]
    comments = [{"question_id": 90, "text": "x" * (MAX_COMMENT + 1)}, {"question_id": 99, "text": "hello"}]
    refused = run_js("refusals", params=params, answer_sets=answer_sets, comments=comments)
    assert all(r is not None and r["booth_error"] and r["message"] for r in refused), refused
    specs = specs_of(params)
    for answers in answer_sets:
        with pytest.raises(InvalidAnswerError):
            ballots.encrypt_ballot(keys.public_key, b"c", specs, python_answers(answers))


# ------------------------------------------------------------------ Benaloh's check


def opening_bytes(params: dict[str, Any], payload: str, reveal: dict[str, Any]) -> bytes:
    return json.dumps({"format": "leverage-ballot-opening", "version": 1, "parameters": params,
                       "payload": payload, "reveal": reveal}).encode()


def altered_reveals(reveal: dict[str, Any], specs: list[QuestionSpec]) -> dict[str, dict[str, Any]]:
    """The reveal with one answer changed, or one nonce changed."""
    answers = list(reveal["answers"])
    answers[0] = answers[0] % specs[0].options + 1  # another point of the first scale
    nonces = [list(row) for row in reveal["nonces"]]
    other = (Scalar.from_bytes(unb64(nonces[2][1])) + Scalar(1)).to_bytes()
    nonces[2][1] = b64(other)
    tracker = dict(reveal, tracker="0" * 64)
    return {"changed answer": dict(reveal, answers=answers), "changed nonce": dict(reveal, nonces=nonces),
            "wrong tracker": tracker}


def test_an_opening_the_javascript_reveals_checks_in_python_and_javascript():
    keys = generate_keypair()
    params = params_for(51, 1, keys.public_key.to_bytes(), EVERY_KIND, [])
    specs = specs_of(params)
    made = run_js("encrypt", params=params, answer_sets=EVERY_KIND_ANSWERS[:2])
    cases = []
    for answers, ballot in zip(EVERY_KIND_ANSWERS, made):
        assert ballot["reveal"]["answers"] == answers
        document = ballots.read_opening(json.dumps(ballot["opening"]).encode())
        checked = ballots.check_opening(document)
        assert checked.ok, checked.reason
        assert [ballots.answer_to_json(a) for a in checked.answers] == answers
        cases.append({"payload": ballot["payload"], "reveal": ballot["reveal"]})
        for name, altered in altered_reveals(ballot["reveal"], specs).items():
            result = ballots.check_opening(ballots.read_opening(opening_bytes(params, ballot["payload"], altered)))
            assert not result.ok and result.reason, name
            cases.append({"payload": ballot["payload"], "reveal": altered})
    results = run_js("check", params=params, cases=cases)
    assert [r["ok"] for r in results] == [True, False, False, False] * 2
    assert [r.get("answers") for r in results[::4]] == EVERY_KIND_ANSWERS[:2]
    assert all(r["reason"] for r in results if not r["ok"])


def test_a_python_ballot_with_its_nonces_checks_in_javascript(vectors):
    for case in vectors["cases"]:
        params = case["params"]
        cases = [{"payload": b["payload"], "reveal": b["reveal"]} for b in case["ballots"]]
        results = run_js("check", params=params, cases=cases)
        assert [r["answers"] for r in results] == [b["answers"] for b in case["ballots"]]
        for ballot in case["ballots"]:
            checked = ballots.check_opening(ballots.read_opening(
                opening_bytes(params, ballot["payload"], ballot["reveal"])))
            assert checked.ok, checked.reason


def test_open_ballot_reads_the_slots_and_refuses_wrong_nonces():
    keys = generate_keypair()
    specs = [QuestionSpec.yes_no(allows_cant_say=True), QuestionSpec.multiple_choice(3, 2)]
    stream = DeterministicScalars(b"open")
    encrypted = ballots.encrypt_ballot(keys.public_key, b"ctx", specs, [CANT_SAY, {0, 2}], random_scalar=stream)
    replay = DeterministicScalars(b"open")
    nonces = [[replay() for _ in range(spec.slot_count)] for spec in specs]
    assert ballots.open_ballot(keys.public_key, b"ctx", specs, encrypted, nonces) == [(0, 0, 1), (1, 0, 1)]
    swapped = [nonces[0], [nonces[1][1], nonces[1][0], nonces[1][2]]]
    assert ballots.open_ballot(keys.public_key, b"ctx", specs, encrypted, swapped) is None
    assert ballots.open_ballot(keys.public_key, b"ctx", specs, encrypted, nonces[:1]) is None
    assert ballots.open_ballot(keys.public_key, b"other", specs, encrypted, nonces) is None


@pytest.mark.parametrize("edit", [
    lambda d: d.pop("reveal"),
    lambda d: d.update(format="something else"),
    lambda d: d.update(version=2),
    lambda d: d["reveal"].update(survey_id=999),
    lambda d: d["reveal"]["nonces"][0].__setitem__(0, "not base64!"),
    lambda d: d["reveal"]["nonces"][0].__setitem__(0, b64(b"\xff" * 32)),
    lambda d: d["parameters"].update(public_key=b64(bytes(32))),
    lambda d: d["parameters"]["questions"][0].update(kind="essay"),
    lambda d: d["parameters"]["questions"][0].update(options=True),
    lambda d: d["parameters"]["questions"][2].update(options=3),
])
def test_the_opening_reader_refuses_malformed_documents(vectors, edit):
    case = vectors["cases"][0]
    document = {"format": "leverage-ballot-opening", "version": 1, "parameters": json.loads(json.dumps(case["params"])),
                "payload": case["ballots"][0]["payload"], "reveal": json.loads(json.dumps(case["ballots"][0]["reveal"]))}
    assert ballots.check_opening(ballots.read_opening(json.dumps(document).encode())).ok
    edit(document)
    with pytest.raises(DecodeError):
        ballots.read_opening(json.dumps(document).encode())


# ------------------------------------------------------------------ the worker


def test_the_worker_encrypts_checks_and_reports_failures_in_plain_words():
    keys = generate_keypair()
    params = params_for(61, 1, keys.public_key.to_bytes(), EVERY_KIND, [90, 91])
    answers = EVERY_KIND_ANSWERS[2]
    posted = run_js("worker", messages=[
        {"id": 1, "type": "prepare", "params": params},
        {"id": 2, "type": "encrypt", "params": params, "answers": answers,
         "comments": {"90": "Fix the loading dock heaters.", "91": "   "}},
        {"id": 3, "type": "encrypt", "params": params, "answers": [0] + answers[1:], "comments": {}},
        {"id": 4, "type": "launch", "params": params},
    ])
    by_id = {}
    for message in posted:
        by_id.setdefault(message["id"], []).append(message)
    assert by_id[1] == [{"id": 1, "type": "prepared"}]
    *progress, encrypted = by_id[2]
    total = 2 * len(EVERY_KIND) + 1
    assert [(m["type"], m["done"], m["total"]) for m in progress] == [("progress", n, total) for n in range(total + 1)]
    assert encrypted["type"] == "encrypted"
    payload = unb64(encrypted["payload"])
    context, specs = unb64(params["context"]), specs_of(params)
    assert ballots.verify_ballot(keys.public_key, context, specs, ballots.deserialize(payload))
    assert encrypted["tracker"] == ballots.fingerprint(payload)
    assert set(encrypted["comments"]) == {"90"}, "a blank comment is no comment"
    sealed = unb64(encrypted["comments"]["90"])
    assert open_text_with_secret_key(keys.secret_key, sealed, comment_context(params, 90)) == \
        "Fix the loading dock heaters."
    assert ballots.check_opening(ballots.read_opening(json.dumps(encrypted["opening"]).encode())).ok
    assert [m["type"] for m in by_id[3]] == ["error"] and "1 to 5" in by_id[3][0]["message"]
    assert [m["type"] for m in by_id[4]] == ["error"] and by_id[4][0]["message"]

    checked = run_js("worker", messages=[
        {"id": 5, "type": "check", "params": params, "payload": encrypted["payload"], "reveal": encrypted["reveal"]},
        {"id": 6, "type": "check", "params": params, "payload": encrypted["payload"],
         "reveal": altered_reveals(encrypted["reveal"], specs)["changed nonce"]},
    ])
    assert checked[0] == {"id": 5, "type": "checked", "ok": True, "answers": answers, "reason": None}
    assert checked[1]["type"] == "checked" and checked[1]["ok"] is False and checked[1]["reason"]


# ------------------------------------------------------------------ the vendored files


def test_the_vendored_files_are_the_ones_recorded():
    recorded = {}
    for line in (VENDOR / "VERSION").read_text().splitlines():
        match = re.match(r"^(\S+)\s+sha256=([0-9a-f]{64})\b", line)
        if match:
            recorded[match.group(1)] = match.group(2)
    assert {"noble.js", "LICENSE-noble-curves", "LICENSE-noble-hashes"} <= set(recorded)
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    lock = json.loads((VENDOR / "build" / "package-lock.json").read_text())["packages"]
    version_text = (VENDOR / "VERSION").read_text()
    for package in ("@noble/curves", "@noble/hashes", "esbuild"):
        entry = lock[f"node_modules/{package}"]
        assert f"{package}@{entry['version']}" in version_text
        if package != "esbuild":
            assert entry["integrity"] in version_text


def test_the_booth_crypto_loads_nothing_but_its_own_files():
    """No CDN, no network at run time: every import is a relative path to a
    file here, and nothing fetches or loads code."""
    for path in [ROOT / "static" / "js" / "booth" / "crypto.js", ROOT / "static" / "js" / "booth" / "worker.js",
                 ROOT / "static" / "js" / "crypto" / "common.js", VENDOR / "noble.js"]:
        text = path.read_text()
        for specifier in re.findall(r"^\s*(?:import|export)\b[^;]*?\bfrom\s+[\"']([^\"']+)[\"']", text, re.M):
            assert specifier.startswith(("./", "../")), (path.name, specifier)
            assert (path.parent / specifier).resolve().is_file(), (path.name, specifier)
        for loader in ("fetch(", "importScripts(", "XMLHttpRequest", "WebSocket", "import(", "eval(", "new Function"):
            assert loader not in text, (path.name, loader)


def test_the_node_bench_encrypts_proves_and_reports_json():
    completed = subprocess.run(
        [node_binary(), str(ROOT / "bench" / "booth_node.mjs"), "--runs", "1", "--questions", "2", "--options", "3"],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert (report["questions"], report["options"], report["slots"]) == (2, 3, 6)
    assert report["payload_bytes"] == 3 + 2 * (2 + 3 * 192 + 64)
    assert report["encrypt_prove_ms"]["median"] > 0 and report["goal_ms"] == 1000


if __name__ == "__main__":
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    VECTORS.write_text(json.dumps(make_vectors(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {VECTORS.relative_to(ROOT)}")
