// The key ceremony's cryptography in the trustee's browser: the personal key
// sealed with the passphrase (crypto/sealing.py's format), the dealing, the
// check of what the others dealt (an acknowledgement or a complaint), the final
// share and the partial decryptions. Byte for byte the formats of crypto/dkg.py
// and crypto/threshold.py, whose docstrings describe every byte; the server
// checks what this makes with that Python code, and docs/key-ceremony.md says
// what each party sees.
//
// No DOM: it runs in the ceremony's worker, in a page and under node (>= 20.19).
// ristretto255, SHA-2, HKDF and scrypt come from the vendored noble libraries,
// AES-GCM from WebCrypto, randomness from crypto.getRandomValues. Bytes are
// Uint8Array, scalars bigint; dealings and complaints travel as the JSON of
// crypto.dkg (byte fields in standard padded base64).

import { hkdf, scryptAsync, sha256 } from "../vendor/noble.js";
import {
  G, POINT_SIZE, Point, SCALAR_SIZE, base64Bytes, bytesOf, canonicalScalar, concat, decodePoint, equalBytes, frame,
  hashToScalar, hex, mod, mulPublic, mulSecret, randomScalar, scalarToBytes, toBase64,
} from "../crypto/common.js";

export { randomScalar, toBase64 };

const PERSONAL_KEY_LABEL = bytesOf("leverage/ceremony/personal-key");
const CONTEXT_LABEL = bytesOf("leverage/ceremony/context");
const CONSTANT_LABEL = bytesOf("leverage/ceremony/constant-term");
const DEALING_LABEL = bytesOf("leverage/ceremony/dealing");
const ACKNOWLEDGEMENT_LABEL = bytesOf("leverage/ceremony/acknowledgement");
const COMPLAINT_LABEL = bytesOf("leverage/ceremony/complaint");
const SHARE_KDF_LABEL = bytesOf("leverage/ceremony/share/v1");
const FINGERPRINT_LABEL = bytesOf("leverage/ceremony/fingerprint");
const POSSESSION_DOMAIN = bytesOf("proof/ceremony/knowledge-of-discrete-log/v1");
const SIGNATURE_DOMAIN = bytesOf("proof/ceremony/schnorr-signature/v1");
const SHARE_EPHEMERAL_DOMAIN = bytesOf("proof/ceremony/knowledge-of-sealed-share-ephemeral-key/v1");
const DLEQ_DOMAIN = bytesOf("proof/equal-discrete-logs");
const PARTIAL_LABEL = bytesOf("partial-decryption");
const PASSPHRASE_AAD_DOMAIN = bytesOf("leverage/sealing/passphrase/v1");

export const CEREMONY_VERSION = 1;
export const SHARE_SEAL_VERSION = 1;
export const PASSPHRASE_SEAL_VERSION = 1;
export const THRESHOLD_KEY_VERSION = 1;
export const MAX_TRUSTEES = 255;
const MAX_CEREMONY_ID = 255;
const PROOF_SIZE = 64;
const TAG_SIZE = 16;
const SALT_SIZE = 16;
const NONCE_SIZE = 12;
const SHARE_HEADER_SIZE = 1 + POINT_SIZE + PROOF_SIZE;
export const SEALED_SHARE_SIZE = SHARE_HEADER_SIZE + SCALAR_SIZE + TAG_SIZE;
export const PARTIAL_SIZE = 1 + POINT_SIZE + PROOF_SIZE;
const PASSPHRASE_HEADER_SIZE = 4 + SALT_SIZE + NONCE_SIZE;
const MAX_SCRYPT_MEMORY = 2 ** 30;
const FINGERPRINT_HEX_DIGITS = 20;
/** crypto.sealing.DEFAULT_SCRYPT: N = 2^17, r = 8, p = 1 (128 MiB). */
export const DEFAULT_SCRYPT = Object.freeze({ log2N: 17, r: 8, p: 1 });
export const WRONG_PASSPHRASE = "That passphrase does not open your key.";
/** The server never sees the passphrase, so only the browser can hold it to a length. */
export const MIN_PASSPHRASE = 12;

/** Something a trustee's browser refuses, in words for the trustee.
 * `trustee` is the index of the trustee at fault, when there is one. */
export class CeremonyError extends Error {
  constructor(message, trustee = null) {
    super(message);
    this.name = "CeremonyError";
    this.trustee = trustee;
  }
}

// ---------------------------------------------------------------- bytes

const indexByte = (index) => Uint8Array.of(index);

