// What a trustee's browser checks before it decrypts anything (PRIVACY.md
// invariant 8): it adds up the survey's approved ballots itself and decrypts
// only sums it made, and the points of written comments whose proofs it
// checked. A server that hands it any other point (one person's ballot, say)
// is refused here, before the passphrase is even used.
//
// The server gives it (surveys.ceremony.DecryptionCheck) every approved
// ballot's slot alphas, grouped in the election record's parts (the classes of
// ballots lying in exactly the same released groups), which parts make each
// approved group, and the released comments' sealed bytes. The targets it is
// asked to decrypt are each approved group's slot sums (their alphas: a
// partial decryption uses nothing else), group after group, then each
// comment's point. A sum must stand for at least k ballots, and so must every
// part when there are several, so that no difference of two released sums
// stands for fewer; no ballot may be counted twice.
//
// Adding up is the slow part (decoding a point costs about 0.1 ms here):
// sumBallots takes one range of the ballots, so that a page can spread a large
// survey over several workers and add their part sums (addPartSums).
//
// No DOM: it runs in the ceremony's workers and under node.

import {
  G, POINT_SIZE, Point, SCALAR_SIZE, base64Bytes, bytesOf, canonicalScalar, decodePoint, equalBytes, hashToScalar,
  mulPublic,
} from "../crypto/common.js";
import { CeremonyError, thresholdPublicKey } from "./dkg.js";

const EPHEMERAL_KEY_DOMAIN = bytesOf("proof/knowledge-of-sealed-text-ephemeral-key/v2");
const TEXT_SEAL_VERSION = 2;
const TEXT_HEADER_SIZE = 1 + POINT_SIZE + 2 * SCALAR_SIZE;
const TEXT_PADDING_BLOCK = 64;
const TAG_SIZE = 16;
/** Ballots added between two progress reports. */
const PROGRESS_EVERY = 50;

export const NOT_THE_SUMS = "The totals this device was asked to unlock are not the sums of the survey's ballots, " +
  "so it will not unlock them. Nothing was sent: tell the other trustees and the organizers.";
export const TOO_FEW = "A total this device was asked to unlock would stand for fewer people than the survey " +
  "allows, so it will not unlock it. Nothing was sent: tell the other trustees and the organizers.";
export const COUNTED_TWICE = "The ballots this device was given count one ballot twice, so it will not unlock " +
  "their totals. Nothing was sent: tell the other trustees and the organizers.";
export const NOT_A_COMMENT = "Something this device was asked to unlock is not a written comment with a valid " +
  "proof, so it will not unlock it. Nothing was sent: tell the other trustees and the organizers.";
export const DAMAGED = "The ballots this device was given are damaged or incomplete. Reload the page; if it " +
  "happens again, tell the organizers.";

const isCount = (value, least = 0) => Number.isSafeInteger(value) && value >= least;

/** The server's DecryptionCheck JSON (alphas as base64 or bytes), checked for shape. */
export function readCheck(check) {
  const damaged = () => new CeremonyError(DAMAGED);
  if (check === null || typeof check !== "object") throw damaged();
  const { width, part_sizes: partSizes, groups, comments = [] } = check;
  const k = check.release_threshold;
  const commentThreshold = check.comment_threshold;
  if (!isCount(width, 1) || !isCount(k, 1) || !isCount(commentThreshold, 1)) throw damaged();
  if (!Array.isArray(partSizes) || !partSizes.every((size) => isCount(size, 1))) throw damaged();
  const goodGroup = (group) => group !== null && typeof group === "object" && isCount(group.respondents) &&
    Array.isArray(group.parts) && group.parts.length > 0 && new Set(group.parts).size === group.parts.length &&
    group.parts.every((part) => isCount(part) && part < partSizes.length);
  if (!Array.isArray(groups) || !groups.every(goodGroup)) throw damaged();
  const alphas = typeof check.alphas === "string" ? base64Bytes(check.alphas) : check.alphas;
  const ballots = partSizes.reduce((total, size) => total + size, 0);
  if (!(alphas instanceof Uint8Array) || alphas.length !== ballots * width * POINT_SIZE) throw damaged();
  if (!Array.isArray(comments)) throw damaged();
  const sealedComments = comments.map((comment) => ({
    sealed: comment instanceof Object ? base64Bytes(comment.sealed) : null,
    context: comment instanceof Object ? base64Bytes(comment.context) : null,
  }));
  if (sealedComments.some((comment) => comment.sealed === null || comment.context === null)) throw damaged();
  return {
    k, commentThreshold, width, partSizes, ballots, alphas, comments: sealedComments,
    groups: groups.map((group) => ({ parts: [...group.parts], respondents: group.respondents })),
  };
}

