// Reports of problems at work, sealed on the member's device to the stewards'
// personal keys (and to a key of the member's own for that report), and each
// later message of a report's thread: byte for byte the format of
// crypto/reports.py, whose docstring describes every byte. Personal keys are
// the key ceremony's (static/js/ceremony/dkg.js): a secret made here, sealed
// with a passphrase by scrypt and AES-GCM, with a proof of possession; only
// what they are bound to differs.
//
// No DOM: it runs in the reports' worker, in a page and under node (>= 20.19).
// ristretto255 and SHA-2 come from the vendored noble libraries, HKDF and
// AES-GCM from WebCrypto, randomness from crypto.getRandomValues. Bytes are
// Uint8Array, scalars bigint.

import {
  G, POINT_SIZE, SCALAR_SIZE, bytesOf, canonicalScalar, concat, decodePoint, equalBytes, frame, hashToScalar, hex,
  mod, mulPublic, mulSecret, randomScalar, scalarToBytes, uintBE,
} from "../crypto/common.js";
import {
  DEFAULT_SCRYPT, MIN_PASSPHRASE, WRONG_PASSPHRASE, openWithPassphrase, provePossession, publicKeyOf, sealWithPassphrase,
} from "../ceremony/dkg.js";
import { sha256 } from "../vendor/noble.js";

export { DEFAULT_SCRYPT, MIN_PASSPHRASE, WRONG_PASSPHRASE, publicKeyOf, randomScalar };

export const MESSAGE_VERSION = 1;
export const MAX_RECIPIENTS = 32;
export const PADDING_BLOCK = 256;
export const MAX_PADDED = 128 * PADDING_BLOCK;
export const MAX_TEXT_BYTES = MAX_PADDED - 4;
const CONTENT_KEY_SIZE = 32;
const TAG_SIZE = 16;
const WRAPPED_KEY_SIZE = CONTENT_KEY_SIZE + TAG_SIZE;
const PROOF_SIZE = 2 * SCALAR_SIZE;
const HEADER_FIXED = 2 + POINT_SIZE;

const STEWARD_KEY_LABEL = bytesOf("leverage/reports/steward-key/v1");
const MEMBER_KEY_LABEL = bytesOf("leverage/reports/member-key/v1");
const MESSAGE_LABEL = bytesOf("leverage/reports/message/v1");
const WRAP_LABEL = bytesOf("leverage/reports/wrap/v1");
const BODY_LABEL = bytesOf("leverage/reports/body/v1");
const FINGERPRINT_LABEL = bytesOf("leverage/reports/key-fingerprint/v1");
const PROOF_DOMAIN = bytesOf("proof/reports/knowledge-of-ephemeral-key/v1");
export const REWRAP_VERSION = 1;
const REWRAP_HEADER_SIZE = 1 + 3 * POINT_SIZE;
export const REWRAP_SIZE = REWRAP_HEADER_SIZE + WRAPPED_KEY_SIZE + PROOF_SIZE;
const REWRAP_LABEL = bytesOf("leverage/reports/rewrap/v1");
const DIGEST_LABEL = bytesOf("leverage/reports/message-digest/v1");
const REWRAP_PROOF_DOMAIN = bytesOf("proof/reports/rewrap-signature/v1");

export const TOO_LONG = "The report is too long to send. Shorten it and try again.";
export const NOT_FOR_YOU = "This message was not sealed to your key.";
export const DAMAGED = "This message is damaged or was changed, so it was not opened.";

/** Something the reports' code refuses, in words for the person (the page translates them). */
export class ReportError extends Error {
  constructor(message) {
    super(message);
    this.name = "ReportError";
  }
}

// ---------------------------------------------------------------- contexts

function textBytes(value, what) {
  if (typeof value !== "string" || value === "") throw new ReportError(`${what} is missing.`);
  return bytesOf(value);
}

/** crypto.reports.steward_key_context. */
export const stewardKeyContext = (accountRef) => frame(STEWARD_KEY_LABEL, textBytes(accountRef, "The account"));