function unframe(data) {
  const parts = [];
  let at = 0;
  while (at < data.length) {
    if (at + 8 > data.length) return null;
    let size = 0;
    for (let i = 0; i < 8; i++) size = size * 256 + data[at + i];
    if (at + 8 + size > data.length) return null;
    parts.push(data.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return parts;
}

/** Strict standard base64 (padded, canonical), as crypto.dkg reads it. */
export function fromBase64(text, what = "a value") {
  const out = base64Bytes(text);
  if (out === null || toBase64(out) !== text) throw new CeremonyError(`${what} is not valid base64.`);
  return out;
}

const asBytes = (value, what) => (typeof value === "string" ? fromBase64(value, what) : value);

// ---------------------------------------------------------------- points

function pointOrRefuse(bytes, what, trustee = null) {
  const point = decodePoint(bytes);
  if (point === null) throw new CeremonyError(`${what} is not a valid point.`, trustee);
  return point;
}

/** The public key of a secret scalar, as 32 bytes. */
export function publicKeyOf(secret) {
  return mulSecret(G(), secret).toBytes();
}

// ---------------------------------------------------------------- Schnorr

function schnorrProve(domain, secret, publicBytes, parts, draw) {
  const witness = draw();
  const commitment = mulSecret(G(), witness).toBytes();
  const challenge = hashToScalar(domain, publicBytes, ...parts, commitment);
  return concat([scalarToBytes(challenge), scalarToBytes(mod(witness + challenge * secret))]);
}

function schnorrVerify(domain, publicBytes, proof, parts) {
  const point = decodePoint(publicBytes);
  if (point === null || point.is0() || !(proof instanceof Uint8Array) || proof.length !== PROOF_SIZE) return false;
  const challenge = canonicalScalar(proof.subarray(0, SCALAR_SIZE));
  const response = canonicalScalar(proof.subarray(SCALAR_SIZE));
  if (challenge === null || response === null) return false;
  const commitment = mulPublic(G(), response).subtract(mulPublic(point, challenge)).toBytes();
  return challenge === hashToScalar(domain, publicBytes, ...parts, commitment);
}

/** crypto.dkg.prove_possession. */
export function provePossession(secret, publicKey, context, { randomScalar: draw = randomScalar } = {}) {
  if (!equalBytes(publicKeyOf(secret), publicKey)) throw new CeremonyError("The key is not this secret's.");
  return schnorrProve(POSSESSION_DOMAIN, secret, publicKey, [context], draw);
}

export function verifyPossession(publicKey, proof, context) {
  return schnorrVerify(POSSESSION_DOMAIN, publicKey, proof, [context]);
}

function sign(secret, publicKey, message, draw) {
  return schnorrProve(SIGNATURE_DOMAIN, secret, publicKey, [message], draw);
}

function verifySignature(publicKey, signature, message) {
  return schnorrVerify(SIGNATURE_DOMAIN, publicKey, signature, [message]);
}

// ---------------------------------------------------------------- contexts

function idBytes(ceremonyId) {
  if (typeof ceremonyId !== "string" || ceremonyId === "") throw new CeremonyError("A ceremony id is needed.");
  const encoded = bytesOf(ceremonyId);
  if (encoded.length > MAX_CEREMONY_ID) throw new CeremonyError("The ceremony id is too long.");
  return encoded;
}

function checkIndex(index, count, role = "trustee") {
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new CeremonyError(`The ${role} number must be 1 to ${count}.`);
  }
}

/** crypto.dkg.join_context: what a personal key is bound to. */
export function joinContext(ceremonyId, trusteeIndex) {
  checkIndex(trusteeIndex, MAX_TRUSTEES);
  return frame(PERSONAL_KEY_LABEL, idBytes(ceremonyId), indexByte(trusteeIndex));
}

/** crypto.dkg.ceremony_context. personalKeys: 32-byte keys (or base64), trustee order. */
export function ceremonyContext(ceremonyId, threshold, personalKeys) {
  const keys = personalKeys.map((key, i) => asBytes(key, `Trustee ${i + 1}'s key`));
  const count = keys.length;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > count || count > MAX_TRUSTEES) {
    throw new CeremonyError(`A ceremony needs 1 <= threshold <= trustees <= ${MAX_TRUSTEES}.`);
  }
  keys.forEach((key, i) => {
    const point = decodePoint(key);
    if (point === null || point.is0()) throw new CeremonyError(`Trustee ${i + 1}'s key is not valid.`, i + 1);
    if (keys.slice(0, i).some((other) => equalBytes(other, key))) {
      throw new CeremonyError(`Trustee ${i + 1}'s key is another trustee's.`, i + 1);
    }
  });
  return frame(CONTEXT_LABEL, Uint8Array.of(CEREMONY_VERSION), idBytes(ceremonyId), Uint8Array.of(threshold),
    Uint8Array.of(count), ...keys);
}