/** `total` ballots split into at most `pieces` ranges of ballots {first, count}. */
export function ballotRanges(total, pieces) {
  const size = Math.max(1, Math.ceil(total / Math.max(1, pieces)));
  const ranges = [];
  for (let first = 0; first < total; first += size) ranges.push({ first, count: Math.min(size, total - first) });
  return ranges;
}

/**
 * The slot sums, per part, of the ballots in `alphas`: the alphas of the
 * ballots first, first + 1, ... of the whole survey (width points each), whose
 * parts `partSizes` gives. Returns [[part index, width encodings end to end],
 * ...] for the parts it met (bytes, so that they travel between workers).
 * onProgress(ballots added, ballots in the range).
 */
export function sumBallots({ alphas, width, partSizes, first = 0, onProgress = () => {} }) {
  const stride = width * POINT_SIZE;
  const count = alphas.length / stride;
  if (!Number.isInteger(count) || !isCount(first)) throw new CeremonyError(DAMAGED);
  let part = 0;
  let end = partSizes[0] ?? 0;
  const sums = new Map();
  let current = null;
  onProgress(0, count);
  for (let i = 0; i < count; i++) {
    while (first + i >= end) {
      part += 1;
      if (part >= partSizes.length) throw new CeremonyError(DAMAGED);
      end += partSizes[part];
      current = null;
    }
    if (current === null) {
      current = sums.get(part) ?? new Array(width).fill(Point.ZERO);
      sums.set(part, current);
    }
    for (let slot = 0; slot < width; slot++) {
      const at = i * stride + slot * POINT_SIZE;
      const point = decodePoint(alphas.subarray(at, at + POINT_SIZE));
      if (point === null) throw new CeremonyError(DAMAGED);
      current[slot] = current[slot].add(point);
    }
    if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === count) onProgress(i + 1, count);
  }
  return [...sums].map(([index, points]) => {
    const bytes = new Uint8Array(stride);
    points.forEach((point, slot) => bytes.set(point.toBytes(), slot * POINT_SIZE));
    return [index, bytes];
  });
}

/** Each part's slot sums (points), from the pieces sumBallots returned for the ranges. */
export function addPartSums(pieces, partCount, width) {
  const sums = Array.from({ length: partCount }, () => new Array(width).fill(Point.ZERO));
  for (const [index, bytes] of pieces) {
    if (!isCount(index) || index >= partCount || !(bytes instanceof Uint8Array) || bytes.length !== width * POINT_SIZE) {
      throw new CeremonyError(DAMAGED);
    }
    for (let slot = 0; slot < width; slot++) {
      const point = decodePoint(bytes.subarray(slot * POINT_SIZE, (slot + 1) * POINT_SIZE));
      if (point === null) throw new CeremonyError(DAMAGED);
      sums[index][slot] = sums[index][slot].add(point);
    }
  }
  return sums;
}

/**
 * R of a sealed comment (crypto.sealing, version 2), only if its Schnorr proof
 * that the sender knew r with R = r·G verifies for this public key and
 * context (crypto.sealing.proven_sealed_text_ephemeral); null otherwise.
 */
