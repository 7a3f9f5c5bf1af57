// The reports' worker: scrypt, sealing and opening run here, away from the
// page, so it stays responsive. Started as new Worker(url, {type: "module"}).
// Byte fields are base64. A passphrase is used here and never posted
// anywhere; an opened secret stays here (until "forget" or the page closes)
// and is never posted back to the page. Messages:
//
// in  {id, type: "make_key", passphrase, context}      or reportId in the place of context: a member's key for it
// out {id, type: "made", publicKey, possessionProof, sealedSecret}   (all for the server; the secret stays here)
// in  {id, type: "unlock", passphrase, keys: [{sealedSecret, context}]}
// out {id, type: "unlocked", opened}       how many of the keys the passphrase opened (at least one)
// in  {id, type: "open", messages: [{sealed, context}]}
// out {id, type: "opened", texts: [text or null, ...]}   null: not sealed to an opened key
// in  {id, type: "seal", recipients: [base64], text, context}   or reportId and kind in the place of context
// out {id, type: "sealed", sealed}
// in  {id, type: "fingerprint", publicKey}   out {id, type: "fingerprint", fingerprint}
// in  {id, type: "forget"}                   out {id, type: "forgotten"}
//
// While working: {id, type: "progress", step: "protect"|"unlock"|"open"|"seal", done, total}.
// Any failure: {id, type: "error", message} (message in plain English, which the page translates).

import { base64Bytes, toBase64 } from "../crypto/common.js";
import {
  DAMAGED, ReportError, WRONG_PASSPHRASE, keyFingerprint, makeKey, memberKeyContext, messageContext, messageRecipients,
  openKey, openMessage, publicKeyOf, sealMessage,
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
  return { type: "unlocked", opened: count };
}

async function openAll({ id, messages }) {
  const texts = [];
  for (const [i, { sealed, context }] of (messages || []).entries()) {
    const message = bytes(sealed);
    const mine = (messageRecipients(message) || []).map(toBase64).find((key) => opened.has(key));
    texts.push(mine === undefined ? null : await openMessage(opened.get(mine), message, bytes(context)));
    scope.postMessage({ id, type: "progress", step: "open", done: i + 1, total: messages.length });
  }
  return { type: "opened", texts };
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
  async seal({ recipients, text, context, reportId, kind }) {
    const bound = reportId === undefined ? bytes(context) : messageContext(reportId, kind);
    const sealed = await sealMessage((recipients || []).map(bytes), text, bound);
    return { type: "sealed", sealed: toBase64(sealed) };
  },
  fingerprint: ({ publicKey }) => ({ type: "fingerprint", fingerprint: keyFingerprint(bytes(publicKey)) }),
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