/** crypto.dkg.parse_ceremony_context: {ceremonyId, threshold, personalKeys}. */
export function parseCeremonyContext(context) {
  const malformed = () => new CeremonyError("The ceremony's details are malformed.");
  if (!(context instanceof Uint8Array)) throw malformed();
  const parts = unframe(context);
  if (parts === null || parts.length < 5 || !equalBytes(parts[0], CONTEXT_LABEL)) throw malformed();
  if (parts[1].length !== 1 || parts[1][0] !== CEREMONY_VERSION) throw malformed();
  if (parts[3].length !== 1 || parts[4].length !== 1 || parts[4][0] !== parts.length - 5) throw malformed();
  let ceremonyId;
  try {
    ceremonyId = new TextDecoder("utf-8", { fatal: true }).decode(parts[2]);
  } catch {
    throw malformed();
  }
  const parsed = { ceremonyId, threshold: parts[3][0], personalKeys: parts.slice(5).map((k) => k.slice()) };
  if (!equalBytes(ceremonyContext(parsed.ceremonyId, parsed.threshold, parsed.personalKeys), context)) throw malformed();
  return parsed;
}

/** crypto.dkg.ceremony_fingerprint: "4F2A-91C3-07BD-E55A-1D20". */
export function ceremonyFingerprint(context) {
  parseCeremonyContext(context);
  const code = hex(sha256(frame(FINGERPRINT_LABEL, context))).slice(0, FINGERPRINT_HEX_DIGITS).toUpperCase();
  return code.match(/.{4}/g).join("-");
}

function checkOwnKey(parameters, me, secret) {
  checkIndex(me, parameters.personalKeys.length);
  if (typeof secret !== "bigint" || !equalBytes(publicKeyOf(secret), parameters.personalKeys[me - 1])) {
    throw new CeremonyError("This ceremony does not hold your key: do not go on, and tell the organizers.", me);
  }
}

// ---------------------------------------------------------------- passphrase seal (crypto.sealing)

function passphraseBytes(passphrase) {
  const bytes = typeof passphrase === "string" ? bytesOf(passphrase) : passphrase;
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new CeremonyError("Type your passphrase.");
  return bytes;
}

function checkScryptParams({ log2N, r, p }) {
  const ok = [log2N, r, p].every(Number.isInteger) && log2N >= 14 && log2N <= 22 && r >= 1 && r <= 32 &&
    p >= 1 && p <= 4 && 128 * r * 2 ** log2N * p <= MAX_SCRYPT_MEMORY;
  if (!ok) throw new CeremonyError("The key's protection settings are out of range.");
}

async function passphraseKey(passphrase, salt, { log2N, r, p }, onProgress) {
  const key = await scryptAsync(passphraseBytes(passphrase), salt, {
    N: 2 ** log2N, r, p, dkLen: 32, maxmem: MAX_SCRYPT_MEMORY + 2 * 1024, onProgress,
  });
  return crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/**
 * crypto.sealing.seal_with_passphrase: encrypt `secret` (bytes) under a key
 * scrypt derives from the passphrase. `salt` and `nonce` are for test vectors
 * only (fresh random ones otherwise); onProgress(fraction) follows scrypt.
 */
export async function sealWithPassphrase(secret, passphrase, {
  associatedData = new Uint8Array(0), params = DEFAULT_SCRYPT, salt = null, nonce = null, onProgress,
} = {}) {
  checkScryptParams(params);
  const saltBytes = salt ?? crypto.getRandomValues(new Uint8Array(SALT_SIZE));
  const nonceBytes = nonce ?? crypto.getRandomValues(new Uint8Array(NONCE_SIZE));
  if (saltBytes.length !== SALT_SIZE || nonceBytes.length !== NONCE_SIZE) throw new CeremonyError("Bad salt or nonce.");
  const header = concat([Uint8Array.of(PASSPHRASE_SEAL_VERSION, params.log2N, params.r, params.p), saltBytes, nonceBytes]);
  const key = await passphraseKey(passphrase, saltBytes, params, onProgress);
  const body = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonceBytes, additionalData: frame(PASSPHRASE_AAD_DOMAIN, header, associatedData), tagLength: 128 },
    key, secret,
  );
  return concat([header, new Uint8Array(body)]);
}

