"""Non-interactive zero-knowledge proofs about ElGamal ciphertexts.

* ``prove_membership``: a ciphertext holds one value of a small public set
  (a disjunction of Chaum–Pedersen proofs, Cramer–Damgård–Schoenmakers); with
  the set {0, 1} this is the "holds 0 or 1" proof.
* ``prove_vector``: every slot of a vector holds 0 or 1, and a weighted sum of
  the slots holds a value in a set: {1} for one-hot vectors, {0..m} for "at
  most m choices".
* ``prove_dleq``: two points share a discrete log (Chaum–Pedersen), which is
  how a trustee shows a partial decryption was made with its key share.
* ``prove_ephemeral_key``: the sender of a sealed text knows r for its
  ephemeral point R = r·G (Schnorr), bound to the sealed body, so nobody can
  pass off a point they did not make (another voter's ciphertext) as the
  ephemeral key of a comment and have trustees decrypt it. The transcript is
  given in ``crypto.sealing``, whose format it belongs to.

Challenges use strong Fiat–Shamir: the hash covers a per-proof domain tag, the
group name, the public key, the caller's context (survey, question, ...), the
statement (ciphertexts, allowed values) and every commitment, so a proof cannot
be moved to another key, question or ciphertext. Proofs store all challenges
and responses (2 scalars per branch); the verifier recomputes the commitments.

Verifiers return False for any false, malformed or mismatched input and never
raise for it; only ``from_bytes`` raises (DecodeError) on bad encodings.

Every prover draws its random scalars from the operating system's CSPRNG. The
provers (and ``crypto.ballot.encrypt_ballot`` and ``crypto.sealing.seal_text``
above them) take an optional ``random_scalar`` instead, a function returning
non-zero Scalars, so that fixed test vectors can be made and another
implementation (the browser's) can reproduce them byte for byte. The scalars
are drawn in a fixed order: a membership proof draws its witness, then for each
other branch in order its challenge and its response; the Schnorr proof draws
its witness. Never pass one outside tests: predictable scalars reveal votes.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import rbcl

from crypto.elgamal import Ciphertext, PublicKey
from crypto.errors import DecodeError
from crypto.group import (
    IDENTITY_ENCODING,
    POINT_SIZE,
    SCALAR_SIZE,
    Point,
    Scalar,
    add_encodings,
    base_mul_encoding,
    frame,
    hash_to_scalar,
    is_canonical_point_encoding,
    is_canonical_scalar_encoding,
    mul_encoding,
    mul_encoding_checked,
    small_multiple_encoding,
    sub_encodings,
    sub_encodings_checked,
)

MEMBERSHIP_DOMAIN: Final = b"proof/ciphertext-holds-one-of"
DLEQ_DOMAIN: Final = b"proof/equal-discrete-logs"
#: Names the sealed-text format (version 2) the proof belongs to, so a later
#: format cannot accept these proofs under a different reading of the parts.
EPHEMERAL_KEY_DOMAIN: Final = b"proof/knowledge-of-sealed-text-ephemeral-key/v2"
ZERO_OR_ONE: Final = (0, 1)
#: Largest set a membership proof may cover; bounds the verifier's work.
MAX_BRANCHES: Final = 256
DLEQ_PROOF_SIZE: Final = 2 * SCALAR_SIZE
KNOWLEDGE_PROOF_SIZE: Final = 2 * SCALAR_SIZE

_scalar_add = rbcl.crypto_core_ristretto255_scalar_add
_scalar_sub = rbcl.crypto_core_ristretto255_scalar_sub
_scalar_mul = rbcl.crypto_core_ristretto255_scalar_mul
_scalar_random = rbcl.crypto_core_ristretto255_scalar_random

_canonical_scalar = is_canonical_scalar_encoding
_ONE_ENCODING: Final = small_multiple_encoding(1)

#: A source of uniformly random non-zero scalars; None means the CSPRNG.
ScalarSource = Callable[[], Scalar]


def _draw(random_scalar: ScalarSource | None) -> bytes:
    return _scalar_random() if random_scalar is None else random_scalar().to_bytes()


@dataclass(frozen=True, slots=True)
class DisjunctiveProof:
    """One (challenge, response) pair of 32-byte canonical scalars per branch."""

    challenges: tuple[bytes, ...]
    responses: tuple[bytes, ...]

    @staticmethod
    def size(branches: int) -> int:
        return 2 * SCALAR_SIZE * branches

    def to_bytes(self) -> bytes:
        return b"".join(c + z for c, z in zip(self.challenges, self.responses, strict=True))

    @classmethod
    def from_bytes(cls, data: bytes, branches: int) -> DisjunctiveProof:
        if not isinstance(data, bytes) or len(data) != cls.size(branches):
            raise DecodeError(f"a {branches}-branch proof is {cls.size(branches)} bytes")
        scalars = [data[i : i + SCALAR_SIZE] for i in range(0, len(data), SCALAR_SIZE)]
        if not all(is_canonical_scalar_encoding(s) for s in scalars):
            raise DecodeError("non-canonical scalar in proof")
        return cls(tuple(scalars[0::2]), tuple(scalars[1::2]))


@dataclass(frozen=True, slots=True)
class VectorProof:
    """0/1 proofs for each slot, and a membership proof for the weighted sum."""

    slot_proofs: tuple[DisjunctiveProof, ...]
    sum_proof: DisjunctiveProof


@dataclass(frozen=True, slots=True)
class DleqProof:
    """Chaum–Pedersen proof (challenge, response) that log_G X = log_Y Z."""

    challenge: bytes
    response: bytes

    def to_bytes(self) -> bytes:
        return self.challenge + self.response

    @classmethod
    def from_bytes(cls, data: bytes) -> DleqProof:
        if not isinstance(data, bytes) or len(data) != DLEQ_PROOF_SIZE:
            raise DecodeError(f"a Chaum–Pedersen proof is {DLEQ_PROOF_SIZE} bytes")
        challenge, response = data[:SCALAR_SIZE], data[SCALAR_SIZE:]
        if not (is_canonical_scalar_encoding(challenge) and is_canonical_scalar_encoding(response)):
            raise DecodeError("non-canonical scalar in proof")
        return cls(challenge, response)


def _value_encoding(value: int) -> bytes:
    return (
        small_multiple_encoding(value)
        if value < 1024
        else base_mul_encoding(Scalar(value).to_bytes())
    )


def _shifted_beta(beta: bytes, value: int) -> bytes:
    """beta - value·G: what must equal r·h if the ciphertext holds ``value``."""
    return beta if value == 0 else sub_encodings(beta, _value_encoding(value))


def _simulated_commitments(
    key: bytes, alpha: bytes, shifted_beta: bytes, challenge: bytes, response: bytes
) -> tuple[bytes, bytes]:
    """The commitments a valid branch with this (challenge, response) must have:
    z·G - c·alpha and z·h - c·(beta - v·G)."""
    first = sub_encodings(base_mul_encoding(response), mul_encoding(challenge, alpha))
    second = sub_encodings(mul_encoding(response, key), mul_encoding(challenge, shifted_beta))
    return first, second


def _allowed_encoding(allowed: Sequence[int]) -> bytes:
    return b"".join(value.to_bytes(8, "big") for value in allowed)


def _membership_challenge(
    key: bytes,
    context: bytes,
    allowed: Sequence[int],
    alpha: bytes,
    beta: bytes,
    commitments: list[bytes],
) -> bytes:
    return hash_to_scalar(
        MEMBERSHIP_DOMAIN,
        key,
        context,
        _allowed_encoding(allowed),
        alpha,
        beta,
        b"".join(commitments),
    ).to_bytes()


def _valid_allowed(allowed: Sequence[int]) -> bool:
    return (
        0 < len(allowed) <= MAX_BRANCHES
        and all(type(v) is int and 0 <= v < 2**63 for v in allowed)
        and len(set(allowed)) == len(allowed)
    )


def _prove_membership_unchecked(
    public_key: PublicKey,
    ciphertext: Ciphertext,
    value: int,
    nonce: Scalar,
    allowed: Sequence[int],
    context: bytes,
    random_scalar: ScalarSource | None = None,
) -> DisjunctiveProof:
    """The prover's algorithm without checking the statement is true; a lying
    prover (tests) gets a proof that will not verify."""
    key = public_key.to_bytes()
    alpha, beta = ciphertext.alpha.to_bytes(), ciphertext.beta.to_bytes()
    real = allowed.index(value) if value in allowed else 0
    challenges: list[bytes] = []
    responses: list[bytes] = []
    commitments: list[bytes] = []
    witness = _draw(random_scalar)
    for j, candidate in enumerate(allowed):
        if j == real:
            challenges.append(b"")
            responses.append(b"")
            commitments += [base_mul_encoding(witness), mul_encoding(witness, key)]
        else:
            challenge = _draw(random_scalar)
            response = _draw(random_scalar)
            challenges.append(challenge)
            responses.append(response)
            # Always subtract (even 0·G) so the prover's work does not depend
            # on which value is the real one.
            shifted = sub_encodings(beta, _value_encoding(candidate))
            commitments += _simulated_commitments(key, alpha, shifted, challenge, response)
    total = _membership_challenge(key, context, allowed, alpha, beta, commitments)
    real_challenge = total
    for j, challenge in enumerate(challenges):
        if j != real:
            real_challenge = _scalar_sub(real_challenge, challenge)
    challenges[real] = real_challenge
    responses[real] = _scalar_add(witness, _scalar_mul(real_challenge, nonce.to_bytes()))
    return DisjunctiveProof(tuple(challenges), tuple(responses))


def prove_membership(
    public_key: PublicKey,
    ciphertext: Ciphertext,
    value: int,
    nonce: Scalar,
    allowed: Sequence[int],
    context: bytes,
    *,
    random_scalar: ScalarSource | None = None,
) -> DisjunctiveProof:
    """Prove ``ciphertext`` (made with ``nonce``) holds a value in ``allowed``
    without saying which. Raises ValueError if ``value`` is not allowed."""
    allowed = tuple(allowed)
    if not _valid_allowed(allowed):
        raise ValueError("allowed values must be distinct non-negative integers (at most 256)")
    if value not in allowed:
        raise ValueError("cannot prove a ciphertext holds a value outside the allowed set")
    return _prove_membership_unchecked(
        public_key, ciphertext, value, nonce, allowed, context, random_scalar
    )


def verify_membership(
    public_key: PublicKey,
    ciphertext: Ciphertext,
    proof: DisjunctiveProof,
    allowed: Sequence[int],
    context: bytes,
) -> bool:
    """True only if ``proof`` shows ``ciphertext`` holds a value in ``allowed``
    under ``public_key`` and ``context``."""
    try:
        allowed = tuple(allowed)
        if not (
            isinstance(public_key, PublicKey)
            and isinstance(ciphertext, Ciphertext)
            and isinstance(proof, DisjunctiveProof)
            and isinstance(context, bytes)
            and _valid_allowed(allowed)
            and len(proof.challenges) == len(allowed)
            and len(proof.responses) == len(allowed)
            and all(is_canonical_scalar_encoding(s) for s in proof.challenges)
            and all(is_canonical_scalar_encoding(s) for s in proof.responses)
        ):
            return False
    except TypeError:
        return False
    return _membership_verifies(
        public_key.to_bytes(),
        ciphertext.alpha.to_bytes(),
        ciphertext.beta.to_bytes(),
        proof.challenges,
        proof.responses,
        allowed,
        context,
    )


def _membership_verifies(
    key: bytes,
    alpha: bytes,
    beta: bytes,
    challenges: Sequence[bytes],
    responses: Sequence[bytes],
    allowed: Sequence[int],
    context: bytes,
) -> bool:
    """The verifier's algorithm on encodings already checked: canonical points,
    canonical scalars, one (challenge, response) per allowed value."""
    commitments: list[bytes] = []
    challenge_sum = bytes(SCALAR_SIZE)
    for candidate, challenge, response in zip(allowed, challenges, responses):
        commitments += _simulated_commitments(
            key, alpha, _shifted_beta(beta, candidate), challenge, response
        )
        challenge_sum = _scalar_add(challenge_sum, challenge)
    return challenge_sum == _membership_challenge(key, context, allowed, alpha, beta, commitments)


def _zero_or_one_verifies_unchecked_points(
    key: bytes, alpha: bytes, beta: bytes, proof: bytes, context: bytes
) -> bool:
    """``verify_zero_or_one`` on the bytes of a ciphertext and its proof as they
    come from outside (``verify_vector_encoded``): False for non-canonical points
    or scalars, as decoding them would refuse them. Each point is decoded once,
    by the first operation that uses it (``crypto.group``'s checked operations),
    and the transcript is exactly ``verify_membership``'s for ZERO_OR_ONE."""
    c0, z0, c1, z1 = proof[:32], proof[32:64], proof[64:96], proof[96:128]
    if not (
        _canonical_scalar(c0) and _canonical_scalar(z0)
        and _canonical_scalar(c1) and _canonical_scalar(z1)
    ):
        return False
    shifted = sub_encodings_checked(beta, _ONE_ENCODING)  # beta - 1·G; decodes beta
    c0_alpha = mul_encoding_checked(c0, alpha)  # decodes alpha
    if shifted is None or c0_alpha is None:
        return False
    commitments = (
        sub_encodings(base_mul_encoding(z0), c0_alpha),
        sub_encodings(mul_encoding(z0, key), mul_encoding(c0, beta)),
        sub_encodings(base_mul_encoding(z1), mul_encoding(c1, alpha)),
        sub_encodings(mul_encoding(z1, key), mul_encoding(c1, shifted)),
    )
    return _scalar_add(c0, c1) == _membership_challenge(
        key, context, ZERO_OR_ONE, alpha, beta, commitments
    )


def prove_zero_or_one(
    public_key: PublicKey,
    ciphertext: Ciphertext,
    value: int,
    nonce: Scalar,
    context: bytes,
    *,
    random_scalar: ScalarSource | None = None,
) -> DisjunctiveProof:
    return prove_membership(
        public_key, ciphertext, value, nonce, ZERO_OR_ONE, context, random_scalar=random_scalar
    )


def verify_zero_or_one(
    public_key: PublicKey, ciphertext: Ciphertext, proof: DisjunctiveProof, context: bytes
) -> bool:
    return verify_membership(public_key, ciphertext, proof, ZERO_OR_ONE, context)


def _slot_context(context: bytes, index: int) -> bytes:
    return frame(b"slot", context, index.to_bytes(4, "big"))


def _sum_context(
    context: bytes, ciphertexts: Sequence[Ciphertext], weights: Sequence[int]
) -> bytes:
    return _sum_context_of_bytes(context, b"".join(c.to_bytes() for c in ciphertexts), weights)


def _sum_context_of_bytes(context: bytes, ciphertext_bytes: bytes, weights: Sequence[int]) -> bytes:
    """The sum proof's context; ``ciphertext_bytes`` is every slot's ciphertext, in order."""
    return frame(b"weighted-sum", context, _allowed_encoding(weights), ciphertext_bytes)


def _weighted_sum_encodings(
    pairs: Iterable[tuple[bytes, bytes]], weights: Sequence[int]
) -> tuple[bytes, bytes]:
    """Σ weight·(alpha, beta) on checked encodings. The first term is taken as
    it is rather than added to the identity: the same canonical encoding, one
    addition (two decodings and an encoding) fewer."""
    alpha = beta = None
    for (a, b), weight in zip(pairs, weights, strict=True):
        if weight == 0:
            continue
        if weight != 1:
            factor = Scalar(weight).to_bytes()
            a, b = mul_encoding(factor, a), mul_encoding(factor, b)
        if alpha is None:
            alpha, beta = a, b
        else:
            alpha, beta = add_encodings(alpha, a), add_encodings(beta, b)
    if alpha is None or beta is None:
        return IDENTITY_ENCODING, IDENTITY_ENCODING
    return alpha, beta


def weighted_sum(ciphertexts: Sequence[Ciphertext], weights: Sequence[int]) -> Ciphertext:
    """Σ weight·ciphertext; a weight of 1 (the usual case) costs one addition."""
    alpha, beta = _weighted_sum_encodings(
        ((c.alpha.to_bytes(), c.beta.to_bytes()) for c in ciphertexts), weights
    )
    return Ciphertext(Point._trusted(alpha), Point._trusted(beta))


def _unit_weights(count: int, weights: Sequence[int] | None) -> tuple[int, ...]:
    return (1,) * count if weights is None else tuple(weights)


def prove_vector(
    public_key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    values: Sequence[int],
    nonces: Sequence[Scalar],
    context: bytes,
    *,
    allowed_sums: Sequence[int],
    weights: Sequence[int] | None = None,
    random_scalar: ScalarSource | None = None,
) -> VectorProof:
    """Prove each slot holds 0 or 1 and Σ weight·slot lies in ``allowed_sums``.
    The slot proofs are made in slot order, then the sum proof."""
    weights = _unit_weights(len(ciphertexts), weights)
    if not (len(ciphertexts) == len(values) == len(nonces) == len(weights)):
        raise ValueError("ciphertexts, values, nonces and weights must have the same length")
    if any(type(w) is not int or w < 0 for w in weights):
        raise ValueError("weights must be non-negative integers")
    slot_proofs = tuple(
        prove_zero_or_one(
            public_key, c, v, r, _slot_context(context, i), random_scalar=random_scalar
        )
        for i, (c, v, r) in enumerate(zip(ciphertexts, values, nonces))
    )
    total_value = sum(w * v for w, v in zip(weights, values))
    total_nonce = bytes(SCALAR_SIZE)
    for weight, nonce in zip(weights, nonces):
        total_nonce = _scalar_add(
            total_nonce, _scalar_mul(Scalar(weight).to_bytes(), nonce.to_bytes())
        )
    sum_proof = prove_membership(
        public_key,
        weighted_sum(ciphertexts, weights),
        total_value,
        Scalar._trusted(total_nonce),
        tuple(allowed_sums),
        _sum_context(context, ciphertexts, weights),
        random_scalar=random_scalar,
    )
    return VectorProof(slot_proofs, sum_proof)


def verify_vector(
    public_key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    proof: VectorProof,
    context: bytes,
    *,
    allowed_sums: Sequence[int],
    weights: Sequence[int] | None = None,
) -> bool:
    try:
        ciphertexts = tuple(ciphertexts)
        weights = _unit_weights(len(ciphertexts), weights)
        if not (
            isinstance(proof, VectorProof)
            and isinstance(context, bytes)
            and len(ciphertexts) > 0
            and len(proof.slot_proofs) == len(ciphertexts) == len(weights)
            and all(isinstance(c, Ciphertext) for c in ciphertexts)
            and all(type(w) is int and 0 <= w < 2**32 for w in weights)
        ):
            return False
    except TypeError:
        return False
    for index, (ciphertext, slot_proof) in enumerate(zip(ciphertexts, proof.slot_proofs)):
        if not verify_zero_or_one(
            public_key, ciphertext, slot_proof, _slot_context(context, index)
        ):
            return False
    return verify_membership(
        public_key,
        weighted_sum(ciphertexts, weights),
        proof.sum_proof,
        allowed_sums,
        _sum_context(context, ciphertexts, weights),
    )


def verify_vector_encoded(
    public_key: PublicKey,
    ciphertexts: bytes,
    slot_proofs: bytes,
    sum_proof: bytes,
    context: bytes,
    *,
    allowed_sums: Sequence[int],
    weights: Sequence[int],
) -> bool:
    """``verify_vector`` on the bytes as a ballot lays them out (see
    ``crypto.ballot``): ``ciphertexts`` is 64 bytes (alpha, beta) per slot,
    ``slot_proofs`` 128 bytes (two branches) per slot, ``sum_proof`` 64 bytes per
    allowed sum. True exactly when decoding them (``Ciphertext.from_bytes``,
    ``DisjunctiveProof.from_bytes``) would succeed and ``verify_vector`` would
    accept the result, but without building objects, and with each point
    decoded once instead of twice (checked when first used, then trusted)."""
    try:
        allowed_sums = tuple(allowed_sums)
        weights = tuple(weights)
        slots = len(weights)
        if not (
            isinstance(public_key, PublicKey)
            and isinstance(context, bytes)
            and type(ciphertexts) is bytes
            and type(slot_proofs) is bytes
            and type(sum_proof) is bytes
            and slots > 0
            and len(ciphertexts) == slots * 2 * POINT_SIZE
            and len(slot_proofs) == slots * DisjunctiveProof.size(2)
            and len(sum_proof) == DisjunctiveProof.size(len(allowed_sums))
            and all(type(w) is int and 0 <= w < 2**32 for w in weights)
            and _valid_allowed(allowed_sums)
        ):
            return False
    except TypeError:
        return False
    key = public_key.to_bytes()
    pairs = []
    for index in range(slots):
        at = index * 2 * POINT_SIZE
        alpha, beta = ciphertexts[at : at + POINT_SIZE], ciphertexts[at + POINT_SIZE : at + 2 * POINT_SIZE]
        proof_at = index * DisjunctiveProof.size(2)
        if not _zero_or_one_verifies_unchecked_points(
            key, alpha, beta, slot_proofs[proof_at : proof_at + DisjunctiveProof.size(2)],
            _slot_context(context, index),
        ):
            return False
        pairs.append((alpha, beta))
    scalars = [sum_proof[i : i + SCALAR_SIZE] for i in range(0, len(sum_proof), SCALAR_SIZE)]
    if not all(_canonical_scalar(s) for s in scalars):
        return False
    alpha, beta = _weighted_sum_encodings(pairs, weights)
    return _membership_verifies(
        key, alpha, beta, scalars[0::2], scalars[1::2], allowed_sums,
        _sum_context_of_bytes(context, ciphertexts, weights),
    )


def prove_one_hot(
    public_key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    values: Sequence[int],
    nonces: Sequence[Scalar],
    context: bytes,
) -> VectorProof:
    """Every slot holds 0 or 1 and exactly one holds 1."""
    return prove_vector(public_key, ciphertexts, values, nonces, context, allowed_sums=(1,))


def verify_one_hot(
    public_key: PublicKey, ciphertexts: Sequence[Ciphertext], proof: VectorProof, context: bytes
) -> bool:
    return verify_vector(public_key, ciphertexts, proof, context, allowed_sums=(1,))


def prove_at_most(
    public_key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    values: Sequence[int],
    nonces: Sequence[Scalar],
    max_ones: int,
    context: bytes,
) -> VectorProof:
    """Every slot holds 0 or 1 and at most ``max_ones`` hold 1."""
    return prove_vector(
        public_key, ciphertexts, values, nonces, context, allowed_sums=range(max_ones + 1)
    )


def verify_at_most(
    public_key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    proof: VectorProof,
    max_ones: int,
    context: bytes,
) -> bool:
    if type(max_ones) is not int or max_ones < 0:
        return False
    return verify_vector(public_key, ciphertexts, proof, context, allowed_sums=range(max_ones + 1))


def _dleq_challenge(
    context: bytes,
    public: bytes,
    other_base: bytes,
    other_public: bytes,
    first: bytes,
    second: bytes,
) -> bytes:
    return hash_to_scalar(
        DLEQ_DOMAIN, context, public, other_base, other_public, first, second
    ).to_bytes()


def prove_dleq(
    secret: Scalar,
    public: Point,
    other_base: Point,
    other_public: Point,
    context: bytes,
    *,
    random_scalar: ScalarSource | None = None,
) -> DleqProof:
    """Prove log_G(public) == log_other_base(other_public) == ``secret``."""
    witness = _draw(random_scalar)
    first = base_mul_encoding(witness)
    second = mul_encoding(witness, other_base.to_bytes())
    challenge = _dleq_challenge(
        context, public.to_bytes(), other_base.to_bytes(), other_public.to_bytes(), first, second
    )
    response = _scalar_add(witness, _scalar_mul(challenge, secret.to_bytes()))
    return DleqProof(challenge, response)


def verify_dleq(
    public: Point, other_base: Point, other_public: Point, proof: DleqProof, context: bytes
) -> bool:
    if not (
        isinstance(public, Point)
        and isinstance(other_base, Point)
        and isinstance(other_public, Point)
        and isinstance(proof, DleqProof)
        and isinstance(context, bytes)
        and is_canonical_scalar_encoding(proof.challenge)
        and is_canonical_scalar_encoding(proof.response)
    ):
        return False
    c, z = proof.challenge, proof.response
    first = sub_encodings(base_mul_encoding(z), mul_encoding(c, public.to_bytes()))
    second = sub_encodings(
        mul_encoding(z, other_base.to_bytes()), mul_encoding(c, other_public.to_bytes())
    )
    expected = _dleq_challenge(
        context, public.to_bytes(), other_base.to_bytes(), other_public.to_bytes(), first, second
    )
    return c == expected


@dataclass(frozen=True, slots=True)
class KnowledgeProof:
    """Schnorr proof (challenge, response) of knowing r such that R = r·G."""

    challenge: bytes
    response: bytes

    def to_bytes(self) -> bytes:
        return self.challenge + self.response

    @classmethod
    def from_bytes(cls, data: bytes) -> KnowledgeProof:
        if not isinstance(data, bytes) or len(data) != KNOWLEDGE_PROOF_SIZE:
            raise DecodeError(f"a Schnorr proof is {KNOWLEDGE_PROOF_SIZE} bytes")
        challenge, response = data[:SCALAR_SIZE], data[SCALAR_SIZE:]
        if not (is_canonical_scalar_encoding(challenge) and is_canonical_scalar_encoding(response)):
            raise DecodeError("non-canonical scalar in proof")
        return cls(challenge, response)


def _ephemeral_key_challenge(
    key: bytes, context: bytes, ephemeral: bytes, body: bytes, commitment: bytes
) -> bytes:
    # Strong Fiat–Shamir: everything the verifier is asked to accept is hashed,
    # the body included, so the proof cannot be lifted onto another comment's
    # ciphertext, key or context.
    return hash_to_scalar(
        EPHEMERAL_KEY_DOMAIN, key, context, ephemeral, body, commitment
    ).to_bytes()


def prove_ephemeral_key(
    public_key: PublicKey,
    nonce: Scalar,
    ephemeral: Point,
    context: bytes,
    body: bytes,
    *,
    random_scalar: ScalarSource | None = None,
) -> KnowledgeProof:
    """Prove knowledge of ``nonce`` = log_G(``ephemeral``), bound to the public
    key the text is sealed to, the caller's context and the sealed ``body``.
    Raises ValueError if ``ephemeral`` is not ``nonce``·G."""
    if nonce.is_zero() or Point.base_times(nonce) != ephemeral:
        raise ValueError("the ephemeral point is not the nonce times the generator")
    witness = _draw(random_scalar)
    commitment = base_mul_encoding(witness)
    challenge = _ephemeral_key_challenge(
        public_key.to_bytes(), context, ephemeral.to_bytes(), body, commitment
    )
    response = _scalar_add(witness, _scalar_mul(challenge, nonce.to_bytes()))
    return KnowledgeProof(challenge, response)


def verify_ephemeral_key(
    public_key: PublicKey, ephemeral: Point, proof: KnowledgeProof, context: bytes, body: bytes
) -> bool:
    """True only if ``proof`` shows its maker knew log_G(``ephemeral``) and
    bound it to this key, context and body. The identity is refused: its
    discrete log (0) is known to everyone, and a sealed text never uses it."""
    if not (
        isinstance(public_key, PublicKey)
        and isinstance(ephemeral, Point)
        and isinstance(proof, KnowledgeProof)
        and isinstance(context, bytes)
        and isinstance(body, bytes)
        and is_canonical_point_encoding(ephemeral.to_bytes())
        and not ephemeral.is_identity()
        and is_canonical_scalar_encoding(proof.challenge)
        and is_canonical_scalar_encoding(proof.response)
    ):
        return False
    point = ephemeral.to_bytes()
    commitment = sub_encodings(
        base_mul_encoding(proof.response), mul_encoding(proof.challenge, point)
    )
    expected = _ephemeral_key_challenge(public_key.to_bytes(), context, point, body, commitment)
    return hmac.compare_digest(proof.challenge, expected)
