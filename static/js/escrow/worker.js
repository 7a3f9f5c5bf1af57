// The escrow worker: a trustee's part in opening a story, away from the page so
// it stays responsive while scrypt runs. Started as new Worker(url, {type:
// "module"}). The passphrase is used here and never posted anywhere.
//
// `task` is what the server hands the trustee's page (organizer.escrow's
// TrusteeTask JSON): the story's terms, when the union was recognised (if it
// was), the sealed story, the union's key and the ceremony's public parts with
// this trustee's sealed secret.
//
// in  {id, type: "check", task, confirmed, now}
// out {id, type: "checked"}              the story may open by this device's clock
// in  {id, type: "open", task, confirmed, now, passphrase}
// out {id, type: "part", partial}        base64 PartialDecryption bytes, for the server
//
// Both check, before the passphrase is used, that the key is the one the
// ceremony made, that the sealed story's proof holds for the stated terms, and
// that its day has come (story.js) by the device's clock: `now` is the page's
// Date.now() (the same device's clock, read where a test can set it), and
// without it the worker reads its own. While working: {id, type: "progress",
// step: "unlock", done, total}. Any failure: {id, type: "error", message} in
// plain words.

import {
  CeremonyError, ceremonyContext, finalShare, fromBase64, jointKey, openPersonalKey, partialDecrypt,
  thresholdPublicKey, toBase64,
} from "../ceremony/dkg.js";
import { EscrowError, checkDue, partialsContext, readTerms, storyPointOrRefuse } from "./story.js";

const scope = globalThis.self;
const NOT_THIS_KEY = "This story was not sealed with the key this ceremony made, so this device will not help " +
  "open it. Nothing was sent: tell the organizers.";
const MALFORMED = "This step could not be done on this device. Reload the page and try again.";

function readTask(task, confirmed, now) {
  if (task === null || typeof task !== "object" || task.ceremony === null || typeof task.ceremony !== "object") {
    throw new EscrowError(MALFORMED);
  }
  const terms = readTerms(task.terms);
  const ceremony = task.ceremony;
  const key = fromBase64(task.threshold_key, "The union's key");
  const made = jointKey(ceremony.threshold, ceremony.trustee_count, ceremony.dealings).bytes;
  if (toBase64(made) !== task.threshold_key) throw new EscrowError(NOT_THIS_KEY);
  const point = storyPointOrRefuse(thresholdPublicKey(key), fromBase64(task.sealed, "The sealed story"), terms);
  checkDue(terms, task.recognised_on, confirmed, Number.isFinite(now) ? now : Date.now());
  return { terms, ceremony, key, point };
}

function check({ id, task, confirmed, now }) {
  readTask(task, confirmed, now);
  return { id, type: "checked" };
}

async function open({ id, task, confirmed, now, passphrase }) {
  const { terms, ceremony, key, point } = readTask(task, confirmed, now);
  if (typeof passphrase !== "string" || passphrase === "") throw new CeremonyError("Type your passphrase.");
  let last = -1;
  const secret = await openPersonalKey(fromBase64(ceremony.sealed_secret, "Your sealed key"), passphrase,
    ceremony.ceremony_id, ceremony.trustee_index, {
      onProgress: (fraction) => {
        const done = Math.floor(fraction * 100);
        if (done !== last) scope.postMessage({ id, type: "progress", step: "unlock", done: (last = done), total: 100 });
      },
    });
  const context = ceremonyContext(ceremony.ceremony_id, ceremony.threshold,
    ceremony.personal_keys.map((k, i) => fromBase64(k, `Trustee ${i + 1}'s key`)));
  const share = await finalShare(context, ceremony.dealings, ceremony.trustee_index, secret);
  const partial = partialDecrypt(key, share, point, partialsContext(terms));
  return { id, type: "part", partial: toBase64(partial) };
}

const handlers = { check, open };

function plainWords(error) {
  if (error instanceof EscrowError || error instanceof CeremonyError) return error.message;
  return MALFORMED;
}

scope.addEventListener("message", async (event) => {
  const message = event.data || {};
  const handler = handlers[message.type];
  try {
    if (handler === undefined) throw new EscrowError(MALFORMED);
    scope.postMessage(await handler(message));
  } catch (error) {
    scope.postMessage({ id: message.id, type: "error", message: plainWords(error) });
  }
});