/** crypto.sealing.open_with_passphrase; CeremonyError for a wrong passphrase or any change. */
export async function openWithPassphrase(sealed, passphrase, { associatedData = new Uint8Array(0), onProgress } = {}) {
  if (!(sealed instanceof Uint8Array) || sealed.length < PASSPHRASE_HEADER_SIZE + TAG_SIZE) {
    throw new CeremonyError("The sealed key is damaged.");
  }
  if (sealed[0] !== PASSPHRASE_SEAL_VERSION) throw new CeremonyError("The sealed key has an unknown version.");
  const params = { log2N: sealed[1], r: sealed[2], p: sealed[3] };
  checkScryptParams(params);
  const header = sealed.slice(0, PASSPHRASE_HEADER_SIZE);
  const salt = header.slice(4, 4 + SALT_SIZE);
  const nonce = header.slice(4 + SALT_SIZE);
  const key = await passphraseKey(passphrase, salt, params, onProgress);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: nonce, additionalData: frame(PASSPHRASE_AAD_DOMAIN, header, associatedData), tagLength: 128 },
      key, sealed.slice(PASSPHRASE_HEADER_SIZE),
    );
    return new Uint8Array(plain);
  } catch {
    throw new CeremonyError(WRONG_PASSPHRASE);
  }
}

// A passphrase typed on another device may arrive composed differently
// (é as one code point or two); the personal key always uses NFC.
const normalized = (passphrase) => (typeof passphrase === "string" ? passphrase.normalize("NFC") : passphrase);

/**
 * Join: make the trustee's personal key pair, prove possession of it for this
 * ceremony and seat, and seal the secret with the passphrase. Resolves to
 * {publicKey, possessionProof, sealedSecret} (bytes), all for the server; the
 * secret and the passphrase stay here.
 */
export async function makePersonalKey(passphrase, ceremonyId, trusteeIndex, {
  params = DEFAULT_SCRYPT, onProgress, randomScalar: draw = randomScalar,
} = {}) {
  const context = joinContext(ceremonyId, trusteeIndex);
  if (typeof passphrase !== "string" || [...normalized(passphrase)].length < MIN_PASSPHRASE) {
    throw new CeremonyError(`Use a passphrase of at least ${MIN_PASSPHRASE} characters.`);
  }
  const secret = draw();
  const publicKey = publicKeyOf(secret);
  const possessionProof = provePossession(secret, publicKey, context, { randomScalar: draw });
  const sealedSecret = await sealWithPassphrase(scalarToBytes(secret), normalized(passphrase), {
    associatedData: context, params, onProgress,
  });
  return { publicKey, possessionProof, sealedSecret };
}

/** The personal secret, opened with the passphrase; CeremonyError WRONG_PASSPHRASE otherwise. */
export async function openPersonalKey(sealedSecret, passphrase, ceremonyId, trusteeIndex, { onProgress } = {}) {
  const plain = await openWithPassphrase(asBytes(sealedSecret, "The sealed key"), normalized(passphrase), {
    associatedData: joinContext(ceremonyId, trusteeIndex), onProgress,
  });
  const secret = canonicalScalar(plain);
  if (secret === null || secret === 0n) throw new CeremonyError("The sealed key is damaged.");
  return secret;
}

// ---------------------------------------------------------------- sealed shares

function shareKeyAndNonce(recipientKey, ephemeral, shared, context, dealer, recipient) {
  const info = frame(SHARE_KDF_LABEL, recipientKey, context, indexByte(dealer), indexByte(recipient));
  const okm = hkdf(sha256, concat([ephemeral, shared]), undefined, info, 44);
  return { key: okm.slice(0, 32), nonce: okm.slice(32) };
}

const shareAad = (ephemeral, context, dealer, recipient) =>
  frame(concat([Uint8Array.of(SHARE_SEAL_VERSION), ephemeral]), context, indexByte(dealer), indexByte(recipient));

const shareProofParts = (recipientKey, context, dealer, recipient, body) =>
  [recipientKey, context, indexByte(dealer), indexByte(recipient), body];

async function aesGcm(operation, keyBytes, nonce, aad, data) {
  const key = await crypto.subtle.importKey("raw", keyBytes, "AES-GCM", false, [operation]);
  const out = await crypto.subtle[operation]({ name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 }, key, data);
  return new Uint8Array(out);
}

/** crypto.dkg.seal_share: dealer's share for one recipient (145 bytes). */
export async function sealShare(share, recipientKey, context, dealer, recipient, { randomScalar: draw = randomScalar } = {}) {
  const keyPoint = decodePoint(recipientKey);
  if (keyPoint === null || keyPoint.is0()) throw new CeremonyError(`Trustee ${recipient}'s key is not valid.`, recipient);
  const r = draw();
  const ephemeral = mulSecret(G(), r).toBytes();
  const shared = mulSecret(keyPoint, r).toBytes();
  const { key, nonce } = shareKeyAndNonce(recipientKey, ephemeral, shared, context, dealer, recipient);
  const body = await aesGcm("encrypt", key, nonce, shareAad(ephemeral, context, dealer, recipient), scalarToBytes(share));
  const proof = schnorrProve(SHARE_EPHEMERAL_DOMAIN, r, ephemeral, shareProofParts(recipientKey, context, dealer, recipient, body), draw);
  return concat([Uint8Array.of(SHARE_SEAL_VERSION), ephemeral, proof, body]);
}

