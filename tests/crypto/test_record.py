"""The election record's verifier (crypto/record.py, crypto/verify.py), on
records made here from the crypto package alone: a valid record verifies in
both key modes; changing any field of it (every leaf, every key, the order
of every list, a sample of the bytes of every binary field), or flipping any
byte of the file, makes it fail; the privacy checks (no part of fewer than k,
no finer split than the released groups, no repeated tracker) refuse records
that break them; the command's exit status and words say the same."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto import ballot as ballots
from crypto import record, sealing, verify
from crypto.dlog import discrete_log
from crypto.elgamal import Ciphertext, generate_keypair
from crypto.group import Point, Scalar
from crypto.proofs import prove_ephemeral_key
from crypto.record import RecordError, b64
from crypto.threshold import combine_partials, deal_shares, partial_decrypt

SURVEY_ID, ROUND = 7, 2
YES_NO, TOP_ISSUES, COMMENT = 11, 12, 13
SPECS = (ballots.QuestionSpec.yes_no(allows_cant_say=True), ballots.QuestionSpec.multiple_choice(3, 2))
#: Each ballot's answers and department; k = 3, and both departments hold 4.
ANSWERS = [(True, {0}), (False, {1, 2}), (ballots.CANT_SAY, ()), (True, {0, 2}),
           (True, {1}), (False, ()), (True, {0, 1}), (False, {2})]
DEPARTMENTS = ["A", "B", "A", "B", "A", "B", "A", "B"]
COMMENTS = ["Fix the loading dock lights", "Breaks are too short", "Thank you, stewards"]
K = 3


def _unopenable_comment(public_key, context: bytes) -> bytes:
    """A sealed comment whose proof verifies but whose body opens to nothing:
    its writer proved the key point over random bytes."""
    nonce = Scalar.random()
    ephemeral = Point.base_times(nonce)
    body = bytes(random.Random(5).randrange(256) for _ in range(64 + 16))
    proof = prove_ephemeral_key(public_key, nonce, ephemeral, context, body)
    return bytes([sealing.TEXT_SEAL_VERSION]) + ephemeral.to_bytes() + proof.to_bytes() + body


def make_record(mode: str, *, released: bool = True, k: int = K,
                departments: list[str] = DEPARTMENTS) -> dict[str, Any]:
    """A record as the survey engine writes one, made from the crypto package
    alone: the reference a second implementation of the writer can be read against."""
    context = record.survey_context(SURVEY_ID, ROUND)
    if mode == "server_key":
        pair = generate_keypair()
        public_key, key_parameters = pair.public_key, record.server_key_parameters(pair.public_key)
    else:
        threshold_key, shares = deal_shares(2, 3)
        public_key, key_parameters = threshold_key.public_key, record.trustee_key_parameters(threshold_key)
    payloads = [ballots.serialize(ballots.encrypt_ballot(public_key, context, SPECS, answer)) for answer in ANSWERS]
    values = sorted(set(departments))
    part_of = {hashlib.sha256(p).hexdigest(): values.index(d) for p, d in zip(payloads, departments)}
    comment_context = record.comment_context(context, COMMENT)
    sealed = [sealing.seal_text(public_key, text, comment_context) for text in COMMENTS]
    sealed.append(_unopenable_comment(public_key, comment_context))
    sealed.sort(key=lambda s: hashlib.sha256(s).hexdigest())
    groups = [{"dimension": None, "value": None, "released": True, "respondents": len(payloads)}]
    groups += [{"dimension": "department", "value": v, "released": True, "respondents": departments.count(v)}
               for v in values]
    groups.append({"dimension": "department", "value": "Other", "released": False,
                   "withheld": f"fewer than {k} answered"})
    parameters = {
        "survey_id": SURVEY_ID, "round": ROUND, "context": b64(context),
        "description": {"title": "Pulse, spring", "kind": "pulse",
                        "questions": [{"question_id": YES_NO, "type": "yes_no", "prompt": "Would you strike?",
                                       "options": ["Yes", "No"]},
                                      {"question_id": TOP_ISSUES, "type": "multiple_choice", "prompt": "Top issues",
                                       "options": ["Pay", "Safety", "Respect"]},
                                      {"question_id": COMMENT, "type": "free_text", "prompt": "Anything else?",
                                       "options": []}]},
        "release_threshold": k, "comment_threshold": 6, "key": key_parameters,
        "questions": [record.spec_to_json(YES_NO, SPECS[0]), record.spec_to_json(TOP_ISSUES, SPECS[1])],
        "comment_questions": [COMMENT],
        "parts": [{"of": {"department": v}, "ballots": departments.count(v)} for v in values],
        "groups": groups,
        "comments": {"released": True, "sealed": [hashlib.sha256(s).hexdigest() for s in sealed]},
    }
    width = sum(spec.slot_count for spec in SPECS)
    part_sums = []
    for index in range(len(values)):
        mine = [p for p in payloads if part_of[hashlib.sha256(p).hexdigest()] == index]
        part_sums.append([c for row in ballots.tally_serialized(SPECS, mine) for c in row])
    group_sums = [[sum((s[i] for s in part_sums), Ciphertext.zero()) for i in range(width)]]
    group_sums += [part_sums[i] for i in range(len(values))]
    entries = sorted((hashlib.sha256(p).hexdigest(), p) for p in payloads)
    document = {
        "record": record.RECORD_FORMAT, "version": record.RECORD_VERSION, "parameters": parameters,
        "ballots": [{"tracker": t, "part": part_of[t], "ballot": b64(p)} for t, p in entries],
        "sums": [{"group": i, "ciphertexts": b64(b"".join(c.to_bytes() for c in sums))}
                 for i, sums in enumerate(group_sums)],
        "comments": [{"question_id": COMMENT, "sealed": b64(s)} for s in sealed],
        "release": None,
    }
    if not released:
        return document
    decryption = record.decryption_context(context, record.parameters_digest(parameters))

    def shares_of(target: Point) -> list[str]:
        if mode == "server_key":
            return [b64(record.prove_server_decryption(pair.secret_key, target, decryption))]
        return [b64(partial_decrypt(threshold_key, share, target, decryption).to_bytes())
                for share in (shares[0], shares[2])]

    def shared_point(target: Point) -> Point:
        if mode == "server_key":
            return target * pair.secret_key.scalar
        parts = [partial_decrypt(threshold_key, share, target, decryption) for share in (shares[0], shares[2])]
        return combine_partials(threshold_key, target, parts, decryption)[0]

    counts = []
    for index, sums in enumerate(group_sums):
        found = [discrete_log(c.beta - shared_point(c.alpha), len(payloads)) for c in sums]
        counts.append({"group": index, "questions": {str(YES_NO): found[:3], str(TOP_ISSUES): found[3:]}})
    opened = []
    for s in sealed:
        try:
            opened.append(sealing.open_text_with_shared_point(
                public_key, s, shared_point(sealing.sealed_text_ephemeral(s)), comment_context))
        except sealing.SealError:
            pass
    document["release"] = {
        "decryptions": {"sums": [[shares_of(c.alpha) for c in sums] for sums in group_sums],
                        "comments": [shares_of(sealing.sealed_text_ephemeral(s)) for s in sealed]},
        "counts": counts,
        "comments": {str(COMMENT): sorted(opened)},
    }
    return document


@pytest.fixture(scope="module")
def records() -> dict[tuple[str, bool], dict[str, Any]]:
    return {(mode, released): make_record(mode, released=released)
            for mode in ("server_key", "trustees") for released in (True, False)}


def test_a_valid_record_verifies_in_both_key_modes(records):
    for (mode, released), document in records.items():
        result = record.verify_record(document)
        assert (result.survey_id, result.ballots, result.groups, result.released) == (SURVEY_ID, 8, 3, released)
        if released:
            assert result.decryptions == 3 * 6 + 4 and result.comments_opened == 3, mode
    # The whole survey's released counts are the answers', recounted here slot by slot.
    counts = records["server_key", True]["release"]["counts"][0]["questions"]
    for question_id, spec, position in ((YES_NO, SPECS[0], 0), (TOP_ISSUES, SPECS[1], 1)):
        expected = [sum(v) for v in zip(*(spec.slot_values(answer[position]) for answer in ANSWERS))]
        assert counts[str(question_id)] == expected


# -- every field, systematically ------------------------------------------------------------------

Path = tuple[object, ...]


def _leaves(value: object, path: Path = ()) -> Iterator[tuple[Path, object]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, (*path, index))
    else:
        yield path, value


def _containers(value: object, path: Path = ()) -> Iterator[tuple[Path, object]]:
    if isinstance(value, (dict, list)):
        yield path, value
        for key, inner in (value.items() if isinstance(value, dict) else enumerate(value)):
            yield from _containers(inner, (*path, key))


def _at(document: dict[str, Any], path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def _set(document: dict[str, Any], path: Path, value: object) -> None:
    _at(document, path[:-1])[path[-1]] = value


def _binary(value: str) -> bytes | None:
    if len(value) < 8 or len(value) % 4:
        return None
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if base64.b64encode(data).decode() == value else None


def _changed_strings(value: str, rng: random.Random) -> Iterator[tuple[str, str]]:
    """(what, changed value): a sample of byte flips of binary fields, every
    position class of hex fields, and a changed letter of words."""
    data = _binary(value)
    if data is not None:
        positions = sorted({0, 1, len(data) // 2, len(data) - 1, rng.randrange(len(data)), rng.randrange(len(data))})
        for position in positions:
            changed = bytearray(data)
            changed[position] ^= 1 << rng.randrange(8)
            yield f"byte {position}", b64(bytes(changed))
        return
    if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        for position in (0, 31, 63):
            yield f"hex digit {position}", value[:position] + ("0" if value[position] != "0" else "1") + value[position + 1:]
        return
    yield "a letter", (("X" if value[:1] != "X" else "Y") + value[1:]) if value else "X"


def _mutations(document: dict[str, Any], scope: Callable[[Path], bool]) -> Iterator[tuple[str, dict[str, Any]]]:
    rng = random.Random(13)
    for path, value in _leaves(document):
        if not scope(path):
            continue
        changes: list[tuple[str, object]]
        if isinstance(value, bool):
            changes = [("flipped", not value)]
        elif isinstance(value, int):
            changes = [("+1", value + 1), ("-1", value - 1)]
        elif isinstance(value, str):
            changes = list(_changed_strings(value, rng))
        else:
            changes = [("null to 0", 0)]
        for what, changed in changes:
            mutated = copy.deepcopy(document)
            _set(mutated, path, changed)
            yield f"{'/'.join(map(str, path))}: {what}", mutated
    for path, container in _containers(document):
        if not scope(path):
            continue
        if isinstance(container, dict):
            for key in container:
                mutated = copy.deepcopy(document)
                inner = _at(mutated, path)
                inner[key + "x"] = inner.pop(key)
                yield f"{'/'.join(map(str, path))}: key {key} renamed", mutated
        elif len(container) >= 2 and container[0] != container[1]:
            mutated = copy.deepcopy(document)
            inner = _at(mutated, path)
            inner[0], inner[1] = inner[1], inner[0]
            yield f"{'/'.join(map(str, path))}: first two swapped", mutated


def _survivors(document: dict[str, Any], scope: Callable[[Path], bool]) -> tuple[list[str], int]:
    survivors, tried = [], 0
    for what, mutated in _mutations(document, scope):
        tried += 1
        try:
            record.verify_record(mutated, workers=1)
        except RecordError:
            continue
        survivors.append(what)
    return survivors, tried


@pytest.mark.parametrize("mode", ["server_key", "trustees"])
def test_changing_any_field_of_a_released_record_makes_it_fail(records, mode):
    survivors, tried = _survivors(records[mode, True], lambda path: True)
    assert tried > 250
    assert survivors == [], f"{len(survivors)} of {tried} changes verified: {survivors}"


def _bound_before_release(path: Path) -> bool:
    """What a closed record's ballots and sums bind: they, the comments, the
    context, the key and the questions' specs. The rest is bound only once a
    decryption is proven under the parameters' digest (see crypto.record)."""
    if not path or path[0] in ("ballots", "sums", "comments"):
        return True
    return path[:1] == ("parameters",) and (
        path[1:2] in (("context",), ("key",)) or (path[1:2] == ("questions",) and path[3:] != ("question_id",)))