/** crypto.reports.member_key_context. */
export const memberKeyContext = (reportId) => frame(MEMBER_KEY_LABEL, textBytes(reportId, "The report"));

/** crypto.reports.message_context. */
export const messageContext = (reportId, kind) =>
  frame(MESSAGE_LABEL, textBytes(reportId, "The report"), textBytes(kind, "The kind of message"));

/** crypto.reports.key_fingerprint: "4F2A-91C3-07BD-E55A". */
export function keyFingerprint(publicKey) {
  const code = hex(sha256(frame(FINGERPRINT_LABEL, publicKey))).slice(0, 16).toUpperCase();
  return code.match(/.{4}/g).join("-");
}

/** A fresh report id: 128 random bits as 32 hex digits (the server checks it is new). */
export function newReportId() {
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}

// ---------------------------------------------------------------- personal keys

const normalized = (passphrase) => (typeof passphrase === "string" ? passphrase.normalize("NFC") : passphrase);

/**
 * A personal key pair bound to `context` (a steward's, or a member's for one
 * report): resolves to {publicKey, possessionProof, sealedSecret}, all for the
 * server. The secret and the passphrase stay here. randomScalar: vectors only.
 */
export async function makeKey(passphrase, context, {
  params = DEFAULT_SCRYPT, onProgress, randomScalar: draw = randomScalar,
} = {}) {
  if (typeof passphrase !== "string" || [...normalized(passphrase)].length < MIN_PASSPHRASE) {
    throw new ReportError(`Use a passphrase of at least ${MIN_PASSPHRASE} characters.`);
  }
  const secret = draw();
  const publicKey = publicKeyOf(secret);
  const possessionProof = provePossession(secret, publicKey, context, { randomScalar: draw });
  const sealedSecret = await sealWithPassphrase(scalarToBytes(secret), normalized(passphrase), {
    associatedData: context, params, onProgress,
  });
  return { publicKey, possessionProof, sealedSecret, secret };
}

/** The secret of a key made by makeKey, opened with its passphrase; ReportError WRONG_PASSPHRASE otherwise. */
export async function openKey(sealedSecret, passphrase, context, { onProgress } = {}) {
  let plain;
  try {
    plain = await openWithPassphrase(sealedSecret, normalized(passphrase), { associatedData: context, onProgress });
  } catch (error) {
    throw new ReportError(error.message === WRONG_PASSPHRASE ? WRONG_PASSPHRASE : DAMAGED);
  }
  const secret = canonicalScalar(plain);
  if (secret === null || secret === 0n) throw new ReportError(DAMAGED);
  return secret;
}

// ---------------------------------------------------------------- messages

function pad(text) {
  const data = bytesOf(text);
  if (data.length > MAX_TEXT_BYTES) throw new ReportError(TOO_LONG);
  const framed = concat([uintBE(data.length, 4), data]);
  const padded = new Uint8Array(Math.ceil(framed.length / PADDING_BLOCK) * PADDING_BLOCK);
  padded.set(framed);
  return padded;
}

function unpad(padded) {
  const length = Number((BigInt(padded[0]) << 24n) | (BigInt(padded[1]) << 16n) | (BigInt(padded[2]) << 8n) |
    BigInt(padded[3]));
  if (4 + length > padded.length || padded.subarray(4 + length).some((b) => b !== 0)) throw new ReportError(DAMAGED);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(padded.subarray(4, 4 + length));
  } catch {
    throw new ReportError(DAMAGED);
  }
}

async function hkdf(ikm, info) {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  // An empty salt is HMAC's all-zero key, as Python's salt=None (RFC 5869).
  const okm = new Uint8Array(await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info }, key, 44 * 8));
  return { key: okm.slice(0, 32), nonce: okm.slice(32) };
}

async function aesGcm(operation, keyBytes, nonce, aad, data) {
  const key = await crypto.subtle.importKey("raw", keyBytes, "AES-GCM", false, [operation]);
  const out = await crypto.subtle[operation]({ name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 }, key, data);
  return new Uint8Array(out);
}

