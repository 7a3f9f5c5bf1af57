// What a trustee's device checks before it helps open a story kept in escrow
// (crypto/escrow.py, whose docstring gives the format byte for byte):
//
// * that the sealed story's proof verifies for the union's key and for the
//   terms the page states, so the date the trustee is shown is the date the
//   story was sealed with (a server that changed it would break the proof),
//   and so the point it is asked to decrypt is the story's own, never a
//   ballot or a survey comment (those carry no proof in this domain);
// * that the day has come, by this device's own clock, in the union's time
//   zone as the terms say; for a story that opens when the union is
//   recognised, that the server says it was and the trustee confirms it.
//
// No DOM: it runs in the escrow worker and under node.

import {
  G, POINT_SIZE, SCALAR_SIZE, bytesOf, canonicalScalar, decodePoint, frame, hashToScalar, mulPublic,
} from "../crypto/common.js";

const TERMS_DOMAIN = bytesOf("leverage/escrow/terms/v1");
const PARTIALS_DOMAIN = bytesOf("leverage/escrow/partials/v1");
const PROOF_DOMAIN = bytesOf("proof/knowledge-of-escrow-story-ephemeral-key/v1");
const RECOGNISED = bytesOf("recognised");
export const STORY_SEAL_VERSION = 1;
const STORY_HEADER_SIZE = 1 + POINT_SIZE + 2 * SCALAR_SIZE;
const STORY_PADDING_BLOCK = 256;
const TAG_SIZE = 16;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const BAD_TERMS = "This story's terms are damaged. Reload the page; if it happens again, tell the organizers.";
export const NOT_THIS_STORY = "What this device was given is not the story sealed on these terms, so it will not " +
  "help open it. Nothing was sent: tell the organizers.";
export const NOT_YET = "By this device's clock the story's day has not come, so it will not help open it. " +
  "Nothing was sent.";
export const NOT_RECOGNISED = "This story opens when the union is recognised, and nobody has recorded that yet, " +
  "so this device will not help open it. Nothing was sent.";
export const CONFIRM_RECOGNITION = "Tick the box to say you know the union has been recognised.";

/** A refusal in plain words, for the trustee. */
export class EscrowError extends Error {}

/** The terms as the server states them (JSON), checked as crypto.escrow.StoryTerms checks them. */
export function readTerms(json) {
  const refuse = () => new EscrowError(BAD_TERMS);
  if (json === null || typeof json !== "object") throw refuse();
  const { story_id: storyId, union_id: unionId, opens_on: opensOn, when_recognised: whenRecognised,
    time_zone: timeZone } = json;
  if (typeof storyId !== "string" || !/^[0-9a-f]{32}$/.test(storyId)) throw refuse();
  if (!Number.isSafeInteger(unionId) || unionId < 1 || unionId >= 2 ** 31) throw refuse();
  if (typeof whenRecognised !== "boolean") throw refuse();
  if (whenRecognised ? opensOn !== null : !(typeof opensOn === "string" && DAY.test(opensOn))) throw refuse();
  if (typeof timeZone !== "string" || !/^[A-Za-z0-9_+\-/]{1,64}$/.test(timeZone)) throw refuse();
  return { storyId, unionId, opensOn, whenRecognised, timeZone };
}

/** StoryTerms.context(). */
export function termsContext(terms) {
  const condition = terms.whenRecognised ? RECOGNISED : bytesOf(`on:${terms.opensOn}`);
  return frame(TERMS_DOMAIN, bytesOf(terms.storyId), bytesOf(String(terms.unionId)), condition,
    bytesOf(terms.timeZone));
}

/** StoryTerms.partials_context(): what a trustee's partial decryption is proven under. */
export function partialsContext(terms) {
  return frame(PARTIALS_DOMAIN, termsContext(terms));
}

/**
 * R of a sealed story (crypto.escrow.proven_story_point), only if its proof
 * that the sealer knew r with R = r·G verifies for this public key (32 bytes)
 * and these terms; null otherwise.
 */
export function provenStoryPoint(publicKey, sealed, terms) {
  if (!(sealed instanceof Uint8Array) || sealed.length < STORY_HEADER_SIZE + STORY_PADDING_BLOCK + TAG_SIZE) {
    return null;
  }
  const bodySize = sealed.length - STORY_HEADER_SIZE - TAG_SIZE;
  if (sealed[0] !== STORY_SEAL_VERSION || bodySize % STORY_PADDING_BLOCK !== 0) return null;
  const ephemeralBytes = sealed.slice(1, 1 + POINT_SIZE);
  const ephemeral = decodePoint(ephemeralBytes);
  const challenge = canonicalScalar(sealed.slice(1 + POINT_SIZE, 1 + POINT_SIZE + SCALAR_SIZE));
  const response = canonicalScalar(sealed.slice(1 + POINT_SIZE + SCALAR_SIZE, STORY_HEADER_SIZE));
  if (ephemeral === null || ephemeral.is0() || challenge === null || response === null) return null;
  const commitment = mulPublic(G(), response).subtract(mulPublic(ephemeral, challenge));
  const expected = hashToScalar(PROOF_DOMAIN, publicKey, termsContext(terms), ephemeralBytes,
    sealed.subarray(STORY_HEADER_SIZE), commitment.toBytes());
  return expected === challenge ? ephemeralBytes : null;
}

/** Today's date, YYYY-MM-DD, in the time zone, by this device's clock (`now`: milliseconds since 1970). */
export function localToday(timeZone, now = Date.now()) {
  let parts;
  try {
    parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(new Date(now));
  } catch (_) {
    throw new EscrowError(BAD_TERMS);
  }
  const part = (type) => parts.find((p) => p.type === type)?.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/**
 * Refuse (EscrowError, in words) unless the story may open now: its date has
 * come in its time zone by this device's clock, or, for a story that opens
 * when the union is recognised, the server states a day of recognition that
 * has come and the trustee `confirmed` it.
 */
export function checkDue(terms, recognisedOn, confirmed, now = Date.now()) {
  const today = localToday(terms.timeZone, now);
  if (!terms.whenRecognised) {
    // ISO days compare as text.
    if (terms.opensOn > today) throw new EscrowError(NOT_YET);
    return;
  }
  if (typeof recognisedOn !== "string" || !DAY.test(recognisedOn)) throw new EscrowError(NOT_RECOGNISED);
  if (recognisedOn > today) throw new EscrowError(NOT_YET);
  if (confirmed !== true) throw new EscrowError(CONFIRM_RECOGNITION);
}

/** The story's point, refused in words unless its proof holds for the key and terms. */
export function storyPointOrRefuse(publicKey, sealed, terms) {
  const point = provenStoryPoint(publicKey, sealed, terms);
  if (point === null) throw new EscrowError(NOT_THIS_STORY);
  return point;
}