@pytest.mark.parametrize("mode", ["server_key", "trustees"])
def test_changing_the_ballots_sums_key_or_specs_of_a_closed_record_makes_it_fail(records, mode):
    survivors, tried = _survivors(records[mode, False], _bound_before_release)
    assert tried > 100
    assert survivors == [], f"{len(survivors)} of {tried} changes verified: {survivors}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_flipping_any_byte_of_a_released_record_file_makes_it_fail(records, data):
    mode = data.draw(st.sampled_from(["server_key", "trustees"]))
    text = json.dumps(records[mode, True], separators=(",", ":"), ensure_ascii=False).encode()
    position = data.draw(st.integers(0, len(text) - 1))
    flipped = bytearray(text)
    flipped[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(RecordError):
        record.verify_record(record.load_record(bytes(flipped)), workers=1)


# -- what the verifier refuses on purpose -----------------------------------------------------------

def _resealed(document: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    edit(changed)
    return changed


def test_a_repeated_tracker_is_refused(records):
    document = records["server_key", True]
    repeated = _resealed(document, lambda d: d["ballots"].insert(1, copy.deepcopy(d["ballots"][0])))
    with pytest.raises(RecordError, match="appears twice"):
        record.verify_record(repeated)


def test_a_part_of_fewer_than_k_ballots_is_refused():
    # Every figure is right and proven, but the record ties 2 ballots to a group of their own.
    small = make_record("server_key", k=3, departments=["A", "B", "A", "A", "A", "B", "A", "A"])
    with pytest.raises(RecordError, match="part 1 holds 2 ballots, fewer than k = 3"):
        record.verify_record(small)


def test_a_split_finer_than_the_released_groups_is_refused(records):
    def split(document: dict[str, Any]) -> None:
        parameters = document["parameters"]
        parameters["parts"] = [parameters["parts"][0], *parameters["parts"]]
    with pytest.raises(RecordError, match="more finely than the released groups need"):
        record.verify_record(_resealed(records["server_key", True], split))


def test_a_withheld_group_cannot_be_given_a_part(records):
    def name_other(document: dict[str, Any]) -> None:
        parameters = document["parameters"]
        parameters["groups"][2] = {"dimension": "department", "value": "B", "released": False, "withheld": "w"}
        parameters["parts"][1]["of"]["department"] = "Other"
    with pytest.raises(RecordError, match="which is no released group"):
        record.verify_record(_resealed(records["server_key", True], name_other))


def test_a_tracker_is_found_or_named_missing(records):
    document = records["trustees", True]
    tracker = document["ballots"][3]["tracker"]
    assert record.verify_record(document, tracker=tracker.upper()).tracker == tracker
    with pytest.raises(RecordError, match=f"the tracker {'0' * 64} is not in this record"):
        record.verify_record(document, tracker="0" * 64)


def test_the_server_decryption_proof_is_bound_to_its_target_and_context():
    pair = generate_keypair()
    target, other = Point.base_times(Scalar.random()), Point.base_times(Scalar.random())
    share = record.prove_server_decryption(pair.secret_key, target, b"ctx")
    assert record.check_server_decryption(pair.public_key, target, share, b"ctx") == target * pair.secret_key.scalar
    assert record.check_server_decryption(pair.public_key, other, share, b"ctx") is None
    assert record.check_server_decryption(pair.public_key, target, share, b"other") is None
    assert record.check_server_decryption(generate_keypair().public_key, target, share, b"ctx") is None
    assert record.check_server_decryption(pair.public_key, target, share[:-1], b"ctx") is None


def test_the_parameters_digest_is_canonical():
    assert record.parameters_digest({"b": 1, "a": "é"}) == record.parameters_digest({"a": "é", "b": 1})
    assert record.parameters_digest({"a": 1}) != record.parameters_digest({"a": 2})
    assert record.canonical_json({"b": [1, None, True], "a": "é"}) == '{"a":"é","b":[1,null,true]}'.encode()


# -- the command ------------------------------------------------------------------------------------

def _write(tmp_path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_the_command_says_it_checks_out_and_exits_zero(records, tmp_path, capsys):
    document = records["trustees", True]
    tracker = document["ballots"][0]["tracker"]
    assert verify.main([_write(tmp_path, "record.json", document), "--tracker", tracker]) == 0
    out, err = capsys.readouterr()
    assert "checks out" in out and f"The tracker {tracker} is in the record." in out
    assert "ballot proofs: 8 of 8" in err


def test_the_command_names_the_first_failure_and_exits_one(records, tmp_path, capsys):
    document = _resealed(records["server_key", True], lambda d: d["release"]["counts"][1]["questions"]
                         [str(YES_NO)].__setitem__(0, 9))
    assert verify.main([_write(tmp_path, "record.json", document)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith("FAILED: ") and f"question {YES_NO}" in out and "department 'A'" in out


def test_the_command_exits_two_for_a_file_it_cannot_read(tmp_path, capsys):
    assert verify.main([str(tmp_path / "missing.json")]) == 2
    assert "Cannot read" in capsys.readouterr().err
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff not json")
    assert verify.main([str(garbage)]) == 1
    assert "not a JSON document" in capsys.readouterr().out


def _opening(answers: list[object]) -> dict[str, Any]:
    pair = generate_keypair()
    drawn: list[Scalar] = []

    def recording() -> Scalar:
        drawn.append(Scalar.random())
        return drawn[-1]

    context = record.survey_context(SURVEY_ID, ROUND)
    payload = ballots.serialize(ballots.encrypt_ballot(pair.public_key, context, SPECS, answers,
                                                       random_scalar=recording))
    # Every slot's nonce is drawn first, question by question (crypto.ballot).
    nonces, cursor = [], 0
    for spec in SPECS:
        nonces.append([b64(n.to_bytes()) for n in drawn[cursor:cursor + spec.slot_count]])
        cursor += spec.slot_count
    return {"format": "leverage-ballot-opening", "version": 1,
            "parameters": {"survey_id": SURVEY_ID, "public_key": b64(pair.public_key.to_bytes()),
                           "context": b64(context),
                           "questions": [record.spec_to_json(YES_NO, SPECS[0]), record.spec_to_json(TOP_ISSUES, SPECS[1])]},
            "payload": b64(payload),
            "reveal": {"version": 1, "survey_id": SURVEY_ID, "tracker": hashlib.sha256(payload).hexdigest(),
                       "answers": [ballots.answer_to_json(a) for a in answers], "nonces": nonces}}


def test_check_ballot_confirms_an_opening_and_refuses_another_answer(tmp_path, capsys):
    opening = _opening([False, {0, 2}])
    assert verify.main(["check-ballot", _write(tmp_path, "opening.json", opening)]) == 0
    out = capsys.readouterr().out
    assert "holds exactly the answers shown: False, [0, 2]" in out and opening["reveal"]["tracker"] in out
    lying = copy.deepcopy(opening)
    lying["reveal"]["answers"][0] = True
    assert verify.main(["check-ballot", _write(tmp_path, "lying.json", lying)]) == 1
    assert "answer 1 is not the one the ballot holds" in capsys.readouterr().out