function sealedShareEphemeral(sealed, dealer) {
  if (!(sealed instanceof Uint8Array) || sealed.length !== SEALED_SHARE_SIZE || sealed[0] !== SHARE_SEAL_VERSION) return null;
  const bytes = sealed.slice(1, 1 + POINT_SIZE);
  const point = decodePoint(bytes);
  return point === null || point.is0() ? null : { bytes, point, dealer };
}

function verifySealedShare(sealed, recipientKey, context, dealer, recipient) {
  const ephemeral = sealedShareEphemeral(sealed, dealer);
  return ephemeral !== null && schnorrVerify(SHARE_EPHEMERAL_DOMAIN, ephemeral.bytes, sealed.subarray(1 + POINT_SIZE, SHARE_HEADER_SIZE),
    shareProofParts(recipientKey, context, dealer, recipient, sealed.subarray(SHARE_HEADER_SIZE)));
}

/** crypto.dkg.open_share: the recipient's share from dealer `dealer`, or null when it does not open. */
export async function openShare(sealed, recipientSecret, context, dealer, recipient) {
  const recipientKey = publicKeyOf(recipientSecret);
  if (!verifySealedShare(sealed, recipientKey, context, dealer, recipient)) return null;
  const ephemeral = sealed.slice(1, 1 + POINT_SIZE);
  const shared = mulSecret(decodePoint(ephemeral), recipientSecret).toBytes();
  const { key, nonce } = shareKeyAndNonce(recipientKey, ephemeral, shared, context, dealer, recipient);
  try {
    const plain = await aesGcm("decrypt", key, nonce, shareAad(ephemeral, context, dealer, recipient), sealed.slice(SHARE_HEADER_SIZE));
    return canonicalScalar(plain);
  } catch {
    return null;
  }
}

/** Feldman's check: share·G == Σ_k recipient^k·C_k (commitments as points). */
function shareMatchesPoints(share, commitments, recipient) {
  let expected = Point.ZERO;
  let power = 1n;
  for (const commitment of commitments) {
    expected = expected.add(mulPublic(commitment, power));
    power = mod(power * BigInt(recipient));
  }
  return mulPublic(G(), share).equals(expected);
}

/** crypto.dkg.share_matches (commitments as 32-byte encodings). */
export function shareMatches(share, commitments, recipient) {
  const points = commitments.map((c) => decodePoint(asBytes(c, "A commitment")));
  return points.every((p) => p !== null) && shareMatchesPoints(share, points, recipient);
}

// ---------------------------------------------------------------- dealings

function evaluate(coefficients, x) {
  let value = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) value = mod(value * BigInt(x) + coefficients[k]);
  return value;
}

/** A dealing's JSON read into bytes and points; CeremonyError naming the dealer. */
function readDealing(dealing, expectedDealer) {
  try {
    return readDealingFields(dealing, expectedDealer);
  } catch (error) {
    if (error instanceof CeremonyError) throw new CeremonyError(error.message, expectedDealer);
    throw error;
  }
}

function readDealingFields(dealing, expectedDealer) {
  const where = `Trustee ${expectedDealer}'s dealing`;
  const fields = ["dealer", "commitments", "constant_proof", "sealed_shares", "signature"];
  if (dealing === null || typeof dealing !== "object" || Object.keys(dealing).sort().join() !== [...fields].sort().join()) {
    throw new CeremonyError(`${where} is malformed.`, expectedDealer);
  }
  if (dealing.dealer !== expectedDealer) throw new CeremonyError(`${where} is in the wrong place.`, expectedDealer);
  if (!Array.isArray(dealing.commitments) || !Array.isArray(dealing.sealed_shares)) {
    throw new CeremonyError(`${where} is malformed.`, expectedDealer);
  }
  const commitmentBytes = dealing.commitments.map((c) => fromBase64(c, where));
  return {
    dealer: dealing.dealer,
    commitmentBytes,
    commitments: commitmentBytes.map((c) => pointOrRefuse(c, `${where}'s commitment`, expectedDealer)),
    constantProof: fromBase64(dealing.constant_proof, where),
    sealedShares: dealing.sealed_shares.map((s) => fromBase64(s, where)),
    signature: fromBase64(dealing.signature, where),
  };
}

function dealingBody(read) {
  return frame(indexByte(read.dealer), frame(...read.commitmentBytes), read.constantProof, frame(...read.sealedShares));
}

