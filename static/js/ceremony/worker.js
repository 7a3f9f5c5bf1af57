// The key ceremony's worker: scrypt, the dealing, the check and the partial
// decryptions run here, away from the page, so it stays responsive. Started as
// new Worker(url, {type: "module"}). Byte fields are base64; the passphrase is
// used here and never posted anywhere. Messages:
//
// in  {id, type: "join", passphrase, ceremonyId, trusteeIndex}
// out {id, type: "joined", publicKey, possessionProof, sealedSecret}   (all for the server)
//
// The next three take the ceremony as the server gives it: {ceremonyId,
// trusteeIndex, threshold, personalKeys: [base64, trustee order], sealedSecret},
// and a passphrase unless this worker already opened that key (it keeps the
// opened key until "forget" or until the page closes).
// in  {id, type: "deal", ...ceremony}
// out {id, type: "dealt", dealing, fingerprint}
// in  {id, type: "check", ...ceremony, dealings: [dealing JSON, dealer order]}
// out {id, type: "checked", acknowledgement, fingerprint}     every share good
//  or {id, type: "complaint", complaint, fingerprint}          a bad share: post the complaint
// in  {id, type: "decrypt", ...ceremony, dealings, thresholdKey, targets: [base64], context, check, partSums}
// out {id, type: "decrypted", partials: [base64, same order as targets]}
//
// A decryption first checks what it is asked to decrypt (approved.js), before
// the passphrase is used: `check` is the server's DecryptionCheck JSON (its
// alphas as base64 or bytes), and `partSums` the part sums of its ballots from
// "sum" (when absent, this worker adds them up itself). "verify" does that
// check alone, so that a page can show its verdict before anyone types:
// in  {id, type: "sum", alphas: bytes of ballots first.., width, partSizes, first}
// out {id, type: "summed", parts: [[part index, bytes], ...]}
// in  {id, type: "verify", thresholdKey, targets, check, partSums}
// out {id, type: "verified"}
//
// in  {id, type: "fingerprint", ceremonyId, threshold, personalKeys}
// out {id, type: "fingerprint", fingerprint}       the code trustees compare with each other
// in  {id, type: "forget"}   out {id, type: "forgotten"}
//
// While working: {id, type: "progress", step: "unlock"|"protect"|"deal"|"check"|"decrypt"|"sum"|"comments",
// done, total}.
// Any failure: {id, type: "error", message, trustee} (message in plain words;
// trustee is the index of the trustee at fault, or null).

import { addPartSums, checkApproved, readCheck, sumBallots } from "./approved.js";
import {
  CeremonyError, ceremonyContext, ceremonyFingerprint, checkDealings, finalShare, fromBase64, jointKey,
  makeDealing, makePersonalKey, openPersonalKey, partialDecryptMany, toBase64,
} from "./dkg.js";

const scope = globalThis.self;
let unlocked = null; // {sealedSecret, ceremonyId, trusteeIndex, secret}
let verified = null; // the survey key and targets last checked against their ballots

function reporter(id, step) {
  let last = -1;
  return (done, total) => {
    if (done === last) return;
    last = done;
    scope.postMessage({ id, type: "progress", step, done, total });
  };
}

/** scrypt reports a fraction; the page gets whole percents. */
function fractionReporter(id, step) {
  const report = reporter(id, step);
  return (fraction) => report(Math.floor(fraction * 100), 100);
}

async function personalSecret({ id, passphrase, sealedSecret, ceremonyId, trusteeIndex }) {
  const same = unlocked && unlocked.sealedSecret === sealedSecret && unlocked.ceremonyId === ceremonyId &&
    unlocked.trusteeIndex === trusteeIndex;
  if (typeof passphrase !== "string" || passphrase === "") {
    if (same) return unlocked.secret;
    throw new CeremonyError("Type your passphrase.");
  }
  const secret = await openPersonalKey(fromBase64(sealedSecret, "Your sealed key"), passphrase, ceremonyId, trusteeIndex,
    { onProgress: fractionReporter(id, "unlock") });
  unlocked = { sealedSecret, ceremonyId, trusteeIndex, secret };
  return secret;
}

function contextOf({ ceremonyId, threshold, personalKeys }) {
  if (!Array.isArray(personalKeys)) throw new CeremonyError("The ceremony's keys are missing.");
  return ceremonyContext(ceremonyId, threshold, personalKeys.map((k, i) => fromBase64(k, `Trustee ${i + 1}'s key`)));
}