const wrapKey = (recipient, ephemeral, shared, context) => hkdf(concat([ephemeral, shared]), frame(WRAP_LABEL, recipient, context));
const bodyKey = (contentKey, context) => hkdf(contentKey, frame(BODY_LABEL, context));
const challengeOf = (ephemeral, context, keys, wraps, body, commitment) =>
  hashToScalar(PROOF_DOMAIN, ephemeral, context, keys, wraps, body, commitment);

/**
 * crypto.reports.seal_message: `text` sealed to each of `recipients` (32-byte
 * keys, in that order), bound to `context`. randomScalar and contentKey: vectors only.
 */
export async function sealMessage(recipients, text, context, { randomScalar: draw = randomScalar, contentKey = null } = {}) {
  if (typeof text !== "string") throw new ReportError("A message is text.");
  if (!Array.isArray(recipients) || recipients.length < 1 || recipients.length > MAX_RECIPIENTS) {
    throw new ReportError("Nobody here can receive a sealed report yet.");
  }
  const points = recipients.map((key) => decodePoint(key));
  if (points.some((p) => p === null || p.is0()) ||
      recipients.some((key, i) => recipients.slice(0, i).some((other) => equalBytes(other, key)))) {
    throw new ReportError("A key this report would be sealed to is not valid.");
  }
  const padded = pad(text);
  const cek = contentKey ?? crypto.getRandomValues(new Uint8Array(CONTENT_KEY_SIZE));
  const r = draw();
  const ephemeral = mulSecret(G(), r).toBytes();
  const header = concat([Uint8Array.of(MESSAGE_VERSION, recipients.length), ephemeral, ...recipients]);
  const aad = frame(header, context);
  const wraps = [];
  for (let i = 0; i < recipients.length; i++) {
    const { key, nonce } = await wrapKey(recipients[i], ephemeral, mulSecret(points[i], r).toBytes(), context);
    wraps.push(await aesGcm("encrypt", key, nonce, aad, cek));
  }
  const { key, nonce } = await bodyKey(cek, context);
  const body = await aesGcm("encrypt", key, nonce, aad, padded);
  const witness = draw();
  const commitment = mulSecret(G(), witness).toBytes();
  const challenge = challengeOf(ephemeral, context, concat(recipients), concat(wraps), body, commitment);
  return concat([header, ...wraps, scalarToBytes(challenge), scalarToBytes(mod(witness + challenge * r)), body]);
}

/** crypto.reports.parse_message: the parts, or null when the shape is wrong. */
export function parseMessage(sealed) {
  if (!(sealed instanceof Uint8Array) || sealed.length < HEADER_FIXED || sealed[0] !== MESSAGE_VERSION) return null;
  const count = sealed[1];
  if (count < 1 || count > MAX_RECIPIENTS) return null;
  const keysEnd = HEADER_FIXED + POINT_SIZE * count;
  const wrapsEnd = keysEnd + WRAPPED_KEY_SIZE * count;
  const proofEnd = wrapsEnd + PROOF_SIZE;
  const bodySize = sealed.length - proofEnd - TAG_SIZE;
  if (bodySize < PADDING_BLOCK || bodySize % PADDING_BLOCK !== 0 || bodySize > MAX_PADDED) return null;
  const ephemeral = sealed.slice(2, HEADER_FIXED);
  const recipients = [];
  for (let at = HEADER_FIXED; at < keysEnd; at += POINT_SIZE) recipients.push(sealed.slice(at, at + POINT_SIZE));
  for (const bytes of [ephemeral, ...recipients]) {
    const point = decodePoint(bytes);
    if (point === null || point.is0()) return null;
  }
  if (recipients.some((key, i) => recipients.slice(0, i).some((other) => equalBytes(other, key)))) return null;
  const challenge = canonicalScalar(sealed.slice(wrapsEnd, wrapsEnd + SCALAR_SIZE));
  const response = canonicalScalar(sealed.slice(wrapsEnd + SCALAR_SIZE, proofEnd));
  if (challenge === null || response === null) return null;
  const wraps = [];
  for (let at = keysEnd; at < wrapsEnd; at += WRAPPED_KEY_SIZE) wraps.push(sealed.slice(at, at + WRAPPED_KEY_SIZE));
  return { ephemeral, recipients, wraps, challenge, response, body: sealed.slice(proofEnd), header: sealed.slice(0, keysEnd) };
}

