"""Rank answers in the booth's JavaScript (static/js/booth/crypto.js) and in
crypto/, run under node: the JavaScript's rankings verify in Python and
decrypt to the order chosen; Python's verify in the JavaScript, and tampered
or forged ones (a lying prover's row or column summing to 2) fail in both;
both refuse the same answers; an opened ranking checks in both, and one whose
revealed order was changed fails in both. The byte-for-byte vectors are the
"rankings" case of tests/crypto/vectors/booth.json (test_browser_vectors.py)."""

from __future__ import annotations

import json
import random

import pytest

from crypto import ballot as ballots
from crypto.ballot import QuestionSpec
from crypto.elgamal import generate_keypair
from crypto.errors import InvalidAnswerError
from tests.crypto.test_browser_vectors import (
    RANKING_ANSWERS,
    RANKINGS,
    b64,
    decrypted_slots,
    opening_bytes,
    params_for,
    python_accepts,
    python_answers,
    run_js,
    specs_of,
    tamperings,
    unb64,
)
from tests.crypto.test_rank import cells, forged_ballot


def random_rankings(rng: random.Random, specs: list[QuestionSpec]) -> list:
    answers = []
    for spec in specs:
        if spec.kind is ballots.QuestionKind.RANK:
            if spec.allows_cant_say and rng.random() < 0.2:
                answers.append("cant_say")
            else:
                answers.append(rng.sample(range(spec.options), rng.randint(1, spec.max_choices)))
        else:
            answers.append(rng.random() < 0.5)
    return answers


def test_javascript_rankings_verify_in_python_and_decrypt_to_the_order_chosen():
    keys = generate_keypair()
    params = params_for(71, 1, keys.public_key.to_bytes(), RANKINGS, [])
    context, specs = unb64(params["context"]), specs_of(params)
    rng = random.Random(71)
    answer_sets = RANKING_ANSWERS + [random_rankings(rng, specs) for _ in range(6)]
    made = run_js("encrypt", params=params, answer_sets=answer_sets)
    for answers, ballot in zip(answer_sets, made, strict=True):
        payload = unb64(ballot["payload"])
        assert ballots.verify_serialized(keys.public_key, context, specs, payload)
        slots = decrypted_slots(keys, payload)
        assert [ballots.answer_to_json(spec.answer_of(s)) for spec, s in zip(specs, slots)] == answers
        assert ballot["reveal"]["answers"] == answers, "a ranking is revealed in its order"


def test_python_rankings_verify_in_javascript_and_tampered_or_forged_ones_fail_in_both():
    keys = generate_keypair()
    params = params_for(72, 1, keys.public_key.to_bytes(), RANKINGS, [])
    context, specs = unb64(params["context"]), specs_of(params)
    payloads = [ballots.serialize(ballots.encrypt_ballot(keys.public_key, context, specs, python_answers(a)))
                for a in RANKING_ANSWERS]
    tampered = tamperings(payloads[0])
    verdicts = run_js("verify", params=params, payloads=[b64(p) for p in payloads + tampered])
    assert verdicts[:len(payloads)] == [True] * len(payloads)
    assert not any(verdicts[len(payloads):]), "the JavaScript accepted a tampered ranking"
    assert not any(python_accepts(keys, context, specs, bad) for bad in tampered)

    # A lying prover's one-question ballots, under the context forged_ballot proves for.
    spec = QuestionSpec.rank(9, 3)
    single = dict(params_for(73, 1, keys.public_key.to_bytes(), [spec], []),
                  context=b64(b"survey:rank/round:1"))
    forged = [forged_ballot(keys, spec, cells(9, 3, placed)) for placed in (
        {(0, 0): 1, (0, 1): 1},             # an option in two places
        {(0, 0): 1, (1, 0): 1},             # two options first
        {(0, 0): 1, (4, 2): 1},             # a gap
        {})]                                 # nothing put first, no "can't say"
    honest = forged_ballot(keys, spec, cells(9, 3, {(5, 0): 1, (2, 1): 1}), honest=True)
    assert run_js("verify", params=single, payloads=[b64(p) for p in [honest, *forged]]) == [True] + [False] * 4


def test_javascript_refuses_the_rankings_python_refuses():
    keys = generate_keypair()
    params = params_for(74, 1, keys.public_key.to_bytes(), RANKINGS, [])
    good = RANKING_ANSWERS[0]
    bad_first = [[1, 1], [0, 1, 2, 3], [9], [-1], [], "cant_say", 3, [1.5]]
    bad_second = [[0, 0], [4], [0, 1, 2, 3, 0]]
    answer_sets = [[bad, *good[1:]] for bad in bad_first] + [[good[0], bad, good[2]] for bad in bad_second]
    refused = run_js("refusals", params=params, answer_sets=answer_sets, comments=[])
    assert all(r is not None and r["booth_error"] and r["message"] for r in refused), refused
    specs = specs_of(params)
    for answers in answer_sets:
        with pytest.raises(InvalidAnswerError):
            ballots.encrypt_ballot(keys.public_key, b"c", specs, python_answers(answers))


def test_an_opened_ranking_checks_in_both_and_a_changed_order_fails_in_both():
    keys = generate_keypair()
    params = params_for(75, 1, keys.public_key.to_bytes(), RANKINGS, [])
    made = run_js("encrypt", params=params, answer_sets=RANKING_ANSWERS[:1])[0]
    checked = ballots.check_opening(ballots.read_opening(json.dumps(made["opening"]).encode()))
    assert checked.ok, checked.reason
    assert [ballots.answer_to_json(a) for a in checked.answers] == RANKING_ANSWERS[0]
    reordered = dict(made["reveal"], answers=[[0, 2, 7], *made["reveal"]["answers"][1:]])  # first two swapped
    python = ballots.check_opening(ballots.read_opening(opening_bytes(params, made["payload"], reordered)))
    assert not python.ok and "answer 1" in python.reason
    results = run_js("check", params=params, cases=[{"payload": made["payload"], "reveal": made["reveal"]},
                                                    {"payload": made["payload"], "reveal": reordered}])
    assert results[0]["ok"] and results[0]["answers"] == RANKING_ANSWERS[0]
    assert not results[1]["ok"] and results[1]["reason"]
