"""Benchmark of the crypto library; prints one JSON object.

Each figure has a "naive" twin: the same operation done the slowest obvious
way (every intermediate point re-decoded and checked, variable-base
multiplication even for the generator, ciphertexts decoded into objects one by
one, discrete log by counting up from 0), so the ratio shows what the design
bought. Run from the repository root: ``python bench/crypto.py``;
``python bench/crypto.py --rank-only`` prints only the rank answer's figures
(a 9-option top-3 ranking encrypted and proven here and, through
bench/booth_node.mjs, by the booth's JavaScript under node).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import crypto  # noqa: E402,F401  (first: rbcl then finds libsodium loaded and leaves no temporary copy)
import rbcl  # noqa: E402

from crypto import dlog  # noqa: E402
from crypto.ballot import (
    QuestionSpec,
    deserialize,
    encrypt_ballot,
    serialize,
    tally_serialized,
    verify_ballot,
    verify_serialized,
)  # noqa: E402
from crypto.elgamal import (  # noqa: E402
    Ciphertext,
    decrypt_sum,
    encrypt,
    generate_keypair,
    process_pool,
    sum_ciphertext_encodings,
    sum_ciphertexts_parallel,
)
from crypto.group import GENERATOR_ENCODING, IDENTITY_ENCODING, Point, Scalar, hash_to_scalar  # noqa: E402
from crypto.proofs import (  # noqa: E402
    DLEQ_DOMAIN,
    MEMBERSHIP_DOMAIN,
    DisjunctiveProof,
    _allowed_encoding,
    _slot_context,
    _sum_context,
)
from crypto.threshold import (  # noqa: E402
    _partial_context,
    deal_shares,
    decrypt_with_partials,
    partial_decrypt,
    verify_partial,
)

CONTEXT = b"bench-survey"
TALLY_CIPHERTEXTS = 100_000
NAIVE_TALLY_CIPHERTEXTS = 20_000
NAIVE_DLOG_VALUE = 20_000
DLOG_VALUE = 999_983


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 3)


def best_rate(action: Callable[[], object], count: int, runs: int = 3) -> int:
    best = min(_timed(action) for _ in range(runs))
    return int(count / best)


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# The slowest obvious way: decode and check every point an operation touches,
# and multiply the generator like any other point.


def naive_point(encoding: bytes) -> bytes:
    if not rbcl.crypto_core_ristretto255_is_valid_point(encoding) or encoding[31] & 0x80:
        raise ValueError("invalid point")
    return encoding


def naive_add(p: bytes, q: bytes) -> bytes:
    return naive_point(rbcl.crypto_core_ristretto255_add(naive_point(p), naive_point(q)))


def naive_sub(p: bytes, q: bytes) -> bytes:
    return naive_point(rbcl.crypto_core_ristretto255_sub(naive_point(p), naive_point(q)))


def naive_mul(s: bytes, p: bytes) -> bytes:
    return naive_point(rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero(s, naive_point(p)))


def naive_verify_membership(
    key: bytes, ciphertext: Ciphertext, proof: DisjunctiveProof, allowed, context
) -> bool:  # type: ignore[no-untyped-def]
    alpha, beta = ciphertext.alpha.to_bytes(), ciphertext.beta.to_bytes()
    commitments = []
    total = bytes(32)
    for value, c, z in zip(allowed, proof.challenges, proof.responses):
        shifted = naive_sub(beta, naive_mul(Scalar(value).to_bytes(), GENERATOR_ENCODING))
        commitments.append(naive_sub(naive_mul(z, GENERATOR_ENCODING), naive_mul(c, alpha)))
        commitments.append(naive_sub(naive_mul(z, key), naive_mul(c, shifted)))
        total = rbcl.crypto_core_ristretto255_scalar_add(total, c)
    expected = hash_to_scalar(
        MEMBERSHIP_DOMAIN,
        key,
        context,
        _allowed_encoding(allowed),
        alpha,
        beta,
        b"".join(commitments),
    ).to_bytes()
    return total == expected


def naive_verify_answer(key: bytes, ciphertexts, proof, spec: QuestionSpec, context: bytes) -> bool:  # type: ignore[no-untyped-def]
    for index, (ciphertext, slot_proof) in enumerate(zip(ciphertexts, proof.slot_proofs)):
        if not naive_verify_membership(
            key, ciphertext, slot_proof, (0, 1), _slot_context(context, index)
        ):
            return False
    alpha = beta = IDENTITY_ENCODING
    for ciphertext, weight in zip(ciphertexts, spec.weights):
        factor = Scalar(weight).to_bytes()
        alpha = naive_add(alpha, naive_mul(factor, ciphertext.alpha.to_bytes()))
        beta = naive_add(beta, naive_mul(factor, ciphertext.beta.to_bytes()))
    total = Ciphertext(Point.from_bytes(alpha), Point.from_bytes(beta))
    return naive_verify_membership(
        key,
        total,
        proof.sum_proof,
        spec.allowed_sums,
        _sum_context(context, ciphertexts, spec.weights),
    )


def naive_verify_ballot(key: bytes, specs, data: bytes) -> bool:  # type: ignore[no-untyped-def]
    from crypto.ballot import _ballot_digest, _definition_digest, _question_context

    ballot = deserialize(data)
    definition = _definition_digest(specs)
    digest = _ballot_digest([answer.ciphertexts for answer in ballot.answers])
    return all(
        naive_verify_answer(
            key,
            answer.ciphertexts,
            answer.proof,
            spec,
            _question_context(CONTEXT, definition, digest, i, spec),
        )
        for i, (spec, answer) in enumerate(zip(specs, ballot.answers))
    )


def naive_partial_decrypt(
    share: Scalar, target: bytes, context: bytes
) -> tuple[bytes, bytes, bytes]:
    s = share.to_bytes()
    public = naive_mul(s, GENERATOR_ENCODING)
    image = naive_mul(s, target)
    witness = Scalar.random().to_bytes()
    first, second = naive_mul(witness, GENERATOR_ENCODING), naive_mul(witness, target)
    c = hash_to_scalar(DLEQ_DOMAIN, context, public, target, image, first, second).to_bytes()
    z = rbcl.crypto_core_ristretto255_scalar_add(
        witness, rbcl.crypto_core_ristretto255_scalar_mul(c, s)
    )
    return image, c, z


def naive_sum(encodings: list[bytes]) -> Ciphertext:
    total = Ciphertext.zero()
    for encoding in encodings:
        total = total + Ciphertext.from_bytes(encoding)
    return total


def naive_dlog(point: Point) -> int:
    current, value = IDENTITY_ENCODING, 0
    target = point.to_bytes()
    while current != target:
        current = naive_add(current, GENERATOR_ENCODING)
        value += 1
    return value


#: The rank answer benched: the nine job-quality categories, top three (the question bank's).
RANK_OPTIONS, RANK_PLACES = 9, 3


def rank_answer_figures(keys) -> dict[str, object]:
    """A 9-option top-3 ranking (27 cells, their 0/1 proofs, 12 line proofs):
    encrypted and proven here, and by the booth's JavaScript under node."""
    spec = (QuestionSpec.rank(RANK_OPTIONS, RANK_PLACES),)
    answer = [[4, 0, 7]]
    payload = serialize(encrypt_ballot(keys.public_key, CONTEXT, spec, answer))
    assert verify_serialized(keys.public_key, CONTEXT, spec, payload)
    figures: dict[str, object] = {
        "options": RANK_OPTIONS, "places": RANK_PLACES, "cells": spec[0].slot_count,
        "python_encrypt_and_prove_ms": median_ms(lambda: encrypt_ballot(keys.public_key, CONTEXT, spec, answer), 15),
        "python_verify_ms": median_ms(lambda: verify_serialized(keys.public_key, CONTEXT, spec, payload), 15),
        "serialized_bytes": len(payload),
    }
    node = shutil.which("node")
    if node is None:
        figures["node"] = "not installed"
        return figures
    script = Path(__file__).resolve().parent / "booth_node.mjs"
    done = subprocess.run([node, str(script), "--runs", "15", "--questions", "1", "--options", str(RANK_OPTIONS),
                           "--places", str(RANK_PLACES)], capture_output=True, text=True, timeout=600, check=True)
    report = json.loads(done.stdout)
    figures.update({"node": report["node"], "node_encrypt_and_prove_ms": report["encrypt_prove_ms"],
                    "node_first_ms_with_tables": report["first_ms"], "node_verify_ms": report["verify_ms"]})
    assert report["payload_bytes"] == len(payload), "the booth and crypto/ lay the ranking out alike"
    return figures