function proofHolds(message, context) {
  const commitment = mulPublic(G(), message.response).subtract(mulPublic(decodePoint(message.ephemeral), message.challenge));
  return message.challenge === challengeOf(message.ephemeral, context, concat(message.recipients), concat(message.wraps),
    message.body, commitment.toBytes());
}

/** crypto.reports.verify_message (recipients, when given, as 32-byte keys in order). */
export function verifyMessage(sealed, context, recipients = null) {
  const message = parseMessage(sealed);
  if (message === null) return false;
  if (recipients !== null && (recipients.length !== message.recipients.length ||
      recipients.some((key, i) => !equalBytes(key, message.recipients[i])))) return false;
  return proofHolds(message, context);
}

/** The keys a message is sealed to, in order, or null when it is malformed. */
export function messageRecipients(sealed) {
  const message = parseMessage(sealed);
  return message === null ? null : message.recipients;
}

function checked(sealed, context) {
  const message = parseMessage(sealed);
  if (message === null || !proofHolds(message, context)) throw new ReportError(DAMAGED);
  return message;
}

/** crypto.reports.content_key: the message's content key, for the holder of a recipient's `secret`. */
export async function contentKey(secret, sealed, context) {
  const message = checked(sealed, context);
  const own = publicKeyOf(secret);
  const position = message.recipients.findIndex((key) => equalBytes(key, own));
  if (position < 0) throw new ReportError(NOT_FOR_YOU);
  const shared = mulSecret(decodePoint(message.ephemeral), secret).toBytes();
  try {
    const wrap = await wrapKey(own, message.ephemeral, shared, context);
    return await aesGcm("decrypt", wrap.key, wrap.nonce, frame(message.header, context), message.wraps[position]);
  } catch {
    throw new ReportError(DAMAGED);
  }
}

/** crypto.reports.open_with_content_key: the text, for whoever holds the message's content key. */
export async function openWithContentKey(key, sealed, context) {
  const message = checked(sealed, context);
  if (!(key instanceof Uint8Array) || key.length !== CONTENT_KEY_SIZE) throw new ReportError(DAMAGED);
  let padded;
  try {
    const body = await bodyKey(key, context);
    padded = await aesGcm("decrypt", body.key, body.nonce, frame(message.header, context), message.body);
  } catch {
    throw new ReportError(DAMAGED);
  }
  return unpad(padded);
}

/** crypto.reports.open_message: the text, for the holder of `secret`; ReportError otherwise. */
export async function openMessage(secret, sealed, context) {
  return openWithContentKey(await contentKey(secret, sealed, context), sealed, context);
}

// ---------------------------------------------------------------- further copies

/** crypto.reports.message_digest: what a further copy is bound to. */
export const messageDigest = (sealed) => sha256(frame(DIGEST_LABEL, sealed));

/** crypto.reports.parse_rewrap: a further copy's parts, or null when the shape is wrong. */
export function parseRewrap(data) {
  if (!(data instanceof Uint8Array) || data.length !== REWRAP_SIZE || data[0] !== REWRAP_VERSION) return null;
  const [recipient, ephemeral, holder] = [1, 33, 65].map((at) => data.slice(at, at + POINT_SIZE));
  for (const bytes of [recipient, ephemeral, holder]) {
    const point = decodePoint(bytes);
    if (point === null || point.is0()) return null;
  }
  if (equalBytes(recipient, holder)) return null;
  const proofAt = REWRAP_HEADER_SIZE + WRAPPED_KEY_SIZE;
  const challenge = canonicalScalar(data.slice(proofAt, proofAt + SCALAR_SIZE));
  const response = canonicalScalar(data.slice(proofAt + SCALAR_SIZE));
  if (challenge === null || response === null) return null;
  return { recipient, ephemeral, holder, wrapped: data.slice(REWRAP_HEADER_SIZE, proofAt), challenge, response,
    header: data.slice(0, REWRAP_HEADER_SIZE) };
}