const dealingMessage = (context, read) => frame(DEALING_LABEL, context, dealingBody(read));
const constantContext = (context, dealer) => frame(CONSTANT_LABEL, context, indexByte(dealer));

function dealingJson(read) {
  return {
    dealer: read.dealer,
    commitments: read.commitmentBytes.map(toBase64),
    constant_proof: toBase64(read.constantProof),
    sealed_shares: read.sealedShares.map(toBase64),
    signature: toBase64(read.signature),
  };
}

/**
 * The dealer's dealing (crypto.dkg.make_dealing): resolves to the JSON of
 * crypto.dkg.Dealing. The polynomial exists only inside this call.
 * onProgress(done, total) follows the shares sealed. randomScalar: vectors only.
 */
export async function makeDealing(context, threshold, dealer, personalKeys, mySecret, {
  randomScalar: draw = randomScalar, onProgress = () => {},
} = {}) {
  const parameters = parseCeremonyContext(context);
  const keys = personalKeys.map((k, i) => asBytes(k, `Trustee ${i + 1}'s key`));
  if (threshold !== parameters.threshold || keys.length !== parameters.personalKeys.length ||
      keys.some((k, i) => !equalBytes(k, parameters.personalKeys[i]))) {
    throw new CeremonyError("The ceremony's details do not match its keys.");
  }
  checkOwnKey(parameters, dealer, mySecret);
  const coefficients = Array.from({ length: threshold }, () => draw());
  const commitmentBytes = coefficients.map((a) => mulSecret(G(), a).toBytes());
  const constantProof = schnorrProve(POSSESSION_DOMAIN, coefficients[0], commitmentBytes[0],
    [constantContext(context, dealer)], draw);
  const sealedShares = [];
  onProgress(0, keys.length);
  for (let recipient = 1; recipient <= keys.length; recipient++) {
    sealedShares.push(await sealShare(evaluate(coefficients, recipient), keys[recipient - 1], context, dealer, recipient,
      { randomScalar: draw }));
    onProgress(recipient, keys.length);
  }
  const read = { dealer, commitmentBytes, constantProof, sealedShares, signature: new Uint8Array(0) };
  read.signature = sign(mySecret, keys[dealer - 1], dealingMessage(context, read), draw);
  return dealingJson(read);
}

/** crypto.dkg.verify_dealing_shape on a dealing's JSON: CeremonyError naming the dealer. */
export function verifyDealingShape(context, threshold, dealer, trusteeCount, dealing) {
  const parameters = parseCeremonyContext(context);
  if (threshold !== parameters.threshold || trusteeCount !== parameters.personalKeys.length) {
    throw new CeremonyError("The ceremony's details do not match.");
  }
  checkIndex(dealer, trusteeCount, "dealer");
  return checkRead(context, parameters, readDealing(dealing, dealer));
}

function checkRead(context, parameters, read) {
  const { dealer } = read;
  const refuse = (what) => new CeremonyError(`Trustee ${dealer}'s dealing ${what}.`, dealer);
  if (read.commitments.length !== parameters.threshold) throw refuse("has the wrong number of commitments");
  if (read.commitments[0].is0()) throw refuse("has a zero constant term");
  if (!schnorrVerify(POSSESSION_DOMAIN, read.commitmentBytes[0], read.constantProof, [constantContext(context, dealer)])) {
    throw refuse("does not prove its constant term");
  }
  if (read.sealedShares.length !== parameters.personalKeys.length) throw refuse("has the wrong number of shares");
  read.sealedShares.forEach((sealed, i) => {
    if (!verifySealedShare(sealed, parameters.personalKeys[i], context, dealer, i + 1)) {
      throw refuse(`has a malformed share for trustee ${i + 1}`);
    }
  });
  if (!verifySignature(parameters.personalKeys[dealer - 1], read.signature, dealingMessage(context, read))) {
    throw refuse("is not signed by that trustee");
  }
  return read;
}

function readAll(parameters, dealings) {
  const count = parameters.personalKeys.length;
  if (!Array.isArray(dealings) || dealings.length !== count) {
    throw new CeremonyError(`A ceremony of ${count} trustees needs ${count} dealings.`);
  }
  return dealings.map((dealing, i) => readDealing(dealing, i + 1));
}

function acknowledgementMessage(context, reads) {
  return frame(ACKNOWLEDGEMENT_LABEL, context, ...reads.map((read) => frame(dealingBody(read), read.signature)));
}

const complaintContext = (context, dealer, accuser) =>
  frame(COMPLAINT_LABEL, context, indexByte(dealer), indexByte(accuser));