async function join(message) {
  const { id, passphrase, ceremonyId, trusteeIndex } = message;
  const made = await makePersonalKey(passphrase, ceremonyId, trusteeIndex, { onProgress: fractionReporter(id, "protect") });
  return {
    id, type: "joined", publicKey: toBase64(made.publicKey), possessionProof: toBase64(made.possessionProof),
    sealedSecret: toBase64(made.sealedSecret),
  };
}

async function deal(message) {
  const context = contextOf(message);
  const secret = await personalSecret(message);
  const keys = message.personalKeys.map((k) => fromBase64(k));
  const dealing = await makeDealing(context, message.threshold, message.trusteeIndex, keys, secret,
    { onProgress: reporter(message.id, "deal") });
  return { id: message.id, type: "dealt", dealing, fingerprint: ceremonyFingerprint(context) };
}

async function check(message) {
  const context = contextOf(message);
  const secret = await personalSecret(message);
  const result = await checkDealings(context, message.dealings, message.trusteeIndex, secret,
    { onProgress: reporter(message.id, "check") });
  const fingerprint = ceremonyFingerprint(context);
  if (result.complaint) return { id: message.id, type: "complaint", complaint: result.complaint, fingerprint };
  return { id: message.id, type: "checked", acknowledgement: result.acknowledgement, fingerprint };
}

const verifiedKey = ({ thresholdKey, targets }) => JSON.stringify([thresholdKey, targets]);

/** Refuse, in words, unless the targets are the check's approved sums and proven comment points. */
function checkTargets(message) {
  if (!Array.isArray(message.targets)) throw new CeremonyError("Nothing to decrypt was given.");
  if (verified === verifiedKey(message)) return;
  const check = readCheck(message.check);
  const pieces = message.partSums?.map(([part, sums]) => [part, typeof sums === "string" ? fromBase64(sums) : sums]) ??
    sumBallots({ alphas: check.alphas, width: check.width, partSizes: check.partSizes,
      onProgress: reporter(message.id, "sum") });
  const partSums = addPartSums(pieces, check.partSizes.length, check.width);
  checkApproved(check, fromBase64(message.thresholdKey, "The survey key"),
    message.targets.map((t) => fromBase64(t, "A value to decrypt")), partSums,
    { onProgress: reporter(message.id, "comments") });
  verified = verifiedKey(message);
}

function sum(message) {
  const alphas = typeof message.alphas === "string" ? fromBase64(message.alphas, "The ballots") : message.alphas;
  if (!(alphas instanceof Uint8Array)) throw new CeremonyError("Nothing to add up was given.");
  const parts = sumBallots({ alphas, width: message.width, partSizes: message.partSizes,
    first: message.first, onProgress: reporter(message.id, "sum") });
  return { id: message.id, type: "summed", parts };
}

function verify(message) {
  checkTargets(message);
  return { id: message.id, type: "verified" };
}

async function decrypt(message) {
  const context = contextOf(message);
  checkTargets(message);
  const secret = await personalSecret(message);
  const share = await finalShare(context, message.dealings, message.trusteeIndex, secret);
  const key = fromBase64(message.thresholdKey, "The survey key");
  const made = jointKey(message.threshold, message.personalKeys.length, message.dealings).bytes;
  if (toBase64(made) !== message.thresholdKey) throw new CeremonyError("This survey's key was not made by this ceremony.");
  const partials = partialDecryptMany(key, share, message.targets.map((t) => fromBase64(t, "A value to decrypt")),
    fromBase64(message.context, "The decryption context"), { onProgress: reporter(message.id, "decrypt") });
  return { id: message.id, type: "decrypted", partials: partials.map(toBase64) };
}

function fingerprint(message) {
  return { id: message.id, type: "fingerprint", fingerprint: ceremonyFingerprint(contextOf(message)) };
}

function forget({ id }) {
  unlocked = null;
  return { id, type: "forgotten" };
}

const handlers = { join, deal, check, decrypt, fingerprint, forget, sum, verify };

function plainWords(error) {
  if (error instanceof CeremonyError) return error.message;
  return "This step could not be done on this device. Reload the page and try again.";
}

scope.addEventListener("message", async (event) => {
  const message = event.data || {};
  const handler = handlers[message.type];
  try {
    if (handler === undefined) throw new CeremonyError("The ceremony was asked to do something it does not know.");
    scope.postMessage(await handler(message));
  } catch (error) {
    scope.postMessage({ id: message.id, type: "error", message: plainWords(error), trustee: error?.trustee ?? null });
  }
});