const rewrapKey = (recipient, ephemeral, shared, context, digest) =>
  hkdf(concat([ephemeral, shared]), frame(REWRAP_LABEL, recipient, context, digest));
const rewrapChallenge = (header, context, digest, wrapped, commitment) =>
  hashToScalar(REWRAP_PROOF_DOMAIN, header, context, digest, wrapped, commitment);

function signatureHolds(copy, context, digest) {
  const commitment = mulPublic(G(), copy.response).subtract(mulPublic(decodePoint(copy.holder), copy.challenge));
  return copy.challenge === rewrapChallenge(copy.header, context, digest, copy.wrapped, commitment.toBytes());
}

/**
 * crypto.reports.rewrap: a further copy of `sealed`'s content key `key` for `recipient` (32 bytes),
 * signed with `holderSecret`. The key must open the message. randomScalar: vectors only.
 */
export async function rewrap(holderSecret, key, sealed, context, recipient, { randomScalar: draw = randomScalar } = {}) {
  const message = checked(sealed, context);
  await openWithContentKey(key, sealed, context);
  const holder = publicKeyOf(holderSecret);
  const point = decodePoint(recipient);
  if (point === null || point.is0() || equalBytes(recipient, holder) ||
      message.recipients.some((other) => equalBytes(other, recipient))) {
    throw new ReportError("A key this report would be sealed to is not valid.");
  }
  const digest = messageDigest(sealed);
  const r = draw();
  const ephemeral = mulSecret(G(), r).toBytes();
  const header = concat([Uint8Array.of(REWRAP_VERSION), recipient, ephemeral, holder]);
  const wrap = await rewrapKey(recipient, ephemeral, mulSecret(point, r).toBytes(), context, digest);
  const wrapped = await aesGcm("encrypt", wrap.key, wrap.nonce, frame(header, context, digest), key);
  const witness = draw();
  const commitment = mulSecret(G(), witness).toBytes();
  const challenge = rewrapChallenge(header, context, digest, wrapped, commitment);
  return concat([header, wrapped, scalarToBytes(challenge), scalarToBytes(mod(witness + challenge * holderSecret))]);
}

/** crypto.reports.verify_rewrap. */
export function verifyRewrap(data, sealed, context) {
  const copy = parseRewrap(data);
  return copy !== null && sealed instanceof Uint8Array && signatureHolds(copy, context, messageDigest(sealed));
}

/** crypto.reports.content_key_from_rewrap: the content key a copy carries, for its recipient's `secret`. */
export async function contentKeyFromRewrap(secret, data, sealed, context) {
  const copy = parseRewrap(data);
  checked(sealed, context);
  const digest = messageDigest(sealed);
  if (copy === null || !signatureHolds(copy, context, digest)) throw new ReportError(DAMAGED);
  if (!equalBytes(publicKeyOf(secret), copy.recipient)) throw new ReportError(NOT_FOR_YOU);
  const shared = mulSecret(decodePoint(copy.ephemeral), secret).toBytes();
  try {
    const wrap = await rewrapKey(copy.recipient, copy.ephemeral, shared, context, digest);
    return await aesGcm("decrypt", wrap.key, wrap.nonce, frame(copy.header, context, digest), copy.wrapped);
  } catch {
    throw new ReportError(DAMAGED);
  }
}

/** crypto.reports.open_rewrapped. */
export async function openRewrapped(secret, data, sealed, context) {
  return openWithContentKey(await contentKeyFromRewrap(secret, data, sealed, context), sealed, context);
}

/** The recipient a further copy is for, or null when it is malformed. */
export function rewrapRecipient(data) {
  const copy = parseRewrap(data);
  return copy === null ? null : copy.recipient;
}