/** crypto.proofs.prove_dleq: log_G(publicBytes) = log_base(other) = secret. */
function proveDleq(secret, publicBytes, base, baseBytes, otherBytes, context, draw) {
  const witness = draw();
  const first = mulSecret(G(), witness).toBytes();
  const second = mulSecret(base, witness).toBytes();
  const challenge = hashToScalar(DLEQ_DOMAIN, context, publicBytes, baseBytes, otherBytes, first, second);
  return concat([scalarToBytes(challenge), scalarToBytes(mod(witness + challenge * secret))]);
}

function complaintFor(context, read, accuser, accuserSecret, draw) {
  const ephemeral = sealedShareEphemeral(read.sealedShares[accuser - 1], read.dealer);
  if (ephemeral === null) throw new CeremonyError(`Trustee ${read.dealer}'s share for you is malformed.`, read.dealer);
  const revealed = mulSecret(ephemeral.point, accuserSecret).toBytes();
  const proof = proveDleq(accuserSecret, publicKeyOf(accuserSecret), ephemeral.point, ephemeral.bytes, revealed,
    complaintContext(context, read.dealer, accuser), draw);
  return { dealer: read.dealer, accuser, revealed: toBase64(revealed), proof: toBase64(proof) };
}

/** crypto.dkg.make_complaint: the JSON of crypto.dkg.Complaint against `dealing`'s dealer. */
export function makeComplaint(context, dealing, accuser, accuserSecret, { randomScalar: draw = randomScalar } = {}) {
  const parameters = parseCeremonyContext(context);
  checkOwnKey(parameters, accuser, accuserSecret);
  checkIndex(dealing?.dealer, parameters.personalKeys.length, "dealer");
  const read = readDealing(dealing, dealing.dealer);
  if (read.sealedShares.length !== parameters.personalKeys.length) {
    throw new CeremonyError(`Trustee ${read.dealer}'s dealing has the wrong number of shares.`, read.dealer);
  }
  return complaintFor(context, read, accuser, accuserSecret, draw);
}

/**
 * The check step: every dealing is verified (proofs and the dealer's
 * signature), then the share each one sealed to `me` is opened and checked
 * against its commitments. Resolves to {ok: true, acknowledgement: base64}
 * (a signature over the context and every dealing) or, at the first bad
 * share, {complaint: ComplaintJSON}. A dealing anyone can see is bad, or a
 * context without my key, throws a CeremonyError instead. onProgress(done,
 * total) follows the dealings. randomScalar: vectors only.
 */
export async function checkDealings(context, dealings, me, mySecret, {
  randomScalar: draw = randomScalar, onProgress = () => {},
} = {}) {
  const parameters = parseCeremonyContext(context);
  checkOwnKey(parameters, me, mySecret);
  const reads = readAll(parameters, dealings).map((read) => checkRead(context, parameters, read));
  onProgress(0, reads.length);
  for (const read of reads) {
    const share = await openShare(read.sealedShares[me - 1], mySecret, context, read.dealer, me);
    if (share === null || !shareMatchesPoints(share, read.commitments, me)) {
      return { complaint: complaintFor(context, read, me, mySecret, draw) };
    }
    onProgress(read.dealer, reads.length);
  }
  const acknowledgement = sign(mySecret, parameters.personalKeys[me - 1], acknowledgementMessage(context, reads), draw);
  return { ok: true, acknowledgement: toBase64(acknowledgement) };
}

/** crypto.dkg.joint_key: {threshold, trusteeCount, commitments, bytes} (bytes = ThresholdKey.to_bytes()). */
export function jointKey(threshold, trusteeCount, dealings) {
  if (!Array.isArray(dealings) || dealings.length !== trusteeCount) {
    throw new CeremonyError(`A ceremony of ${trusteeCount} trustees needs ${trusteeCount} dealings.`);
  }
  const sums = Array.from({ length: threshold }, () => Point.ZERO);
  dealings.forEach((dealing, i) => {
    const read = readDealing(dealing, i + 1);
    if (read.commitments.length !== threshold) {
      throw new CeremonyError(`Trustee ${i + 1}'s dealing has the wrong number of commitments.`, i + 1);
    }
    read.commitments.forEach((c, k) => {
      sums[k] = sums[k].add(c);
    });
  });
  if (sums[0].is0()) throw new CeremonyError("The dealings do not make a key.");
  const commitments = sums.map((s) => s.toBytes());
  const bytes = concat([Uint8Array.of(THRESHOLD_KEY_VERSION, threshold, trusteeCount), ...commitments]);
  return { threshold, trusteeCount, commitments, bytes };
}

/**
 * crypto.dkg.final_share: {index, scalar}, the sum of the shares every dealer
 * sealed to `me`, each checked against its dealer's commitments (a
 * CeremonyError names the first dealer whose share does not open or match).
 */