export function provenCommentPoint(publicKey, sealed, context) {
  if (!(sealed instanceof Uint8Array) || sealed.length < 1 || sealed[0] !== TEXT_SEAL_VERSION) return null;
  const bodySize = sealed.length - TEXT_HEADER_SIZE - TAG_SIZE;
  if (bodySize < TEXT_PADDING_BLOCK || bodySize % TEXT_PADDING_BLOCK !== 0) return null;
  const ephemeralBytes = sealed.slice(1, 1 + POINT_SIZE);
  const ephemeral = decodePoint(ephemeralBytes);
  const challenge = canonicalScalar(sealed.slice(1 + POINT_SIZE, 1 + POINT_SIZE + SCALAR_SIZE));
  const response = canonicalScalar(sealed.slice(1 + POINT_SIZE + SCALAR_SIZE, TEXT_HEADER_SIZE));
  if (ephemeral === null || ephemeral.is0() || challenge === null || response === null) return null;
  const commitment = mulPublic(G(), response).subtract(mulPublic(ephemeral, challenge));
  const expected = hashToScalar(EPHEMERAL_KEY_DOMAIN, publicKey, context, ephemeralBytes,
    sealed.subarray(TEXT_HEADER_SIZE), commitment.toBytes());
  return expected === challenge ? ephemeralBytes : null;
}

const keyOf = (bytes) => String.fromCharCode.apply(null, bytes);

/** Every alpha of every ballot, as set keys; COUNTED_TWICE if one repeats. */
function distinctAlphas(alphas) {
  const seen = new Set();
  for (let at = 0; at < alphas.length; at += POINT_SIZE) {
    const key = keyOf(alphas.subarray(at, at + POINT_SIZE));
    if (seen.has(key)) throw new CeremonyError(COUNTED_TWICE);
    seen.add(key);
  }
  return seen;
}

/**
 * Refuse (CeremonyError, in words for the trustee) unless `targets` (bytes,
 * in decryption order) are exactly this check's approved sums, from
 * `partSums` (addPartSums), then its comments' proven points. onProgress is
 * called per comment checked.
 */
export function checkApproved(check, thresholdKeyBytes, targets, partSums, { onProgress = () => {} } = {}) {
  const { k, width, partSizes, groups, comments } = check;
  if (!Array.isArray(targets) || targets.length !== groups.length * width + comments.length) {
    throw new CeremonyError(NOT_THE_SUMS);
  }
  if (groups.length > 0 && groups[0].parts.length !== partSizes.length) throw new CeremonyError(NOT_THE_SUMS);
  for (const group of groups) {
    const ballots = group.parts.reduce((total, part) => total + partSizes[part], 0);
    if (ballots !== group.respondents) throw new CeremonyError(NOT_THE_SUMS);
    if (ballots < k) throw new CeremonyError(TOO_FEW);
  }
  if (groups.length > 0 && partSizes.length > 1 && partSizes.some((size) => size < k)) throw new CeremonyError(TOO_FEW);
  const alphas = distinctAlphas(check.alphas);
  groups.forEach((group, position) => {
    for (let slot = 0; slot < width; slot++) {
      let total = Point.ZERO;
      for (const part of group.parts) total = total.add(partSums[part][slot]);
      if (!equalBytes(total.toBytes(), targets[position * width + slot])) throw new CeremonyError(NOT_THE_SUMS);
    }
  });
  if (comments.length === 0) return;
  if (groups.length === 0 || groups[0].respondents < check.commentThreshold) throw new CeremonyError(TOO_FEW);
  const publicKey = thresholdPublicKey(thresholdKeyBytes);
  const points = new Set();
  onProgress(0, comments.length);
  comments.forEach((comment, i) => {
    const point = provenCommentPoint(publicKey, comment.sealed, comment.context);
    const target = targets[groups.length * width + i];
    if (point === null || !equalBytes(point, target) || points.has(keyOf(point)) || alphas.has(keyOf(point))) {
      throw new CeremonyError(NOT_A_COMMENT);
    }
    points.add(keyOf(point));
    onProgress(i + 1, comments.length);
  });
}