def main() -> None:
    started = time.perf_counter()
    keys = generate_keypair()
    if "--rank-only" in sys.argv[1:]:
        print(json.dumps({"rank_9_options_top_3": rank_answer_figures(keys),
                          "machine": {"cores": os.cpu_count(), "python": platform.python_version()}}, indent=2))
        return
    key_bytes = keys.public_key.to_bytes()
    results: dict[str, object] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "rbcl": "1.1.2"},
        "note": (
            "times are medians in milliseconds unless named *_per_second; "
            "naive_* is the same operation done the slowest obvious way"
        ),
    }

    # One 5-option answer (one-hot: five 0/1 proofs and a sum proof).
    one = (QuestionSpec.single_choice(5),)
    answer_ballot = encrypt_ballot(keys.public_key, CONTEXT, one, [2])
    answer_bytes = serialize(answer_ballot)
    results["answer_5_options"] = {
        "encrypt_and_prove_ms": median_ms(
            lambda: encrypt_ballot(keys.public_key, CONTEXT, one, [2]), 15
        ),
        "verify_ms": median_ms(
            lambda: verify_ballot(keys.public_key, CONTEXT, one, deserialize(answer_bytes)), 15
        ),
        "naive_verify_ms": median_ms(lambda: naive_verify_ballot(key_bytes, one, answer_bytes), 9),
        "serialized_bytes": len(answer_bytes),
    }
    assert naive_verify_ballot(key_bytes, one, answer_bytes)

    # A 20-question ballot of 5-option questions.
    specs = tuple(QuestionSpec.scale(5) for _ in range(20))
    answers = [1 + i % 5 for i in range(20)]
    ballot_bytes = serialize(encrypt_ballot(keys.public_key, CONTEXT, specs, answers))
    assert verify_ballot(keys.public_key, CONTEXT, specs, deserialize(ballot_bytes))
    assert naive_verify_ballot(key_bytes, specs, ballot_bytes)
    results["ballot_20_questions_5_options"] = {
        "encrypt_and_prove_ms": median_ms(
            lambda: encrypt_ballot(keys.public_key, CONTEXT, specs, answers), 7
        ),
        "decode_and_verify_ms": median_ms(
            lambda: verify_ballot(keys.public_key, CONTEXT, specs, deserialize(ballot_bytes)), 9
        ),
        "naive_decode_and_verify_ms": median_ms(
            lambda: naive_verify_ballot(key_bytes, specs, ballot_bytes), 5
        ),
        "serialized_bytes": len(ballot_bytes),
        "goal_verify_ms": 60,
    }

    # Tally: raw ciphertext sums. Distinct ciphertexts repeated (the cost of an
    # addition does not depend on the values).
    distinct = [encrypt(keys.public_key, i % 2).to_bytes() for i in range(1000)]
    encodings = [distinct[i % 1000] for i in range(TALLY_CIPHERTEXTS)]
    expected = sum(i % 1000 % 2 for i in range(TALLY_CIPHERTEXTS))
    assert decrypt_sum(keys.secret_key, sum_ciphertexts_parallel(encodings)) == expected
    pool_start = time.perf_counter()
    with process_pool(2) as pool:
        list(pool.map(abs, range(2)))
        pool_startup_ms = round((time.perf_counter() - pool_start) * 1000, 1)
        processes_rate = best_rate(
            lambda: sum_ciphertexts_parallel(encodings, executor=pool, workers=2), TALLY_CIPHERTEXTS
        )
    single_rate = best_rate(lambda: sum_ciphertext_encodings(encodings), TALLY_CIPHERTEXTS)
    threads_rate = best_rate(
        lambda: sum_ciphertexts_parallel(encodings, workers=2), TALLY_CIPHERTEXTS
    )
    naive_rate = best_rate(
        lambda: naive_sum(encodings[:NAIVE_TALLY_CIPHERTEXTS]), NAIVE_TALLY_CIPHERTEXTS, runs=2
    )

    # Tally straight from stored 20-question ballots (the survey engine's path).
    stored = [
        serialize(
            encrypt_ballot(keys.public_key, CONTEXT, specs, [1 + (i + j) % 5 for j in range(20)])
        )
        for i in range(20)
    ]
    ballots = [stored[i % 20] for i in range(1000)]
    ballot_ciphertexts = 1000 * 100
    results["tally"] = {
        "ciphertexts": TALLY_CIPHERTEXTS,
        "one_core_per_second": single_rate,
        "two_cores_threads_per_second": threads_rate,
        "two_cores_processes_per_second": processes_rate,
        "process_pool_startup_ms": pool_startup_ms,
        "naive_decode_objects_one_by_one_per_second": naive_rate,
        "naive_measured_on_ciphertexts": NAIVE_TALLY_CIPHERTEXTS,
        "ballots_20x5_one_core_ciphertexts_per_second": best_rate(
            lambda: tally_serialized(specs, ballots, workers=1), ballot_ciphertexts
        ),
        "ballots_20x5_two_cores_ciphertexts_per_second": best_rate(
            lambda: tally_serialized(specs, ballots, workers=2), ballot_ciphertexts
        ),
        "goal_per_core_per_second": 25_000,
    }

    # Discrete log: table build (once per process), then a sum near a million.
    # The table was built on first use above; build a fresh one to time it.
    table_ms = median_ms(dlog._build_table, 3)
    big_sum = encrypt(keys.public_key, DLOG_VALUE)
    assert decrypt_sum(keys.secret_key, big_sum) == DLOG_VALUE
    small_point = Point.base_times(Scalar(NAIVE_DLOG_VALUE))
    naive_small_ms = median_ms(lambda: naive_dlog(small_point), 1)
    results["decrypt_sum"] = {
        "value": DLOG_VALUE,
        "baby_step_table_entries": dlog.BABY_STEPS,
        "baby_step_table_build_ms": table_ms,
        "decrypt_ms": median_ms(lambda: decrypt_sum(keys.secret_key, big_sum), 15),
        "decrypt_ten_million_ms": median_ms(
            lambda: dlog.discrete_log(Point.base_times(Scalar(10_000_000))), 5
        ),
        "naive_linear_search_ms_extrapolated": round(
            naive_small_ms * DLOG_VALUE / NAIVE_DLOG_VALUE, 1
        ),
        "naive_linear_search_measured_value": NAIVE_DLOG_VALUE,
        "naive_linear_search_measured_ms": naive_small_ms,
        "naive_note": (
            "linear search measured on the smaller value and scaled linearly to the target"
        ),
        "goal_ms": 50,
    }

    # One trustee's partial decryption with its proof, and combining 3 of 5.
    threshold_key, shares = deal_shares(3, 5)
    ciphertext = encrypt(threshold_key.public_key, 12345)
    partials = [partial_decrypt(threshold_key, s, ciphertext.alpha, CONTEXT) for s in shares[:3]]
    naive_context = _partial_context(threshold_key, 1, CONTEXT)
    results["partial_decryption"] = {
        "partial_decrypt_with_proof_ms": median_ms(
            lambda: partial_decrypt(threshold_key, shares[0], ciphertext.alpha, CONTEXT), 25
        ),
        "naive_partial_decrypt_with_proof_ms": median_ms(
            lambda: naive_partial_decrypt(
                shares[0].scalar, ciphertext.alpha.to_bytes(), naive_context
            ),
            25,
        ),
        "verify_partial_ms": median_ms(
            lambda: verify_partial(threshold_key, ciphertext.alpha, partials[0], CONTEXT), 25
        ),
        "combine_3_of_5_and_decrypt_ms": median_ms(
            lambda: decrypt_with_partials(threshold_key, ciphertext, partials, CONTEXT), 15
        ),
    }
    results["rank_9_options_top_3"] = rank_answer_figures(keys)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