export async function finalShare(context, dealings, me, mySecret) {
  const parameters = parseCeremonyContext(context);
  checkOwnKey(parameters, me, mySecret);
  let total = 0n;
  for (const read of readAll(parameters, dealings)) {
    const share = await openShare(read.sealedShares[me - 1], mySecret, context, read.dealer, me);
    if (share === null || !shareMatchesPoints(share, read.commitments, me)) {
      throw new CeremonyError(`Trustee ${read.dealer}'s share for you does not check out.`, read.dealer);
    }
    total = mod(total + share);
  }
  return { index: me, scalar: total };
}

// ---------------------------------------------------------------- partial decryption (crypto.threshold)

function readThresholdKey(bytes) {
  const refuse = () => new CeremonyError("The survey key is malformed.");
  if (!(bytes instanceof Uint8Array) || bytes.length < 3 || bytes[0] !== THRESHOLD_KEY_VERSION) throw refuse();
  const threshold = bytes[1];
  const trusteeCount = bytes[2];
  if (threshold < 1 || threshold > trusteeCount || bytes.length !== 3 + threshold * POINT_SIZE) throw refuse();
  const commitments = [];
  for (let at = 3; at < bytes.length; at += POINT_SIZE) {
    const point = decodePoint(bytes.slice(at, at + POINT_SIZE));
    if (point === null) throw refuse();
    commitments.push(point);
  }
  if (commitments[0].is0()) throw refuse();
  return { bytes, threshold, trusteeCount, commitments };
}

/** The survey's public key: the threshold key's first commitment, 32 bytes. */
export function thresholdPublicKey(thresholdKeyBytes) {
  return readThresholdKey(asBytes(thresholdKeyBytes, "The survey key")).commitments[0].toBytes();
}

/** ThresholdKey.verification_key: s_i·G from the commitments alone. */
export function verificationKey(thresholdKeyBytes, index) {
  const key = readThresholdKey(asBytes(thresholdKeyBytes, "The survey key"));
  checkIndex(index, key.trusteeCount);
  let total = Point.ZERO;
  let power = 1n;
  for (const commitment of key.commitments) {
    total = total.add(mulPublic(commitment, power));
    power = mod(power * BigInt(index));
  }
  return total.toBytes();
}

function partialWith(key, share, verification, target, context, draw) {
  const targetBytes = asBytes(target, "A value to decrypt");
  const targetPoint = pointOrRefuse(targetBytes, "A value to decrypt");
  const point = mulSecret(targetPoint, share.scalar).toBytes();
  const partialContext = frame(PARTIAL_LABEL, key.bytes, indexByte(share.index), context);
  const proof = proveDleq(share.scalar, verification, targetPoint, targetBytes, point, partialContext, draw);
  return concat([indexByte(share.index), point, proof]);
}

function checkedShare(thresholdKeyBytes, share) {
  const key = readThresholdKey(asBytes(thresholdKeyBytes, "The survey key"));
  if (!share || typeof share.scalar !== "bigint") throw new CeremonyError("Your key share is missing.");
  checkIndex(share.index, key.trusteeCount);
  const verification = verificationKey(key.bytes, share.index);
  if (!equalBytes(publicKeyOf(share.scalar), verification)) {
    throw new CeremonyError("Your key share is not the one this survey key expects.", share.index);
  }
  return { key, verification };
}

/**
 * crypto.threshold.partial_decrypt: PartialDecryption.to_bytes() (97 bytes)
 * for one target point, with its Chaum–Pedersen proof under `context` (the
 * engine's decryption context). randomScalar: vectors only.
 */
export function partialDecrypt(thresholdKeyBytes, share, targetBytes, context, { randomScalar: draw = randomScalar } = {}) {
  const { key, verification } = checkedShare(thresholdKeyBytes, share);
  return partialWith(key, share, verification, targetBytes, asBytes(context, "The context"), draw);
}

/** partialDecrypt for each target in order; onProgress(done, total). */
export function partialDecryptMany(thresholdKeyBytes, share, targets, context, { onProgress = () => {} } = {}) {
  const { key, verification } = checkedShare(thresholdKeyBytes, share);
  const contextBytes = asBytes(context, "The context");
  const out = [];
  onProgress(0, targets.length);
  targets.forEach((target, i) => {
    out.push(partialWith(key, share, verification, target, contextBytes, randomScalar));
    onProgress(i + 1, targets.length);
  });
  return out;
}

/** Points a byte string decodes to (tests compare the decoder with Python's). */
export function isCanonicalPoint(bytes) {
  return decodePoint(bytes) !== null;
}
