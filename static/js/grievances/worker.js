// The reports' worker: scrypt, sealing and opening run here, away from the
// page, so it stays responsive. Started as new Worker(url, {type: "module"}).
// Byte fields are base64. A passphrase is used here and never posted
// anywhere; an opened secret stays here (until "forget" or the page closes)
// and is never posted back to the page. Messages:
//
// in  {id, type: "make_key", passphrase, context}      or reportId in the place of context: a member's key for it
// out {id, type: "made", publicKey, possessionProof, sealedSecret}   (all for the server; the secret stays here)
// in  {id, type: "unlock", passphrase, keys: [{sealedSecret, context}]}
// out {id, type: "unlocked", opened, publicKeys}   how many of the keys the passphrase opened (at least one),
//                                                  and their public keys
// in  {id, type: "open", messages: [{sealed, context, copies?: [base64]}]}   copies: further copies of its key
// out {id, type: "opened", texts: [text or null, ...]}   null: neither sealed nor copied to an opened key
// in  {id, type: "seal", recipients: [base64], text, context}   or reportId and kind in the place of context
// out {id, type: "sealed", sealed}
// in  {id, type: "reseal", messages: [{sealed, context, copies?: [base64], to: [base64]}]}
// out {id, type: "resealed", copies: [[base64, ...] or null, ...]}   a copy of each message's key for each
//     key of its `to`, signed by the opened key that holds it; null where no opened key holds the message
// in  {id, type: "fingerprint", publicKey}   out {id, type: "fingerprint", fingerprint}
// in  {id, type: "fingerprints", publicKeys} out {id, type: "fingerprints", fingerprints}
// in  {id, type: "forget"}                   out {id, type: "forgotten"}
//
// A message's content key is used here to open it or copy it, and never posted: only copies wrapped
// to another public key leave.
//
// While working: {id, type: "progress", step: "protect"|"unlock"|"open"|"seal"|"reseal", done, total}.
// Any failure: {id, type: "error", message} (message in plain English, which the page translates).

import { base64Bytes, toBase64 } from "../crypto/common.js";
import {
  DAMAGED, ReportError, WRONG_PASSPHRASE, contentKey, contentKeyFromRewrap, keyFingerprint, makeKey, memberKeyContext,
  messageContext, messageRecipients, openKey, openWithContentKey, publicKeyOf, rewrap, rewrapRecipient, sealMessage,
} from "./crypto.js";

const scope = globalThis.self;
/** Opened secrets, by their public key in base64. */
const opened = new Map();

function bytes(text) {
  const out = base64Bytes(text);
  if (out === null) throw new ReportError(DAMAGED);
  return out;
}

function fractionReporter(id, step) {
  let last = -1;
  return (fraction) => {
    const done = Math.floor(fraction * 100);
    if (done === last) return;
    last = done;
    scope.postMessage({ id, type: "progress", step, done, total: 100 });
  };
}

async function unlock({ id, passphrase, keys }) {
  if (typeof passphrase !== "string" || passphrase === "") throw new ReportError("Type your passphrase.");
  let count = 0;
  let lastError = null;
  for (const { sealedSecret, context } of keys || []) {
    try {
      const secret = await openKey(bytes(sealedSecret), passphrase, bytes(context), { onProgress: fractionReporter(id, "unlock") });
      opened.set(toBase64(publicKeyOf(secret)), secret);
      count += 1;
    } catch (error) {
      lastError = error;
    }
  }
  if (count === 0) throw lastError ?? new ReportError(WRONG_PASSPHRASE);
  return { type: "unlocked", opened: count, publicKeys: [...opened.keys()] };
}

/** The content key of a message and the opened key that holds it (as a recipient, or through a
 * further copy), or null when no opened key does. */
async function keyOf({ sealed, context, copies }) {
  const message = bytes(sealed);
  const bound = bytes(context);
  const mine = (messageRecipients(message) || []).map(toBase64).find((key) => opened.has(key));
  if (mine !== undefined) return { key: await contentKey(opened.get(mine), message, bound), holder: mine, message, bound };
  for (const copy of (copies || []).map(bytes)) {
    const recipient = rewrapRecipient(copy);
    const to = recipient === null ? undefined : toBase64(recipient);
    if (to !== undefined && opened.has(to)) {
      return { key: await contentKeyFromRewrap(opened.get(to), copy, message, bound), holder: to, message, bound };
    }
  }
  return null;
}

async function openAll({ id, messages }) {
  const texts = [];
  for (const [i, entry] of (messages || []).entries()) {
    const held = await keyOf(entry);
    texts.push(held === null ? null : await openWithContentKey(held.key, held.message, held.bound));
    scope.postMessage({ id, type: "progress", step: "open", done: i + 1, total: messages.length });
  }
  return { type: "opened", texts };
}

async function reseal({ id, messages }) {
  const copies = [];
  for (const [i, entry] of (messages || []).entries()) {
    const held = await keyOf(entry);
    if (held === null) copies.push(null);
    else {
      const made = [];
      for (const to of entry.to || []) {
        made.push(toBase64(await rewrap(opened.get(held.holder), held.key, held.message, held.bound, bytes(to))));
      }
      copies.push(made);
    }
    scope.postMessage({ id, type: "progress", step: "reseal", done: i + 1, total: messages.length });
  }
  return { type: "resealed", copies };
}

const handlers = {
  async make_key({ id, passphrase, context, reportId }) {
    const bound = reportId === undefined ? bytes(context) : memberKeyContext(reportId);
    const made = await makeKey(passphrase, bound, { onProgress: fractionReporter(id, "protect") });
    opened.set(toBase64(made.publicKey), made.secret);
    return { type: "made", publicKey: toBase64(made.publicKey), possessionProof: toBase64(made.possessionProof),
      sealedSecret: toBase64(made.sealedSecret) };
  },
  unlock,
  open: openAll,
  reseal,
  async seal({ recipients, text, context, reportId, kind }) {
    const bound = reportId === undefined ? bytes(context) : messageContext(reportId, kind);
    const sealed = await sealMessage((recipients || []).map(bytes), text, bound);
    return { type: "sealed", sealed: toBase64(sealed) };
  },
  fingerprint: ({ publicKey }) => ({ type: "fingerprint", fingerprint: keyFingerprint(bytes(publicKey)) }),
  fingerprints: ({ publicKeys }) => ({ type: "fingerprints",
    fingerprints: (publicKeys || []).map((key) => keyFingerprint(bytes(key))) }),
  forget() {
    opened.clear();
    return { type: "forgotten" };
  },
};

scope.addEventListener("message", async ({ data }) => {
  const { id, type } = data || {};
  try {
    const handler = handlers[type];
    if (!handler) throw new ReportError("Unknown request.");
    scope.postMessage({ id, ...(await handler(data)) });
  } catch (error) {
    scope.postMessage({ id, type: "error", message: error instanceof ReportError ? error.message : DAMAGED });
  }
});
